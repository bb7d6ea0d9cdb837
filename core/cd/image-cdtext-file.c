/*
 * CD-TEXT files (a cue sheet's CDTEXTFILE): the 18-byte packs of a disc's
 * lead-in as READ TOC format 5 returns them, with or without that reply's
 * 4-byte header (and a trailing NUL some tools add), as cdrdao, cdrecord
 * and EAC write them. They are burned as they are: every block and
 * character code, so this is also the way to a disc with text in a
 * language ISO 8859-1 cannot write (doc/cue-sheets.md).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-cdtext.h"
#include "image-private.h"
#include "subchannel.h"

#define HEADER_SIZE 4
#define FILE_MAX (HEADER_SIZE + CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE + 1)

/*
 * Where the packs start in @len bytes at @b, or -1 when they are not a
 * CD-TEXT file's: packs alone, or a header whose length field counts the
 * packs and its own last 2 bytes, optionally followed by one NUL.
 */
static long
packs_start(const uint8_t *b, size_t len)
{
	size_t declared = len > HEADER_SIZE ? (size_t)(b[0] << 8 | b[1]) : 0;

	if (len && len % CDTEXT_PACK_SIZE == 0)
		return 0;
	if (len > HEADER_SIZE && (len - HEADER_SIZE) % CDTEXT_PACK_SIZE == 0 &&
	    declared == len - 2)
		return HEADER_SIZE;
	if (len > HEADER_SIZE + 1 && (len - HEADER_SIZE - 1) % CDTEXT_PACK_SIZE == 0 &&
	    b[len - 1] == 0 && (declared == len - 2 || declared == len - 3))
		return HEADER_SIZE;
	return -1;
}

int
image_cdtext_read_file(const char *path, uint8_t (**out)[CDTEXT_PACK_SIZE], unsigned *first,
		       unsigned *last, struct burn_error *err)
{
	uint8_t (*packs)[CDTEXT_PACK_SIZE];
	uint8_t *b = malloc(FILE_MAX + 1);
	size_t len, n;
	bool info = false;
	long start;
	FILE *f;
	int ret;

	if (!b)
		return -ENOMEM;
	f = fopen(path, "rb");
	if (!f) {
		ret = -errno;
		free(b);
		burn_error_set(err, BURN_E_FAIL, "%s: %s", path, strerror(-ret));
		return ret;
	}
	len = fread(b, 1, FILE_MAX + 1, f);
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	if (ret < 0) {
		free(b);
		return burn_error_set(err, BURN_E_FAIL, "%s: read error", path);
	}
	start = len <= FILE_MAX ? packs_start(b, len) : -1;
	if (start < 0) {
		free(b);
		return image_disc_fail(err,
				       "%s: %s%zu bytes are not a CD-TEXT file (18-byte packs, at most %d, after an optional 4-byte header)",
				       path, len > FILE_MAX ? "more than " : "",
				       len > FILE_MAX ? (size_t)FILE_MAX : len, CDTEXT_MAX_PACKS);
	}
	n = (len - (size_t)start) / CDTEXT_PACK_SIZE;
	packs = (uint8_t (*)[CDTEXT_PACK_SIZE])(b + start);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = packs[i];

		if (subq_crc16(p, CDTEXT_PACK_SIZE) != SUBQ_CRC_RESIDUE ||
		    p[0] < CDTEXT_PACK_TITLE || p[0] > CDTEXT_PACK_SIZE_INFO) {
			ret = image_disc_fail(err, "%s: pack %zu is damaged (%s)", path, i,
					      p[0] < CDTEXT_PACK_TITLE || p[0] > CDTEXT_PACK_SIZE_INFO ?
					      "not a CD-TEXT pack type" : "bad CRC");
			goto out_free;
		}
		if (p[2] != i) {
			ret = image_disc_fail(err, "%s: pack %zu has sequence number %u",
					      path, i, p[2]);
			goto out_free;
		}
		/* block 0's first size information pack: its tracks */
		if (p[0] == CDTEXT_PACK_SIZE_INFO && !(p[3] & 0x70) && p[1] == 0 && !info) {
			*first = p[5];
			*last = p[6];
			info = true;
		}
	}
	if (!info) {
		ret = image_disc_fail(err, "%s: no size information pack for block 0", path);
		goto out_free;
	}
	*out = malloc(n * CDTEXT_PACK_SIZE);
	if (!*out) {
		ret = -ENOMEM;
		goto out_free;
	}
	memcpy(*out, packs, n * CDTEXT_PACK_SIZE);
	ret = (int)n;
out_free:
	free(b);
	return ret;
}
