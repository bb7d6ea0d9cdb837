/*
 * The write engine behind WriteMedia2 (doc/design.md §2.2): one drive's
 * side of a burn. It takes the sectors the stream's checker passed
 * (stream-check.h: cutting, the TOC from the lead-in, the track types),
 * checks what depends on this drive (the TOC's lead-out against the
 * disc's, the sectors before its NWA are dropped) and feeds the drive
 * strictly sequential WRITE(10)s from a bounded FIFO on a thread of its
 * own, so a bursty producer does not starve the drive. One checker may
 * feed several engines (a group, rawcd-group.h).
 *
 * Internal to core/: rawcd.c drives it; nothing here knows the state
 * machine or exclusive access.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cd.h"
#include "image-decoder.h"
#include "rawcd-types.h"
#include "recorder.h"
#include "result.h"

struct burn_stream;

struct burn_stream_params {
	struct recorder *rec;		/* borrowed; exclusive access is the caller's */
	enum cd_sector_type type;
	long lead_in_sectors;		/* stream sector 0 is at LBA -lead_in_sectors */
	int32_t nwa;			/* the first LBA the drive takes (its lead-in start) */
	int32_t last_leadout;		/* the media's last possible lead-out start */
	size_t fifo_sectors;		/* 0 = default */
	bool verify;			/* read the program area back after the burn (digest.h) */
	void (*notify)(void *ctx);	/* progress changed; called without locks held */
	void *notify_ctx;
};

/*
 * Creates the engine and starts its writer thread. *@out is freed with
 * burn_stream_destroy() after burn_stream_finish().
 */
int burn_stream_start(const struct burn_stream_params *p, struct burn_stream **out,
		      struct burn_error *err);

/*
 * The checker learned the stream's TOC (@toc borrowed; @expected sectors,
 * lead-in included): fails with NOT_ENOUGH_SPACE when its lead-out is past
 * this disc's last possible one, else from here on the drive gets data.
 * Returns 0 or -errno (the engine's failure so far, or this one).
 */
int burn_stream_toc(struct burn_stream *s, const struct image_toc *toc, uint64_t expected,
		    struct burn_error *err);

/*
 * Takes @n checked sectors from @sectors (copied), the first at @lba.
 * Blocks while the FIFO is full. Returns 0, or -errno with the reason:
 * the drive failed (with its sense), the write was cancelled
 * (REQUEST_CANCELLED), or the lead-in overfilled the FIFO before its TOC
 * was known. After such a failure every call fails the same.
 */
int burn_stream_put(struct burn_stream *s, const uint8_t *sectors, size_t n, int32_t lba,
		    struct burn_error *err);

/* The stream's checker refused the stream: @e becomes the engine's failure unless it has one. */
void burn_stream_fail(struct burn_stream *s, const struct burn_error *e);

/* 0, or -errno with the engine's failure so far (a cancel first). */
int burn_stream_error(struct burn_stream *s, struct burn_error *err);

/* Waits until the FIFO is empty; returns the failure so far, if any. */
int burn_stream_drain(struct burn_stream *s, struct burn_error *err);

/* CancelWrite: stops sending data; writers get REQUEST_CANCELLED. */
void burn_stream_cancel(struct burn_stream *s);

/*
 * Ends the stream: sends what is queued (unless the write failed or was
 * cancelled), stops the thread, then SYNCHRONIZE CACHE and polls the drive
 * until it is ready. @pending is the bytes of a sector the checker holds
 * incomplete (burn_stream_check_pending()). Returns 0 when the whole
 * declared stream reached the drive, else -errno with the reason:
 * incomplete (ended early or mid-sector: HANDLE_EOF), cancelled, or the
 * drive's error.
 */
int burn_stream_finish(struct burn_stream *s, size_t pending, struct burn_error *err);

/*
 * The verification's outcome after burn_stream_finish() (burn_digest_outcome():
 * "ok", "mismatch at LBA N (track T)", ..., or "not run" when the burn failed
 * first) into @buf; false when the stream was not verified (verify off).
 */
bool burn_stream_verify_outcome(struct burn_stream *s, char *buf, size_t size);

void burn_stream_destroy(struct burn_stream *s);

/* Fills @p (action, LBAs, counts, times, FIFO use). */
void burn_stream_progress(struct burn_stream *s, struct rawcd_progress *p);

/* True once every sector the TOC declares has been taken, and the engine has not failed. */
bool burn_stream_complete(struct burn_stream *s);

/* Sectors the drive has taken so far. */
uint64_t burn_stream_written(struct burn_stream *s);
