#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl-burn.h"
#include "tl-mount.h"
#include "tl-sg.h"

const char *tl_sg_lib, *tl_sg_probe;
char *tl_sg_node, *tl_sg_run_dir;

void
tl_sg_env(bool preload, const char *extra)
{
	if (preload) {
		setenv("LD_PRELOAD", tl_sg_lib, 1);
		setenv("BURNFS_SG_PATH", tl_sg_node, 1);
		setenv("BURNFS_SG_EMU", tl_disc, 1);
	}
	setenv("BURNFS_RUN_DIR", tl_sg_run_dir, 1);
	if (extra)
		putenv((char *)extra);
}

int
tl_sg_run(const char *const argv[], bool preload, const char *extra, char *out, size_t size)
{
	char *log = tl_path(tl_top, "run.log");
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int nul = open("/dev/null", O_RDONLY);

		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		tl_sg_env(preload, extra);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	snprintf(out, size, "%s", tl_read(log));
	free(log);
	ck_assert_msg(!WIFEXITED(status) || WEXITSTATUS(status) != 127,
		      "%s is missing (contrib/deps.sh installs what the sg suite runs): %s",
		      argv[0], out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void
tl_sg_setup(void)
{
	tl_top = tl_mkdtemp("sg");
	tl_disc = tl_path(tl_top, "disc");
	tl_sg_node = tl_path(tl_top, "sr0");
	tl_sg_run_dir = tl_path(tl_top, "run");
	ck_assert_int_eq(mkdir(tl_sg_run_dir, 0755), 0);
	ck_assert_msg(mknod(tl_sg_node, S_IFBLK | 0660, makedev(11, 0)) == 0, "mknod %s: %s",
		      tl_sg_node, strerror(errno));
}

void
tl_sg_teardown(void)
{
	tl_rmtree(tl_top);
	free(tl_top);
	free(tl_disc);
	free(tl_sg_node);
	free(tl_sg_run_dir);
	tl_top = tl_disc = tl_sg_node = tl_sg_run_dir = NULL;
}

static bool
mknod_available(const char *base)
{
	char path[4200];
	bool ok;

	snprintf(path, sizeof(path), "%s/probe-node", base);
	ok = mknod(path, S_IFBLK | 0600, makedev(11, 0)) == 0;
	unlink(path);
	return ok;
}

int
tl_sg_main(Suite *suite)
{
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	tl_sg_lib = getenv("BURNFS_SG_LIB");
	tl_sg_probe = getenv("SG_PROBE");
	if (!tl_sg_lib || !*tl_sg_lib || !tl_sg_probe || !*tl_sg_probe) {
		fprintf(stderr, "BURNFS_SG_LIB and SG_PROBE must be set (meson sets them)\n");
		srunner_free(srunner_create(suite));
		return 99;
	}
	if (!mknod_available(tmp)) {
		printf("1..0 # SKIP cannot make device nodes here (mknod needs CAP_MKNOD)\n");
		srunner_free(srunner_create(suite));
		return 77;
	}
	return tl_mount_main(suite);
}

/* The audio helpers' tool output. */
static char sg_out[TL_SG_OUT_MAX];

/* WAVs of 5, 6 and 7 s in tl_top: t1.wav, t2.wav, t3.wav. */
void
tl_sg_three_wavs(char *wav[3])
{
	static const char *const names[] = { "t1.wav", "t2.wav", "t3.wav" };

	for (unsigned i = 0; i < 3; i++)
		wav[i] = tl_make_wav(names[i], 5 + i);
}

void
tl_sg_burn_wavs(const char *tool, const char *mode, bool multi, char *wav[3], char *out, size_t size)
{
	char dev[4200];
	const char *argv[10] = { tool, "-v", dev, mode };
	unsigned n = 4;

	tl_sg_three_wavs(wav);
	snprintf(dev, sizeof(dev), "dev=%s", tl_sg_node);
	if (multi)
		argv[n++] = "-multi";
	argv[n++] = "-audio";
	for (unsigned i = 0; i < 3; i++)
		argv[n++] = wav[i];
	ck_assert_msg(tl_sg_run(argv, true, TL_SG_FRESH_CDR, out, size) == 0, "%s %s%s -audio:\n%s",
		      tool, mode, multi ? " -multi" : "", out);
}

void
tl_sg_free_wavs(char *wav[3])
{
	for (unsigned i = 0; i < 3; i++)
		free(wav[i]);
}

/* disc.bin holds @wav's samples from sector @lba on. */
void
tl_sg_audio_at(const char *wav, long lba)
{
	char *bin = tl_disc_file("disc.bin");
	int ret = tl_sh("cmp -n $(( $(stat -c %%s '%s') - 44 )) -i 44:%ld '%s' '%s'", wav,
			lba * 2352, wav, bin);

	ck_assert_msg(ret == 0, "disc.bin does not hold the samples of %s at LBA %ld", wav, lba);
	free(bin);
}

/* cd-info through the interposer lists @tracks tracks and shows each of @want. */
void
tl_sg_cd_info_shows(unsigned tracks, const char *const *want, size_t n)
{
	const char *info[] = { "cd-info", "--no-header", "--no-cddb", tl_sg_node, NULL };
	char list[64];

	tl_sg_run(info, true, NULL, sg_out, sizeof(sg_out));
	snprintf(list, sizeof(list), "CD-ROM Track List (1 - %u)", tracks);
	tl_assert_has(sg_out, list);
	for (size_t i = 0; i < n; i++)
		tl_assert_has(sg_out, want[i]);
}

/* cd-paranoia rips track @track starting with @wav's samples (then the next pre-gap). */
void
tl_sg_paranoia_equals(unsigned track, const char *wav)
{
	char *ripped = tl_path(tl_top, "ripped.raw"), span[8];
	const char *argv[] = { "cd-paranoia", "-d", tl_sg_node, "-r", span, ripped, NULL };

	snprintf(span, sizeof(span), "%u", track);
	ck_assert_msg(tl_sg_run(argv, true, NULL, sg_out, sizeof(sg_out)) == 0, "cd-paranoia:\n%s",
		      sg_out);
	ck_assert_int_eq(tl_sh("cmp -n $(( $(stat -c %%s '%s') - 44 )) -i 44:0 '%s' '%s'", wav, wav,
			       ripped), 0);
	free(ripped);
}

/* iso-info --no-header -i @image @opt into @buf, exit 0; its "ISO 9660 image:" line cut. */
static void
iso_info(const char *image, const char *opt, bool preload, char *buf, size_t size)
{
	const char *argv[] = { "iso-info", "--no-header", "-i", image, opt, NULL };
	char *line, *rest;

	ck_assert_msg(tl_sg_run(argv, preload, NULL, buf, size) == 0, "iso-info -i %s %s:\n%s",
		      image, opt, buf);
	line = strstr(buf, "ISO 9660 image: ");
	ck_assert_msg(line != NULL, "iso-info -i %s %s names no image:\n%s", image, opt, buf);
	rest = strchrnul(line, '\n');
	memmove(line, rest, strlen(rest) + 1);
}

void
tl_sg_iso_info_equals(const char *iso)
{
	static const char *const opts[] = { "-l", "-f" };
	static char want[TL_SG_OUT_MAX];

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		iso_info(iso, opts[i], false, want, sizeof(want));
		iso_info(tl_sg_node, opts[i], true, sg_out, sizeof(sg_out));
		ck_assert_str_eq(sg_out, want);
	}
}
