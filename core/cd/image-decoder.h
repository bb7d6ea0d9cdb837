/*
 * The raw stream decoder, the encoder's inverse, push-style: feed it one raw
 * sector (2368 or 2448 bytes) at a time, in address order, and it
 *  - extracts Q (checking its CRC) and P,
 *  - collects the TOC from the lead-in and says when it is complete
 *    (IMAGE_EVENT_TOC_COMPLETE; image_decoder_toc() then gives first/last
 *    track, each track's start and mode, and the lead-out, hence the nominal
 *    stream length image_decoder_expected_sectors()),
 *  - follows TNO/INDEX in the program area (IMAGE_EVENT_TRACK/INDEX) and
 *    records pre-gaps, indexes, MCN and ISRC into the same struct image_toc
 *    (and CD-TEXT titles/performers from the lead-in R-W, when present),
 *  - returns the 2352-byte main channel with data sectors descrambled and
 *    their sync, header address, EDC and P/Q parity checked,
 *  - notices the lead-out (IMAGE_EVENT_LEADOUT) and its nominal end,
 *  - and counts damage: bad Q CRC, bad data sectors, Q or header addresses
 *    that disagree with the sector's LBA or go backwards, and a lead-in that
 *    is not a TOC (the feed returns -EBADMSG once;
 *    image_decoder_toc_failure() says why): a lead-in Q frame with a good
 *    CRC that is not a TOC entry, entries that contradict each other, 612
 *    lead-in sectors in a row without a valid entry, or a lead-in that ends
 *    before the TOC is whole.
 * Memory is bounded (one decoder is about 70 KB); nothing is buffered.
 * The small pure helpers the emulator needs per sector are
 * subchannel_extract_q(), subchannel_to_raw96() (subchannel.h) and
 * cd_sector_scramble() / cd_sector_check_mode1() (cd-sector.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cd.h"
#include "image-disc.h"
#include "subchannel.h"

enum image_region {
	IMAGE_REGION_LEADIN,	/* LBA < -150 (a later session's: before its first pre-gap) */
	IMAGE_REGION_PROGRAM,	/* -150 .. lead-out - 1: the first track's pre-gap and the tracks */
	IMAGE_REGION_LEADOUT,
};

/* Damage of one sector; the low bits are enum cd_sector_damage (data sectors). */
enum image_damage {
	IMAGE_DAMAGE_Q_CRC = 1 << 8,		/* Q CRC wrong: Q ignored for this sector */
	IMAGE_DAMAGE_Q_ADDRESS = 1 << 9,	/* Q time != LBA, or TNO/INDEX went backwards */
	IMAGE_DAMAGE_Q_FORMAT = 1 << 10,	/* good CRC but fields invalid for the region */
	IMAGE_DAMAGE_CDTEXT_CRC = 1 << 11,	/* a CD-TEXT pack in the lead-in R-W is damaged */
};

enum image_event {
	IMAGE_EVENT_TOC_COMPLETE = 1 << 0,	/* all TOC entries seen: image_decoder_toc() */
	IMAGE_EVENT_TOC_BAD = 1 << 1,		/* the lead-in is not a (consistent) TOC */
	IMAGE_EVENT_TRACK = 1 << 2,		/* first sector of a track (pre-gap or 01) */
	IMAGE_EVENT_INDEX = 1 << 3,		/* first sector of an index */
	IMAGE_EVENT_LEADOUT = 1 << 4,		/* first lead-out sector */
	IMAGE_EVENT_END = 1 << 5,		/* last sector of the (6750-sector) lead-out */
};

/* What the decoder found in one sector. The caller owns it; it is filled by each feed. */
struct image_sector {
	int32_t lba;
	enum image_region region;
	unsigned track;		/* 0 lead-in, 1..99, SUBQ_TNO_LEADOUT in the lead-out */
	unsigned index;
	bool data;		/* a Mode 1 sector: main is descrambled */
	bool p;
	bool q_ok;		/* Q CRC good */
	uint8_t q[SUBQ_SIZE];	/* Q as read (a 16-byte form's CRC made inverted) */
	unsigned damage;	/* enum cd_sector_damage | enum image_damage; 0 = good */
	unsigned events;	/* enum image_event */
	uint8_t main[CD_MAIN_SIZE];
};

