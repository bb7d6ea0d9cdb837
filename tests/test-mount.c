/*
 * The mount suite: the real burnfs daemon on a real FUSE mount in a
 * temporary directory, talking to an emulated recorder, checked with real
 * syscalls and exact errnos (doc/reference/style.md habit 11). Exits 77 (skip) only when
 * FUSE cannot be used on this machine at all.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tl-harness.h"
#include "tl-mount.h"


/* The mount suite's test cases: each case within 120 s. */
static TCase *
tcase(Suite *s, const char *name, void (*setup)(void))
{
	return tl_mount_tcase(s, name, setup, 120);
}

/* ---- acceptance item 2: client_name ---- */

START_TEST(client_name_roundtrip)
{
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "MyBurner\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "MyBurner\n");
	/* without a newline, and stored again through O_APPEND at an offset */
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Other"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Other\n");
	{
		int fd = open(tl_at(&tl_m1, "client_name"), O_WRONLY | O_APPEND);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "Appended\n", 9), 9);
		close(fd);
	}
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Appended\n");
}
END_TEST

static const struct {
	const char *value;
	size_t len;
	const char *reason;
} bad_names[] = {
	{ "\n", 1, "the name is empty; it needs 1 to 63 characters" },
	{ "0123456789012345678901234567890123456789012345678901234567890123\n", 65,
	  "the name is 64 bytes long; at most 63 are allowed" },
	{ "a/b\n", 4, "character '/' at position 2 is not allowed" },
	{ "tab\tx\n", 6, "byte 0x09 at position 4 is not allowed" },
	{ "\xc3\xa9\n", 3, "byte 0xC3 at position 1 is not allowed" },
	{ "two\nlines\n", 10, "byte 0x0A at position 4 is not allowed" },
	{ "nul\0byte\n", 9, "byte 0x00 at position 4 is not allowed" },
};

START_TEST(client_name_invalid)
{
	char want[256];

	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Keep\n"), 0);
	ck_assert_int_eq(tl_put_len(tl_at(&tl_m1, "client_name"), bad_names[_i].value, bad_names[_i].len),
			 -EINVAL);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Keep\n");
	snprintf(want, sizeof(want), TL_E_NAME ": %s", bad_names[_i].reason);
	tl_last_error_starts(&tl_m1, want);
}
END_TEST

START_TEST(client_name_63_allowed)
{
	const char *name = "Az09 ,-.:;_ Az09 ,-.:;_ Az09 ,-.:;_ Az09 ,-.:;_ Az09 ,-.:;_ Azz";
	char want[80];

	ck_assert_uint_eq(strlen(name), 63);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), name), 0);
	snprintf(want, sizeof(want), "%s\n", name);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), want);
}
END_TEST

/* As a user types it: bash's builtin echo reports the error itself. */
START_TEST(client_name_shell)
{
	char *script = tl_path(tl_top, "typed.sh"), cmd[4300];
	FILE *f = fopen(script, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "set -e\ncd '%s'\n"
		   "echo MyBurner > client_name\n"
		   "test \"$(cat client_name)\" = MyBurner\n"
		   "if echo a/b > client_name 2>'%s/echo.err'; then exit 2; fi\n"
		   "grep -q 'write error: Invalid argument' '%s/echo.err'\n"
		   "test \"$(cat client_name)\" = MyBurner\n"
		   "grep -q '^" TL_E_NAME ": ' last_error\n",
		tl_m1.mnt, tl_top, tl_top);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "bash '%s'", script);
	ck_assert_int_eq(system(cmd), 0);
	free(script);
}
END_TEST

/* ---- acceptance item 3: prepare, owner, release ---- */

