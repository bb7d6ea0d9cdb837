#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "image-cdtext.h"
#include "image-encoder.h"
#include "image-private.h"
#include "subchannel.h"

#define FILE_BUFFER_SIZE (256 * 1024)
#define TOC_REPEAT 3
#define LEADOUT_P_QUIET 150
#define LEADOUT_P_HALF_PERIOD 19

struct toc_entry {
	uint8_t control;
	uint8_t point;
	uint8_t pfield[3];
};

struct image_encoder {
	const struct image_disc *disc;
	enum cd_sector_type type;
	unsigned sector_size;
	int32_t first_lba;		/* -lead_in_sectors */
	int32_t end_lba;		/* one past the last lead-out sector */
	int32_t lba;			/* next sector */
	unsigned track;			/* current track number */

	struct toc_entry toc[IMAGE_MAX_TRACKS + 3];
	unsigned n_toc;

	uint8_t (*cdtext)[CDTEXT_PACK_SIZE];	/* raw only; NULL without text */
	unsigned n_cdtext;

	FILE *fp;
	int fp_file;			/* index of the open file, -1 = none */
	uint64_t fp_pos;		/* where the next fread lands */
	char *fp_buffer;

	struct image_audio *audio;	/* the decoder of an IMAGE_FILE_DECODED file */
	int audio_file;			/* its index, -1 = none */

	uint8_t pending[2448];		/* a sector cut by image_encoder_read() */
	unsigned pending_off, pending_len;
};

void
image_encoder_destroy(struct image_encoder *enc)
{
	if (!enc)
		return;
	if (enc->fp)
		fclose(enc->fp);
	image_audio_close(enc->audio);
	free(enc->fp_buffer);
	free(enc->cdtext);
	free(enc);
}

uint64_t
image_encoder_total_sectors(const struct image_encoder *enc)
{
	return (uint64_t)(enc->end_lba - enc->first_lba);
}

static void
toc_add(struct image_encoder *enc, uint8_t control, uint8_t point, uint8_t p0, uint8_t p1,
	uint8_t p2)
{
	struct toc_entry *e = &enc->toc[enc->n_toc++];

	e->control = control;
	e->point = point;
	e->pfield[0] = p0;
	e->pfield[1] = p1;
	e->pfield[2] = p2;
}

int
image_encoder_create(struct image_encoder **out, const struct image_disc *disc,
		     enum cd_sector_type type, unsigned lead_in_sectors,
		     struct burn_error *err)
{
	const struct image_toc *toc = &disc->toc;
	struct image_encoder *enc;
	struct cd_msf msf;
	unsigned min_lead_in;

	*out = NULL;
	if (type != CD_SECTOR_PQ && type != CD_SECTOR_COOKED && type != CD_SECTOR_RAW)
		return image_disc_fail(err, "sector type %d is not 1 (pq), 2 (cooked) or 3 (raw)",
				       type);
	min_lead_in = CD_PREGAP_FRAMES +
		TOC_REPEAT * (3 + toc->last_track - toc->first_track + 1);
	if (lead_in_sectors < min_lead_in || lead_in_sectors > IMAGE_MAX_LEAD_IN)
		return image_disc_fail(err,
				       "lead-in of %u sectors: this disc needs %u to %u (150 for the pre-gap, 3 per TOC entry)",
				       lead_in_sectors, min_lead_in,
				       IMAGE_MAX_LEAD_IN);
	enc = calloc(1, sizeof(*enc));
	if (!enc)
		goto out_nomem;
	enc->disc = disc;
	enc->type = type;
	enc->sector_size = cd_sector_type_size(type);
	enc->first_lba = -(int32_t)lead_in_sectors;
	enc->lba = enc->first_lba;
	enc->end_lba = toc->leadout_lba + IMAGE_LEADOUT_SECTORS;
	enc->track = toc->first_track;
	enc->fp_file = -1;
	enc->audio_file = -1;

