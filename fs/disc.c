#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disc.h"
#include "image-copy.h"
#include "image-cue.h"
#include "image-wav.h"
#include "rawcd-read.h"

#define DISC_FILE_MODE 0444

enum disc_kind {
	DISC_TOC,	/* the table of contents as text */
	DISC_CUE,	/* disc.cue, naming disc.bin */
	DISC_SECTORS,	/* NN.iso, NN.wav, disc.bin */
	DISC_RAW,	/* disc.raw: the whole disc as a raw stream */
};

/* What a name of disc/ stands for on the disc in the drive. */
struct disc_entry {
	enum disc_kind kind;
	int32_t lba;			/* the first sector */
	uint32_t sectors;
	enum recorder_read_form form;
	size_t header;			/* WAV header bytes before the samples */
	enum cd_sector_type type;	/* DISC_RAW: the mount's sector_type */
	unsigned lead_in;		/* DISC_RAW: the mount's lead_in_sectors */
};

struct fs_disc_file {
	pthread_mutex_t mu;
	struct disc_entry e;
	struct strbuf text;		/* DISC_TOC, DISC_CUE: rendered at open */
	uint8_t header[IMAGE_WAV_HEADER_SIZE];
	uint8_t *cache;			/* the sectors read last */
	int32_t cache_lba;
	uint32_t cache_count;
	struct image_copy *copy;	/* DISC_RAW */
	uint8_t sector[2448];		/* DISC_RAW: the stream sector made last */
};

/*
 * A copy of the table of contents, read again when @refresh asks, when
 * none was read yet, or when a burn through this mount changed progress
 * since. While a write runs the last one read stays (the drive is not
 * asked); any other failure shows an empty disc/.
 */
static void
toc_get(struct fs_ctx *ctx, bool refresh, struct image_toc *out)
{
	struct fs_disc *disc = &ctx->disc;
	unsigned long gen = rawcd_progress_generation(ctx->w);
	struct burn_error ignored;

	pthread_mutex_lock(&disc->mu);
	if (refresh || !disc->loaded || disc->generation != gen) {
		struct image_toc toc;
		int ret;

		memset(&toc, 0, sizeof(toc));
		ret = rawcd_read_toc(ctx->w, &toc, &ignored);
		if (ret != -EBUSY || !disc->loaded) {
			if (ret < 0)
				memset(&toc, 0, sizeof(toc));
			disc->toc = toc;
			disc->loaded = true;
			disc->generation = gen;
		}
	}
	*out = disc->toc;
	pthread_mutex_unlock(&disc->mu);
}

/* Track @t's file: NN.iso of its user data, or NN.wav up to the next track's start. */
static void
track_entry(const struct image_toc *toc, unsigned t, struct disc_entry *e)
{
	const struct image_toc_track *tr = &toc->track[t];
	int32_t end;

	e->kind = DISC_SECTORS;
	e->lba = tr->start_lba;
	if (image_toc_track_is_data(tr)) {
		end = tr->end_lba;
		e->form = RECORDER_READ_USER_DATA;
		e->header = 0;
	} else {
		/*
		 * the next track's pre-gap goes with this one, as rippers cut
		 * tracks; not the lead-out and lead-in before another session
		 */
		end = t == toc->last_track ? toc->leadout_lba
		    : toc->track[t + 1].session != tr->session ? tr->end_lba
		    : toc->track[t + 1].start_lba;
		e->form = RECORDER_READ_MAIN;
		e->header = IMAGE_WAV_HEADER_SIZE;
	}
	e->sectors = end > e->lba ? (uint32_t)(end - e->lba) : 0;
}

/*
 * Whether @toc's disc has sessions after its first. Such a disc has no
 * disc.raw: an IMAPI raw stream has one lead-in, so it cannot carry them,
 * and burned back it would make one session of every track.
 */
static bool
several_sessions(const struct image_toc *toc)
{
	return toc->first_track && toc->track[toc->last_track].session > 1;
}

