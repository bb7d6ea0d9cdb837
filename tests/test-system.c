/*
 * The system around burnfs (issue 14): the mount's group and other users,
 * with throwaway users and a throwaway group made for the run (root only:
 * the binary skips, 77, as anyone else); and mount(8) with -t fuse.burnfs
 * and an fstab line, through mount.fuse3.
 *
 * Users and the group carry fixed names, so a run killed before its end is
 * cleaned up by the next one, and they are removed after the suite whether
 * its tests passed or not. Users act in children that set their ids and
 * run bash -c, as a user at a shell would; the test reads what they left.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl-burn.h"
#include "tl-harness.h"
#include "tl-mount.h"

#define E_ACCESS "E_ACCESSDENIED 0x80070005"
#define T_GROUP "burnfs-t-grp"
#define T_MEMBER "burnfs-t-mem"
#define T_OTHER "burnfs-t-oth"

/* ---- throwaway users ---- */

static void
users_remove(void)
{
	if (system("userdel " T_MEMBER " >/dev/null 2>&1; userdel " T_OTHER " >/dev/null 2>&1; "
		   "groupdel " T_GROUP " >/dev/null 2>&1") != 0) {
		/* nothing was there */
	}
}

/* The group and two users: the member has it as its primary group, the other has nogroup. */
static int
users_add(void)
{
	return system("groupadd " T_GROUP " && "
		      "useradd -M -N -d /nonexistent -s /usr/sbin/nologin -g " T_GROUP " " T_MEMBER
		      " && useradd -M -N -d /nonexistent -s /usr/sbin/nologin -g nogroup " T_OTHER) == 0
		       ? 0 : -1;
}

struct user {
	uid_t uid;
	gid_t gid;
	gid_t extra;	/* a supplementary group, or (gid_t)-1 */
};

static struct user
user_of(const char *name)
{
	const struct passwd *pw = getpwnam(name);
	struct user u;

	ck_assert_msg(pw != NULL, "no user %s", name);
	u.uid = pw->pw_uid;
	u.gid = pw->pw_gid;
	u.extra = (gid_t)-1;
	return u;
}

static gid_t
gid_of(const char *name)
{
	const struct group *gr = getgrnam(name);

	ck_assert_msg(gr != NULL, "no group %s", name);
	return gr->gr_gid;
}

