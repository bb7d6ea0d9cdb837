/*
 * Burn jobs (doc/design.md §2.2, burn/): a file copied into burn/ arrives as
 * FUSE writes of any size, in order, and leaves as the IMAPI raw stream,
 * pushed into a sink (the raw writer) while it arrives, never spooled.
 *
 *  - NAME.iso: a data CD. The disc is known once the ISO 9660 primary
 *    volume descriptor (sector 16) has arrived; from then on an encoder
 *    thread produces lead-in (with the TOC), pre-gap, the track as its
 *    bytes come in, and the lead-out.
 *  - NAME.wav: a one-track audio CD, known from the WAV header.
 *  - NAME.flac: a one-track audio CD, known once every metadata block has
 *    arrived (the sample count from its STREAMINFO; a FLAC without one, or
 *    not 16-bit stereo 44.1 kHz, is refused then). The encoder thread
 *    decodes it (libsndfile) as it arrives.
 *  - anything else: already a raw stream; bytes go straight to the sink.
 *
 * Memory is bounded: input waits in a ring of BURN_JOB_BUFFER_SIZE bytes
 * (a writer blocks while it is full; a header, a FLAC's metadata with its
 * pictures included, must fit in it), output goes to the sink in chunks of
 * BURN_JOB_CHUNK_SIZE bytes; a FLAC adds libsndfile's decoder. One writer
 * thread plus any number of cancellers and observers may use a job at the
 * same time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cd.h"
#include "result.h"

#define BURN_JOB_BUFFER_SIZE (1024 * 1024)	/* the input ring; also the largest header */
#define BURN_JOB_CHUNK_SIZE (64 * 1024)		/* bytes per sink call (ISO, WAV, FLAC) */

enum burn_job_kind {
	BURN_JOB_RAW,
	BURN_JOB_ISO,
	BURN_JOB_WAV,
	BURN_JOB_FLAC,
};

struct burn_job;

/*
 * NAME.iso -> ISO, NAME.wav -> WAV, NAME.flac -> FLAC (case-insensitive,
 * NAME not empty), else RAW.
 */
enum burn_job_kind burn_job_kind_for_name(const char *name);

/*
 * Creates a job for the file @name (copied; it names the input in
 * messages) of @kind, producing a stream of @type whose sector 0 is at LBA
 * -@lead_in_sectors, into @sink with @sink_ctx (borrowed: both must stay
 * usable until burn_job_destroy()). The sink takes @len bytes at @buf
 * (only read during the call) and returns how many it took (a short count
 * is retried with the rest; 0 is an error), or -errno with the reason in
 * its @err, which the job passes on unchanged. For ISO, WAV and FLAC it is
 * called on the job's own thread, for RAW on the writer's, never on two at
 * once. For ISO, WAV and FLAC the lead-in must hold the pre-gap and the TOC
 * (162 to IMAGE_MAX_LEAD_IN sectors); RAW ignores @type and
 * @lead_in_sectors. Stores the job in *@out (the caller frees it with
 * burn_job_destroy()) and returns 0, or -EINVAL (E_INVALIDARG) / -ENOMEM
 * (E_OUTOFMEMORY) with the reason in @err.
 */
int burn_job_create(const char *name, enum burn_job_kind kind, enum cd_sector_type type,
		    unsigned lead_in_sectors,
		    ssize_t (*sink)(void *ctx, const void *buf, size_t len, struct burn_error *err),
		    void *sink_ctx, struct burn_job **out, struct burn_error *err);

/*
 * Takes the next @len bytes of the file (@buf is only read). Blocks while
 * the input ring is full. Returns @len, or -errno with the reason in @err:
 * a header that is not a supported .iso, .wav or .flac, or an ISO that goes on
 * past the size its PVD declares (E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED), the
 * sink's error as the sink gave it, cancellation (E_IMAPI_REQUEST_CANCELLED),
 * a write after burn_job_finish() (E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS).
 * Once the job failed, every call fails the same way. A WAV's bytes past its
 * data chunk, and a FLAC's once its whole stream is in the sink, are
 * accepted and dropped.
 */
ssize_t burn_job_write(struct burn_job *job, const void *buf, size_t len,
		       struct burn_error *err);

/*
 * Ends the input and waits until the whole stream, lead-out included, is in
 * the sink. Returns 0, or the job's failure with its reason in @err: an
 * input that ended before its header was complete or before the bytes it
 * declares (E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED; after the disc was known,
 * -EIO with E_IMAPI_DF2RAW_HANDLE_EOF instead: a FLAC's "the input ended
 * after N bytes, S of the M samples its header declares"), the sink's error
 * unchanged, cancellation. Calling it again returns the same.
 */
int burn_job_finish(struct burn_job *job, struct burn_error *err);

/*
 * True once every byte the header declares has arrived (ISO: the PVD's
 * volume size; WAV: through its data chunk; FLAC, whose header declares
 * samples, not bytes: once all are decoded and the stream is in the sink;
 * the decoder's last read mostly waits for the input's end). Always false
 * for RAW: a raw
 * stream declares its length in its TOC, which the raw writer reads.
 */
bool burn_job_input_complete(struct burn_job *job);

/* Bytes taken by burn_job_write() so far (the file's size as copied). */
uint64_t burn_job_bytes(struct burn_job *job);

/* Memory use of the input ring: now, highest so far, and its size (0 for RAW). */
struct burn_job_buffer_stats {
	size_t used;
	size_t peak;
	size_t size;
};

void burn_job_buffer_stats(struct burn_job *job, struct burn_job_buffer_stats *out);

/*
 * Stops the job: blocked and later writes, and burn_job_finish(), fail with
 * E_IMAPI_REQUEST_CANCELLED; the job's thread stops pushing into the sink.
 * Does nothing to a job that already failed, finished or pushed its whole
 * stream. Does not wait, and does not interrupt a sink call in progress:
 * a sink that can block (the raw writer's FIFO) is cancelled on its side.
 */
void burn_job_cancel(struct burn_job *job);

/*
 * Stops the job's thread (cancelling it if still running) and frees @job;
 * NULL is allowed. No other call may run on @job at the same time.
 */
void burn_job_destroy(struct burn_job *job);
