/*
 * The emulated recorder as a CD writer: raw streams made by image_encoder
 * (an ISO made here with genisoimage, a three-track audio cue/bin) are
 * written through WRITE(10) from the NWA like IMAPI does, then the disc is
 * checked from both ends: the files in DIR (cd-info reads the cue, the data
 * and audio equal the inputs) and the drive's own READ TOC / READ CD /
 * READ(10). Then every refusal, the session rules, pacing and faults.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cd.h"
#include "emu.h"
#include "image-disc.h"
#include "image-encoder.h"
#include "mmc.h"
#include "subchannel.h"
#include "tl-emu.h"
#include "tl-harness.h"
#include "tl-image.h"

#define NWA_CDR80 (-11634)
#define NWA_CDRW80 (-11775)
#define CHUNK 26		/* sectors per WRITE: about 64 KB, like cdrdao */
#define OP_WRITE_12 0xaa

static char *dir;	/* the drive */
static char *work;	/* inputs */

static void
setup(void)
{
	dir = tl_mkdtemp("emuw");
	work = tl_mkdtemp("emuw-in");
}

static void
teardown(void)
{
	tl_rmtree(dir);
	tl_rmtree(work);
	free(dir);
	free(work);
	dir = work = NULL;
}

static struct emu_drive *
drive_open_cfg(const struct emu_config *cfg)
{
	struct emu_drive *d = NULL;
	struct burn_error e;

	ck_assert_msg(emu_drive_open(dir, cfg, &d, &e) == 0, "open: %s", e.reason);
	return d;
}

static struct emu_drive *
drive_open(const char *media)
{
	struct emu_config cfg = { .media = media };

	return drive_open_cfg(&cfg);
}

/* Page 05: RAW with data block type @dbt. */
static void
select_raw(struct emu_drive *d, enum cd_sector_type dbt, bool bufe, bool test_write)
{
	struct mmc_page05 want = { .write_type = 3, .data_block_type = (uint8_t)dbt,
				   .bufe = bufe, .test_write = test_write };
	uint8_t cur[128], list[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
	struct mmc_cmd cmd;
	size_t len;

	mmc_build_mode_sense10(&cmd, 0x05, 0, cur, sizeof(cur));
	tl_good(d, &cmd);
	len = mmc_build_page05(&want, cur + MMC_MODE_HEADER_LEN, MMC_PAGE05_LEN, list);
	mmc_build_mode_select10(&cmd, list, (uint16_t)len);
	tl_good(d, &cmd);
}

/* ---- streams ---- */

struct stream {
	struct image_disc *disc;
	struct image_encoder *enc;
	enum cd_sector_type type;
	unsigned size;
	int32_t lba;		/* of the next sector */
	int32_t end;		/* one past the last sector */
	uint8_t *buf;		/* CHUNK sectors */
	bool plain_crc;		/* 16-byte P-Q, CRC not inverted (as cdrdao sends it) */
};

static void
stream_open(struct stream *s, const char *input, enum cd_sector_type type)
{
	struct burn_error err;

	memset(s, 0, sizeof(*s));
	ck_assert_msg(image_disc_open(&s->disc, &input, 1, 0, &err) == 0, "%s", err.reason);
	ck_assert_msg(image_encoder_create(&s->enc, s->disc, type, IMAGE_DEFAULT_LEAD_IN,
					   &err) == 0, "%s", err.reason);
	s->type = type;
	s->size = cd_sector_type_size(type);
	s->lba = -IMAGE_DEFAULT_LEAD_IN;
	s->end = s->lba + (int32_t)image_encoder_total_sectors(s->enc);
	s->buf = malloc((size_t)CHUNK * s->size);
	ck_assert_ptr_nonnull(s->buf);
}

static void
stream_close(struct stream *s)
{
	image_encoder_destroy(s->enc);
	image_disc_destroy(s->disc);
	free(s->buf);
}

static const struct image_toc *
stream_toc(const struct stream *s)
{
	return image_disc_toc(s->disc);
}

/* Skips the stream up to @lba, as IMAPI skips what lies before the media's lead-in. */
static void
stream_skip_to(struct stream *s, int32_t lba)
{
	struct burn_error err;

	while (s->lba < lba) {
		ck_assert_int_eq(image_encoder_next_sector(s->enc, s->buf, &err), 1);
		s->lba++;
	}
}

/*
 * Writes the stream from where it is up to @until (exclusive; the stream's
 * end at most) in WRITE(10)s of CHUNK sectors, each expected to be GOOD.
 */
static void
stream_write(struct emu_drive *d, struct stream *s, int32_t until)
{
	struct burn_error err;
	struct mmc_cmd cmd;

	if (until > s->end)
		until = s->end;
	while (s->lba < until) {
		int32_t first = s->lba;
		uint16_t n = 0;

		while (n < CHUNK && s->lba < until) {
			uint8_t *sector = s->buf + (size_t)n * s->size;

			ck_assert_int_eq(image_encoder_next_sector(s->enc, sector, &err), 1);
			if (s->plain_crc) {
				sector[CD_MAIN_SIZE + 10] ^= 0xff;
				sector[CD_MAIN_SIZE + 11] ^= 0xff;
			}
			n++;
			s->lba++;
		}
		mmc_build_write10(&cmd, first, n, s->buf, (size_t)n * s->size);
		tl_good(d, &cmd);
	}
}

/* Reads the next @n sectors into the chunk buffer without writing them. */
static void
stream_take(struct stream *s, uint16_t n)
{
	struct burn_error err;

	for (uint16_t i = 0; i < n; i++)
		ck_assert_int_eq(image_encoder_next_sector(s->enc, s->buf + (size_t)i * s->size,
							   &err), 1);
	s->lba += n;
}

/* Polls TEST UNIT READY past 2/04/08 (long write in progress); returns how often it was busy. */
static unsigned
wait_ready(struct emu_drive *d)
{
	struct mmc_cmd cmd;
	unsigned busy = 0;

	for (int i = 0; i < 6000; i++) {
		mmc_build_test_unit_ready(&cmd);
		ck_assert_int_eq(emu_drive_exec(d, &cmd), 0);
		if (cmd.status == MMC_STATUS_GOOD)
			return busy;
		ck_assert_uint_eq(cmd.sense[2] & 0x0f, 2);
		ck_assert_uint_eq(cmd.sense[12], 0x04);
		ck_assert(cmd.sense[13] == 0x08 || cmd.sense[13] == 0x07);
		busy++;
		tl_sleep_ms(10);
	}
	ck_abort_msg("the drive stayed busy");
	return busy;
}

static void
sync_cache(struct emu_drive *d, bool immed)
{
	struct mmc_cmd cmd;

	mmc_build_synchronize_cache(&cmd, immed);
	tl_good(d, &cmd);
	if (immed)
		wait_ready(d);
}

/* Writes the whole of @input from the NWA and synchronizes. */
static void
burn(struct emu_drive *d, const char *input, enum cd_sector_type type, int32_t nwa, bool immed,
     struct stream *s)
{
	stream_open(s, input, type);
	/* the 16-byte form once with each CRC form: drives accept both (doc/reference/mmc.md §10.4) */
	s->plain_crc = type == CD_SECTOR_PQ && !immed;
	select_raw(d, type, true, false);
	stream_skip_to(s, nwa);
	stream_write(d, s, s->end);
	sync_cache(d, immed);
}

static enum mmc_disc_status
disc_status(struct emu_drive *d)
{
	struct mmc_disc_info di;
	struct mmc_cmd cmd;
	uint8_t buf[64];

	mmc_build_read_disc_info(&cmd, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_disc_info(buf, cmd.xfer, &di), 0);
	return di.status;
}

static bool
dir_has(const char *name)
{
	char *p = tl_path(dir, name);
	bool there = access(p, F_OK) == 0;

	free(p);
	return there;
}

static off_t
dir_size(const char *name)
{
	char *p = tl_path(dir, name);
	struct stat sb;

	ck_assert_msg(stat(p, &sb) == 0, "%s: %s", p, strerror(errno));
	free(p);
	return sb.st_size;
}

/* Sector @lba of disc.bin (2352) or disc.sub (96). */
static void
dir_read(const char *name, int32_t lba, uint8_t *out, size_t size)
{
	char *p = tl_path(dir, name);
	int fd = open(p, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, out, size, (off_t)lba * (off_t)size), (ssize_t)size);
	close(fd);
	free(p);
}

