/*
 * Track-at-once recording (doc/reference/tao.md): WRITEs of one track's
 * user data at the next writable address, CLOSE TRACK, CLOSE SESSION, and
 * RESERVE TRACK. The drive makes the rest, as a real one does: each
 * track's 150-sector pre-gap before its first block, a data track's two
 * run-out blocks after its last, the P and Q sub-channel, the lead-in's TOC
 * and the lead-out when the session is closed. What it records is the disc
 * the RAW and SAO paths record (disc.bin/.sub/.toc/.cue).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emu-private.h"
#include "image-encoder.h"

/* doc/reference/tao.md §2: the drive's pre-gap, and a data track's run-out blocks */
#define TAO_PREGAP CD_PREGAP_FRAMES
#define TAO_RUNOUT_DATA 2

/* One handle's track-at-once session, from its first WRITE (or RESERVE TRACK) to CLOSE SESSION. */
struct emu_tao {
	struct image_toc toc;	/* the closed tracks, and the open one (toc.last_track) */
	bool open;		/* toc.last_track is being written */
	int32_t nwa;		/* next writable address: the open track's, or the next one's */
	int32_t reserved_end;	/* RESERVE TRACK: where the next track must end; 0 none */
	uint8_t dbt;		/* the open track's data block type */
	uint8_t session;	/* the session recorded: 1, or the next on an appendable disc */
	uint8_t subheader[4];	/* a Mode 2 track's, from page 05h */
};

void
emu_tao_free(struct emu_drive *d)
{
	free(d->tao);
	d->tao = NULL;
}

/* The last sector a lead-out may start at on the medium in the drive. */
static int32_t
last_leadout(const struct emu_drive *d)
{
	const struct emu_media *m = d->st.media;

	return cd_msf_to_lba(m->leadout.m, m->leadout.s, m->leadout.f);
}

/*
 * This handle's session; before its first block (and RESERVE TRACK), made
 * anew from the disc: on an appendable one the TOC so far, and the NWA
 * after the next lead-in and pre-gap (doc/reference/tao.md §5). NULL
 * when out of memory.
 */
static struct emu_tao *
tao_get(struct emu_drive *d)
{
	struct emu_tao *t;

	if (!d->tao)
		d->tao = calloc(1, sizeof(*d->tao));
	t = d->tao;
	if (!t || emu_session_mine(d) || t->reserved_end)
		return t;
	memset(t, 0, sizeof(*t));
	t->session = 1;
	if (d->st.disc == EMU_DISC_APPENDABLE && emu_toc_load_image(d, &t->toc) == 0) {
		unsigned s = t->toc.track[t->toc.last_track].session;
		struct emu_toc toc;

		if (emu_toc_load(d, &toc) == 0) {
			t->nwa = emu_toc_next_leadin(&toc, toc.sessions) + EMU_LEADIN_NEXT +
				 TAO_PREGAP;
			t->session = (uint8_t)(s + 1);
		}
	}
	return t;
}

/*
 * The data block types taken: 0 audio (2352), 8 Mode 1 and 10 Mode 2
 * Form 1 (CD-ROM XA, 2048 each; what wodim -multi writes a data track as).
 */
#define TAO_DBT_AUDIO 0
#define TAO_DBT_MODE1 8
#define TAO_DBT_XA_FORM1 10
/* page 05h bytes 48-51: the sub-header the drive gives Mode 2 sectors [M] */
#define TAO_PAGE05_SUBHEADER 48

static bool
dbt_data(uint8_t dbt)
{
	return dbt == TAO_DBT_MODE1 || dbt == TAO_DBT_XA_FORM1;
}

uint32_t
emu_tao_block_size(uint8_t dbt)
{
	return dbt_data(dbt) ? CD_DATA_SIZE : dbt == TAO_DBT_AUDIO ? CD_MAIN_SIZE : 0;
}

