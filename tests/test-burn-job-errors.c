/*
 * core/burn-job failures: bad headers, short inputs, failing sinks,
 * cancellation and bad arguments give their errnos, results and messages
 * (test-burn-job.c has the streams that work).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "burn-job.h"
#include "tl-harness.h"
#include "tl-image.h"
#include "tl-sink.h"

#define TEST_LEAD_IN 1000

/*
 * An input file for a job: an editor's WAV of the given format when
 * @wav_rate is set, else an ISO of @iso_sectors whose PVD says
 * @pvd_sectors.
 */
struct job_input {
	const char *name;
	uint32_t iso_sectors, pvd_sectors;
	unsigned wav_tag, wav_channels, wav_rate, wav_bits;
	uint32_t wav_junk;
};

/* A job run to its failure, and what it used. */
struct failing_run {
	char *dir, *path;		/* the input file, in a temporary directory */
	uint8_t *data;			/* its bytes */
	size_t len;
	struct tl_sink s;		/* PQ, counting only unless told more */
	struct burn_error werr, err;	/* the first failed write's error; the finish's */
	int wret;			/* that write's return; 0 = every write took its bytes */
};

static void
run_start(struct failing_run *r, const struct job_input *in)
{
	memset(r, 0, sizeof(*r));
	r->dir = tl_mkdtemp("job");
	if (in->wav_rate) {
		r->path = tl_make_editor_wav(r->dir, in->name, in->wav_tag, in->wav_channels,
					     in->wav_rate, in->wav_bits, in->wav_junk);
	} else {
		r->path = tl_path(r->dir, in->name);
		tl_make_pvd_iso(r->path, in->iso_sectors, in->pvd_sectors);
	}
	r->data = tl_slurp(r->path, &r->len);
	tl_sink_init(&r->s, CD_SECTOR_PQ);
}

/*
 * Runs a job named @name into the sink, writing the first @len bytes of
 * the input (all when it has fewer) in 4093s; returns the finish's result.
 */
static int
run_failing(struct failing_run *r, const char *name, enum burn_job_kind kind, size_t len)
{
	struct burn_job *job;
	size_t at = 0;
	int ret;

	if (len > r->len)
		len = r->len;
	tl_assert_ok(burn_job_create(name, kind, CD_SECTOR_PQ, TEST_LEAD_IN, tl_sink_push, &r->s,
				     &job, &r->err));
	r->wret = 0;
	while (at < len && r->wret == 0) {
		size_t n = len - at < 4093 ? len - at : 4093;
		ssize_t w = burn_job_write(job, r->data + at, n, &r->werr);

		if (w < 0)
			r->wret = (int)w;
		else
			ck_assert_int_eq(w, (ssize_t)n);
		at += n;
	}
	if (r->wret < 0) {
		/* every later write fails the same way */
		struct burn_error again;

		ck_assert_int_eq(burn_job_write(job, r->data, 1, &again), r->wret);
		ck_assert_uint_eq(again.result, r->werr.result);
		ck_assert_str_eq(again.reason, r->werr.reason);
	}
	ret = burn_job_finish(job, &r->err);
	ck_assert(!burn_job_input_complete(job) || r->wret < 0);
	burn_job_destroy(job);
	return ret;
}

/* Frees what @r used and removes its directory. */
static void
run_cleanup(struct failing_run *r)
{
	tl_sink_fini(&r->s);
	free(r->data);
	tl_rmtree(r->dir);
	free(r->path);
	free(r->dir);
}

/*
 * Inputs a job refuses from their header; @len bytes are written
 * (SIZE_MAX: all), after @pvd_byte_zeroed when set and with the PVD's
 * logical block size set to @pvd_block when that is not 0. The write fails with
 * @write_ret (0: only the finish does); either way the finish gives
 * -EINVAL, BURN_E_STREAM_NOT_SUPPORTED and @reason, and nothing reached the
 * sink unless @sink_may_run.
 */