START_TEST(prepare_owner_release)
{
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "MyBurner\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "prepare\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "MyBurner\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "prepared\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Other\n"), -EBUSY);
	tl_last_error_starts(&tl_m1, "E_IMAPI_DF2RAW_MEDIA_IS_PREPARED 0xC0AA0603: ");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "MyBurner\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "prepare\n"), -EBUSY);
	tl_last_error_starts(&tl_m1, "E_IMAPI_DF2RAW_MEDIA_IS_PREPARED 0xC0AA0603: ");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "eject\n"), -EBUSY);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "release\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "idle\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "release\n"), -EINVAL);
	tl_last_error_starts(&tl_m1, "E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED 0xC0AA0602: ");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Other\n"), 0);
}
END_TEST

START_TEST(prepare_without_name)
{
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "prepare\n"), -EINVAL);
	tl_last_error_starts(&tl_m1, TL_E_NAME ": no client name is set; write one to client_name first");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "idle\n");
}
END_TEST

/* With a client name set, ctl @cmd fails with @err and last_error starts with @prefix. */
static void
named_ctl_refused(const char *cmd, int err, const char *prefix)
{
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "T\n"), 0);
	tl_put_refused(&tl_m1, "ctl", cmd, err, prefix);
}

/* A drive without a disc. */
static void setup_none(void) { tl_start_with("emu_media=none"); }

START_TEST(prepare_no_media)
{
	named_ctl_refused("prepare\n", ENOMEDIUM, "E_IMAPI_RECORDER_MEDIA_NO_MEDIA 0xC0AA0202: ");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "none\n");
	{
		int err;

		tl_get_err(tl_at(&tl_m1, "media/blank"), &err);
		ck_assert_int_eq(err, ENOMEDIUM);
	}
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "\n");
}
END_TEST

/* A pressed CD-ROM, which cannot be written. */
static void setup_cdrom(void) { tl_start_with("emu_media=cdrom"); }

START_TEST(prepare_cdrom)
{
	named_ctl_refused("prepare\n", EMEDIUMTYPE,
			  "E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED 0xC0AA0607: ");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "cdrom\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/blank")), "0\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/start_of_next_session")), "none\n");
}
END_TEST

START_TEST(prepare_leadin_too_short)
{
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "T\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "lead_in_sectors"), "100\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "prepare\n"), -EINVAL);
	tl_last_error_starts(&tl_m1,
			  "E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT 0xC0AA060F: lead_in_sectors is 100");
}
END_TEST

/* ---- acceptance item 4: two mounts, one owner ---- */

START_TEST(two_mounts_one_owner)
{
	char dev[4200];

	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&tl_m2, "mnt2", dev, "client_name=Second"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "First\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "prepare\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m2, "exclusive_owner")), "First\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m2, "ctl"), "prepare\n"), -EBUSY);
	tl_last_error_starts(&tl_m2, "E_IMAPI_RECORDER_LOCKED 0xC0AA0210: ");
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m2, "last_error")), "held exclusively by First") != NULL,
		      "%s", tl_get(tl_at(&tl_m2, "last_error")));
	ck_assert_int_eq(tl_put(tl_at(&tl_m2, "ctl"), "eject\n"), -EBUSY);
	tl_last_error_starts(&tl_m2, "E_IMAPI_RECORDER_LOCKED 0xC0AA0210: ");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "release\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m2, "exclusive_owner")), "\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m2, "ctl"), "prepare\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "Second\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m2, "ctl"), "release\n"), 0);
}
END_TEST

/* ---- acceptance item 5: the tree ---- */

