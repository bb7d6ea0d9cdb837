/*
 * WriteMedia2's data path (rawcd.h): the write begins on prepared media at
 * its first call, with the stream's checker (stream-check.h) feeding the
 * write engine (stream.h). A recorder's own stream has a checker of its
 * own; a group's members share the group's (rawcd-group.c), which hands
 * each the sectors it passed.
 */
#include "config.h"

#include <pthread.h>

#include "rawcd-private.h"
#include "stream-check.h"
#include "stream.h"

/*
 * Starts the engine on prepared media, with the stream's checker @c
 * (borrowed), or one of its own when @c is NULL. Lock held.
 */
static int
begin_write_locked(struct rawcd *w, struct burn_stream_check *c, struct burn_error *err)
{
	struct burn_stream_params p = {
		.rec = w->rec,
		.type = w->sector_type,
		.lead_in_sectors = w->lead_in_sectors,
		.nwa = w->nwa,
		.last_leadout = w->last_leadout,
		.verify = w->verify && !w->simulate,	/* a Test Write records nothing */
		.notify = rawcd_progress_changed,
		.notify_ctx = w,
	};
	struct burn_stream_check *own = NULL;
	int ret;

	if (w->state == RAWCD_IDLE)
		return burn_error_set(err, BURN_E_MEDIA_IS_NOT_PREPARED, RAWCD_WHY_NOT_PREPARED);
	if (w->state == RAWCD_FINISHING)
		return burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				      "the previous write is still finishing");
	if (!c) {
		ret = burn_stream_check_create(w->sector_type, w->lead_in_sectors, &own, err);
		if (ret < 0)
			return ret;
	}
	/* from here to the end of the burn only the engine talks to the drive */
	recorder_hold(w->rec, true);
	ret = burn_stream_start(&p, &w->stream, err);
	if (ret < 0) {
		recorder_hold(w->rec, false);
		burn_stream_check_destroy(own);
		return ret;
	}
	w->check = c ? c : own;
	w->check_own = !c;
	w->state = RAWCD_WRITING;
	return 0;
}

/* Begins the write unless it runs; the engine and checker into *@s and *@c. */
static int
begin_write(struct rawcd *w, struct burn_stream_check *with, struct burn_stream **s,
	    struct burn_stream_check **c, struct burn_error *err)
{
	bool started = false;
	int ret = 0;

	pthread_mutex_lock(&w->mu);
	if (w->state != RAWCD_WRITING) {
		ret = begin_write_locked(w, with, err);
		started = ret == 0;
	}
	*s = w->stream;
	*c = w->check;
	pthread_mutex_unlock(&w->mu);
	if (started)
		rawcd_progress_changed(w);
	return ret;
}

int
rawcd_write_begin(struct rawcd *w, struct burn_stream_check *c, struct burn_error *err)
{
	struct burn_stream_check *now;
	struct burn_stream *s;

	return begin_write(w, c, &s, &now, err);
}

/*
 * The checker's output goes to the engine. Only the sink writes, one
 * writer at a time: the engine stays ours while the stream flows.
 */
int
rawcd_write_toc(struct rawcd *w, const struct image_toc *toc, uint64_t expected,
		struct burn_error *err)
{
	return burn_stream_toc(w->stream, toc, expected, err);
}

int
rawcd_write_sectors(struct rawcd *w, const uint8_t *p, size_t n, int32_t lba,
		    struct burn_error *err)
{
	return burn_stream_put(w->stream, p, n, lba, err);
}

int
rawcd_write_refused(struct rawcd *w, const struct burn_error *why, struct burn_error *err)
{
	burn_stream_fail(w->stream, why);
	return burn_stream_error(w->stream, err);
}

static int
sink_toc(void *ctx, const struct image_toc *toc, uint64_t expected, struct burn_error *err)
{
	return rawcd_write_toc(ctx, toc, expected, err);
}

static int
sink_sectors(void *ctx, const uint8_t *p, size_t n, int32_t lba, struct burn_error *err)
{
	return rawcd_write_sectors(ctx, p, n, lba, err);
}

ssize_t
rawcd_write(struct rawcd *w, const void *buf, size_t len, struct burn_error *err)
{
	const struct burn_stream_check_sink sink = { sink_toc, sink_sectors, w };
	struct burn_stream_check *c;
	struct burn_stream *s;
	struct burn_error why;
	ssize_t n;
	int ret;

	ret = begin_write(w, NULL, &s, &c, err);
	if (ret == 0)
		ret = burn_stream_error(s, err);
	if (ret < 0)
		return ret;
	n = burn_stream_check_write(c, buf, len, &sink, err);
	if (n < 0 && burn_stream_check_failure(c, &why))
		return rawcd_write_refused(w, &why, err);
	return n;
}
