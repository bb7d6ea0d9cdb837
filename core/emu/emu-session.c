#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu-dir.h"
#include "emu-private.h"
#include "image-cdtext.h"
#include "image-cue.h"
#include "owner.h"
#include "subchannel.h"

/* unlink() and rename() act on names: a link is removed or moved, never followed. */
static void
dir_unlink(const struct emu_drive *d, const char *name)
{
	unlinkat(d->dir_fd, name, 0);
}

static int
dir_rename(const struct emu_drive *d, const char *from, const char *to)
{
	return renameat(d->dir_fd, from, d->dir_fd, to) < 0 ? -errno : 0;
}

/*
 * A file that may not be trusted (emu_dir_unsafe()) is as good as absent:
 * -ENOENT. The FILE is the caller's.
 */
FILE *
emu_session_fopen_read(const struct emu_drive *d, const char *name)
{
	struct stat sb;
	char why[96];
	FILE *f;
	int fd = emu_dir_open_existing(d->dir_fd, name, O_RDONLY, &sb, why, sizeof(why));

	if (fd < 0) {
		errno = fd == -EPERM ? ENOENT : -fd;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

void
emu_session_remove_rec(const struct emu_drive *d)
{
	dir_unlink(d, "rec.bin");
	dir_unlink(d, "rec.sub");
}

/* The recorded disc goes: the cue first, so a half-removed disc never looks whole. */
void
emu_session_remove_disc(const struct emu_drive *d)
{
	dir_unlink(d, "disc.cue");
	dir_unlink(d, "disc.cdt");
	dir_unlink(d, "disc.toc");
	dir_unlink(d, "disc.bin");
	dir_unlink(d, "disc.sub");
}

/*
 * When process @pid started (clock ticks since boot, /proc/PID/stat field
 * 22), or 0 when unknown: with the pid it names a process even across pid
 * reuse and reboots.
 */
static unsigned long long
process_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the command name may hold anything */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
			 "%*d %*d %*d %*d %llu", &start) != 1)
		return 0;
	return start;
}

bool
emu_session_mine(const struct emu_drive *d)
{
	char id[48];

	emu_handle_id(d, id, sizeof(id));
	return d->st.session[0] && strcmp(d->st.session, id) == 0;
}

/* A session held by another handle (that is still alive: see emu_session_reap()). */
bool
emu_session_foreign(const struct emu_drive *d)
{
	return d->st.session[0] && !emu_session_mine(d);
}

void
emu_session_rec_free(struct emu_drive *d)
{
	if (!d->rec)
		return;
	image_decoder_destroy(d->rec->dec);
	free(d->rec->sao_toc);
	free(d->rec->disc_toc);
	if (d->rec->bin_fd >= 0)
		close(d->rec->bin_fd);
	if (d->rec->sub_fd >= 0)
		close(d->rec->sub_fd);
	free(d->rec);
	d->rec = NULL;
}

/*
 * The CD-TEXT packs of @toc (the text the lead-in carried), as READ TOC
 * format 5 gives them, into a new temporary of DIR named in @tmp; nothing
 * (@tmp "") when the disc has no text. 0 or -errno.
 */
static int
cdtext_save(struct emu_drive *d, const struct image_toc *toc, char *tmp, size_t tmp_size)
{
	uint8_t *packs = malloc(CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE);
	struct burn_error ignored;
	ssize_t put = 0;
	int fd, n;

	tmp[0] = '\0';
	if (!packs)
		return -ENOMEM;
	n = image_cdtext_build(toc, packs, &ignored);
	/* none, or more than a lead-in holds (none is recorded then either) */
	fd = n > 0 ? emu_dir_create_temp(d->dir_fd, "disc.cdt", tmp, tmp_size) : 0;
	if (fd < 0)
		tmp[0] = '\0';
	if (n > 0 && fd >= 0) {
		put = write(fd, packs, (size_t)n * CDTEXT_PACK_SIZE);
		close(fd);
		if (put != (ssize_t)((size_t)n * CDTEXT_PACK_SIZE))
			fd = -EIO;
	}
	free(packs);
	return fd < 0 ? fd : 0;
}

