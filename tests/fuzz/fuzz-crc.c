/* Good CRCs for fuzzed raw stream sectors; see fuzz-crc.h. */
#include "config.h"

#include "fuzz-crc.h"
#include "image-cdtext.h"
#include "subchannel.h"

/* Gives the Q frame in @sub (the sub-channel of a sector of @type) a good CRC. */
static void
fix_q(enum cd_sector_type type, uint8_t *sub)
{
	uint8_t q[SUBQ_SIZE];

	if (type == CD_SECTOR_PQ) {
		subq_set_crc(sub);
		return;
	}
	subchannel_extract_q(type, sub, q, NULL);
	subq_set_crc(q);
	/* Q is bit 6 of each P-W byte, MSB first; only the CRC bytes 10-11 change */
	for (unsigned i = 10; i < SUBQ_SIZE; i++)
		for (unsigned j = 0; j < 8; j++)
			sub[8 * i + j] = (uint8_t)((sub[8 * i + j] & ~0x40) |
						   ((q[i] >> (7 - j)) & 1) << 6);
}

/* Gives every non-empty CD-TEXT pack in the R-W of @sub (96 bytes) a good CRC. */
static void
fix_cdtext(uint8_t *sub)
{
	for (unsigned k = 0; k < 4; k++) {
		uint8_t *rw = sub + 24 * k, pack[CDTEXT_PACK_SIZE], sym[24];
		unsigned any = 0;
		uint16_t crc;

		for (unsigned i = 0; i < 24; i++)
			any |= rw[i] & 0x3f;
		if (!any)
			continue;
		image_cdtext_from_symbols(rw, pack);
		crc = (uint16_t)~subq_crc16(pack, 16);
		pack[16] = (uint8_t)(crc >> 8);
		pack[17] = (uint8_t)crc;
		image_cdtext_to_symbols(pack, sym);
		for (unsigned i = 0; i < 24; i++)
			rw[i] = (uint8_t)((rw[i] & 0xc0) | sym[i]);
	}
}

void
fuzz_fix_crcs(enum cd_sector_type type, uint8_t *sector)
{
	fix_q(type, sector + CD_MAIN_SIZE);
	if (type != CD_SECTOR_PQ)
		fix_cdtext(sector + CD_MAIN_SIZE);
}
