/*
 * read, pread, lseek on the device: the disc's 2048-byte blocks, as the sr
 * driver reads them; the size is the lead-out of a recorded disc.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmc-read.h"
#include "sg-private.h"

#define READ_BLOCKS 16	/* blocks per command */

/*
 * Reads @n blocks from @lba with READ(10), as the sr driver does; a drive
 * that does not know READ(10) (5/20/00) is asked with READ CD for the
 * Mode 1 user data instead.
 */
static int
read_blocks(struct sg_handle *h, uint32_t lba, uint16_t n, uint8_t *buf)
{
	size_t len = (size_t)n * SG_BLOCK;
	struct mmc_sense s;
	struct mmc_cmd cmd;
	int ret;

	mmc_build_read10(&cmd, (int32_t)lba, n, buf, len);
	ret = sg_io_command(h, &cmd);
	if (ret == 0 || cmd.status != MMC_STATUS_CHECK_CONDITION)
		return ret;
	mmc_sense_parse(cmd.sense, cmd.sense_len, &s);
	if (s.key != 0x05 || s.asc != 0x20)
		return ret;
	mmc_build_read_cd(&cmd, MMC_READ_CD_MODE1, (int32_t)lba, n, MMC_READ_CD_USER_DATA, buf,
			  len);
	return sg_io_command(h, &cmd);
}

static ssize_t
read_at(struct sg_handle *h, void *buf, size_t count, off64_t off)
{
	uint64_t size = sg_ioctl_capacity(h) * SG_BLOCK;
	uint8_t *blocks, *out = buf;
	size_t done = 0;
	int ret = 0;

	if (off < 0)
		return -EINVAL;
	if ((uint64_t)off >= size || count == 0)
		return 0;
	if (count > size - (uint64_t)off)
		count = (size_t)(size - (uint64_t)off);
	blocks = malloc(READ_BLOCKS * SG_BLOCK);
	if (!blocks)
		return -ENOMEM;
	while (done < count) {
		uint64_t at = (uint64_t)off + done;
		uint32_t lba = (uint32_t)(at / SG_BLOCK);
		size_t skip = (size_t)(at % SG_BLOCK);
		size_t want = skip + (count - done);
		uint16_t n = (uint16_t)((want + SG_BLOCK - 1) / SG_BLOCK);
		size_t len;

		if (n > READ_BLOCKS)
			n = READ_BLOCKS;
		ret = read_blocks(h, lba, n, blocks);
		if (ret < 0)
			break;
		len = (size_t)n * SG_BLOCK - skip;
		if (len > count - done)
			len = count - done;
		memcpy(out + done, blocks + skip, len);
		done += len;
	}
	free(blocks);
	return done ? (ssize_t)done : ret;
}

/* A result of read_at() or seek() as libc returns it: -1 with errno for -errno. */
static int64_t
result(int64_t ret)
{
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

SG_EXPORT ssize_t
read(int fd, void *buf, size_t count)
{
	struct sg_handle *h;
	ssize_t n;

	sg_libc_ready();
	h = sg_fd_lookup(fd);
	if (!h)
		return sg_libc.read(fd, buf, count);
	pthread_mutex_lock(&h->pos_mu);
	n = read_at(h, buf, count, h->pos);
	if (n > 0)
		h->pos += n;
	pthread_mutex_unlock(&h->pos_mu);
	return (ssize_t)result(n);
}

/* pread and pread64 (@large). */
static ssize_t
pread_common(int fd, void *buf, size_t count, off64_t off, bool large)
{
	struct sg_handle *h;

	sg_libc_ready();
	h = sg_fd_lookup(fd);
	if (h)
		return (ssize_t)result(read_at(h, buf, count, off));
	return large ? sg_libc.pread64(fd, buf, count, off)
		     : sg_libc.pread(fd, buf, count, (off_t)off);
}

SG_EXPORT ssize_t
pread(int fd, void *buf, size_t count, off_t off)
{
	return pread_common(fd, buf, count, off, false);
}

SG_EXPORT ssize_t
pread64(int fd, void *buf, size_t count, off64_t off)
{
	return pread_common(fd, buf, count, off, true);
}

static off64_t
seek(struct sg_handle *h, off64_t off, int whence)
{
	off64_t base, ret;

	pthread_mutex_lock(&h->pos_mu);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = h->pos;
		break;
	case SEEK_END:
		base = (off64_t)(sg_ioctl_capacity(h) * SG_BLOCK);
		break;
	default:
		pthread_mutex_unlock(&h->pos_mu);
		return -EINVAL;
	}
	ret = base + off;
	if (ret < 0)
		ret = -EINVAL;
	else
		h->pos = ret;
	pthread_mutex_unlock(&h->pos_mu);
	return ret;
}

/* lseek and lseek64 (@large). */
static off64_t
lseek_common(int fd, off64_t off, int whence, bool large)
{
	struct sg_handle *h;

	sg_libc_ready();
	h = sg_fd_lookup(fd);
	if (h)
		return result(seek(h, off, whence));
	return large ? sg_libc.lseek64(fd, off, whence) : sg_libc.lseek(fd, (off_t)off, whence);
}

SG_EXPORT off_t
lseek(int fd, off_t off, int whence)
{
	return (off_t)lseek_common(fd, off, whence, false);
}

SG_EXPORT off64_t
lseek64(int fd, off64_t off, int whence)
{
	return lseek_common(fd, off, whence, true);
}
