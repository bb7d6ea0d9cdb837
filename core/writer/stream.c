/*
 * The write engine (stream.h): the drive's side of a burn. The stream's
 * checks are the checker's (stream-check.c); what comes here has passed.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "digest.h"
#include "stream.h"

/*
 * 2048 sectors are 5 MB of cooked stream: about 15 s of drive time at 4x
 * and 1.5 s at 48x, room for a producer's hiccup without an underrun.
 */
#define FIFO_DEFAULT_SECTORS 2048

/* How often progress wakes pollers while the data flows. */
#define NOTIFY_INTERVAL_NS 100000000L

/* Drives report "long write in progress" while they flush; poll this often. */
#define READY_POLL_MS 50

struct burn_stream {
	struct burn_stream_params p;
	unsigned sector_size;

	pthread_mutex_t mu;
	pthread_cond_t cond;
	pthread_t thread;
	bool thread_started;

	/* producer side: the checked stream */
	uint64_t received;		/* whole sectors taken from the checker */
	uint64_t skipped;		/* ... of which before the drive's NWA */
	bool toc_ready;
	uint64_t expected;		/* sectors the TOC declares, lead-in included */
	struct burn_digest *digest;	/* with p.verify, once the TOC is known */
	int stop_verify;		/* atomic: set by burn_stream_cancel() */
	struct timespec verify_started;

	/* the FIFO of whole sectors, a ring */
	uint8_t *fifo;
	size_t cap;
	size_t head;			/* next free slot */
	size_t tail;			/* next sector to send */
	size_t count;
	size_t batch;			/* sectors per WRITE (recorder_max_transfer(), at most cap) */
	unsigned draining;		/* burn_stream_drain() callers: send what there is */

	/* the drive side */
	int32_t next_lba;
	uint64_t written;
	bool in_flight;			/* a WRITE is running */

	/* ending */
	bool eos;
	bool cancelled;
	bool failed;
	struct burn_error failure;

	struct timespec started;
	struct timespec last_notify;
	enum rawcd_action action;
};

static double
seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void
notify(struct burn_stream *s, bool force)
{
	struct timespec now;
	bool due;

	if (!s->p.notify)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&s->mu);
	due = force || (now.tv_sec - s->last_notify.tv_sec) * 1000000000L +
				   (now.tv_nsec - s->last_notify.tv_nsec) >= NOTIFY_INTERVAL_NS;
	if (due)
		s->last_notify = now;
	pthread_mutex_unlock(&s->mu);
	if (due)
		s->p.notify(s->p.notify_ctx);
}

/* Records the first failure and wakes everyone; returns its errno. Lock held. */
static int
fail_locked(struct burn_stream *s, const struct burn_error *e)
{
	if (!s->failed) {
		s->failed = true;
		s->failure = *e;
	}
	pthread_cond_broadcast(&s->cond);
	return -burn_result_info(s->failure.result)->err;
}

static int
failure_locked(struct burn_stream *s, struct burn_error *err)
{
	if (s->cancelled)
		return burn_error_set(err, BURN_E_REQUEST_CANCELLED, RAWCD_WHY_CANCELLED);
	if (err)
		*err = s->failure;
	return -burn_result_info(s->failure.result)->err;
}

/* ---- the writer thread ---- */

/*
 * Whether the writer thread sends a WRITE now: a whole batch is in, or
 * what is in is all there will be for a while (the stream's end, its last
 * sector, a drain). A WRITE per sector as the stream trickles in would cost
 * a command each. Lock held.
 */
static bool
write_due_locked(const struct burn_stream *s)
{
	if (s->count == 0 || !s->toc_ready)
		return false;
	return s->count >= s->batch || s->eos || s->draining || s->received >= s->expected;
}

