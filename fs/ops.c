#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <fuse.h>

#include "attrs.h"
#include "disc.h"
#include "fs.h"
#include "hints.h"
#include "ops-private.h"
#include "ops.h"
#include "perm.h"
#include "sink.h"

/* Seconds the kernel keeps a looked-up name, and a cached value's attributes (fs_init()). */
#define FS_ENTRY_TIMEOUT 1.0
#define FS_ATTR_TIMEOUT 1.0

/* What an open file of ours holds. */
struct fs_handle {
	const struct fs_node *node;
	struct strbuf content;	/* a read open's snapshot, rendered once like sysfs does */
	struct fs_sink *sink;	/* track.raw or a burn/ job */
	struct fs_disc_file *disc;	/* a file of disc/ */
	unsigned long generation;	/* progress generation the content shows */
	bool rendered;			/* content was rendered by open and not read yet */
	bool have;			/* content holds a rendering */
	bool cached;			/* a cached value's: the kernel's page cache reads it */
	struct fs_handle *prev, *next;	/* ctx->handles: what an unmount may leave unreleased */
};

/*
 * Every open handle is listed: a RELEASE still in flight when the mount
 * goes away never arrives, and fs_handles_free() then frees what is left.
 */
static void
handle_track(struct fs_ctx *ctx, struct fs_handle *h)
{
	pthread_mutex_lock(&ctx->handles_mu);
	h->prev = NULL;
	h->next = ctx->handles;
	if (h->next)
		h->next->prev = h;
	ctx->handles = h;
	pthread_mutex_unlock(&ctx->handles_mu);
}

static void
handle_untrack(struct fs_ctx *ctx, struct fs_handle *h)
{
	pthread_mutex_lock(&ctx->handles_mu);
	if (h->prev)
		h->prev->next = h->next;
	else
		ctx->handles = h->next;
	if (h->next)
		h->next->prev = h->prev;
	pthread_mutex_unlock(&ctx->handles_mu);
}

/* A new handle on @node (NULL for disc/), or NULL with the failure recorded in *@ret. */
static struct fs_handle *
handle_new(struct fs_ctx *ctx, const struct fs_node *node, const char *path, int *ret)
{
	struct fs_handle *h = calloc(1, sizeof(*h));

	if (!h) {
		*ret = fs_ops_fail_with(ctx, BURN_E_OUTOFMEMORY, "no memory to open %s",
					fs_ops_name(path));
		return NULL;
	}
	h->node = node;
	strbuf_init(&h->content);
	return h;
}

/* A read-only open of a value the kernel may keep (FS_NODE_CACHED). */
static bool
open_cached(const struct fs_ctx *ctx, const struct fs_node *node, const struct fuse_file_info *fi)
{
	return ctx->kernel_cache && node && (node->flags & FS_NODE_CACHED) &&
	       (fi->flags & O_ACCMODE) == O_RDONLY;
}

/*
 * Makes @h the open file @fi, listed for fs_handles_free(). Sinks take every
 * write and most values are live, per caller or changed behind the mount's
 * back: the page cache never answers for them. A cached value's reads are
 * the kernel's until a store drops them (fs_write()).
 */
static int
handle_publish(struct fs_ctx *ctx, struct fs_handle *h, struct fuse_file_info *fi)
{
	bool cached = !h->sink && !h->disc && open_cached(ctx, h->node, fi);

	h->cached = cached;
	fi->direct_io = !cached;
	fi->keep_cache = cached;
	/* only a sink's close has something to report (fs_flush()): no FLUSH round trip */
	fi->noflush = !h->sink;
	handle_track(ctx, h);
	fi->fh = (uintptr_t)h;
	return 0;
}

void
fs_handles_free(struct fs_ctx *ctx)
{
	struct fs_handle *h, *next;

	pthread_mutex_lock(&ctx->handles_mu);
	for (h = ctx->handles; h; h = next) {
		next = h->next;
		if (h->sink) {
			struct burn_error e;

			fs_sink_release(ctx, h->sink, &e);
		}
		fs_disc_close(h->disc);
		strbuf_free(&h->content);
		free(h);
	}
	ctx->handles = NULL;
	pthread_mutex_unlock(&ctx->handles_mu);
}

