#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <fuse.h>

#include "attrs.h"
#include "fs.h"

/* Settles a pending drop gives up after: the kernel never made that inode. */
#define ATTRS_TRIES 8

/* @path of @ctx's tree: a member's lies under /NAME in the mount. */
static int
drop_now(struct fs_ctx *ctx, const char *path)
{
	char full[sizeof(ctx->prefix) + sizeof(ctx->attrs[0].path)];

	if (!ctx->prefix[0])
		return fuse_invalidate_path(ctx->fuse, path);
	snprintf(full, sizeof(full), "%s%s", ctx->prefix, strcmp(path, "/") == 0 ? "" : path);
	return fuse_invalidate_path(ctx->fuse, full);
}

void
fs_attrs_drop(struct fs_ctx *ctx, const char *path)
{
	if (ctx->kernel_cache)
		(void)drop_now(ctx, path);
}

void
fs_attrs_answered(struct fs_ctx *ctx, const char *path, bool cached)
{
	struct fs_attrs_pending *p;

	if (!ctx->kernel_cache || cached || drop_now(ctx, path) != -ENOENT)
		return;
	/*
	 * No inode yet: this stat is a LOOKUP, and the kernel keeps its reply
	 * until FS_ATTR_TIMEOUT. It is dropped at the next change instead.
	 */
	pthread_mutex_lock(&ctx->attrs_mu);
	for (size_t i = 0; i < ctx->n_attrs; i++)
		if (strcmp(ctx->attrs[i].path, path) == 0) {
			ctx->attrs[i].tries = 0;
			pthread_mutex_unlock(&ctx->attrs_mu);
			return;
		}
	if (ctx->n_attrs == FS_MAX_ATTRS) {
		/* full: the oldest is kept by the kernel at most FS_ATTR_TIMEOUT */
		memmove(ctx->attrs, ctx->attrs + 1, (FS_MAX_ATTRS - 1) * sizeof(ctx->attrs[0]));
		ctx->n_attrs--;
	}
	p = &ctx->attrs[ctx->n_attrs];
	if (strlen(path) < sizeof(p->path)) {
		strcpy(p->path, path);
		p->tries = 0;
		__atomic_store_n(&ctx->n_attrs, ctx->n_attrs + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&ctx->attrs_mu);
}

void
fs_attrs_settle(struct fs_ctx *ctx)
{
	size_t kept = 0;

	if (__atomic_load_n(&ctx->n_attrs, __ATOMIC_ACQUIRE) == 0)
		return;
	pthread_mutex_lock(&ctx->attrs_mu);
	for (size_t i = 0; i < ctx->n_attrs; i++) {
		/* ENOENT: the LOOKUP's reply is not in yet; try again at the next change */
		if (drop_now(ctx, ctx->attrs[i].path) == -ENOENT && ++ctx->attrs[i].tries < ATTRS_TRIES)
			ctx->attrs[kept++] = ctx->attrs[i];
	}
	__atomic_store_n(&ctx->n_attrs, kept, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ctx->attrs_mu);
}

void
fs_attrs_stop(struct fs_ctx *ctx)
{
	pthread_mutex_lock(&ctx->attrs_mu);
	ctx->kernel_cache = false;
	__atomic_store_n(&ctx->n_attrs, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ctx->attrs_mu);
}

/* @node's told slot, made if new; NULL when the table is full. Under told_mu. */
static struct fs_told *
told_slot(struct fs_ctx *ctx, const struct fs_node *node)
{
	for (size_t i = 0; i < ctx->n_told; i++)
		if (ctx->told[i].node == node)
			return &ctx->told[i];
	if (ctx->n_told == FS_MAX_TOLD)
		return NULL;
	ctx->told[ctx->n_told].node = node;
	strbuf_init(&ctx->told[ctx->n_told].text);
	return &ctx->told[ctx->n_told++];
}

/* A time after @prev: the kernel compares whole timespecs. */
static struct timespec
time_after(struct timespec prev)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec < prev.tv_sec || (now.tv_sec == prev.tv_sec && now.tv_nsec <= prev.tv_nsec)) {
		now = prev;
		if (++now.tv_nsec == 1000000000L) {
			now.tv_sec++;
			now.tv_nsec = 0;
		}
	}
	return now;
}

int
fs_attrs_tell(struct fs_ctx *ctx, const struct fs_node *node, const struct lasterr_who *who,
	      struct stat *st, struct burn_error *err)
{
	struct strbuf now;
	struct fs_told *t;
	int ret;

	strbuf_init(&now);
	ret = fs_node_show(ctx, node, who, &now, err);
	if (ret < 0) {
		strbuf_free(&now);
		return ret;
	}
	pthread_mutex_lock(&ctx->told_mu);
	t = told_slot(ctx, node);
	if (t && (t->text.len != now.len || memcmp(t->text.data, now.data, now.len) != 0)) {
		struct strbuf old = t->text;

		t->text = now;
		t->mtime = time_after(t->mtime);
		now = old;
	}
	st->st_size = (off_t)(t ? t->text.len : now.len);
	if (t)
		st->st_mtim = st->st_ctim = t->mtime;
	pthread_mutex_unlock(&ctx->told_mu);
	strbuf_free(&now);
	return 0;
}

ssize_t
fs_attrs_told_read(struct fs_ctx *ctx, const struct fs_node *node, char *buf, size_t size, off_t off)
{
	ssize_t n = -1;

	pthread_mutex_lock(&ctx->told_mu);
	for (size_t i = 0; i < ctx->n_told; i++)
		if (ctx->told[i].node == node) {
			n = (ssize_t)strbuf_read_at(&ctx->told[i].text, buf, size, off);
			break;
		}
	pthread_mutex_unlock(&ctx->told_mu);
	return n;
}

void
fs_attrs_told_free(struct fs_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_told; i++)
		strbuf_free(&ctx->told[i].text);
	ctx->n_told = 0;
}
