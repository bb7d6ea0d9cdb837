#pragma once

#include <fuse.h>

/* The FUSE operations; private_data is the struct fs_ctx. */
extern const struct fuse_operations burnfs_ops;

#include "polls.h"

struct fs_ctx;

/* Frees the handles whose RELEASE never came (at unmount, before the writer goes). */
void fs_handles_free(struct fs_ctx *ctx);
