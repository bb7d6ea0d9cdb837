/*
 * A mount of several recorders (doc/design.md §2.6): /NAME/... is member
 * NAME's own tree, answered by the same operations as a one-recorder
 * mount with the path below /NAME and that member as the context
 * (fs_ops_ctx()); every other path is the group's.
 */
#include "config.h"

#include <string.h>

#include "ops-private.h"
#include "ops.h"

__thread struct fs_ctx *fs_ops_routed;

static const struct fuse_operations *inner;

/*
 * Makes the member that @path is in the context of this call and returns
 * the path inside it ("/" for the member's own directory); the group's
 * paths are returned as they are. A NULL path (an open file's name gone)
 * stays the group's.
 */
static const char *
route(const char *path)
{
	struct fs_ctx *top = fuse_get_context()->private_data;
	struct fs_ctx *m;
	size_t len;

	fs_ops_routed = NULL;
	if (!path || path[0] != '/' || !path[1])
		return path;
	len = strcspn(path + 1, "/");
	m = fs_group_find(top, path + 1, len);
	if (!m)
		return path;
	fs_ops_routed = m;
	return path[1 + len] ? path + 1 + len : "/";
}

/* @path inside the member the call was routed to, if it is that member's; else as it is. */
static const char *
route_second(const char *path)
{
	struct fs_ctx *m = fs_ops_routed;
	size_t len;

	if (!m || !path || path[0] != '/')
		return path;
	len = strlen(m->name);
	if (strncmp(path + 1, m->name, len) != 0 || (path[1 + len] && path[1 + len] != '/'))
		return path;
	return path[1 + len] ? path + 1 + len : "/";
}

#define ROUTED(type, op, params, args)                                                           \
	static type routed_##op params                                                           \
	{                                                                                        \
		type r;                                                                          \
		path = route(path);                                                              \
		r = inner->op args;                                                              \
		fs_ops_routed = NULL;                                                            \
		return r;                                                                        \
	}

ROUTED(int, getattr, (const char *path, struct stat *st, struct fuse_file_info *fi), (path, st, fi))
ROUTED(int, access, (const char *path, int mask), (path, mask))
ROUTED(int, readdir, (const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags),
       (path, buf, filler, off, fi, flags))
ROUTED(int, open, (const char *path, struct fuse_file_info *fi), (path, fi))
ROUTED(int, read, (const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi),
       (path, buf, size, off, fi))
ROUTED(int, write, (const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi),
       (path, buf, size, off, fi))
ROUTED(int, release, (const char *path, struct fuse_file_info *fi), (path, fi))
ROUTED(int, flush, (const char *path, struct fuse_file_info *fi), (path, fi))
ROUTED(int, fsync, (const char *path, int datasync, struct fuse_file_info *fi), (path, datasync, fi))
ROUTED(int, fsyncdir, (const char *path, int datasync, struct fuse_file_info *fi), (path, datasync, fi))
ROUTED(int, poll, (const char *path, struct fuse_file_info *fi, struct fuse_pollhandle *ph, unsigned *reventsp),
       (path, fi, ph, reventsp))
ROUTED(int, truncate, (const char *path, off_t size, struct fuse_file_info *fi), (path, size, fi))
ROUTED(int, unlink, (const char *path), (path))
ROUTED(int, create, (const char *path, mode_t mode, struct fuse_file_info *fi), (path, mode, fi))
ROUTED(int, statfs, (const char *path, struct statvfs *sv), (path, sv))
ROUTED(off_t, lseek, (const char *path, off_t off, int whence, struct fuse_file_info *fi),
       (path, off, whence, fi))
ROUTED(int, chmod, (const char *path, mode_t mode, struct fuse_file_info *fi), (path, mode, fi))
ROUTED(int, chown, (const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi), (path, uid, gid, fi))
ROUTED(int, utimens, (const char *path, const struct timespec tv[2], struct fuse_file_info *fi), (path, tv, fi))
ROUTED(int, rmdir, (const char *path), (path))
ROUTED(int, rename, (const char *path, const char *to, unsigned int flags), (path, route_second(to), flags))
ROUTED(int, mknod, (const char *path, mode_t mode, dev_t rdev), (path, mode, rdev))
ROUTED(int, mkdir, (const char *path, mode_t mode), (path, mode))
ROUTED(int, getxattr, (const char *path, const char *name, char *value, size_t size), (path, name, value, size))
ROUTED(int, listxattr, (const char *path, char *list, size_t size), (path, list, size))
ROUTED(int, setxattr, (const char *path, const char *name, const char *value, size_t size, int flags),
       (path, name, value, size, flags))
ROUTED(int, removexattr, (const char *path, const char *name), (path, name))
ROUTED(int, fallocate, (const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi),
       (path, mode, off, len, fi))
ROUTED(ssize_t, copy_file_range, (const char *path, struct fuse_file_info *fi_in, off_t off_in, const char *out,
				  struct fuse_file_info *fi_out, off_t off_out, size_t len, int flags),
       (path, fi_in, off_in, out, fi_out, off_out, len, flags))
ROUTED(int, ioctl, (const char *path, unsigned int cmd, void *arg, struct fuse_file_info *fi, unsigned int flags,
		    void *data),
       (path, cmd, arg, fi, flags, data))

/* symlink and link name the new file second: that one is routed. */
ROUTED(int, symlink, (const char *target, const char *path), (target, path))
ROUTED(int, link, (const char *from, const char *path), (from, path))

const struct fuse_operations *
fs_group_operations(void)
{
	static struct fuse_operations ops;

	inner = fs_operations();
	ops = *inner;
	ops.getattr = routed_getattr;
	ops.access = routed_access;
	ops.readdir = routed_readdir;
	ops.open = routed_open;
	ops.read = routed_read;
	ops.write = routed_write;
	ops.release = routed_release;
	ops.flush = routed_flush;
	ops.fsync = routed_fsync;
	ops.fsyncdir = routed_fsyncdir;
	ops.poll = routed_poll;
	ops.truncate = routed_truncate;
	ops.unlink = routed_unlink;
	ops.create = routed_create;
	ops.statfs = routed_statfs;
	ops.lseek = routed_lseek;
	ops.chmod = routed_chmod;
	ops.chown = routed_chown;
	ops.utimens = routed_utimens;
	ops.rmdir = routed_rmdir;
	ops.rename = routed_rename;
	ops.mknod = routed_mknod;
	ops.mkdir = routed_mkdir;
	ops.symlink = routed_symlink;
	ops.link = routed_link;
	ops.getxattr = routed_getxattr;
	ops.listxattr = routed_listxattr;
	ops.setxattr = routed_setxattr;
	ops.removexattr = routed_removexattr;
	ops.fallocate = routed_fallocate;
	ops.copy_file_range = routed_copy_file_range;
	ops.ioctl = routed_ioctl;
	return &ops;
}
