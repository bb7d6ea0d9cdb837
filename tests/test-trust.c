/*
 * The trust suite (issue 8): what users, other users, broken streams and
 * stop requests must never do to a disc or to what burnfs reports. Each
 * case is a defect of the first release, run through the real daemon on
 * a real FUSE mount into the emulated recorder.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl-burn.h"
#include "tl-harness.h"
#include "tl-mount.h"

#define E_ACCESS "E_ACCESSDENIED 0x80070005"
#define E_STREAM "E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED 0xC0AA060D"
#define NOBODY 65534

/* The trust suite's test cases: each case within 600 s, 100 burns among them. */
static TCase *
tcase(Suite *s, const char *name, void (*setup)(void))
{
	return tl_mount_tcase(s, name, setup, 600);
}

/* ---- another user ---- */

/* What a child running as another user saw, in memory shared with the test. */
struct seen {
	int err[8];		/* errno of each step, 0 when it worked */
	char text[4][512];	/* last_error or a value read */
};

/* Runs @fn(@s) in a child as uid/gid NOBODY and waits for it. */
static void
as_nobody(void (*fn)(struct seen *s), struct seen *s)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
			_exit(99);
		fn(s);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}

static struct seen *
seen_new(void)
{
	struct seen *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			      -1, 0);

	ck_assert_ptr_ne(s, MAP_FAILED);
	memset(s, 0, sizeof(*s));
	return s;
}

static int
errno_of(int ret)
{
	return ret < 0 ? -ret : 0;
}

static int
open_errno(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void
copy_text(char *dst, const char *src)
{
	snprintf(dst, 512, "%s", src);
}

static void
nobody_tries(struct seen *s)
{
	int e;

	s->err[0] = errno_of(tl_put(tl_at(&tl_m1, "client_name"), "Intruder\n"));
	copy_text(s->text[0], tl_get_err(tl_at(&tl_m1, "last_error"), &e));
	s->err[1] = open_errno(tl_at(&tl_m1, "track.raw"), O_WRONLY);
	s->err[2] = errno_of(tl_put(tl_at(&tl_m1, "ctl"), "eject\n"));
	s->err[3] = open_errno(tl_at(&tl_m1, "burn/x.iso"), O_WRONLY | O_CREAT | O_EXCL);
	copy_text(s->text[1], tl_get_err(tl_at(&tl_m1, "client_name"), &s->err[4]));
	s->err[5] = chmod(tl_at(&tl_m1, "client_name"), 0666) < 0 ? errno : 0;
	copy_text(s->text[2], tl_get_err(tl_at(&tl_m1, "last_error"), &e));
}

static void
nobody_reads_last_error(struct seen *s)
{
	copy_text(s->text[3], tl_get_err(tl_at(&tl_m1, "last_error"), &s->err[6]));
}

/* allow_other alone: the modes hold, and last_error stays with its user. */
START_TEST(other_users_cannot_burn)
{
	struct seen *s = seen_new();
	char want[512];
	char dev[600], *base = tl_path(tl_top, "..");

	/* the other user must reach the mountpoint through the scratch directories */
	ck_assert_int_eq(chmod(base, 0755), 0);
	ck_assert_int_eq(chmod(tl_top, 0755), 0);
	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&tl_m1, "m1", dev, "allow_other"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Owner\n"), 0);
	as_nobody(nobody_tries, s);
	ck_assert_int_eq(s->err[0], EACCES);
	/* a mount by root with allow_other is the cdrom group's, where there is one (test-system) */
	snprintf(want, sizeof(want),
		 E_ACCESS ": client_name: permission denied: uid 65534 may not write it (mode 664, owner uid 0, group %s, gid %u)\n",
		 getgrnam("cdrom") ? "cdrom" : "root",
		 getgrnam("cdrom") ? (unsigned)getgrnam("cdrom")->gr_gid : 0);
	ck_assert_str_eq(s->text[0], want);
	ck_assert_int_eq(s->err[1], EACCES);
	ck_assert_int_eq(s->err[2], EACCES);
	ck_assert_int_eq(s->err[3], EACCES);
	ck_assert_int_eq(s->err[4], 0);
	ck_assert_str_eq(s->text[1], "Owner\n");	/* reading is for everyone */
	ck_assert_int_eq(s->err[5], EPERM);
	ck_assert_str_eq(s->text[2], "HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED) 0x80070032: client_name: operation not permitted: only uid 0 (the mount's owner) or root may change the mode of it\n");
	/* nothing changed: the drive is still the owner's */
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Owner\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/blank")), "1\n");
	ck_assert_int_eq(access(tl_at(&tl_m1, "burn/x.iso"), F_OK), -1);
	/* root fails last; a new process of the other user sees its user's failure, not root's */
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "a/b\n"), -EINVAL);
	tl_last_error_starts(&tl_m1, TL_E_NAME);
	as_nobody(nobody_reads_last_error, s);
	ck_assert_int_eq(s->err[6], 0);
	snprintf(want, sizeof(want), "%s", s->text[2]);
	ck_assert_str_eq(s->text[3], want);
	munmap(s, sizeof(*s));
	free(base);
}
END_TEST

