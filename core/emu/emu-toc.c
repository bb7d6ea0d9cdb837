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

/* The largest READ TOC reply: format 2, per session A0 A1 A2 B0 C0, and 99 tracks of 11 bytes. */
#define TOC_REPLY_MAX (4 + 11 * (6 * IMAGE_MAX_TRACKS))
/* ATIP: the header and one descriptor */
#define ATIP_REPLY_LEN 28
/* ATIP byte 4: target power, reference speed; byte 5: unrestricted use. Also C0's. */
#define EMU_ATIP_POWER (0x80 | 0x50 | 0x05)
#define EMU_ATIP_APPLICATION 0x40

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
		fprintf(f, "track %u %u %d %d %d %u %u\n", n, toc->track[n].control,
			toc->track[n].pregap_lba, toc->track[n].start_lba, toc->track[n].end_lba,
			toc->track[n].mode, toc->track[n].session ? toc->track[n].session : 1);
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
		toc->first = toc->last = toc->sessions = 1;
		toc->leadout = EMU_CDROM_LEADOUT;
		toc->t[1] = (struct emu_toc_track){ SUBQ_CONTROL_DATA, 0, 0, EMU_CDROM_LEADOUT, 1,
						    1 };
		return 0;
	}
	f = emu_session_fopen_read(d, "disc.toc");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned n, control, mode = 0, session = 1;
		int pregap, start, end, fields;

		if (sscanf(line, "first %u", &n) == 1)
			toc->first = n;
		else if (sscanf(line, "last %u", &n) == 1)
			toc->last = n;
		else if (sscanf(line, "leadout %d", &start) == 1)
			toc->leadout = start;
		else if ((fields = sscanf(line, "track %u %u %d %d %d %u %u", &n, &control, &pregap,
					  &start, &end, &mode, &session)) >= 5 && n >= 1 &&
			 n <= IMAGE_MAX_TRACKS && session >= 1 && session <= IMAGE_MAX_TRACKS)
			/*
			 * a disc recorded before the mode was kept: its data tracks
			 * are Mode 1; before sessions were: one session
			 */
			toc->t[n] = (struct emu_toc_track){
				(uint8_t)control, pregap, start, end,
				(uint8_t)(fields >= 6 && mode == 2 ? 2 :
					  control & SUBQ_CONTROL_DATA ? 1 : 0),
				(uint8_t)(fields == 7 ? session : 1)
			};
	}
	fclose(f);
	if (toc->first < 1 || toc->last < toc->first || toc->last > IMAGE_MAX_TRACKS ||
	    toc->leadout <= 0)
		return -EPROTO;
	/* sessions start at 1 and follow each other, in track order */
	toc->sessions = toc->t[toc->first].session;
	if (toc->sessions != 1)
		ret = -EPROTO;
	for (unsigned n = toc->first + 1; n <= toc->last && ret == 0; n++) {
		unsigned s = toc->t[n].session;

		if (s != toc->sessions && s != toc->sessions + 1)
			ret = -EPROTO;
		toc->sessions = s;
	}
	return ret;
}

unsigned
emu_toc_session_first(const struct emu_toc *toc, unsigned s)
{
	for (unsigned n = toc->first; n <= toc->last; n++)
		if (toc->t[n].session == s)
			return n;
	return toc->first;
}

unsigned
emu_toc_session_last(const struct emu_toc *toc, unsigned s)
{
	for (unsigned n = toc->last; n >= toc->first && n >= 1; n--)
		if (toc->t[n].session == s)
			return n;
	return toc->last;
}

int32_t
emu_toc_session_leadout(const struct emu_toc *toc, unsigned s)
{
	return s >= toc->sessions ? toc->leadout : toc->t[emu_toc_session_last(toc, s)].end;
}

int32_t
emu_toc_next_leadin(const struct emu_toc *toc, unsigned s)
{
	return emu_toc_session_leadout(toc, s) + (s == 1 ? EMU_LEADOUT_FIRST : EMU_LEADOUT_LATER);
}

