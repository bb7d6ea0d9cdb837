/*
 * poll() on the files that change with a burn (progress, state, status):
 * the waiting poll handles of a mount, woken when rawcd's progress moves.
 */
#pragma once

#include <stdbool.h>

struct fs_ctx;
struct fuse_pollhandle;

/*
 * A poll() on a descriptor whose content shows progress @generation: false
 * when progress has moved since (the caller reports POLLIN|POLLPRI; @ph is
 * freed), true when it has to wait (@ph, which may be NULL, is kept and
 * notified at the next change).
 */
bool fs_polls_wait(struct fs_ctx *ctx, unsigned long generation, struct fuse_pollhandle *ph);

/* rawcd's progress callback: wakes every poll() waiting on a pollable file. */
void fs_progress_changed(void *ctx);

/* Frees pending poll handles (at unmount). */
void fs_polls_drop(struct fs_ctx *ctx);

/* The recorder's watch saw the medium change (recorder_watch_start()'s callback). */
void fs_medium_changed(void *arg);
