/*
 * Independent checks for the unit tests: bitwise CRC-16 and EDC, an LFSR
 * descrambler run bit by bit, and GF(2^8) syndromes of the P and Q parity
 * computed with shift-and-add multiplication. None of this shares a table
 * or a line with core/cd/cd-sector.c or core/cd/subchannel.c, so an error in the
 * core's tables cannot hide itself.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CRC-16 0x1021, MSB first, initial 0, over @len bytes, one bit at a time. */
uint16_t tl_verify_crc16(const uint8_t *buf, size_t len);

/* True when the 12-byte Q frame @q has a correct inverted CRC. */
bool tl_verify_q_crc(const uint8_t *q);

/* a x b in GF(2^8) with x^8+x^4+x^3+x^2+1, shift and add. */
uint8_t tl_verify_gf_mul(uint8_t a, uint8_t b);

/* EDC over @len bytes, one bit at a time. */
uint32_t tl_verify_edc(const uint8_t *buf, size_t len);

/* XORs bytes 12..2351 of @sector with the LFSR sequence, stepped bit by bit. */
void tl_verify_descramble(uint8_t *sector);

/*
 * Checks an unscrambled Mode 1 sector for @lba: sync, BCD header, mode,
 * EDC, zero bytes and all-zero P and Q syndromes. Returns NULL when good,
 * else a static string naming the first problem.
 */
const char *tl_verify_mode1(const uint8_t *sector, int32_t lba);

/*
 * The same for a Mode 2 XA sector: subheader copies, then Form 1 (EDC over
 * bytes 16-2071, syndromes with the header as zeros) or Form 2 (EDC over
 * bytes 16-2347).
 */
const char *tl_verify_mode2(const uint8_t *sector, int32_t lba);

/* Q frame from a 16-byte (PQ) or 96-byte (P-W, bit 6) sub-channel block. */
void tl_verify_extract_q(const uint8_t *sub, size_t sub_len, uint8_t *q, bool *p);
