/*
 * The sink suite: track.raw and burn/ through the real daemon on a real FUSE
 * mount before and around a burn (opens, refusals, misplaced writes, statfs),
 * split from test-mount.c by subject. Exits 77 (skip) only when FUSE cannot
 * be used on this machine at all.
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


START_TEST(track_raw_open)
{
	int fd, fd2;

	ck_assert_int_eq(open(tl_at(&tl_m1, "track.raw"), O_WRONLY), -1);
	ck_assert_int_eq(errno, EINVAL);
	tl_last_error_starts(&tl_m1, TL_E_NAME ": no client name is set; write one to client_name first");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Sink\n"), 0);
	ck_assert_int_eq(open(tl_at(&tl_m1, "track.raw"), O_RDONLY), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(open(tl_at(&tl_m1, "track.raw"), O_RDWR), -1);
	ck_assert_int_eq(errno, EACCES);
	fd = open(tl_at(&tl_m1, "track.raw"), O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	/* open = PrepareMedia under the client name */
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "prepared\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "Sink\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Other\n"), -EBUSY);
	fd2 = open(tl_at(&tl_m1, "track.raw"), O_WRONLY);
	ck_assert_int_eq(fd2, -1);
	ck_assert_int_eq(errno, EBUSY);
	tl_last_error_starts(&tl_m1, "E_IMAPI_DF2RAW_WRITE_IN_PROGRESS 0xC0AA0600: ");
	/* a stream that ends before its lead-in gave a TOC burns nothing */
	ck_assert_int_eq(write(fd, "x", 1), 1);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "writing\n");
	/* the last close ends the write, fails with EIO, and the outcome is final */
	ck_assert_int_eq(close(fd), -1);
	ck_assert_int_eq(errno, EIO);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "idle\n");
	tl_last_error_starts(&tl_m1, TL_E_EOF ": incomplete: the stream ended in the middle of a sector");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/blank")), "1\n");
	ck_assert_ptr_nonnull(strstr(tl_get(tl_at(&tl_m1, "status")),
				     "\nlast_burn: " TL_E_EOF ": incomplete: the stream ended in the middle of a sector"));
	/* after ctl prepare, open and close leave it prepared */
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "prepare\n"), 0);
	fd = open(tl_at(&tl_m1, "track.raw"), O_WRONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "prepared\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "release\n"), 0);
}
END_TEST

