/*
 * burnfs-image through the real binary ($BURNFS_IMAGE): the acceptance
 * round trips of issue 3 (ISO and audio cue/bin, every sector type, read
 * back by cd-info and iso-info) and every bad input with its message and
 * exit status. Tests that need genisoimage, cd-info or iso-info skip those
 * steps with a note when the program is missing.
 */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cd-sector.h"
#include "tl-harness.h"
#include "tl-image.h"

static const char *const type_names[] = { "pq", "cooked", "raw" };

static const char *
tool(void)
{
	const char *b = getenv("BURNFS_IMAGE");

	ck_assert_msg(b && *b, "BURNFS_IMAGE is not set (run through meson test)");
	return b;
}

static bool
have_program(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	if (system(cmd) == 0)
		return true;
	printf("# %s not installed: skipping the steps that need it\n", name);
	return false;
}

/*
 * Runs a shell command line in @dir with stdout to out.txt and stderr to
 * err.txt; returns the exit status; *@err and *@out get the texts (malloc'ed)
 * when not NULL.
 */
__attribute__((format(printf, 4, 5)))
static int
run(const char *dir, char **out, char **err, const char *fmt, ...)
{
	char *cmd, *full, *p;
	va_list ap;
	int status;

	va_start(ap, fmt);
	ck_assert_int_gt(vasprintf(&cmd, fmt, ap), 0);
	va_end(ap);
	ck_assert_int_gt(asprintf(&full, "cd '%s' && { %s ; } >out.txt 2>err.txt", dir, cmd), 0);
	status = system(full);
	ck_assert_msg(status != -1 && WIFEXITED(status), "%s: did not exit", cmd);
	p = tl_path(dir, "err.txt");
	if (err)
		*err = (char *)tl_slurp(p, NULL);
	free(p);
	p = tl_path(dir, "out.txt");
	if (out)
		*out = (char *)tl_slurp(p, NULL);
	free(p);
	free(full);
	free(cmd);
	return WEXITSTATUS(status);
}

/* Runs and expects exit status @want and @needle in stderr. */
#define expect_fail(dir, want, needle, ...) \
	do { \
		char *e_; \
		int s_ = run(dir, NULL, &e_, __VA_ARGS__); \
		ck_assert_msg(s_ == (want), "exit %d, want %d; stderr: %s", s_, want, e_); \
		ck_assert_msg(strstr(e_, needle) != NULL, "stderr lacks '%s': %s", needle, e_); \
		ck_assert_msg(strchr(e_, '\n') != NULL, "no line: %s", e_); \
		free(e_); \
	} while (0)

/* The 2048-byte user data of every sector of a 2352-byte .bin, to @iso. */
static void
user_data(const char *bin, const char *iso)
{
	size_t len;
	char *b = (char *)tl_slurp(bin, &len);
	FILE *f = fopen(iso, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(len % 2352, 0);
	for (size_t i = 0; i < len; i += 2352)
		ck_assert_uint_eq(fwrite(b + i + 16, 1, 2048, f), 2048);
	ck_assert_int_eq(fclose(f), 0);
	free(b);
}

static void
assert_same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = (char *)tl_slurp(a, &la), *y = (char *)tl_slurp(b, &lb);

	ck_assert_msg(la == lb, "%s is %zu bytes, %s %zu", a, la, b, lb);
	ck_assert_msg(memcmp(x, y, la) == 0, "%s and %s differ", a, b);
	free(x);
	free(y);
}

/* Each test's scratch directory, made before it and removed after it. */
static char *wd;

static void
tool_setup(void)
{
	wd = tl_mkdtemp("tool");
}

static void
tool_teardown(void)
{
	tl_rmtree(wd);
	free(wd);
}

/* Writes @text to the file @name in the scratch directory. */
static void
put_text(const char *name, const char *text)
{
	char *p = tl_path(wd, name);

	tl_write_text(p, text);
	free(p);
}

