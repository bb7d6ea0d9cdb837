/*
 * Tracks that span files (cue sheets as rippers write them: a track's
 * pre-gap at the end of the previous track's file, or in a file of its
 * own): the encoder reads one file per track, so such a track gets a file
 * of its own that reads through its pieces one after the other.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image-private.h"

struct join_piece {
	char *path;
	uint64_t offset;	/* in the file, sector data start included */
	uint64_t bytes;
	uint64_t padded;
	bool swap;		/* MOTOROLA: big-endian audio */
};

struct image_join {
	struct join_piece *pieces;
	size_t n;
};

void
image_join_free(struct image_join *join)
{
	if (!join)
		return;
	for (size_t i = 0; i < join->n; i++)
		free(join->pieces[i].path);
	free(join->pieces);
	free(join);
}

/* Reads @len bytes at @at of @p into @buf: file bytes, then zeros. */
static ssize_t
join_piece_read(const struct join_piece *p, uint64_t at, uint8_t *buf, size_t len)
{
	size_t real = at < p->bytes ? (size_t)(p->bytes - at < len ? p->bytes - at : len) : 0;
	size_t done = 0;
	int fd;

	if (real) {
		fd = open(p->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		while (done < real) {
			ssize_t n = pread(fd, buf + done, real - done,
					  (off_t)(p->offset + at + done));

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				int e = errno;

				close(fd);
				return -e;
			}
			if (n == 0)
				break;
			done += (size_t)n;
		}
		close(fd);
		if (done < real)
			return (ssize_t)done;
		if (p->swap)
			for (size_t k = (at & 1); k + 1 < real; k += 2) {
				uint8_t t = buf[k];

				buf[k] = buf[k + 1];
				buf[k + 1] = t;
			}
	}
	memset(buf + real, 0, len - real);
	return (ssize_t)len;
}

/* struct image_source's read(): the pieces one after the other. */
static ssize_t
join_read(void *ctx, uint64_t offset, void *buf, size_t len)
{
	const struct image_join *join = ctx;
	uint64_t start = 0;
	size_t done = 0;

	for (size_t i = 0; i < join->n && done < len; i++) {
		const struct join_piece *p = &join->pieces[i];
		uint64_t at = offset + done;
		size_t take;
		ssize_t n;

		if (at >= start + p->padded) {
			start += p->padded;
			continue;
		}
		take = start + p->padded - at < len - done ? (size_t)(start + p->padded - at) :
		       len - done;
		n = join_piece_read(p, at - start, (uint8_t *)buf + done, take);
		if (n < 0)
			return n;
		done += (size_t)n;
		if ((size_t)n < take)
			break;
		start += p->padded;
	}
	return (ssize_t)done;
}

int
image_join_add(struct image_disc *disc, const struct image_join_piece *pieces, size_t n,
	       const char *name)
{
	struct image_join *join = calloc(1, sizeof(*join));
	uint64_t total = 0;
	int idx;

	if (!join)
		return -ENOMEM;
	join->pieces = calloc(n, sizeof(*join->pieces));
	if (!join->pieces)
		goto out_nomem;
	for (size_t i = 0; i < n; i++) {
		const struct image_file *f = &disc->files[pieces[i].file];
		struct join_piece *p = &join->pieces[i];

		p->path = strdup(f->path);
		if (!p->path)
			goto out_nomem;
		join->n++;
		p->offset = f->data_offset + pieces[i].offset;
		p->bytes = pieces[i].bytes;
		p->padded = pieces[i].padded;
		p->swap = f->format == IMAGE_FILE_MOTOROLA;
		total += p->padded;
	}
	idx = image_disc_add_file(disc, name, IMAGE_FILE_BINARY);
	if (idx < 0)
		goto out_nomem;
	disc->files[idx].join = join;
	disc->files[idx].source.read = join_read;
	disc->files[idx].source.ctx = join;
	disc->files[idx].data_offset = 0;
	disc->files[idx].data_length = total;
	return idx;

out_nomem:
	image_join_free(join);
	return -ENOMEM;
}
