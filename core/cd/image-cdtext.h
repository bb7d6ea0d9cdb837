/*
 * CD-TEXT in the lead-in R-W sub-channel (doc/reference/mmc.md §9.2, §10.5):
 * 18-byte packs (type, track, sequence, block/character position, 12 text
 * bytes, inverted CRC), carried as 24 six-bit symbols in bits 5-0 of the
 * P-W bytes, four packs per sector, cycling through the lead-in. Only
 * block 0 (ISO 8859-1, English) with album and track TITLE and PERFORMER
 * is written; no R-W parity or interleaving is added (as cdrecord and
 * cdrdao do for raw P-W).
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
 * Builds the packs for the titles and performers of @toc into @packs
 * (caller-owned, CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE bytes). Returns the
 * number of packs (0 when there is no text), or -E2BIG with the reason in
 * @err when the text needs more than 256 packs.
 */
int image_cdtext_build(const struct image_toc *toc, uint8_t *packs, struct burn_error *err);

/* Spreads one 18-byte pack over 24 six-bit symbols (bits 5-0 of @rw[0..23]). */
void image_cdtext_to_symbols(const uint8_t *pack, uint8_t *rw);

/* Gathers one pack back from 24 symbols; returns true when its CRC is good. */
bool image_cdtext_from_symbols(const uint8_t *rw, uint8_t *pack);

/*
 * Fills the titles and performers of @toc from @n valid packs of block 0
 * indexed by sequence number (@have[i] tells whether pack i was seen).
 * Strings that are not complete are left empty.
 */
void image_cdtext_parse(const uint8_t (*packs)[CDTEXT_PACK_SIZE], const bool *have,
			struct image_toc *toc);
