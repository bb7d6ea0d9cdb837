/*
 * Audio files that are not plain WAV (FLAC, Ogg Vorbis, Opus, MP3, AIFF,
 * and WAV forms the header parser does not take) through libsndfile:
 * Debian's libsndfile decodes them all behind one API, so burnfs has no
 * decoder of its own. A file is checked when the disc is built (44.1 kHz,
 * two channels, 16-bit where the format has a bit depth, a length in its
 * header) and decoded to the little-endian 16-bit samples a CD holds when
 * the encoder reads it.
 *
 * A FLAC stream (a burn job's input, still arriving) goes through the same
 * library by its virtual I/O: its metadata blocks are walked (only their
 * 4-byte headers, to learn where the metadata ends) until all of them have
 * arrived, libsndfile then opens the stream over those bytes and says what
 * the audio is, and the encoder's decoder later opens it again from byte 0
 * through the stream's image_source (see image_disc_stream_hold()).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <limits.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-private.h"

#define CONVERT_HINT "convert it first, for example: sox IN -r 44100 -c 2 -b 16 OUT.flac"

/* Frames decoded per libsndfile call. */
#define READ_FRAMES 4096

/*
 * Metadata blocks a FLAC stream may have before its audio. Real files carry
 * a handful; the bound keeps a stream of tiny blocks (the header is walked
 * again each time a burn job asks for the next one) from costing time
 * quadratic in its size.
 */
#define FLAC_MAX_BLOCKS 256

struct image_audio {
	SNDFILE *sf;
	uint64_t frame;			/* where the next read starts */
	/* a stream's decoder: libsndfile's virtual I/O over f->source */
	const struct image_file *f;
	uint64_t pos;			/* the virtual file position */
	uint64_t end;			/* the furthest byte read so far */
	int src_ret;			/* the source's failure (-errno); 0 = none */
	bool src_ended;			/* the source gave fewer bytes than asked */
	bool sought_back;		/* libsndfile wanted bytes the source let go of */
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

/*
 * The rule for CD audio (44.1 kHz, two channels, 16-bit where the format
 * has a depth, a length in its header) on what libsndfile says of @name:
 * 0, or -EINVAL with the reason in @err.
 */
static int
audio_check(const char *name, const SF_INFO *info, struct burn_error *err)
{
	unsigned bits = subformat_bits(info->format);

	if (info->samplerate != 44100 || info->channels != 2 || (bits && bits != 16))
		return image_disc_fail(err,
				       "%s: CD audio is 16-bit stereo 44.1 kHz; this %s file is %d channel(s), %d Hz%s%.0u%s; it is not resampled: "
				       CONVERT_HINT, name, format_name(info->format),
				       info->channels, info->samplerate, bits ? ", " : "", bits,
				       bits ? "-bit" : "");
	if (info->frames <= 0 || info->frames == SF_COUNT_MAX ||
	    (uint64_t)info->frames > UINT64_MAX / 4)
		return image_disc_fail(err,
				       "%s: the %s file gives no length in its header; its length must be known before a burn starts",
				       name, format_name(info->format));
	return 0;
}

int
image_audio_parse(struct image_file *f, struct burn_error *err)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(f->path, SFM_READ, &info);
	char why[128];
	int ret;

	if (!sf)
		return image_disc_fail(err, "%s: not an audio file libsndfile can decode (%s)",
				       f->path, reason(NULL, why, sizeof(why)));
	ret = audio_check(f->path, &info, err);
	if (ret == 0) {
		f->format = IMAGE_FILE_DECODED;
		f->data_offset = 0;
		f->data_length = (uint64_t)info.frames * 4;
	}
	sf_close(sf);
	return ret;
}

/* ---- libsndfile's virtual I/O over the first bytes of a stream (the header probe) ---- */

struct head_io {
	const uint8_t *buf;
	uint64_t len, pos;
	bool whole;			/* @buf is the whole input */
};

