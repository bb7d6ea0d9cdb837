/*
 * The stream's checker (stream-check.h): the checks that depend only on
 * the stream's bytes, run once per stream, whatever number of write
 * engines take the sectors that pass.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "rawcd-types.h"
#include "stream-check.h"

/* Lead-in sectors after which a stream without valid Q / a TOC is refused. */
#define LEADIN_NO_Q_LIMIT 150
#define LEADIN_TOC_LIMIT 1000

static uint64_t check_total;	/* burn_stream_check_total(); atomic */

struct burn_stream_check {
	enum cd_sector_type type;
	unsigned sector_size;
	long lead_in_sectors;

	/*
	 * One write at a time (write_mu, held for the whole call). What the
	 * readers ask (burn_stream_check_complete() and friends, from a flush
	 * while a write waits in the sink) is under mu, which a write drops
	 * while the sink has the sectors.
	 */
	pthread_mutex_t write_mu;
	pthread_mutex_t mu;

	/* the writer's own */
	uint8_t *residue;		/* a sector being assembled */
	uint64_t received;		/* whole sectors checked */
	struct image_decoder *dec;	/* until the TOC is known */
	uint64_t q_good;		/* lead-in sectors with a valid Q so far */
	struct {
		int32_t start_lba;	/* INDEX 01 */
		uint8_t number;
		bool data;
	} tracks[IMAGE_MAX_TRACKS];	/* what the TOC declares, in order */
	unsigned n_tracks;
	unsigned next_track;		/* the next track start to check */

	/* also the readers' (mu) */
	size_t residue_len;
	bool toc_ready;
	uint64_t expected;		/* sectors the TOC declares, lead-in included */
	uint64_t trailing_zero;		/* zero bytes after the lead-out, not burned */
	bool failed;
	struct burn_error failure;
};

int
burn_stream_check_create(enum cd_sector_type type, long lead_in_sectors,
			 struct burn_stream_check **out, struct burn_error *err)
{
	struct burn_stream_check *c = calloc(1, sizeof(*c));
	struct burn_error e;
	int ret;

	if (!c)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the write engine");
	c->type = type;
	c->sector_size = cd_sector_type_size(type);
	c->lead_in_sectors = lead_in_sectors;
	pthread_mutex_init(&c->write_mu, NULL);
	pthread_mutex_init(&c->mu, NULL);
	c->residue = malloc(c->sector_size);
	if (!c->residue) {
		ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the write engine");
		goto out_free;
	}
	ret = image_decoder_open(&c->dec, type, (unsigned)lead_in_sectors, &e);
	if (ret < 0) {
		ret = burn_error_set(err, e.result,
				     "cannot decode a %s stream with %ld lead-in sectors",
				     c->sector_size == 2368 ? "pq" : "2448-byte", lead_in_sectors);
		goto out_free;
	}
	*out = c;
	return 0;
out_free:
	burn_stream_check_destroy(c);
	return ret;
}

void
burn_stream_check_destroy(struct burn_stream_check *c)
{
	if (!c)
		return;
	image_decoder_destroy(c->dec);
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->write_mu);
	free(c->residue);
	free(c);
}

/* Keeps @e as the stream's failure; returns its errno. mu held. */
static int
fail_locked(struct burn_stream_check *c, const struct burn_error *e, struct burn_error *err)
{
	if (!c->failed) {
		c->failed = true;
		c->failure = *e;
	}
	if (err)
		*err = c->failure;
	return -burn_result_info(c->failure.result)->err;
}

/*
 * Learns the TOC from the lead-in before a sector is burned (doc/design.md
 * §2.2): a stream whose lead-in is not a TOC is refused while the discs
 * are still blank. *@toc_now tells that @sector completed it. mu held.
 */
static int
inspect_locked(struct burn_stream_check *c, const uint8_t *sector, int32_t lba, bool *toc_now,
	       struct burn_error *err)
{
	struct image_sector *out = malloc(sizeof(*out));
	struct burn_error e;
	int ret;