struct lasterr_who
fs_ops_caller(void)
{
	const struct fuse_context *fc = fuse_get_context();
	struct lasterr_who who = { lasterr_tgid(fc->pid), fc->uid };

	return who;
}

/* Keeps @e as the caller's last_error, in the mount's words. */
static void
record(struct fs_ctx *ctx, const struct burn_error *e)
{
	struct lasterr_who who = fs_ops_caller();
	struct burn_error worded = *e;

	fs_hints_add(&worded);
	lasterr_set(ctx->le, &who, &worded);
	fs_attrs_settle(ctx);	/* last_error and status changed */
}

/* A group's burn failed: each failed member keeps its own reason, as after a burn of its own. */
static void
record_members(struct fs_ctx *ctx)
{
	struct lasterr_who who;

	if (!ctx->group)
		return;
	who = fs_ops_caller();
	fs_group_record(ctx, &who);
}

static void
record_burn(struct fs_ctx *ctx, const struct burn_error *e)
{
	record(ctx, e);
	record_members(ctx);
}

/*
 * The one place a core failure becomes an errno for FUSE (doc/design.md §3): the
 * result table decides, and last_error gets the reason.
 */
int
fs_ops_fail(struct fs_ctx *ctx, const struct burn_error *e)
{
	int err = burn_result_info(e->result)->err;

	record(ctx, e);
	if (err == 0 || err == ENOSYS)
		err = EIO;
	return -err;
}

int
fs_ops_fail_with(struct fs_ctx *ctx, enum burn_result r, const char *fmt, ...)
{
	struct burn_error e;
	va_list ap;

	va_start(ap, fmt);
	burn_error_vset(&e, r, fmt, ap);
	va_end(ap);
	return fs_ops_fail(ctx, &e);
}

/* A refusal by fs/perm.c's rules, recorded like every other failure. */
int
fs_ops_check_access(struct fs_ctx *ctx, const char *name, mode_t mode, int mask, const char *what)
{
	struct burn_error e;

	return fs_perm_check(ctx, name, mode, mask, what, &e) < 0 ? fs_ops_fail(ctx, &e) : 0;
}

int
fs_ops_check_owner(struct fs_ctx *ctx, const char *name, const char *what)
{
	struct burn_error e;

	return fs_perm_owner(ctx, name, what, &e) < 0 ? fs_ops_fail(ctx, &e) : 0;
}

/* track.raw and burn/ jobs: write-only, opened alone (doc/design.md §2.2). */
static int
open_sink(struct fs_ctx *ctx, struct fs_handle *h, const char *job_name, int accmode)
{
	struct burn_error e;

	if (accmode != O_WRONLY)
		return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED,
				 "%s is write-only: open it for writing alone (O_WRONLY)",
				 job_name ? job_name : "track.raw");
	if (fs_sink_open(ctx, job_name, &h->sink, &e) < 0)
		return fs_ops_fail(ctx, &e);
	return 0;
}

/* A file of disc/: read-only. */
static int
open_disc(struct fs_ctx *ctx, const char *path, struct fuse_file_info *fi)
{
	struct fs_handle *h;
	struct burn_error e;
	struct stat st;
	int ret;

	/* a name the kernel kept (entry_timeout) whose disc has gone: as if looked up now */
	if (fs_disc_stat(ctx, path + 6, &st) == -ENOENT)
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED,
					"%s is read-only: the disc is read back, not written, through disc/",
					fs_ops_name(path));
	ret = fs_ops_check_access(ctx, fs_ops_name(path), FS_PERM_DISC_MODE, R_OK, "read");
	if (ret < 0)
		return ret;
	h = handle_new(ctx, NULL, path, &ret);
	if (!h)
		return ret;
	if (fs_disc_open(ctx, path + 6, &h->disc, &e) < 0) {
		free(h);
		return fs_ops_fail(ctx, &e);
	}
	return handle_publish(ctx, h, fi);
}