/* the group shares the owner's rights, so its bits are the owner's (fs/perm.c) */
static const struct {
	const char *path;
	mode_t mode;
} tree[] = {
	{ "client_name", 0664 }, { "exclusive_owner", 0444 }, { "track.raw", 0220 },
	{ "sector_type", 0664 }, { "supported_sector_types", 0444 },
	{ "lead_in_sectors", 0664 }, { "write_speed", 0664 }, { "current_write_speed", 0444 },
	{ "supported_write_speeds", 0444 }, { "pure_cav", 0664 },
	{ "buffer_underrun_free_disabled", 0664 }, { "simulate", 0664 }, { "verify", 0664 },
	{ "state", 0444 },
	{ "progress", 0444 }, { "status", 0444 }, { "last_error", 0444 }, { "ctl", 0220 },
	{ "media", 040775 }, { "media/type", 0444 }, { "media/blank", 0444 },
	{ "media/heuristically_blank", 0444 }, { "media/start_of_next_session", 0444 },
	{ "media/last_possible_start_of_leadout", 0444 }, { "recorder", 040775 },
	{ "recorder/vendor_id", 0444 }, { "recorder/product_id", 0444 },
	{ "recorder/product_revision", 0444 }, { "recorder/profiles", 0444 },
	{ "recorder/current_profiles", 0444 }, { "recorder/features", 0444 },
	{ "recorder/current_features", 0444 }, { "recorder/mode_pages", 0444 },
	{ "recorder/can_load_media", 0444 }, { "recorder/device", 0444 }, { "burn", 040775 },
	{ "disc", 040555 },
};

START_TEST(tree_modes_and_sizes)
{
	struct stat st;
	size_t listed = 0;
	struct dirent *de;
	DIR *d;

	for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
		ck_assert_msg(stat(tl_at(&tl_m1, tree[i].path), &st) == 0, "%s: %s", tree[i].path,
			      strerror(errno));
		if (tree[i].mode & 040000) {
			ck_assert_msg(S_ISDIR(st.st_mode), "%s is not a directory", tree[i].path);
			ck_assert_uint_eq(st.st_mode & 07777, tree[i].mode & 07777);
			continue;
		}
		ck_assert_msg(S_ISREG(st.st_mode), "%s is not a file", tree[i].path);
		ck_assert_msg((st.st_mode & 07777) == tree[i].mode, "%s has mode %o, expected %o",
			      tree[i].path, st.st_mode & 07777, tree[i].mode);
		/* what stat says is what a read gives */
		if (tree[i].mode & 0444)
			ck_assert_msg((size_t)st.st_size == strlen(tl_get(tl_at(&tl_m1, tree[i].path))),
				      "%s: size %lld, content %zu bytes", tree[i].path,
				      (long long)st.st_size, strlen(tl_get(tl_at(&tl_m1, tree[i].path))));
	}
	d = opendir(tl_m1.mnt);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			listed++;
	closedir(d);
	ck_assert_uint_eq(listed, 22);	/* the top level of the table above */
}
END_TEST

/* A blank CD-R's values before anything is set: the whole text, a part of it, or its start. */
enum match { IS, HAS, STARTS };

static const struct {
	const char *path;
	enum match match;
	const char *want;
} fresh_values[] = {
	{ "sector_type", IS, "cooked\n" },
	{ "supported_sector_types", IS, "pq cooked raw\n" },
	{ "lead_in_sectors", IS, "22650\n" },
	{ "write_speed", IS, "max\n" },
	{ "current_write_speed", IS, "3600\n" },
	{ "supported_write_speeds", IS, "300 600 1200 1800 2400 3600\n" },
	{ "pure_cav", IS, "0\n" },
	{ "buffer_underrun_free_disabled", IS, "0\n" },
	{ "simulate", IS, "0\n" },
	{ "verify", IS, "1\n" },
	{ "state", IS, "idle\n" },
	{ "last_error", IS, "\n" },
	{ "media/type", IS, "cdr\n" },
	{ "media/blank", IS, "1\n" },
	{ "media/heuristically_blank", IS, "1\n" },
	{ "media/start_of_next_session", IS, "-11634\n" },
	{ "media/last_possible_start_of_leadout", IS, "359849\n" },
	{ "recorder/vendor_id", IS, "BURNFS\n" },
	{ "recorder/product_id", IS, "Emulated CD-RW\n" },
	{ "recorder/product_revision", IS, "1.0\n" },
	{ "recorder/profiles", IS, "0x000A cd-rw\n0x0009 cd-r\n0x0008 cd-rom\n" },
	{ "recorder/current_profiles", IS, "0x0009 cd-r\n" },
	{ "recorder/features", HAS, "0x002E cd-mastering\n" },
	{ "recorder/current_features", HAS, "0x002E cd-mastering\n" },
	{ "recorder/mode_pages", IS,
	  "0x01 read-write-error-recovery\n0x05 write-parameters\n0x2A capabilities\n" },
	{ "recorder/can_load_media", IS, "1\n" },
	{ "recorder/device", STARTS, "emu:/" },
	{ "progress", IS, "action idle\nstart_lba 0\nsector_count 0\nlast_written_lba 0\n"
			  "elapsed_s 0\nremaining_s 0\nbuffer_used 0\nbuffer_total 0\n" },
};

