/*
 * core/burn-job with FLAC (burn/NAME.flac): a FLAC made by the reference
 * encoder (flac(1)) from a WAV of known samples, pushed through
 * burn_job_write() in writes of 1, 4096, 65536 and 1,000,000 bytes, must
 * come out as the very stream image_encoder makes of the WAV, decode to a
 * complete TOC and never use more than the job's ring, with its metadata
 * small or holding a picture of 300 kB (or nearly the ring's size); and
 * FLACs the job cannot burn are refused with their exact reasons.
 */
#include "config.h"

#include <errno.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "burn-job.h"
#include "image-wav.h"
#include "tl-harness.h"
#include "tl-image.h"
#include "tl-sink.h"

#define TEST_LEAD_IN 1000
#define FRAMES (588 * 400 + 7)		/* ends mid-sector */

#define CONVERT "it is not resampled: convert it first, for example: sox IN -r 44100 -c 2 -b 16 OUT.flac"

static char *dir;

static void
setup(void)
{
	dir = tl_mkdtemp("job-flac");
}

static void
teardown(void)
{
	tl_rmtree(dir);
	free(dir);
}

/* A 16-bit stereo WAV of @frames frames of noise at dir/@name, at @rate Hz. */
static char *
make_wav(const char *name, uint32_t frames, uint32_t rate)
{
	return tl_make_noise_wav(dir, name, frames, rate, 7);
}

/* dir/@flac from dir/@wav by flac(1) with @opts (options, may be ""). */
static char *
flac_of(const char *wav, const char *flac, const char *opts)
{
	char *cmd, *out = tl_path(dir, flac);

	ck_assert_int_gt(asprintf(&cmd, "cd '%s' && flac --silent --force %s -o '%s' '%s'", dir,
				  opts, flac, wav), 0);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	free(cmd);
	return out;
}

/* flac(1)'s options for a PICTURE block of a @size-byte "PNG". */
static const char *
picture_opts(size_t size)
{
	static char opts[4200];
	char *png = tl_path(dir, "cover.png");
	uint8_t *buf = calloc(1, size);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "\x89PNG\r\n\x1a\n", 8);
	tl_write_file(png, buf, size);
	snprintf(opts, sizeof(opts), "--picture='3|image/png||100x100x24|%s'", png);
	free(buf);
	free(png);
	return opts;
}

/* Where a FLAC file's metadata ends: its first frame. */
static size_t
metadata_end(const uint8_t *data, size_t len)
{
	size_t pos = 4;

	for (;;) {
		ck_assert_uint_le(pos + 4, len);
		size_t next = pos + 4 + ((size_t)data[pos + 1] << 16 | (size_t)data[pos + 2] << 8 |
					 data[pos + 3]);

		if (data[pos] & 0x80)
			return next;
		pos = next;
	}
}

static const size_t write_sizes[] = { 1, 4096, 65536, 1000000 };

/* Pushes @len bytes at @data through @job in writes of @step; each must take it all. */
static void
push(struct burn_job *job, const uint8_t *data, size_t len, size_t step)
{
	struct burn_error err;

	for (size_t at = 0; at < len; at += step) {
		size_t n = len - at < step ? len - at : step;
		ssize_t ret = burn_job_write(job, data + at, n, &err);

		if (ret != (ssize_t)n)
			ck_abort_msg("write of %zu bytes at %zu: %zd: %s", n, at, ret, err.reason);
	}
}

/*
 * dir/@flac (with @junk bytes after it) through a job in writes of @step
 * must give the stream of dir/@wav.
 */