static int
fs_open(const char *path, struct fuse_file_info *fi)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	const struct fs_node *node = fs_node_find(ctx, path);
	int accmode = fi->flags & O_ACCMODE;
	bool rd = accmode != O_WRONLY, wr = accmode != O_RDONLY;
	struct fs_handle *h;
	struct burn_error e;
	int ret;

	if (!node && fs_ops_in_disc_dir(ctx, path))
		return open_disc(ctx, path, fi);
	if (!node) {
		struct stat st;

		if (fs_ops_in_burn_dir(path) && fs_jobs_stat(ctx, path + 6, &st) == 0)
			return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED,
					 "%s is a finished burn job: it cannot be read or written again (remove it to burn another file of that name)",
					 fs_ops_name(path));
		return -ENOENT;
	}
	if (node->kind == FS_NODE_DIR)
		return -EISDIR;
	if (rd && !node->show && node->kind != FS_NODE_SINK)
		return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED, "%s is write-only", fs_ops_name(path));
	if (wr && !node->store && node->kind != FS_NODE_SINK)
		return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED, "%s is read-only", fs_ops_name(path));
	ret = fs_ops_check_access(ctx, fs_ops_name(path), node->mode, (rd ? R_OK : 0) | (wr ? W_OK : 0),
			   rd && wr ? "read and write" : rd ? "read" : "write");
	if (ret < 0)
		return ret;
	h = handle_new(ctx, node, path, &ret);
	if (!h)
		return ret;
	if (node->kind == FS_NODE_SINK) {
		/*
		 * Not nonseekable: the kernel would refuse lseek and pwrite
		 * without asking, and leave nothing in last_error. A write
		 * anywhere but at the stream's end fails ESPIPE here instead.
		 */
		ret = open_sink(ctx, h, NULL, accmode);
		if (ret < 0)
			goto out_free;
	} else if (rd && !open_cached(ctx, node, fi)) {
		/* a cached value is rendered by the read the kernel sends, if it sends one */
		struct lasterr_who who = fs_ops_caller();

		h->generation = fs_generation(ctx);
		ret = fs_node_show(ctx, node, &who, &h->content, &e);
		if (ret < 0) {
			ret = fs_ops_fail(ctx, &e);
			goto out_free;
		}
		h->rendered = h->have = true;
	}
	return handle_publish(ctx, h, fi);
out_free:
	strbuf_free(&h->content);
	free(h);
	return ret;
}

static int
fs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;

	if (!h || off < 0)
		return -EINVAL;
	if (h->disc) {
		struct burn_error e;
		ssize_t n = fs_disc_read(ctx, h->disc, buf, size, off, &e);

		return n < 0 ? fs_ops_fail(ctx, &e) : (int)n;
	}
	if (h->cached) {
		/* filling the kernel's page: the text whose size it was told (fs/attrs.h) */
		ssize_t n = fs_attrs_told_read(ctx, h->node, buf, size, off);

		if (n >= 0)
			return (int)n;
	}
	if (!h->have || (off == 0 && (!h->rendered || h->generation != fs_generation(ctx)))) {
		/*
		 * Reading from the start again renders anew, like sysfs after a
		 * seek to 0: a watcher polls, then preads at 0. The first read
		 * after open takes what open rendered, if it rendered.
		 */
		struct strbuf fresh;
		struct burn_error e;
		struct lasterr_who who = fs_ops_caller();

		strbuf_init(&fresh);
		h->generation = fs_generation(ctx);
		if (fs_node_show(ctx, h->node, &who, &fresh, &e) < 0) {
			strbuf_free(&fresh);
			return fs_ops_fail(ctx, &e);
		}
		strbuf_free(&h->content);
		h->content = fresh;
		h->have = true;
	}
	h->rendered = false;
	return (int)strbuf_read_at(&h->content, buf, size, off);
}

/* A value is one write of at most a page, like sysfs's store(). */
#define STORE_MAX 4096

