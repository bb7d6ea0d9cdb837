/*
 * core/burn-job: a .iso (made by genisoimage) or a .wav pushed through
 * burn_job_write() in chunks of 1 byte, 4093 bytes and 1,000,000 bytes must
 * come out, byte for byte, as the stream image_encoder makes from the same
 * file on disk, decode to a complete TOC, and never use more than the job's
 * ring; bad headers, short inputs, failing sinks and cancellation give
 * their errors and messages.
 *
 * Sinks run on the job's thread, where Check's asserts must not be used:
 * they record what they saw and the main thread asserts.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "burn-job.h"
#include "harness.h"
#include "image-decoder.h"
#include "image-disc.h"
#include "image-encoder.h"
#include "image-fixtures.h"

#define TEST_LEAD_IN 1000
#define ONE_BYTE_PREFIX (300 * 1000)	/* 1-byte writes this far, then 64 KiB */

/* What a sink saw; filled on the job's thread, read after burn_job_finish(). */
struct sink {
	/* the same file through image_disc_open(); NULL = no comparison */
	struct image_disc *ref_disc;
	struct image_encoder *ref;
	uint8_t *ref_buf;
	size_t ref_buf_size;
	/* the stream decoded sector by sector; NULL = not decoded */
	struct image_decoder *dec;
	struct image_sector *info;
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

static void
sink_init(struct sink *s, enum cd_sector_type type)
{
	memset(s, 0, sizeof(*s));
	s->sector_size = cd_sector_type_size(type);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
}

/* Compares with and decodes from @path, encoded as the job will. */
static void
sink_expect(struct sink *s, const char *path, enum cd_sector_type type, unsigned lead_in)
{
	struct burn_error err;

	ck_assert_msg(image_disc_open(&s->ref_disc, &path, 1, 0, &err) == 0, "%s", err.reason);
	ck_assert_msg(image_encoder_create(&s->ref, s->ref_disc, type, lead_in, &err) == 0,
		      "%s", err.reason);
	ck_assert_ok(image_decoder_create(&s->dec, type, lead_in));
	s->info = malloc(sizeof(*s->info));
	ck_assert_ptr_nonnull(s->info);
}

static void
sink_fini(struct sink *s)
{
	image_encoder_destroy(s->ref);
	image_disc_destroy(s->ref_disc);
	image_decoder_destroy(s->dec);
	free(s->info);
	free(s->ref_buf);
	free(s->kept);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
}

static int
sink_compare(struct sink *s, const uint8_t *buf, size_t len, struct burn_error *err)
{
	struct burn_error ie;
	ssize_t n;

	if (len > s->ref_buf_size) {
		free(s->ref_buf);
		s->ref_buf = malloc(len);
		s->ref_buf_size = s->ref_buf ? len : 0;
		if (!s->ref_buf)
			return burn_error_set(err, BURN_E_OUTOFMEMORY, "test sink");
	}
	n = image_encoder_read(s->ref, s->ref_buf, len, &ie);
	if (n != (ssize_t)len) {
		snprintf(s->mismatch, sizeof(s->mismatch), "reference gave %zd of %zu bytes at "
			 "stream byte %llu", n, len, (unsigned long long)s->bytes);
		return burn_error_set(err, BURN_E_FAIL, "test sink: %s", s->mismatch);
	}
	for (size_t i = 0; i < len; i++)
		if (buf[i] != s->ref_buf[i]) {
			snprintf(s->mismatch, sizeof(s->mismatch), "stream byte %llu differs",
				 (unsigned long long)(s->bytes + i));
			return burn_error_set(err, BURN_E_FAIL, "test sink: %s", s->mismatch);
		}
	return 0;
}

static void
sink_decode(struct sink *s, const uint8_t *buf, size_t len)
{
	while (len) {
		size_t take = s->sector_size - s->have < len ? s->sector_size - s->have : len;

		memcpy(s->sector + s->have, buf, take);
		s->have += (unsigned)take;
		buf += take;
		len -= take;
		if (s->have < s->sector_size)
			continue;
		s->have = 0;
		if (image_decoder_feed(s->dec, s->sector, s->info) != 0 || s->info->damage)
			s->damaged++;
		if (s->info->events & IMAGE_EVENT_TOC_COMPLETE)
			s->toc_events++;
	}
}

static ssize_t
sink_push(void *ctx, const void *buf, size_t len, struct burn_error *err)
{
	struct sink *s = ctx;
	int ret;

	/* short counts are allowed: take at most 100,000 bytes per call */
	if (len > 100000)
		len = 100000;
	s->calls++;
	if (len > s->largest_call)
		s->largest_call = len;
	if (s->block) {
		pthread_mutex_lock(&s->lock);
		s->entered = true;
		pthread_cond_broadcast(&s->cond);
		while (!s->released)
			pthread_cond_wait(&s->cond, &s->lock);
		s->block = false;
		pthread_mutex_unlock(&s->lock);
	}
	if (s->fail_after && s->bytes + len > s->fail_after) {
		*err = s->fail_error;
		return s->fail_ret;
	}
	if (s->ref) {
		ret = sink_compare(s, buf, len, err);
		if (ret < 0)
			return ret;
	}
	if (s->dec)
		sink_decode(s, buf, len);
	if (s->kept) {
		memcpy(s->kept + s->kept_len, buf, len);
		s->kept_len += len;
	}
	pthread_mutex_lock(&s->lock);
	s->bytes += len;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return (ssize_t)len;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	buf = malloc((size_t)n);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

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
	char *tree = fx_path(dir, "tree"), *iso = fx_path(dir, "disc.iso"), *cmd;

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
			data[i] = fx_iso_byte(i + k * 7919);
		snprintf(name, sizeof(name), "file%zu.bin", k);
		path = fx_path(tree, name);
		write_file(path, data, sizes[k]);
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

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#define WAV_DATA_BYTES (640u * 2352u + 1001u)	/* ends mid-sector; odd: a pad byte follows */

/*
 * A WAV as an editor writes it: fmt, a LIST chunk before the data, the
 * data (an odd length, so a pad byte), and a chunk after it, which is not
 * part of the disc. @fmt_tag etc. set its format; @junk adds a chunk of
 * that many bytes before the data.
 */
static char *
make_wav(const char *dir, const char *name, unsigned fmt_tag, unsigned channels,
	 unsigned rate, unsigned bits, uint32_t junk)
{
	static const char list[] = "LIST\x0e\0\0\0INFOINAM\x02\0\0\0x\0";
	static const char tail[] = "id3 \x04\0\0\0abcd";
	char *path = fx_path(dir, name);
	size_t len = 12 + 24 + (junk ? 8 + junk : 0) + sizeof(list) - 1 + 8 + WAV_DATA_BYTES + 1 +
		     sizeof(tail) - 1, at = 0;
	uint8_t *w = calloc(1, len);

	ck_assert_ptr_nonnull(w);
	memcpy(w, "RIFF", 4);
	put_le32(w + 4, (uint32_t)len - 8);
	memcpy(w + 8, "WAVEfmt ", 8);
	put_le32(w + 16, 16);
	w[20] = (uint8_t)fmt_tag;
	w[22] = (uint8_t)channels;
	put_le32(w + 24, rate);
	put_le32(w + 28, rate * channels * bits / 8);
	w[32] = (uint8_t)(channels * bits / 8);
	w[34] = (uint8_t)bits;
	at = 36;
	if (junk) {
		memcpy(w + at, "JUNK", 4);
		put_le32(w + at + 4, junk);
		at += 8 + junk;
	}
	memcpy(w + at, list, sizeof(list) - 1);
	at += sizeof(list) - 1;
	memcpy(w + at, "data", 4);
	put_le32(w + at + 4, WAV_DATA_BYTES);
	at += 8;
	for (uint32_t i = 0; i < WAV_DATA_BYTES; i++)
		w[at + i] = fx_audio_byte(i);
	at += WAV_DATA_BYTES + 1;
	memcpy(w + at, tail, sizeof(tail) - 1);
	write_file(path, w, len);
	free(w);
	return path;
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
	struct sink s;
	uint8_t *data;
	size_t len;
	const struct image_toc *toc, *want;

	data = slurp(path, &len);
	sink_init(&s, type);
	sink_expect(&s, path, type, lead_in);
	ck_assert_msg(burn_job_create(strrchr(path, '/') + 1, kind, type, lead_in, sink_push, &s,
				      &job, &err) == 0, "%s", err.reason);
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
	sink_fini(&s);
	free(data);
}

/* _i: sector type (0..2) x chunking (0..2) */
START_TEST(iso_streams_like_the_file)
{
	char *dir = test_mkdtemp("job"), *iso = make_genisoimage(dir);

	if (iso) {
		burn_and_compare(iso, BURN_JOB_ISO, (enum cd_sector_type)(_i / 3 + 1), TEST_LEAD_IN,
				 (enum chunking)(_i % 3));
		free(iso);
	}
	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(wav_streams_like_the_file)
{
	char *dir = test_mkdtemp("job"), *wav = make_wav(dir, "song.WAV", 1, 2, 44100, 16, 0);

	burn_and_compare(wav, BURN_JOB_WAV, (enum cd_sector_type)(_i / 3 + 1), TEST_LEAD_IN,
			 (enum chunking)(_i % 3));
	test_rmtree(dir);
	free(wav);
	free(dir);
}
END_TEST

/* What `lead_in_sectors` defaults to: the stream starts at 95:00:00. */
START_TEST(default_lead_in)
{
	char *dir = test_mkdtemp("job"), *wav = make_wav(dir, "song.wav", 1, 2, 44100, 16, 0);
	char *iso = fx_path(dir, "fake.iso");

	burn_and_compare(wav, BURN_JOB_WAV, CD_SECTOR_COOKED, IMAGE_DEFAULT_LEAD_IN, CHUNK_4093);
	fx_make_iso(iso, 700, 700);
	burn_and_compare(iso, BURN_JOB_ISO, CD_SECTOR_PQ, IMAGE_DEFAULT_LEAD_IN, CHUNK_1000000);
	test_rmtree(dir);
	free(iso);
	free(wav);
	free(dir);
}
END_TEST

/* Waits until the sink has taken @n bytes (a test that hangs here fails by timeout). */
static void
sink_wait_bytes(struct sink *s, uint64_t n)
{
	pthread_mutex_lock(&s->lock);
	while (s->bytes < n)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
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
	struct sink s;
	uint64_t ready;
	uint8_t *data;
	size_t len;

	data = slurp(path, &len);
	sink_init(&s, CD_SECTOR_RAW);
	sink_expect(&s, path, CD_SECTOR_RAW, TEST_LEAD_IN);
	ck_assert_ok(burn_job_create(strrchr(path, '/') + 1, kind, CD_SECTOR_RAW, TEST_LEAD_IN,
				     sink_push, &s, &job, &err));
	ck_assert_int_eq(burn_job_write(job, data, header, &err), (ssize_t)header);
	/* every whole chunk before the sector the input lacks */
	ready = (uint64_t)(TEST_LEAD_IN + first_missing_sector) * size / BURN_JOB_CHUNK_SIZE *
		BURN_JOB_CHUNK_SIZE;
	sink_wait_bytes(&s, ready);
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
	sink_fini(&s);
	free(data);
}

START_TEST(lead_in_goes_first)
{
	char *dir = test_mkdtemp("job"), *wav = make_wav(dir, "song.wav", 1, 2, 44100, 16, 0);
	char *iso = fx_path(dir, "disc.iso");

	fx_make_iso(iso, 700, 700);
	/* the PVD is sector 16: sectors 0..16 are in, 17 is the first missing */
	lead_in_before_track(iso, BURN_JOB_ISO, 17 * 2048, 17);
	/* RIFF, fmt, LIST and the data chunk's header: no audio yet */
	lead_in_before_track(wav, BURN_JOB_WAV, 12 + 24 + 22 + 8, 0);
	test_rmtree(dir);
	free(iso);
	free(wav);
	free(dir);
}
END_TEST

/* Runs a job whose sink only counts, writing @len bytes of @data in 4093s. */
static int
run_failing(const char *name, enum burn_job_kind kind, const uint8_t *data, size_t len,
	    struct sink *s, struct burn_error *write_err, int *write_ret, struct burn_error *err)
{
	struct burn_job *job;
	size_t at = 0;
	int ret;

	ck_assert_ok(burn_job_create(name, kind, CD_SECTOR_PQ, TEST_LEAD_IN, sink_push, s, &job,
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

START_TEST(wav_bad_format)
{
	char *dir = test_mkdtemp("job"), *wav = make_wav(dir, "song.wav", 3, 2, 48000, 32, 0);
	struct burn_error werr, err;
	struct sink s;
	uint8_t *data;
	size_t len;
	int wret;

	data = slurp(wav, &len);
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing("song.wav", BURN_JOB_WAV, data, len, &s, &werr, &wret,
				     &err), -EINVAL);
	ck_assert_int_eq(wret, -EINVAL);
	ck_assert_uint_eq(werr.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_str_eq(werr.reason, "song.wav: WAV must be 16-bit stereo 44.1 kHz PCM, this is "
			 "format 3, 2 channel(s), 48000 Hz, 32-bit");
	ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_str_eq(err.reason, werr.reason);
	ck_assert_uint_eq(s.calls, 0);
	sink_fini(&s);
	free(data);
	free(wav);

	/* a header longer than the ring cannot be held */
	wav = make_wav(dir, "long.wav", 1, 2, 44100, 16, 2 * BURN_JOB_BUFFER_SIZE);
	data = slurp(wav, &len);
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing("long.wav", BURN_JOB_WAV, data, len, &s, &werr, &wret, &err),
			 -EINVAL);
	ck_assert_uint_eq(werr.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_str_eq(werr.reason, "long.wav: the header runs to byte 2097204; a burn job "
			 "holds at most 1048576 bytes before the track's data");
	ck_assert_uint_eq(s.calls, 0);
	sink_fini(&s);
	free(data);
	free(wav);
	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(iso_without_pvd)
{
	char *dir = test_mkdtemp("job"), *iso = fx_path(dir, "disc.iso");
	struct burn_error werr, err;
	struct sink s;
	uint8_t *data;
	size_t len;
	int wret;

	fx_make_iso(iso, 400, 400);
	data = slurp(iso, &len);

	/* 20000 bytes and the end: too short to hold sector 16 */
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing("disc.iso", BURN_JOB_ISO, data, 20000, &s, &werr, &wret,
				     &err), -EINVAL);
	ck_assert_int_eq(wret, 0);
	ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_str_eq(err.reason, "disc.iso: no ISO 9660 primary volume descriptor at sector 16");
	ck_assert_uint_eq(s.calls, 0);
	sink_fini(&s);

	/* sector 16 arrived and is something else: the write says so */
	data[16 * 2048] = 0;
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing("disc.iso", BURN_JOB_ISO, data, len, &s, &werr, &wret, &err),
			 -EINVAL);
	ck_assert_int_eq(wret, -EINVAL);
	ck_assert_str_eq(werr.reason, "disc.iso: no ISO 9660 primary volume descriptor at sector 16");
	ck_assert_str_eq(err.reason, werr.reason);
	ck_assert_uint_eq(s.calls, 0);
	sink_fini(&s);

	/* an empty .iso */
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing("disc.iso", BURN_JOB_ISO, data, 0, &s, &werr, &wret, &err),
			 -EINVAL);
	ck_assert_str_eq(err.reason, "disc.iso: no ISO 9660 primary volume descriptor at sector 16");
	sink_fini(&s);
	free(data);

	/* a PVD that declares a 3-second disc */
	fx_make_iso(iso, 225, 225);
	data = slurp(iso, &len);
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing("disc.iso", BURN_JOB_ISO, data, len, &s, &werr, &wret, &err),
			 -EINVAL);
	ck_assert_str_eq(werr.reason, "disc.iso: track 1 is 225 sectors long; a track needs at least 300 "
			 "sectors (4 seconds)");
	sink_fini(&s);
	free(data);
	test_rmtree(dir);
	free(iso);
	free(dir);
}
END_TEST

/* The input stops before the bytes its header declares. */
START_TEST(input_ends_early)
{
	char *dir = test_mkdtemp("job"), *iso = fx_path(dir, "disc.iso");
	char *wav = make_wav(dir, "song.wav", 1, 2, 44100, 16, 0);
	struct burn_error werr, err;
	struct sink s;
	uint8_t *data;
	size_t len;
	int wret;

	fx_make_iso(iso, 400, 400);
	data = slurp(iso, &len);
	sink_init(&s, CD_SECTOR_PQ);
	sink_expect(&s, iso, CD_SECTOR_PQ, TEST_LEAD_IN);
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
	sink_fini(&s);
	free(data);

	data = slurp(wav, &len);
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing("song.wav", BURN_JOB_WAV, data, 500000, &s, &werr, &wret,
				     &err), -EIO);
	ck_assert_uint_eq(err.result, BURN_E_HANDLE_EOF);
	ck_assert_str_eq(err.reason, "song.wav: the input ended after 500000 of 1506347 bytes");
	sink_fini(&s);
	free(data);
	test_rmtree(dir);
	free(wav);
	free(iso);
	free(dir);
}
END_TEST

/* An ISO that goes on past its PVD's volume size breaks the file's rule. */
START_TEST(iso_longer_than_its_pvd)
{
	char *dir = test_mkdtemp("job"), *iso = fx_path(dir, "disc.iso");
	struct burn_error werr, err;
	struct sink s;
	uint8_t *data;
	size_t len;
	int wret;

	fx_make_iso(iso, 400, 350);
	data = slurp(iso, &len);
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_int_eq(run_failing("disc.iso", BURN_JOB_ISO, data, len, &s, &werr, &wret, &err),
			 -EINVAL);
	ck_assert_int_eq(wret, -EINVAL);
	ck_assert_uint_eq(werr.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_str_eq(werr.reason, "disc.iso: the input goes on past the 716800 bytes its ISO "
			 "9660 primary volume descriptor declares");
	ck_assert_str_eq(err.reason, werr.reason);
	sink_fini(&s);
	free(data);
	test_rmtree(dir);
	free(iso);
	free(dir);
}
END_TEST

/* The sink's error reaches the writer and burn_job_finish() unchanged. */
START_TEST(sink_error_passed_on)
{
	char *dir = test_mkdtemp("job"), *iso = fx_path(dir, "disc.iso");
	struct burn_error werr, err;
	struct sink s;
	uint8_t *data;
	size_t len;
	int wret;

	/* more input than the ring holds: the writer must see the failure */
	fx_make_iso(iso, 700, 700);
	data = slurp(iso, &len);
	sink_init(&s, CD_SECTOR_PQ);
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
	sink_fini(&s);

	/* RAW: the same, on the writer's own call */
	sink_init(&s, CD_SECTOR_PQ);
	s.fail_after = 10000;
	s.fail_ret = burn_error_set(&s.fail_error, BURN_E_NOT_ENOUGH_SPACE, "no room");
	ck_assert_int_eq(run_failing("track.bin", BURN_JOB_RAW, data, 20000, &s, &werr, &wret,
				     &err), -ENOSPC);
	ck_assert_int_eq(wret, -ENOSPC);
	ck_assert_str_eq(werr.reason, "no room");
	ck_assert_uint_eq(err.result, BURN_E_NOT_ENOUGH_SPACE);
	sink_fini(&s);
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

/* A writer blocked on a full ring is woken by burn_job_cancel(). */
START_TEST(cancel_wakes_writer)
{
	char *dir = test_mkdtemp("job"), *iso = fx_path(dir, "disc.iso");
	struct writer w = { 0 };
	struct burn_error err;
	struct sink s;
	pthread_t t;
	uint8_t *data;
	size_t len;

	fx_make_iso(iso, 1000, 1000);	/* 2 MB: twice the ring */
	data = slurp(iso, &len);
	sink_init(&s, CD_SECTOR_PQ);
	s.block = true;
	ck_assert_ok(burn_job_create("disc.iso", BURN_JOB_ISO, CD_SECTOR_PQ, TEST_LEAD_IN,
				     sink_push, &s, &w.job, &err));
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
	sink_fini(&s);

	/* cancelled before anything: writes fail; destroy without finish is fine */
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_ok(burn_job_create("disc.iso", BURN_JOB_ISO, CD_SECTOR_PQ, TEST_LEAD_IN,
				     sink_push, &s, &w.job, &err));
	ck_assert_int_eq(burn_job_write(w.job, data, 100000, &err), 100000);
	burn_job_cancel(w.job);
	ck_assert_int_eq(burn_job_write(w.job, data, 10, &err), -ECANCELED);
	ck_assert_str_eq(err.reason, "disc.iso: the burn job was cancelled");
	burn_job_destroy(w.job);
	sink_fini(&s);

	/* destroyed while running, never finished */
	sink_init(&s, CD_SECTOR_PQ);
	ck_assert_ok(burn_job_create("disc.iso", BURN_JOB_ISO, CD_SECTOR_PQ, TEST_LEAD_IN,
				     sink_push, &s, &w.job, &err));
	ck_assert_int_eq(burn_job_write(w.job, data, 500000, &err), 500000);
	burn_job_destroy(w.job);
	sink_fini(&s);
	free(data);
	test_rmtree(dir);
	free(iso);
	free(dir);
}
END_TEST

START_TEST(raw_passes_through)
{
	struct burn_job_buffer_stats st;
	struct burn_job *job;
	struct burn_error err;
	struct sink s;
	size_t len = 2448 * 100 + 7, at = 0;
	uint8_t *data = malloc(len);

	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < len; i++)
		data[i] = fx_audio_byte(i);
	sink_init(&s, CD_SECTOR_RAW);
	s.kept = malloc(len);
	ck_assert_ptr_nonnull(s.kept);
	/* type and lead-in are the raw stream's business, not the job's */
	ck_assert_ok(burn_job_create("track.raw", BURN_JOB_RAW, (enum cd_sector_type)0, 0,
				     sink_push, &s, &job, &err));
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
	sink_fini(&s);
	free(data);
}
END_TEST

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
END_TEST

static Suite *
burn_job_suite(void)
{
	Suite *s = suite_create("burn-job");
	TCase *tc = tcase_create("stream");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, iso_streams_like_the_file, 0, 9);
	tcase_add_loop_test(tc, wav_streams_like_the_file, 0, 9);
	tcase_add_test(tc, default_lead_in);
	tcase_add_test(tc, lead_in_goes_first);
	tcase_add_test(tc, raw_passes_through);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, wav_bad_format);
	tcase_add_test(tc, iso_without_pvd);
	tcase_add_test(tc, input_ends_early);
	tcase_add_test(tc, iso_longer_than_its_pvd);
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
	return test_run_suite(burn_job_suite());
}
