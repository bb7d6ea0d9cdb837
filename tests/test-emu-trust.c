/*
 * The emulated recorder's directory is not trusted blindly (issue 8, points
 * 1 and 7; doc/emulator-directory.md). Every name the emulator reads or
 * writes is made a link to a victim file outside the directory, before the
 * drive is opened or in the middle of a burn, and the victim must come out
 * untouched; directories others can change are refused with the exact
 * reason; and a medium is not swapped under a drive another handle holds.
 * Another user is uid 65534 (chown needs root: those cases say SKIP without).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu.h"
#include "mmc.h"
#include "tl-emu.h"
#include "tl-harness.h"
#include "tl-image.h"

#define OTHER_UID 65534		/* nobody: another user */
#define REUSE_RULE "; remove it (burnfs reuses only its own regular files with a single link)"

static const char victim_text[] = "a file of someone else's that burnfs must not touch\n";

static struct tl_emu_burn stream;	/* made once for the whole table */
static char *stream_dir;

static char *top;		/* per test: the drive's parent */
static char *dir;		/* the drive */
static char *victim;		/* outside the drive: must stay as it is */
static char *ghost;		/* outside the drive: must never appear */

static void
stream_setup(void)
{
	stream_dir = tl_mkdtemp("trust-in");
	tl_emu_burn_make(&stream, stream_dir, CD_SECTOR_PQ);
}

static void
stream_teardown(void)
{
	tl_emu_burn_free(&stream);
	tl_rmtree(stream_dir);
	free(stream_dir);
}

static void
setup(void)
{
	char *outside;

	top = tl_mkdtemp("trust");
	dir = tl_path(top, "drive");
	outside = tl_path(top, "outside");
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	victim = tl_path(outside, "victim");
	ghost = tl_path(outside, "ghost");
	free(outside);
}

static void
teardown(void)
{
	tl_rmtree(top);
	free(top);
	free(dir);
	free(victim);
	free(ghost);
	top = dir = victim = ghost = NULL;
}

/* A directory with exactly @mode (mkdir's mode goes through the umask). */
static char *
make_dir(const char *parent, const char *name, mode_t mode)
{
	char *p = tl_path(parent, name);

	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(chmod(p, mode), 0);
	return p;
}

/* Gives @path to another user; false (the test says SKIP) when we may not. */
static bool
give_away(const char *path, bool link_itself)
{
	if (geteuid() != 0) {
		printf("# SKIP giving files to another user needs root\n");
		return false;
	}
	ck_assert_int_eq((link_itself ? lchown : chown)(path, OTHER_UID, OTHER_UID), 0);
	return true;
}

static struct emu_drive *
open_ok(const char *path, const char *media)
{
	struct emu_config cfg = { .media = media };

	return tl_emu_open_dir(path, &cfg);
}

/* emu_drive_open(@path) fails with -@want_errno, @want and exactly @reason. */
static void
open_refused(const char *path, const char *media, int want_errno, enum burn_result want,
	     const char *reason)
{
	struct emu_config cfg = { .media = media };
	struct emu_drive *d = NULL;
	struct burn_error e;

	ck_assert_int_eq(emu_drive_open(path, &cfg, &d, &e), -want_errno);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(e.result, want);
	ck_assert_str_eq(e.reason, reason);
}

