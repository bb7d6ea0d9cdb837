/*
 * One session of one Mode 1 track as a RAW host writes it
 * (doc/reference/tao.md §5): the lead-in whose Q carries the session's TOC,
 * the pre-gap, the track and the lead-out, each sector 2352 bytes of main
 * channel (scrambled) and 96 of raw P-W. Shared by the emulator's unit
 * test of RAW sessions and the sg suite's RAW host (tests/sg-raw-session.c),
 * so it needs no Check.
 */
#pragma once

#include <stdint.h>

#include "cd.h"
#include "subchannel.h"

#define TL_RAW_SECTOR (CD_MAIN_SIZE + SUBCHANNEL_PW_SIZE)

struct tl_raw_session {
	int32_t leadin;		/* the first sector written: the session's lead-in */
	int32_t pregap;		/* where the lead-in ends: the track's pre-gap */
	int32_t start;		/* the track's index 01 */
	int32_t leadout;	/* the lead-out's first sector */
	unsigned track;		/* the track's number, as the lead-in says it */
	int32_t next;		/* B0: the next session's program area; 0: no B0, none may follow */
	int32_t last_leadout;	/* B0: the last possible lead-out start */
};

/*
 * Sector @lba of @s's stream into @out (TL_RAW_SECTOR bytes). @data is
 * the track's 2048 bytes of user data at @lba, read only for the track's
 * own sectors; the pre-gap and the lead-out hold zeros.
 */
void tl_raw_session_sector(const struct tl_raw_session *s, int32_t lba, const uint8_t *data,
			   uint8_t *out);