/* The entry @name stands for on @toc; false when there is none. */
static bool
entry_of(struct fs_ctx *ctx, const struct image_toc *toc, const char *name,
	 struct disc_entry *e)
{
	unsigned t;
	char ext[4], end;

	memset(e, 0, sizeof(*e));
	if (toc->first_track == 0)
		return false;
	if (strcmp(name, "toc") == 0 || strcmp(name, "disc.cue") == 0) {
		e->kind = name[0] == 't' ? DISC_TOC : DISC_CUE;
		return true;
	}
	if (strcmp(name, "disc.raw") == 0 && !several_sessions(toc)) {
		/* the program area is read with its sub-channel; the rest is made */
		e->kind = DISC_RAW;
		e->form = RECORDER_READ_MAIN_SUB;
		e->sectors = toc->leadout_lba > 0 ? (uint32_t)toc->leadout_lba : 0;
		e->type = rawcd_sector_type(ctx->w);
		e->lead_in = (unsigned)rawcd_lead_in_sectors(ctx->w);
		return true;
	}
	if (strcmp(name, "disc.bin") == 0) {
		e->kind = DISC_SECTORS;
		e->form = RECORDER_READ_MAIN;
		e->sectors = toc->leadout_lba > 0 ? (uint32_t)toc->leadout_lba : 0;
		return true;
	}
	if (strlen(name) != 6 || name[0] < '0' || name[0] > '9' || name[1] < '0' ||
	    name[1] > '9' || sscanf(name, "%2u.%3s%c", &t, ext, &end) != 2)
		return false;
	if (t < toc->first_track || t > toc->last_track)
		return false;
	if (strcmp(ext, image_toc_track_is_data(&toc->track[t]) ? "iso" : "wav") != 0)
		return false;
	track_entry(toc, t, e);
	return true;
}

static size_t
sector_size(const struct disc_entry *e)
{
	return recorder_read_form_size(e->form);
}

/* The bytes of @e's file (a sector file: not DISC_TOC or DISC_CUE). */
static uint64_t
entry_size(const struct disc_entry *e)
{
	if (e->kind == DISC_RAW)
		return ((uint64_t)e->lead_in + e->sectors + IMAGE_LEADOUT_SECTORS) *
		       cd_sector_type_size(e->type);
	return e->header + (uint64_t)e->sectors * sector_size(e);
}

/* "@key@text\n" with @text made printable; nothing when @text is "" and @always is false. */
static void
text_line(struct strbuf *sb, const char *key, const char *text, bool always)
{
	if (!always && !text[0])
		return;
	strbuf_add(sb, key, strlen(key));
	strbuf_add_text(sb, text);
	strbuf_add(sb, "\n", 1);
}

/*
 * The CD-TEXT fields after TITLE and PERFORMER of the disc (@track 0) or a
 * track, each as "@prefix<field>: text" where it has one: "songwriter",
 * "composer", "arranger", "message", "disc_id", "genre" (and "genre_code"),
 * "upc_ean", and a track's "cdtext_isrc"; the codes only where they are
 * not the sub-channel's.
 */
static void
render_more_text(const struct image_toc *toc, unsigned track, const char *prefix,
		 struct strbuf *sb)
{
	for (unsigned i = IMAGE_TEXT_SONGWRITER; i < IMAGE_TEXT_FIELDS; i++) {
		enum image_text_field f = (enum image_text_field)i;
		const char *text = image_toc_text(toc, track, f);
		char key[48];
		size_t n;

		if (!text[0] || image_toc_text_is_q_code(toc, track, f))
			continue;
		n = (size_t)snprintf(key, sizeof(key), "%s%s", prefix,
				     f == IMAGE_TEXT_CODE && track ? "cdtext_" : "");
		for (const char *c = image_text_field_name(f, track); *c && n + 3 < sizeof(key); c++)
			key[n++] = (char)tolower((unsigned char)*c);
		memcpy(key + n, ": ", 3);
		text_line(sb, key, text, false);
		if (f == IMAGE_TEXT_GENRE && toc->genre_code)
			strbuf_printf(sb, "%sgenre_code: %u\n", prefix, toc->genre_code);
	}
}

