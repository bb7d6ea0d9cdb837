/*
 * libFuzzer target: the ISO 9660 primary volume descriptor and WAV header
 * parsers of core/cd/image-iso.c and image-wav.c, through
 * image_disc_open_stream() (how a burn job learns its disc from a file
 * still being copied into burn/) and image_disc_open() (burnfs-image with
 * an .iso or .wav file).
 *
 * Byte 0: bit 0 WAV (else ISO); bit 1 through a file and image_disc_open()
 * (else a stream); bit 2 IMAGE_DISC_OVERBURN; bit 3 (stream) the whole
 * input at once with IMAGE_DISC_INPUT_ENDED, else the -EAGAIN protocol a
 * burn job follows, the head growing to what each call asks for; bit 4
 * (file) the file made as long as its header declares (sparse), so the
 * length checks can pass. The rest is the file; for an ISO it starts at
 * sector 16 (the PVD) behind a zeroed system area, which nothing reads.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "image-disc.h"

#define FLAG_WAV 0x01
#define FLAG_FILE 0x02
#define FLAG_OVERBURN 0x04
#define FLAG_AT_ONCE 0x08
#define FLAG_PAD 0x10

#define ISO_SYSTEM_AREA (16 * 2048)
#define PAD_MAX (4ull << 30)

/* The encoder's source; nothing reads the track while a disc is opened. */
static ssize_t
no_read(void *ctx, uint64_t offset, void *buf, size_t len)
{
	fuzz_fail(__FILE__, __LINE__, "the track was read while the disc was opened");
}

static void
check_disc(const struct image_disc *disc, unsigned flags)
{
	const struct image_toc *toc = image_disc_toc(disc);
	const struct image_toc_track *t = &toc->track[1];

	fuzz_assert(toc->first_track == 1 && toc->last_track == 1);
	fuzz_assert(t->end_lba - t->start_lba >= IMAGE_MIN_TRACK_SECTORS);
	fuzz_assert(toc->leadout_lba <= (flags & IMAGE_DISC_OVERBURN ? IMAGE_LAST_SECTOR_OVERBURN
								     : IMAGE_LAST_LEADOUT_80MIN));
}

static void
stream(const uint8_t *file, size_t len, unsigned in)
{
	const struct image_source src = { no_read, NULL };
	enum image_stream_kind kind = in & FLAG_WAV ? IMAGE_STREAM_WAV : IMAGE_STREAM_ISO;
	const char *name = in & FLAG_WAV ? "fuzz.wav" : "fuzz.iso";
	unsigned flags = in & FLAG_OVERBURN ? IMAGE_DISC_OVERBURN : 0;
	struct image_disc *disc = NULL;
	struct burn_error err;
	size_t have = 0, need;
	int ret;

	if (in & FLAG_AT_ONCE) {
		have = len;
		flags |= IMAGE_DISC_INPUT_ENDED;
	}
	for (;;) {
		ret = image_disc_open_stream(&disc, kind, name, file, have, &need, &src, flags,
					     &err);
		if (ret != -EAGAIN)
			break;
		fuzz_assert(!disc && !(flags & IMAGE_DISC_INPUT_ENDED) && need > have);
		if (need > len) {
			/* the input ends first: the last call has all of it */
			have = len;
			flags |= IMAGE_DISC_INPUT_ENDED;
		} else {
			have = need;
		}
	}
	fuzz_assert(ret == 0 || ret == -EINVAL);
	fuzz_assert(!ret == !!disc);
	if (!disc)
		return;
	check_disc(disc, flags);
	(void)image_disc_stream_end(disc);
	image_disc_destroy(disc);
}

static void
file(const uint8_t *bytes, size_t len, unsigned in)
{
	unsigned flags = in & FLAG_OVERBURN ? IMAGE_DISC_OVERBURN : 0;
	char *path = fuzz_scratch_file(in & FLAG_WAV ? "fuzz.wav" : "fuzz.iso", bytes, len);
	const char *inputs[] = { path };
	struct image_disc *disc = NULL;
	struct burn_error err;
	uint64_t size = len;
	int ret;

	if (in & FLAG_PAD) {
		if (in & FLAG_WAV)
			size += 1 << 20;
		else if (len >= ISO_SYSTEM_AREA + 84)
			size = 2048ull * (bytes[ISO_SYSTEM_AREA + 80] |
					  bytes[ISO_SYSTEM_AREA + 81] << 8 |
					  bytes[ISO_SYSTEM_AREA + 82] << 16 |
					  (uint64_t)bytes[ISO_SYSTEM_AREA + 83] << 24);
		if (size > len && size <= PAD_MAX && truncate(path, (off_t)size) < 0)
			abort();
	}
	ret = image_disc_open(&disc, inputs, 1, flags, &err);
	fuzz_assert(ret == 0 || ret == -EINVAL);
	fuzz_assert(!ret == !!disc);
	if (disc) {
		check_disc(disc, flags);
		image_disc_destroy(disc);
	}
	free(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *iso = NULL;
	const uint8_t *bytes = data + 1;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	if (!(data[0] & FLAG_WAV)) {
		/* an ISO: 16 zero sectors, then the input; exactly that long, for ASan */
		iso = calloc(1, ISO_SYSTEM_AREA + len);
		if (!iso)
			abort();
		memcpy(iso + ISO_SYSTEM_AREA, bytes, len);
		bytes = iso;
		len += ISO_SYSTEM_AREA;
	}
	if (data[0] & FLAG_FILE)
		file(bytes, len, data[0]);
	else
		stream(bytes, len, data[0]);
	free(iso);
	return 0;
}
