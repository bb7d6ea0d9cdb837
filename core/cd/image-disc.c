/*
 * Disc descriptions: a cue sheet (image-cue-parse.c), an ISO 9660 image
 * (image-iso.c), WAV files (image-wav.c) or other audio (image-audio.c),
 * on disk or as a stream, become one struct image_disc
 * with every track placed on the address line. Nothing is read beyond
 * headers; the encoder streams the sectors later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image-private.h"
#include "subchannel.h"

static bool
has_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);

	return n > m && strcasecmp(path + n - m, suffix) == 0;
}

/* The names audio inputs end with (image_disc_open()'s tracks, one per file). */
static const char *const audio_suffixes[] = {
	".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff", ".aifc",
};

static bool
is_audio_name(const char *path)
{
	for (size_t i = 0; i < sizeof(audio_suffixes) / sizeof(audio_suffixes[0]); i++)
		if (has_suffix(path, audio_suffixes[i]))
			return true;
	return false;
}

enum image_input_kind
image_input_kind(const char *path)
{
	if (is_audio_name(path))
		return IMAGE_INPUT_AUDIO;
	if (has_suffix(path, ".cue"))
		return IMAGE_INPUT_CUE;
	if (has_suffix(path, ".iso"))
		return IMAGE_INPUT_ISO;
	return IMAGE_INPUT_OTHER;
}

int
image_disc_probe_audio(struct image_file *f, struct burn_error *err)
{
	uint8_t hdr[12];
	FILE *fp = fopen(f->path, "rb");
	bool wav;

	if (!fp) {
		int e = errno;

		burn_error_set(err, BURN_E_FAIL, "%s: %s", f->path, strerror(e));
		return -e;
	}
	wav = fread(hdr, 1, sizeof(hdr), fp) == sizeof(hdr) && !memcmp(hdr, "RIFF", 4) &&
	      !memcmp(hdr + 8, "WAVE", 4);
	fclose(fp);
	/* a plain WAV by its header, as a stream is read; anything else by libsndfile */
	if (wav) {
		f->format = IMAGE_FILE_WAVE;
		return image_disc_probe_file(f, image_wav_parse, err);
	}
	return image_audio_parse(f, err);
}

void
image_disc_destroy(struct image_disc *disc)
{
	if (!disc)
		return;
	for (size_t i = 0; i < disc->n_files; i++) {
		free(disc->files[i].path);
		image_join_free(disc->files[i].join);
	}
	for (size_t i = 0; i < disc->n_warnings; i++)
		free(disc->warnings[i]);
	free(disc->warnings);
	free(disc->cdtext);
	free(disc->files);
	free(disc);
}

const struct image_toc *
image_disc_toc(const struct image_disc *disc)
{
	return &disc->toc;
}

size_t
image_disc_warnings(const struct image_disc *disc, const char *const **lines)
{
	*lines = (const char *const *)disc->warnings;
	return disc->n_warnings;
}

int
image_disc_warn(struct image_disc *disc, const char *fmt, ...)
{
	struct burn_error e;
	char **warnings;
	va_list ap;

	va_start(ap, fmt);
	burn_error_vset(&e, BURN_E_STREAM_NOT_SUPPORTED, fmt, ap);
	va_end(ap);
	warnings = realloc(disc->warnings, (disc->n_warnings + 1) * sizeof(*warnings));
	if (!warnings)
		return -ENOMEM;
	disc->warnings = warnings;
	warnings[disc->n_warnings] = strdup(e.reason);
	if (!warnings[disc->n_warnings])
		return -ENOMEM;
	disc->n_warnings++;
	return 0;
}

int
image_mcn_check(const char *mcn, struct burn_error *err)
{
	unsigned sum = 0, check;

	if (strlen(mcn) != SUBQ_MCN_LEN || strspn(mcn, "0123456789") != SUBQ_MCN_LEN)
		return image_disc_fail(err, "catalog number '%s' is not 13 digits", mcn);
	for (unsigned i = 0; i < 12; i++)
		sum += (unsigned)(mcn[i] - '0') * (i % 2 ? 3 : 1);
	check = (10 - sum % 10) % 10;
	if ((unsigned)(mcn[12] - '0') != check)
		return image_disc_fail(err,
				       "catalog number %s has a wrong check digit (expected %u)",
				       mcn, check);
	return 0;
}

