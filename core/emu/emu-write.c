#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "emu-private.h"

/* CD-RW blanking at 1x (paced): minimal (PMA, TOC, pre-gap) and full */
#define BLANK_MINIMAL_S 30
#define BLANK_FULL_S 120
/* no operation keeps the drive busy longer: a full blank at 1x, with room */
#define BUSY_MAX_NS (2 * BLANK_FULL_S * EMU_NS_PER_S)

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * EMU_NS_PER_S + ts.tv_nsec;
}

void
emu_sleep_ns(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / EMU_NS_PER_S, .tv_nsec = ns % EMU_NS_PER_S };

	if (ns <= 0)
		return;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void
emu_write_buffer_reset(struct emu_state *st)
{
	st->buf_written = 0;
	st->buf_burned = 0;
	st->buf_since_ns = 0;
	st->buf_burning = false;
	st->buf_rate = 0;
}

/* Sectors burned by @now, not limited to what the buffer held (an underrun shows as more). */
static uint64_t
buffer_burned_raw(const struct emu_state *st, int64_t now)
{
	if (!st->buf_burning || !st->buf_rate || now <= st->buf_since_ns)
		return st->buf_burned;
	return st->buf_burned +
	       (uint64_t)((now - st->buf_since_ns) / 1000) * st->buf_rate / 1000000;
}

static uint64_t
buffer_fill(const struct emu_state *st, int64_t now)
{
	uint64_t burned = buffer_burned_raw(st, now);

	if (!st->buf_rate)
		return 0;	/* unpaced: the drive burns as fast as data comes */
	return burned >= st->buf_written ? 0 : st->buf_written - burned;
}

static uint64_t
buffer_capacity(uint32_t block)
{
	return (uint64_t)EMU_DRIVE_BUFFER_KB * 1024 / (block ? block : CD_MAIN_SIZE);
}

/* Time the drive still needs to burn what its buffer holds, from @now. */
static int64_t
buffer_drain_ns(const struct emu_state *st, int64_t now)
{
	uint64_t fill = buffer_fill(st, now);

	if (!st->buf_rate || !fill)
		return 0;
	return (int64_t)(fill * (uint64_t)EMU_NS_PER_S / st->buf_rate);
}

/* Pacing: the drive burns from its buffer at buf_rate; false after an underrun. */
static bool
buffer_accept(struct emu_drive *d, uint32_t blocks)
{
	struct emu_state *st = &d->st;
	uint64_t cap = buffer_capacity(st->session_block), fill;
	int64_t now;

	if (!st->buf_rate)
		return true;
	now = now_ns();
	if (st->buf_burning && buffer_burned_raw(st, now) >= st->buf_written) {
		/* the buffer ran empty before this data came */
		if (!(st->page05[2] & 0x40))
			return false;	/* BUFE off: loss of streaming */
		st->buf_burning = false;	/* BUFE: pause, resume when refilled */
		st->buf_burned = st->buf_written;
	}
	fill = buffer_fill(st, now);
	if (!st->buf_burning && fill + blocks >= cap) {
		/* the laser starts once the buffer is full */
		st->buf_burning = true;
		st->buf_since_ns = now;
	}
	if (st->buf_burning && fill + blocks > cap) {
		/* a full buffer: the WRITE waits for room, as drives do */
		uint64_t need = fill + blocks - cap;

		emu_sleep_ns((int64_t)(need * (uint64_t)EMU_NS_PER_S / st->buf_rate) + 1);
	}
	st->buf_written += blocks;
	d->dirty = true;
	return true;
}

bool
emu_write_raw_dbt_supported(const struct emu_drive *d, uint8_t dbt)
{
	if (d->cfg.faults & EMU_FAULT_NO_RAW)
		return false;
	if (dbt == 1)
		return true;
	return (dbt == 2 || dbt == 3) && !(d->cfg.faults & EMU_FAULT_NO_RW);
}

