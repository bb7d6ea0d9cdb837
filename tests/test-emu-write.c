/*
 * The emulated recorder as a CD writer: raw streams made by image_encoder
 * (an ISO made here with genisoimage, a three-track audio cue/bin) are
 * written through WRITE(10) from the NWA like IMAPI does, then the disc is
 * checked from both ends: the files in DIR (cd-info reads the cue, the data
 * and audio equal the inputs) and the drive's own READ TOC / READ CD /
 * READ(10). Then every refusal and the session rules; a burn that goes
 * wrong (broken streams, pacing, faults) is test-emu-faults.c.
 */
#include "config.h"

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

#define NWA_CDRW80 (-11775)
#define OP_WRITE_12 0xaa

/* Writes the whole of @input from the NWA and synchronizes. */
static void
burn(struct emu_drive *d, const char *input, enum cd_sector_type type, int32_t nwa, bool immed,
     struct tl_stream *s)
{
	tl_stream_open(s, input, type);
	/* the 16-byte form once with each CRC form: drives accept both (doc/reference/mmc.md §10.4) */
	s->plain_crc = type == CD_SECTOR_PQ && !immed;
	tl_select_raw(d, type, true, false);
	tl_stream_skip_to(s, nwa);
	tl_stream_write(d, s, s->end);
	tl_sync_cache(d, immed);
}

static off_t
dir_size(const char *name)
{
	char *p = tl_path(tl_emu_dir, name);
	struct stat sb;

	ck_assert_msg(stat(p, &sb) == 0, "%s: %s", p, strerror(errno));
	free(p);
	return sb.st_size;
}

/* Sector @lba of disc.bin (2352) or disc.sub (96). */
static void
dir_read(const char *name, int32_t lba, uint8_t *out, size_t size)
{
	char *p = tl_path(tl_emu_dir, name);
	int fd = open(p, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, out, size, (off_t)lba * (off_t)size), (ssize_t)size);
	close(fd);
	free(p);
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
	char *cue = tl_path(tl_emu_dir, "disc.cue"), *cmdline, line[512], want[64];
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
	char *cue = tl_path(tl_emu_dir, "disc.cue"), line[256];
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
			ck_assert_int_ne(type, CD_SECTOR_PQ);
			continue;
		}
		ck_assert_uint_lt(i, sizeof(want) / sizeof(want[0]));
		ck_assert_str_eq(line, want[i]);
		i++;
	}
	ck_assert_uint_eq(i, sizeof(want) / sizeof(want[0]));
	ck_assert_int_eq(cdtext, type != CD_SECTOR_PQ);
	fclose(f);
	free(cue);
}

static const enum cd_sector_type types[] = { CD_SECTOR_PQ, CD_SECTOR_COOKED, CD_SECTOR_RAW };

/* ---- the ISO ---- */

static char *
make_data_iso(void)
{
	char *src = tl_path(tl_emu_work, "tree"), *iso = tl_path(tl_emu_work, "data.iso"), *file, *cmdline;
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
	tl_build_read10(&cmd, 0, 4, user, sizeof(user));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, sizeof(user));
	ck_assert(memcmp(user, in, sizeof(in)) == 0);
	fseek(f, 16 * 2048, SEEK_SET);
	ck_assert_uint_eq(fread(in, 1, 2048, f), 2048);
	tl_build_read10(&cmd, 16, 1, user, sizeof(user));
	tl_good(d, &cmd);
	ck_assert(memcmp(user, in, 2048) == 0);
	ck_assert(memcmp(user + 1, "CD001", 5) == 0);
	tl_build_read10(&cmd, toc->leadout_lba, 1, user, sizeof(user));
	tl_expect(d, &cmd, 5, 0x21, 0);
	fclose(f);
	check_cd_info(1, true);
	check_read_cd(d, toc->leadout_lba, true);
}

