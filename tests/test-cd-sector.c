/* Known answers and independent checks for core/cd-sector and core/subchannel. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "subchannel.h"
#include "tl-cd-verify.h"
#include "tl-harness.h"

static uint32_t rng_state = 12345;

static uint8_t
rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (uint8_t)(rng_state >> 16);
}

START_TEST(scrambler_known_answer)
{
	static const uint8_t first[16] = { 0x01, 0x80, 0x00, 0x60, 0x00, 0x28, 0x00, 0x1e,
					   0x80, 0x08, 0x60, 0x06, 0xa8, 0x02, 0xfe, 0x81 };
	static const uint8_t last[4] = { 0x72, 0xdd, 0xe5, 0x99 };
	uint8_t seq[2340], sector[CD_MAIN_SIZE];

	cd_scrambler_sequence(seq, sizeof(seq));
	ck_assert_mem_eq(seq, first, 16);
	ck_assert_mem_eq(seq + 2336, last, 4);

	/* scrambling zeros yields the sequence; the sync stays */
	memset(sector, 0, sizeof(sector));
	cd_sector_scramble(sector);
	ck_assert_mem_eq(sector + 12, seq, 2340);
	for (int i = 0; i < 12; i++)
		ck_assert_uint_eq(sector[i], 0);
	/* and the independent bit-by-bit LFSR undoes it */
	tl_verify_descramble(sector);
	for (int i = 0; i < CD_MAIN_SIZE; i++)
		ck_assert_uint_eq(sector[i], 0);
}
END_TEST

START_TEST(mode1_zero_sector_known_answer)
{
	static const uint8_t edc[4] = { 0xc5, 0x13, 0x68, 0x2b };
	static const uint8_t p[4] = { 0x00, 0xf7, 0x00, 0xf5 };
	static const uint8_t q[4] = { 0x00, 0x41, 0x00, 0x00 };
	static const uint8_t header[4] = { 0x00, 0x02, 0x00, 0x01 };
	uint8_t sector[CD_MAIN_SIZE];

	memset(sector, 0xaa, sizeof(sector));
	cd_sector_encode_mode1(sector, 0, NULL);
	ck_assert_mem_eq(sector + 12, header, 4);
	ck_assert_mem_eq(sector + CD_EDC_OFFSET, edc, 4);
	ck_assert_mem_eq(sector + CD_ECC_P_OFFSET, p, 4);
	ck_assert_mem_eq(sector + CD_ECC_Q_OFFSET, q, 4);
	ck_assert_ptr_null(tl_verify_mode1(sector, 0));
	ck_assert_uint_eq(cd_sector_check_mode1(sector, &(int32_t){ 0 }), 0);
	ck_assert_uint_eq(cd_edc(sector, CD_EDC_OFFSET), 0x2b6813c5u);
	ck_assert_uint_eq(tl_verify_edc(sector, CD_EDC_OFFSET), 0x2b6813c5u);
}
END_TEST

/* Random sectors at addresses across the lead-in, pre-gap and program area. */
START_TEST(mode1_random_sectors_independent)
{
	static const int32_t lbas[] = { -22650, -11634, -151, -150, -1, 0, 1, 4499, 359849,
					404849 };
	uint8_t data[CD_DATA_SIZE], sector[CD_MAIN_SIZE], copy[CD_MAIN_SIZE];

	for (unsigned k = 0; k < sizeof(lbas) / sizeof(lbas[0]); k++) {
		for (int i = 0; i < CD_DATA_SIZE; i++)
			data[i] = rnd();
		cd_sector_encode_mode1(sector, lbas[k], data);
		ck_assert_msg(tl_verify_mode1(sector, lbas[k]) == NULL, "LBA %d: %s", lbas[k],
			      tl_verify_mode1(sector, lbas[k]));
		ck_assert_mem_eq(sector + 16, data, CD_DATA_SIZE);
		ck_assert_uint_eq(cd_sector_check_mode1(sector, &lbas[k]), 0);

		/* in-place encoding from sector+16 gives the same sector */
		memcpy(copy, sector, sizeof(copy));
		memset(copy + CD_EDC_OFFSET, 0x55, CD_MAIN_SIZE - CD_EDC_OFFSET);
		cd_sector_encode_mode1(copy, lbas[k], copy + 16);
		ck_assert_mem_eq(copy, sector, CD_MAIN_SIZE);

		/* scramble twice = identity */
		cd_sector_scramble(copy);
		ck_assert_mem_ne(copy, sector, CD_MAIN_SIZE);
		tl_verify_descramble(copy);
		ck_assert_mem_eq(copy, sector, CD_MAIN_SIZE);
	}
}
END_TEST

