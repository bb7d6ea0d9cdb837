/*
 * A disc to encode: tracks, indexes, gaps, MCN and ISRC, described by a cue
 * sheet, one ISO 9660 image or one or more WAV files, laid out on the CD
 * address line and validated (doc/reference/mmc.md §9, doc/reference/imapi2.md §9).
 *
 * struct image_toc is plain data shared with the decoder: what a lead-in
 * says plus what the program area's Q frames say (indexes, MCN, ISRC).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cd.h"
#include "result.h"

#define IMAGE_MAX_TRACKS 99
#define IMAGE_MAX_INDEX 99
#define IMAGE_MIN_TRACK_SECTORS 300		/* 4 s */
#define IMAGE_LEADOUT_SECTORS 6750		/* 90 s */
#define IMAGE_DEFAULT_LEAD_IN 22650		/* stream starts at 95:00:00 */
#define IMAGE_MAX_LEAD_IN 45150			/* lead-in addresses stay >= 90:00:00 */
#define IMAGE_LAST_LEADOUT_80MIN 359849		/* 79:59:74 */
#define IMAGE_LAST_SECTOR_OVERBURN 404849	/* 89:59:74, end of lead-out */
#define IMAGE_TEXT_MAX 80			/* CD-TEXT characters (ISO 8859-1) per field */
#define IMAGE_TEXT_SIZE (2 * IMAGE_TEXT_MAX + 1)	/* their UTF-8 form and its NUL */

struct image_toc_track {
	uint8_t control;		/* SUBQ_CONTROL_* bits; DATA set for a data track */
	uint8_t mode;			/* a data track's sector mode: 1, or 2 (CD-ROM XA);
					 * 0 for audio or while unknown */
	int32_t pregap_lba;		/* index 00 start; == start_lba without a pregap */
	int32_t start_lba;		/* index 01 */
	int32_t end_lba;		/* next track's pregap_lba, or the lead-out */
	unsigned index_count;		/* highest index >= 1 */
	int32_t index_lba[IMAGE_MAX_INDEX + 1];	/* [1..index_count]; [0] = pregap_lba */
	char isrc[13];			/* "" when none */
	uint8_t session;		/* a multi-session disc's session, 1..; 0 also the first */
};

/*
 * The CD-TEXT fields of block 0, in the order of their pack types (80h +
 * the field; 8Eh for the codes), doc/cue-sheets.md "CD-TEXT fields".
 */
enum image_text_field {
	IMAGE_TEXT_TITLE,
	IMAGE_TEXT_PERFORMER,
	IMAGE_TEXT_SONGWRITER,
	IMAGE_TEXT_COMPOSER,
	IMAGE_TEXT_ARRANGER,
	IMAGE_TEXT_MESSAGE,
	IMAGE_TEXT_DISC_ID,	/* the disc only */
	IMAGE_TEXT_GENRE,	/* the disc only; its code is image_toc.genre_code */
	IMAGE_TEXT_CODE,	/* the disc's UPC/EAN, a track's ISRC, as CD-TEXT (pack 8Eh) */
	IMAGE_TEXT_FIELDS
};

/*
 * Every CD-TEXT string of a disc, UTF-8, at most IMAGE_TEXT_MAX characters
 * each, kept in one pool: the 253 text packs a disc holds carry at most
 * 3036 ISO 8859-1 bytes, whose UTF-8 form fits IMAGE_TEXT_POOL. Plain data
 * (copied with the TOC); read and set through image_toc_text() and
 * image_toc_set_text().
 */
#define IMAGE_TEXT_POOL (2 * 256 * 12)
struct image_text {
	uint16_t at[IMAGE_MAX_TRACKS + 1][IMAGE_TEXT_FIELDS];	/* 1 + offset in pool; 0: none */
	uint16_t used;
	char pool[IMAGE_TEXT_POOL];
};

struct image_toc {
	unsigned first_track;		/* 1..99; 0 while unknown */
	unsigned last_track;
	int32_t leadout_lba;
	char mcn[14];			/* "" when none */
	uint16_t genre_code;		/* CD-TEXT genre code; 0: from the GENRE text */
	struct image_text text;		/* CD-TEXT: [0] the disc's, [n] track n's */
	struct image_toc_track track[IMAGE_MAX_TRACKS + 1];	/* by number; [0] unused */
};

