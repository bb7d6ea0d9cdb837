/*
 * The sg suites' device and tools: a block node in a scratch directory
 * that the SG interposer (contrib/sg) turns into the emulated recorder of
 * tl_disc, and the programs run against it (cdrdao, wodim, cdrskin,
 * cd-info, ...), their output kept for checks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "tl-harness.h"

#define TL_SG_OUT_MAX 65536

extern const char *tl_sg_lib;	/* $BURNFS_SG_LIB: libburnfs-sg.so */
extern const char *tl_sg_probe;	/* $SG_PROBE */
extern char *tl_sg_node;	/* the device node the tools are given */
extern char *tl_sg_run_dir;	/* BURNFS_RUN_DIR: where burnfs publishes its owner record */

/* The environment of a tool: the interposer when @preload, then the putenv() string @extra. */
void tl_sg_env(bool preload, const char *extra);

/*
 * Runs @argv (stdout and stderr into @out, @size bytes) and returns its
 * exit status, or 128 + signal. A missing program fails the test.
 */
int tl_sg_run(const char *const argv[], bool preload, const char *extra, char *out, size_t size);

/* Whether every program of @programs (space-separated) is installed; if not, says so. */
bool tl_sg_have(const char *programs);

/* Fixture: tl_top, tl_disc (the emulator's directory), the node and the run directory. */
void tl_sg_setup(void);
void tl_sg_teardown(void);

/* main() of an sg suite: 99 without the interposer's variables, 77 (skip) without mknod. */
int tl_sg_main(Suite *suite);

/* WAVs of 5, 6 and 7 s in tl_top: t1.wav, t2.wav, t3.wav (the paths are the caller's). */
void tl_sg_three_wavs(char *wav[3]);
/* The environment that gives the node a blank 80-minute CD-R. */
#define TL_SG_FRESH_CDR "BURNFS_SG_MEDIA=cdr80"
/*
 * Makes the three WAVs (tl_sg_three_wavs()) and burns them with `@tool -v
 * dev=NODE @mode [-multi] -audio` through the interposer, onto a blank
 * CD-R; asserts that it exits 0. Its output is in @out.
 */
void tl_sg_burn_wavs(const char *tool, const char *mode, bool multi, char *wav[3], char *out,
		     size_t size);
void tl_sg_free_wavs(char *wav[3]);
/* disc.bin holds @wav's samples from sector @lba on. */
void tl_sg_audio_at(const char *wav, long lba);
/* cd-info through the interposer lists @tracks tracks and shows each of @want. */
void tl_sg_cd_info_shows(unsigned tracks, const char *const *want, size_t n);
/* cd-paranoia rips track @track starting with @wav's samples. */
void tl_sg_paranoia_equals(unsigned track, const char *wav);
/*
 * iso-info -i NODE -l and -f (libcdio's stdio driver: fopen, fseeko,
 * fread) through the interposer print what they print for the ISO file
 * @iso, but for the image's name.
 */
void tl_sg_iso_info_equals(const char *iso);

#define tl_assert_has(out, want) \
	ck_assert_msg(strstr((out), (want)) != NULL, "expected \"%s\" in:\n%s", (want), (out))
