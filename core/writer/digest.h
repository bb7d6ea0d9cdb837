/*
 * Verification of a burn (the mount's `verify`): a CRC-32 (the CD EDC
 * polynomial) of every program-area sector's main channel as it was sent,
 * data sectors descrambled as the drive records them, then the program
 * area read back (READ CD) and compared sector by sector. Memory: 4 bytes
 * per sector (1.4 MB for an 80-minute disc).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "image-disc.h"
#include "recorder.h"

struct burn_digest;

/*
 * A digest for the program area of @toc (LBA 0 up to its lead-out), whose
 * track types tell data sectors from audio ones. *@out is the caller's:
 * burn_digest_destroy().
 */
int burn_digest_create(const struct image_toc *toc, struct burn_digest **out,
		       struct burn_error *err);
void burn_digest_destroy(struct burn_digest *d);

/*
 * Takes the stream sector @sector of @type (main channel first, as sent) at
 * @lba; others are ignored. Whether it is data, to descramble, comes from
 * its Q's CONTROL, as the drive tells (a pre-gap belongs to the track after
 * it: the audio pre-gap after a data track is audio); a Q with a bad CRC
 * falls back to the track the TOC puts it in.
 */
void burn_digest_add(struct burn_digest *d, int32_t lba, const uint8_t *sector,
		     enum cd_sector_type type);

/*
 * Reads the program area back from @rec and compares. @stop (with @ctx)
 * is called between reads (the caller may report progress there) and ends
 * the check with REQUEST_CANCELLED when it returns true. Returns
 * 0 when every sector matches; -EIO with BURN_E_VERIFY_MISMATCH and the
 * first differing LBA and track in @err; or the read's failure. The first
 * mismatch is kept for burn_digest_outcome().
 */
int burn_digest_verify(struct burn_digest *d, struct recorder *rec, bool (*stop)(void *ctx),
		       void *ctx, struct burn_error *err);

/* Sectors compared so far and in all (for progress); safe from any thread. */
void burn_digest_progress(struct burn_digest *d, uint32_t *done, uint32_t *total);

/*
 * The outcome as status shows it: "ok", "mismatch at LBA N (track T)",
 * "unreadable at LBA N (track T)", or "cancelled" into @buf.
 */
void burn_digest_outcome(struct burn_digest *d, char *buf, size_t size);
