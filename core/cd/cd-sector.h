/*
 * CD-ROM Mode 1 sectors (doc/reference/mmc.md §11): sync, BCD header, EDC,
 * the RSPC P/Q parity of ECMA-130 Annex A, and the Annex B scrambler; and
 * Mode 2 XA sectors (CD-ROM XA, as ECMA-130 §14 / the Green Book lay them
 * out): an 8-byte subheader (4 bytes twice), then Form 1 (2048 bytes of
 * user data, EDC over subheader and data, P/Q parity computed with the
 * header as zeros) or Form 2 (2324 bytes, EDC, no parity).
 *
 * Every function works on one caller-owned 2352-byte main-channel buffer
 * (CD_MAIN_SIZE) and keeps no state; the lookup tables are built once,
 * thread-safely, on first use. Nothing here allocates.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd.h"

#define CD_SYNC_SIZE 12
#define CD_HEADER_OFFSET 12	/* M S F (BCD) mode */
#define CD_MODE1_DATA_OFFSET 16
#define CD_EDC_OFFSET 2064
#define CD_ECC_P_OFFSET 2076	/* 172 bytes */
#define CD_ECC_Q_OFFSET 2248	/* 104 bytes */
#define CD_SCRAMBLE_OFFSET 12	/* the sync is never scrambled */

#define CD_MODE2_SUBHEADER_OFFSET 16	/* file, channel, submode, coding; then again */
#define CD_MODE2_DATA_OFFSET 24
#define CD_MODE2_SIZE 2336		/* all after the header: a host's Mode 2 block */
#define CD_FORM1_EDC_OFFSET 2072	/* over bytes 16-2071 */
#define CD_FORM2_DATA_SIZE 2324
#define CD_FORM2_EDC_OFFSET 2348	/* over bytes 16-2347; 0 = none */
#define CD_SUBMODE_FORM2 0x20		/* submode bit 5 */

/* Problems cd_sector_check_mode1() finds; 0 means a good sector. */
enum cd_sector_damage {
	CD_DAMAGE_SYNC = 1 << 0,	/* bytes 0-11 are not 00 FF*10 00 */
	CD_DAMAGE_HEADER = 1 << 1,	/* mode byte is not 01 or the MSF is not BCD */
	CD_DAMAGE_EDC = 1 << 2,		/* EDC over bytes 0-2063 does not match */
	CD_DAMAGE_ECC = 1 << 3,		/* P or Q parity does not match */
	CD_DAMAGE_ADDRESS = 1 << 4,	/* header MSF differs from the expected LBA */
	CD_DAMAGE_SUBHEADER = 1 << 5,	/* Mode 2: the subheader's two copies differ */
};

/*
 * The 32-bit EDC (x^32+x^31+x^16+x^15+x^4+x^3+x+1, LSB first, initial
 * value 0) of @len bytes at @buf, any length and alignment (cd-edc.c). The
 * caller keeps @buf.
 */
uint32_t cd_edc(const uint8_t *buf, size_t len);

/* True when the first 12 bytes of @sector are the CD sync pattern. */
bool cd_sector_has_sync(const uint8_t *sector);

/*
 * Fills @sector (caller-owned, CD_MAIN_SIZE bytes) with a complete,
 * unscrambled Mode 1 sector for @lba: sync, header (MSF = LBA+150, or
 * LBA+450150 in the lead-in), the 2048 bytes at @data (all zero when @data
 * is NULL; @data may not overlap @sector except at exactly sector+16),
 * EDC, the 8 zero bytes, and P/Q parity.
 */
void cd_sector_encode_mode1(uint8_t *sector, int32_t lba, const uint8_t *data);

/* Writes the sync and the header (MSF of @lba, @mode) of @sector; nothing else changes. */
void cd_sector_write_header(uint8_t *sector, int32_t lba, uint8_t mode);

/*
 * Recomputes P then Q parity of a Mode 1 sector in place from bytes
 * 12..2247 (Q also covers the new P parity).
 */
void cd_sector_compute_ecc(uint8_t *sector);

/*
 * XORs bytes 12..2351 of @sector with the ECMA-130 Annex B sequence. The
 * operation is its own inverse, so it both scrambles and descrambles.
 */
void cd_sector_scramble(uint8_t *sector);

/*
 * Copies the first @len (<= 2340) bytes of the scrambler sequence to @out,
 * for tests and tools that show it.
 */
void cd_scrambler_sequence(uint8_t *out, size_t len);

/*
 * Checks an unscrambled Mode 1 sector: sync, header, EDC and P/Q parity;
 * when @expected_lba is not NULL the header address must match it.
 * Returns a mask of enum cd_sector_damage (0 = good). @sector is only read.
 */
unsigned cd_sector_check_mode1(const uint8_t *sector, const int32_t *expected_lba);

/*
 * Fills @sector with a complete, unscrambled Mode 2 XA sector for @lba:
 * sync, header (mode 2), @subheader twice, then by the subheader's form
 * bit (CD_SUBMODE_FORM2) Form 1: the 2048 bytes at @data, EDC, P/Q parity;
 * or Form 2: the 2324 bytes at @data, EDC. @data may be NULL (zeros) or
 * sector + CD_MODE2_DATA_OFFSET.
 */
void cd_sector_encode_mode2(uint8_t *sector, int32_t lba, const uint8_t subheader[4],
			    const uint8_t *data);

/*
 * Completes the Mode 2 XA sector @sector (caller-owned, CD_MAIN_SIZE
 * bytes) for @lba whose sub-header (both copies, kept as they are) and
 * user data are in place: sync, header (mode 2), then by the first copy's
 * form bit Form 1's EDC and P/Q parity or Form 2's EDC. What a recorder
 * adds to the 2336 bytes a host sends.
 */
void cd_sector_finish_mode2(uint8_t *sector, int32_t lba);

/*
 * Checks an unscrambled Mode 2 XA sector: sync, header, the subheader's
 * two copies, EDC (a Form 2 EDC of zero means none), Form 1's parity.
 * The form (1 or 2) goes to *@form unless NULL. Returns the damage mask.
 */
unsigned cd_sector_check_mode2(const uint8_t *sector, const int32_t *expected_lba, int *form);
