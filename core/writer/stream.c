#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cd-sector.h"
#include "digest.h"
#include "image-decoder.h"
#include "stream.h"

/*
 * 2048 sectors are 5 MB of cooked stream: about 15 s of drive time at 4x
 * and 1.5 s at 48x, room for a producer's hiccup without an underrun.
 */
#define FIFO_DEFAULT_SECTORS 2048

/* Lead-in sectors after which a stream without valid Q / a TOC is refused. */
#define LEADIN_NO_Q_LIMIT 150
#define LEADIN_TOC_LIMIT 1000

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

	/* producer side */
	uint8_t *residue;		/* a sector being assembled */
	size_t residue_len;
	uint64_t received;		/* whole sectors taken from the stream */
	uint64_t skipped;		/* ... of which before the drive's NWA */
	struct image_decoder *dec;	/* until the TOC is known */
	uint64_t q_good;		/* lead-in sectors with a valid Q so far */
	bool toc_ready;
	uint64_t expected;		/* sectors the TOC declares, lead-in included */
	int32_t leadout_lba;
	struct {
		int32_t start_lba;	/* INDEX 01 */
		uint8_t number;
		bool data;
	} tracks[IMAGE_MAX_TRACKS];	/* what the TOC declares, in order */
	unsigned n_tracks;
	unsigned next_track;		/* the next track start to check */
	uint64_t trailing_zero;		/* zero bytes after the lead-out, not burned */
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
	struct burn_error e;
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
	s->residue = malloc(s->sector_size);
	s->fifo = malloc(s->cap * s->sector_size);
	if (!s->residue || !s->fifo) {
		ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a %zu-sector FIFO",
				     s->cap);
		goto out_free;
	}
	ret = image_decoder_open(&s->dec, p->type, (unsigned)p->lead_in_sectors, &e);
	if (ret < 0) {
		ret = burn_error_set(err, e.result,
				     "cannot decode a %s stream with %ld lead-in sectors",
				     cd_sector_type_size(p->type) == 2368 ? "pq" : "2448-byte",
				     p->lead_in_sectors);
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

/*
 * Learns the TOC from the lead-in before a sector is burned (doc/design.md §2.2):
 * a stream whose lead-in is not a TOC, or whose TOC does not fit the disc,
 * is refused while the disc is still blank. Lock held.
 */
static int
inspect_locked(struct burn_stream *s, const uint8_t *sector, int32_t lba)
{
	struct image_sector *out = malloc(sizeof(*out));
	struct burn_error e;
	int ret;

	if (!out) {
		burn_error_set(&e, BURN_E_OUTOFMEMORY, "no memory to decode the lead-in");
		return fail_locked(s, &e);
	}
	ret = image_decoder_feed(s->dec, sector, out);
	if (ret == -EBADMSG || (out->events & IMAGE_EVENT_TOC_BAD)) {
		struct burn_error why = { BURN_E_STREAM_NOT_SUPPORTED,
					  "its Q sub-channel carries no TOC" };

		image_decoder_toc_failure(s->dec, &why);
		burn_error_set(&e, why.result,
			       "the stream's lead-in is not a table of contents (stream sector %llu, LBA %d): %s",
			       (unsigned long long)s->received, (int)lba, why.reason);
		ret = fail_locked(s, &e);
		goto out;
	}
	if (out->events & IMAGE_EVENT_TOC_COMPLETE) {
		const struct image_toc *toc = image_decoder_toc(s->dec);

		s->expected = image_decoder_expected_sectors(s->dec);
		s->leadout_lba = toc->leadout_lba;
		for (unsigned n = toc->first_track;
		     n && n <= toc->last_track && s->n_tracks < IMAGE_MAX_TRACKS; n++) {
			s->tracks[s->n_tracks].start_lba = toc->track[n].start_lba;
			s->tracks[s->n_tracks].number = (uint8_t)n;
			s->tracks[s->n_tracks].data = image_toc_track_is_data(&toc->track[n]);
			s->n_tracks++;
		}
		if (toc->leadout_lba > s->p.last_leadout) {
			burn_error_set(&e, BURN_E_NOT_ENOUGH_SPACE,
				       "the stream's TOC puts the lead-out at LBA %d, past this disc's last possible lead-out at LBA %d",
				       (int)toc->leadout_lba, (int)s->p.last_leadout);
			ret = fail_locked(s, &e);
			goto out;
		}
		if (s->p.verify && burn_digest_create(toc, &s->digest, &e) < 0) {
			ret = fail_locked(s, &e);
			goto out;
		}
		s->toc_ready = true;
		image_decoder_destroy(s->dec);
		s->dec = NULL;
		pthread_cond_broadcast(&s->cond);
		ret = 0;
		goto out;
	}
	if (out->q_ok)
		s->q_good++;
	/*
	 * A lead-in repeats its whole TOC every 3 x (tracks + 3) sectors, at
	 * most 306: a stream that shows no valid Q at all, or no complete TOC
	 * after a few cycles, is not a raw stream, however long its lead-in.
	 */
	if (s->received + 1 >= LEADIN_NO_Q_LIMIT && s->q_good == 0) {
		burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
			       "the stream is not a raw CD stream: none of its first %d sectors has a valid Q sub-channel " RAWCD_ASK RAWCD_NAME_SECTOR_TYPE " %s right?)",
			       LEADIN_NO_Q_LIMIT, s->sector_size == 2368 ? "pq" : "cooked/raw");
		ret = fail_locked(s, &e);
		goto out;
	}
	if (s->received + 1 >= LEADIN_TOC_LIMIT) {
		burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
			       "the stream's lead-in gives no complete table of contents in its first %d sectors",
			       LEADIN_TOC_LIMIT);
		ret = fail_locked(s, &e);
		goto out;
	}
	if (lba >= -CD_PREGAP_FRAMES) {
		burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
			       "the stream reached the pregap (LBA %d) without a complete table of contents in its lead-in",
			       (int)lba);
		ret = fail_locked(s, &e);
		goto out;
	}
	ret = 0;
