/*
 * Every CD-TEXT field (issue 11): a cue sheet's TITLE, PERFORMER,
 * SONGWRITER, COMPOSER, ARRANGER, MESSAGE, DISC_ID, GENRE, UPC_EAN and
 * ISRC are burned into the lead-in packs, read back by burnfs' decoder and
 * by libcdio, and written again by the cue writer; a CDTEXTFILE's packs
 * are burned as they are. Each refused input has its exact message.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-cdtext.h"
#include "image-cue.h"
#include "image-decoder.h"
#include "image-disc.h"
#include "image-encoder.h"
#include "subchannel.h"
#include "tl-harness.h"
#include "tl-image.h"

#define LEAD_IN 300
#define TRACK_BYTES (900 * 2352)

/* The tracks of the cue below, as the cue writer gives them back too. */
#define TWO_TRACKS \
	"  TRACK 01 AUDIO\n" \
	"    TITLE \"One\"\n" \
	"    PERFORMER \"P1\"\n" \
	"    SONGWRITER \"S1\"\n" \
	"    COMPOSER \"C1\"\n" \
	"    ARRANGER \"A1\"\n" \
	"    MESSAGE \"M1\"\n" \
	"    ISRC USABC2600001\n" \
	"    INDEX 01 00:00:00\n" \
	"  TRACK 02 AUDIO\n" \
	"    TITLE \"Two\"\n" \
	"    PERFORMER \"P2\"\n" \
	"    SONGWRITER \"S2\"\n" \
	"    COMPOSER \"C2\"\n" \
	"    ARRANGER \"A2\"\n" \
	"    MESSAGE \"M\xc3\xa9ssage 2\"\n" \
	"    ISRC USABC2600002\n" \
	"    INDEX 01 00:06:00\n"

/* Every field: the disc's, and each of two tracks' (GENRE from a REM, as EAC writes it). */
static const char all_fields_cue[] =
	"REM GENRE \"Hip-Hop\"\n"
	"CATALOG 0000000000000\n"
	"UPC_EAN 4006381333931\n"
	"TITLE \"Caf\xc3\xa9 Album\"\n"
	"PERFORMER \"Bj\xc3\xb6rk\"\n"
	"SONGWRITER \"Disc Writer\"\n"
	"COMPOSER \"Disc Composer\"\n"
	"ARRANGER \"Disc Arranger\"\n"
	"MESSAGE \"Thanks for listening\"\n"
	"DISC_ID \"XY-12345\"\n"
	"FILE \"a.bin\" BINARY\n"
	TWO_TRACKS;

/* What the cue writer gives for it: every field again, the genre from its text. */
static const char all_fields_written[] =
	"CATALOG 0000000000000\n"
	"PERFORMER \"Bj\xc3\xb6rk\"\n"
	"TITLE \"Caf\xc3\xa9 Album\"\n"
	"SONGWRITER \"Disc Writer\"\n"
	"COMPOSER \"Disc Composer\"\n"
	"ARRANGER \"Disc Arranger\"\n"
	"MESSAGE \"Thanks for listening\"\n"
	"DISC_ID \"XY-12345\"\n"
	"GENRE \"Hip-Hop\"\n"
	"UPC_EAN 4006381333931\n"
	"FILE \"disc.bin\" BINARY\n"
	TWO_TRACKS;

/* A folder with a.bin (400 sectors) and x.cue holding @cue; the folder, malloc'ed. */
static char *
make_cue(const char *cue)
{
	char *dir = tl_mkdtemp("cdtext"), *bin = tl_path(dir, "a.bin"), *path = tl_path(dir, "x.cue");
	uint8_t *zeros = calloc(1, TRACK_BYTES);

	ck_assert_ptr_nonnull(zeros);
	tl_write_file(bin, zeros, TRACK_BYTES);
	tl_write_text(path, cue);
	free(zeros);
	free(bin);
	free(path);
	return dir;
}

