/*
 * disc/: the disc in the drive as read-only files (README "Reading the
 * disc back"): toc, NN.iso for each data track, NN.wav for each audio
 * track, disc.cue, disc.bin and disc.raw (a raw stream, core/cd/image-copy.h).
 * The table of contents comes from core
 * (rawcd_read_toc()); fs/ only names the files and maps their byte offsets
 * onto sectors.
 */
#pragma once

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "fs.h"

struct fs_disc_file;

/*
 * Calls @fn for each file of disc/ after reading the table of contents
 * again (a listing is how a user looks at a new medium).
 */
void fs_disc_each(struct fs_ctx *ctx, void (*fn)(void *arg, const char *name), void *arg);

/* The stat of disc/@name: 0, or -ENOENT when the disc has no such file. */
int fs_disc_stat(struct fs_ctx *ctx, const char *name, struct stat *st);

/* Opens disc/@name for reading; *@out is freed with fs_disc_close(). */
int fs_disc_open(struct fs_ctx *ctx, const char *name, struct fs_disc_file **out,
		 struct burn_error *err);

/*
 * Reads up to @size bytes at @off: the count (0 at the end; short before
 * a sector that cannot be read, from which the next read fails) or -errno.
 */
ssize_t fs_disc_read(struct fs_ctx *ctx, struct fs_disc_file *f, char *buf, size_t size,
		     off_t off, struct burn_error *err);

/* The size of @f in bytes, as its stat gave it at open. */
off_t fs_disc_size(const struct fs_disc_file *f);

void fs_disc_close(struct fs_disc_file *f);
