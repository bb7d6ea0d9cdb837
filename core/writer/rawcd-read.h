/*
 * Reading the disc back through the writer (the mount's disc/): the same
 * reads as core/drive/recorder-disc.h, refused while a write runs or a
 * write session is open, so that a reader never interleaves its commands
 * with a burn.
 */
#pragma once

#include <stdint.h>

#include "rawcd.h"
#include "recorder-disc.h"

/*
 * The table of contents of the disc in the drive (recorder_disc_toc()):
 * 1 with a recorded disc, 0 with none, or -errno; -EBUSY
 * (WRITE_IN_PROGRESS) while a write runs or a session is open.
 */
int rawcd_read_toc(struct rawcd *w, struct image_toc *toc, struct burn_error *err);

/* recorder_disc_read(), refused the same way. */
int rawcd_read_sectors(struct rawcd *w, int32_t lba, uint32_t count,
		       enum recorder_read_form form, uint8_t *buf, struct burn_error *err);


/* recorder_disc_cdtext(), refused the same way. */
int rawcd_read_cdtext(struct rawcd *w, uint8_t (*packs)[CDTEXT_PACK_SIZE], struct burn_error *err);
