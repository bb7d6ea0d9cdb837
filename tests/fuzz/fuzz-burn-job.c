/*
 * libFuzzer target: a burn job (core/writer/burn-job.h) fed a .iso, .wav or
 * .flac file as FUSE would, in writes of one size, learning its disc from
 * the PVD, the WAV header or the FLAC metadata (libsndfile) as the bytes
 * arrive (the path of a file copied into burn/). The sink discards the
 * stream; after the first chunk it fails, so the encoder thread stops early
 * and every input costs about the same.
 *
 * Byte 0: bit 0 WAV, or FLAC when the file starts with "fLaC" (else ISO);
 * bits 1-2 the sector type; bits 3-5 the
 * write size; bit 6 end the input with burn_job_finish() (else the job is
 * destroyed, i.e. cancelled, as when the file is closed unfinished); bit 7
 * the lead-in (22650 sectors, else the shortest a job takes). The rest is
 * the file; for an ISO it starts at sector 16 (the PVD), after a zeroed
 * system area that goes in as one write.
 */
#include "config.h"

#include <string.h>

#include "burn-job.h"
#include "fuzz.h"
#include "image-disc.h"

#define FLAG_WAV 0x01
#define FLAG_FINISH 0x40
#define FLAG_LONG_LEAD_IN 0x80

#define ISO_SYSTEM_AREA (16 * 2048)
#define SHORTEST_LEAD_IN 162	/* the pre-gap and 3 of each of the 4 TOC entries */

static const enum cd_sector_type types[] = {
	CD_SECTOR_PQ, CD_SECTOR_COOKED, CD_SECTOR_RAW, CD_SECTOR_COOKED,
};
static const size_t write_sizes[] = { 1, 3, 64, 511, 2048, 4096, 65536, SIZE_MAX };

/* The sink: takes the first chunk, then refuses, which ends the job. */
static ssize_t
sink(void *ctx, const void *buf, size_t len, struct burn_error *err)
{
	size_t *taken = ctx;

	if (*taken)
		return burn_error_set(err, BURN_E_REQUEST_CANCELLED, "fuzz: enough of the stream");
	*taken = len;
	return (ssize_t)len;
}

static void
run(const uint8_t *file, size_t len, unsigned flags)
{
	static const uint8_t system_area[ISO_SYSTEM_AREA];
	bool flac = flags & FLAG_WAV && len >= 4 && !memcmp(file, "fLaC", 4);
	const char *name = flac ? "fuzz.flac" : flags & FLAG_WAV ? "fuzz.wav" : "fuzz.iso";
	enum burn_job_kind kind = burn_job_kind_for_name(name);
	size_t step = write_sizes[(flags >> 3) & 7], taken = 0, done = 0, failed = 0;
	struct burn_job *job;
	struct burn_error err;
	ssize_t n = 0;

	fuzz_assert(kind == (flac ? BURN_JOB_FLAC : flags & FLAG_WAV ? BURN_JOB_WAV : BURN_JOB_ISO));
	fuzz_assert(burn_job_create(name, kind, types[(flags >> 1) & 3],
				    flags & FLAG_LONG_LEAD_IN ? IMAGE_DEFAULT_LEAD_IN
							      : SHORTEST_LEAD_IN,
				    sink, &taken, &job, &err) == 0);
	if (kind == BURN_JOB_ISO) {
		/* the system area in one write: only the writes from the PVD on vary */
		fuzz_assert(burn_job_write(job, system_area, sizeof(system_area), &err) ==
			    sizeof(system_area));
	}
	while (done < len) {
		size_t chunk = len - done < step ? len - done : step;

		n = burn_job_write(job, file + done, chunk, &err);
		if (n < 0) {
			failed = chunk;
			break;
		}
		fuzz_assert((size_t)n == chunk);
		done += chunk;
	}
	/* bytes taken: the file so far, and perhaps some of a write that failed */
	fuzz_assert(burn_job_bytes(job) <= (kind == BURN_JOB_ISO ? sizeof(system_area) : 0) +
		    done + failed);
	if (n < 0) {
		/* once failed, every call fails the same way */
		fuzz_assert(burn_job_write(job, file, len ? 1 : 0, &err) == n);
	}
	if (flags & FLAG_FINISH) {
		int ret = burn_job_finish(job, &err);

		fuzz_assert(ret < 0 && (n >= 0 || ret == n));
		fuzz_assert(burn_job_finish(job, &err) == ret);
		fuzz_assert(burn_job_write(job, file, 0, &err) < 0);
	}
	burn_job_destroy(job);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	run(data + 1, size - 1, data[0]);
	return 0;
}