/* bash -c of a printf-made command as @u (stdout and stderr to top/out); its exit status. */
static int
as_user(struct user u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
as_user(struct user u, const char *fmt, ...)
{
	char *cmd, *out = tl_path(tl_top, "out");
	va_list ap;
	pid_t pid;
	int status;

	va_start(ap, fmt);
	ck_assert_int_gt(vasprintf(&cmd, fmt, ap), 0);
	va_end(ap);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);

		dup2(fd, 1);
		dup2(fd, 2);
		if (setgroups(u.extra == (gid_t)-1 ? 0 : 1, &u.extra) < 0 || setgid(u.gid) < 0 ||
		    setuid(u.uid) < 0)
			_exit(126);
		execl("/bin/bash", "bash", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	free(cmd);
	free(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* top/@rel, in a static buffer: for the results the test reads. */
static const char *
at_top(const char *rel)
{
	static char path[4200];

	snprintf(path, sizeof(path), "%s/%s", tl_top, rel);
	return path;
}

/* What the last as_user() printed. */
static char *
user_out(void)
{
	char *out = tl_path(tl_top, "out"), *text = tl_get(out);

	free(out);
	return text;
}

/*
 * The scratch directories open to other users (mkdtemp makes them 0700)
 * and a copy of burnfs in them: the build tree may be where they cannot go.
 */
static char *
open_scratch(void)
{
	char *base = tl_path(tl_top, ".."), *bin = tl_path(tl_top, "burnfs");

	ck_assert_int_eq(chmod(base, 0755), 0);
	ck_assert_int_eq(chmod(tl_top, 0755), 0);
	ck_assert_int_eq(tl_sh("cp '%s' '%s' && chmod 755 '%s'", tl_burnfs_bin, bin, bin), 0);
	free(base);
	return bin;
}

/* m1 on emu:top/disc with @opts, reachable by the throwaway users. */
static void
start_open(const char *opts)
{
	char dev[4200];

	free(open_scratch());
	snprintf(dev, sizeof(dev), "emu:%s", tl_disc);
	ck_assert_int_eq(tl_mount_start(&tl_m1, "m1", dev, opts), 0);
}

/* The mount's options in /proc/self/mounts, for "is default_permissions the kernel's?". */
static char *
mount_options(const char *mnt)
{
	static char opts[1024];
	char line[8192], where[4096], o[1024];
	FILE *f = fopen("/proc/self/mounts", "r");

	ck_assert_ptr_nonnull(f);
	opts[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %4095s %*s %1023s", where, o) == 2 && strcmp(where, mnt) == 0)
			snprintf(opts, sizeof(opts), "%s", o);
	fclose(f);
	return opts;
}

/* ---- the group's members and other users ---- */

/*
 * allow_other,default_permissions and group=: a member names the drive and
 * burns; another user reads values and is refused the rest with EACCES and
 * its reason in last_error (the daemon checks: the kernel is not given
 * default_permissions, whose refusals would leave no reason).
 */
START_TEST(member_burns_other_refused)
{
	struct user member = user_of(T_MEMBER), other = user_of(T_OTHER);
	gid_t group = gid_of(T_GROUP);
	struct tl_input in;
	struct stat st;
	char want[1024];

	start_open("allow_other,default_permissions,group=" T_GROUP);
	ck_assert_ptr_null(strstr(mount_options(tl_m1.mnt), "default_permissions"));
	ck_assert_ptr_nonnull(strstr(mount_options(tl_m1.mnt), "allow_other"));
	ck_assert_int_eq(stat(tl_at(&tl_m1, "client_name"), &st), 0);
	ck_assert_uint_eq(st.st_gid, group);
	ck_assert_uint_eq(st.st_uid, 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0664);
	ck_assert_int_eq(stat(tl_at(&tl_m1, "track.raw"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0220);
	ck_assert_int_eq(stat(tl_at(&tl_m1, "burn"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0775);

	/* the member: a name, a burn, the disc read back */
	tl_input_wav(&in, "s.wav", 4, "cooked", NULL);
	ck_assert_int_eq(chmod(in.raw, 0644), 0);
	ck_assert_int_eq(as_user(member, "echo 'Member Burner' > '%s'", tl_at(&tl_m1, "client_name")), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Member Burner\n");
	ck_assert_int_eq(as_user(member, "cat '%s' > '%s'", in.raw, tl_at(&tl_m1, "track.raw")), 0);
	tl_burned_ok();
	tl_audio_equals(in.src);
	ck_assert_int_eq(as_user(member, "head -c 11 '%s'", tl_at(&tl_m1, "disc/toc")), 0);
	ck_assert_str_eq(user_out(), "first_track");
	ck_assert_int_eq(as_user(member, "test -r '%s' && test -w '%s'", tl_at(&tl_m1, "disc/toc"),
				 tl_at(&tl_m1, "ctl")), 0);

	/* the other user: values yes, the drive and the disc no, each with its reason */
	ck_assert_int_eq(as_user(other, "cat '%s'", tl_at(&tl_m1, "client_name")), 0);
	ck_assert_str_eq(user_out(), "Member Burner\n");
	ck_assert_int_eq(as_user(other, "cat '%s'", tl_at(&tl_m1, "media/blank")), 0);
	ck_assert_str_eq(user_out(), "0\n");
	ck_assert_int_ne(as_user(other, "echo Intruder > '%s'", tl_at(&tl_m1, "client_name")), 0);
	ck_assert_ptr_nonnull(strstr(user_out(), "Permission denied"));
	ck_assert_int_eq(as_user(other, "cat '%s'", tl_at(&tl_m1, "last_error")), 0);
	snprintf(want, sizeof(want),
		 E_ACCESS ": client_name: permission denied: uid %u may not write it (mode 664, owner uid 0, group " T_GROUP ", gid %u)\n",
		 (unsigned)other.uid, (unsigned)group);
	ck_assert_str_eq(user_out(), want);
	ck_assert_int_ne(as_user(other, "cat '%s'", tl_at(&tl_m1, "disc/toc")), 0);
	ck_assert_int_eq(as_user(other, "cat '%s'", tl_at(&tl_m1, "last_error")), 0);
	snprintf(want, sizeof(want),
		 E_ACCESS ": disc/toc: permission denied: uid %u may not read it (mode 440, owner uid 0, group " T_GROUP ", gid %u)\n",
		 (unsigned)other.uid, (unsigned)group);
	ck_assert_str_eq(user_out(), want);
	ck_assert_int_ne(as_user(other, "echo eject > '%s'", tl_at(&tl_m1, "ctl")), 0);
	ck_assert_int_ne(as_user(other, ": > '%s'", tl_at(&tl_m1, "track.raw")), 0);
	ck_assert_int_ne(as_user(other, ": > '%s'", tl_at(&tl_m1, "burn/x.iso")), 0);
	ck_assert_int_eq(as_user(other, "cat '%s'", tl_at(&tl_m1, "last_error")), 0);
	ck_assert_ptr_nonnull(strstr(user_out(), E_ACCESS ": burn: permission denied: uid "));
	/* access(2) answers by the same rule */
	ck_assert_int_ne(as_user(other, "test -w '%s'", tl_at(&tl_m1, "client_name")), 0);
	ck_assert_int_ne(as_user(other, "test -r '%s'", tl_at(&tl_m1, "disc/toc")), 0);
	ck_assert_int_eq(as_user(other, "test -r '%s'", tl_at(&tl_m1, "status")), 0);
	/* nothing the other user did reached the drive or the member's last_error */
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "Member Burner\n");
	ck_assert_int_eq(as_user(member, "cat '%s'", tl_at(&tl_m1, "last_error")), 0);
	ck_assert_ptr_null(strstr(user_out(), "uid"));
}
END_TEST

/* Without group=, a mount by root with allow_other is the cdrom group's (where it exists). */
START_TEST(cdrom_by_default)
{
	const struct group *gr = getgrnam("cdrom");
	struct user other = user_of(T_OTHER);
	struct stat st;

	start_open("allow_other");
	ck_assert_int_eq(stat(tl_at(&tl_m1, "client_name"), &st), 0);
	if (!gr) {
		/* no cdrom group on this system: the mounter's own */
		ck_assert_uint_eq(st.st_gid, getgid());
		return;
	}
	ck_assert_uint_eq(st.st_gid, gr->gr_gid);
	ck_assert_int_ne(as_user(other, "echo Outsider > '%s'", tl_at(&tl_m1, "client_name")), 0);
	other.extra = gr->gr_gid;	/* the same user, now in cdrom */
	ck_assert_int_eq(as_user(other, "echo 'In cdrom' > '%s'", tl_at(&tl_m1, "client_name")), 0);
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "client_name")), "In cdrom\n");
	/* without allow_other the mount stays the mounter's group's */
	tl_restart_with(NULL);
	ck_assert_int_eq(stat(tl_at(&tl_m1, "client_name"), &st), 0);
	ck_assert_uint_eq(st.st_gid, getgid());
}
END_TEST

/* What only root may ask for, refused before anything is mounted when another user asks. */
START_TEST(root_only_options)
{
	struct user member = user_of(T_MEMBER);
	char *bin = open_scratch(), *mnt = tl_path(tl_top, "um"), want[512];

	ck_assert_int_eq(mkdir(mnt, 0777), 0);
	/* a group the user is not in (chgrp's rule) */
	ck_assert_int_eq(as_user(member, "'%s' -o group=root emu:%s/m '%s'", bin, tl_top, mnt), 2);
	snprintf(want, sizeof(want),
		 "burnfs: group=root: uid %u is not a member of root, gid 0; only root may give a mount to a group it is not in\n",
		 (unsigned)member.uid);
	ck_assert_str_eq(user_out(), want);
	ck_assert_int_eq(as_user(member, "'%s' -o group=burnfs-no-such-group emu:%s/m '%s'", bin,
				 tl_top, mnt), 2);
	ck_assert_str_eq(user_out(), "burnfs: group=burnfs-no-such-group: no such group\n");
	/* the emulator's options never reach a real device, for anyone */
	ck_assert_int_eq(as_user(member, "'%s' -o emu_fault=not_ready /dev/null '%s'", bin, mnt), 2);
	ck_assert_ptr_nonnull(strstr(user_out(), "apply only to an emulated recorder (emu:DIR), not /dev/null"));
	ck_assert(!tl_is_fuse_mount(mnt));
	free(bin);
	free(mnt);
}
END_TEST

/* ---- mount(8) ---- */

/*
 * mount -t fuse.burnfs, fstab lines of both forms through mount -T, and
 * `mount MOUNTPOINT` of a `user` line by the member (with the throwaway
 * fstab bound on /etc/fstab, in the namespace only):
 * mount(8) runs mount.fuse3 without the caller's PATH, and mount.fuse3
 * runs `burnfs SOURCE MOUNTPOINT -o OPTIONS` through sh, whose default
 * PATH starts at /usr/local/sbin. In a mount namespace of its own, the
 * test puts its burnfs there (a bind mount that nothing outside sees),
 * so an installed burnfs is neither needed nor used.
 */
START_TEST(mount_helper)
{
	char *bin = open_scratch(), *bindir = tl_path(tl_top, "bin"), *fstab = tl_path(tl_top, "fstab");
	struct user member = user_of(T_MEMBER);
	char text[2048];
	int status;

	ck_assert_int_eq(tl_sh("mkdir '%s' && cp '%s' '%s/burnfs'", bindir, bin, bindir), 0);
	/* the member's own: its emulator directory, mountpoint and result */
	ck_assert_int_eq(tl_sh("mkdir -m 700 '%1$s/u' '%1$s/u/d4' && mkdir '%1$s/u/m4' && chown -R %2$u:%3$u '%1$s/u'",
			       tl_top, (unsigned)member.uid, (unsigned)member.gid), 0);
	snprintf(text, sizeof(text),
		 "# a throwaway fstab (issue 14): the two forms mount.fuse3 knows, and a user line\n"
		 "emu:%1$s/d2 %1$s/m2 fuse.burnfs noauto,user,allow_other,client_name=Fstab 0 0\n"
		 "burnfs#emu:%1$s/d3 %1$s/m3 fuse noauto,users,client_name=Old\\040Form 0 0\n"
		 "emu:%1$s/u/d4 %1$s/u/m4 fuse.burnfs noauto,user,client_name=Member 0 0\n",
		 tl_top);
	tl_write_text(fstab, text);
	ck_assert_int_eq(chmod(fstab, 0644), 0);
	status = tl_sh("cd '%1$s' && mkdir m1 m2 m3 && unshare -m sh -c '"
		       "trap \"umount -l m1 m2 m3 u/m4 2>/dev/null\" EXIT; "
		       "mount --bind bin /usr/local/sbin && "
		       "mount -t fuse.burnfs -o client_name=Helper emu:%1$s/d1 m1 && "
		       "cat m1/client_name > r1 && grep \" %1$s/m1 \" /proc/self/mounts > r1m && "
		       "umount m1 && "
		       "mount -T fstab %1$s/m2 && cat m2/client_name > r2 && "
		       "grep \" %1$s/m2 \" /proc/self/mounts > r2m && umount m2 && "
		       "mount -T fstab %1$s/m3 && cat m3/client_name > r3 && umount m3 && "
		       "mount --bind fstab /etc/fstab && "
		       "setpriv --reuid=%2$u --regid=%3$u --clear-groups sh -c \""
		       "mount %1$s/u/m4 && cat u/m4/client_name > u/r4 && umount %1$s/u/m4\"' > log 2>&1",
		       tl_top, (unsigned)member.uid, (unsigned)member.gid);
	ck_assert_msg(status == 0, "status %d: %s", status, tl_read(at_top("log")));
	ck_assert_str_eq(tl_get(at_top("r1")), "Helper\n");
	snprintf(text, sizeof(text), "burnfs:emu:%s/d1 %s/m1 fuse.burnfs rw,", tl_top, tl_top);
	ck_assert_msg(strncmp(tl_get(at_top("r1m")), text, strlen(text)) == 0, "%s",
		      tl_get(at_top("r1m")));
	ck_assert_str_eq(tl_get(at_top("r2")), "Fstab\n");
	/* `user` is mount(8)'s: it brings nosuid, nodev and noexec, and burnfs takes them */
	ck_assert_ptr_nonnull(strstr(tl_get(at_top("r2m")), ",noexec,"));
	ck_assert_ptr_nonnull(strstr(tl_get(at_top("r2m")), ",allow_other,"));
	ck_assert_str_eq(tl_get(at_top("r3")), "Old Form\n");
	/* `mount MOUNTPOINT` of a user line, by the member: burnfs runs as the member */
	ck_assert_str_eq(tl_get(at_top("u/r4")), "Member\n");
	ck_assert_str_eq(tl_read(at_top("log")), "");
	free(bin);
	free(bindir);
	free(fstab);
}
END_TEST

/* ---- suite ---- */

static void setup_dirs(void) { tl_setup_dirs(); }

static Suite *
system_suite(void)
{
	Suite *s = suite_create("system");
	TCase *tc = tl_mount_tcase(s, "users", setup_dirs, 300);

	TL_TESTS(tc, member_burns_other_refused, cdrom_by_default);
	tc = tl_mount_tcase(s, "options", setup_dirs, 120);
	TL_TESTS(tc, root_only_options);
	tcase_add_test(tl_mount_tcase(s, "mount", setup_dirs, 120), mount_helper);
	return s;
}

int
main(void)
{
	int ret;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root: it makes throwaway users and a group\n");
		return 77;
	}
	if (tl_burn_init() < 0)
		return 99;
	tl_burnfs_bin = getenv("BURNFS");
	users_remove();	/* a killed run's */
	if (users_add() < 0) {
		users_remove();
		printf("Bail out! cannot make the throwaway users (groupadd, useradd)\n");
		return 99;
	}
	ret = tl_mount_main(system_suite());
	users_remove();
	return ret;
}
