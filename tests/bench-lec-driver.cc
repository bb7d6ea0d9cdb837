/*
 * The floor for bench-encoder-floor.sh (a benchmark helper, not built by
 * meson): cdrdao's own Mode 1 encoder, its trackdb/lec.cc, run over an ISO.
 * Every 2048-byte block of IN becomes one 2352-byte sector of OUT, the way
 * cdrdao prepares a MODE1 track for raw writing: lec_encode_mode1_sector()
 * (sync, BCD header, EDC, P/Q parity) at the sector's absolute address,
 * then lec_scramble() (which also swaps the bytes of every pair, cdrdao's
 * own convention). No sub-channel. The first sector gets address 150 (MSF
 * 00:02:00, LBA 0), as on a disc whose first track starts the program area.
 *
 * cdrdao's source is not part of burnfs: the benchmark compiles this file
 * against a cdrdao source tree given at run time (CDRDAO_SRC), e.g.
 *   g++ -O2 -ISHIM -ICDRDAO_SRC/trackdb bench-lec-driver.cc CDRDAO_SRC/trackdb/lec.cc
 * where SHIM holds an empty config.h.
 *
 * usage: bench-lec-driver IN OUT
 * Exit status: 0 success, 1 I/O error or an input that is not whole blocks,
 * 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lec.h"

enum { BLOCK = 2048, SECTOR = 2352, BATCH = 256, FIRST_ADDRESS = 150 };

/* Reads up to @len bytes, fewer only at the end of the file; -1 on error. */
static ssize_t
read_full(int fd, unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int
write_full(int fd, const unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static unsigned char in[BATCH * BLOCK], out[BATCH * SECTOR];
	u_int32_t address = FIRST_ADDRESS;
	int fd_in, fd_out;
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: %s IN OUT\n", argv[0]);
		return 2;
	}
	fd_in = open(argv[1], O_RDONLY);
	if (fd_in < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], strerror(errno));
		return 1;
	}
	fd_out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd_out < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[2], strerror(errno));
		return 1;
	}
	while ((n = read_full(fd_in, in, sizeof(in))) > 0) {
		size_t blocks = (size_t)n / BLOCK;

		if ((size_t)n % BLOCK) {
			fprintf(stderr, "%s: %s is not a whole number of %d-byte blocks\n",
				argv[0], argv[1], BLOCK);
			return 1;
		}
		for (size_t i = 0; i < blocks; i++) {
			unsigned char *sector = out + i * SECTOR;

			memcpy(sector + 16, in + i * BLOCK, BLOCK);
			lec_encode_mode1_sector(address++, sector);
			lec_scramble(sector);
		}
		if (write_full(fd_out, out, blocks * SECTOR) < 0) {
			fprintf(stderr, "%s: %s: %s\n", argv[0], argv[2], strerror(errno));
			return 1;
		}
	}
	if (n < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], strerror(errno));
		return 1;
	}
	if (close(fd_out) < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[2], strerror(errno));
		return 1;
	}
	close(fd_in);
	return 0;
}
