/*
 * core/mmc/mmc-read: the reading commands the SG interposer sends as the
 * kernel would (byte for byte what the sr driver builds) and the READ TOC
 * and READ SUB-CHANNEL replies it parses, short ones included.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "mmc-read.h"
#include "tl-harness.h"

static void
assert_cdb(const struct mmc_cmd *cmd, const uint8_t *want, uint8_t len)
{
	ck_assert_uint_eq(cmd->cdb_len, len);
	for (uint8_t i = 0; i < len; i++)
		ck_assert_msg(cmd->cdb[i] == want[i], "cdb[%u] is %02x, expected %02x", i,
			      cmd->cdb[i], want[i]);
}

START_TEST(read10_cdb)
{
	static const uint8_t want[10] = { 0x28, 0, 0x00, 0x01, 0x02, 0x03, 0, 0x00, 0x10, 0 };
	uint8_t buf[16 * 2048];
	struct mmc_cmd cmd;

	mmc_build_read10(&cmd, 0x010203, 16, buf, sizeof(buf));
	assert_cdb(&cmd, want, sizeof(want));
	ck_assert_int_eq(cmd.dir, MMC_DIR_IN);
	ck_assert_ptr_eq(cmd.buf, buf);
	ck_assert_uint_eq(cmd.len, sizeof(buf));
	ck_assert_uint_eq(cmd.timeout_ms, MMC_TIMEOUT_DEFAULT_MS);
}
END_TEST

START_TEST(read_cd_cdb)
{
	/* Mode 1 user data only, as the interposer's fallback for READ(10) asks */
	static const uint8_t want[12] = { 0xbe, 0x08, 0, 0, 0x01, 0x00, 0x01, 0x02, 0x03, 0x10,
					  0, 0 };
	uint8_t buf[2048];
	struct mmc_cmd cmd;

	mmc_build_read_cd(&cmd, MMC_READ_CD_MODE1, 256, 0x010203, MMC_READ_CD_USER_DATA, buf,
			  sizeof(buf));
	assert_cdb(&cmd, want, sizeof(want));
	ck_assert_int_eq(cmd.dir, MMC_DIR_IN);
	ck_assert_uint_eq(cmd.len, sizeof(buf));
}
END_TEST

START_TEST(read_cd_msf_cdb)
{
	/* CD-DA, sync to EDC/ECC, 00:02:00 up to 00:04:10 */
	static const uint8_t want[12] = { 0xb9, 0x04, 0, 0, 2, 0, 0, 4, 10, 0xf8, 0, 0 };
	uint8_t buf[2352];
	struct mmc_cmd cmd;

	mmc_build_read_cd_msf(&cmd, MMC_READ_CD_CDDA, (struct cd_msf){ 0, 2, 0 },
			      (struct cd_msf){ 0, 4, 10 }, 0xf8, buf, sizeof(buf));
	assert_cdb(&cmd, want, sizeof(want));
	ck_assert_int_eq(cmd.dir, MMC_DIR_IN);
	ck_assert_uint_eq(cmd.len, sizeof(buf));
}
END_TEST

