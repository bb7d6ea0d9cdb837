/*
 * The stream's checker (doc/design.md §2.2): everything about the IMAPI raw
 * stream that depends only on its bytes and the request (sector type,
 * lead-in length), never on a drive. It cuts writes of any size into whole
 * sectors, learns the TOC from the lead-in's Q sub-channel, checks each
 * track's first sector against the type the TOC declares and applies the
 * trailing-zero rule; the sectors that pass go to a sink, in order.
 *
 * One checker serves one stream: a recorder's own write (rawcd.c hands
 * the sectors to its write engine, stream.h), or a group's (rawcd-group.c
 * hands them to every member's engine), so a stream is checked once
 * however many drives burn it. Internal to core/writer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cd.h"
#include "image-decoder.h"
#include "result.h"

struct burn_stream_check;

/*
 * Where the checked stream goes. Each call returns 0, or -errno with its
 * reason in @err to stop the stream there (nobody is left to take it);
 * the checker then returns that failure without keeping it as its own.
 */
struct burn_stream_check_sink {
	/*
	 * The lead-in gave a complete TOC (@toc borrowed for the call):
	 * @expected sectors in all, lead-in included. Comes before the
	 * sector that completed it and after every sector before it.
	 */
	int (*toc)(void *ctx, const struct image_toc *toc, uint64_t expected,
		   struct burn_error *err);
	/* @n checked sectors, contiguous at @p (borrowed for the call), the first at @lba. */
	int (*sectors)(void *ctx, const uint8_t *p, size_t n, int32_t lba, struct burn_error *err);
	void *ctx;
};

/*
 * A checker for a stream of @type sectors whose sector 0 is at LBA
 * -@lead_in_sectors. *@out is the caller's: burn_stream_check_destroy().
 */
int burn_stream_check_create(enum cd_sector_type type, long lead_in_sectors,
			     struct burn_stream_check **out, struct burn_error *err);
void burn_stream_check_destroy(struct burn_stream_check *c);

/*
 * Takes @len bytes of the stream and hands every whole sector that passes
 * to @sink. Returns @len, or -errno: the stream's own failure (not a raw
 * stream with a TOC, a track's first sector of another type than the TOC
 * declares: burn_stream_check_failure() then has it, and every later call
 * fails the same), or the sink's. Bytes after the declared end do not fail
 * the stream: zeros are counted and dropped, anything else is refused by
 * that call alone (a short count when the call also carried the stream's
 * last bytes). When the stream is refused, the sectors before the refused
 * one still go to @sink first, and the refusal is returned even if @sink
 * failed them. One caller at a time.
 */
ssize_t burn_stream_check_write(struct burn_stream_check *c, const void *buf, size_t len,
				const struct burn_stream_check_sink *sink, struct burn_error *err);

/* Whether the stream itself was refused; its reason into @e (may be NULL). */
bool burn_stream_check_failure(struct burn_stream_check *c, struct burn_error *e);

/* Bytes of a sector taken but not yet whole (@c may be NULL: none). */
size_t burn_stream_check_pending(struct burn_stream_check *c);

/* Zero bytes that followed the complete stream and were dropped. */
uint64_t burn_stream_check_trailing(struct burn_stream_check *c);

/*
 * Sectors checked by every checker of this process so far: a stream of S
 * sectors adds S however many recorders burn it (tests, benchmarks).
 */
uint64_t burn_stream_check_total(void);
