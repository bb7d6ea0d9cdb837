/*
 * Track-at-once recording in the emulated recorder through
 * emu_drive_exec(), as wodim and cdrskin send it (doc/reference/tao.md):
 * page 05h with write type TAO, READ TRACK INFORMATION of the invisible
 * track for its NWA, WRITEs of a track's user data from there,
 * SYNCHRONIZE CACHE (which closes the track), CLOSE SESSION. The drive
 * makes each pre-gap, a data track's run-out and the TOC; a WRITE out of
 * place, past a reserved track or of another block type gets a drive's
 * sense.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "mmc-read.h"
#include "subchannel.h"
#include "tl-emu.h"
#include "tl-image.h"

#define CHUNK 25

/* MODE SELECT page 05h: TAO with data block type @dbt (8 Mode 1, 0 audio), expected GOOD. */
static void
select_tao(struct emu_drive *d, uint8_t dbt)
{
	struct mmc_page05 want = { .write_type = 1, .data_block_type = dbt, .bufe = true,
				   .track_mode = dbt == 8 ? 4 : 0 };

	tl_select_page05(d, &want);
}

/* READ TRACK INFORMATION of track @n (FFh: the invisible one), expected GOOD. */
static void
track_info(struct emu_drive *d, uint32_t n, struct mmc_track_info *ti)
{
	uint8_t buf[36];
	struct mmc_cmd cmd;

	mmc_build_read_track_info(&cmd, 1, n, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_track_info(buf, cmd.xfer, ti), 0);
}

/* The NWA of the invisible track: READ TRACK INFORMATION FFh says it is valid. */
static int32_t
nwa(struct emu_drive *d)
{
	struct mmc_track_info ti;

	track_info(d, 0xff, &ti);
	ck_assert(ti.nwa_valid);
	return ti.nwa;
}

/* Block @i of a track's host data, @size bytes: a byte that names the track and the block. */
static void
fill(uint8_t *b, size_t size, unsigned track, uint32_t i)
{
	memset(b, (uint8_t)(track * 64 + i), size);
}

/* Writes @sectors blocks of track @track from the NWA, then SYNCHRONIZE CACHE. */
static void
write_track(struct emu_drive *d, unsigned track, uint8_t dbt, uint32_t sectors)
{
	size_t size = dbt == 8 ? CD_DATA_SIZE : CD_MAIN_SIZE;
	uint8_t *buf = malloc(CHUNK * size);
	int32_t at = nwa(d);
	struct mmc_cmd cmd;

	ck_assert_ptr_nonnull(buf);
	for (uint32_t i = 0; i < sectors; i += CHUNK) {
		uint16_t n = sectors - i < CHUNK ? (uint16_t)(sectors - i) : CHUNK;

		for (uint16_t k = 0; k < n; k++)
			fill(buf + k * size, size, track, i + k);
		mmc_build_write10(&cmd, at + (int32_t)i, n, buf, n * size);
		tl_good(d, &cmd);
		ck_assert_int_eq(nwa(d), at + (int32_t)(i + n));
	}
	tl_sync_cache(d, false);
	free(buf);
}

static void
close_session(struct emu_drive *d)
{
	struct mmc_cmd cmd;

	mmc_build_close_track_session(&cmd, MMC_CLOSE_SESSION, 0, false);
	tl_good(d, &cmd);
}

