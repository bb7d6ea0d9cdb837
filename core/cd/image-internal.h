/*
 * Private to core/image-*.c: how the encoder finds each track's sectors.
 */
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "image-disc.h"

enum image_file_format {
	IMAGE_FILE_BINARY,	/* raw sectors; audio little-endian */
	IMAGE_FILE_MOTOROLA,	/* audio big-endian, swapped while encoding */
	IMAGE_FILE_WAVE,	/* the data chunk of a WAV, little-endian */
};

enum image_track_kind {
	IMAGE_TRACK_AUDIO,
	IMAGE_TRACK_MODE1_2048,
	IMAGE_TRACK_MODE1_2352,
};

struct image_file {
	char *path;			/* a file, or a stream's name for messages */
	struct image_source source;	/* read != NULL: the bytes come from here, not @path */
	enum image_file_format format;
	uint64_t data_offset;	/* where sector 0 starts (WAV: data chunk) */
	uint64_t data_length;	/* bytes of sector data */
};

/* A track on the address line: [silent pregap][file sectors][postgap]. */
struct image_track_src {
	enum image_track_kind kind;
	unsigned file;			/* index into image_disc.files */
	uint64_t file_offset;		/* byte offset of the first file sector */
	uint64_t file_bytes;		/* bytes from the file; audio may end mid-sector */
	uint32_t file_sectors;		/* sectors from the file, a partial one included */
	uint32_t pregap_silent;		/* PREGAP */
	uint32_t postgap;		/* POSTGAP */
};

struct image_disc {
	struct image_file *files;
	size_t n_files;
	struct image_track_src src[IMAGE_MAX_TRACKS + 1];	/* by track number */
	struct image_toc toc;
};

static inline unsigned
image_kind_sector_size(enum image_track_kind kind)
{
	return kind == IMAGE_TRACK_MODE1_2048 ? CD_DATA_SIZE : CD_MAIN_SIZE;
}

__attribute__((format(printf, 2, 3)))
void image_error_set(struct image_error *err, const char *fmt, ...);