static bool
range_reaches(int32_t lba, uint32_t blocks, int32_t at)
{
	return (int64_t)lba + blocks > at;
}

/*
 * The checks of a WRITE of @blocks blocks of @block bytes at @lba, and the
 * session its first sector opens; false when @cmd was answered.
 */
static bool
write_accepted(struct emu_drive *d, struct mmc_cmd *cmd, int32_t lba, uint32_t blocks,
	       uint32_t block)
{
	uint8_t dbt = d->st.page05[4] & 0x0f;
	int32_t nwa, from = 0;
	struct emu_toc toc;

	if (cmd->dir != MMC_DIR_OUT || (uint64_t)blocks * block != cmd->len ||
	    (blocks && !cmd->buf)) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return false;
	}
	if (emu_session_mine(d)) {
		if (lba != d->st.session_next) {
			emu_fail(d, cmd, MMC_SENSE_INVALID_ADDRESS_FOR_WRITE);
			return false;
		}
		if (block != d->st.session_block) {
			/* page 05 changed in the middle of the stream */
			emu_fail(d, cmd, MMC_SENSE_COMMAND_SEQUENCE_ERROR);
			return false;
		}
		return true;
	}
	/*
	 * a CD-R records once; a used CD-RW must be blanked first. A blank
	 * disc's stream starts at the ATIP lead-in start; an appendable one's
	 * at the next session's lead-in, its program area 4500 sectors on
	 * (doc/reference/tao.md §5)
	 */
	if (d->st.disc == EMU_DISC_BLANK) {
		nwa = emu_media_leadin_lba(d->st.media);
	} else if (d->st.disc == EMU_DISC_APPENDABLE && emu_toc_load(d, &toc) == 0) {
		nwa = emu_toc_next_leadin(&toc, toc.sessions);
		from = nwa + EMU_LEADIN_NEXT;
	} else {
		emu_fail(d, cmd, MMC_SENSE_INVALID_ADDRESS_FOR_WRITE);
		return false;
	}
	if (lba != nwa) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_ADDRESS_FOR_WRITE);
		return false;
	}
	if (!blocks) {
		emu_good(cmd);	/* nothing written: the disc stays as it was */
		return false;
	}
	if (emu_session_begin(d, (enum cd_sector_type)dbt, nwa, NULL, from) < 0) {
		emu_fail(d, cmd, MMC_SENSE_WRITE_ERROR);
		return false;
	}
	return true;
}

/* The write_error@ and removed@ faults, when this WRITE reaches them; true if one fired. */
static bool
write_fault(struct emu_drive *d, struct mmc_cmd *cmd, int32_t lba, uint32_t blocks)
{
	if ((d->cfg.faults & EMU_FAULT_WRITE_ERROR) && lba <= d->cfg.write_error_lba &&
	    range_reaches(lba, blocks, d->cfg.write_error_lba)) {
		emu_session_end(d, false);
		emu_fail(d, cmd, MMC_SENSE_WRITE_ERROR);
		return true;
	}
	if ((d->cfg.faults & EMU_FAULT_REMOVED) && range_reaches(lba, blocks, d->cfg.removed_lba)) {
		emu_session_end(d, false);
		d->st.medium_gone = true;
		d->dirty = true;
		emu_fail(d, cmd, MMC_SENSE_MEDIUM_NOT_PRESENT);
		return true;
	}
	return false;
}

bool
emu_write_media_takes(struct emu_drive *d, struct mmc_cmd *cmd, bool erase)
{
	if (!emu_media_check(d, cmd))
		return false;
	if (!(erase ? d->st.media->erasable : d->st.media->writable)) {
		emu_fail(d, cmd, MMC_SENSE_CANNOT_WRITE_INCOMPATIBLE_FORMAT);
		return false;
	}
	return true;
}

