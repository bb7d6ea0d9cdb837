/*
 * Burn jobs: a .iso, .wav or .flac file turned into the raw stream while it
 * is being copied. The writer fills a ring; the encoder thread reads the
 * track out of it through an image_source and pushes the stream into the
 * sink. The disc (hence the TOC, hence the lead-in) is known from the
 * file's header, so the lead-in goes out before the track has arrived.
 * A FLAC's header stays in the ring until the encoder's decoder has read
 * it a second time (image_disc_stream_hold()); the job knows no more of
 * the codec than that.
 *
 * Locking: one mutex guards everything below it in struct burn_job; the
 * sink and the encoder run without it. The reader (encoder thread) waits
 * on data_cond, the writer on space_cond; a failure wakes both.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "burn-job.h"
#include "image-disc.h"
#include "image-encoder.h"

/* 150 pre-gap sectors, then A0, A1, A2 and track 1, each 3 times */
#define ONE_TRACK_MIN_LEAD_IN (CD_PREGAP_FRAMES + 3 * 4)

struct burn_job {
	char *name;
	enum burn_job_kind kind;
	enum cd_sector_type type;
	unsigned lead_in;
	ssize_t (*sink)(void *ctx, const void *buf, size_t len, struct burn_error *err);
	void *sink_ctx;
	uint8_t *chunk;			/* the encoder thread's output (BURN_JOB_CHUNK_SIZE) */

	pthread_mutex_t lock;
	pthread_cond_t data_cond;	/* the reader's wait: bytes, end of input, failure */
	pthread_cond_t space_cond;	/* the writer's wait: room, failure */

	/* the ring holds bytes [base, base + used) of the file, from ring[head] on */
	uint8_t *ring;
	size_t size, head, used, peak;
	uint64_t base;
	uint64_t accepted;		/* bytes burn_job_write() took */
	uint64_t wanted;		/* a waiting reader's end offset; 0 = none waits */
	uint64_t hold;			/* bytes [0, hold) are kept for a second read */
	bool writer_waiting;

	size_t need;			/* header bytes needed before the disc is known */
	struct image_disc *disc;	/* NULL until the header is complete */
	uint64_t declared;		/* image_disc_stream_end(disc) */
	struct image_encoder *enc;	/* borrows disc */
	pthread_t thread;
	bool thread_started;		/* and not joined yet */

	bool ended;			/* burn_job_finish() was called */
	bool finished;			/* ... and came back */
	bool stream_done;		/* the whole stream is in the sink */
	bool input_short;		/* the encoder found the input ended early */
	int ret;			/* the first failure; 0 = none */
	struct burn_error error;
};

enum burn_job_kind
burn_job_kind_for_name(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (n > 4 && !strcasecmp(base + n - 4, ".iso"))
		return BURN_JOB_ISO;
	if (n > 4 && !strcasecmp(base + n - 4, ".wav"))
		return BURN_JOB_WAV;
	if (n > 5 && !strcasecmp(base + n - 5, ".flac"))
		return BURN_JOB_FLAC;
	return BURN_JOB_RAW;
}

/* Records the first failure of @job (@e copied) and wakes every waiter. */
static int
fail_locked(struct burn_job *job, int ret, const struct burn_error *e)
{
	if (!job->ret) {
		job->ret = ret;
		job->error = *e;
		if (job->error.result == BURN_S_OK)	/* a sink that gave no reason */
			burn_error_set(&job->error, BURN_E_FAIL, "%s: %s", job->name,
				       strerror(-ret));
	}
	pthread_cond_broadcast(&job->data_cond);
	pthread_cond_broadcast(&job->space_cond);
	return job->ret;
}

__attribute__((format(printf, 3, 4)))
static int
fail_set_locked(struct burn_job *job, enum burn_result r, const char *fmt, ...)
{
	struct burn_error e;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = burn_error_vset(&e, r, fmt, ap);
	va_end(ap);
	return fail_locked(job, ret, &e);
}

/*
 * An image_* failure, whose result the image code chose (a stream the job
 * cannot burn, mostly). Its "out of memory" does not know the job's name.
 */
static int
fail_image_locked(struct burn_job *job, const struct burn_error *e)
{
	if (e->result == BURN_E_OUTOFMEMORY)
		return fail_set_locked(job, BURN_E_OUTOFMEMORY, "%s: out of memory", job->name);
	return fail_locked(job, -burn_result_info(e->result)->err, e);
}

