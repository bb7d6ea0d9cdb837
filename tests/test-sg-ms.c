/*
 * The sg suite, multi-session (issue 15): a first session burned with
 * -multi leaves the emulated CD-R appendable, -msinfo gives the figures
 * mkisofs -C needs (the last session's start, the next one's after the
 * Orange Book's lead-out, lead-in and pre-gap: doc/reference/tao.md §5),
 * and a second session is appended; read back with cd-info (which lists
 * the sessions) and xorriso -extract (the second session's ISO holds the
 * files of both), and burnfs's disc/ names the sessions. wodim and
 * cdrskin -tao -multi; wodim -raw96r -multi then -tao; wodim -raw96r
 * -multi then two RAW sessions from sg-raw-session (a RAW host of the
 * suite's own); xorriso twice; a CD-Extra (audio, then data); cdrdao
 * --multi (SAO) then cdrdao again; and what is refused (a closed disc,
 * wodim -raw96r onto an appendable disc, wodim -sao -multi, xorriso
 * -outdev onto an appendable disc), each with the tool's own message.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tl-burn.h"
#include "tl-mount.h"
#include "tl-sg.h"

static char out[TL_SG_OUT_MAX];

/* doc/reference/tao.md §5: lead-out 6750 (first session) or 2250, lead-in 4500, pre-gap 150 */
#define NEXT_AFTER_FIRST 11400
#define NEXT_AFTER_LATER 6900

/* The recorded disc's lead-out (its last session's), from disc.toc. */
static long
disc_leadout(void)
{
	char *toc = tl_disc_file("disc.toc");
	const char *at = strstr(tl_get(toc), "\nleadout ");
	long leadout = -1;

	ck_assert_ptr_nonnull(at);
	ck_assert_int_eq(sscanf(at, "\nleadout %ld", &leadout), 1);
	free(toc);
	return leadout;
}

/* @tool dev=NODE -msinfo prints "@last,@next" (its last line). */
static void
msinfo_is(const char *tool, long last, long next)
{
	char dev[4200], want[64];
	const char *argv[] = { tool, dev, "-msinfo", NULL };

	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	snprintf(want, sizeof(want), "%ld,%ld\n", last, next);
	ck_assert_msg(tl_sg_run(argv, true, NULL, out, sizeof(out)) == 0, "%s -msinfo:\n%s", tool,
		      out);
	tl_assert_has(out, want);
}

/*
 * An ISO of the directory @name (one file, @name.txt) for the session
 * after the disc's, as a user masters it: genisoimage -C MSINFO -M NODE,
 * importing the last session's tree. The path is the caller's.
 */
static char *
next_iso(const char *name, long last, long next)
{
	char *dir = tl_path(tl_top, name), *iso, msinfo[64], file[64];
	const char *argv[] = { "genisoimage", "-quiet", "-R", "-C", msinfo, "-M", tl_sg_node,
			       "-o", NULL, dir, NULL };

	snprintf(file, sizeof(file), "%s.iso", name);
	iso = tl_path(tl_top, file);
	argv[8] = iso;
	snprintf(msinfo, sizeof(msinfo), "%ld,%ld", last, next);
	ck_assert_int_eq(tl_sh("mkdir -p '%s' && echo '%s' > '%s/%s.txt'", dir, name, dir, name),
			 0);
	ck_assert_msg(tl_sg_run(argv, true, NULL, out, sizeof(out)) == 0, "genisoimage -M:\n%s",
		      out);
	free(dir);
	return iso;
}

/* cd-info lists @tracks tracks and says where session 2 (its last track) starts. */
static void
cd_info_session2(unsigned tracks, long start)
{
	char want[80];
	const char *const shows[] = { want };

	snprintf(want, sizeof(want), "session #2 starts at track %2u, LSN: %ld", tracks, start);
	tl_sg_cd_info_shows(tracks, shows, 1);
}

