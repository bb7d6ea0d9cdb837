#include "config.h"

#include <errno.h>
#include <string.h>

#include "mmc-read.h"

/* A data-in command cleared and timed as every builder of mmc.c leaves it. */
static void
read_cmd_init(struct mmc_cmd *cmd, uint8_t op, uint8_t cdb_len, void *buf, size_t len)
{
	mmc_build_test_unit_ready(cmd);	/* all zero, no data, the default timeout */
	cmd->cdb[0] = op;
	cmd->cdb_len = cdb_len;
	cmd->dir = MMC_DIR_IN;
	cmd->buf = buf;
	cmd->len = buf ? len : 0;
}

void
mmc_build_read10(struct mmc_cmd *cmd, int32_t lba, uint16_t blocks, void *buf, size_t len)
{
	read_cmd_init(cmd, MMC_READ_10, 10, buf, len);
	mmc_put32(&cmd->cdb[2], (uint32_t)lba);
	mmc_put16(&cmd->cdb[7], blocks);
}

void
mmc_build_read_cd(struct mmc_cmd *cmd, uint8_t sector_type, int32_t lba, uint32_t blocks,
		  uint8_t select, void *buf, size_t len)
{
	read_cmd_init(cmd, MMC_READ_CD, 12, buf, len);
	cmd->cdb[1] = (uint8_t)((sector_type & 0x07) << 2);
	mmc_put32(&cmd->cdb[2], (uint32_t)lba);
	cmd->cdb[6] = (uint8_t)(blocks >> 16);
	mmc_put16(&cmd->cdb[7], (uint16_t)blocks);
	cmd->cdb[9] = select;
}

void
mmc_read_cd_set_sub(struct mmc_cmd *cmd, uint8_t sub)
{
	cmd->cdb[10] = sub & 0x07;
}

void
mmc_build_read_cd_msf(struct mmc_cmd *cmd, uint8_t sector_type, struct cd_msf start,
		      struct cd_msf end, uint8_t select, void *buf, size_t len)
{
	read_cmd_init(cmd, MMC_READ_CD_MSF, 12, buf, len);
	cmd->cdb[1] = (uint8_t)((sector_type & 0x07) << 2);
	cmd->cdb[3] = start.m;
	cmd->cdb[4] = start.s;
	cmd->cdb[5] = start.f;
	cmd->cdb[6] = end.m;
	cmd->cdb[7] = end.s;
	cmd->cdb[8] = end.f;
	cmd->cdb[9] = select;
}

void
mmc_build_read_capacity(struct mmc_cmd *cmd, void *buf, size_t len)
{
	read_cmd_init(cmd, MMC_READ_CAPACITY, 10, buf, len);
}

int
mmc_parse_capacity(const uint8_t *buf, size_t n, int32_t *last_lba, uint32_t *block_len)
{
	*last_lba = 0;
	*block_len = 0;
	if (n < 8)
		return -EPROTO;
	*last_lba = (int32_t)mmc_get32(buf);
	*block_len = mmc_get32(buf + 4);
	return 0;
}

void
mmc_build_read_sub_channel(struct mmc_cmd *cmd, uint8_t format, uint8_t track, void *buf,
			   uint16_t len)
{
	read_cmd_init(cmd, MMC_READ_SUB_CHANNEL, 10, buf, len);
	cmd->cdb[2] = 0x40;	/* SubQ: return the sub-channel data, not only the header */
	cmd->cdb[3] = format;
	cmd->cdb[6] = track;
	mmc_put16(&cmd->cdb[7], len);
}

int
mmc_parse_position(const uint8_t *buf, size_t n, struct mmc_position *out)
{
	/* header (4), format code, ADR/control, track, index, two 4-byte addresses */
	const size_t need = 16;

	memset(out, 0, sizeof(*out));
	if (n < need || (size_t)mmc_get16(buf + 2) + 4 < need)
		return -EPROTO;
	out->audio_status = buf[1];
	out->adr = buf[5] >> 4;
	out->control = buf[5] & 0x0f;
	out->track = buf[6];
	out->index = buf[7];
	out->absolute = (int32_t)mmc_get32(buf + 8);
	out->relative = (int32_t)mmc_get32(buf + 12);
	return 0;
}

/*
 * A READ SUB-CHANNEL reply of format 2 or 3: header (4), format code,
 * ADR/control, track, reserved, the valid bit (MCVal, TCVal), then @len
 * bytes of number, copied to @out (@len + 1 bytes) with a NUL.
 */
static int
parse_number(const uint8_t *buf, size_t n, size_t len, bool *valid, char *out)
{
	*valid = false;
	memset(out, 0, len + 1);
	if (n < 9 + len || (size_t)mmc_get16(buf + 2) + 4 < 9 + len)
		return -EPROTO;
	*valid = buf[8] & 0x80;
	memcpy(out, buf + 9, len);
	return 0;
}

int
mmc_parse_isrc(const uint8_t *buf, size_t n, struct mmc_isrc *out)
{
	return parse_number(buf, n, sizeof(out->code) - 1, &out->valid, out->code);
}

int
mmc_parse_mcn(const uint8_t *buf, size_t n, struct mmc_mcn *out)
{
	return parse_number(buf, n, sizeof(out->number) - 1, &out->valid, out->number);
}

int
mmc_parse_toc_msf(const uint8_t *buf, size_t n, struct mmc_toc *out, struct cd_msf *msf)
{
	int ret = mmc_parse_toc(buf, n, out);

	/* the same layout, with 00 M S F where an LBA would be */
	for (size_t i = 0; ret == 0 && i < out->n_entries; i++) {
		uint32_t field = (uint32_t)out->entries[i].lba;

		msf[i].m = (uint8_t)(field >> 16);
		msf[i].s = (uint8_t)(field >> 8);
		msf[i].f = (uint8_t)field;
		out->entries[i].lba = cd_msf_to_lba(msf[i].m, msf[i].s, msf[i].f);
	}
	return ret;
}

int
mmc_parse_session_info(const uint8_t *buf, size_t n, struct mmc_session_info *out)
{
	struct mmc_toc toc;
	int ret;

	memset(out, 0, sizeof(*out));
	/* the format-0 layout: a header, then one descriptor, of the last session's first track */
	ret = mmc_parse_toc(buf, n, &toc);
	if (ret < 0)
		return ret;
	if (toc.n_entries < 1)
		return -EPROTO;
	out->first_session = toc.first_track;
	out->last_session = toc.last_track;
	out->first_track = toc.entries[0];
	return 0;
}
