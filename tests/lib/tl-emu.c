#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cd-sector.h"
#include "image-disc.h"
#include "recorder.h"
#include "transport.h"
#include "image-encoder.h"
#include "mmc.h"
#include "tl-emu.h"
#include "tl-harness.h"
#include "tl-image.h"

/* Sectors per WRITE(10): large, so a burn is a few dozen commands. */
#define TL_EMU_BURN_CHUNK 200

void
tl_expect(struct emu_drive *d, struct mmc_cmd *cmd, uint8_t key, uint8_t asc, uint8_t ascq)
{
	struct mmc_sense s;

	ck_assert_int_eq(emu_drive_exec(d, cmd), 0);
	if (key == 0 && asc == 0) {
		ck_assert_msg(cmd->status == MMC_STATUS_GOOD, "opcode %02Xh: sense %X/%02X/%02X",
			      cmd->cdb[0], cmd->sense[2] & 0x0f, cmd->sense[12], cmd->sense[13]);
		return;
	}
	ck_assert_msg(cmd->status == MMC_STATUS_CHECK_CONDITION,
		      "opcode %02Xh: GOOD, expected %X/%02X/%02X", cmd->cdb[0], key, asc, ascq);
	ck_assert_int_eq(mmc_sense_parse(cmd->sense, cmd->sense_len, &s), 0);
	ck_assert_msg(s.key == key && s.asc == asc && s.ascq == ascq,
		      "opcode %02Xh: sense %X/%02X/%02X, expected %X/%02X/%02X", cmd->cdb[0],
		      s.key, s.asc, s.ascq, key, asc, ascq);
}

void
tl_good(struct emu_drive *d, struct mmc_cmd *cmd)
{
	tl_expect(d, cmd, 0, 0, 0);
}

void
tl_emu_burn_make(struct tl_emu_burn *b, const char *work_dir, enum cd_sector_type type)
{
	char *wav = tl_path(work_dir, "emu-burn.wav");
	const char *input = wav;
	struct image_encoder *enc;
	struct image_disc *disc;
	struct burn_error err;

	tl_make_wav_fmt(wav, 1, 2, 44100, 16, TL_EMU_BURN_TRACK_SECTORS * CD_MAIN_SIZE);
	/* a lead-in exactly as long as the medium's: the stream starts at the NWA */
	enc = tl_open_encoder(input, type, (unsigned)-TL_NWA_CDR80, &disc);
	b->type = type;
	b->size = cd_sector_type_size(type);
	b->sectors = (uint32_t)image_encoder_total_sectors(enc);
	b->data = malloc((size_t)b->sectors * b->size);
	ck_assert_ptr_nonnull(b->data);
	for (uint32_t i = 0; i < b->sectors; i++)
		ck_assert_int_eq(image_encoder_next_sector(enc, b->data + (size_t)i * b->size,
							   &err), 1);
	image_encoder_destroy(enc);
	image_disc_destroy(disc);
	free(wav);
}