static sf_count_t
head_filelen(void *ctx)
{
	struct head_io *h = ctx;

	/* a stream's length is not known; libsndfile only needs it not to be 0 */
	return h->whole ? (sf_count_t)h->len : SF_COUNT_MAX;
}

/* Where a seek of @offset from @whence (SEEK_SET or SEEK_CUR) at @pos lands; -1: nowhere. */
static int64_t
seek_target(uint64_t pos, sf_count_t offset, int whence)
{
	return whence == SEEK_SET ? offset : whence == SEEK_CUR ? (int64_t)pos + offset : -1;
}

static sf_count_t
head_seek(sf_count_t offset, int whence, void *ctx)
{
	struct head_io *h = ctx;
	int64_t to = seek_target(h->pos, offset, whence);

	if (to < 0)
		return -1;
	h->pos = (uint64_t)to;
	return to;
}

static sf_count_t
head_read(void *ptr, sf_count_t count, void *ctx)
{
	struct head_io *h = ctx;
	uint64_t n = h->pos >= h->len ? 0 : h->len - h->pos;

	if (count < 0)
		return 0;
	if (n > (uint64_t)count)
		n = (uint64_t)count;
	memcpy(ptr, h->buf + h->pos, (size_t)n);
	h->pos += n;
	return (sf_count_t)n;
}

static sf_count_t
head_tell(void *ctx)
{
	return (sf_count_t)((struct head_io *)ctx)->pos;
}

int
image_audio_parse_flac(struct image_file *f, struct image_probe *in, struct burn_error *err)
{
	SF_VIRTUAL_IO vio = { head_filelen, head_seek, head_read, NULL, head_tell };
	struct head_io h = { in->head, in->head_len, 0, in->size != IMAGE_SIZE_UNKNOWN };
	SF_INFO info = { 0 };
	uint64_t pos = 4;
	uint8_t hdr[4];
	SNDFILE *sf;
	char why[128];
	int ret;

	if (in->fd >= 0)
		return burn_error_set(err, BURN_E_INVALIDARG, "%s: not a stream", in->name);
	ret = image_disc_probe_read(in, 0, hdr, sizeof(hdr), err);
	if (ret == -ENODATA || (!ret && memcmp(hdr, "fLaC", 4)))
		return image_disc_fail(err, "%s: not a FLAC stream (it does not start with \"fLaC\")",
				       in->name);
	if (ret < 0)
		return ret;
	/* every metadata block before the audio, so that libsndfile opens it in one go */
	for (unsigned blocks = 0;; blocks++) {
		if (blocks == FLAC_MAX_BLOCKS)
			return image_disc_fail(err,
					       "%s: the FLAC stream has more than %d metadata blocks",
					       in->name, FLAC_MAX_BLOCKS);
		ret = image_disc_probe_read(in, pos, hdr, sizeof(hdr), err);
		if (ret == -ENODATA)
			return image_disc_fail(err,
					       "%s: the input ended after %" PRIu64 " bytes, inside its FLAC metadata",
					       in->name, in->size);
		if (ret < 0)
			return ret;
		pos += 4 + ((uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3]);
		if (hdr[0] & 0x80)
			break;
	}
	if (pos > in->head_len) {
		if (in->size != IMAGE_SIZE_UNKNOWN)
			return image_disc_fail(err,
					       "%s: the input ended after %" PRIu64 " bytes, inside its FLAC metadata",
					       in->name, in->size);
		in->need = pos;
		return -EAGAIN;
	}
	sf = sf_open_virtual(&vio, SFM_READ, &info, &h);
	if (!sf)
		return image_disc_fail(err, "%s: not an audio file libsndfile can decode (%s)",
				       in->name, reason(NULL, why, sizeof(why)));
	if ((info.format & SF_FORMAT_TYPEMASK) != SF_FORMAT_FLAC)
		ret = image_disc_fail(err, "%s: libsndfile reads it as %s, not FLAC", in->name,
				      format_name(info.format));
	else
		ret = audio_check(in->name, &info, err);
	sf_close(sf);
	if (ret < 0)
		return ret;
	f->format = IMAGE_FILE_DECODED;
	f->data_offset = 0;
	f->data_length = (uint64_t)info.frames * 4;
	f->head_len = pos;
	return 0;
}