out:
	free(out);
	return ret;
}

/*
 * A track's first sector must be what the TOC says the track is: a data
 * track's sectors start with the sync pattern, an audio track's do not.
 * A TOC that calls Mode 1 sectors audio would burn a disc that plays its
 * data as noise, so the burn stops before that track is written. Lock held.
 */
static int
check_track_start_locked(struct burn_stream *s, const uint8_t *sector, int32_t lba)
{
	struct burn_error e;
	bool sync;

	if (s->next_track >= s->n_tracks || lba != s->tracks[s->next_track].start_lba)
		return 0;
	sync = cd_sector_has_sync(sector);
	if (sync != s->tracks[s->next_track].data) {
		burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
			       "track %u is declared %s in the stream's TOC but its first sector (LBA %d) is %s; the burn stops before the track is written",
			       s->tracks[s->next_track].number,
			       s->tracks[s->next_track].data ? "data" : "audio", (int)lba,
			       sync ? "a data sector" : "not a data sector (no sync pattern)");
		return fail_locked(s, &e);
	}
	s->next_track++;
	return 0;
}

/* One whole sector of the stream. Lock held; may wait for FIFO room. */
static int
take_sector_locked(struct burn_stream *s, const uint8_t *sector)
{
	int32_t lba = (int32_t)((int64_t)s->received - s->p.lead_in_sectors);
	int ret;

	if (!s->toc_ready)
		ret = inspect_locked(s, sector, lba);
	else
		ret = check_track_start_locked(s, sector, lba);
	if (ret < 0)
		return ret;
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

/*
 * Bytes after the last sector the TOC declares. The disc is complete and
 * is finished at the stream's end whatever follows (README: trailing
 * data): zeros, the padding `dd conv=sync` and some copiers add, are
 * counted and dropped; anything else is refused, and not burned. Lock held.
 */
static int
trailing_locked(struct burn_stream *s, const uint8_t *p, size_t len, struct burn_error *err)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i])
			return burn_error_set(err, BURN_E_STREAM_NOT_SUPPORTED,
					      "the stream's lead-out is complete (%llu sectors) and the disc will be finished when it is closed; the %zu bytes written after it are not zero padding and are not burned",
					      (unsigned long long)s->expected, len);
	}
	s->trailing_zero += len;
	return 0;
}

ssize_t
burn_stream_write(struct burn_stream *s, const void *buf, size_t len, struct burn_error *err)
{
	const uint8_t *p = buf;
	size_t left = len;
	int ret = 0;

	pthread_mutex_lock(&s->mu);
	if (s->failed || s->cancelled) {
		ret = failure_locked(s, err);
		goto out;
	}
	while (left > 0) {
		size_t n;

		if (s->toc_ready && s->received == s->expected) {
			ret = trailing_locked(s, p, left, err);
			if (ret < 0 && p != buf) {
				/* a short write: the stream's own bytes were taken */
				ret = 0;
				len = (size_t)(p - (const uint8_t *)buf);
			}
			goto out;
		}
		if (s->residue_len == 0 && left >= s->sector_size) {
			ret = take_sector_locked(s, p);
			n = s->sector_size;
		} else {
			n = s->sector_size - s->residue_len;
			if (n > left)
				n = left;
			memcpy(s->residue + s->residue_len, p, n);
			s->residue_len += n;
			if (s->residue_len == s->sector_size) {
				s->residue_len = 0;
				ret = take_sector_locked(s, s->residue);
			}
		}
		if (ret < 0) {
			ret = failure_locked(s, err);
			goto out;
		}
		p += n;
		left -= n;
	}
out:
	pthread_mutex_unlock(&s->mu);
	notify(s, false);
	return ret < 0 ? ret : (ssize_t)len;
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
burn_stream_finish(struct burn_stream *s, struct burn_error *err)
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
	} else if (s->residue_len > 0) {
		ret = burn_error_set(err, BURN_E_HANDLE_EOF,
				     "incomplete: the stream ended in the middle of a sector (%zu of %u bytes) after %llu whole sectors; the session is left incomplete",
				     s->residue_len, s->sector_size, (unsigned long long)s->received);
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
	image_decoder_destroy(s->dec);
	burn_digest_destroy(s->digest);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s->fifo);
	free(s->residue);
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
	done = s->toc_ready && !s->failed && !s->cancelled && s->received == s->expected &&
	       s->residue_len == 0;
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
burn_stream_trailing(struct burn_stream *s)
{
	return stream_counter(s, &s->trailing_zero);
}

uint64_t
burn_stream_written(struct burn_stream *s)
{
	return stream_counter(s, &s->written);
}
