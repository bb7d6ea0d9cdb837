/*
 * A thin layer over Check shared by every test binary: TAP output so meson
 * sees each case, temporary directories that clean up after themselves, and
 * asserts for the core's ">= 0 or -errno" convention.
 */
#pragma once

#include <check.h>
#include <errno.h>
#include <string.h>

/* Runs @s with TAP on stdout and returns the process exit status. */
int test_run_suite(Suite *s);

/*
 * Creates a fresh directory under $TMPDIR (or /tmp) named after @tag and
 * returns it (static storage per call site is the caller's business: the
 * string is malloc'ed and owned by the caller). Aborts the test on failure.
 */
char *test_mkdtemp(const char *tag);

/* rm -rf @path; errors are ignored (best-effort cleanup). */
void test_rmtree(const char *path);

#define ck_assert_errno(expr, want_errno) \
	do { \
		int ck_r_ = (expr); \
		ck_assert_msg(ck_r_ == -(want_errno), \
			"%s returned %d (%s), expected -%s", #expr, ck_r_, \
			ck_r_ < 0 ? strerror(-ck_r_) : "success", #want_errno); \
	} while (0)

#define ck_assert_ok(expr) \
	do { \
		int ck_r_ = (expr); \
		ck_assert_msg(ck_r_ >= 0, "%s failed: %d (%s)", #expr, ck_r_, \
			ck_r_ < 0 ? strerror(-ck_r_) : ""); \
	} while (0)
