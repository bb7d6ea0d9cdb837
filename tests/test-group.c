/*
 * Several recorders in one mount (issue 13, doc/design.md §2.6): one stream
 * burned onto every member, a member's failure kept apart from the others,
 * the group's command line. Each member's own tree passing the one-recorder
 * attribute suites is the `mount-member` and `state-member` runs of
 * test-mount and test-state (BURNFS_TEST_GROUP, tests/meson.build).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tl-burn.h"
#include "tl-harness.h"
#include "tl-mount.h"

#define MAX_MEMBERS 4

static char *member_dir[MAX_MEMBERS];
static const char *const names[MAX_MEMBERS] = { "A", "B", "C", "D" };

/* m1: the group of the first @n members (top/A, top/B...), with @opts. */
static void
start_group(size_t n, const char *opts)
{
	char dev[MAX_MEMBERS][4200];
	const char *devs[MAX_MEMBERS];

	for (size_t i = 0; i < n; i++) {
		member_dir[i] = tl_path(tl_top, names[i]);
		snprintf(dev[i], sizeof(dev[i]), "emu:%s", member_dir[i]);
		devs[i] = dev[i];
	}
	ck_assert_int_eq(tl_mount_start_devices(&tl_m1, "mnt", devs, n, opts, NULL, NULL), 0);
}

static void
setup(void)
{
	tl_setup_dirs();
}

static void
teardown(void)
{
	tl_teardown_all();
	for (size_t i = 0; i < MAX_MEMBERS; i++) {
		free(member_dir[i]);
		member_dir[i] = NULL;
	}
}

static TCase *
tcase(Suite *s, const char *name)
{
	TCase *tc = tl_mount_tcase(s, name, setup, 300);

	tcase_add_checked_fixture(tc, NULL, teardown);
	return tc;
}

/* Member @i's recorded data track equals @iso, and cd-info reads its volume. */
static void
member_disc_equals(size_t i, const char *iso)
{
	char *saved = tl_disc;

	tl_disc = member_dir[i];
	tl_cd_info_shows("BURNFS_TEST");
	tl_data_track_equals(iso);
	tl_disc = saved;
}

/* The group's status has @line as one of its lines. */
static void
status_has(const char *line)
{
	const char *status = tl_get(tl_at(&tl_m1, "status"));
	char *want;

	ck_assert_int_gt(asprintf(&want, "\n%s", line), 0);
	ck_assert_msg(strstr(status, want) != NULL, "status lacks \"%s\":\n%s", line, status);
	free(want);
}

/*
 * Acceptance 1: one copy into the group's burn/ burns all three discs. The
 * source reaches burnfs through a pipe, which can be read only once, and
 * the job took exactly the ISO's bytes: the stream was read once and fanned
 * out, not read again per recorder.
 */
START_TEST(one_copy_burns_every_member)
{
	char *iso;
	struct stat st, job;

	if (!tl_can_run("genisoimage cd-info"))
		return;
	iso = tl_make_iso();
	start_group(3, "client_name=Group,media_poll=0");
	ck_assert_int_eq(tl_sh("cat '%s' | cat > '%s'", iso, tl_at(&tl_m1, "burn/disc.iso")), 0);
	ck_assert_int_eq(stat(iso, &st), 0);
	ck_assert_int_eq(stat(tl_at(&tl_m1, "burn/disc.iso"), &job), 0);
	ck_assert_int_eq(job.st_size, st.st_size);
	for (size_t i = 0; i < 3; i++)
		member_disc_equals(i, iso);
	status_has("A/outcome: done");
	status_has("B/outcome: done");
	status_has("C/outcome: done");
	status_has("last_burn: S_OK 0x00000000: 3 of 3 recorders burned the stream");
	/* each member's own tree shows its burn as after a burn of its own */
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "B/status")), "\nlast_burn: S_OK 0x00000000: complete"),
		      "%s", tl_get(tl_at(&tl_m1, "B/status")));
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "idle\n");
	free(iso);
}
END_TEST

/* What goes wrong on B, and how its sense reads in status. */
static const struct {
	const char *fault;
	const char *words;
} faults[] = {
	{ "write_error@300", "[3 0C 00] Medium error: write error" },
	{ "removed@300", "[2 3A 00] Not ready: medium not present" },
};

