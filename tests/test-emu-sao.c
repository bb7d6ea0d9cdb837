/*
 * Session-at-once recording in the emulated recorder through
 * emu_drive_exec(), as a host sends it: page 05h with write type SAO,
 * SEND CUE SHEET, WRITEs of the user data blocks from the first pre-gap
 * (LBA -150), SYNCHRONIZE CACHE. The disc it records must be the one a RAW
 * burn of the same content records, file for file; a bad cue sheet, a
 * WRITE out of place and a WRITE of the wrong length get a drive's sense.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "mmc-cue.h"
#include "subchannel.h"
#include "tl-emu.h"
#include "tl-image.h"

/* MODE SELECT page 05h: SAO with data block type @dbt (expected GOOD). */
static void
select_sao(struct emu_drive *d, uint8_t dbt, bool test_write)
{
	tl_select_write(d, 2, dbt, true, test_write);
}

static uint8_t
host_form(const struct image_toc_track *t)
{
	return image_toc_track_is_data(t) ? MMC_CUE_FORM_MODE1 : MMC_CUE_FORM_AUDIO;
}

static uint8_t
gen_form(const struct image_toc_track *t)
{
	return image_toc_track_is_data(t) ? MMC_CUE_FORM_MODE1_GEN : MMC_CUE_FORM_AUDIO_GEN;
}

/*
 * The cue sheet of @toc, as cdrdao builds one: MCN, each track's ISRC,
 * pre-gaps and indexes. With @gen, the drive makes the pre-gaps after the
 * first. Returns its length.
 */
static size_t
sheet_of(const struct image_toc *toc, bool gen, uint8_t *out)
{
	uint8_t *p = out;
	const struct image_toc_track *first = &toc->track[toc->first_track];
	const struct image_toc_track *last = &toc->track[toc->last_track];

	if (toc->mcn[0]) {
		p[0] = 0x02;
		memcpy(p + 1, toc->mcn, 7);
		p[8] = 0x02;
		memcpy(p + 9, toc->mcn + 7, 6);
		p[15] = 0;
		p += 16;
	}
	p = tl_cue_entry(p, (uint8_t)(first->control << 4 | 1), 0, 0, gen_form(first), -150);
	for (unsigned n = toc->first_track; n <= toc->last_track; n++) {
		const struct image_toc_track *t = &toc->track[n];
		uint8_t ctl = (uint8_t)(t->control << 4);

		if (t->isrc[0]) {
			p[0] = ctl | 3;
			p[1] = (uint8_t)n;
			memcpy(p + 2, t->isrc, 6);
			p[8] = ctl | 3;
			p[9] = (uint8_t)n;
			memcpy(p + 10, t->isrc + 6, 6);
			p += 16;
		}
		if (t->pregap_lba < t->start_lba)
			p = tl_cue_entry(p, ctl | 1, (uint8_t)n, 0,
					 gen && n > toc->first_track ? gen_form(t) : host_form(t),
					 t->pregap_lba);
		for (unsigned i = 1; i <= t->index_count; i++)
			p = tl_cue_entry(p, ctl | 1, (uint8_t)n, (uint8_t)i, host_form(t),
					 t->index_lba[i]);
	}
	p = tl_cue_entry(p, (uint8_t)(last->control << 4 | 1), 0xaa, 1, gen_form(last),
			 toc->leadout_lba);
	return (size_t)(p - out);
}

static void
send_sheet(struct emu_drive *d, const uint8_t *sheet, size_t n, uint8_t key, uint8_t asc,
	   uint8_t ascq)
{
	struct mmc_cmd cmd;

	mmc_build_send_cue_sheet(&cmd, sheet, (uint32_t)n);
	tl_expect(d, &cmd, key, asc, ascq);
}

/*
 * Burns the content of @input session-at-once onto @d, the host's blocks
 * taken from the RAW stream of the same disc (audio as it is, a data
 * sector's 2048 user bytes), one WRITE per run of blocks of one size.
 */
