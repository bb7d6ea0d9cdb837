#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cdio/cdtext.h>

#include "image-cdtext.h"
#include "image-wav.h"
#include "tl-harness.h"
#include "tl-image.h"

uint8_t
tl_audio_byte(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull;

	return (uint8_t)((x >> 29) ^ (i >> 11) ^ 0x5a);
}

uint8_t
tl_iso_byte(uint64_t i)
{
	return (uint8_t)((i * 131) ^ (i >> 8) ^ (i >> 17));
}

static void
msf(char *buf, unsigned frames)
{
	sprintf(buf, "%02u:%02u:%02u", frames / 4500, (frames / 75) % 60, frames % 75);
}

char *
tl_make_audio_cue(const char *dir)
{
	char *bin = tl_path(dir, "audio.bin"), *cue = tl_path(dir, "audio.cue");
	char text[1024], a[16], b[16], c[16], d[16];
	uint8_t buf[4096];
	uint64_t total = (uint64_t)TL_AUDIO_SECTORS * 2352, done = 0;
	FILE *f = fopen(bin, "wb");

	ck_assert_ptr_nonnull(f);
	while (done < total) {
		size_t n = total - done < sizeof(buf) ? (size_t)(total - done) : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = tl_audio_byte(done + i);
		ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
		done += n;
	}
	ck_assert_int_eq(fclose(f), 0);
	msf(a, TL_T1_SECTORS);
	msf(b, TL_T1_SECTORS + TL_T2_PREGAP);
	msf(c, TL_T1_SECTORS + TL_T2_PREGAP + TL_T2_SECTORS);
	msf(d, TL_T1_SECTORS + TL_T2_PREGAP + TL_T2_SECTORS + TL_T3_INDEX2);
	snprintf(text, sizeof(text),
		 "REM a test disc\n"
		 "CATALOG " TL_MCN "\n"
		 "PERFORMER \"Test Performer\"\n"
		 "TITLE \"Test Album\"\n"
		 "FILE \"audio.bin\" BINARY\n"
		 "  TRACK 01 AUDIO\n"
		 "    TITLE \"One\"\n"
		 "    INDEX 01 00:00:00\n"
		 "  TRACK 02 AUDIO\n"
		 "    ISRC " TL_ISRC "\n"
		 "    INDEX 00 %s\n"
		 "    INDEX 01 %s\n"
		 "  TRACK 03 AUDIO\n"
		 "    TITLE \"A rather long title for the third track, over 12 bytes\"\n"
		 "    PERFORMER \"Someone Else\"\n"
		 "    FLAGS DCP\n"
		 "    INDEX 01 %s\n"
		 "    INDEX 02 %s\n", a, b, c, d);
	tl_write_text(cue, text);
	free(bin);
	return cue;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* "WAVEfmt " and a 16-byte PCM fmt chunk at @w + 8 (a RIFF header starts at @w). */
static void
put_wav_fmt(uint8_t *w, unsigned tag, unsigned channels, unsigned rate, unsigned bits)
{
	memcpy(w + 8, "WAVEfmt ", 8);
	put_le32(w + 16, 16);
	w[20] = (uint8_t)tag;
	w[22] = (uint8_t)channels;
	put_le32(w + 24, rate);
	put_le32(w + 28, rate * channels * bits / 8);
	w[32] = (uint8_t)(channels * bits / 8);
	w[34] = (uint8_t)bits;
}

void
tl_make_pvd_iso(const char *path, uint32_t sectors, uint32_t pvd_sectors)
{
	uint8_t sector[2048];
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	for (uint32_t s = 0; s < sectors; s++) {
		for (int i = 0; i < 2048; i++)
			sector[i] = tl_iso_byte((uint64_t)s * 2048 + (uint64_t)i);
		if (s == 16) {
			memset(sector, 0, 200);
			sector[0] = 1;
			memcpy(sector + 1, "CD001", 5);
			sector[6] = 1;
			put_le32(sector + 80, pvd_sectors);
			sector[84] = (uint8_t)(pvd_sectors >> 24);
			sector[85] = (uint8_t)(pvd_sectors >> 16);
			sector[86] = (uint8_t)(pvd_sectors >> 8);
			sector[87] = (uint8_t)pvd_sectors;
			sector[128] = 0x00;
			sector[129] = 0x08;
			sector[130] = 0x08;
			sector[131] = 0x00;
		}
		ck_assert_uint_eq(fwrite(sector, 1, 2048, f), 2048);
	}
	ck_assert_int_eq(fclose(f), 0);
}

void
tl_make_wav_fmt(const char *path, unsigned format, unsigned channels, unsigned rate,
	    unsigned bits, uint32_t data_bytes)
{
	uint8_t h[44] = { 0 }, buf[4096];
	FILE *f = fopen(path, "wb");
	uint32_t done = 0;

	ck_assert_ptr_nonnull(f);
	memcpy(h, "RIFF", 4);
	put_le32(h + 4, 36 + data_bytes);
	put_wav_fmt(h, format, channels, rate, bits);
	memcpy(h + 36, "data", 4);
	put_le32(h + 40, data_bytes);
	ck_assert_uint_eq(fwrite(h, 1, 44, f), 44);
	while (done < data_bytes) {
		size_t n = data_bytes - done < sizeof(buf) ? data_bytes - done : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = tl_audio_byte(done + i);
		ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
		done += (uint32_t)n;
	}
	ck_assert_int_eq(fclose(f), 0);
}

char *
tl_make_editor_wav(const char *dir, const char *name, unsigned fmt_tag, unsigned channels,
		   unsigned rate, unsigned bits, uint32_t junk)
{
	static const char list[] = "LIST\x0e\0\0\0INFOINAM\x02\0\0\0x\0";
	static const char tail[] = "id3 \x04\0\0\0abcd";
	char *path = tl_path(dir, name);
	size_t len = 12 + 24 + (junk ? 8 + junk : 0) + sizeof(list) - 1 + 8 +
		     TL_EDITOR_WAV_DATA_BYTES + 1 + sizeof(tail) - 1, at = 0;
	uint8_t *w = calloc(1, len);

	ck_assert_ptr_nonnull(w);
	memcpy(w, "RIFF", 4);
	put_le32(w + 4, (uint32_t)len - 8);
	put_wav_fmt(w, fmt_tag, channels, rate, bits);
	at = 36;
	if (junk) {
		memcpy(w + at, "JUNK", 4);
		put_le32(w + at + 4, junk);
		at += 8 + junk;
	}
	memcpy(w + at, list, sizeof(list) - 1);
	at += sizeof(list) - 1;
	memcpy(w + at, "data", 4);
	put_le32(w + at + 4, TL_EDITOR_WAV_DATA_BYTES);
	at += 8;
	for (uint32_t i = 0; i < TL_EDITOR_WAV_DATA_BYTES; i++)
		w[at + i] = tl_audio_byte(i);
	at += TL_EDITOR_WAV_DATA_BYTES + 1;
	memcpy(w + at, tail, sizeof(tail) - 1);
	tl_write_file(path, w, len);
	free(w);
	return path;
}

struct image_disc *
tl_open_disc(const char *path, unsigned flags)
{
	struct image_disc *disc;
	struct burn_error err;
	int ret = image_disc_open(&disc, &path, 1, flags, &err);

	ck_assert_msg(ret == 0, "%s: %s", path, err.reason);
	return disc;
}

struct image_encoder *
tl_open_encoder(const char *path, enum cd_sector_type type, unsigned lead_in,
		struct image_disc **disc)
{
	struct image_encoder *enc;
	struct burn_error err;

	*disc = tl_open_disc(path, 0);
	ck_assert_msg(image_encoder_create(&enc, *disc, type, lead_in, &err) == 0, "%s: %s", path,
		      err.reason);
	return enc;
}

void
tl_compare_toc(const struct image_toc *a, const struct image_toc *b)
{
	ck_assert_uint_eq(a->first_track, b->first_track);
	ck_assert_uint_eq(a->last_track, b->last_track);
	ck_assert_int_eq(a->leadout_lba, b->leadout_lba);
	ck_assert_str_eq(a->mcn, b->mcn);
	for (unsigned n = a->first_track; n <= a->last_track; n++) {
		const struct image_toc_track *x = &a->track[n], *y = &b->track[n];

		ck_assert_uint_eq(x->control, y->control);
		ck_assert_int_eq(x->start_lba, y->start_lba);
		ck_assert_int_eq(x->pregap_lba, y->pregap_lba);
		ck_assert_int_eq(x->end_lba, y->end_lba);
		ck_assert_uint_eq(x->index_count, y->index_count);
		for (unsigned i = 0; i <= x->index_count; i++)
			ck_assert_int_eq(x->index_lba[i], y->index_lba[i]);
		ck_assert_str_eq(x->isrc, y->isrc);
	}
}

/* What field @f of @track carries in the packs: for the codes, the Q code where it is empty. */
static const char *
carried_text(const struct image_toc *toc, unsigned track, enum image_text_field f)
{
	const char *text = image_toc_text(toc, track, f);

	if (f == IMAGE_TEXT_CODE && !text[0])
		return track ? toc->track[track].isrc : toc->mcn;
	return text;
}

void
tl_compare_text(const struct image_toc *a, const struct image_toc *b)
{
	for (unsigned n = 0; n <= a->last_track; n++) {
		if (n && n < a->first_track)
			continue;
		for (unsigned f = 0; f < IMAGE_TEXT_FIELDS; f++) {
			const char *x = carried_text(a, n, (enum image_text_field)f);
			const char *y = carried_text(b, n, (enum image_text_field)f);

			ck_assert_msg(!strcmp(x, y), "track %u %s: '%s', want '%s'", n,
				      image_text_field_name((enum image_text_field)f, n), x, y);
		}
	}
	ck_assert_uint_eq(a->genre_code ? a->genre_code :
			  image_cdtext_genre_code(image_toc_text(a, 0, IMAGE_TEXT_GENRE)),
			  b->genre_code ? b->genre_code :
			  image_cdtext_genre_code(image_toc_text(b, 0, IMAGE_TEXT_GENRE)));
}

TCase *
tl_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);
	return tc;
}