static void
burn_and_compare(const char *wav, const char *flac, enum cd_sector_type type, size_t step,
		 size_t junk)
{
	struct burn_job_buffer_stats st;
	struct burn_job *job;
	struct burn_error err;
	struct tl_sink s;
	size_t len;
	uint8_t *data = tl_slurp(flac, &len);

	data = realloc(data, len + junk);
	ck_assert_ptr_nonnull(data);
	memset(data + len, 0x5a, junk);
	tl_sink_init(&s, type);
	tl_sink_expect(&s, wav, type, TEST_LEAD_IN);
	ck_assert_msg(burn_job_create("song.Flac", BURN_JOB_FLAC, type, TEST_LEAD_IN,
				      tl_sink_push, &s, &job, &err) == 0, "%s", err.reason);
	push(job, data, len + junk, step);
	ck_assert_msg(burn_job_finish(job, &err) == 0, "%s", err.reason);
	ck_assert(burn_job_input_complete(job));
	ck_assert_uint_eq(burn_job_bytes(job), len + junk);
	ck_assert_msg(s.mismatch[0] == 0, "%s", s.mismatch);
	ck_assert_int_eq(image_encoder_read(s.ref, s.sector, 1, NULL), 0);
	ck_assert_uint_eq(s.bytes, image_encoder_total_sectors(s.ref) * s.sector_size);
	ck_assert_uint_le(s.largest_call, BURN_JOB_CHUNK_SIZE);

	/* decoded: one audio track of the WAV's length */
	ck_assert_uint_eq(s.damaged, 0);
	ck_assert_uint_eq(s.toc_events, 1);
	ck_assert(image_decoder_complete(s.dec));
	ck_assert_uint_eq(image_decoder_toc(s.dec)->last_track, 1);
	ck_assert_int_eq(image_decoder_toc(s.dec)->leadout_lba, (FRAMES + 587) / 588);
	ck_assert_uint_eq(image_decoder_toc(s.dec)->track[1].control, 0);

	/* memory: never more than the ring */
	burn_job_buffer_stats(job, &st);
	ck_assert_uint_eq(st.size, BURN_JOB_BUFFER_SIZE);
	ck_assert_uint_gt(st.peak, 0);
	ck_assert_uint_le(st.peak, st.size);
	burn_job_destroy(job);
	tl_sink_fini(&s);
	free(data);
}

/* _i: metadata (small, a picture) x sector type (0..2) x write size (0..3) */
START_TEST(streams_like_the_wav)
{
	char *wav = make_wav("song.wav", FRAMES, 44100);
	char *flac = flac_of("song.wav", "song.flac", _i < 12 ? "" : picture_opts(300000));

	burn_and_compare(wav, flac, (enum cd_sector_type)(_i % 12 / 4 + 1), write_sizes[_i % 4],
			 0);
	free(wav);
	free(flac);
}
END_TEST

/*
 * Bytes after the last frame (a tag, junk) are not part of the disc: they
 * are taken and dropped, even once the ring would be full of them.
 */
START_TEST(bytes_after_the_stream)
{
	char *wav = make_wav("song.wav", FRAMES, 44100), *flac = flac_of("song.wav", "s.flac", "");

	burn_and_compare(wav, flac, CD_SECTOR_RAW, 65536, 2 * BURN_JOB_BUFFER_SIZE + 5);
	free(wav);
	free(flac);
}
END_TEST

/*
 * Nothing is spooled: with the metadata in and no frame yet, the lead-in
 * with its TOC and the pre-gap go out; the rest follows the input. _i: no
 * picture, 300 kB, and nearly the ring's size (the ring is then full of
 * metadata the decoder has yet to read again).
 */
START_TEST(lead_in_goes_first)
{
	const unsigned size = cd_sector_type_size(CD_SECTOR_RAW);
	char *wav = make_wav("song.wav", FRAMES, 44100);
	static const size_t pictures[] = { 0, 300000, BURN_JOB_BUFFER_SIZE - 20000 };
	char *flac = flac_of("song.wav", "song.flac", _i ? picture_opts(pictures[_i]) : "");
	struct burn_job *job;
	struct burn_error err;
	struct tl_sink s;
	size_t len, header;
	uint8_t *data = tl_slurp(flac, &len);

	header = metadata_end(data, len);
	ck_assert_uint_gt(header, pictures[_i]);
	tl_sink_init(&s, CD_SECTOR_RAW);
	tl_sink_expect(&s, wav, CD_SECTOR_RAW, TEST_LEAD_IN);
	tl_assert_ok(burn_job_create("song.flac", BURN_JOB_FLAC, CD_SECTOR_RAW, TEST_LEAD_IN,
				     tl_sink_push, &s, &job, &err));
	push(job, data, header, 4096);
	tl_sink_wait_bytes(&s, (uint64_t)TEST_LEAD_IN * size / BURN_JOB_CHUNK_SIZE *
			   BURN_JOB_CHUNK_SIZE);
	ck_assert_uint_eq(s.toc_events, 1);
	ck_assert_int_eq(image_decoder_toc(s.dec)->leadout_lba, (FRAMES + 587) / 588);
	ck_assert(!burn_job_input_complete(job));
	push(job, data + header, len - header, 4093);
	ck_assert_msg(burn_job_finish(job, &err) == 0, "%s", err.reason);
	ck_assert_msg(s.mismatch[0] == 0, "%s", s.mismatch);
	ck_assert(image_decoder_complete(s.dec));
	burn_job_destroy(job);
	tl_sink_fini(&s);
	free(data);
	free(wav);
	free(flac);
}
END_TEST

