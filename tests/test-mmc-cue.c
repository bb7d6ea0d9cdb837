/*
 * core/mmc/mmc-cue: the SEND CUE SHEET parser. Good sheets are those the
 * tools were seen sending (cdrdao generic-mmc with CATALOG, ISRC and
 * pre-gaps; wodim and cdrskin -sao with a data track and with audio);
 * each bad sheet is refused with the sense a drive gives.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmc-cue.h"
#include "tl-harness.h"

#define E(...) { __VA_ARGS__ }
#define MAX_ENTRIES 16

struct sheet {
	const char *name;
	unsigned n;
	uint8_t e[MAX_ENTRIES][8];
};

/* cdrdao write --driver generic-mmc: CATALOG, ISRC on tracks 1 and 2, pre-gaps of 2 s and 1 s */
static const struct sheet cdrdao_audio = { "cdrdao audio", 14, {
	E(0x02, '0', '1', '2', '3', '4', '5', '6'), E(0x02, '7', '8', '9', '0', '1', '2', 0),
	E(0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0),
	E(0x03, 0x01, 'U', 'S', 'R', 'C', '1', '7'), E(0x03, 0x01, '6', '0', '7', '8', '3', '9'),
	E(0x01, 0x01, 0x00, 0x00, 0, 0, 0, 0), E(0x01, 0x01, 0x01, 0x00, 0, 0, 2, 0),
	E(0x03, 0x02, 'U', 'S', 'R', 'C', '1', '7'), E(0x03, 0x02, '6', '0', '7', '8', '4', '0'),
	E(0x01, 0x02, 0x00, 0x00, 0, 0, 7, 10), E(0x01, 0x02, 0x01, 0x00, 0, 0, 9, 10),
	E(0x01, 0x03, 0x00, 0x00, 0, 0, 14, 30), E(0x01, 0x03, 0x01, 0x00, 0, 0, 15, 30),
	E(0x01, 0xaa, 0x01, 0x01, 0, 0, 20, 60) } };

/* wodim -sao and cdrskin -sao of an ISO image */
static const struct sheet wodim_data = { "wodim data", 4, {
	E(0x41, 0x00, 0x00, 0x14, 0, 0, 0, 0), E(0x41, 0x01, 0x00, 0x10, 0, 0, 0, 0),
	E(0x41, 0x01, 0x01, 0x10, 0, 0, 2, 0), E(0x41, 0xaa, 0x01, 0x14, 0, 0, 23, 64) } };

/* cdrskin -sao -audio of three WAV files: no pre-gaps after the first */
static const struct sheet cdrskin_audio = { "cdrskin audio", 6, {
	E(0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0), E(0x01, 0x01, 0x00, 0x00, 0, 0, 0, 0),
	E(0x01, 0x01, 0x01, 0x00, 0, 0, 2, 0), E(0x01, 0x02, 0x01, 0x00, 0, 0, 7, 10),
	E(0x01, 0x03, 0x01, 0x00, 0, 0, 12, 30), E(0x01, 0xaa, 0x01, 0x01, 0, 0, 17, 60) } };

/* an audio track, then a data track whose pre-gap the drive makes, raw sub-channel in track 1 */
static const struct sheet mixed = { "mixed", 6, {
	E(0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0), E(0x01, 0x01, 0x00, 0xc0, 0x80, 0, 0, 0),
	E(0x01, 0x01, 0x01, 0xc0, 0x80, 0, 2, 0), E(0x41, 0x02, 0x00, 0x14, 0, 0, 7, 0),
	E(0x41, 0x02, 0x01, 0x11, 0, 0, 10, 0), E(0x41, 0xaa, 0x01, 0x14, 0, 0, 20, 0) } };

/*
 * cdrdao generic-mmc of a CD_ROM_XA toc, MODE2_FORM1 track (20h) with R-W
 * in packs (+40h): lead-in and lead-out 24h, the drive's
 */
