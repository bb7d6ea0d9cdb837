/*
 * The emulated recorder, driven through the MMC builders and read back
 * through the MMC parsers: every reply parsed here is one a host would get
 * from the drive, and every refusal carries the sense a real drive gives.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cd.h"
#include "emu.h"
#include "mmc.h"
#include "tl-emu.h"
#include "tl-harness.h"

START_TEST(inquiry)
{
	struct mmc_inquiry inq;
	struct mmc_cmd cmd;
	uint8_t buf[96];

	mmc_build_inquiry(&cmd, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	ck_assert_uint_eq(cmd.xfer, 36);
	ck_assert_int_eq(mmc_parse_inquiry(buf, cmd.xfer, &inq), 0);
	ck_assert_uint_eq(inq.device_type, 5);
	ck_assert(inq.removable);
	ck_assert_str_eq(inq.vendor, "BURNFS");
	ck_assert_str_eq(inq.product, "Emulated CD-RW");
	ck_assert_str_eq(inq.revision, "1.0");
	/* the allocation length cuts the reply; the parser refuses a short one */
	mmc_build_inquiry(&cmd, buf, 5);
	tl_good(tl_drive, &cmd);
	ck_assert_uint_eq(cmd.xfer, 5);
	ck_assert_uint_eq(mmc_reply_length(MMC_INQUIRY, buf, cmd.xfer), 36);
	ck_assert_int_eq(mmc_parse_inquiry(buf, cmd.xfer, &inq), -EPROTO);
	/* vital product data pages are not offered */
	mmc_build_inquiry(&cmd, buf, sizeof(buf));
	cmd.cdb[1] = 1;
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
}
END_TEST

START_TEST(configuration)
{
	struct mmc_config cfg;
	struct mmc_cmd cmd;
	uint8_t buf[1024];

	tl_get_config(tl_drive, 0, 0, buf, sizeof(buf), &cfg);
	ck_assert_uint_eq(cfg.current_profile, MMC_PROFILE_CDRW);
	ck_assert_uint_eq(cfg.n_profiles, 3);
	ck_assert_uint_eq(cfg.profiles[0].code, MMC_PROFILE_CDRW);
	ck_assert(cfg.profiles[0].current);
	ck_assert(!cfg.profiles[1].current);
	ck_assert(cfg.mastering && cfg.raw && cfg.rw_subcode && cfg.test_write && cfg.buf);
	ck_assert(cfg.raw_ms);	/* a RAW stream appends a session (doc/reference/tao.md §5) */
	ck_assert(cfg.removable && cfg.can_eject && cfg.can_load);
	ck_assert_uint_eq(cfg.loading_mechanism, 1);
	/* RT=2: only the named feature */
	tl_get_config(tl_drive, 2, MMC_FEATURE_CD_MASTERING, buf, sizeof(buf), &cfg);
	ck_assert_uint_eq(cfg.n_features, 1);
	ck_assert_uint_eq(cfg.features[0].code, MMC_FEATURE_CD_MASTERING);
	/* a header-only read announces the whole length */
	mmc_build_get_configuration(&cmd, 0, 0, buf, 8);
	tl_good(tl_drive, &cmd);
	ck_assert_uint_eq(cmd.xfer, 8);
	ck_assert_uint_gt(mmc_reply_length(MMC_GET_CONFIGURATION, buf, 8), 40);
	/* a reply cut in the middle of a descriptor is parsed up to what is whole */
	tl_get_config(tl_drive, 0, 0, buf, 30, &cfg);
	ck_assert_uint_eq(cfg.n_features, 1);	/* only the 20-byte profile list fits */

	tl_emu_reopen("none", EMU_FAULT_NO_RW);
	tl_get_config(tl_drive, 0, 0, buf, sizeof(buf), &cfg);
	ck_assert_uint_eq(cfg.current_profile, MMC_PROFILE_NONE);
	ck_assert(cfg.raw && !cfg.rw_subcode);
	/* RT=1 lists only current features: no writing features without media */
	tl_get_config(tl_drive, 1, 0, buf, sizeof(buf), &cfg);
	for (size_t i = 0; i < cfg.n_features; i++)
		ck_assert_uint_ne(cfg.features[i].code, MMC_FEATURE_CD_MASTERING);
	/* no RAW, no RAW multi-session either */
	tl_emu_reopen(NULL, EMU_FAULT_NO_RAW);
	tl_get_config(tl_drive, 0, 0, buf, sizeof(buf), &cfg);
	ck_assert(cfg.mastering && !cfg.raw && !cfg.raw_ms);
}
END_TEST