static char *
expected(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
expected(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	ck_assert_int_gt(vasprintf(&s, fmt, ap), 0);
	va_end(ap);
	return s;
}

/* ---- every name in the directory, made a link ---- */

enum plant_kind {
	PLANT_SYMLINK,		/* a symbolic link to the victim */
	PLANT_DANGLING,		/* a symbolic link to a file that does not exist */
	PLANT_HARDLINK,		/* a second hard link of the victim (st_nlink 2) */
	PLANT_KINDS
};

enum outcome {
	REFUSED,	/* emu_drive_open() says which file and why */
	COMPLETE,	/* the burn goes on: the link is replaced or removed, never followed */
	INCOMPLETE,	/* the recording's file was replaced: the recording is lost */
	BROKEN,		/* drive.state is not ours any more: commands fail, nothing is written */
};

static const struct {
	const char *name;
	enum outcome want[2];	/* planted [0] before emu_drive_open(), [1] between two WRITEs */
} names[] = {
	{ "drive.state", { REFUSED, BROKEN } },
	{ "drive.lock", { REFUSED, COMPLETE } },	/* [1]: held open, name not reused */
	{ "excl", { REFUSED, COMPLETE } },
	{ "owner", { COMPLETE, COMPLETE } },
	{ "rec.bin", { COMPLETE, INCOMPLETE } },
	{ "rec.sub", { COMPLETE, INCOMPLETE } },
	{ "disc.cue", { COMPLETE, COMPLETE } },
	{ "disc.bin", { COMPLETE, COMPLETE } },
	{ "disc.sub", { COMPLETE, COMPLETE } },
	{ "disc.toc", { COMPLETE, COMPLETE } },
	/* the fixed temporaries of earlier versions, opened with O_TRUNC */
	{ "disc.cue.tmp", { COMPLETE, COMPLETE } },
	{ "disc.toc.tmp", { COMPLETE, COMPLETE } },
};

#define N_NAMES (sizeof(names) / sizeof(names[0]))
#define N_ROWS ((int)(N_NAMES * PLANT_KINDS * 2))

/* Puts a link of @kind at DIR/@name, in place of whatever the emulator had there. */
static void
plant(const char *name, enum plant_kind kind)
{
	char *p = tl_path(dir, name);

	ck_assert(unlink(p) == 0 || errno == ENOENT);
	if (kind == PLANT_HARDLINK)
		ck_assert_int_eq(link(victim, p), 0);
	else
		ck_assert_int_eq(symlink(kind == PLANT_SYMLINK ? victim : ghost, p), 0);
	free(p);
}

/* The victim has its content and mode, and nothing appeared where the dangling link led. */
static void
victim_intact(void)
{
	struct stat sb;
	char buf[256];
	ssize_t n;
	int fd;

	ck_assert_int_eq(lstat(victim, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0640);
	ck_assert_uint_eq(sb.st_uid, geteuid());
	fd = open(victim, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, victim_text);
	ck_assert_msg(lstat(ghost, &sb) < 0 && errno == ENOENT, "%s was created", ghost);
}

/* The recorded disc's files are plain files of ours, and disc.bin holds the WAV burned. */
static void
disc_files_ours(void)
{
	static const char *const files[] = { "disc.cue", "disc.bin", "disc.sub", "disc.toc" };
	uint8_t sector[CD_MAIN_SIZE];
	char *bin = tl_path(dir, "disc.bin");
	struct stat sb;
	int fd;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = tl_path(dir, files[i]);

		ck_assert_msg(lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_nlink == 1,
			      "%s is not a plain file of its own", p);
		free(p);
	}
	ck_assert_int_eq(lstat(bin, &sb), 0);
	ck_assert_int_eq(sb.st_size, (off_t)TL_EMU_BURN_TRACK_SECTORS * CD_MAIN_SIZE);
	fd = open(bin, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, sector, sizeof(sector), 0), (ssize_t)sizeof(sector));
	close(fd);
	for (size_t i = 0; i < sizeof(sector); i++)
		ck_assert_uint_eq(sector[i], tl_audio_byte(i));
	free(bin);
}

/* No temporary is left behind but the one planted (@planted). */
static void
no_temporaries(const char *planted)
{
	DIR *dh = opendir(dir);
	struct dirent *de;

	ck_assert_ptr_nonnull(dh);
	while ((de = readdir(dh))) {
		size_t len = strlen(de->d_name);

		if (strcmp(de->d_name, planted) == 0 || len < 4)
			continue;
		ck_assert_msg(strcmp(de->d_name + len - 4, ".tmp") != 0, "%s left behind",
			      de->d_name);
	}
	closedir(dh);
}

/*
 * Row _i: name _i / 6, kind (_i / 2) % 3, planted before open (_i even) or
 * between two WRITEs (_i odd). Then the drive is opened, taken, burned,
 * released and closed, and the victim is looked at.
 */
