#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu-dir.h"
#include "emu-private.h"
#include "mmc-read.h"
#include "subchannel.h"

/* Sectors read from the disc files at once: one open and one pread each per 32. */
#define READ_AHEAD 32

/*
 * Reads sectors [@lba, @lba + @n) of the recorded disc:
 * main channels (2352 each) into @main and/or raw P-W (96 each) into
 * @raw96. -EIO when one of them is unreadable (the unreadable@ fault).
 */
static int
disc_read_sectors(struct emu_drive *d, int32_t lba, uint32_t n, uint8_t *main, uint8_t *raw96)
{
	int fd, ret = 0;
	ssize_t got;

	if (d->cfg.speed)
		/* paced: a drive reads at its speed too, N x 75 sectors/s */
		emu_sleep_ns((int64_t)n * EMU_NS_PER_S /
			     ((int64_t)d->cfg.speed * CD_FRAMES_PER_SECOND));
	if ((d->cfg.faults & EMU_FAULT_UNREADABLE) && lba <= d->cfg.unreadable_lba &&
	    d->cfg.unreadable_lba < lba + (int64_t)n)
		return -EIO;
	if (d->st.media->profile == MMC_PROFILE_CDROM) {
		/* the pressed disc: Mode 1 sectors of zeros */
		for (uint32_t i = 0; i < n; i++) {
			int32_t at = lba + (int32_t)i;
			uint8_t q[SUBQ_SIZE];

			if (main)
				cd_sector_encode_mode1(main + i * CD_MAIN_SIZE, at, NULL);
			if (!raw96)
				continue;
			subq_build_position(q, SUBQ_CONTROL_DATA, 1, 1, at, at);
			subchannel_encode(CD_SECTOR_RAW, raw96 + i * SUBCHANNEL_PW_SIZE, q, false);
		}
		return 0;
	}
	for (int f = 0; f < 2; f++) {
		uint8_t *out = f == 0 ? main : raw96;
		size_t size = f == 0 ? CD_MAIN_SIZE : SUBCHANNEL_PW_SIZE;
		struct stat sb;
		char why[96];

		if (!out)
			continue;
		/* a disc file that may not be trusted is as good as absent */
		fd = emu_dir_open_existing(d->dir_fd, f == 0 ? "disc.bin" : "disc.sub", O_RDONLY,
					   &sb, why, sizeof(why));
		if (fd < 0)
			return fd == -EPERM ? -ENOENT : fd;
		got = pread(fd, out, n * size, (off_t)lba * (off_t)size);
		if (got != (ssize_t)(n * size))
			ret = got < 0 ? -errno : -EIO;
		close(fd);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * The sectors of one command, read READ_AHEAD at a time: one buffer per
 * handle, kept from its first read to its close (a reader sends thousands
 * of commands; a buffer each would churn the allocator).
 */
struct emu_ahead {
	int32_t lba;		/* of the first sector held */
	uint32_t count;
	bool sub;		/* with their raw P-W */
	uint8_t main[READ_AHEAD * CD_MAIN_SIZE];
	uint8_t raw96[READ_AHEAD * SUBCHANNEL_PW_SIZE];
};

/*
 * Sector @at of a command that reads up to @end (exclusive): its main
 * channel, and its raw P-W in *@raw96 when @a->sub. NULL when a read
 * failed.
 */
static const uint8_t *
ahead_get(struct emu_drive *d, struct emu_ahead *a, int32_t at, int32_t end, const uint8_t **raw96)
{
	if (a->count == 0 || at < a->lba || at >= a->lba + (int32_t)a->count) {
		uint32_t n = end - at < READ_AHEAD ? (uint32_t)(end - at) : READ_AHEAD;

		a->count = 0;
		if (disc_read_sectors(d, at, n, a->main, a->sub ? a->raw96 : NULL) < 0)
			return NULL;
		a->lba = at;
		a->count = n;
	}
	*raw96 = a->raw96 + (size_t)(at - a->lba) * SUBCHANNEL_PW_SIZE;
	return a->main + (size_t)(at - a->lba) * CD_MAIN_SIZE;
}

/* @d's read-ahead buffer, emptied for @cmd; NULL with @cmd answered. */
static struct emu_ahead *
ahead_new(struct emu_drive *d, struct mmc_cmd *cmd, bool sub)
{
	if (!d->ahead)
		d->ahead = malloc(sizeof(*d->ahead));
	if (!d->ahead) {
		emu_fail(d, cmd, MMC_SENSE_INTERNAL_TARGET_FAILURE);
		return NULL;
	}
	d->ahead->count = 0;
	d->ahead->sub = sub;
	return d->ahead;
}

void
emu_read_free(struct emu_drive *d)
{
	free(d->ahead);
	d->ahead = NULL;
}

/* Common checks of READ(10) and READ CD; false when @cmd was answered. */
static bool
read_prepare(struct emu_drive *d, struct mmc_cmd *cmd, int32_t lba, uint32_t blocks,
	     struct emu_toc *toc)
{
	if (!emu_media_check(d, cmd))
		return false;
	if (!emu_media_disc_recorded(d) || emu_toc_load(d, toc) < 0) {
		/* nothing readable: a blank or ruined disc */
		emu_fail(d, cmd, MMC_SENSE_LBA_OUT_OF_RANGE);
		return false;
	}
	if (lba < 0 || (int64_t)lba + blocks > toc->leadout) {
		emu_fail(d, cmd, MMC_SENSE_LBA_OUT_OF_RANGE);
		return false;
	}
	return true;
}

/* Whether the sector at @lba lies in a data track. */
static bool
sector_is_data(const struct emu_toc *toc, int32_t lba)
{
	unsigned t = emu_toc_track_of(toc, lba);

	return t && (toc->t[t].control & SUBQ_CONTROL_DATA);
}

/* A recorded sector as a drive tells it: by its track, then its header's mode and form. */
enum sector_kind {
	KIND_AUDIO = 1,		/* the READ CD expected sector types */
	KIND_MODE1 = 2,
	KIND_FORM1 = 4,
	KIND_FORM2 = 5,
};

static enum sector_kind
sector_kind(const uint8_t *sector, bool data)
{
	if (!data)
		return KIND_AUDIO;
	if (sector[15] != 2)
		return KIND_MODE1;
	return sector[CD_MODE2_SUBHEADER_OFFSET + 2] & CD_SUBMODE_FORM2 ? KIND_FORM2 : KIND_FORM1;
}

/* Whether READ CD's expected sector type @expected takes a sector of @kind. */
static bool
kind_expected(enum sector_kind kind, uint8_t expected)
{
	/* 3, Mode 2 formless: any Mode 2 sector */
	return expected == 0 || expected == kind ||
	       (expected == 3 && (kind == KIND_FORM1 || kind == KIND_FORM2));
}

void
emu_read_read10(struct emu_drive *d, struct mmc_cmd *cmd)
{
	int32_t lba = (int32_t)mmc_get32(cmd->cdb + 2);
	uint32_t blocks = mmc_get16(cmd->cdb + 7);
	uint8_t *out = cmd->buf;
	const uint8_t *sector, *raw96;
	struct emu_toc toc;
	struct emu_ahead *a;
	int32_t end;
	size_t n = 0;

	if (!read_prepare(d, cmd, lba, blocks, &toc))
		return;
	for (uint32_t i = 0; i < blocks; i++) {
		if (!sector_is_data(&toc, lba + (int32_t)i)) {
			emu_fail(d, cmd, MMC_SENSE_ILLEGAL_MODE_FOR_TRACK);
			return;
		}
	}
	a = ahead_new(d, cmd, false);
	if (!a)
		return;
	/* as many blocks as the buffer takes */
	end = lba + (int32_t)(out ? (blocks < cmd->len / CD_DATA_SIZE ? blocks
								 : cmd->len / CD_DATA_SIZE) : 0);
	for (int32_t at = lba; at < end; at++) {
		sector = ahead_get(d, a, at, end, &raw96);
		if (!sector) {
			emu_fail(d, cmd, MMC_SENSE_UNRECOVERED_READ_ERROR);
			return;
		}
		/* Mode 2: Form 1's user data follows the sub-header; Form 2 has no 2048 bytes */
		if (sector_kind(sector, true) == KIND_FORM2) {
			emu_fail(d, cmd, MMC_SENSE_ILLEGAL_MODE_FOR_TRACK);
			return;
		}
		memcpy(out + n, sector + (sector[15] == 2 ? CD_MODE2_DATA_OFFSET :
					  CD_MODE1_DATA_OFFSET), CD_DATA_SIZE);
		n += CD_DATA_SIZE;
	}
	cmd->xfer = n;
	cmd->status = MMC_STATUS_GOOD;
}

/* Appends @len bytes of @sector at @from to @out at *@n. */
static void
take(uint8_t *out, size_t *n, const uint8_t *sector, size_t from, size_t len)
{
	memcpy(out + *n, sector + from, len);
	*n += len;
}

/* Bytes of one sector READ CD returns for selection @b9 (main channel only). */
static size_t
read_cd_main(const uint8_t *sector, enum sector_kind kind, uint8_t b9, uint8_t *out)
{
	size_t n = 0, user = kind == KIND_MODE1 ? CD_MODE1_DATA_OFFSET : CD_MODE2_DATA_OFFSET;
	size_t user_len = kind == KIND_FORM2 ? CD_FORM2_DATA_SIZE : CD_DATA_SIZE;

	if (kind == KIND_AUDIO) {
		if (b9 & 0xf8)
			take(out, &n, sector, 0, CD_MAIN_SIZE);
		return n;
	}
	if (b9 & 0x80)
		take(out, &n, sector, 0, CD_SYNC_SIZE);
	if (b9 & 0x20)		/* header codes 01 (header) or 11 (all headers) */
		take(out, &n, sector, CD_HEADER_OFFSET, 4);
	if ((b9 & 0x40) && kind != KIND_MODE1)	/* all headers: Mode 2's sub-header too */
		take(out, &n, sector, CD_MODE2_SUBHEADER_OFFSET, 8);
	if (b9 & 0x10)
		take(out, &n, sector, user, user_len);
	if (b9 & 0x08)
		take(out, &n, sector, user + user_len, CD_MAIN_SIZE - user - user_len);
	return n;
}

/*
 * Appends sub-channel selection @sub (1 raw P-W, 2 formatted Q, 4 R-W
 * de-interleaved and corrected) of @raw96 at @out.
 */
static size_t
read_cd_sub(const uint8_t *raw96, uint8_t sub, uint8_t *out)
{
	uint8_t q[SUBQ_SIZE];
	bool p = false;

	if (sub == 1) {
		memcpy(out, raw96, SUBCHANNEL_PW_SIZE);
		return SUBCHANNEL_PW_SIZE;
	}
	if (sub == 4) {
		/* R-W alone: burnfs records the packs neither interleaved nor with parity */
		for (size_t i = 0; i < SUBCHANNEL_PW_SIZE; i++)
			out[i] = raw96[i] & 0x3f;
		return SUBCHANNEL_PW_SIZE;
	}
	if (sub != 2)
		return 0;
	subchannel_extract_q(CD_SECTOR_RAW, raw96, q, &p);
	memcpy(out, q, SUBQ_SIZE);
	memset(out + SUBQ_SIZE, 0, 4);
	out[15] = p ? 0x80 : 0x00;
	return SUBCHANNEL_PQ_SIZE;
}

/* READ CD and READ CD MSF of @blocks sectors from @lba: the CDB's bytes 1, 9 and 10 agree. */
static void
read_cd(struct emu_drive *d, struct mmc_cmd *cmd, int32_t lba, uint32_t blocks)
{
	uint8_t expected = (cmd->cdb[1] >> 2) & 0x07, b9 = cmd->cdb[9], sub = cmd->cdb[10] & 0x07;
	uint8_t one[CD_MAIN_SIZE + 96], *out = cmd->buf;
	const uint8_t *sector, *raw96;
	int32_t end = lba + (int32_t)blocks;
	struct emu_toc toc;
	struct emu_ahead *a;
	size_t n = 0;

	if ((b9 & 0x06) || sub == 3 || sub > 4 || expected > 5 || (b9 & 0x60) == 0x40) {
		/* C2 error bits, reserved sub-channel selections, sub-header only: not offered */
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	if (!read_prepare(d, cmd, lba, blocks, &toc))
		return;
	for (uint32_t i = 0; i < blocks; i++) {
		/* audio where data is expected (or the other way) fails before any read */
		if (expected != 0 && (expected == 1) == sector_is_data(&toc, lba + (int32_t)i)) {
			emu_fail(d, cmd, MMC_SENSE_ILLEGAL_MODE_FOR_TRACK);
			return;
		}
	}
	a = ahead_new(d, cmd, sub != 0);
	if (!a)
		return;
	for (int32_t at = lba; at < end; at++) {
		enum sector_kind kind;
		size_t len;

		sector = ahead_get(d, a, at, end, &raw96);
		if (!sector) {
			emu_fail(d, cmd, MMC_SENSE_UNRECOVERED_READ_ERROR);
			return;
		}
		kind = sector_kind(sector, sector_is_data(&toc, at));
		if (!kind_expected(kind, expected)) {
			emu_fail(d, cmd, MMC_SENSE_ILLEGAL_MODE_FOR_TRACK);
			return;
		}
		len = read_cd_main(sector, kind, b9, one);
		if (sub)
			len += read_cd_sub(raw96, sub, one + len);
		if (!out || n + len > cmd->len)
			break;
		memcpy(out + n, one, len);
		n += len;
	}
	cmd->xfer = n;
	cmd->status = MMC_STATUS_GOOD;
}

void
emu_read_read_cd(struct emu_drive *d, struct mmc_cmd *cmd)
{
	read_cd(d, cmd, (int32_t)mmc_get32(cmd->cdb + 2),
		(uint32_t)cmd->cdb[6] << 16 | (uint32_t)cmd->cdb[7] << 8 | cmd->cdb[8]);
}

void
emu_read_read_cd_msf(struct emu_drive *d, struct mmc_cmd *cmd)
{
	int32_t start = cd_msf_to_lba(cmd->cdb[3], cmd->cdb[4], cmd->cdb[5]);
	int32_t end = cd_msf_to_lba(cmd->cdb[6], cmd->cdb[7], cmd->cdb[8]);

	/* the end address is the first sector not read; equal addresses read nothing */
	if (end < start) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	read_cd(d, cmd, start, (uint32_t)(end - start));
}

void
emu_read_read_capacity(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[8] = { 0 };
	struct emu_toc toc;

	if (!emu_media_check(d, cmd))
		return;
	/* a disc without a complete session reports 0, as drives do */
	if (emu_media_disc_recorded(d) && emu_toc_load(d, &toc) == 0)
		mmc_put32(r, (uint32_t)(toc.leadout - 1));
	mmc_put32(r + 4, CD_DATA_SIZE);
	emu_send_in(cmd, r, sizeof(r), sizeof(r));
}

#define Q_SCAN 100	/* frames a drive looks through for an MCN or ISRC */

/*
 * The Q of the first Q_SCAN sectors of track @t (fewer in a shorter one):
 * the first of mode @adr (MCN or ISRC) into @q. A Red Book disc carries
 * each at least once in 100 frames, so drives look no further than that.
 */
static bool
find_q(struct emu_drive *d, const struct emu_toc *toc, unsigned t, uint8_t adr, struct subq *q)
{
	uint8_t raw96[Q_SCAN * SUBCHANNEL_PW_SIZE], frame[SUBQ_SIZE];
	int32_t start = toc->t[t].start, n = toc->t[t].end - start;
	bool p;

	if (n > Q_SCAN)
		n = Q_SCAN;
	if (n <= 0 || disc_read_sectors(d, start, (uint32_t)n, NULL, raw96) < 0)
		return false;
	for (int32_t i = 0; i < n; i++) {
		if (subchannel_extract_q(CD_SECTOR_RAW, raw96 + i * SUBCHANNEL_PW_SIZE, frame,
					 &p) == 0 &&
		    (frame[0] & 0x0f) == adr && subq_parse(frame, q) == 0)
			return true;
	}
	return false;
}

void
emu_read_read_sub_channel(struct emu_drive *d, struct mmc_cmd *cmd)
{
	bool msf = cmd->cdb[1] & 0x02, subq = cmd->cdb[2] & 0x40;
	uint8_t format = cmd->cdb[3], track = cmd->cdb[6], r[24] = { 0 };
	bool recorded = false;
	struct emu_toc toc;
	struct subq q;
	size_t n = 4;

	if (!emu_media_check(d, cmd))
		return;
	if (subq && (format < MMC_SUBQ_POSITION || format > MMC_SUBQ_ISRC)) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	recorded = emu_media_disc_recorded(d) && emu_toc_load(d, &toc) == 0;
	if (subq && format == MMC_SUBQ_ISRC &&
	    (!recorded || track < toc.first || track > toc.last)) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	r[1] = 0x15;	/* audio status: nothing is playing, nothing to report */
	if (subq) {
		r[4] = format;
		n = 24;
	}
	if (subq && format == MMC_SUBQ_POSITION) {
		/* the head rests at the start of the first track */
		unsigned first = recorded ? toc.first : 1;
		int32_t at = recorded ? toc.t[first].start : 0;

		n = 16;
		r[5] = (uint8_t)(SUBQ_ADR_POSITION << 4 | (recorded ? toc.t[first].control : 0));
		r[6] = (uint8_t)first;
		r[7] = 1;
		if (msf) {
			struct cd_msf m = cd_lba_to_msf(at);

			r[9] = m.m;
			r[10] = m.s;
			r[11] = m.f;
		} else {
			mmc_put32(r + 8, (uint32_t)at);
		}
	} else if (subq && format == MMC_SUBQ_MCN) {
		if (recorded && find_q(d, &toc, toc.first, SUBQ_ADR_MCN, &q)) {
			r[8] = 0x80;
			memcpy(r + 9, q.mcn, SUBQ_MCN_LEN);
		}
	} else if (subq && format == MMC_SUBQ_ISRC) {
		r[5] = (uint8_t)(SUBQ_ADR_ISRC << 4 | toc.t[track].control);
		r[6] = track;
		if (find_q(d, &toc, track, SUBQ_ADR_ISRC, &q)) {
			r[8] = 0x80;
			memcpy(r + 9, q.isrc, SUBQ_ISRC_LEN);
		}
	}
	mmc_put16(r + 2, (uint16_t)(n - 4));
	emu_send_in(cmd, r, n, mmc_get16(cmd->cdb + 7));
}