/* @frames of 2 channels at @rate written by libsndfile as FLAC of @subformat at dir/@name. */
static char *
write_sndfile(const char *name, int subformat, int rate, sf_count_t frames)
{
	char *path = tl_path(dir, name);
	SF_INFO info = { .samplerate = rate, .channels = 2, .format = SF_FORMAT_FLAC | subformat };
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	short *pcm = calloc((size_t)frames * 2, sizeof(short));

	ck_assert_msg(sf != NULL, "%s: %s", name, sf_strerror(NULL));
	ck_assert_ptr_nonnull(pcm);
	for (sf_count_t i = 0; i < frames * 2; i++)
		pcm[i] = (short)((i * 37) % 20000 - 10000);
	ck_assert_int_eq(sf_writef_short(sf, pcm, frames), frames);
	sf_close(sf);
	free(pcm);
	return path;
}

/*
 * Runs dir/@name's first @len bytes (all when it has fewer) through a job in
 * writes of 4093; the first failed write's return and reason in *@wret and
 * @werr; returns the finish's, its reason in @err.
 */
static int
run(const char *name, size_t len, int *wret, struct burn_error *werr, struct burn_error *err,
    struct tl_sink *s)
{
	char *path = tl_path(dir, name);
	size_t have;
	uint8_t *data = tl_slurp(path, &have);
	struct burn_job *job;
	int ret;

	if (len > have)
		len = have;
	tl_sink_init(s, CD_SECTOR_PQ);
	tl_assert_ok(burn_job_create(name, BURN_JOB_FLAC, CD_SECTOR_PQ, TEST_LEAD_IN,
				     tl_sink_push, s, &job, err));
	*wret = 0;
	for (size_t at = 0; at < len && !*wret; at += 4093) {
		size_t n = len - at < 4093 ? len - at : 4093;
		ssize_t w = burn_job_write(job, data + at, n, werr);

		if (w < 0)
			*wret = (int)w;
		else
			ck_assert_int_eq(w, (ssize_t)n);
	}
	ret = burn_job_finish(job, err);
	burn_job_destroy(job);
	free(data);
	free(path);
	return ret;
}

/* What a refused header looks like: the write says it, the finish the same, no stream. */
static void
refused_with(const char *name, size_t len, int write_ret, const char *reason)
{
	struct burn_error werr, err;
	struct tl_sink s;
	int wret;

	ck_assert_int_eq(run(name, len, &wret, &werr, &err, &s), -EINVAL);
	ck_assert_int_eq(wret, write_ret);
	if (wret) {
		ck_assert_uint_eq(werr.result, BURN_E_STREAM_NOT_SUPPORTED);
		ck_assert_str_eq(werr.reason, reason);
	}
	ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_str_eq(err.reason, reason);
	ck_assert_uint_eq(s.calls, 0);
	tl_sink_fini(&s);
}

START_TEST(refused_48k)
{
	free(make_wav("48k.wav", 48000 * 5, 48000));
	free(flac_of("48k.wav", "48k.flac", ""));
	refused_with("48k.flac", SIZE_MAX, -EINVAL,
		     "48k.flac: CD audio is 16-bit stereo 44.1 kHz; this FLAC file is 2 channel(s), 48000 Hz, 16-bit; "
		     CONVERT);
}
END_TEST

START_TEST(refused_24_bit)
{
	free(write_sndfile("hires.flac", SF_FORMAT_PCM_24, 44100, 44100 * 5));
	refused_with("hires.flac", SIZE_MAX, -EINVAL,
		     "hires.flac: CD audio is 16-bit stereo 44.1 kHz; this FLAC file is 2 channel(s), 44100 Hz, 24-bit; "
		     CONVERT);
}
END_TEST

