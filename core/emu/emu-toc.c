#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu-dir.h"
#include "emu-private.h"
#include "image-cdtext.h"
#include "subchannel.h"

/* The largest READ TOC reply: format 2, A0 A1 A2 and 99 tracks of 11 bytes. */
#define TOC_REPLY_MAX (4 + 11 * (3 + IMAGE_MAX_TRACKS))
/* ATIP: the header and one descriptor */
#define ATIP_REPLY_LEN 28

int
emu_toc_save(const struct emu_drive *d, const struct image_toc *toc, char *tmp, size_t tmp_size)
{
	FILE *f;
	int fd = emu_dir_create_temp(d->dir_fd, "disc.toc", tmp, tmp_size);

	if (fd < 0) {
		tmp[0] = '\0';
		return fd;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	fprintf(f, "burnfs-toc 1\nfirst %u\nlast %u\nleadout %d\n", toc->first_track,
		toc->last_track, toc->leadout_lba);
	for (unsigned n = toc->first_track; n <= toc->last_track; n++)
		fprintf(f, "track %u %u %d %d %d %u\n", n, toc->track[n].control,
			toc->track[n].pregap_lba, toc->track[n].start_lba, toc->track[n].end_lba,
			toc->track[n].mode);
	return fclose(f) != 0 ? -EIO : 0;
}

int
emu_toc_load(const struct emu_drive *d, struct emu_toc *toc)
{
	char line[128];
	FILE *f;
	int ret = 0;

	memset(toc, 0, sizeof(*toc));
	if (d->st.media->profile == MMC_PROFILE_CDROM) {
		toc->first = toc->last = 1;
		toc->leadout = EMU_CDROM_LEADOUT;
		toc->t[1] = (struct emu_toc_track){ SUBQ_CONTROL_DATA, 0, 0, EMU_CDROM_LEADOUT };
		return 0;
	}
	f = emu_session_fopen_read(d, "disc.toc");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned n, control, mode = 0;
		int pregap, start, end, fields;

		if (sscanf(line, "first %u", &n) == 1)
			toc->first = n;
		else if (sscanf(line, "last %u", &n) == 1)
			toc->last = n;
		else if (sscanf(line, "leadout %d", &start) == 1)
			toc->leadout = start;
		else if ((fields = sscanf(line, "track %u %u %d %d %d %u", &n, &control, &pregap,
					  &start, &end, &mode)) >= 5 && n >= 1 && n <= IMAGE_MAX_TRACKS)
			/* a disc recorded before the mode was kept: its data tracks are Mode 1 */
			toc->t[n] = (struct emu_toc_track){
				(uint8_t)control, pregap, start, end,
				(uint8_t)(fields == 6 && mode == 2 ? 2 :
					  control & SUBQ_CONTROL_DATA ? 1 : 0)
			};
	}
	fclose(f);
	if (toc->first < 1 || toc->last < toc->first || toc->last > IMAGE_MAX_TRACKS ||
	    toc->leadout <= 0)
		ret = -EPROTO;
	return ret;
}

uint8_t
emu_toc_disc_type(const struct emu_toc *toc)
{
	for (unsigned n = toc->first; n <= toc->last && n <= IMAGE_MAX_TRACKS; n++)
		if (toc->t[n].mode == 2)
			return 0x20;
	return 0x00;
}

unsigned
emu_toc_track_of(const struct emu_toc *toc, int32_t lba)
{
	for (unsigned n = toc->first; n <= toc->last; n++)
		if (lba >= toc->t[n].pregap && lba < toc->t[n].end)
			return n;
	if (lba >= 0 && lba < toc->t[toc->first].start)
		return toc->first;
	return 0;
}

static void
put_msf(uint8_t *p, struct cd_msf m)
{
	p[0] = 0;
	p[1] = m.m;
	p[2] = m.s;
	p[3] = m.f;
}

void
emu_toc_read_disc_info(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[34] = { 0 };
	const struct emu_media *m = d->st.media;

	if ((cmd->cdb[1] & 0x07) != 0) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	if (!emu_media_check(d, cmd))
		return;
	mmc_put16(r, sizeof(r) - 2);
	r[2] = m->erasable ? 0x10 : 0x00;
	r[3] = 1;
	r[4] = 1;
	r[5] = 1;
	r[6] = 1;
	r[7] = 0x20;	/* unrestricted use */
	if (emu_media_disc_recorded(d)) {
		struct emu_toc toc;

		if (emu_toc_load(d, &toc) == 0) {
			r[3] = (uint8_t)toc.first;
			r[5] = (uint8_t)toc.first;
			r[6] = (uint8_t)toc.last;
			r[8] = emu_toc_disc_type(&toc);
		}
	}
	if (d->st.disc == EMU_DISC_BLANK) {
		put_msf(r + 16, m->leadin);
		put_msf(r + 20, m->leadout);
	} else {
		r[2] |= d->st.disc == EMU_DISC_COMPLETE ? 0x0e : 0x05;
		memset(r + 16, 0xff, 8);
	}
	emu_send_in(cmd, r, sizeof(r), mmc_get16(cmd->cdb + 7));
}

