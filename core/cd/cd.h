/*
 * CD basics shared by the writer, the emulator and the image code:
 * addressing (LBA <-> MSF <-> BCD, doc/reference/mmc.md §1) and the raw
 * sector types of IDiscFormat2RawCD (doc/reference/imapi2.md §5).
 *
 * Program-area addresses map with the 150-frame offset (00:02:00 = LBA 0);
 * lead-in addresses (M >= 90) wrap around the 100-minute frame counter, so
 * 95:00:00 = LBA -22650 and 97:26:66 = LBA -11634.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CD_FRAMES_PER_SECOND 75
#define CD_FRAMES_PER_MINUTE (60 * CD_FRAMES_PER_SECOND)
#define CD_PREGAP_FRAMES 150
#define CD_LEADIN_WRAP 450150	/* 100 minutes of frames + the 150-frame offset */

#define CD_MAIN_SIZE 2352	/* main channel of one sector */
#define CD_DATA_SIZE 2048	/* Mode 1 user data */

/*
 * IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE; the values equal the MMC write
 * parameters page "data block type" the drive is given for each.
 */
enum cd_sector_type {
	CD_SECTOR_PQ = 1,	/* 2352 + 16-byte P-Q (2368) */
	CD_SECTOR_COOKED = 2,	/* 2352 + 96-byte P-W, R-W packed (2448) */
	CD_SECTOR_RAW = 3,	/* 2352 + 96-byte raw interleaved P-W (2448) */
};

static inline unsigned
cd_sector_type_size(enum cd_sector_type t)
{
	return t == CD_SECTOR_PQ ? 2368 : 2448;
}

struct cd_msf {
	uint8_t m;
	uint8_t s;
	uint8_t f;
};

static inline int32_t
cd_msf_to_lba(uint8_t m, uint8_t s, uint8_t f)
{
	int32_t frames = ((int32_t)m * 60 + s) * CD_FRAMES_PER_SECOND + f;

	if (m >= 90)
		return frames - CD_LEADIN_WRAP;
	return frames - CD_PREGAP_FRAMES;
}

static inline struct cd_msf
cd_lba_to_msf(int32_t lba)
{
	int32_t frames = lba >= -CD_PREGAP_FRAMES ? lba + CD_PREGAP_FRAMES
						   : lba + CD_LEADIN_WRAP;
	struct cd_msf msf;

	if (frames < 0)
		frames = 0;
	msf.m = (uint8_t)(frames / CD_FRAMES_PER_MINUTE);
	msf.s = (uint8_t)((frames / CD_FRAMES_PER_SECOND) % 60);
	msf.f = (uint8_t)(frames % CD_FRAMES_PER_SECOND);
	return msf;
}

static inline uint8_t
cd_to_bcd(unsigned v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static inline unsigned
cd_from_bcd(uint8_t b)
{
	return (unsigned)(b >> 4) * 10 + (b & 0x0f);
}

static inline bool
cd_bcd_valid(uint8_t b)
{
	return (b >> 4) <= 9 && (b & 0x0f) <= 9;
}