/* The STREAMINFO's 36-bit total sample count zeroed: "unknown" to decoders. */
START_TEST(refused_without_length)
{
	char *wav = make_wav("song.wav", FRAMES, 44100), *flac = flac_of("song.wav", "n.flac", "");
	size_t len;
	uint8_t *data = tl_slurp(flac, &len);

	/* "fLaC", the block header, then 13 bytes and a half before the count */
	ck_assert_int_eq(data[4] & 0x7f, 0);
	data[8 + 13] &= 0xf0;
	memset(data + 8 + 14, 0, 4);
	tl_write_file(flac, data, len);
	refused_with("n.flac", SIZE_MAX, -EINVAL,
		     "n.flac: the FLAC file gives no length in its header; its length must be known before a burn starts");
	free(data);
	free(wav);
	free(flac);
}
END_TEST

START_TEST(refused_not_flac)
{
	char *text = tl_path(dir, "text.flac");
	char *wav = make_wav("w.flac", FRAMES, 44100);

	free(make_wav("song.wav", FRAMES, 44100));

	tl_write_text(text, "not audio at all\n");
	refused_with("text.flac", SIZE_MAX, -EINVAL,
		     "text.flac: not a FLAC stream (it does not start with \"fLaC\")");
	/* a WAV is not a FLAC, whatever its name */
	refused_with("w.flac", SIZE_MAX, -EINVAL,
		     "w.flac: not a FLAC stream (it does not start with \"fLaC\")");
	/* nothing at all, and a stream that stops inside its metadata */
	refused_with("text.flac", 0, 0,
		     "text.flac: not a FLAC stream (it does not start with \"fLaC\")");
	free(flac_of("song.wav", "cut.flac", ""));
	refused_with("cut.flac", 30, 0,
		     "cut.flac: the input ended after 30 bytes, inside its FLAC metadata");
	free(text);
	free(wav);
}
END_TEST

/* Metadata (here padding) larger than the ring: the limit is named. */
START_TEST(refused_header_too_big)
{
	char msg[200], *path;
	size_t len;
	uint8_t *data;

	free(make_wav("song.wav", FRAMES, 44100));
	path = flac_of("song.wav", "pad.flac", "--padding=2000000");
	data = tl_slurp(path, &len);
	/* the padding is the last block; its header is what asks for all of it */
	snprintf(msg, sizeof(msg),
		 "pad.flac: the header runs to byte %zu; a burn job holds at most 1048576 bytes before the track's data",
		 metadata_end(data, len));
	refused_with("pad.flac", SIZE_MAX, -EINVAL, msg);
	free(data);
	free(path);
}
END_TEST

/* Samples libsndfile decodes from the first @len bytes of dir/@name. */
static sf_count_t
frames_in_prefix(const char *name, size_t len)
{
	char *path = tl_path(dir, name), *cut = tl_path(dir, "prefix.flac");
	size_t have;
	uint8_t *data = tl_slurp(path, &have);
	SF_INFO info = { 0 };
	SNDFILE *sf;
	short pcm[4096 * 2];
	sf_count_t n = 0, got;

	tl_write_file(cut, data, len);
	sf = sf_open(cut, SFM_READ, &info);
	ck_assert_ptr_nonnull(sf);
	while ((got = sf_readf_short(sf, pcm, 4096)) > 0)
		n += got;
	sf_close(sf);
	free(data);
	free(path);
	free(cut);
	return n;
}

/* The input stops mid-audio: the disc is incomplete (EIO), and the message says where. */
START_TEST(input_ends_early)
{
	struct burn_error werr, err;
	struct tl_sink s;
	char want[200];
	int wret;

	free(make_wav("song.wav", FRAMES, 44100));
	free(flac_of("song.wav", "song.flac", ""));
	snprintf(want, sizeof(want),
		 "song.flac: the input ended after 300000 bytes, %lld of the %d samples its header declares",
		 (long long)frames_in_prefix("song.flac", 300000), FRAMES);
	ck_assert_int_eq(run("song.flac", 300000, &wret, &werr, &err, &s), -EIO);
	ck_assert_int_eq(wret, 0);
	ck_assert_uint_eq(err.result, BURN_E_HANDLE_EOF);
	ck_assert_str_eq(err.reason, want);
	ck_assert_uint_gt(s.bytes, 0);
	tl_sink_fini(&s);
}
END_TEST