void
tl_emu_burn_free(struct tl_emu_burn *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
tl_emu_burn_select(struct emu_drive *d, const struct tl_emu_burn *b)
{
	tl_select_raw(d, b->type, true, false);
}

int
tl_emu_burn_write(struct emu_drive *d, const struct tl_emu_burn *b, uint32_t from, uint32_t to)
{
	if (to > b->sectors)
		to = b->sectors;
	while (from < to) {
		uint16_t n = to - from < TL_EMU_BURN_CHUNK ? (uint16_t)(to - from) : TL_EMU_BURN_CHUNK;
		struct mmc_cmd cmd;
		int ret;

		mmc_build_write10(&cmd, TL_NWA_CDR80 + (int32_t)from, n,
				  b->data + (size_t)from * b->size, (size_t)n * b->size);
		ret = emu_drive_exec(d, &cmd);
		if (ret < 0)
			return ret;
		ck_assert_msg(cmd.status == MMC_STATUS_GOOD, "WRITE at %d: sense %X/%02X/%02X",
			      TL_NWA_CDR80 + (int32_t)from, cmd.sense[2] & 0x0f, cmd.sense[12],
			      cmd.sense[13]);
		from += n;
	}
	return 0;
}

/* ---- an encoder's stream, sector by sector, as a host writes it ---- */

char *tl_emu_dir;
char *tl_emu_work;
struct emu_drive *tl_drive;
static char *audio_cue;

void
tl_emu_setup(void)
{
	tl_emu_dir = tl_mkdtemp("emuw");
	tl_emu_work = tl_mkdtemp("emuw-in");
}

void
tl_emu_teardown(void)
{
	tl_emu_close();
	free(audio_cue);
	audio_cue = NULL;
	tl_rmtree(tl_emu_dir);
	tl_rmtree(tl_emu_work);
	free(tl_emu_dir);
	free(tl_emu_work);
	tl_emu_dir = tl_emu_work = NULL;
}

/* One setup per medium: Check's fixtures take no argument. */
#define TL_EMU_SETUP(name, media) \
	void \
	tl_emu_setup_##name(void) \
	{ \
		tl_emu_setup(); \
		tl_drive = tl_emu_open(media); \
	}
TL_EMU_SETUP(default, NULL)
TL_EMU_SETUP(none, "none")
TL_EMU_SETUP(cdr80, "cdr80")
TL_EMU_SETUP(cdrw80, "cdrw80")
TL_EMU_SETUP(cdrom, "cdrom")

TCase *
tl_emu_tcase(Suite *s, const char *media)
{
	static const struct {
		const char *media;
		void (*setup)(void);
	} setups[] = {
		{ "default", tl_emu_setup_default },
		{ "none", tl_emu_setup_none },
		{ "cdr80", tl_emu_setup_cdr80 },
		{ "cdrw80", tl_emu_setup_cdrw80 },
		{ "cdrom", tl_emu_setup_cdrom },
	};

	for (size_t i = 0; i < sizeof(setups) / sizeof(setups[0]); i++)
		if (strcmp(setups[i].media, media) == 0)
			return tl_tcase_in(s, media, setups[i].setup, tl_emu_teardown);
	fprintf(stderr, "tl_emu_tcase: no fixture for medium %s\n", media);
	abort();
}

struct emu_drive *
tl_emu_open_dir(const char *path, const struct emu_config *cfg)
{
	struct emu_drive *d = NULL;
	struct burn_error e;

	ck_assert_msg(emu_drive_open(path, cfg, &d, &e) == 0, "open %s: %s", path, e.reason);
	return d;
}

struct emu_drive *
tl_emu_open_cfg(const struct emu_config *cfg)
{
	return tl_emu_open_dir(tl_emu_dir, cfg);
}

struct emu_drive *
tl_emu_open(const char *media)
{
	struct emu_config cfg = { .media = media };

	return tl_emu_open_cfg(&cfg);
}

void
tl_emu_close(void)
{
	if (tl_drive)
		emu_drive_close(tl_drive);
	tl_drive = NULL;
}

void
tl_emu_reopen_cfg(const struct emu_config *cfg)
{
	/* NULL until the open succeeds: a failed one leaves the teardown nothing to close */
	tl_emu_close();
	tl_drive = tl_emu_open_cfg(cfg);
}

void
tl_emu_reopen(const char *media, unsigned faults)
{
	struct emu_config cfg = { .media = media, .faults = faults };

	tl_emu_reopen_cfg(&cfg);
}

const char *
tl_emu_audio_cue(void)
{
	if (!audio_cue)
		audio_cue = tl_make_audio_cue(tl_emu_work);
	return audio_cue;
}

void
tl_select_raw(struct emu_drive *d, enum cd_sector_type dbt, bool bufe, bool test_write)
{
	tl_select_write(d, 3, (uint8_t)dbt, bufe, test_write);
}

void
tl_select_write(struct emu_drive *d, uint8_t write_type, uint8_t dbt, bool bufe, bool test_write)
{
	struct mmc_page05 want = { .write_type = write_type, .data_block_type = dbt,
				   .bufe = bufe, .test_write = test_write };

	tl_select_page05(d, &want);
}

uint8_t *
tl_cue_entry(uint8_t *p, uint8_t ctl_adr, uint8_t tno, uint8_t index, uint8_t form, int32_t lba)
{
	struct cd_msf msf = cd_lba_to_msf(lba);

	p[0] = ctl_adr;
	p[1] = tno;
	p[2] = index;
	p[3] = form;
	p[4] = 0;
	p[5] = msf.m;
	p[6] = msf.s;
	p[7] = msf.f;
	return p + 8;
}

void
tl_select_page05(struct emu_drive *d, const struct mmc_page05 *want)
{
	uint8_t cur[128], list[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
	struct mmc_cmd cmd;
	size_t len;

	mmc_build_mode_sense10(&cmd, 0x05, 0, cur, sizeof(cur));
	tl_good(d, &cmd);
	len = mmc_build_page05(want, cur + MMC_MODE_HEADER_LEN, MMC_PAGE05_LEN, list);
	mmc_build_mode_select10(&cmd, list, (uint16_t)len);
	tl_good(d, &cmd);
}

void
tl_stream_open(struct tl_stream *s, const char *input, enum cd_sector_type type)
{
	memset(s, 0, sizeof(*s));
	s->enc = tl_open_encoder(input, type, IMAGE_DEFAULT_LEAD_IN, &s->disc);
	s->type = type;
	s->size = cd_sector_type_size(type);
	s->lba = -IMAGE_DEFAULT_LEAD_IN;
	s->end = s->lba + (int32_t)image_encoder_total_sectors(s->enc);
	s->buf = malloc((size_t)TL_CHUNK * s->size);
	ck_assert_ptr_nonnull(s->buf);
}

void
tl_stream_close(struct tl_stream *s)
{
	image_encoder_destroy(s->enc);
	image_disc_destroy(s->disc);
	free(s->buf);
}

void
tl_stream_begin(struct emu_drive *d, struct tl_stream *s, enum cd_sector_type type, bool bufe,
		bool test_write)
{
	tl_stream_open(s, tl_emu_audio_cue(), type);
	tl_select_raw(d, type, bufe, test_write);
	tl_stream_skip_to(s, TL_NWA_CDR80);
}

const struct image_toc *
tl_stream_toc(const struct tl_stream *s)
{
	return image_disc_toc(s->disc);
}

/* Skips the stream up to @lba, as IMAPI skips what lies before the media's lead-in. */
void
tl_stream_skip_to(struct tl_stream *s, int32_t lba)
{
	struct burn_error err;

	while (s->lba < lba) {
		ck_assert_int_eq(image_encoder_next_sector(s->enc, s->buf, &err), 1);
		s->lba++;
	}
}

const uint8_t tl_form1_subheader[4] = { 0x01, 0x00, 0x08, 0x00 };
const uint8_t tl_form2_subheader[4] = { 0x01, 0x00, 0x20, 0x00 };

/* @sector (a scrambled Mode 1 data sector at @lba) re-coded as Mode 2, as s->mode2 says. */
static void
to_mode2(const struct tl_stream *s, uint8_t *sector, int32_t lba)
{
	uint8_t data[CD_FORM2_DATA_SIZE] = { 0 };

	cd_sector_scramble(sector);
	if (sector[15] == 1) {
		memcpy(data, sector + CD_MODE1_DATA_OFFSET, CD_DATA_SIZE);
		cd_sector_encode_mode2(sector, lba, lba >= s->form2_from ? tl_form2_subheader
									 : tl_form1_subheader,
				       data);
	}
	cd_sector_scramble(sector);
}

void
tl_stream_write(struct emu_drive *d, struct tl_stream *s, int32_t until)
{
	struct burn_error err;
	struct mmc_cmd cmd;

	if (until > s->end)
		until = s->end;
	while (s->lba < until) {
		int32_t first = s->lba;
		uint16_t n = 0;

		while (n < TL_CHUNK && s->lba < until) {
			uint8_t *sector = s->buf + (size_t)n * s->size;

			ck_assert_int_eq(image_encoder_next_sector(s->enc, sector, &err), 1);
			if (s->mode2 && s->lba >= 0 && s->lba < tl_stream_toc(s)->leadout_lba)
				to_mode2(s, sector, s->lba);
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
void
tl_stream_take(struct tl_stream *s, uint16_t n)
{
	struct burn_error err;

	for (uint16_t i = 0; i < n; i++)
		ck_assert_int_eq(image_encoder_next_sector(s->enc, s->buf + (size_t)i * s->size,
							   &err), 1);
	s->lba += n;
}

/* Polls TEST UNIT READY past 2/04/08 (long write in progress); returns how often it was busy. */
unsigned
tl_wait_ready(struct emu_drive *d)
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

void
tl_sync_cache(struct emu_drive *d, bool immed)
{
	struct mmc_cmd cmd;

	mmc_build_synchronize_cache(&cmd, immed);
	tl_good(d, &cmd);
	if (immed)
		tl_wait_ready(d);
}

void
tl_disc_info(struct emu_drive *d, uint8_t *buf, uint16_t len, struct mmc_disc_info *di)
{
	struct mmc_cmd cmd;

	mmc_build_read_disc_info(&cmd, buf, len);
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_disc_info(buf, cmd.xfer, di), 0);
}

void
tl_request_sense(struct emu_drive *d, uint8_t *buf, struct mmc_sense *s)
{
	struct mmc_cmd cmd;

	mmc_build_request_sense(&cmd, buf, 18);
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_sense_parse(buf, cmd.xfer, s), 0);
}

enum mmc_disc_status
tl_disc_status(struct emu_drive *d)
{
	struct mmc_disc_info di;
	uint8_t buf[64];

	tl_disc_info(d, buf, sizeof(buf), &di);
	return di.status;
}

void
tl_get_config(struct emu_drive *d, uint8_t rt, uint16_t start, uint8_t *buf, uint16_t len,
	      struct mmc_config *cfg)
{
	struct mmc_cmd cmd;

	mmc_build_get_configuration(&cmd, rt, start, buf, len);
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_configuration(buf, cmd.xfer, cfg), 0);
}

bool
tl_emu_has(const char *name)
{
	char *p = tl_path(tl_emu_dir, name);
	bool there = access(p, F_OK) == 0;

	free(p);
	return there;
}

void
tl_build_read10(struct mmc_cmd *cmd, int32_t lba, uint16_t n, void *buf, size_t len)
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

/* The drive's READ TOC / TRACK INFO / DISC INFO against the TOC the stream carried. */
void
tl_check_toc(struct emu_drive *d, const struct image_toc *want)
{
	struct mmc_disc_info di;
	struct mmc_track_info ti;
	struct mmc_toc toc;
	struct mmc_cmd cmd;
	uint8_t buf[2048];
	size_t n;

	tl_disc_info(d, buf, sizeof(buf), &di);
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

/* After a recording that did not reach its lead-out's end: a ruined CD-R. */
void
tl_check_ruined(struct emu_drive *d)
{
	struct mmc_cmd cmd;
	uint8_t buf[2352];

	ck_assert_int_eq(tl_disc_status(d), MMC_DISC_INCOMPLETE);
	ck_assert(!tl_emu_has("disc.cue") && !tl_emu_has("disc.bin") && !tl_emu_has("rec.bin"));
	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	tl_expect(d, &cmd, 5, 0x24, 0);
	tl_build_read10(&cmd, 0, 1, buf, 2048);
	tl_expect(d, &cmd, 5, 0x21, 0);
	tl_select_raw(d, CD_SECTOR_RAW, true, false);
	mmc_build_write10(&cmd, TL_NWA_CDR80, 1, buf, 0);
	tl_expect(d, &cmd, 5, 0x24, 0);
	mmc_build_write10(&cmd, TL_NWA_CDR80, 0, NULL, 0);
	tl_expect(d, &cmd, 5, 0x21, 0x02);
}

struct recorder *
tl_recorder_on_dir(const char *fault)
{
	struct burn_transport *t;
	struct recorder *r;
	struct burn_error e;
	char spec[4200], opts[128] = "";

	snprintf(spec, sizeof(spec), "emu:%s", tl_emu_dir);
	if (fault)
		snprintf(opts, sizeof(opts), "emu_fault=%s", fault);
	ck_assert_msg(burn_transport_open(spec, opts, &t, &e) == 0, "%s", e.reason);
	ck_assert_msg(recorder_open(t, &r, &e) == 0, "%s", e.reason);
	return r;
}
