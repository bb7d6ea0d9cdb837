#pragma once

#include <fuse.h>

/* The FUSE operations; private_data is the struct fs_ctx. */
extern const struct fuse_operations burnfs_ops;

struct fs_ctx;

/* rawcd's progress callback: wakes every poll() waiting on a pollable file. */
void fs_progress_changed(void *ctx);

/* Frees pending poll handles (at unmount). */
void fs_polls_drop(struct fs_ctx *ctx);

/* Frees the handles whose RELEASE never came (at unmount, before the writer goes). */
void fs_handles_free(struct fs_ctx *ctx);
