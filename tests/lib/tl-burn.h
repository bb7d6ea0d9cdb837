/*
 * Inputs and checks shared by the suites that burn through a mount: ISOs,
 * WAVs and streams made at test time (genisoimage, burnfs-image), and the
 * disc that came out of the emulated recorder in `disc`.
 */
#pragma once

#include <stdbool.h>

#include "tl-mount.h"

extern const char *tl_image_bin;	/* $BURNFS_IMAGE */

/* Reads $BURNFS_IMAGE; -1 with a message when meson did not set it. */
int tl_burn_init(void);

/* tl_burn_init(), then tl_mount_main(@suite); 99 without $BURNFS_IMAGE. */
int tl_burn_main(Suite *suite);
#define TL_BURN_MAIN(make_suite) TL_MAIN_WITH(tl_burn_main, make_suite)

bool tl_have(const char *program);
/* Whether all @programs (space-separated) are installed; if not, says which skips the test. */
bool tl_can_run(const char *programs);
/* bash -c of a printf-made command; its exit status (128 + signal if killed). */
int tl_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A data ISO of a few MB with several files, in top/disc.iso. */
char *tl_make_iso(void);
/* A 16-bit stereo 44.1 kHz WAV of @seconds in top/@name. */
char *tl_make_wav(const char *name, unsigned seconds);
/* The stream of @input with `burnfs-image make --sector-type @type @extra`. */
char *tl_make_stream(const char *input, const char *type, const char *extra);
/* disc/@name, malloc'ed. */
char *tl_disc_file(const char *name);
/* cd-info of the recorded disc.cue mentions @want. */
void tl_cd_info_shows(const char *want);
/* The Mode 1 user data of disc.bin's first track equals @iso. */
void tl_data_track_equals(const char *iso);
/* disc.bin starts with the WAV's samples. */
void tl_audio_equals(const char *wav);
/* m1's last burn completed and released the drive. */
void tl_burned_ok(void);
/* Sets m1's client_name. */
void tl_name_it(void);

/* A burn's input in top/: its source (a WAV or an ISO) and the stream burnfs-image made of it. */
struct tl_input {
	char src[4096];
	char raw[4096];
};

/* A WAV of @seconds in top/@name and its @type stream made with @extra (may be NULL). */
void tl_input_wav(struct tl_input *in, const char *name, unsigned seconds, const char *type,
		  const char *extra);
/* tl_make_iso()'s ISO and its @type stream. */
void tl_input_iso(struct tl_input *in, const char *type);
/*
 * Most cases' start: tl_input_wav() of a 4 s s.wav with a @sector_type stream
 * (cooked if NULL), then tl_name_it() and, unless NULL, m1's sector_type set.
 */
void tl_input_named(struct tl_input *in, const char *sector_type);

/* tl_sh() of the printf-made command with "> m1's track.raw" added; its exit status. */
int tl_to_track(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cat @raw > m1's track.raw succeeds, then tl_burned_ok(). */
void tl_burn_raw(const char *raw);
/* m1's status has "\nlast_burn: @want". */
void tl_last_burn_has(const char *want);