START_TEST(values)
{
	for (size_t i = 0; i < sizeof(fresh_values) / sizeof(fresh_values[0]); i++) {
		const char *path = fresh_values[i].path, *want = fresh_values[i].want;
		const char *got = tl_get(tl_at(&tl_m1, path));

		if (fresh_values[i].match == IS)
			ck_assert_str_eq(got, want);
		else if (fresh_values[i].match == HAS)
			ck_assert_msg(strstr(got, want) != NULL, "%s lacks \"%s\": %s", path, want,
				      got);
		else
			ck_assert_msg(strncmp(got, want, strlen(want)) == 0, "%s: %s", path, got);
	}
}
END_TEST

START_TEST(status_has_every_property)
{
	static const char *const keys[] = {
		"client_name", "exclusive_owner", "sector_type", "supported_sector_types",
		"lead_in_sectors", "write_speed", "current_write_speed", "supported_write_speeds",
		"pure_cav", "buffer_underrun_free_disabled", "simulate", "verify", "state",
		"last_error",
		"media/type", "media/blank", "media/heuristically_blank",
		"media/start_of_next_session", "media/last_possible_start_of_leadout",
		"recorder/vendor_id", "recorder/product_id", "recorder/product_revision",
		"recorder/can_load_media", "recorder/device",
	};
	const char *status;

	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Stat\n"), 0);
	status = tl_get(tl_at(&tl_m1, "status"));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char want[128];

		snprintf(want, sizeof(want), "%s%s: ", i ? "\n" : "", keys[i]);
		ck_assert_msg(strstr(status, want) != NULL, "status lacks %s:\n%s", keys[i], status);
	}
	ck_assert_msg(strncmp(status, "client_name: Stat\n", 18) == 0, "%s", status);
	ck_assert_ptr_nonnull(strstr(status, "\nmedia/last_possible_start_of_leadout: 359849\n"));
}
END_TEST

