/*
 * Stop requests (SIGTERM from systemd, SIGINT from a terminal, SIGHUP):
 * the daemon's own handling instead of libfuse's, which would tear the
 * mount down under a running burn (README: "Stopping"). A blank is waited
 * for, a write is cancelled and its writer given a moment to close, the
 * drive is released, the outcome printed on one line, and the exit status
 * says a burn was cancelled.
 */
#pragma once

#include "fs.h"

struct fuse_session;
struct fs_stop;

/* Exit status of a daemon whose stop request cancelled a running burn. */
#define FS_STOP_EXIT_BURN_CANCELLED 3

/* Installs the handlers and starts the thread that acts on a stop; 0 or -errno. */
int fs_stop_start(struct fs_ctx *ctx, struct fuse_session *se, struct fs_stop **out);

/* After the loop returned: restores the default handlers, ends the thread. */
void fs_stop_join(struct fs_stop *st);

/*
 * After the sinks were ended and before the writer is destroyed: prints
 * the line for a cancelled burn and returns the exit status to use
 * (@status, or FS_STOP_EXIT_BURN_CANCELLED). Frees @st.
 */
int fs_stop_report(struct fs_stop *st, int status);
