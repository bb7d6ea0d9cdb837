/*
 * Checks of the emulated recorder's answers, and a small RAW burn into it
 * through emu_drive_exec(), as a host sends it: page 05h set to RAW,
 * WRITE(10)s from the NWA of an 80-minute CD-R, SYNCHRONIZE CACHE. The stream (one 4-second audio track)
 * is made once into memory, so a table of tests can burn it many times.
 */
#pragma once

#include <stdint.h>

#include "cd.h"
#include "emu.h"
#include "mmc.h"

/* Runs @cmd on @d and checks the sense @key/@asc/@ascq (key and asc 0: GOOD). */
void tl_expect(struct emu_drive *d, struct mmc_cmd *cmd, uint8_t key, uint8_t asc, uint8_t ascq);

/* Runs @cmd on @d and checks it answered GOOD. */
void tl_good(struct emu_drive *d, struct mmc_cmd *cmd);

#define TL_EMU_BURN_NWA (-11634)		/* cdr80's ATIP lead-in start: the first WRITE */
#define TL_EMU_BURN_TRACK_SECTORS 300	/* the shortest track a CD may hold: 4 s */

struct tl_emu_burn {
	uint8_t *data;		/* the stream from the NWA on */
	uint32_t sectors;
	unsigned size;		/* bytes per sector */
	enum cd_sector_type type;
};

/*
 * Makes the stream of a 4-second WAV (written into @work_dir) as sectors of
 * @type starting at TL_EMU_BURN_NWA. @b is the caller's: tl_emu_burn_free().
 */
void tl_emu_burn_make(struct tl_emu_burn *b, const char *work_dir, enum cd_sector_type type);
void tl_emu_burn_free(struct tl_emu_burn *b);

/* MODE SELECT page 05h: RAW, @b's data block type, BUFE on, no Test Write (expected GOOD). */
void tl_emu_burn_select(struct emu_drive *d, const struct tl_emu_burn *b);

/*
 * WRITE(10)s of stream sectors [@from, @to) (@to clamped to the stream's
 * end), each expected GOOD when emu_drive_exec() returns 0. Returns 0, or
 * the first negative emu_drive_exec() result (nothing more is sent then).
 */
int tl_emu_burn_write(struct emu_drive *d, const struct tl_emu_burn *b, uint32_t from, uint32_t to);

/* READ DISC INFORMATION: the disc status (expected GOOD). */
enum mmc_disc_status tl_emu_burn_disc_status(struct emu_drive *d);