/* Makes sector @lba of track @n from the host's @block (NULL: zero data) and records it. */
static int
tao_record(struct emu_drive *d, unsigned n, int32_t lba, const uint8_t *block)
{
	struct emu_tao *t = d->tao;
	const struct image_toc_track *tr = &t->toc.track[n];
	uint8_t main[CD_MAIN_SIZE], sub[SUBCHANNEL_PW_SIZE], q[SUBQ_SIZE];
	uint8_t zero[CD_DATA_SIZE] = { 0 };
	bool data = tr->control & SUBQ_CONTROL_DATA, p;

	if (data && tr->mode == 2)
		/* Form 1 with the sub-header of page 05h (its form bit cleared) */
		cd_sector_encode_mode2(main, lba, t->subheader, block ? block : zero);
	else if (data)
		cd_sector_encode_mode1(main, lba, block);
	else if (block)
		memcpy(main, block, CD_MAIN_SIZE);
	else
		memset(main, 0, sizeof(main));
	image_toc_program_q(&t->toc, n, lba, q, &p);
	subchannel_encode(CD_SECTOR_RAW, sub, q, p);
	return emu_session_record_sao(d, lba, main, data, sub);
}

/* Opens track toc.last_track + 1 at the NWA with the block type @dbt; its pre-gap is recorded. */
static int
track_open(struct emu_drive *d, uint8_t dbt)
{
	struct emu_tao *t = d->tao;
	unsigned n = t->toc.last_track + 1;
	struct image_toc_track *tr = &t->toc.track[n];
	int ret = 0;

	memset(tr, 0, sizeof(*tr));
	/* the track mode of page 05h gives copy and pre-emphasis; the block type, data or audio */
	tr->control = (uint8_t)((d->st.page05[3] & 0x0f & ~SUBQ_CONTROL_DATA) |
				(dbt_data(dbt) ? SUBQ_CONTROL_DATA : 0));
	if (dbt_data(dbt))
		tr->control &= (uint8_t)~0x01;	/* no pre-emphasis on data */
	tr->mode = dbt == TAO_DBT_XA_FORM1 ? 2 : dbt_data(dbt) ? 1 : 0;
	memcpy(t->subheader, d->st.page05 + TAO_PAGE05_SUBHEADER, sizeof(t->subheader));
	t->subheader[2] &= (uint8_t)~CD_SUBMODE_FORM2;	/* 2048 bytes a block: Form 1 */
	tr->start_lba = t->nwa;
	tr->pregap_lba = t->nwa - TAO_PREGAP;
	tr->index_count = 1;
	tr->index_lba[0] = tr->pregap_lba;
	tr->index_lba[1] = tr->start_lba;
	tr->end_lba = tr->start_lba;
	tr->session = t->session;
	if (n == 1)
		t->toc.first_track = 1;
	t->toc.last_track = n;
	t->toc.leadout_lba = last_leadout(d);
	t->open = true;
	t->dbt = dbt;
	for (int32_t lba = tr->pregap_lba; lba < tr->start_lba && ret == 0; lba++)
		ret = tao_record(d, n, lba, NULL);
	return ret;
}

/* Closes the open track where the host's data ended: a data track gets its run-out blocks. */
static int
track_close(struct emu_drive *d)
{
	struct emu_tao *t = d->tao;
	unsigned n = t->toc.last_track;
	struct image_toc_track *tr = &t->toc.track[n];
	int32_t end = d->st.session_next;
	int ret = 0;

	if (tr->control & SUBQ_CONTROL_DATA)
		for (int i = 0; i < TAO_RUNOUT_DATA && ret == 0; i++)
			ret = tao_record(d, n, end++, NULL);
	tr->end_lba = end;
	t->open = false;
	t->reserved_end = 0;
	t->nwa = end + TAO_PREGAP;
	d->st.session_next = t->nwa;
	return ret;
}