/* Moves a finished recording into place as disc.bin/.sub/.toc/.cue (and .cdt). */
static int
rec_finalize(struct emu_drive *d, const struct image_toc *toc)
{
	char toc_tmp[64] = "", cue_tmp[64] = "", cdt_tmp[64] = "";
	FILE *f;
	int fd, ret;

	ret = emu_toc_save(d, toc, toc_tmp, sizeof(toc_tmp));
	if (ret == 0)
		ret = cdtext_save(d, toc, cdt_tmp, sizeof(cdt_tmp));
	if (ret < 0)
		goto out;
	fd = emu_dir_create_temp(d->dir_fd, "disc.cue", cue_tmp, sizeof(cue_tmp));
	if (fd < 0) {
		ret = fd;
		cue_tmp[0] = '\0';
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		ret = -ENOMEM;
		goto out;
	}
	fprintf(f, "REM recorded by the burnfs %s emulated recorder\n", BURNFS_VERSION);
	ret = image_toc_write_cue(f, "disc.bin", toc);
	if (fclose(f) != 0 && ret == 0)
		ret = -EIO;
	if (ret < 0)
		goto out;
	ret = dir_rename(d, "rec.bin", "disc.bin");
	if (ret == 0)
		ret = dir_rename(d, "rec.sub", "disc.sub");
	if (ret == 0)
		ret = dir_rename(d, toc_tmp, "disc.toc");
	if (ret == 0)
		ret = dir_rename(d, cue_tmp, "disc.cue");
	if (ret == 0 && cdt_tmp[0])
		ret = dir_rename(d, cdt_tmp, "disc.cdt");
out:
	if (ret < 0) {
		if (cdt_tmp[0])
			dir_unlink(d, cdt_tmp);
		if (cue_tmp[0])
			dir_unlink(d, cue_tmp);
		if (toc_tmp[0])
			dir_unlink(d, toc_tmp);
		emu_session_remove_disc(d);
	}
	return ret;
}

