/*
 * Session-at-once recording (doc/reference/sao.md): SEND CUE SHEET, and
 * the WRITEs of the user data blocks the cue sheet declared. The drive
 * makes the rest, as a real one does: the lead-in's TOC, the P and Q
 * sub-channel (MCN and ISRC frames included), the sectors of the data
 * forms it generates, and the lead-out. What it records is the disc the
 * RAW path records (disc.bin/.sub/.toc/.cue), from the TOC the cue sheet
 * gives, with the P and Q burnfs's own encoder would have sent.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emu-private.h"
#include "image-encoder.h"

/* One handle's cue sheet, from SEND CUE SHEET to the end of its session. */
struct emu_sao {
	struct mmc_cue cue;
	struct image_toc toc;	/* an appended session's: with the disc's tracks before it */
	int32_t at;		/* the next sector the drive records */
	bool append;		/* the sheet is of the next session of an appendable disc */
};

void
emu_sao_free(struct emu_drive *d)
{
	free(d->sao);
	d->sao = NULL;
}

/*
 * On an appendable disc: the disc's TOC into @s's, and in s->at where the
 * next session's program area starts (doc/reference/tao.md §5). False
 * when the disc's TOC cannot be read.
 */
static bool
sao_append(const struct emu_drive *d, struct emu_sao *s)
{
	struct emu_toc toc;

	if (emu_toc_load(d, &toc) < 0 || emu_toc_load_image(d, &s->toc) < 0)
		return false;
	s->at = emu_toc_next_leadin(&toc, toc.sessions) + EMU_LEADIN_NEXT;
	s->append = true;
	return true;
}

/* The sector mode of data form @form: 0 CD-DA, 1 Mode 1, 2 Mode 2 (CD-ROM XA or formless). */
static uint8_t
sao_form_mode(uint8_t form)
{
	switch (form & MMC_CUE_FORM_MAIN_MASK) {
	case MMC_CUE_FORM_MODE1:
	case MMC_CUE_FORM_MODE1_RAW:
	case MMC_CUE_FORM_MODE1_GEN:
		return 1;
	case MMC_CUE_FORM_XA:
	case MMC_CUE_FORM_XA_GEN:
	case MMC_CUE_FORM_MODE2:
	case MMC_CUE_FORM_MODE2_GEN:
		return 2;
	default:
		return 0;
	}
}

/*
 * The TOC the cue sheet describes, as the RAW path's decoder would find it
 * on the disc; with @append, added to the disc's tracks already in @toc,
 * as the next session.
 */
static void
sao_toc(const struct mmc_cue *cue, struct image_toc *toc, bool append)
{
	uint8_t session = append ? (uint8_t)(toc->track[toc->last_track].session + 1) : 0;

	if (!append) {
		memset(toc, 0, sizeof(*toc));
		toc->first_track = cue->first_track;
	}
	toc->last_track = cue->last_track;
	toc->leadout_lba = cue->leadout_lba;
	memcpy(toc->mcn, cue->mcn, sizeof(toc->mcn));
	for (unsigned i = 1; i + 1 < cue->n_points; i++) {
		const struct mmc_cue_point *pt = &cue->point[i];
		struct image_toc_track *t = &toc->track[pt->tno];

		t->control = pt->control;
		if (pt->index == 0) {
			t->pregap_lba = pt->lba;
			continue;
		}
		if (pt->index == 1) {
			/* the track's data form from index 01 on says its mode */
			t->mode = sao_form_mode(pt->form);
			t->start_lba = pt->lba;
			if (cue->point[i - 1].tno != pt->tno)
				t->pregap_lba = pt->lba;
		}
		t->index_lba[pt->index] = pt->lba;
		t->index_count = pt->index;
	}
	for (unsigned n = cue->first_track; n <= toc->last_track; n++) {
		struct image_toc_track *t = &toc->track[n];

		t->index_lba[0] = t->pregap_lba;
		t->end_lba = n == toc->last_track ? toc->leadout_lba : toc->track[n + 1].pregap_lba;
		t->session = session;
		memcpy(t->isrc, cue->isrc[n], sizeof(t->isrc));
	}
}