START_TEST(iso_round_trip)
{
	const char *t = type_names[_i];
	char *out, *out2, *err, *p1, *p2;
	int st;

	if (!have_program("genisoimage"))
		return;
	ck_assert_int_eq(run(wd, NULL, NULL, "mkdir -p src/sub && "
			     "head -c 1000000 /dev/urandom > src/one.dat && "
			     "head -c 2500000 /dev/urandom > src/two.dat && "
			     "head -c 777 /dev/urandom > src/sub/three.txt && "
			     "echo hello > src/readme.txt && "
			     "genisoimage -quiet -r -J -V BURNFS_TEST -o disc.iso src"), 0);

	ck_assert_int_eq(run(wd, &out, &err, "'%s' make --sector-type %s disc.iso | "
			     "'%s' extract --sector-type %s - out.cue", tool(), t, tool(), t), 0);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
	p1 = tl_path(wd, "out.bin");
	p2 = tl_path(wd, "user.iso");
	user_data(p1, p2);
	free(p1);
	p1 = tl_path(wd, "disc.iso");
	assert_same_file(p2, p1);
	free(p1);
	free(p2);

	/* the TOC read back equals the one encoded */
	ck_assert_int_eq(run(wd, &out, NULL, "'%s' toc disc.iso", tool()), 0);
	ck_assert_int_eq(run(wd, &out2, NULL, "'%s' toc out.cue", tool()), 0);
	ck_assert_str_eq(out, out2);
	ck_assert_ptr_nonnull(strstr(out, "track 1 data control 0x4 start 0 "));
	free(out2);

	/* MODE1/2352 input: the extracted cue/bin encodes to the same stream */
	ck_assert_int_eq(run(wd, NULL, NULL, "'%s' make --sector-type %s -o s1 disc.iso && "
			     "'%s' make --sector-type %s -o s2 out.cue && cmp s1 s2", tool(), t,
			     tool(), t), 0);

	if (have_program("cd-info")) {
		char *lo = strstr(out, "leadout "), want[64];
		int lba = -1;

		ck_assert_ptr_nonnull(lo);
		ck_assert_int_eq(sscanf(lo, "leadout %d", &lba), 1);
		st = run(wd, &out2, NULL, "cd-info --no-device-info --quiet --iso9660 "
			 "--cue-file out.cue");
		ck_assert_msg(st == 0, "cd-info: %s", out2);
		ck_assert_ptr_nonnull(strstr(out2, "CD-ROM Track List (1 - 1)"));
		ck_assert_ptr_nonnull(strstr(out2, "  1: 00:02:00  000000 data"));
		snprintf(want, sizeof(want), "170: %02d:%02d:%02d  %06d leadout",
			 (lba + 150) / 4500, ((lba + 150) / 75) % 60, (lba + 150) % 75, lba);
		ck_assert_msg(strstr(out2, want) != NULL, "no '%s' in %s", want, out2);
		ck_assert_ptr_nonnull(strstr(out2, "two.dat"));
		ck_assert_ptr_nonnull(strstr(out2, "BURNFS_TEST"));
		free(out2);
	}
	if (have_program("iso-info")) {
		st = run(wd, &out2, NULL, "iso-info --no-header -l -i user.iso");
		ck_assert_msg(st == 0, "iso-info: %s", out2);
		ck_assert_ptr_nonnull(strstr(out2, "one.dat"));
		ck_assert_ptr_nonnull(strstr(out2, "three.txt"));
		ck_assert_ptr_nonnull(strstr(out2, "readme.txt"));
		free(out2);
	}
	free(out);
}
END_TEST

/* A Mode 2 track of Form 1 and Form 2 sectors: make, then extract gives it back as MODE2/2352. */
START_TEST(mode2_round_trip)
{
	static const uint8_t form1[4] = { 0, 0, 0x08, 0 }, form2[4] = { 0, 0, 0x20, 0 };
	char *bin = tl_path(wd, "xa.bin"), *back = tl_path(wd, "xa-out.bin");
	char *cue = tl_path(wd, "xa-out.cue");
	uint8_t sector[CD_MAIN_SIZE], data[CD_FORM2_DATA_SIZE];
	FILE *f = fopen(bin, "wb");

	ck_assert_ptr_nonnull(f);
	for (int32_t lba = 0; lba < 600; lba++) {
		memset(data, lba & 0xff, sizeof(data));
		cd_sector_encode_mode2(sector, lba, lba < 300 ? form1 : form2, data);
		ck_assert_uint_eq(fwrite(sector, sizeof(sector), 1, f), 1);
	}
	ck_assert_int_eq(fclose(f), 0);
	put_text("xa.cue", "FILE \"xa.bin\" BINARY\nTRACK 01 MODE2/2352\nINDEX 01 00:00:00\n");
	ck_assert_int_eq(run(wd, NULL, NULL, "'%s' make --sector-type %s -o xa.raw xa.cue && "
			     "'%s' extract --sector-type %s xa.raw xa-out.cue", tool(),
			     type_names[_i], tool(), type_names[_i]), 0);
	ck_assert_ptr_nonnull(strstr(tl_get(cue), "TRACK 01 MODE2/2352\n"));
	assert_same_file(bin, back);
	free(cue);
	free(back);
	free(bin);
}
END_TEST

