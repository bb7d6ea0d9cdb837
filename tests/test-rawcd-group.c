/*
 * The group of raw writers without a mount (core/writer/rawcd-group.c):
 * who takes part in a session, and how the group words its refusals.
 * Burning through a group is the mount suite's test-group.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawcd-group.h"
#include "tl-harness.h"
#include "transport.h"

#define N 2

static char *top;
static struct recorder *recs[N];
static struct rawcd *ws[N];
static const char *const names[N] = { "A", "B" };

/* Members A and B, emulated with @media each, both named "Group". */
static void
open_members(const char *const media[N])
{
	for (size_t i = 0; i < N; i++) {
		struct burn_transport *t;
		struct burn_error e;
		char spec[4200], opts[64];

		snprintf(spec, sizeof(spec), "emu:%s/%s", top, names[i]);
		snprintf(opts, sizeof(opts), "emu_media=%s", media[i]);
		ck_assert_msg(burn_transport_open(spec, opts, &t, &e) == 0, "%s", e.reason);
		ck_assert_msg(recorder_open(t, &recs[i], &e) == 0, "%s", e.reason);
		ck_assert_int_eq(rawcd_create(recs[i], &ws[i], &e), 0);
		ck_assert_int_eq(rawcd_set_client_name(ws[i], "Group", 5, &e), 0);
	}
}

static void
setup(void)
{
	top = tl_mkdtemp("group");
}

static void
teardown(void)
{
	for (size_t i = 0; i < N; i++) {
		rawcd_destroy(ws[i]);
		recorder_close(recs[i]);
		ws[i] = NULL;
		recs[i] = NULL;
	}
	tl_rmtree(top);
	free(top);
}

static const struct {
	size_t n;
	const char *name;	/* the second member's name */
	const char *reason;
} bad_groups[] = {
	{ 0, "B", "a group has 1 to 16 recorders, not 0" },
	{ 17, "B", "a group has 1 to 16 recorders, not 17" },
	{ 2, "", "a recorder's name in a group has 1 to 63 bytes" },
	{ 2, "0123456789012345678901234567890123456789012345678901234567890123",
	  "a recorder's name in a group has 1 to 63 bytes" },
};

START_TEST(create_refuses)
{
	struct rawcd *many[17] = { 0 };
	const char *many_names[17];
	struct rawcd_group *g = NULL;
	struct burn_error e;

	for (size_t i = 0; i < 17; i++)
		many_names[i] = i == 1 ? bad_groups[_i].name : "A";
	ck_assert_int_eq(rawcd_group_create(many, many_names, bad_groups[_i].n, &g, &e), -EINVAL);
	ck_assert_int_eq(e.result, BURN_E_INVALIDARG);
	ck_assert_str_eq(e.reason, bad_groups[_i].reason);
	ck_assert_ptr_null(g);
}
END_TEST

/* A member whose medium cannot be written is skipped with its reason; the other takes part. */
START_TEST(unsuitable_member_is_skipped)
{
	static const char *const media[N] = { "cdr80", "cdrom" };
	struct rawcd_group *g;
	struct burn_error e, why;

	open_members(media);
	ck_assert_int_eq(rawcd_group_create(ws, names, N, &g, &e), 0);
	ck_assert_int_eq(rawcd_group_member_state(g, 0, &why), RAWCD_MEMBER_NONE);
	ck_assert_int_eq(rawcd_group_session_begin(g, "track.raw", &e), 0);
	ck_assert_int_eq(rawcd_group_session_prepare(g, &e), 0);
	ck_assert_int_eq(rawcd_group_member_state(g, 0, &why), RAWCD_MEMBER_WRITING);
	ck_assert_int_eq(rawcd_state(ws[0]), RAWCD_PREPARED);
	ck_assert_int_eq(rawcd_group_member_state(g, 1, &why), RAWCD_MEMBER_SKIPPED);
	ck_assert_int_eq(why.result, BURN_E_MEDIA_IS_NOT_SUPPORTED);
	ck_assert_int_eq(rawcd_state(ws[1]), RAWCD_IDLE);
	ck_assert(!rawcd_session_name(ws[1], NULL, 0));	/* its session was ended at once */
	/* closed with nothing written: no outcome, and A's drive is released */
	ck_assert_int_eq(rawcd_group_session_end(g, 0, &e), 0);
	ck_assert(!rawcd_group_last_burn(g, &e));
	ck_assert_int_eq(rawcd_group_member_state(g, 0, &why), RAWCD_MEMBER_NONE);
	ck_assert_int_eq(rawcd_group_member_state(g, 1, &why), RAWCD_MEMBER_SKIPPED);
	ck_assert_int_eq(rawcd_state(ws[0]), RAWCD_IDLE);
	rawcd_group_destroy(g);
}
END_TEST