static void
toc_entry(uint8_t *p, uint8_t track, uint8_t adr_ctl, int32_t lba, bool msf)
{
	memset(p, 0, 8);
	p[1] = adr_ctl;
	p[2] = track;
	if (msf)
		put_msf(p + 4, cd_lba_to_msf(lba));
	else
		mmc_put32(p + 4, (uint32_t)lba);
}

/* READ TOC format 4, the ATIP of a recordable disc. */
static void
read_atip(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[ATIP_REPLY_LEN] = { 0 };
	const struct emu_media *m = d->st.media;

	if (!m->writable) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	mmc_put16(r, ATIP_REPLY_LEN - 2);
	r[4] = 0x80 | 0x50 | 0x05;	/* target power, reference speed */
	r[5] = 0x40;			/* unrestricted use */
	r[6] = (uint8_t)(0x80 | (m->erasable ? 0x40 : 0) | (m->atip_sub_type << 3) |
			 (m->erasable ? 0x04 : 0));
	r[8] = m->leadin.m;
	r[9] = m->leadin.s;
	r[10] = m->leadin.f;
	r[12] = m->leadout.m;
	r[13] = m->leadout.s;
	r[14] = m->leadout.f;
	if (m->erasable)
		r[16] = 0x14;	/* CLV 1x..4x */
	emu_send_in(cmd, r, ATIP_REPLY_LEN, mmc_get16(cmd->cdb + 7));
}

/*
 * The READ TOC formats of a recorded disc: each fills @r after its 4-byte
 * header (the caller set first and last track) and returns the reply
 * length, or 0 for a field it refuses.
 */

/* Format 0, the TOC: the tracks from @from on, then the lead-out (AAh). */
static size_t
toc_format_tracks(const struct emu_toc *toc, const struct mmc_cmd *cmd, uint8_t *r)
{
	uint8_t from = cmd->cdb[6];
	bool msf = cmd->cdb[1] & 0x02;
	size_t n = 4;

	if (from > toc->last && from != 0xaa)
		return 0;
	for (unsigned t = toc->first; from != 0xaa && t <= toc->last; t++) {
		if (t < from)
			continue;
		toc_entry(r + n, (uint8_t)t, (uint8_t)(0x10 | toc->t[t].control), toc->t[t].start,
			  msf);
		n += 8;
	}
	toc_entry(r + n, 0xaa, (uint8_t)(0x10 | toc->t[toc->last].control), toc->leadout, msf);
	return n + 8;
}

/* Format 1, session information: the one session's first track. */
static size_t
toc_format_session(const struct emu_toc *toc, const struct mmc_cmd *cmd, uint8_t *r)
{
	bool msf = cmd->cdb[1] & 0x02;

	r[2] = 1;
	r[3] = 1;
	toc_entry(r + 4, (uint8_t)toc->first, (uint8_t)(0x10 | toc->t[toc->first].control),
		  toc->t[toc->first].start, msf);
	return 4 + 8;
}

/*
 * Format 2, the full TOC: A0 A1 A2 then the tracks; M/S/F binary whatever
 * the MSF bit (doc/reference/mmc.md §6.3).
 */
static size_t
toc_format_full(const struct emu_toc *toc, const struct mmc_cmd *cmd, uint8_t *r)
{
	unsigned count = 3 + toc->last - toc->first + 1;
	size_t n = 4;

	(void)cmd;
	r[2] = 1;
	r[3] = 1;
	for (unsigned i = 0; i < count; i++, n += 11) {
		unsigned t = i < 3 ? (i == 0 ? toc->first : toc->last) : toc->first + i - 3;
		uint8_t point = i == 0 ? 0xa0 : i == 1 ? 0xa1 : i == 2 ? 0xa2 : (uint8_t)t;
		struct cd_msf at = cd_lba_to_msf(i == 2 ? toc->leadout : toc->t[t].start);

		memset(r + n, 0, 11);
		r[n] = 1;
		r[n + 1] = (uint8_t)(0x10 | toc->t[t].control);
		r[n + 3] = point;
		if (i == 0) {
			r[n + 8] = (uint8_t)t;
			r[n + 9] = emu_toc_disc_type(toc);	/* PSEC: 00h CD-DA/CD-ROM, 20h XA */
		} else if (i == 1) {
			r[n + 8] = (uint8_t)t;
		} else {
			r[n + 8] = at.m;
			r[n + 9] = at.s;
			r[n + 10] = at.f;
		}
	}
	return n;
}

/*
 * Format 5, CD-TEXT: the packs the lead-in carried (DIR/disc.cdt, kept
 * when the disc was recorded), or the header alone when it had none.
 */
static void
read_cdtext(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t *r = calloc(1, 4 + CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE);
	FILE *f = emu_session_fopen_read(d, "disc.cdt");
	size_t n = 0;

	if (r && f)
		n = fread(r + 4, CDTEXT_PACK_SIZE, CDTEXT_MAX_PACKS, f);
	if (f)
		fclose(f);
	if (!r) {
		emu_fail(d, cmd, MMC_SENSE_INTERNAL_TARGET_FAILURE);
		return;
	}
	mmc_put16(r, (uint16_t)(2 + n * CDTEXT_PACK_SIZE));
	emu_send_in(cmd, r, 4 + n * CDTEXT_PACK_SIZE, mmc_get16(cmd->cdb + 7));
	free(r);
}