static void
burn_sao(struct emu_drive *d, const char *input, bool gen)
{
	static uint8_t sheet[MMC_CUE_MAX_LEN], buf[TL_CHUNK * 2352];
	struct tl_stream s;
	const struct image_toc *toc;
	struct mmc_cue *cue = malloc(sizeof(*cue));
	struct mmc_sense_code sense;
	struct burn_error err;
	struct mmc_cmd cmd;
	size_t n, used = 0;
	int32_t first = 0, next = -150;
	unsigned size = 0;

	ck_assert_ptr_nonnull(cue);
	tl_stream_open(&s, input, CD_SECTOR_PQ);
	toc = tl_stream_toc(&s);
	n = sheet_of(toc, gen, sheet);
	ck_assert_int_eq(mmc_cue_parse(sheet, n, cue, &sense, NULL, 0), 0);
	select_sao(d, 8, false);
	send_sheet(d, sheet, n, 0, 0, 0);
	tl_stream_skip_to(&s, -150);
	for (int32_t lba = -150; lba <= toc->leadout_lba; lba++) {
		uint8_t sector[2368];
		unsigned bs = 0;
		int i;

		if (lba < toc->leadout_lba) {
			ck_assert_int_eq(image_encoder_next_sector(s.enc, sector, &err), 1);
			i = mmc_cue_point_of(cue, lba);
			bs = mmc_cue_form_block_size(cue->point[i].form);
		}
		if (used && (bs != size || lba != next || used + bs > sizeof(buf))) {
			mmc_build_write10(&cmd, first, (uint16_t)(used / size), buf, used);
			tl_good(d, &cmd);
			used = 0;
		}
		if (!bs)
			continue;
		if (!used) {
			first = lba;
			size = bs;
		}
		if (bs == 2048) {
			cd_sector_scramble(sector);
			memcpy(buf + used, sector + 16, 2048);
		} else {
			memcpy(buf + used, sector, 2352);
		}
		used += bs;
		next = lba + 1;
	}
	tl_sync_cache(d, false);
	tl_stream_close(&s);
	free(cue);
}

/* The RAW burn of @input with 16-byte P-Q (no CD-TEXT, which a cue sheet does not carry). */
static void
burn_raw(struct emu_drive *d, const char *input)
{
	struct tl_stream s;

	tl_stream_open(&s, input, CD_SECTOR_PQ);
	tl_select_raw(d, CD_SECTOR_PQ, true, false);
	tl_stream_skip_to(&s, TL_NWA_CDR80);
	tl_stream_write(d, &s, s.end);
	tl_sync_cache(d, false);
	tl_stream_close(&s);
}

static void
assert_same_file(const char *a_dir, const char *b_dir, const char *name)
{
	char *a = tl_path(a_dir, name), *b = tl_path(b_dir, name);
	size_t na, nb;
	uint8_t *da = tl_slurp(a, &na), *db = tl_slurp(b, &nb);

	ck_assert_msg(na == nb && memcmp(da, db, na) == 0, "%s differs: %zu and %zu bytes", name,
		      na, nb);
	free(da);
	free(db);
	free(a);
	free(b);
}

/* A Mode 1 track of @sectors (an ISO's first sectors), then the audio of tl_emu_audio_cue(). */
static char *
mixed_cue(unsigned sectors)
{
	char *iso = tl_path(tl_emu_work, "data.iso"), *cue = tl_path(tl_emu_work, "mixed.cue");
	char text[512];

	tl_emu_audio_cue();	/* makes audio.bin */
	tl_make_pvd_iso(iso, sectors, 20);
	snprintf(text, sizeof(text),
		 "CATALOG " TL_MCN "\nFILE \"data.iso\" BINARY\n  TRACK 01 MODE1/2048\n"
		 "    INDEX 01 00:00:00\nFILE \"audio.bin\" BINARY\n  TRACK 02 AUDIO\n"
		 "    ISRC " TL_ISRC "\n    PREGAP 00:02:00\n    INDEX 01 00:00:00\n");
	tl_write_text(cue, text);
	free(iso);
	return cue;
}