static const struct sheet cdrdao_xa = { "cdrdao XA", 4, {
	E(0x41, 0x00, 0x00, 0x24, 0, 0, 0, 0), E(0x41, 0x01, 0x00, 0x60, 0, 0, 0, 0),
	E(0x41, 0x01, 0x01, 0x60, 0, 0, 2, 0), E(0x41, 0xaa, 0x01, 0x24, 0, 0, 6, 23) } };

/* cdrdao of a MODE2 (formless) track: 30h, lead-in and lead-out 34h; track 2's pre-gap 34h */
static const struct sheet cdrdao_mode2 = { "cdrdao Mode 2", 6, {
	E(0x41, 0x00, 0x00, 0x34, 0, 0, 0, 0), E(0x41, 0x01, 0x00, 0x30, 0, 0, 0, 0),
	E(0x41, 0x01, 0x01, 0x30, 0, 0, 2, 0), E(0x41, 0x02, 0x00, 0x34, 0, 0, 8, 0),
	E(0x41, 0x02, 0x01, 0x30, 0, 0, 10, 0), E(0x41, 0xaa, 0x01, 0x34, 0, 0, 20, 0) } };

START_TEST(good_sheets)
{
	static const struct {
		const struct sheet *s;
		unsigned first, last, points;
		int32_t leadout;
		const char *mcn, *isrc1, *isrc2;
	} t[] = {
		{ &cdrdao_audio, 1, 3, 8, 20 * 75 + 60 - 150, "0123456789012", "USRC17607839",
		  "USRC17607840" },
		{ &wodim_data, 1, 1, 4, 23 * 75 + 64 - 150, "", "", "" },
		{ &cdrskin_audio, 1, 3, 6, 17 * 75 + 60 - 150, "", "", "" },
		{ &mixed, 1, 2, 6, 20 * 75 - 150, "", "", "" },
		{ &cdrdao_xa, 1, 1, 4, 6 * 75 + 23 - 150, "", "", "" },
		{ &cdrdao_mode2, 1, 2, 6, 20 * 75 - 150, "", "", "" },
	};
	struct mmc_cue *cue = malloc(sizeof(*cue));
	struct mmc_sense_code sense;
	char why[128];

	ck_assert_ptr_nonnull(cue);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int ret = mmc_cue_parse(&t[i].s->e[0][0], t[i].s->n * 8, cue, &sense, why,
					sizeof(why));

		ck_assert_msg(ret == 0, "%s: %s", t[i].s->name, why);
		ck_assert_uint_eq(cue->first_track, t[i].first);
		ck_assert_uint_eq(cue->last_track, t[i].last);
		ck_assert_uint_eq(cue->n_points, t[i].points);
		ck_assert_int_eq(cue->leadout_lba, t[i].leadout);
		ck_assert_str_eq(cue->mcn, t[i].mcn);
		ck_assert_str_eq(cue->isrc[1], t[i].isrc1);
		ck_assert_str_eq(cue->isrc[2], t[i].isrc2);
		ck_assert_str_eq(cue->isrc[3], "");
		ck_assert_int_eq(cue->point[1].lba, -150);
		ck_assert_int_eq(cue->point[2].lba, 0);
	}
	/* where each LBA falls, and what the host sends there */
	ck_assert_int_eq(mmc_cue_parse(&mixed.e[0][0], mixed.n * 8, cue, &sense, NULL, 0), 0);
	ck_assert_int_eq(mmc_cue_point_of(cue, -151), -1);
	ck_assert_int_eq(mmc_cue_point_of(cue, -150), 1);
	ck_assert_int_eq(mmc_cue_point_of(cue, 374), 2);
	ck_assert_int_eq(mmc_cue_point_of(cue, 375), 3);
	ck_assert_int_eq(mmc_cue_point_of(cue, 1350), 5);
	ck_assert_uint_eq(mmc_cue_form_block_size(cue->point[1].form), 2352 + 96);
	ck_assert_uint_eq(mmc_cue_form_block_size(cue->point[3].form), 0);
	ck_assert_uint_eq(mmc_cue_form_block_size(cue->point[4].form), 2352);
	ck_assert_uint_eq(mmc_cue_form_block_size(MMC_CUE_FORM_MODE1), 2048);
	ck_assert(cue->point[1].copy);
	/* Mode 2: the 2336 bytes after the header, and sub-channel; nothing for 24h and 34h */
	ck_assert_int_eq(mmc_cue_parse(&cdrdao_xa.e[0][0], cdrdao_xa.n * 8, cue, &sense, NULL, 0),
			 0);
	ck_assert_uint_eq(mmc_cue_form_block_size(cue->point[0].form), 0);
	ck_assert_uint_eq(mmc_cue_form_block_size(cue->point[1].form), 2336 + 96);
	ck_assert_uint_eq(mmc_cue_form_block_size(cue->point[3].form), 0);
	ck_assert_int_eq(mmc_cue_parse(&cdrdao_mode2.e[0][0], cdrdao_mode2.n * 8, cue, &sense,
				       NULL, 0), 0);
	ck_assert_uint_eq(mmc_cue_form_block_size(cue->point[2].form), 2336);
	ck_assert_uint_eq(mmc_cue_form_block_size(cue->point[3].form), 0);
	ck_assert_uint_eq(mmc_cue_form_block_size(MMC_CUE_FORM_XA), 2336);
	ck_assert_uint_eq(mmc_cue_form_block_size(MMC_CUE_FORM_XA | MMC_CUE_SUB_RAW), 2336 + 96);
	free(cue);
}
END_TEST