struct image_decoder_stats {
	uint64_t sectors;
	uint64_t q_crc_errors;
	uint64_t data_errors;		/* sync, header, EDC or ECC */
	uint64_t edc_errors;
	uint64_t ecc_errors;
	uint64_t address_errors;	/* Q or header address, or non-monotonic feed */
	uint64_t cdtext_crc_errors;	/* sectors with a damaged CD-TEXT pack */
	int32_t first_q_crc_lba;	/* INT32_MIN when none */
	int32_t first_data_error_lba;
	int32_t first_address_error_lba;
	int32_t first_cdtext_crc_lba;
};

struct image_decoder;

/*
 * Creates a decoder for a stream of @type whose first sector is at LBA
 * -@lead_in_sectors. Stores it in *@out (the caller frees it with
 * image_decoder_destroy()); returns 0, or fills @err (may be NULL) and
 * returns -EINVAL (BURN_E_INVALIDARG) for a bad type or a lead-in beyond
 * IMAGE_MAX_LEAD_IN, or -ENOMEM (BURN_E_OUTOFMEMORY).
 */
int image_decoder_open(struct image_decoder **out, enum cd_sector_type type,
		       unsigned lead_in_sectors, struct burn_error *err);

/*
 * Like image_decoder_open(), for the stream of one session of a
 * multi-session disc (doc/reference/tao.md §5): its first sector at
 * @first_lba, its lead-in up to @program_lba (its first track's pre-gap,
 * -150 in the first session), its lead-out @leadout_sectors long (6750 in
 * the first session, 2250 in a later one). The TOC image_decoder_toc()
 * gives is the session's: its tracks and its lead-out. -EINVAL
 * (BURN_E_INVALIDARG) for addresses no CD has, else as image_decoder_open().
 */
int image_decoder_open_session(struct image_decoder **out, enum cd_sector_type type,
			       int32_t first_lba, int32_t program_lba, unsigned leadout_sectors,
			       struct burn_error *err);

/* Frees @dec; NULL is allowed. */
void image_decoder_destroy(struct image_decoder *dec);

/*
 * Decodes the next sector: @sector is cd_sector_type_size() bytes, only
 * read; the result goes to @out. Returns 0, or -EBADMSG on the sector where
 * the lead-in turned out not to be a TOC (decoding goes on afterwards).
 */
int image_decoder_feed(struct image_decoder *dec, const uint8_t *sector,
		       struct image_sector *out);

/*
 * Same, for a sector whose LBA the caller knows (a WRITE address); the LBA
 * must be greater than the previous one (sectors may be skipped, e.g. the
 * part of the lead-in before the media's). Returns -EINVAL, with the sector
 * not decoded and an address error counted, when it is not.
 */
int image_decoder_feed_at(struct image_decoder *dec, int32_t lba, const uint8_t *sector,
			  struct image_sector *out);

/*
 * The TOC once complete (NULL before, or when the lead-in was not a TOC),
 * owned by @dec. Pre-gaps, indexes, track ends, MCN and ISRC are filled in
 * as the program area goes by.
 */
const struct image_toc *image_decoder_toc(const struct image_decoder *dec);

/*
 * Whether the lead-in turned out not to be a TOC: if so, copies why into
 * @err (BURN_E_STREAM_NOT_SUPPORTED; @err may be NULL) and returns
 * -EBADMSG; otherwise returns 0 and leaves @err alone.
 */
int image_decoder_toc_failure(const struct image_decoder *dec, struct burn_error *err);

/* Counters, owned by @dec. */
const struct image_decoder_stats *image_decoder_stats(const struct image_decoder *dec);

/*
 * Sectors a complete stream has from the first sector fed (or from
 * -lead_in_sectors before any) to the end of the lead-out (6750 sectors
 * unless image_decoder_open_session() said otherwise), or 0 while the TOC
 * is unknown.
 */
uint64_t image_decoder_expected_sectors(const struct image_decoder *dec);

/* True once the last sector of the lead-out (6750 sectors, or the session's) was fed. */
bool image_decoder_complete(const struct image_decoder *dec);
