/*
 * A small RAW burn into the emulated recorder through emu_drive_exec(), as
 * a host sends it: page 05h set to RAW, WRITE(10)s from the NWA of an
 * 80-minute CD-R, SYNCHRONIZE CACHE. The stream (one 4-second audio track)
 * is made once into memory, so a table of tests can burn it many times.
 */
#pragma once

#include <stdint.h>

#include "cd.h"
#include "emu.h"

#define EMU_BURN_NWA (-11634)		/* cdr80's ATIP lead-in start: the first WRITE */
#define EMU_BURN_TRACK_SECTORS 300	/* the shortest track a CD may hold: 4 s */

struct emu_burn {
	uint8_t *data;		/* the stream from the NWA on */
	uint32_t sectors;
	unsigned size;		/* bytes per sector */
	enum cd_sector_type type;
};

/*
 * Makes the stream of a 4-second WAV (written into @work_dir) as sectors of
 * @type starting at EMU_BURN_NWA. @b is the caller's: emu_burn_free().
 */
void emu_burn_make(struct emu_burn *b, const char *work_dir, enum cd_sector_type type);
void emu_burn_free(struct emu_burn *b);

/* MODE SELECT page 05h: RAW, @b's data block type, BUFE on, no Test Write (expected GOOD). */
void emu_burn_select(struct emu_drive *d, const struct emu_burn *b);

/*
 * WRITE(10)s of stream sectors [@from, @to) (@to clamped to the stream's
 * end), each expected GOOD when emu_drive_exec() returns 0. Returns 0, or
 * the first negative emu_drive_exec() result (nothing more is sent then).
 */
int emu_burn_write(struct emu_drive *d, const struct emu_burn *b, uint32_t from, uint32_t to);

/* READ DISC INFORMATION: the disc status (expected GOOD). */
enum mmc_disc_status emu_burn_disc_status(struct emu_drive *d);