static void *
writer_main(void *arg)
{
	struct burn_stream *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct burn_error e;
		struct mmc_cmd cmd;
		size_t n;
		int32_t lba;
		uint8_t *data;
		int ret;

		if (s->failed || s->cancelled)
			break;
		if (!write_due_locked(s)) {
			if (s->eos)
				break;
			pthread_cond_wait(&s->cond, &s->mu);
			continue;
		}
		n = s->count;
		if (n > s->cap - s->tail)
			n = s->cap - s->tail;	/* contiguous in the ring */
		if (n > s->batch)
			n = s->batch;
		lba = s->next_lba;
		data = s->fifo + s->tail * s->sector_size;
		s->in_flight = true;
		s->action = RAWCD_ACTION_WRITING;
		pthread_mutex_unlock(&s->mu);

		mmc_build_write10(&cmd, lba, (uint16_t)n, data, n * s->sector_size);
		ret = recorder_exec(s->p.rec, &cmd, &e);

		pthread_mutex_lock(&s->mu);
		s->in_flight = false;
		if (ret < 0) {
			char why[BURN_REASON_MAX];

			snprintf(why, sizeof(why), "%s", e.reason);
			burn_error_set(&e, e.result, "writing LBA %d..%d: %s", (int)lba,
				       (int)(lba + (int32_t)n - 1), why);
			fail_locked(s, &e);
			break;
		}
		s->tail = (s->tail + n) % s->cap;
		s->count -= n;
		s->next_lba += (int32_t)n;
		s->written += n;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->mu);
		notify(s, false);
		pthread_mutex_lock(&s->mu);
	}
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
burn_stream_start(const struct burn_stream_params *p, struct burn_stream **out,
		  struct burn_error *err)
{
	struct burn_stream *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the write engine");
	s->p = *p;
	s->sector_size = cd_sector_type_size(p->type);
	s->cap = p->fifo_sectors ? p->fifo_sectors : FIFO_DEFAULT_SECTORS;
	s->batch = recorder_max_transfer(p->rec) / s->sector_size;
	if (s->batch > UINT16_MAX)
		s->batch = UINT16_MAX;	/* WRITE(10)'s transfer length */
	if (s->batch > s->cap)
		s->batch = s->cap;
	s->next_lba = p->nwa;
	s->action = RAWCD_ACTION_PREPARING;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cond, NULL);
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	s->fifo = malloc(s->cap * s->sector_size);
	if (!s->fifo) {
		ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a %zu-sector FIFO",
				     s->cap);
		goto out_free;
	}
	ret = pthread_create(&s->thread, NULL, writer_main, s);
	if (ret != 0) {
		ret = burn_error_set(err, BURN_E_FAIL, "cannot start the writer thread: %s",
				     strerror(ret));
		goto out_free;
	}
	s->thread_started = true;
	*out = s;
	return 0;
out_free:
	burn_stream_destroy(s);
	return ret;
}

int
burn_stream_toc(struct burn_stream *s, const struct image_toc *toc, uint64_t expected,
		struct burn_error *err)
{
	struct burn_error e;
	int ret = 0;

	pthread_mutex_lock(&s->mu);
	if (s->failed || s->cancelled) {
		ret = failure_locked(s, err);
		goto out;
	}
	s->expected = expected;
	/* the one check of the TOC that depends on the disc: does it fit */
	if (toc->leadout_lba > s->p.last_leadout) {
		burn_error_set(&e, BURN_E_NOT_ENOUGH_SPACE,
			       "the stream's TOC puts the lead-out at LBA %d, past this disc's last possible lead-out at LBA %d",
			       (int)toc->leadout_lba, (int)s->p.last_leadout);
		fail_locked(s, &e);
		ret = failure_locked(s, err);
		goto out;
	}
	if (s->p.verify && burn_digest_create(toc, &s->digest, &e) < 0) {
		fail_locked(s, &e);
		ret = failure_locked(s, err);
		goto out;
	}
	s->toc_ready = true;
	pthread_cond_broadcast(&s->cond);
out:
	pthread_mutex_unlock(&s->mu);
	return ret;
}

/* One whole checked sector at @lba. Lock held; may wait for FIFO room. */
static int
take_sector_locked(struct burn_stream *s, const uint8_t *sector, int32_t lba)
{
	s->received++;
	if (s->digest)
		burn_digest_add(s->digest, lba, sector, s->p.type);
	if (lba < s->p.nwa) {
		/* before the media's own lead-in: IMAPI skips these too */
		s->skipped++;
		return 0;
	}
	while (s->count == s->cap && !s->failed && !s->cancelled) {
		struct burn_error e;

		if (!s->toc_ready) {
			burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
				       "no complete table of contents in the first %zu sectors of the lead-in",
				       s->cap);
			return fail_locked(s, &e);
		}
		pthread_cond_wait(&s->cond, &s->mu);
	}
	if (s->failed || s->cancelled)
		return failure_locked(s, NULL);
	memcpy(s->fifo + s->head * s->sector_size, sector, s->sector_size);
	s->head = (s->head + 1) % s->cap;
	s->count++;
	if (write_due_locked(s))
		pthread_cond_broadcast(&s->cond);
	return 0;
}

