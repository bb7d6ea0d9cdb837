/*
 * core/emu/emu-read.c: what readers (cd-info, cd-paranoia, readom, the
 * kernel's sr driver) ask of a recorded disc: READ CAPACITY, READ CD by
 * LBA and by MSF, READ SUB-CHANNEL (position, MCN, ISRC), the corrupt@ and
 * unreadable@ faults, and capabilities that claim only what is answered;
 * then core/drive/recorder-disc.c reading the same discs back through the
 * emulator's transport, as burnfs's disc/ does.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "digest.h"
#include "image-cdtext.h"
#include "image-copy.h"
#include "mmc-read.h"
#include "recorder-disc.h"
#include "tl-cd-verify.h"
#include "tl-emu.h"
#include "tl-harness.h"
#include "tl-image.h"

#define PRESSED_LEADOUT (5 * 60 * 75)	/* a pressed "cdrom": one 5-minute Mode 1 track */
#define ISO_SECTORS 400

/* Sector types whose stream carries the Q the host made, MCN and ISRC frames included. */
static const enum cd_sector_type q_types[] = { CD_SECTOR_PQ, CD_SECTOR_RAW };

/* Burns @input as @type onto a fresh 80-minute CD-R of a drive opened with @faults. */
static struct emu_drive *
burn(const char *input, enum cd_sector_type type, const struct emu_config *faults,
     struct tl_stream *s)
{
	struct emu_config cfg = faults ? *faults : (struct emu_config){ 0 };
	struct emu_drive *d;

	cfg.media = "cdr80";
	d = tl_emu_open_cfg(&cfg);
	tl_stream_open(s, input, type);
	tl_select_raw(d, type, true, false);
	tl_stream_skip_to(s, TL_NWA_CDR80);
	tl_stream_write(d, s, s->end);
	tl_sync_cache(d, false);
	return d;
}

/* The audio fixture (three tracks, MCN, an ISRC on track 2) burned as @type. */
static struct emu_drive *
burn_audio(enum cd_sector_type type, const struct emu_config *faults, struct tl_stream *s)
{
	char *cue = tl_make_audio_cue(tl_emu_work);
	struct emu_drive *d = burn(cue, type, faults, s);

	free(cue);
	return d;
}

/* A fake ISO of ISO_SECTORS burned cooked; its path (malloc'ed) in *@iso. */
static struct emu_drive *
burn_iso(const struct emu_config *faults, struct tl_stream *s, char **iso)
{
	*iso = tl_path(tl_emu_work, "data.iso");
	tl_make_pvd_iso(*iso, ISO_SECTORS, ISO_SECTORS);
	return burn(*iso, CD_SECTOR_COOKED, faults, s);
}

/* Sector @lba of the audio fixture's .bin, as recorded from LBA 0. */
static void
audio_sector(int32_t lba, uint8_t *out)
{
	for (size_t i = 0; i < CD_MAIN_SIZE; i++)
		out[i] = tl_audio_byte((uint64_t)lba * CD_MAIN_SIZE + i);
}

/* READ CAPACITY on @d: expected GOOD, the last LBA returned, block length 2048. */
static int32_t
capacity(struct emu_drive *d)
{
	uint8_t r[8];
	struct mmc_cmd cmd;
	uint32_t block;
	int32_t last;

	mmc_build_read_capacity(&cmd, r, sizeof(r));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_capacity(r, cmd.xfer, &last, &block), 0);
	ck_assert_uint_eq(block, CD_DATA_SIZE);
	return last;
}

START_TEST(read_capacity)
{
	struct emu_drive *d = tl_emu_open("cdr80");
	struct tl_stream s;
	uint8_t r[8];
	struct mmc_cmd cmd;

	/* a blank disc has no complete session: 0, as drives report it */
	ck_assert_int_eq(capacity(d), 0);
	emu_drive_close(d);
	d = tl_emu_open("cdrom");
	ck_assert_int_eq(capacity(d), PRESSED_LEADOUT - 1);
	emu_drive_close(d);
	d = tl_emu_open("none");
	mmc_build_read_capacity(&cmd, r, sizeof(r));
	tl_expect(d, &cmd, 2, 0x3a, 1);	/* no medium, tray closed */
	emu_drive_close(d);
	d = burn_audio(CD_SECTOR_RAW, NULL, &s);
	ck_assert_int_eq(capacity(d), tl_stream_toc(&s)->leadout_lba - 1);
	tl_stream_close(&s);
	emu_drive_close(d);
}
END_TEST

