/*
 * Exclusive access. O_EXCL, fcntl record (POSIX) locks and OFD locks on
 * the device are all the emulator's one exclusive access (README.md here
 * says where that differs from the kernel); fcntl.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sg-private.h"

#define SETLKW_POLL_MS 100	/* a blocking lock polls the emulator's lock */

/*
 * POSIX record locks belong to the process, not to a descriptor: at most
 * one per process, dropped when the process closes any descriptor of the
 * device. posix.holder is the handle whose emulator lock carries it, or
 * NULL when an O_EXCL/OFD holder in this process already excludes others.
 * With sg_fd_mu held.
 */
static struct {
	bool locked;
	struct sg_handle *holder;
} posix;

void
sg_lock_after_fork(void)
{
	posix.locked = false;
	posix.holder = NULL;
}

/* With sg_fd_mu held: true when some handle of this process holds the drive. */
static bool
process_holds(void)
{
	return sg_fd_process_claims() || posix.locked;
}

static bool
handle_holds(const struct sg_handle *h)
{
	return h->excl || h->ofd_lock || (posix.locked && posix.holder == h);
}

int
sg_lock_take(struct sg_handle *h)
{
	if (handle_holds(h))
		return 0;
	return sg_emu_lock(h->drive);
}

/* Drops the emulator lock of @h if nothing needs it any more. With sg_fd_mu held. */
static void
release_if_unused(struct sg_handle *h)
{
	if (!h || handle_holds(h))
		return;
	sg_emu_unlock(h->drive);
}

void
sg_lock_drop_posix(void)
{
	struct sg_handle *holder = posix.holder;

	if (!posix.locked)
		return;
	posix.locked = false;
	posix.holder = NULL;
	release_if_unused(holder);
}

void
sg_lock_forget(struct sg_handle *h)
{
	if (posix.holder == h)
		posix.holder = NULL;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* One try at F_SETLK (@ofd: F_OFD_SETLK). With sg_fd_mu held. */
static int
setlk_once(struct sg_handle *h, const struct flock *fl, bool ofd)
{
	int ret;

	if (fl->l_type == F_UNLCK) {
		if (ofd) {
			h->ofd_lock = false;
			release_if_unused(h);
		} else {
			sg_lock_drop_posix();
		}
		return 0;
	}
	if (ofd) {
		ret = handle_holds(h) ? 0 : sg_lock_take(h);
		if (ret == 0)
			h->ofd_lock = true;
		return ret;
	}
	if (posix.locked)
		return 0;	/* a process's POSIX lock is replaced, never conflicts */
	if (process_holds()) {
		posix.locked = true;	/* already exclusive through O_EXCL/OFD */
		posix.holder = NULL;
		return 0;
	}
	ret = sg_lock_take(h);
	if (ret == 0) {
		posix.locked = true;
		posix.holder = h;
	}
	return ret;
}

static int
setlk(struct sg_handle *h, const struct flock *fl, bool ofd, bool wait)
{
	int ret;

	for (;;) {
		pthread_mutex_lock(&sg_fd_mu);
		ret = setlk_once(h, fl, ofd);
		pthread_mutex_unlock(&sg_fd_mu);
		if (ret == 0 || !wait)
			break;
		sleep_ms(SETLKW_POLL_MS);
	}
	return ret < 0 ? -EAGAIN : 0;
}

static int
getlk(struct sg_handle *h, struct flock *fl, bool ofd)
{
	bool mine;
	pid_t pid = 0;

	pthread_mutex_lock(&sg_fd_mu);
	mine = ofd ? handle_holds(h) : process_holds();
	pthread_mutex_unlock(&sg_fd_mu);
	if (!mine)
		pid = sg_emu_holder(h->drive);
	if (mine || pid == 0) {
		fl->l_type = F_UNLCK;
		return 0;
	}
	fl->l_type = F_WRLCK;
	fl->l_whence = SEEK_SET;
	fl->l_start = 0;
	fl->l_len = 0;
	fl->l_pid = ofd ? -1 : pid;
	return 0;
}

static int
fcntl_common(int fd, int cmd, void *arg, bool large)
{
	int (*real)(int, int, ...);
	struct sg_handle *h;
	int ret;

	sg_libc_ready();
	real = large ? sg_libc.fcntl64 : sg_libc.fcntl;
	h = sg_fd_lookup(fd);
	if (!h)
		return real(fd, cmd, arg);
	switch (cmd) {
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		if (!arg) {
			errno = EFAULT;
			return -1;
		}
		ret = setlk(h, arg, cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW,
			    cmd == F_SETLKW || cmd == F_OFD_SETLKW);
		break;
	case F_GETLK:
	case F_OFD_GETLK:
		if (!arg) {
			errno = EFAULT;
			return -1;
		}
		ret = getlk(h, arg, cmd == F_OFD_GETLK);
		break;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return sg_fd_dup(fd, real(fd, cmd, arg));
	default:
		return real(fd, cmd, arg);
	}
	sg_config_debug("fd %d fcntl %d -> %s", fd, cmd, ret < 0 ? strerror(-ret) : "ok");
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/*
 * struct flock and struct flock64 are the same on 64-bit systems; on
 * 32-bit ones only fcntl64 (what _FILE_OFFSET_BITS=64 programs call)
 * gets its locks emulated, fcntl passes them through.
 */
SG_EXPORT int
fcntl(int fd, int cmd, ...)
{
	void *arg;

	SG_VA_ARG(cmd, void *, arg);
	if (sizeof(struct flock) != sizeof(struct flock64) &&
	    (cmd == F_SETLK || cmd == F_SETLKW || cmd == F_GETLK)) {
		sg_libc_ready();
		return sg_libc.fcntl(fd, cmd, arg);
	}
	return fcntl_common(fd, cmd, arg, false);
}

SG_EXPORT int
fcntl64(int fd, int cmd, ...)
{
	void *arg;

	SG_VA_ARG(cmd, void *, arg);
	return fcntl_common(fd, cmd, arg, true);
}