/*
 * The table of contents as text: "key: value" lines for the disc, one line
 * per track, and a track's CD-TEXT lines after it where it has any.
 */
static void
render_toc(const struct image_toc *toc, struct strbuf *sb)
{
	strbuf_printf(sb, "first_track: %u\nlast_track: %u\nleadout: %d\n", toc->first_track,
		      toc->last_track, toc->leadout_lba);
	text_line(sb, "mcn: ", toc->mcn, true);
	text_line(sb, "title: ", image_toc_text(toc, 0, IMAGE_TEXT_TITLE), true);
	text_line(sb, "performer: ", image_toc_text(toc, 0, IMAGE_TEXT_PERFORMER), true);
	render_more_text(toc, 0, "", sb);
	for (unsigned t = toc->first_track; t <= toc->last_track; t++) {
		const struct image_toc_track *tr = &toc->track[t];
		bool data = image_toc_track_is_data(tr);
		char key[32];

		strbuf_printf(sb, "track %02u: %s start=%d pregap=%d length=%d copy=%s "
			      "preemphasis=%s isrc=", t, !data ? "audio" : tr->mode == 2 ? "mode2" :
			      "mode1", tr->start_lba,
			      tr->start_lba - tr->pregap_lba, tr->end_lba - tr->start_lba,
			      tr->control & 0x2 ? "yes" : "no",
			      !data && (tr->control & 0x1) ? "yes" : "no");
		text_line(sb, "", tr->isrc, true);
		if (tr->session)
			/* a disc of several sessions (a single session's tracks say nothing) */
			strbuf_printf(sb, "track %02u session: %u\n", t, tr->session);
		for (unsigned i = 2; i <= tr->index_count; i++)
			strbuf_printf(sb, "track %02u index %02u: %d\n", t, i, tr->index_lba[i]);
		snprintf(key, sizeof(key), "track %02u title: ", t);
		text_line(sb, key, image_toc_text(toc, t, IMAGE_TEXT_TITLE), false);
		snprintf(key, sizeof(key), "track %02u performer: ", t);
		text_line(sb, key, image_toc_text(toc, t, IMAGE_TEXT_PERFORMER), false);
		snprintf(key, sizeof(key), "track %02u ", t);
		render_more_text(toc, t, key, sb);
	}
}

/* disc.cue: the cue sheet burnfs-image and the emulator write, naming disc.bin. */
static int
render_cue(const struct image_toc *toc, struct strbuf *sb, struct burn_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (!f)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for disc.cue");
	ret = image_toc_write_cue(f, "disc.bin", toc);
	if (fclose(f) != 0 && ret == 0)
		ret = -ENOMEM;
	if (ret == 0)
		strbuf_add(sb, text, len);
	free(text);
	if (ret < 0)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "disc.cue could not be written");
	return 0;
}

static void
add_name(const struct image_toc *toc, void (*fn)(void *arg, const char *name), void *arg)
{
	char name[8];

	if (toc->first_track == 0)
		return;
	fn(arg, "toc");
	fn(arg, "disc.cue");
	fn(arg, "disc.bin");
	if (!several_sessions(toc))
		fn(arg, "disc.raw");
	for (unsigned t = toc->first_track; t <= toc->last_track; t++) {
		snprintf(name, sizeof(name), "%02u.%s", t,
			 image_toc_track_is_data(&toc->track[t]) ? "iso" : "wav");
		fn(arg, name);
	}
}

void
fs_disc_each(struct fs_ctx *ctx, void (*fn)(void *arg, const char *name), void *arg)
{
	struct image_toc toc;

	toc_get(ctx, true, &toc);
	add_name(&toc, fn, arg);
}

/* Renders a text entry of @toc into @sb. */
static int
render(const struct image_toc *toc, const struct disc_entry *e, struct strbuf *sb,
       struct burn_error *err)
{
	if (e->kind == DISC_TOC)
		render_toc(toc, sb);
	else if (render_cue(toc, sb, err) < 0)
		return -ENOMEM;
	if (sb->err)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory to show the disc");
	return 0;
}

