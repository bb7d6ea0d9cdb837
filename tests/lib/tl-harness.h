/*
 * A thin layer over Check shared by every test binary: TAP output so meson
 * sees each case, temporary directories that clean up after themselves, and
 * asserts for the core's ">= 0 or -errno" convention.
 */
#pragma once

#include <check.h>
#include <errno.h>
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

/* Adds the tests @... (START_TEST names) to @tc in this order, as tcase_add_test() does. */
#define TL_TESTS(tc, ...) \
	tl_add_tests((tc), (const TTest *const[]){ __VA_ARGS__ }, \
		     sizeof((const TTest *const[]){ __VA_ARGS__ }) / sizeof(const TTest *))
void tl_add_tests(TCase *tc, const TTest *const *tests, size_t n);

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

/* Writes @text to @path. */
void tl_write_text(const char *path, const char *text);

/* "%s/%s" in a new string. */
char *tl_path(const char *dir, const char *name);

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
