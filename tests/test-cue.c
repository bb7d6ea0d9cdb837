/*
 * Cue sheets as rippers write them (issue 11): one table of cue texts, each
 * with the files it names, the TOC it must give and what the program area
 * must hold sector by sector, or the exact reason it is refused. Every
 * accepted row is encoded as a raw stream and decoded back: the decoder's
 * TOC (from the lead-in and the Q frames) and CD-TEXT must be the disc's,
 * and every program sector must hold the file sector the row says.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cdio/cdtext.h>
#include <sndfile.h>

#include "image-cdtext.h"
#include "image-decoder.h"
#include "image-disc.h"
#include "image-encoder.h"
#include "tl-harness.h"
#include "tl-image.h"

#define LEAD_IN 300
#define MAX_FILES 4
#define MAX_TRACKS 4
#define MAX_SEGS 8

enum cue_file_kind { BIN, WAV, MOTOROLA, FLAC };

struct cue_file_spec {
	const char *name;	/* NULL ends the list */
	uint32_t bytes;		/* of sector data */
	enum cue_file_kind kind;
};

struct want_track {
	int32_t pregap, start, end;
	unsigned index_count;
	int32_t index2;		/* when index_count >= 2 */
};

/* @count sectors of FILE @file from its sector @first; file -1: silence. */
struct seg {
	int file;
	uint32_t first, count;
};

struct cue_case {
	const char *name;
	const char *cue;	/* written as x.cue */
	struct cue_file_spec files[MAX_FILES];
	/* refused: the reason, '@' standing for the test directory and '/' */
	const char *error;
	/* accepted */
	unsigned first, last;
	int32_t leadout;
	struct want_track track[MAX_TRACKS];	/* from the first track on */
	struct seg line[MAX_SEGS];		/* the program area from LBA 0 */
	const char *warning;			/* '@' as in @error; NULL: none */
	const char *title, *track_title;	/* UTF-8; NULL: "" */
	bool more_text;				/* CD-TEXT in other fields */
};

#define S(m, s, f) (((m) * 60 + (s)) * 75 + (f))
#define B(sectors) ((uint32_t)(sectors) * 2352u)
#define E10 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
#define E80 E10 E10 E10 E10 E10 E10 E10 E10	/* 80 characters, 160 bytes */

