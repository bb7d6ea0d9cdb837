#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lasterr.h"

/*
 * Processes come and go; the table keeps the most recent ones and forgets
 * the least recently failed when full, so it cannot grow without bound.
 */
#define LASTERR_SLOTS 64
#define LASTERR_USERS 16

struct slot {
	pid_t tgid;		/* a process; or unused in the users' table */
	uid_t uid;
	unsigned long seq;	/* 0: empty */
	struct burn_error e;
};

struct lasterr {
	pthread_mutex_t mu;
	unsigned long seq;
	struct slot procs[LASTERR_SLOTS];
	struct slot users[LASTERR_USERS];
};

struct lasterr *
lasterr_create(void)
{
	struct lasterr *le = calloc(1, sizeof(*le));

	if (le)
		pthread_mutex_init(&le->mu, NULL);
	return le;
}

void
lasterr_destroy(struct lasterr *le)
{
	if (!le)
		return;
	pthread_mutex_destroy(&le->mu);
	free(le);
}

/* The slot @match picks in @slots, else the least recently used one. */
static struct slot *
slot_for(struct slot *slots, size_t n, const struct lasterr_who *who, bool by_process)
{
	struct slot *victim = &slots[0];

	for (size_t i = 0; i < n; i++) {
		struct slot *s = &slots[i];

		if (s->seq && s->uid == who->uid && (!by_process || s->tgid == who->tgid))
			return s;
		if (s->seq < victim->seq)
			victim = s;
	}
	return victim;
}

static void
slot_store(struct lasterr *le, struct slot *s, const struct lasterr_who *who,
	   const struct burn_error *e)
{
	s->tgid = who->tgid;
	s->uid = who->uid;
	s->seq = ++le->seq;
	s->e = *e;
}

void
lasterr_set(struct lasterr *le, const struct lasterr_who *who, const struct burn_error *e)
{
	pthread_mutex_lock(&le->mu);
	slot_store(le, slot_for(le->procs, LASTERR_SLOTS, who, true), who, e);
	slot_store(le, slot_for(le->users, LASTERR_USERS, who, false), who, e);
	pthread_mutex_unlock(&le->mu);
}

void
lasterr_get(struct lasterr *le, const struct lasterr_who *who, struct burn_error *out)
{
	struct slot *s;

	burn_error_clear(out);
	pthread_mutex_lock(&le->mu);
	s = slot_for(le->procs, LASTERR_SLOTS, who, true);
	if (!s->seq || s->uid != who->uid || s->tgid != who->tgid)
		s = slot_for(le->users, LASTERR_USERS, who, false);
	if (s->seq && s->uid == who->uid)
		*out = s->e;
	pthread_mutex_unlock(&le->mu);
}

/*
 * Whether @tid leads its thread group, asked without reading /proc:
 * pidfd_open() refuses a thread that does not (EINVAL). 1 yes, 0 no, -1 the
 * kernel cannot say (no pidfd_open, or @tid is gone).
 */
static int
leads_group(pid_t tid)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, tid, 0);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == EINVAL ? 0 : -1;
#else
	(void)tid;
	return -1;
#endif
}

pid_t
lasterr_tgid(pid_t tid)
{
	char path[64], line[128];
	pid_t tgid = tid;
	FILE *f;

	/* most callers are single-threaded shell tools: one system call, not a file */
	if (leads_group(tid) == 1)
		return tid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return tid;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Tgid:", 5) == 0) {
			tgid = (pid_t)strtol(line + 5, NULL, 10);
			break;
		}
	}
	fclose(f);
	return tgid > 0 ? tgid : tid;
}
