/*
 * Session-at-once recording of Mode 2 tracks in the emulated recorder
 * (doc/reference/sao.md §2): data form 20h (CD-ROM XA), whose 2336-byte
 * blocks (sub-header, then 2328 bytes) the drive completes with sync,
 * header and, by the sub-header's form bit, Form 1's EDC and ECC or Form
 * 2's EDC; 30h (Mode 2 formless), which it records after sync and header
 * as sent; and the sectors it makes itself for 24h and 34h. The blocks are
 * sent as cdrdao --driver generic-mmc sends a MODE2_FORM1 track: a zero
 * sub-header, the 2048 user bytes, the rest left for the drive.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "mmc-cue.h"
#include "tl-cd-verify.h"
#include "tl-emu.h"
#include "tl-image.h"

#define TRACK_SECTORS 300
#define FORM2_FROM 200		/* track 1's sectors from here on are Form 2 */
#define TRACK2_SECTORS 40

/*
 * The cue sheet of two data tracks in form @form: track 1 from LBA 0,
 * TRACK_SECTORS long, its pre-gap the host's; track 2's pre-gap in @gen
 * (the drive makes it), then TRACK2_SECTORS; lead-in and lead-out @gen.
 * Returns the sheet's end.
 */
static uint8_t *
two_tracks(uint8_t *sheet, uint8_t form, uint8_t gen)
{
	int32_t t2 = TRACK_SECTORS + 150;
	uint8_t *p = sheet;

	p = tl_cue_entry(p, 0x41, 0, 0, gen, -150);
	p = tl_cue_entry(p, 0x41, 1, 0, form, -150);
	p = tl_cue_entry(p, 0x41, 1, 1, form, 0);
	p = tl_cue_entry(p, 0x41, 2, 0, gen, TRACK_SECTORS);
	p = tl_cue_entry(p, 0x41, 2, 1, form, t2);
	return tl_cue_entry(p, 0x41, 0xaa, 1, gen, t2 + TRACK2_SECTORS);
}

/* MODE SELECT page 05h: SAO, session format @format; then the cue sheet @sheet, taken. */
static void
start_sao(struct emu_drive *d, uint8_t format, const uint8_t *sheet, size_t n)
{
	struct mmc_page05 want = { .write_type = 2, .data_block_type = 8, .bufe = true,
				   .session_format = format };
	struct mmc_cmd cmd;

	tl_select_page05(d, &want);
	mmc_build_send_cue_sheet(&cmd, sheet, (uint32_t)n);
	tl_good(d, &cmd);
}

/* Sends @count 2336-byte blocks from @lba on, block i made by @fill(lba + i, block). */
static void
write_blocks(struct emu_drive *d, int32_t lba, int32_t count, void (*fill)(int32_t, uint8_t *))
{
	enum { CHUNK = 25 };
	uint8_t *buf = malloc(CHUNK * CD_MODE2_SIZE);
	struct mmc_cmd cmd;

	ck_assert_ptr_nonnull(buf);
	for (int32_t at = lba; at < lba + count; at += CHUNK) {
		uint16_t n = lba + count - at < CHUNK ? (uint16_t)(lba + count - at) : CHUNK;

		for (uint16_t i = 0; i < n; i++)
			fill(at + i, buf + (size_t)i * CD_MODE2_SIZE);
		mmc_build_write10(&cmd, at, n, buf, (size_t)n * CD_MODE2_SIZE);
		tl_good(d, &cmd);
	}
	free(buf);
}

/* User data byte @i of sector @lba: differs from sector to sector and from byte to byte. */
static uint8_t
user_byte(int32_t lba, size_t i)
{
	return (uint8_t)(lba * 7 + (int32_t)(i * 13) + 1);
}

/*
 * cdrdao's MODE2_FORM1 block (a zero sub-header, 2048 user bytes; the EDC
 * and ECC room left zero) and, from FORM2_FROM on, a MODE2_FORM2 one
 * (sub-header 00 00 20 00, 2324 user bytes); the room the drive fills
 * holds rubbish here, which it must overwrite. The pre-gap is zeros.
 */
static void
fill_xa(int32_t lba, uint8_t *block)
{
	bool form2 = lba >= FORM2_FROM;
	size_t len = form2 ? CD_FORM2_DATA_SIZE : CD_DATA_SIZE;

	memset(block, 0, CD_MODE2_SIZE);
	if (lba < 0)
		return;
	if (form2)
		block[2] = block[6] = CD_SUBMODE_FORM2;
	for (size_t i = 0; i < len; i++)
		block[8 + i] = user_byte(lba, i);
	memset(block + 8 + len, 0x5a, CD_MODE2_SIZE - 8 - len);
}