START_TEST(audio_round_trip)
{
	const char *t = type_names[_i];
	char *cue = tl_make_audio_cue(wd);
	char *out, *out2, *err, *a, *b;
	int st;

	ck_assert_int_eq(run(wd, NULL, &err, "'%s' make --sector-type %s --lead-in-sectors 11634"
			     " audio.cue > stream.raw && '%s' extract --sector-type %s "
			     "--lead-in-sectors 11634 stream.raw out.cue", tool(), t, tool(), t), 0);
	ck_assert_str_eq(err, "");
	free(err);
	a = tl_path(wd, "audio.bin");
	b = tl_path(wd, "out.bin");
	assert_same_file(a, b);		/* samples identical */
	free(a);
	free(b);

	ck_assert_int_eq(run(wd, &out, NULL, "'%s' toc audio.cue", tool()), 0);
	ck_assert_int_eq(run(wd, &out2, NULL, "'%s' toc out.cue", tool()), 0);
	ck_assert_str_eq(out, out2);
	ck_assert_ptr_nonnull(strstr(out, "mcn " TL_MCN "\n"));
	ck_assert_ptr_nonnull(strstr(out, "track 2 audio control 0x0 start 1150 msf 00:17:25 "
				     "pregap 150 length 800 isrc " TL_ISRC "\n"));
	ck_assert_ptr_nonnull(strstr(out, "index 2 0 1000\n"));
	ck_assert_ptr_nonnull(strstr(out, "index 3 2 2250\n"));
	free(out2);
	free(out);
	out = (char *)tl_slurp((a = tl_path(wd, "out.cue")), NULL);
	ck_assert_ptr_nonnull(strstr(out, "CATALOG " TL_MCN "\n"));
	ck_assert_ptr_nonnull(strstr(out, "ISRC " TL_ISRC "\n"));
	ck_assert_ptr_nonnull(strstr(out, "INDEX 00 00:13:25\n"));
	/* CD-TEXT rides in the lead-in R-W: cooked and raw streams, not pq */
	if (_i != 0) {
		ck_assert_ptr_nonnull(strstr(out, "PERFORMER \"Test Performer\"\nTITLE \"Test Album\"\n"
					     "FILE \"out.bin\" BINARY\n  TRACK 01 AUDIO\n    TITLE \"One\"\n"));
		ck_assert_ptr_nonnull(strstr(out, "    TITLE \"A rather long title for the third "
					     "track, over 12 bytes\"\n    PERFORMER \"Someone Else\"\n"));
	} else {
		ck_assert_ptr_null(strstr(out, "TITLE"));
	}
	free(out);
	free(a);

	if (have_program("cd-info")) {
		st = run(wd, &out, NULL, "cd-info --no-device-info --quiet --no-analyze "
			 "--cue-file out.cue");
		ck_assert_msg(st == 0, "cd-info: %s", out);
		ck_assert_ptr_nonnull(strstr(out, "CD-ROM Track List (1 - 3)"));
		ck_assert_ptr_nonnull(strstr(out, "  1: 00:02:00  000000 audio"));
		ck_assert_ptr_nonnull(strstr(out, "  2: 00:17:25  001150 audio"));
		ck_assert_ptr_nonnull(strstr(out, "  3: 00:28:00  001950 audio  false  yes"));
		ck_assert_ptr_nonnull(strstr(out, "170: 00:36:00  002550 leadout"));
		ck_assert_ptr_nonnull(strstr(out, "Media Catalog Number (MCN): " TL_MCN "\n"));
		free(out);
	}
	free(cue);
}
END_TEST

/*
 * A ripper's cue (issue 11): a hidden track before the first, a first
 * track 03, UTF-8 CD-TEXT. make, then extract: the .bin is the input, the
 * cue gives the same TOC (INDEX 00 00:00:00 for the hidden track) and the
 * same UTF-8 text.
 */