void
emu_sao_send_cue_sheet(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint32_t n = (uint32_t)cmd->cdb[6] << 16 | (uint32_t)cmd->cdb[7] << 8 | cmd->cdb[8];
	const struct emu_media *m;
	struct mmc_sense_code sense;
	struct emu_sao *s;

	if (!emu_write_media_takes(d, cmd, false))
		return;
	/* a cue sheet is for a session-at-once write that has not started */
	if ((d->st.page05[2] & 0x0f) != 2 || emu_session_mine(d)) {
		emu_fail(d, cmd, MMC_SENSE_COMMAND_SEQUENCE_ERROR);
		return;
	}
	if (n > cmd->len || (n && (!cmd->buf || cmd->dir != MMC_DIR_OUT))) {
		emu_fail(d, cmd, MMC_SENSE_PARAMETER_LIST_LENGTH_ERROR);
		return;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		emu_fail(d, cmd, MMC_SENSE_INTERNAL_TARGET_FAILURE);
		return;
	}
	if (d->st.disc == EMU_DISC_APPENDABLE && !sao_append(d, s)) {
		free(s);
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_PARAMETER_LIST);
		return;
	}
	if (mmc_cue_parse_session(cmd->buf, n, &s->cue, &sense, NULL, 0, s->at, s->append) < 0) {
		free(s);
		emu_fail(d, cmd, sense);
		return;
	}
	/* the next session's tracks follow the disc's */
	if (s->append && s->cue.first_track != s->toc.last_track + 1) {
		free(s);
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_PARAMETER_LIST);
		return;
	}
	/* the lead-out must start where the medium still has room for it */
	m = d->st.media;
	if (s->cue.leadout_lba > cd_msf_to_lba(m->leadout.m, m->leadout.s, m->leadout.f)) {
		free(s);
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_PARAMETER_LIST);
		return;
	}
	sao_toc(&s->cue, &s->toc, s->append);
	s->at = s->cue.point[1].lba;
	emu_sao_free(d);
	d->sao = s;
	cmd->xfer = n;
	cmd->status = MMC_STATUS_GOOD;
}

/* The first sector at or after @lba whose data comes from the host; the lead-out if none. */
static int32_t
next_host_lba(const struct emu_sao *s, int32_t lba)
{
	int i = mmc_cue_point_of(&s->cue, lba);

	if (i < 1)
		i = 1;
	for (; (unsigned)i + 1 < s->cue.n_points; i++) {
		const struct mmc_cue_point *pt = &s->cue.point[i];

		if (mmc_cue_form_block_size(pt->form) == 0)
			continue;
		if (lba < pt->lba)
			lba = pt->lba;
		if (lba < s->cue.point[i + 1].lba)
			return lba;
	}
	return s->cue.leadout_lba;
}

static unsigned
block_size_at(const struct emu_sao *s, int32_t lba)
{
	return mmc_cue_form_block_size(s->cue.point[mmc_cue_point_of(&s->cue, lba)].form);
}

/*
 * The sub-header of the CD-ROM XA sectors the drive generates (data form
 * 24h): Form 2, no file, channel or coding; the silence image-encoder.c
 * gives a Mode 2 track, so that SAO and RAW burns stay one disc
 */
static const uint8_t sao_xa_gen_subheader[4] = { 0, 0, CD_SUBMODE_FORM2, 0 };