static void
build_read10(struct mmc_cmd *cmd, int32_t lba, uint16_t n, void *buf, size_t len)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->cdb[0] = MMC_READ_10;
	cmd->cdb_len = 10;
	mmc_put32(cmd->cdb + 2, (uint32_t)lba);
	mmc_put16(cmd->cdb + 7, n);
	cmd->dir = MMC_DIR_IN;
	cmd->buf = buf;
	cmd->len = len;
}

static void
build_read_cd(struct mmc_cmd *cmd, uint8_t expected, int32_t lba, uint32_t n, uint8_t b9,
	      uint8_t sub, void *buf, size_t len)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->cdb[0] = MMC_READ_CD;
	cmd->cdb_len = 12;
	cmd->cdb[1] = (uint8_t)(expected << 2);
	mmc_put32(cmd->cdb + 2, (uint32_t)lba);
	cmd->cdb[6] = (uint8_t)(n >> 16);
	cmd->cdb[7] = (uint8_t)(n >> 8);
	cmd->cdb[8] = (uint8_t)n;
	cmd->cdb[9] = b9;
	cmd->cdb[10] = sub;
	cmd->dir = MMC_DIR_IN;
	cmd->buf = buf;
	cmd->len = len;
}

/* cd-info reads DIR/disc.cue; its output must name every track. */
static void
check_cd_info(unsigned tracks, bool data)
{
	char *cue = tl_path(dir, "disc.cue"), *cmdline, line[512], want[64];
	bool found = false, iso = false;
	FILE *p;

	if (system("command -v cd-info >/dev/null 2>&1") != 0) {
		free(cue);
		return;	/* libcdio-utils missing: the other checks still run */
	}
	ck_assert_int_gt(asprintf(&cmdline, "cd-info --no-device-info --no-cddb --cue-file '%s' "
				  "2>&1", cue), 0);
	snprintf(want, sizeof(want), "CD-ROM Track List (1 - %u)", tracks);
	p = popen(cmdline, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, want))
			found = true;
		if (strstr(line, "CD-ROM with ISO 9660 filesystem"))
			iso = true;
	}
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(found, "cd-info did not list %u tracks", tracks);
	ck_assert(iso == data);
	free(cmdline);
	free(cue);
}