static const struct {
	uint8_t format;
	size_t (*build)(const struct emu_toc *toc, const struct mmc_cmd *cmd, uint8_t *r);
} toc_formats[] = {
	{ 0, toc_format_tracks },
	{ 1, toc_format_session },
	{ 2, toc_format_full },
};

void
emu_toc_read_toc(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[TOC_REPLY_MAX] = { 0 };
	uint8_t format = cmd->cdb[2] & 0x0f;
	struct emu_toc toc;
	size_t n = 0;

	if (format == 0 && (cmd->cdb[9] >> 6))
		format = cmd->cdb[9] >> 6;	/* the old MMC-1 place of the format */
	if (!emu_media_check(d, cmd))
		return;
	if (format == 4) {
		read_atip(d, cmd);
		return;
	}
	if (!emu_media_disc_recorded(d) || emu_toc_load(d, &toc) < 0) {
		/* nothing recorded (or a ruined recording): no table of contents to give */
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	if (format == 5) {
		read_cdtext(d, cmd);
		return;
	}
	r[2] = (uint8_t)toc.first;
	r[3] = (uint8_t)toc.last;
	for (size_t i = 0; i < sizeof(toc_formats) / sizeof(toc_formats[0]); i++)
		if (toc_formats[i].format == format)
			n = toc_formats[i].build(&toc, cmd, r);
	if (n == 0) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	mmc_put16(r, (uint16_t)(n - 2));
	emu_send_in(cmd, r, n, mmc_get16(cmd->cdb + 7));
}

/* READ TRACK INFORMATION of a blank disc: one empty track, writable per the write type. */
static void
track_info_blank(const struct emu_drive *d, uint8_t *r)
{
	const struct emu_media *m = d->st.media;
	uint8_t wt = d->st.page05[2] & 0x0f;
	int32_t leadin = cd_msf_to_lba(m->leadin.m, m->leadin.s, m->leadin.f);
	int32_t leadout = cd_msf_to_lba(m->leadout.m, m->leadout.s, m->leadout.f);
	/* The next writable address follows the write type (doc/reference/mmc.md §6.2). */
	int32_t nwa = wt == 3 ? leadin : wt == 2 ? -CD_PREGAP_FRAMES : 0;

	r[5] = 0x04;
	r[6] = 0x40 | 0x0f;	/* blank, data mode unknown */
	r[7] = 0x01;		/* NWA valid */
	mmc_put32(r + 12, (uint32_t)nwa);
	mmc_put32(r + 16, (uint32_t)(leadout - nwa));
	mmc_put32(r + 24, (uint32_t)(leadout - nwa));
}

void
emu_toc_read_track_info(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[36] = { 0 };
	uint8_t type = cmd->cdb[1] & 0x03;
	uint32_t value = mmc_get32(cmd->cdb + 2);
	struct emu_toc toc;
	bool blank = d->st.disc == EMU_DISC_BLANK;

	if (!emu_media_check(d, cmd))
		return;
	/* a track-at-once session of this handle: its tracks, and the invisible one's NWA */
	mmc_put16(r, sizeof(r) - 2);
	r[3] = 1;
	if (type <= 1 && emu_tao_track_info(d, value, type == 1, r)) {
		emu_send_in(cmd, r, sizeof(r), mmc_get16(cmd->cdb + 7));
		return;
	}
	if (type == 3 || (type == 2 && value != 1) ||
	    (type == 1 && blank && value != 1 && value != 0xff) ||
	    (type == 1 && !blank && (value < 1 || value > IMAGE_MAX_TRACKS))) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	mmc_put16(r, sizeof(r) - 2);
	r[2] = 1;
	r[3] = 1;
	if (d->st.disc == EMU_DISC_BLANK) {
		track_info_blank(d, r);
	} else if (emu_media_disc_recorded(d) && emu_toc_load(d, &toc) == 0) {
		unsigned t = type == 1 ? value
			   : type == 0 ? emu_toc_track_of(&toc, (int32_t)value) : 1;
		const struct emu_toc_track *tr;

		if (t < toc.first || t > toc.last) {
			emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
			return;
		}
		tr = &toc.t[t];
		r[2] = (uint8_t)t;
		r[5] = tr->control;
		r[6] = (tr->control & SUBQ_CONTROL_DATA) ? 0x01 : 0x0f;
		mmc_put32(r + 8, (uint32_t)tr->start);
		mmc_put32(r + 24, (uint32_t)(tr->end - tr->start));
		mmc_put32(r + 28, (uint32_t)(tr->end - 1));
	} else {
		/* a ruined recording: one damaged track, nothing writable */
		r[5] = 0x20 | 0x04;
		r[6] = 0x0f;
	}
	emu_send_in(cmd, r, sizeof(r), mmc_get16(cmd->cdb + 7));
}
