/*
 * Mode 2 (CD-ROM XA) discs in the emulated recorder: a raw stream whose
 * data track is Mode 2, Form 1 then Form 2 (as cdrdao sends a MODE2/2352
 * track), is recorded as Mode 2 (disc.cue, disc type 20h), and read back
 * as a drive answers: READ(10) gives Form 1's user data and refuses Form 2
 * (5/64/00), READ CD honours the expected sector types and the sub-header;
 * core/drive/recorder-disc.c reads the track's mode.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "mmc-read.h"
#include "recorder-disc.h"
#include "tl-emu.h"
#include "tl-harness.h"
#include "tl-image.h"

#define ISO_SECTORS 400
#define FORM2_FROM 300

/* Byte @i of the fake ISO's user data from LBA 0 (its PVD at sector 16 aside). */
static uint8_t *iso_data;

/* The fake ISO burned with its track re-coded as Mode 2, Form 2 from FORM2_FROM on. */
static struct emu_drive *
burn_mode2(const char *fault)
{
	struct emu_config cfg = { .media = "cdr80" };
	char *iso = tl_path(tl_emu_work, "data.iso"), opts[64];
	struct tl_stream s;
	struct emu_drive *d;

	if (fault) {
		snprintf(opts, sizeof(opts), "emu_fault=%s", fault);
		ck_assert_int_eq(emu_config_parse(opts, &cfg, NULL), 0);
		cfg.media = "cdr80";
	}
	d = tl_emu_open_cfg(&cfg);
	tl_make_pvd_iso(iso, ISO_SECTORS, ISO_SECTORS);
	iso_data = tl_slurp(iso, NULL);
	tl_stream_open(&s, iso, CD_SECTOR_COOKED);
	s.mode2 = true;
	s.form2_from = FORM2_FROM;
	tl_select_raw(d, CD_SECTOR_COOKED, true, false);
	tl_stream_skip_to(&s, TL_NWA_CDR80);
	tl_stream_write(d, &s, s.end);
	tl_sync_cache(d, false);
	tl_stream_close(&s);
	free(iso);
	return d;
}

static void
teardown(void)
{
	free(iso_data);
	iso_data = NULL;
	tl_emu_teardown();
}

/* READ CD of one sector at @lba, expected type @expected, selection @b9, into @buf. */
static void
read_cd(struct mmc_cmd *cmd, int32_t lba, uint8_t expected, uint8_t b9, uint8_t *buf, size_t len)
{
	mmc_build_read_cd(cmd, expected, lba, 1, b9, buf, len);
}