/* xorriso -extract of the last session's tree has @path (under the ISO's root) saying @text. */
static void
extract_has(const char *path, const char *text)
{
	char *back = tl_path(tl_top, "back"), indev[4200], from[256];
	const char *argv[] = { "xorriso", "-osirrox", "on", "-indev", indev, "-extract", from,
			       back, NULL };

	snprintf(indev, sizeof(indev), "mmc:%s", tl_sg_node);
	snprintf(from, sizeof(from), "/%s", path);
	ck_assert_int_eq(tl_sh("rm -rf '%s'", back), 0);
	ck_assert_msg(tl_sg_run(argv, true, NULL, out, sizeof(out)) == 0, "xorriso -extract:\n%s",
		      out);
	ck_assert_int_eq(tl_sh("grep -qx '%s' '%s'", text, back), 0);
	free(back);
}

/* burnfs emu:DIR on the disc the tools burned: its disc/ tree */
static struct tl_mount m_emu;

static void
teardown(void)
{
	tl_mount_stop(&m_emu);
	tl_sg_teardown();
}

/*
 * burnfs's disc/ of a two-session disc: disc/toc names each track's
 * session, NN.iso of the first session's track stops at its lead-out
 * (@first), the second's runs from @start to the disc's lead-out.
 */
static void
disc_tree_shows(long first, long start, long leadout)
{
	char dev[4200];
	const char *toc, *iso1, *iso2;
	struct stat sb;

	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&m_emu, "emu", dev, NULL), 0);
	toc = tl_at(&m_emu, "disc/toc");
	iso1 = tl_at(&m_emu, "disc/01.iso");
	iso2 = tl_at(&m_emu, "disc/02.iso");
	tl_assert_has(tl_get(toc), "track 01 session: 1\n");
	tl_assert_has(tl_get(toc), "track 02 session: 2\n");
	ck_assert_int_eq(stat(iso1, &sb), 0);
	ck_assert_int_eq(sb.st_size, first * 2048);
	ck_assert_int_eq(stat(iso2, &sb), 0);
	ck_assert_int_eq(sb.st_size, (leadout - start) * 2048);
	/* one raw stream cannot carry sessions: no disc.raw to burn back as one */
	errno = 0;
	ck_assert_int_eq(stat(tl_at(&m_emu, "disc/disc.raw"), &sb), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(tl_sh("ls '%s' | grep -q disc.raw", tl_at(&m_emu, "disc")), 1);
	tl_mount_stop(&m_emu);
}

static const char *const tools[] = { "wodim", "cdrskin" };

/*
 * wodim (_i 0) and cdrskin (_i 1): -tao -multi of an ISO, -msinfo, a
 * second ISO mastered onto it with genisoimage -C -M, -tao -multi again:
 * two sessions, the disc still appendable. iso-info, which reads the node
 * as a file from LBA 16 as on /dev/srN, shows the first session's volume
 * (the sr block device does not remap sessions), not the second's.
 */
