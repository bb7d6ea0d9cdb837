#pragma once

#include <fuse.h>

/* The FUSE operations; private_data is the struct fs_ctx. */
extern const struct fuse_operations burnfs_ops;
