/*
 * owner_find_opener(): naming a holder that took a device with O_EXCL
 * alone, from /proc. /dev/full stands in for the drive: a device node
 * nobody keeps open, which every Linux system has.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "owner.h"
#include "tl-harness.h"

struct opener {
	pid_t pid;
};

/*
 * A child that opens /dev/full, says so, and keeps it open until killed
 * (with SIGKILL: Check's SIGTERM handler, inherited, would end the whole
 * process group).
 */
static void
opener_start(struct opener *o)
{
	int ready[2];
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	o->pid = fork();
	ck_assert_int_ge(o->pid, 0);
	if (o->pid == 0) {
		int fd = open("/dev/full", O_WRONLY);

		close(ready[0]);
		if (fd < 0 || write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
}

static void
opener_stop(struct opener *o)
{
	int status;

	ck_assert_int_eq(kill(o->pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(o->pid, &status, 0), o->pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

START_TEST(find_opener)
{
	struct stat sb;
	struct opener a, b;
	int self;

	ck_assert_int_eq(stat("/dev/full", &sb), 0);
	if (owner_find_opener(S_IFCHR, sb.st_rdev) != 0)
		return;	/* something on this machine keeps /dev/full open: nothing to prove */
	/* our own descriptors do not count */
	self = open("/dev/full", O_WRONLY);
	ck_assert_int_ge(self, 0);
	ck_assert_int_eq(owner_find_opener(S_IFCHR, sb.st_rdev), 0);
	opener_start(&a);
	ck_assert_int_eq(owner_find_opener(S_IFCHR, sb.st_rdev), a.pid);
	/* the type matters: no block device has these numbers open */
	ck_assert_int_eq(owner_find_opener(S_IFBLK, sb.st_rdev), 0);
	opener_start(&b);
	ck_assert_int_eq(owner_find_opener(S_IFCHR, sb.st_rdev), -1);
	opener_stop(&a);
	ck_assert_int_eq(owner_find_opener(S_IFCHR, sb.st_rdev), b.pid);
	opener_stop(&b);
	ck_assert_int_eq(owner_find_opener(S_IFCHR, sb.st_rdev), 0);
	close(self);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("owner");
	TCase *tc = tl_tcase_in(s, "find_opener", NULL, NULL);

	tcase_add_test(tc, find_opener);
	return tl_run_suite(s);
}
