/*
 * The CD-ROM EDC (ECMA-130 §14.3): a CRC-32 with the polynomial
 * P(x) = x^32 + x^31 + x^16 + x^15 + x^4 + x^3 + x + 1, bits taken least
 * significant first (so the register shifts right and P is 0xd8018001 in
 * that order), initial value 0, nothing inverted at the end.
 */
#include "config.h"

#include <pthread.h>

#include "cd-private.h"
#include "cd-sector.h"

#define EDC_POLY_REFLECTED 0xd8018001u

static uint32_t edc_table[8][256];
static pthread_once_t edc_once = PTHREAD_ONCE_INIT;

static void
edc_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ ((c & 1) ? EDC_POLY_REFLECTED : 0);
		edc_table[0][i] = c;
	}
	for (unsigned i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			edc_table[t][i] = (edc_table[t - 1][i] >> 8) ^
				edc_table[0][edc_table[t - 1][i] & 0xff];
}

/* The register @crc after the @len bytes at @buf; the tables are built. */
static uint32_t
edc_table_update(uint32_t crc, const uint8_t *buf, size_t len)
{
	/* slicing by 8: eight table lookups per 8 input bytes, no chain per byte */
	while (len >= 8) {
		uint32_t lo = crc ^ ((uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
				     (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24);
		uint32_t hi = (uint32_t)buf[4] | (uint32_t)buf[5] << 8 |
			      (uint32_t)buf[6] << 16 | (uint32_t)buf[7] << 24;

		crc = edc_table[7][lo & 0xff] ^ edc_table[6][(lo >> 8) & 0xff] ^
		      edc_table[5][(lo >> 16) & 0xff] ^ edc_table[4][lo >> 24] ^
		      edc_table[3][hi & 0xff] ^ edc_table[2][(hi >> 8) & 0xff] ^
		      edc_table[1][(hi >> 16) & 0xff] ^ edc_table[0][hi >> 24];
		buf += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ edc_table[0][(crc ^ *buf++) & 0xff];
	return crc;
}

uint32_t
cd_edc_table(const uint8_t *buf, size_t len)
{
	pthread_once(&edc_once, edc_init);
	return edc_table_update(0, buf, len);
}

uint32_t
cd_edc(const uint8_t *buf, size_t len)
{
	return cd_edc_table(buf, len);
}
