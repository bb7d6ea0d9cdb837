/*
 * The medium watch (doc/design.md "Drive state"): a thread that asks the
 * drive for media events every few seconds with GET EVENT STATUS
 * NOTIFICATION in polled mode, as the kernel and udisks do, and tells its
 * caller when the medium was inserted, removed or changed (or the tray
 * moved) behind the daemon's back, after forgetting every kept answer.
 * A drive that does not answer GET EVENT STATUS NOTIFICATION is watched with
 * TEST UNIT READY instead. While the write engine holds the drive it asks
 * nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recorder-private.h"

struct recorder_watch {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool stop;
	unsigned interval_ms;
	void (*changed)(void *arg);
	void *arg;
	bool known;		/* the last look below is set */
	bool present, tray_open, ready;
	bool no_gesn;		/* the drive refused GET EVENT STATUS NOTIFICATION */
};

/* One look at the drive; true when its medium changed since the last one. r->mu held. */
static bool
look_locked(struct recorder *r, struct recorder_watch *w)
{
	struct mmc_media_event ev;
	struct mmc_cmd cmd;
	uint8_t buf[8];
	bool changed;

	pthread_mutex_lock(&r->cache_mu);
	changed = r->attention;
	r->attention = false;
	pthread_mutex_unlock(&r->cache_mu);
	if (!w->no_gesn) {
		memset(buf, 0, sizeof(buf));
		mmc_build_get_event_status(&cmd, 0x10, buf, sizeof(buf));
		if (recorder_send_locked(r, &cmd) == 0 && cmd.status == MMC_STATUS_GOOD &&
		    mmc_parse_media_event(buf, cmd.xfer, &ev) == 0 && !ev.no_event_available) {
			changed |= ev.event >= 2 && ev.event <= 4;	/* new, removed, changed */
			changed |= w->known && (ev.present != w->present ||
						ev.tray_open != w->tray_open);
			w->present = ev.present;
			w->tray_open = ev.tray_open;
			w->known = true;
			return changed;
		}
		if (cmd.status != MMC_STATUS_GOOD)
			w->no_gesn = true;
	}
	/* TEST UNIT READY straight to the drive: the cache would answer for it */
	mmc_build_test_unit_ready(&cmd);
	if (r->t->ops->exec(r->t, &cmd) == 0) {
		bool ready = cmd.status == MMC_STATUS_GOOD;

		pthread_mutex_lock(&r->cache_mu);
		r->sent[cmd.cdb[0]]++;
		pthread_mutex_unlock(&r->cache_mu);
		changed |= w->known && ready != w->ready;
		w->ready = ready;
		w->known = true;
	}
	return changed;
}

static void *
watch_main(void *arg)
{
	struct recorder *r = arg;
	struct recorder_watch *w = r->watch;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		struct timespec until;
		bool changed = false;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += w->interval_ms / 1000;
		until.tv_nsec += (long)(w->interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!w->stop && pthread_cond_timedwait(&w->cond, &w->mu, &until) != ETIMEDOUT)
			;
		if (w->stop)
			break;
		pthread_mutex_unlock(&w->mu);
		pthread_mutex_lock(&r->mu);
		if (!recorder_held(r)) {
			changed = look_locked(r, w);
			if (changed)
				recorder_forget_locked(r);
		}
		pthread_mutex_unlock(&r->mu);
		if (changed)
			w->changed(w->arg);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
recorder_watch_start(struct recorder *r, unsigned interval_ms, void (*changed)(void *arg),
		     void *arg, struct burn_error *err)
{
	struct recorder_watch *w;
	pthread_condattr_t ca;
	int ret;

	if (r->watch || !interval_ms)
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the medium watch");
	w->interval_ms = interval_ms;
	w->changed = changed;
	w->arg = arg;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	/* the first look sets what later ones compare with */
	pthread_mutex_lock(&r->mu);
	(void)look_locked(r, w);
	r->watch = w;
	pthread_mutex_unlock(&r->mu);
	ret = pthread_create(&w->thread, NULL, watch_main, r);
	if (ret) {
		r->watch = NULL;
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return burn_error_set(err, BURN_E_FAIL, "cannot start the medium watch: %s",
				      strerror(ret));
	}
	return 0;
}

void
recorder_watch_stop(struct recorder *r)
{
	struct recorder_watch *w = r->watch;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	r->watch = NULL;
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