START_TEST(no_medium)
{
	struct mmc_cmd cmd;
	uint8_t buf[64];
	struct mmc_sense s;

	mmc_build_test_unit_ready(&cmd);
	tl_expect(tl_drive, &cmd, 2, 0x3a, 0x01);
	mmc_build_read_disc_info(&cmd, buf, sizeof(buf));
	tl_expect(tl_drive, &cmd, 2, 0x3a, 0x01);
	/* REQUEST SENSE returns the last sense, once */
	tl_request_sense(tl_drive, buf, &s);
	ck_assert_uint_eq(s.asc, 0x3a);
}
END_TEST

START_TEST(disc_info_and_atip)
{
	static const struct {
		const char *media;
		int32_t leadin;
		int32_t leadout;
		bool erasable;
	} kinds[] = {
		{ "cdr74", -11850, 333000, false },
		{ "cdr80", -11634, 359849, false },
		{ "cdrw80", -11775, 359849, true },
	};
	struct mmc_disc_info di;
	struct mmc_atip atip;
	struct mmc_cmd cmd;
	uint8_t buf[64];

	tl_emu_reopen(kinds[_i].media, 0);
	tl_disc_info(tl_drive, buf, sizeof(buf), &di);
	ck_assert_int_eq(di.status, MMC_DISC_EMPTY);
	ck_assert_int_eq(di.erasable, kinds[_i].erasable);
	ck_assert(di.leadin_valid && di.leadout_valid);
	ck_assert_int_eq(di.leadin_start, kinds[_i].leadin);
	ck_assert_int_eq(di.last_leadout, kinds[_i].leadout);
	ck_assert_uint_eq(di.first_track, 1);
	ck_assert_uint_eq(di.sessions, 1);
	mmc_build_read_toc(&cmd, 4, true, 0, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	ck_assert_uint_eq(cmd.xfer, 28);
	ck_assert_int_eq(mmc_parse_atip(buf, cmd.xfer, &atip), 0);
	ck_assert_int_eq(atip.leadin_start, kinds[_i].leadin);
	ck_assert_int_eq(atip.last_leadout, kinds[_i].leadout);
	ck_assert_int_eq(atip.cd_rw, kinds[_i].erasable);
	/* a blank disc has no table of contents */
	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
}
END_TEST

START_TEST(cdrom_toc)
{
	struct mmc_disc_info di;
	struct mmc_toc toc;
	struct mmc_cmd cmd;
	uint8_t buf[256];

	tl_disc_info(tl_drive, buf, sizeof(buf), &di);
	ck_assert_int_eq(di.status, MMC_DISC_COMPLETE);
	ck_assert(!di.leadin_valid && !di.leadout_valid);
	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(mmc_parse_toc(buf, cmd.xfer, &toc), 0);
	ck_assert_uint_eq(toc.first_track, 1);
	ck_assert_uint_eq(toc.n_entries, 2);
	ck_assert_uint_eq(toc.entries[0].control, 4);
	ck_assert_uint_eq(toc.entries[1].track, 0xaa);
	ck_assert_int_eq(toc.entries[1].lba, 5 * 4500);
	/* pressed discs have no ATIP */
	mmc_build_read_toc(&cmd, 4, false, 0, buf, sizeof(buf));
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
}
END_TEST

static void
read_page05(struct emu_drive *d, uint8_t *buf, size_t size, struct mmc_page05 *p)
{
	struct mmc_cmd cmd;

	mmc_build_mode_sense10(&cmd, 0x05, 0, buf, (uint16_t)size);
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_page05(buf, cmd.xfer, p), 0);
}