/* Issue 15 acceptance 2: SAO and RAW burns of the same content are the same disc. */
START_TEST(same_disc_as_raw)
{
	/* the audio fixture's pre-gap holds sound: the host sends it; the mixed disc's is silent */
	char *input = _i == 0 ? strdup(tl_emu_audio_cue()) : mixed_cue(400);
	char *sao_dir = tl_mkdtemp("sao");
	struct emu_config cfg = { .media = "cdr80" };
	struct emu_drive *sao;
	static const char *const files[] = { "disc.bin", "disc.sub", "disc.toc", "disc.cue" };

	burn_raw(tl_drive, input);
	sao = tl_emu_open_dir(sao_dir, &cfg);
	burn_sao(sao, input, _i == 2);
	emu_drive_close(sao);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		assert_same_file(tl_emu_dir, sao_dir, files[i]);
	tl_rmtree(sao_dir);
	free(sao_dir);
	free(input);
}
END_TEST

/* A data disc as wodim and cdrskin burn one; READ(10) gives the ISO back; Test Write keeps none. */
START_TEST(data_disc)
{
	char *input = mixed_cue(300);
	uint8_t sheet[64], *buf = malloc(300 * 2048), *iso;
	char *iso_path = tl_path(tl_emu_work, "data.iso");
	struct mmc_cmd cmd;
	size_t n, iso_len;
	uint8_t *p = sheet;

	ck_assert_ptr_nonnull(buf);
	iso = tl_slurp(iso_path, &iso_len);
	ck_assert_uint_eq(iso_len, 300 * 2048);
	p = tl_cue_entry(p, 0x41, 0, 0, 0x14, -150);
	p = tl_cue_entry(p, 0x41, 1, 0, 0x10, -150);
	p = tl_cue_entry(p, 0x41, 1, 1, 0x10, 0);
	p = tl_cue_entry(p, 0x41, 0xaa, 1, 0x14, 300);
	n = (size_t)(p - sheet);
	for (int test = 1; test >= 0; test--) {
		select_sao(tl_drive, 8, test);
		send_sheet(tl_drive, sheet, n, 0, 0, 0);
		memset(buf, 0, 150 * 2048);
		mmc_build_write10(&cmd, -150, 150, buf, 150 * 2048);
		tl_good(tl_drive, &cmd);
		mmc_build_write10(&cmd, 0, 300, iso, 300 * 2048);
		tl_good(tl_drive, &cmd);
		tl_sync_cache(tl_drive, false);
		ck_assert(tl_emu_has("disc.bin") != test);
	}
	tl_build_read10(&cmd, 0, 300, buf, 300 * 2048);
	tl_good(tl_drive, &cmd);
	ck_assert_mem_eq(buf, iso, 300 * 2048);
	free(iso_path);
	iso_path = tl_path(tl_emu_dir, "disc.toc");
	ck_assert_str_eq(tl_get(iso_path),
			 "burnfs-toc 1\nfirst 1\nlast 1\nleadout 300\ntrack 1 4 -150 0 300 1 1\n");
	free(iso_path);
	free(iso);
	free(buf);
	free(input);
}
END_TEST

