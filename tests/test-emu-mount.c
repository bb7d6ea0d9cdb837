/*
 * The emulated recorder's directory and medium through the real daemon
 * (issue 8, points 1 and 7): `burnfs emu:DIR` refuses a directory others
 * can write to before mounting anything, and a second mount's emu_media=
 * cannot swap the disc under a burn the first mount is running.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl-burn.h"
#include "tl-harness.h"
#include "tl-image.h"
#include "tl-mount.h"

#define ISO_SECTORS 400		/* over the 4-second minimum of a track */
#define SECTOR 2448		/* a cooked stream, the sink's default */
#define PROGRAM_START (22650 + 150)	/* stream sectors before the ISO: lead-in, pre-gap */


/* True when @path is an empty directory. */
static bool
dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = true;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

START_TEST(world_writable_dir_refused)
{
	char dev[4200], want[8192];

	tl_setup_dirs();
	ck_assert_int_eq(mkdir(tl_disc, 0700), 0);
	ck_assert_int_eq(chmod(tl_disc, 0777), 0);
	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&tl_m1, "mnt", dev, NULL), 1);
	snprintf(want, sizeof(want),
		 "burnfs: E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED 0xC0AA060A: emulator directory %s (owner uid %u, mode 0777) is writable by everyone: run chmod go-w %s, or use a directory of your own\n",
		 tl_disc, (unsigned)geteuid(), tl_disc);
	ck_assert_str_eq(tl_read(tl_m1.log), want);
	ck_assert(!tl_is_fuse_mount(tl_m1.mnt));
	/* refused before anything was made in it */
	ck_assert(dir_empty(tl_disc));
	/* as the message says: once others cannot write to it, it mounts */
	tl_mount_stop(&tl_m1);
	ck_assert_int_eq(chmod(tl_disc, 0755), 0);
	ck_assert_int_eq(tl_mount_start(&tl_m1, "mnt2", dev, NULL), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/type")), "cdr\n");
}
END_TEST

/* A stream made from a small ISO with burnfs-image; returns its path. */
static char *
make_small_stream(char **iso_out)
{
	char *iso = tl_path(tl_top, "small.iso"), *raw = tl_path(tl_top, "small.raw");
	int status;
	pid_t pid;

	tl_make_pvd_iso(iso, ISO_SECTORS, ISO_SECTORS);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl(tl_image_bin, "burnfs-image", "make", "-o", raw, iso, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	*iso_out = iso;
	return raw;
}

/* Copies bytes [@from, @to) of @in (a descriptor at @from) to @out. */
static void
copy_range(int in, int out, off_t from, off_t to)
{
	static char buf[1 << 20];

	while (from < to) {
		size_t want = to - from < (off_t)sizeof(buf) ? (size_t)(to - from) : sizeof(buf);
		ssize_t n = read(in, buf, want);

		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
		from += n;
	}
}

/* disc.bin's Mode 1 user data is @iso, sector for sector. */
static void
disc_is(const char *iso)
{
	char *bin = tl_path(tl_disc, "disc.bin");
	uint8_t sector[2352], want[2048];
	FILE *b = fopen(bin, "rb"), *i = fopen(iso, "rb");

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(i);
	for (unsigned s = 0; s < ISO_SECTORS; s++) {
		ck_assert_uint_eq(fread(want, 1, sizeof(want), i), sizeof(want));
		ck_assert_uint_eq(fread(sector, 1, sizeof(sector), b), sizeof(sector));
		ck_assert_msg(memcmp(sector + 16, want, sizeof(want)) == 0, "sector %u differs", s);
	}
	fclose(b);
	fclose(i);
	free(bin);
}

START_TEST(media_not_swapped_mid_burn)
{
	char *iso, *raw = make_small_stream(&iso), dev[4200], want[8192];
	off_t half = ((off_t)PROGRAM_START + ISO_SECTORS / 2) * SECTOR;
	struct stat sb;
	int in, out;

	ck_assert_int_eq(stat(raw, &sb), 0);
	ck_assert_int_gt(sb.st_size, half);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Burn Test\n"), 0);
	/* the first part of the stream, to the middle of the ISO: the drive is burning */
	in = open(raw, O_RDONLY);
	ck_assert_int_ge(in, 0);
	out = open(tl_at(&tl_m1, "track.raw"), O_WRONLY);
	ck_assert_int_ge(out, 0);
	copy_range(in, out, 0, half);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "Burn Test\n");
	/* a second mount asking for a new disc is refused, naming the holder, and mounts nothing */
	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&tl_m2, "mnt2", dev, "emu_media=cdr80"), 1);
	snprintf(want, sizeof(want),
		 "burnfs: E_IMAPI_RECORDER_LOCKED 0xC0AA0210: cannot load emu_media=cdr80: the recorder %s is held exclusively by Burn Test\n",
		 tl_disc);
	ck_assert_str_eq(tl_read(tl_m2.log), want);
	ck_assert(!tl_is_fuse_mount(tl_m2.mnt));
	/* the first burn goes on to the end, unharmed */
	copy_range(in, out, half, sb.st_size);
	ck_assert_int_eq(close(out), 0);
	close(in);
	tl_wait_state(&tl_m1, "idle");
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "status")), "\nlast_burn: S_OK 0x00000000: complete:"),
		      "%s", tl_get(tl_at(&tl_m1, "status")));
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/blank")), "0\n");
	disc_is(iso);
	/* nobody holds the drive now: emu_media= inserts a new disc, as always */
	tl_mount_stop(&tl_m2);
	ck_assert_int_eq(tl_mount_start(&tl_m2, "mnt3", dev, "emu_media=cdr80"), 0);
	/* the first mount sees the new disc at its next medium poll */
	tl_wait_value(&tl_m1, "media/blank", "1\n");
	free(raw);
	free(iso);
}
END_TEST

/* Paced: the drive burns from its buffer while the writer is ahead, as a real one does. */
static void
start_paced(void)
{
	tl_start_with("emu_speed=16");
}

static Suite *
emu_mount_suite(void)
{
	Suite *s = suite_create("emu-mount");
	TCase *tc = tl_tcase_in(s, "directory", NULL, tl_teardown_all);

	tcase_add_test(tc, world_writable_dir_refused);
	tc = tl_tcase_in(s, "media", start_paced, tl_teardown_all);
	tcase_add_test(tc, media_not_swapped_mid_burn);
	return s;
}

TL_BURN_MAIN(emu_mount_suite)
