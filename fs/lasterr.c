#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lasterr.h"

/*
 * Processes come and go; the table keeps the most recent ones and forgets
 * the least recently failed when full, so it cannot grow without bound.
 */
#define LASTERR_SLOTS 64

struct slot {
	pid_t tgid;
	unsigned long seq;
	struct burn_error e;
};

struct lasterr {
	pthread_mutex_t mu;
	unsigned long seq;
	struct burn_error mount;
	struct slot slots[LASTERR_SLOTS];
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

void
lasterr_set(struct lasterr *le, pid_t tgid, const struct burn_error *e)
{
	struct slot *victim = &le->slots[0];

	pthread_mutex_lock(&le->mu);
	le->mount = *e;
	for (size_t i = 0; i < LASTERR_SLOTS; i++) {
		struct slot *s = &le->slots[i];

		if (s->tgid == tgid) {
			victim = s;
			break;
		}
		if (s->seq < victim->seq)
			victim = s;
	}
	victim->tgid = tgid;
	victim->seq = ++le->seq;
	victim->e = *e;
	pthread_mutex_unlock(&le->mu);
}

void
lasterr_get(struct lasterr *le, pid_t tgid, struct burn_error *out)
{
	pthread_mutex_lock(&le->mu);
	*out = le->mount;
	for (size_t i = 0; i < LASTERR_SLOTS; i++) {
		if (le->slots[i].seq && le->slots[i].tgid == tgid) {
			*out = le->slots[i].e;
			break;
		}
	}
	pthread_mutex_unlock(&le->mu);
}

pid_t
lasterr_tgid(pid_t tid)
{
	char path[64], line[128];
	pid_t tgid = tid;
	FILE *f;

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