/* The drive's READ TOC / TRACK INFO / DISC INFO against the TOC the stream carried. */
static void
check_toc(struct emu_drive *d, const struct image_toc *want)
{
	struct mmc_disc_info di;
	struct mmc_track_info ti;
	struct mmc_toc toc;
	struct mmc_cmd cmd;
	uint8_t buf[2048];
	size_t n;

	mmc_build_read_disc_info(&cmd, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_disc_info(buf, cmd.xfer, &di), 0);
	ck_assert_int_eq(di.status, MMC_DISC_COMPLETE);
	ck_assert_uint_eq(di.last_session_state, 3);
	ck_assert_uint_eq(di.first_track, want->first_track);
	ck_assert(!di.leadin_valid && !di.leadout_valid);
	ck_assert_uint_eq(buf[6], want->last_track);

	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_toc(buf, cmd.xfer, &toc), 0);
	ck_assert_uint_eq(toc.first_track, want->first_track);
	ck_assert_uint_eq(toc.last_track, want->last_track);
	ck_assert_uint_eq(toc.n_entries, want->last_track - want->first_track + 2);
	for (unsigned t = want->first_track; t <= want->last_track; t++) {
		const struct mmc_toc_entry *e = &toc.entries[t - want->first_track];

		ck_assert_uint_eq(e->track, t);
		ck_assert_uint_eq(e->adr, 1);
		ck_assert_uint_eq(e->control, want->track[t].control);
		ck_assert_int_eq(e->lba, want->track[t].start_lba);

		mmc_build_read_track_info(&cmd, 1, t, buf, 36);
		tl_good(d, &cmd);
		ck_assert_int_eq(mmc_parse_track_info(buf, cmd.xfer, &ti), 0);
		ck_assert_uint_eq(ti.track, t);
		ck_assert_int_eq(ti.start, want->track[t].start_lba);
		ck_assert_uint_eq(ti.size, (uint32_t)(want->track[t].end_lba -
						      want->track[t].start_lba));
		ck_assert(!ti.blank && !ti.nwa_valid);
	}
	ck_assert_uint_eq(toc.entries[toc.n_entries - 1].track, 0xaa);
	ck_assert_int_eq(toc.entries[toc.n_entries - 1].lba, want->leadout_lba);

	/* MSF form: the lead-out as M S F */
	mmc_build_read_toc(&cmd, 0, true, 0xaa, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, 12);
	{
		struct cd_msf m = cd_lba_to_msf(want->leadout_lba);

		ck_assert(buf[9] == m.m && buf[10] == m.s && buf[11] == m.f);
	}
	/* format 1: the first track of the (only) session */
	mmc_build_read_toc(&cmd, 1, false, 0, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, 12);
	ck_assert_uint_eq(buf[6], want->first_track);
	ck_assert_int_eq((int32_t)mmc_get32(buf + 8), want->track[want->first_track].start_lba);
	/* format 2: A0 A1 A2 and each track, ADR/CONTROL as recorded */
	mmc_build_read_toc(&cmd, 2, true, 0, buf, sizeof(buf));
	tl_good(d, &cmd);
	n = 3 + want->last_track - want->first_track + 1;
	ck_assert_uint_eq(cmd.xfer, 4 + 11 * n);
	ck_assert_uint_eq(buf[4 + 3], 0xa0);
	ck_assert_uint_eq(buf[4 + 8], want->first_track);
	ck_assert_uint_eq(buf[4 + 11 + 3], 0xa1);
	ck_assert_uint_eq(buf[4 + 11 + 8], want->last_track);
	ck_assert_uint_eq(buf[4 + 22 + 3], 0xa2);
	for (unsigned t = want->first_track; t <= want->last_track; t++) {
		const uint8_t *e = buf + 4 + 11 * (3 + t - want->first_track);
		struct cd_msf m = cd_lba_to_msf(want->track[t].start_lba);

		ck_assert_uint_eq(e[1], 0x10 | want->track[t].control);
		ck_assert_uint_eq(e[3], t);
		ck_assert(e[8] == m.m && e[9] == m.s && e[10] == m.f);
	}
}

/* READ CD of a few sectors against disc.bin / disc.sub; @data: a Mode 1 disc. */
static void
check_read_cd(struct emu_drive *d, int32_t leadout, bool data)
{
	const int32_t lbas[] = { 0, 1, 16, leadout / 2, leadout - 1 };
	uint8_t got[4 * (2352 + 96)], want[2352], sub[96], q[SUBQ_SIZE];
	struct mmc_cmd cmd;

	for (size_t i = 0; i < sizeof(lbas) / sizeof(lbas[0]); i++) {
		int32_t lba = lbas[i];
		struct subq sq;

		dir_read("disc.bin", lba, want, 2352);
		dir_read("disc.sub", lba, sub, 96);
		/* all 2352 bytes with the raw P-W */
		build_read_cd(&cmd, 0, lba, 1, 0xf8, 1, got, sizeof(got));
		tl_good(d, &cmd);
		ck_assert_uint_eq(cmd.xfer, 2352 + 96);
		ck_assert(memcmp(got, want, 2352) == 0);
		ck_assert(memcmp(got + 2352, sub, 96) == 0);
		/* user data with the formatted Q */
		build_read_cd(&cmd, data ? 2 : 1, lba, 1, 0x10, 2, got, sizeof(got));
		tl_good(d, &cmd);
		ck_assert_uint_eq(cmd.xfer, (data ? 2048u : 2352u) + 16);
		ck_assert(memcmp(got, data ? want + 16 : want, data ? 2048 : 2352) == 0);
		memcpy(q, got + cmd.xfer - 16, SUBQ_SIZE);
		ck_assert(subq_crc_ok(q));
		ck_assert_int_eq(subq_parse(q, &sq), 0);
		if (sq.adr == SUBQ_ADR_POSITION)
			ck_assert_int_eq(sq.lba, lba);
		/* the other sector type is refused */
		build_read_cd(&cmd, data ? 1 : 2, lba, 1, 0x10, 0, got, sizeof(got));
		tl_expect(d, &cmd, 5, 0x64, 0);
	}
	/* several at once, no sub-channel */
	build_read_cd(&cmd, 0, 0, 4, 0xf8, 0, got, sizeof(got));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, 4 * 2352);
	dir_read("disc.bin", 3, want, 2352);
	ck_assert(memcmp(got + 3 * 2352, want, 2352) == 0);
	build_read_cd(&cmd, 0, leadout, 1, 0xf8, 0, got, sizeof(got));
	tl_expect(d, &cmd, 5, 0x21, 0);
	build_read_cd(&cmd, 0, leadout - 1, 2, 0xf8, 0, got, sizeof(got));
	tl_expect(d, &cmd, 5, 0x21, 0);
}

/* disc.cue of the audio fixture: what the Q sub-channel carried, in cue words */
static void
check_audio_cue(enum cd_sector_type type)
{
	static const char *const want[] = {
		"CATALOG " TL_MCN "\n",
		"FILE \"disc.bin\" BINARY\n",
		"  TRACK 01 AUDIO\n",
		"    INDEX 01 00:00:00\n",
		"  TRACK 02 AUDIO\n",
		"    ISRC " TL_ISRC "\n",
		"    INDEX 00 00:13:25\n",
		"    INDEX 01 00:15:25\n",
		"  TRACK 03 AUDIO\n",
		"    FLAGS DCP\n",
		"    INDEX 01 00:26:00\n",
		"    INDEX 02 00:30:00\n",
	};
	char *cue = tl_path(dir, "disc.cue"), line[256];
	FILE *f = fopen(cue, "r");
	size_t i = 0;

	bool cdtext = false;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert(strncmp(line, "REM ", 4) == 0);
	while (fgets(line, sizeof(line), f)) {
		/* CD-TEXT rides in the lead-in's R-W, which only raw streams carry */
		if (strstr(line, "TITLE \"") || strstr(line, "PERFORMER \"")) {
			cdtext = cdtext || strcmp(line, "TITLE \"Test Album\"\n") == 0;
			ck_assert_int_eq(type, CD_SECTOR_RAW);
			continue;
		}
		ck_assert_uint_lt(i, sizeof(want) / sizeof(want[0]));
		ck_assert_str_eq(line, want[i]);
		i++;
	}
	ck_assert_uint_eq(i, sizeof(want) / sizeof(want[0]));
	ck_assert_int_eq(cdtext, type == CD_SECTOR_RAW);
	fclose(f);
	free(cue);
}

