/*
 * What the kernel may keep of the mount's attributes and values
 * (doc/design.md §2.3). A cached value
 * (FS_NODE_CACHED) is kept, attributes and content, until a store drops
 * it; every other file's attributes are dropped as soon as a stat has been
 * answered, so its size is always the caller's and current.
 */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct burn_error;
struct fs_ctx;
struct fs_node;
struct lasterr_who;

/* A stat of @path was just answered: keeps its reply out of the kernel's cache unless @cached. */
void fs_attrs_answered(struct fs_ctx *ctx, const char *path, bool cached);

/* @path's value changed: the kernel drops its attributes and content now. */
void fs_attrs_drop(struct fs_ctx *ctx, const char *path);

/*
 * Drops what fs_attrs_answered() could not drop yet (a name's first
 * lookup, whose inode the kernel makes only from the reply). Called
 * wherever a value can change: a failure recorded, a store, a burn or
 * medium event.
 */
void fs_attrs_settle(struct fs_ctx *ctx);

/* No more drops: the session is going (at unmount). */
void fs_attrs_stop(struct fs_ctx *ctx);

/*
 * A stat of cached value @node: renders it now and fills @st's size and
 * times with it. A text other than the one the kernel was last told gets
 * a time of its own, so the kernel drops the page it kept of the old one
 * (its size changed, or FUSE_CAP_AUTO_INVAL_DATA sees the time). 0 or
 * -errno with @err set.
 */
int fs_attrs_tell(struct fs_ctx *ctx, const struct fs_node *node, const struct lasterr_who *who,
		  struct stat *st, struct burn_error *err);

/*
 * A read filling the kernel's page of cached value @node: up to @size
 * bytes at @off of the text the kernel was last told, whose size it reads
 * up to; a value stored since then is a stat away. -1 if never told.
 */
ssize_t fs_attrs_told_read(struct fs_ctx *ctx, const struct fs_node *node, char *buf, size_t size, off_t off);

/* Frees the told texts (at unmount). */
void fs_attrs_told_free(struct fs_ctx *ctx);