START_TEST(record_iso)
{
	char *iso = make_data_iso();
	struct tl_stream s;
	struct mmc_config cfg;
	uint8_t buf[1024];

	if (!iso) {
		fprintf(stderr, "# genisoimage missing: ISO recording not tested\n");
		return;
	}
	/* one sector type per loop; IMMED on every other one */
	burn(tl_drive, iso, types[_i], TL_NWA_CDR80, _i % 2 == 1, &s);
	ck_assert(tl_emu_has("disc.cue") && tl_emu_has("disc.bin") && tl_emu_has("disc.sub"));
	ck_assert(!tl_emu_has("rec.bin") && !tl_emu_has("rec.sub"));
	tl_check_toc(tl_drive, tl_stream_toc(&s));
	check_iso_disc(tl_drive, iso, tl_stream_toc(&s));
	/* a complete disc: still a CD-R, now readable */
	tl_get_config(tl_drive, 0, 0, buf, sizeof(buf), &cfg);
	ck_assert_uint_eq(cfg.current_profile, MMC_PROFILE_CDR);
	for (size_t i = 0; i < cfg.n_features; i++)
		if (cfg.features[i].code == 0x0010 || cfg.features[i].code == 0x001e)
			ck_assert(cfg.features[i].current);
	/* the state survives a new handle */
	tl_emu_reopen(NULL, 0);
	tl_check_toc(tl_drive, tl_stream_toc(&s));
	tl_stream_close(&s);
	free(iso);
}
END_TEST

START_TEST(record_audio)
{
	const char *cue = tl_emu_audio_cue();
	char *bin = tl_path(tl_emu_work, "audio.bin");
	uint8_t in[2352], got[2352 * 2];
	const struct image_toc *toc;
	struct mmc_cmd cmd;
	struct tl_stream s;
	FILE *f;

	burn(tl_drive, cue, types[_i], TL_NWA_CDR80, _i == 2, &s);
	toc = tl_stream_toc(&s);
	ck_assert_uint_eq(toc->last_track, 3);
	tl_check_toc(tl_drive, toc);
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
	check_read_cd(tl_drive, toc->leadout_lba, false);
	/* READ CD user data of audio: 2352 bytes; READ(10) of audio: illegal mode */
	build_read_cd(&cmd, 1, TL_T1_SECTORS, 2, 0x10, 0, got, sizeof(got));
	tl_good(tl_drive, &cmd);
	ck_assert_uint_eq(cmd.xfer, 2 * 2352);
	dir_read("disc.bin", TL_T1_SECTORS + 1, in, sizeof(in));
	ck_assert(memcmp(got + 2352, in, 2352) == 0);
	tl_build_read10(&cmd, 0, 1, got, sizeof(got));
	tl_expect(tl_drive, &cmd, 5, 0x64, 0);
	/* a CD-R records once */
	tl_select_raw(tl_drive, types[_i], true, false);
	mmc_build_write10(&cmd, TL_NWA_CDR80, 1, got, s.size);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	mmc_build_blank(&cmd, 1, false);
	tl_expect(tl_drive, &cmd, 5, 0x30, 0x05);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_COMPLETE);
	tl_stream_close(&s);
	free(bin);
}
END_TEST

START_TEST(refusals)
{
	const char *cue = tl_emu_audio_cue();
	struct mmc_track_info ti;
	struct mmc_cmd cmd;
	uint8_t buf[64];
	struct tl_stream s;

	tl_stream_open(&s, cue, CD_SECTOR_RAW);
	tl_stream_skip_to(&s, TL_NWA_CDR80);
	tl_stream_take(&s, 2);
	/* TAO (the power-on write type) of Mode 1: 2448-byte blocks are not its 2048 */
	mmc_build_write10(&cmd, 0, 2, s.buf, 2 * 2448);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	tl_select_raw(tl_drive, CD_SECTOR_RAW, true, false);
	/* the NWA is what READ TRACK INFORMATION says */
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, 36);
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(mmc_parse_track_info(buf, cmd.xfer, &ti), 0);
	ck_assert_int_eq(ti.nwa, TL_NWA_CDR80);
	mmc_build_write10(&cmd, TL_NWA_CDR80 + 1, 2, s.buf, 2 * 2448);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	mmc_build_write10(&cmd, 0, 2, s.buf, 2 * 2448);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	/* the data-out length must be blocks x 2448 */
	mmc_build_write10(&cmd, TL_NWA_CDR80, 2, s.buf, 2 * 2448 - 1);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	mmc_build_write10(&cmd, TL_NWA_CDR80, 2, s.buf, 2 * 2368);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	/* a WRITE of no blocks writes nothing */
	mmc_build_write10(&cmd, TL_NWA_CDR80, 0, NULL, 0);
	tl_good(tl_drive, &cmd);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_EMPTY);
	/* WRITE(12) at the NWA starts the session */
	memset(&cmd, 0, sizeof(cmd));
	cmd.cdb[0] = OP_WRITE_12;
	cmd.cdb_len = 12;
	mmc_put32(cmd.cdb + 2, (uint32_t)TL_NWA_CDR80);
	mmc_put32(cmd.cdb + 6, 2);
	cmd.dir = MMC_DIR_OUT;
	cmd.buf = s.buf;
	cmd.len = 2 * 2448;
	tl_good(tl_drive, &cmd);
	/* then strictly sequential: not again, not skipping */
	tl_stream_take(&s, 2);
	mmc_build_write10(&cmd, TL_NWA_CDR80, 2, s.buf, 2 * 2448);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	mmc_build_write10(&cmd, TL_NWA_CDR80 + 3, 2, s.buf, 2 * 2448);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	mmc_build_write10(&cmd, TL_NWA_CDR80 + 2, 2, s.buf, 2 * 2448);
	tl_good(tl_drive, &cmd);
	/* the block size cannot change in the middle of a stream */
	tl_select_raw(tl_drive, CD_SECTOR_PQ, true, false);
	mmc_build_write10(&cmd, TL_NWA_CDR80 + 4, 1, s.buf, 2368);
	tl_expect(tl_drive, &cmd, 5, 0x2c, 0);
	tl_stream_close(&s);

	/* a pressed disc is not writable */
	tl_emu_reopen("cdrom", 0);
	tl_select_raw(tl_drive, CD_SECTOR_RAW, true, false);
	mmc_build_write10(&cmd, TL_NWA_CDR80, 1, buf, 2448);
	tl_expect(tl_drive, &cmd, 5, 0x30, 0x05);
}
END_TEST