/* A formless Mode 2 block: 2336 bytes of the host's, no sub-header */
static void
fill_formless(int32_t lba, uint8_t *block)
{
	for (size_t i = 0; i < CD_MODE2_SIZE; i++)
		block[i] = lba < 0 ? 0 : user_byte(lba, i);
}

static uint8_t *
disc_bin(size_t want_sectors)
{
	char *path = tl_path(tl_emu_dir, "disc.bin");
	size_t len;
	uint8_t *bin = tl_slurp(path, &len);

	ck_assert_uint_eq(len, want_sectors * CD_MAIN_SIZE);
	free(path);
	return bin;
}

static void
assert_disc_file(const char *name, const char *want)
{
	char *path = tl_path(tl_emu_dir, name);

	ck_assert_msg(strstr(tl_get(path), want), "%s lacks \"%s\":\n%s", name, want, tl_get(path));
	free(path);
}

/* A sector of the drive's own making for data form 24h: Form 2, zero data, its EDC. */
static void
assert_xa_generated(const uint8_t *sector, int32_t lba)
{
	static const uint8_t zero[CD_FORM2_DATA_SIZE];
	int form = 0;

	ck_assert_msg(tl_verify_mode2(sector, lba) == NULL, "LBA %d: %s", lba,
		      tl_verify_mode2(sector, lba));
	ck_assert_uint_eq(cd_sector_check_mode2(sector, &lba, &form), 0);
	ck_assert_int_eq(form, 2);
	ck_assert_mem_eq(sector + CD_MODE2_DATA_OFFSET, zero, sizeof(zero));
}

/*
 * One CD-ROM XA track as cdrdao sends a MODE2_FORM1 (then MODE2_FORM2)
 * track: lead-in and lead-out 24h, the pre-gap and the track 20h; then a
 * second track whose pre-gap the drive makes (24h). Every sector is a
 * good Mode 2 sector of its form holding the host's data; READ(10) gives
 * Form 1's user data back and refuses Form 2 (5/64/00); the disc is
 * Mode 2 in disc.toc and disc.cue, of disc type 20h.
 */
START_TEST(xa_forms)
{
	int32_t t2 = TRACK_SECTORS + 150, end = t2 + TRACK2_SECTORS;
	uint8_t sheet[64], *p, *bin, *buf = malloc(FORM2_FROM * CD_DATA_SIZE);
	uint8_t rdi[34], rti[36];
	struct mmc_disc_info di;
	struct mmc_cmd cmd;

	ck_assert_ptr_nonnull(buf);
	p = two_tracks(sheet, MMC_CUE_FORM_XA, MMC_CUE_FORM_XA_GEN);
	start_sao(tl_drive, 0x20, sheet, (size_t)(p - sheet));
	write_blocks(tl_drive, -150, 150 + TRACK_SECTORS, fill_xa);
	/* the drive's pre-gap of track 2 is not sent: the next WRITE goes to its index 01 */
	write_blocks(tl_drive, t2, TRACK2_SECTORS, fill_xa);
	tl_sync_cache(tl_drive, false);

	bin = disc_bin((size_t)end);
	for (int32_t lba = 0; lba < end; lba++) {
		const uint8_t *s = bin + (size_t)lba * CD_MAIN_SIZE;
		uint8_t want[CD_MODE2_SIZE];
		int form = 0;

		if (lba >= TRACK_SECTORS && lba < t2) {
			assert_xa_generated(s, lba);
			continue;
		}
		ck_assert_msg(tl_verify_mode2(s, lba) == NULL, "LBA %d: %s", lba,
			      tl_verify_mode2(s, lba));
		ck_assert_uint_eq(cd_sector_check_mode2(s, &lba, &form), 0);
		ck_assert_int_eq(form, lba >= FORM2_FROM ? 2 : 1);
		fill_xa(lba, want);
		/* the sub-header and user data as sent */
		ck_assert_mem_eq(s + CD_MODE2_SUBHEADER_OFFSET, want,
				 8 + (form == 2 ? CD_FORM2_DATA_SIZE : CD_DATA_SIZE));
	}
	assert_disc_file("disc.toc", "track 1 4 -150 0 300 2 1\n");
	assert_disc_file("disc.toc", "track 2 4 300 450 490 2 1\n");
	assert_disc_file("disc.cue", "TRACK 01 MODE2/2352");
	assert_disc_file("disc.cue", "TRACK 02 MODE2/2352");
	tl_disc_info(tl_drive, rdi, sizeof(rdi), &di);
	ck_assert_uint_eq(di.disc_type, 0x20);
	/* READ TRACK INFORMATION: Data Mode 2 */
	mmc_build_read_track_info(&cmd, 1, 1, rti, sizeof(rti));
	tl_good(tl_drive, &cmd);
	ck_assert_uint_eq(rti[6] & 0x0f, 2);

	/* READ(10): Form 1's 2048 user bytes; a Form 2 sector is refused, as by a drive */
	tl_build_read10(&cmd, 0, FORM2_FROM, buf, FORM2_FROM * CD_DATA_SIZE);
	tl_good(tl_drive, &cmd);
	for (int32_t lba = 0; lba < FORM2_FROM; lba++)
		for (size_t i = 0; i < CD_DATA_SIZE; i++)
			ck_assert_uint_eq(buf[(size_t)lba * CD_DATA_SIZE + i], user_byte(lba, i));
	tl_build_read10(&cmd, FORM2_FROM, 1, buf, CD_DATA_SIZE);
	tl_expect(tl_drive, &cmd, 5, 0x64, 0);
	free(bin);
	free(buf);
}
END_TEST