/* READ SUB-CHANNEL of @format (@track for ISRC) into @r (24 bytes), expected GOOD. */
static void
sub_channel(struct emu_drive *d, uint8_t format, uint8_t track, uint8_t *r)
{
	struct mmc_cmd cmd;

	memset(r, 0xee, 24);
	mmc_build_read_sub_channel(&cmd, format, track, r, 24);
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, format == MMC_SUBQ_POSITION ? 16 : 24);
	ck_assert_uint_eq(r[1], 0x15);	/* no audio status */
	ck_assert_uint_eq(r[4], format);
	ck_assert_uint_eq(mmc_get16(r + 2), cmd.xfer - 4);
}

START_TEST(sub_channel_mcn_isrc)
{
	struct tl_stream s;
	struct emu_drive *d = burn_audio(q_types[_i], NULL, &s);
	const struct image_toc *toc = tl_stream_toc(&s);
	struct mmc_mcn mcn;
	uint8_t r[24];

	/* the MCN as the host's Q carried it, and as the kernel's CDROM_GET_MCN parses it */
	sub_channel(d, MMC_SUBQ_MCN, 0, r);
	ck_assert_int_eq(mmc_parse_mcn(r, 24, &mcn), 0);
	ck_assert(mcn.valid);
	ck_assert_str_eq(mcn.number, TL_MCN);
	/* track 2 has an ISRC; track 1 none (TCVal clear) */
	sub_channel(d, MMC_SUBQ_ISRC, 2, r);
	ck_assert_uint_eq(r[5], 0x30);	/* ADR 3, audio without pre-emphasis */
	ck_assert_uint_eq(r[6], 2);
	ck_assert_uint_eq(r[8], 0x80);
	ck_assert_mem_eq(r + 9, TL_ISRC, 12);
	sub_channel(d, MMC_SUBQ_ISRC, 1, r);
	ck_assert_uint_eq(r[6], 1);
	ck_assert_uint_eq(r[8], 0);
	/* the current position: the start of track 1, by LBA and by MSF */
	sub_channel(d, MMC_SUBQ_POSITION, 0, r);
	ck_assert_uint_eq(r[5], 0x10);
	ck_assert_uint_eq(r[6], 1);
	ck_assert_uint_eq(r[7], 1);
	ck_assert_uint_eq(mmc_get32(r + 8), 0);
	ck_assert_uint_eq(mmc_get32(r + 12), 0);
	ck_assert_uint_eq(toc->first_track, 1);
	tl_stream_close(&s);
	emu_drive_close(d);
}
END_TEST

START_TEST(sub_channel_track_out_of_range)
{
	struct tl_stream s;
	struct emu_drive *d = burn_audio(CD_SECTOR_RAW, NULL, &s);
	struct mmc_cmd cmd;
	uint8_t r[24];

	/* tracks 0 and 4 are not on the disc */
	for (uint8_t t = 0; t <= 4; t += 4) {
		mmc_build_read_sub_channel(&cmd, MMC_SUBQ_ISRC, t, r, sizeof(r));
		tl_expect(d, &cmd, 5, 0x24, 0);
	}
	tl_stream_close(&s);
	emu_drive_close(d);
}
END_TEST

START_TEST(sub_channel_refused)
{
	struct emu_drive *d = tl_emu_open("cdr80");
	struct mmc_mcn mcn;
	struct mmc_cmd cmd;
	uint8_t r[24];

	/* a blank disc: no number, and no track to ask an ISRC of */
	sub_channel(d, MMC_SUBQ_MCN, 0, r);
	ck_assert_int_eq(mmc_parse_mcn(r, 24, &mcn), 0);
	ck_assert(!mcn.valid);
	mmc_build_read_sub_channel(&cmd, MMC_SUBQ_ISRC, 1, r, sizeof(r));
	tl_expect(d, &cmd, 5, 0x24, 0);
	/* formats other than 1-3 */
	mmc_build_read_sub_channel(&cmd, 0x04, 0, r, sizeof(r));
	tl_expect(d, &cmd, 5, 0x24, 0);
	mmc_build_read_sub_channel(&cmd, 0x00, 0, r, sizeof(r));
	tl_expect(d, &cmd, 5, 0x24, 0);
	/* SubQ clear: the header only, whatever the format */
	mmc_build_read_sub_channel(&cmd, 0x04, 0, r, sizeof(r));
	cmd.cdb[2] = 0;
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, 4);
	ck_assert_uint_eq(mmc_get16(r + 2), 0);
	emu_drive_close(d);
	d = tl_emu_open("none");
	mmc_build_read_sub_channel(&cmd, MMC_SUBQ_MCN, 0, r, sizeof(r));
	tl_expect(d, &cmd, 2, 0x3a, 1);	/* no medium, tray closed */
	emu_drive_close(d);
}
END_TEST