/* What a drive answers out of sequence, out of place or to a bad sheet. */
START_TEST(refusals)
{
	uint8_t sheet[64], bad[64], block[4 * 2352] = { 0 };
	struct mmc_cmd cmd;
	uint8_t *p = sheet;
	size_t n;

	p = tl_cue_entry(p, 0x01, 0, 0, 0x01, -150);
	p = tl_cue_entry(p, 0x01, 1, 0, 0x00, -150);
	p = tl_cue_entry(p, 0x01, 1, 1, 0x00, 0);
	p = tl_cue_entry(p, 0x01, 0xaa, 1, 0x01, 300);
	n = (size_t)(p - sheet);
	/* Track-at-once takes Mode 1 and audio blocks, not raw ones (doc/reference/tao.md) */
	{
		struct mmc_page05 tao = { .write_type = 1, .data_block_type = 1 };
		uint8_t cur[128], list[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
		size_t len;

		mmc_build_mode_sense10(&cmd, 0x05, 0, cur, sizeof(cur));
		tl_good(tl_drive, &cmd);
		len = mmc_build_page05(&tao, cur + MMC_MODE_HEADER_LEN, MMC_PAGE05_LEN, list);
		mmc_build_mode_select10(&cmd, list, (uint16_t)len);
		tl_expect(tl_drive, &cmd, 5, 0x26, 0);
	}
	/* not in SAO (power-on TAO, then RAW): a cue sheet is out of sequence */
	send_sheet(tl_drive, sheet, n, 5, 0x2c, 0);
	tl_select_raw(tl_drive, CD_SECTOR_PQ, true, false);
	send_sheet(tl_drive, sheet, n, 5, 0x2c, 0);
	select_sao(tl_drive, 0, false);
	/* no cue sheet yet */
	mmc_build_write10(&cmd, -150, 1, block, 2352);
	tl_expect(tl_drive, &cmd, 5, 0x2c, 0);
	/* bad sheets: a half entry, no lead-out, a lead-out beyond the medium */
	send_sheet(tl_drive, sheet, n - 4, 5, 0x1a, 0);
	send_sheet(tl_drive, sheet, n - 8, 5, 0x26, 0);
	memcpy(bad, sheet, n);
	tl_cue_entry(bad + n - 8, 0x01, 0xaa, 1, 0x01, 360000);
	send_sheet(tl_drive, bad, n, 5, 0x26, 0);
	send_sheet(tl_drive, sheet, n, 0, 0, 0);
	/* the first WRITE starts at the first pre-gap, with 2352 bytes a block */
	mmc_build_write10(&cmd, 0, 1, block, 2352);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	mmc_build_write10(&cmd, -150, 2, block, 2 * 2048);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	mmc_build_write10(&cmd, -150, 4, block, 4 * 2352);
	tl_good(tl_drive, &cmd);
	/* the next one where the last ended, not past the lead-out */
	mmc_build_write10(&cmd, -150, 1, block, 2352);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	for (int32_t lba = -146; lba < 298; lba += 4) {
		mmc_build_write10(&cmd, lba, 4, block, 4 * 2352);
		tl_good(tl_drive, &cmd);
	}
	mmc_build_write10(&cmd, 298, 4, block, 4 * 2352);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x00);
	mmc_build_write10(&cmd, 298, 2, block, 2 * 2352);
	tl_good(tl_drive, &cmd);
	/* a new cue sheet while the session runs is out of sequence */
	send_sheet(tl_drive, sheet, n, 5, 0x2c, 0);
	mmc_build_write10(&cmd, 300, 1, block, 2352);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x00);
	tl_sync_cache(tl_drive, false);
	ck_assert(tl_emu_has("disc.bin"));
	/* a recorded CD-R takes no second session */
	send_sheet(tl_drive, sheet, n, 0, 0, 0);
	mmc_build_write10(&cmd, -150, 1, block, 2352);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
}
END_TEST

/* A session that stops before its lead-out leaves a ruined CD-R. */
START_TEST(stopped_short)
{
	uint8_t sheet[64], block[150 * 2352] = { 0 };
	struct mmc_cmd cmd;
	uint8_t *p = sheet;

	p = tl_cue_entry(p, 0x01, 0, 0, 0x01, -150);
	p = tl_cue_entry(p, 0x01, 1, 0, 0x00, -150);
	p = tl_cue_entry(p, 0x01, 1, 1, 0x00, 0);
	p = tl_cue_entry(p, 0x01, 0xaa, 1, 0x01, 300);
	select_sao(tl_drive, 0, false);
	send_sheet(tl_drive, sheet, (size_t)(p - sheet), 0, 0, 0);
	mmc_build_write10(&cmd, -150, 150, block, sizeof(block));
	tl_good(tl_drive, &cmd);
	tl_sync_cache(tl_drive, false);
	tl_check_ruined(tl_drive);
}
END_TEST