char *
tl_make_noise_wav(const char *dir, const char *name, uint32_t frames, uint32_t rate,
		  uint32_t seed)
{
	char *path = tl_path(dir, name);
	size_t len = IMAGE_WAV_HEADER_SIZE + (size_t)frames * 4;
	uint8_t *buf = malloc(len);

	ck_assert_ptr_nonnull(buf);
	image_wav_header(buf, frames * 4);
	buf[24] = (uint8_t)rate;			/* the sample rate, and bytes per second */
	buf[25] = (uint8_t)(rate >> 8);
	buf[26] = (uint8_t)(rate >> 16);
	buf[28] = (uint8_t)(rate * 4);
	buf[29] = (uint8_t)(rate * 4 >> 8);
	buf[30] = (uint8_t)(rate * 4 >> 16);
	for (size_t i = IMAGE_WAV_HEADER_SIZE; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		/* quiet noise: flac(1) has something to compress */
		buf[i] = i % 2 ? (uint8_t)((seed >> 16) % 3 - 1) : (uint8_t)(seed >> 16);
	}
	tl_write_file(path, buf, len);
	free(buf);
	return path;
}

/* libcdio's field for each of ours; the codes are UPC_EAN for the disc, ISRC for tracks. */
static const cdtext_field_t cdio_field[IMAGE_TEXT_FIELDS] = {
	[IMAGE_TEXT_TITLE] = CDTEXT_FIELD_TITLE, [IMAGE_TEXT_PERFORMER] = CDTEXT_FIELD_PERFORMER,
	[IMAGE_TEXT_SONGWRITER] = CDTEXT_FIELD_SONGWRITER,
	[IMAGE_TEXT_COMPOSER] = CDTEXT_FIELD_COMPOSER, [IMAGE_TEXT_ARRANGER] = CDTEXT_FIELD_ARRANGER,
	[IMAGE_TEXT_MESSAGE] = CDTEXT_FIELD_MESSAGE, [IMAGE_TEXT_DISC_ID] = CDTEXT_FIELD_DISCID,
	[IMAGE_TEXT_GENRE] = CDTEXT_FIELD_GENRE, [IMAGE_TEXT_CODE] = CDTEXT_FIELD_UPC_EAN,
};