/* Makes sector @lba from the host's @block (NULL for a form the drive generates) and records it. */
static int
sao_record(struct emu_drive *d, struct emu_sao *s, int32_t lba, const uint8_t *block)
{
	const struct mmc_cue_point *pt = &s->cue.point[mmc_cue_point_of(&s->cue, lba)];
	uint8_t main[CD_MAIN_SIZE], sub[SUBCHANNEL_PW_SIZE], q[SUBQ_SIZE];
	unsigned size = mmc_cue_form_block_size(pt->form);
	bool p;

	switch (pt->form & MMC_CUE_FORM_MAIN_MASK) {
	case MMC_CUE_FORM_AUDIO:
	case MMC_CUE_FORM_MODE1_RAW:
		memcpy(main, block, CD_MAIN_SIZE);
		break;
	case MMC_CUE_FORM_MODE1:
		cd_sector_encode_mode1(main, lba, block);
		break;
	case MMC_CUE_FORM_MODE1_GEN:
		cd_sector_encode_mode1(main, lba, NULL);
		break;
	case MMC_CUE_FORM_XA:
		/* sub-header and data as sent; EDC and ECC by the sub-header's form bit */
		memcpy(main + CD_MODE2_SUBHEADER_OFFSET, block, CD_MODE2_SIZE);
		cd_sector_finish_mode2(main, lba);
		break;
	case MMC_CUE_FORM_XA_GEN:
		cd_sector_encode_mode2(main, lba, sao_xa_gen_subheader, NULL);
		break;
	case MMC_CUE_FORM_MODE2:
	case MMC_CUE_FORM_MODE2_GEN:
		if (block)
			memcpy(main + CD_MODE2_SUBHEADER_OFFSET, block, CD_MODE2_SIZE);
		else
			memset(main + CD_MODE2_SUBHEADER_OFFSET, 0, CD_MODE2_SIZE);
		cd_sector_write_header(main, lba, 2);
		break;
	default:
		memset(main, 0, sizeof(main));
		break;
	}
	image_toc_program_q(&s->toc, pt->tno, lba, q, &p);
	subchannel_encode(CD_SECTOR_RAW, sub, q, p);
	if (pt->form & MMC_CUE_SUB_MASK)
		/* R-W from the host; P and Q are the drive's */
		for (unsigned i = 0; i < SUBCHANNEL_PW_SIZE; i++)
			sub[i] |= block[size - SUBCHANNEL_PW_SIZE + i] & 0x3f;
	s->at = lba + 1;
	return emu_session_record_sao(d, lba, main, pt->control & SUBQ_CONTROL_DATA, sub);
}

/* Records what the drive generates from where it stands up to, not including, @lba. */
static int
sao_generate(struct emu_drive *d, struct emu_sao *s, int32_t lba)
{
	int ret = 0;

	while (s->at < lba && ret == 0)
		ret = sao_record(d, s, s->at, NULL);
	return ret;
}

bool
emu_sao_write_accepted(struct emu_drive *d, struct mmc_cmd *cmd, int32_t lba, uint32_t blocks)
{
	struct emu_sao *s = d->sao;
	uint64_t need = 0;
	int32_t at = lba;

	if (!s) {
		emu_fail(d, cmd, MMC_SENSE_COMMAND_SEQUENCE_ERROR);	/* no cue sheet */
		return false;
	}
	if (cmd->dir != MMC_DIR_OUT || (blocks && !cmd->buf)) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return false;
	}
	/*
	 * the first WRITE starts at the first pre-gap (or the first sector the
	 * host sends), on the disc the sheet was sent for
	 */
	if (emu_session_mine(d) ? lba != d->st.session_next
				: d->st.disc != (s->append ? EMU_DISC_APPENDABLE : EMU_DISC_BLANK) ||
				  lba != next_host_lba(s, s->at)) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_ADDRESS_FOR_WRITE);
		return false;
	}
	for (uint32_t i = 0; i < blocks; i++, at++) {
		at = next_host_lba(s, at);
		if (at >= s->cue.leadout_lba) {
			emu_fail(d, cmd, MMC_SENSE_LBA_OUT_OF_RANGE);	/* past the last track */
			return false;
		}
		need += block_size_at(s, at);
	}
	if (need != cmd->len) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return false;
	}
	if (!blocks) {
		emu_good(cmd);
		return false;
	}
	if (!emu_session_mine(d) &&
	    emu_session_begin(d, CD_SECTOR_RAW, s->append ? lba : -CD_PREGAP_FRAMES, &s->toc,
			      s->cue.point[1].lba) < 0) {
		emu_fail(d, cmd, MMC_SENSE_WRITE_ERROR);
		return false;
	}
	return true;
}

int
emu_sao_record(struct emu_drive *d, int32_t lba, uint32_t blocks, const uint8_t *data)
{
	struct emu_sao *s = d->sao;
	int32_t at = lba;
	int ret = 0;

	for (uint32_t i = 0; i < blocks && ret == 0; i++, at++) {
		at = next_host_lba(s, at);
		ret = sao_generate(d, s, at);
		if (ret == 0)
			ret = sao_record(d, s, at, data);
		data += block_size_at(s, at);
	}
	d->st.session_next = next_host_lba(s, at);
	return ret;
}

int
emu_sao_finish(struct emu_drive *d)
{
	struct emu_sao *s = d->sao;

	if (!s || !d->rec || !d->rec->sao_toc)
		return 0;
	/* what the drive makes after the host's last block; a missing block stays missing */
	return sao_generate(d, s, next_host_lba(s, s->at));
}