START_TEST(ripper_cue_round_trip)
{
	char *out, *out2;

	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %d /dev/urandom > htoa.bin", 5000 * 2352), 0);
	put_text("htoa.cue", "TITLE \"Caf\xc3\xa9 M\xc3\xbcller\"\nFILE \"htoa.bin\" BINARY\n"
		 "TRACK 03 AUDIO\nTITLE \"\xc3\x80 la claire fontaine\"\nINDEX 00 00:00:00\n"
		 "INDEX 01 00:32:10\nTRACK 04 AUDIO\nINDEX 01 01:00:00\n");
	ck_assert_int_eq(run(wd, NULL, NULL, "'%s' make --sector-type raw -o h.raw htoa.cue && "
			     "'%s' extract h.raw hout.cue && cmp htoa.bin hout.bin", tool(),
			     tool()), 0);
	ck_assert_int_eq(run(wd, &out, NULL, "'%s' toc htoa.cue", tool()), 0);
	ck_assert_int_eq(run(wd, &out2, NULL, "'%s' toc hout.cue", tool()), 0);
	ck_assert_str_eq(out, out2);
	ck_assert_str_eq(out, "first_track 3\nlast_track 4\nmcn -\n"
			 "track 3 audio control 0x0 start 2410 msf 00:34:10 pregap 2560 length 2090 "
			 "isrc -\nindex 3 0 -150\nindex 3 1 2410\n"
			 "track 4 audio control 0x0 start 4500 msf 01:02:00 pregap 0 length 500 "
			 "isrc -\nindex 4 1 4500\nleadout 5000 msf 01:08:50\n");
	free(out);
	free(out2);
	out = (char *)tl_slurp((out2 = tl_path(wd, "hout.cue")), NULL);
	ck_assert_ptr_nonnull(strstr(out, "TITLE \"Caf\xc3\xa9 M\xc3\xbcller\"\n"
				     "FILE \"hout.bin\" BINARY\n  TRACK 03 AUDIO\n"
				     "    TITLE \"\xc3\x80 la claire fontaine\"\n"
				     "    INDEX 00 00:00:00\n    INDEX 01 00:32:10\n"));
	free(out);
	free(out2);

	/* text outside ISO 8859-1 is refused, naming the line, the field and the character */
	put_text("cjk.cue", "FILE \"htoa.bin\" BINARY\nTRACK 01 AUDIO\n"
		 "PERFORMER \"\xe5\x9d\x82\xe6\x9c\xac\"\nINDEX 01 00:00:00\n");
	expect_fail(wd, 1, "burnfs-image: cjk.cue:3: PERFORMER: character 1, U+5742, has no ISO "
		    "8859-1 form; CD-TEXT here is ISO 8859-1 only\n", "'%s' toc cjk.cue", tool());
}
END_TEST

START_TEST(wav_round_trip)
{
	char *w = tl_path(wd, "song.wav");

	tl_make_wav_fmt(w, 1, 2, 44100, 16, 500 * 2352);
	ck_assert_int_eq(run(wd, NULL, NULL, "'%s' make -o s.raw song.wav song.wav && "
			     "'%s' extract s.raw out.cue && "
			     "grep -q 'INDEX 00 00:06:50' out.cue && "
			     "test $(stat -c %%s out.bin) = %d", tool(), tool(), 1150 * 2352), 0);
	free(w);
}
END_TEST

