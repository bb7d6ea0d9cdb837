/*
 * The calls that describe the tree (doc/design.md §2): a file's attributes,
 * whether the caller may use it, a directory's names, the room on the disc.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

#include "attrs.h"
#include "disc.h"
#include "ops-private.h"
#include "perm.h"
#include "sink.h"

static int
getattr_of(struct fs_ctx *ctx, const char *path, const struct fs_node *node, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_uid = ctx->uid;
	st->st_gid = ctx->gid;
	if (!node && fs_ops_in_disc_dir(ctx, path))
		return fs_disc_stat(ctx, path + 6, st);
	if (!node)
		return fs_ops_in_burn_dir(path) ? fs_jobs_stat(ctx, path + 6, st) : -ENOENT;
	st->st_atime = st->st_mtime = st->st_ctime = ctx->mount_time;
	if (node->kind == FS_NODE_DIR) {
		st->st_mode = S_IFDIR | node->mode;
		st->st_nlink = 2;
		return 0;
	}
	st->st_mode = S_IFREG | node->mode;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	if (node->show && ctx->kernel_cache && (node->flags & FS_NODE_CACHED)) {
		struct burn_error ignored;
		struct lasterr_who who = fs_ops_caller();

		/* the size the kernel reads a cached value up to: its reads serve this text */
		(void)fs_attrs_tell(ctx, node, &who, st, &ignored);
	} else if (node->show) {
		/* the size a reader would get now, so cat, less and file managers see it */
		struct strbuf sb;
		struct burn_error ignored;
		struct lasterr_who who = fs_ops_caller();

		strbuf_init(&sb);
		if (fs_node_show(ctx, node, &who, &sb, &ignored) == 0)
			st->st_size = (off_t)sb.len;
		strbuf_free(&sb);
	}
	return 0;
}

/*
 * The kernel keeps attributes for FS_ATTR_TIMEOUT, which only a cached
 * value may use: a live value's size is the caller's and changes behind the
 * mount's back. Dropping them as this stat is answered keeps its reply out
 * of the kernel's cache (the drop moves the inode's attribute version on),
 * so the next stat asks again, as with no attribute caching at all. A name
 * seen for the first time has no inode to drop yet: its first attributes
 * may be kept until FS_ATTR_TIMEOUT, and are as new as that stat.
 */
static int
fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	const struct fs_node *node = fs_node_find(ctx, path);
	int ret = getattr_of(ctx, path, node, st);

	st->st_mode = fs_perm_shown(path, st->st_mode);
	if (ret == 0 && S_ISREG(st->st_mode))
		fs_attrs_answered(ctx, path, node && (node->flags & FS_NODE_CACHED));
	return ret;
}

static int
fs_access(const char *path, int mask)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	const struct fs_node *node = fs_node_find(ctx, path);
	struct stat st;

	if (!node && fs_ops_in_burn_dir(path) && fs_jobs_stat(fs_ops_ctx(), path + 6, &st) == 0)
		return (mask & (R_OK | X_OK)) ? -EACCES : 0;
	if (!node && fs_ops_in_disc_dir(fs_ops_ctx(), path) && fs_disc_stat(fs_ops_ctx(), path + 6, &st) == 0)
		return (mask & (W_OK | X_OK)) ||
		       !fs_perm_permitted(fs_ops_ctx(), FS_PERM_DISC_MODE, mask) ? -EACCES : 0;
	if (!node)
		return -ENOENT;
	/* a probe (test -w), not a failure: last_error is left alone */
	if (!fs_perm_permitted(fs_ops_ctx(), node->mode, mask & (R_OK | W_OK | X_OK)))
		return -EACCES;
	if (node->kind == FS_NODE_DIR)
		return (mask & W_OK) && strcmp(path, "/burn") != 0 ? -EACCES : 0;
	if ((mask & X_OK) || ((mask & R_OK) && !node->show) ||
	    ((mask & W_OK) && !node->store && node->kind != FS_NODE_SINK))
		return -EACCES;
	return 0;
}

struct fill_arg {
	void *buf;
	fuse_fill_dir_t filler;
};

static void
fill_one(void *arg, const char *name)
{
	struct fill_arg *a = arg;

	a->filler(a->buf, name, NULL, 0, 0);
}

static int
fs_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
	   struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	const struct fs_node *node = fs_node_find(ctx, path);
	const struct fs_node *kids[64];
	size_t n;

	if (!node)
		return -ENOENT;
	if (node->kind != FS_NODE_DIR)
		return -ENOTDIR;
	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	n = fs_node_children(ctx, path, kids, 64);
	for (size_t i = 0; i < n && i < 64; i++)
		filler(buf, strrchr(kids[i]->path, '/') + 1, NULL, 0, 0);
	if (strcmp(path, "/") == 0) {
		/* a group's members, each a recorder's tree (fs/route.c) */
		for (size_t i = 0; i < ctx->n_members; i++)
			filler(buf, ctx->members[i]->name, NULL, 0, 0);
	} else if (strcmp(path, "/burn") == 0) {
		struct fill_arg a = { buf, filler };

		fs_jobs_each(fs_ops_ctx(), fill_one, &a);
	} else if (strcmp(path, "/disc") == 0) {
		struct fill_arg a = { buf, filler };

		fs_disc_each(fs_ops_ctx(), fill_one, &a);
	}
	return 0;
}

static int
fs_statfs(const char *path, struct statvfs *sv)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	uint64_t blocks;
	bool have = false;
	int ret;

	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = sv->f_frsize = RECORDER_DATA_BLOCK_SIZE;
	sv->f_namemax = 255;
	/* the room on a blank disc, so file managers can warn before a copy; a group's smallest */
	recorder_view_begin();
	for (size_t i = 0; i < (ctx->group ? ctx->n_members : 1); i++) {
		struct recorder *rec = ctx->group ? ctx->members[i]->rec : ctx->rec;

		ret = recorder_data_room(rec, &blocks, NULL);
		if (ret == 0 && (!have || (fsblkcnt_t)blocks < sv->f_blocks))
			sv->f_blocks = sv->f_bfree = sv->f_bavail = (fsblkcnt_t)blocks;
		have |= ret == 0;
	}
	recorder_view_end();
	return 0;
}

void
fs_ops_meta(struct fuse_operations *ops)
{
	ops->getattr = fs_getattr;
	ops->access = fs_access;
	ops->readdir = fs_readdir;
	ops->statfs = fs_statfs;
}