/* image_disc_open() of @dir's x.cue: its return, the disc in *@disc, the reason in @err. */
static int
open_cue(const char *dir, struct image_disc **disc, struct burn_error *err)
{
	char *path = tl_path(dir, "x.cue");
	const char *in = path;
	int ret = image_disc_open(disc, &in, 1, 0, err);

	free(path);
	return ret;
}

/*
 * Encodes @disc as @type and decodes it back: the decoder's TOC into *@got,
 * the lead-in's packs by sequence number into @packs; returns how many.
 */
static unsigned
burn_and_read(const struct image_disc *disc, enum cd_sector_type type, struct image_toc *got,
	      uint8_t (*packs)[CDTEXT_PACK_SIZE])
{
	struct image_sector *s = malloc(sizeof(*s));
	bool have[CDTEXT_MAX_PACKS] = { false };
	unsigned n = 0;
	struct image_encoder *enc;
	struct image_decoder *dec;
	struct burn_error err;
	uint8_t sector[2448];
	int ret;

	ck_assert_ptr_nonnull(s);
	ck_assert_msg(image_encoder_create(&enc, disc, type, LEAD_IN, &err) == 0, "%s", err.reason);
	tl_assert_ok(image_decoder_open(&dec, type, LEAD_IN, NULL));
	while ((ret = image_encoder_next_sector(enc, sector, &err)) == 1) {
		ck_assert_int_eq(image_decoder_feed(dec, sector, s), 0);
		ck_assert_msg(s->damage == 0, "LBA %d: damage %#x", s->lba, s->damage);
		for (unsigned k = 0; type == CD_SECTOR_RAW && s->lba < -150 && k < 4; k++) {
			uint8_t pack[CDTEXT_PACK_SIZE];

			if (image_cdtext_from_symbols(sector + 2352 + 24 * k, pack) &&
			    !have[pack[2]]) {
				memcpy(packs[pack[2]], pack, CDTEXT_PACK_SIZE);
				have[pack[2]] = true;
			}
		}
	}
	ck_assert_msg(ret == 0, "encoder: %s", err.reason);
	ck_assert(image_decoder_complete(dec));
	ck_assert_uint_eq(image_decoder_stats(dec)->cdtext_crc_errors, 0);
	*got = *image_decoder_toc(dec);
	while (n < CDTEXT_MAX_PACKS && have[n])
		n++;
	image_decoder_destroy(dec);
	image_encoder_destroy(enc);
	free(s);
	return n;
}

/* The cue writer's text for @toc, malloc'ed. */
static char *
written_cue(const struct image_toc *toc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	tl_assert_ok(image_toc_write_cue(f, "disc.bin", toc));
	fclose(f);
	return buf;
}