/* ---- text from outside is one printable line ---- */

/* The emulator's path with ESC and a newline in it, and a burn/ job name likewise. */
START_TEST(control_characters_are_escaped)
{
	char *dir = tl_path(tl_top, "d\033[31m\nx"), dev[600], want[700];
	int fd;

	snprintf(dev, sizeof(dev), "emu:%s", dir);
	ck_assert_int_eq(tl_mount_start(&tl_m1, "m1", dev, NULL), 0);
	snprintf(want, sizeof(want), "emu:%s/d\\x1b[31m\\x0ax\n", tl_top);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "recorder/device")), want);
	ck_assert_ptr_nonnull(strstr(tl_get(tl_at(&tl_m1, "status")), "\nrecorder/device: emu:"));
	ck_assert_ptr_nonnull(strstr(tl_get(tl_at(&tl_m1, "status")), "d\\x1b[31m\\x0ax\n"));
	tl_name_it();
	fd = open(tl_at(&tl_m1, "burn/evil\033]0;pwned\007\nname.iso"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not an ISO", 10), 10);
	ck_assert_int_eq(close(fd), -1);
	ck_assert_int_eq(errno, EINVAL);
	tl_last_error_starts(&tl_m1, E_STREAM ": evil\\x1b]0;pwned\\x07\\x0aname.iso: ");
	ck_assert_ptr_null(strchr(tl_get(tl_at(&tl_m1, "last_error")), '\033'));
	free(dir);
}
END_TEST

/* ---- bytes after a complete stream ---- */

/* Zero padding after the lead-out, of each size: the disc is finished, the copy succeeds. */
static const size_t pads[] = { 1, 512, 2448, 3 * 2448 + 17 };

START_TEST(zero_padding_after_stream)
{
	struct tl_input in;
	char want[128];

	tl_input_named(&in, NULL);
	ck_assert_int_eq(tl_to_track("(cat '%s'; head -c %zu /dev/zero)", in.raw, pads[_i]), 0);
	tl_burned_ok();
	snprintf(want, sizeof(want), "; %zu zero bytes after the lead-out were ignored\n",
		 pads[_i]);
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "status")), want) != NULL, "%s", tl_get(tl_at(&tl_m1, "status")));
	tl_audio_equals(in.src);
}
END_TEST

/* dd conv=sync pads its last block with zeros: that copy burns a good disc too. */
START_TEST(dd_conv_sync)
{
	struct tl_input in;

	tl_input_named(&in, "pq");
	ck_assert_int_eq(tl_sh("dd if='%s' of='%s' bs=1M conv=sync status=none", in.raw,
			       tl_at(&tl_m1, "track.raw")), 0);
	tl_burned_ok();
	tl_audio_equals(in.src);
}
END_TEST

/* Data after the lead-out that is not padding is refused; the disc is still finished. */
START_TEST(data_after_stream_refused)
{
	struct tl_input in;

	tl_input_named(&in, NULL);
	ck_assert_int_ne(tl_to_track("cat '%s' '%s' 2>/dev/null", in.raw, in.src), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "idle\n");
	tl_last_error_starts(&tl_m1, E_STREAM ": the stream's lead-out is complete (");
	ck_assert_ptr_nonnull(strstr(tl_get(tl_at(&tl_m1, "last_error")),
				     " sectors) and the disc will be finished when it is closed; the "));
	tl_burned_ok();
	tl_audio_equals(in.src);
}
END_TEST

/* ---- a TOC that lies about its tracks ---- */