int
burn_stream_put(struct burn_stream *s, const uint8_t *sectors, size_t n, int32_t lba,
		struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = take_sector_locked(s, sectors + i * s->sector_size, lba + (int32_t)i);
	if (ret < 0)
		ret = failure_locked(s, err);
	pthread_mutex_unlock(&s->mu);
	notify(s, false);
	return ret;
}

void
burn_stream_fail(struct burn_stream *s, const struct burn_error *e)
{
	pthread_mutex_lock(&s->mu);
	fail_locked(s, e);
	pthread_mutex_unlock(&s->mu);
	notify(s, false);
}

int
burn_stream_error(struct burn_stream *s, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&s->mu);
	if (s->failed || s->cancelled)
		ret = failure_locked(s, err);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

int
burn_stream_drain(struct burn_stream *s, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&s->mu);
	s->draining++;
	pthread_cond_broadcast(&s->cond);
	while (!s->failed && !s->cancelled && s->toc_ready && (s->count > 0 || s->in_flight))
		pthread_cond_wait(&s->cond, &s->mu);
	s->draining--;
	if (s->failed || s->cancelled)
		ret = failure_locked(s, err);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

void
burn_stream_cancel(struct burn_stream *s)
{
	pthread_mutex_lock(&s->mu);
	s->cancelled = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mu);
	__atomic_store_n(&s->stop_verify, 1, __ATOMIC_RELAXED);
	notify(s, true);
}

/* SYNCHRONIZE CACHE, then TEST UNIT READY until the drive has finished. */
static int
synchronize(struct burn_stream *s, struct burn_error *err)
{
	struct mmc_cmd cmd;
	int ret;

	mmc_build_synchronize_cache(&cmd, true);
	ret = recorder_exec(s->p.rec, &cmd, err);
	if (ret < 0)
		return ret;
	/*
	 * A drive writes its buffer and the lead-out after the command
	 * returns; with IMMED it says 2/04/08 until done. Bounded like a
	 * non-IMMED SYNCHRONIZE CACHE would be.
	 */
	for (long waited = 0; waited < MMC_TIMEOUT_LONG_MS; waited += READY_POLL_MS) {
		struct timespec ts = { 0, READY_POLL_MS * 1000000L };

		mmc_build_test_unit_ready(&cmd);
		ret = recorder_exec(s->p.rec, &cmd, err);
		if (ret == 0)
			return 0;
		if (!err || err->result != BURN_E_MEDIA_BUSY)
			return ret;
		nanosleep(&ts, NULL);
	}
	return burn_error_set(err, BURN_E_COMMAND_TIMEOUT,
			      "the drive was still busy %d s after SYNCHRONIZE CACHE",
			      MMC_TIMEOUT_LONG_MS / 1000);
}

/*
 * Between the reads of a verification: wakes progress's pollers (as often
 * as while writing) and tells whether the write was cancelled.
 */
static bool
between_reads(void *ctx)
{
	struct burn_stream *s = ctx;

	notify(s, false);
	return __atomic_load_n(&s->stop_verify, __ATOMIC_RELAXED) != 0;
}

