/*
 * The calls a fixed tree answers without content (doc/design.md §2): chmod,
 * chown and utimens that change nothing, refusals to create, remove or
 * rename, no extended attributes. Never ENOSYS.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "disc.h"
#include "ops-private.h"
#include "sink.h"

bool
fs_ops_exists(const char *path)
{
	struct stat st;

	return fs_node_find(fs_ops_ctx(), path) ||
	       (fs_ops_in_burn_dir(path) && fs_jobs_stat(fs_ops_ctx(), path + 6, &st) == 0) ||
	       (fs_ops_in_disc_dir(fs_ops_ctx(), path) && fs_disc_stat(fs_ops_ctx(), path + 6, &st) == 0);
}

/* chmod, chown and utimens succeed and change nothing: copiers send them. */
static int
fs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	return fs_ops_exists(path) ? fs_ops_check_owner(fs_ops_ctx(), fs_ops_name(path), "change the mode of") : -ENOENT;
}

static int
fs_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	return fs_ops_exists(path) ? fs_ops_check_owner(fs_ops_ctx(), fs_ops_name(path), "change the owner of")
			    : -ENOENT;
}

static int
fs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	return fs_ops_exists(path) ? fs_ops_check_owner(fs_ops_ctx(), fs_ops_name(path), "set the times of") : -ENOENT;
}

int
fs_ops_refuse_fixed(const char *path, const char *what)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	char reason[160];

	if (!fs_ops_exists(path))
		return -ENOENT;
	snprintf(reason, sizeof(reason), "%s is part of the fixed tree and cannot be %s",
		 fs_ops_name(path), what);
	return fs_ops_fail_with(ctx, BURN_E_NOT_SUPPORTED, "%s", reason);
}

static int
fs_rmdir(const char *path)
{
	return fs_ops_refuse_fixed(path, "removed");
}

static int
fs_rename(const char *from, const char *to, unsigned int flags)
{
	if (fs_ops_in_burn_dir(from) && fs_ops_exists(from))
		return fs_ops_fail_with(fs_ops_ctx(), BURN_E_NOT_SUPPORTED,
				 "%s is a burn job's record and cannot be renamed (remove it, and copy the file in again under the new name to burn it)",
				 fs_ops_name(from));
	return fs_ops_refuse_fixed(from, "renamed");
}

int
fs_ops_refuse_new(const char *path)
{
	struct fs_ctx *ctx = fs_ops_ctx();

	if (fs_ops_exists(path))
		return -EEXIST;
	if (fs_ops_in_burn_dir(path))
		return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED,
				 "%s cannot be created: burn/ takes plain files, one burn job each",
				 fs_ops_name(path));
	return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED,
			 "%s cannot be created: the tree is fixed (drop files into burn/)",
			 fs_ops_name(path));
}

static int
fs_mknod(const char *path, mode_t mode, dev_t rdev)
{
	return fs_ops_refuse_new(path);
}

static int
fs_mkdir(const char *path, mode_t mode)
{
	return fs_ops_refuse_new(path);
}

static int
fs_symlink(const char *target, const char *path)
{
	return fs_ops_refuse_new(path);
}

static int
fs_link(const char *from, const char *to)
{
	return fs_ops_refuse_new(to);
}

/* No extended attributes; answered so that ENOSYS never reaches the kernel. */
static int
fs_getxattr(const char *path, const char *name, char *value, size_t size)
{
	return fs_ops_exists(path) ? -ENODATA : -ENOENT;
}

static int
fs_listxattr(const char *path, char *list, size_t size)
{
	return fs_ops_exists(path) ? 0 : -ENOENT;
}

static int
fs_setxattr(const char *path, const char *name, const char *value, size_t size, int flags)
{
	return fs_ops_exists(path) ? -ENOTSUP : -ENOENT;
}

static int
fs_removexattr(const char *path, const char *name)
{
	return fs_ops_exists(path) ? -ENODATA : -ENOENT;
}

static int
fs_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi)
{
	return -EOPNOTSUPP;
}

static ssize_t
fs_copy_file_range(const char *in, struct fuse_file_info *fi_in, off_t off_in, const char *out,
		   struct fuse_file_info *fi_out, off_t off_out, size_t len, int flags)
{
	return -EOPNOTSUPP;	/* the kernel falls back to plain reads and writes */
}

static int
fs_ioctl(const char *path, unsigned int cmd, void *arg, struct fuse_file_info *fi,
	 unsigned int flags, void *data)
{
	return -ENOTTY;
}

void
fs_ops_fixed(struct fuse_operations *ops)
{
	ops->chmod = fs_chmod;
	ops->chown = fs_chown;
	ops->utimens = fs_utimens;
	ops->rmdir = fs_rmdir;
	ops->rename = fs_rename;
	ops->mknod = fs_mknod;
	ops->mkdir = fs_mkdir;
	ops->symlink = fs_symlink;
	ops->link = fs_link;
	ops->getxattr = fs_getxattr;
	ops->listxattr = fs_listxattr;
	ops->setxattr = fs_setxattr;
	ops->removexattr = fs_removexattr;
	ops->fallocate = fs_fallocate;
	ops->copy_file_range = fs_copy_file_range;
	ops->ioctl = fs_ioctl;
}