START_TEST(burn_dir)
{
	struct stat st;
	struct dirent *de;
	int n = 0, fd;
	DIR *d;

	ck_assert_int_eq(open(tl_at(&tl_m1, "burn/disc.iso"), O_WRONLY | O_CREAT | O_EXCL, 0644), -1);
	ck_assert_int_eq(errno, EINVAL);
	tl_last_error_starts(&tl_m1, TL_E_NAME ": no client name is set; write one to client_name first");
	ck_assert_int_eq(stat(tl_at(&tl_m1, "burn/disc.iso"), &st), -1);	/* nothing left behind */
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Drop\n"), 0);
	fd = open(tl_at(&tl_m1, "burn/stream.bin"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "Drop\n");
	/* one burn at a time */
	ck_assert_int_eq(open(tl_at(&tl_m1, "burn/other.bin"), O_WRONLY | O_CREAT | O_EXCL, 0644), -1);
	ck_assert_int_eq(errno, EBUSY);
	tl_last_error_starts(&tl_m1, "E_IMAPI_DF2RAW_WRITE_IN_PROGRESS 0xC0AA0600: ");
	ck_assert_int_eq(open(tl_at(&tl_m1, "track.raw"), O_WRONLY), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(write(fd, "abc", 3), 3);
	ck_assert_int_eq(unlink(tl_at(&tl_m1, "burn/stream.bin")), -1);
	ck_assert_int_eq(errno, EBUSY);
	/* three bytes are no stream: the copier's close says so */
	ck_assert_int_eq(close(fd), -1);
	ck_assert_int_eq(errno, EIO);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "idle\n");
	/* listed after close with the bytes it took; chmod/utimens are fine */
	ck_assert_int_eq(stat(tl_at(&tl_m1, "burn/stream.bin"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_size, 3);
	ck_assert_int_eq(chmod(tl_at(&tl_m1, "burn/stream.bin"), 0600), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, tl_at(&tl_m1, "burn/stream.bin"), NULL, 0), 0);
	d = opendir(tl_at(&tl_m1, "burn"));
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			ck_assert_str_eq(de->d_name, "stream.bin");
			n++;
		}
	closedir(d);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(open(tl_at(&tl_m1, "burn/stream.bin"), O_WRONLY | O_TRUNC), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(mkdir(tl_at(&tl_m1, "burn/sub"), 0755), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(unlink(tl_at(&tl_m1, "burn/stream.bin")), 0);
	ck_assert_int_eq(stat(tl_at(&tl_m1, "burn/stream.bin"), &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(rmdir(tl_at(&tl_m1, "burn")), -1);
	ck_assert_int_eq(errno, EPERM);
}
END_TEST

/* ---- stream refusals before anything is burned (issue 4, item 4) ---- */

static int
stream_into(const char *path, const char *src_cmd)
{
	char *cmd;
	int status;

	ck_assert_int_gt(asprintf(&cmd, "%s > '%s' 2>/dev/null", src_cmd, path), 0);
	status = system(cmd);
	free(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(random_bytes_refused)
{
	char *rnd = tl_path(tl_top, "random.bin"), cmd[4400];
	int fd, n;
	static char buf[65536];

	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Rand\n"), 0);
	snprintf(cmd, sizeof(cmd), "head -c 2000000 /dev/urandom > '%s'", rnd);
	ck_assert_int_eq(system(cmd), 0);
	fd = open(tl_at(&tl_m1, "track.raw"), O_WRONLY);
	ck_assert_int_ge(fd, 0);
	{
		int in = open(rnd, O_RDONLY);
		ssize_t r;

		n = 0;
		while ((r = read(in, buf, sizeof(buf))) > 0) {
			if (write(fd, buf, (size_t)r) < 0) {
				n = errno;
				break;
			}
		}
		close(in);
	}
	ck_assert_int_eq(n, EINVAL);
	tl_last_error_starts(&tl_m1, "E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED 0xC0AA060D: the stream");
	/* every later write fails the same, and close reports it too */
	ck_assert_int_eq(write(fd, buf, 10), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(close(fd), -1);
	ck_assert_int_eq(errno, EINVAL);
	tl_wait_state(&tl_m1, "idle");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/blank")), "1\n");
	free(rnd);
}
END_TEST

START_TEST(toc_too_long_refused)
{
	const char *image = getenv("BURNFS_IMAGE");
	char *wav = tl_path(tl_top, "long.wav"), cmd[8800];
	/* 81 minutes of silence, as a sparse file: the TOC alone decides */
	uint32_t n = 81u * 60 * 176400;
	uint8_t hdr[44] = "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0\x44\xac\0\0\x10\xb1\x02\0\x04\0\x10\0data";
	FILE *f;

	ck_assert_ptr_nonnull(image);
	hdr[4] = (uint8_t)(n + 36);
	hdr[5] = (uint8_t)((n + 36) >> 8);
	hdr[6] = (uint8_t)((n + 36) >> 16);
	hdr[7] = (uint8_t)((n + 36) >> 24);
	hdr[40] = (uint8_t)n;
	hdr[41] = (uint8_t)(n >> 8);
	hdr[42] = (uint8_t)(n >> 16);
	hdr[43] = (uint8_t)(n >> 24);
	f = fopen(wav, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	ck_assert_int_eq(ftruncate(fileno(f), (off_t)sizeof(hdr) + n), 0);
	fclose(f);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Long\n"), 0);
	snprintf(cmd, sizeof(cmd), "'%s' make --overburn '%s'", image, wav);
	ck_assert_int_ne(stream_into(tl_at(&tl_m1, "track.raw"), cmd), 0);
	tl_last_error_starts(&tl_m1, "E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE 0xC0AA0609: the stream's TOC puts the lead-out at LBA 364500");
	tl_wait_state(&tl_m1, "idle");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/blank")), "1\n");	/* nothing was burned */
	free(wav);
}
END_TEST

START_TEST(sink_refusals)
{
	int fd;

	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Seq\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "lead_in_sectors"), "100\n"), 0);
	ck_assert_int_eq(open(tl_at(&tl_m1, "track.raw"), O_WRONLY), -1);
	ck_assert_int_eq(errno, EINVAL);
	tl_last_error_starts(&tl_m1, "E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT 0xC0AA060F: lead_in_sectors is 100");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "lead_in_sectors"), "22650\n"), 0);
	fd = open(tl_at(&tl_m1, "track.raw"), O_WRONLY);
	ck_assert_int_ge(fd, 0);
	/*
	 * The sink is a stream: a write anywhere but at its end is refused
	 * with ESPIPE and a reason. lseek itself is the kernel's and moves
	 * only the descriptor's offset; the write after it is what fails.
	 */
	ck_assert_int_eq(pwrite(fd, "abc", 3, 4096), -1);
	ck_assert_int_eq(errno, ESPIPE);
	tl_last_error_starts(&tl_m1, "HRESULT_FROM_WIN32(ERROR_SEEK_ON_DEVICE) 0x80070084: writes must be sequential: this one is at offset 4096, the stream is at 0");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Reset\n"), -EBUSY);	/* another failure between */
	ck_assert_int_eq(lseek(fd, 100, SEEK_SET), 100);
	ck_assert_int_eq(write(fd, "abc", 3), -1);
	ck_assert_int_eq(errno, ESPIPE);
	tl_last_error_starts(&tl_m1, "HRESULT_FROM_WIN32(ERROR_SEEK_ON_DEVICE) 0x80070084: writes must be sequential: this one is at offset 100, the stream is at 0");
	ck_assert_int_eq(lseek(fd, 0, SEEK_DATA), -1);
	ck_assert_int_eq(errno, ESPIPE);
	tl_last_error_starts(&tl_m1, "HRESULT_FROM_WIN32(ERROR_SEEK_ON_DEVICE) 0x80070084: a stream cannot seek: it is written from its start to its end");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "release\n"), -EBUSY);
	close(fd);
	tl_wait_state(&tl_m1, "idle");
}
END_TEST

START_TEST(statfs_capacity)
{
	struct statvfs sv;

	ck_assert_int_eq(statvfs(tl_m1.mnt, &sv), 0);
	ck_assert_uint_eq(sv.f_frsize, 2048);
	ck_assert_uint_eq(sv.f_blocks, 359849);
	ck_assert_uint_eq(sv.f_bavail, 359849);
}
END_TEST

static Suite *
sink_suite(void)
{
	Suite *s = suite_create("sink");
	TCase *tc = tl_mount_tcase(s, "cdr80", tl_setup_default, 120);

	TL_TESTS(tc, track_raw_open, burn_dir, random_bytes_refused, toc_too_long_refused,
		 sink_refusals, statfs_capacity);
	return s;
}

TL_MOUNT_MAIN(sink_suite)
