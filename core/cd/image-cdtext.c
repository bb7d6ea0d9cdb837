#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "image-cdtext.h"
#include "image-private.h"
#include "subchannel.h"

#define SIZE_INFO_PACKS 3
#define LANGUAGE_ENGLISH 0x09

struct pack_writer {
	uint8_t *packs;
	int n;
};

static void
pack_finish(uint8_t *pack)
{
	uint16_t crc = (uint16_t)~subq_crc16(pack, 16);

	pack[16] = (uint8_t)(crc >> 8);
	pack[17] = (uint8_t)crc;
}

int
image_cdtext_to_latin1(char *dst, size_t size, const char *src, uint32_t *bad, size_t *pos)
{
	const uint8_t *p = (const uint8_t *)src;
	size_t n = 0, chars = 0;

	while (*p) {
		const uint8_t *start = p;
		unsigned more;
		uint32_t cp;

		chars++;
		if (*p < 0x80) {
			cp = *p++;
		} else {
			if (*p >= 0xc2 && *p <= 0xdf) {
				cp = *p & 0x1f;
				more = 1;
			} else if (*p >= 0xe0 && *p <= 0xef) {
				cp = *p & 0x0f;
				more = 2;
			} else if (*p >= 0xf0 && *p <= 0xf4) {
				cp = *p & 0x07;
				more = 3;
			} else {
				goto out_not_utf8;
			}
			for (p++; more; more--, p++) {
				if ((*p & 0xc0) != 0x80) {
					p = start;
					goto out_not_utf8;
				}
				cp = cp << 6 | (*p & 0x3f);
			}
			/* overlong forms, surrogates, past U+10FFFF */
			if ((p - start == 3 && cp < 0x800) || (p - start == 4 && cp < 0x10000) ||
			    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
				p = start;
				goto out_not_utf8;
			}
		}
		if (cp > 0xff) {
			*bad = cp;
			*pos = chars;
			return -EILSEQ;
		}
		if (n + 1 < size)
			dst[n] = (char)cp;
		n++;
		continue;
out_not_utf8:
		*bad = *p;
		*pos = (size_t)(p - (const uint8_t *)src) + 1;
		return -EINVAL;
	}
	if (size)
		dst[n + 1 < size ? n : size - 1] = '\0';
	if (n + 1 > size) {
		*bad = 0;
		*pos = size;
		return -E2BIG;
	}
	return (int)n;
}

int
image_cdtext_fail(struct burn_error *err, const char *where, const char *field, int ret,
		  uint32_t bad, size_t pos)
{
	if (ret == -EILSEQ)
		return image_disc_fail(err,
				       "%s: %s: character %zu, U+%04" PRIX32 ", has no ISO 8859-1 form; CD-TEXT here is ISO 8859-1 only",
				       where, field, pos, bad);
	if (ret == -E2BIG)
		return image_disc_fail(err,
				       "%s: %s is longer than %d characters, the most CD-TEXT here holds",
				       where, field, IMAGE_TEXT_MAX);
	return image_disc_fail(err,
			       "%s: %s: byte %zu (0x%02" PRIX32 ") is neither UTF-8 nor a printable ISO 8859-1 character",
			       where, field, pos, bad);
}

void
image_cdtext_from_latin1(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (const uint8_t *p = (const uint8_t *)src; *p; p++) {
		unsigned need = *p < 0x80 ? 1 : 2;

		if (n + need >= size)
			break;
		if (need == 1) {
			dst[n++] = (char)*p;
		} else {
			dst[n++] = (char)(0xc0 | *p >> 6);
			dst[n++] = (char)(0x80 | (*p & 0x3f));
		}
	}
	if (size)
		dst[n] = '\0';
}