static int
fs_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;
	struct burn_error e;

	if (!h)
		return -EBADF;
	if (h->sink) {
		ssize_t n = fs_sink_write(ctx, h->sink, buf, size, off, fi->flags & O_APPEND, &e);

		return n < 0 ? fs_ops_fail(ctx, &e) : (int)n;
	}
	if (size > STORE_MAX) {
		burn_error_set(&e, BURN_E_INVALIDARG,
			       "a value is written in one write(2) of at most %d bytes; this one has %zu",
			       STORE_MAX, size);
		return fs_ops_fail(ctx, &e);
	}
	/* any offset stores the value: `>>` appends in shell terms, we store (doc/design.md §2) */
	if (h->node->store(ctx, buf, size, &e) < 0)
		return fs_ops_fail(ctx, &e);
	/* the kernel drops the old value before the writer learns it is stored */
	if (h->node->flags & FS_NODE_CACHED)
		fs_attrs_drop(ctx, path);
	fs_attrs_settle(ctx);
	return (int)size;
}

static int
fs_release(const char *path, struct fuse_file_info *fi)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;

	if (!h)
		return 0;
	if (h->sink) {
		struct burn_error e;

		/*
		 * The last close ends the stream. Nothing can report a failure
		 * from here: the mount's last_error and status keep it.
		 */
		if (fs_sink_release(ctx, h->sink, &e) < 0)
			record_burn(ctx, &e);
	}
	handle_untrack(ctx, h);
	fs_disc_close(h->disc);
	strbuf_free(&h->content);
	free(h);
	return 0;
}

/*
 * close(2) of a sink descriptor: the one place a burn's outcome can still
 * reach the writer (cat and /bin/echo report flush errors). A complete
 * stream is finished here, so the writer's close returns when the disc is.
 */
static int
fs_flush(const char *path, struct fuse_file_info *fi)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;
	struct burn_error e;
	int ret = 0;

	if (!h || !h->sink)
		return 0;
	if (fs_sink_flush(ctx, h->sink, &e) < 0) {
		ret = fs_ops_fail(ctx, &e);
		record_members(ctx);
	}
	return ret;
}

static int
fs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	return 0;
}

static int
fs_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi)
{
	return 0;
}

/*
 * Files that change with a burn (progress, state, status) are pollable:
 * poll() waits until they differ from what this descriptor last read, then
 * reports POLLIN|POLLPRI; the watcher preads from 0 to get the new value.
 * Other attribute files are always readable.
 */
static int
fs_poll(const char *path, struct fuse_file_info *fi, struct fuse_pollhandle *ph,
	unsigned *reventsp)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;

	if (!h || h->sink || !(h->node->flags & FS_NODE_POLLABLE)) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		*reventsp = h && h->sink ? POLLOUT | POLLWRNORM : POLLIN | POLLRDNORM;
		return 0;
	}
	*reventsp = fs_polls_wait(ctx, h->generation, ph) ? 0 : POLLIN | POLLRDNORM | POLLPRI;
	return 0;
}

static int
fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	const struct fs_node *node = fs_node_find(ctx, path);
	struct stat st;
	int ret;

	if (!node && fs_ops_in_burn_dir(path) && fs_jobs_stat(ctx, path + 6, &st) == 0) {
		ret = fs_ops_check_access(ctx, fs_ops_name(path), FS_JOB_MODE, W_OK, "truncate");
		if (ret < 0 || size == st.st_size)
			return ret;	/* a copier setting the size it wrote: nothing to do */
		return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED,
				 "%s is a burn job: its size is the %lld bytes it took, and cannot be set to %lld",
				 fs_ops_name(path), (long long)st.st_size, (long long)size);
	}
	if (!node && fs_ops_in_disc_dir(ctx, path) && fs_disc_stat(ctx, path + 6, &st) == 0)
		return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED, "%s is read-only",
					fs_ops_name(path));
	if (!node)
		return -ENOENT;
	if (node->kind == FS_NODE_DIR)
		return -EISDIR;
	if (!node->store && node->kind != FS_NODE_SINK)
		return fs_ops_fail_with(ctx, BURN_E_ACCESSDENIED, "%s is read-only", fs_ops_name(path));
	ret = fs_ops_check_access(ctx, fs_ops_name(path), node->mode, W_OK, "truncate");
	if (ret < 0)
		return ret;
	if (size != 0)
		return fs_ops_fail_with(ctx, BURN_E_INVALIDARG,
				 "%s can only be truncated to 0 (which does nothing)", fs_ops_name(path));
	return 0;
}

