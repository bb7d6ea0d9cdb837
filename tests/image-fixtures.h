/*
 * Inputs made at test time for the image tests: a three-track audio
 * cue/bin (INDEX 00 pre-gap, CATALOG, ISRC, a second index), a fake ISO
 * with just a primary volume descriptor, WAV files, and helpers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Layout of the audio fixture (LBAs; the .bin starts at LBA 0). */
#define FX_T1_SECTORS 1000
#define FX_T2_PREGAP 150
#define FX_T2_SECTORS 800
#define FX_T3_SECTORS 600
#define FX_T3_INDEX2 300	/* index 02 of track 3, from its start */
#define FX_AUDIO_SECTORS (FX_T1_SECTORS + FX_T2_PREGAP + FX_T2_SECTORS + FX_T3_SECTORS)
#define FX_MCN "0123456789012"
#define FX_ISRC "USRC17607839"

/* Byte @i of the audio fixture's .bin: deterministic, never all zero. */
uint8_t fx_audio_byte(uint64_t i);

/* Byte @i of a fake ISO's data beyond its PVD. */
uint8_t fx_iso_byte(uint64_t i);

/* Writes @dir/audio.bin and @dir/audio.cue; returns the cue path (malloc'ed). */
char *fx_make_audio_cue(const char *dir);

/*
 * Writes a fake ISO of @sectors sectors at @path with a PVD whose volume
 * size is @pvd_sectors (pass @sectors for a consistent one).
 */
void fx_make_iso(const char *path, uint32_t sectors, uint32_t pvd_sectors);

/* Writes a WAV at @path with the given format and @frames stereo frames. */
void fx_make_wav(const char *path, unsigned format, unsigned channels, unsigned rate,
		 unsigned bits, uint32_t data_bytes);

/* Writes @text to @path. */
void fx_write_text(const char *path, const char *text);

/* "%s/%s" in a new string. */
char *fx_path(const char *dir, const char *name);
