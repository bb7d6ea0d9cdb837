/*
 * libc's own functions, and the interposed open, close and dup: an open
 * of the device path becomes a descriptor of the emulated drive (sg-fd.c).
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <unistd.h>

#include "sg-private.h"

struct sg_libc sg_libc;

static pthread_once_t ready_once = PTHREAD_ONCE_INIT;

static void *
sym(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static void
init(void)
{
	sg_libc.open = sym("open");
	sg_libc.open64 = sym("open64");
	sg_libc.openat = sym("openat");
	sg_libc.openat64 = sym("openat64");
	sg_libc.close = sym("close");
	sg_libc.ioctl = sym("ioctl");
	sg_libc.fcntl = sym("fcntl");
	sg_libc.fcntl64 = sym("fcntl64");
	sg_libc.read = sym("read");
	sg_libc.pread = sym("pread");
	sg_libc.pread64 = sym("pread64");
	sg_libc.lseek = sym("lseek");
	sg_libc.lseek64 = sym("lseek64");
	sg_libc.dup = sym("dup");
	sg_libc.dup2 = sym("dup2");
	sg_libc.dup3 = sym("dup3");
	sg_libc.stat = sym("stat");
	sg_libc.stat64 = sym("stat64");
	sg_libc.lstat = sym("lstat");
	sg_libc.lstat64 = sym("lstat64");
	sg_libc.fstat = sym("fstat");
	sg_libc.fstat64 = sym("fstat64");
	sg_libc.fstatat = sym("fstatat");
	sg_libc.fstatat64 = sym("fstatat64");
	sg_libc.statx = sym("statx");
	sg_libc.xstat = sym("__xstat");
	sg_libc.xstat64 = sym("__xstat64");
	sg_libc.lxstat = sym("__lxstat");
	sg_libc.lxstat64 = sym("__lxstat64");
	sg_libc.fxstat = sym("__fxstat");
	sg_libc.fxstat64 = sym("__fxstat64");
	sg_libc.fxstatat = sym("__fxstatat");
	sg_libc.fxstatat64 = sym("__fxstatat64");
	sg_libc.fopen = sym("fopen");
	sg_libc.fopen64 = sym("fopen64");
	if (!sg_libc.fcntl64)
		sg_libc.fcntl64 = sg_libc.fcntl;
	if (!sg_libc.fopen64)
		sg_libc.fopen64 = sg_libc.fopen;
	sg_config_load();
}

void
sg_libc_ready(void)
{
	pthread_once(&ready_once, init);
}

/* @at: openat rather than open; @large: the 64 form. */
static int
open_common(int dirfd, const char *path, int flags, mode_t mode, bool at, bool large)
{
	sg_libc_ready();
	/* O_CREAT makes O_EXCL mean "create"; the node exists, let the kernel say so */
	if (!(flags & O_CREAT) && sg_config_is_node(dirfd, path))
		return sg_fd_open(path, flags);
	if (!at)
		return large ? sg_libc.open64(path, flags, mode) : sg_libc.open(path, flags, mode);
	return large ? sg_libc.openat64(dirfd, path, flags, mode)
		     : sg_libc.openat(dirfd, path, flags, mode);
}

/* open's mode argument, there only for O_CREAT and O_TMPFILE opens. */
#define OPEN_MODE(flags) \
	({ \
		mode_t mode_ = 0; \
		if ((flags) & (O_CREAT | __O_TMPFILE)) \
			SG_VA_ARG(flags, int, mode_); \
		mode_; \
	})

SG_EXPORT int
open(const char *path, int flags, ...)
{
	return open_common(AT_FDCWD, path, flags, OPEN_MODE(flags), false, false);
}

SG_EXPORT int
open64(const char *path, int flags, ...)
{
	return open_common(AT_FDCWD, path, flags, OPEN_MODE(flags), false, true);
}

SG_EXPORT int
openat(int dirfd, const char *path, int flags, ...)
{
	return open_common(dirfd, path, flags, OPEN_MODE(flags), true, false);
}

SG_EXPORT int
openat64(int dirfd, const char *path, int flags, ...)
{
	return open_common(dirfd, path, flags, OPEN_MODE(flags), true, true);
}

/* The _FORTIFY_SOURCE entry points (no mode: they are for opens without O_CREAT). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

SG_EXPORT int
__open_2(const char *path, int flags)
{
	return open(path, flags);
}

SG_EXPORT int
__open64_2(const char *path, int flags)
{
	return open64(path, flags);
}

SG_EXPORT int
__openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

SG_EXPORT int
__openat64_2(int dirfd, const char *path, int flags)
{
	return openat64(dirfd, path, flags);
}

SG_EXPORT int
close(int fd)
{
	sg_libc_ready();
	if (sg_fd_lookup(fd))
		sg_fd_forget(fd);
	return sg_libc.close(fd);
}

SG_EXPORT int
dup(int fd)
{
	sg_libc_ready();
	if (!sg_fd_lookup(fd))
		return sg_libc.dup(fd);
	return sg_fd_dup(fd, sg_libc.dup(fd));
}

/* dup2 and dup3: @newfd, if it was a descriptor of the device, is closed first. */
static bool
dup_to(int fd, int newfd)
{
	sg_libc_ready();
	if (fd != newfd && sg_fd_lookup(newfd))
		sg_fd_forget(newfd);
	return sg_fd_lookup(fd) != NULL;
}

SG_EXPORT int
dup2(int fd, int newfd)
{
	if (!dup_to(fd, newfd))
		return sg_libc.dup2(fd, newfd);
	if (fd == newfd)
		return newfd;
	return sg_fd_dup(fd, sg_libc.dup2(fd, newfd));
}

SG_EXPORT int
dup3(int fd, int newfd, int flags)
{
	if (!dup_to(fd, newfd))
		return sg_libc.dup3(fd, newfd, flags);
	return sg_fd_dup(fd, sg_libc.dup3(fd, newfd, flags));
}
