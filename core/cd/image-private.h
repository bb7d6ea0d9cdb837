/*
 * Private to core/cd/image-*.c: how the encoder finds each track's sectors,
 * and what the disc, cue, ISO and WAV parsers share.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "image-disc.h"

enum image_file_format {
	IMAGE_FILE_BINARY,	/* raw sectors; audio little-endian */
	IMAGE_FILE_MOTOROLA,	/* audio big-endian, swapped while encoding */
	IMAGE_FILE_WAVE,	/* the data chunk of a WAV, little-endian */
	IMAGE_FILE_DECODED,	/* audio decoded by libsndfile (image-audio.c): byte offsets
				 * count 16-bit little-endian stereo frames, 4 bytes each */
};

enum image_track_kind {
	IMAGE_TRACK_AUDIO,
	IMAGE_TRACK_MODE1_2048,
	IMAGE_TRACK_MODE1_2352,
	IMAGE_TRACK_MODE2_2352,		/* whole Mode 2 XA sectors, Form 1 or 2 */
	IMAGE_TRACK_MODE2_2336,		/* the same without sync and header */
};

struct image_join;

struct image_file {
	char *path;			/* a file, or a stream's name for messages */
	struct image_source source;	/* read != NULL: the bytes come from here, not @path */
	struct image_join *join;	/* owned: pieces of files @source reads (image-join.c) */
	enum image_file_format format;
	uint64_t data_offset;	/* where sector 0 starts (WAV: data chunk) */
	uint64_t data_length;	/* bytes of sector data */
	uint64_t head_len;	/* a FLAC stream: its metadata, which its decoder reads again
				 * from byte 0 (image_disc_stream_hold()); else 0 */
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
	uint8_t (*cdtext)[18];		/* a cue's CDTEXTFILE: packs burned as they are */
	unsigned n_cdtext;
	char **warnings;		/* image_disc_warn() */
	size_t n_warnings;
};

static inline unsigned
image_kind_sector_size(enum image_track_kind kind)
{
	return kind == IMAGE_TRACK_MODE1_2048 ? CD_DATA_SIZE :
	       kind == IMAGE_TRACK_MODE2_2336 ? CD_MAIN_SIZE - 16 : CD_MAIN_SIZE;
}

/* The sector mode of a track of @kind: 0 audio, 1 or 2. */
static inline uint8_t
image_kind_mode(enum image_track_kind kind)
{
	return kind == IMAGE_TRACK_AUDIO ? 0 :
	       kind == IMAGE_TRACK_MODE2_2352 || kind == IMAGE_TRACK_MODE2_2336 ? 2 : 1;
}

/* MM:SS:FF of @frames (clamped at 0) into @buf. */
static inline void
image_msf_text(char *buf, size_t size, int32_t frames)
{
	if (frames < 0)
		frames = 0;
	snprintf(buf, size, "%02d:%02d:%02d", frames / CD_FRAMES_PER_MINUTE,
		 (frames / CD_FRAMES_PER_SECOND) % 60, frames % CD_FRAMES_PER_SECOND);
}

static inline uint32_t
image_rd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t
image_rd_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#define IMAGE_SIZE_UNKNOWN UINT64_MAX

/*
 * The bytes a header probe looks at: an open file, or the first bytes of a
 * stream that is still arriving. Borrowed by the probe; nothing is kept.
 */
struct image_probe {
	const char *name;	/* for messages */
	int fd;			/* a file, or -1 for a stream */
	const uint8_t *head;	/* stream: the bytes so far */
	size_t head_len;
	uint64_t size;		/* whole input; IMAGE_SIZE_UNKNOWN while a stream goes on */
	uint64_t need;		/* after -EAGAIN: bytes the stream must hold first */
};

/*
 * Failures below fill a struct burn_error: BURN_E_STREAM_NOT_SUPPORTED for
 * input that breaks a rule (-EINVAL, -ENODATA), BURN_E_FAIL for a file
 * that cannot be read (its -errno), BURN_E_OUTOFMEMORY for -ENOMEM.
 */

/*
 * Records that the input breaks a rule (BURN_E_STREAM_NOT_SUPPORTED, the
 * reason from the printf-style arguments) in @err (may be NULL); returns
 * -EINVAL.
 */
#define image_disc_fail(err, ...) burn_error_set(err, BURN_E_STREAM_NOT_SUPPORTED, __VA_ARGS__)

/* Adds a file to @disc and returns its index, or -ENOMEM. Takes a copy of @path. */
int image_disc_add_file(struct image_disc *disc, const char *path,
			enum image_file_format format);

/*
 * Adds a warning line to @disc (printf-style, made one printable line as
 * burn_error_set() does). Returns 0 or -ENOMEM.
 */
