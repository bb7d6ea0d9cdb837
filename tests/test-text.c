/*
 * Text from outside (a disc's CD-TEXT, a path, another program's name)
 * reaches users as one line of printable text (issue 8, point 3): the
 * reason escaper and the cue writer; and the mount's words added to the
 * writer's reasons.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hints.h"
#include "image-cue.h"
#include "rawcd-types.h"
#include "result.h"
#include "tl-harness.h"

static const struct {
	const char *in;
	const char *out;
} escapes[] = {
	{ "plain text, 1-2", "plain text, 1-2" },
	{ "a\nb", "a\\x0ab" },
	{ "\033[31mred\033[0m", "\\x1b[31mred\\x1b[0m" },
	{ "bell\a tab\t del\x7f", "bell\\x07 tab\\x09 del\\x7f" },
	{ "caf\xc3\xa9", "caf\\xc3\\xa9" },
	{ "already \\x1b escaped", "already \\x1b escaped" },	/* escaping twice changes nothing */
	{ "", "" },
};

START_TEST(printable_escapes)
{
	char out[128];

	ck_assert_uint_eq(burn_text_printable(out, sizeof(out), escapes[_i].in),
			  strlen(escapes[_i].out));
	ck_assert_str_eq(out, escapes[_i].out);
}
END_TEST

