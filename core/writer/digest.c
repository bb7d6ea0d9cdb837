#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "digest.h"
#include "recorder-disc.h"
#include "subchannel.h"

enum outcome {
	OUTCOME_NONE,		/* not verified (yet) */
	OUTCOME_OK,
	OUTCOME_MISMATCH,
	OUTCOME_UNREADABLE,
	OUTCOME_CANCELLED,
};

struct burn_digest {
	struct image_toc toc;
	uint32_t sectors;	/* the program area: LBA 0 up to the lead-out */
	uint32_t *crc;		/* per sector, as sent */
	uint8_t *seen;		/* per sector: 1 once burn_digest_add() took it */
	uint32_t done;		/* compared so far; atomic */
	enum outcome outcome;
	int32_t at;		/* the LBA of a mismatch or unreadable sector */
};

int
burn_digest_create(const struct image_toc *toc, struct burn_digest **out,
		   struct burn_error *err)
{
	struct burn_digest *d;

	*out = NULL;
	if (toc->leadout_lba <= 0 || toc->leadout_lba > IMAGE_LAST_SECTOR_OVERBURN)
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "a program area up to LBA %d cannot be verified",
				      (int)toc->leadout_lba);
	d = calloc(1, sizeof(*d));
	if (d) {
		d->toc = *toc;
		d->sectors = (uint32_t)toc->leadout_lba;
		d->crc = calloc(d->sectors, sizeof(*d->crc));
		d->seen = calloc(d->sectors, 1);
	}
	if (!d || !d->crc || !d->seen) {
		burn_digest_destroy(d);
		return burn_error_set(err, BURN_E_OUTOFMEMORY,
				      "no memory to keep the digest of %d sectors for verification",
				      (int)toc->leadout_lba);
	}
	*out = d;
	return 0;
}

void
burn_digest_destroy(struct burn_digest *d)
{
	if (!d)
		return;
	free(d->crc);
	free(d->seen);
	free(d);
}

/* The track @lba lies in, its pre-gap included; 0 before the first. */
static unsigned
track_of(const struct image_toc *toc, int32_t lba)
{
	unsigned found = 0;

	for (unsigned t = toc->first_track; t && t <= toc->last_track; t++)
		if (lba >= toc->track[t].pregap_lba)
			found = t;
	return found;
}

/*
 * A sector's digest is a CRC-32 of its main channel, kept in memory only,
 * so any CRC will do as long as one process uses the same one: CRC-32C
 * with the processor's own instruction where there is one (about ten
 * times as fast as the table-driven CD EDC, whose cost showed in a paced
 * burn's CPU time), else cd_edc().
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>

__attribute__((target("sse4.2"))) static uint32_t
crc32c_sse42(const uint8_t *p, size_t len)
{
	uint64_t crc = 0;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		crc = _mm_crc32_u64(crc, w);
	}
	for (; len; p++, len--)
		crc = _mm_crc32_u8((uint32_t)crc, *p);
	return (uint32_t)crc;
}
#define HAVE_CRC32C_SSE42 1
#endif

static uint32_t (*sector_crc)(const uint8_t *p, size_t len);
static uint32_t scramble_crc;
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

/*
 * Both CRCs start from 0 and invert nothing, so they are linear: the CRC of
 * a ^ b is crc(a) ^ crc(b). Descrambling XORs a fixed pattern into the
 * sector, so a descrambled sector's CRC is the CRC as sent XOR the CRC of
 * the pattern alone, with no copy of the sector.
 */
static void
crc_init(void)
{
	uint8_t pattern[CD_MAIN_SIZE] = { 0 };

	sector_crc = cd_edc;
#ifdef HAVE_CRC32C_SSE42
	if (__builtin_cpu_supports("sse4.2"))
		sector_crc = crc32c_sse42;
#endif
	cd_sector_scramble(pattern);
	scramble_crc = sector_crc(pattern, CD_MAIN_SIZE);
}

/* The CRC of a main channel @main, as if descrambled first when @scrambled_data. */
static uint32_t
main_crc(const uint8_t *main, bool scrambled_data)
{
	uint32_t crc;

	pthread_once(&crc_once, crc_init);
	crc = sector_crc(main, CD_MAIN_SIZE);
	return scrambled_data ? crc ^ scramble_crc : crc;
}

