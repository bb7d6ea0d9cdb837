/*
 * Inputs made at test time for the image tests: a three-track audio
 * cue/bin (INDEX 00 pre-gap, CATALOG, ISRC, a second index), a fake ISO
 * with just a primary volume descriptor, WAV files, and helpers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "image-disc.h"
#include "image-encoder.h"

/* Layout of the audio fixture (LBAs; the .bin starts at LBA 0). */
#define TL_T1_SECTORS 1000
#define TL_T2_PREGAP 150
#define TL_T2_SECTORS 800
#define TL_T3_SECTORS 600
#define TL_T3_INDEX2 300	/* index 02 of track 3, from its start */
#define TL_AUDIO_SECTORS (TL_T1_SECTORS + TL_T2_PREGAP + TL_T2_SECTORS + TL_T3_SECTORS)
#define TL_MCN "0123456789012"
#define TL_ISRC "USRC17607839"

/* Byte @i of the audio fixture's .bin: deterministic, never all zero. */
uint8_t tl_audio_byte(uint64_t i);

/* Byte @i of a fake ISO's data beyond its PVD. */
uint8_t tl_iso_byte(uint64_t i);

/* Writes @dir/audio.bin and @dir/audio.cue; returns the cue path (malloc'ed). */
char *tl_make_audio_cue(const char *dir);

/*
 * Writes a fake ISO of @sectors sectors at @path with a PVD whose volume
 * size is @pvd_sectors (pass @sectors for a consistent one).
 */
void tl_make_pvd_iso(const char *path, uint32_t sectors, uint32_t pvd_sectors);

/* Writes a WAV at @path with the given format and @frames stereo frames. */
void tl_make_wav_fmt(const char *path, unsigned format, unsigned channels, unsigned rate,
		 unsigned bits, uint32_t data_bytes);

/*
 * A WAV as an editor writes it, at @dir/@name (returned, malloc'ed): fmt, a
 * LIST chunk before the data, TL_EDITOR_WAV_DATA_BYTES of data (an odd
 * length, so a pad byte), and a chunk after it, which is not part of the
 * disc. @fmt_tag etc. set its format; @junk adds a chunk of that many bytes
 * before the data.
 */
#define TL_EDITOR_WAV_DATA_BYTES (640u * 2352u + 1001u)	/* ends mid-sector */
char *tl_make_editor_wav(const char *dir, const char *name, unsigned fmt_tag,
			 unsigned channels, unsigned rate, unsigned bits, uint32_t junk);

/*
 * A 16-bit stereo WAV of @frames frames of quiet noise (the same for the
 * same @seed) at @rate Hz at @dir/@name (returned, malloc'ed).
 */
char *tl_make_noise_wav(const char *dir, const char *name, uint32_t frames, uint32_t rate,
			uint32_t seed);

/* image_disc_open() of the one input @path, which must succeed; the caller destroys it. */
struct image_disc *tl_open_disc(const char *path, unsigned flags);

/*
 * tl_open_disc() of @path into *@disc and an encoder of it for @type with
 * @lead_in sectors of lead-in, which must succeed; the caller destroys both.
 */
struct image_encoder *tl_open_encoder(const char *path, enum cd_sector_type type,
				      unsigned lead_in, struct image_disc **disc);

/* Asserts that TOCs @a and @b agree in tracks, indexes, lead-out, MCN and ISRCs. */
void tl_compare_toc(const struct image_toc *a, const struct image_toc *b);

/* Asserts that @a and @b carry the same CD-TEXT: every field of the disc and its tracks. */
void tl_compare_text(const struct image_toc *a, const struct image_toc *b);

/*
 * Asserts that libcdio's own CD-TEXT parser reads @n packs (block 0) as
 * @want's text: every field, the codes being the MCN and ISRCs where
 * @want has no CODE field, and the genre code. libcdio 2.1 mixes up a
 * first track other than 01 (doc/cue-sheets.md): call it for those only.
 */
void tl_check_cdtext_libcdio(const struct image_toc *want, const uint8_t (*packs)[18],
			     unsigned n);

/* A new tcase @name (600 s timeout) in @s, for the caller to add its tests to. */
TCase *tl_tcase(Suite *s, const char *name);