	/* A0, A1, A2 first, as on pressed discs, then the tracks */
	toc_add(enc, toc->track[toc->first_track].control, SUBQ_POINT_FIRST_TRACK,
		cd_to_bcd(toc->first_track), 0, 0);
	toc_add(enc, toc->track[toc->last_track].control, SUBQ_POINT_LAST_TRACK,
		cd_to_bcd(toc->last_track), 0, 0);
	msf = cd_lba_to_msf(toc->leadout_lba);
	toc_add(enc, toc->track[toc->last_track].control, SUBQ_POINT_LEADOUT,
		cd_to_bcd(msf.m), cd_to_bcd(msf.s), cd_to_bcd(msf.f));
	for (unsigned n = toc->first_track; n <= toc->last_track; n++) {
		msf = cd_lba_to_msf(toc->track[n].start_lba);
		toc_add(enc, toc->track[n].control, subq_point_track(n), cd_to_bcd(msf.m),
			cd_to_bcd(msf.s), cd_to_bcd(msf.f));
	}
	if (type != CD_SECTOR_PQ) {
		int n;

		enc->cdtext = malloc(CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE);
		if (!enc->cdtext)
			goto out_nomem;
		/* a cue's CDTEXTFILE is burned as it is */
		if (disc->n_cdtext) {
			memcpy(enc->cdtext, disc->cdtext, (size_t)disc->n_cdtext * CDTEXT_PACK_SIZE);
			n = (int)disc->n_cdtext;
		} else {
			n = image_cdtext_build(toc, &enc->cdtext[0][0], err);
		}
		if (n < 0) {
			image_encoder_destroy(enc);
			return n;
		}
		enc->n_cdtext = (unsigned)n;
	}
	*out = enc;
	return 0;

out_nomem:
	image_encoder_destroy(enc);
	return burn_error_set(err, BURN_E_OUTOFMEMORY, "out of memory");
}

/* The Mode 2 sub-header of a silent sector: Form 2, nothing else. */
static const uint8_t silent_subheader[4] = { 0x00, 0x00, CD_SUBMODE_FORM2, 0x00 };

/* A sector of silence at @lba of a track of @mode: zeros, or a zero data sector. */
static void
silent_sector(uint8_t *main, int32_t lba, uint8_t mode)
{
	if (!mode) {
		memset(main, 0, CD_MAIN_SIZE);
		return;
	}
	if (mode == 2)
		cd_sector_encode_mode2(main, lba, silent_subheader, NULL);
	else
		cd_sector_encode_mode1(main, lba, NULL);
	cd_sector_scramble(main);
}

/* A track's sector mode (0 audio): its TOC's, or Mode 1 for a data track without one. */
static uint8_t
track_mode(const struct image_toc_track *t)
{
	if (!image_toc_track_is_data(t))
		return 0;
	return t->mode == 2 ? 2 : 1;
}

/*
 * Reads @len bytes at @offset of a streamed file through its source; an
 * input that ends before them fails with -ENODATA.
 */
static int
source_read(const struct image_file *f, uint64_t offset, uint8_t *buf, size_t len,
	    struct burn_error *err)
{
	ssize_t n = f->source.read(f->source.ctx, offset, buf, len);

	if (n < 0) {
		burn_error_set(err, BURN_E_FAIL, "%s: %s", f->path, strerror((int)-n));
		return (int)n;
	}
	if ((size_t)n < len) {
		image_disc_fail(err, "%s: the input ended after %" PRIu64 " of %" PRIu64 " bytes",
				f->path, offset + (uint64_t)n, f->data_offset + f->data_length);
		return -ENODATA;
	}
	return 0;
}

/* Reads @len bytes at @offset of file @idx into @buf; short reads are errors. */
static int
file_read(struct image_encoder *enc, unsigned idx, uint64_t offset, uint8_t *buf, size_t len,
	  struct burn_error *err)
{
	const struct image_file *f = &enc->disc->files[idx];
	int ret;