int
fs_disc_stat(struct fs_ctx *ctx, const char *name, struct stat *st)
{
	struct image_toc toc;
	struct disc_entry e;
	struct strbuf sb;
	struct burn_error ignored;

	toc_get(ctx, false, &toc);
	if (!entry_of(ctx, &toc, name, &e))
		return -ENOENT;
	st->st_mode = S_IFREG | DISC_FILE_MODE;
	st->st_nlink = 1;
	st->st_blksize = 65536;
	st->st_atime = st->st_mtime = st->st_ctime = ctx->mount_time;
	if (e.kind == DISC_SECTORS || e.kind == DISC_RAW) {
		st->st_size = (off_t)entry_size(&e);
		return 0;
	}
	strbuf_init(&sb);
	if (render(&toc, &e, &sb, &ignored) == 0)
		st->st_size = (off_t)sb.len;
	strbuf_free(&sb);
	return 0;
}

/* disc.raw's maker, from @toc and the disc's CD-TEXT packs. */
static int
open_copy(struct fs_ctx *ctx, const struct image_toc *toc, struct fs_disc_file *f,
	  struct burn_error *err)
{
	uint8_t (*packs)[CDTEXT_PACK_SIZE] = malloc(CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE);
	int n, ret;

	if (!packs)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory to read disc/disc.raw");
	n = rawcd_read_cdtext(ctx->w, packs, err);
	ret = n < 0 ? n : image_copy_create(&f->copy, toc,
					    (const uint8_t (*)[CDTEXT_PACK_SIZE])packs,
					    (unsigned)n, f->e.type, f->e.lead_in, err);
	free(packs);
	return ret;
}

int
fs_disc_open(struct fs_ctx *ctx, const char *name, struct fs_disc_file **out,
	     struct burn_error *err)
{
	struct fs_disc_file *f;
	struct image_toc toc;
	int ret = 0;

	*out = NULL;
	toc_get(ctx, false, &toc);
	f = calloc(1, sizeof(*f));
	if (!f)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory to open disc/%s", name);
	strbuf_init(&f->text);
	pthread_mutex_init(&f->mu, NULL);
	if (!entry_of(ctx, &toc, name, &f->e)) {
		/* listed a moment ago, gone now: the medium changed */
		ret = burn_error_set(err, BURN_E_MEDIA_NO_MEDIA,
				     "disc/%s is not on the disc in the drive (any more)", name);
		goto out_free;
	}
	if (f->e.kind == DISC_TOC || f->e.kind == DISC_CUE) {
		ret = render(&toc, &f->e, &f->text, err);
		if (ret < 0)
			goto out_free;
	} else {
		if (f->e.kind == DISC_RAW) {
			ret = open_copy(ctx, &toc, f, err);
			if (ret < 0)
				goto out_free;
		}
		f->cache = malloc(RECORDER_DISC_READ_MAX * sector_size(&f->e));
		if (!f->cache) {
			ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory to read disc/%s",
					     name);
			goto out_free;
		}
		image_wav_header(f->header, (uint32_t)(f->e.sectors * sector_size(&f->e)));
	}
	*out = f;
	return 0;
out_free:
	fs_disc_close(f);
	return ret;
}

/* Makes the cache hold sector @idx of @f's file; 0 or -errno. */
static int
fill_cache(struct fs_ctx *ctx, struct fs_disc_file *f, uint32_t idx, struct burn_error *err)
{
	uint32_t count = f->e.sectors - idx;
	int n;

	if (f->cache_count && (uint32_t)(f->e.lba + (int32_t)idx - f->cache_lba) < f->cache_count &&
	    f->e.lba + (int32_t)idx >= f->cache_lba)
		return 0;
	if (count > RECORDER_DISC_READ_MAX)
		count = RECORDER_DISC_READ_MAX;
	f->cache_count = 0;
	n = rawcd_read_sectors(ctx->w, f->e.lba + (int32_t)idx, count, f->e.form, f->cache, err);
	if (n < 0)
		return n;
	f->cache_lba = f->e.lba + (int32_t)idx;
	f->cache_count = (uint32_t)n;
	return 0;
}