/* Entry @k (0-based) of @base replaced by @with, or the sheet cut to @n entries. */
struct bad_case {
	const char *name;
	const struct sheet *base;
	int k;
	uint8_t with[8];
	unsigned n;		/* entries sent; 0: all */
	size_t extra;		/* bytes added past the entries (a length that is not whole) */
	struct mmc_sense_code sense;
	const char *why;
};

#define BAD_FIELD MMC_SENSE_INVALID_FIELD_IN_PARAMETER_LIST
#define BAD_LENGTH MMC_SENSE_PARAMETER_LIST_LENGTH_ERROR

static const struct bad_case bad_cases[] = {
	{ "empty", &wodim_data, -1, E(0), 0, 0, BAD_LENGTH, "not 1 to 480 whole entries" },
	{ "half entry", &wodim_data, -1, E(0), 0, 4, BAD_LENGTH, "whole entries" },
	{ "no lead-in", &wodim_data, 0, E(0x41, 0x01, 0x00, 0x10, 0, 0, 0, 0), 0, 0, BAD_FIELD,
	  "not the lead-in" },
	{ "lead-in asks for data", &wodim_data, 0, E(0x41, 0x00, 0x00, 0x10, 0, 0, 0, 0), 0, 0,
	  BAD_FIELD, "lead-in's data form 10h" },
	{ "unknown data form", &wodim_data, 2, E(0x41, 0x01, 0x01, 0x12, 0, 0, 2, 0), 0, 0,
	  BAD_FIELD, "data form 12h is not one" },
	/* wodim -sao -multi: FFh for its XA track, FCh for lead-in and lead-out; forms of no MMC */
	{ "wodim's XA track form", &wodim_data, 2, E(0x41, 0x01, 0x01, 0xff, 0, 0, 2, 0), 0, 0,
	  BAD_FIELD, "data form FFh is not one" },
	{ "wodim's XA lead-in form", &wodim_data, 0, E(0x41, 0x00, 0x00, 0xfc, 0, 0, 0, 0), 0, 0,
	  BAD_FIELD, "data form FCh is not one" },
	{ "raw XA form", &cdrdao_xa, 2, E(0x41, 0x01, 0x01, 0x21, 0, 0, 2, 0), 0, 0, BAD_FIELD,
	  "data form 21h is not one" },
	{ "raw Mode 2 form", &cdrdao_mode2, 2, E(0x41, 0x01, 0x01, 0x31, 0, 0, 2, 0), 0, 0,
	  BAD_FIELD, "data form 31h is not one" },
	{ "sub-channel on 24h", &cdrdao_xa, 3, E(0x41, 0xaa, 0x01, 0x64, 0, 0, 6, 23), 0, 0,
	  BAD_FIELD, "data form 64h is not one" },
	{ "sub-channel on 34h", &cdrdao_mode2, 0, E(0x41, 0x00, 0x00, 0xf4, 0, 0, 0, 0), 0, 0,
	  BAD_FIELD, "data form F4h is not one" },
	{ "XA lead-in asks for data", &cdrdao_xa, 0, E(0x41, 0x00, 0x00, 0x20, 0, 0, 0, 0), 0, 0,
	  BAD_FIELD, "lead-in's data form 20h asks the host for data" },
	{ "Mode 2 lead-out asks for data", &cdrdao_mode2, 5, E(0x41, 0xaa, 0x01, 0x30, 0, 0, 20, 0),
	  0, 0, BAD_FIELD, "lead-out's data form 30h asks the host for data" },
	{ "audio CTL, XA form", &cdrdao_xa, 1, E(0x01, 0x01, 0x00, 0x60, 0, 0, 0, 0), 0, 0,
	  BAD_FIELD, "CTL 0h and data form 60h disagree" },
	{ "audio CTL, Mode 2 form", &cdrdao_mode2, 4, E(0x01, 0x02, 0x01, 0x30, 0, 0, 10, 0), 0, 0,
	  BAD_FIELD, "CTL 0h and data form 30h disagree" },
	{ "XA, then Mode 2 at index 02", &cdrdao_xa, 3, E(0x41, 0x01, 0x02, 0x30, 0, 0, 4, 0), 0, 0,
	  BAD_FIELD, "data form of track 1 changes at index 2" },
	{ "sub-channel on generated", &wodim_data, 3, E(0x41, 0xaa, 0x01, 0xd4, 0, 0, 23, 64), 0,
	  0, BAD_FIELD, "data form D4h" },
	{ "bad SCMS", &wodim_data, 2, E(0x41, 0x01, 0x01, 0x10, 0x01, 0, 2, 0), 0, 0, BAD_FIELD,
	  "SCMS" },
	{ "not MSF", &wodim_data, 2, E(0x41, 0x01, 0x01, 0x10, 0, 0, 60, 0), 0, 0, BAD_FIELD,
	  "binary MSF" },
	{ "audio CTL, data form", &wodim_data, 2, E(0x01, 0x01, 0x01, 0x10, 0, 0, 2, 0), 0, 0,
	  BAD_FIELD, "disagree" },
	{ "no first pre-gap", &wodim_data, 1, E(0x41, 0x01, 0x01, 0x10, 0, 0, 0, 0), 0, 0,
	  BAD_FIELD, "pre-gap at 00:00:00" },
	{ "first pre-gap late", &wodim_data, 1, E(0x41, 0x01, 0x00, 0x10, 0, 0, 1, 0), 0, 0,
	  BAD_FIELD, "pre-gap at 00:00:00" },
	{ "track skipped", &cdrskin_audio, 4, E(0x01, 0x04, 0x01, 0x00, 0, 0, 12, 30), 0, 0,
	  BAD_FIELD, "track 04h does not follow track 02h" },
	{ "index skipped", &wodim_data, 2, E(0x41, 0x01, 0x02, 0x10, 0, 0, 2, 0), 0, 0, BAD_FIELD,
	  "index 02h of track 1" },
	{ "address backwards", &cdrskin_audio, 4, E(0x01, 0x03, 0x01, 0x00, 0, 0, 7, 10), 0, 0,
	  BAD_FIELD, "not after" },
	{ "CTL changes", &cdrdao_audio, 10, E(0x21, 0x02, 0x01, 0x00, 0, 0, 9, 10), 0, 0,
	  BAD_FIELD, "CTL of track 2" },
	{ "no lead-out", &wodim_data, -1, E(0), 3, 0, BAD_FIELD, "no lead-out" },
	{ "lead-out index", &wodim_data, 3, E(0x41, 0xaa, 0x00, 0x14, 0, 0, 23, 64), 0, 0,
	  BAD_FIELD, "lead-out's index" },
	{ "lead-out asks for data", &wodim_data, 3, E(0x41, 0xaa, 0x01, 0x10, 0, 0, 23, 64), 0, 0,
	  BAD_FIELD, "lead-out's data form" },
	{ "ADR 5", &wodim_data, 2, E(0x45, 0x01, 0x01, 0x10, 0, 0, 2, 0), 0, 0, BAD_FIELD,
	  "ADR 5" },
	{ "MCN not digits", &cdrdao_audio, 0, E(0x02, '0', '1', '2', 'X', '4', '5', '6'), 0, 0,
	  BAD_FIELD, "13 digits" },
	{ "MCN alone", &cdrdao_audio, 1, E(0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0), 0, 0, BAD_FIELD,
	  "pair of ADR 2" },
	{ "ISRC bad", &cdrdao_audio, 3, E(0x03, 0x01, 'U', 'S', 'R', 'C', '1', 'x'), 0, 0,
	  BAD_FIELD, "not CCOOOYYSSSSS" },
	/* fuzz-mmc-cue's finding: the reason showed the sheet's bytes as they were */
	{ "ISRC unprintable", &cdrdao_audio, 3, E(0x03, 0x01, 'U', 0xb3, 'R', 'C', '1', '7'), 0, 0,
	  BAD_FIELD, "ISRC \"U?RC17607839\" is not" },
	{ "ISRC of another track", &cdrdao_audio, 4, E(0x03, 0x02, '6', '0', '7', '8', '3', '9'),
	  0, 0, BAD_FIELD, "pair of ADR 3" },
	{ "ISRC after its track", &cdrdao_audio, 7, E(0x03, 0x01, 'U', 'S', 'R', 'C', '1', '7'), 0,
	  0, BAD_FIELD, "pair of ADR 3" },
};