static const struct cue_case cases[] = {
	{ .name = "one file, INDEX 00 in it",
	  .cue = "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n"
		 "TRACK 02 AUDIO\nINDEX 00 00:10:00\nINDEX 01 00:12:00\n",
	  .files = { { "a.bin", B(1500), BIN } },
	  .first = 1, .last = 2, .leadout = 1500,
	  .track = { { -150, 0, 750, 1, 0 }, { 750, 900, 1500, 1, 0 } },
	  .line = { { 0, 0, 1500 } } },
	{ .name = "EAC gaps appended to the previous track (WAVE)",
	  .cue = "FILE \"01.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
		 "  TRACK 02 AUDIO\n    INDEX 00 00:12:25\n"
		 "FILE \"02.wav\" WAVE\n    INDEX 01 00:00:00\n    INDEX 02 00:05:00\n"
		 "  TRACK 03 AUDIO\n    INDEX 00 00:09:50\n"
		 "FILE \"03.wav\" WAVE\n    INDEX 01 00:00:00\n",
	  .files = { { "01.wav", B(1000), WAV }, { "02.wav", B(800), WAV },
		     { "03.wav", B(600), WAV } },
	  .first = 1, .last = 3, .leadout = 2400,
	  .track = { { -150, 0, 925, 1, 0 }, { 925, 1000, 1725, 2, 1375 },
		     { 1725, 1800, 2400, 1, 0 } },
	  .line = { { 0, 0, 1000 }, { 1, 0, 800 }, { 2, 0, 600 } } },
	{ .name = "gaps appended, files that end mid-sector",
	  .cue = "FILE \"01.wav\" WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n"
		 "TRACK 02 AUDIO\nINDEX 00 00:12:25\n"
		 "FILE \"02.wav\" WAVE\nINDEX 01 00:00:00\n",
	  .files = { { "01.wav", B(1000) - 100, WAV }, { "02.wav", B(800) + 4, WAV } },
	  .first = 1, .last = 2, .leadout = 1801,
	  .track = { { -150, 0, 925, 1, 0 }, { 925, 1000, 1801, 1, 0 } },
	  .line = { { 0, 0, 1000 }, { 1, 0, 801 } } },
	{ .name = "gaps appended, MOTOROLA",
	  .cue = "FILE \"01.raw\" MOTOROLA\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n"
		 "TRACK 02 AUDIO\nINDEX 00 00:10:00\n"
		 "FILE \"02.raw\" MOTOROLA\nINDEX 01 00:00:00\n",
	  .files = { { "01.raw", B(1000), MOTOROLA }, { "02.raw", B(400), MOTOROLA } },
	  .first = 1, .last = 2, .leadout = 1400,
	  .track = { { -150, 0, 750, 1, 0 }, { 750, 1000, 1400, 1, 0 } },
	  .line = { { 0, 0, 1000 }, { 1, 0, 400 } } },
	{ .name = "gaps appended, FLAC (decoded by libsndfile)",
	  .cue = "FILE \"01.flac\" WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n"
		 "TRACK 02 AUDIO\nINDEX 00 00:04:00\n"
		 "FILE \"02-pregap.flac\" FLAC\nINDEX 01 00:00:00\n"
		 "FILE \"02.flac\" FLAC\nINDEX 02 00:00:00\n",
	  .files = { { "01.flac", B(400) + 8, FLAC }, { "02-pregap.flac", B(100) - 12, FLAC },
		     { "02.flac", B(300), FLAC } },
	  .first = 1, .last = 2, .leadout = 801,
	  .track = { { -150, 0, 300, 1, 0 }, { 300, 401, 801, 2, 501 } },
	  .line = { { 0, 0, 401 }, { 1, 0, 100 }, { 2, 0, 300 } } },
	{ .name = "pre-gap in a file of its own, TRACK before its FILE",
	  .cue = "FILE \"01.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n"
		 "TRACK 02 AUDIO\nFILE \"02-pregap.bin\" BINARY\nINDEX 00 00:00:00\n"
		 "FILE \"02.bin\" BINARY\nINDEX 01 00:00:00\n",
	  .files = { { "01.bin", B(1000), BIN }, { "02-pregap.bin", B(150), BIN },
		     { "02.bin", B(800), BIN } },
	  .first = 1, .last = 2, .leadout = 1950,
	  .track = { { -150, 0, 1000, 1, 0 }, { 1000, 1150, 1950, 1, 0 } },
	  .line = { { 0, 0, 1000 }, { 1, 0, 150 }, { 2, 0, 800 } } },
	{ .name = "pre-gap in a file of its own, TRACK after its FILE",
	  .cue = "FILE \"01.wav\" WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n"
		 "FILE \"02-pregap.wav\" WAVE\nTRACK 02 AUDIO\nINDEX 00 00:00:00\n"
		 "FILE \"02.wav\" WAVE\nINDEX 01 00:00:00\n",
	  .files = { { "01.wav", B(1000), WAV }, { "02-pregap.wav", B(150) - 2000, WAV },
		     { "02.wav", B(800), WAV } },
	  .first = 1, .last = 2, .leadout = 1950,
	  .track = { { -150, 0, 1000, 1, 0 }, { 1000, 1150, 1950, 1, 0 } },
	  .line = { { 0, 0, 1000 }, { 1, 0, 150 }, { 2, 0, 800 } } },
	{ .name = "hidden track before track 1 (HTOA)",
	  .cue = "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 00 00:00:00\nINDEX 01 00:32:10\n"
		 "TRACK 02 AUDIO\nINDEX 01 01:00:00\n",
	  .files = { { "a.bin", B(5000), BIN } },
	  .first = 1, .last = 2, .leadout = 5000,
	  .track = { { -150, 2410, 4500, 1, 0 }, { 4500, 4500, 5000, 1, 0 } },
	  .line = { { 0, 0, 5000 } } },
	{ .name = "HTOA in a file of its own",
	  .cue = "TRACK 01 AUDIO\nFILE \"htoa.bin\" BINARY\nINDEX 00 00:00:00\n"
		 "FILE \"01.bin\" BINARY\nINDEX 01 00:00:00\n",
	  .files = { { "htoa.bin", B(2410), BIN }, { "01.bin", B(700), BIN } },
	  .first = 1, .last = 1, .leadout = 3110,
	  .track = { { -150, 2410, 3110, 1, 0 } },
	  .line = { { 0, 0, 2410 }, { 1, 0, 700 } } },
	{ .name = "first track 03",
	  .cue = "FILE \"a.bin\" BINARY\nTRACK 03 AUDIO\nTITLE \"Three\"\nINDEX 01 00:00:00\n"
		 "TRACK 04 AUDIO\nINDEX 00 00:08:00\nINDEX 01 00:10:00\n",
	  .files = { { "a.bin", B(1200), BIN } },
	  .first = 3, .last = 4, .leadout = 1200,
	  .track = { { -150, 0, 600, 1, 0 }, { 600, 750, 1200, 1, 0 } },
	  .line = { { 0, 0, 1200 } }, .track_title = "Three" },
	{ .name = "first track 05, gaps appended, CATALOG with a wrong check digit",
	  .cue = "CATALOG 0123456789013\nFILE \"05.bin\" BINARY\nTRACK 05 AUDIO\n"
		 "INDEX 01 00:00:00\nTRACK 06 AUDIO\nINDEX 00 00:06:00\n"
		 "FILE \"06.bin\" BINARY\nINDEX 01 00:00:00\n",
	  .files = { { "05.bin", B(600), BIN }, { "06.bin", B(300), BIN } },
	  .first = 5, .last = 6, .leadout = 900,
	  .track = { { -150, 0, 450, 1, 0 }, { 450, 600, 900, 1, 0 } },
	  .line = { { 0, 0, 600 }, { 1, 0, 300 } },
	  .warning = "@x.cue:1: catalog number 0123456789013 has a wrong check digit "
		     "(expected 2); burned as given" },
	{ .name = "CD-TEXT in UTF-8 that fits ISO 8859-1",
	  .cue = "TITLE \"Caf\xc3\xa9 M\xc3\xbcller\"\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\n"
		 "TITLE \"" E80 "\"\n"
		 "INDEX 01 00:00:00\n",
	  .files = { { "a.bin", B(400), BIN } },
	  .first = 1, .last = 1, .leadout = 400,
	  .track = { { -150, 0, 400, 1, 0 } },
	  .line = { { 0, 0, 400 } },
	  .title = "Caf\xc3\xa9 M\xc3\xbcller",
	  .track_title = E80 },
	{ .name = "CD-TEXT in ISO 8859-1 bytes, not UTF-8",
	  .cue = "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nPERFORMER \"x\"\n"
		 "TITLE \"Caf\xe9 M\xfcller\"\nINDEX 01 00:00:00\n",
	  .files = { { "a.bin", B(400), BIN } },
	  .first = 1, .last = 1, .leadout = 400,
	  .track = { { -150, 0, 400, 1, 0 } },
	  .line = { { 0, 0, 400 } },
	  .track_title = "Caf\xc3\xa9 M\xc3\xbcller",
	  .warning = "@x.cue:4: TITLE: byte 4 (0xE9) is not UTF-8; the text is taken as "
		     "ISO 8859-1" },

	{ .name = "a CD-TEXT field other than TITLE and PERFORMER",
	  .cue = "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nSONGWRITER \"Someone\"\n"
		 "INDEX 01 00:00:00\n",
	  .files = { { "a.bin", B(400), BIN } },
	  .first = 1, .last = 1, .leadout = 400,
	  .track = { { -150, 0, 400, 1, 0 } },
	  .line = { { 0, 0, 400 } }, .more_text = true },

	/* refused */
	{ .name = "CJK title",
	  .cue = "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nTITLE \"A \xe6\x97\xa5\xe6\x9c\xac\"\n",
	  .files = { { "a.bin", B(400), BIN } },
	  .error = "@x.cue:3: TITLE: character 3, U+65E5, has no ISO 8859-1 form; CD-TEXT here "
		   "is ISO 8859-1 only" },
	{ .name = "neither UTF-8 nor ISO 8859-1",
	  .cue = "PERFORMER \"Caf\xe9\x81\"\nFILE \"a.bin\" BINARY\n",
	  .files = { { "a.bin", B(400), BIN } },
	  .error = "@x.cue:1: PERFORMER: byte 5 (0x81) is neither UTF-8 nor a printable ISO "
		   "8859-1 character" },
	{ .name = "not UTF-8, and a C1 byte",
	  .cue = "TITLE \"a\xc1\x81\"\n",
	  .error = "@x.cue:1: TITLE: byte 3 (0x81) is neither UTF-8 nor a printable ISO 8859-1 "
		   "character" },
	{ .name = "81 characters",
	  .cue = "TITLE \"123456789012345678901234567890123456789012345678901234567890"
		 "123456789012345678901\"\n",
	  .error = "@x.cue:1: TITLE is longer than 80 characters, the most CD-TEXT here holds" },
	{ .name = "a data track across FILEs",
	  .cue = "FILE \"a.bin\" BINARY\nTRACK 01 MODE1/2352\nINDEX 00 00:00:00\n"
		 "FILE \"b.bin\" BINARY\nINDEX 01 00:00:00\n",
	  .files = { { "a.bin", B(400), BIN }, { "b.bin", B(400), BIN } },
	  .error = "@x.cue:2: track 1 is a data track whose indexes are in more than one FILE; "
		   "only audio tracks may span FILEs" },
	{ .name = "INDEX before any FILE",
	  .cue = "TRACK 01 AUDIO\nINDEX 01 00:00:00\n",
	  .error = "@x.cue:2: INDEX before any FILE" },
	{ .name = "a gap in the track numbers after the first",
	  .cue = "FILE \"a.bin\" BINARY\nTRACK 03 AUDIO\nINDEX 01 00:00:00\nTRACK 05 AUDIO\n",
	  .files = { { "a.bin", B(400), BIN } },
	  .error = "@x.cue:4: track 05 is out of sequence (tracks count up by one from the "
		   "first)" },
	{ .name = "gaps appended: INDEX 00 past the end of the previous file",
	  .cue = "FILE \"01.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n"
		 "TRACK 02 AUDIO\nINDEX 00 00:20:00\nFILE \"02.bin\" BINARY\nINDEX 01 00:00:00\n",
	  .files = { { "01.bin", B(1000), BIN }, { "02.bin", B(400), BIN } },
	  .error = "@01.bin: file is too short for @x.cue: track 2 starts at 00:20:00, past its "
		   "end (2352000 bytes)" },
	{ .name = "gaps appended: INDEX 00 before the previous track's INDEX 01",
	  .cue = "FILE \"01.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:05:00\n"
		 "TRACK 02 AUDIO\nINDEX 00 00:04:00\nFILE \"02.bin\" BINARY\nINDEX 01 00:00:00\n",
	  .files = { { "01.bin", B(1000), BIN }, { "02.bin", B(400), BIN } },
	  .error = "@x.cue:4: track 2 starts before track 1 ends" },
	{ .name = "INDEX 01 before INDEX 00 in the same FILE",
	  .cue = "FILE \"01.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:05:00\nINDEX 02 00:04:00\n",
	  .files = { { "01.bin", B(1000), BIN } },
	  .error = "@x.cue:4: INDEX 02 does not come after the previous index" },
};

