/*
 * WAV headers: where a 16-bit stereo 44.1 kHz PCM file's samples are, read
 * from a file or from the first bytes of a stream, and the audio track
 * they make.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "image-private.h"
#include "image-wav.h"

/*
 * Real WAV files carry a handful of chunks before their data. The bound
 * keeps a header of many tiny chunks from costing a read per 8 bytes of a
 * file, and a stream (a burn job re-parses the header each time it asks
 * for the next chunk) from costing time quadratic in the header's size.
 */
#define WAV_MAX_CHUNKS 256

int
image_wav_parse(struct image_file *f, struct image_probe *in, struct burn_error *err)
{
	uint8_t hdr[12], ck[8], fmt[40];
	uint64_t pos = 12;
	bool have_fmt = false;
	unsigned chunks = 0;
	int ret;

	ret = image_disc_probe_read(in, 0, hdr, sizeof(hdr), err);
	if (ret == -ENODATA || (!ret && (memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4))))
		return image_disc_fail(err, "%s: not a WAV file (no RIFF/WAVE header)", in->name);
	if (ret < 0)
		return ret;
	for (;;) {
		uint64_t len;

		if (chunks++ == WAV_MAX_CHUNKS)
			return image_disc_fail(err,
					       "%s: WAV has no data chunk among its first %d chunks",
					       in->name, WAV_MAX_CHUNKS);
		ret = image_disc_probe_read(in, pos, ck, sizeof(ck), err);
		if (ret == -ENODATA)
			return image_disc_fail(err, "%s: WAV file has no %s chunk", in->name,
					       have_fmt ? "data" : "fmt");
		if (ret < 0)
			return ret;
		len = image_rd_le32(ck + 4);
		if (!memcmp(ck, "fmt ", 4)) {
			size_t n = len < sizeof(fmt) ? (size_t)len : sizeof(fmt);
			unsigned tag, channels, rate, bits;

			memset(fmt, 0, sizeof(fmt));
			ret = len < 16 ? -ENODATA : image_disc_probe_read(in, pos + 8, fmt, n, err);
			if (ret == -ENODATA)
				return image_disc_fail(err, "%s: WAV fmt chunk is truncated",
						       in->name);
			if (ret < 0)
				return ret;
			tag = image_rd_le16(fmt);
			channels = image_rd_le16(fmt + 2);
			rate = image_rd_le32(fmt + 4);
			bits = image_rd_le16(fmt + 14);
			/* WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag */
			if (tag == 0xfffe && len >= 40)
				tag = image_rd_le16(fmt + 24);
			if (tag != 1 || channels != 2 || rate != 44100 || bits != 16)
				return image_disc_fail(err,
						       "%s: WAV must be 16-bit stereo 44.1 kHz PCM, this is format %u, %u channel(s), %u Hz, %u-bit",
						       in->name, tag, channels, rate, bits);
			have_fmt = true;
		} else if (!memcmp(ck, "data", 4)) {
			if (!have_fmt)
				return image_disc_fail(err,
						       "%s: WAV data chunk comes before its fmt chunk",
						       in->name);
			f->data_offset = pos + 8;
			if (in->size != IMAGE_SIZE_UNKNOWN && len > in->size - f->data_offset)
				return image_disc_fail(err,
						       "%s: WAV data chunk announces %" PRIu64 " bytes but the file holds only %" PRIu64,
						       in->name, len, in->size - f->data_offset);
			f->data_length = len;
			return 0;
		}
		pos += 8 + len + (len & 1);
	}
}

void
image_wav_track(struct image_disc *disc, size_t i)
{
	struct image_track_src *src = &disc->src[i + 1];

	src->kind = IMAGE_TRACK_AUDIO;
	src->file = (unsigned)i;
	src->file_offset = disc->files[i].data_offset;
	src->file_bytes = disc->files[i].data_length;
	src->file_sectors = (uint32_t)((src->file_bytes + CD_MAIN_SIZE - 1) / CD_MAIN_SIZE);
	/* IMAPI's default: a 2-second silent gap between tracks */
	src->pregap_silent = i ? CD_PREGAP_FRAMES : 0;
	disc->toc.track[i + 1].control = 0;
	disc->toc.track[i + 1].index_count = 1;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void
image_wav_header(uint8_t *out, uint32_t data_bytes)
{
	const uint32_t rate = 44100, channels = 2, bits = 16;

	memcpy(out, "RIFF", 4);
	put_le32(out + 4, 36 + data_bytes);
	memcpy(out + 8, "WAVEfmt ", 8);
	put_le32(out + 16, 16);			/* the fmt chunk's size */
	put_le32(out + 20, 1 | channels << 16);	/* PCM, 2 channels */
	put_le32(out + 24, rate);
	put_le32(out + 28, rate * channels * bits / 8);
	put_le32(out + 32, channels * bits / 8 | bits << 16);	/* block align, bits */
	memcpy(out + 36, "data", 4);
	put_le32(out + 40, data_bytes);
}