int image_disc_warn(struct image_disc *disc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * One piece of a track that spans files: @bytes of file @file's sector data
 * from byte @offset, followed by zeros up to @padded bytes (whole sectors).
 */
struct image_join_piece {
	unsigned file;
	uint64_t offset;
	uint64_t bytes;
	uint64_t padded;
};

/*
 * Adds to @disc a file that reads as the @n @pieces one after the other
 * (MOTOROLA pieces swapped, IMAGE_FILE_DECODED ones decoded: it reads as
 * BINARY), named @name in messages. Returns its index or -ENOMEM. The pieces are copied; the
 * join is freed with the disc.
 */
int image_join_add(struct image_disc *disc, const struct image_join_piece *pieces, size_t n,
		   const char *name);

/* Frees what image_join_add() made; NULL is allowed. */
void image_join_free(struct image_join *join);

/* The size of the regular file (or block device) at @path into *@size. */
int image_disc_file_size(const char *path, uint64_t *size, struct burn_error *err);

/*
 * Reads @len bytes at @pos into @buf. Returns 0; -ENODATA when the input
 * ends before them; -EAGAIN, with @in->need set, when a stream has not
 * delivered them yet; or -errno with the reason in @err.
 */
int image_disc_probe_read(struct image_probe *in, uint64_t pos, void *buf, size_t len,
			  struct burn_error *err);

/* Runs @parse (image_iso_parse() or image_wav_parse()) on the file at @f->path. */
int image_disc_probe_file(struct image_file *f,
			  int (*parse)(struct image_file *f, struct image_probe *in,
				       struct burn_error *err),
			  struct burn_error *err);

/*
 * Checks that @in is an ISO 9660 image with 2048-byte blocks and takes its
 * length from the PVD's volume size; when the input's size is known, the
 * two must agree.
 */
int image_iso_parse(struct image_file *f, struct image_probe *in, struct burn_error *err);

/* Track 1 of @disc: all of file 0 as Mode 1 data (probed already). */
void image_iso_track(struct image_disc *disc);

/*
 * Finds the PCM data of a WAV; rejects anything but 16-bit stereo 44.1 kHz
 * PCM, a data chunk that is not among the first chunks, and (when the
 * input's size is known) a data chunk it does not hold.
 */
int image_wav_parse(struct image_file *f, struct image_probe *in, struct burn_error *err);

/*
 * Checks an audio file libsndfile decodes (image-audio.c): 44.1 kHz, two
 * channels, 16-bit where the format has a depth, a length in its header.
 * Makes @f IMAGE_FILE_DECODED with data_length = frames x 4.
 */
int image_audio_parse(struct image_file *f, struct burn_error *err);

/*
 * The same for a FLAC stream still arriving (@in->head, @in->fd == -1):
 * -EAGAIN with @in->need set until every metadata block is in @in->head,
 * then libsndfile opens the stream over those bytes. Refuses a stream that
 * does not start with "fLaC" and any audio image_audio_parse() refuses,
 * with its messages. Makes @f IMAGE_FILE_DECODED with data_length =
 * frames x 4 and head_len = the end of the metadata.
 */
int image_audio_parse_flac(struct image_file *f, struct image_probe *in,
			   struct burn_error *err);

/*
 * A decoder open on an IMAGE_FILE_DECODED file, for the encoder: the file
 * at @f->path, or @f->source when set (a FLAC stream: libsndfile reads it
 * from byte 0 through its virtual I/O, the metadata a second time).
 */
struct image_audio;

int image_audio_open(struct image_audio **out, const struct image_file *f,
		     struct burn_error *err);

/*
 * Decodes the @len bytes (whole frames) at byte @offset of @f's samples
 * into @buf as 16-bit little-endian stereo; seeks when @offset is not
 * where the last read ended. A file that ends early gives -EINVAL with the
 * samples it held; a stream whose source ends early, -ENODATA ("the input
 * ended after N bytes, S of the M samples its header declares"); a source's
 * failure, its -errno.
 */
int image_audio_read(struct image_audio *a, const struct image_file *f, uint64_t offset,
		     uint8_t *buf, size_t len, struct burn_error *err);

/* NULL is allowed. */
void image_audio_close(struct image_audio *a);

/*
 * Checks the audio file at @f->path: a RIFF/WAVE header goes to
 * image_wav_parse() (IMAGE_FILE_WAVE), anything else to
 * image_audio_parse() (IMAGE_FILE_DECODED).
 */
int image_disc_probe_audio(struct image_file *f, struct burn_error *err);

/* Track @i + 1 of @disc: the PCM data of file @i (probed already). */
void image_wav_track(struct image_disc *disc, size_t i);

/*
 * Fills @disc's files, tracks, indexes and texts from the cue sheet at
 * @path (image-cue-parse.c); the layout is left to the caller.
 */
int image_cue_parse(struct image_disc *disc, const char *path, struct burn_error *err);