START_TEST(bad_inputs)
{
	char *p, *out, *err;
	const char *b = tool();
	char text[8192];
	int n;

	/* a cue pointing at a missing file */
	put_text("missing.cue", "FILE \"nothere.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n");
	expect_fail(wd, 1, "missing.cue:1: FILE ", "'%s' make -o x missing.cue", b);
	expect_fail(wd, 1, "nothere.bin: No such file or directory",
		    "'%s' make -o x missing.cue", b);
	ck_assert_int_ne(access("x", F_OK), 0);

	/* a cue pointing at a short file */
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %d /dev/zero > short.bin", 1000 * 2352), 0);
	put_text("short.cue", "FILE \"short.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n"
	         "TRACK 02 AUDIO\nINDEX 01 00:20:00\n");
	expect_fail(wd, 1, "short.bin: file is too short for short.cue: track 2 starts at "
		    "00:20:00, past its end (2352000 bytes)", "'%s' toc short.cue", b);
	put_text("short2.cue", "FILE \"short.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n"
	         "INDEX 02 00:14:00\n");
	expect_fail(wd, 1, "short.bin: file is too short for short2.cue: track 1 INDEX 02 at "
		    "00:14:00 is at byte 2469600 but the file holds 2352000 bytes",
		    "'%s' toc short2.cue", b);

	/* a data track that is not whole sectors */
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %d /dev/zero > odd.bin", 400 * 2048 + 5), 0);
	put_text("odd.cue", "FILE \"odd.bin\" BINARY\nTRACK 01 MODE1/2048\nINDEX 01 00:00:00\n");
	expect_fail(wd, 1, "not a whole number of 2048-byte sectors", "'%s' toc odd.cue", b);

	/* WAVs that are not 16-bit stereo 44.1 kHz PCM */
	p = tl_path(wd, "mono.wav");
	tl_make_wav_fmt(p, 1, 1, 44100, 16, 100000);
	free(p);
	expect_fail(wd, 1, "mono.wav: WAV must be 16-bit stereo 44.1 kHz PCM, this is format 1, "
		    "1 channel(s), 44100 Hz, 16-bit", "'%s' make -o x mono.wav", b);
	p = tl_path(wd, "8bit.wav");
	tl_make_wav_fmt(p, 1, 2, 44100, 8, 100000);
	free(p);
	expect_fail(wd, 1, "8bit.wav: WAV must be 16-bit stereo 44.1 kHz PCM", "'%s' toc 8bit.wav",
		    b);
	p = tl_path(wd, "48k.wav");
	tl_make_wav_fmt(p, 1, 2, 48000, 16, 100000);
	free(p);
	expect_fail(wd, 1, "48000 Hz", "'%s' toc 48k.wav", b);
	p = tl_path(wd, "float.wav");
	tl_make_wav_fmt(p, 3, 2, 44100, 16, 100000);
	free(p);
	expect_fail(wd, 1, "this is format 3", "'%s' toc float.wav", b);
	p = tl_path(wd, "good.wav");
	tl_make_wav_fmt(p, 1, 2, 44100, 16, 100000);
	free(p);
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c 1000 good.wav > cut.wav"), 0);
	expect_fail(wd, 1, "cut.wav: WAV data chunk announces 100000 bytes but the file holds "
		    "only 956", "'%s' toc cut.wav", b);
	put_text("text.wav", "hello\n");
	expect_fail(wd, 1, "text.wav: not an audio file libsndfile can decode (Format not "
		    "recognised)", "'%s' toc text.wav", b);

	/* an ISO whose volume size disagrees with its length */
	p = tl_path(wd, "lie.iso");
	tl_make_pvd_iso(p, 300, 400);
	free(p);
	expect_fail(wd, 1, "lie.iso: ISO volume size in the primary volume descriptor is 400 "
		    "sectors (819200 bytes) but the file is 614400 bytes", "'%s' make -o x lie.iso",
		    b);
	put_text("nopvd.iso", "not an iso\n");
	expect_fail(wd, 1, "nopvd.iso: no ISO 9660 primary volume descriptor",
		    "'%s' toc nopvd.iso", b);

	/* a track shorter than 4 s */
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %d /dev/zero > tiny.bin", 299 * 2352), 0);
	put_text("tiny.cue", "FILE \"tiny.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n");
	expect_fail(wd, 1, "tiny.cue: track 1 is 299 sectors long; a track needs at least 300 "
		    "sectors (4 seconds)", "'%s' toc tiny.cue", b);
	p = tl_path(wd, "tiny.iso");
	tl_make_pvd_iso(p, 200, 200);
	free(p);
	expect_fail(wd, 1, "tiny.iso: track 1 is 200 sectors long", "'%s' toc tiny.iso", b);
	p = tl_path(wd, "short.wav");
	tl_make_wav_fmt(p, 1, 2, 44100, 16, 299 * 2352);
	free(p);
	p = tl_path(wd, "ok.wav");
	tl_make_wav_fmt(p, 1, 2, 44100, 16, 300 * 2352);
	free(p);
	expect_fail(wd, 1, "short.wav: track 2 is 299 sectors long", "'%s' toc ok.wav short.wav",
		    b);

	/* more than 99 tracks */
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %d /dev/zero > many.bin",
			     100 * 300 * 2352), 0);
	n = snprintf(text, sizeof(text), "FILE \"many.bin\" BINARY\n");
	for (int t = 1; t <= 100; t++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      "TRACK %02d AUDIO\nINDEX 01 %02d:%02d:00\n", t, (t - 1) * 4 / 60,
			      (t - 1) * 4 % 60);
	put_text("many.cue", text);
	expect_fail(wd, 1, "many.cue:200: track 100: a CD holds at most 99 tracks",
		    "'%s' toc many.cue", b);

	/* CD-TEXT beyond 256 packs: raw and cooked refuse, pq has no room for CD-TEXT and works */
	n = snprintf(text, sizeof(text), "FILE \"many.bin\" BINARY\n");
	for (int t = 1; t <= 60; t++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      "TRACK %02d AUDIO\nTITLE \"%060d\"\nINDEX 01 %02d:%02d:00\n", t, t,
			      (t - 1) * 4 / 60, (t - 1) * 4 % 60);
	put_text("text.cue", text);
	expect_fail(wd, 1, "CD-TEXT needs more than 256 packs of 12 characters",
		    "'%s' make --sector-type raw -o x text.cue", b);
	expect_fail(wd, 1, "CD-TEXT needs more than 256 packs of 12 characters",
		    "'%s' make --sector-type cooked -o x text.cue", b);
	ck_assert_int_eq(run(wd, NULL, NULL, "'%s' make --sector-type pq text.cue | wc -c",
			     b), 0);

	/* longer than 80 minutes, allowed with --overburn up to the address limit */
	ck_assert_int_eq(run(wd, NULL, NULL, "truncate -s %lld long.bin && "
			     "truncate -s %lld huge.bin", 359900LL * 2352, 400000LL * 2352), 0);
	put_text("long.cue", "FILE \"long.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n");
	expect_fail(wd, 1, "long.cue: disc is too long: lead-out at 80:00:50 (LBA 359900) is past "
		    "79:59:74, the end of an 80-minute CD-R (use --overburn to allow it)",
		    "'%s' make -o x long.cue", b);
	ck_assert_int_eq(run(wd, NULL, NULL, "'%s' toc --overburn long.cue", b), 0);
	put_text("huge.cue", "FILE \"huge.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n");
	expect_fail(wd, 1, "huge.cue: disc is too long: lead-out at 88:55:25 (LBA 400000) would "
		    "end past 89:59:74", "'%s' toc --overburn huge.cue", b);

	/* cue rules */
	/* a wrong check digit is burned as given, as cdrdao does, with a warning */
	put_text("cat.cue", "CATALOG 0123456789013\nFILE \"short.bin\" BINARY\n"
		 "TRACK 01 AUDIO\nINDEX 01 00:00:00\n");
	ck_assert_int_eq(run(wd, &out, &err, "'%s' toc cat.cue", b), 0);
	ck_assert_str_eq(err, "burnfs-image: warning: cat.cue:1: catalog number 0123456789013 "
			 "has a wrong check digit (expected 2); burned as given\n");
	ck_assert_ptr_nonnull(strstr(out, "mcn 0123456789013\n"));
	free(out);
	free(err);
	put_text("cat2.cue", "CATALOG 012345678901\nFILE \"short.bin\" BINARY\n");
	expect_fail(wd, 1, "cat2.cue:1: catalog number '012345678901' is not 13 digits",
		    "'%s' toc cat2.cue", b);
	put_text("cdi.cue", "FILE \"tiny.bin\" BINARY\nTRACK 01 CDI/2352\n");
	expect_fail(wd, 1, "cdi.cue:2: track mode CDI/2352 is not supported (AUDIO, MODE1/2048, "
		    "MODE1/2352, MODE2/2352, MODE2/2336)", "'%s' toc cdi.cue", b);
	put_text("isrc.cue", "FILE \"long.bin\" BINARY\nTRACK 01 AUDIO\nISRC US-XX\n");
	expect_fail(wd, 1, "isrc.cue:3: ISRC 'US-XX' is not CCOOOYYSSSSS", "'%s' toc isrc.cue",
		    b);
	/* the first track may have any number (as cdrdao allows); the others follow it */
	put_text("order.cue", "FILE \"long.bin\" BINARY\nTRACK 02 AUDIO\nINDEX 01 00:00:00\n"
		 "TRACK 04 AUDIO\n");
	expect_fail(wd, 1, "order.cue:4: track 04 is out of sequence (tracks count up by one "
		    "from the first)", "'%s' toc order.cue", b);
	put_text("bad2352.cue",
		 "FILE \"tiny.iso\" BINARY\nTRACK 01 MODE1/2352\nINDEX 01 00:00:00\n");
	ck_assert_int_eq(run(wd, NULL, NULL, "cat tiny.iso tiny.iso > tiny2.iso"), 0);
	put_text("bad2352.cue",
		 "FILE \"tiny2.iso\" BINARY\nTRACK 01 MODE1/2352\nINDEX 01 00:00:00\n");
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %d tiny2.iso > t2352.bin", 300 * 2352), 0);
	tl_write_text((p = tl_path(wd, "bad2352.cue")),
		      "FILE \"t2352.bin\" BINARY\nTRACK 01 MODE1/2352\nINDEX 01 00:00:00\n");
	free(p);
	expect_fail(wd, 1, "t2352.bin: sector 0 of track 1 (byte 0) is not a valid Mode 1 sector",
		    "'%s' make -o x bad2352.cue", b);
	ck_assert_int_ne(access("x", F_OK), 0);

}
END_TEST

