/*
 * The write session (rawcd.h): one writer of the stream from its open to
 * its end. The decisions that the state allows (prepare or not, end the
 * write or release) are taken under the writer's lock, so ctl prepare,
 * release or cancel on another thread cannot change the state between a
 * look and the act.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>

#include "rawcd-private.h"

int
rawcd_session_begin(struct rawcd *w, const char *name, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&w->mu);
	if (w->session_name[0]) {
		ret = burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				     "another writer has %s open; one burn at a time",
				     w->session_name);
	} else {
		/* the name is also the mark of an open session: never empty */
		snprintf(w->session_name, sizeof(w->session_name), "%s",
			 name[0] ? name : "the stream");
		w->session_prepared = false;
	}
	pthread_mutex_unlock(&w->mu);
	return ret;
}

int
rawcd_session_end(struct rawcd *w, int ret, struct burn_error *err)
{
	bool end_write;

	pthread_mutex_lock(&w->mu);
	end_write = w->state == RAWCD_WRITING;
	if (!end_write) {
		/* nothing was written: give back what this session took */
		if (w->session_prepared && w->state == RAWCD_PREPARED)
			rawcd_release_locked(w);
		w->session_name[0] = '\0';
	}
	pthread_mutex_unlock(&w->mu);
	if (end_write) {
		struct burn_error e;
		int r = rawcd_end_write(w, &e);

		if (r < 0 && ret == 0) {
			ret = r;
			if (err)
				*err = e;
		}
		pthread_mutex_lock(&w->mu);
		w->session_name[0] = '\0';
		pthread_mutex_unlock(&w->mu);
	}
	return ret;
}

bool
rawcd_session_name(struct rawcd *w, char *buf, size_t size)
{
	return rawcd_text_copy(w, w->session_name, buf, buf ? size : 0) > 0;
}