START_TEST(all_fields_burn_and_read_back)
{
	static const enum cd_sector_type types[] = { CD_SECTOR_RAW, CD_SECTOR_COOKED };
	static struct image_toc got;
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	char *dir = make_cue(all_fields_cue), *cue;
	const struct image_toc *toc;
	struct image_disc *disc;
	struct burn_error err;
	const char *const *lines;
	unsigned n;

	ck_assert_msg(open_cue(dir, &disc, &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(image_disc_warnings(disc, &lines), 0);
	toc = image_disc_toc(disc);
	ck_assert_str_eq(image_toc_text(toc, 0, IMAGE_TEXT_GENRE), "Hip-Hop");
	ck_assert_str_eq(image_toc_text(toc, 0, IMAGE_TEXT_CODE), "4006381333931");
	ck_assert_str_eq(image_toc_text(toc, 2, IMAGE_TEXT_MESSAGE), "M\xc3\xa9ssage 2");
	ck_assert_str_eq(image_toc_text(toc, 2, IMAGE_TEXT_CODE), "");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		n = burn_and_read(disc, types[i], &got, packs);
		tl_compare_toc(&got, toc);
		tl_compare_text(&got, toc);
		ck_assert_uint_eq(got.genre_code, 13);	/* Hip Hop */
		/* the packs carry the ISRCs as CD-TEXT too */
		ck_assert_str_eq(image_toc_text(&got, 2, IMAGE_TEXT_CODE), "USABC2600002");
		ck_assert(image_toc_text_is_q_code(&got, 2, IMAGE_TEXT_CODE));
		if (types[i] == CD_SECTOR_RAW) {
			/*
			 * TITLE 19 bytes, PERFORMER 12, SONGWRITER 18, COMPOSER 20,
			 * ARRANGER 20, MESSAGE 34, DISC_ID 9, GENRE 10, codes 40: in
			 * 2 + 1 + 2 + 2 + 2 + 3 + 1 + 1 + 4 packs, then size information
			 */
			ck_assert_uint_eq(n, 18 + 3);
			tl_check_cdtext_libcdio(toc, (const uint8_t (*)[18])packs, n);
		}
	}
	cue = written_cue(&got);
	ck_assert_str_eq(cue, all_fields_written);
	free(cue);
	image_disc_destroy(disc);
	tl_rmtree(dir);
	free(dir);
}
END_TEST

/* The disc's codes are what the sub-channel says unless UPC_EAN says otherwise. */
START_TEST(codes_follow_the_sub_channel)
{
	static struct image_toc got;
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	char *dir = make_cue("CATALOG 0123456789012\nTITLE \"T\"\nFILE \"a.bin\" BINARY\n"
			     "TRACK 01 AUDIO\nISRC GBAYE0000001\nINDEX 01 00:00:00\n"), *cue;
	struct image_disc *disc;
	struct burn_error err;

	ck_assert_msg(open_cue(dir, &disc, &err) == 0, "%s", err.reason);
	/* TITLE: "T", "" in one pack; the codes: 14 + 13 bytes in three */
	ck_assert_uint_eq(burn_and_read(disc, CD_SECTOR_RAW, &got, packs), 1 + 3 + 3);
	ck_assert_str_eq(image_toc_text(&got, 0, IMAGE_TEXT_CODE), "0123456789012");
	ck_assert_str_eq(image_toc_text(&got, 1, IMAGE_TEXT_CODE), "GBAYE0000001");
	ck_assert(image_toc_text_is_q_code(&got, 0, IMAGE_TEXT_CODE));
	cue = written_cue(&got);
	ck_assert_ptr_null(strstr(cue, "UPC_EAN"));
	ck_assert_ptr_null(strstr(cue, "REM"));
	free(cue);
	image_disc_destroy(disc);
	tl_rmtree(dir);
	free(dir);
}
END_TEST

/* Codes alone make no CD-TEXT: the sub-channel carries them. */
START_TEST(codes_alone_make_no_cdtext)
{
	static struct image_toc toc;
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];

	toc.first_track = toc.last_track = 1;
	memcpy(toc.mcn, "0123456789012", 14);
	memcpy(toc.track[1].isrc, "GBAYE0000001", 13);
	ck_assert_int_eq(image_cdtext_build(&toc, packs[0], NULL), 0);
	tl_assert_ok(image_toc_set_text(&toc, 0, IMAGE_TEXT_CODE, "4006381333931"));
	ck_assert_int_eq(image_cdtext_build(&toc, packs[0], NULL), 0);
}
END_TEST

static const struct {
	const char *text;
	unsigned code;
} genres[] = {
	{ "", 0 }, { "Rock", 23 }, { "rock music", 23 }, { "ROCK MUSIC", 23 }, { "Hip-Hop", 13 },
	{ "Hip Hop", 13 }, { "Pop", 20 }, { "Soundtrack", 26 }, { "World", 28 },
	{ "Children's Music", 4 }, { "Rhythm & Blues", 24 }, { "Classical", 5 },
	{ "Progressive Metal", 1 }, { "Not Used", 1 }, { "Musicals", 1 }, { "Music", 1 },
};