static const enum cd_sector_type types[] = { CD_SECTOR_PQ, CD_SECTOR_COOKED, CD_SECTOR_RAW };

/* ---- the ISO ---- */

static char *
make_data_iso(void)
{
	char *src = tl_path(work, "tree"), *iso = tl_path(work, "data.iso"), *file, *cmdline;
	uint8_t block[4096];
	FILE *f;

	if (system("command -v genisoimage >/dev/null 2>&1") != 0) {
		free(src);
		free(iso);
		return NULL;
	}
	ck_assert_int_eq(mkdir(src, 0755), 0);
	file = tl_path(src, "payload.dat");
	f = fopen(file, "wb");
	ck_assert_ptr_nonnull(f);
	/* 800 KB: a track longer than the 4 s minimum */
	for (unsigned i = 0; i < 200; i++) {
		for (size_t j = 0; j < sizeof(block); j++)
			block[j] = tl_iso_byte((uint64_t)i * sizeof(block) + j);
		ck_assert_uint_eq(fwrite(block, 1, sizeof(block), f), sizeof(block));
	}
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_gt(asprintf(&cmdline, "genisoimage -quiet -V BURNFS_TEST -o '%s' '%s'", iso,
				  src), 0);
	ck_assert_int_eq(system(cmdline), 0);
	free(cmdline);
	free(file);
	free(src);
	return iso;
}

static void
check_iso_disc(struct emu_drive *d, const char *iso, const struct image_toc *toc)
{
	uint8_t sector[2352], user[2048 * 4], in[2048 * 4];
	struct mmc_cmd cmd;
	FILE *f = fopen(iso, "rb");
	int32_t lba = 0;
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(dir_size("disc.bin"), (off_t)toc->leadout_lba * 2352);
	ck_assert_int_eq(dir_size("disc.sub"), (off_t)toc->leadout_lba * 96);
	/* the user data of every sector equals the ISO, byte for byte */
	while ((n = fread(in, 1, 2048, f)) == 2048) {
		dir_read("disc.bin", lba, sector, sizeof(sector));
		ck_assert_msg(memcmp(sector + 16, in, 2048) == 0, "LBA %d differs", lba);
		lba++;
	}
	ck_assert_uint_eq(n, 0);
	ck_assert_int_le(lba, toc->leadout_lba);
	/* READ(10) too */
	rewind(f);
	ck_assert_uint_eq(fread(in, 1, sizeof(in), f), sizeof(in));
	build_read10(&cmd, 0, 4, user, sizeof(user));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, sizeof(user));
	ck_assert(memcmp(user, in, sizeof(in)) == 0);
	fseek(f, 16 * 2048, SEEK_SET);
	ck_assert_uint_eq(fread(in, 1, 2048, f), 2048);
	build_read10(&cmd, 16, 1, user, sizeof(user));
	tl_good(d, &cmd);
	ck_assert(memcmp(user, in, 2048) == 0);
	ck_assert(memcmp(user + 1, "CD001", 5) == 0);
	build_read10(&cmd, toc->leadout_lba, 1, user, sizeof(user));
	tl_expect(d, &cmd, 5, 0x21, 0);
	fclose(f);
	check_cd_info(1, true);
	check_read_cd(d, toc->leadout_lba, true);
}

START_TEST(record_iso)
{
	char *iso = make_data_iso();
	struct emu_drive *d;
	struct stream s;
	struct mmc_config cfg;
	struct mmc_cmd cmd;
	uint8_t buf[1024];

	if (!iso) {
		fprintf(stderr, "# genisoimage missing: ISO recording not tested\n");
		return;
	}
	d = drive_open("cdr80");
	/* one sector type per loop; IMMED on every other one */
	burn(d, iso, types[_i], NWA_CDR80, _i % 2 == 1, &s);
	ck_assert(dir_has("disc.cue") && dir_has("disc.bin") && dir_has("disc.sub"));
	ck_assert(!dir_has("rec.bin") && !dir_has("rec.sub"));
	check_toc(d, stream_toc(&s));
	check_iso_disc(d, iso, stream_toc(&s));
	/* a complete disc: still a CD-R, now readable */
	mmc_build_get_configuration(&cmd, 0, 0, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_configuration(buf, cmd.xfer, &cfg), 0);
	ck_assert_uint_eq(cfg.current_profile, MMC_PROFILE_CDR);
	for (size_t i = 0; i < cfg.n_features; i++)
		if (cfg.features[i].code == 0x0010 || cfg.features[i].code == 0x001e)
			ck_assert(cfg.features[i].current);
	/* the state survives a new handle */
	emu_drive_close(d);
	d = drive_open(NULL);
	check_toc(d, stream_toc(&s));
	stream_close(&s);
	emu_drive_close(d);
	free(iso);
}
END_TEST