/* READ CD MSF of [@from, @to) (LBAs), sync to EDC/ECC, with @sub, into @buf of @len bytes. */
static void
build_read_cd_msf(struct mmc_cmd *cmd, int32_t from, int32_t to, uint8_t sub, uint8_t *buf,
		  size_t len)
{
	mmc_build_read_cd_msf(cmd, MMC_READ_CD_ANY, cd_lba_to_msf(from), cd_lba_to_msf(to), 0xf8,
			      buf, len);
	cmd->cdb[10] = sub;
}

START_TEST(read_cd_msf_equals_lba)
{
	static uint8_t by_msf[8 * (CD_MAIN_SIZE + 96)], by_lba[sizeof(by_msf)];
	struct tl_stream s;
	struct emu_drive *d = burn_audio(CD_SECTOR_RAW, NULL, &s);
	struct mmc_cmd cmd;

	/* across the end of track 1 into track 2's pregap, with raw P-W */
	build_read_cd_msf(&cmd, TL_T1_SECTORS - 4, TL_T1_SECTORS + 4, 1, by_msf, sizeof(by_msf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, sizeof(by_msf));
	mmc_build_read_cd(&cmd, MMC_READ_CD_ANY, TL_T1_SECTORS - 4, 8, 0xf8, by_lba,
			  sizeof(by_lba));
	cmd.cdb[10] = 1;
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, sizeof(by_lba));
	ck_assert_mem_eq(by_msf, by_lba, sizeof(by_lba));
	/* R-W de-interleaved (100b): the low six bits of the raw P-W */
	build_read_cd_msf(&cmd, TL_T1_SECTORS - 4, TL_T1_SECTORS + 4, 4, by_msf, sizeof(by_msf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, sizeof(by_msf));
	for (size_t i = 0; i < 8; i++) {
		const uint8_t *raw = by_lba + i * (CD_MAIN_SIZE + 96) + CD_MAIN_SIZE;
		const uint8_t *rw = by_msf + i * (CD_MAIN_SIZE + 96) + CD_MAIN_SIZE;

		for (size_t j = 0; j < 96; j++)
			ck_assert_uint_eq(rw[j], raw[j] & 0x3f);
	}
	/* a reserved selection */
	build_read_cd_msf(&cmd, 10, 11, 3, by_msf, sizeof(by_msf));
	tl_expect(d, &cmd, 5, 0x24, 0);
	/* the end is the first sector not read: equal addresses read nothing */
	build_read_cd_msf(&cmd, 10, 10, 0, by_msf, sizeof(by_msf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, 0);
	/* an end before the start */
	build_read_cd_msf(&cmd, 10, 9, 0, by_msf, sizeof(by_msf));
	tl_expect(d, &cmd, 5, 0x24, 0);
	/* past the lead-out's start */
	build_read_cd_msf(&cmd, tl_stream_toc(&s)->leadout_lba - 1,
			  tl_stream_toc(&s)->leadout_lba + 1, 0, by_msf, sizeof(by_msf));
	tl_expect(d, &cmd, 5, 0x21, 0);
	tl_stream_close(&s);
	emu_drive_close(d);
}
END_TEST

#define CORRUPT_LBA 100

START_TEST(fault_corrupt_audio)
{
	struct emu_config faults = { .faults = EMU_FAULT_CORRUPT, .corrupt_lba = CORRUPT_LBA };
	uint8_t got[3 * CD_MAIN_SIZE], want[CD_MAIN_SIZE];
	struct tl_stream s;
	struct emu_drive *d = burn_audio(CD_SECTOR_RAW, &faults, &s);
	struct mmc_cmd cmd;

	/* the drive reported nothing: the disc is complete and reads without error */
	ck_assert_int_eq(tl_disc_status(d), MMC_DISC_COMPLETE);
	mmc_build_read_cd(&cmd, MMC_READ_CD_CDDA, CORRUPT_LBA - 1, 3, 0xf8, got, sizeof(got));
	tl_good(d, &cmd);
	ck_assert_uint_eq(cmd.xfer, sizeof(got));
	for (int i = 0; i < 3; i++) {
		audio_sector(CORRUPT_LBA - 1 + i, want);
		if (i == 1)
			want[0] ^= 0xff;	/* only the sector at the fault, by one byte */
		ck_assert_msg(memcmp(got + i * CD_MAIN_SIZE, want, CD_MAIN_SIZE) == 0,
			      "LBA %d", CORRUPT_LBA - 1 + i);
	}
	tl_stream_close(&s);
	emu_drive_close(d);
}
END_TEST

START_TEST(fault_corrupt_data)
{
	struct emu_config faults = { .faults = EMU_FAULT_CORRUPT, .corrupt_lba = CORRUPT_LBA };
	uint8_t got[2 * CD_DATA_SIZE], sector[CD_MAIN_SIZE];
	struct tl_stream s;
	char *iso;
	struct emu_drive *d = burn_iso(&faults, &s, &iso);
	uint8_t *want = tl_slurp(iso, NULL);
	struct mmc_cmd cmd;
	const char *bad;

	tl_build_read10(&cmd, CORRUPT_LBA - 1, 2, got, sizeof(got));
	tl_good(d, &cmd);
	ck_assert_mem_eq(got, want + (CORRUPT_LBA - 1) * CD_DATA_SIZE, CD_DATA_SIZE);
	ck_assert_uint_eq(got[CD_DATA_SIZE], want[CORRUPT_LBA * CD_DATA_SIZE] ^ 0xff);
	ck_assert_mem_eq(got + CD_DATA_SIZE + 1, want + CORRUPT_LBA * CD_DATA_SIZE + 1,
			 CD_DATA_SIZE - 1);
	/* a whole, consistent sector: EDC and ECC match the changed data */
	mmc_build_read_cd(&cmd, MMC_READ_CD_MODE1, CORRUPT_LBA, 1, 0xf8, sector, sizeof(sector));
	tl_good(d, &cmd);
	bad = tl_verify_mode1(sector, CORRUPT_LBA);
	ck_assert_msg(bad == NULL, "the corrupt sector fails its own check: %s", bad);
	free(want);
	free(iso);
	tl_stream_close(&s);
	emu_drive_close(d);
}
END_TEST

#define UNREADABLE_LBA 200

START_TEST(fault_unreadable)
{
	struct emu_config faults = { .faults = EMU_FAULT_UNREADABLE,
				     .unreadable_lba = UNREADABLE_LBA };
	static uint8_t buf[20 * (CD_MAIN_SIZE + 96)];
	struct tl_stream s;
	char *iso;
	struct emu_drive *d = burn_iso(&faults, &s, &iso);
	struct mmc_cmd cmd;

	/* every read that covers the sector fails 3/11/00; the rest reads */
	tl_build_read10(&cmd, UNREADABLE_LBA - 10, 20, buf, 20 * CD_DATA_SIZE);
	tl_expect(d, &cmd, 3, 0x11, 0);
	tl_build_read10(&cmd, UNREADABLE_LBA, 1, buf, CD_DATA_SIZE);
	tl_expect(d, &cmd, 3, 0x11, 0);
	mmc_build_read_cd(&cmd, MMC_READ_CD_ANY, UNREADABLE_LBA, 1, 0xf8, buf, sizeof(buf));
	tl_expect(d, &cmd, 3, 0x11, 0);
	build_read_cd_msf(&cmd, UNREADABLE_LBA - 1, UNREADABLE_LBA + 1, 1, buf, sizeof(buf));
	tl_expect(d, &cmd, 3, 0x11, 0);
	tl_build_read10(&cmd, UNREADABLE_LBA - 20, 20, buf, 20 * CD_DATA_SIZE);
	tl_good(d, &cmd);
	tl_build_read10(&cmd, UNREADABLE_LBA + 1, 20, buf, 20 * CD_DATA_SIZE);
	tl_good(d, &cmd);
	free(iso);
	tl_stream_close(&s);
	emu_drive_close(d);
}
END_TEST

START_TEST(capabilities_claim_what_is_answered)
{
	struct emu_drive *d = tl_emu_open("cdr80");
	struct mmc_config cfg;
	uint8_t buf[1024];
	struct mmc_cmd cmd;

	/* Track-at-once (version 2): BUF, Test Write; data block types 0 and 8, no R-W */
	tl_get_config(d, 2, MMC_FEATURE_CD_TAO, buf, sizeof(buf), &cfg);
	ck_assert_uint_eq(mmc_get16(buf + 8), MMC_FEATURE_CD_TAO);
	ck_assert_uint_eq(buf[10], 2 << 2 | 0x01);
	ck_assert_uint_eq(buf[12], 0x44);
	ck_assert_uint_eq(mmc_get16(buf + 14), 0x0101);
	tl_get_config(d, 0, 0, buf, sizeof(buf), &cfg);
	/* CD Mastering: RAW and SAO (issue 15), RAW MS: a RAW stream appends a session too */
	ck_assert(cfg.mastering && cfg.raw && cfg.sao && cfg.raw_ms);
	/* CD Read: CD-TEXT, no C2 error flags */
	tl_get_config(d, 2, MMC_FEATURE_CD_READ, buf, sizeof(buf), &cfg);
	ck_assert_uint_eq(mmc_get16(buf + 8), MMC_FEATURE_CD_READ);
	ck_assert_uint_eq(buf[12] & 0x83, 0x01);
	/*
	 * page 2Ah: multi-session discs (doc/reference/tao.md §5), Mode 2 Forms 1
	 * and 2, no audio play or C2 pointers; R-W (both), ISRC, UPC, CD-DA
	 */
	mmc_build_mode_sense10(&cmd, 0x2a, 0, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(buf[MMC_MODE_HEADER_LEN], 0x2a);
	ck_assert_uint_eq(buf[MMC_MODE_HEADER_LEN + 4] & 0x71, 0x70);
	ck_assert_uint_eq(buf[MMC_MODE_HEADER_LEN + 5], 0x6f);
	emu_drive_close(d);
}
END_TEST

/* READ TOC format 5: the packs a raw stream's lead-in carried; none from a P-Q stream. */
START_TEST(read_toc_cdtext)
{
	static const enum cd_sector_type kinds[] = { CD_SECTOR_RAW, CD_SECTOR_PQ };
	static uint8_t r[4 + CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE];
	struct tl_stream s;
	struct emu_drive *d = burn_audio(kinds[_i], NULL, &s);
	struct mmc_cmd cmd;
	size_t len;

	mmc_build_read_toc(&cmd, 5, false, 0, r, sizeof(r));
	tl_good(d, &cmd);
	len = mmc_get16(r) + 2u;
	ck_assert_uint_eq(cmd.xfer, len);
	if (kinds[_i] == CD_SECTOR_PQ) {
		ck_assert_uint_eq(len, 4);
	} else {
		ck_assert_uint_gt(len, 4);
		ck_assert_uint_eq((len - 4) % CDTEXT_PACK_SIZE, 0);
		ck_assert_uint_eq(r[4], 0x80);	/* the first pack: a title */
		ck_assert_uint_eq(r[4 + 2], 0);	/* sequence number 0 */
	}
	tl_stream_close(&s);
	emu_drive_close(d);
}
END_TEST

/* ---- core/drive/recorder-disc.c through the emulator's transport ---- */


START_TEST(disc_toc_audio)
{
	struct tl_stream s;
	struct emu_drive *d = burn_audio(q_types[_i], NULL, &s);
	const struct image_toc *want = tl_stream_toc(&s);
	struct recorder *r;
	struct image_toc got;
	struct burn_error e;

	emu_drive_close(d);
	r = tl_recorder_on_dir(NULL);
	ck_assert_int_eq(recorder_disc_toc(r, &got, &e), 1);
	ck_assert_uint_eq(got.first_track, 1);
	ck_assert_uint_eq(got.last_track, 3);
	ck_assert_int_eq(got.leadout_lba, want->leadout_lba);
	ck_assert_str_eq(got.mcn, TL_MCN);
	for (unsigned t = 1; t <= 3; t++) {
		ck_assert_uint_eq(got.track[t].control, want->track[t].control);
		ck_assert_int_eq(got.track[t].start_lba, want->track[t].start_lba);
		ck_assert_int_eq(got.track[t].end_lba, want->track[t].end_lba);
		ck_assert_uint_eq(got.track[t].index_count, want->track[t].index_count);
		for (unsigned i = 1; i <= want->track[t].index_count; i++)
			ck_assert_int_eq(got.track[t].index_lba[i], want->track[t].index_lba[i]);
		ck_assert_str_eq(got.track[t].isrc, want->track[t].isrc);
	}
	/* track 2's pre-gap from the Q sub-channel; track 1's lies before LBA 0 */
	ck_assert_int_eq(got.track[2].pregap_lba, TL_T1_SECTORS);
	ck_assert_int_eq(got.track[2].pregap_lba, want->track[2].pregap_lba);
	ck_assert_int_eq(got.track[1].pregap_lba, 0);
	ck_assert_int_eq(got.track[3].pregap_lba, got.track[3].start_lba);
	ck_assert_str_eq(got.track[2].isrc, TL_ISRC);
	recorder_close(r);
	tl_stream_close(&s);
}
END_TEST

/*
 * Indexes past 01 are found in the Q sub-channel: many in one track, one
 * of a single sector, one on an ISRC's sector number (x49), one on the
 * last sector before the lead-out, beside MCN and ISRC frames.
 */
START_TEST(disc_toc_indexes)
{
	char *cue = tl_make_audio_cue(tl_emu_work), *idx = tl_path(tl_emu_work, "idx.cue");
	struct tl_stream s;
	struct emu_drive *d;
	const struct image_toc *want;
	struct recorder *r;
	struct image_toc got;
	struct burn_error e;

	tl_write_text(idx, "CATALOG " TL_MCN "\nFILE \"audio.bin\" BINARY\n"
		      "TRACK 01 AUDIO\nISRC " TL_ISRC "\nINDEX 01 00:00:00\nINDEX 02 00:04:49\n"
		      "INDEX 03 00:10:00\nINDEX 04 00:10:01\nINDEX 05 00:20:00\n"
		      "TRACK 02 AUDIO\nINDEX 01 00:25:00\nINDEX 02 00:33:74\n");
	d = burn(idx, q_types[_i], NULL, &s);
	want = tl_stream_toc(&s);
	ck_assert_uint_eq(want->track[1].index_count, 5);
	ck_assert_int_eq(want->track[2].index_lba[2], want->leadout_lba - 1);
	emu_drive_close(d);
	r = tl_recorder_on_dir(NULL);
	ck_assert_int_eq(recorder_disc_toc(r, &got, &e), 1);
	for (unsigned t = 1; t <= 2; t++) {
		ck_assert_uint_eq(got.track[t].index_count, want->track[t].index_count);
		for (unsigned i = 1; i <= want->track[t].index_count; i++)
			ck_assert_int_eq(got.track[t].index_lba[i], want->track[t].index_lba[i]);
	}
	recorder_close(r);
	tl_stream_close(&s);
	free(idx);
	free(cue);
}
END_TEST

START_TEST(disc_toc_nothing_to_read)
{
	static const char *const media[] = { "cdr80", "none" };
	struct recorder *r;
	struct image_toc got;
	struct burn_error e;

	for (size_t i = 0; i < sizeof(media) / sizeof(media[0]); i++) {
		emu_drive_close(tl_emu_open(media[i]));
		r = tl_recorder_on_dir(NULL);
		memset(&got, 0xee, sizeof(got));
		ck_assert_int_eq(recorder_disc_toc(r, &got, &e), 0);
		ck_assert_uint_eq(got.first_track, 0);
		ck_assert_int_eq(got.leadout_lba, 0);
		recorder_close(r);
	}
	/* the pressed disc: one data track */
	emu_drive_close(tl_emu_open("cdrom"));
	r = tl_recorder_on_dir(NULL);
	ck_assert_int_eq(recorder_disc_toc(r, &got, &e), 1);
	ck_assert_uint_eq(got.last_track, 1);
	ck_assert(image_toc_track_is_data(&got.track[1]));
	ck_assert_int_eq(got.leadout_lba, PRESSED_LEADOUT);
	recorder_close(r);
}
END_TEST

/* A burned fake ISO, its bytes, and a recorder on the drive with @fault (or none). */
struct iso_rig {
	struct tl_stream s;
	char *iso;
	uint8_t *src;
	struct recorder *r;
};

static void
iso_rig_open(struct iso_rig *g, const char *fault)
{
	emu_drive_close(burn_iso(NULL, &g->s, &g->iso));
	g->src = tl_slurp(g->iso, NULL);
	g->r = tl_recorder_on_dir(fault);
}

static void
iso_rig_close(struct iso_rig *g)
{
	recorder_close(g->r);
	free(g->src);
	free(g->iso);
	tl_stream_close(&g->s);
}

START_TEST(disc_read_forms)
{
	static uint8_t buf[RECORDER_DISC_READ_MAX * (CD_MAIN_SIZE + 96)];
	uint8_t want[CD_MAIN_SIZE];
	struct iso_rig g;
	struct recorder *r;
	const uint8_t *src;
	struct burn_error e;

	iso_rig_open(&g, NULL);
	r = g.r;
	src = g.src;
	ck_assert_uint_eq(recorder_read_form_size(RECORDER_READ_USER_DATA), 2048);
	ck_assert_uint_eq(recorder_read_form_size(RECORDER_READ_MAIN), 2352);
	ck_assert_uint_eq(recorder_read_form_size(RECORDER_READ_MAIN_SUB), 2448);
	ck_assert_int_eq(recorder_disc_read(r, 10, RECORDER_DISC_READ_MAX, RECORDER_READ_USER_DATA,
					    buf, &e), RECORDER_DISC_READ_MAX);
	ck_assert_mem_eq(buf, src + 10 * CD_DATA_SIZE, RECORDER_DISC_READ_MAX * CD_DATA_SIZE);
	/* whole sectors, with and without their sub-channel */
	cd_sector_encode_mode1(want, 20, src + 20 * CD_DATA_SIZE);
	ck_assert_int_eq(recorder_disc_read(r, 20, 1, RECORDER_READ_MAIN, buf, &e), 1);
	ck_assert_mem_eq(buf, want, CD_MAIN_SIZE);
	ck_assert_int_eq(recorder_disc_read(r, 19, 2, RECORDER_READ_MAIN_SUB, buf, &e), 2);
	ck_assert_mem_eq(buf + CD_MAIN_SIZE + 96, want, CD_MAIN_SIZE);
	/* counts outside 1..RECORDER_DISC_READ_MAX; past the lead-out */
	tl_assert_errno(recorder_disc_read(r, 0, 0, RECORDER_READ_MAIN, buf, &e), EINVAL);
	ck_assert_str_eq(e.reason, "a read of 0 sectors: 1 to 27 are read at a time");
	tl_assert_errno(recorder_disc_read(r, 0, RECORDER_DISC_READ_MAX + 1, RECORDER_READ_MAIN,
					   buf, &e), EINVAL);
	tl_assert_errno(recorder_disc_read(r, ISO_SECTORS + 10000, 1, RECORDER_READ_MAIN, buf, &e),
			EIO);
	ck_assert_str_eq(e.reason,
			 "READ CD: [5 21 00] Illegal request: logical block address out of range");
	iso_rig_close(&g);
}
END_TEST

/*
 * The copy of a disc read back (disc.raw): the sectors it makes without a
 * read (lead-in, track 1's pre-gap, lead-out; nothing read is passed) and
 * those it makes from reads are the stream's that was burned.
 */
START_TEST(copy_equals_stream)
{
	static const int32_t lbas[] = { -IMAGE_DEFAULT_LEAD_IN, -3000, -151, -150, -1, 0, 1149,
					TL_AUDIO_SECTORS - 1, TL_AUDIO_SECTORS,
					TL_AUDIO_SECTORS + 6749 };
	struct tl_stream s;
	struct emu_drive *d = burn_audio(CD_SECTOR_RAW, NULL, &s);
	uint8_t want[2448], got[2448], read[IMAGE_COPY_READ_SIZE];
	struct image_copy *copy;
	struct image_toc toc;
	struct burn_error e;
	struct recorder *r;
	struct tl_stream again;

	emu_drive_close(d);
	r = tl_recorder_on_dir(NULL);
	ck_assert_int_eq(recorder_disc_toc(r, &toc, &e), 1);
	ck_assert_msg(image_copy_create(&copy, &toc, NULL, 0, CD_SECTOR_RAW,
					IMAGE_DEFAULT_LEAD_IN, &e) == 0, "%s", e.reason);
	tl_stream_open(&again, tl_emu_audio_cue(), CD_SECTOR_RAW);
	for (size_t k = 0; k < sizeof(lbas) / sizeof(lbas[0]); k++) {
		bool is_read = image_copy_is_read(copy, lbas[k]);

		ck_assert_int_eq(is_read, lbas[k] >= 0 && lbas[k] < TL_AUDIO_SECTORS);
		if (is_read)
			ck_assert_int_eq(recorder_disc_read(r, lbas[k], 1, RECORDER_READ_MAIN_SUB,
							    read, &e), 1);
		ck_assert_int_eq(image_copy_sector(copy, lbas[k], is_read ? read : NULL, got, &e),
				 0);
		ck_assert_int_eq(image_encoder_sector_at(again.enc, lbas[k], want, &e), 1);
		/* no packs given: the copy builds its CD-TEXT from the TOC, as the stream did */
		ck_assert_msg(memcmp(got, want, sizeof(want)) == 0, "LBA %d differs", lbas[k]);
	}
	tl_stream_close(&again);
	image_copy_destroy(copy);
	recorder_close(r);
	tl_stream_close(&s);
}
END_TEST

START_TEST(disc_read_unreadable)
{
	static uint8_t buf[RECORDER_DISC_READ_MAX * CD_DATA_SIZE];
	struct iso_rig g;
	struct burn_error e;
	char fault[32];

	snprintf(fault, sizeof(fault), "unreadable@%d", UNREADABLE_LBA);
	iso_rig_open(&g, fault);
	/* the sectors before the bad one come back; a read from it fails */
	ck_assert_int_eq(recorder_disc_read(g.r, UNREADABLE_LBA - 5, 10, RECORDER_READ_USER_DATA,
					    buf, &e), 5);
	ck_assert_mem_eq(buf, g.src + (UNREADABLE_LBA - 5) * CD_DATA_SIZE, 5 * CD_DATA_SIZE);
	tl_assert_errno(recorder_disc_read(g.r, UNREADABLE_LBA, 10, RECORDER_READ_USER_DATA, buf,
					   &e), EIO);
	ck_assert_str_eq(e.reason, "READ(10): [3 11 00] Medium error: unrecovered read error");
	ck_assert_int_eq(recorder_disc_read(g.r, UNREADABLE_LBA + 1, 10, RECORDER_READ_USER_DATA,
					    buf, &e), 10);
	iso_rig_close(&g);
}
END_TEST

/* core/writer/digest.c: what cannot be verified is refused up front, in words. */
START_TEST(digest_refuses_no_program_area)
{
	struct image_toc toc = { .first_track = 1, .last_track = 1 };
	struct burn_digest *d = (struct burn_digest *)&toc;
	struct burn_error e;
	char outcome[64];

	tl_assert_errno(burn_digest_create(&toc, &d, &e), EINVAL);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(e.reason, "a program area up to LBA 0 cannot be verified");
	toc.leadout_lba = 300;
	ck_assert_int_eq(burn_digest_create(&toc, &d, &e), 0);
	burn_digest_outcome(d, outcome, sizeof(outcome));
	ck_assert_str_eq(outcome, "not run");
	burn_digest_destroy(d);
}
END_TEST

static Suite *
emu_read_suite(void)
{
	Suite *s = suite_create("emu-read");
	TCase *tc = tl_tcase_in(s, "read", tl_emu_setup, tl_emu_teardown);

	TL_TESTS(tc, read_capacity, sub_channel_refused, sub_channel_track_out_of_range,
		 read_cd_msf_equals_lba, fault_corrupt_audio, fault_corrupt_data,
		 fault_unreadable, capabilities_claim_what_is_answered);
	tcase_add_loop_test(tc, sub_channel_mcn_isrc, 0,
			    (int)(sizeof(q_types) / sizeof(q_types[0])));
	tcase_add_loop_test(tc, read_toc_cdtext, 0, 2);
	tc = tl_tcase_in(s, "recorder-disc", tl_emu_setup, tl_emu_teardown);
	tcase_add_loop_test(tc, disc_toc_audio, 0, (int)(sizeof(q_types) / sizeof(q_types[0])));
	tcase_add_loop_test(tc, disc_toc_indexes, 0, (int)(sizeof(q_types) / sizeof(q_types[0])));
	TL_TESTS(tc, disc_toc_nothing_to_read, disc_read_forms, copy_equals_stream, disc_read_unreadable,
		 digest_refuses_no_program_area);
	return s;
}

TL_MAIN(emu_read_suite)