START_TEST(genre_codes)
{
	ck_assert_uint_eq(image_cdtext_genre_code(genres[_i].text), genres[_i].code);
}
END_TEST

START_TEST(genre_names)
{
	ck_assert_str_eq(image_cdtext_genre_name(23), "Rock Music");
	ck_assert_str_eq(image_cdtext_genre_name(28), "World Music");
	ck_assert_ptr_null(image_cdtext_genre_name(29));
}
END_TEST

/* A genre given by its code alone reads back as the code's name; the code is kept. */
START_TEST(genre_code_alone_reads_as_its_name)
{
	static struct image_toc toc, back;
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	bool have[CDTEXT_MAX_PACKS] = { false };
	int n;

	toc.first_track = back.first_track = 1;
	toc.last_track = back.last_track = 1;
	toc.genre_code = 7;
	n = image_cdtext_build(&toc, packs[0], NULL);
	ck_assert_int_eq(n, 1 + 3);
	ck_assert_mem_eq(packs[0] + 4, "\x00\x07\x00", 3);
	for (int i = 0; i < n; i++)
		have[i] = true;
	image_cdtext_parse((const uint8_t (*)[CDTEXT_PACK_SIZE])packs, have, &back);
	ck_assert_uint_eq(back.genre_code, 7);
	ck_assert_str_eq(image_toc_text(&back, 0, IMAGE_TEXT_GENRE), "Country");
}
END_TEST

/* The text pool: in place when the new text fits, -E2BIG when it is full. */
START_TEST(text_pool)
{
	static struct image_toc toc;
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	char big[IMAGE_TEXT_MAX + 1];
	unsigned used, stored = 0;
	int ret = 0;

	tl_assert_ok(image_toc_set_text(&toc, 5, IMAGE_TEXT_ARRANGER, "abcdef"));
	used = toc.text.used;
	tl_assert_ok(image_toc_set_text(&toc, 5, IMAGE_TEXT_ARRANGER, "xyz"));
	ck_assert_uint_eq(toc.text.used, used);
	ck_assert_str_eq(image_toc_text(&toc, 5, IMAGE_TEXT_ARRANGER), "xyz");
	tl_assert_ok(image_toc_set_text(&toc, 5, IMAGE_TEXT_ARRANGER, ""));
	ck_assert_str_eq(image_toc_text(&toc, 5, IMAGE_TEXT_ARRANGER), "");
	ck_assert_int_eq(image_toc_set_text(&toc, 100, IMAGE_TEXT_TITLE, "x"), -EINVAL);
	ck_assert_int_eq(image_toc_set_text(&toc, 1, IMAGE_TEXT_FIELDS, "x"), -EINVAL);
	ck_assert_str_eq(image_toc_text(&toc, 100, IMAGE_TEXT_TITLE), "");
	memset(big, 'a', IMAGE_TEXT_MAX);
	big[IMAGE_TEXT_MAX] = '\0';
	for (unsigned t = 0; t <= IMAGE_MAX_TRACKS && ret == 0; t++)
		for (unsigned f = 0; f < IMAGE_TEXT_FIELDS && ret == 0; f++)
			if ((ret = image_toc_set_text(&toc, t, (enum image_text_field)f, big)) == 0)
				stored++;
	ck_assert_int_eq(ret, -E2BIG);
	ck_assert_uint_eq(stored, (IMAGE_TEXT_POOL - used) / (IMAGE_TEXT_MAX + 1));
	/* more text than the packs hold is refused where they are built */
	toc.first_track = 1;
	toc.last_track = IMAGE_MAX_TRACKS;
	ck_assert_int_eq(image_cdtext_build(&toc, packs[0], NULL), -E2BIG);
}
END_TEST