START_TEST(no_link_is_followed)
{
	const char *name = names[_i / (PLANT_KINDS * 2)].name;
	enum plant_kind kind = (enum plant_kind)(_i / 2 % PLANT_KINDS);
	bool between = _i % 2;
	enum outcome want = names[_i / (PLANT_KINDS * 2)].want[between];
	uint32_t half = stream.sectors / 2;
	struct emu_drive *d;
	struct burn_error e;
	int ret;

	tl_write_text(victim, victim_text);
	ck_assert_int_eq(chmod(victim, 0640), 0);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	if (!between) {
		plant(name, kind);
		if (want == REFUSED) {
			char *reason = expected("emulator directory %s: %s %s" REUSE_RULE, dir,
						name, kind == PLANT_HARDLINK ? "has 2 hard links"
									     : "is a symbolic link");

			open_refused(dir, NULL, ENODEV, BURN_E_NO_RECORDER_SPECIFIED, reason);
			free(reason);
			victim_intact();
			return;
		}
	}
	d = open_ok(dir, NULL);
	ck_assert_int_eq(emu_drive_lock(d, "Trust Test", &e), 0);
	tl_emu_burn_select(d, &stream);
	ck_assert_int_eq(tl_emu_burn_write(d, &stream, 0, half), 0);
	if (between)
		plant(name, kind);
	ret = tl_emu_burn_write(d, &stream, half, stream.sectors);
	if (want == BROKEN) {
		/* a state file that is not ours is not read, and not written through */
		ck_assert_int_eq(ret, -EIO);
	} else {
		enum mmc_disc_status want_status = want == COMPLETE ? MMC_DISC_COMPLETE
								   : MMC_DISC_INCOMPLETE;

		ck_assert_int_eq(ret, 0);
		tl_sync_cache(d, false);
		ck_assert_int_eq(tl_disc_status(d), want_status);
		if (want == COMPLETE)
			disc_files_ours();
		no_temporaries(name);
	}
	emu_drive_unlock(d);
	emu_drive_close(d);
	victim_intact();
}
END_TEST

/* ---- the directory itself ---- */

START_TEST(dir_of_another_user)
{
	char *theirs = make_dir(top, "theirs", 0755), *reason, *lockfile;
	struct stat sb;

	if (!give_away(theirs, false)) {
		free(theirs);
		return;
	}
	reason = expected("emulator directory %s is owned by uid %u (mode 0755), not by you (uid %u) or root: use a directory of your own",
			  theirs, OTHER_UID, (unsigned)geteuid());
	open_refused(theirs, NULL, ENODEV, BURN_E_NO_RECORDER_SPECIFIED, reason);
	/* refused before anything was made in it */
	lockfile = tl_path(theirs, "drive.lock");
	ck_assert(lstat(lockfile, &sb) < 0 && errno == ENOENT);
	free(lockfile);
	free(reason);
	free(theirs);
}
END_TEST

static const struct {
	mode_t mode;
	const char *who;
} writable_modes[] = {
	{ 0775, "its group" },
	{ 0770, "its group" },
	{ 0757, "everyone" },
	{ 0777, "everyone" },
	{ 01777, "everyone" },	/* sticky or not: others could still add names */
};

START_TEST(dir_writable_by_others)
{
	char *d = make_dir(top, "shared", writable_modes[_i].mode);
	char *reason = expected("emulator directory %s (owner uid %u, mode %04o) is writable by %s: run chmod go-w %s, or use a directory of your own",
				d, (unsigned)geteuid(), (unsigned)writable_modes[_i].mode,
				writable_modes[_i].who, d);

	open_refused(d, NULL, ENODEV, BURN_E_NO_RECORDER_SPECIFIED, reason);
	/* once put right, it is accepted */
	ck_assert_int_eq(chmod(d, 0755), 0);
	emu_drive_close(open_ok(d, NULL));
	free(reason);
	free(d);
}
END_TEST