/*
 * disc.raw: each stream sector made from the sector read (program area)
 * or from the table of contents (lead-in, pre-gap, lead-out). Lock held.
 */
static ssize_t
read_raw(struct fs_ctx *ctx, struct fs_disc_file *f, char *buf, size_t size, off_t off,
	 struct burn_error *err)
{
	size_t ss = cd_sector_type_size(f->e.type), done = 0;
	int ret = 0;

	while (done < size) {
		uint64_t pos = (uint64_t)off + done;
		int32_t lba = image_copy_lba(f->copy, pos / ss);
		const uint8_t *as_read = NULL;
		size_t in = (size_t)(pos % ss), n = ss - in;

		if (image_copy_is_read(f->copy, lba)) {
			ret = fill_cache(ctx, f, (uint32_t)lba, err);
			if (ret < 0)
				break;
			as_read = f->cache + (size_t)(lba - f->cache_lba) * IMAGE_COPY_READ_SIZE;
		}
		ret = image_copy_sector(f->copy, lba, as_read, f->sector, err);
		if (ret < 0)
			break;
		if (n > size - done)
			n = size - done;
		memcpy(buf + done, f->sector + in, n);
		done += n;
	}
	return done > 0 ? (ssize_t)done : ret;
}

/* NN.iso, NN.wav, disc.bin: a header (WAV), then the sectors as read. Lock held. */
static ssize_t
read_sectors(struct fs_ctx *ctx, struct fs_disc_file *f, char *buf, size_t size, off_t off,
	     struct burn_error *err)
{
	size_t ss = sector_size(&f->e), done = 0;
	int ret = 0;

	while (done < size) {
		uint64_t pos = (uint64_t)off + done, in;
		uint32_t idx;
		size_t n;

		if (pos < f->e.header) {
			n = f->e.header - pos < size - done ? f->e.header - pos : size - done;
			memcpy(buf + done, f->header + pos, n);
			done += n;
			continue;
		}
		idx = (uint32_t)((pos - f->e.header) / ss);
		ret = fill_cache(ctx, f, idx, err);
		if (ret < 0)
			break;
		in = (uint64_t)(f->e.lba + (int32_t)idx - f->cache_lba) * ss +
		     (pos - f->e.header) % ss;
		n = (size_t)((uint64_t)f->cache_count * ss - in);
		if (n > size - done)
			n = size - done;
		memcpy(buf + done, f->cache + in, n);
		done += n;
	}
	/* the bytes before an unreadable sector first; the next read fails there */
	return done > 0 ? (ssize_t)done : ret;
}

ssize_t
fs_disc_read(struct fs_ctx *ctx, struct fs_disc_file *f, char *buf, size_t size, off_t off,
	     struct burn_error *err)
{
	uint64_t total;
	ssize_t n;

	if (f->e.kind == DISC_TOC || f->e.kind == DISC_CUE)
		return (ssize_t)strbuf_read_at(&f->text, buf, size, off);
	total = entry_size(&f->e);
	if ((uint64_t)off >= total)
		return 0;
	if (size > total - (uint64_t)off)
		size = (size_t)(total - (uint64_t)off);
	pthread_mutex_lock(&f->mu);
	n = f->e.kind == DISC_RAW ? read_raw(ctx, f, buf, size, off, err)
				  : read_sectors(ctx, f, buf, size, off, err);
	pthread_mutex_unlock(&f->mu);
	return n;
}

off_t
fs_disc_size(const struct fs_disc_file *f)
{
	if (f->e.kind == DISC_TOC || f->e.kind == DISC_CUE)
		return (off_t)f->text.len;
	return (off_t)entry_size(&f->e);
}

void
fs_disc_close(struct fs_disc_file *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->mu);
	strbuf_free(&f->text);
	free(f->cache);
	image_copy_destroy(f->copy);
	free(f);
}