/*
 * More input than the PVD declares: image_disc_open() refuses such a file,
 * so a job does too, rather than burn a disc without the rest.
 */
static int
fail_iso_too_long_locked(struct burn_job *job)
{
	return fail_set_locked(job, BURN_E_STREAM_NOT_SUPPORTED,
			       "%s: the input goes on past the %" PRIu64 " bytes its ISO 9660 primary volume descriptor declares",
			       job->name, job->declared);
}

/* The job's failure into @err; returns its -errno. */
static int
failure_locked(struct burn_job *job, struct burn_error *err)
{
	if (err)
		*err = job->error;
	return job->ret;
}

static void
ring_put(struct burn_job *job, const uint8_t *src, size_t n)
{
	size_t at = (job->head + job->used) % job->size;
	size_t first = n < job->size - at ? n : job->size - at;

	memcpy(job->ring + at, src, first);
	memcpy(job->ring, src + first, n - first);
	job->used += n;
	if (job->used > job->peak)
		job->peak = job->used;
}

/* Takes @n bytes from the front of the ring; @dst NULL drops them. */
static void
ring_take(struct burn_job *job, uint8_t *dst, size_t n)
{
	size_t first = n < job->size - job->head ? n : job->size - job->head;

	if (dst) {
		memcpy(dst, job->ring + job->head, first);
		memcpy(dst + first, job->ring, n - first);
	}
	job->head = (job->head + n) % job->size;
	job->used -= n;
	job->base += n;
	/* wake a blocked writer once half the ring is free, not per read */
	if (job->writer_waiting && job->used <= job->size / 2)
		pthread_cond_signal(&job->space_cond);
}

/* Copies @n bytes at @offset of the ring's bytes (all there) to @dst, keeping them. */
static void
ring_peek(struct burn_job *job, size_t offset, uint8_t *dst, size_t n)
{
	size_t at = (job->head + offset) % job->size;
	size_t first = n < job->size - at ? n : job->size - at;

	memcpy(dst, job->ring + at, first);
	memcpy(dst + first, job->ring, n - first);
}

/*
 * The encoder's image_source: copies input bytes [offset, offset + len)
 * out of the ring, waiting for the writer. Bytes before @offset that the
 * encoder skips (a WAV's header) are dropped. The first @hold bytes (a
 * FLAC's header, all in the ring since the disc was learnt from them) are
 * kept, whatever is read of them, until a read starts past them. Returns
 * @len, fewer when the input ended, or the job's failure.
 */
static ssize_t
job_source_read(void *ctx, uint64_t offset, void *buf, size_t len)
{
	struct burn_job *job = ctx;
	uint8_t *dst = buf;
	size_t done = 0;
	ssize_t ret;

	pthread_mutex_lock(&job->lock);
	if (offset < job->base) {
		ret = fail_set_locked(job, BURN_E_FAIL,
				      "internal bug: %s: the encoder read byte %" PRIu64 " after byte %" PRIu64,
				      job->name, offset, job->base);
		goto out_unlock;
	}
	if (offset < job->hold && !job->base) {
		done = len < job->hold - offset ? len : (size_t)(job->hold - offset);
		ring_peek(job, (size_t)offset, dst, done);
	}
	while (done < len && !job->ret) {
		uint64_t at = offset + done;

		if (at > job->base)
			ring_take(job, NULL, at - job->base < job->used ? (size_t)(at - job->base)
									 : job->used);
		if (at == job->base && job->used) {
			size_t n = len - done < job->used ? len - done : job->used;

			ring_take(job, dst + done, n);
			done += n;
			continue;
		}
		if (job->ended)
			break;
		job->wanted = offset + len;
		pthread_cond_wait(&job->data_cond, &job->lock);
		job->wanted = 0;
	}
	ret = job->ret ? job->ret : (ssize_t)done;
out_unlock:
	pthread_mutex_unlock(&job->lock);
	return ret;
}