START_TEST(bad_sheets)
{
	const struct bad_case *c = &bad_cases[_i];
	uint8_t buf[MAX_ENTRIES * 8 + 8] = { 0 };
	struct mmc_cue *cue = malloc(sizeof(*cue));
	struct mmc_sense_code sense;
	size_t n = (c->n ? c->n : c->base->n) * 8 + c->extra;
	char why[160];

	ck_assert_ptr_nonnull(cue);
	if (strcmp(c->name, "empty") == 0)
		n = 0;
	memcpy(buf, c->base->e, c->base->n * 8);
	if (c->k >= 0)
		memcpy(buf + c->k * 8, c->with, 8);
	ck_assert_int_eq(mmc_cue_parse(buf, n, cue, &sense, why, sizeof(why)), -EINVAL);
	ck_assert_msg(sense.key == c->sense.key && sense.asc == c->sense.asc &&
		      sense.ascq == c->sense.ascq, "%s: sense %X/%02X/%02X", c->name, sense.key,
		      sense.asc, sense.ascq);
	ck_assert_msg(strstr(why, c->why), "%s: \"%s\" lacks \"%s\"", c->name, why, c->why);
	free(cue);
}
END_TEST

START_TEST(send_cue_sheet_cdb)
{
	static const uint8_t want[10] = { 0x5d, 0, 0, 0, 0, 0, 0x00, 0x01, 0x70, 0 };
	uint8_t sheet[368] = { 0 };
	struct mmc_cmd cmd;

	mmc_build_send_cue_sheet(&cmd, sheet, sizeof(sheet));
	ck_assert_uint_eq(cmd.cdb_len, 10);
	ck_assert_mem_eq(cmd.cdb, want, sizeof(want));
	ck_assert_int_eq(cmd.dir, MMC_DIR_OUT);
	ck_assert_uint_eq(cmd.len, sizeof(sheet));
}
END_TEST

static Suite *
mmc_cue_suite(void)
{
	Suite *s = suite_create("mmc-cue");
	TCase *tc = tl_tcase_in(s, "parse", NULL, NULL);

	TL_TESTS(tc, good_sheets, send_cue_sheet_cdb);
	tcase_add_loop_test(tc, bad_sheets, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	return s;
}

TL_MAIN(mmc_cue_suite)
