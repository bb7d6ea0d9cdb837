/*
 * The group of raw writers without a mount (core/writer/rawcd-group.c):
 * who takes part in a session, how the group words its refusals, and that
 * its stream is checked once for every member (a short audio stream fed
 * straight to the group). Burning files through a mounted group is the
 * mount suite's test-group.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawcd-group.h"
#include "stream-check.h"
#include "tl-emu.h"
#include "tl-harness.h"
#include "transport.h"

#define N 2
#define MAX_MEMBERS 3

static char *top;
static struct recorder *recs[MAX_MEMBERS];
static struct rawcd *ws[MAX_MEMBERS];
static const char *const names[MAX_MEMBERS] = { "A", "B", "C" };

/* The first @n members (A, B...), emulated with @media each, all named "Group". */
static void
open_n_members(const char *const *media, size_t n)
{
	for (size_t i = 0; i < n; i++) {
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

/* Members A and B, emulated with @media each. */
static void
open_members(const char *const media[N])
{
	open_n_members(media, N);
}

static void
setup(void)
{
	top = tl_mkdtemp("group");
}

static void
teardown(void)
{
	for (size_t i = 0; i < MAX_MEMBERS; i++) {
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

/*
 * The group's stream: @b's sectors handed to the group in writes of @chunk
 * bytes (not a whole number of sectors, so sectors are also assembled
 * across writes). Returns the first failed write's result, else 0; *@err
 * gets its reason.
 */
static ssize_t
group_feed(struct rawcd_group *g, const uint8_t *data, size_t len, size_t chunk,
	   struct burn_error *err)
{
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		ssize_t r = rawcd_group_write(g, data + off, n, err);

		if (r < 0)
			return r;
		ck_assert_int_eq(r, (ssize_t)n);
	}
	return 0;
}

/*
 * The group of all MAX_MEMBERS members on blank CD-Rs, each with a lead-in
 * of @lead_in[i] sectors (0: as long as the medium's).
 */
static struct rawcd_group *
blank_group_with(const long lead_in[MAX_MEMBERS])
{
	static const char *const media[MAX_MEMBERS] = { "cdr80", "cdr80", "cdr80" };
	struct rawcd_group *g;
	struct burn_error e;

	open_n_members(media, MAX_MEMBERS);
	for (size_t i = 0; i < MAX_MEMBERS; i++) {
		long n = lead_in[i] ? lead_in[i] : -TL_NWA_CDR80;

		ck_assert_int_eq(rawcd_set_lead_in_sectors(ws[i], n, &e), 0);
	}
	ck_assert_int_eq(rawcd_group_create(ws, names, MAX_MEMBERS, &g, &e), 0);
	ck_assert_int_eq(rawcd_group_session_begin(g, "track.raw", &e), 0);
	ck_assert_int_eq(rawcd_group_session_prepare(g, &e), 0);
	return g;
}

/* blank_group_with() every member's lead-in as long as the medium's. */
static struct rawcd_group *
blank_group(void)
{
	static const long same[MAX_MEMBERS] = { 0 };

	return blank_group_with(same);
}

/*
 * The stream is cut and checked once for the group, not once per member:
 * every sector passes the process's checkers exactly once, while each of
 * the three members burns the whole stream.
 */
START_TEST(stream_is_checked_once)
{
	struct tl_emu_burn b;
	struct rawcd_group *g;
	struct burn_error e, why;
	uint64_t before;

	g = blank_group();
	tl_emu_burn_make(&b, top, rawcd_sector_type(ws[0]));
	before = burn_stream_check_total();
	ck_assert_int_eq(group_feed(g, b.data, (size_t)b.sectors * b.size, 100000, &e), 0);
	ck_assert_int_eq(rawcd_group_session_end(g, 0, &e), 0);
	ck_assert_uint_eq(burn_stream_check_total() - before, b.sectors);
	for (size_t i = 0; i < MAX_MEMBERS; i++) {
		ck_assert_int_eq(rawcd_group_member_state(g, i, &why), RAWCD_MEMBER_DONE);
		ck_assert(rawcd_last_burn(ws[i], &why));
		ck_assert_int_eq(why.result, BURN_S_OK);
	}
	tl_emu_burn_free(&b);
	rawcd_group_destroy(g);
}
END_TEST

/*
 * A stream that is not a raw stream fails the group once, with the
 * stream's own reason (no member named: the stream, not a recorder, is
 * at fault); every member fails with that reason and burns nothing.
 */
START_TEST(stream_refusal_is_the_groups)
{
	static const char want[] = "the stream is not a raw CD stream: none of its first 150 sectors";
	size_t len = 200 * 2448;
	uint8_t *junk = calloc(1, len);
	struct rawcd_group *g;
	struct burn_error e, why;

	ck_assert_ptr_nonnull(junk);
	g = blank_group();
	ck_assert_int_eq(group_feed(g, junk, len, 65536, &e), -EINVAL);
	ck_assert_int_eq(e.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_msg(strncmp(e.reason, want, sizeof(want) - 1) == 0, "%s", e.reason);
	/* later writes fail the same */
	ck_assert_int_eq(rawcd_group_write(g, junk, 2448, &e), -EINVAL);
	ck_assert_msg(strncmp(e.reason, want, sizeof(want) - 1) == 0, "%s", e.reason);
	ck_assert_int_eq(rawcd_group_session_end(g, -EINVAL, &e), -EINVAL);
	ck_assert(rawcd_group_last_burn(g, &e));
	ck_assert_msg(strncmp(e.reason, want, sizeof(want) - 1) == 0, "%s", e.reason);
	for (size_t i = 0; i < MAX_MEMBERS; i++) {
		ck_assert_int_eq(rawcd_group_member_state(g, i, &why), RAWCD_MEMBER_FAILED);
		ck_assert_msg(strncmp(why.reason, want, sizeof(want) - 1) == 0, "%s", why.reason);
		ck_assert_int_eq(rawcd_state(ws[i]), RAWCD_IDLE);
	}
	free(junk);
	rawcd_group_destroy(g);
}
END_TEST

/*
 * One stream is laid out one way: a member whose lead-in differs from the
 * first one's (the mount refuses such an open; the group does not rely on
 * it) is dropped when the stream begins, and the others burn it.
 */
START_TEST(differing_member_is_dropped)
{
	static const long lead_in[MAX_MEMBERS] = { 0, 0, 22650 };
	struct tl_emu_burn b;
	struct rawcd_group *g;
	struct burn_error e, why;

	g = blank_group_with(lead_in);
	tl_emu_burn_make(&b, top, rawcd_sector_type(ws[0]));
	ck_assert_int_eq(group_feed(g, b.data, (size_t)b.sectors * b.size, 1 << 20, &e), 0);
	ck_assert_int_eq(rawcd_group_member_state(g, 2, &why), RAWCD_MEMBER_FAILED);
	ck_assert_int_eq(why.result, BURN_E_INVALIDARG);
	ck_assert_str_eq(why.reason, "its sector_type or lead_in_sectors differs from the group's stream's");
	ck_assert_int_eq(rawcd_state(ws[2]), RAWCD_IDLE);
	ck_assert_int_eq(rawcd_group_session_end(g, 0, &e), -EINVAL);
	ck_assert_msg(strncmp(e.reason, "recorder C failed: its sector_type", 34) == 0, "%s", e.reason);
	ck_assert_int_eq(rawcd_group_member_state(g, 0, &why), RAWCD_MEMBER_DONE);
	ck_assert_int_eq(rawcd_group_member_state(g, 1, &why), RAWCD_MEMBER_DONE);
	tl_emu_burn_free(&b);
	rawcd_group_destroy(g);
}
END_TEST

static Suite *
group_suite(void)
{
	Suite *s = suite_create("rawcd-group");
	TCase *tc = tl_tcase_in(s, "group", setup, teardown);

	tcase_add_loop_test(tc, create_refuses, 0, (int)(sizeof(bad_groups) / sizeof(bad_groups[0])));
	TL_TESTS(tc, unsuitable_member_is_skipped, no_member_can_start, busy_member_is_skipped,
		 stream_is_checked_once, stream_refusal_is_the_groups, differing_member_is_dropped);
	return s;
}

TL_MAIN(group_suite)