/* The fields in enum order: pack type, cue command, whether tracks have one. */
static const struct {
	uint8_t pack;
	const char *name;
	bool disc_only;
} text_fields[IMAGE_TEXT_FIELDS] = {
	[IMAGE_TEXT_TITLE] = { 0x80, "TITLE", false },
	[IMAGE_TEXT_PERFORMER] = { 0x81, "PERFORMER", false },
	[IMAGE_TEXT_SONGWRITER] = { 0x82, "SONGWRITER", false },
	[IMAGE_TEXT_COMPOSER] = { 0x83, "COMPOSER", false },
	[IMAGE_TEXT_ARRANGER] = { 0x84, "ARRANGER", false },
	[IMAGE_TEXT_MESSAGE] = { 0x85, "MESSAGE", false },
	[IMAGE_TEXT_DISC_ID] = { 0x86, "DISC_ID", true },
	[IMAGE_TEXT_GENRE] = { 0x87, "GENRE", true },
	[IMAGE_TEXT_CODE] = { 0x8e, "UPC_EAN", false },
};

/* Genre codes of pack 87h, as the CD-TEXT standard lists them (doc/cue-sheets.md). */
static const char *const genre_names[] = {
	"Not Used", "Not Defined", "Adult Contemporary", "Alternative Rock", "Childrens Music",
	"Classical", "Contemporary Christian", "Country", "Dance", "Easy Listening", "Erotic",
	"Folk", "Gospel", "Hip Hop", "Jazz", "Latin", "Musical", "New Age", "Opera", "Operetta",
	"Pop Music", "Rap", "Reggae", "Rock Music", "Rhythm & Blues", "Sound Effects",
	"Soundtrack", "Spoken Word", "World Music",
};

const char *
image_text_field_name(enum image_text_field f, unsigned track)
{
	if ((unsigned)f >= IMAGE_TEXT_FIELDS)
		return "?";
	return f == IMAGE_TEXT_CODE && track ? "ISRC" : text_fields[f].name;
}

bool
image_text_field_disc_only(enum image_text_field f)
{
	return (unsigned)f < IMAGE_TEXT_FIELDS && text_fields[f].disc_only;
}

const char *
image_toc_text(const struct image_toc *toc, unsigned track, enum image_text_field f)
{
	unsigned at;

	if (track > IMAGE_MAX_TRACKS || (unsigned)f >= IMAGE_TEXT_FIELDS)
		return "";
	at = toc->text.at[track][f];
	return at && at <= toc->text.used ? toc->text.pool + at - 1 : "";
}

int
image_toc_set_text(struct image_toc *toc, unsigned track, enum image_text_field f,
		   const char *text)
{
	struct image_text *t = &toc->text;
	size_t len = strlen(text);
	unsigned at;

	if (track > IMAGE_MAX_TRACKS || (unsigned)f >= IMAGE_TEXT_FIELDS)
		return -EINVAL;
	at = t->at[track][f];
	if (!len) {
		t->at[track][f] = 0;
		return 0;
	}
	/* in place when it fits where the old text was */
	if (at && at <= t->used && strlen(t->pool + at - 1) >= len) {
		memcpy(t->pool + at - 1, text, len + 1);
		return 0;
	}
	if (t->used > sizeof(t->pool) || len + 1 > sizeof(t->pool) - t->used)
		return -E2BIG;
	memcpy(t->pool + t->used, text, len + 1);
	t->at[track][f] = (uint16_t)(t->used + 1);
	t->used = (uint16_t)(t->used + len + 1);
	return 0;
}

bool
image_toc_text_is_q_code(const struct image_toc *toc, unsigned track, enum image_text_field f)
{
	const char *q;

	if (f != IMAGE_TEXT_CODE || track > IMAGE_MAX_TRACKS)
		return false;
	q = track ? toc->track[track].isrc : toc->mcn;
	return q[0] && !strcmp(image_toc_text(toc, track, f), q);
}