/* Data form C0h (audio with raw R-W): R-W as the host sent it, P and Q the drive's. */
START_TEST(host_rw)
{
	enum { CHUNK = 50 };
	uint8_t sheet[64], *p = sheet, *buf = malloc(CHUNK * 2448), q[SUBQ_SIZE];
	char *bin_path = tl_path(tl_emu_dir, "disc.bin"), *sub_path = tl_path(tl_emu_dir, "disc.sub");
	size_t bin_len, sub_len;
	uint8_t *bin, *sub;
	struct mmc_cmd cmd;
	bool pflag;

	ck_assert_ptr_nonnull(buf);
	p = tl_cue_entry(p, 0x01, 0, 0, 0x01, -150);
	p = tl_cue_entry(p, 0x01, 1, 0, 0xc0, -150);
	p = tl_cue_entry(p, 0x01, 1, 1, 0xc0, 0);
	p = tl_cue_entry(p, 0x01, 0xaa, 1, 0x01, 300);
	select_sao(tl_drive, 0, false);
	send_sheet(tl_drive, sheet, (size_t)(p - sheet), 0, 0, 0);
	for (int32_t lba = -150; lba < 300; lba += CHUNK) {
		for (unsigned i = 0; i < CHUNK; i++) {
			memset(buf + i * 2448, (uint8_t)(lba + 150 + (int32_t)i), 2352);
			memset(buf + i * 2448 + 2352, 0xff, 96);	/* P and Q set too: ignored */
		}
		mmc_build_write10(&cmd, lba, CHUNK, buf, CHUNK * 2448);
		tl_good(tl_drive, &cmd);
	}
	tl_sync_cache(tl_drive, false);
	bin = tl_slurp(bin_path, &bin_len);
	sub = tl_slurp(sub_path, &sub_len);
	ck_assert_uint_eq(bin_len, 300 * 2352);
	ck_assert_uint_eq(sub_len, 300 * 96);
	for (int32_t lba = 0; lba < 300; lba++) {
		const uint8_t *s = sub + (size_t)lba * 96;

		ck_assert_uint_eq(bin[(size_t)lba * 2352], (uint8_t)(lba + 150));
		for (unsigned i = 0; i < 96; i++)
			ck_assert_uint_eq(s[i] & 0x3f, 0x3f);
		ck_assert_int_eq(subchannel_extract_q(CD_SECTOR_RAW, s, q, &pflag), 0);
		ck_assert(!pflag);
		ck_assert_uint_eq(q[0], 0x01);	/* audio, ADR 1 */
		ck_assert_uint_eq(q[1], 0x01);	/* track 01 */
	}
	free(sub);
	free(bin);
	free(sub_path);
	free(bin_path);
	free(buf);
}
END_TEST

/* page 05h: SAO, Multi-session @multi (3: a next session allowed). */
static void
select_sao_multi(struct emu_drive *d, uint8_t multi)
{
	struct mmc_page05 want = { .write_type = 2, .data_block_type = 8, .bufe = true,
				   .multi_session = multi };

	tl_select_page05(d, &want);
}

/*
 * One Mode 1 track @tno of @blocks blocks whose pre-gap starts at @pregap,
 * as a session-at-once session: the cue sheet (expected to get
 * @key/@asc), then, when taken, its pre-gap and blocks (byte @fill) and
 * SYNCHRONIZE CACHE.
 */