static int
fs_unlink(const char *path)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	struct burn_error e;
	int ret;

	if (fs_ops_in_burn_dir(path)) {
		if (!fs_ops_exists(path))
			return -ENOENT;
		ret = fs_ops_check_access(ctx, "burn", FS_BURN_DIR_MODE, W_OK | X_OK, "remove files from");
		if (ret < 0)
			return ret;
		ret = fs_jobs_unlink(ctx, path + 6, &e);
		return ret == -ENOENT ? ret : ret < 0 ? fs_ops_fail(ctx, &e) : 0;
	}
	return fs_ops_refuse_fixed(path, "removed");
}

/* A file created in burn/ is a burn job (cp, GIO and KIO create with O_EXCL). */
static int
fs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	struct fs_ctx *ctx = fs_ops_ctx();
	struct fs_handle *h;
	int ret;

	if (!fs_ops_in_burn_dir(path) || strchr(path + 6, '/') || !path[6])
		return fs_ops_refuse_new(path);
	ret = fs_ops_check_access(ctx, "burn", FS_BURN_DIR_MODE, W_OK | X_OK, "create files in");
	if (ret < 0)
		return ret;
	h = handle_new(ctx, fs_node_find(ctx, "/burn"), path, &ret);
	if (!h)
		return ret;
	ret = open_sink(ctx, h, path + 6, fi->flags & O_ACCMODE);
	if (ret < 0) {
		free(h);
		return ret;
	}
	return handle_publish(ctx, h, fi);
}

static off_t
fs_lseek(const char *path, off_t off, int whence, struct fuse_file_info *fi)
{
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;
	off_t len;

	if (!h)
		return -EBADF;
	if (h->sink)
		return fs_ops_fail_with(fs_ops_ctx(), BURN_E_SEEK_ON_DEVICE,
				 "a stream cannot seek: it is written from its start to its end");
	len = h->disc ? fs_disc_size(h->disc) : (off_t)h->content.len;
	if (whence == SEEK_DATA)
		return off < len ? off : -ENXIO;
	if (whence == SEEK_HOLE)
		return off <= len ? len : -ENXIO;
	return -EINVAL;
}

static void *
fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	struct fs_ctx *ctx = fs_ops_ctx();

	/*
	 * Names are kept for a second (the tree is fixed; burn/ changes only
	 * through the kernel's own create and unlink, and a disc/ name gone
	 * with its disc fails its next stat or open with ENOENT), which saves
	 * a LOOKUP per open of a value; no negative caching. Attributes are
	 * kept as long, but only a cached value's stay kept (fs_getattr()),
	 * and direct I/O is chosen per open (handle_publish()).
	 */
	cfg->attr_timeout = ctx->kernel_cache ? FS_ATTR_TIMEOUT : 0;
	cfg->entry_timeout = FS_ENTRY_TIMEOUT;
	cfg->negative_timeout = 0;
	cfg->direct_io = 0;
	conn->max_read = FS_MAX_READ;	/* as -o max_read says (fs/main.c) */
	/*
	 * O_TRUNC as a truncate of its own, whose reply carries the value's
	 * size: an atomic one would make the kernel set the size to 0 by
	 * itself, and a read racing the store would find the value empty.
	 */
	conn->want &= ~FUSE_CAP_ATOMIC_O_TRUNC;
	/* a cached value's new text has a new time: the kernel then drops its old page (fs/attrs.c) */
	conn->want |= conn->capable & FUSE_CAP_AUTO_INVAL_DATA;
	/* unlink of an open job is ours to refuse, not libfuse's to hide by renaming */
	cfg->hard_remove = 1;
	return ctx;
}

const struct fuse_operations *
fs_operations(void)
{
	static struct fuse_operations ops = {
		.init = fs_init,
		.open = fs_open,
		.read = fs_read,
		.write = fs_write,
		.release = fs_release,
		.flush = fs_flush,
		.fsync = fs_fsync,
		.fsyncdir = fs_fsyncdir,
		.poll = fs_poll,
		.truncate = fs_truncate,
		.unlink = fs_unlink,
		.create = fs_create,
		.lseek = fs_lseek,
	};

	fs_ops_fixed(&ops);
	fs_ops_meta(&ops);
	return &ops;
}