/*
 * The text of field @f of the disc (@track 0) or of track @track, UTF-8;
 * "" when it has none. Valid until the field is set again.
 */
const char *image_toc_text(const struct image_toc *toc, unsigned track, enum image_text_field f);

/*
 * Sets field @f of the disc (@track 0) or of track @track to the UTF-8
 * @text ("" clears it). The text is not checked here (the CD-TEXT packs
 * are built from it by image_cdtext_build(), which checks it). Returns 0,
 * -EINVAL for a track past 99 or a field that is not one, or -E2BIG when
 * the pool is full.
 */
int image_toc_set_text(struct image_toc *toc, unsigned track, enum image_text_field f,
		       const char *text);

/*
 * Whether field @f of @track only repeats the sub-channel's code: the
 * CODE field equal to the disc's MCN (@track 0) or to the track's ISRC.
 * Such a field is what the packs carry anyway (image_cdtext_build() takes
 * the Q codes where the field is empty), so cue writers leave it out.
 */
bool image_toc_text_is_q_code(const struct image_toc *toc, unsigned track,
			      enum image_text_field f);

/*
 * The cue-sheet command of field @f for the disc (@track 0) or a track:
 * "TITLE", "PERFORMER", ..., "GENRE", and for IMAGE_TEXT_CODE "UPC_EAN"
 * (the disc) or "ISRC" (a track).
 */
const char *image_text_field_name(enum image_text_field f, unsigned track);

/* Whether field @f belongs to the disc only (DISC_ID, GENRE). */
bool image_text_field_disc_only(enum image_text_field f);

/*
 * The CD-TEXT genre code for @text: a genre the standard names (case and
 * punctuation aside, "Music" optional: "Rock", "rock music", "Hip-Hop"),
 * else 1 ("not defined", with @text as the genre's supplementary text);
 * 0 for "".
 */
unsigned image_cdtext_genre_code(const char *text);

/* The name the standard gives genre code @code ("Rock Music"); NULL past the list. */
const char *image_cdtext_genre_name(unsigned code);

static inline bool
image_toc_track_is_data(const struct image_toc_track *t)
{
	return (t->control & 0x4) != 0;
}

/* Flags for image_disc_open() and image_disc_open_stream(). */
enum image_disc_flags {
	IMAGE_DISC_OVERBURN = 1 << 0,	/* allow a lead-out past 79:59:74 (up to 89:59:74 end) */
	IMAGE_DISC_INPUT_ENDED = 1 << 1, /* image_disc_open_stream(): @head is the whole input */
};

/*
 * Where a streamed track's bytes come from (a file still arriving). read()
 * copies the @len input bytes at @offset into @buf, blocking until they
 * are there; it returns @len, fewer only where the input ends, or -errno.
 * Offsets only grow: a call never asks for bytes before the end of the
 * previous one, with one exception: the first image_disc_stream_hold()
 * bytes of the input (a FLAC stream's metadata, which libsndfile reads
 * again, probing and seeking back to 0, when the encoder's decoder opens)
 * may be asked for again, in any order, until a call asks for a byte past
 * them; such a call never also asks for bytes past them. The source keeps
 * those bytes until then. @ctx is the caller's; it must outlive every
 * encoder of the disc.
 */
struct image_source {
	ssize_t (*read)(void *ctx, uint64_t offset, void *buf, size_t len);
	void *ctx;
};

/* What a stream holds: a whole .iso, .wav or .flac file. */
enum image_stream_kind {
	IMAGE_STREAM_ISO,
	IMAGE_STREAM_WAV,
	IMAGE_STREAM_FLAC,	/* decoded by libsndfile (its virtual I/O over the source) */
};

struct image_disc;

/* What image_disc_open() takes a path for, by its name (case-insensitive). */
enum image_input_kind {
	IMAGE_INPUT_CUE,	/* .cue */
	IMAGE_INPUT_ISO,	/* .iso */
	IMAGE_INPUT_AUDIO,	/* .wav .flac .ogg .oga .opus .mp3 .aif .aiff .aifc */
	IMAGE_INPUT_OTHER,
};

enum image_input_kind image_input_kind(const char *path);

