/*
 * P and Q sub-channel (doc/reference/mmc.md §10): Q frame builders and parser,
 * the Q CRC, and the three sub-channel forms of the raw sector types
 * (16-byte P-Q, 96-byte packed P-W, 96-byte raw interleaved P-W).
 *
 * A Q frame here is always 12 bytes, b0 CONTROL<<4|ADR ... b10-11 CRC, and
 * "valid" means the CRC as recorded on disc: inverted, so the CRC over all
 * 12 bytes leaves the residue 1D0Fh. All buffers are caller-owned; nothing
 * here allocates or keeps state.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd.h"

#define SUBQ_SIZE 12
#define SUBCHANNEL_PQ_SIZE 16
#define SUBCHANNEL_PW_SIZE 96
#define SUBQ_CRC_RESIDUE 0x1d0f

#define SUBQ_ADR_POSITION 1
#define SUBQ_ADR_MCN 2
#define SUBQ_ADR_ISRC 3

/* CONTROL bits (the high nibble of Q byte 0) */
#define SUBQ_CONTROL_PREEMPHASIS 0x1	/* audio; "incremental" for data */
#define SUBQ_CONTROL_COPY 0x2		/* digital copy permitted */
#define SUBQ_CONTROL_DATA 0x4
#define SUBQ_CONTROL_FOUR_CHANNEL 0x8

#define SUBQ_TNO_LEADIN 0x00
#define SUBQ_TNO_LEADOUT 0xaa
#define SUBQ_POINT_FIRST_TRACK 0xa0
#define SUBQ_POINT_LAST_TRACK 0xa1
#define SUBQ_POINT_LEADOUT 0xa2

#define SUBQ_MCN_LEN 13
#define SUBQ_ISRC_LEN 12

/* A decoded Q frame; which fields mean something depends on adr and tno. */
struct subq {
	uint8_t control;	/* 0..15 */
	uint8_t adr;		/* 0..15 */
	/* ADR 1: tno is binary 1..99, or SUBQ_TNO_LEADIN / SUBQ_TNO_LEADOUT */
	uint8_t tno;
	uint8_t index;		/* binary; program area and lead-out */
	uint8_t point;		/* raw byte; lead-in: 01h..99h are BCD tracks, A0h.. */
	int32_t relative;	/* program area: relative time in frames */
	int32_t lba;		/* absolute time as an LBA (lead-in: running time) */
	uint8_t p[3];		/* lead-in: PMIN PSEC PFRAME as binary (A0/A1 PSEC raw) */
	char mcn[SUBQ_MCN_LEN + 1];	/* ADR 2 */
	char isrc[SUBQ_ISRC_LEN + 1];	/* ADR 3 */
};

/* CRC-16 (0x1021, MSB first, initial 0, not inverted) over @len bytes. */
uint16_t subq_crc16(const uint8_t *buf, size_t len);

/* Stores the inverted CRC of bytes 0-9 of @q in bytes 10-11. */
void subq_set_crc(uint8_t *q);

/* @lba as Q gives an absolute time: minute, second, frame in BCD, 3 bytes at @dst. */
void subq_put_msf(uint8_t *dst, int32_t lba);

/* True when @q carries a valid (inverted) CRC: residue 1D0Fh. */
bool subq_crc_ok(const uint8_t *q);

/*
 * ADR 1 position frame for the pre-gap, program area or lead-out: @tno
 * 1..99 or SUBQ_TNO_LEADOUT, @index 0..99, @relative frames (>= 0), @lba
 * the sector's address (>= -150). Writes 12 bytes with CRC to @q.
 */
void subq_build_position(uint8_t *q, uint8_t control, unsigned tno, unsigned index,
			 int32_t relative, int32_t lba);

/*
 * ADR 1 lead-in TOC frame: @point is the raw POINT byte (use
 * subq_point_track() for tracks), the running time is the sector's absolute
 * lead-in address @lba, @pfield the raw PMIN/PSEC/PFRAME bytes.
 */
void subq_build_toc(uint8_t *q, uint8_t control, uint8_t point, int32_t lba,
		    const uint8_t pfield[3]);

/* POINT byte of track @track (1..99): its BCD value. */
static inline uint8_t
subq_point_track(unsigned track)
{
	return cd_to_bcd(track);
}

/* ADR 2 frame carrying the 13 digits of @mcn; AFRAME from @lba. */
void subq_build_mcn(uint8_t *q, uint8_t control, const char *mcn, int32_t lba);

/*
 * ADR 3 frame carrying the 12-character ISRC @isrc (CCOOOYYSSSSS: 5
 * characters 0-9/A-Z, 7 digits); AFRAME from @lba.
 */
void subq_build_isrc(uint8_t *q, uint8_t control, const char *isrc, int32_t lba);

/* True when @isrc is 12 characters of the form CCOOOYYSSSSS. */
bool subq_isrc_valid(const char *isrc);

/*
 * Decodes the fields of @q into @out without checking the CRC.
 * Returns 0, or -EINVAL when a field that must be BCD is not or the ADR is
 * not 1, 2 or 3 (@out is then partly filled).
 */
int subq_parse(const uint8_t *q, struct subq *out);

/*
 * Builds the sub-channel part of one sector of type @type at @sub (16 bytes
 * for CD_SECTOR_PQ, else 96) from a valid Q frame @q and the P flag.
 * R-W is zero. The 16-byte form carries the CRC inverted, as on disc (tools
 * disagree there; subchannel_extract_q() accepts both).
 */
void subchannel_encode(enum cd_sector_type type, uint8_t *sub, const uint8_t *q, bool p);

/*
 * Extracts the 12-byte Q frame from the sub-channel part @sub of a sector of
 * type @type into @q and the P flag (majority of the 96 P bits) into @p
 * (may be NULL). A 16-byte frame whose CRC is stored non-inverted is
 * normalized to the inverted form. Returns 0 when the CRC is good, else
 * -EBADMSG (@q still holds what was read).
 */
int subchannel_extract_q(enum cd_sector_type type, const uint8_t *sub, uint8_t *q, bool *p);

/*
 * Writes the 96-byte raw interleaved P-W form of @sub to @raw96 (for a
 * .sub file or READ CD sub-channel 001b). From CD_SECTOR_PQ, R-W is zero;
 * from CD_SECTOR_COOKED, the R-W symbols are copied as they are (this code
 * generates no R-W parity or interleaving); CD_SECTOR_RAW is copied.
 */
void subchannel_to_raw96(enum cd_sector_type type, const uint8_t *sub, uint8_t *raw96);
