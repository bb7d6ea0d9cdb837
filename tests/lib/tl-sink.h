/*
 * A burn job's sink for the burn-job tests: it compares what the job
 * pushes with the stream image_encoder makes from the same file, decodes
 * it, keeps it, fails or blocks on request.
 *
 * Sinks run on the job's thread, where Check's asserts must not be used:
 * they record what they saw and the main thread asserts.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "image-decoder.h"
#include "image-disc.h"
#include "image-encoder.h"

/* What a sink saw; filled on the job's thread, read after burn_job_finish(). */
struct tl_sink {
	/* the same file through image_disc_open(); NULL = no comparison */
	struct image_disc *ref_disc;
	struct image_encoder *ref;
	uint8_t *ref_buf;
	size_t ref_buf_size;
	/* the stream decoded sector by sector; NULL = not decoded */
	struct image_decoder *dec;
	struct image_sector info;	/* the last sector's, filled by each feed */
	uint8_t sector[2448];
	unsigned sector_size, have;
	uint64_t toc_events, damaged;

	uint64_t bytes, calls;
	size_t largest_call;
	char mismatch[200];		/* the first difference from the reference */

	/* RAW: the bytes, kept */
	uint8_t *kept;
	size_t kept_len;

	/* failure injection: after @fail_after bytes, fail with @fail_error */
	uint64_t fail_after;
	int fail_ret;
	struct burn_error fail_error;

	/* blocking: the first call waits until released */
	bool block, entered, released;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/* Clears @s for a stream of @type. */
void tl_sink_init(struct tl_sink *s, enum cd_sector_type type);

/* Compares with and decodes from @path, encoded as the job will. */
void tl_sink_expect(struct tl_sink *s, const char *path, enum cd_sector_type type,
		     unsigned lead_in);

/* Frees what @s holds. */
void tl_sink_fini(struct tl_sink *s);

/* The burn job's sink callback; @ctx is a struct tl_sink. */
ssize_t tl_sink_push(void *ctx, const void *buf, size_t len, struct burn_error *err);

/* Waits until the sink has taken @n bytes (a test that hangs here fails by timeout). */
void tl_sink_wait_bytes(struct tl_sink *s, uint64_t n);