START_TEST(audio_toc_over_data_sectors)
{
	struct tl_input in;
	char *cue = tl_path(tl_top, "x.cue"), *lying;

	tl_input_iso(&in, "cooked");
	/* the data track's sectors, declared AUDIO in a cue, then streamed */
	ck_assert_int_eq(tl_sh("'%s' extract '%s' '%s'", tl_image_bin, in.raw, cue), 0);
	ck_assert_int_eq(tl_sh("sed -i 's|MODE1/2352|AUDIO|' '%s'", cue), 0);
	lying = tl_make_stream(cue, "cooked", NULL);
	tl_name_it();
	ck_assert_int_ne(tl_to_track("cat '%s' 2>/dev/null", lying), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "idle\n");
	tl_last_error_starts(&tl_m1, E_STREAM ": track 1 is declared audio in the stream's TOC but its first sector (LBA 0) is a data sector; the burn stops before the track is written");
	tl_last_burn_has(E_STREAM ": track 1 is declared audio");
	free(lying);
	free(cue);
}
END_TEST

/* ---- short input: the writer's close fails, the outcome is final when it returns ---- */

START_TEST(truncated_stream_fails_dd)
{
	struct tl_input in;

	tl_input_named(&in, NULL);
	/* whole sectors, but fewer than the TOC declares */
	ck_assert_int_ne(tl_sh("head -c $(( 2448 * 23000 )) '%s' | dd of='%s' bs=64k status=none 2>/dev/null",
			    in.raw, tl_at(&tl_m1, "track.raw")), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "idle\n");
	tl_last_burn_has(TL_E_EOF ": incomplete: the stream ended after 23000 of the ");
}
END_TEST

/* Files dropped into burn/ that end before their header says: cp fails. */
static const struct {
	const char *name;
	const char *cut;	/* how much of the source: head -c */
	const char *source;	/* "iso" or "wav" */
	const char *error;	/* last_error's start */
} short_files[] = {
	/* an ISO whose volume descriptor claims more sectors than the file holds */
	{ "cut.iso", "1000000", "iso", TL_E_EOF ": cut.iso: the input ended after 1000000 of " },
	/* a WAV whose samples stop early */
	{ "short.wav", "100000", "wav",
	  TL_E_EOF ": short.wav: the input ended after 100000 of 882044 bytes" },
	/* shorter than its own header: nothing is burned, the copy still fails */
	{ "tiny.wav", "20", "wav", E_STREAM ": tiny.wav: " },
};

START_TEST(short_files_fail_cp)
{
	char *src = strcmp(short_files[_i].source, "iso") ? tl_make_wav("s.wav", 5) : tl_make_iso();
	char *cut = tl_path(tl_top, short_files[_i].name);

	tl_name_it();
	ck_assert_int_eq(tl_sh("head -c %s '%s' > '%s'", short_files[_i].cut, src, cut), 0);
	ck_assert_int_ne(tl_sh("cp '%s' '%s/' 2>/dev/null", cut, tl_at(&tl_m1, "burn")), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "state")), "idle\n");
	tl_last_error_starts(&tl_m1, short_files[_i].error);
	free(cut);
	free(src);
}
END_TEST

/* ---- a stop request during a burn ---- */

/* The stop cases' drive: at 4x a burn is still running when the signal comes. */
static void setup_paced(void) { tl_start_with("emu_speed=4"); }

START_TEST(sigterm_cancels_burn)
{
	struct tl_input in;
	char *res = tl_path(tl_top, "writer.out"), dev[600];
	int status;
	pid_t writer;

	tl_input_wav(&in, "s.wav", 20, "cooked", NULL);
	tl_name_it();
	writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer == 0)
		_exit(tl_to_track("cat '%s' 2>'%s'", in.raw, res));
	tl_wait_state(&tl_m1, "writing");
	ck_assert_int_eq(kill(tl_m1.pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(tl_m1.pid, &status, 0), tl_m1.pid);
	tl_m1.pid = 0;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 3, "burnfs status %d", status);
	ck_assert_str_eq(tl_read(tl_m1.log), "burnfs: stopped by SIGTERM during a burn of track.raw: E_IMAPI_REQUEST_CANCELLED 0xC0AA0002: the write was cancelled (ctl cancel, or a stop request to the daemon)\n");
	ck_assert_int_eq(waitpid(writer, &status, 0), writer);
	ck_assert_int_ne(WEXITSTATUS(status), 0);
	ck_assert_ptr_nonnull(strstr(tl_read(res), "Operation canceled"));
	ck_assert(!tl_is_fuse_mount(tl_m1.mnt));
	/* the drive was released: a new mount of it is not locked out */
	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&tl_m2, "m2", dev, NULL), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m2, "exclusive_owner")), "\n");
	ck_assert_int_eq(tl_put(tl_at(&tl_m2, "ctl"), "eject\n"), 0);
	free(res);
}
END_TEST