START_TEST(record_audio)
{
	char *cue = tl_make_audio_cue(work), *bin = tl_path(work, "audio.bin");
	uint8_t in[2352], got[2352 * 2];
	struct emu_drive *d = drive_open("cdr80");
	const struct image_toc *toc;
	struct mmc_cmd cmd;
	struct stream s;
	FILE *f;

	burn(d, cue, types[_i], NWA_CDR80, _i == 2, &s);
	toc = stream_toc(&s);
	ck_assert_uint_eq(toc->last_track, 3);
	check_toc(d, toc);
	/* the audio equals the input byte for byte: the .bin from LBA 0 is the disc's */
	ck_assert_int_eq(dir_size("disc.bin"), (off_t)TL_AUDIO_SECTORS * 2352);
	f = fopen(bin, "rb");
	ck_assert_ptr_nonnull(f);
	for (int32_t lba = 0; lba < TL_AUDIO_SECTORS; lba++) {
		uint8_t disc[2352];

		ck_assert_uint_eq(fread(in, 1, sizeof(in), f), sizeof(in));
		dir_read("disc.bin", lba, disc, sizeof(disc));
		ck_assert_msg(memcmp(disc, in, sizeof(in)) == 0, "LBA %d differs", lba);
	}
	fclose(f);
	check_audio_cue(types[_i]);
	check_cd_info(3, false);
	check_read_cd(d, toc->leadout_lba, false);
	/* READ CD user data of audio: 2352 bytes; READ(10) of audio: illegal mode */
	build_read_cd(&cmd, 1, TL_T1_SECTORS, 2, 0x10, 0, got, sizeof(got));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, 2 * 2352);
	dir_read("disc.bin", TL_T1_SECTORS + 1, in, sizeof(in));
	ck_assert(memcmp(got + 2352, in, 2352) == 0);
	build_read10(&cmd, 0, 1, got, sizeof(got));
	tl_expect(d, &cmd, 5, 0x64, 0);
	/* a CD-R records once */
	select_raw(d, types[_i], true, false);
	mmc_build_write10(&cmd, NWA_CDR80, 1, got, s.size);
	tl_expect(d, &cmd, 5, 0x21, 0x02);
	mmc_build_blank(&cmd, 1, false);
	tl_expect(d, &cmd, 5, 0x30, 0x05);
	ck_assert_int_eq(disc_status(d), MMC_DISC_COMPLETE);
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
	free(bin);
}
END_TEST

START_TEST(refusals)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_drive *d = drive_open("cdr80");
	struct mmc_track_info ti;
	struct mmc_cmd cmd;
	uint8_t buf[64];
	struct stream s;

	stream_open(&s, cue, CD_SECTOR_RAW);
	stream_skip_to(&s, NWA_CDR80);
	stream_take(&s, 2);
	/* TAO (the power-on write type): only RAW recording is modelled */
	mmc_build_write10(&cmd, 0, 2, s.buf, 2 * 2448);
	tl_expect(d, &cmd, 5, 0x2c, 0);
	select_raw(d, CD_SECTOR_RAW, true, false);
	/* the NWA is what READ TRACK INFORMATION says */
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, 36);
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_track_info(buf, cmd.xfer, &ti), 0);
	ck_assert_int_eq(ti.nwa, NWA_CDR80);
	mmc_build_write10(&cmd, NWA_CDR80 + 1, 2, s.buf, 2 * 2448);
	tl_expect(d, &cmd, 5, 0x21, 0x02);
	mmc_build_write10(&cmd, 0, 2, s.buf, 2 * 2448);
	tl_expect(d, &cmd, 5, 0x21, 0x02);
	/* the data-out length must be blocks x 2448 */
	mmc_build_write10(&cmd, NWA_CDR80, 2, s.buf, 2 * 2448 - 1);
	tl_expect(d, &cmd, 5, 0x24, 0);
	mmc_build_write10(&cmd, NWA_CDR80, 2, s.buf, 2 * 2368);
	tl_expect(d, &cmd, 5, 0x24, 0);
	/* a WRITE of no blocks writes nothing */
	mmc_build_write10(&cmd, NWA_CDR80, 0, NULL, 0);
	tl_good(d, &cmd);
	ck_assert_int_eq(disc_status(d), MMC_DISC_EMPTY);
	/* WRITE(12) at the NWA starts the session */
	memset(&cmd, 0, sizeof(cmd));
	cmd.cdb[0] = OP_WRITE_12;
	cmd.cdb_len = 12;
	mmc_put32(cmd.cdb + 2, (uint32_t)NWA_CDR80);
	mmc_put32(cmd.cdb + 6, 2);
	cmd.dir = MMC_DIR_OUT;
	cmd.buf = s.buf;
	cmd.len = 2 * 2448;
	tl_good(d, &cmd);
	/* then strictly sequential: not again, not skipping */
	stream_take(&s, 2);
	mmc_build_write10(&cmd, NWA_CDR80, 2, s.buf, 2 * 2448);
	tl_expect(d, &cmd, 5, 0x21, 0x02);
	mmc_build_write10(&cmd, NWA_CDR80 + 3, 2, s.buf, 2 * 2448);
	tl_expect(d, &cmd, 5, 0x21, 0x02);
	mmc_build_write10(&cmd, NWA_CDR80 + 2, 2, s.buf, 2 * 2448);
	tl_good(d, &cmd);
	/* the block size cannot change in the middle of a stream */
	select_raw(d, CD_SECTOR_PQ, true, false);
	mmc_build_write10(&cmd, NWA_CDR80 + 4, 1, s.buf, 2368);
	tl_expect(d, &cmd, 5, 0x2c, 0);
	stream_close(&s);
	emu_drive_close(d);

	/* a pressed disc is not writable */
	d = drive_open("cdrom");
	select_raw(d, CD_SECTOR_RAW, true, false);
	mmc_build_write10(&cmd, NWA_CDR80, 1, buf, 2448);
	tl_expect(d, &cmd, 5, 0x30, 0x05);
	emu_drive_close(d);
	free(cue);
}
END_TEST

START_TEST(cdrom_reads)
{
	struct emu_drive *d = drive_open("cdrom");
	uint8_t buf[2352 + 96], zero[2048] = { 0 };
	struct mmc_cmd cmd;

	build_read10(&cmd, 100, 1, buf, 2048);
	tl_good(d, &cmd);
	ck_assert(memcmp(buf, zero, 2048) == 0);
	build_read_cd(&cmd, 2, 100, 1, 0xf8, 1, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, sizeof(buf));
	ck_assert_uint_eq(buf[15], 1);	/* Mode 1 header */
	build_read10(&cmd, 5 * 4500, 1, buf, 2048);
	tl_expect(d, &cmd, 5, 0x21, 0);
	emu_drive_close(d);
}
END_TEST

START_TEST(test_write_records_nothing)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_drive *d = drive_open("cdr80");
	struct mmc_cmd cmd;
	uint8_t buf[64];
	struct stream s;

	stream_open(&s, cue, CD_SECTOR_PQ);
	select_raw(d, CD_SECTOR_PQ, true, true);
	stream_skip_to(&s, NWA_CDR80);
	stream_write(d, &s, 0);
	/* the checks run all the same */
	mmc_build_write10(&cmd, 5, 1, s.buf, 2368);
	tl_expect(d, &cmd, 5, 0x21, 0x02);
	stream_write(d, &s, s.end);
	sync_cache(d, false);
	ck_assert_int_eq(disc_status(d), MMC_DISC_EMPTY);
	ck_assert(!dir_has("disc.cue") && !dir_has("disc.bin") && !dir_has("rec.bin"));
	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	tl_expect(d, &cmd, 5, 0x24, 0);
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
}
END_TEST

