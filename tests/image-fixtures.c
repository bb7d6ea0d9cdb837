#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "image-fixtures.h"

uint8_t
fx_audio_byte(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull;

	return (uint8_t)((x >> 29) ^ (i >> 11) ^ 0x5a);
}

uint8_t
fx_iso_byte(uint64_t i)
{
	return (uint8_t)((i * 131) ^ (i >> 8) ^ (i >> 17));
}

char *
fx_path(const char *dir, const char *name)
{
	char *p;

	ck_assert_int_gt(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

void
fx_write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static void
msf(char *buf, unsigned frames)
{
	sprintf(buf, "%02u:%02u:%02u", frames / 4500, (frames / 75) % 60, frames % 75);
}

char *
fx_make_audio_cue(const char *dir)
{
	char *bin = fx_path(dir, "audio.bin"), *cue = fx_path(dir, "audio.cue");
	char text[1024], a[16], b[16], c[16], d[16];
	uint8_t buf[4096];
	uint64_t total = (uint64_t)FX_AUDIO_SECTORS * 2352, done = 0;
	FILE *f = fopen(bin, "wb");

	ck_assert_ptr_nonnull(f);
	while (done < total) {
		size_t n = total - done < sizeof(buf) ? (size_t)(total - done) : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = fx_audio_byte(done + i);
		ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
		done += n;
	}
	ck_assert_int_eq(fclose(f), 0);
	msf(a, FX_T1_SECTORS);
	msf(b, FX_T1_SECTORS + FX_T2_PREGAP);
	msf(c, FX_T1_SECTORS + FX_T2_PREGAP + FX_T2_SECTORS);
	msf(d, FX_T1_SECTORS + FX_T2_PREGAP + FX_T2_SECTORS + FX_T3_INDEX2);
	snprintf(text, sizeof(text),
		 "REM a test disc\n"
		 "CATALOG " FX_MCN "\n"
		 "PERFORMER \"Test Performer\"\n"
		 "TITLE \"Test Album\"\n"
		 "FILE \"audio.bin\" BINARY\n"
		 "  TRACK 01 AUDIO\n"
		 "    TITLE \"One\"\n"
		 "    INDEX 01 00:00:00\n"
		 "  TRACK 02 AUDIO\n"
		 "    ISRC " FX_ISRC "\n"
		 "    INDEX 00 %s\n"
		 "    INDEX 01 %s\n"
		 "  TRACK 03 AUDIO\n"
		 "    TITLE \"A rather long title for the third track, over 12 bytes\"\n"
		 "    PERFORMER \"Someone Else\"\n"
		 "    FLAGS DCP\n"
		 "    INDEX 01 %s\n"
		 "    INDEX 02 %s\n", a, b, c, d);
	fx_write_text(cue, text);
	free(bin);
	return cue;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void
fx_make_iso(const char *path, uint32_t sectors, uint32_t pvd_sectors)
{
	uint8_t sector[2048];
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	for (uint32_t s = 0; s < sectors; s++) {
		for (int i = 0; i < 2048; i++)
			sector[i] = fx_iso_byte((uint64_t)s * 2048 + (uint64_t)i);
		if (s == 16) {
			memset(sector, 0, 200);
			sector[0] = 1;
			memcpy(sector + 1, "CD001", 5);
			sector[6] = 1;
			put_le32(sector + 80, pvd_sectors);
			sector[84] = (uint8_t)(pvd_sectors >> 24);
			sector[85] = (uint8_t)(pvd_sectors >> 16);
			sector[86] = (uint8_t)(pvd_sectors >> 8);
			sector[87] = (uint8_t)pvd_sectors;
			sector[128] = 0x00;
			sector[129] = 0x08;
			sector[130] = 0x08;
			sector[131] = 0x00;
		}
		ck_assert_uint_eq(fwrite(sector, 1, 2048, f), 2048);
	}
	ck_assert_int_eq(fclose(f), 0);
}

void
fx_make_wav(const char *path, unsigned format, unsigned channels, unsigned rate,
	    unsigned bits, uint32_t data_bytes)
{
	uint8_t h[44] = { 0 }, buf[4096];
	FILE *f = fopen(path, "wb");
	uint32_t done = 0;

	ck_assert_ptr_nonnull(f);
	memcpy(h, "RIFF", 4);
	put_le32(h + 4, 36 + data_bytes);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le32(h + 16, 16);
	h[20] = (uint8_t)format;
	h[22] = (uint8_t)channels;
	put_le32(h + 24, rate);
	put_le32(h + 28, rate * channels * bits / 8);
	h[32] = (uint8_t)(channels * bits / 8);
	h[34] = (uint8_t)bits;
	memcpy(h + 36, "data", 4);
	put_le32(h + 40, data_bytes);
	ck_assert_uint_eq(fwrite(h, 1, 44, f), 44);
	while (done < data_bytes) {
		size_t n = data_bytes - done < sizeof(buf) ? data_bytes - done : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = fx_audio_byte(done + i);
		ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
		done += (uint32_t)n;
	}
	ck_assert_int_eq(fclose(f), 0);
}
