/*
 * libFuzzer target: the stream's checker (core/writer/stream-check.h), the
 * one place the bytes a user streams into track.raw or burn/ are cut into
 * sectors and judged before any drive gets them: lead-in TOC, track types,
 * the end of the stream, trailing bytes. It is fed in writes of every
 * size, as cat, dd and a file manager write, so sectors straddle writes.
 *
 * Byte 0 as fuzz-image-decoder's: bits 0-1 the sector type (3: an invalid
 * one, refused), bits 2-4 the lead-in length from lead_ins[], bit 5 "fix
 * CRCs" (each whole sector's Q and CD-TEXT get good CRCs). Byte 1: bits
 * 0-2 the write size from write_sizes[]; bits 3-7 the sink's call that
 * fails (0: none), as a member's drive failing would. The rest is the
 * stream.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-crc.h"
#include "fuzz.h"
#include "stream-check.h"

#define FLAG_FIX_CRC 0x20
#define SINK_EIO_TEXT "the sink failed"

static const unsigned lead_ins[] = { 0, 150, 154, 162, 168, 11634, 22650, IMAGE_MAX_LEAD_IN };
static const size_t write_sizes[] = { 1, 7, 2048, 2352, 2368, 2448, 4096, 65536 };

/* What the sink saw. */
struct seen {
	enum cd_sector_type type;
	int32_t next_lba;	/* the LBA the next sector must have */
	uint64_t sectors;
	unsigned tocs;
	uint64_t expected;	/* from the TOC, lead-in included */
	long lead_in;
	unsigned calls, fail_at;
	bool failed;		/* the sink failed a call */
};

static bool
sink_fails(struct seen *s, struct burn_error *err)
{
	if (s->fail_at == 0 || ++s->calls != s->fail_at)
		return false;
	s->failed = true;
	burn_error_set(err, BURN_E_FAIL, SINK_EIO_TEXT);
	return true;
}

static int
sink_toc(void *ctx, const struct image_toc *toc, uint64_t expected, struct burn_error *err)
{
	struct seen *s = ctx;

	fuzz_assert(toc && ++s->tocs == 1);
	fuzz_assert(expected > (uint64_t)s->lead_in);
	fuzz_assert(toc->first_track >= 1 && toc->first_track <= toc->last_track);
	/* after every sector before the one that completed it, so inside the lead-in */
	fuzz_assert(s->next_lba < 0);
	s->expected = expected;
	return sink_fails(s, err) ? -EIO : 0;
}

static int
sink_sectors(void *ctx, const uint8_t *p, size_t n, int32_t lba, struct burn_error *err)
{
	struct seen *s = ctx;
	size_t size = cd_sector_type_size(s->type);
	volatile uint8_t touch;

	fuzz_assert(p && n >= 1);
	fuzz_assert(lba == s->next_lba);
	/* every byte of the run is there (ASan checks the reads) */
	touch = p[0];
	touch = p[n * size - 1];
	(void)touch;
	s->sectors += n;
	s->next_lba += (int32_t)n;
	if (s->tocs)
		fuzz_assert(s->sectors <= s->expected);
	else
		fuzz_assert(s->next_lba <= 0);	/* no program area before the TOC */
	return sink_fails(s, err) ? -EIO : 0;
}

static void
printable(const char *reason)
{
	fuzz_assert(reason[0] != '\0' && strlen(reason) < BURN_REASON_MAX);
	for (const char *q = reason; *q; q++)
		fuzz_assert(*q >= 0x20 && *q < 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0 };
	struct burn_stream_check_sink sink = { sink_toc, sink_sectors, &s };
	struct burn_stream_check *c = NULL;
	struct burn_error err, kept;
	size_t sector_size, chunk, at = 0;
	uint8_t *stream;

	if (size < 2)
		return 0;
	s.type = (enum cd_sector_type)((data[0] & 3) + 1);
	s.lead_in = (long)lead_ins[(data[0] >> 2) & 7];
	s.next_lba = (int32_t)-s.lead_in;
	chunk = write_sizes[data[1] & 7];
	s.fail_at = data[1] >> 3;
	if (s.type > CD_SECTOR_RAW) {
		fuzz_assert(burn_stream_check_create(s.type, s.lead_in, &c, &err) < 0);
		printable(err.reason);
		return 0;
	}
	fuzz_assert(burn_stream_check_create(s.type, s.lead_in, &c, &err) == 0);
	sector_size = cd_sector_type_size(s.type);
	/* a copy of exactly the stream's bytes, for ASan and the CRC fixes */
	stream = malloc(size - 2 ? size - 2 : 1);
	if (!stream)
		abort();
	memcpy(stream, data + 2, size - 2);
	size -= 2;
	if (data[0] & FLAG_FIX_CRC)
		for (size_t i = 0; i + sector_size <= size; i += sector_size)
			fuzz_fix_crcs(s.type, stream + i);
	while (at < size) {
		size_t n = size - at < chunk ? size - at : chunk;
		ssize_t ret = burn_stream_check_write(c, stream + at, n, &sink, &err);

		fuzz_assert(burn_stream_check_pending(c) < sector_size);
		if (ret >= 0) {
			/* all of it, or a short count: the stream's end, then bytes that are not zero */
			fuzz_assert((size_t)ret <= n && !s.failed);
			if ((size_t)ret < n)
				fuzz_assert(s.tocs && s.sectors == s.expected);
			at += n;
			continue;
		}
		printable(err.reason);
		if (burn_stream_check_failure(c, &kept)) {
			/*
			 * The stream's own refusal, also when the sink failed the
			 * good sectors before it in the same call: every later
			 * write fails the same.
			 */
			fuzz_assert(strcmp(kept.reason, err.reason) == 0);
			fuzz_assert(burn_stream_check_write(c, stream + at, n, &sink, &err) == ret);
			fuzz_assert(strcmp(kept.reason, err.reason) == 0);
			break;
		}
		if (s.failed) {
			/* the sink's failure comes back as it is, and is not the stream's */
			fuzz_assert(ret == -EIO && strcmp(err.reason, SINK_EIO_TEXT) == 0);
			break;
		}
		/* refused by this call alone: bytes after the stream's end that are not zero */
		fuzz_assert(s.tocs && s.sectors == s.expected);
		at += n;
	}
	burn_stream_check_destroy(c);
	free(stream);
	return 0;
}