START_TEST(fixed_nodes)
{
	ck_assert_int_eq(unlink(tl_at(&tl_m1, "client_name")), -1);
	ck_assert_int_eq(errno, EPERM);
	tl_last_error_starts(&tl_m1, "HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED) 0x80070032: client_name is part of the fixed tree");
	ck_assert_int_eq(rename(tl_at(&tl_m1, "state"), tl_at(&tl_m1, "state2")), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(rmdir(tl_at(&tl_m1, "media")), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(mkdir(tl_at(&tl_m1, "newdir"), 0755), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(open(tl_at(&tl_m1, "newfile"), O_WRONLY | O_CREAT | O_EXCL, 0644), -1);
	ck_assert_int_eq(errno, EACCES);
	tl_last_error_starts(&tl_m1, "E_ACCESSDENIED 0x80070005: newfile cannot be created");
	ck_assert_int_eq(open(tl_at(&tl_m1, "nonexistent"), O_RDONLY), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* the shell's view */
	{
		char cmd[4400];

		snprintf(cmd, sizeof(cmd), "rm '%s' 2>&1 | grep -q 'Operation not permitted'",
			 tl_at(&tl_m1, "client_name"));
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

/* ---- sysfs conventions (doc/design.md §2) ---- */

START_TEST(sysfs_conventions)
{
	struct timespec times[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	int fd;

	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Conv\n"), 0);
	/* truncate to 0 and O_TRUNC change nothing */
	ck_assert_int_eq(truncate(tl_at(&tl_m1, "client_name"), 0), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Conv\n");
	ck_assert_int_eq(truncate(tl_at(&tl_m1, "client_name"), 5), -1);
	ck_assert_int_eq(errno, EINVAL);
	tl_last_error_starts(&tl_m1, "E_INVALIDARG 0x80070057: client_name can only be truncated to 0");
	ck_assert_int_eq(truncate(tl_at(&tl_m1, "state"), 0), -1);
	ck_assert_int_eq(errno, EACCES);
	/* what copiers send after the data */
	ck_assert_int_eq(chmod(tl_at(&tl_m1, "client_name"), 0600), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, tl_at(&tl_m1, "client_name"), times, 0), 0);
	fd = open(tl_at(&tl_m1, "client_name"), O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fsync(fd), 0);
	ck_assert_int_eq(fdatasync(fd), 0);
	close(fd);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Conv\n");
	/* read-only and write-only files refuse the other direction */
	ck_assert_int_eq(open(tl_at(&tl_m1, "exclusive_owner"), O_WRONLY), -1);
	ck_assert_int_eq(errno, EACCES);
	tl_last_error_starts(&tl_m1, "E_ACCESSDENIED 0x80070005: exclusive_owner is read-only");
	ck_assert_int_eq(open(tl_at(&tl_m1, "ctl"), O_RDONLY), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(access(tl_at(&tl_m1, "state"), W_OK), -1);
	ck_assert_int_eq(access(tl_at(&tl_m1, "client_name"), R_OK | W_OK), 0);
	/* reads are consistent snapshots and have no side effects */
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "cdr\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "cdr\n");
	/* a partial read at an offset */
	fd = open(tl_at(&tl_m1, "lead_in_sectors"), O_RDONLY);
	{
		char b[8] = { 0 };

		ck_assert_int_eq(pread(fd, b, 3, 2), 3);
		ck_assert_str_eq(b, "650");
	}
	close(fd);
	/* a value longer than a page is refused whole */
	{
		static char big[5000];

		memset(big, 'a', sizeof(big));
		ck_assert_int_eq(tl_put_len(tl_at(&tl_m1, "client_name"), big, sizeof(big)), -EINVAL);
		ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Conv\n");
	}
}
END_TEST

/* Every attribute's invalid values, with errno and last_error. */
static const struct {
	const char *file;
	const char *value;
	int err;
	const char *last_error;
} bad_values[] = {
	{ "sector_type", "foo\n", EINVAL, "E_INVALIDARG 0x80070057: expected pq, cooked or raw (or 1, 2, 3)" },
	{ "sector_type", "4\n", EINVAL, "E_INVALIDARG 0x80070057: expected pq, cooked or raw" },
	{ "lead_in_sectors", "-1\n", EINVAL, "E_INVALIDARG 0x80070057: expected an integer from 0 to 450000" },
	{ "lead_in_sectors", "12x\n", EINVAL, "E_INVALIDARG 0x80070057: expected an integer" },
	{ "lead_in_sectors", "450001\n", EINVAL, "E_INVALIDARG 0x80070057: expected an integer" },
	{ "write_speed", "0\n", EINVAL, "E_INVALIDARG 0x80070057: expected max, sectors per second" },
	{ "write_speed", "fast\n", EINVAL, "E_INVALIDARG 0x80070057: expected max" },
	{ "write_speed", "0x\n", EINVAL, "E_INVALIDARG 0x80070057: expected max" },
	{ "pure_cav", "2\n", EINVAL, "E_INVALIDARG 0x80070057: expected 0 or 1" },
	{ "buffer_underrun_free_disabled", "yes\n", EINVAL, "E_INVALIDARG 0x80070057: expected 0 or 1" },
	{ "simulate", "\n", EINVAL, "E_INVALIDARG 0x80070057: expected 0 or 1" },
	{ "verify", "on\n", EINVAL, "E_INVALIDARG 0x80070057: expected 0 or 1" },
	{ "ctl", "frobnicate\n", EINVAL, "E_INVALIDARG 0x80070057: unknown command" },
	{ "ctl", "prepare now\n", EINVAL, "E_INVALIDARG 0x80070057: unknown command" },
	{ "ctl", "blank half\n", EINVAL, "E_INVALIDARG 0x80070057: unknown command" },
	{ "ctl", "release\n", EINVAL, "E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED 0xC0AA0602: " },
	{ "ctl", "cancel\n", EINVAL, "E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS 0xC0AA0601: " },
	{ "ctl", "blank\n", EINVAL, TL_E_NAME ": no client name is set; write one to client_name first" },
};

START_TEST(attribute_bad_values)
{
	char before[256];

	if (strcmp(bad_values[_i].file, "ctl") != 0)
		snprintf(before, sizeof(before), "%s", tl_get(tl_at(&tl_m1, bad_values[_i].file)));
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, bad_values[_i].file), bad_values[_i].value),
			 -bad_values[_i].err);
	tl_last_error_starts(&tl_m1, bad_values[_i].last_error);
	if (strcmp(bad_values[_i].file, "ctl") != 0)
		ck_assert_str_eq(tl_get(tl_at(&tl_m1, bad_values[_i].file)), before);
}
END_TEST

/* Good values of each attribute, in this order, and what each then reads. */
static const struct {
	const char *file;
	const char *value;
	const char *reads;
} good_values[] = {
	{ "sector_type", "pq\n", "pq\n" },
	{ "sector_type", "3", "raw\n" },
	{ "lead_in_sectors", "11634\n", "11634\n" },
	{ "write_speed", "8x\n", "600\n" },
	{ "write_speed", "max\n", "max\n" },
	{ "pure_cav", "1\n", "1\n" },
	{ "buffer_underrun_free_disabled", "1\n", "1\n" },
	{ "simulate", "1\n", "1\n" },
	{ "verify", "0\n", "0\n" },
	{ "verify", "1", "1\n" },
};

START_TEST(attribute_good_values)
{
	for (size_t i = 0; i < sizeof(good_values) / sizeof(good_values[0]); i++) {
		const char *path = tl_at(&tl_m1, good_values[i].file);

		ck_assert_int_eq(tl_put(path, good_values[i].value), 0);
		ck_assert_str_eq(tl_get(path), good_values[i].reads);
	}
	/* they apply at the next prepare */
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Good\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "write_speed"), "4x\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "prepare\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "current_write_speed")), "300\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "release\n"), 0);
}
END_TEST

/* A drive that cannot write raw sectors with R-W subchannels. */
static void setup_no_rw(void) { tl_start_with("emu_media=cdr80,emu_fault=no_rw"); }

START_TEST(sector_type_unsupported)
{
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "supported_sector_types")), "pq\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "sector_type"), "raw\n"), -EOPNOTSUPP);
	tl_last_error_starts(&tl_m1, "E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED 0xC0AA060E: ");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "sector_type")), "cooked\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "sector_type"), "pq\n"), 0);
}
END_TEST