static const struct {
	struct job_input in;
	size_t len;
	bool pvd_byte_zeroed, sink_may_run;
	unsigned pvd_block;
	int write_ret;
	const char *reason;
} refused[] = {
	{ { "song.wav", 0, 0, 3, 2, 48000, 32, 0 }, SIZE_MAX, false, false, 0, -EINVAL,
	  "song.wav: WAV must be 16-bit stereo 44.1 kHz PCM, this is format 3, 2 channel(s), 48000 Hz, 32-bit" },
	/* a header longer than the ring cannot be held */
	{ { "long.wav", 0, 0, 1, 2, 44100, 16, 2 * BURN_JOB_BUFFER_SIZE }, SIZE_MAX, false, false,
	  0, -EINVAL, "long.wav: the header runs to byte 2097204; a burn job holds at most 1048576 bytes before the track's data" },
	/* 20000 bytes and the end: too short to hold sector 16 */
	{ { "disc.iso", 400, 400 }, 20000, false, false, 0, 0,
	  "disc.iso: no ISO 9660 primary volume descriptor at sector 16" },
	/* sector 16 arrived and is something else: the write says so */
	{ { "disc.iso", 400, 400 }, SIZE_MAX, true, false, 0, -EINVAL,
	  "disc.iso: no ISO 9660 primary volume descriptor at sector 16" },
	/* an empty .iso */
	{ { "disc.iso", 400, 400 }, 0, false, false, 0, 0,
	  "disc.iso: no ISO 9660 primary volume descriptor at sector 16" },
	/* a PVD that declares a 3-second disc */
	{ { "disc.iso", 225, 225 }, SIZE_MAX, false, false, 0, -EINVAL,
	  "disc.iso: track 1 is 225 sectors long; a track needs at least 300 sectors (4 seconds)" },
	/* an ISO that goes on past its PVD's volume size breaks the file's rule */
	{ { "disc.iso", 400, 350 }, SIZE_MAX, false, true, 0, -EINVAL,
	  "disc.iso: the input goes on past the 716800 bytes its ISO 9660 primary volume descriptor declares" },
	/* a volume of 512-byte blocks (both byte orders say so) */
	{ { "disc.iso", 400, 400 }, SIZE_MAX, false, false, 512, -EINVAL,
	  "disc.iso: ISO logical block size is 512, a CD needs 2048" },
};

