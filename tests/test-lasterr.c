/*
 * last_error's bookkeeping without a mount (fs/lasterr.c): whose failure a
 * caller sees, and which process a calling thread belongs to.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lasterr.h"
#include "tl-harness.h"

static void *
own_tgid(void *arg)
{
	*(pid_t *)arg = lasterr_tgid(gettid());
	return NULL;
}

/* A second thread of this process is counted as this process, not as itself. */
START_TEST(tgid_of_a_thread)
{
	pthread_t t;
	pid_t got = 0;

	ck_assert_int_eq(lasterr_tgid(getpid()), getpid());
	ck_assert_int_eq(pthread_create(&t, NULL, own_tgid, &got), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(got, getpid());
}
END_TEST

/* A thread that is gone is its own answer (nothing to look up). */
START_TEST(tgid_of_a_process_gone)
{
	pid_t child = fork();

	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	ck_assert_int_eq(lasterr_tgid(child), child);
}
END_TEST

/* A process sees its own failure; another of the same user sees the user's last; another user none. */
START_TEST(who_sees_what)
{
	struct lasterr *le = lasterr_create();
	const struct lasterr_who a = { 100, 1000 }, b = { 101, 1000 }, c = { 102, 1001 };
	struct burn_error e, got;

	ck_assert_ptr_nonnull(le);
	burn_error_set(&e, BURN_E_INVALIDARG, "first");
	lasterr_set(le, &a, &e);
	burn_error_set(&e, BURN_E_INVALIDARG, "second");
	lasterr_set(le, &b, &e);
	lasterr_get(le, &a, &got);
	ck_assert_str_eq(got.reason, "first");
	lasterr_get(le, &b, &got);
	ck_assert_str_eq(got.reason, "second");
	lasterr_get(le, &(struct lasterr_who){ 103, 1000 }, &got);
	ck_assert_str_eq(got.reason, "second");
	lasterr_get(le, &c, &got);
	ck_assert_int_eq(got.result, BURN_S_OK);
	lasterr_destroy(le);
}
END_TEST

static Suite *
lasterr_suite(void)
{
	Suite *s = suite_create("lasterr");
	TCase *tc = tl_tcase_in(s, "lasterr", NULL, NULL);

	TL_TESTS(tc, tgid_of_a_thread, tgid_of_a_process_gone, who_sees_what);
	return s;
}

TL_MAIN(lasterr_suite)
