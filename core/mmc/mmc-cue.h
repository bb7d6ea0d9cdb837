/*
 * SEND CUE SHEET (5Dh): the cue sheet a host sends before session-at-once
 * writing, parsed and checked as a drive does (doc/reference/sao.md).
 *
 * A cue sheet is a list of 8-byte entries: CTL/ADR, TNO, INDEX, DATA FORM,
 * SCMS, MIN, SEC, FRAME (binary, absolute time: 00:00:00 is LBA -150).
 * ADR 1 entries place the lead-in (TNO 0), each index of each track and
 * the lead-out (TNO AAh); ADR 2 entry pairs carry the media catalog number
 * and ADR 3 pairs a track's ISRC. Pure, like mmc.h: nothing here does I/O.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmc-sense.h"
#include "mmc.h"

#define MMC_SEND_CUE_SHEET 0x5d
#define MMC_CUE_ENTRY_SIZE 8
/* What the emulated drive announces in feature 002Eh: 480 entries */
#define MMC_CUE_MAX_LEN 3840
#define MMC_CUE_MAX_ENTRIES (MMC_CUE_MAX_LEN / MMC_CUE_ENTRY_SIZE)
#define MMC_CUE_TNO_LEADOUT 0xaa

/* Data forms of the main channel (DATA FORM bits 5-0) a cue sheet may name */
#define MMC_CUE_FORM_AUDIO 0x00		/* CD-DA, 2352 bytes from the host */
#define MMC_CUE_FORM_AUDIO_GEN 0x01	/* CD-DA, 0 bytes: the drive records silence */
#define MMC_CUE_FORM_MODE1 0x10		/* Mode 1, 2048 user data bytes from the host */
#define MMC_CUE_FORM_MODE1_RAW 0x11	/* Mode 1, the whole 2352-byte sector from the host */
#define MMC_CUE_FORM_MODE1_GEN 0x14	/* Mode 1, 0 bytes: the drive records zero sectors */
/*
 * CD-ROM XA (and CD-I): the sub-header and the 2328 bytes after it from the
 * host; the drive adds sync, header and, by the sub-header's form bit, Form
 * 1's EDC and ECC or Form 2's EDC
 */
#define MMC_CUE_FORM_XA 0x20
#define MMC_CUE_FORM_XA_GEN 0x24	/* CD-ROM XA, 0 bytes: the drive records zero sectors */
#define MMC_CUE_FORM_MODE2 0x30		/* Mode 2 formless, 2336 bytes; the drive adds the header */
#define MMC_CUE_FORM_MODE2_GEN 0x34	/* Mode 2 formless, 0 bytes: zero sectors */
#define MMC_CUE_FORM_MAIN_MASK 0x3f
/* DATA FORM bits 7-6: sub-channel from the host, 96 bytes after each block's main data */
#define MMC_CUE_SUB_MASK 0xc0
#define MMC_CUE_SUB_NONE 0x00
#define MMC_CUE_SUB_PACKED 0x40		/* R-W in packs */
#define MMC_CUE_SUB_RAW 0xc0		/* R-W raw, as on disc */

/* One ADR 1 entry: from @lba on (to the next entry's), track @tno's index @index. */
struct mmc_cue_point {
	uint8_t control;	/* the CTL nibble (Q CONTROL) */
	uint8_t tno;		/* 0 lead-in, 1..99, MMC_CUE_TNO_LEADOUT */
	uint8_t index;
	uint8_t form;		/* DATA FORM byte as sent */
	bool copy;		/* SCMS bit 7 */
	int32_t lba;
};

struct mmc_cue {
	unsigned n_points;	/* lead-in first, lead-out last */
	struct mmc_cue_point point[MMC_CUE_MAX_ENTRIES];
	unsigned first_track, last_track;
	int32_t leadout_lba;
	char mcn[14];			/* "" when none */
	char isrc[100][13];		/* by track number; "" when none */
};

/* Bytes the host sends per block of data form @form (0 for a form the drive generates). */
unsigned mmc_cue_form_block_size(uint8_t form);

/* Whether @form is one mmc_cue_parse() takes (main data form and sub-channel form). */
bool mmc_cue_form_known(uint8_t form);

/*
 * Parses and checks the cue sheet @buf of @n bytes into @out (the
 * caller's). Returns 0, or -EINVAL with the sense a drive answers in
 * *@sense (5/1A/00 for a length that is not whole entries, 5/26/00 for a
 * bad entry) and what is wrong, for messages, in @why (may be NULL; up to
 * @why_size bytes, with the entry number).
 */
int mmc_cue_parse(const uint8_t *buf, size_t n, struct mmc_cue *out, struct mmc_sense_code *sense,
		  char *why, size_t why_size);

/*
 * The same for the session a cue sheet describes: the first of a disc
 * (@later false: its first track's pre-gap at 00:00:00, LBA -150) or a
 * later one of a multi-session disc (@later: the pre-gap from LBA @start,
 * the session's program area, on; the lead-in entry's address is not
 * looked at, as for a first session).
 */
int mmc_cue_parse_session(const uint8_t *buf, size_t n, struct mmc_cue *out,
			  struct mmc_sense_code *sense, char *why, size_t why_size, int32_t start,
			  bool later);

/* The index @lba falls into: the last point at or before it; -1 before the first track. */
int mmc_cue_point_of(const struct mmc_cue *cue, int32_t lba);

/* SEND CUE SHEET of @n bytes at @buf (the caller's). */
void mmc_build_send_cue_sheet(struct mmc_cmd *cmd, const void *buf, uint32_t n);