int
image_disc_add_file(struct image_disc *disc, const char *path, enum image_file_format format)
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

/* A file that cannot be read: its -errno. */
static int
disc_file_fail(struct burn_error *err, const char *path, int e)
{
	burn_error_set(err, BURN_E_FAIL, "%s: %s", path, strerror(e));
	return -e;
}

int
image_disc_file_size(const char *path, uint64_t *size, struct burn_error *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return disc_file_fail(err, path, errno);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return image_disc_fail(err, "%s: not a regular file", path);
	*size = (uint64_t)st.st_size;
	return 0;
}

int
image_disc_probe_read(struct image_probe *in, uint64_t pos, void *buf, size_t len,
		      struct burn_error *err)
{
	ssize_t n;

	if (in->fd >= 0) {
		n = pread(in->fd, buf, len, (off_t)pos);
		if (n < 0)
			return disc_file_fail(err, in->name, errno);
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

int
image_disc_probe_file(struct image_file *f,
		      int (*parse)(struct image_file *f, struct image_probe *in,
				   struct burn_error *err),
		      struct burn_error *err)
{
	struct image_probe in = { .name = f->path };
	int ret;

	ret = image_disc_file_size(f->path, &in.size, err);
	if (ret < 0)
		return ret;
	in.fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (in.fd < 0)
		return disc_file_fail(err, f->path, errno);
	ret = parse(f, &in, err);
	close(in.fd);
	return ret;
}

static int
disc_from_iso(struct image_disc *disc, const char *path, struct burn_error *err)
{
	int ret;

	ret = image_disc_add_file(disc, path, IMAGE_FILE_BINARY);
	if (ret < 0)
		return ret;
	ret = image_disc_probe_file(&disc->files[0], image_iso_parse, err);
	if (ret < 0)
		return ret;
	image_iso_track(disc);
	return 0;
}

static int
disc_from_audio(struct image_disc *disc, const char *const *paths, size_t n,
		struct burn_error *err)
{
	int ret;

	if (n > IMAGE_MAX_TRACKS)
		return image_disc_fail(err, "%zu audio files: a CD holds at most 99 tracks", n);
	for (size_t i = 0; i < n; i++) {
		ret = image_disc_add_file(disc, paths[i], IMAGE_FILE_WAVE);
		if (ret < 0)
			return ret;
		ret = image_disc_probe_audio(&disc->files[i], err);
		if (ret < 0)
			return ret;
		image_wav_track(disc, i);
	}
	disc->toc.first_track = 1;
	disc->toc.last_track = (unsigned)n;
	return 0;
}

/* Places every track on the address line and checks the length rules. */
static int
disc_layout(struct image_disc *disc, const char *input, unsigned flags,
	    struct burn_error *err)
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
		if (t->end_lba - t->start_lba < IMAGE_MIN_TRACK_SECTORS)
			return image_disc_fail(err,
					       "%s: track %u is %d sectors long; a track needs at least 300 sectors (4 seconds)",
					       is_audio_name(input) ?
					       disc->files[src->file].path : input,
					       n, t->end_lba - t->start_lba);
		if (lba > IMAGE_LAST_SECTOR_OVERBURN)
			break;
	}
	toc->leadout_lba = lba;
	image_msf_text(msf, sizeof(msf), lba + CD_PREGAP_FRAMES);
	if (lba + IMAGE_LEADOUT_SECTORS - 1 > IMAGE_LAST_SECTOR_OVERBURN)
		return image_disc_fail(err,
				       "%s: disc is too long: lead-out at %s (LBA %d) would end past 89:59:74, the end of the CD address range",
				       input, msf, lba);
	if (lba > IMAGE_LAST_LEADOUT_80MIN && !(flags & IMAGE_DISC_OVERBURN))
		return image_disc_fail(err,
				       "%s: disc is too long: lead-out at %s (LBA %d) is past 79:59:74, the end of an 80-minute CD-R (use --overburn to allow it)",
				       input, msf, lba);
	return 0;
}

