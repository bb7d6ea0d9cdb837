/*
 * libFuzzer target: the cue sheet parser of core/cd/image-cue-parse.c, through
 * image_disc_open() with a .cue file (what `burnfs-image make x.cue` does).
 * The input is the cue sheet. It is written to fuzz.cue in a scratch
 * directory that also holds the files a cue sheet may name (a.bin, a
 * 1000-sector image; b.bin, a short odd-sized one; z.bin, empty; c.wav, a
 * good 400-sector WAV; d.wav, a mono one; e.wav, one shorter than its data
 * chunk says), all sparse. Inputs with a '/' are skipped, so every FILE
 * resolves inside that directory. When the input holds a NUL byte, the
 * cue sheet ends there and the bytes after it are t.cdt, the file a
 * CDTEXTFILE may name (else t.cdt is empty).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "image-cue.h"
#include "image-disc.h"

/* A canonical 44-byte WAV header announcing @data_len bytes of PCM. */
static void
wav_header(uint8_t *h, unsigned channels, uint32_t data_len)
{
	static const uint8_t tmpl[44] = {
		'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E',
		'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0, 2, 0, 0x44, 0xac, 0, 0,
		0x10, 0xb1, 0x02, 0, 4, 0, 16, 0, 'd', 'a', 't', 'a', 0, 0, 0, 0,
	};
	uint32_t riff = data_len + 36;

	memcpy(h, tmpl, sizeof(tmpl));
	for (int i = 0; i < 4; i++) {
		h[4 + i] = (uint8_t)(riff >> 8 * i);
		h[40 + i] = (uint8_t)(data_len >> 8 * i);
	}
	h[22] = (uint8_t)channels;
}

/* @name in the scratch directory, @size bytes long: @head_len bytes of @head, then zeros. */
static void
fixture(const char *name, const void *head, size_t head_len, off_t size)
{
	char *path = fuzz_scratch_file(name, head, head_len);

	if (truncate(path, size) < 0)
		abort();
	free(path);
}

static void
fixtures(void)
{
	uint8_t h[44];

	fixture("a.bin", NULL, 0, 1000 * 2352);
	fixture("b.bin", NULL, 0, 2 * 2352 + 100);
	fixture("z.bin", NULL, 0, 0);
	wav_header(h, 2, 400 * 2352);
	fixture("c.wav", h, sizeof(h), sizeof(h) + 400 * 2352);
	wav_header(h, 1, 400 * 2352);
	fixture("d.wav", h, sizeof(h), sizeof(h) + 400 * 2352);
	wav_header(h, 2, 400 * 2352);
	fixture("e.wav", h, sizeof(h), sizeof(h) + 100 * 2352);
}

static void
check_toc(const struct image_toc *toc)
{
	int32_t prev = INT32_MIN;

	/* a cue sheet's first track may have any number (issue 11) */
	fuzz_assert(toc->first_track >= 1 && toc->last_track >= toc->first_track &&
		    toc->last_track <= IMAGE_MAX_TRACKS);
	for (unsigned n = toc->first_track; n <= toc->last_track; n++) {
		const struct image_toc_track *t = &toc->track[n];

		fuzz_assert(t->pregap_lba > prev && t->pregap_lba <= t->start_lba);
		fuzz_assert(t->end_lba - t->start_lba >= IMAGE_MIN_TRACK_SECTORS);
		fuzz_assert(t->index_count >= 1 && t->index_count <= IMAGE_MAX_INDEX);
		fuzz_assert(t->index_lba[1] == t->start_lba);
		for (unsigned i = 2; i <= t->index_count; i++)
			fuzz_assert(t->index_lba[i] > t->index_lba[i - 1] &&
				    t->index_lba[i] < t->end_lba);
		prev = t->end_lba - 1;
	}
	fuzz_assert(toc->leadout_lba == toc->track[toc->last_track].end_lba);
	for (unsigned n = 0; n <= IMAGE_MAX_TRACKS; n++)
		for (unsigned f = 0; f < IMAGE_TEXT_FIELDS; f++)
			fuzz_assert(strlen(image_toc_text(toc, n, (enum image_text_field)f)) <
				    IMAGE_TEXT_SIZE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct image_disc *disc = NULL;
	struct burn_error err;
	const char *inputs[1];
	const uint8_t *nul = memchr(data, 0, size);
	size_t cue_len = nul ? (size_t)(nul - data) : size;
	char *cue, *cdt;
	int ret;

	if (memchr(data, '/', size))
		return 0;
	if (!null) {
		fixtures();
		null = fopen("/dev/null", "w");
		if (!null)
			abort();
	}
	cue = fuzz_scratch_file("fuzz.cue", data, cue_len);
	cdt = fuzz_scratch_file("t.cdt", nul ? nul + 1 : NULL, nul ? size - cue_len - 1 : 0);
	free(cdt);
	inputs[0] = cue;
	ret = image_disc_open(&disc, inputs, 1, 0, &err);
	fuzz_assert(ret <= 0 && !ret == !!disc);
	if (disc) {
		const char *const *lines;
		size_t n = image_disc_warnings(disc, &lines);

		/* warnings are single printable lines, as reasons are */
		for (size_t i = 0; i < n; i++)
			for (const char *p = lines[i]; *p; p++)
				fuzz_assert(*p >= 0x20 && *p < 0x7f);
		check_toc(image_disc_toc(disc));
		fuzz_assert(image_toc_print(image_disc_toc(disc), null) == 0);
		fuzz_assert(image_toc_write_cue(null, "disc.bin", image_disc_toc(disc)) == 0);
		image_disc_destroy(disc);
	}
	free(cue);
	return 0;
}