	if (!out) {
		burn_error_set(&e, BURN_E_OUTOFMEMORY, "no memory to decode the lead-in");
		return fail_locked(c, &e, err);
	}
	ret = image_decoder_feed(c->dec, sector, out);
	if (ret == -EBADMSG || (out->events & IMAGE_EVENT_TOC_BAD)) {
		struct burn_error why = { BURN_E_STREAM_NOT_SUPPORTED,
					  "its Q sub-channel carries no TOC" };

		image_decoder_toc_failure(c->dec, &why);
		burn_error_set(&e, why.result,
			       "the stream's lead-in is not a table of contents (stream sector %llu, LBA %d): %s",
			       (unsigned long long)c->received, (int)lba, why.reason);
		ret = fail_locked(c, &e, err);
		goto out;
	}
	if (out->events & IMAGE_EVENT_TOC_COMPLETE) {
		const struct image_toc *toc = image_decoder_toc(c->dec);

		for (unsigned n = toc->first_track;
		     n && n <= toc->last_track && c->n_tracks < IMAGE_MAX_TRACKS; n++) {
			c->tracks[c->n_tracks].start_lba = toc->track[n].start_lba;
			c->tracks[c->n_tracks].number = (uint8_t)n;
			c->tracks[c->n_tracks].data = image_toc_track_is_data(&toc->track[n]);
			c->n_tracks++;
		}
		*toc_now = true;
		ret = 0;
		goto out;
	}
	if (out->q_ok)
		c->q_good++;
	/*
	 * A lead-in repeats its whole TOC every 3 x (tracks + 3) sectors, at
	 * most 306: a stream that shows no valid Q at all, or no complete TOC
	 * after a few cycles, is not a raw stream, however long its lead-in.
	 */
	if (c->received + 1 >= LEADIN_NO_Q_LIMIT && c->q_good == 0) {
		burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
			       "the stream is not a raw CD stream: none of its first %d sectors has a valid Q sub-channel " RAWCD_ASK RAWCD_NAME_SECTOR_TYPE " %s right?)",
			       LEADIN_NO_Q_LIMIT, c->sector_size == 2368 ? "pq" : "cooked/raw");
		ret = fail_locked(c, &e, err);
		goto out;
	}
	if (c->received + 1 >= LEADIN_TOC_LIMIT) {
		burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
			       "the stream's lead-in gives no complete table of contents in its first %d sectors",
			       LEADIN_TOC_LIMIT);
		ret = fail_locked(c, &e, err);
		goto out;
	}
	if (lba >= -CD_PREGAP_FRAMES) {
		burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
			       "the stream reached the pregap (LBA %d) without a complete table of contents in its lead-in",
			       (int)lba);
		ret = fail_locked(c, &e, err);
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
 * data as noise, so the burn stops before that track is written. mu held.
 */
static int
check_track_start_locked(struct burn_stream_check *c, const uint8_t *sector, int32_t lba,
			 struct burn_error *err)
{
	struct burn_error e;
	bool sync;

	if (c->next_track >= c->n_tracks || lba != c->tracks[c->next_track].start_lba)
		return 0;
	sync = cd_sector_has_sync(sector);
	if (sync != c->tracks[c->next_track].data) {
		burn_error_set(&e, BURN_E_STREAM_NOT_SUPPORTED,
			       "track %u is declared %s in the stream's TOC but its first sector (LBA %d) is %s; the burn stops before the track is written",
			       c->tracks[c->next_track].number,
			       c->tracks[c->next_track].data ? "data" : "audio", (int)lba,
			       sync ? "a data sector" : "not a data sector (no sync pattern)");
		return fail_locked(c, &e, err);
	}
	c->next_track++;
	return 0;
}

/*
 * Bytes after the last sector the TOC declares. The disc is complete and
 * is finished at the stream's end whatever follows (README: trailing
 * data): zeros, the padding `dd conv=sync` and some copiers add, are
 * counted and dropped; anything else is refused, and not burned. mu held.
 */
static int
trailing_locked(struct burn_stream_check *c, const uint8_t *p, size_t len, struct burn_error *err)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i])
			return burn_error_set(err, BURN_E_STREAM_NOT_SUPPORTED,
					      "the stream's lead-out is complete (%llu sectors) and the disc will be finished when it is closed; the %zu bytes written after it are not zero padding and are not burned",
					      (unsigned long long)c->expected, len);
	}
	c->trailing_zero += len;
	return 0;
}

/* The checked sectors not yet handed on: @n from @p, the first at @lba. */
struct run {
	const uint8_t *p;
	size_t n;
	int32_t lba;
};

/* Hands @r to the sink, without mu (the sink may wait), and empties it. mu held. */
static int
hand_locked(struct burn_stream_check *c, const struct burn_stream_check_sink *sink,
	    struct run *r, struct burn_error *err)
{
	int ret;

	if (r->n == 0)
		return 0;
	pthread_mutex_unlock(&c->mu);
	ret = sink->sectors(sink->ctx, r->p, r->n, r->lba, err);
	pthread_mutex_lock(&c->mu);
	r->n = 0;
	return ret;
}

/* The TOC is complete: tells the sink, without mu. mu held. */
static int
hand_toc_locked(struct burn_stream_check *c, const struct burn_stream_check_sink *sink,
		struct burn_error *err)
{
	const struct image_toc *toc = image_decoder_toc(c->dec);
	uint64_t expected = image_decoder_expected_sectors(c->dec);
	int ret;

