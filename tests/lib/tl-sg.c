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