int
burn_stream_finish(struct burn_stream *s, size_t pending, struct burn_error *err)
{
	struct burn_error e;
	bool cancelled, failed, wrote;
	int ret = 0;

	pthread_mutex_lock(&s->mu);
	s->eos = true;
	s->action = RAWCD_ACTION_FINISHING;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mu);
	notify(s, true);
	if (s->thread_started) {
		pthread_join(s->thread, NULL);
		s->thread_started = false;
	}
	pthread_mutex_lock(&s->mu);
	cancelled = s->cancelled;
	failed = s->failed;
	wrote = s->written > 0;
	if (!failed && !cancelled && s->count > 0) {
		/* the TOC never came: nothing was burned */
		burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
			       "the stream ended after %llu sectors, before its lead-in gave a complete table of contents; nothing was written",
			       (unsigned long long)s->received);
		fail_locked(s, &e);
		failed = true;
	}
	pthread_mutex_unlock(&s->mu);

	if (wrote) {
		ret = synchronize(s, &e);
		if (ret < 0) {
			pthread_mutex_lock(&s->mu);
			fail_locked(s, &e);
			pthread_mutex_unlock(&s->mu);
			failed = true;
		}
	}
	pthread_mutex_lock(&s->mu);
	if (cancelled || failed) {
		ret = failure_locked(s, err);
	} else if (pending > 0) {
		ret = burn_error_set(err, BURN_E_HANDLE_EOF,
				     "incomplete: the stream ended in the middle of a sector (%zu of %u bytes) after %llu whole sectors; the session is left incomplete",
				     pending, s->sector_size, (unsigned long long)s->received);
	} else if (!s->toc_ready) {
		ret = burn_error_set(err, BURN_E_STREAM_NOT_SUPPORTED,
				     "the stream ended after %llu sectors, before its lead-in gave a complete table of contents; nothing was written",
				     (unsigned long long)s->received);
	} else if (s->received < s->expected) {
		ret = burn_error_set(err, BURN_E_HANDLE_EOF,
				     "incomplete: the stream ended after %llu of the %llu sectors its TOC declares (LBA %d); the session is left incomplete",
				     (unsigned long long)s->received, (unsigned long long)s->expected,
				     (int)(s->next_lba - 1));
	}
	if (ret == 0 && s->digest) {
		s->action = RAWCD_ACTION_VERIFYING;
		clock_gettime(CLOCK_MONOTONIC, &s->verify_started);
		pthread_mutex_unlock(&s->mu);
		notify(s, true);
		/* the engine's thread has ended: only a cancel touches s meanwhile */
		ret = burn_digest_verify(s->digest, s->p.rec, between_reads, s, err);
		pthread_mutex_lock(&s->mu);
	}
	s->action = RAWCD_ACTION_IDLE;
	pthread_mutex_unlock(&s->mu);
	notify(s, true);
	return ret;
}

bool
burn_stream_verify_outcome(struct burn_stream *s, char *buf, size_t size)
{
	if (!s->digest)
		return false;
	burn_digest_outcome(s->digest, buf, size);
	return true;
}

void
burn_stream_destroy(struct burn_stream *s)
{
	if (!s)
		return;
	if (s->thread_started) {
		pthread_mutex_lock(&s->mu);
		s->cancelled = true;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	burn_digest_destroy(s->digest);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s->fifo);
	free(s);
}

void
burn_stream_progress(struct burn_stream *s, struct rawcd_progress *p)
{
	double elapsed;

	memset(p, 0, sizeof(*p));
	elapsed = seconds_since(&s->started);
	pthread_mutex_lock(&s->mu);
	p->action = s->action;
	p->start_lba = s->p.nwa;
	if (s->toc_ready) {
		uint64_t before = (uint64_t)((int64_t)s->p.nwa + s->p.lead_in_sectors);

		p->sector_count = (uint32_t)(s->expected > before ? s->expected - before : 0);
	}
	p->last_written_lba = s->next_lba - 1;
	p->elapsed_s = (uint32_t)elapsed;
	if (s->written > 0 && p->sector_count > s->written && elapsed > 0)
		p->remaining_s = (uint32_t)((double)(p->sector_count - s->written) /
					    ((double)s->written / elapsed) + 0.5);
	p->buffer_used = (uint64_t)s->count * s->sector_size;
	p->buffer_total = (uint64_t)s->cap * s->sector_size;
	if (s->action == RAWCD_ACTION_VERIFYING) {
		/* the program area read back from LBA 0: its own counts and time left */
		double spent = seconds_since(&s->verify_started);
		uint32_t done, total;

		burn_digest_progress(s->digest, &done, &total);
		p->start_lba = 0;
		p->sector_count = total;
		p->last_written_lba = (int32_t)done - 1;
		p->remaining_s = done > 0 && spent > 0 ?
			(uint32_t)((double)(total - done) / ((double)done / spent) + 0.5) : 0;
	}
	pthread_mutex_unlock(&s->mu);
}

bool
burn_stream_complete(struct burn_stream *s)
{
	bool done;

	pthread_mutex_lock(&s->mu);
	done = s->toc_ready && !s->failed && !s->cancelled && s->received == s->expected;
	pthread_mutex_unlock(&s->mu);
	return done;
}

/* One counter of @s, read under its lock. */
static uint64_t
stream_counter(struct burn_stream *s, const uint64_t *counter)
{
	pthread_mutex_lock(&s->mu);
	uint64_t n = *counter;
	pthread_mutex_unlock(&s->mu);
	return n;
}

uint64_t
burn_stream_written(struct burn_stream *s)
{
	return stream_counter(s, &s->written);
}