void
burn_digest_add(struct burn_digest *d, int32_t lba, const uint8_t *sector,
		enum cd_sector_type type)
{
	uint8_t q[SUBQ_SIZE];
	unsigned t;
	bool data;

	if (lba < 0 || (uint32_t)lba >= d->sectors)
		return;
	if (subchannel_extract_q(type, sector + CD_MAIN_SIZE, q, NULL) == 0) {
		data = (q[0] >> 4) & SUBQ_CONTROL_DATA;
	} else {
		t = track_of(&d->toc, lba);
		data = t && image_toc_track_is_data(&d->toc.track[t]);
	}
	d->crc[lba] = main_crc(sector, data);
	d->seen[lba] = 1;
}

/* Ends the check with @outcome at @lba; the reason in @err. */
static int
verdict(struct burn_digest *d, enum outcome outcome, int32_t lba, struct burn_error *err)
{
	d->outcome = outcome;
	d->at = lba;
	if (outcome == OUTCOME_MISMATCH)
		return burn_error_set(err, BURN_E_VERIFY_MISMATCH,
				      "verification failed: the disc differs from what was written at LBA %d (track %u)",
				      (int)lba, track_of(&d->toc, lba));
	return -1;
}

int
burn_digest_verify(struct burn_digest *d, struct recorder *rec, bool (*stop)(void *ctx),
		   void *ctx, struct burn_error *err)
{
	static const size_t size = CD_MAIN_SIZE;
	uint8_t *buf = malloc(RECORDER_DISC_READ_MAX * size);
	uint32_t lba = 0;
	int ret = 0;

	if (!buf)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory to verify the disc");
	while (lba < d->sectors && ret == 0) {
		uint32_t count = d->sectors - lba;
		struct burn_error e;
		int n;

		if (stop && stop(ctx)) {
			d->outcome = OUTCOME_CANCELLED;
			ret = burn_error_set(err, BURN_E_REQUEST_CANCELLED,
					     "the write was cancelled during its verification");
			break;
		}
		if (count > RECORDER_DISC_READ_MAX)
			count = RECORDER_DISC_READ_MAX;
		n = recorder_disc_read(rec, (int32_t)lba, count, RECORDER_READ_MAIN, buf, &e);
		if (n < 0) {
			verdict(d, OUTCOME_UNREADABLE, (int32_t)lba, err);
			ret = burn_error_set(err, e.result,
					     "verification could not read LBA %u (track %u): %s", lba,
					     track_of(&d->toc, (int32_t)lba), e.reason);
			break;
		}
		for (int i = 0; i < n; i++) {
			int32_t at = (int32_t)lba + i;

			if (d->seen[at] && main_crc(buf + (size_t)i * size, false) != d->crc[at]) {
				ret = verdict(d, OUTCOME_MISMATCH, at, err);
				break;
			}
		}
		lba += (uint32_t)n;
		__atomic_store_n(&d->done, lba, __ATOMIC_RELAXED);
	}
	if (ret == 0)
		d->outcome = OUTCOME_OK;
	free(buf);
	return ret;
}

void
burn_digest_progress(struct burn_digest *d, uint32_t *done, uint32_t *total)
{
	*done = __atomic_load_n(&d->done, __ATOMIC_RELAXED);
	*total = d->sectors;
}

void
burn_digest_outcome(struct burn_digest *d, char *buf, size_t size)
{
	switch (d->outcome) {
	case OUTCOME_OK:
		snprintf(buf, size, "ok");
		break;
	case OUTCOME_MISMATCH:
	case OUTCOME_UNREADABLE:
		snprintf(buf, size, "%s at LBA %d (track %u)",
			 d->outcome == OUTCOME_MISMATCH ? "mismatch" : "unreadable", (int)d->at,
			 track_of(&d->toc, d->at));
		break;
	case OUTCOME_CANCELLED:
		snprintf(buf, size, "cancelled");
		break;
	case OUTCOME_NONE:
	default:
		snprintf(buf, size, "not run");
		break;
	}
}
