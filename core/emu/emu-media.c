#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu-dir.h"
#include "emu-private.h"
#include "owner.h"

static const uint16_t speeds_cdr[] = { 706, 1411, 2822, 4234, 5645, 8467, 0 };
static const uint16_t speeds_cdrw[] = { 706, 1764, 2822, 4234, 0 };
static const uint16_t speeds_none[] = { 0 };

/*
 * ATIP values of real discs of each kind: lead-in starts around 97:2x:xx,
 * lead-out limits at the nominal capacity (+ the 2 s pregap).
 */
static const struct emu_media media_kinds[] = {
	{ "cdr74", MMC_PROFILE_CDR, true, false, 1, { 97, 24, 0 }, { 74, 2, 0 }, speeds_cdr },
	{ "cdr80", MMC_PROFILE_CDR, true, false, 1, { 97, 26, 66 }, { 79, 59, 74 }, speeds_cdr },
	{ "cdrw80", MMC_PROFILE_CDRW, true, true, 2, { 97, 25, 0 }, { 79, 59, 74 }, speeds_cdrw },
	{ "cdrom", MMC_PROFILE_CDROM, false, false, 0, { 0, 0, 0 }, { 0, 0, 0 }, speeds_none },
	{ "none", MMC_PROFILE_NONE, false, false, 0, { 0, 0, 0 }, { 0, 0, 0 }, speeds_none },
};

static const char *const disc_state_names[] = { "blank", "incomplete", "complete",
						"appendable" };

const struct emu_media *
emu_media_find(const char *name)
{
	for (size_t i = 0; i < sizeof(media_kinds) / sizeof(media_kinds[0]); i++)
		if (strcmp(media_kinds[i].name, name) == 0)
			return &media_kinds[i];
	return NULL;
}

/* A new drive holds an 80-minute CD-R (doc/design.md §1). */
const struct emu_media *
emu_media_default(void)
{
	return &media_kinds[1];
}

uint16_t
emu_media_max_speed(const struct emu_media *m)
{
	uint16_t max = 0;

	for (const uint16_t *s = m->speeds; *s; s++)
		max = *s;
	return max;
}

int32_t
emu_media_leadin_lba(const struct emu_media *m)
{
	return cd_msf_to_lba(m->leadin.m, m->leadin.s, m->leadin.f);
}

void
emu_media_state_default(struct emu_state *st, const struct emu_media *media)
{
	memset(st, 0, sizeof(*st));
	st->media = media;
	st->disc = media->profile == MMC_PROFILE_CDROM ? EMU_DISC_COMPLETE : EMU_DISC_BLANK;
	st->generation = 1;
	emu_caps_page05_default(st->page05);
}

/*
 * drive.state has one fixed size and is rewritten in place, whole, by one
 * pwrite(2) per change (a killed process cannot tear a write of a regular
 * file): a WRITE command changes it, and replacing it through a temporary
 * and rename(2) each time cost a file creation and removal per command.
 * Every command reads it under the directory lock (with_state() in emu.c),
 * so no reader sees half of it. Its second line, "serial N", grows with
 * each save: a process that finds the serial and the time it saved or
 * loaded last skips parsing the rest. The padding is a line of an unknown key, which
 * readers skip.
 */
#define STATE_FILE_SIZE 1024

