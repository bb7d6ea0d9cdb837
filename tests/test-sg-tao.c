/*
 * The sg suite, track-at-once (issue 15 part B): wodim -tao and cdrskin
 * -tao onto the emulated recorder through the SG interposer, as a user
 * runs them, with a data ISO and with three audio tracks. Each must exit 0
 * and the disc read back equal to its sources (disc.bin, cd-info,
 * cd-paranoia), with the drive's own pre-gaps and run-out in between
 * (doc/reference/tao.md), the data disc's ISO 9660 volume read by iso-info
 * as from the ISO file; and xorriso -commit of a directory (SAO), read back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl-burn.h"
#include "tl-mount.h"
#include "tl-sg.h"

static char out[TL_SG_OUT_MAX];

/* A fresh blank 80-minute CD-R for the next tool (BURNFS_SG_MEDIA, as a user loads one). */

static const char *const tools[] = { "wodim", "cdrskin" };

/*
 * wodim (_i 0) and cdrskin (_i 1), -tao, of a data ISO: the track and its
 * 2 run-out blocks; iso-info reads the ISO back through stdio (fopen).
 */
START_TEST(tao_data)
{
	static const char *const want[] = { "  1: 00:02:00  000000 data", "ISO 9660" };
	char *iso = tl_make_iso(), dev[4200], *toc;
	const char *argv[] = { tools[_i], "-v", dev, "-tao", iso, NULL };

	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	ck_assert_msg(tl_sg_run(argv, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0, "%s -tao:\n%s",
		      tools[_i], out);
	tl_assert_has(out, "in real TAO mode");
	tl_data_track_equals(iso);
	tl_sg_cd_info_shows(1, want, sizeof(want) / sizeof(want[0]));
	toc = tl_disc_file("disc.toc");
	tl_assert_has(tl_get(toc), "track 1 4 -150 0 ");
	tl_sg_iso_info_equals(iso);
	free(toc);
	free(iso);
}
END_TEST

/* wodim (_i 0) and cdrskin (_i 1), -tao -audio, of three WAVs: 2 s of the drive's between. */
START_TEST(tao_audio)
{
	static const char *const want[] = {
		"  1: 00:02:00  000000 audio", "  2: 00:09:00  000525 audio",
		"  3: 00:17:00  001125 audio", "170: 00:24:00  001650 leadout",
	};
	char *wav[3];

	tl_sg_burn_wavs(tools[_i], "-tao", false, wav, out, sizeof(out));
	tl_assert_has(out, "in real TAO mode");
	/* 375, 450 and 525 sectors, each after a 150-sector pre-gap */
	tl_sg_audio_at(wav[0], 0);
	tl_sg_audio_at(wav[1], 525);
	tl_sg_audio_at(wav[2], 1125);
	tl_sg_cd_info_shows(3, want, sizeof(want) / sizeof(want[0]));
	tl_sg_paranoia_equals(2, wav[1]);
	tl_sg_free_wavs(wav);
}
END_TEST

/*
 * xorriso (libburn) writes an ISO of a directory onto the blank CD-R
 * (-commit), and reads a file of it back through the interposer. On a
 * blank CD-R libburn picks SAO (one SEND CUE SHEET), not TAO; the second
 * session it appends is TAO (test-sg-ms.c).
 */
START_TEST(xorriso_commit)
{
	char *dir = tl_path(tl_top, "tree"), *file = tl_path(tl_top, "tree/hello.txt");
	char *back = tl_path(tl_top, "back.txt"), outdev[4200], *toc;
	const char *commit[] = { "xorriso", "-outdev", outdev, "-map", dir, "/d", "-commit", NULL };
	const char *extract[] = { "xorriso", "-osirrox", "on", "-indev", outdev, "-extract",
				  "/d/hello.txt", back, NULL };

	snprintf(outdev, sizeof(outdev), "mmc:%s", tl_sg_node);
	ck_assert_int_eq(tl_sh("mkdir -p '%s'", dir), 0);
	tl_write_text(file, "burned track-at-once by xorriso\n");
	ck_assert_msg(tl_sg_run(commit, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
		      "xorriso -commit:\n%s", out);
	tl_assert_has(out, "' completed successfully.");
	toc = tl_disc_file("disc.toc");
	tl_assert_has(tl_get(toc), "track 1 4 -150 0 ");
	ck_assert_msg(tl_sg_run(extract, true, NULL, out, sizeof(out)) == 0,
		      "xorriso -extract:\n%s", out);
	ck_assert_int_eq(tl_sh("cmp '%s' '%s'", file, back), 0);
	free(toc);
	free(back);
	free(file);
	free(dir);
}
END_TEST

static Suite *
sg_tao_suite(void)
{
	Suite *s = suite_create("sg-tao");
	TCase *tc = tcase_create("tao");

	tcase_add_checked_fixture(tc, tl_sg_setup, tl_sg_teardown);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tc, tao_data, 0, 2);
	tcase_add_loop_test(tc, tao_audio, 0, 2);
	tcase_add_test(tc, xorriso_commit);
	return s;
}

int
main(void)
{
	if (tl_burn_init() < 0)
		return 99;
	return tl_sg_main(sg_tao_suite());
}