/* Pushes @len bytes into the sink, retrying short counts; its error goes to @e. */
static int
sink_push(struct burn_job *job, const uint8_t *buf, size_t len, struct burn_error *e)
{
	while (len) {
		ssize_t n;

		burn_error_clear(e);
		n = job->sink(job->sink_ctx, buf, len, e);
		if (n < 0)
			return (int)n;
		if (n == 0 || (size_t)n > len)
			return burn_error_set(e, BURN_E_FAIL, "%s: the sink took %zd of %zu bytes",
					      job->name, n, len);
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The encoder thread: the whole stream into the sink, or the first failure. */
static void *
job_thread(void *arg)
{
	struct burn_job *job = arg;
	struct burn_error e;
	int ret = 0;
	bool stop;
	ssize_t n;

	do {
		n = image_encoder_read(job->enc, job->chunk, BURN_JOB_CHUNK_SIZE, &e);
		pthread_mutex_lock(&job->lock);
		if (n == -ENODATA)
			job->input_short = true;
		if (n < 0) {
			fail_image_locked(job, &e);
		} else if (n == 0 && !job->ret) {
			job->stream_done = true;
			/* a FLAC's bytes after its last frame: nobody reads them now */
			pthread_cond_broadcast(&job->space_cond);
		}
		stop = n <= 0 || job->ret;
		pthread_mutex_unlock(&job->lock);
		if (stop)
			break;
		ret = sink_push(job, job->chunk, (size_t)n, &e);
		if (ret < 0) {
			pthread_mutex_lock(&job->lock);
			fail_locked(job, ret, &e);
			pthread_mutex_unlock(&job->lock);
		}
	} while (ret >= 0);
	return NULL;
}

/*
 * Tries to learn the disc from the header in the ring (nothing has been
 * read out of it yet, so the file's first bytes are ring[0 .. used)). Once
 * it is known, creates the encoder and starts its thread. Returns 0 (known,
 * or more bytes needed) or the job's failure.
 */
static int
job_open_locked(struct burn_job *job, unsigned flags)
{
	struct image_source src = { job_source_read, job };
	struct burn_error e;
	size_t need;
	int ret;

	ret = image_disc_open_stream(&job->disc, job->kind == BURN_JOB_ISO ? IMAGE_STREAM_ISO :
				     job->kind == BURN_JOB_WAV ? IMAGE_STREAM_WAV :
				     IMAGE_STREAM_FLAC, job->name, job->ring, job->used, &need,
				     &src, flags, &e);
	if (ret == -EAGAIN) {
		job->need = need;
		if (need > job->size)
			return fail_set_locked(job, BURN_E_STREAM_NOT_SUPPORTED,
					       "%s: the header runs to byte %zu; a burn job holds at most %zu bytes before the track's data",
					       job->name, need, job->size);
		return 0;
	}
	if (ret < 0)
		return fail_image_locked(job, &e);
	job->declared = image_disc_stream_end(job->disc);
	job->hold = image_disc_stream_hold(job->disc);
	if (job->used > job->declared) {
		if (job->kind == BURN_JOB_ISO)
			return fail_iso_too_long_locked(job);
		job->used = (size_t)job->declared;	/* a WAV's later chunks */
	}
	ret = image_encoder_create(&job->enc, job->disc, job->type, job->lead_in, &e);
	if (ret < 0)
		return fail_image_locked(job, &e);
	ret = pthread_create(&job->thread, NULL, job_thread, job);
	if (ret)
		return fail_set_locked(job, BURN_E_FAIL, "%s: cannot start the encoder thread: %s",
				       job->name, strerror(ret));
	job->thread_started = true;
	return 0;
}

int
burn_job_create(const char *name, enum burn_job_kind kind, enum cd_sector_type type,
		unsigned lead_in_sectors,
		ssize_t (*sink)(void *ctx, const void *buf, size_t len, struct burn_error *err),
		void *sink_ctx, struct burn_job **out, struct burn_error *err)
{
	struct burn_job *job;
	int ret;

	*out = NULL;
	if (!name || !sink || (kind != BURN_JOB_RAW && kind != BURN_JOB_ISO &&
			       kind != BURN_JOB_WAV && kind != BURN_JOB_FLAC))
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "a burn job needs a name, a kind and a sink");
	if (kind != BURN_JOB_RAW && type != CD_SECTOR_PQ && type != CD_SECTOR_COOKED &&
	    type != CD_SECTOR_RAW)
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "%s: sector type %d is not 1 (pq), 2 (cooked) or 3 (raw)",
				      name, (int)type);
	if (kind != BURN_JOB_RAW && (lead_in_sectors < ONE_TRACK_MIN_LEAD_IN ||
				     lead_in_sectors > IMAGE_MAX_LEAD_IN))
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "%s: a lead-in of %u sectors cannot be burned as a one-track disc; it needs %u to %u (150 for the pre-gap, 3 per TOC entry)",
				      name, lead_in_sectors, ONE_TRACK_MIN_LEAD_IN,
				      IMAGE_MAX_LEAD_IN);
	job = calloc(1, sizeof(*job));
	if (!job)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "%s: no memory for a burn job",
				      name);
	ret = pthread_mutex_init(&job->lock, NULL);
	if (ret)
		goto out_free;
	ret = pthread_cond_init(&job->data_cond, NULL);
	if (ret)
		goto out_destroy_lock;
	ret = pthread_cond_init(&job->space_cond, NULL);
	if (ret)
		goto out_destroy_data_cond;
	job->kind = kind;
	job->type = type;
	job->lead_in = lead_in_sectors;
	job->sink = sink;
	job->sink_ctx = sink_ctx;
	job->name = strdup(name);
	if (!job->name)
		goto out_nomem;
	if (kind != BURN_JOB_RAW) {
		job->size = BURN_JOB_BUFFER_SIZE;
		job->ring = malloc(job->size);
		job->chunk = malloc(BURN_JOB_CHUNK_SIZE);
		if (!job->ring || !job->chunk)
			goto out_nomem;
		/* how much header comes first: nothing has arrived yet */
		ret = job_open_locked(job, 0);
		if (ret < 0) {
			failure_locked(job, err);
			burn_job_destroy(job);
			return ret;
		}
	}
	*out = job;
	return 0;

