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
#include "burn-job-sink.h"
#include "harness.h"
#include "image-fixtures.h"

#define TEST_LEAD_IN 1000


/* Runs a job whose sink only counts, writing @len bytes of @data in 4093s. */
static int
run_failing(const char *name, enum burn_job_kind kind, const uint8_t *data, size_t len,
	    struct job_sink *s, struct burn_error *write_err, int *write_ret, struct burn_error *err)
{
	struct burn_job *job;
	size_t at = 0;
	int ret;

	ck_assert_ok(burn_job_create(name, kind, CD_SECTOR_PQ, TEST_LEAD_IN, job_sink_push, s, &job,
				     err));
	*write_ret = 0;
	while (at < len && *write_ret == 0) {
		size_t n = len - at < 4093 ? len - at : 4093;
		ssize_t r = burn_job_write(job, data + at, n, write_err);

		if (r < 0)
			*write_ret = (int)r;
		else
			ck_assert_int_eq(r, (ssize_t)n);
		at += n;
	}
	if (*write_ret < 0) {
		/* every later write fails the same way */
		struct burn_error again;

		ck_assert_int_eq(burn_job_write(job, data, 1, &again), *write_ret);
		ck_assert_uint_eq(again.result, write_err->result);
		ck_assert_str_eq(again.reason, write_err->reason);
	}
	ret = burn_job_finish(job, err);
	ck_assert(!burn_job_input_complete(job) || *write_ret < 0);
	burn_job_destroy(job);
	return ret;
}

/*
 * Inputs a job refuses from their header: an ISO of @iso_sectors with a
 * PVD that says @pvd_sectors (@wav_rate 0), or an editor's WAV; @len
 * bytes are written (SIZE_MAX: all), after @pvd_byte_zeroed when set.
 * The write fails with @write_ret (0: only the finish does); either way
 * the finish gives -EINVAL, @result and @reason, and nothing reached the
 * sink unless @sink_may_run.
 */
static const struct {
	const char *name;
	uint32_t iso_sectors, pvd_sectors;
	unsigned wav_tag, wav_channels, wav_rate, wav_bits;
	uint32_t wav_junk;
	size_t len;
	bool pvd_byte_zeroed, sink_may_run;
	int write_ret;
	const char *reason;
} refused[] = {
	{ "song.wav", 0, 0, 3, 2, 48000, 32, 0, SIZE_MAX, false, false, -EINVAL,
	  "song.wav: WAV must be 16-bit stereo 44.1 kHz PCM, this is format 3, 2 channel(s), 48000 Hz, 32-bit" },
	/* a header longer than the ring cannot be held */
	{ "long.wav", 0, 0, 1, 2, 44100, 16, 2 * BURN_JOB_BUFFER_SIZE, SIZE_MAX, false, false,
	  -EINVAL, "long.wav: the header runs to byte 2097204; a burn job holds at most 1048576 bytes before the track's data" },
	/* 20000 bytes and the end: too short to hold sector 16 */
	{ "disc.iso", 400, 400, 0, 0, 0, 0, 0, 20000, false, false, 0,
	  "disc.iso: no ISO 9660 primary volume descriptor at sector 16" },
	/* sector 16 arrived and is something else: the write says so */
	{ "disc.iso", 400, 400, 0, 0, 0, 0, 0, SIZE_MAX, true, false, -EINVAL,
	  "disc.iso: no ISO 9660 primary volume descriptor at sector 16" },
	/* an empty .iso */
	{ "disc.iso", 400, 400, 0, 0, 0, 0, 0, 0, false, false, 0,
	  "disc.iso: no ISO 9660 primary volume descriptor at sector 16" },
	/* a PVD that declares a 3-second disc */
	{ "disc.iso", 225, 225, 0, 0, 0, 0, 0, SIZE_MAX, false, false, -EINVAL,
	  "disc.iso: track 1 is 225 sectors long; a track needs at least 300 sectors (4 seconds)" },
	/* an ISO that goes on past its PVD's volume size breaks the file's rule */
	{ "disc.iso", 400, 350, 0, 0, 0, 0, 0, SIZE_MAX, false, true, -EINVAL,
	  "disc.iso: the input goes on past the 716800 bytes its ISO 9660 primary volume descriptor declares" },
};

