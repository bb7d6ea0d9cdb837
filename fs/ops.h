#pragma once

#include <fuse.h>

/* The FUSE operations (ops.c and ops-fixed.c); private_data is the struct fs_ctx. */
const struct fuse_operations *fs_operations(void);

/*
 * The same for a mount of several recorders (fs/route.c): private_data is
 * the group's struct fs_ctx, and /NAME/... is answered by member NAME.
 */
const struct fuse_operations *fs_group_operations(void);

#include "polls.h"

struct fs_ctx;

/* Frees the handles whose RELEASE never came (at unmount, before the writer goes). */
void fs_handles_free(struct fs_ctx *ctx);
