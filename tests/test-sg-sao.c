/*
 * The sg suite, session-at-once (issue 15 part A): the tools that burn SAO
 * onto the emulated recorder through the SG interposer, as a user runs
 * them: cdrdao's generic-mmc driver (pre-gaps, ISRC, CATALOG), wodim -sao
 * and cdrskin -sao (a data ISO, three audio tracks). Each must exit 0 and
 * the disc read back equal to its sources (disc.bin, cd-info, cd-paranoia);
 * a bad cue sheet gets the drive's sense and the tool's own message; and
 * cdrdao's SAO burn is the disc burnfs's RAW burn of the same content
 * records (acceptance 2). cdrdao burns Mode 2 too: an ISO as a CD-ROM XA
 * track (MODE2_FORM1) reads back as the ISO, and that disc's sectors as a
 * MODE2_RAW track make the same disc; wodim -sao -mode2 burns a formless
 * Mode 2 track.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tl-burn.h"
#include "tl-mount.h"
#include "tl-sg.h"

static char out[TL_SG_OUT_MAX];

/* A fresh blank 80-minute CD-R for the next tool (BURNFS_SG_MEDIA, as a user loads one). */

/* The audio cue cdrdao burns: CATALOG, ISRC on tracks 1 and 2, pre-gaps of 2 s and 1 s. */
static char *
audio_cue(char *wav[3])
{
	char *cue = tl_path(tl_top, "a.cue"), *text;

	ck_assert_int_gt(asprintf(&text, "CATALOG 0123456789012\n"
				  "FILE \"%s\" WAVE\n  TRACK 01 AUDIO\n    ISRC USRC17607839\n"
				  "    INDEX 01 00:00:00\n"
				  "FILE \"%s\" WAVE\n  TRACK 02 AUDIO\n    ISRC USRC17607840\n"
				  "    PREGAP 00:02:00\n    INDEX 01 00:00:00\n"
				  "FILE \"%s\" WAVE\n  TRACK 03 AUDIO\n    PREGAP 00:01:00\n"
				  "    INDEX 01 00:00:00\n", wav[0], wav[1], wav[2]), 0);
	tl_write_text(cue, text);
	free(text);
	return cue;
}

