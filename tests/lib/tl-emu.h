/*
 * Checks of the emulated recorder's answers, and a small RAW burn into it
 * through emu_drive_exec(), as a host sends it: page 05h set to RAW,
 * WRITE(10)s from the NWA of an 80-minute CD-R, SYNCHRONIZE CACHE. The
 * stream (one 4-second audio track) is made once into memory, so a table
 * of tests can burn it many times. Fixtures keep a drive per test (tl_drive).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd.h"
#include "emu.h"
#include "image-disc.h"
#include "image-encoder.h"
#include "mmc.h"
#include "tl-harness.h"

/* Runs @cmd on @d and checks the sense @key/@asc/@ascq (key and asc 0: GOOD). */
void tl_expect(struct emu_drive *d, struct mmc_cmd *cmd, uint8_t key, uint8_t asc, uint8_t ascq);

/* Runs @cmd on @d and checks it answered GOOD. */
void tl_good(struct emu_drive *d, struct mmc_cmd *cmd);

#define TL_NWA_CDR80 (-11634)		/* cdr80's ATIP lead-in start: the first WRITE */
#define TL_EMU_BURN_TRACK_SECTORS 300	/* the shortest track a CD may hold: 4 s */

struct tl_emu_burn {
	uint8_t *data;		/* the stream from the NWA on */
	uint32_t sectors;
	unsigned size;		/* bytes per sector */
	enum cd_sector_type type;
};

/*
 * Makes the stream of a 4-second WAV (written into @work_dir) as sectors of
 * @type starting at TL_EMU_BURN_NWA. @b is the caller's: tl_emu_burn_free().
 */
void tl_emu_burn_make(struct tl_emu_burn *b, const char *work_dir, enum cd_sector_type type);
void tl_emu_burn_free(struct tl_emu_burn *b);

/* MODE SELECT page 05h: RAW, @b's data block type, BUFE on, no Test Write (expected GOOD). */
void tl_emu_burn_select(struct emu_drive *d, const struct tl_emu_burn *b);

/*
 * WRITE(10)s of stream sectors [@from, @to) (@to clamped to the stream's
 * end), each expected GOOD when emu_drive_exec() returns 0. Returns 0, or
 * the first negative emu_drive_exec() result (nothing more is sent then).
 */
int tl_emu_burn_write(struct emu_drive *d, const struct tl_emu_burn *b, uint32_t from, uint32_t to);

/* READ DISC INFORMATION into @buf of @len bytes, expected GOOD and parsed into @di. */
void tl_disc_info(struct emu_drive *d, uint8_t *buf, uint16_t len, struct mmc_disc_info *di);

/* REQUEST SENSE into @buf of 18 bytes, expected GOOD and parsed into @s. */
void tl_request_sense(struct emu_drive *d, uint8_t *buf, struct mmc_sense *s);

/* READ DISC INFORMATION: the disc status (expected GOOD). */
enum mmc_disc_status tl_disc_status(struct emu_drive *d);

/*
 * GET CONFIGURATION (@rt, from feature @start) into @buf of @len bytes,
 * expected GOOD and parsed into @cfg without error.
 */
void tl_get_config(struct emu_drive *d, uint8_t rt, uint16_t start, uint8_t *buf, uint16_t len,
		   struct mmc_config *cfg);

/* ---- an emulated recorder in a scratch directory ---- */

extern char *tl_emu_dir;	/* the drive's directory */
extern char *tl_emu_work;	/* inputs */

/*
 * The fixture's drive: most tests drive one handle from start to end, so
 * the fixture opens it and the teardown closes it (when it is still open).
 */
extern struct emu_drive *tl_drive;

/*
 * Fixture: fresh tl_emu_dir and tl_emu_work; the teardown closes tl_drive
 * (if open), frees tl_emu_audio_cue()'s input and removes both directories.
 */
void tl_emu_setup(void);
void tl_emu_teardown(void);
/* The same, with tl_drive open on the medium its name says (default: emu_media unset). */
void tl_emu_setup_default(void);
void tl_emu_setup_none(void);
void tl_emu_setup_cdr80(void);
void tl_emu_setup_cdrw80(void);
void tl_emu_setup_cdrom(void);
/*
 * A test case named @media in @s whose tests start with tl_drive open on
 * @media ("default": emu_media unset): one of the fixtures above.
 */
TCase *tl_emu_tcase(Suite *s, const char *media);

/* emu_drive_open() on @path, which must succeed. */
struct emu_drive *tl_emu_open_dir(const char *path, const struct emu_config *cfg);
/* The same on tl_emu_dir. */
struct emu_drive *tl_emu_open_cfg(const struct emu_config *cfg);
struct emu_drive *tl_emu_open(const char *media);
/* Closes tl_drive now, as a host closes the device: the teardown has none to close. */
void tl_emu_close(void);
/* Closes tl_drive if open and opens it again with @cfg, as a host reopens the device. */
void tl_emu_reopen_cfg(const struct emu_config *cfg);
/* The same with emu_media=@media (NULL: unchanged) and the emu_fault bits @faults. */
void tl_emu_reopen(const char *media, unsigned faults);
/*
 * The audio fixture's cue sheet (tl_make_audio_cue()), made in tl_emu_work
 * on the first call of a test; the teardown frees it.
 */