/* Cue sheets refused for their CD-TEXT, with the exact reason ('@' is the folder). */
static const struct {
	const char *cue;
	int ret;
	const char *reason;
} refused[] = {
	{ "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nGENRE Rock\nINDEX 01 00:00:00\n", -EINVAL,
	  "@x.cue:3: GENRE is for the whole disc: give it before the first TRACK" },
	{ "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nDISC_ID X1\nINDEX 01 00:00:00\n", -EINVAL,
	  "@x.cue:3: DISC_ID is for the whole disc: give it before the first TRACK" },
	{ "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nUPC_EAN 4006381333931\nINDEX 01 00:00:00\n",
	  -EINVAL, "@x.cue:3: UPC_EAN is for the whole disc: give it before the first TRACK" },
	{ "UPC_EAN 12345\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n", -EINVAL,
	  "@x.cue:1: UPC_EAN '12345' is not 12 or 13 digits" },
	{ "UPC_EAN 40063813339X1\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n",
	  -EINVAL, "@x.cue:1: UPC_EAN '40063813339X1' is not 12 or 13 digits" },
	{ "COMPOSER\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n", -EINVAL,
	  "@x.cue:1: COMPOSER needs a value" },
	{ "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nSONGWRITER \"\xe6\x97\xa5\"\nINDEX 01 00:00:00\n",
	  -EINVAL, "@x.cue:3: SONGWRITER: character 1, U+65E5, has no ISO 8859-1 form; "
	  "CD-TEXT here is ISO 8859-1 only" },
	{ "CDTEXTFILE \"none.cdt\"\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n",
	  -ENOENT, "@x.cue:1: CDTEXTFILE @none.cdt: No such file or directory" },
	{ "CDTEXTFILE\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n", -EINVAL,
	  "@x.cue:1: CDTEXTFILE needs a file name" },
	{ "FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nCDTEXTFILE t.cdt\nINDEX 01 00:00:00\n", -EINVAL,
	  "@x.cue:3: CDTEXTFILE is for the whole disc: give it before the first TRACK" },
};

START_TEST(refused_cue_text)
{
	char *dir = make_cue(refused[_i].cue), *want = tl_with_dir(refused[_i].reason, dir);
	struct image_disc *disc = NULL;
	struct burn_error err;

	ck_assert_int_eq(open_cue(dir, &disc, &err), refused[_i].ret);
	ck_assert_uint_eq(err.result, refused[_i].ret == -EINVAL ? BURN_E_STREAM_NOT_SUPPORTED :
			  BURN_E_FAIL);
	ck_assert_str_eq(err.reason, want);
	ck_assert_ptr_null(disc);
	free(want);
	tl_rmtree(dir);
	free(dir);
}
END_TEST

/* The packs of a 2-track disc with a title each, and how many, into @packs. */
static int
two_track_packs(uint8_t (*packs)[CDTEXT_PACK_SIZE])
{
	static struct image_toc toc;

	memset(&toc, 0, sizeof(toc));
	toc.first_track = 1;
	toc.last_track = 2;
	tl_assert_ok(image_toc_set_text(&toc, 0, IMAGE_TEXT_TITLE, "From the file"));
	tl_assert_ok(image_toc_set_text(&toc, 1, IMAGE_TEXT_TITLE, "F1"));
	tl_assert_ok(image_toc_set_text(&toc, 2, IMAGE_TEXT_TITLE, "F2"));
	tl_assert_ok(image_toc_set_text(&toc, 0, IMAGE_TEXT_GENRE, "Jazz"));
	return image_cdtext_build(&toc, packs[0], NULL);
}

static void
fix_crc(uint8_t *pack)
{
	uint16_t crc = (uint16_t)~subq_crc16(pack, 16);

	pack[16] = (uint8_t)(crc >> 8);
	pack[17] = (uint8_t)crc;
}

static const char two_track_cue[] =
	"CDTEXTFILE \"t.cdt\"\nTITLE \"From the cue\"\nFILE \"a.bin\" BINARY\n"
	"TRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 01 00:06:00\n";