void
emu_write_write(struct emu_drive *d, struct mmc_cmd *cmd)
{
	bool w12 = cmd->cdb[0] == EMU_OP_WRITE_12;
	int32_t lba = (int32_t)mmc_get32(cmd->cdb + 2);
	uint32_t blocks = w12 ? mmc_get32(cmd->cdb + 6) : mmc_get16(cmd->cdb + 7);
	uint8_t wt = d->st.page05[2] & 0x0f, dbt = d->st.page05[4] & 0x0f;
	const uint8_t *data = cmd->buf;
	bool sao = wt == MMC_WRITE_TYPE_SAO, tao = wt == MMC_WRITE_TYPE_TAO;
	uint32_t block;
	int ret = 0;

	if (!emu_write_media_takes(d, cmd, false))
		return;
	/* RAW, session-at-once and track-at-once recording are modelled, not packet writing */
	if (tao) {
		if (!emu_tao_write_accepted(d, cmd, lba, blocks))
			return;
		goto accepted;
	}
	if (!sao && (wt != MMC_WRITE_TYPE_RAW || dbt < 1 || dbt > 3 || !emu_write_raw_dbt_supported(d, dbt))) {
		emu_fail(d, cmd, MMC_SENSE_COMMAND_SEQUENCE_ERROR);
		return;
	}
	block = cd_sector_type_size((enum cd_sector_type)dbt);
	if (sao ? !emu_sao_write_accepted(d, cmd, lba, blocks)
		: !write_accepted(d, cmd, lba, blocks, block))
		return;
accepted:
	if (!blocks) {
		emu_good(cmd);
		return;
	}
	if (write_fault(d, cmd, lba, blocks))
		return;
	if (!buffer_accept(d, blocks)) {
		emu_session_end(d, false);
		emu_fail(d, cmd, MMC_SENSE_LOSS_OF_STREAMING);
		return;
	}
	if (sao)
		ret = emu_sao_record(d, lba, blocks, data);
	else if (tao)
		ret = emu_tao_record(d, lba, blocks, data);
	for (uint32_t i = 0; !sao && !tao && i < blocks && ret == 0; i++)
		ret = emu_session_record(d, lba + (int32_t)i, data + (size_t)i * block);
	if (ret == 0)
		ret = emu_session_flush(d);
	if (ret < 0) {
		emu_session_end(d, false);
		emu_fail(d, cmd, MMC_SENSE_WRITE_ERROR);
		return;
	}
	if (!sao && !tao)
		d->st.session_next = lba + (int32_t)blocks;
	d->dirty = true;
	if ((d->cfg.faults & EMU_FAULT_UNIT_ATTENTION) && !d->reset_fired &&
	    range_reaches(lba, blocks, d->cfg.unit_attention_lba)) {
		d->reset_fired = true;
		d->reset_pending = true;
	}
	cmd->xfer = cmd->len;
	cmd->status = MMC_STATUS_GOOD;
}

/* An IMMED operation of @ns starts: NOT READY with @code until it ends. */
static void
busy_start(struct emu_drive *d, struct mmc_sense_code code, int64_t ns)
{
	int64_t now = now_ns();

	d->st.busy_start_ns = now;
	d->st.busy_until_ns = now + ns;
	d->st.busy_ascq = code.ascq;
	d->dirty = true;
}

/* A long operation of @ns: with IMMED it runs on (busy_start()), else the command waits. */
static void
long_operation(struct emu_drive *d, bool immed, struct mmc_sense_code code, int64_t ns)
{
	if (immed)
		busy_start(d, code, ns);
	else
		emu_sleep_ns(ns);
}

bool
emu_write_busy_now(struct emu_drive *d)
{
	int64_t now = now_ns();

	if (!d->st.busy_until_ns)
		return false;
	/* longer than any operation lasts: a deadline from before a reboot */
	if (now < d->st.busy_until_ns && d->st.busy_until_ns - now <= BUSY_MAX_NS)
		return true;
	d->st.busy_start_ns = d->st.busy_until_ns = 0;
	d->st.busy_ascq = 0;
	d->dirty = true;
	return false;
}