/* One Mode 1 track: NWA 0, run-out of 2 blocks, the next track's NWA after 150 more. */
START_TEST(data_track)
{
	struct image_toc want = { .first_track = 1, .last_track = 1, .leadout_lba = 302 };
	char *bin_path = tl_path(tl_emu_dir, "disc.bin");
	struct mmc_track_info ti;
	uint8_t *bin, block[CD_DATA_SIZE];
	size_t bin_len;

	select_tao(tl_drive, 8);
	track_info(tl_drive, 0xff, &ti);
	ck_assert(ti.blank && ti.nwa_valid);
	ck_assert_int_eq(ti.nwa, 0);
	write_track(tl_drive, 1, 8, 300);
	/* closed by SYNCHRONIZE CACHE: 300 blocks and the run-out */
	track_info(tl_drive, 1, &ti);
	ck_assert_int_eq(ti.start, 0);
	ck_assert_uint_eq(ti.size, 302);
	track_info(tl_drive, 0xff, &ti);
	ck_assert_uint_eq(ti.track, 2);
	ck_assert(ti.blank);
	ck_assert_int_eq(ti.nwa, 302 + 150);
	/* by LBA: the run-out is track 1's, the next pre-gap the invisible track's */
	{
		uint8_t buf[36];
		struct mmc_cmd cmd;

		mmc_build_read_track_info(&cmd, 0, 301, buf, sizeof(buf));
		tl_good(tl_drive, &cmd);
		ck_assert_int_eq(mmc_parse_track_info(buf, cmd.xfer, &ti), 0);
		ck_assert_uint_eq(ti.track, 1);
		mmc_build_read_track_info(&cmd, 0, 302, buf, sizeof(buf));
		tl_good(tl_drive, &cmd);
		ck_assert_int_eq(mmc_parse_track_info(buf, cmd.xfer, &ti), 0);
		ck_assert_uint_eq(ti.track, 2);
	}
	close_session(tl_drive);
	want.track[1] = (struct image_toc_track){ .control = SUBQ_CONTROL_DATA, .mode = 1,
						  .pregap_lba = -150, .start_lba = 0,
						  .end_lba = 302 };
	tl_check_toc(tl_drive, &want);
	bin = tl_slurp(bin_path, &bin_len);
	ck_assert_uint_eq(bin_len, 302 * CD_MAIN_SIZE);
	for (uint32_t i = 0; i < 300; i++) {
		fill(block, sizeof(block), 1, i);
		ck_assert(memcmp(bin + (size_t)i * CD_MAIN_SIZE + 16, block, sizeof(block)) == 0);
	}
	/* the run-out: Mode 1 sectors of zero data the drive made */
	ck_assert_uint_eq(bin[300 * CD_MAIN_SIZE + 15], 1);
	ck_assert_uint_eq(bin[301 * CD_MAIN_SIZE + 16], 0);
	free(bin);
	free(bin_path);
}
END_TEST

/* Three audio tracks: each after the drive's 150-sector pre-gap, P set and index 00 there. */
START_TEST(audio_tracks)
{
	struct image_toc want = { .first_track = 1, .last_track = 3, .leadout_lba = 1200 };
	char *bin_path = tl_path(tl_emu_dir, "disc.bin"), *sub_path = tl_path(tl_emu_dir,
									      "disc.sub");
	uint8_t *bin, *sub, q[SUBQ_SIZE];
	size_t bin_len, sub_len;
	bool p;

	select_tao(tl_drive, 0);
	for (unsigned t = 1; t <= 3; t++) {
		ck_assert_int_eq(nwa(tl_drive), (int32_t)(t - 1) * 450);
		write_track(tl_drive, t, 0, 300);
		want.track[t] = (struct image_toc_track){
			.pregap_lba = (int32_t)(t - 1) * 450 - 150,
			.start_lba = (int32_t)(t - 1) * 450,
			.end_lba = (int32_t)(t - 1) * 450 + 300 };
	}
	close_session(tl_drive);
	tl_check_toc(tl_drive, &want);
	bin = tl_slurp(bin_path, &bin_len);
	sub = tl_slurp(sub_path, &sub_len);
	ck_assert_uint_eq(bin_len, 1200 * CD_MAIN_SIZE);
	ck_assert_uint_eq(bin[450 * CD_MAIN_SIZE], 2 * 64);	/* track 2's first block */
	ck_assert_uint_eq(bin[449 * CD_MAIN_SIZE], 0);		/* its pre-gap: silence */
	ck_assert_int_eq(subchannel_extract_q(CD_SECTOR_RAW, sub + 449 * 96, q, &p), 0);
	ck_assert(p);
	ck_assert_uint_eq(q[1], 0x02);	/* track 02 */
	ck_assert_uint_eq(q[2], 0x00);	/* index 00 */
	ck_assert_int_eq(subchannel_extract_q(CD_SECTOR_RAW, sub + 450 * 96, q, &p), 0);
	ck_assert(!p);
	ck_assert_uint_eq(q[2], 0x01);
	free(sub);
	free(bin);
	free(sub_path);
	free(bin_path);
}
END_TEST