/* SIGTERM with nothing running: a quiet, clean exit. */
START_TEST(sigterm_idle)
{
	int status;

	ck_assert_int_eq(kill(tl_m1.pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(tl_m1.pid, &status, 0), tl_m1.pid);
	tl_m1.pid = 0;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "burnfs status %d", status);
	ck_assert_str_eq(tl_read(tl_m1.log), "");
	ck_assert(!tl_is_fuse_mount(tl_m1.mnt));
}
END_TEST

/* ---- every refusal is in last_error ---- */

START_TEST(burn_entries_refusals)
{
	char *src = tl_path(tl_top, "x.bin");
	struct stat st;

	tl_name_it();
	ck_assert_int_eq(tl_sh("head -c 100 /dev/zero > '%s'", src), 0);
	ck_assert_int_ne(tl_sh("cp '%s' '%s/' 2>/dev/null", src, tl_at(&tl_m1, "burn")), 0);
	ck_assert_int_eq(stat(tl_at(&tl_m1, "burn/x.bin"), &st), 0);
	ck_assert_int_eq(rename(tl_at(&tl_m1, "burn/x.bin"), tl_at(&tl_m1, "burn/y.bin")), -1);
	ck_assert_int_eq(errno, EPERM);
	tl_last_error_starts(&tl_m1, "HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED) 0x80070032: burn/x.bin is a burn job's record and cannot be renamed");
	ck_assert_int_eq(truncate(tl_at(&tl_m1, "burn/x.bin"), 7), -1);
	ck_assert_int_eq(errno, EACCES);
	tl_last_error_starts(&tl_m1, E_ACCESS ": burn/x.bin is a burn job: its size is the 100 bytes it took, and cannot be set to 7");
	ck_assert_int_eq(truncate(tl_at(&tl_m1, "burn/x.bin"), 100), 0);
	free(src);
}
END_TEST

/* ---- memory over many burns ---- */

static long
rss_kb(pid_t pid)
{
	char path[64], *s;
	long kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	s = strstr(tl_read(path), "VmRSS:");
	if (s)
		kb = strtol(s + 6, NULL, 10);
	return kb;
}

/* A CD-RW, blanked between the burns. */
static void setup_cdrw(void) { tl_start_with("emu_media=cdrw80"); }

/* 100 burn + blank cycles on one mount: RSS stays within 32 MiB (issue 8, point 10). */
START_TEST(memory_over_100_cycles)
{
	struct tl_input in;
	long peak = 0;

	tl_input_named(&in, NULL);
	for (int i = 0; i < 100; i++) {
		long kb;

		if (i % 2)
			ck_assert_int_eq(tl_sh("cp '%s' '%s/s%d.wav' && rm '%s/s%d.wav'", in.src,
					    tl_at(&tl_m1, "burn"), i, tl_at(&tl_m1, "burn"), i), 0);
		else
			ck_assert_int_eq(tl_to_track("cat '%s'", in.raw), 0);
		ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "blank\n"), 0);
		kb = rss_kb(tl_m1.pid);
		ck_assert_int_gt(kb, 0);
		if (kb > peak)
			peak = kb;
	}
	printf("# daemon RSS after 100 burn/blank cycles: %ld kB (peak %ld kB; bound 32768 kB)\n",
	       rss_kb(tl_m1.pid), peak);
	/* Under ASan the cycles still run (a leak fails the daemon's exit); RSS is not bounded. */
	if (TL_SANITIZED)
		printf("# RSS bound not checked: the daemon is built with AddressSanitizer\n");
	else
		ck_assert_int_le(peak, 32 * 1024);
}
END_TEST

static Suite *
trust_suite(void)
{
	Suite *s = suite_create("trust");
	TCase *tc;

	tcase_add_test(tcase(s, "users", tl_setup_dirs), other_users_cannot_burn);
	tcase_add_test(tcase(s, "text", tl_setup_dirs), control_characters_are_escaped);
	tc = tcase(s, "streams", tl_setup_default);
	tcase_add_loop_test(tc, zero_padding_after_stream, 0, (int)(sizeof(pads) / sizeof(pads[0])));
	TL_TESTS(tc, dd_conv_sync, data_after_stream_refused, audio_toc_over_data_sectors,
		 truncated_stream_fails_dd);
	tcase_add_loop_test(tc, short_files_fail_cp, 0,
			    (int)(sizeof(short_files) / sizeof(short_files[0])));
	tcase_add_test(tc, burn_entries_refusals);
	tc = tcase(s, "stop", setup_paced);
	TL_TESTS(tc, sigterm_cancels_burn, sigterm_idle);
	tcase_add_test(tcase(s, "memory", setup_cdrw), memory_over_100_cycles);
	return s;
}

TL_BURN_MAIN(trust_suite)