static void
sao_session(struct emu_drive *d, uint8_t tno, int32_t pregap, uint32_t blocks, uint8_t fill,
	    uint8_t key, uint8_t asc)
{
	uint8_t sheet[64], *p = sheet, *buf = malloc(50 * CD_DATA_SIZE);
	int32_t at = pregap, end = pregap + 150 + (int32_t)blocks;
	struct mmc_cmd cmd;

	ck_assert_ptr_nonnull(buf);
	p = tl_cue_entry(p, 0x41, 0, 0, MMC_CUE_FORM_MODE1_GEN, -150);
	p = tl_cue_entry(p, 0x41, tno, 0, MMC_CUE_FORM_MODE1, pregap);
	p = tl_cue_entry(p, 0x41, tno, 1, MMC_CUE_FORM_MODE1, pregap + 150);
	p = tl_cue_entry(p, 0x41, 0xaa, 1, MMC_CUE_FORM_MODE1_GEN, end);
	send_sheet(d, sheet, (size_t)(p - sheet), key, asc, 0);
	if (key) {
		free(buf);
		return;
	}
	memset(buf, fill, 50 * CD_DATA_SIZE);
	for (; at < end; at += 50) {
		uint16_t n = end - at < 50 ? (uint16_t)(end - at) : 50;

		mmc_build_write10(&cmd, at, n, buf, (size_t)n * CD_DATA_SIZE);
		tl_good(d, &cmd);
	}
	tl_sync_cache(d, false);
	free(buf);
}

/*
 * A session-at-once session appended to a disc whose first session (SAO,
 * Multi-session 11b, lead-out at 100) left it appendable: the sheet must
 * number its track after the disc's and start its pre-gap inside the next
 * program area (from 100 + 6750 + 4500 on; cdrdao puts it 150 later, at
 * the NWA: doc/reference/tao.md §5), else 5/26/00.
 */
static const struct {
	const char *what;
	uint8_t tno;
	int32_t pregap;
	uint8_t key, asc;
} appended[] = {
	{ "pre-gap at the program area's start", 2, 100 + 11250, 0, 0 },
	{ "pre-gap at the NWA, as cdrdao sends it", 2, 100 + 11400, 0, 0 },
	{ "pre-gap inside the lead-in", 2, 100 + 11250 - 1, 5, 0x26 },
	{ "pre-gap at 00:00:00, as for a first session", 2, -150, 5, 0x26 },
	{ "track 3 after track 1", 3, 100 + 11250, 5, 0x26 },
	{ "track 1 again", 1, 100 + 11250, 5, 0x26 },
};

START_TEST(append)
{
	char *toc_path = tl_path(tl_emu_dir, "disc.toc");
	int32_t start = appended[_i].pregap + 150;
	uint8_t sector[CD_DATA_SIZE], want[CD_DATA_SIZE];
	struct mmc_cmd cmd;
	char line[96];

	select_sao_multi(tl_drive, 3);
	sao_session(tl_drive, 1, -150, 100, 0x11, 0, 0);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_INCOMPLETE);
	select_sao_multi(tl_drive, 0);
	sao_session(tl_drive, appended[_i].tno, appended[_i].pregap, 60, 0x22, appended[_i].key,
		    appended[_i].asc);
	if (appended[_i].key) {
		/* refused: the disc is as it was */
		ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_INCOMPLETE);
		free(toc_path);
		return;
	}
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_COMPLETE);
	snprintf(line, sizeof(line), "track 2 4 %d %d %d 1 2\n", appended[_i].pregap, start,
		 start + 60);
	ck_assert_ptr_nonnull(strstr(tl_get(toc_path), line));
	memset(want, 0x22, sizeof(want));
	tl_build_read10(&cmd, start + 59, 1, sector, sizeof(sector));
	tl_good(tl_drive, &cmd);
	ck_assert_mem_eq(sector, want, sizeof(want));
	memset(want, 0x11, sizeof(want));
	tl_build_read10(&cmd, 99, 1, sector, sizeof(sector));
	tl_good(tl_drive, &cmd);
	ck_assert_mem_eq(sector, want, sizeof(want));
	free(toc_path);
}
END_TEST

static Suite *
emu_sao_suite(void)
{
	Suite *s = suite_create("emu-sao");
	TCase *tc = tl_emu_tcase(s, "cdr80");

	tcase_add_loop_test(tc, same_disc_as_raw, 0, 3);
	TL_TESTS(tc, data_disc, refusals, stopped_short, host_rw);
	tcase_add_loop_test(tc, append, 0, sizeof(appended) / sizeof(appended[0]));
	return s;
}

TL_MAIN(emu_sao_suite)