START_TEST(cdrw_rerecordable)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_drive *d = drive_open("cdrw80");
	struct mmc_cmd cmd;
	struct stream s;

	burn(d, cue, CD_SECTOR_COOKED, NWA_CDRW80, false, &s);
	stream_close(&s);
	ck_assert_int_eq(disc_status(d), MMC_DISC_COMPLETE);
	/* used: no second recording on top */
	select_raw(d, CD_SECTOR_COOKED, true, false);
	mmc_build_write10(&cmd, NWA_CDRW80, 0, NULL, 0);
	tl_expect(d, &cmd, 5, 0x21, 0x02);
	/* unpaced, BLANK with IMMED is over at once */
	mmc_build_blank(&cmd, 1, true);
	tl_good(d, &cmd);
	ck_assert_uint_eq(wait_ready(d), 0);
	ck_assert_int_eq(disc_status(d), MMC_DISC_EMPTY);
	ck_assert(!dir_has("disc.cue") && !dir_has("disc.bin") && !dir_has("disc.sub"));
	burn(d, cue, CD_SECTOR_RAW, NWA_CDRW80, true, &s);
	check_toc(d, stream_toc(&s));
	check_cd_info(3, false);
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
}
END_TEST

/* After a recording that did not reach its lead-out's end: a ruined CD-R. */
static void
check_ruined(struct emu_drive *d)
{
	struct mmc_cmd cmd;
	uint8_t buf[2352];

	ck_assert_int_eq(disc_status(d), MMC_DISC_INCOMPLETE);
	ck_assert(!dir_has("disc.cue") && !dir_has("disc.bin") && !dir_has("rec.bin"));
	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	tl_expect(d, &cmd, 5, 0x24, 0);
	build_read10(&cmd, 0, 1, buf, 2048);
	tl_expect(d, &cmd, 5, 0x21, 0);
	select_raw(d, CD_SECTOR_RAW, true, false);
	mmc_build_write10(&cmd, NWA_CDR80, 1, buf, 0);
	tl_expect(d, &cmd, 5, 0x24, 0);
	mmc_build_write10(&cmd, NWA_CDR80, 0, NULL, 0);
	tl_expect(d, &cmd, 5, 0x21, 0x02);
}

START_TEST(incomplete_stream)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_drive *d = drive_open("cdr80");
	struct stream s;

	stream_open(&s, cue, CD_SECTOR_RAW);
	select_raw(d, CD_SECTOR_RAW, true, false);
	stream_skip_to(&s, NWA_CDR80);
	/* everything but the last part of the lead-out */
	stream_write(d, &s, s.end - 100);
	ck_assert(dir_has("rec.bin") && dir_has("rec.sub"));
	ck_assert_int_eq(disc_status(d), MMC_DISC_INCOMPLETE);
	sync_cache(d, true);
	check_ruined(d);
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
}
END_TEST

START_TEST(closed_without_sync)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_drive *d = drive_open("cdr80");
	struct stream s;

	stream_open(&s, cue, CD_SECTOR_RAW);
	select_raw(d, CD_SECTOR_RAW, true, false);
	stream_skip_to(&s, NWA_CDR80);
	stream_write(d, &s, NWA_CDR80 + 500);
	emu_drive_close(d);
	d = drive_open(NULL);
	check_ruined(d);
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
}
END_TEST

START_TEST(writer_died)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_drive *d = drive_open("cdr80");
	int pipefd[2], status;
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct emu_drive *w = NULL;
		struct burn_error e;
		struct stream s;

		if (emu_drive_open(dir, NULL, &w, &e) < 0)
			_exit(1);
		stream_open(&s, cue, CD_SECTOR_RAW);
		select_raw(w, CD_SECTOR_RAW, true, false);
		stream_skip_to(&s, NWA_CDR80);
		stream_write(w, &s, NWA_CDR80 + 300);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();	/* killed in the middle of its stream */
		_exit(0);
	}
	close(pipefd[1]);
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	/* while it lives, the session is its: others wait */
	{
		struct mmc_cmd cmd;

		mmc_build_test_unit_ready(&cmd);
		tl_expect(d, &cmd, 2, 0x04, 0x08);
	}
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	check_ruined(d);
	emu_drive_close(d);
	free(cue);
}
END_TEST

/*
 * A session whose pid now names another process (pid reuse, a reboot) is
 * stale too: DIR/drive.state gets a different start time for the owner.
 */