	/* decoded audio, from a file or a stream's source, goes through its decoder */
	if (f->format == IMAGE_FILE_DECODED) {
		if (enc->audio_file != (int)idx) {
			image_audio_close(enc->audio);
			enc->audio = NULL;
			enc->audio_file = -1;
			ret = image_audio_open(&enc->audio, f, err);
			if (ret < 0)
				return ret;
			enc->audio_file = (int)idx;
		}
		return image_audio_read(enc->audio, f, offset, buf, len, err);
	}
	if (f->source.read)
		return source_read(f, offset, buf, len, err);
	if (enc->fp_file != (int)idx) {
		if (enc->fp)
			fclose(enc->fp);
		enc->fp_file = -1;
		/* only for files: a stream's track comes through its source */
		if (!enc->fp_buffer && !(enc->fp_buffer = malloc(FILE_BUFFER_SIZE)))
			return burn_error_set(err, BURN_E_OUTOFMEMORY, "out of memory");
		enc->fp = fopen(f->path, "rb");
		if (!enc->fp) {
			int e = errno;

			burn_error_set(err, BURN_E_FAIL, "%s: %s", f->path, strerror(e));
			return -e;
		}
		setvbuf(enc->fp, enc->fp_buffer, _IOFBF, FILE_BUFFER_SIZE);
		enc->fp_file = (int)idx;
		enc->fp_pos = 0;
	}
	if (enc->fp_pos != offset) {
		if (fseeko(enc->fp, (off_t)offset, SEEK_SET) < 0) {
			int e = errno;

			burn_error_set(err, BURN_E_FAIL, "%s: seek: %s", f->path, strerror(e));
			return -e;
		}
		enc->fp_pos = offset;
	}
	if (fread(buf, 1, len, enc->fp) != len) {
		burn_error_set(err, ferror(enc->fp) ? BURN_E_FAIL : BURN_E_STREAM_NOT_SUPPORTED,
			       "%s: %s at byte %" PRIu64, f->path,
			       ferror(enc->fp) ? "read error" : "file became shorter", offset);
		return ferror(enc->fp) ? -EIO : -EINVAL;
	}
	enc->fp_pos += len;
	return 0;
}

/*
 * Sector @i of a MODE2/2352 or MODE2/2336 track @n into @main: checked
 * (sync, mode byte, sub-header, EDC, Form 1's parity; not the address),
 * then given the header of its real address and scrambled.
 */
static int
mode2_sector(struct image_encoder *enc, unsigned n, uint32_t i, int32_t lba, uint8_t *main,
	     struct burn_error *err)
{
	const struct image_track_src *src = &enc->disc->src[n];
	unsigned size = image_kind_sector_size(src->kind);
	uint64_t at = (uint64_t)i * size;
	int ret;

	ret = file_read(enc, src->file, src->file_offset + at, main + CD_MAIN_SIZE - size, size,
			err);
	if (ret < 0)
		return ret;
	if (src->kind == IMAGE_TRACK_MODE2_2336)
		cd_sector_write_header(main, lba, 2);
	if (cd_sector_check_mode2(main, NULL, NULL) & ~(unsigned)CD_DAMAGE_ADDRESS)
		return image_disc_fail(err, "%s: sector %" PRIu32 " of track %u (byte %" PRIu64
				       ") is not a valid Mode 2 sector (sync, mode byte, sub-header, EDC or parity)",
				       enc->disc->files[src->file].path, i, n,
				       src->file_offset + at);
	/* neither EDC nor parity covers a Mode 2 header: the sector stays as it came */
	cd_sector_write_header(main, lba, 2);
	cd_sector_scramble(main);
	return 0;
}

/* Sector @i (0-based) of the file part of track @n into @main, encoded. */
static int
file_sector(struct image_encoder *enc, unsigned n, uint32_t i, int32_t lba, uint8_t *main,
	    struct burn_error *err)
{
	const struct image_track_src *src = &enc->disc->src[n];
	unsigned size = image_kind_sector_size(src->kind);
	uint64_t at = (uint64_t)i * size;
	size_t len = size;
	int ret;

