#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