/* A drive whose disc is still spinning up. */
static void setup_not_ready(void) { tl_start_with("emu_fault=not_ready"); }

START_TEST(becoming_ready)
{
	int err;

	named_ctl_refused("prepare\n", EAGAIN,
			  "E_IMAPI_RECORDER_MEDIA_BECOMING_READY 0xC0AA0205: ");
	tl_get_err(tl_at(&tl_m1, "media/type"), &err);
	ck_assert_int_eq(err, EAGAIN);
}
END_TEST

/* A drive without raw writing at all. */
static void setup_no_raw(void) { tl_start_with("emu_fault=no_raw"); }

START_TEST(recorder_without_raw)
{
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "supported_sector_types")), "\n");
	named_ctl_refused("prepare\n", EOPNOTSUPP,
			  "E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED 0xC0AA0610: ");
}
END_TEST

START_TEST(not_blank)
{
	named_ctl_refused("blank\n", EMEDIUMTYPE,
			  "E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED 0xC0AA0607: only a CD-RW");
}
END_TEST

/* A blank CD-RW. */
static void setup_cdrw(void) { tl_start_with("emu_media=cdrw80"); }

START_TEST(blank_cdrw)
{
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "cdrw\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "T\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "blank\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "blank full\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "blank minimal\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/blank")), "1\n");
}
END_TEST

