/*
 * The raw stream of a disc that is read back (the mount's disc/disc.raw,
 * doc/design.md §6): a 1:1 copy for another recorder. The lead-in is
 * regenerated from the disc's table of contents and CD-TEXT packs, track
 * 1's pre-gap (LBA -150 to -1, which drives do not read) and the lead-out
 * are written as the encoder writes them (image-encoder.h), and every
 * program-area sector, LBA 0 up to the lead-out, is the sector as read:
 * its main channel (scrambled again where its Q says data) and its P-W
 * sub-channel in the stream's form. Any sector can be made on its own.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cd.h"
#include "image-cdtext.h"
#include "image-disc.h"

/* The bytes of one sector as read for a copy: the main channel, then the raw P-W. */
#define IMAGE_COPY_READ_SIZE (CD_MAIN_SIZE + 96)

struct image_copy;

/*
 * Creates the copy of the disc @toc describes (a read-back TOC: tracks in
 * order, each at least one sector, track 1 at LBA 0 or later, the lead-out
 * within the CD address range), carrying @n_packs CD-TEXT packs @packs
 * (may be NULL with 0) in the lead-in of a 96-byte P-W stream, as a stream
 * of @type with @lead_in_sectors (image_encoder_create()'s range). Stores
 * it in *@out (freed with image_copy_destroy()) and returns 0; or -EINVAL
 * (BURN_E_STREAM_NOT_SUPPORTED, the reason in @err), -E2BIG, -ENOMEM.
 */
int image_copy_create(struct image_copy **out, const struct image_toc *toc,
		      const uint8_t (*packs)[CDTEXT_PACK_SIZE], unsigned n_packs,
		      enum cd_sector_type type, unsigned lead_in_sectors,
		      struct burn_error *err);

/* NULL is allowed. */
void image_copy_destroy(struct image_copy *c);

/* Sectors in the stream: lead-in (track 1's pre-gap included) + program area + 6750. */
uint64_t image_copy_total_sectors(const struct image_copy *c);

/* The LBA of stream sector @index (0 = the first of the lead-in). */
int32_t image_copy_lba(const struct image_copy *c, uint64_t index);

/* True when the sector at @lba is made from one read from the disc (0 <= LBA < lead-out). */
bool image_copy_is_read(const struct image_copy *c, int32_t lba);

/*
 * Writes the stream's sector at @lba (cd_sector_type_size() bytes) to
 * @out. @as_read is that sector as read (IMAGE_COPY_READ_SIZE bytes:
 * descrambled main channel, raw P-W) where image_copy_is_read(), else
 * ignored (may be NULL). Returns 0, or -EINVAL for an LBA outside the stream.
 */
int image_copy_sector(struct image_copy *c, int32_t lba, const uint8_t *as_read, uint8_t *out,
		      struct burn_error *err);