/* Acceptance 2: B fails while writing; A and C complete, the copy fails and status says why. */
START_TEST(a_failed_member_is_dropped)
{
	char *iso, opts[160];
	const char *le;

	if (!tl_can_run("genisoimage cd-info"))
		return;
	iso = tl_make_iso();
	snprintf(opts, sizeof(opts), "client_name=Group,media_poll=0,B/emu_fault=%s", faults[_i].fault);
	start_group(3, opts);
	ck_assert_int_ne(tl_sh("cp '%s' '%s' 2>/dev/null", iso, tl_at(&tl_m1, "burn/disc.iso")), 0);
	member_disc_equals(0, iso);
	member_disc_equals(2, iso);
	status_has("A/outcome: done");
	status_has("C/outcome: done");
	status_has("B/outcome: failed: ");
	/* the drive's sense, in words */
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "status")), "B/outcome: failed: ") &&
		      strstr(strstr(tl_get(tl_at(&tl_m1, "status")), "B/outcome: failed: "), faults[_i].words),
		      "%s", tl_get(tl_at(&tl_m1, "status")));
	le = tl_get(tl_at(&tl_m1, "last_error"));
	ck_assert_msg(strstr(le, "recorder B failed: ") != NULL, "last_error: %s", le);
	/* B's own tree: its failure, as after a burn of its own */
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "B/status")), "\nlast_burn: S_OK") == NULL, "%s",
		      tl_get(tl_at(&tl_m1, "B/status")));
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "B/last_error")), faults[_i].words) != NULL, "%s",
		      tl_get(tl_at(&tl_m1, "B/last_error")));
	free(iso);
}
END_TEST

/* Acceptance 2: B holds a written CD-R: it is skipped and named, A and C burn, cp succeeds. */
START_TEST(a_written_disc_is_skipped)
{
	char *iso;

	if (!tl_can_run("genisoimage cd-info"))
		return;
	iso = tl_make_iso();
	start_group(3, "client_name=Group,media_poll=0");
	ck_assert_int_eq(tl_sh("cp '%s' '%s'", iso, tl_at(&tl_m1, "B/burn/first.iso")), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "B/media/blank")), "0\n");
	ck_assert_int_eq(tl_sh("cp '%s' '%s'", iso, tl_at(&tl_m1, "burn/disc.iso")), 0);
	member_disc_equals(0, iso);
	member_disc_equals(2, iso);
	status_has("A/outcome: done");
	status_has("C/outcome: done");
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "status")), "\nB/outcome: skipped: ") != NULL, "%s",
		      tl_get(tl_at(&tl_m1, "status")));
	status_has("last_burn: S_OK 0x00000000: 2 of 3 recorders burned the stream (the others were skipped: see status)");
	free(iso);
}
END_TEST

/*
 * A member's own track.raw held open does not hide the group's writer's
 * outcome: its close still ends the stream and fails when B's disc does
 * not verify (a holder of "A/track.raw" is not one of "track.raw").
 */
START_TEST(a_member_stream_is_not_the_group_stream)
{
	struct tl_input in;
	int fd;

	if (!tl_can_run("genisoimage"))
		return;
	tl_input_iso(&in, "cooked");
	start_group(3, "client_name=Group,media_poll=0,B/emu_fault=corrupt@300");
	fd = open(tl_at(&tl_m1, "A/track.raw"), O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(tl_sh("cat '%s' > '%s'", in.raw, tl_at(&tl_m1, "track.raw")), 0);
	status_has("C/outcome: done");
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "status")), "\nA/outcome: skipped: ") != NULL, "%s",
		      tl_get(tl_at(&tl_m1, "status")));
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "status")), "\nB/outcome: failed: E_BURNFS_VERIFY_MISMATCH") != NULL,
		      "%s", tl_get(tl_at(&tl_m1, "status")));
	ck_assert_int_eq(close(fd), 0);
}
END_TEST