int
image_disc_open(struct image_disc **out, const char *const *inputs, size_t n_inputs,
		unsigned flags, struct burn_error *err)
{
	struct image_disc *disc;
	size_t audio = 0;
	int ret;

	*out = NULL;
	if (!n_inputs)
		return image_disc_fail(err, "no input");
	for (size_t i = 0; i < n_inputs; i++)
		audio += is_audio_name(inputs[i]);
	if (audio != n_inputs && n_inputs > 1)
		return image_disc_fail(err,
				       "give one .cue, one .iso, or one or more audio files (.wav, .flac, .ogg, .opus, .mp3, .aiff)");
	disc = calloc(1, sizeof(*disc));
	if (!disc)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "out of memory");
	if (audio)
		ret = disc_from_audio(disc, inputs, n_inputs, err);
	else if (has_suffix(inputs[0], ".cue"))
		ret = image_cue_parse(disc, inputs[0], err);
	else if (has_suffix(inputs[0], ".iso"))
		ret = disc_from_iso(disc, inputs[0], err);
	else
		ret = image_disc_fail(err,
				      "%s: unknown input type (expected .cue, .iso, or audio: .wav, .flac, .ogg, .opus, .mp3, .aiff)",
				      inputs[0]);
	if (ret == -ENOMEM)
		burn_error_set(err, BURN_E_OUTOFMEMORY, "out of memory");
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
		       const struct image_source *src, unsigned flags, struct burn_error *err)
{
	struct image_probe in = { .name = name, .fd = -1, .head = head, .head_len = head_len,
				  .size = IMAGE_SIZE_UNKNOWN };
	struct image_file probe = { 0 };
	struct image_disc *disc;
	int ret;

	*out = NULL;
	*need = 0;
	if ((kind != IMAGE_STREAM_ISO && kind != IMAGE_STREAM_WAV && kind != IMAGE_STREAM_FLAC) ||
	    !src || !src->read)
		return image_disc_fail(err,
				       "%s: a stream needs a kind (ISO, WAV or FLAC) and a source",
				       name);
	if (flags & IMAGE_DISC_INPUT_ENDED)
		in.size = head_len;
	/* the header first: a stream asks again and again while it arrives */
	probe.path = (char *)name;
	probe.source = *src;
	probe.format = kind == IMAGE_STREAM_ISO ? IMAGE_FILE_BINARY : IMAGE_FILE_WAVE;
	if (kind == IMAGE_STREAM_ISO)
		ret = image_iso_parse(&probe, &in, err);
	else if (kind == IMAGE_STREAM_WAV)
		ret = image_wav_parse(&probe, &in, err);
	else
		ret = image_audio_parse_flac(&probe, &in, err);
	if (ret == -EAGAIN)
		*need = in.need > SIZE_MAX ? SIZE_MAX : (size_t)in.need;
	if (ret < 0)
		return ret;
	disc = calloc(1, sizeof(*disc));
	if (!disc || image_disc_add_file(disc, name, probe.format) < 0) {
		image_disc_destroy(disc);
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "out of memory");
	}
	probe.path = disc->files[0].path;
	disc->files[0] = probe;
	if (kind == IMAGE_STREAM_ISO)
		image_iso_track(disc);
	else
		image_wav_track(disc, 0);
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

	if (f->format == IMAGE_FILE_DECODED)
		return UINT64_MAX;
	return f->data_offset + f->data_length;
}

uint64_t
image_disc_stream_hold(const struct image_disc *disc)
{
	return disc->files[0].head_len;
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

		image_msf_text(msf, sizeof(msf), t->start_lba + CD_PREGAP_FRAMES);
		fprintf(f, "track %u %s control 0x%x start %d msf %s pregap %d length %d isrc %s\n",
			n, image_toc_track_is_data(t) ? "data" : "audio",
			t->control, t->start_lba, msf, t->start_lba - t->pregap_lba,
			t->end_lba - t->start_lba, t->isrc[0] ? t->isrc : "-");
		if (t->pregap_lba < t->start_lba)
			fprintf(f, "index %u 0 %d\n", n, t->pregap_lba);
		for (unsigned i = 1; i <= t->index_count; i++)
			fprintf(f, "index %u %u %d\n", n, i, t->index_lba[i]);
	}
	image_msf_text(msf, sizeof(msf), toc->leadout_lba + CD_PREGAP_FRAMES);
	fprintf(f, "leadout %d msf %s\n", toc->leadout_lba, msf);
	return ferror(f) ? -EIO : 0;
}
