/*
 * What every mount-suite binary shares: starting the real daemon on a
 * temporary mountpoint against an emulated recorder, stopping it and
 * checking it exited cleanly and quietly, file helpers that do one open
 * and one write like echo, and a main() that skips (77) only without FUSE
 * and unmounts whatever a failed test left behind.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tl-harness.h"
#include "tl-mount.h"

#define FUSE_SUPER_MAGIC 0x65735546

const char *tl_burnfs_bin;

char *tl_top;
char *tl_disc;
struct tl_mount tl_m1, tl_m2;

bool
tl_is_fuse_mount(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && (unsigned long)sf.f_type == FUSE_SUPER_MAGIC;
}

/*
 * Starts `burnfs -f [-o OPTS] DEVICE MNT` and waits until the mount is up
 * or the daemon has died. Waiting is bounded but not an assertion on
 * speed: a slow machine only waits longer.
 */
int
tl_mount_start_devices(struct tl_mount *m, const char *name, const char *const *devices, size_t n,
		       const char *opts, void (*child_env)(void *arg), void *arg)
{
	int status;

	ck_assert_uint_le(n, 17);
	m->mnt = tl_path(tl_top, name);
	ck_assert_int_eq(mkdir(m->mnt, 0755), 0);
	ck_assert_int_gt(asprintf(&m->log, "%s/%s.log", tl_top, name), 0);
	m->pid = fork();
	ck_assert_int_ge(m->pid, 0);
	if (m->pid == 0) {
		const char *argv[24];
		int fd = open(m->log, O_WRONLY | O_CREAT | O_TRUNC, 0644), k = 0;

		dup2(fd, 1);
		dup2(fd, 2);
		if (child_env)
			child_env(arg);
		argv[k++] = "burnfs";
		argv[k++] = "-f";
		if (opts) {
			argv[k++] = "-o";
			argv[k++] = opts;
		}
		for (size_t i = 0; i < n; i++)
			argv[k++] = devices[i];
		argv[k++] = m->mnt;
		argv[k] = NULL;
		execv(tl_burnfs_bin, (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 3000; i++) {
		if (tl_is_fuse_mount(m->mnt))
			return 0;
		if (waitpid(m->pid, &status, WNOHANG) == m->pid) {
			m->pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		tl_sleep_ms(10);
	}
	ck_abort_msg("burnfs did not mount %s; its log: %s", m->mnt, tl_read(m->log));
	return -1;
}

int
tl_mount_start_env(struct tl_mount *m, const char *name, const char *device, const char *opts,
		void (*child_env)(void *arg), void *arg)
{
	return tl_mount_start_devices(m, name, &device, device ? 1 : 0, opts, child_env, arg);
}

int
tl_mount_start(struct tl_mount *m, const char *name, const char *device, const char *opts)
{
	return tl_mount_start_env(m, name, device, opts, NULL, NULL);
}

void
tl_mount_stop(struct tl_mount *m)
{
	int status;

	const char *point = m->root ? m->root : m->mnt;

	if (!m->mnt)
		return;
	if (m->pid > 0) {
		if (umount2(point, 0) < 0) {
			char cmd[4200];

			snprintf(cmd, sizeof(cmd), "fusermount3 -u '%s' 2>/dev/null", point);
			if (system(cmd) != 0)
				umount2(point, MNT_DETACH);
		}
		ck_assert_int_eq(waitpid(m->pid, &status, 0), m->pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "burnfs exited with status %d; its log: %s", status, tl_read(m->log));
		/* a clean run says nothing (doc/reference/style.md habit 13) */
		ck_assert_msg(tl_read(m->log)[0] == '\0', "burnfs printed: %s", tl_read(m->log));
	}
	free(m->mnt);
	free(m->root);
	free(m->log);
	memset(m, 0, sizeof(*m));
}

void
tl_setup_dirs(void)
{
	tl_top = tl_mkdtemp("mount");
	tl_disc = tl_path(tl_top, "disc");
}

void
tl_teardown_all(void)
{
	tl_mount_stop(&tl_m2);
	tl_mount_stop(&tl_m1);
	tl_rmtree(tl_top);
	free(tl_top);
	free(tl_disc);
	tl_top = tl_disc = NULL;
}

/*
 * With BURNFS_TEST_SG set (the path of libburnfs-sg.so), the daemon talks
 * to the emulated recorder through a device node and the interposer: the
 * real libcdio transport and real ioctls. The emu_* options then become
 * the interposer's BURNFS_SG_* variables.
 */
static void
start_sg(const char *lib, const char *opts)
{
	char *node = tl_path(tl_top, "sr0"), *rest = strdup(opts ? opts : ""), *save = NULL;
	char keep[1024] = "";

	unlink(node);	/* a restart makes it again */
	ck_assert_int_eq(mknod(node, S_IFBLK | 0660, makedev(11, 0)), 0);
	setenv("LD_PRELOAD", lib, 1);
	setenv("BURNFS_SG_PATH", node, 1);
	setenv("BURNFS_SG_EMU", tl_disc, 1);
	unsetenv("BURNFS_SG_MEDIA");
	unsetenv("BURNFS_SG_SPEED");
	unsetenv("BURNFS_SG_FAULT");
	for (char *o = strtok_r(rest, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (strncmp(o, "emu_media=", 10) == 0)
			setenv("BURNFS_SG_MEDIA", o + 10, 1);
		else if (strncmp(o, "emu_speed=", 10) == 0)
			setenv("BURNFS_SG_SPEED", o + 10, 1);
		else if (strncmp(o, "emu_fault=", 10) == 0)
			setenv("BURNFS_SG_FAULT", o + 10, 1);
		else
			snprintf(keep + strlen(keep), sizeof(keep) - strlen(keep), "%s%s",
				 keep[0] ? "," : "", o);
	}
	ck_assert_int_eq(tl_mount_start(&tl_m1, "mnt", node, keep[0] ? keep : NULL), 0);
	/* only the daemon runs under the interposer; the test itself and its tools do not */
	unsetenv("LD_PRELOAD");
	free(rest);
	free(node);
}

/*
 * With BURNFS_TEST_GROUP set, m1 is the member of a mount of two emulated
 * recorders whose disc is tl_disc: its tree at MNT/disc, beside a second
 * member, must behave as a mount of its own (doc/design.md §2.6).
 */
static void
start_member(const char *opts)
{
	char *other = tl_path(tl_top, "other");
	char dev[4200], dev2[4200];
	const char *devs[2] = { dev, dev2 };

	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	snprintf(dev2, sizeof(dev2), "emu:%s", other);
	ck_assert_int_eq(tl_mount_start_devices(&tl_m1, "mnt", devs, 2, opts, NULL, NULL), 0);
	tl_m1.root = tl_m1.mnt;
	tl_m1.mnt = tl_path(tl_m1.root, "disc");
	free(other);
}

/* m1 on the drive in tl_disc, with @opts. */
static void
start_m1(const char *opts)
{
	const char *sg = getenv("BURNFS_TEST_SG"), *group = getenv("BURNFS_TEST_GROUP");
	char dev[4200];

	if (sg && *sg) {
		start_sg(sg, opts);
		return;
	}
	if (group && *group) {
		start_member(opts);
		return;
	}
	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&tl_m1, "mnt", dev, opts), 0);
}

void
tl_start_with(const char *opts)
{
	tl_setup_dirs();
	start_m1(opts);
}

void
tl_restart_with(const char *opts)
{
	char *mnt = tl_path(tl_top, "mnt");

	tl_mount_stop(&tl_m1);
	rmdir(mnt);	/* tl_mount_start() makes it anew */
	free(mnt);
	start_m1(opts);
}

void
tl_setup_default(void)
{
	tl_start_with(NULL);
}

/* ---- file helpers: one open, one write, like echo ---- */

char *
tl_at(const struct tl_mount *m, const char *rel)
{
	static char buf[4][4300];
	static int n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", m->mnt, rel);
	return buf[n];
}

/* Writes @len bytes in one write(2); returns 0 or -errno. */
int
tl_put_len(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC), ret = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

int
tl_put(const char *path, const char *data)
{
	return tl_put_len(path, data, strlen(data));
}


void
tl_last_error_starts(const struct tl_mount *m, const char *prefix)
{
	const char *le = tl_get(tl_at(m, "last_error"));

	ck_assert_msg(strncmp(le, prefix, strlen(prefix)) == 0, "last_error is \"%s\", expected \"%s...\"",
		      le, prefix);
}

void
tl_put_refused(const struct tl_mount *m, const char *rel, const char *value, int err,
	       const char *prefix)
{
	ck_assert_int_eq(tl_put(tl_at(m, rel), value), -err);
	tl_last_error_starts(m, prefix);
}

void
tl_open_refused(const struct tl_mount *m, const char *rel, int flags, int err, const char *prefix)
{
	ck_assert_int_eq(open(tl_at(m, rel), flags, 0644), -1);
	ck_assert_int_eq(errno, err);
	if (prefix)
		tl_last_error_starts(m, prefix);
}

void
tl_wait_state(const struct tl_mount *m, const char *want)
{
	char buf[64], wanted[64];
	int fd = open(tl_at(m, "state"), O_RDONLY);

	ck_assert_int_ge(fd, 0);
	snprintf(wanted, sizeof(wanted), "%s\n", want);
	/*
	 * The last close's RELEASE reaches burnfs after close(2) returned:
	 * the state file is pollable, so wait for it to change rather than
	 * sleep. The bound only stops a broken build from hanging the suite.
	 */
	for (int i = 0; i < 600; i++) {
		struct pollfd pfd = { .fd = fd, .events = POLLPRI | POLLIN };
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		ck_assert_int_ge(n, 0);
		buf[n] = '\0';
		if (strcmp(buf, wanted) == 0)
			break;
		poll(&pfd, 1, 100);
	}
	close(fd);
	ck_assert_str_eq(tl_get(tl_at(m, "state")), wanted);
}

/* FUSE is usable when /dev/fuse opens and we may mount (root, or fusermount3). */
static bool
fuse_available(void)
{
	int fd = open("/dev/fuse", O_RDWR);

	if (fd < 0)
		return false;
	close(fd);
	return geteuid() == 0 || system("command -v fusermount3 >/dev/null 2>&1") == 0;
}

/*
 * A failed assertion ends a test before its teardown unmounts: whatever is
 * still mounted under the run's directory is unmounted here, which also
 * ends the daemons serving it.
 */
static void
unmount_leftovers(const char *base)
{
	char line[8192], mnt[4096];
	size_t blen = strlen(base);
	FILE *f = fopen("/proc/self/mounts", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %4095s", mnt) == 1 && strncmp(mnt, base, blen) == 0 &&
		    mnt[blen] == '/')
			umount2(mnt, MNT_DETACH);
	fclose(f);
}

TCase *
tl_mount_tcase(Suite *s, const char *name, void (*setup)(void), double timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, tl_teardown_all);
	tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

int
tl_mount_main(Suite *suite)
{
	char *base;
	int ret;

	tl_burnfs_bin = getenv("BURNFS");
	if (!tl_burnfs_bin || !*tl_burnfs_bin) {
		fprintf(stderr, "BURNFS must name the burnfs binary (meson sets it)\n");
		return 99;
	}
	if (!fuse_available()) {
		printf("1..0 # SKIP FUSE is not available here (/dev/fuse cannot be opened)\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	if (asprintf(&base, "%s/burnfs-mountsuite-XXXXXX",
		     getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") < 0 ||
	    !mkdtemp(base)) {
		perror("burnfs mount suite: mkdtemp");
		return 99;
	}
	setenv("TMPDIR", base, 1);
	ret = tl_run_suite(suite);
	unmount_leftovers(base);
	tl_rmtree(base);
	free(base);
	return ret;
}

unsigned long
tl_commands_sent(const struct tl_mount *m, const char *name)
{
	char *text = tl_get(tl_at(m, "recorder/commands"));
	size_t len = strlen(name);
	unsigned long n = 0;

	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, name, len) == 0 && line[len] == ' ')
			n = strtoul(line + len + 1, NULL, 10);
	return n;
}

void
tl_wait_value(const struct tl_mount *m, const char *rel, const char *want)
{
	int fd = open(tl_at(m, "status"), O_RDONLY);
	char buf[4096];

	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < 600; i++) {
		struct pollfd pfd = { .fd = fd, .events = POLLPRI | POLLIN };
		char *value;
		bool done;
		int err;

		ck_assert_int_ge(pread(fd, buf, sizeof(buf), 0), 0);
		value = tl_get_err(tl_at(m, rel), &err);	/* may fail until the change is seen */
		done = !err && strcmp(value, want) == 0;
		if (done)
			break;
		ck_assert_int_ge(poll(&pfd, 1, 100), 0);
	}
	close(fd);
	ck_assert_str_eq(tl_get(tl_at(m, rel)), want);
}