START_TEST(header_refused)
{
	char *dir = test_mkdtemp("job"), *path;
	struct burn_error werr, err;
	struct job_sink s;
	uint8_t *data;
	size_t len;
	int wret;

	if (refused[_i].wav_rate) {
		path = fx_make_editor_wav(dir, refused[_i].name, refused[_i].wav_tag,
					  refused[_i].wav_channels, refused[_i].wav_rate,
					  refused[_i].wav_bits, refused[_i].wav_junk);
	} else {
		path = fx_path(dir, refused[_i].name);
		fx_make_iso(path, refused[_i].iso_sectors, refused[_i].pvd_sectors);
	}
	data = fx_slurp(path, &len);
	if (refused[_i].pvd_byte_zeroed)
		data[16 * 2048] = 0;
	if (refused[_i].len < len)
		len = refused[_i].len;
	job_sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing(refused[_i].name, refused[_i].wav_rate ? BURN_JOB_WAV :
				     BURN_JOB_ISO, data, len, &s, &werr, &wret, &err), -EINVAL);
	ck_assert_int_eq(wret, refused[_i].write_ret);
	if (wret < 0) {
		ck_assert_uint_eq(werr.result, BURN_E_STREAM_NOT_SUPPORTED);
		ck_assert_str_eq(werr.reason, refused[_i].reason);
	}
	ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_str_eq(err.reason, refused[_i].reason);
	if (!refused[_i].sink_may_run)
		ck_assert_uint_eq(s.calls, 0);
	job_sink_fini(&s);
	free(data);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/* The input stops before the bytes its header declares. */
START_TEST(input_ends_early)
{
	char *dir = test_mkdtemp("job"), *iso = fx_path(dir, "disc.iso");
	char *wav = fx_make_editor_wav(dir, "song.wav", 1, 2, 44100, 16, 0);
	struct burn_error werr, err;
	struct job_sink s;
	uint8_t *data;
	size_t len;
	int wret;

	fx_make_iso(iso, 400, 400);
	data = fx_slurp(iso, &len);
	job_sink_init(&s, CD_SECTOR_PQ);
	job_sink_expect(&s, iso, CD_SECTOR_PQ, TEST_LEAD_IN);
	ck_assert_int_eq(run_failing("disc.iso", BURN_JOB_ISO, data, 300 * 2048, &s, &werr, &wret,
				     &err), -EIO);
	ck_assert_int_eq(wret, 0);
	ck_assert_uint_eq(err.result, BURN_E_HANDLE_EOF);
	ck_assert_str_eq(err.reason, "disc.iso: the input ended after 614400 of 819200 bytes");
	/*
	 * What did go out is the stream's beginning, in whole chunks, up to the
	 * last whole input sector (the lead-in count includes the pre-gap).
	 */
	ck_assert_msg(s.mismatch[0] == 0, "%s", s.mismatch);
	ck_assert_uint_le(s.bytes, (uint64_t)(TEST_LEAD_IN + 300) * 2368);
	ck_assert_uint_ge(s.bytes, (uint64_t)(TEST_LEAD_IN + 300) * 2368 - BURN_JOB_CHUNK_SIZE);
	ck_assert_uint_eq(s.toc_events, 1);
	ck_assert(!image_decoder_complete(s.dec));
	job_sink_fini(&s);
	free(data);

	data = fx_slurp(wav, &len);
	job_sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing("song.wav", BURN_JOB_WAV, data, 500000, &s, &werr, &wret,
				     &err), -EIO);
	ck_assert_uint_eq(err.result, BURN_E_HANDLE_EOF);
	ck_assert_str_eq(err.reason, "song.wav: the input ended after 500000 of 1506347 bytes");
	job_sink_fini(&s);
	free(data);
	test_rmtree(dir);
	free(wav);
	free(iso);
	free(dir);
}
END_TEST

