/*
 * core/burn-job: a .iso (made by genisoimage) or a .wav pushed through
 * burn_job_write() in chunks of 1 byte, 4093 bytes and 1,000,000 bytes must
 * come out, byte for byte, as the stream image_encoder makes from the same
 * file on disk, decode to a complete TOC, and never use more than the job's
 * ring; the lead-in goes out before the track has arrived; RAW passes
 * through. test-burn-job-errors.c has the failures.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "burn-job.h"
#include "tl-harness.h"
#include "tl-image.h"
#include "tl-sink.h"

#define TEST_LEAD_IN 1000
#define ONE_BYTE_PREFIX (300 * 1000)	/* 1-byte writes this far, then 64 KiB */

static bool
have_genisoimage(void)
{
	return system("genisoimage -version >/dev/null 2>&1") == 0;
}

/*
 * A real ISO 9660 image of about 1.4 MB (more than the job's ring) made by
 * genisoimage from files written here. Returns its path, or NULL when
 * genisoimage is missing.
 */
static char *
make_genisoimage(const char *dir)
{
	static const size_t sizes[] = { 600000, 700001, 123456, 10 };
	char *tree = tl_path(dir, "tree"), *iso = tl_path(dir, "disc.iso"), *cmd;

	if (!have_genisoimage()) {
		fprintf(stderr, "# genisoimage not found: skipping the ISO case\n");
		free(tree);
		free(iso);
		return NULL;
	}
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		char name[32], *path;
		uint8_t *data = malloc(sizes[k]);

		ck_assert_ptr_nonnull(data);
		for (size_t i = 0; i < sizes[k]; i++)
			data[i] = tl_iso_byte(i + k * 7919);
		snprintf(name, sizeof(name), "file%zu.bin", k);
		path = tl_path(tree, name);
		tl_write_file(path, data, sizes[k]);
		free(path);
		free(data);
	}
	ck_assert_int_gt(asprintf(&cmd, "genisoimage -quiet -V BURNJOB -o '%s' '%s'", iso,
				  tree), 0);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	free(cmd);
	free(tree);
	return iso;
}

enum chunking {
	CHUNK_ONE_BYTE,		/* 1 byte for the first ONE_BYTE_PREFIX, then 64 KiB */
	CHUNK_4093,
	CHUNK_1000000,
};

static size_t
chunk_len(enum chunking c, size_t at)
{
	switch (c) {
	case CHUNK_ONE_BYTE:
		return at < ONE_BYTE_PREFIX ? 1 : 65536;
	case CHUNK_4093:
		return 4093;
	case CHUNK_1000000:
		break;
	}
	return 1000000;
}

/*
 * Pushes @data through @job in @c chunks; every write must take it all.
 * Checks that input is complete only once the last byte is in.
 */
static void
push_all(struct burn_job *job, const uint8_t *data, size_t len, enum chunking c)
{
	uint64_t before = burn_job_bytes(job);
	struct burn_error err;
	size_t at = 0;

	while (at < len) {
		size_t n = chunk_len(c, at);
		ssize_t ret;

		if (n > len - at)
			n = len - at;
		ret = burn_job_write(job, data + at, n, &err);
		if (ret != (ssize_t)n)
			ck_abort_msg("write of %zu bytes at %zu: %zd: %s", n, at, ret, err.reason);
		at += n;
		if (at < len && at % 4093 == 0 && burn_job_input_complete(job))
			ck_abort_msg("input complete after %zu of %zu bytes", at, len);
	}
	ck_assert_uint_eq(burn_job_bytes(job), before + len);
}