START_TEST(read_capacity_cdb)
{
	static const uint8_t want[10] = { 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t buf[8];
	struct mmc_cmd cmd;

	mmc_build_read_capacity(&cmd, buf, sizeof(buf));
	assert_cdb(&cmd, want, sizeof(want));
	ck_assert_int_eq(cmd.dir, MMC_DIR_IN);
	ck_assert_uint_eq(cmd.len, sizeof(buf));
}
END_TEST

START_TEST(capacity_parse)
{
	static const uint8_t r[8] = { 0x00, 0x05, 0x7e, 0x3f, 0x00, 0x00, 0x08, 0x00 };
	uint32_t block;
	int32_t last;

	ck_assert_int_eq(mmc_parse_capacity(r, sizeof(r), &last, &block), 0);
	ck_assert_int_eq(last, 0x57e3f);
	ck_assert_uint_eq(block, 2048);
	/* short: nothing is taken */
	tl_assert_errno(mmc_parse_capacity(r, 7, &last, &block), EPROTO);
	ck_assert_int_eq(last, 0);
	ck_assert_uint_eq(block, 0);
}
END_TEST

START_TEST(sub_channel_cdb)
{
	/* what the kernel's sr_get_mcn() sends */
	static const uint8_t want[10] = { 0x42, 0, 0x40, 0x02, 0, 0, 0, 0, 24, 0 };
	uint8_t buf[24];
	struct mmc_cmd cmd;

	mmc_build_read_sub_channel(&cmd, MMC_SUBQ_MCN, 0, buf, sizeof(buf));
	assert_cdb(&cmd, want, sizeof(want));
	ck_assert_uint_eq(cmd.len, 24);
}
END_TEST

START_TEST(mcn_parse)
{
	uint8_t r[24] = { 0, 20, 0, 20, MMC_SUBQ_MCN, 0, 0, 0, 0x80 };
	struct mmc_mcn mcn;

	memcpy(r + 9, "0123456789012", 13);
	ck_assert_int_eq(mmc_parse_mcn(r, sizeof(r), &mcn), 0);
	ck_assert(mcn.valid);
	ck_assert_str_eq(mcn.number, "0123456789012");
	r[8] = 0;
	ck_assert_int_eq(mmc_parse_mcn(r, sizeof(r), &mcn), 0);
	ck_assert(!mcn.valid);
	/* cut short, by the transfer or by the announced length */
	tl_assert_errno(mmc_parse_mcn(r, 21, &mcn), EPROTO);
	ck_assert_str_eq(mcn.number, "");
	r[3] = 4;
	tl_assert_errno(mmc_parse_mcn(r, sizeof(r), &mcn), EPROTO);
}
END_TEST

START_TEST(toc_msf_parse)
{
	/* track 1 at 00:02:00, the lead-out at 62:57:02 */
	static const uint8_t r[20] = { 0, 18, 1, 1,
				       0, 0x14, 1, 0, 0, 0, 2, 0,
				       0, 0x14, 0xaa, 0, 0, 62, 57, 2 };
	struct cd_msf msf[MMC_MAX_TOC + 1];
	struct mmc_toc toc;

	ck_assert_int_eq(mmc_parse_toc_msf(r, sizeof(r), &toc, msf), 0);
	ck_assert_uint_eq(toc.first_track, 1);
	ck_assert_uint_eq(toc.last_track, 1);
	ck_assert_uint_eq(toc.n_entries, 2);
	ck_assert_uint_eq(toc.entries[0].adr, 1);
	ck_assert_uint_eq(toc.entries[0].control, 4);
	ck_assert_int_eq(toc.entries[0].lba, 0);
	ck_assert_uint_eq(msf[0].s, 2);
	ck_assert_uint_eq(toc.entries[1].track, 0xaa);
	ck_assert_uint_eq(msf[1].m, 62);
	ck_assert_uint_eq(msf[1].s, 57);
	ck_assert_uint_eq(msf[1].f, 2);
	ck_assert_int_eq(toc.entries[1].lba, (62 * 60 + 57) * 75 + 2 - 150);
	/* a reply cut inside the second descriptor keeps only the first */
	ck_assert_int_eq(mmc_parse_toc_msf(r, 15, &toc, msf), 0);
	ck_assert_uint_eq(toc.n_entries, 1);
	tl_assert_errno(mmc_parse_toc_msf(r, 3, &toc, msf), EPROTO);
}
END_TEST

START_TEST(session_info_parse)
{
	static const uint8_t r[12] = { 0, 10, 1, 2, 0, 0x14, 3, 0, 0, 0, 0x2e, 0xe0 };
	struct mmc_session_info si;

	ck_assert_int_eq(mmc_parse_session_info(r, sizeof(r), &si), 0);
	ck_assert_uint_eq(si.first_session, 1);
	ck_assert_uint_eq(si.last_session, 2);
	ck_assert_uint_eq(si.first_track.track, 3);
	ck_assert_int_eq(si.first_track.lba, 12000);
	/* a header without its descriptor, or less */
	tl_assert_errno(mmc_parse_session_info(r, 4, &si), EPROTO);
	ck_assert_int_eq(si.first_track.lba, 0);
	tl_assert_errno(mmc_parse_session_info(r, 2, &si), EPROTO);
}
END_TEST

START_TEST(position_parse)
{
	/* no audio status, ADR 1 audio, track 2 index 1, LBA 1300, 300 into the track */
	static const uint8_t r[16] = { 0, 0x15, 0, 12, 0x01, 0x10, 2, 1, 0, 0, 0x05, 0x14,
				       0, 0, 0x01, 0x2c };
	struct mmc_position pos;

	ck_assert_int_eq(mmc_parse_position(r, sizeof(r), &pos), 0);
	ck_assert_uint_eq(pos.audio_status, 0x15);
	ck_assert_uint_eq(pos.adr, 1);
	ck_assert_uint_eq(pos.control, 0);
	ck_assert_uint_eq(pos.track, 2);
	ck_assert_uint_eq(pos.index, 1);
	ck_assert_int_eq(pos.absolute, 1300);
	ck_assert_int_eq(pos.relative, 300);
	/* cut short, or a length field that announces less */
	tl_assert_errno(mmc_parse_position(r, 15, &pos), EPROTO);
	ck_assert_uint_eq(pos.track, 0);
	{
		uint8_t shorter[16];

		memcpy(shorter, r, sizeof(r));
		shorter[3] = 11;
		tl_assert_errno(mmc_parse_position(shorter, sizeof(shorter), &pos), EPROTO);
	}
}
END_TEST

static Suite *
mmc_read_suite(void)
{
	Suite *s = suite_create("mmc-read");
	TCase *builders = tl_tcase_in(s, "builders", NULL, NULL);
	TCase *parsers = tl_tcase_in(s, "parsers", NULL, NULL);

	TL_TESTS(builders, read10_cdb, read_cd_cdb, read_cd_msf_cdb, read_capacity_cdb,
		 sub_channel_cdb);
	TL_TESTS(parsers, mcn_parse, toc_msf_parse, session_info_parse, capacity_parse,
		 position_parse);
	return s;
}

TL_MAIN(mmc_read_suite)
