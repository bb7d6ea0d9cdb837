/*
 * fopen and fopen64 of the device: glibc's fopen opens the path with its
 * own internal open, which no preloaded library sees, and then reads the
 * descriptor with its internal read. So an fopen of the device path opens
 * the device here instead (sg-fd.c) and wraps the descriptor in a custom
 * stream (fopencookie) whose reads, seeks and close are this library's
 * read, lseek64 and close: stdio reads the disc's 2048-byte blocks
 * (sg-read.c), as it would from /dev/srN; fileno() gives the descriptor.
 * Every other path goes to libc's fopen unchanged.
 *
 * Only reading is possible: the sr driver refuses a blocking open for
 * writing of a CD-R with EROFS (the kernel's cdrom_open, for a drive that
 * is not random-writable), and so does an fopen of the device for "w",
 * "a" or "+".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "sg-private.h"

/* The stream's descriptor, kept in the cookie pointer itself. */
static int
cookie_fd(void *cookie)
{
	return (int)(intptr_t)cookie;
}

static ssize_t
cookie_read(void *cookie, char *buf, size_t size)
{
	return read(cookie_fd(cookie), buf, size);
}

static int
cookie_seek(void *cookie, off64_t *off, int whence)
{
	off64_t ret = lseek64(cookie_fd(cookie), *off, whence);

	if (ret < 0)
		return -1;
	*off = ret;
	return 0;
}

static int
cookie_close(void *cookie)
{
	return close(cookie_fd(cookie));
}

/*
 * The open(2) flags of an fopen @mode, read as glibc reads it: the first
 * letter, then up to six modifiers, up to a ",ccs=". -1 for a mode glibc
 * refuses (EINVAL).
 */
static int
mode_flags(const char *mode)
{
	int flags;

	switch (mode[0]) {
	case 'r':
		flags = O_RDONLY;
		break;
	case 'w':
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		return -1;
	}
	for (int i = 1; i < 7 && mode[i] && mode[i] != ','; i++) {
		if (mode[i] == '+')
			flags = (flags & ~O_ACCMODE) | O_RDWR;
		else if (mode[i] == 'x')
			flags |= O_EXCL;
		else if (mode[i] == 'e')
			flags |= O_CLOEXEC;
	}
	return flags;
}

/* The device as a read-only stream: NULL with errno as the kernel and glibc would set it. */
static FILE *
node_open(const char *path, const char *mode)
{
	static const cookie_io_functions_t io = {
		.read = cookie_read,
		.seek = cookie_seek,
		.close = cookie_close,
	};
	int flags = mode_flags(mode), fd;
	FILE *f;

	if (flags < 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((flags & O_CREAT) && (flags & O_EXCL)) {
		errno = EEXIST;		/* the node exists */
		return NULL;
	}
	if ((flags & O_ACCMODE) != O_RDONLY) {
		sg_config_debug("fopen %s \"%s\": read-only medium", path, mode);
		errno = EROFS;
		return NULL;
	}
	fd = sg_fd_open(path, flags);
	if (fd < 0)
		return NULL;
	f = fopencookie((void *)(intptr_t)fd, "r", io);
	if (!f) {
		int err = errno;

		close(fd);
		errno = err;
		return NULL;
	}
	/*
	 * fileno() of a custom stream is -1 (glibc marks it -2 in the public
	 * _fileno field); programs that fopen an image and then lseek and
	 * read its fileno() (genisoimage -M) need the descriptor, whose
	 * read and lseek are the device's too, sharing the stream's position
	 * as a file's descriptor and stream share the file offset.
	 */
	f->_fileno = fd;
	sg_config_debug("fopen %s \"%s\" -> fd %d", path, mode, fd);
	return f;
}

SG_EXPORT FILE *
fopen(const char *path, const char *mode)
{
	sg_libc_ready();
	if (sg_config_is_node(AT_FDCWD, path))
		return node_open(path, mode);
	return sg_libc.fopen(path, mode);
}

SG_EXPORT FILE *
fopen64(const char *path, const char *mode)
{
	sg_libc_ready();
	if (sg_config_is_node(AT_FDCWD, path))
		return node_open(path, mode);
	return sg_libc.fopen64(path, mode);
}