bool
emu_tao_write_accepted(struct emu_drive *d, struct mmc_cmd *cmd, int32_t lba, uint32_t blocks)
{
	uint8_t dbt = d->st.page05[4] & 0x0f;
	uint32_t block = emu_tao_block_size(dbt);
	bool mine = emu_session_mine(d);
	struct emu_tao *t = tao_get(d);
	int32_t end;

	if (!t) {
		emu_fail(d, cmd, MMC_SENSE_INTERNAL_TARGET_FAILURE);
		return false;
	}
	if (!block) {
		emu_fail(d, cmd, MMC_SENSE_COMMAND_SEQUENCE_ERROR);
		return false;
	}
	if (cmd->dir != MMC_DIR_OUT || (uint64_t)blocks * block != cmd->len ||
	    (blocks && !cmd->buf)) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return false;
	}
	/* a CD-R records once: a TAO session starts on a blank or an appendable disc */
	if ((!mine && d->st.disc != EMU_DISC_BLANK && d->st.disc != EMU_DISC_APPENDABLE) ||
	    lba != t->nwa) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_ADDRESS_FOR_WRITE);
		return false;
	}
	/* a track is of one mode: another block type needs a new track */
	if (t->open && dbt != t->dbt) {
		emu_fail(d, cmd, MMC_SENSE_ILLEGAL_MODE_FOR_TRACK);
		return false;
	}
	end = t->reserved_end ? t->reserved_end : last_leadout(d);
	if ((int64_t)lba + blocks > end) {
		emu_fail(d, cmd, MMC_SENSE_LBA_OUT_OF_RANGE);
		return false;
	}
	if (!blocks) {
		emu_good(cmd);
		return false;
	}
	if (!mine && emu_session_begin(d, CD_SECTOR_RAW, lba, &t->toc, lba - TAO_PREGAP) < 0) {
		emu_fail(d, cmd, MMC_SENSE_WRITE_ERROR);
		return false;
	}
	if (!mine)
		/* for now; the real lead-out comes with CLOSE SESSION */
		d->rec->sao_toc->leadout_lba = last_leadout(d);
	if (!t->open && track_open(d, dbt) < 0) {
		emu_session_end(d, false);
		emu_tao_free(d);
		emu_fail(d, cmd, MMC_SENSE_WRITE_ERROR);
		return false;
	}
	return true;
}

int
emu_tao_record(struct emu_drive *d, int32_t lba, uint32_t blocks, const uint8_t *data)
{
	struct emu_tao *t = d->tao;
	uint32_t block = emu_tao_block_size(t->dbt);
	int ret = 0;

	for (uint32_t i = 0; i < blocks && ret == 0; i++)
		ret = tao_record(d, t->toc.last_track, lba + (int32_t)i, data + (size_t)i * block);
	t->nwa = d->st.session_next = lba + (int32_t)blocks;
	t->toc.track[t->toc.last_track].end_lba = t->nwa;
	return ret;
}

int
emu_tao_synchronize(struct emu_drive *d)
{
	int ret = d->tao->open ? track_close(d) : 0;

	return ret == 0 ? emu_session_flush(d) : ret;
}

/* CLOSE SESSION: the lead-out follows the last track; the recording becomes the disc. */
static int
session_close(struct emu_drive *d)
{
	struct emu_tao *t = d->tao;
	int ret = 0;

	if (t->open)
		ret = track_close(d);
	t->toc.leadout_lba = t->toc.track[t->toc.last_track].end_lba;
	if (d->rec && d->rec->sao_toc)
		*d->rec->sao_toc = t->toc;
	emu_session_end(d, ret == 0 && emu_session_flush(d) == 0);
	emu_tao_free(d);
	return ret;
}

void
emu_tao_close_track_session(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t fn = cmd->cdb[2] & 0x07;
	unsigned n = mmc_get16(cmd->cdb + 4);
	struct emu_tao *t = d->tao;
	int ret = 0;

	if (!emu_write_media_takes(d, cmd, false))
		return;
	if (fn != MMC_CLOSE_TRACK && fn != MMC_CLOSE_SESSION) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	/* nothing of a track-at-once session to close: a blank disc, or another write type */
	if (!t || !emu_session_mine(d) || !t->toc.last_track) {
		emu_fail(d, cmd, MMC_SENSE_COMMAND_SEQUENCE_ERROR);
		return;
	}
	if (fn == MMC_CLOSE_TRACK) {
		/* the open track, or one already closed (closing it again changes nothing) */
		if (n < 1 || n > t->toc.last_track) {
			emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
			return;
		}
		if (t->open && n == t->toc.last_track)
			ret = track_close(d);
		if (ret == 0)
			ret = emu_session_flush(d);
	} else {
		ret = session_close(d);
	}
	if (ret < 0) {
		if (emu_session_mine(d))
			emu_session_end(d, false);
		emu_tao_free(d);
		emu_fail(d, cmd, MMC_SENSE_WRITE_ERROR);
		return;
	}
	d->dirty = true;
	emu_good(cmd);
}