/* What the drive refuses, and with which sense (doc/reference/tao.md §3). */
static const struct {
	const char *what;
	uint8_t dbt;		/* page 05h's block type at the WRITE */
	uint32_t reserve;	/* RESERVE TRACK first; 0 none */
	uint32_t first;		/* blocks of track 1 written (and kept open) first */
	int32_t lba;		/* the WRITE: at the NWA + @lba */
	uint16_t blocks;
	size_t len_less;	/* data-out this much short */
	uint8_t key, asc, ascq;
} refused[] = {
	{ "first WRITE past the NWA", 8, 0, 0, 1, 1, 0, 5, 0x21, 0x02 },
	{ "first WRITE into the pre-gap (the drive's)", 8, 0, 0, -150, 1, 0, 5, 0x21, 0x02 },
	{ "a WRITE not where the last ended", 8, 0, 10, 1, 1, 0, 5, 0x21, 0x02 },
	{ "a WRITE beyond the reserved track", 8, 20, 10, 0, 11, 0, 5, 0x21, 0x00 },
	{ "another block type inside a track", 0, 0, 10, 0, 1, 0, 5, 0x64, 0x00 },
	{ "a data-out length not the blocks'", 8, 0, 0, 0, 2, 1, 5, 0x24, 0x00 },
};

START_TEST(refusals)
{
	uint8_t *buf = calloc(32, CD_MAIN_SIZE);
	size_t size = refused[_i].dbt == 8 ? CD_DATA_SIZE : CD_MAIN_SIZE;
	struct mmc_cmd cmd;
	int32_t at;

	ck_assert_ptr_nonnull(buf);
	select_tao(tl_drive, 8);
	if (refused[_i].reserve) {
		mmc_build_reserve_track(&cmd, refused[_i].reserve);
		tl_good(tl_drive, &cmd);
	}
	if (refused[_i].first) {
		mmc_build_write10(&cmd, 0, (uint16_t)refused[_i].first, buf,
				  refused[_i].first * CD_DATA_SIZE);
		tl_good(tl_drive, &cmd);
	}
	if (refused[_i].dbt != 8)
		select_tao(tl_drive, refused[_i].dbt);
	at = nwa(tl_drive);
	mmc_build_write10(&cmd, at + refused[_i].lba, refused[_i].blocks, buf,
			  refused[_i].blocks * size - refused[_i].len_less);
	ck_assert_int_eq(emu_drive_exec(tl_drive, &cmd), 0);
	ck_assert_msg(cmd.status == MMC_STATUS_CHECK_CONDITION && (cmd.sense[2] & 0x0f) ==
		      refused[_i].key && cmd.sense[12] == refused[_i].asc &&
		      cmd.sense[13] == refused[_i].ascq, "%s: sense %X/%02X/%02X",
		      refused[_i].what, cmd.sense[2] & 0x0f, cmd.sense[12], cmd.sense[13]);
	free(buf);
}
END_TEST

