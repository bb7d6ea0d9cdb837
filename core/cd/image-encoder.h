/*
 * The raw stream encoder (the IRawCDImageCreator role, data tracks too):
 * turns a struct image_disc into the IMAPI raw stream of doc/design.md §2.2,
 * sector by sector, pull-style, with bounded memory.
 *
 * Stream sector 0 is at LBA -lead_in_sectors. Layout: lead-in (TOC in Q:
 * A0, A1, A2, then each track, every entry 3 times in a row, cycling;
 * running time = the sector's absolute lead-in MSF; main channel zeros for
 * an audio first track, else Mode 1 zero sectors with header MSF LBA+450150,
 * scrambled), track 1's 150-sector pre-gap, the tracks, a 6750-sector
 * lead-out. Q position frames carry CRC; an MCN frame replaces the position
 * frame at LBA % 100 == 99 and an ISRC frame at LBA % 100 == 49 inside the
 * track's index >= 1 (never on the first or last sector of an index, so
 * every index change is seen on its first sector). P is 1 in index 00, 0 in
 * the lead-in, and in the lead-out 0 for 150 sectors then 19 on / 19 off.
 * Audio is written as read, little-endian; data sectors are fully encoded
 * and scrambled. The 16-byte P-Q form carries the inverted CRC. R-W is zero,
 * except in the lead-in of a 96-byte P-W stream (CD_SECTOR_COOKED or
 * CD_SECTOR_RAW) whose disc has titles or performers: CD-TEXT packs there,
 * four per sector, cycling (image-cdtext.h). The 16-byte P-Q form has no
 * room for them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cd.h"
#include "image-cdtext.h"
#include "image-disc.h"

struct image_encoder;

/*
 * Creates an encoder for @disc, which it borrows: @disc must outlive the
 * encoder. @lead_in_sectors must be at least 150 plus 3 sectors per TOC
 * entry and at most IMAGE_MAX_LEAD_IN. On success stores the encoder in
 * *@out (caller frees it with image_encoder_destroy()) and returns 0; else
 * -EINVAL / -E2BIG (CD-TEXT over 256 packs) / -ENOMEM with the reason in @err.
 */
int image_encoder_create(struct image_encoder **out, const struct image_disc *disc,
			 enum cd_sector_type type, unsigned lead_in_sectors,
			 struct burn_error *err);

/*
 * The Q frame (12 bytes, CRC set) and P flag of program-area sector @lba
 * (-150 up to the lead-out) of track @n of @toc, as the encoder records
 * them: position, and MCN / ISRC frames where the header above says. The
 * emulated recorder makes a session-at-once disc's sub-channel with it, so
 * SAO and RAW burns of the same content carry the same P and Q.
 */
void image_toc_program_q(const struct image_toc *toc, unsigned n, int32_t lba, uint8_t *q,
			 bool *p);

/* Closes the input files and frees @enc; NULL is allowed. */
void image_encoder_destroy(struct image_encoder *enc);

/* Sectors in the whole stream: lead-in + 150 + program area + 6750. */
uint64_t image_encoder_total_sectors(const struct image_encoder *enc);

/*
 * Writes the next sector (cd_sector_type_size() bytes) to @out. Returns 1,
 * 0 at the end of the stream, or -errno when an input file cannot be read
 * or lies (reason in @err). A streamed input (image_disc_open_stream()) is
 * read through its source, in order, and may block there; one that ends
 * before the bytes its header declares gives -ENODATA.
 */
int image_encoder_next_sector(struct image_encoder *enc, uint8_t *out,
			      struct burn_error *err);

/*
 * Makes @lba (first LBA to one past the lead-out's end) the next sector
 * and writes it as image_encoder_next_sector() does: random access. A disc
 * read through an image_source (image_disc_open_stream()) only goes
 * forward. Returns 1, -EINVAL (BURN_E_INVALIDARG) for an LBA outside the
 * stream, or the next sector's failure.
 */
int image_encoder_sector_at(struct image_encoder *enc, int32_t lba, uint8_t *out,
			    struct burn_error *err);

/*
 * Replaces the CD-TEXT packs the encoder built from the disc's titles by
 * @n packs given as they are (a disc's packs read back, in sequence
 * order, CRCs included); nothing changes for CD_SECTOR_PQ, which carries
 * none. Returns 0, or -E2BIG over CDTEXT_MAX_PACKS.
 */
int image_encoder_set_cdtext(struct image_encoder *enc, const uint8_t (*packs)[CDTEXT_PACK_SIZE],
			     unsigned n);

/*
 * Fills @buf with up to @len bytes of the stream, cutting sectors anywhere.
 * Returns the number of bytes (less than @len only at the end), 0 at the
 * end, or -errno with the reason in @err.
 */
ssize_t image_encoder_read(struct image_encoder *enc, void *buf, size_t len,
			   struct burn_error *err);