/* Every member skipped: the open fails, naming each, and nothing was written. */
START_TEST(no_member_can_start)
{
	start_group(2, "client_name=Group,media_poll=0,emu_media=cdrom");
	tl_open_refused(&tl_m1, "track.raw", O_WRONLY, EMEDIUMTYPE, NULL);
	status_has("A/outcome: skipped: ");
	status_has("B/outcome: skipped: ");
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "last_error")), "recorders A, B cannot start; A: ") != NULL,
		      "%s", tl_get(tl_at(&tl_m1, "last_error")));
}
END_TEST

/*
 * A stream that is not a raw stream is refused once, for the group: the
 * writer's error and the group's last_error are the stream's reason as a
 * one-recorder mount words it, and every member fails with it, blank.
 */
START_TEST(a_bad_stream_fails_the_group_once)
{
	static const char want[] = "E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED 0xC0AA060D: the stream is not a raw CD stream: none of its first 150 sectors has a valid Q sub-channel";

	start_group(2, "client_name=Group,media_poll=0");
	ck_assert_int_ne(tl_sh("head -c %d /dev/zero > '%s' 2>/dev/null", 400 * 2448,
			       tl_at(&tl_m1, "track.raw")), 0);
	tl_last_error_starts(&tl_m1, want);
	status_has("A/outcome: failed: E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED");
	status_has("B/outcome: failed: E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED");
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "status")), "\nlast_burn: E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED 0xC0AA060D: the stream is not a raw CD stream: ") != NULL,
		      "%s", tl_get(tl_at(&tl_m1, "status")));
	for (size_t i = 0; i < 2; i++) {
		char rel[32];

		snprintf(rel, sizeof(rel), "%s/media/blank", names[i]);
		ck_assert_str_eq(tl_get(tl_at(&tl_m1, rel)), "1\n");
		snprintf(rel, sizeof(rel), "%s/state", names[i]);
		ck_assert_str_eq(tl_get(tl_at(&tl_m1, rel)), "idle\n");
	}
}
END_TEST

/*
 * Acceptance 3: four members paced at 52x with BUFE off, fed by cat from
 * a file: the slowest paces the stream and none underruns.
 */
START_TEST(four_paced_members_do_not_underrun)
{
	struct tl_input in;

	if (!tl_can_run("genisoimage"))
		return;
	tl_input_iso(&in, "cooked");
	start_group(4, "client_name=Group,media_poll=0,emu_speed=52");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "buffer_underrun_free_disabled"), "1"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "D/buffer_underrun_free_disabled")), "1\n");
	ck_assert_int_eq(tl_sh("cat '%s' > '%s'", in.raw, tl_at(&tl_m1, "track.raw")), 0);
	for (size_t i = 0; i < 4; i++) {
		char line[64];

		snprintf(line, sizeof(line), "%s/outcome: done", names[i]);
		status_has(line);
		member_disc_equals(i, in.src);
	}
}
END_TEST

/* The group's values are every member's: one store sets all, a refusal names the member. */
START_TEST(values_act_on_every_member)
{
	start_group(2, "media_poll=0");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Both"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "A/client_name")), "Both\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "B/client_name")), "Both\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Both\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "B/client_name"), "Other"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "A=Both B=Other\n");
	tl_put_refused(&tl_m1, "client_name", "bad/name", EINVAL,
		       TL_E_NAME ": recorder A: ");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "A/client_name")), "Both\n");
	/* the same stream for all: differing sector types are refused at open */
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "A/sector_type"), "raw"), 0);
	tl_open_refused(&tl_m1, "track.raw", O_WRONLY, EINVAL, NULL);
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "last_error")),
			     "recorders A and B have different sector types (raw, cooked)") != NULL,
		      "%s", tl_get(tl_at(&tl_m1, "last_error")));
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "sector_type"), "raw"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "B/sector_type")), "raw\n");
}
END_TEST

/* ctl prepare takes every member under the group's name; exclusive_owner lists each holder. */
START_TEST(exclusive_access_on_every_member)
{
	const char *owners;

	start_group(2, "client_name=Holder,media_poll=0");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "prepare"), 0);
	owners = tl_get(tl_at(&tl_m1, "exclusive_owner"));
	ck_assert_msg(strncmp(owners, "A: ", 3) == 0 && strstr(owners, "Holder") &&
		      strstr(owners, "\nB: ") && strstr(strstr(owners, "\nB: "), "Holder"),
		      "exclusive_owner: %s", owners);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "prepared\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "release"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "A: \nB: \n");
	/* nothing to cancel anywhere is still a refusal */
	tl_put_refused(&tl_m1, "ctl", "cancel", EINVAL,
		       "E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS 0xC0AA0601: every recorder: no write is in progress");
}
END_TEST