/* CLOSE TRACK/SESSION and RESERVE TRACK out of sequence: 5/2C/00; a bad function 5/24/00. */
START_TEST(close_and_reserve)
{
	uint8_t buf[CD_DATA_SIZE] = { 0 };
	struct mmc_cmd cmd;

	/* nothing written: nothing to close */
	mmc_build_close_track_session(&cmd, MMC_CLOSE_TRACK, 1, false);
	tl_expect(tl_drive, &cmd, 5, 0x2c, 0);
	mmc_build_close_track_session(&cmd, MMC_CLOSE_SESSION, 0, false);
	tl_expect(tl_drive, &cmd, 5, 0x2c, 0);
	/* RESERVE TRACK is a TAO command */
	tl_select_raw(tl_drive, CD_SECTOR_RAW, true, false);
	mmc_build_reserve_track(&cmd, 300);
	tl_expect(tl_drive, &cmd, 5, 0x2c, 0);
	select_tao(tl_drive, 8);
	mmc_build_reserve_track(&cmd, 0);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	mmc_build_write10(&cmd, 0, 1, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	/* the open track is closed by number; another number is refused */
	mmc_build_close_track_session(&cmd, 5, 1, false);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	mmc_build_close_track_session(&cmd, MMC_CLOSE_TRACK, 2, false);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	mmc_build_close_track_session(&cmd, MMC_CLOSE_TRACK, 1, false);
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(nwa(tl_drive), 1 + 2 + 150);
	/* a track already written is not reserved again */
	mmc_build_reserve_track(&cmd, 300);
	tl_good(tl_drive, &cmd);
	mmc_build_reserve_track(&cmd, 300);
	tl_expect(tl_drive, &cmd, 5, 0x2c, 0);
	close_session(tl_drive);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_COMPLETE);
	/* a closed disc takes no further track */
	mmc_build_write10(&cmd, 153, 1, buf, sizeof(buf));
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
}
END_TEST

/* page 05h: TAO, Mode 1, Multi-session @multi (3: the next session allowed, 0: none). */
static void
select_tao_multi(struct emu_drive *d, uint8_t multi)
{
	struct mmc_page05 want = { .write_type = 1, .data_block_type = 8, .bufe = true,
				   .track_mode = 4, .multi_session = multi };

	tl_select_page05(d, &want);
}

/* READ TOC format @format (LBA form), expected GOOD; the reply's length. */
static size_t
read_toc(struct emu_drive *d, uint8_t format, uint8_t *buf, size_t size)
{
	struct mmc_cmd cmd;

	mmc_build_read_toc(&cmd, format, format == 2, 0, buf, size);
	tl_good(d, &cmd);
	return cmd.xfer;
}

/* Full TOC descriptor @e is @point of session @session at @p (PMIN PSEC PFRAME of @lba). */
static void
check_full(const uint8_t *e, unsigned session, uint8_t adr, uint8_t point, int32_t lba)
{
	struct cd_msf m = cd_lba_to_msf(lba);

	ck_assert_uint_eq(e[0], session);
	ck_assert_uint_eq(e[1] >> 4, adr);
	ck_assert_uint_eq(e[3], point);
	if (point >= 0xa2 || point <= 99)
		ck_assert_msg(e[8] == m.m && e[9] == m.s && e[10] == m.f,
			      "point %02X: %u:%u:%u, want %u:%u:%u", point, e[8], e[9], e[10],
			      m.m, m.s, m.f);
}

/* One appended session's figures: its track, where it starts, its lead-out. */
struct ms_session {
	int32_t start;
	int32_t leadout;
};

/*
 * Three sessions of one Mode 1 track each (300, 200, 100 blocks, each with
 * its 2 run-out blocks), the first two with Multi-session 11b: each time
 * the disc stays appendable and the next session starts after the
 * Orange Book's lead-out (6750 blocks after the first session, 2250
 * later), lead-in (4500) and pre-gap (150) (doc/reference/tao.md §5); the
 * third closes the disc.
 */
