/*
 * Reading a disc: the commands the Linux sr driver and cdrom layer send on
 * their own (READ(10), READ CD, READ SUB-CHANNEL) and the READ TOC replies
 * mmc.h does not parse (MSF addresses, format 1). Pure, as mmc.h is:
 * builders fill a struct mmc_cmd for a buffer the caller owns; parsers
 * take the number of bytes actually transferred and report -EPROTO, with
 * nothing filled in beyond what was valid, when a reply is too short.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd.h"
#include "mmc.h"

/* READ(10): @blocks 2048-byte blocks from @lba into @buf (@len bytes). */
void mmc_build_read10(struct mmc_cmd *cmd, int32_t lba, uint16_t blocks, void *buf, size_t len);

/* READ CD sub-channel selections (CDB byte 10) */
#define MMC_READ_CD_SUB_NONE 0
#define MMC_READ_CD_SUB_RAW 1	/* 96 bytes of raw P-W */
#define MMC_READ_CD_SUB_Q 2	/* 16 bytes: formatted Q (12) and P */
#define MMC_READ_CD_SUB_Q_SIZE 16

/* Sets the sub-channel selection of a READ CD or READ CD MSF @cmd (MMC_READ_CD_SUB_*). */
void mmc_read_cd_set_sub(struct mmc_cmd *cmd, uint8_t sub);

/* READ CD expected sector types (CDB byte 1) */
#define MMC_READ_CD_ANY 0
#define MMC_READ_CD_CDDA 1
#define MMC_READ_CD_MODE1 2
#define MMC_READ_CD_MODE2_FORM1 4
#define MMC_READ_CD_MODE2_FORM2 5

/* READ CD main channel selection (CDB byte 9) */
#define MMC_READ_CD_SYNC 0x80
#define MMC_READ_CD_HEADER 0x20
#define MMC_READ_CD_ALL_HEADERS 0x60	/* the header and, in Mode 2, the sub-header */
#define MMC_READ_CD_USER_DATA 0x10
#define MMC_READ_CD_EDC_ECC 0x08

/*
 * READ CD of @blocks sectors from @lba that must be of @sector_type
 * (MMC_READ_CD_MODE1, ...), returning the parts of each that @select
 * names (MMC_READ_CD_USER_DATA, ...) and no sub-channel.
 */
void mmc_build_read_cd(struct mmc_cmd *cmd, uint8_t sector_type, int32_t lba, uint32_t blocks,
		       uint8_t select, void *buf, size_t len);

/*
 * READ CD MSF of the sectors from @start up to, not including, @end, as
 * mmc_build_read_cd() does by LBA.
 */
void mmc_build_read_cd_msf(struct mmc_cmd *cmd, uint8_t sector_type, struct cd_msf start,
			   struct cd_msf end, uint8_t select, void *buf, size_t len);

/* READ CAPACITY into @buf (@len bytes, 8 used). */
void mmc_build_read_capacity(struct mmc_cmd *cmd, void *buf, size_t len);

/*
 * Parses a READ CAPACITY reply: the last readable LBA (0 on a disc without
 * a complete session) and the block length. -EPROTO when short.
 */
int mmc_parse_capacity(const uint8_t *buf, size_t n, int32_t *last_lba, uint32_t *block_len);

/* READ SUB-CHANNEL formats (CDB byte 3) */
#define MMC_SUBQ_POSITION 0x01
#define MMC_SUBQ_MCN 0x02
#define MMC_SUBQ_ISRC 0x03

/* READ SUB-CHANNEL of the Q sub-channel data @format (of @track for ISRC), LBA addresses. */
void mmc_build_read_sub_channel(struct mmc_cmd *cmd, uint8_t format, uint8_t track, void *buf,
				uint16_t len);

/* A READ SUB-CHANNEL current-position reply (format 1, LBA addresses). */
struct mmc_position {
	uint8_t audio_status;	/* 11h playing ... 15h no status to return */
	uint8_t adr;
	uint8_t control;
	uint8_t track;
	uint8_t index;
	int32_t absolute;	/* LBA */
	int32_t relative;	/* within the track */
};

/* Parses a format-1 reply read with MSF=0; -EPROTO when short. */
int mmc_parse_position(const uint8_t *buf, size_t n, struct mmc_position *out);

struct mmc_mcn {
	bool valid;		/* MCVal: the disc has a media catalog number */
	char number[14];	/* the 13 bytes as the drive gives them, then NUL */
};

struct mmc_isrc {
	bool valid;		/* TCVal: the track has an ISRC */
	char code[13];		/* the 12 bytes as the drive gives them, then NUL */
};

/* Parses a READ SUB-CHANNEL reply of format MMC_SUBQ_ISRC; the code is not checked. */
int mmc_parse_isrc(const uint8_t *buf, size_t n, struct mmc_isrc *out);

/*
 * Parses a READ SUB-CHANNEL reply of format MMC_SUBQ_MCN. The number is
 * not checked (it goes to programs as the kernel's CDROM_GET_MCN gives it):
 * whoever prints it makes it printable.
 */
int mmc_parse_mcn(const uint8_t *buf, size_t n, struct mmc_mcn *out);

/*
 * Parses a READ TOC format-0 reply read with MSF=1 as mmc_parse_toc()
 * does an LBA one: each entry's lba is its address converted, and @msf
 * (room for MMC_MAX_TOC + 1) gets the addresses as the drive gave them.
 */
int mmc_parse_toc_msf(const uint8_t *buf, size_t n, struct mmc_toc *out, struct cd_msf *msf);

/* READ TOC format 1: the first and last complete session, the last one's first track. */
struct mmc_session_info {
	uint8_t first_session;
	uint8_t last_session;
	struct mmc_toc_entry first_track;	/* of the last session */
};

/* Parses an LBA-form (MSF=0) format-1 reply; -EPROTO without a track descriptor. */
int mmc_parse_session_info(const uint8_t *buf, size_t n, struct mmc_session_info *out);
