/*
 * The drive's state through the real daemon (issue 12): the mount's files
 * are served from what the daemon holds, so listing and reading them sends
 * the drive no command (recorder/commands counts what was sent); a medium
 * changed behind the daemon's back (another mount ejects and loads it) is
 * noticed by the medium watch, and status's poll() wakes for it. The
 * request values are kept by the kernel's page cache until a store drops
 * them; every other file's size is the caller's and current at each stat,
 * the first one after the mount included.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* The request values, each with two values of different lengths. */
static const struct {
	const char *rel, *a, *b;
} cached[] = {
	{ "client_name", "A\n", "A much longer client name\n" },
	{ "sector_type", "raw\n", "cooked\n" },
	{ "lead_in_sectors", "0\n", "22650\n" },
	{ "write_speed", "1200\n", "max\n" },
	{ "pure_cav", "1\n", "0\n" },
	{ "buffer_underrun_free_disabled", "1\n", "0\n" },
	{ "simulate", "1\n", "0\n" },
	{ "verify", "0\n", "1\n" },
};

/* Whether the first page of @fd's file is in the page cache. */
static bool
page_kept(int fd)
{
	unsigned char in = 0;
	void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(mincore(p, 4096, &in), 0);
	munmap(p, 4096);
	return in & 1;
}

/*
 * A request value is read from the page cache once read, and a store drops
 * it before write(2) returns: the next read, a stat and a descriptor opened
 * before the store all see the new value whatever its length. (Since Linux
 * 6.10 a direct-I/O write drops the file's cached pages by itself; the
 * store's own drop is what older kernels need.)
 */
START_TEST(cached_values_follow_each_store)
{
	for (size_t i = 0; i < sizeof(cached) / sizeof(cached[0]); i++) {
		const char *path = tl_at(&tl_m1, cached[i].rel);
		char buf[256];
		struct stat st;
		int fd;

		ck_assert_int_eq(tl_put(path, cached[i].a), 0);
		ck_assert_str_eq(tl_get(path), cached[i].a);
		fd = open(path, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(pread(fd, buf, sizeof(buf), 0), (ssize_t)strlen(cached[i].a));
		ck_assert_msg(page_kept(fd), "%s: not kept after a read", cached[i].rel);
		ck_assert_int_eq(tl_put(path, cached[i].b), 0);
		ck_assert_msg(!page_kept(fd), "%s: kept after a store", cached[i].rel);
		memset(buf, 0, sizeof(buf));
		ck_assert_int_eq(pread(fd, buf, sizeof(buf), 0), (ssize_t)strlen(cached[i].b));
		ck_assert_str_eq(buf, cached[i].b);
		close(fd);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_eq(st.st_size, (off_t)strlen(cached[i].b));
		ck_assert_str_eq(tl_get(path), cached[i].b);
	}
}
END_TEST

/*
 * A read that races stores is never empty: with an atomic O_TRUNC the
 * kernel set the size to 0 at each `>` open, and 70% of the reads racing
 * `echo > client_name` came back empty. Between two values of one length
 * it is always one of them, whole. (Between values of different lengths
 * a few reads racing a store still get one value cut to the other's size:
 * doc/design.md §2.3.)
 */
START_TEST(cached_read_racing_stores)
{
	const char *path = tl_at(&tl_m1, cached[_i].rel);
	bool same = strlen(cached[_i].a) == strlen(cached[_i].b);
	long reads = 0, empty = 0, torn = 0;
	char first[256] = "";
	int status;
	pid_t writer;

	ck_assert_int_eq(tl_put(path, cached[_i].a), 0);
	writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer == 0) {
		for (int k = 0; k < 1500; k++)
			if (tl_put(path, k % 2 ? cached[_i].a : cached[_i].b) != 0)
				_exit(1);
		_exit(0);
	}
	while (waitpid(writer, &status, WNOHANG) == 0) {
		char buf[256];
		int fd = open(path, O_RDONLY);
		ssize_t n;

		ck_assert_int_ge(fd, 0);
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		ck_assert_int_ge(n, 0);
		buf[n] = '\0';
		reads++;
		empty += n == 0;
		/* whole: no NUL after a shorter value either */
		if ((size_t)n != strlen(buf) || (strcmp(buf, cached[_i].a) != 0 && strcmp(buf, cached[_i].b) != 0))
			if (!torn++)
				snprintf(first, sizeof(first), "%s", buf);
	}
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_msg(empty == 0, "%s: %ld of %ld reads racing stores were empty", cached[_i].rel, empty, reads);
	ck_assert_msg(!same || torn == 0, "%s: %ld of %ld reads were neither value, first \"%s\"", cached[_i].rel,
		      torn, reads, first);
	if (!same)
		printf("# %s: %ld of %ld reads racing stores got a value cut to the other's size\n",
		       cached[_i].rel, torn, reads);
}
END_TEST

/* Live values are never in the page cache: each read asks the daemon. */
START_TEST(live_values_not_kept)
{
	static const char *const live[] = { "status", "last_error", "progress", "state",
					    "exclusive_owner", "media/type", "recorder/commands" };

	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		int fd = open(tl_at(&tl_m1, live[i]), O_RDONLY);
		char buf[4096];

		ck_assert_int_ge(fd, 0);
		ck_assert_int_ge(read(fd, buf, sizeof(buf)), 0);
		/* direct I/O: mmap is refused or maps nothing the kernel keeps */
		{
			void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
			unsigned char in = 0;

			if (p != MAP_FAILED) {
				ck_assert_int_eq(mincore(p, 4096, &in), 0);
				munmap(p, 4096);
			}
			ck_assert_msg(!(in & 1), "%s is kept by the page cache", live[i]);
		}
		close(fd);
	}
}
END_TEST

static void
setup_fresh(void)
{
	tl_start_with("media_poll=0");
}

/*
 * The first stat of a live file after the mount is a LOOKUP, whose reply the
 * kernel would keep for a second: a failure right after it still shows in
 * the next stat's size.
 */
START_TEST(live_size_current_after_first_lookup)
{
	struct stat st;
	char le[4300];

	snprintf(le, sizeof(le), "%s", tl_at(&tl_m1, "last_error"));

	ck_assert_int_eq(stat(le, &st), 0);
	ck_assert_int_eq(st.st_size, 1);	/* "\n": no failure yet */
	/* not read before the stat: a read would make the kernel ask again anyway (atime) */
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "write_speed"), "fast\n"), -EINVAL);
	ck_assert_int_eq(stat(le, &st), 0);
	ck_assert_int_gt(st.st_size, 1);
	ck_assert_int_eq(st.st_size, (off_t)strlen(tl_get(le)));
	tl_last_error_starts(&tl_m1, "E_INVALIDARG 0x80070057: expected max");
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
	tcase_add_test(tc, cached_values_follow_each_store);
	tcase_add_test(tc, live_values_not_kept);
	tcase_add_loop_test(tc, cached_read_racing_stores, 0, sizeof(cached) / sizeof(cached[0]));
	tcase_add_test(tl_mount_tcase(s, "fresh", setup_fresh, 60),
		       live_size_current_after_first_lookup);
	tcase_add_test(tl_mount_tcase(s, "watched", setup_watch, 120),
		       medium_change_behind_the_back);
	tcase_add_test(tl_mount_tcase(s, "options", NULL, 60), media_poll_checked);
	return s;
}

TL_MOUNT_MAIN(state_suite)