START_TEST(mode1_checker_finds_damage)
{
	uint8_t sector[CD_MAIN_SIZE];
	int32_t lba = 1234, other = 1235;

	cd_sector_encode_mode1(sector, lba, NULL);
	ck_assert_uint_eq(cd_sector_check_mode1(sector, &other), CD_DAMAGE_ADDRESS);
	sector[100] ^= 1;
	ck_assert_uint_eq(cd_sector_check_mode1(sector, &lba), CD_DAMAGE_EDC | CD_DAMAGE_ECC);
	sector[100] ^= 1;
	sector[CD_ECC_Q_OFFSET + 7] ^= 0x80;
	ck_assert_uint_eq(cd_sector_check_mode1(sector, &lba), CD_DAMAGE_ECC);
	sector[CD_ECC_Q_OFFSET + 7] ^= 0x80;
	sector[CD_ECC_P_OFFSET + 3] ^= 0x01;
	ck_assert_uint_eq(cd_sector_check_mode1(sector, &lba), CD_DAMAGE_ECC);
	sector[CD_ECC_P_OFFSET + 3] ^= 0x01;
	sector[3] = 0;
	ck_assert_uint_eq(cd_sector_check_mode1(sector, &lba) & CD_DAMAGE_SYNC, CD_DAMAGE_SYNC);
	sector[3] = 0xff;
	sector[15] = 2;
	ck_assert(cd_sector_check_mode1(sector, &lba) & CD_DAMAGE_HEADER);
}
END_TEST

/* Mode 2 XA sectors of both forms, checked by the reference code in tests/lib. */
START_TEST(mode2_forms_independent)
{
	static const int32_t lbas[] = { -150, 0, 16, 4499, 359849 };
	static const uint8_t subheaders[][4] = {
		{ 0x00, 0x00, 0x08, 0x00 },	/* Form 1 data */
		{ 0x01, 0x01, 0x89, 0x00 },	/* Form 1 data, end of file */
		{ 0x01, 0x02, 0x64, 0x01 },	/* Form 2 real-time audio */
		{ 0x00, 0x00, 0x20, 0x00 },	/* Form 2, nothing else */
	};
	uint8_t data[CD_FORM2_DATA_SIZE], sector[CD_MAIN_SIZE], copy[CD_MAIN_SIZE];

	for (unsigned k = 0; k < sizeof(lbas) / sizeof(lbas[0]); k++) {
		for (unsigned h = 0; h < sizeof(subheaders) / sizeof(subheaders[0]); h++) {
			bool form2 = subheaders[h][2] & CD_SUBMODE_FORM2;
			size_t len = form2 ? CD_FORM2_DATA_SIZE : CD_DATA_SIZE;
			int form = 0;

			for (size_t i = 0; i < len; i++)
				data[i] = rnd();
			memset(sector, 0xa5, sizeof(sector));
			cd_sector_encode_mode2(sector, lbas[k], subheaders[h], data);
			ck_assert_msg(tl_verify_mode2(sector, lbas[k]) == NULL, "LBA %d, %u: %s",
				      lbas[k], h, tl_verify_mode2(sector, lbas[k]));
			ck_assert_mem_eq(sector + CD_MODE2_DATA_OFFSET, data, len);
			ck_assert_uint_eq(cd_sector_check_mode2(sector, &lbas[k], &form), 0);
			ck_assert_int_eq(form, form2 ? 2 : 1);
			/* in place from sector + 24 gives the same sector */
			memcpy(copy, sector, sizeof(copy));
			memset(copy + CD_MODE2_SUBHEADER_OFFSET, 0, 8);
			memset(copy + CD_MODE2_DATA_OFFSET + len, 0x55,
			       CD_MAIN_SIZE - CD_MODE2_DATA_OFFSET - len);
			cd_sector_encode_mode2(copy, lbas[k], subheaders[h],
					       copy + CD_MODE2_DATA_OFFSET);
			ck_assert_mem_eq(copy, sector, CD_MAIN_SIZE);
		}
	}
}
END_TEST

