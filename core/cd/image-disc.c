/*
 * Disc descriptions: cue sheets, ISO 9660 images and WAV files become one
 * struct image_disc with every track placed on the address line. Nothing is
 * read beyond headers; the encoder streams the sectors later.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image-internal.h"
#include "subchannel.h"

#define CUE_LINE_MAX 1024
#define ISO_PVD_OFFSET (16 * 2048)

void
image_error_set(struct image_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static bool
has_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);

	return n > m && strcasecmp(path + n - m, suffix) == 0;
}

static void
msf_text(char *buf, size_t size, int32_t frames)
{
	if (frames < 0)
		frames = 0;
	snprintf(buf, size, "%02d:%02d:%02d", frames / CD_FRAMES_PER_MINUTE,
		 (frames / CD_FRAMES_PER_SECOND) % 60, frames % CD_FRAMES_PER_SECOND);
}

void
image_disc_destroy(struct image_disc *disc)
{
	if (!disc)
		return;
	for (size_t i = 0; i < disc->n_files; i++)
		free(disc->files[i].path);
	free(disc->files);
	free(disc);
}

const struct image_toc *
image_disc_toc(const struct image_disc *disc)
{
	return &disc->toc;
}

int
image_mcn_check(const char *mcn, struct image_error *err)
{
	unsigned sum = 0, check;

	if (strlen(mcn) != SUBQ_MCN_LEN || strspn(mcn, "0123456789") != SUBQ_MCN_LEN) {
		image_error_set(err, "catalog number '%s' is not 13 digits", mcn);
		return -EINVAL;
	}
	for (unsigned i = 0; i < 12; i++)
		sum += (unsigned)(mcn[i] - '0') * (i % 2 ? 3 : 1);
	check = (10 - sum % 10) % 10;
	if ((unsigned)(mcn[12] - '0') != check) {
		image_error_set(err, "catalog number %s has a wrong check digit (expected %u)",
				mcn, check);
		return -EINVAL;
	}
	return 0;
}

/* Adds a file to @disc and returns its index, or -errno. Takes a copy of @path. */
static int
disc_add_file(struct image_disc *disc, const char *path, enum image_file_format format)
{
	struct image_file *files;

	files = realloc(disc->files, (disc->n_files + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	disc->files = files;
	memset(&files[disc->n_files], 0, sizeof(files[0]));
	files[disc->n_files].path = strdup(path);
	if (!files[disc->n_files].path)
		return -ENOMEM;
	files[disc->n_files].format = format;
	return (int)disc->n_files++;
}

static int
file_size(const char *path, uint64_t *size, struct image_error *err)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		int e = errno;

		image_error_set(err, "%s: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		image_error_set(err, "%s: not a regular file", path);
		return -EINVAL;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

static uint32_t
rd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t
rd_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#define IMAGE_SIZE_UNKNOWN UINT64_MAX

/*
 * The bytes a header probe looks at: an open file, or the first bytes of a
 * stream that is still arriving. Borrowed by the probe; nothing is kept.
 */
struct probe_input {
	const char *name;	/* for messages */
	int fd;			/* a file, or -1 for a stream */
	const uint8_t *head;	/* stream: the bytes so far */
	size_t head_len;
	uint64_t size;		/* whole input; IMAGE_SIZE_UNKNOWN while a stream goes on */
	uint64_t need;		/* after -EAGAIN: bytes the stream must hold first */
};

/*
 * Reads @len bytes at @pos into @buf. Returns 0; -ENODATA when the input
 * ends before them; -EAGAIN, with @in->need set, when a stream has not
 * delivered them yet; or -errno with the reason in @err.
 */
static int
probe_read(struct probe_input *in, uint64_t pos, void *buf, size_t len, struct image_error *err)
{
	ssize_t n;

	if (in->fd >= 0) {
		n = pread(in->fd, buf, len, (off_t)pos);
		if (n < 0) {
			int e = errno;

			image_error_set(err, "%s: %s", in->name, strerror(e));
			return -e;
		}
		return (size_t)n == len ? 0 : -ENODATA;
	}
	if (pos <= in->head_len && len <= in->head_len - pos) {
		memcpy(buf, in->head + pos, len);
		return 0;
	}
	if (in->size != IMAGE_SIZE_UNKNOWN)
		return -ENODATA;
	in->need = pos + len;
	return -EAGAIN;
}

/*
 * Real WAV files carry a handful of chunks before their data. The bound
 * keeps a header of many tiny chunks from costing a read per 8 bytes of a
 * file, and a stream (a burn job re-parses the header each time it asks
 * for the next chunk) from costing time quadratic in the header's size.
 */
#define WAV_MAX_CHUNKS 256

/*
 * Finds the PCM data of a WAV; rejects anything but 16-bit stereo 44.1 kHz
 * PCM, a data chunk that is not among the first WAV_MAX_CHUNKS chunks, and
 * (when the input's size is known) a data chunk it does not hold.
 */
static int
wav_parse(struct image_file *f, struct probe_input *in, struct image_error *err)
{
	uint8_t hdr[12], ck[8], fmt[40];
	uint64_t pos = 12;
	bool have_fmt = false;
	unsigned chunks = 0;
	int ret;

	ret = probe_read(in, 0, hdr, sizeof(hdr), err);
	if (ret == -ENODATA || (!ret && (memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4)))) {
		image_error_set(err, "%s: not a WAV file (no RIFF/WAVE header)", in->name);
		return -EINVAL;
	}
	if (ret < 0)
		return ret;
	for (;;) {
		uint64_t len;

		if (chunks++ == WAV_MAX_CHUNKS) {
			image_error_set(err, "%s: WAV has no data chunk among its first %d chunks",
					in->name, WAV_MAX_CHUNKS);
			return -EINVAL;
		}
		ret = probe_read(in, pos, ck, sizeof(ck), err);
		if (ret == -ENODATA) {
			image_error_set(err, "%s: WAV file has no %s chunk", in->name,
					have_fmt ? "data" : "fmt");
			return -EINVAL;
		}
		if (ret < 0)
			return ret;
		len = rd_le32(ck + 4);
		if (!memcmp(ck, "fmt ", 4)) {
			size_t n = len < sizeof(fmt) ? (size_t)len : sizeof(fmt);
			unsigned tag, channels, rate, bits;

			memset(fmt, 0, sizeof(fmt));
			ret = len < 16 ? -ENODATA : probe_read(in, pos + 8, fmt, n, err);
			if (ret == -ENODATA) {
				image_error_set(err, "%s: WAV fmt chunk is truncated", in->name);
				return -EINVAL;
			}
			if (ret < 0)
				return ret;
			tag = rd_le16(fmt);
			channels = rd_le16(fmt + 2);
			rate = rd_le32(fmt + 4);
			bits = rd_le16(fmt + 14);
			/* WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag */
			if (tag == 0xfffe && len >= 40)
				tag = rd_le16(fmt + 24);
			if (tag != 1 || channels != 2 || rate != 44100 || bits != 16) {
				image_error_set(err, "%s: WAV must be 16-bit stereo 44.1 kHz PCM, this is format %u, %u channel(s), %u Hz, %u-bit",
						in->name, tag, channels, rate, bits);
				return -EINVAL;
			}
			have_fmt = true;
		} else if (!memcmp(ck, "data", 4)) {
			if (!have_fmt) {
				image_error_set(err, "%s: WAV data chunk comes before its fmt chunk",
						in->name);
				return -EINVAL;
			}
			f->data_offset = pos + 8;
			if (in->size != IMAGE_SIZE_UNKNOWN && len > in->size - f->data_offset) {
				image_error_set(err, "%s: WAV data chunk announces %" PRIu64
						" bytes but the file holds only %" PRIu64,
						in->name, len, in->size - f->data_offset);
				return -EINVAL;
			}
			f->data_length = len;
			return 0;
		}
		pos += 8 + len + (len & 1);
	}
}

/*
 * Checks that the input is an ISO 9660 image with 2048-byte blocks and
 * takes its length from the PVD's volume size; when the input's size is
 * known, the two must agree.
 */
static int
iso_parse(struct image_file *f, struct probe_input *in, struct image_error *err)
{
	uint8_t pvd[2048];
	uint64_t volume;
	unsigned block;
	int ret;

	ret = probe_read(in, ISO_PVD_OFFSET, pvd, sizeof(pvd), err);
	if (ret == -ENODATA || (!ret && (pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5) != 0))) {
		image_error_set(err, "%s: no ISO 9660 primary volume descriptor at sector 16",
				in->name);
		return -EINVAL;
	}
	if (ret < 0)
		return ret;
	volume = rd_le32(pvd + 80);
	block = rd_le16(pvd + 128);
	if (block != CD_DATA_SIZE) {
		image_error_set(err, "%s: ISO logical block size is %u, a CD needs 2048",
				in->name, block);
		return -EINVAL;
	}
	if (in->size != IMAGE_SIZE_UNKNOWN && volume * CD_DATA_SIZE != in->size) {
		image_error_set(err, "%s: ISO volume size in the primary volume descriptor is %" PRIu64 " sectors (%" PRIu64 " bytes) but the file is %" PRIu64 " bytes",
				in->name, volume, volume * CD_DATA_SIZE, in->size);
		return -EINVAL;
	}
	f->data_offset = 0;
	f->data_length = volume * CD_DATA_SIZE;
	return 0;
}

/* Runs @parse on the file at @f->path. */
static int
file_probe(struct image_file *f,
	   int (*parse)(struct image_file *f, struct probe_input *in, struct image_error *err),
	   struct image_error *err)
{
	struct probe_input in = { .name = f->path };
	int ret;

	ret = file_size(f->path, &in.size, err);
	if (ret < 0)
		return ret;
	in.fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (in.fd < 0) {
		ret = -errno;
		image_error_set(err, "%s: %s", f->path, strerror(-ret));
		return ret;
	}
	ret = parse(f, &in, err);
	close(in.fd);
	return ret;
}

static int
wav_probe(struct image_file *f, struct image_error *err)
{
	return file_probe(f, wav_parse, err);
}

static int
iso_probe(struct image_file *f, struct image_error *err)
{
	return file_probe(f, iso_parse, err);
}

/* ---- cue sheets ---- */

struct cue_track {
	bool used;
	enum image_track_kind kind;
	int file;
	uint8_t flags;
	int32_t index[IMAGE_MAX_INDEX + 1];	/* frames in the file; -1 = absent */
	uint32_t pregap, postgap;
	unsigned line;
};

struct cue_state {
	const char *cue_path;
	unsigned line;
	int file;
	unsigned track;		/* current track number, 0 = none */
	unsigned n_tracks;
	struct cue_track *tracks;	/* [IMAGE_MAX_TRACKS + 1] */
	struct image_error *err;
};

/* Next word or "quoted string" of @p into @out; returns the rest or NULL. */
static char *
cue_word(char *p, char *out, size_t size)
{
	size_t n = 0;

	while (*p && isspace((unsigned char)*p))
		p++;
	if (!*p)
		return NULL;
	if (*p == '"') {
		p++;
		while (*p && *p != '"') {
			if (n + 1 < size)
				out[n++] = *p;
			p++;
		}
		if (*p == '"')
			p++;
	} else {
		while (*p && !isspace((unsigned char)*p)) {
			if (n + 1 < size)
				out[n++] = *p;
			p++;
		}
	}
	out[n] = '\0';
	return p;
}

__attribute__((format(printf, 2, 3)))
static int
cue_fail(struct cue_state *st, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!st->err)
		return -EINVAL;
	n = snprintf(st->err->msg, sizeof(st->err->msg), "%s:%u: ", st->cue_path, st->line);
	if (n < 0 || (size_t)n >= sizeof(st->err->msg))
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(st->err->msg + n, sizeof(st->err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Copies @src into @dst of @size bytes, cutting it if needed. */
static void
copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
cue_msf(struct cue_state *st, const char *text, int32_t *frames)
{
	unsigned m, s, f;
	char tail;

	if (sscanf(text, "%u:%u:%u%c", &m, &s, &f, &tail) != 3 || s > 59 || f > 74 || m > 99)
		return cue_fail(st, "'%s' is not a valid MM:SS:FF time", text);
	*frames = (int32_t)((m * 60 + s) * CD_FRAMES_PER_SECOND + f);
	return 0;
}

static int
cue_file(struct image_disc *disc, struct cue_state *st, char *rest)
{
	char name[CUE_LINE_MAX], type[32], *path = NULL, *slash;
	enum image_file_format format;
	int ret;

	rest = cue_word(rest, name, sizeof(name));
	if (!rest || !cue_word(rest, type, sizeof(type)))
		return cue_fail(st, "%s needs a file name and a type", "FILE");
	if (!strcasecmp(type, "BINARY"))
		format = IMAGE_FILE_BINARY;
	else if (!strcasecmp(type, "MOTOROLA"))
		format = IMAGE_FILE_MOTOROLA;
	else if (!strcasecmp(type, "WAVE"))
		format = IMAGE_FILE_WAVE;
	else
		return cue_fail(st, "FILE type %s is not supported (BINARY, MOTOROLA, WAVE)",
				type);
	slash = strrchr(st->cue_path, '/');
	if (name[0] != '/' && slash) {
		if (asprintf(&path, "%.*s/%s", (int)(slash - st->cue_path), st->cue_path,
			     name) < 0)
			return -ENOMEM;
	} else {
		path = strdup(name);
		if (!path)
			return -ENOMEM;
	}
	ret = disc_add_file(disc, path, format);
	free(path);
	if (ret < 0)
		return ret;
	st->file = ret;
	{
		struct image_file *f = &disc->files[ret];
		uint64_t size;

		struct image_error e;

		if (format == IMAGE_FILE_WAVE) {
			ret = wav_probe(f, &e);
			if (ret < 0) {
				cue_fail(st, "%s", e.msg);
				return ret;
			}
		} else {
			ret = file_size(f->path, &size, &e);
			if (ret < 0) {
				cue_fail(st, "FILE %s", e.msg);
				return ret;
			}
			f->data_offset = 0;
			f->data_length = size;
		}
	}
	return 0;
}

static int
cue_track_cmd(struct cue_state *st, char *rest)
{
	char num[16], mode[32];
	struct cue_track *t;
	char *end;
	long n;

	rest = cue_word(rest, num, sizeof(num));
	if (!rest || !cue_word(rest, mode, sizeof(mode)))
		return cue_fail(st, "%s needs a number and a mode", "TRACK");
	if (st->file < 0)
		return cue_fail(st, "%s before any FILE", "TRACK");
	n = strtol(num, &end, 10);
	if (*end || n < 1)
		return cue_fail(st, "track number '%s' is not valid", num);
	if (n > IMAGE_MAX_TRACKS || st->n_tracks >= IMAGE_MAX_TRACKS)
		return cue_fail(st, "track %s: a CD holds at most 99 tracks", num);
	if (st->track ? (unsigned)n != st->track + 1 : n != 1)
		return cue_fail(st, "track %s is out of sequence (tracks count up from 1)", num);
	t = &st->tracks[n];
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i <= IMAGE_MAX_INDEX; i++)
		t->index[i] = -1;
	t->used = true;
	t->file = st->file;
	t->line = st->line;
	if (!strcasecmp(mode, "AUDIO"))
		t->kind = IMAGE_TRACK_AUDIO;
	else if (!strcasecmp(mode, "MODE1/2048"))
		t->kind = IMAGE_TRACK_MODE1_2048;
	else if (!strcasecmp(mode, "MODE1/2352"))
		t->kind = IMAGE_TRACK_MODE1_2352;
	else
		return cue_fail(st, "track mode %s is not supported (AUDIO, MODE1/2048, MODE1/2352)",
			mode);
	st->track = (unsigned)n;
	st->n_tracks++;
	return 0;
}

static int
cue_text(struct image_disc *disc, struct cue_state *st, const char *cmd, char *rest)
{
	char value[CUE_LINE_MAX];
	char *dst;

	if (!cue_word(rest, value, sizeof(value)))
		return cue_fail(st, "%s needs a value", cmd);
	if (!strcasecmp(cmd, "TITLE"))
		dst = st->track ? disc->toc.track[st->track].title : disc->toc.title;
	else
		dst = st->track ? disc->toc.track[st->track].performer : disc->toc.performer;
	copy_text(dst, IMAGE_TEXT_MAX + 1, value);
	return 0;
}

static int
cue_line(struct image_disc *disc, struct cue_state *st, char *line)
{
	char cmd[32], arg[CUE_LINE_MAX], arg2[64];
	struct cue_track *t = st->track ? &st->tracks[st->track] : NULL;
	char *rest;
	int ret;

	rest = cue_word(line, cmd, sizeof(cmd));
	if (!rest)
		return 0;
	if (!strcasecmp(cmd, "REM") || !strcasecmp(cmd, "SONGWRITER") ||
	    !strcasecmp(cmd, "CDTEXTFILE"))
		return 0;
	if (!strcasecmp(cmd, "FILE"))
		return cue_file(disc, st, rest);
	if (!strcasecmp(cmd, "TRACK"))
		return cue_track_cmd(st, rest);
	if (!strcasecmp(cmd, "TITLE") || !strcasecmp(cmd, "PERFORMER"))
		return cue_text(disc, st, cmd, rest);
	if (!strcasecmp(cmd, "CATALOG")) {
		struct image_error e;

		if (!cue_word(rest, arg, sizeof(arg)))
			return cue_fail(st, "%s needs a value", cmd);
		if (image_mcn_check(arg, &e) < 0)
			return cue_fail(st, "%s", e.msg);
		memcpy(disc->toc.mcn, arg, SUBQ_MCN_LEN + 1);
		return 0;
	}
	if (!t)
		return cue_fail(st, "%s outside a TRACK", cmd);
	if (!strcasecmp(cmd, "ISRC")) {
		char clean[32];
		size_t n = 0;

		if (!cue_word(rest, arg, sizeof(arg)))
			return cue_fail(st, "%s needs a value", cmd);
		for (char *p = arg; *p && n + 1 < sizeof(clean); p++)
			if (*p != '-')
				clean[n++] = (char)toupper((unsigned char)*p);
		clean[n] = '\0';
		if (!subq_isrc_valid(clean))
			return cue_fail(st, "ISRC '%s' is not CCOOOYYSSSSS (5 letters or digits, 7 digits)",
				arg);
		if (t->kind != IMAGE_TRACK_AUDIO)
			return cue_fail(st, "%s is for audio tracks only", "ISRC");
		memcpy(disc->toc.track[st->track].isrc, clean, SUBQ_ISRC_LEN + 1);
		return 0;
	}
	if (!strcasecmp(cmd, "FLAGS")) {
		while ((rest = cue_word(rest, arg, sizeof(arg)))) {
			if (!strcasecmp(arg, "DCP"))
				t->flags |= SUBQ_CONTROL_COPY;
			else if (!strcasecmp(arg, "PRE"))
				t->flags |= SUBQ_CONTROL_PREEMPHASIS;
			else if (!strcasecmp(arg, "4CH"))
				t->flags |= SUBQ_CONTROL_FOUR_CHANNEL;
			else if (strcasecmp(arg, "SCMS"))
				return cue_fail(st, "unknown FLAGS value %s", arg);
		}
		return 0;
	}
	if (!strcasecmp(cmd, "PREGAP") || !strcasecmp(cmd, "POSTGAP")) {
		int32_t frames;

		if (!cue_word(rest, arg, sizeof(arg)))
			return cue_fail(st, "%s needs a time", cmd);
		ret = cue_msf(st, arg, &frames);
		if (ret < 0)
			return ret;
		if (!strcasecmp(cmd, "PREGAP"))
			t->pregap = (uint32_t)frames;
		else
			t->postgap = (uint32_t)frames;
		return 0;
	}
	if (!strcasecmp(cmd, "INDEX")) {
		int32_t frames;
		char *end;
		long n;

		rest = cue_word(rest, arg2, sizeof(arg2));
		if (!rest || !cue_word(rest, arg, sizeof(arg)))
			return cue_fail(st, "%s needs a number and a time", cmd);
		n = strtol(arg2, &end, 10);
		if (*end || n < 0 || n > IMAGE_MAX_INDEX)
			return cue_fail(st, "index number '%s' is not 0..99", arg2);
		ret = cue_msf(st, arg, &frames);
		if (ret < 0)
			return ret;
		if (t->index[n] >= 0)
			return cue_fail(st, "INDEX %s given twice", arg2);
		if (n > 1 && t->index[n - 1] < 0)
			return cue_fail(st, "INDEX %s follows a missing index", arg2);
		if (n >= 1) {
			int32_t prev = t->index[n - 1] >= 0 ? t->index[n - 1] :
				       n == 1 ? -1 : t->index[n - 2];

			if (prev >= 0 && frames <= prev)
				return cue_fail(st, "INDEX %s does not come after the previous index",
						arg2);
		} else if (t->index[1] >= 0) {
			return cue_fail(st, "INDEX 00 must come before %s", "INDEX 01");
		}
		t->index[n] = frames;
		return 0;
	}
	return cue_fail(st, "unknown command %s", cmd);
}

/* First file frame of a track: INDEX 00 when present, else INDEX 01. */
static int32_t
cue_track_begin(const struct cue_track *t)
{
	return t->index[0] >= 0 ? t->index[0] : t->index[1];
}

static int
cue_finish(struct image_disc *disc, struct cue_state *st)
{
	uint64_t byte_begin = 0;
	char msf[16];

	if (!st->n_tracks) {
		image_error_set(st->err, "%s: no TRACK", st->cue_path);
		return -EINVAL;
	}
	for (unsigned n = 1; n <= st->n_tracks; n++) {
		struct cue_track *t = &st->tracks[n], *prev = n > 1 ? &st->tracks[n - 1] : NULL;
		struct cue_track *next = n < st->n_tracks ? &st->tracks[n + 1] : NULL;
		struct image_track_src *src = &disc->src[n];
		struct image_file *f = &disc->files[t->file];
		unsigned size = image_kind_sector_size(t->kind);
		uint64_t byte_end;

		if (t->index[1] < 0) {
			image_error_set(st->err, "%s:%u: track %u has no INDEX 01", st->cue_path,
					t->line, n);
			return -EINVAL;
		}
		if (f->format != IMAGE_FILE_BINARY && t->kind != IMAGE_TRACK_AUDIO) {
			image_error_set(st->err, "%s:%u: track %u is a data track in a %s file",
					st->cue_path, t->line, n,
					f->format == IMAGE_FILE_WAVE ? "WAVE" : "MOTOROLA");
			return -EINVAL;
		}
		if (prev && prev->file == t->file) {
			byte_begin += (uint64_t)(cue_track_begin(t) - cue_track_begin(prev)) *
				image_kind_sector_size(prev->kind);
			int32_t prev_last = prev->index[1];

			for (unsigned i = 2; i <= IMAGE_MAX_INDEX && prev->index[i] >= 0; i++)
				prev_last = prev->index[i];
			if (cue_track_begin(t) <= prev_last) {
				image_error_set(st->err, "%s:%u: track %u starts before track %u ends",
					st->cue_path, t->line, n, n - 1);
				return -EINVAL;
			}
		} else {
			byte_begin = (uint64_t)cue_track_begin(t) * size;
		}
		/* every index must point inside the file */
		for (unsigned i = 0; i <= IMAGE_MAX_INDEX; i++) {
			uint64_t at;

			if (t->index[i] < 0)
				continue;
			at = byte_begin + (uint64_t)(t->index[i] - cue_track_begin(t)) * size;
			if (at >= f->data_length) {
				msf_text(msf, sizeof(msf), t->index[i]);
				image_error_set(st->err, "%s: file is too short for %s: track %u INDEX %02u at %s is at byte %" PRIu64 " but the file holds %" PRIu64 " bytes",
					f->path, st->cue_path, n, i,
						msf, at, f->data_length);
				return -EINVAL;
			}
		}
		if (next && next->file == t->file)
			byte_end = byte_begin + (uint64_t)(cue_track_begin(next) -
							   cue_track_begin(t)) * size;
		else
			byte_end = f->data_length;
		if (byte_end > f->data_length) {
			msf_text(msf, sizeof(msf), cue_track_begin(next));
			image_error_set(st->err, "%s: file is too short for %s: track %u starts at %s, past its end (%" PRIu64 " bytes)",
				f->path,
					st->cue_path, n + 1, msf, f->data_length);
			return -EINVAL;
		}
		if (t->kind != IMAGE_TRACK_AUDIO && (byte_end - byte_begin) % size) {
			image_error_set(st->err, "%s: track %u of %s is %" PRIu64 " bytes, not a whole number of %u-byte sectors",
				f->path, n,
					st->cue_path, byte_end - byte_begin, size);
			return -EINVAL;
		}
		src->kind = t->kind;
		src->file = (unsigned)t->file;
		src->file_offset = f->data_offset + byte_begin;
		src->file_bytes = byte_end - byte_begin;
		src->file_sectors = (uint32_t)((src->file_bytes + size - 1) / size);
		src->pregap_silent = t->pregap;
		src->postgap = t->postgap;
		disc->toc.track[n].control = (uint8_t)(t->kind == IMAGE_TRACK_AUDIO ? t->flags :
						       SUBQ_CONTROL_DATA |
						       (t->flags & SUBQ_CONTROL_COPY));
		/* index offsets relative to the track's first file sector */
		disc->toc.track[n].index_count = 0;
		for (unsigned i = 1; i <= IMAGE_MAX_INDEX && t->index[i] >= 0; i++) {
			disc->toc.track[n].index_lba[i] = t->index[i] - cue_track_begin(t);
			disc->toc.track[n].index_count = i;
		}
	}
	disc->toc.first_track = 1;
	disc->toc.last_track = st->n_tracks;
	return 0;
}

static int
disc_from_cue(struct image_disc *disc, const char *path, struct image_error *err)
{
	struct cue_state st = { .cue_path = path, .file = -1, .err = err };
	char line[CUE_LINE_MAX];
	int ret = 0;
	FILE *fp;

	fp = fopen(path, "r");
	if (!fp) {
		ret = -errno;
		image_error_set(err, "%s: %s", path, strerror(-ret));
		return ret;
	}
	st.tracks = calloc(IMAGE_MAX_TRACKS + 1, sizeof(*st.tracks));
	if (!st.tracks) {
		ret = -ENOMEM;
		goto out_close;
	}
	while (fgets(line, sizeof(line), fp)) {
		size_t n = strlen(line);

		st.line++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			ret = cue_fail(&st, "line is longer than %d bytes", CUE_LINE_MAX - 1);
			goto out_free;
		}
		if (st.line == 1 && (uint8_t)line[0] == 0xef && (uint8_t)line[1] == 0xbb &&
		    (uint8_t)line[2] == 0xbf)
			memmove(line, line + 3, n - 2);
		ret = cue_line(disc, &st, line);
		if (ret < 0) {
			if (ret == -ENOMEM)
				image_error_set(err, "%s: out of memory", path);
			goto out_free;
		}
	}
	if (ferror(fp)) {
		ret = -EIO;
		image_error_set(err, "%s: read error", path);
		goto out_free;
	}
	ret = cue_finish(disc, &st);
out_free:
	free(st.tracks);
out_close:
	fclose(fp);
	return ret;
}

/* Track 1 of @disc: all of file 0 as Mode 1 data (probed already). */
static void
iso_track(struct image_disc *disc)
{
	struct image_track_src *src = &disc->src[1];

	src->kind = IMAGE_TRACK_MODE1_2048;
	src->file = 0;
	src->file_offset = 0;
	src->file_bytes = disc->files[0].data_length;
	src->file_sectors = (uint32_t)(src->file_bytes / CD_DATA_SIZE);
	disc->toc.track[1].control = SUBQ_CONTROL_DATA;
	disc->toc.track[1].index_count = 1;
	disc->toc.first_track = disc->toc.last_track = 1;
}

static int
disc_from_iso(struct image_disc *disc, const char *path, struct image_error *err)
{
	int ret;

	ret = disc_add_file(disc, path, IMAGE_FILE_BINARY);
	if (ret < 0)
		return ret;
	ret = iso_probe(&disc->files[0], err);
	if (ret < 0)
		return ret;
	iso_track(disc);
	return 0;
}

/* Track @i + 1 of @disc: the PCM data of file @i (probed already). */
static void
wav_track(struct image_disc *disc, size_t i)
{
	struct image_track_src *src = &disc->src[i + 1];

	src->kind = IMAGE_TRACK_AUDIO;
	src->file = (unsigned)i;
	src->file_offset = disc->files[i].data_offset;
	src->file_bytes = disc->files[i].data_length;
	src->file_sectors = (uint32_t)((src->file_bytes + CD_MAIN_SIZE - 1) / CD_MAIN_SIZE);
	/* IMAPI's default: a 2-second silent gap between tracks */
	src->pregap_silent = i ? CD_PREGAP_FRAMES : 0;
	disc->toc.track[i + 1].control = 0;
	disc->toc.track[i + 1].index_count = 1;
}

static int
disc_from_wavs(struct image_disc *disc, const char *const *paths, size_t n,
	       struct image_error *err)
{
	int ret;

	if (n > IMAGE_MAX_TRACKS) {
		image_error_set(err, "%zu WAV files: a CD holds at most 99 tracks", n);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		ret = disc_add_file(disc, paths[i], IMAGE_FILE_WAVE);
		if (ret < 0)
			return ret;
		ret = wav_probe(&disc->files[i], err);
		if (ret < 0)
			return ret;
		wav_track(disc, i);
	}
	disc->toc.first_track = 1;
	disc->toc.last_track = (unsigned)n;
	return 0;
}

/* Places every track on the address line and checks the length rules. */
static int
disc_layout(struct image_disc *disc, const char *input, unsigned flags,
	    struct image_error *err)
{
	struct image_toc *toc = &disc->toc;
	int32_t lba = 0;
	char msf[16];

	for (unsigned n = toc->first_track; n <= toc->last_track; n++) {
		struct image_toc_track *t = &toc->track[n];
		struct image_track_src *src = &disc->src[n];
		int32_t file_pregap = t->index_lba[1];	/* INDEX 00 .. 01 from the file */
		int32_t start;

		t->pregap_lba = n == toc->first_track ? -CD_PREGAP_FRAMES : lba;
		start = lba + (int32_t)src->pregap_silent + file_pregap;
		for (unsigned i = 1; i <= t->index_count; i++)
			t->index_lba[i] += start - file_pregap;
		t->start_lba = start;
		t->index_lba[0] = t->pregap_lba;
		lba += (int32_t)(src->pregap_silent + src->file_sectors + src->postgap);
		t->end_lba = lba;
		if (t->end_lba - t->start_lba < IMAGE_MIN_TRACK_SECTORS) {
			image_error_set(err, "%s: track %u is %d sectors long; a track needs at least 300 sectors (4 seconds)",
					has_suffix(input, ".wav") ? disc->files[src->file].path :
					input, n,
					t->end_lba - t->start_lba);
			return -EINVAL;
		}
		if (lba > IMAGE_LAST_SECTOR_OVERBURN)
			break;
	}
	toc->leadout_lba = lba;
	msf_text(msf, sizeof(msf), lba + CD_PREGAP_FRAMES);
	if (lba + IMAGE_LEADOUT_SECTORS - 1 > IMAGE_LAST_SECTOR_OVERBURN) {
		image_error_set(err, "%s: disc is too long: lead-out at %s (LBA %d) would end past 89:59:74, the end of the CD address range",
			input, msf, lba);
		return -EINVAL;
	}
	if (lba > IMAGE_LAST_LEADOUT_80MIN && !(flags & IMAGE_DISC_OVERBURN)) {
		image_error_set(err, "%s: disc is too long: lead-out at %s (LBA %d) is past 79:59:74, the end of an 80-minute CD-R (use --overburn to allow it)",
				input, msf, lba);
		return -EINVAL;
	}
	return 0;
}

int
image_disc_open(struct image_disc **out, const char *const *inputs, size_t n_inputs,
		unsigned flags, struct image_error *err)
{
	struct image_disc *disc;
	size_t wavs = 0;
	int ret;

	*out = NULL;
	if (!n_inputs) {
		image_error_set(err, "no input");
		return -EINVAL;
	}
	for (size_t i = 0; i < n_inputs; i++)
		wavs += has_suffix(inputs[i], ".wav");
	if (wavs != n_inputs && n_inputs > 1) {
		image_error_set(err, "give one .cue, one .iso, or one or more .wav files");
		return -EINVAL;
	}
	disc = calloc(1, sizeof(*disc));
	if (!disc) {
		image_error_set(err, "out of memory");
		return -ENOMEM;
	}
	if (wavs)
		ret = disc_from_wavs(disc, inputs, n_inputs, err);
	else if (has_suffix(inputs[0], ".cue"))
		ret = disc_from_cue(disc, inputs[0], err);
	else if (has_suffix(inputs[0], ".iso"))
		ret = disc_from_iso(disc, inputs[0], err);
	else {
		image_error_set(err, "%s: unknown input type (expected .cue, .iso or .wav)",
				inputs[0]);
		ret = -EINVAL;
	}
	if (ret == -ENOMEM)
		image_error_set(err, "out of memory");
	if (ret >= 0)
		ret = disc_layout(disc, inputs[0], flags, err);
	if (ret < 0) {
		image_disc_destroy(disc);
		return ret;
	}
	*out = disc;
	return 0;
}

int
image_disc_open_stream(struct image_disc **out, enum image_stream_kind kind, const char *name,
		       const uint8_t *head, size_t head_len, size_t *need,
		       const struct image_source *src, unsigned flags, struct image_error *err)
{
	struct probe_input in = { .name = name, .fd = -1, .head = head, .head_len = head_len,
				  .size = IMAGE_SIZE_UNKNOWN };
	struct image_disc *disc;
	int ret;

	*out = NULL;
	*need = 0;
	if ((kind != IMAGE_STREAM_ISO && kind != IMAGE_STREAM_WAV) || !src || !src->read) {
		image_error_set(err, "%s: a stream needs a kind (ISO or WAV) and a source", name);
		return -EINVAL;
	}
	if (flags & IMAGE_DISC_INPUT_ENDED)
		in.size = head_len;
	disc = calloc(1, sizeof(*disc));
	if (!disc) {
		image_error_set(err, "out of memory");
		return -ENOMEM;
	}
	ret = disc_add_file(disc, name, kind == IMAGE_STREAM_ISO ? IMAGE_FILE_BINARY
							      : IMAGE_FILE_WAVE);
	if (ret < 0) {
		image_error_set(err, "out of memory");
		goto out_destroy;
	}
	disc->files[0].source = *src;
	if (kind == IMAGE_STREAM_ISO)
		ret = iso_parse(&disc->files[0], &in, err);
	else
		ret = wav_parse(&disc->files[0], &in, err);
	if (ret == -EAGAIN) {
		*need = in.need > SIZE_MAX ? SIZE_MAX : (size_t)in.need;
		goto out_destroy;
	}
	if (ret < 0)
		goto out_destroy;
	if (kind == IMAGE_STREAM_ISO)
		iso_track(disc);
	else
		wav_track(disc, 0);
	disc->toc.first_track = disc->toc.last_track = 1;
	ret = disc_layout(disc, name, flags, err);
	if (ret < 0)
		goto out_destroy;
	*out = disc;
	return 0;

out_destroy:
	image_disc_destroy(disc);
	return ret;
}

uint64_t
image_disc_stream_end(const struct image_disc *disc)
{
	const struct image_file *f = &disc->files[0];

	return f->data_offset + f->data_length;
}

int
image_toc_print(const struct image_toc *toc, FILE *f)
{
	char msf[16];

	fprintf(f, "first_track %u\n", toc->first_track);
	fprintf(f, "last_track %u\n", toc->last_track);
	fprintf(f, "mcn %s\n", toc->mcn[0] ? toc->mcn : "-");
	for (unsigned n = toc->first_track; n && n <= toc->last_track; n++) {
		const struct image_toc_track *t = &toc->track[n];

		msf_text(msf, sizeof(msf), t->start_lba + CD_PREGAP_FRAMES);
		fprintf(f, "track %u %s control 0x%x start %d msf %s pregap %d length %d isrc %s\n",
			n, image_toc_track_is_data(t) ? "data" : "audio",
			t->control, t->start_lba, msf, t->start_lba - t->pregap_lba,
			t->end_lba - t->start_lba, t->isrc[0] ? t->isrc : "-");
		if (t->pregap_lba < t->start_lba)
			fprintf(f, "index %u 0 %d\n", n, t->pregap_lba);
		for (unsigned i = 1; i <= t->index_count; i++)
			fprintf(f, "index %u %u %d\n", n, i, t->index_lba[i]);
	}
	msf_text(msf, sizeof(msf), toc->leadout_lba + CD_PREGAP_FRAMES);
	fprintf(f, "leadout %d msf %s\n", toc->leadout_lba, msf);
	return ferror(f) ? -EIO : 0;
}