/* The whole job: @path in, the reference stream out, decoded. */
static void
burn_and_compare(const char *path, enum burn_job_kind kind, enum cd_sector_type type,
		 unsigned lead_in, enum chunking c)
{
	struct burn_job_buffer_stats st;
	struct burn_job *job;
	struct burn_error err;
	struct tl_sink s;
	uint8_t *data;
	size_t len;
	const struct image_toc *toc, *want;

	data = tl_slurp(path, &len);
	tl_sink_init(&s, type);
	tl_sink_expect(&s, path, type, lead_in);
	ck_assert_msg(burn_job_create(strrchr(path, '/') + 1, kind, type, lead_in, tl_sink_push,
				      &s, &job, &err) == 0, "%s", err.reason);
	push_all(job, data, len, c);
	ck_assert(burn_job_input_complete(job));
	ck_assert_msg(burn_job_finish(job, &err) == 0, "%s", err.reason);
	ck_assert_msg(s.mismatch[0] == 0, "%s", s.mismatch);

	/* nothing more to come: the reference is at its end too */
	ck_assert_int_eq(image_encoder_read(s.ref, s.sector, 1, NULL), 0);
	ck_assert_uint_eq(s.bytes, image_encoder_total_sectors(s.ref) * s.sector_size);
	ck_assert_uint_eq(s.have, 0);
	ck_assert_uint_le(s.largest_call, BURN_JOB_CHUNK_SIZE);

	/* decoded: a complete TOC whose lead-out is the file's */
	ck_assert_uint_eq(s.damaged, 0);
	ck_assert_uint_eq(s.toc_events, 1);
	ck_assert(image_decoder_complete(s.dec));
	toc = image_decoder_toc(s.dec);
	want = image_disc_toc(s.ref_disc);
	ck_assert_ptr_nonnull(toc);
	ck_assert_uint_eq(toc->first_track, 1);
	ck_assert_uint_eq(toc->last_track, 1);
	ck_assert_int_eq(toc->leadout_lba, want->leadout_lba);
	ck_assert_int_eq(toc->track[1].start_lba, 0);
	ck_assert_uint_eq(toc->track[1].control, want->track[1].control);
	ck_assert_uint_eq(image_decoder_expected_sectors(s.dec),
			  image_encoder_total_sectors(s.ref));

	/* memory: never more than the ring */
	burn_job_buffer_stats(job, &st);
	ck_assert_uint_eq(st.size, BURN_JOB_BUFFER_SIZE);
	ck_assert_uint_gt(st.peak, 0);
	ck_assert_uint_le(st.peak, st.size);
	ck_assert_uint_eq(st.used, 0);

	/* finishing again gives the same; writing after it is refused */
	ck_assert_int_eq(burn_job_finish(job, &err), 0);
	ck_assert_int_eq(burn_job_write(job, data, 1, &err), -EINVAL);
	ck_assert_uint_eq(err.result, BURN_E_WRITE_NOT_IN_PROGRESS);
	burn_job_destroy(job);
	tl_sink_fini(&s);
	free(data);
}

/* _i: input (a genisoimage ISO, an editor's WAV) x sector type (0..2) x chunking (0..2) */
START_TEST(streams_like_the_file)
{
	char *dir = tl_mkdtemp("job");
	char *path = _i < 9 ? make_genisoimage(dir) :
		     tl_make_editor_wav(dir, "song.WAV", 1, 2, 44100, 16, 0);

	if (path) {
		burn_and_compare(path, _i < 9 ? BURN_JOB_ISO : BURN_JOB_WAV,
				 (enum cd_sector_type)(_i % 9 / 3 + 1), TEST_LEAD_IN,
				 (enum chunking)(_i % 3));
		free(path);
	}
	tl_rmtree(dir);
	free(dir);
}
END_TEST

/* What `lead_in_sectors` defaults to: the stream starts at 95:00:00. */
START_TEST(default_lead_in)
{
	char *dir = tl_mkdtemp("job"), *wav = tl_make_editor_wav(dir, "song.wav", 1, 2, 44100, 16, 0);
	char *iso = tl_path(dir, "fake.iso");

	burn_and_compare(wav, BURN_JOB_WAV, CD_SECTOR_COOKED, IMAGE_DEFAULT_LEAD_IN, CHUNK_4093);
	tl_make_pvd_iso(iso, 700, 700);
	burn_and_compare(iso, BURN_JOB_ISO, CD_SECTOR_PQ, IMAGE_DEFAULT_LEAD_IN, CHUNK_1000000);
	tl_rmtree(dir);
	free(iso);
	free(wav);
	free(dir);
}

/*
 * Nothing is spooled: with only the header in, the lead-in with its TOC
 * and the stream up to the first track byte not yet written go out; the
 * rest follows the input.
 */