void
emu_tao_reserve_track(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint32_t size = mmc_get32(cmd->cdb + 5);
	struct emu_tao *t;

	if (!emu_write_media_takes(d, cmd, false))
		return;
	if ((d->st.page05[2] & 0x0f) != MMC_WRITE_TYPE_TAO ||
	    (!emu_session_mine(d) && d->st.disc != EMU_DISC_BLANK &&
	     d->st.disc != EMU_DISC_APPENDABLE)) {
		emu_fail(d, cmd, MMC_SENSE_COMMAND_SEQUENCE_ERROR);
		return;
	}
	/* RMZ (reserve by a logical track's end address) is for DVD */
	if (cmd->cdb[1] & 0x01) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	t = tao_get(d);
	if (!t) {
		emu_fail(d, cmd, MMC_SENSE_INTERNAL_TARGET_FAILURE);
		return;
	}
	/* only the invisible track, before its first block; and the medium must hold it */
	if (t->open || t->reserved_end) {
		emu_fail(d, cmd, MMC_SENSE_COMMAND_SEQUENCE_ERROR);
		return;
	}
	if (!size || (int64_t)t->nwa + size > last_leadout(d)) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	t->reserved_end = t->nwa + (int32_t)size;
	emu_good(cmd);
}

bool
emu_tao_track_info(const struct emu_drive *d, unsigned n, bool by_number, uint8_t *r)
{
	const struct emu_tao *t = d->tao;
	const struct image_toc_track *tr;
	int32_t leadout = last_leadout(d), end;
	unsigned invisible;

	if (!t || !emu_session_mine(d))
		return false;
	invisible = t->open ? t->toc.last_track : t->toc.last_track + 1;
	if (!by_number) {
		/* by LBA (@n): the track holding it, pre-gap included; else the invisible one */
		int32_t lba = (int32_t)n;

		for (n = 1; n < invisible; n++)
			if (lba >= t->toc.track[n].pregap_lba && lba < t->toc.track[n].end_lba)
				break;
	} else if (n == 0xff) {
		n = invisible;
	}
	if (n < 1 || n > invisible)
		return false;
	r[2] = (uint8_t)n;
	r[3] = n < invisible ? t->toc.track[n].session : t->session;
	if (n < invisible) {
		tr = &t->toc.track[n];
		r[5] = tr->control;
		r[6] = (tr->control & SUBQ_CONTROL_DATA) ? 0x01 : 0x0f;
		mmc_put32(r + 8, (uint32_t)tr->start_lba);
		mmc_put32(r + 24, (uint32_t)(tr->end_lba - tr->start_lba));
		mmc_put32(r + 28, (uint32_t)(tr->end_lba - 1));
		return true;
	}
	/* the invisible track: incomplete while written, blank before */
	tr = &t->toc.track[n];
	end = t->reserved_end ? t->reserved_end : leadout;
	r[5] = t->open ? tr->control : (uint8_t)(d->st.page05[3] & 0x0f);
	r[6] = t->open ? ((tr->control & SUBQ_CONTROL_DATA) ? 0x01 : 0x0f) : 0x40 | 0x0f;
	if (t->reserved_end && !t->open)
		r[6] |= 0x80;	/* RT: reserved */
	r[7] = 0x01;	/* NWA valid */
	mmc_put32(r + 8, (uint32_t)(t->open ? tr->start_lba : t->nwa));
	mmc_put32(r + 12, (uint32_t)t->nwa);
	mmc_put32(r + 16, (uint32_t)(end - t->nwa));
	mmc_put32(r + 24, (uint32_t)(end - (t->open ? tr->start_lba : t->nwa)));
	if (t->open)
		mmc_put32(r + 28, (uint32_t)(t->nwa - 1));
	return true;
}
