/*
 * last_error: the last failure of each calling process on this mount, and
 * for a process that has none, the last failure of its user (doc/design.md §2).
 * One user never sees another's failures: a reason can name their files.
 */
#pragma once

#include <sys/types.h>

#include "result.h"

struct lasterr;

/* Who asks or failed: the calling thread's process and its user. */
struct lasterr_who {
	pid_t tgid;
	uid_t uid;
};

struct lasterr *lasterr_create(void);
void lasterr_destroy(struct lasterr *le);

/* Records @e as the last failure of @who's process and of its user. */
void lasterr_set(struct lasterr *le, const struct lasterr_who *who, const struct burn_error *e);

/*
 * Copies the failure to show @who into @out: its process's own (when that
 * process is still the same user's), else its user's last one; result
 * BURN_S_OK when there was none.
 */
void lasterr_get(struct lasterr *le, const struct lasterr_who *who, struct burn_error *out);

/* The thread group (process) of thread @tid; @tid if unknown. */
pid_t lasterr_tgid(pid_t tid);
