/*
 * RAW sessions appended to a multi-session disc in the emulated recorder
 * through emu_drive_exec() (doc/reference/tao.md §5): with page 05h
 * Multi-session 11b a RAW stream leaves the disc appendable; the next
 * RAW stream starts at the next session's lead-in (the NWA READ TRACK
 * INFORMATION FFh gives in RAW), carries that session's TOC in its
 * lead-in Q, then the 150-sector pre-gap, the tracks and a 2250-sector
 * lead-out; SYNCHRONIZE CACHE adds the session to the recorded disc. The
 * streams here are made sector by sector from the Q frames the Red Book
 * gives, not by burnfs's encoder (which writes first sessions only).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cd-sector.h"
#include "mmc-read.h"
#include "subchannel.h"
#include "tl-emu.h"
#include "tl-raw-session.h"

#define RAW_SIZE TL_RAW_SECTOR
#define CHUNK 26
#define LEADOUT_FIRST 6750
#define LEADOUT_LATER 2250
#define LEADIN_NEXT 4500

/* One session's stream (one Mode 1 track) and its lead-out's length. */
struct session {
	struct tl_raw_session r;
	unsigned leadout_len;
};

/* Block @i of track @track's user data: a byte that names both. */
static void
fill(uint8_t *b, unsigned track, int32_t i)
{
	memset(b, (uint8_t)(track * 64 + (unsigned)i), CD_DATA_SIZE);
}

/* Sector @lba of @s's stream into @out, its track's blocks filled by fill(). */
static void
make_sector(const struct session *s, int32_t lba, uint8_t *out)
{
	uint8_t data[CD_DATA_SIZE];

	fill(data, s->r.track, lba - s->r.start);
	tl_raw_session_sector(&s->r, lba, data, out);
}

/* page 05h: RAW, 96-byte raw P-W, Multi-session @ms (3: a next session may follow). */
static void
select_raw_multi(struct emu_drive *d, uint8_t ms)
{
	struct mmc_page05 want = { .write_type = 3, .data_block_type = CD_SECTOR_RAW,
				   .bufe = true, .multi_session = ms };

	tl_select_page05(d, &want);
}

/* READ TRACK INFORMATION FFh: the NWA of the invisible track, valid. */
static int32_t
nwa(struct emu_drive *d)
{
	struct mmc_track_info ti;
	uint8_t buf[36];
	struct mmc_cmd cmd;

	mmc_build_read_track_info(&cmd, 1, 0xff, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_track_info(buf, cmd.xfer, &ti), 0);
	ck_assert(ti.nwa_valid);
	return ti.nwa;
}

/* Writes @s's whole stream, from its lead-in to its lead-out's end, then SYNCHRONIZE CACHE. */
static void
write_session(struct emu_drive *d, const struct session *s)
{
	int32_t end = s->r.leadout + (int32_t)s->leadout_len;
	uint8_t *buf = malloc(CHUNK * RAW_SIZE);
	struct mmc_cmd cmd;

	ck_assert_ptr_nonnull(buf);
	for (int32_t at = s->r.leadin; at < end; at += CHUNK) {
		uint16_t n = end - at < CHUNK ? (uint16_t)(end - at) : CHUNK;

		for (uint16_t k = 0; k < n; k++)
			make_sector(s, at + k, buf + (size_t)k * RAW_SIZE);
		mmc_build_write10(&cmd, at, n, buf, (size_t)n * RAW_SIZE);
		ck_assert_int_eq(emu_drive_exec(d, &cmd), 0);
		ck_assert_msg(cmd.status == MMC_STATUS_GOOD, "WRITE at %d: sense %X/%02X/%02X", at,
			      cmd.sense[2] & 0x0f, cmd.sense[12], cmd.sense[13]);
	}
	tl_sync_cache(d, false);
	free(buf);
}

