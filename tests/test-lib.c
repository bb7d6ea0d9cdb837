/*
 * The test library's own asserts, tested: each inner case below runs alone
 * in a Check runner of its own (forked, silent) and must pass, or fail
 * with the message the library promises. An assert that never fails would
 * make every suite that uses it pass whatever the code does.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmc.h"
#include "tl-emu.h"
#include "tl-harness.h"
#include "tl-image.h"

static int calls;

/* @ret, counting how often it was evaluated. */
static int
counted(int ret)
{
	calls++;
	return ret;
}

START_TEST(errno_matches)
{
	tl_assert_errno(counted(-ENOENT), ENOENT);
	ck_assert_int_eq(calls, 1);	/* the expression is evaluated once */
}
END_TEST

START_TEST(errno_other)
{
	tl_assert_errno(-EIO, ENOENT);
}
END_TEST

START_TEST(errno_success)
{
	tl_assert_errno(counted(0), EBUSY);
}
END_TEST

START_TEST(ok_zero_and_positive)
{
	tl_assert_ok(counted(0));
	tl_assert_ok(counted(7));
	ck_assert_int_eq(calls, 2);
}
END_TEST

START_TEST(ok_negative)
{
	tl_assert_ok(-EACCES);
}
END_TEST

START_TEST(get_missing)
{
	tl_get("/nonexistent/burnfs-test-lib");
}
END_TEST

START_TEST(read_missing)
{
	ck_assert_str_eq(tl_read("/nonexistent/burnfs-test-lib"), "");
}
END_TEST

/* TEST UNIT READY on a drive with @media; @key, @asc, @ascq expected by tl_expect(). */
static void
tur_expect(const char *media, uint8_t key, uint8_t asc, uint8_t ascq)
{
	struct emu_drive *d = tl_emu_open(media);
	struct mmc_cmd cmd;

	mmc_build_test_unit_ready(&cmd);
	tl_expect(d, &cmd, key, asc, ascq);
	emu_drive_close(d);
}

START_TEST(expect_good)
{
	struct emu_drive *d = tl_emu_open("cdr80");
	struct mmc_cmd cmd;

	mmc_build_test_unit_ready(&cmd);
	tl_good(d, &cmd);
	emu_drive_close(d);
}
END_TEST

START_TEST(expect_sense)
{
	tur_expect("none", 2, 0x3a, 0x01);
}
END_TEST

START_TEST(good_but_sense)
{
	struct emu_drive *d = tl_emu_open("none");
	struct mmc_cmd cmd;

	mmc_build_test_unit_ready(&cmd);
	tl_good(d, &cmd);
}
END_TEST

START_TEST(expect_but_good)
{
	tur_expect("cdr80", 5, 0x24, 0);
}
END_TEST

START_TEST(expect_other_sense)
{
	tur_expect("none", 2, 0x04, 0x01);
}
END_TEST

/* An inner case, and what running it alone must give: NULL = it passes. */
static const struct inner {
	const char *name;
	const TTest *const *test;
	const char *fails_with;
} inner[] = {
	{ "errno_matches", &errno_matches, NULL },
	{ "errno_other", &errno_other,
	  "-EIO returned -5 (Input/output error), expected -ENOENT" },
	{ "errno_success", &errno_success, "counted(0) returned 0 (success), expected -EBUSY" },
	{ "ok_zero_and_positive", &ok_zero_and_positive, NULL },
	{ "ok_negative", &ok_negative, "-EACCES failed: -13 (Permission denied)" },
	{ "get_missing", &get_missing,
	  "reading /nonexistent/burnfs-test-lib: No such file or directory" },
	{ "read_missing", &read_missing, NULL },
	{ "expect_good", &expect_good, NULL },
	{ "expect_sense", &expect_sense, NULL },
	{ "good_but_sense", &good_but_sense, "opcode 00h: sense 2/3A/01" },
	{ "expect_but_good", &expect_but_good, "opcode 00h: GOOD, expected 5/24/00" },
	{ "expect_other_sense", &expect_other_sense,
	  "opcode 00h: sense 2/3A/01, expected 2/04/01" },
};

START_TEST(inner_case)
{
	const struct inner *in = &inner[_i];
	Suite *s = suite_create("inner");
	TCase *tc = tcase_create(in->name);
	SRunner *sr;
	TestResult **res;

	tcase_add_checked_fixture(tc, tl_emu_setup, tl_emu_teardown);
	tcase_add_test(tc, *in->test);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* forked whatever CK_FORK says: a failure must not unwind into this test */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	ck_assert_int_eq(srunner_ntests_run(sr), 1);
	res = srunner_results(sr);
	ck_assert_ptr_nonnull(res);
	if (!in->fails_with) {
		ck_assert_msg(tr_rtype(res[0]) == CK_PASS, "%s failed: %s", in->name,
			      tr_msg(res[0]));
	} else {
		ck_assert_msg(tr_rtype(res[0]) == CK_FAILURE, "%s passed (or erred: %s)", in->name,
			      tr_msg(res[0]));
		ck_assert_str_eq(tr_msg(res[0]), in->fails_with);
	}
	free(res);
	srunner_free(sr);
}
END_TEST

static Suite *
lib_suite(void)
{
	Suite *s = suite_create("lib");

	tcase_add_loop_test(tl_tcase(s, "asserts"), inner_case, 0,
			    (int)(sizeof(inner) / sizeof(inner[0])));
	return s;
}

TL_MAIN(lib_suite)
