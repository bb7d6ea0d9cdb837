/*
 * Audio that is not a plain WAV (core/cd/image-audio.c, libsndfile): FLAC
 * made by the reference encoder (flac(1)) as image_disc_open() inputs and
 * as cue FILEs whatever their type word, encoding to the very stream the
 * source WAVs give; Ogg Vorbis decoded to its declared length; and every
 * input that is not 44.1 kHz 16-bit stereo, or not audio, refused with its
 * exact reason.
 */
#include "config.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-encoder.h"
#include "image-wav.h"
#include "tl-harness.h"
#include "tl-image.h"

#define LEAD_IN 200

/* Track lengths of the album, in frames: the last two end mid-sector. */
static const uint32_t album_frames[] = { 588 * 400, 588 * 350 + 100, 588 * 301 + 7 };

static char *dir;

static void
setup(void)
{
	dir = tl_mkdtemp("audio");
}

static void
teardown(void)
{
	tl_rmtree(dir);
	free(dir);
}

/* A 16-bit stereo 44.1 kHz WAV of @frames frames of noise at dir/@name. */
static char *
make_wav(const char *name, uint32_t frames, uint32_t seed)
{
	return tl_make_noise_wav(dir, name, frames, 44100, seed);
}

/* dir/@flac from dir/@wav by the reference encoder. */
static char *
flac_of(const char *wav, const char *flac)
{
	char *cmd, *out = tl_path(dir, flac);

	ck_assert_int_gt(asprintf(&cmd, "cd '%s' && flac --silent --force -o '%s' '%s'", dir,
				  flac, wav), 0);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	free(cmd);
	return out;
}

/* The whole stream of @disc as @type into a new buffer; its length in *@len. */
static uint8_t *
encode(struct image_disc *disc, enum cd_sector_type type, size_t *len)
{
	struct image_encoder *enc;
	struct burn_error err;
	size_t cap, n = 0;
	uint8_t *out;
	ssize_t got;

	ck_assert_msg(image_encoder_create(&enc, disc, type, LEAD_IN, &err) == 0, "%s",
		      err.reason);
	cap = image_encoder_total_sectors(enc) * cd_sector_type_size(type);
	out = malloc(cap + 1);
	ck_assert_ptr_nonnull(out);
	while ((got = image_encoder_read(enc, out + n, cap + 1 - n, &err)) > 0)
		n += (size_t)got;
	ck_assert_msg(got == 0, "%s", err.reason);
	ck_assert_uint_eq(n, cap);
	image_encoder_destroy(enc);
	*len = n;
	return out;
}

/* image_disc_open() of @n @inputs, which must succeed. */
static struct image_disc *
open_disc(const char *const *inputs, size_t n)
{
	struct image_disc *disc;
	struct burn_error err;

	ck_assert_msg(image_disc_open(&disc, inputs, n, 0, &err) == 0, "%s", err.reason);
	return disc;
}

/* The streams of the two discs are the same bytes. */
static void
same_stream(struct image_disc *a, struct image_disc *b, enum cd_sector_type type)
{
	size_t la, lb;
	uint8_t *sa = encode(a, type, &la), *sb = encode(b, type, &lb);

	ck_assert_uint_eq(la, lb);
	ck_assert_msg(memcmp(sa, sb, la) == 0, "the FLAC disc's stream differs from the WAV's");
	free(sa);
	free(sb);
}

static const enum cd_sector_type types[] = { CD_SECTOR_PQ, CD_SECTOR_COOKED, CD_SECTOR_RAW };

/* FLAC files as tracks: the samples on disc are the decoded samples, byte for byte. */
START_TEST(flac_album)
{
	char *wavs[3], *flacs[3];
	struct image_disc *a, *b;

	for (int i = 0; i < 3; i++) {
		char w[16], f[16];

		snprintf(w, sizeof(w), "%02d.wav", i + 1);
		snprintf(f, sizeof(f), "%02d.flac", i + 1);
		wavs[i] = make_wav(w, album_frames[i], (uint32_t)i + 1);
		flacs[i] = flac_of(w, f);
	}
	a = open_disc((const char *const *)flacs, 3);
	b = open_disc((const char *const *)wavs, 3);
	tl_compare_toc(image_disc_toc(a), image_disc_toc(b));
	for (unsigned t = 1; t <= 3; t++)
		ck_assert_int_eq(image_disc_toc(a)->track[t].end_lba -
				 image_disc_toc(a)->track[t].start_lba,
				 (int32_t)((album_frames[t - 1] + 587) / 588));
	same_stream(a, b, types[_i]);
	image_disc_destroy(a);
	image_disc_destroy(b);
	for (int i = 0; i < 3; i++) {
		free(wavs[i]);
		free(flacs[i]);
	}
}
END_TEST

