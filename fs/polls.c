#include "config.h"

#include <string.h>

#include <fuse.h>

#include "attrs.h"
#include "fs.h"
#include "polls.h"

bool
fs_polls_wait(struct fs_ctx *ctx, unsigned long generation, struct fuse_pollhandle *ph)
{
	bool wait;

	pthread_mutex_lock(&ctx->poll_mu);
	wait = fs_generation(ctx) == generation;
	if (!wait) {
		if (ph)
			fuse_pollhandle_destroy(ph);
	} else if (ph) {
		if (ctx->n_polls == FS_MAX_POLLS) {
			/* full: wake the oldest now, a spurious wake-up is harmless */
			fuse_notify_poll(ctx->polls[0]);
			fuse_pollhandle_destroy(ctx->polls[0]);
			memmove(ctx->polls, ctx->polls + 1,
				(FS_MAX_POLLS - 1) * sizeof(ctx->polls[0]));
			ctx->n_polls--;
		}
		ctx->polls[ctx->n_polls++] = ph;
	}
	pthread_mutex_unlock(&ctx->poll_mu);
	return wait;
}

void
fs_progress_changed(void *arg)
{
	struct fs_ctx *ctx = arg;

	fs_attrs_settle(ctx);	/* before a woken watcher stats */
	pthread_mutex_lock(&ctx->poll_mu);
	for (size_t i = 0; i < ctx->n_polls; i++) {
		fuse_notify_poll(ctx->polls[i]);
		fuse_pollhandle_destroy(ctx->polls[i]);
	}
	ctx->n_polls = 0;
	pthread_mutex_unlock(&ctx->poll_mu);
	if (ctx->parent)
		fs_progress_changed(ctx->parent);	/* the group's progress is its members' */
}

void
fs_medium_changed(void *arg)
{
	struct fs_ctx *ctx = arg;

	rawcd_media_changed(ctx->w);	/* wakes pollers through fs_progress_changed() */
}

void
fs_polls_drop(struct fs_ctx *ctx)
{
	pthread_mutex_lock(&ctx->poll_mu);
	for (size_t i = 0; i < ctx->n_polls; i++)
		fuse_pollhandle_destroy(ctx->polls[i]);
	ctx->n_polls = 0;
	pthread_mutex_unlock(&ctx->poll_mu);
}
