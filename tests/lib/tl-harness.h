/*
 * A thin layer over Check shared by every test binary: TAP output so meson
 * sees each case, temporary directories that clean up after themselves, and
 * asserts for the core's ">= 0 or -errno" convention.
 */
#pragma once

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * TL_SANITIZED is 1 in a build with AddressSanitizer (contrib/check.sh's
 * clang build), where every binary of the build, the daemon included, carries
 * shadow memory and a quarantine: figures such as a process's RSS mean
 * nothing there, so the tests that bound them skip only that bound.
 */
#if defined(__SANITIZE_ADDRESS__)
#define TL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TL_SANITIZED 1
#endif
#endif
#ifndef TL_SANITIZED
#define TL_SANITIZED 0
#endif

/* Runs @s with TAP on stdout and returns the process exit status. */
int tl_run_suite(Suite *s);

/* main(): @run (tl_run_suite or the like) of the suite @make_suite() builds. */
#define TL_MAIN_WITH(run, make_suite) \
	int \
	main(void) \
	{ \
		return run(make_suite()); \
	}
#define TL_MAIN(make_suite) TL_MAIN_WITH(tl_run_suite, make_suite)

/*
 * A test case @name added to @s, whose tests run between @setup and
 * @teardown (checked fixtures; either may be NULL).
 */
TCase *tl_tcase_in(Suite *s, const char *name, void (*setup)(void), void (*teardown)(void));

/* The START_TEST names @... as an array, and how many there are. */
#define TL_TEST_ARRAY(...) ((const TTest *const[]){ __VA_ARGS__ })
#define TL_TEST_COUNT(...) (sizeof(TL_TEST_ARRAY(__VA_ARGS__)) / sizeof(const TTest *))

/* Adds the tests @... (START_TEST names) to @tc in this order, as tcase_add_test() does. */
#define TL_TESTS(tc, ...) \
	tl_add_tests((tc), TL_TEST_ARRAY(__VA_ARGS__), TL_TEST_COUNT(__VA_ARGS__))
void tl_add_tests(TCase *tc, const TTest *const *tests, size_t n);

/*
 * ---- a test binary's suite as a table ----
 *
 * TL_SUITE(make_suite, "name", rows...) defines `static Suite *make_suite(void)`,
 * which builds the suite "name" from the rows in their order: a TL_CASE row
 * starts a test case, and the rows after it add tests to that case. The
 * tests run in the order of the table, as they would with the calls written
 * out. TL_MAIN(make_suite) (or the TL_MAIN_WITH() of a library) then makes
 * main(). For example
 *
 *	TL_SUITE(client_name_suite, "client_name",
 *		 TL_CASE("validate", NULL, NULL),
 *		 TL_LOOP(every_byte, 0, 256),
 *		 TL_RUN(lengths, newlines, messages))
 *
 *	TL_MAIN(client_name_suite)
 *
 * is
 *
 *	Suite *s = suite_create("client_name");
 *	TCase *tc = tl_tcase_in(s, "validate", NULL, NULL);
 *
 *	tcase_add_loop_test(tc, every_byte, 0, 256);
 *	TL_TESTS(tc, lengths, newlines, messages);
 *	return s;
 *
 * The rows:
 *   TL_CASE(name, setup, teardown)	a test case as tl_tcase_in() makes it
 *   TL_CASE_TIMEOUT(name, setup, teardown, seconds)
 *					the same with tcase_set_timeout(seconds)
 *   TL_RUN(test, ...)			tcase_add_test() of each test, in order
 *   TL_LOOP(test, from, to)		tcase_add_loop_test(): _i from @from to @to - 1
 *   TL_LOOP_EACH(test, array)		the same for each index of the array
 * A test row before the first TL_CASE row aborts the binary. A test that
 * builds a suite of its own can pass an array of rows to tl_suite().
 */
struct tl_row {
	/* a new test case of this name, or NULL: the row adds tests to the last one */
	const char *tcase;
	void (*setup)(void);
	void (*teardown)(void);
	double timeout;		/* seconds; 0 keeps Check's default */
	const TTest *const *tests;
	size_t n_tests;
	/* each test runs for _i from @start to @end - 1: a plain test 0 to 0, once */
	int start, end;
};