/*
 * CDTEXTFILE layouts accepted, each burned as it is: packs alone, READ TOC's
 * 4-byte header, and that header with a trailing NUL. The cue's own text is
 * not burned, with a warning; the TOC's text comes from the file.
 */
START_TEST(cdtext_file_burned_as_it_is)
{
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE], got[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	static uint8_t file[4 + sizeof(packs) + 1];
	static struct image_toc back;
	int n = two_track_packs(packs);
	char *dir = make_cue(two_track_cue), *path = tl_path(dir, "t.cdt"), *want;
	size_t len = 0, bytes = (size_t)n * CDTEXT_PACK_SIZE;
	const char *const *lines;
	const struct image_toc *toc;
	struct image_disc *disc;
	struct burn_error err;

	ck_assert_int_gt(n, 3);
	if (_i > 0) {
		file[0] = (uint8_t)((bytes + 2) >> 8);
		file[1] = (uint8_t)(bytes + 2);
		file[2] = file[3] = 0;
		len = 4;
	}
	memcpy(file + len, packs, bytes);
	len += bytes;
	if (_i == 2)
		file[len++] = 0;
	tl_write_file(path, file, len);
	ck_assert_msg(open_cue(dir, &disc, &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(image_disc_warnings(disc, &lines), 1);
	want = tl_with_dir("@x.cue:2: the cue sheet's CD-TEXT commands are not burned: CDTEXTFILE "
			   "(line 1) gives the disc's CD-TEXT", dir);
	ck_assert_str_eq(lines[0], want);
	toc = image_disc_toc(disc);
	ck_assert_str_eq(image_toc_text(toc, 0, IMAGE_TEXT_TITLE), "From the file");
	ck_assert_str_eq(image_toc_text(toc, 2, IMAGE_TEXT_TITLE), "F2");
	ck_assert_uint_eq(toc->genre_code, 14);
	ck_assert_uint_eq(burn_and_read(disc, CD_SECTOR_RAW, &back, got), (unsigned)n);
	ck_assert_mem_eq(got, packs, bytes);
	tl_compare_text(&back, toc);
	free(want);
	image_disc_destroy(disc);
	free(path);
	tl_rmtree(dir);
	free(dir);
}
END_TEST

/* A block in another character code is burned as it is, though burnfs reads no text from it. */
START_TEST(cdtext_file_in_ms_jis)
{
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE], got[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	static struct image_toc back;
	int n = two_track_packs(packs);
	char *dir = make_cue("CDTEXTFILE t.cdt\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\n"
			     "INDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 01 00:06:00\n");
	char *path = tl_path(dir, "t.cdt");
	struct image_disc *disc;
	struct burn_error err;

	packs[n - 3][4] = 0x80;		/* MS-JIS */
	fix_crc(packs[n - 3]);
	tl_write_file(path, packs[0], (size_t)n * CDTEXT_PACK_SIZE);
	ck_assert_msg(open_cue(dir, &disc, &err) == 0, "%s", err.reason);
	ck_assert_str_eq(image_toc_text(image_disc_toc(disc), 0, IMAGE_TEXT_TITLE), "");
	ck_assert_uint_eq(burn_and_read(disc, CD_SECTOR_RAW, &back, got), (unsigned)n);
	ck_assert_mem_eq(got, packs, (size_t)n * CDTEXT_PACK_SIZE);
	image_disc_destroy(disc);
	free(path);
	tl_rmtree(dir);
	free(dir);
}
END_TEST

/* CDTEXTFILEs refused: how each is spoilt, and the reason after "x.cue:1: CDTEXTFILE ". */
enum spoil { SHORT, BAD_CRC, BAD_TYPE, BAD_SEQUENCE, NO_SIZE_INFO, WRONG_TRACKS, BAD_HEADER };

static const struct {
	enum spoil how;
	const char *reason;
} bad_files[] = {
	{ SHORT, "CDTEXTFILE @t.cdt: 20 bytes are not a CD-TEXT file (18-byte packs, at most 256, "
		 "after an optional 4-byte header)" },
	{ BAD_CRC, "CDTEXTFILE @t.cdt: pack 1 is damaged (bad CRC)" },
	{ BAD_TYPE, "CDTEXTFILE @t.cdt: pack 1 is damaged (not a CD-TEXT pack type)" },
	{ BAD_SEQUENCE, "CDTEXTFILE @t.cdt: pack 1 has sequence number 9" },
	{ NO_SIZE_INFO, "CDTEXTFILE @t.cdt: no size information pack for block 0" },
	{ WRONG_TRACKS, "CDTEXTFILE's text is for tracks 1 to 2; the cue sheet has tracks 1 to 1" },
	{ BAD_HEADER, "CDTEXTFILE @t.cdt: 94 bytes are not a CD-TEXT file (18-byte packs, at most "
		      "256, after an optional 4-byte header)" },
};

START_TEST(cdtext_file_refused)
{
	static uint8_t packs[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	static uint8_t file[4 + sizeof(packs)];
	int n = two_track_packs(packs);
	char *dir = make_cue(bad_files[_i].how == WRONG_TRACKS ?
			     "CDTEXTFILE t.cdt\nFILE \"a.bin\" BINARY\nTRACK 01 AUDIO\n"
			     "INDEX 01 00:00:00\n" : two_track_cue);
	char *path = tl_path(dir, "t.cdt"), *want = tl_with_dir(bad_files[_i].reason, dir), *full;
	size_t len = (size_t)n * CDTEXT_PACK_SIZE;
	struct image_disc *disc = NULL;
	struct burn_error err;

	memcpy(file, packs, len);
	switch (bad_files[_i].how) {
	case SHORT:
		len = 20;
		break;
	case BAD_CRC:
		file[CDTEXT_PACK_SIZE + 5] ^= 1;
		break;
	case BAD_TYPE:
		file[CDTEXT_PACK_SIZE] = 0x70;
		fix_crc(file + CDTEXT_PACK_SIZE);
		break;
	case BAD_SEQUENCE:
		file[CDTEXT_PACK_SIZE + 2] = 9;
		fix_crc(file + CDTEXT_PACK_SIZE);
		break;
	case NO_SIZE_INFO:
		len -= 3 * CDTEXT_PACK_SIZE;
		break;
	case WRONG_TRACKS:
		break;
	case BAD_HEADER:
		/* a header whose length disagrees with the packs after it */
		memmove(file + 4, file, 5 * CDTEXT_PACK_SIZE);
		file[0] = 0;
		file[1] = 5 * CDTEXT_PACK_SIZE;
		file[2] = file[3] = 0;
		len = 4 + 5 * CDTEXT_PACK_SIZE;
		break;
	}
	tl_write_file(path, file, len);
	ck_assert_int_eq(open_cue(dir, &disc, &err), -EINVAL);
	ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_int_ge(asprintf(&full, "%s/x.cue:1: %s", dir, want), 0);
	ck_assert_str_eq(err.reason, full);
	ck_assert_ptr_null(disc);
	free(full);
	free(want);
	free(path);
	tl_rmtree(dir);
	free(dir);
}
END_TEST

TL_SUITE(cdtext_suite, "cdtext",
	 TL_CASE("fields", NULL, NULL),
	 TL_RUN(all_fields_burn_and_read_back, codes_follow_the_sub_channel,
		codes_alone_make_no_cdtext, genre_names, genre_code_alone_reads_as_its_name,
		text_pool),
	 TL_LOOP_EACH(genre_codes, genres),
	 TL_LOOP_EACH(refused_cue_text, refused),
	 TL_CASE("cdtextfile", NULL, NULL),
	 TL_LOOP(cdtext_file_burned_as_it_is, 0, 3),
	 TL_RUN(cdtext_file_in_ms_jis),
	 TL_LOOP_EACH(cdtext_file_refused, bad_files))

TL_MAIN(cdtext_suite)
