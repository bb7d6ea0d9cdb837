/*
 * The test library's own asserts, tested: each inner case below runs alone
 * in a Check runner of its own (forked, silent) and must pass, or fail
 * with the message the library promises. An assert that never fails would
 * make every suite that uses it pass whatever the code does.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmc.h"
#include "tl-emu.h"
#include "tl-harness.h"

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

/*
 * Runs @s in a Check runner of its own and returns the runner (the caller
 * frees it): forked whatever CK_FORK says, so that a failure does not
 * unwind into the calling test.
 */
static SRunner *
run_forked(Suite *s)
{
	SRunner *sr = srunner_create(s);

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	return sr;
}

START_TEST(inner_case)
{
	const struct inner *in = &inner[_i];
	const struct tl_row rows[] = {
		TL_CASE(in->name, tl_emu_setup, tl_emu_teardown),
		TL_RUN(*in->test),
	};
	SRunner *sr = run_forked(tl_suite("inner", rows, 2));
	TestResult **res;

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

/*
 * ---- TL_SUITE ----
 * The inner tests below write what ran to a log, so that the order of the
 * table, the fixtures and the loop indexes can be read back afterwards: the
 * tests run in children, whose memory the runner does not see.
 */

static char *table_log;

static void
log_word(const char *word, int i)
{
	FILE *f = fopen(table_log, "a");

	ck_assert_ptr_nonnull(f);
	if (i < 0)
		fprintf(f, "%s ", word);
	else
		fprintf(f, "%s%d ", word, i);
	ck_assert_int_eq(fclose(f), 0);
}

static void
table_setup(void)
{
	log_word("setup", -1);
}

static void
table_teardown(void)
{
	log_word("teardown", -1);
}

START_TEST(table_a)
{
	log_word("a", _i);
}
END_TEST

START_TEST(table_b)
{
	log_word("b", _i);
}
END_TEST

START_TEST(table_loop)
{
	log_word("loop", _i);
}
END_TEST

/*
 * Outlives the 5 s of its case, unless that timeout was not applied (then
 * CK_DEFAULT_TIMEOUT ends it with another outcome). Not shorter: Check's
 * timer that fires while a child is still starting (slow under valgrind on
 * a loaded machine) can cut the child's message to the runner in half.
 */
START_TEST(table_slow)
{
	tl_sleep_ms(120000);
}
END_TEST

/* A test row before any case is refused when the suite is built. */
START_TEST(table_without_case)
{
	const struct tl_row rows[] = { TL_RUN(table_a) };

	tl_suite("bad", rows, 1);
}
END_TEST

TL_SUITE(table_suite, "table",
	 TL_CASE("fixture", table_setup, table_teardown),
	 TL_RUN(table_a, table_b),
	 TL_LOOP(table_loop, 2, 4),
	 TL_RUN(table_a),
	 TL_CASE("bare", NULL, NULL),
	 TL_LOOP(table_loop, 0, 3),
	 TL_CASE_TIMEOUT("slow", NULL, NULL, 5),
	 TL_RUN(table_slow),
	 TL_CASE("bad", NULL, NULL),
	 TL_RUN(table_without_case))

/* What table_suite must give: @n tests in a row of case @tcase end with @type and @msg. */
static const struct {
	const char *tcase;
	int n;
	enum test_result type;
	const char *msg;
} table_want[] = {
	{ "fixture", 5, CK_PASS, "Passed" },
	{ "bare", 3, CK_PASS, "Passed" },
	{ "slow", 1, CK_ERROR, "Test timeout expired" },
	{ "bad", 1, CK_ERROR, "Received signal 6 (Aborted)" },
};

START_TEST(suite_table)
{
	char *dir = tl_mkdtemp("test-lib");
	TestResult **res, **r;
	SRunner *sr;

	table_log = tl_path(dir, "log");
	tl_write_text(table_log, "");
	sr = run_forked(table_suite());
	ck_assert_int_eq(srunner_ntests_run(sr), 10);
	res = srunner_results(sr);
	ck_assert_ptr_nonnull(res);
	r = res;
	for (size_t i = 0; i < sizeof(table_want) / sizeof(table_want[0]); i++) {
		for (int k = 0; k < table_want[i].n; k++, r++) {
			ck_assert_str_eq(tr_tcname(*r), table_want[i].tcase);
			ck_assert_str_eq(tr_msg(*r), table_want[i].msg);
			ck_assert_int_eq(tr_rtype(*r), table_want[i].type);
		}
	}
	ck_assert_str_eq(tl_get(table_log),
			 "setup a0 teardown setup b0 teardown setup loop2 teardown "
			 "setup loop3 teardown setup a0 teardown loop0 loop1 loop2 ");
	free(res);
	srunner_free(sr);
	free(table_log);
	tl_rmtree(dir);
	free(dir);
}
END_TEST

TL_SUITE(lib_suite, "lib",
	 TL_CASE_TIMEOUT("asserts", NULL, NULL, 600),
	 TL_LOOP_EACH(inner_case, inner),
	 TL_CASE("suite", NULL, NULL),
	 TL_RUN(suite_table))

TL_MAIN(lib_suite)