/*
 * Builds and validates the disc described by @inputs: one path ending in
 * .cue, one ending in .iso, or one or more audio files, one track each
 * (.wav, .flac, .ogg, .oga, .opus, .mp3, .aif, .aiff, .aifc; case-insensitive;
 * decoded through libsndfile unless a plain 16-bit PCM WAV).
 * Input files are checked (existence, length, headers) but not read whole;
 * the encoder reads them later. On success stores a new disc in *@out,
 * owned by the caller (image_disc_destroy()), and returns 0. On failure
 * returns -errno and fills @err (may be NULL): -EINVAL with
 * BURN_E_STREAM_NOT_SUPPORTED for input that breaks a rule, -ENOENT etc.
 * with BURN_E_FAIL for files, -ENOMEM with BURN_E_OUTOFMEMORY.
 */
int image_disc_open(struct image_disc **out, const char *const *inputs, size_t n_inputs,
		    unsigned flags, struct burn_error *err);

/*
 * Builds the one-track disc image_disc_open() builds from a whole .iso,
 * .wav or .flac, from the first @head_len bytes of that file at @head (only
 * read, not kept): the same rules and messages, naming the input @name
 * (copied). The encoder reads the track through @src (copied; src->ctx is
 * borrowed). Returns -EAGAIN with *@need = the number of bytes, counted
 * from the start of the input, that @head must hold for the next try (ISO:
 * 34816, the end of the primary volume descriptor; WAV: the next chunk
 * header, so a WAV asks again, one chunk at a time, until it reaches the
 * start of its data chunk; FLAC: the next metadata block's header, then
 * the end of the last block, where libsndfile reads the STREAMINFO's rate,
 * channels, depth and sample count; *@need is always more than @head_len).
 * A FLAC stream must start with "fLaC" and give its sample count. Pass
 * IMAGE_DISC_INPUT_ENDED in @flags when @head is the whole input: a short
 * input then fails as image_disc_open() fails on the same file, and the
 * input's length is checked against its header. Without it, the input's
 * length is not checked here: the encoder fails with -ENODATA ("the input
 * ended after N of M bytes"; FLAC: "after N bytes, S of the M samples its
 * header declares") when the source ends before what its header declares. On success stores a new disc
 * in *@out, owned by the caller (image_disc_destroy()), and returns 0;
 * otherwise -EINVAL (a rule is broken: BURN_E_STREAM_NOT_SUPPORTED) or
 * -ENOMEM (BURN_E_OUTOFMEMORY) with the reason in @err (may be NULL).
 */
int image_disc_open_stream(struct image_disc **out, enum image_stream_kind kind,
			   const char *name, const uint8_t *head, size_t head_len, size_t *need,
			   const struct image_source *src, unsigned flags,
			   struct burn_error *err);

/*
 * The input bytes a disc from image_disc_open_stream() is made of: its
 * header and its track (a WAV's later chunks are not part of it). Bytes
 * after this end are not read by the encoder. A FLAC stream's length in
 * bytes is not in its header: UINT64_MAX (its decoder reads until it has
 * every sample the header declares).
 */
uint64_t image_disc_stream_end(const struct image_disc *disc);

/*
 * The first bytes of the input that the encoder may read again (see struct
 * image_source): a FLAC stream's metadata, the @head_len its
 * image_disc_open_stream() succeeded with; 0 for ISO and WAV.
 */
uint64_t image_disc_stream_hold(const struct image_disc *disc);

/* Frees @disc and everything it owns; NULL is allowed. */
void image_disc_destroy(struct image_disc *disc);

/* The TOC the disc will carry; owned by @disc, valid until it is destroyed. */
const struct image_toc *image_disc_toc(const struct image_disc *disc);

/*
 * What was accepted but looks wrong (a catalog number with a bad check
 * digit): *@lines gets the disc's warnings, each one line of printable
 * text naming the input and line like the errors do ("x.cue:1: ..."), in
 * the order they were found; returns how many. Owned by @disc.
 */
size_t image_disc_warnings(const struct image_disc *disc, const char *const **lines);

/*
 * Checks a 13-digit MCN/UPC-EAN string: digits only and a valid EAN-13 check
 * digit. Returns 0, or -EINVAL with BURN_E_STREAM_NOT_SUPPORTED and the
 * reason in @err.
 */
int image_mcn_check(const char *mcn, struct burn_error *err);

/*
 * Writes @toc as the line-oriented text of `burnfs-image toc` to @f
 * (format documented in tools/burnfs-image.1). Returns 0 or -EIO.
 */
int image_toc_print(const struct image_toc *toc, FILE *f);