/* @s lowercased with everything but letters and digits left out, into @out. */
static void
genre_key(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

unsigned
image_cdtext_genre_code(const char *text)
{
	char key[IMAGE_TEXT_SIZE], name[32];

	if (!text[0])
		return 0;
	genre_key(key, sizeof(key), text);
	for (unsigned code = 2; code < sizeof(genre_names) / sizeof(genre_names[0]); code++) {
		size_t len;

		genre_key(name, sizeof(name), genre_names[code]);
		len = strlen(name);
		if (!strcmp(key, name) ||
		    (len > 5 && !strcmp(name + len - 5, "music") && strlen(key) == len - 5 &&
		     !strncmp(key, name, len - 5)))
			return code;
	}
	return 1;
}

const char *
image_cdtext_genre_name(unsigned code)
{
	return code < sizeof(genre_names) / sizeof(genre_names[0]) ? genre_names[code] : NULL;
}

/* What an entry of @f carries: its text, or for the codes the Q code where it has none. */
static const char *
entry_text(const struct image_toc *toc, enum image_text_field f, unsigned track)
{
	const char *text = image_toc_text(toc, track, f);

	if (f == IMAGE_TEXT_CODE && !text[0])
		return track ? toc->track[track].isrc : toc->mcn;
	return text;
}

static unsigned
genre_code(const struct image_toc *toc)
{
	return toc->genre_code ? toc->genre_code :
	       image_cdtext_genre_code(image_toc_text(toc, 0, IMAGE_TEXT_GENRE));
}

/*
 * The bytes of one entry of field @f into @out (2 + IMAGE_TEXT_MAX + 1
 * bytes): the genre's code first for GENRE, then the text in ISO 8859-1
 * and its NUL. Returns their number, or -EINVAL with the reason in @err.
 */
static int
entry_bytes(const struct image_toc *toc, enum image_text_field f, unsigned track,
	    uint8_t *out, struct burn_error *err)
{
	size_t n = 0, at;
	uint32_t bad;
	int ret;

	if (f == IMAGE_TEXT_GENRE) {
		unsigned code = genre_code(toc);

		out[n++] = (uint8_t)(code >> 8);
		out[n++] = (uint8_t)code;
	}
	ret = image_cdtext_to_latin1((char *)out + n, IMAGE_TEXT_MAX + 1, entry_text(toc, f, track),
				     &bad, &at);
	if (ret < 0) {
		char where[32];

		if (track)
			snprintf(where, sizeof(where), "CD-TEXT of track %u", track);
		else
			snprintf(where, sizeof(where), "CD-TEXT of the disc");
		return image_cdtext_fail(err, where, image_text_field_name(f, track), ret, bad, at);
	}
	return (int)n + ret + 1;
}

/* The tracks field @f has entries for after the disc's: none for DISC_ID and GENRE. */
static unsigned
entry_last(const struct image_toc *toc, enum image_text_field f)
{
	return text_fields[f].disc_only ? 0 : toc->last_track;
}

static bool
entry_used(const struct image_toc *toc, enum image_text_field f, unsigned track)
{
	return entry_text(toc, f, track)[0] != '\0' || (f == IMAGE_TEXT_GENRE && toc->genre_code);
}

/*
 * Packs of field @f: the disc's entry then each track's, in ISO 8859-1.
 * Returns 0, -E2BIG, or -EINVAL with the reason in @err.
 */
static int
build_type(const struct image_toc *toc, enum image_text_field f, struct pack_writer *w,
	   struct burn_error *err)
{
	unsigned track = 0, fill = 0, last = entry_last(toc, f);
	bool any = false;
	uint8_t *pack = NULL;
	uint8_t s[2 + IMAGE_TEXT_MAX + 1];

	for (unsigned t = 0; t <= last; t++)
		if (t == 0 || t >= toc->first_track)
			any |= entry_used(toc, f, t);
	if (!any)
		return 0;
	for (;;) {
		int len = entry_bytes(toc, f, track, s, err);

		if (len < 0)
			return len;
		for (int pos = 0; pos < len; pos++) {
			if (!pack || fill == 12) {
				if (pack)
					pack_finish(pack);
				if (w->n >= CDTEXT_MAX_PACKS - SIZE_INFO_PACKS)
					return -E2BIG;
				pack = w->packs + (size_t)w->n * CDTEXT_PACK_SIZE;
				memset(pack, 0, CDTEXT_PACK_SIZE);
				pack[0] = text_fields[f].pack;
				pack[1] = (uint8_t)track;
				pack[2] = (uint8_t)w->n;
				pack[3] = (uint8_t)(pos > 15 ? 15 : pos);
				w->n++;
				fill = 0;
			}
			pack[4 + fill++] = s[pos];
		}
		track = track ? track + 1 : toc->first_track;
		if (track > last || !track)
			break;
	}
	pack_finish(pack);
	return 0;
}

int
image_cdtext_build(const struct image_toc *toc, uint8_t *packs, struct burn_error *err)
{
	struct pack_writer w = { .packs = packs };
	unsigned counts[16] = { 0 };
	uint8_t info[SIZE_INFO_PACKS * 12];
	int ret = 0;

	/* the codes only go with text: the sub-channel carries them anyway */
	for (unsigned f = 0; f < IMAGE_TEXT_FIELDS && ret == 0; f++)
		if (f != IMAGE_TEXT_CODE || w.n > 0)
			ret = build_type(toc, (enum image_text_field)f, &w, err);
	if (ret == -E2BIG) {
		burn_error_set(err, BURN_E_STREAM_NOT_SUPPORTED,
			       "CD-TEXT needs more than %d packs of 12 characters",
			       CDTEXT_MAX_PACKS);
		return -E2BIG;
	}
	if (ret < 0)
		return ret;
	if (w.n == 0)
		return 0;
	for (int i = 0; i < w.n; i++)
		counts[packs[i * CDTEXT_PACK_SIZE] & 0x0f]++;
	counts[CDTEXT_PACK_SIZE_INFO & 0x0f] = SIZE_INFO_PACKS;

	memset(info, 0, sizeof(info));
	info[0] = 0x00;		/* ISO 8859-1 */
	info[1] = (uint8_t)toc->first_track;
	info[2] = (uint8_t)toc->last_track;
	info[3] = 0x00;		/* no copyright flags */
	for (int i = 0; i < 16; i++)
		info[4 + i] = (uint8_t)counts[i];
	info[20] = (uint8_t)(w.n + SIZE_INFO_PACKS - 1);	/* last sequence number, block 0 */
	info[28] = LANGUAGE_ENGLISH;
	for (int k = 0; k < SIZE_INFO_PACKS; k++) {
		uint8_t *pack = packs + (size_t)(w.n + k) * CDTEXT_PACK_SIZE;

		pack[0] = CDTEXT_PACK_SIZE_INFO;
		pack[1] = (uint8_t)k;
		pack[2] = (uint8_t)(w.n + k);
		pack[3] = 0;
		memcpy(pack + 4, info + 12 * k, 12);
		pack_finish(pack);
	}
	return w.n + SIZE_INFO_PACKS;
}

void
image_cdtext_to_symbols(const uint8_t *pack, uint8_t *rw)
{
	for (int g = 0; g < 6; g++) {
		const uint8_t *b = pack + 3 * g;

		rw[4 * g + 0] = b[0] >> 2;
		rw[4 * g + 1] = (uint8_t)(((b[0] & 0x03) << 4) | b[1] >> 4);
		rw[4 * g + 2] = (uint8_t)(((b[1] & 0x0f) << 2) | b[2] >> 6);
		rw[4 * g + 3] = b[2] & 0x3f;
	}
}

bool
image_cdtext_from_symbols(const uint8_t *rw, uint8_t *pack)
{
	for (int g = 0; g < 6; g++) {
		const uint8_t *s = rw + 4 * g;

		pack[3 * g + 0] = (uint8_t)((s[0] & 0x3f) << 2 | (s[1] & 0x3f) >> 4);
		pack[3 * g + 1] = (uint8_t)((s[1] & 0x0f) << 4 | (s[2] & 0x3f) >> 2);
		pack[3 * g + 2] = (uint8_t)((s[2] & 0x03) << 6 | (s[3] & 0x3f));
	}
	return subq_crc16(pack, CDTEXT_PACK_SIZE) == SUBQ_CRC_RESIDUE;
}

/*
 * Block 0's packs, from sequence 0 to its last size information pack;
 * returns their number, or 0 when they are not whole or not ISO 8859-1 or
 * ASCII (character code 00h or 01h; MS-JIS, Korean and Mandarin text is
 * not read: it would not be UTF-8, and a copy of the disc takes its packs
 * as they are, image_encoder_set_cdtext()).
 */
static unsigned
block0_packs(const uint8_t (*packs)[CDTEXT_PACK_SIZE], const bool *have)
{
	unsigned n = 0;

	while (n < CDTEXT_MAX_PACKS && have[n])
		n++;
	if (n < SIZE_INFO_PACKS || packs[n - 1][0] != CDTEXT_PACK_SIZE_INFO ||
	    packs[n - 1][1] != SIZE_INFO_PACKS - 1 || packs[n - 2][4 + 8] != n - 1)
		return 0;
	if (packs[n - SIZE_INFO_PACKS][0] != CDTEXT_PACK_SIZE_INFO ||
	    packs[n - SIZE_INFO_PACKS][4] > 0x01)
		return 0;
	return n;
}

/* Stores one parsed entry; the genre's code is its first two bytes. */
static void
parse_store(struct image_toc *toc, enum image_text_field f, unsigned track, char *buf,
	    unsigned len)
{
	char utf8[IMAGE_TEXT_SIZE];
	const char *text = buf;

	if (track && (track < toc->first_track || track > toc->last_track))
		return;
	buf[len] = '\0';
	if (f == IMAGE_TEXT_GENRE) {
		if (len < 2)
			return;
		toc->genre_code = (uint16_t)((uint8_t)buf[0] << 8 | (uint8_t)buf[1]);
		text = buf + 2;
		/* a genre by its code alone is shown by its name */
		if (!text[0] && image_cdtext_genre_name(toc->genre_code) && toc->genre_code > 1)
			text = image_cdtext_genre_name(toc->genre_code);
	}
	image_cdtext_from_latin1(utf8, sizeof(utf8), text);
	(void)image_toc_set_text(toc, track, f, utf8);	/* block 0 fits the pool */
}

void
image_cdtext_parse(const uint8_t (*packs)[CDTEXT_PACK_SIZE], const bool *have,
		   struct image_toc *toc)
{
	unsigned n = block0_packs(packs, have);

	for (unsigned f = 0; n && f < IMAGE_TEXT_FIELDS; f++) {
		unsigned track = 0, len = 0, last = entry_last(toc, (enum image_text_field)f);
		/* a genre's code may hold a zero byte: its first two bytes are not text */
		unsigned binary = f == IMAGE_TEXT_GENRE ? 2 : 0;
		char buf[2 + IMAGE_TEXT_MAX + 1];
		bool started = false;

		for (unsigned i = 0; i < n && track <= last; i++) {
			const uint8_t *p = packs[i];

			if (p[0] != text_fields[f].pack || (p[3] & 0x70))	/* block 0 only */
				continue;
			if (!started) {
				if (p[3] & 0x0f)	/* the first pack must start a string */
					break;
				track = p[1] & 0x7f;
				started = true;
			}
			for (unsigned j = 0; j < 12 && track <= last; j++) {
				if (len < binary || p[4 + j] != 0) {
					if (len < binary + IMAGE_TEXT_MAX)
						buf[len++] = (char)p[4 + j];
					continue;
				}
				parse_store(toc, (enum image_text_field)f, track, buf, len);
				len = 0;
				track = track ? track + 1 : toc->first_track;
				if (!track)
					track = last + 1;
			}
		}
	}
}