START_TEST(eject_load)
{
	int err;

	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "eject\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "none\n");
	tl_get_err(tl_at(&tl_m1, "media/blank"), &err);
	ck_assert_int_eq(err, ENOMEDIUM);
	tl_last_error_starts(&tl_m1, "E_IMAPI_RECORDER_MEDIA_NO_MEDIA 0xC0AA0202: ");
	ck_assert_ptr_nonnull(strstr(tl_get(tl_at(&tl_m1, "status")), "\nmedia/blank: \n"));
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "load\n"), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "cdr\n");
}
END_TEST

/* last_error belongs to the calling process, with the mount's as fallback. */
START_TEST(last_error_per_process)
{
	int status;
	pid_t pid;

	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "pure_cav"), "7\n"), -EINVAL);
	tl_last_error_starts(&tl_m1, "E_INVALIDARG 0x80070057: expected 0 or 1");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* no failure of its own yet: the mount's last one */
		if (strncmp(tl_get(tl_at(&tl_m1, "last_error")), "E_INVALIDARG", 12) != 0)
			_exit(1);
		if (tl_put(tl_at(&tl_m1, "ctl"), "release\n") != -EINVAL)
			_exit(2);
		if (strncmp(tl_get(tl_at(&tl_m1, "last_error")), "E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED", 36) != 0)
			_exit(3);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	/* this process keeps its own */
	tl_last_error_starts(&tl_m1, "E_INVALIDARG 0x80070057: expected 0 or 1");
}
END_TEST

/* ---- suite ---- */

static Suite *
mount_suite(void)
{
	Suite *s = suite_create("mount");
	TCase *tc;

	tc = tcase(s, "cdr80", tl_setup_default);
	tcase_add_test(tc, client_name_roundtrip);
	tcase_add_loop_test(tc, client_name_invalid, 0, sizeof(bad_names) / sizeof(bad_names[0]));
	TL_TESTS(tc, client_name_63_allowed, client_name_shell, prepare_owner_release,
		 prepare_without_name, prepare_leadin_too_short, two_mounts_one_owner,
		 tree_modes_and_sizes, values, status_has_every_property, fixed_nodes,
		 sysfs_conventions);
	tcase_add_loop_test(tc, attribute_bad_values, 0,
			    sizeof(bad_values) / sizeof(bad_values[0]));
	TL_TESTS(tc, attribute_good_values, not_blank, eject_load, last_error_per_process);
	tcase_add_test(tcase(s, "none", setup_none), prepare_no_media);
	tcase_add_test(tcase(s, "cdrom", setup_cdrom), prepare_cdrom);
	tcase_add_test(tcase(s, "cdrw80", setup_cdrw), blank_cdrw);
	tcase_add_test(tcase(s, "no_rw", setup_no_rw), sector_type_unsupported);
	tcase_add_test(tcase(s, "no_raw", setup_no_raw), recorder_without_raw);
	tcase_add_test(tcase(s, "not_ready", setup_not_ready), becoming_ready);
	return s;
}

TL_MOUNT_MAIN(mount_suite)
