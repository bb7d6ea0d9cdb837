#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "image-disc.h"
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
	ck_assert_msg(image_disc_open(&disc, &input, 1, 0, &err) == 0, "%s", err.reason);
	/* a lead-in exactly as long as the medium's: the stream starts at the NWA */
	ck_assert_msg(image_encoder_create(&enc, disc, type, (unsigned)-TL_EMU_BURN_NWA, &err) == 0,
		      "%s", err.reason);
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
	struct mmc_page05 want = { .write_type = 3, .data_block_type = (uint8_t)b->type,
				   .bufe = true };
	uint8_t cur[128], list[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
	struct mmc_cmd cmd;
	size_t len;

	mmc_build_mode_sense10(&cmd, 0x05, 0, cur, sizeof(cur));
	tl_good(d, &cmd);
	len = mmc_build_page05(&want, cur + MMC_MODE_HEADER_LEN, MMC_PAGE05_LEN, list);
	mmc_build_mode_select10(&cmd, list, (uint16_t)len);
	tl_good(d, &cmd);
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

		mmc_build_write10(&cmd, TL_EMU_BURN_NWA + (int32_t)from, n,
				  b->data + (size_t)from * b->size, (size_t)n * b->size);
		ret = emu_drive_exec(d, &cmd);
		if (ret < 0)
			return ret;
		ck_assert_msg(cmd.status == MMC_STATUS_GOOD, "WRITE at %d: sense %X/%02X/%02X",
			      TL_EMU_BURN_NWA + (int32_t)from, cmd.sense[2] & 0x0f, cmd.sense[12],
			      cmd.sense[13]);
		from += n;
	}
	return 0;
}

enum mmc_disc_status
tl_emu_burn_disc_status(struct emu_drive *d)
{
	struct mmc_disc_info di;
	struct mmc_cmd cmd;
	uint8_t buf[64];

	mmc_build_read_disc_info(&cmd, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_int_eq(mmc_parse_disc_info(buf, cmd.xfer, &di), 0);
	return di.status;
}
