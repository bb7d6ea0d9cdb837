/*
 * What fs/ops.c (files that hold content: attributes, the sinks, disc/),
 * fs/ops-meta.c (attributes, access, listings, statfs) and fs/ops-fixed.c
 * (the calls a fixed tree answers without content) share: the mount's context, path tests, and the one way a failure is
 * recorded and turned into an errno.
 */
#pragma once

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include <fuse.h>

#include "fs.h"

/* The member a call of a group's mount is routed to (fs/route.c), else NULL. */
extern __thread struct fs_ctx *fs_ops_routed;

/* The tree this call is for: the mount's, or the member's it was routed to. */
static inline struct fs_ctx *
fs_ops_ctx(void)
{
	return fs_ops_routed ? fs_ops_routed : (struct fs_ctx *)fuse_get_context()->private_data;
}

/* "client_name" for "/client_name": how messages name a file. */
static inline const char *
fs_ops_name(const char *path)
{
	return path[0] == '/' && path[1] ? path + 1 : path;
}

static inline bool
fs_ops_in_burn_dir(const char *path)
{
	return strncmp(path, "/burn/", 6) == 0;
}

/* A file of disc/; a group has no disc of its own (its members do). */
static inline bool
fs_ops_in_disc_dir(const struct fs_ctx *ctx, const char *path)
{
	return !ctx->group && strncmp(path, "/disc/", 6) == 0;
}

/*
 * The one place a core failure becomes an errno for FUSE (doc/design.md
 * §3): the result table decides, and the caller's last_error gets the
 * reason in the mount's words. Returns -errno.
 */
int fs_ops_fail(struct fs_ctx *ctx, const struct burn_error *e);
int fs_ops_fail_with(struct fs_ctx *ctx, enum burn_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A refusal by fs/perm.c's rules, recorded like every other failure: 0 or -errno. */
int fs_ops_check_access(struct fs_ctx *ctx, const char *name, mode_t mode, int mask,
			const char *what);
int fs_ops_check_owner(struct fs_ctx *ctx, const char *name, const char *what);

/* Whether @path is a file or directory of the mount (disc/ and burn/ included). */
bool fs_ops_exists(const char *path);

/* The refusals of the fixed tree: creating @path; removing or renaming it (@what). */
int fs_ops_refuse_new(const char *path);
int fs_ops_refuse_fixed(const char *path, const char *what);

/* Fills in the operations of ops-fixed.c. */
void fs_ops_fixed(struct fuse_operations *ops);

/* Fills in the operations of ops-meta.c: getattr, access, readdir, statfs. */
void fs_ops_meta(struct fuse_operations *ops);

/* Who makes the current call: its process (not thread) and user, for last_error. */
struct lasterr_who fs_ops_caller(void);