static void
cdrdao_sao(const char *cue)
{
	const char *argv[] = { "cdrdao", "write", "-n", "--device", tl_sg_node, "--driver",
			       "generic-mmc", cue, NULL };

	ck_assert_msg(tl_sg_run(argv, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
		      "cdrdao write failed:\n%s", out);
	tl_assert_has(out, "Writing finished successfully");
}

START_TEST(cdrdao_generic_mmc)
{
	static const char *const want[] = {
		"  1: 00:02:00  000000 audio", "  2: 00:09:00  000525 audio",
		"  3: 00:16:00  001050 audio", "Media Catalog Number (MCN): 0123456789012",
		"TRACK  1 ISRC: USRC17607839", "TRACK  2 ISRC: USRC17607840",
	};
	char *wav[3], *cue;

	tl_sg_three_wavs(wav);
	cue = audio_cue(wav);
	cdrdao_sao(cue);
	/* track 2 after 5 s and its 2 s pre-gap, track 3 after 6 s and 1 s */
	tl_sg_audio_at(wav[0], 0);
	tl_sg_audio_at(wav[1], 525);
	tl_sg_audio_at(wav[2], 1050);
	tl_sg_cd_info_shows(3, want, sizeof(want) / sizeof(want[0]));
	tl_sg_paranoia_equals(2, wav[1]);
	{
		char *toc = tl_path(tl_top, "read.toc");
		const char *read_toc[] = { "cdrdao", "read-toc", "--device", tl_sg_node, toc, NULL };

		ck_assert_msg(tl_sg_run(read_toc, true, NULL, out, sizeof(out)) == 0, "%s", out);
		tl_assert_has(tl_get(toc), "CATALOG \"0123456789012\"");
		tl_assert_has(tl_get(toc), "ISRC \"USRC17607840\"");
		tl_assert_has(tl_get(toc), "START 00:02:00");
		free(toc);
	}
	free(cue);
	tl_sg_free_wavs(wav);
}
END_TEST

/*
 * cdrdao --driver generic-mmc of an ISO as a CD-ROM XA track (toc file
 * CD_ROM_XA, MODE2_FORM1: cue sheet data form 20h, lead-in and lead-out
 * 24h): cd-info sees a Mode 2 disc, the node's 2048-byte blocks (dd,
 * iso-info) and burnfs's disc/01.iso are the ISO. Then the recorded disc.bin burned again as a
 * MODE2_RAW track (the same 20h, the sectors' own sub-headers and data)
 * records the same disc.
 */
START_TEST(cdrdao_xa)
{
	static const char *const want[] = {
		"Disc mode is listed as: CD DATA (Mode 2)", "  1: 00:02:00  000000 data",
		"ISO 9660",
	};
	static const char *const files[] = { "disc.bin", "disc.sub", "disc.toc", "disc.cue" };
	char *iso = tl_make_iso(), *toc = tl_path(tl_top, "xa.toc");
	char *back = tl_path(tl_top, "back"), *bin = tl_path(tl_top, "xa.bin");
	char *text, of[4200], count[32], line[64];
	const char *argv[] = { "cdrdao", "write", "-n", "--force", "--device", tl_sg_node,
			       "--driver", "generic-mmc", toc, NULL };
	const char *dd[] = { "dd", NULL, of, "bs=2048", count, NULL };
	char in[4200], *disc_toc;
	struct tl_mount m = { 0 };
	struct stat st;
	long blocks;

	ck_assert_int_eq(stat(iso, &st), 0);
	blocks = (long)(st.st_size / 2048);
	ck_assert_int_gt(asprintf(&text, "CD_ROM_XA\nTRACK MODE2_FORM1\nDATAFILE \"%s\"\n", iso),
			 0);
	tl_write_text(toc, text);
	free(text);
	ck_assert_msg(tl_sg_run(argv, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
		      "cdrdao write of a MODE2_FORM1 track failed:\n%s", out);
	tl_assert_has(out, "Writing finished successfully");
	snprintf(line, sizeof(line), "track 1 4 -150 0 %ld 2 1\n", blocks);
	disc_toc = tl_disc_file("disc.toc");
	tl_assert_has(tl_get(disc_toc), line);
	tl_sg_cd_info_shows(1, want, sizeof(want) / sizeof(want[0]));
	/* the user data through the node, as the sr driver reads it (READ(10)) */
	snprintf(in, sizeof(in), "if=%s", tl_sg_node);
	snprintf(of, sizeof(of), "of=%s", back);
	snprintf(count, sizeof(count), "count=%ld", blocks);
	dd[1] = in;
	ck_assert_msg(tl_sg_run(dd, true, NULL, out, sizeof(out)) == 0, "dd:\n%s", out);
	ck_assert_int_eq(tl_sh("cmp '%s' '%s'", back, iso), 0);
	tl_sg_iso_info_equals(iso);
	/* burnfs's disc/01.iso of the disc: the track's Form 1 user data */
	snprintf(in, sizeof(in), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&m, "emu", in, NULL), 0);
	ck_assert_int_eq(tl_sh("cmp '%s' '%s'", tl_at(&m, "disc/01.iso"), iso), 0);
	tl_mount_stop(&m);

	/* MODE2_RAW of the disc's own sectors: the same disc again */
	ck_assert_int_eq(tl_sh("mkdir -p '%s/first' && cp '%s/disc.bin' '%s' && cp '%s'/disc.* "
			       "'%s/first/'", tl_top, tl_disc, bin, tl_disc, tl_top), 0);
	ck_assert_int_gt(asprintf(&text, "CD_ROM_XA\nTRACK MODE2_RAW\nDATAFILE \"%s\"\n", bin), 0);
	tl_write_text(toc, text);
	free(text);
	ck_assert_msg(tl_sg_run(argv, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
		      "cdrdao write of a MODE2_RAW track failed:\n%s", out);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		ck_assert_msg(tl_sh("cmp '%s/first/%s' '%s/%s'", tl_top, files[i], tl_disc,
				    files[i]) == 0, "%s differs", files[i]);
	free(disc_toc);
	free(bin);
	free(back);
	free(toc);
	free(iso);
}
END_TEST

/*
 * wodim -sao -mode2 of an ISO: a formless Mode 2 track (data forms 34h,
 * 30h, 30h, 34h; 2336-byte blocks, the last padded with zeros). Exits 0;
 * each recorded sector is sync, a mode 2 header and the next 2336 bytes of
 * the ISO.
 */
START_TEST(wodim_mode2)
{
	char *iso = tl_make_iso(), dev[4200], *bin = tl_disc_file("disc.bin");
	const char *argv[] = { "wodim", "-v", dev, "-sao", "-mode2", iso, NULL };
	uint8_t *disc, *want;
	size_t disc_len, want_len, sectors;

	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	ck_assert_msg(tl_sg_run(argv, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
		      "wodim -sao -mode2:\n%s", out);
	tl_assert_has(out, "in real SAO mode");
	disc = tl_slurp(bin, &disc_len);
	want = tl_slurp(iso, &want_len);
	sectors = (want_len + 2335) / 2336;
	ck_assert_uint_eq(disc_len, sectors * 2352);
	for (size_t i = 0; i < sectors; i++) {
		const uint8_t *s = disc + i * 2352;
		size_t n = want_len - i * 2336 < 2336 ? want_len - i * 2336 : 2336;

		ck_assert_uint_eq(s[15], 2);
		ck_assert_msg(memcmp(s + 16, want + i * 2336, n) == 0, "sector %zu differs", i);
	}
	free(want);
	free(disc);
	free(bin);
	free(iso);
}
END_TEST

/* wodim (_i 0) and cdrskin (_i 1), -sao, of a data ISO. */
START_TEST(sao_data)
{
	static const char *const tools[] = { "wodim", "cdrskin" };
	static const char *const want[] = { "  1: 00:02:00  000000 data", "ISO 9660" };
	char *iso = tl_make_iso(), dev[4200];
	const char *argv[] = { tools[_i], "-v", dev, "-sao", iso, NULL };

	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	ck_assert_msg(tl_sg_run(argv, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0, "%s -sao:\n%s",
		      tools[_i], out);
	tl_assert_has(out, "in real SAO mode");
	tl_data_track_equals(iso);
	tl_sg_cd_info_shows(1, want, sizeof(want) / sizeof(want[0]));
	free(iso);
}
END_TEST

/* wodim (_i 0) and cdrskin (_i 1), -sao -audio, of three WAVs: the samples back to back. */
START_TEST(sao_audio)
{
	static const char *const tools[] = { "wodim", "cdrskin" };
	static const char *const want[] = { "  1: 00:02:00  000000 audio" };
	char *wav[3];

	tl_sg_burn_wavs(tools[_i], "-sao", false, wav, out, sizeof(out));
	tl_assert_has(out, "in real SAO mode");
	/* no pre-gaps between (wodim's lie inside the track before): 375, 450, 525 sectors */
	tl_sg_audio_at(wav[0], 0);
	tl_sg_audio_at(wav[1], 375);
	tl_sg_audio_at(wav[2], 825);
	tl_sg_cd_info_shows(3, want, sizeof(want) / sizeof(want[0]));
	if (_i == 1)
		tl_sg_paranoia_equals(3, wav[2]);
	tl_sg_free_wavs(wav);
}
END_TEST

/* A cue sheet the drive refuses (an MCN of letters, which cdrskin passes on): 5/26/00. */
START_TEST(bad_cue_sheet)
{
	char *wav = tl_make_wav("t.wav", 4), dev[4200];
	const char *argv[] = { "cdrskin", dev, "-sao", "mcn=ABCDEFGHIJKLM", "-audio", wav, NULL };
	char *bin = tl_disc_file("disc.bin");

	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	ck_assert_int_ne(tl_sg_run(argv, true, TL_SG_FRESH_CDR, out, sizeof(out)), 0);
	tl_assert_has(out, "SEND CUE SHEET: [5 26 00] Illegal request. Invalid field in "
			   "parameter list.");
	tl_assert_has(out, "burning failed");
	ck_assert_int_ne(access(bin, F_OK), 0);
	free(bin);
	free(wav);
}
END_TEST

/* Issue 15 acceptance 2: cdrdao's SAO burn and burnfs's RAW burn of one cue are one disc. */
START_TEST(sao_same_as_raw)
{
	static const char *const files[] = { "disc.bin", "disc.sub", "disc.toc", "disc.cue" };
	char *wav[3], *cue, *raw_dir = tl_path(tl_top, "raw-disc"), *raw, *dev;
	struct tl_mount m = { 0 };

	tl_sg_three_wavs(wav);
	cue = audio_cue(wav);
	cdrdao_sao(cue);
	ck_assert_int_gt(asprintf(&dev, "emu:%s", raw_dir), 0);
	ck_assert_int_eq(tl_mount_start(&m, "emu", dev, "client_name=Raw"), 0);
	ck_assert_int_eq(tl_put(tl_at(&m, "sector_type"), "raw\n"), 0);
	raw = tl_path(tl_top, "a.raw");
	ck_assert_int_eq(tl_sh("'%s' make --sector-type raw -o '%s' '%s' && cat '%s' > '%s'",
			       tl_image_bin, raw, cue, raw, tl_at(&m, "track.raw")), 0);
	tl_wait_state(&m, "idle");
	tl_mount_stop(&m);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *a = tl_disc_file(files[i]), *b = tl_path(raw_dir, files[i]);

		ck_assert_msg(tl_sh("cmp '%s' '%s'", a, b) == 0, "%s differs", files[i]);
		free(a);
		free(b);
	}
	free(raw);
	free(dev);
	free(raw_dir);
	free(cue);
	tl_sg_free_wavs(wav);
}
END_TEST

static Suite *
sg_sao_suite(void)
{
	Suite *s = suite_create("sg-sao");
	TCase *tc = tcase_create("sao");

	tcase_add_checked_fixture(tc, tl_sg_setup, tl_sg_teardown);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	tcase_add_test(tc, cdrdao_generic_mmc);
	tcase_add_test(tc, cdrdao_xa);
	tcase_add_test(tc, wodim_mode2);
	tcase_add_loop_test(tc, sao_data, 0, 2);
	tcase_add_loop_test(tc, sao_audio, 0, 2);
	TL_TESTS(tc, bad_cue_sheet, sao_same_as_raw);
	return s;
}

int
main(void)
{
	if (tl_burn_init() < 0)
		return 99;
	return tl_sg_main(sg_sao_suite());
}