/* The progress goes in the sense-key specific bytes. */
void
emu_write_busy_sense(const struct emu_drive *d, uint8_t *sense)
{
	int64_t span = d->st.busy_until_ns - d->st.busy_start_ns;
	int64_t done = now_ns() - d->st.busy_start_ns;
	uint32_t progress = span > 0 ? (uint32_t)(done * 65536 / span) : 0;

	if (progress > 65535)
		progress = 65535;
	emu_sense_build(sense, MMC_SENSE_CODE(MMC_SENSE_KEY_NOT_READY, MMC_ASC_NOT_READY,
					      d->st.busy_ascq));
	sense[15] = 0x80;
	mmc_put16(sense + 16, (uint16_t)progress);
}

void
emu_write_fail_busy(struct emu_drive *d, struct mmc_cmd *cmd)
{
	emu_fail(d, cmd, MMC_SENSE_LONG_WRITE_IN_PROGRESS);
	if (emu_write_busy_now(d)) {
		emu_write_busy_sense(d, d->sense);
		memcpy(cmd->sense, d->sense, cmd->sense_len);
	}
}

void
emu_write_blank(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t type = cmd->cdb[1] & 0x07;
	bool immed = cmd->cdb[1] & 0x10;
	int64_t ns;

	if (!emu_write_media_takes(d, cmd, true))
		return;
	if (type > 1) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	if (emu_session_mine(d)) {
		emu_fail(d, cmd, MMC_SENSE_COMMAND_SEQUENCE_ERROR);
		return;
	}
	emu_session_remove_disc(d);
	emu_session_remove_rec(d);
	d->st.disc = EMU_DISC_BLANK;
	d->dirty = true;
	if (d->cfg.speed) {
		/* paced: blanking takes its time, 1x = BLANK_*_S seconds */
		ns = (type == 0 ? BLANK_FULL_S : BLANK_MINIMAL_S) * EMU_NS_PER_S / d->cfg.speed;
		long_operation(d, immed, MMC_SENSE_OPERATION_IN_PROGRESS, ns);
	}
	emu_good(cmd);
}

void
emu_write_synchronize_cache(struct emu_drive *d, struct mmc_cmd *cmd)
{
	bool immed = cmd->cdb[1] & 0x02;
	int64_t now, drain = 0;

	if (!emu_media_check(d, cmd))
		return;
	if (emu_session_mine(d)) {
		now = now_ns();
		if (d->st.buf_rate && !d->st.buf_burning) {
			/* the laser starts now for what the buffer holds */
			d->st.buf_burning = true;
			d->st.buf_since_ns = now;
		}
		drain = buffer_drain_ns(&d->st, now);
		if (d->tao) {
			/* TAO: the open track is closed; CLOSE SESSION ends the session */
			if (emu_tao_synchronize(d) < 0) {
				emu_session_end(d, false);
				emu_fail(d, cmd, MMC_SENSE_WRITE_ERROR);
				return;
			}
			d->st.buf_burned = d->st.buf_written;
			d->st.buf_burning = false;
			d->dirty = true;
			goto out_wait;
		}
		/* SAO: the drive's sectors after the host's last block (a failure ruins the disc) */
		emu_session_end(d, emu_sao_finish(d) == 0);
		emu_sao_free(d);
		emu_write_buffer_reset(&d->st);
out_wait:
		if (drain > 0)
			long_operation(d, immed, MMC_SENSE_LONG_WRITE_IN_PROGRESS, drain);
	}
	emu_good(cmd);
}

void
emu_write_read_buffer_capacity(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[12] = { 0 };
	uint32_t total = EMU_DRIVE_BUFFER_KB * 1024, used = 0;

	if (d->st.session[0])
		used = (uint32_t)(buffer_fill(&d->st, now_ns()) * d->st.session_block);
	if (used > total)
		used = total;
	mmc_put16(r, 10);
	mmc_put32(r + 4, total);
	mmc_put32(r + 8, total - used);
	emu_send_in(cmd, r, sizeof(r), mmc_get16(cmd->cdb + 7));
}