START_TEST(test_write_records_nothing)
{
	struct mmc_cmd cmd;
	uint8_t buf[64];
	struct tl_stream s;

	tl_stream_begin(tl_drive, &s, CD_SECTOR_PQ, true, true);
	tl_stream_write(tl_drive, &s, 0);
	/* the checks run all the same */
	mmc_build_write10(&cmd, 5, 1, s.buf, 2368);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	tl_stream_write(tl_drive, &s, s.end);
	tl_sync_cache(tl_drive, false);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_EMPTY);
	ck_assert(!tl_emu_has("disc.cue") && !tl_emu_has("disc.bin") && !tl_emu_has("rec.bin"));
	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	tl_stream_close(&s);
}
END_TEST

START_TEST(cdrw_rerecordable)
{
	const char *cue = tl_emu_audio_cue();
	struct mmc_cmd cmd;
	struct tl_stream s;

	burn(tl_drive, cue, CD_SECTOR_COOKED, NWA_CDRW80, false, &s);
	tl_stream_close(&s);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_COMPLETE);
	/* used: no second recording on top */
	tl_select_raw(tl_drive, CD_SECTOR_COOKED, true, false);
	mmc_build_write10(&cmd, NWA_CDRW80, 0, NULL, 0);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	/* unpaced, BLANK with IMMED is over at once */
	mmc_build_blank(&cmd, 1, true);
	tl_good(tl_drive, &cmd);
	ck_assert_uint_eq(tl_wait_ready(tl_drive), 0);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_EMPTY);
	ck_assert(!tl_emu_has("disc.cue") && !tl_emu_has("disc.bin") && !tl_emu_has("disc.sub"));
	burn(tl_drive, cue, CD_SECTOR_RAW, NWA_CDRW80, true, &s);
	tl_check_toc(tl_drive, tl_stream_toc(&s));
	check_cd_info(3, false);
	tl_stream_close(&s);
}
END_TEST

START_TEST(cdrom_reads)
{
	uint8_t buf[2352 + 96], zero[2048] = { 0 };
	struct mmc_cmd cmd;

	tl_build_read10(&cmd, 100, 1, buf, 2048);
	tl_good(tl_drive, &cmd);
	ck_assert(memcmp(buf, zero, 2048) == 0);
	build_read_cd(&cmd, 2, 100, 1, 0xf8, 1, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	ck_assert_uint_eq(cmd.xfer, sizeof(buf));
	ck_assert_uint_eq(buf[15], 1);	/* Mode 1 header */
	tl_build_read10(&cmd, 5 * 4500, 1, buf, 2048);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0);
}
END_TEST

static Suite *
emu_write_suite(void)
{
	Suite *s = suite_create("emu-write");
	TCase *tc = tl_emu_tcase(s, "cdr80");

	tcase_add_loop_test(tc, record_iso, 0, 3);
	tcase_add_loop_test(tc, record_audio, 0, 3);
	TL_TESTS(tc, refusals, test_write_records_nothing);
	TL_TESTS(tl_emu_tcase(s, "cdrw80"), cdrw_rerecordable);
	TL_TESTS(tl_emu_tcase(s, "cdrom"), cdrom_reads);
	return s;
}

TL_MAIN(emu_write_suite)