/*
 * A formless Mode 2 track (30h, lead-in and lead-out 34h), then one whose
 * pre-gap the drive makes (34h): the host's 2336 bytes after sync and a
 * mode 2 header, untouched; the drive's sectors are zeros.
 */
START_TEST(formless)
{
	int32_t t2 = TRACK_SECTORS + 150, end = t2 + TRACK2_SECTORS;
	uint8_t sheet[64], *p, *bin;
	static const uint8_t zero[CD_MODE2_SIZE];

	p = two_tracks(sheet, MMC_CUE_FORM_MODE2, MMC_CUE_FORM_MODE2_GEN);
	start_sao(tl_drive, 0x00, sheet, (size_t)(p - sheet));
	write_blocks(tl_drive, -150, 150 + TRACK_SECTORS, fill_formless);
	write_blocks(tl_drive, t2, TRACK2_SECTORS, fill_formless);
	tl_sync_cache(tl_drive, false);

	bin = disc_bin((size_t)end);
	for (int32_t lba = 0; lba < end; lba++) {
		const uint8_t *s = bin + (size_t)lba * CD_MAIN_SIZE;
		struct cd_msf msf = cd_lba_to_msf(lba);
		uint8_t want[CD_MODE2_SIZE];
		const uint8_t header[4] = { (uint8_t)(msf.m / 10 << 4 | msf.m % 10),
					    (uint8_t)(msf.s / 10 << 4 | msf.s % 10),
					    (uint8_t)(msf.f / 10 << 4 | msf.f % 10), 2 };

		ck_assert(cd_sector_has_sync(s));
		ck_assert_mem_eq(s + CD_HEADER_OFFSET, header, 4);
		if (lba >= TRACK_SECTORS && lba < t2) {
			ck_assert_mem_eq(s + CD_MODE2_SUBHEADER_OFFSET, zero, sizeof(zero));
			continue;
		}
		fill_formless(lba, want);
		ck_assert_mem_eq(s + CD_MODE2_SUBHEADER_OFFSET, want, sizeof(want));
	}
	assert_disc_file("disc.toc", "track 1 4 -150 0 300 2 1\n");
	assert_disc_file("disc.cue", "TRACK 01 MODE2/2352");
	free(bin);
}
END_TEST

/*
 * Data form 60h (XA with R-W in packs): 2336 + 96 bytes a block; and the
 * sizes the drive holds WRITEs to: a Mode 2 block is 2336 bytes, not 2048.
 */
