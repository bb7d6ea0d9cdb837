/*
 * ctl blank: erasing a CD-RW (IDiscFormat2Erase's job) next to the raw
 * writer, which it shares exclusive access and progress with.
 */
#include "config.h"

#include <pthread.h>
#include <time.h>

#include "rawcd-private.h"

/* How often a running BLANK is asked how far it got. */
#define BLANK_POLL_MS 100

/* Checks and starts a BLANK with IMMED; the drive then works on its own. Lock held. */
static int
blank_start_locked(struct rawcd *w, bool full, struct burn_error *err)
{
	struct recorder_media m;
	struct mmc_cmd cmd;
	int ret;

	if (w->blanking)
		return burn_error_set(err, BURN_E_MEDIA_BUSY, "the disc is being blanked");
	ret = rawcd_begin_exclusive_locked(w, err);
	if (ret < 0)
		return ret;
	ret = recorder_media(w->rec, &m, err);
	if (ret < 0)
		goto out_release;
	if (!m.present) {
		ret = burn_error_set(err, BURN_E_MEDIA_NO_MEDIA, "there is no disc in %s",
				     recorder_device(w->rec));
		goto out_release;
	}
	if (m.profile != MMC_PROFILE_CDRW) {
		ret = burn_error_set(err, BURN_E_MEDIA_IS_NOT_SUPPORTED,
				     "only a CD-RW can be blanked; the disc is %s", m.type);
		goto out_release;
	}
	mmc_build_blank(&cmd, full ? 0 : 1, true);
	ret = recorder_exec(w->rec, &cmd, err);
	if (ret < 0)
		goto out_release;
	w->blanking = true;
	w->blank_progress = 0;
	clock_gettime(CLOCK_MONOTONIC, &w->blank_started);
	return 0;
out_release:
	recorder_release(w->rec, NULL);
	return ret;
}

/*
 * Polls a BLANK with IMMED until the drive is ready, publishing its
 * progress (the sense-key specific bytes of "operation in progress",
 * doc/reference/mmc.md §3) the way libburn reads it. Runs without w->mu.
 */
static int
blank_wait(struct rawcd *w, struct burn_error *err)
{
	for (long waited = 0; waited < MMC_TIMEOUT_LONG_MS; waited += BLANK_POLL_MS) {
		struct timespec ts = { 0, BLANK_POLL_MS * 1000000L };
		struct mmc_sense sense;
		struct mmc_cmd cmd;
		uint8_t buf[18];
		int ret;

		mmc_build_test_unit_ready(&cmd);
		ret = recorder_exec(w->rec, &cmd, err);
		if (ret == 0)
			return 0;
		if (!err || err->result != BURN_E_MEDIA_BUSY)
			return ret;
		mmc_build_request_sense(&cmd, buf, sizeof(buf));
		if (recorder_exec(w->rec, &cmd, NULL) == 0 &&
		    mmc_sense_parse(buf, cmd.xfer, &sense) == 0 && sense.has_progress) {
			__atomic_store_n(&w->blank_progress, sense.progress, __ATOMIC_SEQ_CST);
			rawcd_progress_changed(w);
		}
		nanosleep(&ts, NULL);
	}
	return burn_error_set(err, BURN_E_COMMAND_TIMEOUT, "the drive was still blanking after %d s",
			      MMC_TIMEOUT_LONG_MS / 1000);
}

int
rawcd_blank(struct rawcd *w, bool full, struct burn_error *err)
{
	int ret;

	pthread_mutex_lock(&w->mu);
	ret = blank_start_locked(w, full, err);
	pthread_mutex_unlock(&w->mu);
	if (ret < 0)
		return ret;
	rawcd_progress_changed(w);
	recorder_hold(w->rec, true);	/* the mount's files ask the drive nothing meanwhile */
	ret = blank_wait(w, err);
	recorder_hold(w->rec, false);
	pthread_mutex_lock(&w->mu);
	w->blanking = false;
	recorder_release(w->rec, NULL);
	pthread_mutex_unlock(&w->mu);
	rawcd_progress_changed(w);
	return ret;
}

void
rawcd_blank_progress_locked(struct rawcd *w, struct rawcd_progress *p)
{
	struct timespec now;
	double elapsed;
	unsigned done = __atomic_load_n(&w->blank_progress, __ATOMIC_SEQ_CST);

	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = (double)(now.tv_sec - w->blank_started.tv_sec) +
		  (double)(now.tv_nsec - w->blank_started.tv_nsec) / 1e9;
	/* a blank's progress is the drive's 0..65535 fraction */
	p->action = RAWCD_ACTION_BLANKING;
	p->sector_count = 65536;
	p->last_written_lba = (int32_t)done;
	p->elapsed_s = (uint32_t)elapsed;
	if (done > 0)
		p->remaining_s = (uint32_t)(elapsed * (65536.0 - done) / done + 0.5);
}
