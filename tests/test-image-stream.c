/*
 * core/cd image_disc_open_stream(): a .iso or .wav learnt from the first
 * bytes of a stream still arriving gives the same disc, the same stream
 * and the same refusals as the file through image_disc_open(); a WAV's
 * chunks are bounded; a .flac (flac(1)) gives the stream of its WAV, its
 * source read as struct image_source allows (the header again, then on).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-disc.h"
#include "image-encoder.h"
#include "tl-harness.h"
#include "tl-image.h"

/* A source over a whole file in memory; @limit cuts it short. */
struct mem_source {
	const uint8_t *data;
	uint64_t len, next;
	uint64_t hold;		/* image_disc_stream_hold(): may be read again */
	bool backwards;		/* a read started before the previous one ended, past @hold */
	bool straddles;		/* a read started before @hold and ended after it */
};

static ssize_t
mem_source_read(void *ctx, uint64_t offset, void *buf, size_t len)
{
	struct mem_source *m = ctx;

	if (offset < m->next && m->next > m->hold)
		m->backwards = true;
	if (offset < m->hold && offset + len > m->hold)
		m->straddles = true;
	if (offset >= m->len)
		return 0;
	if (len > m->len - offset)
		len = (size_t)(m->len - offset);
	memcpy(buf, m->data + offset, len);
	m->next = offset + len;
	return (ssize_t)len;
}

/* Opens a stream disc from the fewest bytes it asks for, as a burn job would. */
static int
open_stream_growing(struct image_disc **disc, enum image_stream_kind kind, const char *name,
		    const uint8_t *data, size_t len, const struct image_source *src,
		    size_t *last_need, struct burn_error *err)
{
	size_t have = 0, need = 0;
	int ret;

	while ((ret = image_disc_open_stream(disc, kind, name, data, have, &need, src, 0, err)) ==
	       -EAGAIN) {
		ck_assert_ptr_null(*disc);
		ck_assert_uint_gt(need, have);
		ck_assert_uint_le(need, len);
		*last_need = need;
		have = need;
	}
	return ret;
}