START_TEST(usage_errors)
{
	char *out, *p;
	const char *b = tool();

	p = tl_path(wd, "d.iso");
	tl_make_pvd_iso(p, 300, 300);
	free(p);
	expect_fail(wd, 2, "no command given", "'%s'", b);
	expect_fail(wd, 2, "unknown command 'burn'", "'%s' burn d.iso", b);
	expect_fail(wd, 2, "unknown option '--fast'", "'%s' make --fast d.iso", b);
	expect_fail(wd, 2, "--sector-type must be pq, cooked or raw, not 'big'",
		    "'%s' make --sector-type big d.iso", b);
	expect_fail(wd, 2, "--lead-in-sectors must be a number of sectors from 0 to 45150, not "
		    "'many'", "'%s' make --lead-in-sectors many d.iso", b);
	expect_fail(wd, 2, "--lead-in-sectors must be", "'%s' make --lead-in-sectors 50000 d.iso",
		    b);
	expect_fail(wd, 2, "lead-in of 100 sectors: this disc needs 162 to 45150",
		    "'%s' make --lead-in-sectors 100 -o x d.iso", b);
	expect_fail(wd, 2, "make: no INPUT given", "'%s' make", b);
	expect_fail(wd, 2, "option '--sector-type' needs a value", "'%s' make --sector-type", b);
	expect_fail(wd, 2, "not for this command: '--overburn'", "'%s' extract --overburn - a.cue",
		    b);
	expect_fail(wd, 2, "extract: needs STREAM and OUT.cue", "'%s' extract -", b);
	expect_fail(wd, 2, "the output name must end in .cue", "'%s' extract - out.bin", b);
	expect_fail(wd, 2, "give one .cue, one .iso, or one or more audio files",
		    "'%s' toc d.iso d.iso", b);
	expect_fail(wd, 2, "'d.txt' is not a .cue, .iso or audio file (.wav, .flac, .ogg, .opus, "
		    ".mp3, .aiff)", "'%s' toc d.txt", b);
	ck_assert_int_eq(run(wd, &out, NULL, "'%s' --help", b), 0);
	ck_assert_ptr_nonnull(strstr(out, "Usage: burnfs-image make"));
	ck_assert_ptr_nonnull(strstr(out, "Exit status"));
	free(out);
	ck_assert_int_eq(run(wd, &out, NULL, "'%s' toc --help", b), 0);
	ck_assert_ptr_nonnull(strstr(out, "Usage:"));
	free(out);
	ck_assert_int_eq(run(wd, &out, NULL, "'%s' --version", b), 0);
	ck_assert_str_eq(out, "burnfs-image " BURNFS_VERSION "\n");
	free(out);
}
END_TEST