/* No member can start: the prepare fails with the first member's error, naming each. */
START_TEST(no_member_can_start)
{
	static const char *const media[N] = { "cdrom", "none" };
	struct rawcd_group *g;
	struct burn_error e, why;

	open_members(media);
	ck_assert_int_eq(rawcd_group_create(ws, names, N, &g, &e), 0);
	ck_assert_int_eq(rawcd_group_session_begin(g, "track.raw", &e), 0);
	ck_assert_int_eq(rawcd_group_session_prepare(g, &e), -EMEDIUMTYPE);
	ck_assert_int_eq(e.result, BURN_E_MEDIA_IS_NOT_SUPPORTED);
	ck_assert_msg(strncmp(e.reason, "recorders A, B cannot start; A: ", 32) == 0, "%s", e.reason);
	ck_assert_int_eq(rawcd_group_member_state(g, 1, &why), RAWCD_MEMBER_SKIPPED);
	ck_assert_int_eq(why.result, BURN_E_MEDIA_NO_MEDIA);
	ck_assert_int_eq(rawcd_group_session_end(g, -EMEDIUMTYPE, &e), -EMEDIUMTYPE);
	rawcd_group_destroy(g);
}
END_TEST

/* A member with a stream of its own open cannot begin: it is skipped, the other begins. */
START_TEST(busy_member_is_skipped)
{
	static const char *const media[N] = { "cdr80", "cdr80" };
	struct rawcd_group *g;
	struct burn_error e, why;

	open_members(media);
	ck_assert_int_eq(rawcd_session_begin(ws[0], "track.raw", &e), 0);
	ck_assert_int_eq(rawcd_group_create(ws, names, N, &g, &e), 0);
	ck_assert_int_eq(rawcd_group_session_begin(g, "burn/x.iso", &e), 0);
	ck_assert_int_eq(rawcd_group_member_state(g, 0, &why), RAWCD_MEMBER_SKIPPED);
	ck_assert_int_eq(why.result, BURN_E_WRITE_IN_PROGRESS);
	ck_assert_int_eq(rawcd_group_member_state(g, 1, &why), RAWCD_MEMBER_WRITING);
	ck_assert_int_eq(rawcd_group_session_end(g, 0, &e), 0);
	/* A's own session is still A's */
	ck_assert(rawcd_session_name(ws[0], NULL, 0));
	ck_assert_int_eq(rawcd_session_end(ws[0], 0, &e), 0);
	rawcd_group_destroy(g);
}
END_TEST

static Suite *
group_suite(void)
{
	Suite *s = suite_create("rawcd-group");
	TCase *tc = tl_tcase_in(s, "group", setup, teardown);

	tcase_add_loop_test(tc, create_refuses, 0, (int)(sizeof(bad_groups) / sizeof(bad_groups[0])));
	TL_TESTS(tc, unsuitable_member_is_skipped, no_member_can_start, busy_member_is_skipped);
	return s;
}

TL_MAIN(group_suite)