START_TEST(ms_sessions)
{
	static const uint32_t blocks[] = { 300, 200, 100 };
	struct ms_session ses[3];
	struct mmc_disc_info di, blank;
	struct mmc_session_info si;
	struct mmc_track_info ti;
	uint8_t buf[2048], block[CD_DATA_SIZE], sector[CD_DATA_SIZE];
	char *toc_path = tl_path(tl_emu_dir, "disc.toc");
	char *cue_path = tl_path(tl_emu_dir, "disc.cue");
	struct mmc_cmd cmd;
	size_t n;

	tl_disc_info(tl_drive, buf, sizeof(buf), &blank);
	for (unsigned s = 0; s < 3; s++) {
		select_tao_multi(tl_drive, s < 2 ? 3 : 0);
		ses[s].start = s == 0 ? 0 : ses[s - 1].leadout +
						(s == 1 ? 6750 : 2250) + 4500 + 150;
		ses[s].leadout = ses[s].start + (int32_t)blocks[s] + 2;
		ck_assert_int_eq(nwa(tl_drive), ses[s].start);
		write_track(tl_drive, s + 1, 8, blocks[s]);
		close_session(tl_drive);
		if (s == 2)
			break;
		/* appendable: disc status 01b, the empty next session counted, its lead-in */
		tl_disc_info(tl_drive, buf, sizeof(buf), &di);
		ck_assert_int_eq(di.status, MMC_DISC_INCOMPLETE);
		ck_assert_uint_eq(di.last_session_state, 0);
		ck_assert_uint_eq(di.sessions, s + 2);
		ck_assert_uint_eq(buf[5], s + 2);
		ck_assert_uint_eq(buf[6], s + 2);
		ck_assert(di.leadin_valid && di.leadout_valid);
		ck_assert_int_eq(di.leadin_start, ses[s].leadout + (s == 0 ? 6750 : 2250));
		ck_assert_int_eq(di.last_leadout, blank.last_leadout);
		/* the invisible track: the next session's first track */
		track_info(tl_drive, 0xff, &ti);
		ck_assert_uint_eq(ti.track, s + 2);
		ck_assert_uint_eq(ti.session, s + 2);
		ck_assert(ti.blank && ti.nwa_valid);
		ck_assert_int_eq(ti.start, di.leadin_start + 4500 + 150);
		ck_assert_int_eq(ti.nwa, ti.start);
		track_info(tl_drive, s + 1, &ti);
		ck_assert_uint_eq(ti.session, s + 1);
		ck_assert_int_eq(ti.start, ses[s].start);
		/* format 1: the first track of the last complete session */
		n = read_toc(tl_drive, 1, buf, sizeof(buf));
		ck_assert_int_eq(mmc_parse_session_info(buf, n, &si), 0);
		ck_assert_uint_eq(si.first_session, 1);
		ck_assert_uint_eq(si.last_session, s + 1);
		ck_assert_uint_eq(si.first_track.track, s + 1);
		ck_assert_int_eq(si.first_track.lba, ses[s].start);
	}
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_COMPLETE);
	tl_disc_info(tl_drive, buf, sizeof(buf), &di);
	ck_assert_uint_eq(di.sessions, 3);
	ck_assert_uint_eq(buf[5], 3);
	ck_assert(!di.leadin_valid);
	/* a closed disc has no invisible track */
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, 36);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0x00);
	n = read_toc(tl_drive, 1, buf, sizeof(buf));
	ck_assert_int_eq(mmc_parse_session_info(buf, n, &si), 0);
	ck_assert_uint_eq(si.last_session, 3);
	ck_assert_int_eq(si.first_track.lba, ses[2].start);
	/*
	 * format 2: per session A0 A1 A2 and its track; B0 (next program area,
	 * 2 or 1 mode-5 pointers, last possible lead-out) where a session
	 * follows, and C0 (the ATIP lead-in start) in the first
	 */
	n = read_toc(tl_drive, 2, buf, sizeof(buf));
	ck_assert_uint_eq(n, 4 + 11 * (6 + 5 + 4));
	ck_assert_uint_eq(buf[2], 1);
	ck_assert_uint_eq(buf[3], 3);
	{
		const uint8_t *e = buf + 4;

		for (unsigned s = 0; s < 3; s++) {
			struct cd_msf pa;

			check_full(e, s + 1, 1, 0xa0, 0);
			ck_assert_uint_eq(e[8], s + 1);
			check_full(e + 11, s + 1, 1, 0xa1, 0);
			ck_assert_uint_eq(e[11 + 8], s + 1);
			check_full(e + 22, s + 1, 1, 0xa2, ses[s].leadout);
			check_full(e + 33, s + 1, 1, (uint8_t)(s + 1), ses[s].start);
			e += 44;
			if (s == 2)
				break;
			check_full(e, s + 1, 5, 0xb0, blank.last_leadout);
			pa = cd_lba_to_msf(ses[s + 1].start - 150);
			ck_assert(e[4] == pa.m && e[5] == pa.s && e[6] == pa.f);
			ck_assert_uint_eq(e[7], s == 0 ? 2 : 1);
			e += 11;
			if (s == 0) {
				check_full(e, 1, 5, 0xc0, blank.leadin_start);
				e += 11;
			}
		}
	}
	/* every session reads back; disc.toc and disc.cue name the sessions */
	for (unsigned s = 0; s < 3; s++) {
		tl_build_read10(&cmd, ses[s].start + 7, 1, sector, sizeof(sector));
		tl_good(tl_drive, &cmd);
		fill(block, sizeof(block), s + 1, 7);
		ck_assert_mem_eq(sector, block, sizeof(block));
	}
	ck_assert_ptr_nonnull(strstr(tl_get(toc_path), "track 2 4 11552 11702 11904 1 2\n"));
	ck_assert_ptr_nonnull(strstr(tl_get(toc_path), "track 3 4 18654 18804 18906 1 3\n"));
	ck_assert_ptr_nonnull(strstr(tl_get(cue_path),
				     "  REM SESSION 02\n  TRACK 02 MODE1/2352\n"));
	free(cue_path);
	free(toc_path);
}
END_TEST