/* The same disc and, byte for byte, the same stream as from the file. */
static void
check_stream_equals_file(const char *path, enum image_stream_kind kind, size_t want_need)
{
	struct mem_source m = { 0 };
	struct image_source src = { mem_source_read, &m };
	struct image_disc *file_disc = tl_open_disc(path, 0), *disc = NULL;
	struct image_encoder *a, *b;
	struct burn_error err;
	uint8_t x[5000], y[5000];
	size_t len, need = 0;
	ssize_t n, k;

	m.data = tl_slurp(path, &len);
	m.len = len;
	ck_assert_msg(open_stream_growing(&disc, kind, "in", m.data, len, &src, &need,
					  &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(need, want_need);
	tl_compare_toc(image_disc_toc(disc), image_disc_toc(file_disc));
	tl_assert_ok(image_encoder_create(&a, file_disc, CD_SECTOR_PQ, 200, &err));
	tl_assert_ok(image_encoder_create(&b, disc, CD_SECTOR_PQ, 200, &err));
	do {
		n = image_encoder_read(a, x, sizeof(x), &err);
		k = image_encoder_read(b, y, sizeof(y), &err);
		ck_assert_int_eq(n, k);
		ck_assert_int_ge(n, 0);
		ck_assert(memcmp(x, y, (size_t)n) == 0);
	} while (n > 0);
	ck_assert(!m.backwards);
	image_encoder_destroy(a);
	image_encoder_destroy(b);

	/* the same input cut short: the encoder says how much came */
	m.len = image_disc_stream_end(disc) - 1000;
	m.next = 0;
	tl_assert_ok(image_encoder_create(&b, disc, CD_SECTOR_PQ, 200, &err));
	while ((n = image_encoder_read(b, y, sizeof(y), &err)) > 0)
		;
	ck_assert_int_eq(n, -ENODATA);
	snprintf((char *)x, sizeof(x), "in: the input ended after %llu of %llu bytes",
		 (unsigned long long)m.len, (unsigned long long)image_disc_stream_end(disc));
	ck_assert_str_eq(err.reason, (char *)x);
	image_encoder_destroy(b);
	image_disc_destroy(disc);
	image_disc_destroy(file_disc);
	free((void *)m.data);
}

/* _i: an ISO (whose header ends with its PVD), a WAV (44 header bytes) */
START_TEST(stream_disc_like_file)
{
	char *dir = tl_mkdtemp("img"), *path = tl_path(dir, _i ? "a.wav" : "data.iso");

	if (_i)
		tl_make_wav_fmt(path, 1, 2, 44100, 16, 350 * 2352 + 1001);
	else
		tl_make_pvd_iso(path, 400, 400);
	check_stream_equals_file(path, _i ? IMAGE_STREAM_WAV : IMAGE_STREAM_ISO,
				 _i ? 44 : 17 * 2048);
	tl_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/*
 * Writes a WAV at @path and checks that a stream of it named song.wav is
 * refused from its first bytes with @reason; returns the bytes (malloc'ed).
 */
static uint8_t *
wav_refused(const char *path, const struct image_source *src, unsigned channels,
	    unsigned rate, unsigned bits, uint32_t data_bytes, const char *reason)
{
	struct image_disc *disc;
	struct burn_error err;
	size_t len, need;
	uint8_t *data;

	tl_make_wav_fmt(path, 1, channels, rate, bits, data_bytes);
	data = tl_slurp(path, &len);
	ck_assert_int_eq(open_stream_growing(&disc, IMAGE_STREAM_WAV, "song.wav", data, len, src,
					     &need, &err), -EINVAL);
	ck_assert_str_eq(err.reason, reason);
	return data;
}

/* Rules and messages of image_disc_open(), from the first bytes only. */
START_TEST(stream_disc_rules)
{
	char *dir = tl_mkdtemp("img"), *path = tl_path(dir, "x");
	struct mem_source m = { 0 };
	struct image_source src = { mem_source_read, &m };
	struct image_disc *disc;
	struct burn_error err;
	size_t len, need;
	uint8_t *data;

	free(wav_refused(path, &src, 1, 22050, 8, 400 * 2352, "song.wav: WAV must be 16-bit stereo 44.1 kHz PCM, this is format 1, 1 channel(s), 22050 Hz, 8-bit"));
	data = wav_refused(path, &src, 2, 44100, 16, 299 * 2352,
			   "song.wav: track 1 is 299 sectors long; a track needs at least 300 sectors (4 seconds)");
	/* the whole input, known to be the whole input: the file's checks */
	ck_assert_int_eq(image_disc_open_stream(&disc, IMAGE_STREAM_WAV, "song.wav", data, 30,
						&need, &src, IMAGE_DISC_INPUT_ENDED, &err),
			 -EINVAL);
	ck_assert_str_eq(err.reason, "song.wav: WAV fmt chunk is truncated");
	ck_assert_int_eq(image_disc_open_stream(&disc, IMAGE_STREAM_WAV, "song.wav", data, 100,
						&need, &src, IMAGE_DISC_INPUT_ENDED, &err),
			 -EINVAL);
	ck_assert_str_eq(err.reason, "song.wav: WAV data chunk announces 703248 bytes but the file "
			 "holds only 56");
	free(data);

	tl_make_pvd_iso(path, 400, 400);
	data = tl_slurp(path, &len);
	ck_assert_int_eq(image_disc_open_stream(&disc, IMAGE_STREAM_ISO, "disc.iso", data, 2048,
						&need, &src, 0, &err), -EAGAIN);
	ck_assert_uint_eq(need, 34816);
	ck_assert_int_eq(image_disc_open_stream(&disc, IMAGE_STREAM_ISO, "disc.iso", data,
						34815, &need, &src, IMAGE_DISC_INPUT_ENDED,
						&err), -EINVAL);
	ck_assert_str_eq(err.reason, "disc.iso: no ISO 9660 primary volume descriptor at sector 16");
	data[16 * 2048 + 1] = 'X';
	ck_assert_int_eq(image_disc_open_stream(&disc, IMAGE_STREAM_ISO, "disc.iso", data,
						34816, &need, &src, 0, &err), -EINVAL);
	ck_assert_str_eq(err.reason, "disc.iso: no ISO 9660 primary volume descriptor at sector 16");
	free(data);

	/* a lead-out one sector past 79:59:74 */
	tl_make_pvd_iso(path, 17, 359850);
	data = tl_slurp(path, &len);
	ck_assert_int_eq(image_disc_open_stream(&disc, IMAGE_STREAM_ISO, "disc.iso", data, len,
						&need, &src, 0, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.reason, "disc is too long: lead-out at 80:00:00 (LBA 359850)"));
	free(data);
	tl_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/*
 * A WAV's data chunk must be among its first 256 chunks. A burn job asks
 * again for each next chunk header and the header is parsed from its start
 * each time, so a header of many tiny chunks (a RIFF header, then zeros)
 * cost time quadratic in its size and hung the job's writes. Counting the
 * tries is how this test sees it. Found by fuzz-image-header.
 */
static const struct {
	unsigned empty_chunks;	/* zero-length chunks between fmt and data */
	int ret;
} wav_chunk_cases[] = {
	{ 0, 0 },
	{ 254, 0 },		/* data is the 256th chunk */
	{ 255, -EINVAL },
	{ 12500, -EINVAL },
};

START_TEST(wav_chunk_limit)
{
	static const uint8_t fmt[24] = {
		'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0, 2, 0, 0x44, 0xac, 0, 0,
		0x10, 0xb1, 0x02, 0, 4, 0, 16, 0,
	};
	unsigned empty = wav_chunk_cases[_i].empty_chunks, tries = 0;
	size_t head = 12 + sizeof(fmt) + 8 * (size_t)empty + 8, len = head + 400 * 2352;
	uint8_t *data = calloc(1, len);
	char *dir = tl_mkdtemp("img"), *path = tl_path(dir, "chunks.wav");
	struct mem_source m = { data, len, 0, false };
	struct image_source src = { mem_source_read, &m };
	const char *in[1] = { path };
	struct image_disc *disc;
	struct burn_error err;
	size_t have = 0, need;
	int ret;
	FILE *f;

	ck_assert_ptr_nonnull(data);
	memcpy(data, "RIFF\0\0\0\0WAVE", 12);
	memcpy(data + 12, fmt, sizeof(fmt));
	for (unsigned i = 0; i < empty; i++)
		memcpy(data + 12 + sizeof(fmt) + 8 * i, "JUNK", 4);
	memcpy(data + head - 8, "data", 4);
	data[head - 4] = (uint8_t)(400 * 2352);
	data[head - 3] = (uint8_t)(400 * 2352 >> 8);
	data[head - 2] = (uint8_t)(400 * 2352 >> 16);

	/* as a stream, asking for more until it knows */
	while ((ret = image_disc_open_stream(&disc, IMAGE_STREAM_WAV, "chunks.wav", data, have,
					     &need, &src, 0, &err)) == -EAGAIN) {
		ck_assert_uint_le(++tries, 260);
		have = need;
	}
	ck_assert_int_eq(ret, wav_chunk_cases[_i].ret);
	image_disc_destroy(disc);
	/* and as a file */
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(image_disc_open(&disc, in, 1, 0, &err), wav_chunk_cases[_i].ret);
	if (wav_chunk_cases[_i].ret < 0)
		ck_assert_str_eq(strchr(err.reason, ':'),
				 ": WAV has no data chunk among its first 256 chunks");
	image_disc_destroy(disc);
	tl_rmtree(dir);
	free(path);
	free(dir);
	free(data);
}
END_TEST

/* The FLAC's metadata ends after its --padding block, which the stream asks for last. */
START_TEST(flac_stream_like_wav)
{
	char *dir = tl_mkdtemp("img"), *wav = tl_path(dir, "a.wav"), *cmd, want[200];
	struct mem_source m = { 0 };
	struct image_source src = { mem_source_read, &m };
	struct image_disc *wav_disc, *disc = NULL;
	struct image_encoder *a, *b;
	struct burn_error err;
	uint8_t x[5000], y[5000];
	size_t len, need = 0;
	ssize_t n, k;

	tl_make_wav_fmt(wav, 1, 2, 44100, 16, 350 * 2352 + 1000);
	ck_assert_int_gt(asprintf(&cmd, "flac --silent --force --padding=20000 -o '%s/a.flac' '%s'",
				  dir, wav), 0);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	free(cmd);
	cmd = tl_path(dir, "a.flac");
	m.data = tl_slurp(cmd, &len);
	m.len = len;
	ck_assert_msg(open_stream_growing(&disc, IMAGE_STREAM_FLAC, "in", m.data, len, &src, &need,
					  &err) == 0, "%s", err.reason);
	/* the last block asked for is the padding: the metadata ends with it */
	ck_assert_uint_gt(need, 20000);
	ck_assert_uint_eq(image_disc_stream_hold(disc), need);
	ck_assert_uint_eq(image_disc_stream_end(disc), UINT64_MAX);
	m.hold = need;
	wav_disc = tl_open_disc(wav, 0);
	tl_compare_toc(image_disc_toc(disc), image_disc_toc(wav_disc));
	tl_assert_ok(image_encoder_create(&a, wav_disc, CD_SECTOR_RAW, 200, &err));
	tl_assert_ok(image_encoder_create(&b, disc, CD_SECTOR_RAW, 200, &err));
	do {
		n = image_encoder_read(a, x, sizeof(x), &err);
		k = image_encoder_read(b, y, sizeof(y), &err);
		ck_assert_msg(k >= 0, "%s", err.reason);
		ck_assert_int_eq(n, k);
		ck_assert(memcmp(x, y, (size_t)n) == 0);
	} while (n > 0);
	ck_assert(!m.backwards);
	ck_assert(!m.straddles);
	ck_assert_uint_eq(m.next, len);
	image_encoder_destroy(a);
	image_encoder_destroy(b);

	/* cut short: the decoder says where the input ended */
	m.len = len - 1000;
	m.next = 0;
	tl_assert_ok(image_encoder_create(&b, disc, CD_SECTOR_PQ, 200, &err));
	while ((n = image_encoder_read(b, y, sizeof(y), &err)) > 0)
		;
	ck_assert_int_eq(n, -ENODATA);
	ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	snprintf(want, sizeof(want), "in: the input ended after %zu bytes, ", len - 1000);
	ck_assert_msg(strncmp(err.reason, want, strlen(want)) == 0, "%s", err.reason);
	image_encoder_destroy(b);
	image_disc_destroy(disc);
	image_disc_destroy(wav_disc);
	free((void *)m.data);
	tl_rmtree(dir);
	free(cmd);
	free(wav);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("image-stream");

	tcase_add_loop_test(tl_tcase(s, "like-file"), stream_disc_like_file, 0, 2);
	tcase_add_test(tl_tcase(s, "rules"), stream_disc_rules);
	tcase_add_test(tl_tcase(s, "flac"), flac_stream_like_wav);
	tcase_add_loop_test(tl_tcase(s, "wav-chunks"), wav_chunk_limit, 0,
			    sizeof(wav_chunk_cases) / sizeof(wav_chunk_cases[0]));
	return tl_run_suite(s);
}
