/*
 * Tracks that span files (cue sheets as rippers write them: a track's
 * pre-gap at the end of the previous track's file, or in a file of its
 * own): the encoder reads one file per track, so such a track gets a file
 * of its own that reads through its pieces one after the other, each as
 * the encoder reads its kind of file (raw bytes, a WAV's data chunk, big-endian
 * audio swapped, audio libsndfile decodes).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image-private.h"

struct join_piece {
	struct image_file file;	/* path owned; format, data_offset, data_length */
	uint64_t offset;	/* of the piece in the file's sector data */
	uint64_t bytes;
	uint64_t padded;
};

/*
 * One piece's file is open at a time (tracks are read in order); the lock
 * keeps encoders that share the disc from moving it under each other.
 */
struct image_join {
	struct join_piece *pieces;
	size_t n;
	pthread_mutex_t lock;
	size_t open;			/* the piece whose file is open; n = none */
	int fd;				/* BINARY, MOTOROLA, WAVE */
	struct image_audio *audio;	/* IMAGE_FILE_DECODED */
};

static void
join_close(struct image_join *join)
{
	if (join->fd >= 0)
		close(join->fd);
	join->fd = -1;
	image_audio_close(join->audio);
	join->audio = NULL;
	join->open = join->n;
}

void
image_join_free(struct image_join *join)
{
	if (!join)
		return;
	join_close(join);
	pthread_mutex_destroy(&join->lock);
	for (size_t i = 0; i < join->n; i++)
		free(join->pieces[i].file.path);
	free(join->pieces);
	free(join);
}

/* Reads the @real file bytes at @at of piece @i into @buf; returns how many, or -errno. */
static ssize_t
join_file_read(struct image_join *join, size_t i, uint64_t at, uint8_t *buf, size_t real)
{
	const struct join_piece *p = &join->pieces[i];
	size_t done = 0;

	if (join->open != i) {
		join_close(join);
		if (p->file.format == IMAGE_FILE_DECODED) {
			if (image_audio_open(&join->audio, &p->file, NULL) < 0)
				return -EIO;
		} else {
			join->fd = open(p->file.path, O_RDONLY | O_CLOEXEC);
			if (join->fd < 0)
				return -errno;
		}
		join->open = i;
	}
	if (p->file.format == IMAGE_FILE_DECODED)
		return image_audio_read(join->audio, &p->file, p->offset + at, buf, real, NULL) < 0 ?
		       0 : (ssize_t)real;
	while (done < real) {
		ssize_t n = pread(join->fd, buf + done, real - done,
				  (off_t)(p->file.data_offset + p->offset + at + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (p->file.format == IMAGE_FILE_MOTOROLA)
		for (size_t k = 0; k + 1 < done; k += 2) {
			uint8_t t = buf[k];

			buf[k] = buf[k + 1];
			buf[k + 1] = t;
		}
	return (ssize_t)done;
}

/* Reads @len bytes at @at of piece @i into @buf: file bytes, then zeros. */
static ssize_t
join_piece_read(struct image_join *join, size_t i, uint64_t at, uint8_t *buf, size_t len)
{
	const struct join_piece *p = &join->pieces[i];
	size_t real = at < p->bytes ? (size_t)(p->bytes - at < len ? p->bytes - at : len) : 0;
	ssize_t n = real ? join_file_read(join, i, at, buf, real) : 0;

	if (n < 0 || (size_t)n < real)
		return n;
	memset(buf + real, 0, len - real);
	return (ssize_t)len;
}

/* struct image_source's read(): the pieces one after the other. */
static ssize_t
join_read(void *ctx, uint64_t offset, void *buf, size_t len)
{
	struct image_join *join = ctx;
	uint64_t start = 0;
	size_t done = 0;

	pthread_mutex_lock(&join->lock);
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
		n = join_piece_read(join, i, at - start, (uint8_t *)buf + done, take);
		if (n < 0) {
			pthread_mutex_unlock(&join->lock);
			return n;
		}
		done += (size_t)n;
		if ((size_t)n < take)
			break;
		start += p->padded;
	}
	pthread_mutex_unlock(&join->lock);
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
	pthread_mutex_init(&join->lock, NULL);
	join->fd = -1;
	join->pieces = calloc(n, sizeof(*join->pieces));
	if (!join->pieces)
		goto out_nomem;
	for (size_t i = 0; i < n; i++) {
		const struct image_file *f = &disc->files[pieces[i].file];
		struct join_piece *p = &join->pieces[i];

		p->file.path = strdup(f->path);
		if (!p->file.path)
			goto out_nomem;
		join->n++;
		p->file.format = f->format;
		p->file.data_offset = f->data_offset;
		p->file.data_length = f->data_length;
		p->offset = pieces[i].offset;
		p->bytes = pieces[i].bytes;
		p->padded = pieces[i].padded;
		total += p->padded;
	}
	join->open = join->n;
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