	if (at + len > src->file_bytes)
		len = (size_t)(src->file_bytes - at);
	switch (src->kind) {
	case IMAGE_TRACK_AUDIO:
		ret = file_read(enc, src->file, src->file_offset + at, main, len, err);
		if (ret < 0)
			return ret;
		memset(main + len, 0, CD_MAIN_SIZE - len);
		if (enc->disc->files[src->file].format == IMAGE_FILE_MOTOROLA)
			for (unsigned k = 0; k < CD_MAIN_SIZE; k += 2) {
				uint8_t t = main[k];

				main[k] = main[k + 1];
				main[k + 1] = t;
			}
		return 0;
	case IMAGE_TRACK_MODE1_2048:
		ret = file_read(enc, src->file, src->file_offset + at,
				main + CD_MODE1_DATA_OFFSET, CD_DATA_SIZE, err);
		if (ret < 0)
			return ret;
		break;
	case IMAGE_TRACK_MODE2_2352:
	case IMAGE_TRACK_MODE2_2336:
		return mode2_sector(enc, n, i, lba, main, err);
	case IMAGE_TRACK_MODE1_2352: {
		uint32_t edc;

		ret = file_read(enc, src->file, src->file_offset + at, main, CD_MAIN_SIZE, err);
		if (ret < 0)
			return ret;
		edc = cd_edc(main, CD_EDC_OFFSET);
		if (!cd_sector_has_sync(main) || main[15] != 1 ||
		    memcmp(main + CD_EDC_OFFSET, (uint8_t[4]){ (uint8_t)edc, (uint8_t)(edc >> 8),
			   (uint8_t)(edc >> 16), (uint8_t)(edc >> 24) }, 4) != 0)
			return image_disc_fail(err, "%s: sector %" PRIu32 " of track %u (byte %" PRIu64
					       ") is not a valid Mode 1 sector (sync, mode byte or EDC)",
					       enc->disc->files[src->file].path, i, n,
					       src->file_offset + at);
		break;
	}
	}
	/* the header is rewritten for the sector's real address */
	cd_sector_encode_mode1(main, lba, main + CD_MODE1_DATA_OFFSET);
	cd_sector_scramble(main);
	return 0;
}

/* True when @lba or @lba + 1 starts an index, a track or the lead-out. */
static bool
near_boundary(const struct image_toc_track *t, int32_t lba)
{
	if (lba + 1 == t->end_lba)
		return true;
	for (unsigned i = 0; i <= t->index_count; i++)
		if (lba == t->index_lba[i] || lba + 1 == t->index_lba[i])
			return true;
	return false;
}

void
image_toc_program_q(const struct image_toc *toc, unsigned n, int32_t lba, uint8_t *q, bool *p)
{
	const struct image_toc_track *t = &toc->track[n];
	unsigned index = 0;
	int32_t rel;

	if (lba >= t->start_lba)
		for (index = t->index_count; index > 1 && t->index_lba[index] > lba; index--)
			;
	rel = lba < t->start_lba ? t->start_lba - lba : lba - t->start_lba;
	*p = index == 0;
	if (toc->mcn[0] && lba % 100 == 99 && !near_boundary(t, lba))
		subq_build_mcn(q, t->control, toc->mcn, lba);
	else if (t->isrc[0] && index >= 1 && lba % 100 == 49 && !near_boundary(t, lba))
		subq_build_isrc(q, t->control, t->isrc, lba);
	else
		subq_build_position(q, t->control, n, index, rel, lba);
}

static int
program_sector(struct image_encoder *enc, int32_t lba, uint8_t *main, uint8_t *q, bool *p,
	       struct burn_error *err)
{
	const struct image_toc *toc = &enc->disc->toc;
	const struct image_toc_track *t;
	const struct image_track_src *src;
	unsigned n;
	int32_t base, pos;
	bool data;
	int ret;

	while (lba >= toc->track[enc->track].end_lba && enc->track < toc->last_track)
		enc->track++;
	n = enc->track;
	t = &toc->track[n];
	src = &enc->disc->src[n];
	data = image_toc_track_is_data(t);

	base = n == toc->first_track ? 0 : t->pregap_lba;
	pos = lba - base;
	if (pos < 0 || pos < (int32_t)src->pregap_silent ||
	    pos >= (int32_t)(src->pregap_silent + src->file_sectors)) {
		silent_sector(main, lba, data ? track_mode(t) : 0);
	} else {
		ret = file_sector(enc, n, (uint32_t)(pos - (int32_t)src->pregap_silent), lba,
				  main, err);
		if (ret < 0)
			return ret;
	}