START_TEST(mode2_checker_finds_damage)
{
	static const uint8_t form1[4] = { 0, 0, 0x08, 0 }, form2[4] = { 0, 0, 0x20, 0 };
	uint8_t sector[CD_MAIN_SIZE];
	int32_t lba = 1234, other = 1235;

	cd_sector_encode_mode2(sector, lba, form1, NULL);
	ck_assert_uint_eq(cd_sector_check_mode2(sector, &other, NULL), CD_DAMAGE_ADDRESS);
	/* the header is outside Form 1's parity: a new address needs no new ECC */
	sector[14] = 0x10;
	ck_assert_uint_eq(cd_sector_check_mode2(sector, NULL, NULL), 0);
	sector[100] ^= 1;
	ck_assert_uint_eq(cd_sector_check_mode2(sector, NULL, NULL),
			  CD_DAMAGE_EDC | CD_DAMAGE_ECC);
	sector[100] ^= 1;
	sector[CD_ECC_Q_OFFSET] ^= 1;
	ck_assert_uint_eq(cd_sector_check_mode2(sector, NULL, NULL), CD_DAMAGE_ECC);
	sector[CD_ECC_Q_OFFSET] ^= 1;
	/* the subheader is covered by the EDC and the parity too */
	sector[21] ^= 1;
	ck_assert_uint_eq(cd_sector_check_mode2(sector, NULL, NULL),
			  CD_DAMAGE_SUBHEADER | CD_DAMAGE_EDC | CD_DAMAGE_ECC);
	sector[21] ^= 1;
	sector[15] = 1;
	ck_assert_uint_eq(cd_sector_check_mode2(sector, NULL, NULL), CD_DAMAGE_HEADER);
	/* Form 2: the EDC counts, unless it is zero (none) */
	cd_sector_encode_mode2(sector, lba, form2, NULL);
	sector[2000] ^= 1;
	ck_assert_uint_eq(cd_sector_check_mode2(sector, &lba, NULL), CD_DAMAGE_EDC);
	memset(sector + CD_FORM2_EDC_OFFSET, 0, 4);
	ck_assert_uint_eq(cd_sector_check_mode2(sector, &lba, NULL), 0);
	/* a Mode 1 sector is not a Mode 2 one, and the other way round */
	cd_sector_encode_mode1(sector, lba, NULL);
	ck_assert(cd_sector_check_mode2(sector, &lba, NULL) & CD_DAMAGE_HEADER);
	cd_sector_encode_mode2(sector, lba, form1, NULL);
	ck_assert(cd_sector_check_mode1(sector, &lba) & CD_DAMAGE_HEADER);
}
END_TEST

/* Real lead-in frames from a pressed disc (cdrecord's TEST_CRC dump). */
static const uint8_t real_frames[][12] = {
	{ 0x01, 0x00, 0xa0, 0x98, 0x06, 0x12, 0x00, 0x01, 0x00, 0x00, 0xe3, 0x74 },
	{ 0x01, 0x00, 0xa2, 0x98, 0x06, 0x17, 0x00, 0x70, 0x40, 0x73, 0xe3, 0x85 },
	{ 0x01, 0x00, 0x01, 0x98, 0x06, 0x20, 0x00, 0x00, 0x02, 0x00, 0x3b, 0x71 },
	{ 0x01, 0x00, 0x02, 0x98, 0x06, 0x23, 0x00, 0x03, 0x48, 0x45, 0xbe, 0xe0 },
};