START_TEST(xa_sizes)
{
	uint8_t sheet[64], *p = sheet, *buf = calloc(2, CD_MODE2_SIZE + 96);
	struct mmc_cmd cmd;

	ck_assert_ptr_nonnull(buf);
	p = tl_cue_entry(p, 0x41, 0, 0, MMC_CUE_FORM_XA_GEN, -150);
	p = tl_cue_entry(p, 0x41, 1, 0, MMC_CUE_FORM_XA | MMC_CUE_SUB_PACKED, -150);
	p = tl_cue_entry(p, 0x41, 1, 1, MMC_CUE_FORM_XA | MMC_CUE_SUB_PACKED, 0);
	p = tl_cue_entry(p, 0x41, 0xaa, 1, MMC_CUE_FORM_XA_GEN, TRACK_SECTORS);
	start_sao(tl_drive, 0x20, sheet, (size_t)(p - sheet));
	mmc_build_write10(&cmd, -150, 2, buf, 2 * CD_DATA_SIZE);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	mmc_build_write10(&cmd, -150, 2, buf, 2 * CD_MODE2_SIZE);
	tl_expect(tl_drive, &cmd, 5, 0x24, 0);
	mmc_build_write10(&cmd, -150, 2, buf, 2 * (CD_MODE2_SIZE + 96));
	tl_good(tl_drive, &cmd);
	free(buf);
}
END_TEST

#define SAME_SECTORS 400
#define SAME_FORM2_FROM 300

static uint8_t *same_iso;

/* The XA block of sector @lba as the RAW stream re-codes it (tl_stream.mode2): its bytes 16 on. */
static void
fill_same(int32_t lba, uint8_t *block)
{
	const uint8_t *sh = lba >= SAME_FORM2_FROM ? tl_form2_subheader : tl_form1_subheader;

	memset(block, 0, CD_MODE2_SIZE);
	if (lba < 0)
		return;
	memcpy(block, sh, 4);
	memcpy(block + 4, sh, 4);
	memcpy(block + 8, same_iso + (size_t)lba * CD_DATA_SIZE, CD_DATA_SIZE);
}

/*
 * Issue 15 acceptance 2 for CD-ROM XA: a track sent session-at-once as
 * data form 20h and the same sectors sent RAW (test-emu-mode2's stream:
 * Form 1, then Form 2) record the same disc, file for file.
 */
START_TEST(same_disc_as_raw)
{
	static const char *const files[] = { "disc.bin", "disc.sub", "disc.toc", "disc.cue" };
	char *iso = tl_path(tl_emu_work, "data.iso"), *sao_dir = tl_mkdtemp("sao");
	struct emu_config cfg = { .media = "cdr80" };
	uint8_t sheet[64], *p = sheet;
	struct emu_drive *sao;
	struct tl_stream s;

	tl_make_pvd_iso(iso, SAME_SECTORS, SAME_SECTORS);
	same_iso = tl_slurp(iso, NULL);
	tl_stream_open(&s, iso, CD_SECTOR_PQ);
	s.mode2 = true;
	s.form2_from = SAME_FORM2_FROM;
	tl_select_raw(tl_drive, CD_SECTOR_PQ, true, false);
	tl_stream_skip_to(&s, TL_NWA_CDR80);
	tl_stream_write(tl_drive, &s, s.end);
	tl_sync_cache(tl_drive, false);
	tl_stream_close(&s);

	sao = tl_emu_open_dir(sao_dir, &cfg);
	p = tl_cue_entry(p, 0x41, 0, 0, MMC_CUE_FORM_XA_GEN, -150);
	p = tl_cue_entry(p, 0x41, 1, 0, MMC_CUE_FORM_XA, -150);
	p = tl_cue_entry(p, 0x41, 1, 1, MMC_CUE_FORM_XA, 0);
	p = tl_cue_entry(p, 0x41, 0xaa, 1, MMC_CUE_FORM_XA_GEN, SAME_SECTORS);
	start_sao(sao, 0x20, sheet, (size_t)(p - sheet));
	write_blocks(sao, -150, 150 + SAME_SECTORS, fill_same);
	tl_sync_cache(sao, false);
	emu_drive_close(sao);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *a = tl_path(tl_emu_dir, files[i]), *b = tl_path(sao_dir, files[i]);
		size_t na, nb;
		uint8_t *da = tl_slurp(a, &na), *db = tl_slurp(b, &nb);

		ck_assert_msg(na == nb && memcmp(da, db, na) == 0, "%s differs: %zu and %zu bytes",
			      files[i], na, nb);
		free(da);
		free(db);
		free(a);
		free(b);
	}
	tl_rmtree(sao_dir);
	free(sao_dir);
	free(same_iso);
	free(iso);
}
END_TEST

static Suite *
emu_sao_xa_suite(void)
{
	Suite *s = suite_create("emu-sao-xa");
	TCase *tc = tl_emu_tcase(s, "cdr80");

	TL_TESTS(tc, xa_forms, formless, xa_sizes, same_disc_as_raw);
	return s;
}

TL_MAIN(emu_sao_xa_suite)
