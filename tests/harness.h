/*
 * A thin layer over Check shared by every test binary: TAP output so meson
 * sees each case, temporary directories that clean up after themselves, and
 * asserts for the core's ">= 0 or -errno" convention.
 */
#pragma once

#include <check.h>
#include <errno.h>
#include <string.h>

/*
 * TEST_SANITIZED is 1 in a build with AddressSanitizer (contrib/check.sh's
 * clang build), where every binary of the build, the daemon included, carries
 * shadow memory and a quarantine: figures such as a process's RSS mean
 * nothing there, so the tests that bound them skip only that bound.
 */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_SANITIZED 1
#endif
#endif
#ifndef TEST_SANITIZED
#define TEST_SANITIZED 0
#endif

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