/* Frames damaged mid-stream: the burn fails there, saying so. */
START_TEST(damaged_stream)
{
	char *wav = make_wav("song.wav", FRAMES, 44100), *flac = flac_of("song.wav", "d.flac", "");
	char want[100] = "d.flac: the FLAC stream is damaged: decoding stopped near byte ";
	struct burn_error werr, err;
	struct tl_sink s;
	size_t len;
	uint8_t *data = tl_slurp(flac, &len);
	int wret;

	for (size_t i = len / 2; i < len / 2 + 400; i++)
		data[i] ^= 0x55;
	tl_write_file(flac, data, len);
	ck_assert_int_eq(run("d.flac", SIZE_MAX, &wret, &werr, &err, &s), -EINVAL);
	ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	/* where libFLAC stops is its business; that it stops, and before the end, ours */
	ck_assert_msg(strncmp(err.reason, want, strlen(want)) == 0, "%s", err.reason);
	snprintf(want, sizeof(want), " of the %d samples its header declares", FRAMES);
	ck_assert_str_eq(err.reason + strlen(err.reason) - strlen(want), want);
	ck_assert_uint_gt(s.bytes, 0);
	tl_sink_fini(&s);
	free(data);
	free(wav);
	free(flac);
}
END_TEST

/* Cancelled while its decoder waits for the input: no hang, the reason is the cancel. */
START_TEST(cancel_while_decoding)
{
	char *wav = make_wav("song.wav", FRAMES, 44100), *flac = flac_of("song.wav", "c.flac", "");
	struct burn_job *job;
	struct burn_error err;
	struct tl_sink s;
	size_t len;
	uint8_t *data = tl_slurp(flac, &len);

	tl_sink_init(&s, CD_SECTOR_PQ);
	tl_assert_ok(burn_job_create("c.flac", BURN_JOB_FLAC, CD_SECTOR_PQ, TEST_LEAD_IN,
				     tl_sink_push, &s, &job, &err));
	push(job, data, len / 2, 65536);
	/* some of the track is out: the decoder runs, then waits for the rest */
	tl_sink_wait_bytes(&s, (uint64_t)(TEST_LEAD_IN + 20) * 2368);
	burn_job_cancel(job);
	ck_assert_int_eq(burn_job_finish(job, &err), -ECANCELED);
	ck_assert_uint_eq(err.result, BURN_E_REQUEST_CANCELLED);
	ck_assert_str_eq(err.reason, "c.flac: the burn job was cancelled");
	burn_job_destroy(job);
	tl_sink_fini(&s);
	free(data);
	free(wav);
	free(flac);
}
END_TEST

START_TEST(kind_for_name)
{
	ck_assert_int_eq(burn_job_kind_for_name("song.flac"), BURN_JOB_FLAC);
	ck_assert_int_eq(burn_job_kind_for_name("dir/Song.FLAC"), BURN_JOB_FLAC);
	ck_assert_int_eq(burn_job_kind_for_name(".flac"), BURN_JOB_RAW);
	ck_assert_int_eq(burn_job_kind_for_name("song.flac.raw"), BURN_JOB_RAW);
	ck_assert_int_eq(burn_job_kind_for_name("songflac"), BURN_JOB_RAW);
}
END_TEST

TL_SUITE(burn_job_flac_suite, "burn-job-flac",
	 TL_CASE_TIMEOUT("stream", setup, teardown, 120),
	 TL_LOOP(streams_like_the_wav, 0, 24),
	 TL_RUN(bytes_after_the_stream),
	 TL_LOOP(lead_in_goes_first, 0, 3),
	 TL_CASE_TIMEOUT("refused", setup, teardown, 120),
	 TL_RUN(refused_48k, refused_24_bit, refused_without_length, refused_not_flac,
		refused_header_too_big, input_ends_early, damaged_stream, cancel_while_decoding, kind_for_name))

TL_MAIN(burn_job_flac_suite)