void
tl_check_cdtext_libcdio(const struct image_toc *want, const uint8_t (*packs)[18], unsigned n)
{
	cdtext_t *ct = cdtext_init();
	unsigned genre;

	ck_assert_ptr_nonnull(ct);
	ck_assert_int_eq(cdtext_data_init(ct, (uint8_t *)packs, 18 * (size_t)n), 0);
	for (unsigned f = 0; f < IMAGE_TEXT_FIELDS; f++) {
		enum image_text_field field = (enum image_text_field)f;
		unsigned last = image_text_field_disc_only(field) ? 0 : want->last_track;
		unsigned empty = 0, entries = 0;

		/*
		 * libcdio 2.1 does not count an empty entry: the next entry in the
		 * same pack is given its track number (doc/cue-sheets.md). Fields
		 * with some entries empty are compared by burnfs' decoder only.
		 */
		for (unsigned t = 0; t <= last; t++) {
			if (t && t < want->first_track)
				continue;
			entries++;
			empty += !carried_text(want, t, field)[0];
		}
		if (empty && empty != entries)
			continue;
		for (unsigned t = 0; t <= last; t++) {
			const char *w = carried_text(want, t, field), *got;

			if (t && t < want->first_track)
				continue;
			got = cdtext_get_const(ct, field == IMAGE_TEXT_CODE && t ? CDTEXT_FIELD_ISRC :
					       cdio_field[f], (track_t)t);
			ck_assert_msg(!strcmp(got ? got : "", w), "libcdio: track %u %s: '%s', want '%s'",
				      t, image_text_field_name(field, t), got ? got : "", w);
		}
	}
	genre = want->genre_code ? want->genre_code :
		image_cdtext_genre_code(image_toc_text(want, 0, IMAGE_TEXT_GENRE));
	ck_assert_uint_eq(cdtext_get_genre(ct), genre);
	cdtext_destroy(ct);
}