/* Names: the devices' base names, made unique and kept off the group's own files. */
START_TEST(member_names)
{
	char dev[3][4200];
	const char *devs[3] = { dev[0], dev[1], dev[2] };

	snprintf(dev[0], sizeof(dev[0]), "emu:%s/x/A", tl_top);
	snprintf(dev[1], sizeof(dev[1]), "emu:%s/y/A/", tl_top);
	snprintf(dev[2], sizeof(dev[2]), "emu:%s/status", tl_top);
	ck_assert_int_eq(tl_sh("mkdir -p '%s/x' '%s/y'", tl_top, tl_top), 0);
	ck_assert_int_eq(tl_mount_start_devices(&tl_m1, "mnt", devs, 3, "media_poll=0", NULL, NULL), 0);
	ck_assert_int_eq(access(tl_at(&tl_m1, "A-2/client_name"), F_OK), 0);
	ck_assert_int_eq(access(tl_at(&tl_m1, "status-2/client_name"), F_OK), 0);
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "status")), "members: A A-2 status-2\n") != NULL, "%s",
		      tl_get(tl_at(&tl_m1, "status")));
}
END_TEST

/* The command line: per-member options name a member; they need several members. */
static const struct {
	const char *opts;
	size_t n;
	const char *says;
} bad_lines[] = {
	{ "Z/emu_speed=4", 2, "burnfs: Z/emu_speed=4: no recorder of this mount is named Z" },
	{ "A/emu_speed=4", 1, "burnfs: A/emu_speed=4: NAME/emu_... options are for one recorder of several; with one, give -o emu_speed=4" },
	{ "A/emu_speed=fast", 2, "burnfs: A/emu_speed=fast: " },
	{ "media_poll=0", 3, "burnfs: emu:" },	/* A twice: "... are the same recorder" */
};

START_TEST(bad_command_lines)
{
	char dev[3][4200];
	const char *devs[3] = { dev[0], dev[1], dev[2] };
	int ret;

	snprintf(dev[0], sizeof(dev[0]), "emu:%s/A", tl_top);
	snprintf(dev[1], sizeof(dev[1]), "emu:%s/B", tl_top);
	snprintf(dev[2], sizeof(dev[2]), "emu:%s/./A/", tl_top);
	ret = tl_mount_start_devices(&tl_m1, "mnt", devs, bad_lines[_i].n, bad_lines[_i].opts, NULL, NULL);
	ck_assert_int_ne(ret, 0);
	ck_assert_msg(strncmp(tl_read(tl_m1.log), bad_lines[_i].says, strlen(bad_lines[_i].says)) == 0,
		      "said: %s", tl_read(tl_m1.log));
	if (bad_lines[_i].n == 3)
		ck_assert_msg(strstr(tl_read(tl_m1.log), " are the same recorder; name each recorder once\n"),
			      "said: %s", tl_read(tl_m1.log));
	tl_m1.pid = 0;	/* it exited: nothing to unmount */
}
END_TEST

static Suite *
group_suite(void)
{
	Suite *s = suite_create("group");
	TCase *tc = tcase(s, "burn");

	TL_TESTS(tc, one_copy_burns_every_member, a_written_disc_is_skipped, no_member_can_start,
		 four_paced_members_do_not_underrun, a_member_stream_is_not_the_group_stream,
		 a_bad_stream_fails_the_group_once);
	tcase_add_loop_test(tc, a_failed_member_is_dropped, 0, (int)(sizeof(faults) / sizeof(faults[0])));
	tc = tcase(s, "tree");
	TL_TESTS(tc, values_act_on_every_member, exclusive_access_on_every_member, member_names);
	tcase_add_loop_test(tc, bad_command_lines, 0, (int)(sizeof(bad_lines) / sizeof(bad_lines[0])));
	return s;
}

TL_BURN_MAIN(group_suite)
