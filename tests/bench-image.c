/*
 * Encoder throughput (not a test: run with `meson test --benchmark`).
 * Encodes a data ISO and a WAV of BENCH_MB megabytes (default 256) in each
 * sector type and prints MB/s of input (1 MB = 10^6 bytes), the whole
 * stream included: lead-in, pre-gap, lead-out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image-disc.h"
#include "image-encoder.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_input(const char *path, bool wav, uint64_t bytes)
{
	uint8_t *buf = malloc(1 << 20);
	uint64_t done = 0, x = 88172645463325252ull;
	FILE *f = fopen(path, "wb");

	if (!f || !buf)
		return -1;
	if (wav) {
		uint8_t h[44] = "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0\x44\xac\0\0"
				"\x10\xb1\x02\0\x04\0\x10\0data";
		uint32_t n = (uint32_t)bytes;

		memcpy(h + 40, &n, 4);	/* little-endian hosts only; a benchmark */
		fwrite(h, 1, 44, f);
	}
	while (done < bytes) {
		size_t n = bytes - done < (1 << 20) ? (size_t)(bytes - done) : (1 << 20);

		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (uint8_t)x;
		}
		if (!wav && done == 0) {
			uint32_t sectors = (uint32_t)(bytes / 2048);

			memset(buf + 16 * 2048, 0, 2048);
			memcpy(buf + 16 * 2048, "\001CD001\001", 7);
			memcpy(buf + 16 * 2048 + 80, &sectors, 4);
			buf[16 * 2048 + 128] = 0x00;
			buf[16 * 2048 + 129] = 0x08;
		}
		fwrite(buf, 1, n, f);
		done += n;
	}
	free(buf);
	return fclose(f);
}

static int
bench(const char *path, const char *label, uint64_t input_bytes)
{
	static const char *const names[] = { "", "pq", "cooked", "raw" };
	size_t bufsize = 64 * 2448;
	uint8_t *buf = malloc(bufsize);

	for (int t = 1; t <= 3; t++) {
		struct image_encoder *enc;
		struct image_disc *disc;
		struct burn_error err;
		uint64_t stream = 0;
		double t0, dt;
		ssize_t n;

		if (image_disc_open(&disc, &path, 1, IMAGE_DISC_OVERBURN, &err) < 0 ||
		    image_encoder_create(&enc, disc, (enum cd_sector_type)t, IMAGE_DEFAULT_LEAD_IN,
					 &err) < 0) {
			fprintf(stderr, "bench: %s\n", err.reason);
			return 1;
		}
		t0 = now();
		while ((n = image_encoder_read(enc, buf, bufsize, &err)) > 0)
			stream += (uint64_t)n;
		dt = now() - t0;
		if (n < 0) {
			fprintf(stderr, "bench: %s\n", err.reason);
			return 1;
		}
		printf("%-5s %-6s input %4.0f MB  stream %5.0f MB  %6.3f s  %7.1f MB/s of input"
		       "  (%7.1f MB/s of stream)\n", label, names[t], (double)input_bytes / 1e6,
		       (double)stream / 1e6, dt, (double)input_bytes / 1e6 / dt,
		       (double)stream / 1e6 / dt);
		image_encoder_destroy(enc);
		image_disc_destroy(disc);
	}
	free(buf);
	return 0;
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	const char *mb_env = getenv("BENCH_MB");
	uint64_t mb = mb_env ? strtoull(mb_env, NULL, 10) : 256;
	uint64_t iso_bytes = mb * 1000000 / 2048 * 2048, wav_bytes = mb * 1000000 / 2352 * 2352;
	char iso[4096], wav[4096];
	int ret;

	snprintf(iso, sizeof(iso), "%s/burnfs-bench-%d.iso", tmp, (int)getpid());
	snprintf(wav, sizeof(wav), "%s/burnfs-bench-%d.wav", tmp, (int)getpid());
	if (write_input(iso, false, iso_bytes) < 0 || write_input(wav, true, wav_bytes) < 0) {
		fprintf(stderr, "bench: cannot write inputs in %s\n", tmp);
		return 1;
	}
	printf("burnfs-image encoder, lead-in 22650, lead-out 6750, input in the page cache\n");
	ret = bench(iso, "iso", iso_bytes) || bench(wav, "wav", wav_bytes);
	unlink(iso);
	unlink(wav);
	return ret;
}