int
emu_toc_load_image(const struct emu_drive *d, struct image_toc *out)
{
	struct emu_toc toc;
	int ret = emu_toc_load(d, &toc);

	memset(out, 0, sizeof(*out));
	if (ret < 0)
		return ret;
	out->first_track = toc.first;
	out->last_track = toc.last;
	out->leadout_lba = toc.leadout;
	for (unsigned n = toc.first; n <= toc.last; n++) {
		struct image_toc_track *t = &out->track[n];

		t->control = toc.t[n].control;
		t->mode = toc.t[n].mode;
		t->pregap_lba = toc.t[n].pregap;
		t->start_lba = toc.t[n].start;
		t->end_lba = toc.t[n].end;
		t->index_count = 1;
		t->index_lba[0] = t->pregap_lba;
		t->index_lba[1] = t->start_lba;
		t->session = toc.t[n].session;
	}
	return 0;
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
	struct emu_toc toc;
	bool appendable = false, closed = false;

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
	if (emu_media_disc_recorded(d) && emu_toc_load(d, &toc) == 0) {
		r[3] = (uint8_t)toc.first;
		r[4] = (uint8_t)toc.sessions;
		r[5] = (uint8_t)emu_toc_session_first(&toc, toc.sessions);
		r[6] = (uint8_t)toc.last;
		r[8] = emu_toc_disc_type(&toc);
		appendable = d->st.disc == EMU_DISC_APPENDABLE;
		closed = true;
	}
	if (d->st.disc == EMU_DISC_BLANK) {
		put_msf(r + 16, m->leadin);
		put_msf(r + 20, m->leadout);
	} else if (appendable) {
		/*
		 * disc incomplete, its last session (the next one) empty: that
		 * session counts, its first track is the invisible one, its
		 * lead-in is where it will be recorded
		 */
		r[2] |= 0x01;
		r[4] = (uint8_t)(toc.sessions + 1);
		r[5] = r[6] = (uint8_t)(toc.last + 1);
		put_msf(r + 16, cd_lba_to_msf(emu_toc_next_leadin(&toc, toc.sessions)));
		put_msf(r + 20, m->leadout);
	} else {
		r[2] |= d->st.disc == EMU_DISC_COMPLETE ? 0x0e : 0x05;
		memset(r + 16, 0xff, 8);
		if (d->st.disc == EMU_DISC_INCOMPLETE && closed) {
			/* closed sessions, then the one that failed: it counts, with no track kept */
			r[4]++;
			r[5] = r[6] = (uint8_t)(r[6] + 1);
		}
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
	r[4] = EMU_ATIP_POWER;
	r[5] = EMU_ATIP_APPLICATION;
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
toc_format_tracks(const struct emu_drive *d, const struct emu_toc *toc,
		  const struct mmc_cmd *cmd, uint8_t *r)
{
	uint8_t from = cmd->cdb[6];
	bool msf = cmd->cdb[1] & 0x02;
	size_t n = 4;

	(void)d;
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

/* Format 1, session information: the first track of the last complete session. */
static size_t
toc_format_session(const struct emu_drive *d, const struct emu_toc *toc,
		   const struct mmc_cmd *cmd, uint8_t *r)
{
	bool msf = cmd->cdb[1] & 0x02;
	unsigned t = emu_toc_session_first(toc, toc->sessions);

	(void)d;
	r[2] = 1;
	r[3] = (uint8_t)toc->sessions;
	toc_entry(r + 4, (uint8_t)t, (uint8_t)(0x10 | toc->t[t].control), toc->t[t].start, msf);
	return 4 + 8;
}

/* One 11-byte full TOC descriptor: @point of session @s, PMIN/PSEC/PFRAME @p. */
static size_t
full_entry(uint8_t *r, unsigned s, uint8_t adr_ctl, uint8_t point, const uint8_t *msf_zero,
	   const uint8_t *p)
{
	memset(r, 0, 11);
	r[0] = (uint8_t)s;
	r[1] = adr_ctl;
	r[3] = point;
	if (msf_zero)
		memcpy(r + 4, msf_zero, 4);
	memcpy(r + 8, p, 3);
	return 11;
}

/*
 * Format 2, the full TOC: per session A0 A1 A2 and its tracks, then the
 * mode-5 pointers of a session that leaves room for another: B0 (the next
 * program area, the number of mode-5 pointers, the last possible lead-out)
 * and, in the first session, C0 (the ATIP's power and lead-in start).
 * M/S/F binary whatever the MSF bit (doc/reference/mmc.md §6.3, tao.md §5).
 */
static size_t
toc_format_full(const struct emu_drive *d, const struct emu_toc *toc,
		const struct mmc_cmd *cmd, uint8_t *r)
{
	const struct emu_media *m = d->st.media;
	size_t n = 4;

	(void)cmd;
	r[2] = 1;
	r[3] = (uint8_t)toc->sessions;
	for (unsigned s = 1; s <= toc->sessions; s++) {
		unsigned first = emu_toc_session_first(toc, s), last = emu_toc_session_last(toc, s);
		uint8_t ctl = toc->t[first].control;
		struct cd_msf at = cd_lba_to_msf(emu_toc_session_leadout(toc, s));
		/* an incomplete disc's last closed session was followed by another */
		bool next = s < toc->sessions || d->st.disc != EMU_DISC_COMPLETE;
		uint8_t p[3] = { (uint8_t)first, emu_toc_disc_type(toc), 0 };

		/* PSEC of A0: 00h CD-DA/CD-ROM, 20h XA */
		n += full_entry(r + n, s, (uint8_t)(0x10 | ctl), 0xa0, NULL, p);
		p[0] = (uint8_t)last;
		p[1] = 0;
		n += full_entry(r + n, s, (uint8_t)(0x10 | toc->t[last].control), 0xa1, NULL, p);
		p[0] = at.m;
		p[1] = at.s;
		p[2] = at.f;
		n += full_entry(r + n, s, (uint8_t)(0x10 | toc->t[last].control), 0xa2, NULL, p);
		for (unsigned t = first; t <= last; t++) {
			at = cd_lba_to_msf(toc->t[t].start);
			p[0] = at.m;
			p[1] = at.s;
			p[2] = at.f;
			n += full_entry(r + n, s, (uint8_t)(0x10 | toc->t[t].control), (uint8_t)t,
					NULL, p);
		}
		if (next && m->writable) {
			struct cd_msf pa = cd_lba_to_msf(emu_toc_next_leadin(toc, s) +
							 EMU_LEADIN_NEXT);
			uint8_t b0[4] = { pa.m, pa.s, pa.f, s == 1 ? 2 : 1 };
			uint8_t c0[4] = { EMU_ATIP_POWER, EMU_ATIP_APPLICATION, 0, 0 };
			uint8_t lo[3] = { m->leadout.m, m->leadout.s, m->leadout.f };
			uint8_t li[3] = { m->leadin.m, m->leadin.s, m->leadin.f };

			n += full_entry(r + n, s, (uint8_t)(0x50 | ctl), 0xb0, b0, lo);
			if (s == 1)
				n += full_entry(r + n, s, (uint8_t)(0x50 | ctl), 0xc0, c0, li);
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
	size_t (*build)(const struct emu_drive *d, const struct emu_toc *toc,
			const struct mmc_cmd *cmd, uint8_t *r);
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
			n = toc_formats[i].build(d, &toc, cmd, r);
	if (n == 0) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	mmc_put16(r, (uint16_t)(n - 2));
	emu_send_in(cmd, r, n, mmc_get16(cmd->cdb + 7));
}

/*
 * READ TRACK INFORMATION of the empty track of a blank disc (@toc NULL) or
 * of an appendable one's next session: writable per the write type.
 */
static void
track_info_blank(const struct emu_drive *d, const struct emu_toc *toc, uint8_t *r)
{
	const struct emu_media *m = d->st.media;
	uint8_t wt = d->st.page05[2] & 0x0f;
	int32_t leadin = cd_msf_to_lba(m->leadin.m, m->leadin.s, m->leadin.f);
	int32_t leadout = cd_msf_to_lba(m->leadout.m, m->leadout.s, m->leadout.f);
	int32_t start = 0, nwa;

	if (toc) {
		leadin = emu_toc_next_leadin(toc, toc->sessions);
		start = leadin + EMU_LEADIN_NEXT + CD_PREGAP_FRAMES;
		r[2] = (uint8_t)(toc->last + 1);
		r[3] = (uint8_t)(toc->sessions + 1);
		mmc_put32(r + 8, (uint32_t)start);
	}
	/*
	 * The next writable address follows the write type (doc/reference/mmc.md
	 * §6.2); on an appendable disc the session's first track start whatever
	 * the type but RAW: cdrskin -msinfo asks under SAO (doc/reference/tao.md §5)
	 */
	nwa = wt == 3 ? leadin : wt == 2 && !toc ? start - CD_PREGAP_FRAMES : start;
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
	    (type == 1 && !blank && (value < 1 || value > IMAGE_MAX_TRACKS) &&
	     !(value == 0xff && d->st.disc == EMU_DISC_APPENDABLE))) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	mmc_put16(r, sizeof(r) - 2);
	r[2] = 1;
	r[3] = 1;
	if (d->st.disc == EMU_DISC_BLANK) {
		track_info_blank(d, NULL, r);
	} else if (emu_media_disc_recorded(d) && emu_toc_load(d, &toc) == 0) {
		bool appendable = d->st.disc == EMU_DISC_APPENDABLE;
		unsigned t = type == 1 ? value
			   : type == 0 ? emu_toc_track_of(&toc, (int32_t)value) : 1;
		const struct emu_toc_track *tr;

		/* an appendable disc's invisible track: FFh, the number after the last, an LBA */
		if (appendable && ((type == 1 && (value == 0xff || value == toc.last + 1)) ||
				   (type == 0 && t == 0 &&
				    (int32_t)value >= emu_toc_next_leadin(&toc, toc.sessions)))) {
			track_info_blank(d, &toc, r);
			emu_send_in(cmd, r, sizeof(r), mmc_get16(cmd->cdb + 7));
			return;
		}
		if (t < toc.first || t > toc.last) {
			emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
			return;
		}
		tr = &toc.t[t];
		r[2] = (uint8_t)t;
		r[3] = tr->session;
		r[5] = tr->control;
		/* Data Mode: 1 or 2 for a data track, Fh (none) for audio */
		r[6] = !(tr->control & SUBQ_CONTROL_DATA) ? 0x0f : tr->mode == 2 ? 0x02 : 0x01;
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