	image_toc_program_q(toc, n, lba, q, p);
	return 0;
}

int
image_encoder_next_sector(struct image_encoder *enc, uint8_t *out, struct burn_error *err)
{
	const struct image_toc *toc = &enc->disc->toc;
	uint8_t *main = out, q[SUBQ_SIZE];
	int32_t lba = enc->lba;
	bool p = false;
	int ret;

	if (lba >= enc->end_lba)
		return 0;
	if (lba < -CD_PREGAP_FRAMES) {
		const struct toc_entry *e =
			&enc->toc[((lba - enc->first_lba) / TOC_REPEAT) % (int32_t)enc->n_toc];

		silent_sector(main, lba, track_mode(&toc->track[toc->first_track]));
		subq_build_toc(q, e->control, e->point, lba, e->pfield);
	} else if (lba < toc->leadout_lba) {
		ret = program_sector(enc, lba, main, q, &p, err);
		if (ret < 0)
			return ret;
	} else {
		const struct image_toc_track *last = &toc->track[toc->last_track];
		int32_t rel = lba - toc->leadout_lba;

		silent_sector(main, lba, track_mode(last));
		subq_build_position(q, last->control, SUBQ_TNO_LEADOUT, 1, rel, lba);
		p = rel >= LEADOUT_P_QUIET &&
		    ((rel - LEADOUT_P_QUIET) / LEADOUT_P_HALF_PERIOD) % 2 == 0;
	}
	subchannel_encode(enc->type, out + CD_MAIN_SIZE, q, p);
	if (lba < -CD_PREGAP_FRAMES && enc->n_cdtext) {
		unsigned first = (unsigned)(lba - enc->first_lba) * 4;
		uint8_t rw[24];

		for (unsigned k = 0; k < 4; k++) {
			image_cdtext_to_symbols(enc->cdtext[(first + k) % enc->n_cdtext], rw);
			for (unsigned i = 0; i < 24; i++)
				out[CD_MAIN_SIZE + 24 * k + i] |= rw[i];
		}
	}
	enc->lba++;
	return 1;
}

int
image_encoder_sector_at(struct image_encoder *enc, int32_t lba, uint8_t *out,
			struct burn_error *err)
{
	if (lba < enc->first_lba || lba >= enc->end_lba)
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "LBA %d is not in the stream (LBA %d to %d)", lba,
				      enc->first_lba, enc->end_lba - 1);
	if (lba < enc->lba)
		enc->track = enc->disc->toc.first_track;
	enc->lba = lba;
	enc->pending_off = enc->pending_len = 0;
	return image_encoder_next_sector(enc, out, err);
}

int
image_encoder_set_cdtext(struct image_encoder *enc, const uint8_t (*packs)[CDTEXT_PACK_SIZE],
			 unsigned n)
{
	if (n > CDTEXT_MAX_PACKS)
		return -E2BIG;
	if (!enc->cdtext)
		return 0;
	memcpy(enc->cdtext, packs, (size_t)n * CDTEXT_PACK_SIZE);
	enc->n_cdtext = n;
	return 0;
}

ssize_t
image_encoder_read(struct image_encoder *enc, void *buf, size_t len, struct burn_error *err)
{
	uint8_t *dst = buf;
	size_t done = 0;
	int ret;

	while (done < len) {
		size_t n;

		if (enc->pending_off < enc->pending_len) {
			n = enc->pending_len - enc->pending_off;
			if (n > len - done)
				n = len - done;
			memcpy(dst + done, enc->pending + enc->pending_off, n);
			enc->pending_off += (unsigned)n;
			done += n;
			continue;
		}
		if (len - done >= enc->sector_size) {
			ret = image_encoder_next_sector(enc, dst + done, err);
			if (ret < 0)
				return ret;
			if (ret == 0)
				break;
			done += enc->sector_size;
			continue;
		}
		ret = image_encoder_next_sector(enc, enc->pending, err);
		if (ret < 0)
			return ret;
		if (ret == 0)
			break;
		enc->pending_off = 0;
		enc->pending_len = enc->sector_size;
	}
	return (ssize_t)done;
}