/* Cut at a whole escape, never in the middle of one. */
START_TEST(printable_truncates_whole)
{
	char out[6];

	ck_assert_uint_eq(burn_text_printable(out, sizeof(out), "ab\ncd"), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(burn_text_printable(out, sizeof(out), "abcdefgh"), 5);
	ck_assert_str_eq(out, "abcde");
}
END_TEST

START_TEST(reasons_are_one_line)
{
	struct burn_error e;

	ck_assert_int_eq(burn_error_set(&e, BURN_E_FAIL, "disc says %s", "A\nFILE x BINARY\r"), -EIO);
	ck_assert_str_eq(e.reason, "disc says A\\x0aFILE x BINARY\\x0d");
}
END_TEST

/* The cue sheet of a one-track audio disc with @title, @isrc; malloc'ed. */
static char *
cue_of(const char *title, const char *isrc, const char *bin, int *ret)
{
	static struct image_toc toc;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(&toc, 0, sizeof(toc));
	toc.first_track = toc.last_track = 1;
	toc.leadout_lba = 1000;
	toc.track[1].start_lba = 0;
	toc.track[1].end_lba = 1000;
	toc.track[1].index_count = 1;
	tl_assert_ok(image_toc_set_text(&toc, 1, IMAGE_TEXT_TITLE, title));
	snprintf(toc.track[1].isrc, sizeof(toc.track[1].isrc), "%s", isrc);
	tl_assert_ok(image_toc_set_text(&toc, 0, IMAGE_TEXT_TITLE, title));
	ck_assert_ptr_nonnull(f);
	*ret = image_toc_write_cue(f, bin, &toc);
	fclose(f);
	return buf;
}

START_TEST(cue_leaves_out_control_characters)
{
	int ret;
	char *cue = cue_of("A\nFILE evil.bin BINARY", "USABC1234567", "disc.bin", &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_str_eq(cue,
			 "REM TITLE left out: the disc's text holds control characters a cue sheet cannot carry\n"
			 "FILE \"disc.bin\" BINARY\n"
			 "  TRACK 01 AUDIO\n"
			 "    REM TITLE left out: the disc's text holds control characters a cue sheet cannot carry\n"
			 "    ISRC USABC1234567\n"
			 "    INDEX 01 00:00:00\n");
	free(cue);
}
END_TEST

START_TEST(cue_quotes_and_codes)
{
	int ret;
	char *cue = cue_of("Say \"hi\" caf\xc3\xa9", "US-BC\n234567", "disc.bin", &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_ptr_nonnull(strstr(cue, "TITLE \"Say 'hi' caf\xc3\xa9\"\n"));
	ck_assert_ptr_nonnull(strstr(cue, "    REM ISRC left out: the disc's code is not made of digits and letters\n"));
	ck_assert_ptr_null(strstr(cue, "ISRC US"));
	free(cue);
	cue = cue_of("T", "", "a\"b.bin", &ret);
	ck_assert_int_eq(ret, -EINVAL);
	free(cue);
	cue = cue_of("T", "", "a\nb.bin", &ret);
	ck_assert_int_eq(ret, -EINVAL);
	free(cue);
}
END_TEST

/*
 * core/ names no file of the mount; fs/ adds the mount's words to the
 * writer's reasons, so last_error reads as it always did.
 */
static const struct {
	enum burn_result result;
	const char *core;
	const char *shown;
} worded[] = {
	{ BURN_E_REQUEST_CANCELLED, RAWCD_WHY_CANCELLED,
	  "the write was cancelled (ctl cancel, or a stop request to the daemon)" },
	{ BURN_E_MEDIA_IS_NOT_PREPARED, RAWCD_WHY_NOT_PREPARED,
	  "the media is not prepared; open track.raw or write prepare to ctl first" },
	{ BURN_E_CLIENT_NAME_IS_NOT_VALID, RAWCD_WHY_NO_CLIENT_NAME,
	  "no client name is set; write one to client_name first" },
	{ BURN_E_MEDIA_IS_NOT_BLANK,
	  "the cdrw is not blank (it holds a closed session)" RAWCD_WHY_BLANK_FIRST,
	  "the cdrw is not blank (it holds a closed session); blank it first with: echo blank > ctl" },
	/* properties by their files */
	{ BURN_E_WRITE_IN_PROGRESS, RAWCD_NAME_SECTOR_TYPE " cannot change while a write is in progress",
	  "sector_type cannot change while a write is in progress" },
	{ BURN_E_WRITE_IN_PROGRESS, RAWCD_NAME_WRITE_SPEED " cannot change while a write is in progress",
	  "write_speed cannot change while a write is in progress" },
	{ BURN_E_WRITE_IN_PROGRESS, RAWCD_NAME_PURE_CAV " cannot change while a write is in progress",
	  "pure_cav cannot change while a write is in progress" },
	{ BURN_E_WRITE_IN_PROGRESS, RAWCD_NAME_BUFE_DISABLED " cannot change while a write is in progress",
	  "buffer_underrun_free_disabled cannot change while a write is in progress" },
	{ BURN_E_WRITE_IN_PROGRESS, RAWCD_NAME_SIMULATE " cannot change while a write is in progress",
	  "simulate cannot change while a write is in progress" },
	{ BURN_E_WRITE_IN_PROGRESS, RAWCD_NAME_LEAD_IN " cannot change while a write is in progress",
	  "lead_in_sectors cannot change while a write is in progress" },
	{ BURN_E_STREAM_LEADIN_TOO_SHORT, RAWCD_NAME_LEAD_IN " is 100 but this disc's lead-in starts at LBA -11634 (97:26:66): at least 11634 are needed",
	  "lead_in_sectors is 100 but this disc's lead-in starts at LBA -11634 (97:26:66): at least 11634 are needed" },
	{ BURN_E_WRITE_IN_PROGRESS, "the client name cannot change while a write is in progress",
	  "the client name cannot change while a write is in progress" },
	/* anything else is left as it is */
	{ BURN_E_STREAM_NOT_SUPPORTED, RAWCD_NAME_SECTOR_TYPE " x", RAWCD_NAME_SECTOR_TYPE " x" },
	{ BURN_E_WRITE_IN_PROGRESS, RAWCD_NAME_SIMULATE "d", RAWCD_NAME_SIMULATE "d" },
	{ BURN_E_MEDIA_IS_NOT_BLANK, "the cdr is not blank (it holds a closed session)",
	  "the cdr is not blank (it holds a closed session)" },
	{ BURN_E_MEDIA_IS_NOT_PREPARED, "the media is not prepared; nothing to release",
	  "the media is not prepared; nothing to release" },
	{ BURN_E_WRITE_IN_PROGRESS, RAWCD_WHY_CANCELLED, RAWCD_WHY_CANCELLED },
	{ BURN_E_REQUEST_CANCELLED, "disc.iso: the burn job was cancelled",
	  "disc.iso: the burn job was cancelled" },
};

START_TEST(mount_words)
{
	struct burn_error e;

	burn_error_set(&e, worded[_i].result, "%s", worded[_i].core);
	ck_assert_ptr_null(strstr(worded[_i].core, "ctl"));
	ck_assert_ptr_null(strstr(worded[_i].core, "client_name"));
	ck_assert_ptr_null(strstr(worded[_i].core, "sector_type"));
	ck_assert_ptr_null(strstr(worded[_i].core, "lead_in_sectors"));
	fs_hints_add(&e);
	ck_assert_str_eq(e.reason, worded[_i].shown);
	ck_assert_int_eq(e.result, worded[_i].result);
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tl_tcase_in(s, "text", NULL, NULL);

	tcase_add_loop_test(tc, printable_escapes, 0, (int)(sizeof(escapes) / sizeof(escapes[0])));
	TL_TESTS(tc, printable_truncates_whole, reasons_are_one_line,
		 cue_leaves_out_control_characters, cue_quotes_and_codes);
	tcase_add_loop_test(tc, mount_words, 0, (int)(sizeof(worded) / sizeof(worded[0])));
	return s;
}

TL_MAIN(text_suite)