out_nomem:
	burn_job_destroy(job);
	return burn_error_set(err, BURN_E_OUTOFMEMORY, "%s: no memory for a burn job", name);
out_destroy_data_cond:
	pthread_cond_destroy(&job->data_cond);
out_destroy_lock:
	pthread_mutex_destroy(&job->lock);
out_free:
	free(job);
	return burn_error_set(err, BURN_E_FAIL, "%s: cannot set up a burn job: %s", name,
			      strerror(ret));
}

/* Why a write cannot be taken now; 0 when it can. */
static int
write_check_locked(struct burn_job *job, struct burn_error *err)
{
	if (job->ret)
		return failure_locked(job, err);
	if (job->ended)
		return burn_error_set(err, BURN_E_WRITE_NOT_IN_PROGRESS,
				      "%s: the burn job's input has already ended", job->name);
	return 0;
}

/* RAW: the bytes are the stream. */
static ssize_t
raw_write(struct burn_job *job, const void *buf, size_t len, struct burn_error *err)
{
	struct burn_error e;
	int ret;

	pthread_mutex_lock(&job->lock);
	ret = write_check_locked(job, err);
	pthread_mutex_unlock(&job->lock);
	if (ret < 0)
		return ret;
	ret = sink_push(job, buf, len, &e);
	pthread_mutex_lock(&job->lock);
	if (ret < 0) {
		fail_locked(job, ret, &e);
		ret = failure_locked(job, err);
	} else {
		job->accepted += len;
	}
	pthread_mutex_unlock(&job->lock);
	return ret < 0 ? ret : (ssize_t)len;
}