/* A cue's FILE of FLAC, whatever word names its type, with pre-gaps and indexes. */
START_TEST(flac_in_cue)
{
	static const char *const words[] = { "WAVE", "FLAC", "MP3" };
	char *w1 = make_wav("01.wav", album_frames[0], 11), *w2 = make_wav("02.wav", 588 * 700, 12);
	char *f1 = flac_of("01.wav", "01.flac"), *f2 = flac_of("02.wav", "02.flac");
	char *cue_flac = tl_path(dir, "flac.cue"), *cue_wav = tl_path(dir, "wav.cue"), text[512];
	struct image_disc *a, *b;
	const struct image_toc *toc;

#define ALBUM_CUE "FILE \"01.%s\" %s\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n" \
		  "FILE \"02.%s\" %s\nTRACK 02 AUDIO\nINDEX 00 00:00:00\n" \
		  "INDEX 01 00:02:00\nINDEX 02 00:05:10\n"
	snprintf(text, sizeof(text), ALBUM_CUE, "flac", words[_i], "flac", words[_i]);
	tl_write_text(cue_flac, text);
	snprintf(text, sizeof(text), ALBUM_CUE, "wav", "WAVE", "wav", "WAVE");
	tl_write_text(cue_wav, text);
	a = open_disc((const char *const[]){ cue_flac }, 1);
	b = open_disc((const char *const[]){ cue_wav }, 1);
	toc = image_disc_toc(a);
	ck_assert_int_eq(toc->track[2].pregap_lba, 400);
	ck_assert_int_eq(toc->track[2].start_lba, 550);
	ck_assert_int_eq(toc->track[2].index_lba[2], 400 + 5 * 75 + 10);
	ck_assert_int_eq(toc->leadout_lba, 400 + 700);
	tl_compare_toc(toc, image_disc_toc(b));
	same_stream(a, b, CD_SECTOR_COOKED);
	image_disc_destroy(a);
	image_disc_destroy(b);
	free(cue_flac);
	free(cue_wav);
	free(w1);
	free(w2);
	free(f1);
	free(f2);
}
END_TEST

/* @frames frames of @channels at @rate written by libsndfile as @format at dir/@name. */
static char *
write_sndfile(const char *name, int format, int channels, int rate, sf_count_t frames)
{
	char *path = tl_path(dir, name);
	SF_INFO info = { .samplerate = rate, .channels = channels, .format = format };
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	short *pcm = calloc((size_t)frames * (size_t)channels, sizeof(short));

	ck_assert_msg(sf != NULL, "%s: %s", name, sf_strerror(NULL));
	ck_assert_ptr_nonnull(pcm);
	for (sf_count_t i = 0; i < frames * channels; i++)
		pcm[i] = (short)((i * 37) % 20000 - 10000);
	ck_assert_int_eq(sf_writef_short(sf, pcm, frames), frames);
	sf_close(sf);
	free(pcm);
	return path;
}

/* Ogg Vorbis: lossy, so no bit depth to check; its declared length is burned. */
START_TEST(ogg_vorbis_track)
{
	char *ogg = write_sndfile("a.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 2, 44100, 44100 * 5);
	struct image_disc *disc = open_disc((const char *const[]){ ogg }, 1);
	size_t len;
	uint8_t *s = encode(disc, CD_SECTOR_COOKED, &len);

	ck_assert_int_eq(image_disc_toc(disc)->leadout_lba, (44100 * 5 + 587) / 588);
	free(s);
	image_disc_destroy(disc);
	free(ogg);
}
END_TEST

/* Inputs refused up front, each with its reason (after "DIR/"). */
struct refusal {
	const char *name;
	int format;			/* libsndfile format; 0: a text file */
	int channels, rate;
	const char *reason;
};

#define NOT_CD "CD audio is 16-bit stereo 44.1 kHz; this "
#define NOT_RESAMPLED "; it is not resampled: convert it first, for example: " \
	"sox IN -r 44100 -c 2 -b 16 OUT.flac"

static const struct refusal refusals[] = {
	{ "mono.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 1, 44100,
	  "mono.flac: " NOT_CD "FLAC file is 1 channel(s), 44100 Hz, 16-bit" NOT_RESAMPLED },
	{ "48k.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 2, 48000,
	  "48k.flac: " NOT_CD "FLAC file is 2 channel(s), 48000 Hz, 16-bit" NOT_RESAMPLED },
	{ "hires.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 2, 44100,
	  "hires.flac: " NOT_CD "FLAC file is 2 channel(s), 44100 Hz, 24-bit" NOT_RESAMPLED },
	{ "x.opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, 2, 48000,
	  "x.opus: " NOT_CD "Opus file is 2 channel(s), 48000 Hz" NOT_RESAMPLED },
	{ "float.aiff", SF_FORMAT_AIFF | SF_FORMAT_FLOAT, 2, 44100,
	  "float.aiff: " NOT_CD "AIFF file is 2 channel(s), 44100 Hz, 32-bit" NOT_RESAMPLED },
	{ "text.flac", 0, 0, 0,
	  "text.flac: not an audio file libsndfile can decode (Format not recognised)" },
};

START_TEST(refused)
{
	const struct refusal *r = &refusals[_i];
	struct image_disc *disc = NULL;
	struct burn_error err;
	char *path, *want;

	if (r->format)
		path = write_sndfile(r->name, r->format, r->channels, r->rate, 44100);
	else
		tl_write_text(path = tl_path(dir, r->name), "not audio at all\n");
	ck_assert_int_eq(image_disc_open(&disc, (const char *const[]){ path }, 1, 0, &err),
			 -EINVAL);
	ck_assert_ptr_null(disc);
	ck_assert_int_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	want = tl_path(dir, r->reason);
	ck_assert_str_eq(err.reason, want);
	free(want);
	free(path);
}
END_TEST

TL_SUITE(audio_suite, "audio",
	 TL_CASE_TIMEOUT("decode", setup, teardown, 120),
	 TL_LOOP_EACH(flac_album, types),
	 TL_LOOP(flac_in_cue, 0, 3),
	 TL_RUN(ogg_vorbis_track),
	 TL_LOOP_EACH(refused, refusals))

TL_MAIN(audio_suite)