/* ---- libsndfile's virtual I/O over a stream's source (the encoder's decoder) ---- */

static sf_count_t
source_filelen(void *ctx)
{
	(void)ctx;
	return SF_COUNT_MAX;
}

static sf_count_t
source_seek(sf_count_t offset, int whence, void *ctx)
{
	struct image_audio *a = ctx;
	int64_t to = seek_target(a->pos, offset, whence);

	if (to < 0)
		return -1;
	/*
	 * A source serves the header again, then only goes forward
	 * (image_disc_stream_hold()). libsndfile seeks back past that only
	 * to retry a frame that did not decode: a damaged stream.
	 */
	if ((uint64_t)to < a->end && a->end > a->f->head_len) {
		a->sought_back = true;
		return -1;
	}
	a->pos = (uint64_t)to;
	return to;
}

/*
 * Reads through the source, in two calls where @count crosses the end of
 * the header, so that the bytes the source keeps for a second look are
 * asked for apart from the ones it may let go of.
 */
static sf_count_t
source_vread(void *ptr, sf_count_t count, void *ctx)
{
	struct image_audio *a = ctx;
	uint8_t *dst = ptr;
	size_t done = 0, len = count > 0 ? (size_t)count : 0;

	while (done < len && !a->src_ret && !a->src_ended) {
		size_t n = len - done;
		ssize_t got;

		if (a->pos < a->f->head_len && n > a->f->head_len - a->pos)
			n = (size_t)(a->f->head_len - a->pos);
		got = a->f->source.read(a->f->source.ctx, a->pos, dst + done, n);
		if (got < 0) {
			a->src_ret = (int)got;
			break;
		}
		if ((size_t)got < n)
			a->src_ended = true;
		a->pos += (uint64_t)got;
		done += (size_t)got;
		if (a->pos > a->end)
			a->end = a->pos;
	}
	return (sf_count_t)done;
}

static sf_count_t
source_tell(void *ctx)
{
	return (sf_count_t)((struct image_audio *)ctx)->pos;
}

/*
 * Why a stream's decoder stopped: its source's failure, the input's end, or
 * a stream libsndfile could not decode further.
 */
static int
source_fail(struct image_audio *a, const struct image_file *f, struct burn_error *err)
{
	if (a->src_ret < 0) {
		burn_error_set(err, BURN_E_FAIL, "%s: %s", f->path, strerror(-a->src_ret));
		return a->src_ret;
	}
	/* libsndfile gives no reason here ("No Error"): say where it stopped */
	if (!a->src_ended)
		return image_disc_fail(err,
				       "%s: the FLAC stream is damaged: decoding stopped near byte %" PRIu64 ", after %" PRIu64 " of the %" PRIu64 " samples its header declares",
				       f->path, a->end, a->frame, f->data_length / 4);
	image_disc_fail(err,
			"%s: the input ended after %" PRIu64 " bytes, %" PRIu64 " of the %" PRIu64 " samples its header declares",
			f->path, a->pos, a->frame, f->data_length / 4);
	return -ENODATA;
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
	int ret;

	*out = NULL;
	if (!a)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "out of memory");
	if (f->source.read) {
		SF_VIRTUAL_IO vio = { source_filelen, source_seek, source_vread, NULL,
				      source_tell };

		a->f = f;
		a->sf = sf_open_virtual(&vio, SFM_READ, &info, a);
		if (!a->sf && (a->src_ret || a->src_ended)) {
			ret = source_fail(a, f, err);
			image_audio_close(a);
			return ret;
		}
	} else {
		a->sf = sf_open(f->path, SFM_READ, &info);
	}
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

		if (got <= 0 && a->f)
			return source_fail(a, f, err);
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