/* What an appendable or closed multi-session disc refuses (doc/reference/tao.md §5). */
static const struct {
	const char *what;
	bool closed;		/* the second session closed the disc; else it stays appendable */
	uint8_t write_type;	/* page 05h at the WRITE: 1 TAO, 3 RAW */
	int32_t lba;		/* the WRITE: at the next session's first track start + @lba */
	uint8_t key, asc, ascq;
} ms_refused[] = {
	{ "a TAO WRITE at the last session's lead-out", false, 1, -6900, 5, 0x21, 0x02 },
	{ "a TAO WRITE into the next lead-in", false, 1, -4650, 5, 0x21, 0x02 },
	{ "a TAO WRITE past the next session's start", false, 1, 1, 5, 0x21, 0x02 },
	{ "a RAW WRITE at the next session's first track (RAW starts at its lead-in)", false, 3,
	  0, 5, 0x21, 0x02 },
	{ "a RAW WRITE onto a closed disc, at the lead-in after its last session", true, 3, -4650,
	  5, 0x21, 0x02 },
	{ "a TAO WRITE onto a closed disc", true, 1, 0, 5, 0x21, 0x02 },
};

START_TEST(ms_refusals)
{
	uint8_t buf[CD_MAIN_SIZE * 2] = { 0 };
	struct mmc_cmd cmd;
	int32_t next;

	for (unsigned s = 0; s < 2; s++) {
		select_tao_multi(tl_drive, s == 0 || !ms_refused[_i].closed ? 3 : 0);
		write_track(tl_drive, s + 1, 8, 100);
		close_session(tl_drive);
	}
	/* sessions of 102 blocks: the third would start after 2250 + 4500 + 150 more */
	next = 11502 + 102 + 6900;
	if (ms_refused[_i].write_type == 3)
		tl_select_raw(tl_drive, CD_SECTOR_RAW, true, false);
	mmc_build_write10(&cmd, next + ms_refused[_i].lba, 1, buf,
			  ms_refused[_i].write_type == 3 ? 2448 : CD_DATA_SIZE);
	ck_assert_int_eq(emu_drive_exec(tl_drive, &cmd), 0);
	ck_assert_msg(cmd.status == MMC_STATUS_CHECK_CONDITION && (cmd.sense[2] & 0x0f) ==
		      ms_refused[_i].key && cmd.sense[12] == ms_refused[_i].asc &&
		      cmd.sense[13] == ms_refused[_i].ascq, "%s: sense %X/%02X/%02X",
		      ms_refused[_i].what, cmd.sense[2] & 0x0f, cmd.sense[12], cmd.sense[13]);
	/* nothing changed: appendable still, with the same next session */
	if (!ms_refused[_i].closed) {
		select_tao_multi(tl_drive, 3);
		ck_assert_int_eq(nwa(tl_drive), next);
	}
}
END_TEST