START_TEST(tao_multi)
{
	char *iso = tl_make_iso(), *iso2, dev[4200];
	const char *argv[] = { tools[_i], "-v", dev, "-tao", "-multi", iso, NULL };
	long first, second;

	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	ck_assert_msg(tl_sg_run(argv, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
		      "%s -tao -multi:\n%s", tools[_i], out);
	first = disc_leadout();
	msinfo_is(tools[_i], 0, first + NEXT_AFTER_FIRST);
	iso2 = next_iso("second", 0, first + NEXT_AFTER_FIRST);
	argv[5] = iso2;
	ck_assert_msg(tl_sg_run(argv, true, NULL, out, sizeof(out)) == 0,
		      "%s -tao -multi, session 2:\n%s", tools[_i], out);
	second = disc_leadout();
	msinfo_is(tools[_i], first + NEXT_AFTER_FIRST, second + NEXT_AFTER_LATER);
	cd_info_session2(2, first + NEXT_AFTER_FIRST);
	extract_has("second.txt", "second");
	extract_has("three.txt", "hello");
	tl_sg_iso_info_equals(iso);
	disc_tree_shows(first, first + NEXT_AFTER_FIRST, second);
	free(iso2);
	free(iso);
}
END_TEST

/* wodim -raw96r -multi of @iso onto a fresh CD-R (@dev its dev=): the first lead-out. */
static long
raw_first_session(const char *dev, char *iso)
{
	const char *raw[] = { "wodim", "-v", dev, "-raw96r", "-multi", iso, NULL };
	long first;

	ck_assert_msg(tl_sg_run(raw, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
		      "wodim -raw96r -multi:\n%s", out);
	first = disc_leadout();
	msinfo_is("wodim", 0, first + NEXT_AFTER_FIRST);
	return first;
}

/*
 * wodim -raw96r -multi (the host writes lead-in and lead-out, page 05h
 * asks for the next session), then -tao without -multi closes the disc;
 * a third burn is refused as on a closed disc: READ TRACK INFORMATION of
 * the invisible track 5/24/00 and wodim's own words.
 */
START_TEST(raw_multi_then_tao)
{
	char *iso = tl_make_iso(), *iso2, dev[4200];
	const char *tao[] = { "wodim", "-v", dev, "-tao", NULL, NULL };
	long first;

	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	first = raw_first_session(dev, iso);
	iso2 = next_iso("second", 0, first + NEXT_AFTER_FIRST);
	tao[4] = iso2;
	ck_assert_msg(tl_sg_run(tao, true, NULL, out, sizeof(out)) == 0, "wodim -tao:\n%s", out);
	cd_info_session2(2, first + NEXT_AFTER_FIRST);
	extract_has("second.txt", "second");
	/* closed: no third session */
	ck_assert_msg(tl_sg_run(tao, true, NULL, out, sizeof(out)) != 0, "wodim -tao:\n%s", out);
	tl_assert_has(out, "Sense Code: 0x24 Qual 0x00 (invalid field in cdb)");
	tl_assert_has(out, "Cannot get next writable address for 'invisible' track.");
	free(iso2);
	free(iso);
}
END_TEST

/*
 * RAW sessions appended: wodim -raw96r -multi writes the first; the next
 * two come from sg-raw-session, a RAW host that writes a later session's
 * lead-in, pre-gap, track and lead-out from the NWA the drive gives (the
 * next lead-in), since none of the tools does (wodim wants a lead-in
 * start below LBA -4500: the refusals below). The second leaves the disc
 * appendable, the third closes it. After each -msinfo and cd-info give
 * the sessions where a TAO append puts them, and the last session's tree
 * has the files of all.
 */
START_TEST(raw_append)
{
	char *iso = tl_make_iso(), *iso2, *iso3, dev[4200], want[80];
	const char *host[] = { getenv("SG_RAW_SESSION"), tl_sg_node, NULL, "multi", NULL };
	const char *tao[] = { "wodim", "-v", dev, "-tao", iso, NULL };
	const char *const shows[] = { want };
	long first, second, third;

	ck_assert_msg(host[0] && *host[0], "SG_RAW_SESSION must be set (meson sets it)");
	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	first = raw_first_session(dev, iso);
	iso2 = next_iso("second", 0, first + NEXT_AFTER_FIRST);
	host[2] = iso2;
	ck_assert_msg(tl_sg_run(host, true, NULL, out, sizeof(out)) == 0,
		      "sg-raw-session multi:\n%s", out);
	snprintf(want, sizeof(want), "session at LBA %ld,", first + NEXT_AFTER_FIRST);
	tl_assert_has(out, want);
	second = disc_leadout();
	msinfo_is("wodim", first + NEXT_AFTER_FIRST, second + NEXT_AFTER_LATER);
	cd_info_session2(2, first + NEXT_AFTER_FIRST);
	extract_has("second.txt", "second");
	extract_has("three.txt", "hello");
	/* without multi: the third session closes the disc */
	iso3 = next_iso("third", first + NEXT_AFTER_FIRST, second + NEXT_AFTER_LATER);
	host[2] = iso3;
	host[3] = NULL;
	ck_assert_msg(tl_sg_run(host, true, NULL, out, sizeof(out)) == 0, "sg-raw-session:\n%s",
		      out);
	third = disc_leadout();
	ck_assert_int_gt(third, second + NEXT_AFTER_LATER);
	snprintf(want, sizeof(want), "session #3 starts at track  3, LSN: %ld",
		 second + NEXT_AFTER_LATER);
	tl_sg_cd_info_shows(3, shows, 1);
	extract_has("third.txt", "third");
	extract_has("second.txt", "second");
	ck_assert_msg(tl_sg_run(tao, true, NULL, out, sizeof(out)) != 0, "wodim -tao:\n%s", out);
	tl_assert_has(out, "Cannot get next writable address for 'invisible' track.");
	free(iso3);
	free(iso2);
	free(iso);
}
END_TEST

/*
 * xorriso -outdev (libburn: SAO, its -close off default leaves the disc
 * appendable), then xorriso -dev appending a second session (libburn
 * writes it TAO): the second session's tree has both files.
 */
START_TEST(xorriso_append)
{
	char *d1 = tl_path(tl_top, "d1"), *d2 = tl_path(tl_top, "d2"), dev[4200];
	const char *first[] = { "xorriso", "-outdev", dev, "-map", d1, "/d1", "-commit", NULL };
	const char *second[] = { "xorriso", "-dev", dev, "-map", d2, "/d2", "-commit", NULL };
	long leadout;

	snprintf(dev, sizeof(dev), "mmc:%s", tl_sg_node);
	ck_assert_int_eq(tl_sh("mkdir -p '%s' '%s' && echo one > '%s/one.txt' && "
			       "echo two > '%s/two.txt'", d1, d2, d1, d2), 0);
	ck_assert_msg(tl_sg_run(first, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
		      "xorriso -outdev:\n%s", out);
	tl_assert_has(out, "is written , is appendable");
	leadout = disc_leadout();
	ck_assert_msg(tl_sg_run(second, true, NULL, out, sizeof(out)) == 0, "xorriso -dev:\n%s",
		      out);
	tl_assert_has(out, "Media summary: 2 sessions");
	cd_info_session2(2, leadout + NEXT_AFTER_FIRST);
	extract_has("d1/one.txt", "one");
	extract_has("d2/two.txt", "two");
	free(d2);
	free(d1);
}
END_TEST

/*
 * A CD-Extra (Enhanced CD), as a user makes one: wodim -tao -multi -audio
 * of three WAVs, then a data session mastered for -msinfo's address.
 * cd-info calls it CD-Plus/Extra and finds the ISO 9660 volume of session
 * 2; cd-paranoia rips the audio of session 1. (xorriso -extract gets the
 * file too but exits 32: libisofs reads LBA 16, audio, with READ(10),
 * which a drive refuses with 5/64/00.)
 */
START_TEST(cd_extra)
{
	char *wav[3], dev[4200], msinfo[64], *dir = tl_path(tl_top, "extra");
	char *iso = tl_path(tl_top, "extra.iso");
	const char *data[] = { "wodim", "-v", dev, "-tao", "-data", iso, NULL };
	const char *const want[] = { "CD-Plus/Extra", "  4: 02:56:00  013050 data" };
	long first;

	tl_sg_burn_wavs("wodim", "-tao", true, wav, out, sizeof(out));
	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	first = disc_leadout();
	ck_assert_int_eq(first, 1650);
	msinfo_is("wodim", 0, first + NEXT_AFTER_FIRST);
	snprintf(msinfo, sizeof(msinfo), "0,%ld", first + NEXT_AFTER_FIRST);
	ck_assert_int_eq(tl_sh("mkdir -p '%s' && echo extra > '%s/extra.txt' && "
			       "genisoimage -quiet -R -C %s -o '%s' '%s' 2>/dev/null", dir, dir,
			       msinfo, iso, dir), 0);
	ck_assert_msg(tl_sg_run(data, true, NULL, out, sizeof(out)) == 0, "wodim -tao -data:\n%s",
		      out);
	tl_sg_cd_info_shows(4, want, sizeof(want) / sizeof(want[0]));
	cd_info_session2(4, first + NEXT_AFTER_FIRST);
	tl_sg_paranoia_equals(2, wav[1]);
	tl_sg_free_wavs(wav);
	free(iso);
	free(dir);
}
END_TEST

/* What the disc holds before a refused run: blank, one session left open, or closed. */
enum ms_disc {
	MS_BLANK,
	MS_APPENDABLE,
	MS_CLOSED,
};

/*
 * Refusals with the drive's sense and the tool's own words (doc/reference/
 * tao.md §5, contrib/sg/README.md). In @argv "@dev" is dev=NODE, "@mmc"
 * mmc:NODE, "@iso" an ISO.
 */
static const struct {
	const char *what;
	enum ms_disc disc;
	const char *argv[12];
	int status;		/* the exit status */
	const char *want[2];
} refused[] = {
	{ "wodim -tao onto a closed disc: READ TRACK INFORMATION FFh 5/24/00", MS_CLOSED,
	  { "wodim", "-v", "@dev", "-tao", "@iso" }, 254,
	  { "Sense Code: 0x24 Qual 0x00 (invalid field in cdb)",
	    "Cannot get next writable address for 'invisible' track." } },
	{ "cdrskin onto a closed disc: disc status complete", MS_CLOSED,
	  { "cdrskin", "-v", "@dev", "-tao", "@iso" }, 10,
	  { "There is a disc with data on it in the drive", "burning failed" } },
	{ "wodim -raw96r onto an appendable disc: wodim writes RAW first sessions only",
	  MS_APPENDABLE,
	  { "wodim", "-v", "@dev", "-raw96r", "@iso" }, 255,
	  { "Drive returns wrong startsec", "Could not write Lead-in." } },
	/* its cue sheet names data forms FFh and FCh, not defined by MMC: any drive refuses it */
	{ "wodim -sao -multi: data forms FFh/FCh, not MMC's, SEND CUE SHEET 5/26/00", MS_BLANK,
	  { "wodim", "-v", "@dev", "-sao", "-multi", "@iso" }, 255,
	  { "Sense Code: 0x26 Qual 0x00 (invalid field in parameter list)",
	    "CUE sheet still not accepted." } },
	{ "xorriso -outdev onto an appendable disc: -indev must be the same", MS_APPENDABLE,
	  { "xorriso", "-outdev", "@mmc", "-map", "@iso", "/x.iso", "-commit" }, 5,
	  { "-indev differs from -outdev and -outdev media is not blank", "aborting" } },
};

START_TEST(refusals)
{
	char *iso = tl_make_iso(), dev[4200], mmc[4200];
	const char *prepare[] = { "wodim", "-v", dev, "-tao", "-multi", iso, NULL };
	const char *argv[12] = { NULL };
	int status;

	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	snprintf(mmc, sizeof(mmc), "mmc:%s", tl_sg_node);
	if (refused[_i].disc == MS_CLOSED) {
		/* without -multi */
		prepare[4] = iso;
		prepare[5] = NULL;
	}
	if (refused[_i].disc != MS_BLANK)
		ck_assert_msg(tl_sg_run(prepare, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
			      "wodim -tao:\n%s", out);
	for (size_t i = 0; refused[_i].argv[i]; i++) {
		const char *a = refused[_i].argv[i];

		argv[i] = strcmp(a, "@dev") == 0 ? dev : strcmp(a, "@mmc") == 0 ? mmc
			: strcmp(a, "@iso") == 0 ? iso : a;
	}
	status = tl_sg_run(argv, true, refused[_i].disc == MS_BLANK ? TL_SG_FRESH_CDR : NULL, out,
			   sizeof(out));
	ck_assert_msg(status == refused[_i].status, "%s: exit status %d:\n%s", refused[_i].what,
		      status, out);
	for (size_t i = 0; i < 2; i++)
		tl_assert_has(out, refused[_i].want[i]);
	/* nothing was recorded: an appendable disc still takes the next session where it did */
	if (refused[_i].disc == MS_APPENDABLE) {
		long leadout = disc_leadout();

		msinfo_is("wodim", 0, leadout + NEXT_AFTER_FIRST);
	}
	free(iso);
}
END_TEST

/* A cue sheet of one Mode 1 track of @iso, as a file (the caller's path). */
static char *
cue_of(const char *iso, const char *name)
{
	char *cue = tl_path(tl_top, name);

	ck_assert_int_eq(tl_sh("printf 'FILE \"%%s\" BINARY\\n  TRACK 01 MODE1/2048\\n"
			       "    INDEX 01 00:00:00\\n' '%s' > '%s'", iso, cue), 0);
	return cue;
}

/*
 * cdrdao (session-at-once): write --multi, msinfo, a second ISO mastered
 * onto the disc, written as the next session. cdrdao takes the NWA under
 * SAO for the pre-gap's start, so its sessions start 150 sectors later
 * than wodim's (doc/reference/tao.md §5).
 */
START_TEST(cdrdao_multi)
{
	char *iso = tl_make_iso(), *cue = cue_of(iso, "first.cue"), *iso2, *cue2;
	const char *write[] = { "cdrdao", "write", "-n", "--force", "--multi", "--device",
				tl_sg_node, "--driver", "generic-mmc", cue, NULL };
	const char *msinfo[] = { "cdrdao", "msinfo", "--device", tl_sg_node, NULL };
	char want[64];
	long first, start;

	ck_assert_msg(tl_sg_run(write, true, TL_SG_FRESH_CDR, out, sizeof(out)) == 0,
		      "cdrdao write --multi:\n%s", out);
	first = disc_leadout();
	start = first + NEXT_AFTER_FIRST + 150;
	ck_assert_msg(tl_sg_run(msinfo, true, NULL, out, sizeof(out)) == 0, "cdrdao msinfo:\n%s",
		      out);
	snprintf(want, sizeof(want), "\n0,%ld\n", start);
	tl_assert_has(out, want);
	iso2 = next_iso("second", 0, start);
	cue2 = cue_of(iso2, "second.cue");
	/* without --multi: the disc closes */
	write[4] = "--device";
	write[5] = tl_sg_node;
	write[6] = "--driver";
	write[7] = "generic-mmc";
	write[8] = cue2;
	write[9] = NULL;
	ck_assert_msg(tl_sg_run(write, true, NULL, out, sizeof(out)) == 0,
		      "cdrdao write, session 2:\n%s", out);
	tl_assert_has(out, "Writing finished successfully.");
	cd_info_session2(2, start);
	extract_has("second.txt", "second");
	extract_has("three.txt", "hello");
	free(cue2);
	free(iso2);
	free(cue);
	free(iso);
}
END_TEST

static Suite *
sg_ms_suite(void)
{
	Suite *s = suite_create("sg-ms");
	TCase *tc = tcase_create("ms");

	tcase_add_checked_fixture(tc, tl_sg_setup, teardown);
	tcase_set_timeout(tc, 180);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tc, tao_multi, 0, 2);
	tcase_add_test(tc, raw_multi_then_tao);
	tcase_add_test(tc, raw_append);
	tcase_add_test(tc, xorriso_append);
	tcase_add_test(tc, cd_extra);
	tcase_add_test(tc, cdrdao_multi);
	tcase_add_loop_test(tc, refusals, 0, sizeof(refused) / sizeof(refused[0]));
	return s;
}

int
main(void)
{
	if (tl_burn_init() < 0)
		return 99;
	return tl_sg_main(sg_ms_suite());
}
