/*
 * The emulator's directory, trusted only as far as it deserves
 * (doc/emulator-directory.md): the directory is opened once, after every
 * directory and link on its path has been checked, and every file in it is
 * then reached relative to that descriptor, never through a link, and
 * created only as a new file of our own. Private to core/emu.
 */
#pragma once

#include <stddef.h>
#include <sys/stat.h>

#include "result.h"

/*
 * Opens directory @path for the emulator, creating its last component
 * (mode 0755) when that alone is missing. Refused, with @err set to
 * BURN_E_NO_RECORDER_SPECIFIED and a reason naming the culprit, when the
 * directory is not owned by the effective user or root or is writable by
 * its group or others; when a directory on the way is owned by someone
 * else, or writable by its group or others without the sticky bit; or
 * when a symbolic link on the way is owned by someone else. On success
 * *@fd is an O_DIRECTORY descriptor and *@canon the path the walk took
 * (no links, no dot components); both are the caller's: close(), free().
 */
int emu_dir_open(const char *path, int *fd, char **canon, struct burn_error *err);

/*
 * Why the entry @sb (from fstatat(..., AT_SYMLINK_NOFOLLOW) or fstat) may
 * not be reused: NULL when it is a regular file owned by the effective
 * user or root with no other hard link; else a phrase for a message
 * ("is a symbolic link", "has 2 hard links", ...), kept in @buf.
 */
const char *emu_dir_unsafe(const struct stat *sb, char *buf, size_t size);

/*
 * Opens the existing entry @name of directory @dfd with @flags (O_RDONLY
 * or O_RDWR; O_NOFOLLOW, O_NONBLOCK and O_CLOEXEC are added) when
 * emu_dir_unsafe() finds nothing against it, before and after the open.
 * Returns the descriptor (the caller's) and its stat in *@sb; -ENOENT when
 * there is no such entry; -EPERM when there is one that may not be reused,
 * with the reason in @why; or another -errno.
 */
int emu_dir_open_existing(int dfd, const char *name, int flags, struct stat *sb, char *why,
			  size_t why_size);

/*
 * Opens lock file @name of @dfd for reading and writing: the existing one
 * if it may be reused, else a new one made with O_CREAT|O_EXCL (which
 * never follows a link). Not made through a temporary and rename(): two
 * processes creating it at once must end up locking the same file.
 * Returns the descriptor (the caller's), or -EPERM with @why, or -errno.
 */
int emu_dir_open_lock(int dfd, const char *name, char *why, size_t why_size);

/*
 * Creates a new, empty temporary file for @name in @dfd with O_CREAT|O_EXCL
 * (mode 0644), named "NAME.PID.N.tmp", its name written to @tmp. Returns
 * the descriptor (the caller's) or -errno. Put it in place with
 * renameat(), which replaces whatever @name was without following it.
 */
int emu_dir_create_temp(int dfd, const char *name, char *tmp, size_t tmp_size);

/*
 * Sets @err (result @r) to "emulator directory DIR: NAME WHY; remove it
 * (...)" for a file of @dir that may not be reused, and returns
 * the negative errno of @r.
 */
int emu_dir_refuse(struct burn_error *err, enum burn_result r, const char *dir, const char *name,
		   const char *why);