const char *tl_emu_audio_cue(void);
/* True when tl_emu_dir holds @name. */
bool tl_emu_has(const char *name);

/* MODE SELECT page 05h: RAW with data block type @dbt (expected GOOD). */
void tl_select_raw(struct emu_drive *d, enum cd_sector_type dbt, bool bufe, bool test_write);
/* The same with page 05h's write type @write_type (2 SAO, 3 RAW) and data block type @dbt. */
void tl_select_write(struct emu_drive *d, uint8_t write_type, uint8_t dbt, bool bufe, bool test_write);
/* MODE SELECT of page 05h as @want has it, over the drive's current page (expected GOOD). */
void tl_select_page05(struct emu_drive *d, const struct mmc_page05 *want);
/*
 * One 8-byte SEND CUE SHEET entry at @p (CTL/ADR, TNO, INDEX, data form,
 * SCMS 0, the absolute MSF of @lba, binary); returns the next entry's place.
 */
uint8_t *tl_cue_entry(uint8_t *p, uint8_t ctl_adr, uint8_t tno, uint8_t index, uint8_t form,
		      int32_t lba);
/* READ(10) of @n blocks at @lba into @buf. */
void tl_build_read10(struct mmc_cmd *cmd, int32_t lba, uint16_t n, void *buf, size_t len);
/* Polls TEST UNIT READY past 2/04/08 (long write in progress); returns how often it was busy. */
unsigned tl_wait_ready(struct emu_drive *d);
/* SYNCHRONIZE CACHE (expected GOOD); with @immed, waits until the drive is ready. */
void tl_sync_cache(struct emu_drive *d, bool immed);
/* The drive's READ TOC / TRACK INFO / DISC INFO against the TOC the stream carried. */
void tl_check_toc(struct emu_drive *d, const struct image_toc *want);
/* After a recording that did not reach its lead-out's end: a ruined CD-R. */
void tl_check_ruined(struct emu_drive *d);

/* ---- an encoder's stream, sent sector by sector ---- */

#define TL_CHUNK 26		/* sectors per WRITE: about 64 KB, like cdrdao */

struct tl_stream {
	struct image_disc *disc;
	struct image_encoder *enc;
	enum cd_sector_type type;
	unsigned size;
	int32_t lba;		/* of the next sector */
	int32_t end;		/* one past the last sector */
	uint8_t *buf;		/* CHUNK sectors */
	bool plain_crc;		/* 16-byte P-Q, CRC not inverted (as cdrdao sends it) */
	/*
	 * With mode2: the program area's data sectors (LBA 0 on) re-coded as
	 * Mode 2 XA with the same user data, Form 1 before form2_from and
	 * Form 2 from it (its 2324 bytes: the 2048, then zeros), as cdrdao
	 * sends a MODE2/2352 track.
	 */
	bool mode2;
	int32_t form2_from;
};

/* The Mode 2 subheaders tl_stream_write() puts in Form 1 and Form 2 sectors. */
extern const uint8_t tl_form1_subheader[4], tl_form2_subheader[4];

/* Opens @input as one disc and its encoder for @type, at the default lead-in's start. */
void tl_stream_open(struct tl_stream *s, const char *input, enum cd_sector_type type);
void tl_stream_close(struct tl_stream *s);
const struct image_toc *tl_stream_toc(const struct tl_stream *s);
/*
 * Opens @s, a @type stream of tl_emu_audio_cue(), sets page 05h on @d to
 * RAW of @type with @bufe and @test_write, and skips @s to the NWA of an
 * 80-minute CD-R. tl_stream_close() frees it.
 */
void tl_stream_begin(struct emu_drive *d, struct tl_stream *s, enum cd_sector_type type,
		     bool bufe, bool test_write);
/* Skips the stream up to @lba, as IMAPI skips what lies before the media's lead-in. */
void tl_stream_skip_to(struct tl_stream *s, int32_t lba);
/*
 * Writes the stream from where it is up to @until (exclusive; the stream's
 * end at most) in WRITE(10)s of TL_CHUNK sectors, each expected to be GOOD.
 */
void tl_stream_write(struct emu_drive *d, struct tl_stream *s, int32_t until);
/* Reads the next @n sectors into the chunk buffer without writing them. */
void tl_stream_take(struct tl_stream *s, uint16_t n);

struct recorder;

/*
 * A recorder on tl_emu_dir as it is, through the emulator's transport with
 * emu_fault=@fault (NULL: none); close the emulator handle that burned first.
 */
struct recorder *tl_recorder_on_dir(const char *fault);
