/*
 * The write engine behind WriteMedia2 (doc/design.md §2.2): takes the IMAPI raw
 * stream in writes of any size, cuts it into whole sectors, learns the TOC
 * from the lead-in's Q sub-channel before anything is burned, and feeds the
 * drive strictly sequential WRITE(10)s from a bounded FIFO on a thread of
 * its own, so a bursty producer does not starve the drive.
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
 * Takes @len bytes of the stream. Blocks while the FIFO is full. Returns
 * @len, or -errno with the reason: the stream is not a raw stream with a
 * TOC (STREAM_NOT_SUPPORTED), a track's first sector is not of the type
 * the TOC declares, it does not fit (NOT_ENOUGH_SPACE), the drive failed
 * (with its sense), or the write was cancelled (REQUEST_CANCELLED). After
 * such a failure every call fails the same. Bytes after the declared end
 * do not fail the stream: zeros are dropped (burn_stream_trailing()
 * counts them), anything else is refused by that call alone.
 */
ssize_t burn_stream_write(struct burn_stream *s, const void *buf, size_t len,
			  struct burn_error *err);

/* Waits until the FIFO is empty; returns the failure so far, if any. */
int burn_stream_drain(struct burn_stream *s, struct burn_error *err);

/* CancelWrite: stops sending data; writers get REQUEST_CANCELLED. */
void burn_stream_cancel(struct burn_stream *s);

/*
 * Ends the stream: sends what is queued (unless the write failed or was
 * cancelled), stops the thread, then SYNCHRONIZE CACHE and polls the drive
 * until it is ready. Returns 0 when the whole declared stream reached the
 * drive, else -errno with the reason: incomplete (ended early or
 * mid-sector: HANDLE_EOF), cancelled, or the drive's error.
 */
int burn_stream_finish(struct burn_stream *s, struct burn_error *err);

/*
 * The verification's outcome after burn_stream_finish() (burn_digest_outcome():
 * "ok", "mismatch at LBA N (track T)", ..., or "not run" when the burn failed
 * first) into @buf; false when the stream was not verified (verify off).
 */
bool burn_stream_verify_outcome(struct burn_stream *s, char *buf, size_t size);

void burn_stream_destroy(struct burn_stream *s);

/* Fills @p (action, LBAs, counts, times, FIFO use). */
void burn_stream_progress(struct burn_stream *s, struct rawcd_progress *p);

/* True once every sector the TOC declares has been taken (none pending mid-sector). */
bool burn_stream_complete(struct burn_stream *s);

/* Zero bytes that followed the complete stream and were dropped. */
uint64_t burn_stream_trailing(struct burn_stream *s);

/* Sectors the drive has taken so far. */
uint64_t burn_stream_written(struct burn_stream *s);
