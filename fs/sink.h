/*
 * The raw track sinks (doc/design.md §2.2): track.raw, and the jobs of burn/.
 * Opening one prepares the media (unless `ctl prepare` did), writes stream
 * into the raw writer, the closing descriptor's flush finishes a complete
 * stream, and the last close ends whatever is left. Only one sink is open
 * at a time per mount.
 */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "fs.h"

struct fs_sink;

/*
 * Opens a sink: @job_name NULL for track.raw, else the name of a new file
 * in burn/ (which then stays listed until unlinked). 0 or -errno with @err.
 */
int fs_sink_open(struct fs_ctx *ctx, const char *job_name, struct fs_sink **out,
		 struct burn_error *err);

/* One write(2) at @off; sequential only. Returns the bytes taken or -errno. */
ssize_t fs_sink_write(struct fs_ctx *ctx, struct fs_sink *s, const char *buf, size_t size,
		      off_t off, bool append, struct burn_error *err);

/* close(2) of a descriptor; see rawcd_flush(). */
int fs_sink_flush(struct fs_ctx *ctx, struct fs_sink *s, struct burn_error *err);

/* The last close: ends the stream, frees @s. Failures go to @err (returns -errno). */
int fs_sink_release(struct fs_ctx *ctx, struct fs_sink *s, struct burn_error *err);

/* ---- burn/ entries ---- */

/* Fills @st for "/burn/NAME"; -ENOENT if there is no such job. */
int fs_jobs_stat(struct fs_ctx *ctx, const char *name, struct stat *st);

/* Calls @fn for each job name. */
void fs_jobs_each(struct fs_ctx *ctx, void (*fn)(void *arg, const char *name), void *arg);

/* Forgets a finished job; EBUSY while it is being written. */
int fs_jobs_unlink(struct fs_ctx *ctx, const char *name, struct burn_error *err);

void fs_jobs_free(struct fs_ctx *ctx);
