/*
 * libFuzzer target: the sub-channel and Q decoders (core/cd/subchannel.h).
 * Byte 0 picks the sector type; the rest is the sub-channel part of one
 * sector as a stream or a drive carries it (16 bytes P-Q, or 96 bytes
 * P-W), zero-padded when short. The first 12 bytes also go to subq_parse()
 * directly, since the decoder parses Q frames it extracted whatever they hold.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "subchannel.h"

static const enum cd_sector_type types[] = { CD_SECTOR_PQ, CD_SECTOR_COOKED, CD_SECTOR_RAW };

/* Decodes @q and checks what subq_parse() promises about a frame it accepts. */
static void
parse(const uint8_t *q)
{
	struct subq s;
	int ret = subq_parse(q, &s);

	fuzz_assert(ret == 0 || ret == -EINVAL);
	fuzz_assert(s.control == q[0] >> 4 && s.adr == (q[0] & 0x0f));
	if (ret < 0)
		return;
	switch (s.adr) {
	case SUBQ_ADR_POSITION:
		fuzz_assert(s.tno <= 99 || s.tno == SUBQ_TNO_LEADOUT);
		fuzz_assert(s.index <= 99 && s.relative >= 0);
		/* in the lead-in, PMIN is a binary track number or minute (A0/A1 keep PSEC raw) */
		fuzz_assert(s.tno != SUBQ_TNO_LEADIN || s.p[0] <= 99);
		break;
	case SUBQ_ADR_MCN:
		fuzz_assert(strlen(s.mcn) == SUBQ_MCN_LEN);
		for (unsigned i = 0; i < SUBQ_MCN_LEN; i++)
			fuzz_assert(s.mcn[i] >= '0' && s.mcn[i] <= '9');
		break;
	case SUBQ_ADR_ISRC:
		fuzz_assert(subq_isrc_valid(s.isrc));
		break;
	default:
		fuzz_assert(!"subq_parse() accepted an ADR other than 1, 2 or 3");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sub[SUBCHANNEL_PW_SIZE] = { 0 }, q[SUBQ_SIZE], raw[SUBCHANNEL_PW_SIZE];
	enum cd_sector_type type;
	bool p;
	int ret;

	if (size < 1)
		return 0;
	type = types[data[0] % 3];
	memcpy(sub, data + 1, size - 1 < sizeof(sub) ? size - 1 : sizeof(sub));

	parse(sub);
	(void)subq_crc_ok(sub);

	ret = subchannel_extract_q(type, sub, q, &p);
	fuzz_assert(ret == 0 || ret == -EBADMSG);
	/* a good frame comes out with its CRC in the inverted form, as on disc */
	fuzz_assert(ret < 0 || subq_crc_ok(q));
	parse(q);
	fuzz_assert(subchannel_extract_q(type, sub, q, NULL) == ret);

	/* the .sub file form keeps Q and P */
	subchannel_to_raw96(type, sub, raw);
	if (ret == 0) {
		uint8_t q2[SUBQ_SIZE];
		bool p2;

		fuzz_assert(subchannel_extract_q(CD_SECTOR_RAW, raw, q2, &p2) == 0);
		fuzz_assert(memcmp(q, q2, SUBQ_SIZE) == 0 && p == p2);
	}
	return 0;
}
