/*
 * Cue sheets read into a struct image_disc: FILE, TRACK, INDEX, gaps,
 * FLAGS, CATALOG, ISRC and CD-TEXT titles and performers, each checked
 * against the files it names (image-cue.c writes them). Cue sheets as
 * rippers write them, with a track's indexes in more than one FILE, a
 * hidden track before track 1 or a first track other than 1, follow the
 * rules of doc/cue-sheets.md.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image-cdtext.h"
#include "image-private.h"
#include "subchannel.h"

#define CUE_LINE_MAX 1024

struct cue_track {
	bool used;
	enum image_track_kind kind;
	uint8_t flags;
	int32_t index[IMAGE_MAX_INDEX + 1];	/* frames in their FILE; -1 = absent */
	int index_file[IMAGE_MAX_INDEX + 1];	/* the FILE each index is in */
	uint32_t pregap, postgap;
	unsigned line;
};

struct cue_state {
	const char *cue_path;
	unsigned line;
	int file;
	unsigned track;		/* current track number, 0 = none */
	unsigned first;		/* the first track's number */
	unsigned n_tracks;
	struct cue_track *tracks;	/* [IMAGE_MAX_TRACKS + 1] */
	unsigned text_line;		/* the first CD-TEXT command's line; 0: none */
	unsigned cdtext_line;		/* CDTEXTFILE's line */
	unsigned cdtext_first, cdtext_last;	/* the tracks its packs are for */
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

/* A path named in the cue sheet, relative to the cue's folder; NULL without memory. */
static char *
cue_path_of(const struct cue_state *st, const char *name)
{
	const char *slash = strrchr(st->cue_path, '/');
	char *path;

	if (name[0] == '/' || !slash)
		return strdup(name);
	if (asprintf(&path, "%.*s/%s", (int)(slash - st->cue_path), st->cue_path, name) < 0)
		return NULL;
	return path;
}

static int
cue_file(struct image_disc *disc, struct cue_state *st, char *rest)
{
	char name[CUE_LINE_MAX], type[32], *path;
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
	path = cue_path_of(st, name);
	if (!path)
		return -ENOMEM;
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
	n = strtol(num, &end, 10);
	if (*end || n < 1)
		return cue_fail(st, "track number '%s' is not valid", num);
	if (n > IMAGE_MAX_TRACKS || st->n_tracks >= IMAGE_MAX_TRACKS)
		return cue_fail(st, "track %s: a CD holds at most 99 tracks", num);
	if (st->track && (unsigned)n != st->track + 1)
		return cue_fail(st, "track %s is out of sequence (tracks count up by one from the first)",
				num);
	if (!st->track)
		st->first = (unsigned)n;
	t = &st->tracks[n];
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i <= IMAGE_MAX_INDEX; i++)
		t->index[i] = -1;
	t->used = true;
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

/* The CD-TEXT commands of a cue sheet and their fields. */
static const struct {
	const char *cmd;
	enum image_text_field field;
} cue_text_cmds[] = {
	{ "TITLE", IMAGE_TEXT_TITLE }, { "PERFORMER", IMAGE_TEXT_PERFORMER },
	{ "SONGWRITER", IMAGE_TEXT_SONGWRITER }, { "COMPOSER", IMAGE_TEXT_COMPOSER },
	{ "ARRANGER", IMAGE_TEXT_ARRANGER }, { "MESSAGE", IMAGE_TEXT_MESSAGE },
	{ "DISC_ID", IMAGE_TEXT_DISC_ID }, { "GENRE", IMAGE_TEXT_GENRE },
	{ "UPC_EAN", IMAGE_TEXT_CODE },
};

/* The field of CD-TEXT command @cmd, or -1. */
static int
cue_text_field(const char *cmd)
{
	for (size_t i = 0; i < sizeof(cue_text_cmds) / sizeof(cue_text_cmds[0]); i++)
		if (!strcasecmp(cmd, cue_text_cmds[i].cmd))
			return (int)cue_text_cmds[i].field;
	return -1;
}

/*
 * A CD-TEXT command: UTF-8 that fits ISO 8859-1, kept as UTF-8. Text that
 * is not UTF-8 but has no byte from 0x80 to 0x9f (C1 controls, which no
 * text uses) is taken as ISO 8859-1, with a warning. DISC_ID, GENRE and
 * UPC_EAN belong to the disc; UPC_EAN is 12 or 13 digits.
 */
static int
cue_text(struct image_disc *disc, struct cue_state *st, enum image_text_field field,
	 const char *cmd, char *rest)
{
	char value[CUE_LINE_MAX], latin1[IMAGE_TEXT_MAX + 1], utf8[IMAGE_TEXT_SIZE];
	char where[CUE_LINE_MAX + 16];
	uint32_t bad;
	size_t pos;
	int ret;

	if (!cue_word(rest, value, sizeof(value)))
		return cue_fail(st, "%s needs a value", cmd);
	if (st->track && (image_text_field_disc_only(field) || field == IMAGE_TEXT_CODE))
		return cue_fail(st, "%s is for the whole disc: give it before the first TRACK",
				cmd);
	if (field == IMAGE_TEXT_CODE && ((strlen(value) != 12 && strlen(value) != 13) ||
					 strspn(value, "0123456789") != strlen(value)))
		return cue_fail(st, "UPC_EAN '%s' is not 12 or 13 digits", value);
	if (!st->text_line)
		st->text_line = st->line;
	snprintf(where, sizeof(where), "%s:%u", st->cue_path, st->line);
	ret = image_cdtext_to_latin1(latin1, sizeof(latin1), value, &bad, &pos);
	if (ret >= 0) {
		copy_text(utf8, sizeof(utf8), value);
	} else {
		if (ret != -EINVAL)
			return image_cdtext_fail(st->err, where, cmd, ret, bad, pos);
		for (const uint8_t *p = (const uint8_t *)value; *p; p++)
			if (*p >= 0x80 && *p <= 0x9f)
				return image_cdtext_fail(st->err, where, cmd, -EINVAL, *p,
							 (size_t)(p - (const uint8_t *)value) + 1);
		if (strlen(value) > IMAGE_TEXT_MAX)
			return image_cdtext_fail(st->err, where, cmd, -E2BIG, 0, 0);
		image_cdtext_from_latin1(utf8, sizeof(utf8), value);
	}
	if (image_toc_set_text(&disc->toc, st->track, field, utf8) < 0)
		return cue_fail(st, "%s: the CD-TEXT is more than the %d packs of a disc hold",
				cmd, CDTEXT_MAX_PACKS);
	if (ret < 0)
		return image_disc_warn(disc, "%s: %s: byte %zu (0x%02" PRIX32 ") is not UTF-8; the text is taken as ISO 8859-1",
				       where, cmd, pos, bad);
	return 0;
}

/* CDTEXTFILE: the disc's CD-TEXT packs, checked and burned as they are. */
static int
cue_cdtext_file(struct image_disc *disc, struct cue_state *st, char *rest)
{
	char name[CUE_LINE_MAX], *path;
	struct burn_error e;
	int ret;

	if (!cue_word(rest, name, sizeof(name)))
		return cue_fail(st, "%s needs a file name", "CDTEXTFILE");
	if (st->track || disc->cdtext)
		return cue_fail(st, "%s", st->track ?
				"CDTEXTFILE is for the whole disc: give it before the first TRACK" :
				"a second CDTEXTFILE");
	path = cue_path_of(st, name);
	if (!path)
		return -ENOMEM;
	ret = image_cdtext_read_file(path, &disc->cdtext, &st->cdtext_first, &st->cdtext_last,
				     &e);
	free(path);
	if (ret < 0) {
		if (ret == -ENOMEM)
			return ret;
		burn_error_set(st->err, e.result, "%s:%u: CDTEXTFILE %s", st->cue_path, st->line,
			       e.reason);
		return ret;
	}
	disc->n_cdtext = (unsigned)ret;
	st->cdtext_line = st->line;
	return 0;
}

/*
 * After the tracks: a CDTEXTFILE's packs must be for the cue's tracks, and
 * give the TOC its text (the cue's CD-TEXT commands, if any, are not burned:
 * a warning says so).
 */
static int
cue_finish_cdtext(struct image_disc *disc, struct cue_state *st)
{
	struct image_toc *toc = &disc->toc;
	bool have[CDTEXT_MAX_PACKS] = { false };

	if (!disc->cdtext)
		return 0;
	if (st->cdtext_first != toc->first_track || st->cdtext_last != toc->last_track)
		return image_disc_fail(st->err,
				       "%s:%u: CDTEXTFILE's text is for tracks %u to %u; the cue sheet has tracks %u to %u",
				       st->cue_path, st->cdtext_line, st->cdtext_first,
				       st->cdtext_last, toc->first_track, toc->last_track);
	memset(&toc->text, 0, sizeof(toc->text));
	toc->genre_code = 0;
	for (unsigned i = 0; i < disc->n_cdtext; i++)
		have[i] = true;
	image_cdtext_parse((const uint8_t (*)[CDTEXT_PACK_SIZE])disc->cdtext, have, toc);
	if (st->text_line)
		return image_disc_warn(disc, "%s:%u: the cue sheet's CD-TEXT commands are not burned: CDTEXTFILE (line %u) gives the disc's CD-TEXT",
				       st->cue_path, st->text_line, st->cdtext_line);
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
	if (!strcasecmp(cmd, "REM")) {
		char *after = cue_word(rest, arg2, sizeof(arg2));

		/* EAC, foobar2000 and whipper write the genre as "REM GENRE x" */
		if (after && !st->track && !strcasecmp(arg2, "GENRE"))
			return cue_text(disc, st, IMAGE_TEXT_GENRE, "REM GENRE", after);
		return 0;
	}
	ret = cue_text_field(cmd);
	if (ret >= 0)
		return cue_text(disc, st, (enum image_text_field)ret, cmd, rest);
	if (!strcasecmp(cmd, "CDTEXTFILE"))
		return cue_cdtext_file(disc, st, rest);
	if (!strcasecmp(cmd, "FILE"))
		return cue_file(disc, st, rest);
	if (!strcasecmp(cmd, "TRACK"))
		return cue_track_cmd(st, rest);
	if (!strcasecmp(cmd, "CATALOG")) {
		struct burn_error e;

		if (!cue_word(rest, arg, sizeof(arg)))
			return cue_fail(st, "%s needs a value", cmd);
		if (image_mcn_check(arg, &e) < 0) {
			/* cdrdao burns a wrong check digit as given; so do we, with a warning */
			if (strlen(arg) != SUBQ_MCN_LEN || strspn(arg, "0123456789") != SUBQ_MCN_LEN)
				return cue_fail_with(st, &e);
			ret = image_disc_warn(disc, "%s:%u: %s; burned as given", st->cue_path,
					      st->line, e.reason);
			if (ret < 0)
				return ret;
		}
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
		if (st->file < 0)
			return cue_fail(st, "%s before any FILE", "INDEX");
		if (t->index[n] >= 0)
			return cue_fail(st, "INDEX %s given twice", arg2);
		if (n > 1 && t->index[n - 1] < 0)
			return cue_fail(st, "INDEX %s follows a missing index", arg2);
		if (n >= 1) {
			int k = t->index[n - 1] >= 0 ? (int)n - 1 : n == 1 ? -1 : (int)n - 2;

			/* an index in a later FILE comes after whatever came before */
			if (k >= 0 && t->index_file[k] == st->file && frames <= t->index[k])
				return cue_fail(st,
						"INDEX %s does not come after the previous index",
						arg2);
		} else if (t->index[1] >= 0) {
			return cue_fail(st, "INDEX 00 must come before %s", "INDEX 01");
		}
		t->index[n] = frames;
		t->index_file[n] = st->file;
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

/* The FILE of that first frame. */
static int
cue_track_begin_file(const struct cue_track *t)
{
	return t->index[0] >= 0 ? t->index_file[0] : t->index_file[1];
}

/* The highest index of a track that has INDEX 01. */
static unsigned
cue_track_last(const struct cue_track *t)
{
	unsigned i = 1;

	while (i < IMAGE_MAX_INDEX && t->index[i + 1] >= 0)
		i++;
	return i;
}

static const char *
cue_format_name(enum image_file_format format)
{
	return format == IMAGE_FILE_WAVE ? "WAVE" : format == IMAGE_FILE_MOTOROLA ? "MOTOROLA" :
	       format == IMAGE_FILE_DECODED ? "compressed audio" : "BINARY";
}

/*
 * A track from FILE @bf to FILE @lf (the FILE of its last index): the rest
 * of @bf from @byte_begin, every FILE after it whole, and @lf up to
 * @byte_end; each piece padded to whole sectors. Returns the joined file's
 * index, or -ENOMEM. *@first_sector[f - bf] gets where FILE f starts in it.
 */
static int
cue_join(struct image_disc *disc, int bf, int lf, uint64_t byte_begin, uint64_t byte_end,
	 uint32_t *first_sector)
{
	size_t n = (size_t)(lf - bf + 1);
	struct image_join_piece *pieces = calloc(n, sizeof(*pieces));
	uint32_t sectors = 0;
	int ret;

	if (!pieces)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct image_join_piece *p = &pieces[i];

		p->file = (unsigned)bf + (unsigned)i;
		p->offset = i == 0 ? byte_begin : 0;
		p->bytes = (i == n - 1 ? byte_end : disc->files[p->file].data_length) - p->offset;
		p->padded = (p->bytes + CD_MAIN_SIZE - 1) / CD_MAIN_SIZE * CD_MAIN_SIZE;
		first_sector[i] = sectors;
		sectors += (uint32_t)(p->padded / CD_MAIN_SIZE);
	}
	ret = image_join_add(disc, pieces, n, disc->files[bf].path);
	free(pieces);
	return ret;
}

static int
cue_finish(struct image_disc *disc, struct cue_state *st)
{
	unsigned last = st->first + st->n_tracks - 1, run_size = 0;
	int run_file = -1, prev_last_file = -1;
	int32_t run_frame = 0, prev_last_frame = 0;
	uint64_t run_byte = 0;
	uint32_t *first_sector;
	char msf[16];
	int ret = 0;

	if (!st->n_tracks)
		return image_disc_fail(st->err, "%s: no TRACK", st->cue_path);
	first_sector = calloc(disc->n_files, sizeof(*first_sector));
	if (!first_sector)
		return -ENOMEM;
	for (unsigned n = st->first; n <= last; n++) {
		struct cue_track *t = &st->tracks[n];
		struct cue_track *next = n < last ? &st->tracks[n + 1] : NULL;
		struct image_track_src *src = &disc->src[n];
		unsigned size = image_kind_sector_size(t->kind);
		int bf, lf, nf;
		int32_t bframe;
		uint64_t byte_begin, byte_end;

		if (t->index[1] < 0) {
			ret = image_disc_fail(st->err, "%s:%u: track %u has no INDEX 01",
					      st->cue_path, t->line, n);
			goto out_free;
		}
		bf = cue_track_begin_file(t);
		bframe = cue_track_begin(t);
		lf = t->index_file[cue_track_last(t)];
		nf = next && next->index[1] >= 0 ? cue_track_begin_file(next) : -1;
		for (int f = bf; f <= lf; f++) {
			if (disc->files[f].format != IMAGE_FILE_BINARY &&
			    t->kind != IMAGE_TRACK_AUDIO) {
				ret = image_disc_fail(st->err,
						      "%s:%u: track %u is a data track in a %s file",
						      st->cue_path, t->line, n,
						      cue_format_name(disc->files[f].format));
				goto out_free;
			}
		}
		if (lf != bf && t->kind != IMAGE_TRACK_AUDIO) {
			ret = image_disc_fail(st->err,
					      "%s:%u: track %u is a data track whose indexes are in more than one FILE; only audio tracks may span FILEs",
					      st->cue_path, t->line, n);
			goto out_free;
		}
		if (prev_last_file == bf && bframe <= prev_last_frame) {
			ret = image_disc_fail(st->err, "%s:%u: track %u starts before track %u ends",
					      st->cue_path, t->line, n, n - 1);
			goto out_free;
		}
		if (run_file == bf)
			byte_begin = run_byte + (uint64_t)(bframe - run_frame) * run_size;
		else
			byte_begin = (uint64_t)bframe * size;
		/* every index must point inside its file */
		for (unsigned i = 0; i <= IMAGE_MAX_INDEX; i++) {
			const struct image_file *f;
			uint64_t at;

			if (t->index[i] < 0)
				continue;
			f = &disc->files[t->index_file[i]];
			at = t->index_file[i] == bf ?
			     byte_begin + (uint64_t)(t->index[i] - bframe) * size :
			     (uint64_t)t->index[i] * size;
			if (at >= f->data_length) {
				image_msf_text(msf, sizeof(msf), t->index[i]);
				ret = image_disc_fail(st->err,
						      "%s: file is too short for %s: track %u INDEX %02u at %s is at byte %" PRIu64 " but the file holds %" PRIu64 " bytes",
						      f->path, st->cue_path, n, i, msf, at,
						      f->data_length);
				goto out_free;
			}
		}
		if (nf == lf)
			byte_end = (lf == bf ? byte_begin + (uint64_t)(cue_track_begin(next) - bframe) *
				    size : (uint64_t)cue_track_begin(next) * size);
		else
			byte_end = disc->files[lf].data_length;
		if (byte_end > disc->files[lf].data_length) {
			image_msf_text(msf, sizeof(msf), cue_track_begin(next));
			ret = image_disc_fail(st->err,
					      "%s: file is too short for %s: track %u starts at %s, past its end (%" PRIu64 " bytes)",
					      disc->files[lf].path, st->cue_path, n + 1, msf,
					      disc->files[lf].data_length);
			goto out_free;
		}
		if (lf == bf) {
			const struct image_file *f = &disc->files[bf];

			if (t->kind != IMAGE_TRACK_AUDIO && (byte_end - byte_begin) % size) {
				ret = image_disc_fail(st->err,
						      "%s: track %u of %s is %" PRIu64 " bytes, not a whole number of %u-byte sectors",
						      f->path, n, st->cue_path, byte_end - byte_begin,
						      size);
				goto out_free;
			}
			src->file = (unsigned)bf;
			src->file_offset = f->data_offset + byte_begin;
			src->file_bytes = byte_end - byte_begin;
			first_sector[0] = 0;
		} else {
			ret = cue_join(disc, bf, lf, byte_begin, byte_end, first_sector);
			if (ret < 0)
				goto out_free;
			src->file = (unsigned)ret;
			src->file_offset = 0;
			src->file_bytes = disc->files[ret].data_length;
			ret = 0;
		}
		src->kind = t->kind;
		src->file_sectors = (uint32_t)((src->file_bytes + size - 1) / size);
		src->pregap_silent = t->pregap;
		src->postgap = t->postgap;
		disc->toc.track[n].control = (uint8_t)(t->kind == IMAGE_TRACK_AUDIO ? t->flags :
						       SUBQ_CONTROL_DATA |
						       (t->flags & SUBQ_CONTROL_COPY));
		disc->toc.track[n].mode = image_kind_mode(t->kind);
		/* index offsets relative to the track's first sector */
		disc->toc.track[n].index_count = 0;
		for (unsigned i = 1; i <= IMAGE_MAX_INDEX && t->index[i] >= 0; i++) {
			int fi = t->index_file[i];

			disc->toc.track[n].index_lba[i] = fi == bf ? t->index[i] - bframe :
				(int32_t)first_sector[fi - bf] + t->index[i];
			disc->toc.track[n].index_count = i;
		}
		/* where the next track counts from when it starts in this track's last FILE */
		run_file = lf;
		run_frame = lf == bf ? bframe : 0;
		run_byte = lf == bf ? byte_begin : 0;
		run_size = size;
		prev_last_file = lf;
		prev_last_frame = t->index[cue_track_last(t)];
	}
	disc->toc.first_track = st->first;
	disc->toc.last_track = last;
	ret = cue_finish_cdtext(disc, st);
out_free:
	free(first_sector);
	return ret;
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
