#include "config.h"

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

static const char *
text_of(const struct image_toc *toc, unsigned type, unsigned track)
{
	if (type == CDTEXT_PACK_TITLE)
		return track ? toc->track[track].title : toc->title;
	return track ? toc->track[track].performer : toc->performer;
}

/*
 * Packs of one type: the album's string then each track's, NUL-terminated,
 * in ISO 8859-1. Returns 0, -E2BIG, or -EINVAL with the reason in @err.
 */
static int
build_type(const struct image_toc *toc, unsigned type, struct pack_writer *w,
	   struct burn_error *err)
{
	unsigned track = 0, pos = 0, fill = 0, seq_first = (unsigned)w->n;
	bool any = false;
	uint8_t *pack = NULL;
	char s[IMAGE_TEXT_MAX + 1];

	for (unsigned t = 0; t <= toc->last_track; t++)
		if (t == 0 || t >= toc->first_track)
			any |= text_of(toc, type, t)[0] != '\0';
	if (!any)
		return 0;
	for (;;) {
		uint32_t bad;
		size_t len, at;
		int ret = image_cdtext_to_latin1(s, sizeof(s), text_of(toc, type, track), &bad,
						 &at);

		if (ret < 0) {
			char where[32];

			if (track)
				snprintf(where, sizeof(where), "CD-TEXT of track %u", track);
			else
				snprintf(where, sizeof(where), "CD-TEXT of the disc");
			return image_cdtext_fail(err, where, type == CDTEXT_PACK_TITLE ? "TITLE" :
						 "PERFORMER", ret, bad, at);
		}
		len = (size_t)ret + 1;

		while (pos < len) {
			if (!pack || fill == 12) {
				if (pack)
					pack_finish(pack);
				if (w->n >= CDTEXT_MAX_PACKS - SIZE_INFO_PACKS)
					return -E2BIG;
				pack = w->packs + (size_t)w->n * CDTEXT_PACK_SIZE;
				memset(pack, 0, CDTEXT_PACK_SIZE);
				pack[0] = (uint8_t)type;
				pack[1] = (uint8_t)track;
				pack[2] = (uint8_t)w->n;
				pack[3] = (uint8_t)(pos > 15 ? 15 : pos);
				w->n++;
				fill = 0;
			}
			pack[4 + fill++] = (uint8_t)s[pos++];
		}
		pos = 0;
		track = track ? track + 1 : toc->first_track;
		if (track > toc->last_track)
			break;
	}
	pack_finish(pack);
	(void)seq_first;
	return 0;
}

int
image_cdtext_build(const struct image_toc *toc, uint8_t *packs, struct burn_error *err)
{
	struct pack_writer w = { .packs = packs };
	unsigned counts[16] = { 0 };
	uint8_t info[SIZE_INFO_PACKS * 12];

	int ret;

	ret = build_type(toc, CDTEXT_PACK_TITLE, &w, err);
	if (ret == 0)
		ret = build_type(toc, CDTEXT_PACK_PERFORMER, &w, err);
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

static char *
text_slot(struct image_toc *toc, unsigned type, unsigned track)
{
	if (track && (track < toc->first_track || track > toc->last_track))
		return NULL;
	if (type == CDTEXT_PACK_TITLE)
		return track ? toc->track[track].title : toc->title;
	return track ? toc->track[track].performer : toc->performer;
}

void
image_cdtext_parse(const uint8_t (*packs)[CDTEXT_PACK_SIZE], const bool *have,
		   struct image_toc *toc)
{
	static const unsigned types[] = { CDTEXT_PACK_TITLE, CDTEXT_PACK_PERFORMER };
	unsigned n = 0;

	/* all of block 0, from sequence 0 to its last size information pack */
	while (n < CDTEXT_MAX_PACKS && have[n])
		n++;
	if (n < SIZE_INFO_PACKS || packs[n - 1][0] != CDTEXT_PACK_SIZE_INFO ||
	    packs[n - 1][1] != SIZE_INFO_PACKS - 1 || packs[n - 2][4 + 8] != n - 1)
		return;
	/*
	 * The first size information pack starts with the character code:
	 * ISO 8859-1 (00h) and ASCII (01h) become UTF-8; MS-JIS, Korean and
	 * Mandarin text is not read (it would not be UTF-8, and a copy of the
	 * disc takes its packs as they are, image_encoder_set_cdtext())
	 */
	if (packs[n - SIZE_INFO_PACKS][0] != CDTEXT_PACK_SIZE_INFO ||
	    packs[n - SIZE_INFO_PACKS][4] > 0x01)
		return;
	for (unsigned k = 0; k < 2; k++) {
		char buf[IMAGE_TEXT_MAX + 1];
		unsigned track = 0, len = 0;
		bool started = false;

		for (unsigned i = 0; i < n && track <= toc->last_track; i++) {
			const uint8_t *p = packs[i];

			if (p[0] != types[k] || (p[3] & 0x70))	/* block 0 only */
				continue;
			if (!started) {
				if (p[3] & 0x0f)	/* the first pack must start a string */
					break;
				track = p[1] & 0x7f;
				started = true;
			}
			for (unsigned j = 0; j < 12 && track <= toc->last_track; j++) {
				char *slot;

				if (p[4 + j] != 0) {
					if (len < IMAGE_TEXT_MAX)
						buf[len++] = (char)p[4 + j];
					continue;
				}
				buf[len] = '\0';
				slot = text_slot(toc, types[k], track);
				if (slot)
					image_cdtext_from_latin1(slot, IMAGE_TEXT_SIZE, buf);
				len = 0;
				track = track ? track + 1 : toc->first_track;
			}
		}
	}
}