/* The state file's text for @serial, padded to STATE_FILE_SIZE; -ENOSPC if it does not fit. */
static int
state_format(const struct emu_drive *d, unsigned long serial, char *buf)
{
	char hex[2 * MMC_PAGE05_LEN + 1];
	int n;

	for (size_t i = 0; i < MMC_PAGE05_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d->st.page05[i]);
	n = snprintf(buf, STATE_FILE_SIZE,
		     "burnfs-emu 1\nserial %lu\nmedia %s\ntray %s\ndisc %s\ngeneration %lu\n"
		     "prevent %s\nwrite_kbs %u\nrotation %u\npage05 %s\ngone %d\n"
		     "session %s %d %d %u %llu\nbuffer %llu %llu %lld %d %u\nbusy %lld %lld %u\npad ",
		     serial, d->st.media->name, d->st.tray_open ? "open" : "closed",
		     disc_state_names[d->st.disc], d->st.generation,
		     d->st.prevent[0] ? d->st.prevent : "-", d->st.write_kbs, d->st.rotation, hex,
		     d->st.medium_gone, d->st.session[0] ? d->st.session : "-", d->st.session_test,
		     d->st.session_next, d->st.session_block, d->st.session_started,
		     (unsigned long long)d->st.buf_written, (unsigned long long)d->st.buf_burned,
		     (long long)d->st.buf_since_ns, d->st.buf_burning, d->st.buf_rate,
		     (long long)d->st.busy_start_ns, (long long)d->st.busy_until_ns,
		     d->st.busy_ascq);
	if (n < 0 || n >= STATE_FILE_SIZE - 1)
		return -ENOSPC;
	memset(buf + n, '-', STATE_FILE_SIZE - 1 - (size_t)n);
	buf[STATE_FILE_SIZE - 1] = '\n';
	return 0;
}