START_TEST(q_crc_known_answer)
{
	for (unsigned i = 0; i < sizeof(real_frames) / sizeof(real_frames[0]); i++) {
		uint8_t q[SUBQ_SIZE];

		ck_assert_uint_eq(subq_crc16(real_frames[i], 12), SUBQ_CRC_RESIDUE);
		ck_assert_uint_eq(tl_verify_crc16(real_frames[i], 12), 0x1d0f);
		ck_assert(subq_crc_ok(real_frames[i]));
		memcpy(q, real_frames[i], 12);
		q[4] ^= 0x01;
		ck_assert(!subq_crc_ok(q));
	}
	/* the builder reproduces the first frame byte for byte */
	{
		uint8_t q[SUBQ_SIZE];
		const uint8_t pf[3] = { 0x01, 0x00, 0x00 };

		subq_build_toc(q, 0, SUBQ_POINT_FIRST_TRACK, cd_msf_to_lba(98, 6, 12), pf);
		ck_assert_mem_eq(q, real_frames[0], 12);
	}
	{
		uint8_t q[SUBQ_SIZE];
		const uint8_t pf[3] = { 0x03, 0x48, 0x45 };

		subq_build_toc(q, 0, subq_point_track(2), cd_msf_to_lba(98, 6, 23), pf);
		ck_assert_mem_eq(q, real_frames[3], 12);
	}
	ck_assert_uint_eq(subq_crc16((const uint8_t *)"\x01", 1), 0x1021);
	ck_assert_uint_eq(subq_crc16((const uint8_t *)"\x02", 1), 0x2042);
}
END_TEST

START_TEST(q_parse_frames)
{
	struct subq s;
	uint8_t q[SUBQ_SIZE];

	ck_assert_int_eq(subq_parse(real_frames[1], &s), 0);
	ck_assert_uint_eq(s.adr, 1);
	ck_assert_uint_eq(s.tno, 0);
	ck_assert_uint_eq(s.point, 0xa2);
	ck_assert_int_eq(s.lba, cd_msf_to_lba(98, 6, 17));
	ck_assert_uint_eq(s.p[0], 70);
	ck_assert_uint_eq(s.p[1], 40);
	ck_assert_uint_eq(s.p[2], 73);

	subq_build_position(q, SUBQ_CONTROL_DATA, 12, 3, 4567, 123456);
	ck_assert(tl_verify_q_crc(q));
	ck_assert_uint_eq(q[0], 0x41);
	ck_assert_int_eq(subq_parse(q, &s), 0);
	ck_assert_uint_eq(s.control, SUBQ_CONTROL_DATA);
	ck_assert_uint_eq(s.tno, 12);
	ck_assert_uint_eq(s.index, 3);
	ck_assert_int_eq(s.relative, 4567);
	ck_assert_int_eq(s.lba, 123456);

	subq_build_position(q, 0, SUBQ_TNO_LEADOUT, 1, 0, -150);
	ck_assert_uint_eq(q[1], 0xaa);
	ck_assert_int_eq(subq_parse(q, &s), 0);
	ck_assert_uint_eq(s.tno, SUBQ_TNO_LEADOUT);
	ck_assert_int_eq(s.lba, -150);

	subq_build_mcn(q, 0, "0123456789012", 77);
	ck_assert(tl_verify_q_crc(q));
	ck_assert_uint_eq(q[0], 0x02);
	ck_assert_uint_eq(q[1], 0x01);
	ck_assert_uint_eq(q[7], 0x20);
	ck_assert_int_eq(subq_parse(q, &s), 0);
	ck_assert_str_eq(s.mcn, "0123456789012");

	ck_assert(subq_isrc_valid("USRC17607839"));
	ck_assert(!subq_isrc_valid("US-RC1-76-07839"));
	ck_assert(!subq_isrc_valid("USRC1760783A"));
	subq_build_isrc(q, 0, "USRC17607839", 10);
	ck_assert(tl_verify_q_crc(q));
	ck_assert_uint_eq(q[0], 0x03);
	/* U = 37 = 100101b, S = 35 = 100011b: b1 = 100101 10 */
	ck_assert_uint_eq(q[1], 0x96);
	ck_assert_int_eq(subq_parse(q, &s), 0);
	ck_assert_str_eq(s.isrc, "USRC17607839");

	q[0] = 0x07;
	ck_assert_int_eq(subq_parse(q, &s), -EINVAL);
}
END_TEST

