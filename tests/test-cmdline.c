/*
 * The command line through the real binary: options, errors before
 * anything is mounted, the initial client name, and detaching once the
 * mount is up (README "Command line"). Split from the mount suite by
 * subject; the same harness.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tl-harness.h"
#include "tl-mount.h"

START_TEST(initial_client_name)
{
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Initial Name\n");
}
END_TEST

/* ---- the command line ---- */

static int
run_burnfs(const char *args, char *out, size_t size)
{
	char cmd[8192];
	FILE *p;
	size_t n;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1", tl_burnfs_bin, args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(command_line)
{
	char out[16384], args[8192], *mnt = tl_path(tl_top, "cl");

	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	ck_assert_int_eq(run_burnfs("--version", out, sizeof(out)), 0);
	ck_assert_msg(strncmp(out, "burnfs " BURNFS_VERSION "\n", strlen("burnfs " BURNFS_VERSION) + 1) == 0, "%s", out);
	ck_assert_int_eq(run_burnfs("--help", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "usage: "));
	ck_assert_ptr_nonnull(strstr(out, "emu_media=KIND"));
	snprintf(args, sizeof(args), "-o no_such_option emu:%s/x '%s'", tl_top, mnt);
	ck_assert_int_ne(run_burnfs(args, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "unknown option"));
	snprintf(args, sizeof(args), "emu:%s/x", tl_top);
	ck_assert_int_ne(run_burnfs(args, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "no MOUNTPOINT given"));
	ck_assert_int_ne(run_burnfs("", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "no DEVICE given"));
	snprintf(args, sizeof(args), "/nonexistent/sr7 '%s'", mnt);
	ck_assert_int_eq(run_burnfs(args, out, sizeof(out)), 1);
	ck_assert_ptr_nonnull(strstr(out, "cannot open /nonexistent/sr7: No such file or directory"));
	snprintf(args, sizeof(args), "/dev/null '%s'", mnt);
	ck_assert_int_eq(run_burnfs(args, out, sizeof(out)), 1);
	ck_assert_ptr_nonnull(strstr(out, "does not answer SCSI commands"));
	snprintf(args, sizeof(args), "-o client_name=a/b emu:%s/x '%s'", tl_top, mnt);
	ck_assert_int_ne(run_burnfs(args, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, TL_E_NAME));
	snprintf(args, sizeof(args), "-o emu_media=floppy emu:%s/x '%s'", tl_top, mnt);
	ck_assert_int_ne(run_burnfs(args, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "emu_media=floppy"));
	snprintf(args, sizeof(args), "-o emu_speed=fast emu:%s/x '%s'", tl_top, mnt);
	ck_assert_int_ne(run_burnfs(args, out, sizeof(out)), 0);
	snprintf(args, sizeof(args), "-o emu_fault=meteor emu:%s/x '%s'", tl_top, mnt);
	ck_assert_int_ne(run_burnfs(args, out, sizeof(out)), 0);
	snprintf(args, sizeof(args), "-o emu_media=cdr74 /dev/null '%s'", mnt);
	ck_assert_int_ne(run_burnfs(args, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "apply only to an emulated recorder"));
	/* nothing was mounted by any of these */
	ck_assert(!tl_is_fuse_mount(mnt));
	free(mnt);
}
END_TEST

/* The daemon detaches once the mount is up, and unmounting ends it. */
START_TEST(daemonizes)
{
	char out[4096], args[8192], *mnt = tl_path(tl_top, "bg");
	int status;

	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	snprintf(args, sizeof(args), "-o client_name=Bg emu:%s '%s'", tl_disc, mnt);
	ck_assert_int_eq(run_burnfs(args, out, sizeof(out)), 0);
	ck_assert_msg(tl_is_fuse_mount(mnt), "not mounted after burnfs returned: %s", out);
	{
		char *name = tl_path(mnt, "client_name");

		ck_assert_str_eq(tl_get(name), "Bg\n");
		free(name);
	}
	snprintf(args, sizeof(args), "fusermount3 -u '%s' || umount '%s'", mnt, mnt);
	status = system(args);
	ck_assert_int_eq(status, 0);
	free(mnt);
}
END_TEST

/* ---- suite ---- */

static void setup_named(void) { tl_start_with("client_name=Initial Name"); }
static void setup_bare(void) { tl_setup_dirs(); }

static Suite *
cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc;

	tcase_add_test(tl_mount_tcase(s, "named", setup_named, 120), initial_client_name);
	tc = tl_mount_tcase(s, "command_line", setup_bare, 120);
	TL_TESTS(tc, command_line, daemonizes);
	return s;
}

TL_MOUNT_MAIN(cmdline_suite)