/*
 * page 05h Multi-session: 10b is reserved (5/26/00, page unchanged); 01b
 * (no next session, B0 FF:FF:FF) closes the disc as 00b does.
 */
START_TEST(ms_page05)
{
	struct mmc_page05 want = { .write_type = 1, .data_block_type = 8, .bufe = true,
				   .track_mode = 4, .multi_session = 2 };
	uint8_t cur[128], list[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
	struct mmc_page05 p;
	struct mmc_cmd cmd;
	size_t len;

	select_tao_multi(tl_drive, 3);
	mmc_build_mode_sense10(&cmd, 0x05, 0, cur, sizeof(cur));
	tl_good(tl_drive, &cmd);
	len = mmc_build_page05(&want, cur + MMC_MODE_HEADER_LEN, MMC_PAGE05_LEN, list);
	mmc_build_mode_select10(&cmd, list, (uint16_t)len);
	tl_expect(tl_drive, &cmd, 5, 0x26, 0x00);
	mmc_build_mode_sense10(&cmd, 0x05, 0, cur, sizeof(cur));
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(mmc_parse_page05(cur, cmd.xfer, &p), 0);
	ck_assert_uint_eq(p.multi_session, 3);
	select_tao_multi(tl_drive, 1);
	write_track(tl_drive, 1, 8, 10);
	close_session(tl_drive);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_COMPLETE);
}
END_TEST

/*
 * A second session that never reaches CLOSE SESSION (its handle closes):
 * the disc is incomplete, its last session incomplete, but the closed
 * session still reads as on a CD-R; nothing is appended any more.
 */
START_TEST(ms_failed_append)
{
	uint8_t buf[2048], block[CD_DATA_SIZE], sector[CD_DATA_SIZE];
	struct mmc_session_info si;
	struct mmc_disc_info di;
	struct mmc_cmd cmd;
	size_t n;

	select_tao_multi(tl_drive, 3);
	write_track(tl_drive, 1, 8, 100);
	close_session(tl_drive);
	fill(block, sizeof(block), 2, 0);
	mmc_build_write10(&cmd, 102 + 11400, 1, block, sizeof(block));
	tl_good(tl_drive, &cmd);
	tl_emu_reopen(NULL, 0);
	tl_disc_info(tl_drive, buf, sizeof(buf), &di);
	ck_assert_int_eq(di.status, MMC_DISC_INCOMPLETE);
	ck_assert_uint_eq(di.last_session_state, 1);
	ck_assert_uint_eq(di.sessions, 2);
	ck_assert_uint_eq(buf[5], 2);
	n = read_toc(tl_drive, 1, buf, sizeof(buf));
	ck_assert_int_eq(mmc_parse_session_info(buf, n, &si), 0);
	ck_assert_uint_eq(si.last_session, 1);
	tl_build_read10(&cmd, 5, 1, sector, sizeof(sector));
	tl_good(tl_drive, &cmd);
	fill(block, sizeof(block), 1, 5);
	ck_assert_mem_eq(sector, block, sizeof(block));
	/* no next writable address, no further session */
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, 36);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0x00);
	select_tao_multi(tl_drive, 3);
	mmc_build_write10(&cmd, 102 + 11400, 1, block, sizeof(block));
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
}
END_TEST

static Suite *
emu_tao_suite(void)
{
	Suite *s = suite_create("emu-tao");
	TCase *tc = tl_emu_tcase(s, "cdr80");

	tcase_add_loop_test(tc, refusals, 0, sizeof(refused) / sizeof(refused[0]));
	TL_TESTS(tc, data_track, audio_tracks, close_and_reserve);
	tcase_add_loop_test(tc, ms_refusals, 0, sizeof(ms_refused) / sizeof(ms_refused[0]));
	TL_TESTS(tc, ms_sessions, ms_page05, ms_failed_append);
	return s;
}

TL_MAIN(emu_tao_suite)