START_TEST(recorded_as_mode2)
{
	struct emu_drive *d = burn_mode2(NULL);
	char *cue = tl_path(tl_emu_dir, "disc.cue");
	uint8_t buf[256];
	struct mmc_disc_info di;
	struct mmc_cmd cmd;

	ck_assert_ptr_nonnull(strstr(tl_get(cue), "  TRACK 01 MODE2/2352\n"));
	tl_disc_info(d, buf, 34, &di);
	ck_assert_uint_eq(buf[8], 0x20);	/* CD-ROM XA */
	/* the full TOC's A0: first track, disc type */
	mmc_build_read_toc(&cmd, 2, false, 0, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(buf[4 + 3], 0xa0);
	ck_assert_uint_eq(buf[4 + 8], 1);
	ck_assert_uint_eq(buf[4 + 9], 0x20);
	emu_drive_close(d);
	free(cue);
}
END_TEST

START_TEST(read10_form1_not_form2)
{
	struct emu_drive *d = burn_mode2(NULL);
	static uint8_t buf[20 * CD_DATA_SIZE];
	struct mmc_cmd cmd;

	for (int32_t lba = 0; lba < FORM2_FROM; lba += 20) {
		mmc_build_read10(&cmd, lba, 20, buf, sizeof(buf));
		tl_good(d, &cmd);
		ck_assert_uint_eq(cmd.xfer, sizeof(buf));
		ck_assert_msg(memcmp(buf, iso_data + (size_t)lba * CD_DATA_SIZE, sizeof(buf)) == 0,
			      "READ(10) at %d differs from the ISO", lba);
	}
	mmc_build_read10(&cmd, FORM2_FROM - 1, 2, buf, sizeof(buf));
	tl_expect(d, &cmd, 5, 0x64, 0x00);
	emu_drive_close(d);
}
END_TEST

START_TEST(read_cd_sector_types)
{
	struct emu_drive *d = burn_mode2(NULL);
	uint8_t buf[CD_MAIN_SIZE], want[CD_MAIN_SIZE], data[CD_FORM2_DATA_SIZE] = { 0 };
	struct mmc_cmd cmd;

	/* Form 1: user data as Form 1 or formless Mode 2; not as Mode 1, Form 2 or CD-DA */
	read_cd(&cmd, 10, MMC_READ_CD_MODE2_FORM1, MMC_READ_CD_USER_DATA, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, CD_DATA_SIZE);
	ck_assert_mem_eq(buf, iso_data + 10 * CD_DATA_SIZE, CD_DATA_SIZE);
	read_cd(&cmd, 10, 3, MMC_READ_CD_USER_DATA, buf, sizeof(buf));
	tl_good(d, &cmd);
	for (uint8_t expected = 1; expected <= 5; expected++) {
		if (expected == 3 || expected == MMC_READ_CD_MODE2_FORM1)
			continue;
		read_cd(&cmd, 10, expected, MMC_READ_CD_USER_DATA, buf, sizeof(buf));
		tl_expect(d, &cmd, 5, 0x64, 0x00);
	}
	/* the whole sector: sync, header, sub-header, data, EDC and ECC as burned */
	memcpy(data, iso_data + 10 * CD_DATA_SIZE, CD_DATA_SIZE);
	cd_sector_encode_mode2(want, 10, tl_form1_subheader, data);
	read_cd(&cmd, 10, MMC_READ_CD_ANY, 0xf8, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, CD_MAIN_SIZE);
	ck_assert_mem_eq(buf, want, CD_MAIN_SIZE);
	/* header only, then header and sub-header */
	read_cd(&cmd, 10, MMC_READ_CD_ANY, MMC_READ_CD_HEADER, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, 4);
	ck_assert_uint_eq(buf[3], 2);
	read_cd(&cmd, 10, MMC_READ_CD_ANY, MMC_READ_CD_ALL_HEADERS, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, 12);
	ck_assert_mem_eq(buf + 4, tl_form1_subheader, 4);
	/* Form 2: 2324 bytes of user data, then its EDC */
	memcpy(data, iso_data + (size_t)(FORM2_FROM + 5) * CD_DATA_SIZE, CD_DATA_SIZE);
	cd_sector_encode_mode2(want, FORM2_FROM + 5, tl_form2_subheader, data);
	read_cd(&cmd, FORM2_FROM + 5, MMC_READ_CD_MODE2_FORM2,
		MMC_READ_CD_USER_DATA | MMC_READ_CD_EDC_ECC, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, CD_FORM2_DATA_SIZE + 4);
	ck_assert_mem_eq(buf, want + CD_MODE2_DATA_OFFSET, CD_FORM2_DATA_SIZE + 4);
	read_cd(&cmd, FORM2_FROM + 5, MMC_READ_CD_MODE2_FORM1, MMC_READ_CD_USER_DATA, buf,
		sizeof(buf));
	tl_expect(d, &cmd, 5, 0x64, 0x00);
	emu_drive_close(d);
}
END_TEST

/* burnfs's own reading: the track is Mode 2, its sectors read whole, as verification reads them. */
START_TEST(recorder_reads_mode2)
{
	struct emu_drive *d = burn_mode2(NULL);
	uint8_t buf[2 * CD_MAIN_SIZE], want[CD_MAIN_SIZE], data[CD_FORM2_DATA_SIZE] = { 0 };
	struct image_toc toc;
	struct burn_error e;
	struct recorder *r;

	emu_drive_close(d);
	r = tl_recorder_on_dir(NULL);
	ck_assert_int_eq(recorder_disc_toc(r, &toc, &e), 1);
	ck_assert_uint_eq(toc.track[1].mode, 2);
	ck_assert_int_eq(recorder_disc_read(r, FORM2_FROM - 1, 2, RECORDER_READ_MAIN, buf, &e), 2);
	memcpy(data, iso_data + (size_t)(FORM2_FROM - 1) * CD_DATA_SIZE, CD_DATA_SIZE);
	cd_sector_encode_mode2(want, FORM2_FROM - 1, tl_form1_subheader, data);
	ck_assert_mem_eq(buf, want, CD_MAIN_SIZE);
	ck_assert_uint_eq(cd_sector_check_mode2(buf + CD_MAIN_SIZE, &(int32_t){ FORM2_FROM }, NULL),
			  0);
	recorder_close(r);
}
END_TEST

/* corrupt@: a Mode 2 sector recorded wrong still reads back as a good Mode 2 sector. */
START_TEST(corrupt_mode2_sector)
{
	struct emu_drive *d = burn_mode2("corrupt@20");
	uint8_t buf[CD_MAIN_SIZE];
	struct mmc_cmd cmd;
	int form = 0;

	read_cd(&cmd, 20, MMC_READ_CD_ANY, 0xf8, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cd_sector_check_mode2(buf, &(int32_t){ 20 }, &form), 0);
	ck_assert_int_eq(form, 1);
	ck_assert_mem_eq(buf + CD_MODE2_SUBHEADER_OFFSET, tl_form1_subheader, 4);
	ck_assert_uint_eq(buf[CD_MODE2_DATA_OFFSET], (uint8_t)(iso_data[20 * CD_DATA_SIZE] ^ 0xff));
	emu_drive_close(d);
}
END_TEST

TL_SUITE(emu_mode2_suite, "emu-mode2",
	 TL_CASE("mode2", tl_emu_setup, teardown),
	 TL_RUN(recorded_as_mode2, read10_form1_not_form2, read_cd_sector_types,
		recorder_reads_mode2, corrupt_mode2_sector))

TL_MAIN(emu_mode2_suite)
