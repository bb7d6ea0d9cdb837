/*
 * Inputs and checks shared by the suites that burn through a mount: ISOs,
 * WAVs and streams made at test time (genisoimage, burnfs-image), and the
 * disc that came out of the emulated recorder in `disc`.
 */
#pragma once

#include <stdbool.h>

extern const char *image_bin;	/* $BURNFS_IMAGE */

/* Reads $BURNFS_IMAGE; -1 with a message when meson did not set it. */
int burn_fixtures_init(void);

bool have(const char *program);
/* bash -c of a printf-made command; its exit status (128 + signal if killed). */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A data ISO of a few MB with several files, in top/disc.iso. */
char *make_iso(void);
/* A 16-bit stereo 44.1 kHz WAV of @seconds in top/@name. */
char *make_wav(const char *name, unsigned seconds);
/* The stream of @input with `burnfs-image make --sector-type @type @extra`. */
char *make_stream(const char *input, const char *type, const char *extra);
/* disc/@name, malloc'ed. */
char *disc_file(const char *name);
/* cd-info of the recorded disc.cue mentions @want. */
void cd_info_shows(const char *want);
/* The Mode 1 user data of disc.bin's first track equals @iso. */
void data_track_equals(const char *iso);
/* disc.bin starts with the WAV's samples. */
void audio_equals(const char *wav);
/* m1's last burn completed and released the drive. */
void burned_ok(void);
/* Sets m1's client_name. */
void name_it(void);