START_TEST(sticky_parent_accepted)
{
	char *tmp = make_dir(top, "tmp", 01777), *made = tl_path(tmp, "made");
	char *mine = make_dir(tmp, "mine", 0755);
	struct stat sb;

	/* like /var/tmp/burner: a directory of ours in a sticky world-writable one */
	emu_drive_close(open_ok(mine, NULL));
	/* and one the emulator creates there itself */
	emu_drive_close(open_ok(made, NULL));
	ck_assert_int_eq(lstat(made, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	ck_assert_uint_eq(sb.st_uid, geteuid());
	ck_assert_uint_eq(sb.st_mode & 022, 0);
	free(mine);
	free(made);
	free(tmp);
}
END_TEST

START_TEST(parent_writable_without_sticky)
{
	char *shared = make_dir(top, "shared", 0777), *mine = make_dir(shared, "mine", 0755);
	char *reason = expected("emulator directory %s is inside %s (owner uid %u, mode 0777), which everyone may change: run chmod go-w %s, or use a directory of your own",
				mine, shared, (unsigned)geteuid(), shared);

	open_refused(mine, NULL, ENODEV, BURN_E_NO_RECORDER_SPECIFIED, reason);
	free(reason);
	free(mine);
	free(shared);
}
END_TEST

START_TEST(parent_of_another_user)
{
	char *home = make_dir(top, "home", 0755), *mine = make_dir(home, "mine", 0755), *reason;

	if (!give_away(home, false)) {
		free(mine);
		free(home);
		return;
	}
	reason = expected("emulator directory %s is inside %s, owned by uid %u (mode 0755), not by you (uid %u) or root: use a directory of your own",
			  mine, home, OTHER_UID, (unsigned)geteuid());
	open_refused(mine, NULL, ENODEV, BURN_E_NO_RECORDER_SPECIFIED, reason);
	free(reason);
	free(mine);
	free(home);
}
END_TEST

START_TEST(symlink_to_dir)
{
	char *real = make_dir(top, "real", 0755), *link_path = tl_path(top, "link");
	char *via = tl_path(link_path, "."), *state = tl_path(real, "drive.state"), *reason;
	struct stat sb;

	ck_assert_int_eq(symlink(real, link_path), 0);
	/* a link of ours (or root's) is followed, to the directory it names */
	emu_drive_close(open_ok(via, NULL));
	ck_assert_int_eq(lstat(state, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	/* another user's link is not: it could point anywhere at any time */
	if (!give_away(link_path, true))
		goto out;
	reason = expected("emulator directory %s is reached through the symbolic link %s, owned by uid %u, not by you (uid %u) or root: name the directory itself, or use a directory of your own",
			  link_path, link_path, OTHER_UID, (unsigned)geteuid());
	open_refused(link_path, NULL, ENODEV, BURN_E_NO_RECORDER_SPECIFIED, reason);
	free(reason);
out:
	free(state);
	free(via);
	free(link_path);
	free(real);
}
END_TEST

/* ---- point 7: no new medium in a drive another handle holds ---- */

static void
expect_media(struct emu_drive *d, uint16_t profile, uint8_t ua_asc)
{
	struct mmc_config cfg;
	struct mmc_cmd cmd;
	uint8_t buf[1024];

	mmc_build_test_unit_ready(&cmd);
	tl_expect(d, &cmd, ua_asc ? 6 : 0, ua_asc, 0);
	tl_get_config(d, 0, 0, buf, sizeof(buf), &cfg);
	ck_assert_uint_eq(cfg.current_profile, profile);
}

START_TEST(media_not_swapped_while_held)
{
	struct emu_drive *a, *b;
	struct burn_error e;
	char *reason;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	a = open_ok(dir, "cdr80");
	ck_assert_int_eq(emu_drive_lock(a, "Holder One", &e), 0);
	tl_emu_burn_select(a, &stream);
	ck_assert_int_eq(tl_emu_burn_write(a, &stream, 0, stream.sectors / 2), 0);
	reason = expected("cannot load emu_media=cdrw80: the recorder %s is held exclusively by Holder One",
			  dir);
	open_refused(dir, "cdrw80", EBUSY, BURN_E_RECORDER_LOCKED, reason);
	/* the holder's burn goes on, on the same CD-R, without a media change */
	ck_assert_int_eq(tl_emu_burn_write(a, &stream, stream.sectors / 2, stream.sectors), 0);
	tl_sync_cache(a, false);
	expect_media(a, MMC_PROFILE_CDR, 0);
	ck_assert_int_eq(tl_disc_status(a), MMC_DISC_COMPLETE);
	disc_files_ours();
	/* a handle without the option opens it as always */
	b = open_ok(dir, NULL);
	emu_drive_close(b);
	/* free again: a new medium goes in as before, and the other handle hears of it */
	emu_drive_unlock(a);
	b = open_ok(dir, "cdrw80");
	expect_media(a, MMC_PROFILE_CDRW, 0x28);
	ck_assert_int_eq(tl_disc_status(b), MMC_DISC_EMPTY);
	emu_drive_close(b);
	emu_drive_close(a);
	free(reason);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("emu-trust");
	TCase *tc = tcase_create("links");

	tcase_add_unchecked_fixture(tc, stream_setup, stream_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, no_link_is_followed, 0, N_ROWS);
	suite_add_tcase(s, tc);

	tc = tl_tcase_in(s, "directory", setup, teardown);
	tcase_add_test(tc, dir_of_another_user);
	tcase_add_loop_test(tc, dir_writable_by_others, 0,
			    (int)(sizeof(writable_modes) / sizeof(writable_modes[0])));
	TL_TESTS(tc, sticky_parent_accepted, parent_writable_without_sticky, parent_of_another_user,
		 symlink_to_dir);

	tc = tcase_create("media");
	tcase_add_unchecked_fixture(tc, stream_setup, stream_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, media_not_swapped_while_held);
	suite_add_tcase(s, tc);
	return tl_run_suite(s);
}