START_TEST(header_refused)
{
	const struct job_input *in = &refused[_i].in;
	struct failing_run r;

	run_start(&r, in);
	if (refused[_i].pvd_byte_zeroed)
		r.data[16 * 2048] = 0;
	if (refused[_i].pvd_block) {
		uint8_t *b = r.data + 16 * 2048 + 128;

		b[0] = b[3] = (uint8_t)refused[_i].pvd_block;
		b[1] = b[2] = (uint8_t)(refused[_i].pvd_block >> 8);
	}
	ck_assert_int_eq(run_failing(&r, in->name, in->wav_rate ? BURN_JOB_WAV : BURN_JOB_ISO,
				     refused[_i].len), -EINVAL);
	ck_assert_int_eq(r.wret, refused[_i].write_ret);
	if (r.wret < 0) {
		ck_assert_uint_eq(r.werr.result, BURN_E_STREAM_NOT_SUPPORTED);
		ck_assert_str_eq(r.werr.reason, refused[_i].reason);
	}
	ck_assert_uint_eq(r.err.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_str_eq(r.err.reason, refused[_i].reason);
	if (!refused[_i].sink_may_run)
		ck_assert_uint_eq(r.s.calls, 0);
	run_cleanup(&r);
}
END_TEST

/*
 * The input stops before the bytes its header declares: _i 0, an ISO cut
 * after 300 of its 400 sectors; _i 1, an editor's WAV cut at 500000 bytes.
 */
START_TEST(input_ends_early)
{
	static const struct job_input inputs[] = {
		{ "disc.iso", 400, 400 },
		{ "song.wav", 0, 0, 1, 2, 44100, 16, 0 },
	};
	static const char *const reasons[] = {
		"disc.iso: the input ended after 614400 of 819200 bytes",
		"song.wav: the input ended after 500000 of 1506347 bytes",
	};
	struct failing_run r;

	run_start(&r, &inputs[_i]);
	if (!_i)
		tl_sink_expect(&r.s, r.path, CD_SECTOR_PQ, TEST_LEAD_IN);
	ck_assert_int_eq(run_failing(&r, inputs[_i].name, _i ? BURN_JOB_WAV : BURN_JOB_ISO,
				     _i ? 500000 : 300 * 2048), -EIO);
	ck_assert_int_eq(r.wret, 0);
	ck_assert_uint_eq(r.err.result, BURN_E_HANDLE_EOF);
	ck_assert_str_eq(r.err.reason, reasons[_i]);
	if (!_i) {
		/*
		 * What did go out is the stream's beginning, in whole chunks, up
		 * to the last whole input sector (the lead-in count includes the
		 * pre-gap).
		 */
		ck_assert_msg(r.s.mismatch[0] == 0, "%s", r.s.mismatch);
		ck_assert_uint_le(r.s.bytes, (uint64_t)(TEST_LEAD_IN + 300) * 2368);
		ck_assert_uint_ge(r.s.bytes,
				  (uint64_t)(TEST_LEAD_IN + 300) * 2368 - BURN_JOB_CHUNK_SIZE);
		ck_assert_uint_eq(r.s.toc_events, 1);
		ck_assert(!image_decoder_complete(r.s.dec));
	}
	run_cleanup(&r);
}
END_TEST

/* The sink's error reaches the writer and burn_job_finish() unchanged. */
START_TEST(sink_error_passed_on)
{
	static const struct job_input iso = { "disc.iso", 700, 700 };
	struct failing_run r;

	/* more input than the ring holds: the writer must see the failure */
	run_start(&r, &iso);
	r.s.fail_after = 200000;
	r.s.fail_ret = burn_error_set(&r.s.fail_error, BURN_E_LOSS_OF_STREAMING,
				      "writing LBA -916..-890: the drive ran out of data");
	ck_assert_int_eq(run_failing(&r, "disc.iso", BURN_JOB_ISO, SIZE_MAX), -EIO);
	ck_assert_int_eq(r.wret, -EIO);
	ck_assert_uint_eq(r.werr.result, BURN_E_LOSS_OF_STREAMING);
	ck_assert_str_eq(r.werr.reason, "writing LBA -916..-890: the drive ran out of data");
	ck_assert_uint_eq(r.err.result, BURN_E_LOSS_OF_STREAMING);
	ck_assert_str_eq(r.err.reason, r.werr.reason);
	ck_assert_uint_le(r.s.bytes, 200000);
	tl_sink_fini(&r.s);

	/* RAW: the same, on the writer's own call */
	tl_sink_init(&r.s, CD_SECTOR_PQ);
	r.s.fail_after = 10000;
	r.s.fail_ret = burn_error_set(&r.s.fail_error, BURN_E_NOT_ENOUGH_SPACE, "no room");
	ck_assert_int_eq(run_failing(&r, "track.bin", BURN_JOB_RAW, 20000), -ENOSPC);
	ck_assert_int_eq(r.wret, -ENOSPC);
	ck_assert_str_eq(r.werr.reason, "no room");
	ck_assert_uint_eq(r.err.result, BURN_E_NOT_ENOUGH_SPACE);
	run_cleanup(&r);
}
END_TEST

struct writer {
	struct burn_job *job;
	const uint8_t *data;
	size_t len;
	ssize_t ret;
	struct burn_error err;
};

static void *
writer_thread(void *arg)
{
	struct writer *w = arg;

	for (size_t at = 0; at < w->len && w->ret >= 0; at += 1000000) {
		size_t n = w->len - at < 1000000 ? w->len - at : 1000000;

		w->ret = burn_job_write(w->job, w->data + at, n, &w->err);
	}
	return NULL;
}

/* A PQ job named disc.iso into @s (initialised here). */
static struct burn_job *
iso_job(struct tl_sink *s)
{
	struct burn_job *job;
	struct burn_error err;

	tl_sink_init(s, CD_SECTOR_PQ);
	tl_assert_ok(burn_job_create("disc.iso", BURN_JOB_ISO, CD_SECTOR_PQ, TEST_LEAD_IN,
				     tl_sink_push, s, &job, &err));
	return job;
}

/* A writer blocked on a full ring is woken by burn_job_cancel(). */
START_TEST(cancel_wakes_writer)
{
	char *dir = tl_mkdtemp("job"), *iso = tl_path(dir, "disc.iso");
	struct writer w = { 0 };
	struct burn_error err;
	struct tl_sink s;
	pthread_t t;
	uint8_t *data;
	size_t len;

	tl_make_pvd_iso(iso, 1000, 1000);	/* 2 MB: twice the ring */
	data = tl_slurp(iso, &len);
	w.job = iso_job(&s);
	s.block = true;
	w.data = data;
	w.len = len;
	ck_assert_int_eq(pthread_create(&t, NULL, writer_thread, &w), 0);
	/* the job's thread is inside the sink with the first lead-in chunk */
	pthread_mutex_lock(&s.lock);
	while (!s.entered)
		pthread_cond_wait(&s.cond, &s.lock);
	pthread_mutex_unlock(&s.lock);
	burn_job_cancel(w.job);
	pthread_mutex_lock(&s.lock);
	s.released = true;
	pthread_cond_broadcast(&s.cond);
	pthread_mutex_unlock(&s.lock);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(w.ret, -ECANCELED);
	ck_assert_uint_eq(w.err.result, BURN_E_REQUEST_CANCELLED);
	ck_assert_str_eq(w.err.reason, "disc.iso: the burn job was cancelled");
	ck_assert_int_eq(burn_job_finish(w.job, &err), -ECANCELED);
	ck_assert_uint_eq(err.result, BURN_E_REQUEST_CANCELLED);
	ck_assert_uint_eq(s.calls, 1);
	ck_assert(!burn_job_input_complete(w.job));
	burn_job_destroy(w.job);
	tl_sink_fini(&s);

	/* cancelled before anything: writes fail; destroy without finish is fine */
	w.job = iso_job(&s);
	ck_assert_int_eq(burn_job_write(w.job, data, 100000, &err), 100000);
	burn_job_cancel(w.job);
	ck_assert_int_eq(burn_job_write(w.job, data, 10, &err), -ECANCELED);
	ck_assert_str_eq(err.reason, "disc.iso: the burn job was cancelled");
	burn_job_destroy(w.job);
	tl_sink_fini(&s);

	/* destroyed while running, never finished */
	w.job = iso_job(&s);
	ck_assert_int_eq(burn_job_write(w.job, data, 500000, &err), 500000);
	burn_job_destroy(w.job);
	tl_sink_fini(&s);
	free(data);
	tl_rmtree(dir);
	free(iso);
	free(dir);
}


START_TEST(kind_for_name)
{
	ck_assert_int_eq(burn_job_kind_for_name("disc.iso"), BURN_JOB_ISO);
	ck_assert_int_eq(burn_job_kind_for_name("Disc.ISO"), BURN_JOB_ISO);
	ck_assert_int_eq(burn_job_kind_for_name("song.wav"), BURN_JOB_WAV);
	ck_assert_int_eq(burn_job_kind_for_name("SONG.Wav"), BURN_JOB_WAV);
	ck_assert_int_eq(burn_job_kind_for_name("burn/a.iso"), BURN_JOB_ISO);
	ck_assert_int_eq(burn_job_kind_for_name(".iso"), BURN_JOB_RAW);
	ck_assert_int_eq(burn_job_kind_for_name(".wav"), BURN_JOB_RAW);
	ck_assert_int_eq(burn_job_kind_for_name("disc.iso.part"), BURN_JOB_RAW);
	ck_assert_int_eq(burn_job_kind_for_name("track.raw"), BURN_JOB_RAW);
	ck_assert_int_eq(burn_job_kind_for_name("iso"), BURN_JOB_RAW);
	ck_assert_int_eq(burn_job_kind_for_name(""), BURN_JOB_RAW);
}
END_TEST

static ssize_t
null_sink(void *ctx, const void *buf, size_t len, struct burn_error *err)
{
	return (ssize_t)len;
}

START_TEST(create_checks_arguments)
{
	struct burn_job *job;
	struct burn_error err;

	ck_assert_int_eq(burn_job_create("a.iso", BURN_JOB_ISO, CD_SECTOR_PQ, 161, null_sink,
					 NULL, &job, &err), -EINVAL);
	ck_assert_ptr_null(job);
	ck_assert_uint_eq(err.result, BURN_E_INVALIDARG);
	ck_assert_str_eq(err.reason, "a.iso: a lead-in of 161 sectors cannot be burned as a "
			 "one-track disc; it needs 162 to 45150 (150 for the pre-gap, 3 per TOC "
			 "entry)");
	ck_assert_int_eq(burn_job_create("a.wav", BURN_JOB_WAV, CD_SECTOR_PQ, 45151, null_sink,
					 NULL, &job, &err), -EINVAL);
	ck_assert_int_eq(burn_job_create("a.wav", BURN_JOB_WAV, (enum cd_sector_type)4, 1000,
					 null_sink, NULL, &job, &err), -EINVAL);
	ck_assert_str_eq(err.reason, "a.wav: sector type 4 is not 1 (pq), 2 (cooked) or 3 (raw)");
	ck_assert_int_eq(burn_job_create("a.wav", BURN_JOB_WAV, CD_SECTOR_RAW, 162, NULL, NULL,
					 &job, &err), -EINVAL);
	tl_assert_ok(burn_job_create("a.wav", BURN_JOB_WAV, CD_SECTOR_RAW, 162, null_sink, NULL,
				     &job, &err));
	ck_assert_uint_eq(burn_job_bytes(job), 0);
	burn_job_destroy(job);
	burn_job_destroy(NULL);
}

int
main(void)
{
	Suite *s = suite_create("burn-job-errors");
	TCase *tc = tl_tcase(s, "errors");

	tcase_add_loop_test(tc, header_refused, 0, sizeof(refused) / sizeof(refused[0]));
	tcase_add_loop_test(tc, input_ends_early, 0, 2);
	TL_TESTS(tc, sink_error_passed_on, cancel_wakes_writer, kind_for_name,
		 create_checks_arguments);
	return tl_run_suite(s);
}