/* A new drive.state put in place by rename(2), then kept open as state_fd. */
static int
state_replace(struct emu_drive *d, const char *text)
{
	char tmp[64], why[96];
	struct stat sb;
	ssize_t put;
	int fd, ret = 0;

	fd = emu_dir_create_temp(d->dir_fd, "drive.state", tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	put = write(fd, text, STATE_FILE_SIZE);
	if (put != STATE_FILE_SIZE)
		ret = put < 0 ? -errno : -EIO;
	close(fd);
	if (ret == 0 && renameat(d->dir_fd, tmp, d->dir_fd, "drive.state") < 0)
		ret = -errno;
	if (ret < 0) {
		unlinkat(d->dir_fd, tmp, 0);
		return ret;
	}
	if (d->state_fd >= 0)
		close(d->state_fd);
	d->state_fd = emu_dir_open_existing(d->dir_fd, "drive.state", O_RDWR, &sb, why, sizeof(why));
	if (d->state_fd < 0)
		d->state_fd = -1;	/* the next save replaces it again */
	else
		d->st_file = sb;
	return 0;
}

int
emu_media_state_save(struct emu_drive *d)
{
	char text[STATE_FILE_SIZE];
	unsigned long serial = d->state_serial + 1;
	int ret = state_format(d, serial, text);

	if (ret < 0)
		return ret;
	/* state_fd is what drive.state names: emu_media_state_load() checked it under this lock */
	if (d->state_fd < 0 || pwrite(d->state_fd, text, STATE_FILE_SIZE, 0) != STATE_FILE_SIZE ||
	    fstat(d->state_fd, &d->st_file) < 0)
		ret = state_replace(d, text);
	if (ret < 0)
		return ret;
	d->state_serial = serial;
	d->dirty = false;
	return 0;
}

static int
state_parse_page05(struct emu_state *st, const char *val)
{
	if (strlen(val) != 2 * MMC_PAGE05_LEN)
		return -EPROTO;
	for (size_t i = 0; i < MMC_PAGE05_LEN; i++) {
		unsigned b;

		if (sscanf(val + 2 * i, "%2x", &b) != 1)
			return -EPROTO;
		st->page05[i] = (uint8_t)b;
	}
	return 0;
}

static int
state_parse_session(struct emu_state *st, const char *val)
{
	char id[48];
	int test, next;
	unsigned block;
	unsigned long long started = 0;

	if (sscanf(val, "%47s %d %d %u %llu", id, &test, &next, &block, &started) < 4)
		return -EPROTO;
	st->session_started = started;
	snprintf(st->session, sizeof(st->session), "%s", strcmp(id, "-") ? id : "");
	st->session_test = test != 0;
	st->session_next = next;
	st->session_block = block;
	return 0;
}

static int
state_parse_buffer(struct emu_state *st, const char *val)
{
	unsigned long long written, burned;
	long long since;
	int burning;
	unsigned rate;

	if (sscanf(val, "%llu %llu %lld %d %u", &written, &burned, &since, &burning, &rate) != 5)
		return -EPROTO;
	st->buf_written = written;
	st->buf_burned = burned;
	st->buf_since_ns = since;
	st->buf_burning = burning != 0;
	st->buf_rate = rate;
	return 0;
}

static int
state_parse_busy(struct emu_state *st, const char *val)
{
	long long start, until;
	unsigned ascq;

	if (sscanf(val, "%lld %lld %u", &start, &until, &ascq) != 3)
		return -EPROTO;
	st->busy_start_ns = start;
	st->busy_until_ns = until;
	st->busy_ascq = (uint8_t)ascq;
	return 0;
}

static int
state_parse_line(struct emu_state *st, const char *key, const char *val)
{
	if (strcmp(key, "media") == 0) {
		st->media = emu_media_find(val);
		return st->media ? 0 : -EPROTO;
	}
	if (strcmp(key, "tray") == 0) {
		st->tray_open = strcmp(val, "open") == 0;
		return 0;
	}
	if (strcmp(key, "disc") == 0) {
		for (int i = 0; i <= EMU_DISC_APPENDABLE; i++)
			if (strcmp(val, disc_state_names[i]) == 0) {
				st->disc = (enum emu_disc_state)i;
				return 0;
			}
		return -EPROTO;
	}
	if (strcmp(key, "generation") == 0) {
		st->generation = strtoul(val, NULL, 10);
		return 0;
	}
	if (strcmp(key, "prevent") == 0) {
		snprintf(st->prevent, sizeof(st->prevent), "%s", strcmp(val, "-") ? val : "");
		return 0;
	}
	if (strcmp(key, "write_kbs") == 0) {
		st->write_kbs = (uint16_t)strtoul(val, NULL, 10);
		return 0;
	}
	if (strcmp(key, "rotation") == 0) {
		st->rotation = (uint8_t)(strtoul(val, NULL, 10) & 1);
		return 0;
	}
	if (strcmp(key, "page05") == 0)
		return state_parse_page05(st, val);
	if (strcmp(key, "gone") == 0) {
		st->medium_gone = strtoul(val, NULL, 10) != 0;
		return 0;
	}
	if (strcmp(key, "session") == 0)
		return state_parse_session(st, val);
	if (strcmp(key, "buffer") == 0)
		return state_parse_buffer(st, val);
	if (strcmp(key, "busy") == 0)
		return state_parse_busy(st, val);
	return 0;	/* unknown keys: a newer burnfs wrote them; keep going */
}

/* The serial on the second line of a state file's text; 0 when there is none (an older burnfs). */
static unsigned long
state_serial_of(const char *text)
{
	const char *p = strchr(text, '\n');

	return p && strncmp(p + 1, "serial ", 7) == 0 ? strtoul(p + 8, NULL, 10) : 0;
}

/* Whether drive.state (@sb) still holds what st holds: its time and serial are the ones kept. */
static bool
state_unchanged(struct emu_drive *d, const struct stat *sb)
{
	char head[64], why[96];
	ssize_t n;

	/* a change by hand moves the time; one by a burnfs in the same clock tick, the serial */
	if (!d->st_loaded || d->state_fd < 0 || !d->state_serial ||
	    sb->st_mtim.tv_sec != d->st_file.st_mtim.tv_sec ||
	    sb->st_mtim.tv_nsec != d->st_file.st_mtim.tv_nsec || emu_dir_unsafe(sb, why, sizeof(why)))
		return false;
	n = pread(d->state_fd, head, sizeof(head) - 1, 0);
	if (n <= 0)
		return false;
	head[n] = '\0';
	return state_serial_of(head) == d->state_serial;
}

int
emu_media_state_load(struct emu_drive *d, struct burn_error *err)
{
	char line[STATE_FILE_SIZE + 1], why[96];
	unsigned long serial = 0;
	struct stat sb;
	struct emu_state st;
	FILE *f;
	int fd, lineno = 0;

	if (fstatat(d->dir_fd, "drive.state", &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return burn_error_set(err, BURN_E_FAIL, "emulator state %s/drive.state: %s",
					      d->dir, strerror(errno));
		/* a new drive: an 80-minute CD-R in a closed tray */
		emu_media_state_default(&d->st, emu_media_default());
		d->st.write_kbs = emu_media_max_speed(d->st.media);
		d->st_loaded = true;
		d->dirty = true;
		if (d->state_fd >= 0)
			close(d->state_fd);
		d->state_fd = -1;
		return 0;
	}
	if (d->state_fd >= 0 && (sb.st_ino != d->st_file.st_ino || sb.st_dev != d->st_file.st_dev)) {
		/* replaced since: ours is no longer the drive's */
		close(d->state_fd);
		d->state_fd = -1;
	}
	if (state_unchanged(d, &sb))
		return 0;
	fd = emu_dir_open_existing(d->dir_fd, "drive.state", O_RDWR, &sb, why, sizeof(why));
	if (fd == -EACCES)	/* readable only: saves replace it */
		fd = emu_dir_open_existing(d->dir_fd, "drive.state", O_RDONLY, &sb, why, sizeof(why));
	if (fd == -EPERM)	/* at open (nothing loaded yet) the directory is refused */
		return emu_dir_refuse(err,
				      d->st_loaded ? BURN_E_FAIL : BURN_E_NO_RECORDER_SPECIFIED,
				      d->dir, "drive.state", why);
	f = fd < 0 ? NULL : fdopen(dup(fd), "r");
	if (!f) {
		int e = fd < 0 ? -fd : errno;

		if (fd >= 0)
			close(fd);
		return burn_error_set(err, BURN_E_FAIL, "emulator state %s/drive.state: %s", d->dir,
				      strerror(e));
	}
	emu_media_state_default(&st, emu_media_default());
	while (fgets(line, sizeof(line), f)) {
		char *val;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (lineno == 1) {
			if (strcmp(line, "burnfs-emu 1") != 0)
				break;
			continue;
		}
		val = strchr(line, ' ');
		if (val)
			*val++ = '\0';
		if (val && strcmp(line, "serial") == 0)
			serial = strtoul(val, NULL, 10);
		else if (!val || state_parse_line(&st, line, val) < 0)
			break;
	}
	if (!feof(f) || lineno == 0) {
		fclose(f);
		close(fd);
		return burn_error_set(err, BURN_E_FAIL,
				      "emulator state %s/drive.state is damaged at line %d", d->dir,
				      lineno);
	}
	fclose(f);
	d->st = st;
	d->st_file = sb;
	d->st_loaded = true;
	d->state_serial = serial;
	if (d->state_fd >= 0)
		close(d->state_fd);
	d->state_fd = (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR ? fd : -1;
	if (d->state_fd < 0)
		close(fd);
	return 0;
}

bool
emu_media_present(const struct emu_drive *d)
{
	return !d->st.tray_open && !d->st.medium_gone && d->st.media->profile != MMC_PROFILE_NONE;
}

bool
emu_media_check(struct emu_drive *d, struct mmc_cmd *cmd)
{
	if (d->cfg.faults & EMU_FAULT_NOT_READY) {
		emu_fail(d, cmd, MMC_SENSE_BECOMING_READY);
		return false;
	}
	if (d->st.medium_gone) {
		emu_fail(d, cmd, MMC_SENSE_MEDIUM_NOT_PRESENT);
		return false;
	}
	if (emu_media_present(d))
		return true;
	emu_fail(d, cmd, d->st.tray_open ? MMC_SENSE_MEDIUM_NOT_PRESENT_TRAY_OPEN
					 : MMC_SENSE_MEDIUM_NOT_PRESENT_TRAY_CLOSED);
	return false;
}

bool
emu_media_prevent_active(const struct emu_drive *d)
{
	pid_t pid;

	if (!d->st.prevent[0])
		return false;
	pid = (pid_t)strtol(d->st.prevent, NULL, 10);
	return owner_pid_alive(pid);
}

bool
emu_media_disc_recorded(const struct emu_drive *d)
{
	/*
	 * an incomplete disc still reads its closed sessions (a session
	 * appended to them failed); a ruined first session has no disc.toc
	 */
	return d->st.disc != EMU_DISC_BLANK && d->st.media->profile != MMC_PROFILE_NONE;
}

const uint16_t *
emu_media_speeds(const struct emu_drive *d)
{
	return emu_media_present(d) ? d->st.media->speeds : speeds_none;
}

void
emu_media_test_unit_ready(struct emu_drive *d, struct mmc_cmd *cmd)
{
	if (emu_media_check(d, cmd))
		emu_good(cmd);
}

/* START STOP UNIT with LoEj: the tray opens (an eject) or closes (a load). */
static bool
tray_move(struct emu_drive *d, struct mmc_cmd *cmd, bool load)
{
	if (!load) {
		if (emu_media_prevent_active(d)) {
			emu_fail(d, cmd, MMC_SENSE_MEDIUM_REMOVAL_PREVENTED);
			return false;
		}
		if (emu_session_mine(d))
			emu_session_end(d, false);	/* ejected in the middle of a recording */
		if (!d->st.tray_open) {
			d->st.tray_open = true;
			d->st.generation++;
			d->dirty = true;
		}
	} else if (d->st.tray_open || d->st.medium_gone) {
		/* a load: the tray closes, a vanished medium is back */
		d->st.tray_open = false;
		d->st.medium_gone = false;
		d->st.generation++;
		d->dirty = true;
	}
	return true;
}

void
emu_media_start_stop(struct emu_drive *d, struct mmc_cmd *cmd)
{
	bool loej = cmd->cdb[4] & 0x02, start = cmd->cdb[4] & 0x01;

	if (cmd->cdb[4] & 0xf0) {	/* power conditions are not modelled */
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	if (!loej) {
		if (start && !emu_media_check(d, cmd))
			return;
		emu_good(cmd);
		return;
	}
	if (!tray_move(d, cmd, start))
		return;
	/* this handle moved the tray itself: no unit attention for it */
	d->generation_seen = d->st.generation;
	emu_good(cmd);
}

void
emu_media_prevent_allow(struct emu_drive *d, struct mmc_cmd *cmd)
{
	char id[48];

	emu_handle_id(d, id, sizeof(id));
	if (cmd->cdb[4] & 0x01) {
		if (emu_media_prevent_active(d) && strcmp(d->st.prevent, id) != 0) {
			/* already prevented by another initiator: stays so */
			emu_good(cmd);
			return;
		}
		snprintf(d->st.prevent, sizeof(d->st.prevent), "%s", id);
		d->dirty = true;
	} else if (strcmp(d->st.prevent, id) == 0 || !emu_media_prevent_active(d)) {
		if (d->st.prevent[0]) {
			d->st.prevent[0] = '\0';
			d->dirty = true;
		}
	}
	emu_good(cmd);
}

void
emu_media_get_event_status(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[8] = { 0 };
	size_t n = 4;

	if (!(cmd->cdb[1] & 0x01)) {	/* asynchronous notification is not offered */
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	r[3] = 0x10;	/* supported: media class */
	if (!(cmd->cdb[4] & 0x10)) {
		r[1] = 2;
		r[2] = 0x80;	/* NEA */
	} else {
		r[1] = 6;
		r[2] = 0x04;
		if (d->event_generation != d->st.generation) {
			r[4] = emu_media_present(d) ? 0x02 : 0x03;
			d->event_generation = d->st.generation;
		}
		r[5] = (uint8_t)((emu_media_present(d) ? 0x02 : 0) | (d->st.tray_open ? 0x01 : 0));
		n = 8;
	}
	emu_send_in(cmd, r, n, mmc_get16(cmd->cdb + 7));
}
