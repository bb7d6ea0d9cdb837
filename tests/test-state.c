/*
 * The drive's state through the real daemon (issue 12): the mount's files
 * are served from what the daemon holds, so listing and reading them sends
 * the drive no command (recorder/commands counts what was sent); a medium
 * changed behind the daemon's back (another mount ejects and loads it) is
 * noticed by the medium watch, and status's poll() wakes for it.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tl-harness.h"
#include "tl-mount.h"

/* Everything `ls -l` of a folder asks: its entries and each one's attributes. */
static void
ls_l(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char *path = tl_path(dir, de->d_name);
		struct stat st;

		ck_assert_int_eq(lstat(path, &st), 0);
		free(path);
	}
	closedir(d);
}

static void setup_no_watch(void) { tl_start_with("media_poll=0"); }

START_TEST(listing_sends_no_command)
{
	char *before = strdup(tl_get(tl_at(&tl_m1, "recorder/commands"))), *after;

	/* the daemon read the drive's state once, at the mount */
	ck_assert_ptr_nonnull(strstr(before, "GET CONFIGURATION "));
	for (int i = 0; i < 3; i++) {
		ls_l(tl_m1.mnt);
		ls_l(tl_at(&tl_m1, "media"));
		ls_l(tl_at(&tl_m1, "recorder"));
		(void)tl_get(tl_at(&tl_m1, "status"));
		(void)tl_get(tl_at(&tl_m1, "media/type"));
		(void)tl_get(tl_at(&tl_m1, "recorder/features"));
		(void)tl_get(tl_at(&tl_m1, "supported_write_speeds"));
	}
	after = strdup(tl_get(tl_at(&tl_m1, "recorder/commands")));
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

/* The daemon's own tray commands are seen at once, without the watch. */
START_TEST(own_commands_change_what_is_shown)
{
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "cdr\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "eject\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "none\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "load\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "cdr\n");
}
END_TEST

static void setup_watch(void) { tl_start_with("media_poll=20"); }

/* Another mount of the same drive ejects and loads the disc: this one notices both. */
START_TEST(medium_change_behind_the_back)
{
	char dev[4200];
	int fd, ret;
	char buf[4096];
	struct pollfd pfd;

	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "cdr\n");
	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&tl_m2, "m2", dev, "media_poll=0"), 0);
	/* status's poll() wakes for the change */
	fd = open(tl_at(&tl_m1, "status"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_gt(pread(fd, buf, sizeof(buf), 0), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m2, "ctl"), "eject\n"), 0);
	pfd = (struct pollfd){ .fd = fd, .events = POLLPRI | POLLIN };
	ret = poll(&pfd, 1, 60000);
	ck_assert_int_eq(ret, 1);
	ck_assert(pfd.revents & POLLPRI);
	close(fd);
	tl_wait_value(&tl_m1, "media/type", "none\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m2, "ctl"), "load\n"), 0);
	tl_wait_value(&tl_m1, "media/type", "cdr\n");
	ck_assert_ptr_nonnull(strstr(tl_get(tl_at(&tl_m1, "recorder/commands")),
				     "GET EVENT STATUS NOTIFICATION "));
}
END_TEST

/* media_poll's value is checked before anything is mounted. */
START_TEST(media_poll_checked)
{
	char dev[4200];

	tl_setup_dirs();
	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&tl_m1, "mnt", dev, "media_poll=5"), 2);
	ck_assert_str_eq(tl_read(tl_m1.log), "burnfs: media_poll=5: give the milliseconds between "
			 "polls, 10 to 60000, or 0 for none\n");
	ck_assert(!tl_is_fuse_mount(tl_m1.mnt));
}
END_TEST

static Suite *
state_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tl_mount_tcase(s, "kept", setup_no_watch, 120);

	tcase_add_test(tc, listing_sends_no_command);
	tcase_add_test(tc, own_commands_change_what_is_shown);
	tcase_add_test(tl_mount_tcase(s, "watched", setup_watch, 120),
		       medium_change_behind_the_back);
	tcase_add_test(tl_mount_tcase(s, "options", NULL, 60), media_poll_checked);
	return s;
}

TL_MOUNT_MAIN(state_suite)