static void
lead_in_before_track(const char *path, enum burn_job_kind kind, size_t header,
		     uint32_t first_missing_sector)
{
	const unsigned size = cd_sector_type_size(CD_SECTOR_RAW);
	struct burn_job *job;
	struct burn_error err;
	struct tl_sink s;
	uint64_t ready;
	uint8_t *data;
	size_t len;

	data = tl_slurp(path, &len);
	tl_sink_init(&s, CD_SECTOR_RAW);
	tl_sink_expect(&s, path, CD_SECTOR_RAW, TEST_LEAD_IN);
	tl_assert_ok(burn_job_create(strrchr(path, '/') + 1, kind, CD_SECTOR_RAW, TEST_LEAD_IN,
				     tl_sink_push, &s, &job, &err));
	ck_assert_int_eq(burn_job_write(job, data, header, &err), (ssize_t)header);
	/* every whole chunk before the sector the input lacks */
	ready = (uint64_t)(TEST_LEAD_IN + first_missing_sector) * size / BURN_JOB_CHUNK_SIZE *
		BURN_JOB_CHUNK_SIZE;
	tl_sink_wait_bytes(&s, ready);
	ck_assert_uint_eq(burn_job_bytes(job), header);
	ck_assert(!burn_job_input_complete(job));
	ck_assert_uint_eq(s.toc_events, 1);
	ck_assert_int_eq(image_decoder_toc(s.dec)->leadout_lba,
			 image_disc_toc(s.ref_disc)->leadout_lba);
	push_all(job, data + header, len - header, CHUNK_4093);
	ck_assert_msg(burn_job_finish(job, &err) == 0, "%s", err.reason);
	ck_assert_msg(s.mismatch[0] == 0, "%s", s.mismatch);
	ck_assert(image_decoder_complete(s.dec));
	ck_assert_uint_eq(s.damaged, 0);
	burn_job_destroy(job);
	tl_sink_fini(&s);
	free(data);
}

START_TEST(lead_in_goes_first)
{
	char *dir = tl_mkdtemp("job"), *wav = tl_make_editor_wav(dir, "song.wav", 1, 2, 44100, 16, 0);
	char *iso = tl_path(dir, "disc.iso");

	tl_make_pvd_iso(iso, 700, 700);
	/* the PVD is sector 16: sectors 0..16 are in, 17 is the first missing */
	lead_in_before_track(iso, BURN_JOB_ISO, 17 * 2048, 17);
	/* RIFF, fmt, LIST and the data chunk's header: no audio yet */
	lead_in_before_track(wav, BURN_JOB_WAV, 12 + 24 + 22 + 8, 0);
	tl_rmtree(dir);
	free(iso);
	free(wav);
	free(dir);
}


START_TEST(raw_passes_through)
{
	struct burn_job_buffer_stats st;
	struct burn_job *job;
	struct burn_error err;
	struct tl_sink s;
	size_t len = 2448 * 100 + 7, at = 0;
	uint8_t *data = malloc(len);

	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < len; i++)
		data[i] = tl_audio_byte(i);
	tl_sink_init(&s, CD_SECTOR_RAW);
	s.kept = malloc(len);
	ck_assert_ptr_nonnull(s.kept);
	/* type and lead-in are the raw stream's business, not the job's */
	tl_assert_ok(burn_job_create("track.raw", BURN_JOB_RAW, (enum cd_sector_type)0, 0,
				     tl_sink_push, &s, &job, &err));
	for (size_t n = 1; at < len; n = n * 7 + 1) {
		if (n > len - at)
			n = len - at;
		ck_assert_int_eq(burn_job_write(job, data + at, n, &err), (ssize_t)n);
		at += n;
	}
	ck_assert_uint_eq(burn_job_bytes(job), len);
	ck_assert(!burn_job_input_complete(job));
	ck_assert_int_eq(burn_job_finish(job, &err), 0);
	ck_assert_uint_eq(s.kept_len, len);
	ck_assert(memcmp(s.kept, data, len) == 0);
	burn_job_buffer_stats(job, &st);
	ck_assert_uint_eq(st.size, 0);
	burn_job_destroy(job);
	tl_sink_fini(&s);
	free(data);
}

int
main(void)
{
	Suite *s = suite_create("burn-job");
	TCase *tc = tl_tcase(s, "stream");

	tcase_add_loop_test(tc, streams_like_the_file, 0, 18);
	TL_TESTS(tc, default_lead_in, lead_in_goes_first, raw_passes_through);
	return tl_run_suite(s);
}
