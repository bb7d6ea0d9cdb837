/*
 * What the kernel may keep of the mount's attributes and values
 * (doc/design.md §2.3). A cached value
 * (FS_NODE_CACHED) is kept, attributes and content, until a store drops
 * it; every other file's attributes are dropped as soon as a stat has been
 * answered, so its size is always the caller's and current.
 */
#pragma once

#include <stdbool.h>

struct fs_ctx;

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