/* Byte @k of sector @s of file @f as the encoder must put it on the disc. */
static uint8_t
content_byte(int f, uint32_t s, unsigned k)
{
	if (k < 4)
		return (uint8_t[]){ (uint8_t)(0xa0 + f), (uint8_t)s, (uint8_t)(s >> 8), 0x5a }[k];
	return (uint8_t)(f * 31 + s * 7 + k * 13);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Writes file @f of @c into @dir: a header for a WAV, swapped words for MOTOROLA. */
static void
write_file(const char *dir, const struct cue_file_spec *spec, int f)
{
	uint32_t head = spec->kind == WAV ? 44 : 0, len = head + spec->bytes;
	uint8_t *buf = calloc(1, len);
	char *path = tl_path(dir, spec->name);

	ck_assert_ptr_nonnull(buf);
	if (spec->kind == WAV) {
		static const uint8_t fmt[] = { 'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0, 2, 0,
					       0x44, 0xac, 0, 0, 0x10, 0xb1, 2, 0, 4, 0, 16, 0 };

		memcpy(buf, "RIFF", 4);
		put_le32(buf + 4, 36 + spec->bytes);
		memcpy(buf + 8, "WAVE", 4);
		memcpy(buf + 12, fmt, sizeof(fmt));
		memcpy(buf + 36, "data", 4);
		put_le32(buf + 40, spec->bytes);
	}
	for (uint32_t i = 0; i < spec->bytes; i++)
		buf[head + (spec->kind == MOTOROLA ? i ^ 1 : i)] =
			content_byte(f, i / 2352, i % 2352);
	if (spec->kind == FLAC) {
		SF_INFO info = { .samplerate = 44100, .channels = 2,
				 .format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16 };
		SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
		short *pcm = calloc(spec->bytes / 2, sizeof(short));

		ck_assert_msg(sf != NULL, "%s: %s", path, sf_strerror(NULL));
		ck_assert_ptr_nonnull(pcm);
		for (uint32_t i = 0; i < spec->bytes / 2; i++)
			pcm[i] = (short)(uint16_t)(buf[2 * i] | buf[2 * i + 1] << 8);
		ck_assert_int_eq(sf_writef_short(sf, pcm, spec->bytes / 4), spec->bytes / 4);
		sf_close(sf);
		free(pcm);
	} else {
		tl_write_file(path, buf, len);
	}
	free(buf);
	free(path);
}

/* The expected main channel of program sector @lba of @c. */
static void
expected_sector(const struct cue_case *c, int32_t lba, uint8_t *want)
{
	uint32_t at = 0;

	memset(want, 0, 2352);
	for (unsigned i = 0; i < MAX_SEGS && c->line[i].count; i++) {
		const struct seg *sg = &c->line[i];

		if ((uint32_t)lba < at + sg->count) {
			uint32_t s = sg->first + ((uint32_t)lba - at);

			if (sg->file < 0)
				return;
			for (unsigned k = 0; k < 2352; k++)
				if ((uint64_t)s * 2352 + k < c->files[sg->file].bytes)
					want[k] = content_byte(sg->file, s, k);
			return;
		}
		at += sg->count;
	}
	ck_abort_msg("LBA %d is past the row's line", lba);
}

static void
check_toc(const struct cue_case *c, const struct image_toc *toc)
{
	ck_assert_uint_eq(toc->first_track, c->first);
	ck_assert_uint_eq(toc->last_track, c->last);
	ck_assert_int_eq(toc->leadout_lba, c->leadout);
	for (unsigned n = c->first; n <= c->last; n++) {
		const struct want_track *w = &c->track[n - c->first];
		const struct image_toc_track *t = &toc->track[n];

		ck_assert_msg(t->pregap_lba == w->pregap && t->start_lba == w->start &&
			      t->end_lba == w->end && t->index_count == w->index_count,
			      "track %u: pregap %d start %d end %d indexes %u, want %d %d %d %u", n,
			      t->pregap_lba, t->start_lba, t->end_lba, t->index_count, w->pregap,
			      w->start, w->end, w->index_count);
		ck_assert_int_eq(t->index_lba[0], w->pregap);
		ck_assert_int_eq(t->index_lba[1], w->start);
		if (w->index_count >= 2)
			ck_assert_int_eq(t->index_lba[2], w->index2);
	}
	ck_assert_str_eq(image_toc_text(toc, 0, IMAGE_TEXT_TITLE), c->title ? c->title : "");
	ck_assert_str_eq(image_toc_text(toc, c->first, IMAGE_TEXT_TITLE),
			 c->track_title ? c->track_title : "");
}

/* libcdio's own CD-TEXT parser reads the packs back: the same UTF-8 text. */
static void
check_packs_with_libcdio(const struct image_toc *toc, uint8_t (*packs)[CDTEXT_PACK_SIZE],
			 const bool *have)
{
	unsigned n = 0;

	while (n < CDTEXT_MAX_PACKS && have[n])
		n++;
	ck_assert_uint_ge(n, 4);
	tl_check_cdtext_libcdio(toc, (const uint8_t (*)[CDTEXT_PACK_SIZE])packs, n);
}

/* Encodes @disc as a raw stream and decodes it back, checking every sector. */
static void
round_trip(const struct cue_case *c, const struct image_disc *disc)
{
	const struct image_toc *toc = image_disc_toc(disc), *got;
	struct image_sector *s = malloc(sizeof(*s));
	uint8_t (*packs)[CDTEXT_PACK_SIZE] = calloc(CDTEXT_MAX_PACKS, CDTEXT_PACK_SIZE);
	bool have[CDTEXT_MAX_PACKS] = { false };
	struct image_encoder *enc;
	struct image_decoder *dec;
	struct burn_error err;
	uint8_t sector[2448], want[2352];
	uint64_t n = 0;
	int ret;

	ck_assert_ptr_nonnull(s);
	ck_assert_msg(image_encoder_create(&enc, disc, CD_SECTOR_RAW, LEAD_IN, &err) == 0, "%s",
		      err.reason);
	tl_assert_ok(image_decoder_open(&dec, CD_SECTOR_RAW, LEAD_IN, NULL));
	while ((ret = image_encoder_next_sector(enc, sector, &err)) == 1) {
		n++;
		ck_assert_int_eq(image_decoder_feed(dec, sector, s), 0);
		ck_assert_msg(s->damage == 0, "LBA %d: damage %#x", s->lba, s->damage);
		for (unsigned k = 0; s->lba < -150 && k < 4; k++) {
			uint8_t pack[CDTEXT_PACK_SIZE];

			if (image_cdtext_from_symbols(sector + 2352 + 24 * k, pack)) {
				memcpy(packs[pack[2]], pack, CDTEXT_PACK_SIZE);
				have[pack[2]] = true;
			}
		}
		if (s->lba < 0 || s->lba >= toc->leadout_lba)
			continue;
		expected_sector(c, s->lba, want);
		if (memcmp(s->main, want, sizeof(want)) != 0)
			ck_abort_msg("LBA %d: main channel %02x %02x %02x, want %02x %02x %02x",
				     s->lba, s->main[0], s->main[1], s->main[2], want[0], want[1],
				     want[2]);
	}
	ck_assert_msg(ret == 0, "encoder: %s", err.reason);
	ck_assert_uint_eq(n, image_encoder_total_sectors(enc));
	ck_assert(image_decoder_complete(dec));
	got = image_decoder_toc(dec);
	ck_assert_ptr_nonnull(got);
	tl_compare_toc(got, toc);
	tl_compare_text(got, toc);
	check_toc(c, got);
	ck_assert_uint_eq(image_decoder_stats(dec)->cdtext_crc_errors, 0);
	/*
	 * libcdio 2.1.0 gives a first track 03's TITLE as the disc's when the
	 * disc's is "" (doc/cue-sheets.md): it is asked about first tracks 01 only
	 */
	if (have[0] && c->first == 1)
		check_packs_with_libcdio(toc, packs, have);
	else if (!c->title && !c->track_title && !c->more_text)
		ck_assert(!have[0]);
	image_decoder_destroy(dec);
	image_encoder_destroy(enc);
	free(packs);
	free(s);
}

START_TEST(cue_rows)
{
	const struct cue_case *c = &cases[_i];
	char *dir = tl_mkdtemp("cue"), *cue = tl_path(dir, "x.cue");
	const char *const *lines;
	struct image_disc *disc;
	struct burn_error err;
	const char *in = cue;
	size_t n_warnings;
	int ret;

	printf("# %s\n", c->name);
	for (int f = 0; f < MAX_FILES && c->files[f].name; f++)
		write_file(dir, &c->files[f], f);
	tl_write_text(cue, c->cue);
	ret = image_disc_open(&disc, &in, 1, 0, &err);
	if (c->error) {
		char *want = tl_with_dir(c->error, dir);

		ck_assert_int_eq(ret, -EINVAL);
		ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
		ck_assert_str_eq(err.reason, want);
		free(want);
	} else {
		ck_assert_msg(ret == 0, "%s", err.reason);
		check_toc(c, image_disc_toc(disc));
		n_warnings = image_disc_warnings(disc, &lines);
		if (c->warning) {
			char *want = tl_with_dir(c->warning, dir);

			ck_assert_uint_eq(n_warnings, 1);
			ck_assert_str_eq(lines[0], want);
			free(want);
		} else {
			ck_assert_uint_eq(n_warnings, 0);
		}
		round_trip(c, disc);
		image_disc_destroy(disc);
	}
	tl_rmtree(dir);
	free(cue);
	free(dir);
}
END_TEST

/* UTF-8 to ISO 8859-1, as the CD-TEXT packs are built. */
static const struct {
	const char *in;
	int ret;		/* length, or -errno */
	const char *out;	/* ret >= 0 */
	uint32_t bad;
	size_t pos;
} latin1_rows[] = {
	{ "plain", 5, "plain", 0, 0 },
	{ "Caf\xc3\xa9 M\xc3\xbcller", 11, "Caf\xe9 M\xfcller", 0, 0 },
	{ "\xc2\xa0\xc3\xbf", 2, "\xa0\xff", 0, 0 },		/* U+00A0, U+00FF */
	{ "\xc4\x80", -EILSEQ, NULL, 0x100, 1 },		/* U+0100 */
	{ "ab\xe6\x97\xa5", -EILSEQ, NULL, 0x65e5, 3 },
	{ "\xf0\x9f\x8e\xb5", -EILSEQ, NULL, 0x1f3b5, 1 },	/* U+1F3B5 */
	{ "a\xc0\xaf", -EINVAL, NULL, 0xc0, 2 },		/* overlong '/' */
	{ "a\xe0\x80\xaf", -EINVAL, NULL, 0xe0, 2 },		/* overlong '/' */
	{ "\xed\xa0\x80", -EINVAL, NULL, 0xed, 1 },		/* surrogate U+D800 */
	{ "\xf4\x90\x80\x80", -EINVAL, NULL, 0xf4, 1 },	/* past U+10FFFF */
	{ "ab\xc3", -EINVAL, NULL, 0xc3, 3 },			/* cut short */
	{ "\xa9", -EINVAL, NULL, 0xa9, 1 },			/* a lone continuation */
	{ "\xc3\xa9" E80, -E2BIG, NULL, 0, 0 },			/* 81 characters */
	{ E80 "\xe6\x97\xa5", -EILSEQ, NULL, 0x65e5, 81 },	/* the character first */
	{ E80, 80, NULL, 0, 0 },
};

START_TEST(latin1_conversion)
{
	char out[IMAGE_TEXT_MAX + 1], back[IMAGE_TEXT_SIZE];
	uint32_t bad = 0;
	size_t pos = 0;
	int ret = image_cdtext_to_latin1(out, sizeof(out), latin1_rows[_i].in, &bad, &pos);

	ck_assert_int_eq(ret, latin1_rows[_i].ret);
	if (ret >= 0) {
		if (latin1_rows[_i].out)
			ck_assert_str_eq(out, latin1_rows[_i].out);
		ck_assert_uint_eq(strlen(out), (size_t)ret);
		image_cdtext_from_latin1(back, sizeof(back), out);
		ck_assert_str_eq(back, latin1_rows[_i].in);
	} else if (ret != -E2BIG) {
		ck_assert_uint_eq(bad, latin1_rows[_i].bad);
		ck_assert_uint_eq(pos, latin1_rows[_i].pos);
	}
}
END_TEST

/* Text that reaches the packs some other way than a cue sheet is checked there too. */
START_TEST(packs_refuse_text_outside_latin1)
{
	static struct image_toc toc;
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	struct burn_error err;

	toc.first_track = 2;
	toc.last_track = 3;
	tl_assert_ok(image_toc_set_text(&toc, 3, IMAGE_TEXT_PERFORMER, "Yellow Magic \xe6\x97\xa5"));
	ck_assert_int_eq(image_cdtext_build(&toc, packs[0], &err), -EINVAL);
	ck_assert_str_eq(err.reason, "CD-TEXT of track 3: PERFORMER: character 14, U+65E5, has no "
			 "ISO 8859-1 form; CD-TEXT here is ISO 8859-1 only");
	tl_assert_ok(image_toc_set_text(&toc, 3, IMAGE_TEXT_PERFORMER, "Caf\xe9"));
	ck_assert_int_eq(image_cdtext_build(&toc, packs[0], &err), -EINVAL);
	ck_assert_str_eq(err.reason, "CD-TEXT of track 3: PERFORMER: byte 4 (0xE9) is neither "
			 "UTF-8 nor a printable ISO 8859-1 character");
	tl_assert_ok(image_toc_set_text(&toc, 3, IMAGE_TEXT_PERFORMER, "Caf\xc3\xa9"));
	/* one PERFORMER pack: album "", track 2 "", track 3 "Café"; then size information */
	ck_assert_int_eq(image_cdtext_build(&toc, packs[0], &err), 1 + 3);
	ck_assert_mem_eq(packs[0] + 4, "\0\0Caf\xe9", 7);
}
END_TEST

/* Packs read back: ISO 8859-1 becomes UTF-8; a block in MS-JIS gives no text at all. */
START_TEST(packs_parse_to_utf8)
{
	static struct image_toc toc, back;
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	bool have[CDTEXT_MAX_PACKS] = { false };
	int n;

	toc.first_track = back.first_track = 1;
	toc.last_track = back.last_track = 2;
	tl_assert_ok(image_toc_set_text(&toc, 0, IMAGE_TEXT_TITLE, "Caf\xc3\xa9 M\xc3\xbcller"));
	tl_assert_ok(image_toc_set_text(&toc, 2, IMAGE_TEXT_PERFORMER, E80));
	n = image_cdtext_build(&toc, packs[0], NULL);
	ck_assert_int_gt(n, 3);
	for (int i = 0; i < n; i++)
		have[i] = true;
	image_cdtext_parse((const uint8_t (*)[CDTEXT_PACK_SIZE])packs, have, &back);
	ck_assert_str_eq(image_toc_text(&back, 0, IMAGE_TEXT_TITLE), "Caf\xc3\xa9 M\xc3\xbcller");
	ck_assert_str_eq(image_toc_text(&back, 2, IMAGE_TEXT_PERFORMER), E80);
	memset(&back.text, 0, sizeof(back.text));
	packs[n - 3][4] = 0x80;		/* MS-JIS */
	image_cdtext_parse((const uint8_t (*)[CDTEXT_PACK_SIZE])packs, have, &back);
	ck_assert_str_eq(image_toc_text(&back, 0, IMAGE_TEXT_TITLE), "");
	ck_assert_str_eq(image_toc_text(&back, 2, IMAGE_TEXT_PERFORMER), "");
}
END_TEST

TL_SUITE(cue_suite, "cue",
	 TL_CASE("rippers", NULL, NULL),
	 TL_LOOP_EACH(cue_rows, cases),
	 TL_CASE("cd-text", NULL, NULL),
	 TL_LOOP_EACH(latin1_conversion, latin1_rows),
	 TL_RUN(packs_refuse_text_outside_latin1, packs_parse_to_utf8))

TL_MAIN(cue_suite)