#define TL_CASE_TIMEOUT(name, setup_fn, teardown_fn, seconds) \
	{ .tcase = (name), .setup = (setup_fn), .teardown = (teardown_fn), .timeout = (seconds) }
#define TL_CASE(name, setup_fn, teardown_fn) TL_CASE_TIMEOUT(name, setup_fn, teardown_fn, 0)
#define TL_RUN(...) \
	{ .tests = TL_TEST_ARRAY(__VA_ARGS__), .n_tests = TL_TEST_COUNT(__VA_ARGS__), .end = 1 }
#define TL_LOOP(test, from, to) \
	{ .tests = TL_TEST_ARRAY(test), .n_tests = 1, .start = (from), .end = (to) }
#define TL_LOOP_EACH(test, array) TL_LOOP(test, 0, (int)(sizeof(array) / sizeof((array)[0])))

/*
 * The rows live on the stack of make_suite(): START_TEST names are
 * variables, not constants, so they cannot make a static table.
 */
#define TL_SUITE(make_suite, name, ...) \
	static Suite * \
	make_suite(void) \
	{ \
		const struct tl_row rows_[] = { __VA_ARGS__ }; \
		\
		return tl_suite((name), rows_, sizeof(rows_) / sizeof(rows_[0])); \
	}

/* The suite @name of the @n @rows, as TL_SUITE() describes them. */
Suite *tl_suite(const char *name, const struct tl_row *rows, size_t n);

/*
 * Creates a fresh directory under $TMPDIR (or /tmp) named after @tag and
 * returns it (static storage per call site is the caller's business: the
 * string is malloc'ed and owned by the caller). Aborts the test on failure.
 */
char *tl_mkdtemp(const char *tag);

/* rm -rf @path; errors are ignored (best-effort cleanup). */
void tl_rmtree(const char *path);

/* Sleeps @ms milliseconds, also through signals. */
void tl_sleep_ms(long ms);

/* ---- files ---- */

/* The whole file at @path, NUL-terminated (malloc'ed); its length in *@len unless NULL. */
uint8_t *tl_slurp(const char *path, size_t *len);

/* Writes @len bytes of @buf to @path. */
void tl_write_file(const char *path, const uint8_t *buf, size_t len);

/* Writes @sectors of 2352 bytes of noise to @path: the same bytes for the same @seed. */
void tl_write_noise(const char *path, unsigned sectors, uint32_t seed);

/* The files at @a and @b hold the same bytes (@b's 16-bit words swapped first if @swab). */
void tl_assert_files_equal(const char *a, const char *b, bool swab);

/* Writes @text to @path. */
void tl_write_text(const char *path, const char *text);

/* "%s/%s" in a new string. */
char *tl_path(const char *dir, const char *name);

/* @text with each '@' replaced by "@dir/" (expected messages naming files); malloc'ed. */
char *tl_with_dir(const char *text, const char *dir);

/*
 * A whole file as text, up to 8 KB, in one of four rotating static buffers;
 * *@err = errno or 0 (@err may be NULL). An unreadable file reads as "".
 */
char *tl_get_err(const char *path, int *err);
/* The same, asserting the file was read. */
char *tl_get(const char *path);
/* The same, never asserting: for logs that may not exist. */
char *tl_read(const char *path);

#define tl_assert_errno(expr, want_errno) \
	do { \
		int ck_r_ = (expr); \
		ck_assert_msg(ck_r_ == -(want_errno), \
			"%s returned %d (%s), expected -%s", #expr, ck_r_, \
			ck_r_ < 0 ? strerror(-ck_r_) : "success", #want_errno); \
	} while (0)

#define tl_assert_ok(expr) \
	do { \
		int ck_r_ = (expr); \
		ck_assert_msg(ck_r_ >= 0, "%s failed: %d (%s)", #expr, ck_r_, \
			ck_r_ < 0 ? strerror(-ck_r_) : ""); \
	} while (0)