/* Session @n (1..) of @blocks blocks after session @prev, as the layout places it. */
static struct session
layout(const struct session *prev, unsigned n, int32_t blocks, bool multi)
{
	struct session s = { .r.track = n };

	if (!prev) {
		s.r.leadin = TL_NWA_CDR80;
		s.r.pregap = -150;
		s.leadout_len = LEADOUT_FIRST;
	} else {
		s.r.leadin = prev->r.leadout + (int32_t)prev->leadout_len;
		s.r.pregap = s.r.leadin + LEADIN_NEXT;
		s.leadout_len = LEADOUT_LATER;
	}
	s.r.start = s.r.pregap + 150;
	s.r.leadout = s.r.start + blocks;
	if (multi) {
		s.r.next = s.r.leadout + (prev ? LEADOUT_LATER : LEADOUT_FIRST) + LEADIN_NEXT + 150;
		s.r.last_leadout = 79 * CD_FRAMES_PER_MINUTE + 59 * CD_FRAMES_PER_SECOND + 74 - 150;
	}
	return s;
}

/* Sector @i of @s's track reads back through READ(10). */
static void
check_reads(struct emu_drive *d, const struct session *s, int32_t i)
{
	uint8_t sector[CD_DATA_SIZE], want[CD_DATA_SIZE];
	struct mmc_cmd cmd;

	tl_build_read10(&cmd, s->r.start + i, 1, sector, sizeof(sector));
	tl_good(d, &cmd);
	fill(want, s->r.track, i);
	ck_assert_mem_eq(sector, want, sizeof(want));
}

static size_t
read_toc(struct emu_drive *d, uint8_t format, uint8_t *buf, uint16_t len)
{
	struct mmc_cmd cmd;

	mmc_build_read_toc(&cmd, format, false, 0, buf, len);
	tl_good(d, &cmd);
	return cmd.xfer;
}

/*
 * Three RAW sessions (300, 200 and 100 blocks), the first two with
 * Multi-session 11b: each appended at the NWA of the one before (the
 * next lead-in: 6750 sectors after the first lead-out, 2250 after a
 * later one), the disc appendable after each and complete after the
 * third; the TOC, disc.toc/.cue and disc.bin say three sessions where a
 * TAO append puts them, and every session reads back.
 */
START_TEST(raw_sessions)
{
	static const int32_t blocks[] = { 300, 200, 100 };
	char *toc_path = tl_path(tl_emu_dir, "disc.toc");
	char *cue_path = tl_path(tl_emu_dir, "disc.cue");
	char *bin_path = tl_path(tl_emu_dir, "disc.bin");
	struct session ses[3];
	struct mmc_session_info si;
	struct mmc_disc_info di;
	uint8_t buf[2048];
	char line[64];
	struct stat sb;
	size_t n;

	for (unsigned s = 0; s < 3; s++) {
		ses[s] = layout(s ? &ses[s - 1] : NULL, s + 1, blocks[s], s < 2);
		select_raw_multi(tl_drive, s < 2 ? 3 : 0);
		ck_assert_int_eq(nwa(tl_drive), ses[s].r.leadin);
		write_session(tl_drive, &ses[s]);
		tl_disc_info(tl_drive, buf, sizeof(buf), &di);
		ck_assert_uint_eq(di.sessions, s < 2 ? s + 2 : 3);
		n = read_toc(tl_drive, 1, buf, sizeof(buf));
		ck_assert_int_eq(mmc_parse_session_info(buf, n, &si), 0);
		ck_assert_uint_eq(si.last_session, s + 1);
		ck_assert_uint_eq(si.first_track.track, s + 1);
		ck_assert_int_eq(si.first_track.lba, ses[s].r.start);
		if (s == 2)
			break;
		/* appendable, the next lead-in where the layout puts it */
		ck_assert_int_eq(di.status, MMC_DISC_INCOMPLETE);
		ck_assert_uint_eq(di.last_session_state, 0);
		ck_assert(di.leadin_valid);
		ck_assert_int_eq(di.leadin_start, ses[s].r.leadout + (int32_t)ses[s].leadout_len);
	}
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_COMPLETE);
	/* the second session as a TAO append records it: 11550, 11700, 11900 */
	ck_assert_int_eq(ses[1].r.start, 300 + 6750 + 4500 + 150);
	snprintf(line, sizeof(line), "track 2 4 %d %d %d 1 2\n", ses[1].r.pregap, ses[1].r.start,
		 ses[1].r.leadout);
	ck_assert_ptr_nonnull(strstr(tl_get(toc_path), line));
	snprintf(line, sizeof(line), "track 3 4 %d %d %d 1 3\n", ses[2].r.pregap, ses[2].r.start,
		 ses[2].r.leadout);
	ck_assert_ptr_nonnull(strstr(tl_get(toc_path), line));
	ck_assert_ptr_nonnull(strstr(tl_get(cue_path),
				     "  REM SESSION 03\n  TRACK 03 MODE1/2352\n"));
	/* disc.bin: every sector up to the last lead-out, the gaps between as zeros */
	ck_assert_int_eq(stat(bin_path, &sb), 0);
	ck_assert_int_eq(sb.st_size, (off_t)ses[2].r.leadout * CD_MAIN_SIZE);
	for (unsigned s = 0; s < 3; s++) {
		check_reads(tl_drive, &ses[s], 0);
		check_reads(tl_drive, &ses[s], blocks[s] - 1);
	}
	free(bin_path);
	free(cue_path);
	free(toc_path);
}
END_TEST

