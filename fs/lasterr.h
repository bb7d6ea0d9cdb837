/*
 * last_error: the last failure of each calling process on this mount,
 * and of the mount as a whole for processes that have none (DESIGN §2).
 */
#pragma once

#include <sys/types.h>

#include "result.h"

struct lasterr;

struct lasterr *lasterr_create(void);
void lasterr_destroy(struct lasterr *le);

/* Records @e as the last failure of process @tgid and of the mount. */
void lasterr_set(struct lasterr *le, pid_t tgid, const struct burn_error *e);

/*
 * Copies the failure to show process @tgid into @out: its own, else the
 * mount's; result BURN_S_OK when there was none.
 */
void lasterr_get(struct lasterr *le, pid_t tgid, struct burn_error *out);

/* The thread group (process) of thread @tid, from /proc; @tid if unknown. */
pid_t lasterr_tgid(pid_t tid);