/* The sink's error reaches the writer and burn_job_finish() unchanged. */
START_TEST(sink_error_passed_on)
{
	char *dir = test_mkdtemp("job"), *iso = fx_path(dir, "disc.iso");
	struct burn_error werr, err;
	struct job_sink s;
	uint8_t *data;
	size_t len;
	int wret;

	/* more input than the ring holds: the writer must see the failure */
	fx_make_iso(iso, 700, 700);
	data = fx_slurp(iso, &len);
	job_sink_init(&s, CD_SECTOR_PQ);
	s.fail_after = 200000;
	s.fail_ret = burn_error_set(&s.fail_error, BURN_E_LOSS_OF_STREAMING,
				    "writing LBA -916..-890: the drive ran out of data");
	ck_assert_int_eq(run_failing("disc.iso", BURN_JOB_ISO, data, len, &s, &werr, &wret, &err),
			 -EIO);
	ck_assert_int_eq(wret, -EIO);
	ck_assert_uint_eq(werr.result, BURN_E_LOSS_OF_STREAMING);
	ck_assert_str_eq(werr.reason, "writing LBA -916..-890: the drive ran out of data");
	ck_assert_uint_eq(err.result, BURN_E_LOSS_OF_STREAMING);
	ck_assert_str_eq(err.reason, werr.reason);
	ck_assert_uint_le(s.bytes, 200000);
	job_sink_fini(&s);

	/* RAW: the same, on the writer's own call */
	job_sink_init(&s, CD_SECTOR_PQ);
	s.fail_after = 10000;
	s.fail_ret = burn_error_set(&s.fail_error, BURN_E_NOT_ENOUGH_SPACE, "no room");
	ck_assert_int_eq(run_failing("track.bin", BURN_JOB_RAW, data, 20000, &s, &werr, &wret,
				     &err), -ENOSPC);
	ck_assert_int_eq(wret, -ENOSPC);
	ck_assert_str_eq(werr.reason, "no room");
	ck_assert_uint_eq(err.result, BURN_E_NOT_ENOUGH_SPACE);
	job_sink_fini(&s);
	free(data);
	test_rmtree(dir);
	free(iso);
	free(dir);
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
iso_job(struct job_sink *s)
{
	struct burn_job *job;
	struct burn_error err;

	job_sink_init(s, CD_SECTOR_PQ);
	ck_assert_ok(burn_job_create("disc.iso", BURN_JOB_ISO, CD_SECTOR_PQ, TEST_LEAD_IN,
				     job_sink_push, s, &job, &err));
	return job;
}

/* A writer blocked on a full ring is woken by burn_job_cancel(). */
START_TEST(cancel_wakes_writer)
{
	char *dir = test_mkdtemp("job"), *iso = fx_path(dir, "disc.iso");
	struct writer w = { 0 };
	struct burn_error err;
	struct job_sink s;
	pthread_t t;
	uint8_t *data;
	size_t len;

	fx_make_iso(iso, 1000, 1000);	/* 2 MB: twice the ring */
	data = fx_slurp(iso, &len);
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
	job_sink_fini(&s);

	/* cancelled before anything: writes fail; destroy without finish is fine */
	w.job = iso_job(&s);
	ck_assert_int_eq(burn_job_write(w.job, data, 100000, &err), 100000);
	burn_job_cancel(w.job);
	ck_assert_int_eq(burn_job_write(w.job, data, 10, &err), -ECANCELED);
	ck_assert_str_eq(err.reason, "disc.iso: the burn job was cancelled");
	burn_job_destroy(w.job);
	job_sink_fini(&s);

	/* destroyed while running, never finished */
	w.job = iso_job(&s);
	ck_assert_int_eq(burn_job_write(w.job, data, 500000, &err), 500000);
	burn_job_destroy(w.job);
	job_sink_fini(&s);
	free(data);
	test_rmtree(dir);
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
	ck_assert_ok(burn_job_create("a.wav", BURN_JOB_WAV, CD_SECTOR_RAW, 162, null_sink, NULL,
				     &job, &err));
	ck_assert_uint_eq(burn_job_bytes(job), 0);
	burn_job_destroy(job);
	burn_job_destroy(NULL);
}

static Suite *
burn_job_errors_suite(void)
{
	Suite *s = suite_create("burn-job-errors");
	TCase *tc = tcase_create("errors");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, header_refused, 0, sizeof(refused) / sizeof(refused[0]));
	tcase_add_test(tc, input_ends_early);
	tcase_add_test(tc, sink_error_passed_on);
	tcase_add_test(tc, cancel_wakes_writer);
	tcase_add_test(tc, kind_for_name);
	tcase_add_test(tc, create_checks_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(burn_job_errors_suite());
}