/*
 * On an appendable disc a RAW stream starts at the next lead-in only:
 * elsewhere 5/21/02 and the disc stays as it was; then a WRITE of no
 * block at the next lead-in is taken (GOOD, nothing written).
 */
static const struct {
	const char *what;
	int32_t lba;		/* relative to the next lead-in, or absolute with @atip */
	bool atip;
} elsewhere[] = {
	{ "the ATIP lead-in start", TL_NWA_CDR80, true },
	{ "the sector before the next lead-in", -1, false },
	{ "the sector after the next lead-in", 1, false },
	{ "the next session's pre-gap", 4500, false },
	{ "the next session's first track (TAO's NWA)", 4650, false },
};

START_TEST(raw_elsewhere)
{
	struct session first = layout(NULL, 1, 100, true);
	uint8_t buf[RAW_SIZE] = { 0 };
	struct mmc_cmd cmd;
	int32_t next = 100 + LEADOUT_FIRST, at;

	select_raw_multi(tl_drive, 3);
	write_session(tl_drive, &first);
	at = elsewhere[_i].atip ? elsewhere[_i].lba : next + elsewhere[_i].lba;
	mmc_build_write10(&cmd, at, 1, buf, sizeof(buf));
	ck_assert_int_eq(emu_drive_exec(tl_drive, &cmd), 0);
	ck_assert_msg(cmd.status == MMC_STATUS_CHECK_CONDITION && (cmd.sense[2] & 0x0f) == 5 &&
		      cmd.sense[12] == 0x21 && cmd.sense[13] == 0x02, "%s: sense %X/%02X/%02X",
		      elsewhere[_i].what, cmd.sense[2] & 0x0f, cmd.sense[12], cmd.sense[13]);
	ck_assert_int_eq(nwa(tl_drive), next);
	check_reads(tl_drive, &first, 5);
	mmc_build_write10(&cmd, next, 0, NULL, 0);
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(nwa(tl_drive), next);
}
END_TEST

/*
 * A second session whose lead-in does not fit the layout (track 1 again,
 * or its track not 150 sectors after the lead-in) is written, but ruins
 * the disc at SYNCHRONIZE CACHE, as on a real one: incomplete, the first
 * session still read, no further session.
 */
START_TEST(raw_misfit)
{
	struct session first = layout(NULL, 1, 100, true);
	struct session second = layout(&first, 2, 50, false);
	struct mmc_disc_info di;
	uint8_t buf[2048];
	struct mmc_cmd cmd;

	if (_i == 0)
		second.r.track = 1;
	else
		second.r.start += 75;
	select_raw_multi(tl_drive, 3);
	write_session(tl_drive, &first);
	select_raw_multi(tl_drive, 0);
	write_session(tl_drive, &second);
	tl_disc_info(tl_drive, buf, sizeof(buf), &di);
	ck_assert_int_eq(di.status, MMC_DISC_INCOMPLETE);
	ck_assert_uint_eq(di.last_session_state, 1);
	ck_assert_uint_eq(di.sessions, 2);
	check_reads(tl_drive, &first, 5);
	ck_assert(!tl_emu_has("rec.bin"));
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, 36);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0x00);
}
END_TEST

static Suite *
emu_rawms_suite(void)
{
	Suite *s = suite_create("emu-rawms");
	TCase *tc = tl_emu_tcase(s, "cdr80");

	TL_TESTS(tc, raw_sessions);
	tcase_add_loop_test(tc, raw_elsewhere, 0, sizeof(elsewhere) / sizeof(elsewhere[0]));
	tcase_add_loop_test(tc, raw_misfit, 0, 2);
	return s;
}

TL_MAIN(emu_rawms_suite)