START_TEST(subchannel_forms)
{
	uint8_t q[SUBQ_SIZE], out[SUBQ_SIZE], sub[96], raw[96], vq[12];
	bool p, vp;

	subq_build_position(q, 0, 7, 0, 10, 5000);

	/* 16-byte form: Q, three zeros, P in bit 7 of byte 15 */
	subchannel_encode(CD_SECTOR_PQ, sub, q, true);
	ck_assert_mem_eq(sub, q, 12);
	ck_assert_uint_eq(sub[12] | sub[13] | sub[14], 0);
	ck_assert_uint_eq(sub[15], 0x80);
	ck_assert_int_eq(subchannel_extract_q(CD_SECTOR_PQ, sub, out, &p), 0);
	ck_assert_mem_eq(out, q, 12);
	ck_assert(p);
	/* non-inverted CRC is accepted and normalized */
	sub[10] ^= 0xff;
	sub[11] ^= 0xff;
	ck_assert_int_eq(subchannel_extract_q(CD_SECTOR_PQ, sub, out, &p), 0);
	ck_assert_mem_eq(out, q, 12);
	sub[5] ^= 0x10;
	ck_assert_int_eq(subchannel_extract_q(CD_SECTOR_PQ, sub, out, &p), -EBADMSG);

	/* 96-byte forms: the first byte carries the MSB of Q byte 0 in bit 6 */
	for (int t = CD_SECTOR_COOKED; t <= CD_SECTOR_RAW; t++) {
		subchannel_encode((enum cd_sector_type)t, sub, q, false);
		ck_assert_uint_eq(sub[0] & 0x40, (q[0] & 0x80) ? 0x40 : 0);
		ck_assert_uint_eq(sub[7] & 0x40, (q[0] & 0x01) ? 0x40 : 0);
		for (int i = 0; i < 96; i++)
			ck_assert_uint_eq(sub[i] & 0xbf, 0);
		tl_verify_extract_q(sub, 96, vq, &vp);
		ck_assert_mem_eq(vq, q, 12);
		ck_assert(!vp);
		ck_assert_int_eq(subchannel_extract_q((enum cd_sector_type)t, sub, out, &p), 0);
		ck_assert_mem_eq(out, q, 12);
		ck_assert(!p);
		subchannel_encode((enum cd_sector_type)t, sub, q, true);
		for (int i = 0; i < 96; i++)
			ck_assert_uint_eq(sub[i] & 0x80, 0x80);
		sub[40] ^= 0x40;
		ck_assert_int_eq(subchannel_extract_q((enum cd_sector_type)t, sub, out, &p),
				 -EBADMSG);
	}

	/* raw 96 from the 16-byte form */
	subchannel_encode(CD_SECTOR_PQ, sub, q, true);
	subchannel_to_raw96(CD_SECTOR_PQ, sub, raw);
	tl_verify_extract_q(raw, 96, vq, &vp);
	ck_assert_mem_eq(vq, q, 12);
	ck_assert(vp);
}
END_TEST

TL_SUITE(cd_sector_suite, "cd-sector",
	 TL_CASE("sector", NULL, NULL),
	 TL_RUN(mode2_forms_independent, mode2_checker_finds_damage),
	 TL_RUN(scrambler_known_answer, mode1_zero_sector_known_answer,
		mode1_random_sectors_independent, mode1_checker_finds_damage),
	 TL_CASE("subchannel", NULL, NULL),
	 TL_RUN(q_crc_known_answer, q_parse_frames, subchannel_forms))

TL_MAIN(cd_sector_suite)