ssize_t
burn_job_write(struct burn_job *job, const void *buf, size_t len, struct burn_error *err)
{
	const uint8_t *src = buf;
	size_t done = 0;
	int ret;

	if (job->kind == BURN_JOB_RAW)
		return raw_write(job, buf, len, err);
	pthread_mutex_lock(&job->lock);
	ret = write_check_locked(job, err);
	if (ret < 0)
		goto out_unlock;
	while (done < len && !job->ret) {
		size_t n = len - done, room = job->size - job->used;

		if (job->disc) {
			uint64_t left = job->declared - job->accepted;

			if (job->stream_done && job->kind == BURN_JOB_FLAC) {
				/* a FLAC's trailing bytes once the disc is whole: dropped */
				job->accepted += n;
				done += n;
				continue;
			}
			if (job->accepted >= job->declared) {
				if (job->kind == BURN_JOB_ISO) {
					fail_iso_too_long_locked(job);
					break;
				}
				/* a WAV's chunks after its data: not part of the disc */
				job->accepted += n;
				done += n;
				continue;
			}
			if (n > left)
				n = (size_t)left;
		} else if (n > job->need - job->used) {
			/* header first, so it is whole in the ring when the disc is learnt */
			n = job->need - job->used;
		}
		if (!room) {
			job->writer_waiting = true;
			pthread_cond_wait(&job->space_cond, &job->lock);
			job->writer_waiting = false;
			continue;
		}
		if (n > room)
			n = room;
		ring_put(job, src + done, n);
		job->accepted += n;
		done += n;
		if (job->wanted && (job->base + job->used >= job->wanted || job->used == job->size))
			pthread_cond_signal(&job->data_cond);
		if (!job->disc && job->used >= job->need)
			job_open_locked(job, 0);
	}
	ret = job->ret ? failure_locked(job, err) : 0;
out_unlock:
	pthread_mutex_unlock(&job->lock);
	return ret < 0 ? ret : (ssize_t)len;
}

int
burn_job_finish(struct burn_job *job, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&job->lock);
	if (!job->ended) {
		job->ended = true;
		pthread_cond_broadcast(&job->data_cond);
		/* the header never completed: say what the whole input lacks */
		if (job->kind != BURN_JOB_RAW && !job->disc && !job->ret)
			job_open_locked(job, IMAGE_DISC_INPUT_ENDED);
	}
	if (job->thread_started) {
		pthread_mutex_unlock(&job->lock);
		pthread_join(job->thread, NULL);
		pthread_mutex_lock(&job->lock);
		job->thread_started = false;
	}
	if (!job->ret && job->kind != BURN_JOB_RAW && !job->stream_done)
		fail_set_locked(job, BURN_E_FAIL,
				"internal bug: %s: the burn job ended without its stream", job->name);
	/*
	 * The file stopped before the end its header declares: the disc is
	 * left incomplete, and its writer's close must fail (EIO) to say so.
	 */
	if (job->ret && job->disc && (job->kind == BURN_JOB_FLAC ? job->input_short :
				      job->accepted < job->declared) &&
	    job->error.result == BURN_E_STREAM_NOT_SUPPORTED) {
		job->error.result = BURN_E_HANDLE_EOF;
		job->ret = -EIO;
	}
	job->finished = true;
	if (job->ret)
		ret = failure_locked(job, err);
	pthread_mutex_unlock(&job->lock);
	return ret;
}

bool
burn_job_input_complete(struct burn_job *job)
{
	pthread_mutex_lock(&job->lock);
	/* a FLAC declares samples, not bytes: complete once they are all decoded and out */
	bool complete = job->disc && (job->kind == BURN_JOB_FLAC ? job->stream_done :
				      job->accepted >= job->declared);
	pthread_mutex_unlock(&job->lock);
	return complete;
}

uint64_t
burn_job_bytes(struct burn_job *job)
{
	pthread_mutex_lock(&job->lock);
	uint64_t n = job->accepted;
	pthread_mutex_unlock(&job->lock);
	return n;
}

void
burn_job_buffer_stats(struct burn_job *job, struct burn_job_buffer_stats *out)
{
	pthread_mutex_lock(&job->lock);
	out->used = job->used;
	out->peak = job->peak;
	out->size = job->size;
	pthread_mutex_unlock(&job->lock);
}

void
burn_job_cancel(struct burn_job *job)
{
	pthread_mutex_lock(&job->lock);
	if (!job->ret && !job->finished && !job->stream_done)
		fail_set_locked(job, BURN_E_REQUEST_CANCELLED, "%s: the burn job was cancelled",
				job->name);
	pthread_mutex_unlock(&job->lock);
}

void
burn_job_destroy(struct burn_job *job)
{
	if (!job)
		return;
	if (job->thread_started) {
		burn_job_cancel(job);
		pthread_join(job->thread, NULL);
	}
	image_encoder_destroy(job->enc);
	image_disc_destroy(job->disc);
	pthread_cond_destroy(&job->space_cond);
	pthread_cond_destroy(&job->data_cond);
	pthread_mutex_destroy(&job->lock);
	free(job->ring);
	free(job->chunk);
	free(job->name);
	free(job);
}
