/*
 * Audio files that are not plain WAV (FLAC, Ogg Vorbis, Opus, MP3, AIFF,
 * and WAV forms the header parser does not take) through libsndfile:
 * Debian's libsndfile decodes them all behind one API, so burnfs has no
 * decoder of its own. A file is checked when the disc is built (44.1 kHz,
 * two channels, 16-bit where the format has a bit depth, a length in its
 * header) and decoded to the little-endian 16-bit samples a CD holds when
 * the encoder reads it.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-private.h"

#define CONVERT_HINT "convert it first, for example: sox IN -r 44100 -c 2 -b 16 OUT.flac"

/* Frames decoded per libsndfile call. */
#define READ_FRAMES 4096

struct image_audio {
	SNDFILE *sf;
	uint64_t frame;			/* where the next read starts */
	short pcm[READ_FRAMES * 2];
};

/* The bit depth of a PCM-like sub-format, or 0 for one without (lossy codecs). */
static unsigned
subformat_bits(int format)
{
	switch (format & SF_FORMAT_SUBMASK) {
	case SF_FORMAT_PCM_S8:
	case SF_FORMAT_PCM_U8:
	case SF_FORMAT_DPCM_8:
		return 8;
	case SF_FORMAT_PCM_16:
	case SF_FORMAT_DPCM_16:
	case SF_FORMAT_DWVW_16:
	case SF_FORMAT_ALAC_16:
		return 16;
	case SF_FORMAT_PCM_24:
	case SF_FORMAT_DWVW_24:
	case SF_FORMAT_ALAC_24:
		return 24;
	case SF_FORMAT_PCM_32:
	case SF_FORMAT_ALAC_32:
		return 32;
	case SF_FORMAT_FLOAT:
		return 32;
	case SF_FORMAT_DOUBLE:
		return 64;
	default:
		return 0;
	}
}

/* libsndfile's reason, without its final full stop, into @buf. */
static const char *
reason(SNDFILE *sf, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "%s", sf_strerror(sf));
	n = strlen(buf);
	if (n && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return buf;
}

/* The format's name for messages: its usual short name, else libsndfile's. */
static const char *
format_name(int format)
{
	SF_FORMAT_INFO info = { .format = format & SF_FORMAT_TYPEMASK };

	switch (format & SF_FORMAT_SUBMASK) {
	case SF_FORMAT_VORBIS:
		return "Ogg Vorbis";
	case SF_FORMAT_OPUS:
		return "Opus";
	case SF_FORMAT_MPEG_LAYER_I:
	case SF_FORMAT_MPEG_LAYER_II:
	case SF_FORMAT_MPEG_LAYER_III:
		return "MPEG audio";
	default:
		break;
	}
	switch (format & SF_FORMAT_TYPEMASK) {
	case SF_FORMAT_FLAC:
		return "FLAC";
	case SF_FORMAT_AIFF:
		return "AIFF";
	case SF_FORMAT_WAV:
	case SF_FORMAT_WAVEX:
	case SF_FORMAT_RF64:
	case SF_FORMAT_W64:
		return "WAV";
	default:
		break;
	}
	if (sf_command(NULL, SFC_GET_FORMAT_INFO, &info, sizeof(info)) != 0 || !info.name)
		return "audio";
	return info.name;
}

int
image_audio_parse(struct image_file *f, struct burn_error *err)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(f->path, SFM_READ, &info);
	unsigned bits;
	char why[128];
	int ret = 0;

	if (!sf)
		return image_disc_fail(err, "%s: not an audio file libsndfile can decode (%s)",
				       f->path, reason(NULL, why, sizeof(why)));
	bits = subformat_bits(info.format);
	if (info.samplerate != 44100 || info.channels != 2 || (bits && bits != 16))
		ret = image_disc_fail(err,
				      "%s: CD audio is 16-bit stereo 44.1 kHz; this %s file is %d channel(s), %d Hz%s%.0u%s; it is not resampled: "
				      CONVERT_HINT, f->path, format_name(info.format),
				      info.channels, info.samplerate, bits ? ", " : "", bits,
				      bits ? "-bit" : "");
	else if (info.frames <= 0 || info.frames == SF_COUNT_MAX ||
		 (uint64_t)info.frames > UINT64_MAX / 4)
		ret = image_disc_fail(err,
				      "%s: the %s file gives no length in its header; its length must be known before a burn starts",
				      f->path, format_name(info.format));
	if (ret == 0) {
		f->format = IMAGE_FILE_DECODED;
		f->data_offset = 0;
		f->data_length = (uint64_t)info.frames * 4;
	}
	sf_close(sf);
	return ret;
}

void
image_audio_close(struct image_audio *a)
{
	if (!a)
		return;
	if (a->sf)
		sf_close(a->sf);
	free(a);
}

int
image_audio_open(struct image_audio **out, const struct image_file *f, struct burn_error *err)
{
	struct image_audio *a = calloc(1, sizeof(*a));
	SF_INFO info = { 0 };
	char why[128];

	*out = NULL;
	if (!a)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "out of memory");
	a->sf = sf_open(f->path, SFM_READ, &info);
	if (!a->sf) {
		image_audio_close(a);
		return burn_error_set(err, BURN_E_FAIL, "%s: %s", f->path,
				      reason(NULL, why, sizeof(why)));
	}
	if (info.samplerate != 44100 || info.channels != 2 ||
	    (uint64_t)info.frames * 4 != f->data_length) {
		image_audio_close(a);
		return image_disc_fail(err, "%s: the file changed since it was checked", f->path);
	}
	*out = a;
	return 0;
}

int
image_audio_read(struct image_audio *a, const struct image_file *f, uint64_t offset,
		 uint8_t *buf, size_t len, struct burn_error *err)
{
	uint64_t frame = offset / 4;
	size_t frames = len / 4, done = 0;
	char why[128];

	if (offset % 4 || len % 4)
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "%s: a read of %zu bytes at %" PRIu64 " is not whole frames",
				      f->path, len, offset);
	if (frame != a->frame) {
		if (sf_seek(a->sf, (sf_count_t)frame, SEEK_SET) < 0)
			return burn_error_set(err, BURN_E_FAIL, "%s: cannot seek to sample %" PRIu64
					      ": %s", f->path, frame, reason(a->sf, why, sizeof(why)));
		a->frame = frame;
	}
	while (done < frames) {
		size_t want = frames - done < READ_FRAMES ? frames - done : READ_FRAMES;
		sf_count_t got = sf_readf_short(a->sf, a->pcm, (sf_count_t)want);

		if (got <= 0)
			return image_disc_fail(err,
					       "%s: the audio ended after %" PRIu64 " of the %" PRIu64 " samples its header declares",
					       f->path, a->frame, f->data_length / 4);
		for (sf_count_t i = 0; i < got * 2; i++) {
			uint16_t v = (uint16_t)a->pcm[i];

			buf[(done * 2 + (size_t)i) * 2] = (uint8_t)v;
			buf[(done * 2 + (size_t)i) * 2 + 1] = (uint8_t)(v >> 8);
		}
		done += (size_t)got;
		a->frame += (uint64_t)got;
	}
	return 0;
}