START_TEST(writer_pid_reused)
{
	char *cue = tl_make_audio_cue(work), *state = tl_path(dir, "drive.state");
	struct emu_drive *a = drive_open("cdr80"), *b = drive_open(NULL);
	char text[4096], *line, *last;
	struct mmc_cmd cmd;
	struct stream s;
	size_t n;
	FILE *f;

	stream_open(&s, cue, CD_SECTOR_RAW);
	select_raw(a, CD_SECTOR_RAW, true, false);
	stream_skip_to(&s, NWA_CDR80);
	stream_write(a, &s, NWA_CDR80 + 100);
	mmc_build_test_unit_ready(&cmd);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	f = fopen(state, "r+");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	line = strstr(text, "\nsession ");
	ck_assert_ptr_nonnull(line);
	last = strchr(line + 1, '\n');
	ck_assert_ptr_nonnull(last);
	while (last[-1] != ' ')
		last--;
	last[0] = last[0] == '7' ? '8' : '7';	/* another start time */
	rewind(f);
	ck_assert_uint_eq(fwrite(text, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	check_ruined(b);
	/* the old writer has lost its session */
	stream_take(&s, 1);
	mmc_build_write10(&cmd, NWA_CDR80 + 100, 1, s.buf, 2448);
	tl_expect(a, &cmd, 5, 0x21, 0x02);
	stream_close(&s);
	emu_drive_close(a);
	emu_drive_close(b);
	free(state);
	free(cue);
}
END_TEST

START_TEST(other_handle_waits)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_drive *a = drive_open("cdr80"), *b = drive_open(NULL);
	struct mmc_cmd cmd;
	uint8_t buf[1024];
	struct stream s;

	stream_open(&s, cue, CD_SECTOR_PQ);
	select_raw(a, CD_SECTOR_PQ, true, false);
	stream_skip_to(&s, NWA_CDR80);
	stream_write(a, &s, NWA_CDR80 + 100);
	/* held off: long write in progress */
	mmc_build_test_unit_ready(&cmd);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_read_disc_info(&cmd, buf, sizeof(buf));
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, 36);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_write10(&cmd, NWA_CDR80 + 100, 1, s.buf, 2368);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_blank(&cmd, 1, false);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_start_stop(&cmd, true, false, false);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	/* still answered */
	mmc_build_inquiry(&cmd, buf, 96);
	tl_good(b, &cmd);
	mmc_build_get_configuration(&cmd, 0, 0, buf, sizeof(buf));
	tl_good(b, &cmd);
	mmc_build_mode_sense10(&cmd, 0x2a, 0, buf, sizeof(buf));
	tl_good(b, &cmd);
	mmc_build_get_performance_write_speeds(&cmd, 8, buf, sizeof(buf));
	tl_good(b, &cmd);
	mmc_build_get_event_status(&cmd, 0x10, buf, 8);
	tl_good(b, &cmd);
	mmc_build_request_sense(&cmd, buf, 18);
	tl_good(b, &cmd);
	/* the recording handle goes on */
	stream_write(a, &s, s.end);
	sync_cache(a, false);
	mmc_build_test_unit_ready(&cmd);
	tl_good(b, &cmd);
	ck_assert_int_eq(disc_status(b), MMC_DISC_COMPLETE);
	stream_close(&s);
	emu_drive_close(a);
	emu_drive_close(b);
	free(cue);
}
END_TEST

static uint32_t
buffer_available(struct emu_drive *d)
{
	struct mmc_cmd cmd;
	uint8_t buf[12];

	mmc_build_read_buffer_capacity(&cmd, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(mmc_get32(buf + 4), 2048 * 1024);
	return mmc_get32(buf + 8);
}

/*
 * Underrun: fill the buffer exactly (the drive starts burning when it is
 * full), stall long enough for 1000x to empty it, then write again.
 */
START_TEST(underrun)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_config cfg = { .media = "cdr80", .speed = 1000 };
	struct emu_drive *d = drive_open_cfg(&cfg);
	bool bufe = _i == 1;
	uint32_t cap = 2048 * 1024 / 2448;
	struct mmc_cmd cmd;
	struct stream s;

	stream_open(&s, cue, CD_SECTOR_RAW);
	select_raw(d, CD_SECTOR_RAW, bufe, false);
	stream_skip_to(&s, NWA_CDR80);
	ck_assert_uint_eq(buffer_available(d), 2048 * 1024);
	stream_write(d, &s, NWA_CDR80 + CHUNK);
	/* not burning yet: the fill is what was sent */
	ck_assert_uint_eq(buffer_available(d), 2048 * 1024 - CHUNK * 2448);
	stream_write(d, &s, NWA_CDR80 + (int32_t)cap);
	tl_sleep_ms(300);	/* 856 sectors at 75000/s: gone after 12 ms */
	ck_assert_uint_eq(buffer_available(d), 2048 * 1024);
	stream_take(&s, CHUNK);
	mmc_build_write10(&cmd, s.lba - CHUNK, CHUNK, s.buf, CHUNK * 2448);
	if (!bufe) {
		/* loss of streaming: the CD-R is ruined */
		tl_expect(d, &cmd, 3, 0x0c, 0x09);
		check_ruined(d);
	} else {
		/* BUFE: the drive paused and goes on */
		tl_good(d, &cmd);
		stream_write(d, &s, s.end);
		sync_cache(d, true);
		ck_assert_int_eq(disc_status(d), MMC_DISC_COMPLETE);
		check_toc(d, stream_toc(&s));
	}
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
}
END_TEST

/* Paced, a SYNCHRONIZE CACHE with IMMED leaves the drive busy while its buffer drains. */
START_TEST(paced_sync_immed)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_config cfg = { .media = "cdr80", .speed = 2 };
	struct emu_drive *d = drive_open_cfg(&cfg);
	struct mmc_sense sense;
	struct mmc_cmd cmd;
	uint8_t buf[18];
	struct stream s;

	stream_open(&s, cue, CD_SECTOR_RAW);
	select_raw(d, CD_SECTOR_RAW, true, false);
	stream_skip_to(&s, NWA_CDR80);
	/* 200 sectors wait in the buffer: 1.3 s of burning at 2x */
	stream_write(d, &s, NWA_CDR80 + 200);
	ck_assert_uint_eq(buffer_available(d), 2048 * 1024 - 200 * 2448);
	mmc_build_synchronize_cache(&cmd, true);
	tl_good(d, &cmd);
	mmc_build_test_unit_ready(&cmd);
	tl_expect(d, &cmd, 2, 0x04, 0x08);
	mmc_build_request_sense(&cmd, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_sense_parse(buf, cmd.xfer, &sense), 0);
	ck_assert(sense.key == 2 && sense.asc == 0x04 && sense.ascq == 0x08);
	ck_assert_uint_gt(wait_ready(d), 0);
	check_ruined(d);	/* the stream was cut short */
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
}
END_TEST

START_TEST(paced_blank_immed)
{
	struct emu_config cfg = { .media = "cdrw80", .speed = 60 };
	struct emu_drive *d = drive_open_cfg(&cfg);
	struct mmc_sense sense;
	struct mmc_cmd cmd;
	uint8_t buf[18];

	/* minimal blank: 30 s at 1x, 0.5 s at 60x */
	mmc_build_blank(&cmd, 1, true);
	tl_good(d, &cmd);
	mmc_build_request_sense(&cmd, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_sense_parse(buf, cmd.xfer, &sense), 0);
	ck_assert(sense.key == 2 && sense.asc == 0x04 && sense.ascq == 0x07);
	ck_assert(buf[15] & 0x80);	/* SKSV: progress in bytes 16-17 */
	ck_assert_uint_gt(wait_ready(d), 0);
	ck_assert_int_eq(disc_status(d), MMC_DISC_EMPTY);
	emu_drive_close(d);
}
END_TEST

