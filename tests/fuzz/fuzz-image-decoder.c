/*
 * libFuzzer target: the raw stream decoder (core/cd/image-decoder.h), which
 * the emulated recorder runs on every sector a client writes: it decodes
 * the lead-in TOC from Q and CD-TEXT from R-W, then follows the program
 * area and the lead-out.
 *
 * Byte 0: bits 0-1 the sector type (3: an invalid one, refused); bits 2-4
 * the lead-in length (stream sector 0 at LBA -lead_in), from lead_ins[];
 * bit 5 "fix CRCs": every Q frame and CD-TEXT pack gets a good CRC before
 * it is fed, so that mutations reach the TOC logic behind the CRC check;
 * bit 6 "feed_at": each sector is preceded by a 16-bit big-endian LBA step
 * (0 repeats the previous LBA, refused once a sector was fed), so that a
 * few sectors reach the program area, the lead-out and its end; bit 7 "a
 * later session": the stream starts at LATER_LEADIN, as a RAW session
 * appended to a disc does (image_decoder_open_session()), with a lead-in
 * as long as bits 2-4 say (at most what such a session may have) and a
 * 2250-sector lead-out. The rest is whole sectors.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-crc.h"
#include "fuzz.h"
#include "image-cdtext.h"
#include "image-decoder.h"

#define FLAG_FIX_CRC 0x20
#define FLAG_FEED_AT 0x40
#define FLAG_LATER 0x80
/* the next lead-in after a 300-block first session (doc/reference/tao.md §5) */
#define LATER_LEADIN 7050
#define LATER_LEADOUT 2250

static const unsigned lead_ins[] = { 0, 150, 154, 162, 168, 11634, 22650, IMAGE_MAX_LEAD_IN };

/* What image_decoder_toc() promises about a TOC it hands out. */
static void
check_toc(const struct image_toc *toc)
{
	int32_t prev = -1;

	fuzz_assert(toc->first_track >= 1 && toc->first_track <= toc->last_track &&
		    toc->last_track <= IMAGE_MAX_TRACKS);
	for (unsigned n = toc->first_track; n <= toc->last_track; n++) {
		const struct image_toc_track *t = &toc->track[n];

		fuzz_assert(t->start_lba > prev);
		prev = t->start_lba;
		fuzz_assert(t->index_count <= IMAGE_MAX_INDEX);
		fuzz_assert(strnlen(t->isrc, sizeof(t->isrc)) < sizeof(t->isrc));
	}
	fuzz_assert(toc->leadout_lba > prev);
	fuzz_assert(strnlen(toc->mcn, sizeof(toc->mcn)) < sizeof(toc->mcn));
	/* every CD-TEXT string ends inside the pool, at most IMAGE_TEXT_MAX characters */
	fuzz_assert(toc->text.used <= sizeof(toc->text.pool));
	for (unsigned n = 0; n <= IMAGE_MAX_TRACKS; n++) {
		for (unsigned f = 0; f < IMAGE_TEXT_FIELDS; f++) {
			unsigned at = toc->text.at[n][f];

			if (!at)
				continue;
			fuzz_assert(at <= toc->text.used);
			fuzz_assert(strnlen(toc->text.pool + at - 1, toc->text.used - at + 1) <
				    toc->text.used - at + 1);
			fuzz_assert(strlen(image_toc_text(toc, n, (enum image_text_field)f)) <
				    IMAGE_TEXT_SIZE);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct image_sector out;
	struct image_decoder *dec;
	uint8_t *sector;
	enum cd_sector_type type;
	unsigned sector_size, flags;
	const struct image_toc *toc;
	bool started = false;
	int32_t lba, later_program = INT32_MIN;

	if (size < 1)
		return 0;
	flags = data[0];
	type = (enum cd_sector_type)((flags & 3) + 1);
	lba = -(int32_t)lead_ins[(flags >> 2) & 7];
	if (type > CD_SECTOR_RAW) {
		fuzz_assert(image_decoder_open(&dec, type, 0, NULL) == -EINVAL && !dec);
		return 0;
	}
	if (flags & FLAG_LATER) {
		unsigned lead_in = (unsigned)-lba;
		int32_t program;

		if (lead_in > IMAGE_MAX_LEAD_IN - CD_PREGAP_FRAMES)
			lead_in = IMAGE_MAX_LEAD_IN - CD_PREGAP_FRAMES;
		program = LATER_LEADIN + (int32_t)lead_in;
		/* a session whose lead-in would end before the disc's start is no session */
		fuzz_assert(image_decoder_open_session(&dec, type, -CD_PREGAP_FRAMES - 1,
						       -CD_PREGAP_FRAMES - 1, LATER_LEADOUT,
						       NULL) == -EINVAL && !dec);
		fuzz_assert(image_decoder_open_session(&dec, type, LATER_LEADIN, program,
						       LATER_LEADOUT, NULL) == 0);
		later_program = program;
		lba = LATER_LEADIN;
	} else {
		fuzz_assert(image_decoder_open(&dec, type, (unsigned)-lba, NULL) == 0);
	}
	sector_size = cd_sector_type_size(type);
	sector = malloc(sector_size);	/* exactly one sector, for ASan */
	if (!sector)
		abort();
	lba--;
	data++;
	size--;
	for (;;) {
		int32_t step = 1;
		int ret;

		if (flags & FLAG_FEED_AT) {
			if (size < 2)
				break;
			step = data[0] << 8 | data[1];
			data += 2;
			size -= 2;
		}
		if (size < sector_size)
			break;
		memcpy(sector, data, sector_size);
		data += sector_size;
		size -= sector_size;
		if (flags & FLAG_FIX_CRC)
			fuzz_fix_crcs(type, sector);
		if (flags & FLAG_FEED_AT) {
			ret = image_decoder_feed_at(dec, lba + step, sector, &out);
			if (step == 0 && started) {
				fuzz_assert(ret == -EINVAL);
				continue;
			}
		} else {
			ret = image_decoder_feed(dec, sector, &out);
		}
		lba += step;
		started = true;
		fuzz_assert(ret == 0 || ret == -EBADMSG);
		fuzz_assert(out.lba == lba);
		fuzz_assert(out.track <= IMAGE_MAX_TRACKS || out.track == SUBQ_TNO_LEADOUT);
		fuzz_assert(out.index <= IMAGE_MAX_INDEX);
		fuzz_assert((ret == -EBADMSG) == !!(out.events & IMAGE_EVENT_TOC_BAD));
	}
	toc = image_decoder_toc(dec);
	if (toc) {
		check_toc(toc);
		/* a later session's tracks start after its lead-in and first pre-gap */
		fuzz_assert(toc->track[toc->first_track].start_lba > later_program);
		fuzz_assert(image_decoder_toc_failure(dec, NULL) == 0);
		fuzz_assert(image_decoder_expected_sectors(dec) > 0);
	} else {
		fuzz_assert(image_decoder_expected_sectors(dec) == 0);
	}
	(void)image_decoder_complete(dec);
	image_decoder_destroy(dec);
	free(sector);
	return 0;
}
