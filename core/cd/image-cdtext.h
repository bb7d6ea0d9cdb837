/*
 * CD-TEXT in the lead-in R-W sub-channel (doc/reference/mmc.md §9.2, §10.5):
 * 18-byte packs (type, track, sequence, block/character position, 12 text
 * bytes, inverted CRC), carried as 24 six-bit symbols in bits 5-0 of the
 * P-W bytes, four packs per sector, cycling through the lead-in. Only
 * block 0 (ISO 8859-1, English) with album and track TITLE and PERFORMER
 * is written; no R-W parity or interleaving is added (as cdrecord and
 * cdrdao do for raw P-W). struct image_toc holds the text as UTF-8: it is
 * turned into ISO 8859-1 where the packs are built, and back where they
 * are read.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image-disc.h"

#define CDTEXT_PACK_SIZE 18
#define CDTEXT_MAX_PACKS 256	/* the sequence number is one byte */
#define CDTEXT_PACK_TITLE 0x80
#define CDTEXT_PACK_PERFORMER 0x81
#define CDTEXT_PACK_SIZE_INFO 0x8f

/*
 * Turns the UTF-8 text @src into ISO 8859-1 in @dst (@size bytes, the NUL
 * included). Returns the length; -EILSEQ when a character has no ISO 8859-1
 * form (U+0100 and up: its code point in *@bad); -EINVAL when @src is not
 * UTF-8 (the first bad byte's value in *@bad); -E2BIG when the text is
 * longer than @size - 1 characters. *@pos gets the 1-based position of the
 * bad character (-EILSEQ) or byte (-EINVAL). The first of these problems
 * in the text is the one reported.
 */
int image_cdtext_to_latin1(char *dst, size_t size, const char *src, uint32_t *bad, size_t *pos);

/*
 * Records in @err (may be NULL) why @field's text could not become ISO
 * 8859-1, after @where ("x.cue:7", "CD-TEXT of track 3"): @ret, @bad and
 * @pos as image_cdtext_to_latin1() gave them. Returns -EINVAL.
 */
int image_cdtext_fail(struct burn_error *err, const char *where, const char *field, int ret,
		      uint32_t bad, size_t pos);

/* ISO 8859-1 @src as UTF-8 in @dst (@size bytes, NUL included), cut at a whole character. */
void image_cdtext_from_latin1(char *dst, size_t size, const char *src);

/*
 * Builds the packs for the CD-TEXT fields of @toc into @packs
 * (caller-owned, CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE bytes), each text
 * turned from UTF-8 into ISO 8859-1 (character code 00h): for each field
 * in pack type order, the disc's entry, then each track's (not for
 * DISC_ID and GENRE, whose pack starts with the genre code). The codes
 * (pack 8Eh: UPC/EAN, ISRC) are the CODE fields, or the MCN and ISRCs
 * where those are empty, and are written only when the disc has other
 * text. Returns the number of packs (0 when there is no text); -E2BIG with the reason in
 * @err when the text needs more than 256 packs; -EINVAL with the reason
 * when a text is not UTF-8, has a character outside ISO 8859-1, or is
 * longer than IMAGE_TEXT_MAX characters.
 */
int image_cdtext_build(const struct image_toc *toc, uint8_t *packs, struct burn_error *err);

/* Spreads one 18-byte pack over 24 six-bit symbols (bits 5-0 of @rw[0..23]). */
void image_cdtext_to_symbols(const uint8_t *pack, uint8_t *rw);

/* Gathers one pack back from 24 symbols; returns true when its CRC is good. */
bool image_cdtext_from_symbols(const uint8_t *rw, uint8_t *pack);

/*
 * Fills the CD-TEXT fields of @toc (and its genre code) from the valid packs of block 0
 * indexed by sequence number (@have[i] tells whether pack i was seen),
 * ISO 8859-1 (character code 00h) or ASCII (01h) turned into UTF-8; a
 * block in another character code (MS-JIS, Korean, Mandarin) leaves every
 * text empty. Strings that are not complete are left empty; a string is
 * cut after IMAGE_TEXT_MAX characters.
 */
void image_cdtext_parse(const uint8_t (*packs)[CDTEXT_PACK_SIZE], const bool *have,
			struct image_toc *toc);

/*
 * Reads the CD-TEXT file at @path (a cue sheet's CDTEXTFILE): 18-byte
 * packs, with or without READ TOC format 5's 4-byte header. Every pack's
 * CRC and sequence number are checked, and block 0 must have its size
 * information, whose first and last track numbers go to *@first and
 * *@last. On success *@out gets the packs (malloc'ed, the caller's) and
 * the number of packs is returned; otherwise -errno with the reason in
 * @err: -EINVAL (BURN_E_STREAM_NOT_SUPPORTED) for a file that is not one,
 * -ENOENT etc. (BURN_E_FAIL) for I/O, -ENOMEM.
 */
int image_cdtext_read_file(const char *path, uint8_t (**out)[CDTEXT_PACK_SIZE], unsigned *first,
			   unsigned *last, struct burn_error *err);