static void
select_page05(struct emu_drive *d, uint8_t wt, uint8_t dbt, uint8_t key, uint8_t asc)
{
	struct mmc_page05 want = { .write_type = wt, .data_block_type = dbt, .bufe = true };
	uint8_t cur[128], list[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
	struct mmc_page05 p;
	struct mmc_cmd cmd;
	size_t len;

	read_page05(d, cur, sizeof(cur), &p);
	len = mmc_build_page05(&want, cur + MMC_MODE_HEADER_LEN, MMC_PAGE05_LEN, list);
	mmc_build_mode_select10(&cmd, list, (uint16_t)len);
	tl_expect(d, &cmd, key, asc, 0);
}

START_TEST(mode_pages)
{
	struct mmc_page05 p;
	struct mmc_page2a p2a;
	struct mmc_cmd cmd;
	uint8_t buf[512], pages[16];
	int n;

	read_page05(tl_drive, buf, sizeof(buf), &p);
	ck_assert_uint_eq(p.write_type, 1);
	ck_assert_uint_eq(p.data_block_type, 8);
	/* RAW with each raw block type is taken and kept */
	for (uint8_t dbt = 1; dbt <= 3; dbt++) {
		select_page05(tl_drive, 3, dbt, 0, 0);
		read_page05(tl_drive, buf, sizeof(buf), &p);
		ck_assert_uint_eq(p.write_type, 3);
		ck_assert_uint_eq(p.data_block_type, dbt);
	}
	/* pairs a drive does not do are refused like cdrecord's probes expect */
	select_page05(tl_drive, 3, 8, 5, 0x26);
	select_page05(tl_drive, 3, 0, 5, 0x26);
	select_page05(tl_drive, 1, 1, 5, 0x26);
	select_page05(tl_drive, 4, 8, 5, 0x26);
	read_page05(tl_drive, buf, sizeof(buf), &p);
	ck_assert_uint_eq(p.data_block_type, 3);	/* unchanged by refusals */
	/* page 2A */
	mmc_build_mode_sense10(&cmd, 0x2a, 0, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(mmc_parse_page2a(buf, cmd.xfer, &p2a), 0);
	ck_assert(p2a.cdr_write && p2a.cdrw_write && p2a.test_write && p2a.buf);
	ck_assert_uint_eq(p2a.n_write_speeds, 6);
	ck_assert_uint_eq(p2a.write_speeds_kbs[0], 8467);
	ck_assert_uint_eq(p2a.current_write_kbs, 8467);
	ck_assert_uint_eq(p2a.loading_type, 1);
	/* all pages */
	mmc_build_mode_sense10(&cmd, 0x3f, 0, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	n = mmc_parse_mode_pages(buf, cmd.xfer, pages, sizeof(pages));
	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(pages[0], 0x01);
	ck_assert_uint_eq(pages[1], 0x05);
	ck_assert_uint_eq(pages[2], 0x2a);
	/* page 2Ah can be sent back unchanged, not changed */
	{
		uint8_t list[128];
		size_t off, plen;

		mmc_build_mode_sense10(&cmd, 0x2a, 0, buf, sizeof(buf));
		tl_good(tl_drive, &cmd);
		off = mmc_mode_first_page(buf, cmd.xfer);
		plen = (size_t)buf[off + 1] + 2;
		memset(list, 0, MMC_MODE_HEADER_LEN);
		memcpy(list + MMC_MODE_HEADER_LEN, buf + off, plen);
		mmc_build_mode_select10(&cmd, list, (uint16_t)(MMC_MODE_HEADER_LEN + plen));
		tl_good(tl_drive, &cmd);
		list[MMC_MODE_HEADER_LEN + 12] ^= 0x01;	/* the buffer size */
		mmc_build_mode_select10(&cmd, list, (uint16_t)(MMC_MODE_HEADER_LEN + plen));
		tl_expect(tl_drive, &cmd, 5, 0x26, 0);
	}
	/* saved values are not kept: 5/39/00 */
	mmc_build_mode_sense10(&cmd, 0x05, 3, buf, sizeof(buf));
	tl_expect(tl_drive, &cmd, 5, 0x39, 0);
	/* a parameter list shorter than its page */
	mmc_build_mode_select10(&cmd, buf, 12);
	memset(buf, 0, 12);
	buf[8] = 0x05;
	buf[9] = 0x32;
	tl_expect(tl_drive, &cmd, 5, 0x1a, 0);
}
END_TEST

START_TEST(no_rw_fault)
{
	tl_emu_reopen(NULL, EMU_FAULT_NO_RW);
	select_page05(tl_drive, 3, 1, 0, 0);
	select_page05(tl_drive, 3, 2, 5, 0x26);
	select_page05(tl_drive, 3, 3, 5, 0x26);
	tl_emu_reopen(NULL, EMU_FAULT_NO_RAW);
	select_page05(tl_drive, 3, 1, 5, 0x26);
}
END_TEST

START_TEST(track_info_nwa)
{
	struct mmc_track_info ti;
	struct mmc_cmd cmd;
	uint8_t buf[64];

	mmc_build_read_track_info(&cmd, 1, 0xff, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(mmc_parse_track_info(buf, cmd.xfer, &ti), 0);
	ck_assert(ti.blank && ti.nwa_valid);
	ck_assert_int_eq(ti.nwa, 0);	/* TAO after power-on */
	select_page05(tl_drive, 3, 2, 0, 0);
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(mmc_parse_track_info(buf, cmd.xfer, &ti), 0);
	ck_assert_int_eq(ti.nwa, -11634);	/* RAW: the lead-in start */
	ck_assert_uint_eq(ti.free_blocks, 359849 + 11634);
	mmc_build_read_track_info(&cmd, 3, 0, buf, sizeof(buf));
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
}
END_TEST

START_TEST(speeds)
{
	struct mmc_page2a p2a;
	struct mmc_cmd cmd;
	uint8_t buf[512];
	uint16_t kbs[16];
	int n;

	mmc_build_get_performance_write_speeds(&cmd, 16, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	n = mmc_parse_write_speeds(buf, cmd.xfer, kbs, 16);
	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(kbs[0], 706);
	ck_assert_uint_eq(kbs[3], 4234);
	ck_assert_uint_eq(mmc_kbs_to_sectors(706), 300);
	ck_assert_uint_eq(mmc_kbs_to_sectors(8467), 3600);
	ck_assert_uint_eq(mmc_kbs_to_sectors(mmc_sectors_to_kbs(1200)), 1200);
	/* the header announces all descriptors even when fewer fit */
	mmc_build_get_performance_write_speeds(&cmd, 0, buf, 8);
	tl_good(tl_drive, &cmd);
	ck_assert_uint_eq(mmc_reply_length(MMC_GET_PERFORMANCE, buf, cmd.xfer), 8 + 4 * 16);
	/* SET CD SPEED snaps down to a speed the media takes */
	mmc_build_set_cd_speed(&cmd, 0xffff, 2000, 0);
	tl_good(tl_drive, &cmd);
	mmc_build_mode_sense10(&cmd, 0x2a, 0, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(mmc_parse_page2a(buf, cmd.xfer, &p2a), 0);
	ck_assert_uint_eq(p2a.current_write_kbs, 1764);
	mmc_build_set_cd_speed(&cmd, 0xffff, 0xffff, 3);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
}
END_TEST

START_TEST(unknown_opcode)
{
	struct mmc_cmd cmd;

	mmc_build_test_unit_ready(&cmd);
	cmd.cdb[0] = 0xff;
	tl_expect(tl_drive, &cmd, 5, 0x20, 0);
}
END_TEST

START_TEST(tray_and_prevent)
{
	struct emu_drive *b = tl_emu_open(NULL);
	struct mmc_media_event ev;
	struct mmc_cmd cmd;
	uint8_t buf[16];

	mmc_build_prevent_allow(&cmd, true);
	tl_good(tl_drive, &cmd);
	/* any initiator's eject is refused while removal is prevented */
	mmc_build_start_stop(&cmd, true, false, false);
	tl_expect(b, &cmd, 5, 0x53, 0x02);
	mmc_build_start_stop(&cmd, true, false, false);
	tl_expect(tl_drive, &cmd, 5, 0x53, 0x02);
	/* b cannot lift a's prevention */
	mmc_build_prevent_allow(&cmd, false);
	tl_good(b, &cmd);
	mmc_build_start_stop(&cmd, true, false, false);
	tl_expect(b, &cmd, 5, 0x53, 0x02);
	/* closing the handle that prevented lifts it, like closing the device */
	tl_emu_close();
	mmc_build_start_stop(&cmd, true, false, false);
	tl_good(b, &cmd);
	mmc_build_test_unit_ready(&cmd);
	tl_expect(b, &cmd, 2, 0x3a, 0x02);	/* tray open */
	mmc_build_get_event_status(&cmd, 0x10, buf, sizeof(buf));
	tl_good(b, &cmd);
	ck_assert_int_eq(mmc_parse_media_event(buf, cmd.xfer, &ev), 0);
	ck_assert(ev.tray_open && !ev.present);
	mmc_build_start_stop(&cmd, true, true, false);
	tl_good(b, &cmd);
	mmc_build_test_unit_ready(&cmd);
	tl_good(b, &cmd);
	/* GESN must be polled */
	mmc_build_get_event_status(&cmd, 0x10, buf, sizeof(buf));
	cmd.cdb[1] = 0;
	tl_expect(b, &cmd, 5, 0x24, 0);
	emu_drive_close(b);
}
END_TEST

START_TEST(unit_attention)
{
	struct emu_drive *b = tl_emu_open(NULL);
	struct mmc_cmd cmd;
	uint8_t buf[96];

	mmc_build_start_stop(&cmd, true, false, false);
	tl_good(tl_drive, &cmd);
	mmc_build_start_stop(&cmd, true, true, false);
	tl_good(tl_drive, &cmd);
	/* b was not told: its next command reports the change, once */
	mmc_build_inquiry(&cmd, buf, sizeof(buf));
	tl_good(b, &cmd);	/* INQUIRY passes a unit attention */
	mmc_build_test_unit_ready(&cmd);
	tl_expect(b, &cmd, 6, 0x28, 0);
	mmc_build_test_unit_ready(&cmd);
	tl_good(b, &cmd);
	mmc_build_test_unit_ready(&cmd);
	tl_good(tl_drive, &cmd);
	tl_emu_close();
	emu_drive_close(b);
}
END_TEST

START_TEST(blank_cdrw_only)
{
	struct mmc_cmd cmd;

	mmc_build_blank(&cmd, 1, true);
	tl_expect(tl_drive, &cmd, 5, 0x30, 0x05);
	tl_emu_reopen("cdrw80", 0);
	mmc_build_blank(&cmd, 1, true);
	tl_good(tl_drive, &cmd);
	mmc_build_blank(&cmd, 4, true);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
}
END_TEST

START_TEST(state_persists)
{
	struct mmc_page05 p;
	struct mmc_config cfg;
	uint8_t buf[1024];
	FILE *f;
	char *path;

	select_page05(tl_drive, 3, 1, 0, 0);
	/* reopened without emu_media: the same disc and settings */
	tl_emu_reopen(NULL, 0);
	read_page05(tl_drive, buf, sizeof(buf), &p);
	ck_assert_uint_eq(p.write_type, 3);
	ck_assert_uint_eq(p.data_block_type, 1);
	tl_get_config(tl_drive, 0, 0, buf, sizeof(buf), &cfg);
	ck_assert_uint_eq(cfg.current_profile, MMC_PROFILE_CDRW);
	tl_emu_close();
	/* a damaged state file is reported, not guessed at */
	ck_assert_int_gt(asprintf(&path, "%s/drive.state", tl_emu_dir), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("burnfs-emu 1\nmedia floppy\n", f);
	fclose(f);
	{
		struct emu_drive *bad = NULL;
		struct burn_error e;

		ck_assert_int_lt(emu_drive_open(tl_emu_dir, NULL, &bad, &e), 0);
		ck_assert_msg(strstr(e.reason, "is damaged at line 2") != NULL, "%s", e.reason);
	}
	free(path);
}
END_TEST

/*
 * drive.state is rewritten in place (one file, one size) and another
 * handle sees each change at once, however quickly they follow; a state
 * file of an older burnfs (no serial, no padding) is read as before.
 */
START_TEST(state_rewritten_in_place)
{
	struct emu_drive *b = tl_emu_open(NULL);
	char *path = tl_path(tl_emu_dir, "drive.state");
	struct mmc_page05 p;
	uint8_t buf[1024];
	struct stat st0, st1;
	FILE *f;

	select_page05(tl_drive, 3, 1, 0, 0);
	ck_assert_int_eq(stat(path, &st0), 0);
	for (int i = 0; i < 20; i++) {
		uint8_t dbt = i % 2 ? 1 : 3;

		select_page05(tl_drive, 3, dbt, 0, 0);
		read_page05(b, buf, sizeof(buf), &p);
		ck_assert_uint_eq(p.data_block_type, dbt);
	}
	ck_assert_int_eq(stat(path, &st1), 0);
	ck_assert_uint_eq(st1.st_ino, st0.st_ino);
	ck_assert_int_eq(st1.st_size, 1024);
	ck_assert_ptr_nonnull(strstr(tl_read(path), "\nserial "));
	emu_drive_close(b);
	tl_emu_close();
	/* an older burnfs's file: no serial line, no padding */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("burnfs-emu 1\nmedia cdrw80\ntray closed\ndisc blank\ngeneration 3\n", f);
	ck_assert_int_eq(fclose(f), 0);
	tl_emu_reopen(NULL, 0);
	select_page05(tl_drive, 3, 1, 0, 0);
	read_page05(tl_drive, buf, sizeof(buf), &p);
	ck_assert_uint_eq(p.data_block_type, 1);
	free(path);
}
END_TEST

START_TEST(exclusive_access)
{
	struct emu_drive *b = tl_emu_open(NULL);
	struct burn_error e;
	char owner[128];

	ck_assert_int_eq(emu_drive_owner(b, owner, sizeof(owner)), 0);
	ck_assert_str_eq(owner, "");
	ck_assert_int_eq(emu_drive_lock(tl_drive, "Holder One", &e), 0);
	ck_assert_int_gt(emu_drive_owner(b, owner, sizeof(owner)), 0);
	ck_assert_str_eq(owner, "Holder One");
	ck_assert_int_gt(emu_drive_owner(tl_drive, owner, sizeof(owner)), 0);
	ck_assert_str_eq(owner, "Holder One");
	ck_assert_int_eq(emu_drive_lock(b, "Second", &e), -EBUSY);
	ck_assert_int_eq(e.result, BURN_E_RECORDER_LOCKED);
	ck_assert_msg(strstr(e.reason, "held exclusively by Holder One") != NULL, "%s", e.reason);
	/* a holder without a name is named by pid and command */
	emu_drive_unlock(tl_drive);
	ck_assert_int_eq(emu_drive_owner(b, owner, sizeof(owner)), 0);
	ck_assert_int_eq(emu_drive_lock(tl_drive, "", &e), 0);
	emu_drive_owner(b, owner, sizeof(owner));
	{
		char want[64];

		snprintf(want, sizeof(want), "pid %d (", (int)getpid());
		ck_assert_msg(strncmp(owner, want, strlen(want)) == 0, "%s", owner);
	}
	/* closing the holder frees the drive */
	tl_emu_close();
	ck_assert_int_eq(emu_drive_lock(b, "Second", &e), 0);
	emu_drive_close(b);
}
END_TEST

/*
 * Several processes hammer one drive directory at once, each switching the
 * write parameters and reading them back under exclusive access: the
 * state file must stay whole and every process must see its own writes.
 */
START_TEST(concurrent_processes)
{
	enum { PROCS = 6, ROUNDS = 40 };
	pid_t pids[PROCS];

	emu_drive_close(tl_emu_open("cdr80"));
	for (int i = 0; i < PROCS; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			struct emu_config cfg = { 0 };
			struct burn_error e;
			struct emu_drive *c;
			int bad = 0;

			if (emu_drive_open(tl_emu_dir, &cfg, &c, &e) < 0)
				_exit(10);
			for (int r = 0; r < ROUNDS; r++) {
				uint8_t dbt = (uint8_t)(1 + (i + r) % 3), buf[128];
				struct mmc_page05 want = { .write_type = 3, .data_block_type = dbt };
				uint8_t list[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
				struct mmc_page05 got;
				struct mmc_cmd cmd;

				while (emu_drive_lock(c, "worker", &e) < 0)
					usleep(100);
				mmc_build_page05(&want, NULL, 0, list);
				mmc_build_mode_select10(&cmd, list, sizeof(list));
				if (emu_drive_exec(c, &cmd) < 0 || cmd.status != MMC_STATUS_GOOD)
					bad++;
				mmc_build_mode_sense10(&cmd, 0x05, 0, buf, sizeof(buf));
				if (emu_drive_exec(c, &cmd) < 0 || cmd.status != MMC_STATUS_GOOD ||
				    mmc_parse_page05(buf, cmd.xfer, &got) < 0 ||
				    got.data_block_type != dbt)
					bad++;
				emu_drive_unlock(c);
				/* and plain queries from everyone, without the lock */
				mmc_build_read_disc_info(&cmd, buf, sizeof(buf));
				if (emu_drive_exec(c, &cmd) < 0 || cmd.status != MMC_STATUS_GOOD)
					bad++;
			}
			emu_drive_close(c);
			_exit(bad ? 20 : 0);
		}
	}
	for (int i = 0; i < PROCS; i++) {
		int status;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "worker %d ended with status %d", i, status);
	}
	tl_emu_reopen(NULL, 0);
	{
		struct mmc_page05 p;
		uint8_t buf[128];

		read_page05(tl_drive, buf, sizeof(buf), &p);
		ck_assert_uint_eq(p.write_type, 3);
	}
}
END_TEST

START_TEST(bad_options)
{
	struct emu_config cfg = { .media = "floppy" };
	struct emu_drive *d = NULL;
	struct burn_error e;
	struct emu_config fcfg = { 0 };

	ck_assert_int_eq(emu_drive_open(tl_emu_dir, &cfg, &d, &e), -EINVAL);
	ck_assert_str_eq(e.reason, "emu_media=floppy: expected cdr74, cdr80, cdrw80, cdrom or none");
	ck_assert_int_lt(emu_drive_open("", NULL, &d, &e), 0);
	ck_assert_int_eq(e.result, BURN_E_NO_RECORDER_SPECIFIED);
	ck_assert_int_eq(emu_fault_parse("no_rw+not_ready", &fcfg), 0);
	ck_assert_uint_eq(fcfg.faults, EMU_FAULT_NO_RW | EMU_FAULT_NOT_READY);
	ck_assert_int_eq(emu_fault_parse("no_rw+bogus", &fcfg), -EINVAL);
}
END_TEST

/* The -o emu_* options as text: what the daemon hands the emulator. */
START_TEST(option_text)
{
	struct emu_config cfg = { 0 };
	struct burn_error e;

	ck_assert_int_eq(emu_config_parse("emu_media=cdrw80,emu_speed=4,emu_fault=no_rw,"
					  "emu_fault=removed@-10,emu_speed=8", &cfg, &e), 0);
	ck_assert_str_eq(cfg.media, "cdrw80");
	ck_assert_uint_eq(cfg.speed, 8);
	ck_assert_uint_eq(cfg.faults, EMU_FAULT_NO_RW | EMU_FAULT_REMOVED);
	ck_assert_int_eq(cfg.removed_lba, -10);
	ck_assert_int_eq(emu_config_parse(NULL, &cfg, &e), 0);
	ck_assert_int_eq(emu_config_parse("", &cfg, &e), 0);

	ck_assert_int_eq(emu_config_parse_option("emu_speed=65", &cfg, &e), -EINVAL);
	ck_assert_int_eq(e.result, BURN_E_INVALIDARG);
	ck_assert_str_eq(e.reason, "expected a whole number from 0 (unlimited) to 64");
	ck_assert_int_eq(emu_config_parse_option("emu_speed=", &cfg, &e), -EINVAL);
	ck_assert_int_eq(emu_config_parse_option("emu_media=floppy", &cfg, &e), -EINVAL);
	ck_assert_str_eq(e.reason, "expected cdr74, cdr80, cdrw80, cdrom or none");
	ck_assert_int_eq(emu_config_parse_option("emu_fault=meteor", &cfg, &e), -EINVAL);
	ck_assert_int_eq(emu_config_parse_option("client_name=x", &cfg, &e), 1);
	ck_assert_uint_eq(cfg.speed, 8);

	ck_assert_int_eq(emu_config_parse("emu_speed=2,emu_fault=write_error@", &cfg, &e),
			 -EINVAL);
	ck_assert_str_eq(e.reason, "emu_fault=write_error@: expected no_rw, no_raw, not_ready, "
				   "write_error@LBA, removed@LBA, unit_attention@LBA, corrupt@LBA or "
				   "unreadable@LBA, joined with +");
	ck_assert_int_eq(emu_config_parse("emu_speed=2,bogus", &cfg, &e), -EINVAL);
	ck_assert_str_eq(e.reason, "bogus: not an option of the emulated recorder");
}
END_TEST

START_TEST(sense_words)
{
	struct mmc_sense s = { .key = 5, .asc = 0x21, .ascq = 0x02 };
	uint8_t desc[8] = { 0x72, 0x03, 0x0c, 0x09 };
	char words[160];

	mmc_sense_describe(&s, words, sizeof(words));
	ck_assert_str_eq(words, "[5 21 02] Illegal request: invalid address for write");
	s = (struct mmc_sense){ .key = 3, .asc = 0x99, .ascq = 0x01 };
	mmc_sense_describe(&s, words, sizeof(words));
	ck_assert_str_eq(words, "[3 99 01] Medium error: additional sense code 99h/01h");
	ck_assert_int_eq(mmc_sense_parse(desc, sizeof(desc), &s), 0);
	ck_assert(s.key == 3 && s.asc == 0x0c && s.ascq == 0x09);
	desc[0] = 0x10;
	ck_assert_int_eq(mmc_sense_parse(desc, sizeof(desc), &s), -EPROTO);
	ck_assert_int_eq(mmc_sense_parse(desc, 0, &s), -EPROTO);
}
END_TEST

/* Replies that lie about their length must not be read past. */
START_TEST(lying_replies)
{
	uint8_t buf[64];
	struct mmc_disc_info di;
	struct mmc_toc toc;
	struct mmc_config cfg;
	struct mmc_track_info ti;
	uint16_t kbs[4];
	uint8_t pages[4];

	memset(buf, 0, sizeof(buf));
	mmc_put16(buf, 0xffff);	/* claims 64 KiB */
	ck_assert_int_eq(mmc_parse_disc_info(buf, 10, &di), -EPROTO);
	mmc_put16(buf, 4);	/* claims less than a disc-info block */
	ck_assert_int_eq(mmc_parse_disc_info(buf, 34, &di), -EPROTO);
	mmc_put16(buf, 0xffff);
	ck_assert_int_eq(mmc_parse_toc(buf, 20, &toc), 0);
	ck_assert_uint_eq(toc.n_entries, 2);
	mmc_put32(buf, 0xfffffff0);
	buf[8] = 0;
	buf[11] = 200;		/* a descriptor longer than the reply */
	ck_assert_int_eq(mmc_parse_configuration(buf, 24, &cfg), 0);
	ck_assert_uint_eq(cfg.n_features, 0);
	ck_assert_int_eq(mmc_parse_track_info(buf, 20, &ti), -EPROTO);
	ck_assert_int_eq(mmc_parse_write_speeds(buf, 7, kbs, 4), -EPROTO);
	mmc_put16(buf, 60);
	mmc_put16(buf + 6, 200);	/* block descriptors beyond the reply */
	ck_assert_int_eq(mmc_parse_mode_pages(buf, 16, pages, 4), 0);
}
END_TEST

/*
 * Page 2Ah ending with the reply, shorter than the MMC-2 current write
 * speed at page bytes 20-21: that field is left 0, never read past the
 * reply (the bytes after it are 0xAB here). Found by fuzz-mmc.
 */
static const struct {
	uint8_t page_len;	/* byte 1 of the page: its length after byte 1 */
	uint16_t want_kbs;
} short_page2a_cases[] = {
	{ 18, 0 },		/* 20 bytes: the shortest page the parser takes */
	{ 19, 0 },		/* 21 bytes: the field's first byte only */
	{ 20, 0x1234 },		/* 22 bytes: the field is there */
};

START_TEST(short_page2a)
{
	uint8_t buf[64];
	size_t n = MMC_MODE_HEADER_LEN + 2 + short_page2a_cases[_i].page_len;
	struct mmc_page2a p2a;

	memset(buf, 0xab, sizeof(buf));
	memset(buf, 0, n);
	mmc_put16(buf, (uint16_t)(n - 2));
	buf[MMC_MODE_HEADER_LEN] = 0x2a;
	buf[MMC_MODE_HEADER_LEN + 1] = short_page2a_cases[_i].page_len;
	buf[MMC_MODE_HEADER_LEN + 3] = 0x01;	/* writes CD-R */
	if (n >= MMC_MODE_HEADER_LEN + 22)
		mmc_put16(buf + MMC_MODE_HEADER_LEN + 20, 0x1234);
	ck_assert_int_eq(mmc_parse_page2a(buf, n, &p2a), 0);
	ck_assert(p2a.cdr_write);
	ck_assert_uint_eq(p2a.current_write_kbs, short_page2a_cases[_i].want_kbs);
	ck_assert_uint_eq(p2a.n_write_speeds, 0);
}
END_TEST

static Suite *
emu_suite(void)
{
	Suite *s = suite_create("emu");
	TCase *tc;

	TL_TESTS(tl_emu_tcase(s, "default"), inquiry, mode_pages, unknown_opcode, tray_and_prevent,
		 unit_attention, exclusive_access);
	TL_TESTS(tl_emu_tcase(s, "none"), no_medium);
	TL_TESTS(tl_emu_tcase(s, "cdr80"), track_info_nwa, blank_cdrw_only);
	TL_TESTS(tl_emu_tcase(s, "cdrw80"), configuration, speeds, state_persists,
		 state_rewritten_in_place);
	TL_TESTS(tl_emu_tcase(s, "cdrom"), cdrom_toc);
	/* these open their own drives (several media or faults), or none */
	tc = tl_tcase_in(s, "drive", tl_emu_setup, tl_emu_teardown);
	tcase_add_loop_test(tc, disc_info_and_atip, 0, 3);
	TL_TESTS(tc, no_rw_fault, concurrent_processes, bad_options, option_text, sense_words,
		 lying_replies);
	tcase_add_loop_test(tc, short_page2a, 0,
			    sizeof(short_page2a_cases) / sizeof(short_page2a_cases[0]));
	return s;
}

TL_MAIN(emu_suite)
