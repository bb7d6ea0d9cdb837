/*
 * Cue sheets read into a struct image_disc: FILE, TRACK, INDEX, gaps,
 * FLAGS, CATALOG, ISRC and CD-TEXT titles and performers, each checked
 * against the files it names (image-cue.c writes them).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image-private.h"
#include "subchannel.h"

#define CUE_LINE_MAX 1024

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
	struct burn_error *err;
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

/* @e, said of the current line of the cue sheet; returns its -errno. */
static int
cue_fail_with(struct cue_state *st, const struct burn_error *e)
{
	return burn_error_set(st->err, e->result, "%s:%u: %s", st->cue_path, st->line, e->reason);
}

/* The current line of the cue sheet breaks a rule; returns -EINVAL. */
#define cue_fail(st, fmt, ...) \
	image_disc_fail((st)->err, "%s:%u: " fmt, (st)->cue_path, (st)->line, __VA_ARGS__)

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
	struct image_file *f;
	struct burn_error e;
	uint64_t size;
	int ret;

	rest = cue_word(rest, name, sizeof(name));
	if (!rest || !cue_word(rest, type, sizeof(type)))
		return cue_fail(st, "%s needs a file name and a type", "FILE");
	if (!strcasecmp(type, "BINARY"))
		format = IMAGE_FILE_BINARY;
	else if (!strcasecmp(type, "MOTOROLA"))
		format = IMAGE_FILE_MOTOROLA;
	else
		/* WAVE, FLAC, MP3, AIFF, OGG...: audio, known by its content, not the word */
		format = IMAGE_FILE_WAVE;
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
	ret = image_disc_add_file(disc, path, format);
	free(path);
	if (ret < 0)
		return ret;
	st->file = ret;
	f = &disc->files[ret];
	if (format == IMAGE_FILE_WAVE) {
		ret = image_disc_probe_audio(f, &e);
		if (ret < 0) {
			cue_fail_with(st, &e);
			return ret;
		}
		return 0;
	}
	ret = image_disc_file_size(f->path, &size, &e);
	if (ret < 0) {
		burn_error_set(st->err, e.result, "%s:%u: FILE %s", st->cue_path, st->line,
			       e.reason);
		return ret;
	}
	f->data_offset = 0;
	f->data_length = size;
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
	else if (!strcasecmp(mode, "MODE2/2352"))
		t->kind = IMAGE_TRACK_MODE2_2352;
	else if (!strcasecmp(mode, "MODE2/2336"))
		t->kind = IMAGE_TRACK_MODE2_2336;
	else
		return cue_fail(st,
				"track mode %s is not supported (AUDIO, MODE1/2048, MODE1/2352, MODE2/2352, MODE2/2336)",
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
		struct burn_error e;

		if (!cue_word(rest, arg, sizeof(arg)))
			return cue_fail(st, "%s needs a value", cmd);
		if (image_mcn_check(arg, &e) < 0)
			return cue_fail_with(st, &e);
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
			return cue_fail(st,
					"ISRC '%s' is not CCOOOYYSSSSS (5 letters or digits, 7 digits)",
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
				return cue_fail(st,
						"INDEX %s does not come after the previous index",
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

	if (!st->n_tracks)
		return image_disc_fail(st->err, "%s: no TRACK", st->cue_path);
	for (unsigned n = 1; n <= st->n_tracks; n++) {
		struct cue_track *t = &st->tracks[n], *prev = n > 1 ? &st->tracks[n - 1] : NULL;
		struct cue_track *next = n < st->n_tracks ? &st->tracks[n + 1] : NULL;
		struct image_track_src *src = &disc->src[n];
		struct image_file *f = &disc->files[t->file];
		unsigned size = image_kind_sector_size(t->kind);
		uint64_t byte_end;

		if (t->index[1] < 0)
			return image_disc_fail(st->err, "%s:%u: track %u has no INDEX 01",
					       st->cue_path, t->line, n);
		if (f->format != IMAGE_FILE_BINARY && t->kind != IMAGE_TRACK_AUDIO)
			return image_disc_fail(st->err,
					       "%s:%u: track %u is a data track in a %s file",
					       st->cue_path, t->line, n,
					       f->format == IMAGE_FILE_WAVE ? "WAVE" : "MOTOROLA");
		if (prev && prev->file == t->file) {
			byte_begin += (uint64_t)(cue_track_begin(t) - cue_track_begin(prev)) *
				image_kind_sector_size(prev->kind);
			int32_t prev_last = prev->index[1];

			for (unsigned i = 2; i <= IMAGE_MAX_INDEX && prev->index[i] >= 0; i++)
				prev_last = prev->index[i];
			if (cue_track_begin(t) <= prev_last)
				return image_disc_fail(st->err,
						       "%s:%u: track %u starts before track %u ends",
						       st->cue_path, t->line, n, n - 1);
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
				image_msf_text(msf, sizeof(msf), t->index[i]);
				return image_disc_fail(st->err,
						       "%s: file is too short for %s: track %u INDEX %02u at %s is at byte %" PRIu64 " but the file holds %" PRIu64 " bytes",
							       f->path, st->cue_path, n, i, msf, at,
						       f->data_length);
			}
		}
		if (next && next->file == t->file)
			byte_end = byte_begin + (uint64_t)(cue_track_begin(next) -
							   cue_track_begin(t)) * size;
		else
			byte_end = f->data_length;
		if (byte_end > f->data_length) {
			image_msf_text(msf, sizeof(msf), cue_track_begin(next));
			return image_disc_fail(st->err,
					       "%s: file is too short for %s: track %u starts at %s, past its end (%" PRIu64 " bytes)",
					       f->path, st->cue_path, n + 1, msf, f->data_length);
		}
		if (t->kind != IMAGE_TRACK_AUDIO && (byte_end - byte_begin) % size)
			return image_disc_fail(st->err,
					       "%s: track %u of %s is %" PRIu64 " bytes, not a whole number of %u-byte sectors",
					       f->path, n, st->cue_path, byte_end - byte_begin,
					       size);
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
		disc->toc.track[n].mode = image_kind_mode(t->kind);
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

int
image_cue_parse(struct image_disc *disc, const char *path, struct burn_error *err)
{
	struct cue_state st = { .cue_path = path, .file = -1, .err = err };
	char line[CUE_LINE_MAX];
	int ret = 0;
	FILE *fp;

	fp = fopen(path, "r");
	if (!fp) {
		ret = -errno;
		burn_error_set(err, BURN_E_FAIL, "%s: %s", path, strerror(-ret));
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
				burn_error_set(err, BURN_E_OUTOFMEMORY, "%s: out of memory", path);
			goto out_free;
		}
	}
	if (ferror(fp)) {
		ret = burn_error_set(err, BURN_E_FAIL, "%s: read error", path);
		goto out_free;
	}
	ret = cue_finish(disc, &st);
out_free:
	free(st.tracks);
out_close:
	fclose(fp);
	return ret;
}
