#include "config.h"

#include <string.h>

#include "tl-cd-verify.h"

uint16_t
tl_verify_crc16(const uint8_t *buf, size_t len)
{
	uint16_t crc = 0;

	for (size_t i = 0; i < len; i++)
		for (int bit = 7; bit >= 0; bit--) {
			unsigned in = (buf[i] >> bit) & 1;
			unsigned top = (crc >> 15) & 1;

			crc = (uint16_t)(crc << 1);
			if (top ^ in)
				crc ^= 0x1021;
		}
	return crc;
}

bool
tl_verify_q_crc(const uint8_t *q)
{
	uint16_t crc = (uint16_t)~tl_verify_crc16(q, 10);

	return q[10] == (crc >> 8) && q[11] == (crc & 0xff);
}

uint32_t
tl_verify_edc(const uint8_t *buf, size_t len)
{
	uint32_t crc = 0;

	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			unsigned in = (buf[i] >> bit) & 1;

			if ((crc ^ in) & 1)
				crc = (crc >> 1) ^ 0xd8018001u;
			else
				crc >>= 1;
		}
	return crc;
}

void
tl_verify_descramble(uint8_t *sector)
{
	unsigned reg = 1;

	for (size_t i = 12; i < 2352; i++)
		for (int bit = 0; bit < 8; bit++) {
			unsigned out = reg & 1;
			unsigned fb = (reg & 1) ^ ((reg >> 1) & 1);

			sector[i] ^= (uint8_t)(out << bit);
			reg = (reg >> 1) | (fb << 14);
		}
}

/* GF(2^8) with x^8+x^4+x^3+x^2+1, shift and add. */
uint8_t
tl_verify_gf_mul(uint8_t a, uint8_t b)
{
	unsigned r = 0, x = a;

	for (int i = 0; i < 8; i++) {
		if (b & (1u << i))
			r ^= x;
		x <<= 1;
		if (x & 0x100)
			x ^= 0x11d;
	}
	return (uint8_t)r;
}

static uint8_t
gf_pow2(unsigned k)
{
	uint8_t r = 1;

	while (k--)
		r = tl_verify_gf_mul(r, 2);
	return r;
}

/* Byte @b of word @w counted from sector byte 12. */
static uint8_t
word_byte(const uint8_t *sector, unsigned w, unsigned b)
{
	return sector[12 + 2 * w + b];
}

static bool
syndromes_zero(const uint8_t *sector)
{
	uint8_t pw[45];

	for (unsigned k = 0; k < 45; k++)
		pw[k] = gf_pow2(k);
	for (unsigned b = 0; b < 2; b++) {
		for (unsigned c = 0; c < 43; c++) {
			uint8_t s0 = 0, s1 = 0;

			for (unsigned i = 0; i < 26; i++) {
				uint8_t v = word_byte(sector, c + 43 * i, b);

				s0 ^= v;
				s1 ^= tl_verify_gf_mul(pw[25 - i], v);
			}
			if (s0 || s1)
				return false;
		}
		for (unsigned d = 0; d < 26; d++) {
			uint8_t s0 = 0, s1 = 0;

			for (unsigned i = 0; i < 45; i++) {
				unsigned w = i < 43 ? (44 * i + 43 * d) % 1118 :
					  i == 43 ? 1118 + d : 1144 + d;
				uint8_t v = word_byte(sector, w, b);

				s0 ^= v;
				s1 ^= tl_verify_gf_mul(pw[44 - i], v);
			}
			if (s0 || s1)
				return false;
		}
	}
	return true;
}

/* The sync and the header of a sector of @mode at @lba; NULL when right. */
static const char *
sync_header(const uint8_t *sector, int32_t lba, uint8_t mode)
{
	static const uint8_t sync[12] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0 };
	int32_t frames = lba >= -150 ? lba + 150 : lba + 450150;

	if (memcmp(sector, sync, 12))
		return "sync";
	if (sector[12] != (((frames / 4500) / 10) << 4 | (frames / 4500) % 10) ||
	    sector[13] != ((((frames / 75) % 60) / 10) << 4 | ((frames / 75) % 60) % 10) ||
	    sector[14] != (((frames % 75) / 10) << 4 | (frames % 75) % 10))
		return "header address";
	if (sector[15] != mode)
		return "mode byte";
	return NULL;
}

/* Whether the 4 bytes at @at hold the EDC of [@from, @at), least significant first. */
static bool
edc_at(const uint8_t *sector, size_t from, size_t at)
{
	uint32_t edc = tl_verify_edc(sector + from, at - from);

	return sector[at] == (edc & 0xff) && sector[at + 1] == ((edc >> 8) & 0xff) &&
	       sector[at + 2] == ((edc >> 16) & 0xff) && sector[at + 3] == (edc >> 24);
}

const char *
tl_verify_mode2(const uint8_t *sector, int32_t lba)
{
	const char *why = sync_header(sector, lba, 2);
	uint8_t copy[2352];

	if (why)
		return why;
	if (memcmp(sector + 16, sector + 20, 4))
		return "subheader copies";
	if (sector[18] & 0x20)
		return edc_at(sector, 16, 2348) ? NULL : "EDC";
	if (!edc_at(sector, 16, 2072))
		return "EDC";
	/* Form 1's parity covers the header as zeros */
	memcpy(copy, sector, sizeof(copy));
	memset(copy + 12, 0, 4);
	return syndromes_zero(copy) ? NULL : "P/Q syndromes";
}

const char *
tl_verify_mode1(const uint8_t *sector, int32_t lba)
{
	const char *why = sync_header(sector, lba, 1);

	if (why)
		return why;
	if (!edc_at(sector, 0, 2064))
		return "EDC";
	for (int i = 2068; i < 2076; i++)
		if (sector[i])
			return "zero bytes";
	if (!syndromes_zero(sector))
		return "P/Q syndromes";
	return NULL;
}

void
tl_verify_extract_q(const uint8_t *sub, size_t sub_len, uint8_t *q, bool *p)
{
	if (sub_len == 16) {
		memcpy(q, sub, 12);
		*p = sub[15] & 0x80;
		return;
	}
	memset(q, 0, 12);
	for (unsigned k = 0; k < 96; k++)
		if (sub[k] & 0x40)
			q[k / 8] |= (uint8_t)(0x80 >> (k % 8));
	*p = sub[0] & 0x80;
}
