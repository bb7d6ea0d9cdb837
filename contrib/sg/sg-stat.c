/*
 * The stat family: the device path, and its descriptors, are a block
 * device (major 11) whatever the node on disk is, or if there is none.
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "sg-private.h"

/*
 * Fills the fields that make it a CD device. @real_ok says whether the
 * path had something to stat; if not, the rest is made up.
 */
#define FAKE_STAT(sb, real_ok) \
	do { \
		if (!(real_ok)) { \
			memset((sb), 0, sizeof(*(sb))); \
			(sb)->st_mode = S_IFBLK | 0660; \
			(sb)->st_nlink = 1; \
			(sb)->st_blksize = SG_BLOCK; \
		} else if (!S_ISBLK((sb)->st_mode)) { \
			(sb)->st_mode = S_IFBLK | ((sb)->st_mode & 07777); \
			(sb)->st_size = 0; \
		} \
		(sb)->st_rdev = sg_config.rdev; \
	} while (0)

static int
node_stat(struct stat *sb)
{
	int ret = sg_libc.stat(sg_config.path, sb);

	FAKE_STAT(sb, ret == 0);
	return 0;
}

static int
node_stat64(struct stat64 *sb)
{
	int ret = sg_libc.stat64(sg_config.path, sb);

	FAKE_STAT(sb, ret == 0);
	return 0;
}

/* Which argument names the device: a descriptor, or a path relative to a directory. */
static bool
fd_is_node(int fd)
{
	sg_libc_ready();
	return sg_fd_lookup(fd) != NULL;
}

/* fstatat(fd, "", AT_EMPTY_PATH) is how glibc and statx-era code say fstat. */
static bool
at_is_node(int dirfd, const char *path, int flags)
{
	sg_libc_ready();
	if (path && !*path && (flags & AT_EMPTY_PATH))
		return sg_fd_lookup(dirfd) != NULL;
	if (flags & AT_SYMLINK_NOFOLLOW)
		return sg_config_is_path(path);
	return sg_config_is_node(dirfd, path);
}

SG_EXPORT int
stat(const char *path, struct stat *sb)
{
	return sg_config_is_node(AT_FDCWD, path) ? node_stat(sb) : sg_libc.stat(path, sb);
}

SG_EXPORT int
stat64(const char *path, struct stat64 *sb)
{
	return sg_config_is_node(AT_FDCWD, path) ? node_stat64(sb) : sg_libc.stat64(path, sb);
}

SG_EXPORT int
lstat(const char *path, struct stat *sb)
{
	return sg_config_is_path(path) ? node_stat(sb) : sg_libc.lstat(path, sb);
}

SG_EXPORT int
lstat64(const char *path, struct stat64 *sb)
{
	return sg_config_is_path(path) ? node_stat64(sb) : sg_libc.lstat64(path, sb);
}

SG_EXPORT int
fstat(int fd, struct stat *sb)
{
	return fd_is_node(fd) ? node_stat(sb) : sg_libc.fstat(fd, sb);
}

SG_EXPORT int
fstat64(int fd, struct stat64 *sb)
{
	return fd_is_node(fd) ? node_stat64(sb) : sg_libc.fstat64(fd, sb);
}

SG_EXPORT int
fstatat(int dirfd, const char *path, struct stat *sb, int flags)
{
	return at_is_node(dirfd, path, flags) ? node_stat(sb)
					      : sg_libc.fstatat(dirfd, path, sb, flags);
}

SG_EXPORT int
fstatat64(int dirfd, const char *path, struct stat64 *sb, int flags)
{
	return at_is_node(dirfd, path, flags) ? node_stat64(sb)
					      : sg_libc.fstatat64(dirfd, path, sb, flags);
}

SG_EXPORT int
statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *sx)
{
	struct stat64 sb;

	if (!at_is_node(dirfd, path, flags))
		return sg_libc.statx(dirfd, path, flags, mask, sx);
	node_stat64(&sb);
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = (uint32_t)sb.st_blksize;
	sx->stx_nlink = (uint32_t)sb.st_nlink;
	sx->stx_uid = sb.st_uid;
	sx->stx_gid = sb.st_gid;
	sx->stx_mode = (uint16_t)sb.st_mode;
	sx->stx_ino = sb.st_ino;
	sx->stx_size = (uint64_t)sb.st_size;
	sx->stx_blocks = (uint64_t)sb.st_blocks;
	sx->stx_atime.tv_sec = sb.st_atim.tv_sec;
	sx->stx_mtime.tv_sec = sb.st_mtim.tv_sec;
	sx->stx_ctime.tv_sec = sb.st_ctim.tv_sec;
	sx->stx_rdev_major = major(sb.st_rdev);
	sx->stx_rdev_minor = minor(sb.st_rdev);
	sx->stx_dev_major = major(sb.st_dev);
	sx->stx_dev_minor = minor(sb.st_dev);
	return 0;
}

/* The pre-2.33 glibc entry points, still used by older binaries. */
int __xstat(int ver, const char *path, struct stat *sb);
int __xstat64(int ver, const char *path, struct stat64 *sb);
int __lxstat(int ver, const char *path, struct stat *sb);
int __lxstat64(int ver, const char *path, struct stat64 *sb);
int __fxstat(int ver, int fd, struct stat *sb);
int __fxstat64(int ver, int fd, struct stat64 *sb);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *sb, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *sb, int flags);

SG_EXPORT int
__xstat(int ver, const char *path, struct stat *sb)
{
	return sg_config_is_node(AT_FDCWD, path) ? node_stat(sb) : sg_libc.xstat(ver, path, sb);
}

SG_EXPORT int
__xstat64(int ver, const char *path, struct stat64 *sb)
{
	return sg_config_is_node(AT_FDCWD, path) ? node_stat64(sb) : sg_libc.xstat64(ver, path, sb);
}

SG_EXPORT int
__lxstat(int ver, const char *path, struct stat *sb)
{
	return sg_config_is_path(path) ? node_stat(sb) : sg_libc.lxstat(ver, path, sb);
}

SG_EXPORT int
__lxstat64(int ver, const char *path, struct stat64 *sb)
{
	return sg_config_is_path(path) ? node_stat64(sb) : sg_libc.lxstat64(ver, path, sb);
}

SG_EXPORT int
__fxstat(int ver, int fd, struct stat *sb)
{
	return fd_is_node(fd) ? node_stat(sb) : sg_libc.fxstat(ver, fd, sb);
}

SG_EXPORT int
__fxstat64(int ver, int fd, struct stat64 *sb)
{
	return fd_is_node(fd) ? node_stat64(sb) : sg_libc.fxstat64(ver, fd, sb);
}

SG_EXPORT int
__fxstatat(int ver, int dirfd, const char *path, struct stat *sb, int flags)
{
	return at_is_node(dirfd, path, flags) ? node_stat(sb)
					      : sg_libc.fxstatat(ver, dirfd, path, sb, flags);
}

SG_EXPORT int
__fxstatat64(int ver, int dirfd, const char *path, struct stat64 *sb, int flags)
{
	return at_is_node(dirfd, path, flags) ? node_stat64(sb)
					      : sg_libc.fxstatat64(ver, dirfd, path, sb, flags);
}