START_TEST(extract_damaged_streams)
{
	char *p;
	const char *b = tool();
	long long at;

	p = tl_path(wd, "d.iso");
	tl_make_pvd_iso(p, 300, 300);
	free(p);
	ck_assert_int_eq(run(wd, NULL, NULL, "'%s' make --lead-in-sectors 1000 -o s.raw d.iso",
			     b), 0);
	/* LBA 100 is stream sector 1100; flip a user-data byte */
	at = 1100LL * 2448 + 700;
	ck_assert_int_eq(run(wd, NULL, NULL, "cp s.raw bad.raw && printf '\\377' | "
			     "dd of=bad.raw bs=1 seek=%lld conv=notrunc status=none", at), 0);
	expect_fail(wd, 1, "bad.raw: LBA 100 (00:03:25): bad-EDC bad-ECC",
		    "'%s' extract --lead-in-sectors 1000 bad.raw out.cue", b);
	expect_fail(wd, 1, "damaged: 0 bad Q CRC, 1 bad data sectors (1 EDC, 1 ECC), 0 wrong addresses",
		    "'%s' extract --lead-in-sectors 1000 bad.raw out.cue", b);
	/* a Q CRC */
	at = 1200LL * 2448 + 2352 + 20;
	ck_assert_int_eq(run(wd, NULL, NULL, "cp s.raw badq.raw && printf '\\100' | "
			     "dd of=badq.raw bs=1 seek=%lld conv=notrunc status=none", at), 0);
	expect_fail(wd, 1, "LBA 200 (00:04:50): bad-Q-CRC",
		    "'%s' extract --lead-in-sectors 1000 badq.raw out.cue", b);
	/* truncated streams */
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %lld s.raw > cut.raw", 5000LL * 2448), 0);
	expect_fail(wd, 1, "cut.raw: the stream ends at LBA 3999, before the end of its lead-out "
		    "(LBA 7049)", "'%s' extract --lead-in-sectors 1000 cut.raw out.cue", b);
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %lld s.raw > mid.raw",
			     5000LL * 2448 + 77), 0);
	expect_fail(wd, 1, "ends in the middle of a 2448-byte sector",
		    "'%s' extract --lead-in-sectors 1000 mid.raw out.cue", b);
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %lld s.raw > lead.raw", 500LL * 2448), 0);
	expect_fail(wd, 1, "lead.raw: the stream ends at LBA -501, before the end of its lead-out",
		    "'%s' extract --lead-in-sectors 1000 lead.raw out.cue", b);
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %lld s.raw > few.raw", 5LL * 2448), 0);
	expect_fail(wd, 1, "few.raw: no TOC: the stream ended inside the lead-in",
		    "'%s' extract --lead-in-sectors 1000 few.raw out.cue", b);
	/* zeros: no valid Q at all, so the lead-in ends without a TOC */
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %lld /dev/zero > zero.raw",
			     1200LL * 2448), 0);
	expect_fail(wd, 1, "zero.raw: the lead-in is not a TOC: no valid TOC entry in the 612 "
		    "lead-in sectors up to LBA -389",
		    "'%s' extract --lead-in-sectors 1000 zero.raw out.cue", b);
	ck_assert_int_eq(run(wd, NULL, NULL, "head -c %lld /dev/zero > zero2.raw",
			     400LL * 2448), 0);
	expect_fail(wd, 1, "zero2.raw: the lead-in is not a TOC: the lead-in ended at LBA -151 "
		    "without a complete TOC", "'%s' extract --lead-in-sectors 400 zero2.raw out.cue",
		    b);
	/* the wrong sector type */
	expect_fail(wd, 1, "the lead-in is not a TOC",
		    "'%s' extract --sector-type pq --lead-in-sectors 1000 s.raw out.cue", b);
	expect_fail(wd, 1, "missing.raw: No such file", "'%s' extract missing.raw out.cue", b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("burnfs-image");
	TCase *round_trip = tl_tcase(s, "round-trip"), *errors = tl_tcase(s, "errors");

	tcase_add_checked_fixture(round_trip, tool_setup, tool_teardown);
	tcase_add_checked_fixture(errors, tool_setup, tool_teardown);
	TL_TESTS(errors, bad_inputs, usage_errors, extract_damaged_streams);
	tcase_add_loop_test(round_trip, iso_round_trip, 0, 3);
	tcase_add_loop_test(round_trip, audio_round_trip, 0, 3);
	tcase_add_loop_test(round_trip, mode2_round_trip, 0, 3);
	tcase_add_test(round_trip, wav_round_trip);
	tcase_add_test(round_trip, ripper_cue_round_trip);
	return tl_run_suite(s);
}