START_TEST(fault_parse)
{
	struct emu_config cfg = { 0 };

	ck_assert_int_eq(emu_fault_parse("write_error@1234+no_rw", &cfg), 0);
	ck_assert_uint_eq(cfg.faults, EMU_FAULT_WRITE_ERROR | EMU_FAULT_NO_RW);
	ck_assert_int_eq(cfg.write_error_lba, 1234);
	ck_assert_int_eq(emu_fault_parse("removed@-100+unit_attention@7", &cfg), 0);
	ck_assert_int_eq(cfg.removed_lba, -100);
	ck_assert_int_eq(cfg.unit_attention_lba, 7);
	ck_assert_uint_eq(cfg.faults, EMU_FAULT_WRITE_ERROR | EMU_FAULT_NO_RW |
			  EMU_FAULT_REMOVED | EMU_FAULT_UNIT_ATTENTION);
	ck_assert_int_eq(emu_fault_parse("write_error", &cfg), -EINVAL);
	ck_assert_int_eq(emu_fault_parse("write_error@", &cfg), -EINVAL);
	ck_assert_int_eq(emu_fault_parse("write_error@12x", &cfg), -EINVAL);
	ck_assert_int_eq(emu_fault_parse("no_rw@5", &cfg), -EINVAL);
	ck_assert_int_eq(emu_fault_parse("removed@99999999", &cfg), -EINVAL);
}
END_TEST

START_TEST(fault_write_error)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_config cfg = { .media = "cdr80" };
	struct emu_drive *d;
	struct mmc_cmd cmd;
	struct stream s;

	ck_assert_int_eq(emu_fault_parse("write_error@100", &cfg), 0);
	d = drive_open_cfg(&cfg);
	stream_open(&s, cue, CD_SECTOR_RAW);
	select_raw(d, CD_SECTOR_RAW, true, false);
	stream_skip_to(&s, NWA_CDR80);
	stream_write(d, &s, 90);
	stream_take(&s, CHUNK);	/* 90..115 covers 100 */
	mmc_build_write10(&cmd, 90, CHUNK, s.buf, CHUNK * 2448);
	tl_expect(d, &cmd, 3, 0x0c, 0x00);
	check_ruined(d);
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
}
END_TEST

START_TEST(fault_removed)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_config cfg = { .media = "cdr80" };
	struct emu_drive *d;
	struct mmc_cmd cmd;
	struct stream s;

	ck_assert_int_eq(emu_fault_parse("removed@-10", &cfg), 0);
	d = drive_open_cfg(&cfg);
	stream_open(&s, cue, CD_SECTOR_RAW);
	select_raw(d, CD_SECTOR_RAW, true, false);
	stream_skip_to(&s, NWA_CDR80);
	stream_write(d, &s, -CHUNK);
	stream_take(&s, CHUNK);	/* -26..-1 reaches -10 */
	mmc_build_write10(&cmd, -CHUNK, CHUNK, s.buf, CHUNK * 2448);
	tl_expect(d, &cmd, 2, 0x3a, 0x00);
	mmc_build_test_unit_ready(&cmd);
	tl_expect(d, &cmd, 2, 0x3a, 0x00);
	mmc_build_write10(&cmd, 0, CHUNK, s.buf, CHUNK * 2448);
	tl_expect(d, &cmd, 2, 0x3a, 0x00);
	/* until a load: then the (ruined) disc is back */
	mmc_build_start_stop(&cmd, true, true, false);
	tl_good(d, &cmd);
	mmc_build_test_unit_ready(&cmd);
	tl_good(d, &cmd);
	check_ruined(d);
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
}
END_TEST

START_TEST(fault_unit_attention)
{
	char *cue = tl_make_audio_cue(work);
	struct emu_config cfg = { .media = "cdr80" };
	struct emu_drive *d;
	struct mmc_cmd cmd;
	uint8_t buf[96];
	struct stream s;

	ck_assert_int_eq(emu_fault_parse("unit_attention@-50", &cfg), 0);
	d = drive_open_cfg(&cfg);
	stream_open(&s, cue, CD_SECTOR_PQ);
	select_raw(d, CD_SECTOR_PQ, true, false);
	stream_skip_to(&s, NWA_CDR80);
	stream_write(d, &s, -50 + 1);	/* this WRITE reaches -50 and succeeds */
	/* INQUIRY passes a unit attention; the next other command gets it, once */
	mmc_build_inquiry(&cmd, buf, sizeof(buf));
	tl_good(d, &cmd);
	mmc_build_test_unit_ready(&cmd);
	tl_expect(d, &cmd, 6, 0x29, 0x00);
	mmc_build_test_unit_ready(&cmd);
	tl_good(d, &cmd);
	/* the stream goes on to a complete disc */
	stream_write(d, &s, s.end);
	sync_cache(d, false);
	ck_assert_int_eq(disc_status(d), MMC_DISC_COMPLETE);
	stream_close(&s);
	emu_drive_close(d);
	free(cue);
}
END_TEST

static Suite *
emu_write_suite(void)
{
	Suite *s = suite_create("emu-write");
	TCase *tc = tcase_create("recording");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, record_iso, 0, 3);
	tcase_add_loop_test(tc, record_audio, 0, 3);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, cdrom_reads);
	tcase_add_test(tc, test_write_records_nothing);
	tcase_add_test(tc, cdrw_rerecordable);
	tcase_add_test(tc, incomplete_stream);
	tcase_add_test(tc, closed_without_sync);
	tcase_add_test(tc, writer_died);
	tcase_add_test(tc, writer_pid_reused);
	tcase_add_test(tc, other_handle_waits);
	tcase_add_loop_test(tc, underrun, 0, 2);
	tcase_add_test(tc, paced_sync_immed);
	tcase_add_test(tc, paced_blank_immed);
	tcase_add_test(tc, fault_parse);
	tcase_add_test(tc, fault_write_error);
	tcase_add_test(tc, fault_removed);
	tcase_add_test(tc, fault_unit_attention);
	suite_add_tcase(s, tc);
	return s;
}

TL_MAIN(emu_write_suite)