	pthread_mutex_unlock(&c->mu);
	ret = sink->toc(sink->ctx, toc, expected, err);
	pthread_mutex_lock(&c->mu);
	if (ret < 0)
		return ret;
	c->expected = expected;
	c->toc_ready = true;
	image_decoder_destroy(c->dec);
	c->dec = NULL;
	return 0;
}

/*
 * One whole sector, at @sector (in the caller's buffer, or the residue):
 * checked, then added to @r (contiguous in the caller's buffer) or handed
 * on at once (the residue is reused). mu held.
 */
static int
take_sector_locked(struct burn_stream_check *c, const struct burn_stream_check_sink *sink,
		   const uint8_t *sector, bool in_buf, struct run *r, struct burn_error *err)
{
	int32_t lba = (int32_t)((int64_t)c->received - c->lead_in_sectors);
	bool toc_now = false;
	int ret;

	if (!c->toc_ready)
		ret = inspect_locked(c, sector, lba, &toc_now, err);
	else
		ret = check_track_start_locked(c, sector, lba, err);
	if (ret < 0) {
		struct burn_error ignored;

		/* the sectors before it were good: they go on first, as one by one */
		hand_locked(c, sink, r, &ignored);
		return fail_locked(c, &c->failure, err);
	}
	if (toc_now) {
		ret = hand_locked(c, sink, r, err);
		if (ret == 0)
			ret = hand_toc_locked(c, sink, err);
		if (ret < 0)
			return ret;
	}
	c->received++;
	if (in_buf && r->n > 0) {
		r->n++;
		return 0;
	}
	ret = hand_locked(c, sink, r, err);
	if (ret < 0)
		return ret;
	*r = (struct run){ .p = sector, .n = 1, .lba = lba };
	return in_buf ? 0 : hand_locked(c, sink, r, err);
}

ssize_t
burn_stream_check_write(struct burn_stream_check *c, const void *buf, size_t len,
			const struct burn_stream_check_sink *sink, struct burn_error *err)
{
	const uint8_t *p = buf;
	size_t left = len;
	struct run r = { 0 };
	uint64_t first;
	int ret = 0;

	pthread_mutex_lock(&c->write_mu);
	pthread_mutex_lock(&c->mu);
	first = c->received;
	if (c->failed) {
		ret = fail_locked(c, &c->failure, err);
		goto out;
	}
	while (left > 0) {
		size_t n;

		if (c->toc_ready && c->received == c->expected) {
			ret = hand_locked(c, sink, &r, err);
			if (ret < 0)
				goto out;
			ret = trailing_locked(c, p, left, err);
			if (ret < 0 && p != buf) {
				/* a short write: the stream's own bytes were taken */
				ret = 0;
				len = (size_t)(p - (const uint8_t *)buf);
			}
			goto out;
		}
		if (c->residue_len == 0 && left >= c->sector_size) {
			n = c->sector_size;
			ret = take_sector_locked(c, sink, p, true, &r, err);
		} else {
			n = c->sector_size - c->residue_len;
			if (n > left)
				n = left;
			memcpy(c->residue + c->residue_len, p, n);
			c->residue_len += n;
			if (c->residue_len == c->sector_size) {
				c->residue_len = 0;
				ret = take_sector_locked(c, sink, c->residue, false, &r, err);
			}
		}
		if (ret < 0)
			goto out;
		p += n;
		left -= n;
	}
	ret = hand_locked(c, sink, &r, err);
out:
	__atomic_add_fetch(&check_total, c->received - first, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&c->mu);
	pthread_mutex_unlock(&c->write_mu);
	return ret < 0 ? ret : (ssize_t)len;
}

bool
burn_stream_check_failure(struct burn_stream_check *c, struct burn_error *e)
{
	bool failed;

	pthread_mutex_lock(&c->mu);
	failed = c->failed;
	if (failed && e)
		*e = c->failure;
	pthread_mutex_unlock(&c->mu);
	return failed;
}

size_t
burn_stream_check_pending(struct burn_stream_check *c)
{
	size_t n;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->mu);
	n = c->residue_len;
	pthread_mutex_unlock(&c->mu);
	return n;
}

uint64_t
burn_stream_check_trailing(struct burn_stream_check *c)
{
	uint64_t n;

	pthread_mutex_lock(&c->mu);
	n = c->trailing_zero;
	pthread_mutex_unlock(&c->mu);
	return n;
}

uint64_t
burn_stream_check_total(void)
{
	return __atomic_load_n(&check_total, __ATOMIC_RELAXED);
}