/* True when DIR's @name is still the file open as @fd (nobody replaced it). */
static bool
dir_entry_is(const struct emu_drive *d, const char *name, int fd)
{
	struct stat a, b;

	return fd >= 0 && fstat(fd, &a) == 0 &&
	       fstatat(d->dir_fd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/*
 * RAW onto an appendable disc: the disc's TOC with the session the
 * stream's lead-in described added as its next one (in rec->disc_toc,
 * once, as the session ends). NULL when the stream carried no such
 * session: no TOC, tracks that do not follow the disc's, or a first track
 * that does not start after the next lead-in and pre-gap (doc/reference/
 * tao.md §5): such a session ruins the disc, as on a real one.
 */
static const struct image_toc *
rec_append_toc(struct emu_rec *rec)
{
	const struct image_toc *s = image_decoder_toc(rec->dec);
	struct image_toc *toc = rec->disc_toc;
	uint8_t session;

	if (!s || toc->last_track >= IMAGE_MAX_TRACKS || s->first_track != toc->last_track + 1 ||
	    s->track[s->first_track].pregap_lba != rec->from ||
	    s->track[s->first_track].start_lba != rec->from + CD_PREGAP_FRAMES)
		return NULL;
	session = (uint8_t)(toc->track[toc->last_track].session + 1);
	for (unsigned n = s->first_track; n <= s->last_track; n++) {
		toc->track[n] = s->track[n];
		toc->track[n].session = session;
	}
	toc->last_track = s->last_track;
	toc->leadout_lba = s->leadout_lba;
	return toc;
}

/*
 * With @finish (SYNCHRONIZE CACHE) a stream that reached the end of its
 * lead-out makes a complete disc (or, on an appendable one, adds its
 * session); anything else leaves a recorded CD-R
 * ruined (incomplete). Test Write leaves the disc as it was.
 */
void
emu_session_end(struct emu_drive *d, bool finish)
{
	struct emu_rec *rec = d->rec;
	const struct image_toc *toc = !rec ? NULL : rec->sao_toc ? rec->sao_toc
				    : rec->disc_toc ? rec_append_toc(rec)
				    : image_decoder_toc(rec->dec);

	if (!d->st.session_test) {
		/* a recording whose files were replaced is lost: never move a stranger's file */
		bool whole = emu_session_flush(d) == 0 && finish && rec && toc &&
			     (rec->sao_toc || image_decoder_complete(rec->dec)) &&
			     rec->bin_sectors == toc->leadout_lba &&
			     dir_entry_is(d, "rec.bin", rec->bin_fd) &&
			     dir_entry_is(d, "rec.sub", rec->sub_fd);

		if (rec && rec->bin_fd >= 0) {
			close(rec->bin_fd);
			close(rec->sub_fd);
			rec->bin_fd = rec->sub_fd = -1;
		}
		if (whole && rec_finalize(d, toc) == 0) {
			/* page 05h Multi-session 11b: the next session may follow */
			d->st.disc = (d->st.page05[3] >> 6) == 3 ? EMU_DISC_APPENDABLE
								 : EMU_DISC_COMPLETE;
		} else {
			d->st.disc = EMU_DISC_INCOMPLETE;
			emu_session_remove_rec(d);
		}
	}
	d->st.session[0] = '\0';
	d->st.session_next = 0;
	d->st.session_block = 0;
	emu_session_rec_free(d);
	emu_tao_free(d);
	d->dirty = true;
}

/* Like a power cut: the process that recorded is gone. */
void
emu_session_reap(struct emu_drive *d)
{
	pid_t pid;

	if (d->rec && !emu_session_mine(d))
		/* the disc was changed under this handle's session */
		emu_session_rec_free(d);
	if (!d->st.session[0] || emu_session_mine(d))
		return;
	pid = (pid_t)strtol(d->st.session, NULL, 10);
	if (owner_pid_alive(pid) && process_start_time(pid) == d->st.session_started)
		return;
	if (!d->st.session_test)
		d->st.disc = EMU_DISC_INCOMPLETE;
	emu_session_remove_rec(d);
	d->st.session[0] = '\0';
	emu_write_buffer_reset(&d->st);
	d->dirty = true;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Copies DIR/@name (the recorded disc's, @size bytes per sector) into
 * @fd, then makes @fd @sectors sectors long: the sessions already on the
 * disc, and the gap up to the new one (lead-out and lead-in, read as
 * zeros: doc/reference/tao.md §5). 0 or -errno.
 */
static int
rec_copy_disc(const struct emu_drive *d, const char *name, int fd, size_t size, int32_t sectors)
{
	struct stat sb;
	char why[96], buf[64 * 1024];
	int in = emu_dir_open_existing(d->dir_fd, name, O_RDONLY, &sb, why, sizeof(why));
	off_t want = (off_t)sectors * (off_t)size, at = 0;
	int ret = 0;

	if (in < 0)
		return in == -EPERM ? -ENOENT : in;
	if (sb.st_size > want)
		ret = -EPROTO;	/* the disc reaches into the new session: not ours */
	while (ret == 0 && at < sb.st_size) {
		ssize_t n = pread(in, buf, sizeof(buf), at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		ret = write_all(fd, buf, (size_t)n);
		at += n;
	}
	close(in);
	if (ret == 0 && ftruncate(fd, want) < 0)
		ret = -errno;
	if (ret == 0 && lseek(fd, want, SEEK_SET) < 0)
		ret = -errno;
	return ret;
}

/* A new, empty DIR/@name of our own, open for writing: a temporary renamed over the name. */
static int
rec_file_create(const struct emu_drive *d, const char *name)
{
	char tmp[64];
	int fd = emu_dir_create_temp(d->dir_fd, name, tmp, sizeof(tmp));

	if (fd < 0)
		return fd;
	if (renameat(d->dir_fd, tmp, d->dir_fd, name) < 0) {
		int e = errno;

		close(fd);
		unlinkat(d->dir_fd, tmp, 0);
		return -e;
	}
	return fd;
}

int
emu_session_begin(struct emu_drive *d, enum cd_sector_type type, int32_t nwa,
		  const struct image_toc *sao_toc, int32_t from)
{
	bool append = d->st.disc == EMU_DISC_APPENDABLE;
	struct emu_rec *rec = calloc(1, sizeof(*rec));
	/* emu_discard=1 records like a Test Write: nothing */
	bool test = (d->st.page05[2] & 0x10) || d->cfg.discard;
	int ret;

	if (!rec)
		return -ENOMEM;
	rec->bin_fd = rec->sub_fd = -1;
	rec->type = type;
	if (sao_toc) {
		/* session-at-once: the drive knows the TOC from the cue sheet, no lead-in comes */
		rec->sao_toc = malloc(sizeof(*rec->sao_toc));
		ret = rec->sao_toc ? 0 : -ENOMEM;
		if (rec->sao_toc)
			*rec->sao_toc = *sao_toc;
	} else if (append) {
		/* the next session's lead-in, pre-gap, program area and 2250-sector lead-out */
		rec->disc_toc = malloc(sizeof(*rec->disc_toc));
		ret = !rec->disc_toc ? -ENOMEM : emu_toc_load_image(d, rec->disc_toc);
		if (ret == 0)
			ret = image_decoder_open_session(&rec->dec, type, nwa, from,
							 EMU_LEADOUT_LATER, NULL);
		rec->from = from;
	} else {
		ret = image_decoder_open(&rec->dec, type, (unsigned)-nwa, NULL);
	}
	if (ret < 0)
		goto out_free;
	if (!test) {
		/* a new disc replaces the old; a new session keeps it until the session is whole */
		if (!append)
			emu_session_remove_disc(d);
		ret = rec->bin_fd = rec_file_create(d, "rec.bin");
		if (ret >= 0)
			ret = rec->sub_fd = rec_file_create(d, "rec.sub");
		if (ret >= 0 && append)
			ret = rec_copy_disc(d, "disc.bin", rec->bin_fd, CD_MAIN_SIZE, from);
		if (ret >= 0 && append)
			ret = rec_copy_disc(d, "disc.sub", rec->sub_fd, SUBCHANNEL_PW_SIZE, from);
		if (ret < 0)
			goto out_free;
		rec->bin_sectors = append ? from : 0;
		/* from the first sector on, a CD-R is used */
		d->st.disc = EMU_DISC_INCOMPLETE;
	}
	emu_handle_id(d, d->st.session, sizeof(d->st.session));
	d->st.session_started = process_start_time(getpid());
	d->st.session_test = test;
	d->st.session_next = nwa;
	d->st.session_block = sao_toc ? CD_MAIN_SIZE : cd_sector_type_size(type);
	emu_write_buffer_reset(&d->st);
	d->st.buf_rate = d->cfg.speed * CD_FRAMES_PER_SECOND;
	d->dirty = true;
	d->rec = rec;
	rec = NULL;
	ret = 0;
out_free:
	if (rec) {
		d->rec = rec;
		emu_session_rec_free(d);
		emu_session_remove_rec(d);
	}
	return ret;
}

/*
 * The corrupt@LBA fault: @out gets @main with its first user data byte
 * changed and, for a data sector, EDC and ECC made to match again, so that
 * the sector reads back without error, as after a burn that went wrong
 * without the drive noticing.
 */
static void
corrupt_sector(uint8_t *out, const uint8_t *main, int32_t lba, bool data_sector)
{
	memcpy(out, main, CD_MAIN_SIZE);
	if (data_sector && main[15] == 2) {
		out[CD_MODE2_DATA_OFFSET] ^= 0xff;
		cd_sector_encode_mode2(out, lba, main + CD_MODE2_SUBHEADER_OFFSET,
				       out + CD_MODE2_DATA_OFFSET);
	} else if (data_sector) {
		out[CD_MODE1_DATA_OFFSET] ^= 0xff;
		cd_sector_encode_mode1(out, lba, out + CD_MODE1_DATA_OFFSET);
	} else {
		out[0] ^= 0xff;
	}
}

int
emu_session_record(struct emu_drive *d, int32_t lba, const uint8_t *sector)
{
	uint8_t bad[CD_MAIN_SIZE];
	const uint8_t *main;
	struct emu_rec *rec = d->rec;
	struct image_sector *s = &rec->sector;
	const struct image_toc *toc;
	int ret;

	if (rec->bin_fd < 0)
		return 0;	/* a Test Write keeps nothing, so reads nothing either */
	ret = image_decoder_feed_at(rec->dec, lba, sector, s);
	if (ret == -EINVAL)
		return ret;	/* cannot happen: WRITE addresses are checked sequential */
	toc = image_decoder_toc(rec->dec);
	if (s->region != IMAGE_REGION_PROGRAM || lba < 0 || !toc || lba >= toc->leadout_lba ||
	    lba != rec->bin_sectors)
		return 0;
	main = s->main;
	if ((d->cfg.faults & EMU_FAULT_CORRUPT) && lba == d->cfg.corrupt_lba) {
		corrupt_sector(bad, s->main, lba, s->data);
		main = bad;
	}
	subchannel_to_raw96(rec->type, sector + CD_MAIN_SIZE,
			    rec->sub_pending + (size_t)rec->n_pending * SUBCHANNEL_PW_SIZE);
	memcpy(rec->bin_pending + (size_t)rec->n_pending * CD_MAIN_SIZE, main, CD_MAIN_SIZE);
	rec->n_pending++;
	rec->bin_sectors++;
	return rec->n_pending == EMU_REC_BATCH ? emu_session_flush(d) : 0;
}

int
emu_session_record_sao(struct emu_drive *d, int32_t lba, const uint8_t *main, bool data,
		       const uint8_t *sub96)
{
	struct emu_rec *rec = d->rec;
	uint8_t bad[CD_MAIN_SIZE];

	if (rec->bin_fd < 0 || lba < 0 || lba >= rec->sao_toc->leadout_lba ||
	    lba != rec->bin_sectors)
		return 0;	/* Test Write; track 1's pre-gap is not in disc.bin */
	if ((d->cfg.faults & EMU_FAULT_CORRUPT) && lba == d->cfg.corrupt_lba) {
		corrupt_sector(bad, main, lba, data);
		main = bad;
	}
	memcpy(rec->sub_pending + (size_t)rec->n_pending * SUBCHANNEL_PW_SIZE, sub96,
	       SUBCHANNEL_PW_SIZE);
	memcpy(rec->bin_pending + (size_t)rec->n_pending * CD_MAIN_SIZE, main, CD_MAIN_SIZE);
	rec->n_pending++;
	rec->bin_sectors++;
	return rec->n_pending == EMU_REC_BATCH ? emu_session_flush(d) : 0;
}

int
emu_session_flush(struct emu_drive *d)
{
	struct emu_rec *rec = d->rec;
	uint32_t n;
	int ret;

	if (!rec || !rec->n_pending || rec->bin_fd < 0)
		return 0;
	n = rec->n_pending;
	rec->n_pending = 0;
	ret = write_all(rec->bin_fd, rec->bin_pending, (size_t)n * CD_MAIN_SIZE);
	if (ret == 0)
		ret = write_all(rec->sub_fd, rec->sub_pending, (size_t)n * SUBCHANNEL_PW_SIZE);
	if (ret < 0)
		rec->bin_sectors -= (int32_t)n;	/* not recorded: the session cannot end whole */
	return ret;
}
