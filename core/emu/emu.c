#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cd-sector.h"
#include "cd.h"
#include "emu-dir.h"
#include "emu.h"
#include "image-cue.h"
#include "image-decoder.h"
#include "owner.h"
#include "subchannel.h"

/* ---- the media an emulated drive can hold ---- */

struct emu_media {
	const char *name;
	uint16_t profile;
	bool writable;		/* CD-R/RW: a recordable ATIP */
	bool erasable;
	uint8_t atip_sub_type;
	struct cd_msf leadin;	/* ATIP start of lead-in */
	struct cd_msf leadout;	/* ATIP last possible start of lead-out */
	const uint16_t *speeds;	/* write speeds, kB/s, ascending, 0-terminated */
};

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

/* A new drive holds an 80-minute CD-R (DESIGN §1). */
#define DEFAULT_MEDIA (&media_kinds[1])

/* A pressed CD-ROM holds one 5-minute Mode 1 track. */
#define CDROM_LEADOUT (5 * CD_FRAMES_PER_MINUTE)

#define DRIVE_MAX_READ_KBS 7056		/* 40x */
#define DRIVE_BUFFER_KB 2048

static const struct emu_media *
media_find(const char *name)
{
	for (size_t i = 0; i < sizeof(media_kinds) / sizeof(media_kinds[0]); i++)
		if (strcmp(media_kinds[i].name, name) == 0)
			return &media_kinds[i];
	return NULL;
}

bool
emu_media_kind_valid(const char *kind)
{
	return kind && media_find(kind) != NULL;
}

int
emu_fault_parse(const char *value, struct emu_config *cfg)
{
	static const struct {
		const char *name;
		unsigned bit;
		bool has_lba;
	} names[] = {
		{ "no_rw", EMU_FAULT_NO_RW, false },
		{ "no_raw", EMU_FAULT_NO_RAW, false },
		{ "not_ready", EMU_FAULT_NOT_READY, false },
		{ "write_error", EMU_FAULT_WRITE_ERROR, true },
		{ "removed", EMU_FAULT_REMOVED, true },
		{ "unit_attention", EMU_FAULT_UNIT_ATTENTION, true },
	};
	const char *p = value;

	while (*p) {
		size_t len = strcspn(p, "+"), name_len = strcspn(p, "+@");
		long lba = 0;
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == name_len &&
			    strncmp(names[i].name, p, name_len) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -EINVAL;
		if (names[i].has_lba != (name_len < len))
			return -EINVAL;
		if (names[i].has_lba) {
			char *end;

			errno = 0;
			lba = strtol(p + name_len + 1, &end, 10);
			if (end == p + name_len + 1 || end != p + len || errno ||
			    lba < -IMAGE_MAX_LEAD_IN || lba > IMAGE_LAST_SECTOR_OVERBURN)
				return -EINVAL;
		}
		cfg->faults |= names[i].bit;
		if (names[i].bit == EMU_FAULT_WRITE_ERROR)
			cfg->write_error_lba = (int32_t)lba;
		else if (names[i].bit == EMU_FAULT_REMOVED)
			cfg->removed_lba = (int32_t)lba;
		else if (names[i].bit == EMU_FAULT_UNIT_ATTENTION)
			cfg->unit_attention_lba = (int32_t)lba;
		p += len;
		if (*p == '+')
			p++;
	}
	return 0;
}

/* ---- persistent state ---- */

enum disc_state {
	DISC_BLANK,
	DISC_INCOMPLETE,
	DISC_COMPLETE,
};

static const char *const disc_state_names[] = { "blank", "incomplete", "complete" };

struct emu_state {
	const struct emu_media *media;
	bool tray_open;
	enum disc_state disc;
	unsigned long generation;	/* bumped on every media change: unit attention */
	char prevent[48];		/* "pid.token" of the handle that prevents removal */
	uint16_t write_kbs;		/* selected write speed */
	uint8_t rotation;		/* 0 CLV, 1 CAV */
	uint8_t page05[MMC_PAGE05_LEN];
	bool medium_gone;		/* removed@LBA fault: 2/3A/00 until the next load */
	/* the RAW recording session; session[0] == '\0' when none is open */
	char session[48];		/* "pid.token" of the recording handle */
	unsigned long long session_started;	/* that process's start time (pid reuse) */
	bool session_test;		/* Test Write: everything checked, nothing recorded */
	int32_t session_next;		/* the only LBA the next WRITE may start at */
	uint32_t session_block;		/* bytes per block (2368 or 2448) */
	/* the drive buffer (pacing): sectors accepted, burned by buf_since_ns */
	uint64_t buf_written;
	uint64_t buf_burned;
	int64_t buf_since_ns;		/* CLOCK_MONOTONIC, shared by all processes */
	bool buf_burning;		/* the laser is on: the buffer drains at buf_rate */
	uint32_t buf_rate;		/* sectors per second; 0 = unpaced */
	/* a long operation started with IMMED: 2/04/busy_ascq until busy_until_ns */
	int64_t busy_start_ns;
	int64_t busy_until_ns;
	uint8_t busy_ascq;		/* 07 BLANK, 08 SYNCHRONIZE CACHE */
};

/* One handle's recording: the stream decoder and the files it fills. */
struct emu_rec {
	struct image_decoder *dec;
	enum cd_sector_type type;
	int bin_fd;		/* DIR/rec.bin, -1 in Test Write */
	int sub_fd;		/* DIR/rec.sub */
	int32_t bin_sectors;	/* program-area sectors recorded, from LBA 0 */
	struct image_sector sector;
};

struct emu_drive {
	pthread_mutex_t mu;
	char *dir;		/* for messages; files are reached through dir_fd only */
	int dir_fd;		/* DIR, checked by emu_dir_open() */
	int lock_fd;		/* drive.lock: flock() serialises commands */
	int excl_fd;		/* excl: OFD lock = exclusive access */
	struct emu_config cfg;
	struct emu_state st;	/* valid while the command lock is held */
	struct stat st_file;	/* identity of the state file st was loaded from */
	bool st_loaded;
	bool dirty;
	/* per-handle, like per-initiator state on a real drive */
	unsigned long token;
	unsigned long generation_seen;
	unsigned long event_generation;
	uint8_t sense[18];
	bool have_sense;
	bool holds_excl;
	char client_name[64];
	struct emu_rec *rec;	/* while this handle records; NULL otherwise */
	bool reset_pending;	/* unit_attention@LBA fired: 6/29/00 to the next command */
	bool reset_fired;
};

static void
page05_default(uint8_t *p)
{
	memset(p, 0, MMC_PAGE05_LEN);
	p[0] = 0x05;
	p[1] = MMC_PAGE05_LEN - 2;
	p[2] = 0x40 | 0x01;	/* BUFE, TAO: what drives power up with */
	p[4] = 0x08;		/* Mode 1 */
	p[5] = 7;		/* link size */
	mmc_put16(p + 14, 150);
}

static void
state_default(struct emu_state *st, const struct emu_media *media)
{
	memset(st, 0, sizeof(*st));
	st->media = media;
	st->disc = media->profile == MMC_PROFILE_CDROM ? DISC_COMPLETE : DISC_BLANK;
	st->generation = 1;
	page05_default(st->page05);
}

static uint16_t
media_max_speed(const struct emu_media *m)
{
	uint16_t max = 0;

	for (const uint16_t *s = m->speeds; *s; s++)
		max = *s;
	return max;
}

static int
state_save(struct emu_drive *d)
{
	char tmp[64], hex[2 * MMC_PAGE05_LEN + 1];
	FILE *f;
	int fd, ret = 0;

	for (size_t i = 0; i < MMC_PAGE05_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d->st.page05[i]);
	fd = emu_dir_create_temp(d->dir_fd, "drive.state", tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		goto out;
	}
	fprintf(f, "burnfs-emu 1\nmedia %s\ntray %s\ndisc %s\ngeneration %lu\nprevent %s\n"
		   "write_kbs %u\nrotation %u\npage05 %s\ngone %d\n",
		d->st.media->name, d->st.tray_open ? "open" : "closed",
		disc_state_names[d->st.disc], d->st.generation,
		d->st.prevent[0] ? d->st.prevent : "-", d->st.write_kbs, d->st.rotation, hex,
		d->st.medium_gone);
	fprintf(f, "session %s %d %d %u %llu\nbuffer %llu %llu %lld %d %u\nbusy %lld %lld %u\n",
		d->st.session[0] ? d->st.session : "-", d->st.session_test, d->st.session_next,
		d->st.session_block, d->st.session_started, (unsigned long long)d->st.buf_written,
		(unsigned long long)d->st.buf_burned, (long long)d->st.buf_since_ns,
		d->st.buf_burning, d->st.buf_rate, (long long)d->st.busy_start_ns,
		(long long)d->st.busy_until_ns, d->st.busy_ascq);
	if (fclose(f) != 0) {
		ret = -errno;
		goto out;
	}
	if (renameat(d->dir_fd, tmp, d->dir_fd, "drive.state") < 0) {
		ret = -errno;
		goto out;
	}
	fstatat(d->dir_fd, "drive.state", &d->st_file, AT_SYMLINK_NOFOLLOW);
	d->dirty = false;
out:
	if (ret)
		unlinkat(d->dir_fd, tmp, 0);
	return ret;
}

static int
state_parse_line(struct emu_state *st, const char *key, const char *val)
{
	if (strcmp(key, "media") == 0) {
		st->media = media_find(val);
		return st->media ? 0 : -EPROTO;
	}
	if (strcmp(key, "tray") == 0) {
		st->tray_open = strcmp(val, "open") == 0;
		return 0;
	}
	if (strcmp(key, "disc") == 0) {
		for (int i = 0; i <= DISC_COMPLETE; i++)
			if (strcmp(val, disc_state_names[i]) == 0) {
				st->disc = (enum disc_state)i;
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
	if (strcmp(key, "page05") == 0) {
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
	if (strcmp(key, "gone") == 0) {
		st->medium_gone = strtoul(val, NULL, 10) != 0;
		return 0;
	}
	if (strcmp(key, "session") == 0) {
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
	if (strcmp(key, "buffer") == 0) {
		unsigned long long written, burned;
		long long since;
		int burning;
		unsigned rate;

		if (sscanf(val, "%llu %llu %lld %d %u", &written, &burned, &since, &burning,
			   &rate) != 5)
			return -EPROTO;
		st->buf_written = written;
		st->buf_burned = burned;
		st->buf_since_ns = since;
		st->buf_burning = burning != 0;
		st->buf_rate = rate;
		return 0;
	}
	if (strcmp(key, "busy") == 0) {
		long long start, until;
		unsigned ascq;

		if (sscanf(val, "%lld %lld %u", &start, &until, &ascq) != 3)
			return -EPROTO;
		st->busy_start_ns = start;
		st->busy_until_ns = until;
		st->busy_ascq = (uint8_t)ascq;
		return 0;
	}
	return 0;	/* unknown keys: a newer burnfs wrote them; keep going */
}

/* Loads drive.state unless the copy in memory is still the file's. */
static int
state_load(struct emu_drive *d, struct burn_error *err)
{
	char line[512], why[96];
	struct stat sb;
	struct emu_state st;
	FILE *f;
	int fd, lineno = 0;

	if (fstatat(d->dir_fd, "drive.state", &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return burn_error_set(err, BURN_E_FAIL, "emulator state %s/drive.state: %s",
					      d->dir, strerror(errno));
		/* a new drive: an 80-minute CD-R in a closed tray */
		state_default(&d->st, DEFAULT_MEDIA);
		d->st.write_kbs = media_max_speed(d->st.media);
		d->st_loaded = true;
		d->dirty = true;
		return 0;
	}
	if (d->st_loaded && sb.st_ino == d->st_file.st_ino && sb.st_dev == d->st_file.st_dev &&
	    sb.st_mtim.tv_sec == d->st_file.st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec == d->st_file.st_mtim.tv_nsec &&
	    !emu_dir_unsafe(&sb, why, sizeof(why)))
		return 0;
	fd = emu_dir_open_existing(d->dir_fd, "drive.state", O_RDONLY, &sb, why, sizeof(why));
	if (fd == -EPERM)	/* at open (nothing loaded yet) the directory is refused */
		return emu_dir_refuse(err,
				      d->st_loaded ? BURN_E_FAIL : BURN_E_NO_RECORDER_SPECIFIED,
				      d->dir, "drive.state", why);
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f) {
		int e = fd < 0 ? -fd : errno;

		if (fd >= 0)
			close(fd);
		return burn_error_set(err, BURN_E_FAIL, "emulator state %s/drive.state: %s", d->dir,
				      strerror(e));
	}
	state_default(&st, DEFAULT_MEDIA);
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
		if (!val || state_parse_line(&st, line, val) < 0)
			break;
	}
	if (!feof(f) || lineno == 0) {
		fclose(f);
		return burn_error_set(err, BURN_E_FAIL,
				      "emulator state %s/drive.state is damaged at line %d", d->dir,
				      lineno);
	}
	fclose(f);
	d->st = st;
	d->st_file = sb;
	d->st_loaded = true;
	return 0;
}

/* ---- command plumbing ---- */

struct reply {
	uint8_t *p;
	size_t cap;
};

static void
fail(struct emu_drive *d, struct mmc_cmd *cmd, uint8_t key, uint8_t asc, uint8_t ascq)
{
	cmd->status = MMC_STATUS_CHECK_CONDITION;
	mmc_sense_build(d->sense, key, asc, ascq);
	d->have_sense = true;
	cmd->sense_len = sizeof(d->sense) < sizeof(cmd->sense) ? sizeof(d->sense)
								 : sizeof(cmd->sense);
	memcpy(cmd->sense, d->sense, cmd->sense_len);
	cmd->xfer = 0;
}

/* Sends @n bytes of @data in, cut to the allocation length and buffer. */
static void
send_in(struct mmc_cmd *cmd, const uint8_t *data, size_t n, size_t alloc)
{
	size_t len = n;

	if (len > alloc)
		len = alloc;
	if (len > cmd->len)
		len = cmd->len;
	if (len && cmd->buf)
		memcpy(cmd->buf, data, len);
	cmd->xfer = len;
	cmd->status = MMC_STATUS_GOOD;
}

static void
good(struct mmc_cmd *cmd)
{
	cmd->status = MMC_STATUS_GOOD;
	cmd->xfer = 0;
}

static bool
medium_present(const struct emu_drive *d)
{
	return !d->st.tray_open && !d->st.medium_gone && d->st.media->profile != MMC_PROFILE_NONE;
}

/* 2/3A/0x for a missing medium; false if one is there. */
static bool
check_medium(struct emu_drive *d, struct mmc_cmd *cmd)
{
	if (d->cfg.faults & EMU_FAULT_NOT_READY) {
		fail(d, cmd, 0x02, 0x04, 0x01);
		return false;
	}
	if (d->st.medium_gone) {
		fail(d, cmd, 0x02, 0x3a, 0x00);
		return false;
	}
	if (medium_present(d))
		return true;
	fail(d, cmd, 0x02, 0x3a, d->st.tray_open ? 0x02 : 0x01);
	return false;
}

static bool
prevent_active(const struct emu_drive *d)
{
	pid_t pid;

	if (!d->st.prevent[0])
		return false;
	pid = (pid_t)strtol(d->st.prevent, NULL, 10);
	return owner_pid_alive(pid);
}

static void
handle_id(const struct emu_drive *d, char *buf, size_t size)
{
	snprintf(buf, size, "%d.%lu", (int)getpid(), d->token);
}

static const uint16_t *
current_speeds(const struct emu_drive *d)
{
	return medium_present(d) ? d->st.media->speeds : speeds_none;
}

static uint16_t
current_write_kbs(const struct emu_drive *d)
{
	const uint16_t *s = current_speeds(d);
	uint16_t best = 0;

	for (; *s; s++)
		if (*s <= d->st.write_kbs || best == 0)
			best = *s;
	return best;
}

static bool
raw_dbt_supported(const struct emu_drive *d, uint8_t dbt)
{
	if (d->cfg.faults & EMU_FAULT_NO_RAW)
		return false;
	if (dbt == 1)
		return true;
	return (dbt == 2 || dbt == 3) && !(d->cfg.faults & EMU_FAULT_NO_RW);
}

/* ---- recording (RAW disc-at-once), the drive buffer, the recorded disc ---- */

#define EMU_OP_WRITE_12 0xaa
#define NS_PER_S 1000000000LL
/* CD-RW blanking at 1x (paced): minimal (PMA, TOC, pre-gap) and full */
#define BLANK_MINIMAL_S 30
#define BLANK_FULL_S 120
/* no operation keeps the drive busy longer: a full blank at 1x, with room */
#define BUSY_MAX_NS (2 * BLANK_FULL_S * NS_PER_S)

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static void
sleep_ns(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NS_PER_S, .tv_nsec = ns % NS_PER_S };

	if (ns <= 0)
		return;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int32_t
media_leadin_lba(const struct emu_media *m)
{
	return cd_msf_to_lba(m->leadin.m, m->leadin.s, m->leadin.f);
}

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
 * Opens @name of DIR for reading when it may be trusted (emu_dir_unsafe());
 * one that may not is as good as absent: -ENOENT. The FILE is the caller's.
 */
static FILE *
dir_fopen_read(const struct emu_drive *d, const char *name)
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

static void
rec_files_remove(const struct emu_drive *d)
{
	dir_unlink(d, "rec.bin");
	dir_unlink(d, "rec.sub");
}

/* The recorded disc goes: the cue first, so a half-removed disc never looks whole. */
static void
disc_files_remove(const struct emu_drive *d)
{
	dir_unlink(d, "disc.cue");
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

static bool
session_mine(const struct emu_drive *d)
{
	char id[48];

	handle_id(d, id, sizeof(id));
	return d->st.session[0] && strcmp(d->st.session, id) == 0;
}

/* A session held by another handle (that is still alive: see session_reap()). */
static bool
session_foreign(const struct emu_drive *d)
{
	return d->st.session[0] && !session_mine(d);
}

static void
rec_free(struct emu_drive *d)
{
	if (!d->rec)
		return;
	image_decoder_destroy(d->rec->dec);
	if (d->rec->bin_fd >= 0)
		close(d->rec->bin_fd);
	if (d->rec->sub_fd >= 0)
		close(d->rec->sub_fd);
	free(d->rec);
	d->rec = NULL;
}

static void
buffer_reset(struct emu_state *st)
{
	st->buf_written = 0;
	st->buf_burned = 0;
	st->buf_since_ns = 0;
	st->buf_burning = false;
	st->buf_rate = 0;
}

/* Sectors burned by @now, not limited to what the buffer held (an underrun shows as more). */
static uint64_t
buffer_burned_raw(const struct emu_state *st, int64_t now)
{
	if (!st->buf_burning || !st->buf_rate || now <= st->buf_since_ns)
		return st->buf_burned;
	return st->buf_burned +
	       (uint64_t)((now - st->buf_since_ns) / 1000) * st->buf_rate / 1000000;
}

static uint64_t
buffer_fill(const struct emu_state *st, int64_t now)
{
	uint64_t burned = buffer_burned_raw(st, now);

	if (!st->buf_rate)
		return 0;	/* unpaced: the drive burns as fast as data comes */
	return burned >= st->buf_written ? 0 : st->buf_written - burned;
}

static uint64_t
buffer_capacity(uint32_t block)
{
	return (uint64_t)DRIVE_BUFFER_KB * 1024 / (block ? block : CD_MAIN_SIZE);
}

/* Time the drive still needs to burn what its buffer holds, from @now. */
static int64_t
buffer_drain_ns(const struct emu_state *st, int64_t now)
{
	uint64_t fill = buffer_fill(st, now);

	if (!st->buf_rate || !fill)
		return 0;
	return (int64_t)(fill * (uint64_t)NS_PER_S / st->buf_rate);
}

/* The TOC of a disc as READ TOC and READ TRACK INFORMATION give it. */
struct emu_toc_track {
	uint8_t control;
	int32_t pregap;
	int32_t start;
	int32_t end;
};

struct emu_toc {
	unsigned first;
	unsigned last;
	int32_t leadout;
	struct emu_toc_track t[IMAGE_MAX_TRACKS + 1];
};

/* Writes @toc to a new temporary of DIR, whose name goes to @tmp. */
static int
toc_save(const struct emu_drive *d, const struct image_toc *toc, char *tmp, size_t tmp_size)
{
	FILE *f;
	int fd = emu_dir_create_temp(d->dir_fd, "disc.toc", tmp, tmp_size);

	if (fd < 0) {
		tmp[0] = '\0';
		return fd;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	fprintf(f, "burnfs-toc 1\nfirst %u\nlast %u\nleadout %d\n", toc->first_track,
		toc->last_track, toc->leadout_lba);
	for (unsigned n = toc->first_track; n <= toc->last_track; n++)
		fprintf(f, "track %u %u %d %d %d\n", n, toc->track[n].control,
			toc->track[n].pregap_lba, toc->track[n].start_lba, toc->track[n].end_lba);
	return fclose(f) != 0 ? -EIO : 0;
}

/* The TOC of the disc in the drive: the pressed one, or the one recorded. */
static int
toc_load(const struct emu_drive *d, struct emu_toc *toc)
{
	char line[128];
	FILE *f;
	int ret = 0;

	memset(toc, 0, sizeof(*toc));
	if (d->st.media->profile == MMC_PROFILE_CDROM) {
		toc->first = toc->last = 1;
		toc->leadout = CDROM_LEADOUT;
		toc->t[1] = (struct emu_toc_track){ SUBQ_CONTROL_DATA, 0, 0, CDROM_LEADOUT };
		return 0;
	}
	f = dir_fopen_read(d, "disc.toc");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned n, control;
		int pregap, start, end;

		if (sscanf(line, "first %u", &n) == 1)
			toc->first = n;
		else if (sscanf(line, "last %u", &n) == 1)
			toc->last = n;
		else if (sscanf(line, "leadout %d", &start) == 1)
			toc->leadout = start;
		else if (sscanf(line, "track %u %u %d %d %d", &n, &control, &pregap, &start,
				&end) == 5 && n >= 1 && n <= IMAGE_MAX_TRACKS)
			toc->t[n] = (struct emu_toc_track){ (uint8_t)control, pregap, start, end };
	}
	fclose(f);
	if (toc->first < 1 || toc->last < toc->first || toc->last > IMAGE_MAX_TRACKS ||
	    toc->leadout <= 0)
		ret = -EPROTO;
	return ret;
}

/* Moves a finished recording into place as disc.bin/.sub/.toc/.cue. */
static int
rec_finalize(struct emu_drive *d, const struct image_toc *toc)
{
	char toc_tmp[64] = "", cue_tmp[64] = "";
	FILE *f;
	int fd, ret;

	ret = toc_save(d, toc, toc_tmp, sizeof(toc_tmp));
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
out:
	if (ret < 0) {
		if (cue_tmp[0])
			dir_unlink(d, cue_tmp);
		if (toc_tmp[0])
			dir_unlink(d, toc_tmp);
		disc_files_remove(d);
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
 * Ends this handle's session. With @finish (SYNCHRONIZE CACHE) a stream
 * that reached the end of its lead-out makes a complete disc; anything
 * else leaves a recorded CD-R ruined (incomplete). Test Write leaves the
 * disc as it was.
 */
static void
session_end(struct emu_drive *d, bool finish)
{
	struct emu_rec *rec = d->rec;
	const struct image_toc *toc = rec ? image_decoder_toc(rec->dec) : NULL;

	if (!d->st.session_test) {
		/* a recording whose files were replaced is lost: never move a stranger's file */
		bool whole = finish && rec && toc && image_decoder_complete(rec->dec) &&
			     rec->bin_sectors == toc->leadout_lba &&
			     dir_entry_is(d, "rec.bin", rec->bin_fd) &&
			     dir_entry_is(d, "rec.sub", rec->sub_fd);

		if (rec && rec->bin_fd >= 0) {
			close(rec->bin_fd);
			close(rec->sub_fd);
			rec->bin_fd = rec->sub_fd = -1;
		}
		if (whole && rec_finalize(d, toc) == 0) {
			d->st.disc = DISC_COMPLETE;
		} else {
			d->st.disc = DISC_INCOMPLETE;
			rec_files_remove(d);
		}
	}
	d->st.session[0] = '\0';
	d->st.session_next = 0;
	d->st.session_block = 0;
	rec_free(d);
	d->dirty = true;
}

/* A session whose handle's process died ends as a ruined disc (like a power cut). */
static void
session_reap(struct emu_drive *d)
{
	pid_t pid;

	if (d->rec && !session_mine(d))
		rec_free(d);	/* the disc was changed under this handle's session */
	if (!d->st.session[0] || session_mine(d))
		return;
	pid = (pid_t)strtol(d->st.session, NULL, 10);
	if (owner_pid_alive(pid) && process_start_time(pid) == d->st.session_started)
		return;
	if (!d->st.session_test)
		d->st.disc = DISC_INCOMPLETE;
	rec_files_remove(d);
	d->st.session[0] = '\0';
	buffer_reset(&d->st);
	d->dirty = true;
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

static int
session_begin(struct emu_drive *d, enum cd_sector_type type, int32_t nwa)
{
	struct emu_rec *rec = calloc(1, sizeof(*rec));
	bool test = d->st.page05[2] & 0x10;
	int ret;

	if (!rec)
		return -ENOMEM;
	rec->bin_fd = rec->sub_fd = -1;
	rec->type = type;
	ret = image_decoder_create(&rec->dec, type, (unsigned)-nwa);
	if (ret < 0)
		goto out_free;
	if (!test) {
		disc_files_remove(d);
		ret = rec->bin_fd = rec_file_create(d, "rec.bin");
		if (ret >= 0)
			ret = rec->sub_fd = rec_file_create(d, "rec.sub");
		if (ret < 0)
			goto out_free;
		d->st.disc = DISC_INCOMPLETE;	/* from the first sector on, a CD-R is used */
	}
	handle_id(d, d->st.session, sizeof(d->st.session));
	d->st.session_started = process_start_time(getpid());
	d->st.session_test = test;
	d->st.session_next = nwa;
	d->st.session_block = cd_sector_type_size(type);
	buffer_reset(&d->st);
	d->st.buf_rate = d->cfg.speed * CD_FRAMES_PER_SECOND;
	d->dirty = true;
	d->rec = rec;
	rec = NULL;
	ret = 0;
out_free:
	if (rec) {
		d->rec = rec;
		rec_free(d);
		rec_files_remove(d);
	}
	return ret;
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

/* Decodes one written sector and records its program-area part. */
static int
rec_sector(struct emu_drive *d, int32_t lba, const uint8_t *sector)
{
	struct emu_rec *rec = d->rec;
	struct image_sector *s = &rec->sector;
	const struct image_toc *toc;
	uint8_t raw96[SUBCHANNEL_PW_SIZE];
	int ret;

	ret = image_decoder_feed_at(rec->dec, lba, sector, s);
	if (ret == -EINVAL)
		return ret;	/* cannot happen: WRITE addresses are checked sequential */
	if (rec->bin_fd < 0)
		return 0;
	toc = image_decoder_toc(rec->dec);
	if (s->region != IMAGE_REGION_PROGRAM || lba < 0 || !toc || lba >= toc->leadout_lba ||
	    lba != rec->bin_sectors)
		return 0;
	subchannel_to_raw96(rec->type, sector + CD_MAIN_SIZE, raw96);
	ret = write_all(rec->bin_fd, s->main, CD_MAIN_SIZE);
	if (ret == 0)
		ret = write_all(rec->sub_fd, raw96, sizeof(raw96));
	if (ret == 0)
		rec->bin_sectors++;
	return ret;
}

/* Pacing: the drive burns from its buffer at buf_rate; false after an underrun. */
static bool
buffer_accept(struct emu_drive *d, uint32_t blocks)
{
	struct emu_state *st = &d->st;
	uint64_t cap = buffer_capacity(st->session_block), fill;
	int64_t now;

	if (!st->buf_rate)
		return true;
	now = now_ns();
	if (st->buf_burning && buffer_burned_raw(st, now) >= st->buf_written) {
		/* the buffer ran empty before this data came */
		if (!(st->page05[2] & 0x40))
			return false;	/* BUFE off: loss of streaming */
		st->buf_burning = false;	/* BUFE: pause, resume when refilled */
		st->buf_burned = st->buf_written;
	}
	fill = buffer_fill(st, now);
	if (!st->buf_burning && fill + blocks >= cap) {
		/* the laser starts once the buffer is full */
		st->buf_burning = true;
		st->buf_since_ns = now;
	}
	if (st->buf_burning && fill + blocks > cap) {
		/* a full buffer: the WRITE waits for room, as drives do */
		uint64_t need = fill + blocks - cap;

		sleep_ns((int64_t)(need * (uint64_t)NS_PER_S / st->buf_rate) + 1);
	}
	st->buf_written += blocks;
	d->dirty = true;
	return true;
}

static bool
range_reaches(int32_t lba, uint32_t blocks, int32_t at)
{
	return (int64_t)lba + blocks > at;
}

static void
cmd_write(struct emu_drive *d, struct mmc_cmd *cmd)
{
	bool w12 = cmd->cdb[0] == EMU_OP_WRITE_12;
	int32_t lba = (int32_t)mmc_get32(cmd->cdb + 2);
	uint32_t blocks = w12 ? mmc_get32(cmd->cdb + 6) : mmc_get16(cmd->cdb + 7);
	uint8_t wt = d->st.page05[2] & 0x0f, dbt = d->st.page05[4] & 0x0f;
	const uint8_t *data = cmd->buf;
	uint32_t block;
	int ret;

	if (!check_medium(d, cmd))
		return;
	if (!d->st.media->writable) {
		fail(d, cmd, 0x05, 0x30, 0x05);
		return;
	}
	/* only RAW disc-at-once recording is modelled */
	if (wt != 3 || dbt < 1 || dbt > 3 || !raw_dbt_supported(d, dbt)) {
		fail(d, cmd, 0x05, 0x2c, 0x00);
		return;
	}
	block = cd_sector_type_size((enum cd_sector_type)dbt);
	if (cmd->dir != MMC_DIR_OUT || (uint64_t)blocks * block != cmd->len ||
	    (blocks && !data)) {
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	if (!session_mine(d)) {
		int32_t nwa = media_leadin_lba(d->st.media);

		/* a CD-R records once; a used CD-RW must be blanked first */
		if (d->st.disc != DISC_BLANK || lba != nwa) {
			fail(d, cmd, 0x05, 0x21, 0x02);
			return;
		}
		if (!blocks) {
			good(cmd);	/* nothing written: the disc stays blank */
			return;
		}
		ret = session_begin(d, (enum cd_sector_type)dbt, nwa);
		if (ret < 0) {
			fail(d, cmd, 0x03, 0x0c, 0x00);
			return;
		}
	} else if (lba != d->st.session_next) {
		fail(d, cmd, 0x05, 0x21, 0x02);
		return;
	} else if (block != d->st.session_block) {
		/* page 05 changed in the middle of the stream */
		fail(d, cmd, 0x05, 0x2c, 0x00);
		return;
	}
	if (!blocks) {
		good(cmd);
		return;
	}
	if ((d->cfg.faults & EMU_FAULT_WRITE_ERROR) && lba <= d->cfg.write_error_lba &&
	    range_reaches(lba, blocks, d->cfg.write_error_lba)) {
		session_end(d, false);
		fail(d, cmd, 0x03, 0x0c, 0x00);
		return;
	}
	if ((d->cfg.faults & EMU_FAULT_REMOVED) && range_reaches(lba, blocks, d->cfg.removed_lba)) {
		session_end(d, false);
		d->st.medium_gone = true;
		d->dirty = true;
		fail(d, cmd, 0x02, 0x3a, 0x00);
		return;
	}
	if (!buffer_accept(d, blocks)) {
		session_end(d, false);
		fail(d, cmd, 0x03, 0x0c, 0x09);
		return;
	}
	for (uint32_t i = 0; i < blocks; i++) {
		ret = rec_sector(d, lba + (int32_t)i, data + (size_t)i * block);
		if (ret < 0) {
			session_end(d, false);
			fail(d, cmd, 0x03, 0x0c, 0x00);
			return;
		}
	}
	d->st.session_next = lba + (int32_t)blocks;
	d->dirty = true;
	if ((d->cfg.faults & EMU_FAULT_UNIT_ATTENTION) && !d->reset_fired &&
	    range_reaches(lba, blocks, d->cfg.unit_attention_lba)) {
		d->reset_fired = true;
		d->reset_pending = true;
	}
	cmd->xfer = cmd->len;
	cmd->status = MMC_STATUS_GOOD;
}

static void
busy_start(struct emu_drive *d, uint8_t ascq, int64_t ns)
{
	int64_t now = now_ns();

	d->st.busy_start_ns = now;
	d->st.busy_until_ns = now + ns;
	d->st.busy_ascq = ascq;
	d->dirty = true;
}

/* True while an IMMED operation runs; clears it once it is over. */
static bool
busy_now(struct emu_drive *d)
{
	int64_t now = now_ns();

	if (!d->st.busy_until_ns)
		return false;
	/* longer than any operation lasts: a deadline from before a reboot */
	if (now < d->st.busy_until_ns && d->st.busy_until_ns - now <= BUSY_MAX_NS)
		return true;
	d->st.busy_start_ns = d->st.busy_until_ns = 0;
	d->st.busy_ascq = 0;
	d->dirty = true;
	return false;
}

/* NOT READY, long operation in progress, with its progress in the sense-key specific bytes. */
static void
busy_sense(const struct emu_drive *d, uint8_t *sense)
{
	int64_t span = d->st.busy_until_ns - d->st.busy_start_ns;
	int64_t done = now_ns() - d->st.busy_start_ns;
	uint32_t progress = span > 0 ? (uint32_t)(done * 65536 / span) : 0;

	if (progress > 65535)
		progress = 65535;
	mmc_sense_build(sense, 0x02, 0x04, d->st.busy_ascq);
	sense[15] = 0x80;
	mmc_put16(sense + 16, (uint16_t)progress);
}

static void
fail_busy(struct emu_drive *d, struct mmc_cmd *cmd)
{
	fail(d, cmd, 0x02, 0x04, 0x08);
	if (busy_now(d)) {
		busy_sense(d, d->sense);
		memcpy(cmd->sense, d->sense, cmd->sense_len);
	}
}

static bool
disc_recorded(const struct emu_drive *d)
{
	return d->st.disc == DISC_COMPLETE && d->st.media->profile != MMC_PROFILE_NONE;
}

/* Reads sector @lba of the recorded disc's main channel (2352) and/or sub-channel (96). */
static int
disc_read_sector(struct emu_drive *d, int32_t lba, uint8_t *main, uint8_t *raw96)
{
	int fd, ret = 0;
	ssize_t n;

	if (d->st.media->profile == MMC_PROFILE_CDROM) {
		/* the pressed disc: Mode 1 sectors of zeros */
		if (main)
			cd_sector_encode_mode1(main, lba, NULL);
		if (raw96) {
			uint8_t q[SUBQ_SIZE];

			subq_build_position(q, SUBQ_CONTROL_DATA, 1, 1, lba, lba);
			subchannel_encode(CD_SECTOR_RAW, raw96, q, false);
		}
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		uint8_t *out = i == 0 ? main : raw96;
		size_t size = i == 0 ? CD_MAIN_SIZE : SUBCHANNEL_PW_SIZE;
		struct stat sb;
		char why[96];

		if (!out)
			continue;
		/* a disc file that may not be trusted is as good as absent */
		fd = emu_dir_open_existing(d->dir_fd, i == 0 ? "disc.bin" : "disc.sub", O_RDONLY,
					   &sb, why, sizeof(why));
		if (fd < 0)
			return fd == -EPERM ? -ENOENT : fd;
		n = pread(fd, out, size, (off_t)lba * (off_t)size);
		if (n != (ssize_t)size)
			ret = n < 0 ? -errno : -EIO;
		close(fd);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The track holding @lba (its pre-gap included), or 0. */
static unsigned
toc_track_of(const struct emu_toc *toc, int32_t lba)
{
	for (unsigned n = toc->first; n <= toc->last; n++)
		if (lba >= toc->t[n].pregap && lba < toc->t[n].end)
			return n;
	if (lba >= 0 && lba < toc->t[toc->first].start)
		return toc->first;
	return 0;
}

/* Common checks of READ(10) and READ CD; false when @cmd was answered. */
static bool
read_prepare(struct emu_drive *d, struct mmc_cmd *cmd, int32_t lba, uint32_t blocks,
	     struct emu_toc *toc)
{
	if (!check_medium(d, cmd))
		return false;
	if (!disc_recorded(d) || toc_load(d, toc) < 0) {
		/* nothing readable: a blank or ruined disc */
		fail(d, cmd, 0x05, 0x21, 0x00);
		return false;
	}
	if (lba < 0 || (int64_t)lba + blocks > toc->leadout) {
		fail(d, cmd, 0x05, 0x21, 0x00);
		return false;
	}
	return true;
}

static void
cmd_read10(struct emu_drive *d, struct mmc_cmd *cmd)
{
	int32_t lba = (int32_t)mmc_get32(cmd->cdb + 2);
	uint32_t blocks = mmc_get16(cmd->cdb + 7);
	uint8_t *out = cmd->buf, sector[CD_MAIN_SIZE];
	struct emu_toc toc;
	size_t n = 0;

	if (!read_prepare(d, cmd, lba, blocks, &toc))
		return;
	for (uint32_t i = 0; i < blocks; i++) {
		unsigned t = toc_track_of(&toc, lba + (int32_t)i);

		if (!t || !(toc.t[t].control & SUBQ_CONTROL_DATA)) {
			fail(d, cmd, 0x05, 0x64, 0x00);
			return;
		}
	}
	for (uint32_t i = 0; i < blocks && out && n + CD_DATA_SIZE <= cmd->len; i++) {
		if (disc_read_sector(d, lba + (int32_t)i, sector, NULL) < 0) {
			fail(d, cmd, 0x03, 0x11, 0x00);
			return;
		}
		memcpy(out + n, sector + 16, CD_DATA_SIZE);
		n += CD_DATA_SIZE;
	}
	cmd->xfer = n;
	cmd->status = MMC_STATUS_GOOD;
}

/* Bytes of one sector READ CD returns for selection @b9 (main channel only). */
static size_t
read_cd_main(const uint8_t *sector, bool data, uint8_t b9, uint8_t *out)
{
	size_t n = 0;

	if (!data) {
		if (b9 & 0xf8) {
			memcpy(out, sector, CD_MAIN_SIZE);
			n = CD_MAIN_SIZE;
		}
		return n;
	}
	if (b9 & 0x80) {
		memcpy(out + n, sector, 12);
		n += 12;
	}
	if (b9 & 0x20) {	/* header codes 01 (header) or 11 (all): Mode 1 has no sub-header */
		memcpy(out + n, sector + 12, 4);
		n += 4;
	}
	if (b9 & 0x10) {
		memcpy(out + n, sector + 16, CD_DATA_SIZE);
		n += CD_DATA_SIZE;
	}
	if (b9 & 0x08) {
		memcpy(out + n, sector + 16 + CD_DATA_SIZE, CD_MAIN_SIZE - 16 - CD_DATA_SIZE);
		n += CD_MAIN_SIZE - 16 - CD_DATA_SIZE;
	}
	return n;
}

static void
cmd_read_cd(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t expected = (cmd->cdb[1] >> 2) & 0x07, b9 = cmd->cdb[9], sub = cmd->cdb[10] & 0x07;
	int32_t lba = (int32_t)mmc_get32(cmd->cdb + 2);
	uint32_t blocks = (uint32_t)cmd->cdb[6] << 16 | (uint32_t)cmd->cdb[7] << 8 | cmd->cdb[8];
	uint8_t sector[CD_MAIN_SIZE], raw96[SUBCHANNEL_PW_SIZE], one[CD_MAIN_SIZE + 96];
	uint8_t *out = cmd->buf;
	struct emu_toc toc;
	size_t n = 0;

	if ((b9 & 0x06) || (sub != 0 && sub != 1 && sub != 2) || expected > 5 ||
	    (b9 & 0x60) == 0x40) {
		/* C2 error bits, R-W de-interleaved, sub-header only: not offered */
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	if (!read_prepare(d, cmd, lba, blocks, &toc))
		return;
	for (uint32_t i = 0; i < blocks; i++) {
		unsigned t = toc_track_of(&toc, lba + (int32_t)i);
		bool data = t && (toc.t[t].control & SUBQ_CONTROL_DATA);

		if (expected != 0 && expected != (data ? 2 : 1)) {
			fail(d, cmd, 0x05, 0x64, 0x00);
			return;
		}
	}
	for (uint32_t i = 0; i < blocks; i++) {
		int32_t at = lba + (int32_t)i;
		unsigned t = toc_track_of(&toc, at);
		bool data = t && (toc.t[t].control & SUBQ_CONTROL_DATA);
		size_t len;

		if (disc_read_sector(d, at, sector, sub ? raw96 : NULL) < 0) {
			fail(d, cmd, 0x03, 0x11, 0x00);
			return;
		}
		len = read_cd_main(sector, data, b9, one);
		if (sub == 1) {
			memcpy(one + len, raw96, SUBCHANNEL_PW_SIZE);
			len += SUBCHANNEL_PW_SIZE;
		} else if (sub == 2) {
			uint8_t q[SUBQ_SIZE];
			bool p = false;

			subchannel_extract_q(CD_SECTOR_RAW, raw96, q, &p);
			memcpy(one + len, q, SUBQ_SIZE);
			memset(one + len + SUBQ_SIZE, 0, 4);
			one[len + 15] = p ? 0x80 : 0x00;
			len += SUBCHANNEL_PQ_SIZE;
		}
		if (!out || n + len > cmd->len)
			break;
		memcpy(out + n, one, len);
		n += len;
	}
	cmd->xfer = n;
	cmd->status = MMC_STATUS_GOOD;
}

/* ---- the commands ---- */

static void
cmd_inquiry(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[36] = { 0 };

	if (cmd->cdb[1] & 0x01) {	/* no vital product data pages */
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	r[0] = 0x05;
	r[1] = 0x80;
	r[2] = 0x05;
	r[3] = 0x02;
	r[4] = sizeof(r) - 5;
	memcpy(r + 8, "BURNFS  ", 8);
	memcpy(r + 16, "Emulated CD-RW  ", 16);
	memcpy(r + 32, "1.0 ", 4);
	send_in(cmd, r, sizeof(r), cmd->cdb[4]);
}

static void
cmd_request_sense(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[18];

	if (d->have_sense)
		memcpy(r, d->sense, sizeof(r));
	else if (busy_now(d))
		busy_sense(d, r);
	else if (!medium_present(d))
		mmc_sense_build(r, 0x02, 0x3a, d->st.tray_open ? 0x02 :
				d->st.medium_gone ? 0x00 : 0x01);
	else
		mmc_sense_build(r, 0x00, 0x00, 0x00);
	d->have_sense = false;
	send_in(cmd, r, sizeof(r), cmd->cdb[4]);
}

static void
cmd_test_unit_ready(struct emu_drive *d, struct mmc_cmd *cmd)
{
	if (check_medium(d, cmd))
		good(cmd);
}

/* Appends a feature descriptor; returns the new offset. */
static size_t
feature(uint8_t *r, size_t off, uint16_t code, uint8_t version, bool persistent, bool current,
	const uint8_t *data, uint8_t len)
{
	mmc_put16(r + off, code);
	r[off + 2] = (uint8_t)(version << 2 | (persistent ? 0x02 : 0) | (current ? 0x01 : 0));
	r[off + 3] = len;
	if (len)
		memcpy(r + off + 4, data, len);
	return off + 4 + len;
}

static void
cmd_get_configuration(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[512] = { 0 };
	uint8_t rt = cmd->cdb[1] & 0x03;
	uint16_t start = mmc_get16(cmd->cdb + 2);
	size_t off = 8;
	bool present = medium_present(d) && !(d->cfg.faults & EMU_FAULT_NOT_READY);
	uint16_t profile = present ? d->st.media->profile : MMC_PROFILE_NONE;
	bool writable = present && d->st.media->writable;
	bool readable = present && d->st.disc == DISC_COMPLETE;
	bool raw = !(d->cfg.faults & EMU_FAULT_NO_RAW);
	bool rw = raw && !(d->cfg.faults & EMU_FAULT_NO_RW);
	uint8_t profiles[12], core[8] = { 0, 0, 0, 2, 0x01, 0, 0, 0 };
	uint8_t morph[4] = { 0x02 }, removable[4], random[8] = { 0, 0, 0x08, 0, 0, 1, 0, 0 };
	uint8_t cdread[4] = { 0x03 }, tao[4], mastering[4], rts[4] = { 0x02 };
	static const uint16_t profile_codes[] = { MMC_PROFILE_CDRW, MMC_PROFILE_CDR,
						  MMC_PROFILE_CDROM };
	struct {
		uint16_t code;
		uint8_t version;
		bool current;
		const uint8_t *data;
		uint8_t len;
	} feats[] = {
		{ 0x0000, 0, true, profiles, sizeof(profiles) },
		{ 0x0001, 2, true, core, sizeof(core) },
		{ 0x0002, 1, true, morph, sizeof(morph) },
		{ 0x0003, 0, true, removable, sizeof(removable) },
		{ 0x0010, 0, readable, random, sizeof(random) },
		{ 0x001d, 0, readable, NULL, 0 },
		{ 0x001e, 2, readable, cdread, sizeof(cdread) },
		{ 0x002d, 2, writable, tao, sizeof(tao) },
		{ 0x002e, 1, writable, mastering, sizeof(mastering) },
		{ 0x0100, 0, true, NULL, 0 },
		{ 0x0107, 3, writable, rts, sizeof(rts) },
	};

	if (rt == 3) {
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		mmc_put16(profiles + 4 * i, profile_codes[i]);
		profiles[4 * i + 2] = profile_codes[i] == profile ? 0x01 : 0x00;
		profiles[4 * i + 3] = 0;
	}
	memset(removable, 0, sizeof(removable));
	removable[0] = (uint8_t)(1 << 5 | 0x10 | 0x08 | 0x01 | (prevent_active(d) ? 0x04 : 0));
	memset(tao, 0, sizeof(tao));
	tao[0] = (uint8_t)(0x40 | 0x04 | 0x02 | (rw ? 0x10 | 0x08 | 0x01 : 0));
	mmc_put16(tao + 2, 0x3d01);	/* data block types 0, 8, 10-13 */
	memset(mastering, 0, sizeof(mastering));
	mastering[0] = (uint8_t)(0x40 | 0x20 | 0x04 | 0x02 | (raw ? 0x08 : 0) | (rw ? 0x01 : 0));
	mastering[2] = 0x0f;	/* maximum cue sheet length 3840 bytes */

	for (size_t i = 0; i < sizeof(feats) / sizeof(feats[0]); i++) {
		if (rt == 2 && feats[i].code != start)
			continue;
		if (rt != 2 && feats[i].code < start)
			continue;
		if (rt == 1 && !feats[i].current)
			continue;
		off = feature(r, off, feats[i].code, feats[i].version,
			      feats[i].code <= 0x0003 || feats[i].code == 0x0100, feats[i].current,
			      feats[i].data, feats[i].len);
	}
	mmc_put32(r, (uint32_t)(off - 4));
	mmc_put16(r + 6, profile);
	send_in(cmd, r, off, mmc_get16(cmd->cdb + 7));
}

static void
cmd_get_event_status(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[8] = { 0 };
	size_t n = 4;

	if (!(cmd->cdb[1] & 0x01)) {	/* asynchronous notification is not offered */
		fail(d, cmd, 0x05, 0x24, 0x00);
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
			r[4] = medium_present(d) ? 0x02 : 0x03;
			d->event_generation = d->st.generation;
		}
		r[5] = (uint8_t)((medium_present(d) ? 0x02 : 0) | (d->st.tray_open ? 0x01 : 0));
		n = 8;
	}
	send_in(cmd, r, n, mmc_get16(cmd->cdb + 7));
}

static size_t
page_2a(struct emu_drive *d, uint8_t *p)
{
	const uint16_t *speeds = current_speeds(d);
	size_t n = 0;

	while (speeds[n])
		n++;
	memset(p, 0, 32 + 4 * n);
	p[0] = 0x2a;
	p[1] = (uint8_t)(30 + 4 * n);
	p[2] = 0x03;
	p[3] = 0x07;
	p[4] = 0xf1;
	p[5] = (d->cfg.faults & EMU_FAULT_NO_RW) ? 0x73 : 0x7f;
	p[6] = (uint8_t)(1 << 5 | 0x08 | 0x01 | (prevent_active(d) ? 0x02 : 0));
	mmc_put16(p + 8, DRIVE_MAX_READ_KBS);
	mmc_put16(p + 12, DRIVE_BUFFER_KB);
	mmc_put16(p + 14, DRIVE_MAX_READ_KBS);
	mmc_put16(p + 18, media_max_speed(d->st.media));
	mmc_put16(p + 20, current_write_kbs(d));
	p[27] = d->st.rotation;
	mmc_put16(p + 28, current_write_kbs(d));
	mmc_put16(p + 30, (uint16_t)n);
	/* descriptors fastest first, as drives list them */
	for (size_t i = 0; i < n; i++) {
		p[32 + 4 * i + 1] = d->st.rotation;
		mmc_put16(p + 32 + 4 * i + 2, speeds[n - 1 - i]);
	}
	return 32 + 4 * n;
}

static size_t
page_01(uint8_t *p)
{
	memset(p, 0, 12);
	p[0] = 0x01;
	p[1] = 10;
	return 12;
}

static void
cmd_mode_sense(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[256] = { 0 };
	uint8_t page = cmd->cdb[2] & 0x3f, pc = cmd->cdb[2] >> 6;
	size_t off = MMC_MODE_HEADER_LEN;

	if (pc == 3) {
		fail(d, cmd, 0x05, 0x39, 0x00);
		return;
	}
	if (page == 0x01 || page == 0x3f) {
		size_t n = page_01(r + off);

		if (pc == 1)
			memset(r + off + 2, 0, n - 2);
		off += n;
	}
	if (page == 0x05 || page == 0x3f) {
		if (pc == 0) {
			memcpy(r + off, d->st.page05, MMC_PAGE05_LEN);
		} else if (pc == 2) {
			page05_default(r + off);
		} else {
			r[off] = 0x05;
			r[off + 1] = MMC_PAGE05_LEN - 2;
			memset(r + off + 2, 0xff, MMC_PAGE05_LEN - 2);
		}
		off += MMC_PAGE05_LEN;
	}
	if (page == 0x2a || page == 0x3f) {
		size_t n = page_2a(d, r + off);

		if (pc == 1)
			memset(r + off + 2, 0, n - 2);
		off += n;
	}
	if (off == MMC_MODE_HEADER_LEN) {
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	mmc_put16(r, (uint16_t)(off - 2));
	send_in(cmd, r, off, mmc_get16(cmd->cdb + 7));
}

/* Which write type / data block type pairs this drive takes (mmc.md §5.3). */
static bool
page05_acceptable(const struct emu_drive *d, const uint8_t *p)
{
	uint8_t wt = p[2] & 0x0f, dbt = p[4] & 0x0f, ms = p[3] >> 6;

	if (ms == 2)
		return false;
	switch (wt) {
	case 1:	/* TAO */
		return dbt == 0 || dbt == 8 || (dbt >= 10 && dbt <= 13);
	case 2:	/* SAO, also with raw sub-channel */
		return dbt == 0 || (dbt <= 3 && raw_dbt_supported(d, dbt));
	case 3:	/* RAW */
		return dbt >= 1 && dbt <= 3 && raw_dbt_supported(d, dbt);
	default:
		return false;
	}
}

static void
cmd_mode_select(struct emu_drive *d, struct mmc_cmd *cmd)
{
	const uint8_t *b = cmd->buf;
	size_t len = mmc_get16(cmd->cdb + 7), off, plen;

	if (!(cmd->cdb[1] & 0x10) || (cmd->cdb[1] & 0x01)) {
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	if (len > cmd->len)
		len = cmd->len;
	if (len < MMC_MODE_HEADER_LEN + 2 || !b) {
		fail(d, cmd, 0x05, 0x1a, 0x00);
		return;
	}
	off = MMC_MODE_HEADER_LEN + mmc_get16(b + 6);
	if (off + 2 > len) {
		fail(d, cmd, 0x05, 0x1a, 0x00);
		return;
	}
	plen = (size_t)b[off + 1] + 2;
	if (off + plen > len) {
		fail(d, cmd, 0x05, 0x1a, 0x00);
		return;
	}
	if ((b[off] & 0x80) == 0 && ((b[off] & 0x3f) == 0x2a || (b[off] & 0x3f) == 0x01)) {
		/*
		 * Pages with no changeable field: sending back the current
		 * values is fine, changing any of them is refused (SPC).
		 */
		uint8_t cur[128];
		size_t n = (b[off] & 0x3f) == 0x2a ? page_2a(d, cur) : page_01(cur);

		if (plen != n || memcmp(cur + 2, b + off + 2, n - 2) != 0) {
			fail(d, cmd, 0x05, 0x26, 0x00);
			return;
		}
		cmd->xfer = len;
		cmd->status = MMC_STATUS_GOOD;
		return;
	}
	if ((b[off] & 0x80) || (b[off] & 0x3f) != 0x05 ||
	    (plen != MMC_PAGE05_LEN && plen != MMC_PAGE05_LEN + 4) ||
	    !page05_acceptable(d, b + off)) {
		fail(d, cmd, 0x05, 0x26, 0x00);
		return;
	}
	memcpy(d->st.page05, b + off, MMC_PAGE05_LEN);
	d->st.page05[1] = MMC_PAGE05_LEN - 2;
	d->dirty = true;
	cmd->xfer = len;
	cmd->status = MMC_STATUS_GOOD;
}

static void
put_msf(uint8_t *p, struct cd_msf m)
{
	p[0] = 0;
	p[1] = m.m;
	p[2] = m.s;
	p[3] = m.f;
}

static void
cmd_read_disc_info(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[34] = { 0 };
	const struct emu_media *m = d->st.media;

	if ((cmd->cdb[1] & 0x07) != 0) {
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	if (!check_medium(d, cmd))
		return;
	mmc_put16(r, sizeof(r) - 2);
	r[2] = m->erasable ? 0x10 : 0x00;
	r[3] = 1;
	r[4] = 1;
	r[5] = 1;
	r[6] = 1;
	r[7] = 0x20;	/* unrestricted use */
	if (disc_recorded(d)) {
		struct emu_toc toc;

		if (toc_load(d, &toc) == 0) {
			r[3] = (uint8_t)toc.first;
			r[5] = (uint8_t)toc.first;
			r[6] = (uint8_t)toc.last;
		}
	}
	if (d->st.disc == DISC_BLANK) {
		put_msf(r + 16, m->leadin);
		put_msf(r + 20, m->leadout);
	} else {
		r[2] |= d->st.disc == DISC_COMPLETE ? 0x0e : 0x05;
		memset(r + 16, 0xff, 8);
	}
	send_in(cmd, r, sizeof(r), mmc_get16(cmd->cdb + 7));
}

static void
toc_entry(uint8_t *p, uint8_t track, uint8_t adr_ctl, int32_t lba, bool msf)
{
	memset(p, 0, 8);
	p[1] = adr_ctl;
	p[2] = track;
	if (msf)
		put_msf(p + 4, cd_lba_to_msf(lba));
	else
		mmc_put32(p + 4, (uint32_t)lba);
}

static void
cmd_read_toc(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[4 + 11 * (3 + IMAGE_MAX_TRACKS)] = { 0 };
	struct emu_toc toc;
	uint8_t format = cmd->cdb[2] & 0x0f;
	bool msf = cmd->cdb[1] & 0x02;
	const struct emu_media *m = d->st.media;
	size_t n;

	if (format == 0 && (cmd->cdb[9] >> 6))
		format = cmd->cdb[9] >> 6;	/* the old MMC-1 place of the format */
	if (!check_medium(d, cmd))
		return;
	if (format == 4) {
		if (!m->writable) {
			fail(d, cmd, 0x05, 0x24, 0x00);
			return;
		}
		mmc_put16(r, 26);
		r[4] = 0x80 | 0x50 | 0x05;	/* target power, reference speed */
		r[5] = 0x40;			/* unrestricted use */
		r[6] = (uint8_t)(0x80 | (m->erasable ? 0x40 : 0) | (m->atip_sub_type << 3) |
				 (m->erasable ? 0x04 : 0));
		r[8] = m->leadin.m;
		r[9] = m->leadin.s;
		r[10] = m->leadin.f;
		r[12] = m->leadout.m;
		r[13] = m->leadout.s;
		r[14] = m->leadout.f;
		if (m->erasable)
			r[16] = 0x14;	/* CLV 1x..4x */
		send_in(cmd, r, 28, mmc_get16(cmd->cdb + 7));
		return;
	}
	if (!disc_recorded(d) || toc_load(d, &toc) < 0) {
		/* nothing recorded (or a ruined recording): no table of contents to give */
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	r[2] = (uint8_t)toc.first;
	r[3] = (uint8_t)toc.last;
	n = 4;
	switch (format) {
	case 0: {
		uint8_t from = cmd->cdb[6];

		if (from > toc.last && from != 0xaa) {
			fail(d, cmd, 0x05, 0x24, 0x00);
			return;
		}
		for (unsigned t = toc.first; from != 0xaa && t <= toc.last; t++) {
			if (t < from)
				continue;
			toc_entry(r + n, (uint8_t)t, (uint8_t)(0x10 | toc.t[t].control),
				  toc.t[t].start, msf);
			n += 8;
		}
		toc_entry(r + n, 0xaa, (uint8_t)(0x10 | toc.t[toc.last].control), toc.leadout,
			  msf);
		n += 8;
		break;
	}
	case 1:
		r[2] = 1;
		r[3] = 1;
		toc_entry(r + n, (uint8_t)toc.first, (uint8_t)(0x10 | toc.t[toc.first].control),
			  toc.t[toc.first].start, msf);
		n += 8;
		break;
	case 2: {
		/* A0 A1 A2 then the tracks; M/S/F binary whatever the MSF bit (mmc.md §6.3) */
		unsigned count = 3 + toc.last - toc.first + 1;

		r[2] = 1;
		r[3] = 1;
		for (unsigned i = 0; i < count; i++, n += 11) {
			unsigned t = i < 3 ? (i == 0 ? toc.first : toc.last) : toc.first + i - 3;
			uint8_t point = i == 0 ? 0xa0 : i == 1 ? 0xa1 : i == 2 ? 0xa2
					: (uint8_t)t;
			struct cd_msf at = cd_lba_to_msf(i == 2 ? toc.leadout : toc.t[t].start);

			memset(r + n, 0, 11);
			r[n] = 1;
			r[n + 1] = (uint8_t)(0x10 | toc.t[t].control);
			r[n + 3] = point;
			if (i < 2) {
				r[n + 8] = (uint8_t)t;	/* PSEC 00: CD-DA or CD-ROM */
			} else {
				r[n + 8] = at.m;
				r[n + 9] = at.s;
				r[n + 10] = at.f;
			}
		}
		break;
	}
	default:
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	mmc_put16(r, (uint16_t)(n - 2));
	send_in(cmd, r, n, mmc_get16(cmd->cdb + 7));
}

static void
cmd_read_track_info(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[36] = { 0 };
	uint8_t type = cmd->cdb[1] & 0x03;
	uint32_t value = mmc_get32(cmd->cdb + 2);
	const struct emu_media *m = d->st.media;
	struct emu_toc toc;
	int32_t leadin, leadout;

	if (!check_medium(d, cmd))
		return;
	if (type == 3 || (type == 2 && value != 1) ||
	    (type == 1 && d->st.disc == DISC_BLANK && value != 1 && value != 0xff) ||
	    (type == 1 && d->st.disc != DISC_BLANK && (value < 1 || value > IMAGE_MAX_TRACKS))) {
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	mmc_put16(r, sizeof(r) - 2);
	r[2] = 1;
	r[3] = 1;
	if (d->st.disc == DISC_BLANK) {
		uint8_t wt = d->st.page05[2] & 0x0f;
		int32_t nwa;

		leadin = cd_msf_to_lba(m->leadin.m, m->leadin.s, m->leadin.f);
		leadout = cd_msf_to_lba(m->leadout.m, m->leadout.s, m->leadout.f);
		/* The next writable address follows the write type (mmc.md §6.2). */
		nwa = wt == 3 ? leadin : wt == 2 ? -CD_PREGAP_FRAMES : 0;
		r[5] = 0x04;
		r[6] = 0x40 | 0x0f;	/* blank, data mode unknown */
		r[7] = 0x01;		/* NWA valid */
		mmc_put32(r + 12, (uint32_t)nwa);
		mmc_put32(r + 16, (uint32_t)(leadout - nwa));
		mmc_put32(r + 24, (uint32_t)(leadout - nwa));
	} else if (disc_recorded(d) && toc_load(d, &toc) == 0) {
		unsigned t = type == 1 ? value : type == 0 ? toc_track_of(&toc, (int32_t)value) : 1;
		const struct emu_toc_track *tr;

		if (t < toc.first || t > toc.last) {
			fail(d, cmd, 0x05, 0x24, 0x00);
			return;
		}
		tr = &toc.t[t];
		r[2] = (uint8_t)t;
		r[5] = tr->control;
		r[6] = (tr->control & SUBQ_CONTROL_DATA) ? 0x01 : 0x0f;
		mmc_put32(r + 8, (uint32_t)tr->start);
		mmc_put32(r + 24, (uint32_t)(tr->end - tr->start));
		mmc_put32(r + 28, (uint32_t)(tr->end - 1));
	} else {
		/* a ruined recording: one damaged track, nothing writable */
		r[5] = 0x20 | 0x04;
		r[6] = 0x0f;
	}
	send_in(cmd, r, sizeof(r), mmc_get16(cmd->cdb + 7));
}

static void
cmd_get_performance(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[8 + 16 * 8] = { 0 };
	const uint16_t *s = current_speeds(d);
	uint16_t max = mmc_get16(cmd->cdb + 8);
	size_t n = 0, alloc;
	int32_t end = 0;

	if (cmd->cdb[10] != 0x03 && cmd->cdb[10] != 0x00) {
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	if (cmd->cdb[10] == 0x00) {
		/* nominal performance: one descriptor, read speed over the disc */
		mmc_put32(r, 4 + 16);
		mmc_put32(r + 8 + 4, DRIVE_MAX_READ_KBS);
		mmc_put32(r + 8 + 12, DRIVE_MAX_READ_KBS);
		send_in(cmd, r, 24, 24);
		return;
	}
	if (medium_present(d) && d->st.media->writable)
		end = cd_msf_to_lba(d->st.media->leadout.m, d->st.media->leadout.s,
				    d->st.media->leadout.f);
	/* fastest first, like real drives; the header announces them all */
	while (s[n])
		n++;
	for (size_t i = 0; i < n && i < max && i < 8; i++) {
		uint8_t *p = r + 8 + 16 * i;

		p[0] = (uint8_t)(d->st.rotation << 3);
		mmc_put32(p + 4, (uint32_t)end);
		mmc_put32(p + 8, DRIVE_MAX_READ_KBS);
		mmc_put32(p + 12, s[n - 1 - i]);
	}
	mmc_put32(r, (uint32_t)(4 + 16 * n));
	if (n > max)
		n = max;
	if (n > 8)
		n = 8;
	alloc = (size_t)max * 16 + 8;
	send_in(cmd, r, 8 + 16 * n, alloc);
}

static void
cmd_set_cd_speed(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t rotation = cmd->cdb[1] & 0x03;
	uint16_t want = mmc_get16(cmd->cdb + 4);

	if (rotation > 1) {
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	d->st.rotation = rotation;
	d->st.write_kbs = want;	/* the drive snaps it to the media when it writes */
	d->dirty = true;
	good(cmd);
}

static void
cmd_start_stop(struct emu_drive *d, struct mmc_cmd *cmd)
{
	bool loej = cmd->cdb[4] & 0x02, start = cmd->cdb[4] & 0x01;

	if (cmd->cdb[4] & 0xf0) {	/* power conditions are not modelled */
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	if (!loej) {
		if (start && !check_medium(d, cmd))
			return;
		good(cmd);
		return;
	}
	if (!start) {
		if (prevent_active(d)) {
			fail(d, cmd, 0x05, 0x53, 0x02);
			return;
		}
		if (session_mine(d))
			session_end(d, false);	/* ejected in the middle of a recording */
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
	/* this handle moved the tray itself: no unit attention for it */
	d->generation_seen = d->st.generation;
	good(cmd);
}

static void
cmd_prevent_allow(struct emu_drive *d, struct mmc_cmd *cmd)
{
	char id[48];

	handle_id(d, id, sizeof(id));
	if (cmd->cdb[4] & 0x01) {
		if (prevent_active(d) && strcmp(d->st.prevent, id) != 0) {
			/* already prevented by another initiator: stays so */
			good(cmd);
			return;
		}
		snprintf(d->st.prevent, sizeof(d->st.prevent), "%s", id);
		d->dirty = true;
	} else if (strcmp(d->st.prevent, id) == 0 || !prevent_active(d)) {
		if (d->st.prevent[0]) {
			d->st.prevent[0] = '\0';
			d->dirty = true;
		}
	}
	good(cmd);
}

static void
cmd_blank(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t type = cmd->cdb[1] & 0x07;
	bool immed = cmd->cdb[1] & 0x10;
	int64_t ns;

	if (!check_medium(d, cmd))
		return;
	if (!d->st.media->erasable) {
		fail(d, cmd, 0x05, 0x30, 0x05);
		return;
	}
	if (type > 1) {
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	if (session_mine(d)) {
		fail(d, cmd, 0x05, 0x2c, 0x00);
		return;
	}
	disc_files_remove(d);
	rec_files_remove(d);
	d->st.disc = DISC_BLANK;
	d->dirty = true;
	if (d->cfg.speed) {
		/* paced: blanking takes its time, 1x = BLANK_*_S seconds */
		ns = (type == 0 ? BLANK_FULL_S : BLANK_MINIMAL_S) * NS_PER_S / d->cfg.speed;
		if (immed)
			busy_start(d, 0x07, ns);
		else
			sleep_ns(ns);
	}
	good(cmd);
}

static void
cmd_synchronize_cache(struct emu_drive *d, struct mmc_cmd *cmd)
{
	bool immed = cmd->cdb[1] & 0x02;
	int64_t now, drain = 0;

	if (!check_medium(d, cmd))
		return;
	if (session_mine(d)) {
		now = now_ns();
		if (d->st.buf_rate && !d->st.buf_burning) {
			/* the laser starts now for what the buffer holds */
			d->st.buf_burning = true;
			d->st.buf_since_ns = now;
		}
		drain = buffer_drain_ns(&d->st, now);
		session_end(d, true);
		buffer_reset(&d->st);
		if (drain > 0) {
			if (immed)
				busy_start(d, 0x08, drain);
			else
				sleep_ns(drain);
		}
	}
	good(cmd);
}

static void
cmd_read_buffer_capacity(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[12] = { 0 };
	uint32_t total = DRIVE_BUFFER_KB * 1024, used = 0;

	if (d->st.session[0])
		used = (uint32_t)(buffer_fill(&d->st, now_ns()) * d->st.session_block);
	if (used > total)
		used = total;
	mmc_put16(r, 10);
	mmc_put32(r + 4, total);
	mmc_put32(r + 8, total - used);
	send_in(cmd, r, sizeof(r), mmc_get16(cmd->cdb + 7));
}

/* Commands another handle's recording (or an IMMED operation) holds off with 2/04/0x. */
static bool
held_while_busy(uint8_t op)
{
	switch (op) {
	case MMC_TEST_UNIT_READY:
	case MMC_READ_DISC_INFO:
	case MMC_READ_TRACK_INFO:
	case MMC_READ_TOC:
	case MMC_WRITE_10:
	case EMU_OP_WRITE_12:
	case MMC_BLANK:
	case MMC_START_STOP_UNIT:
	case MMC_SYNCHRONIZE_CACHE:
	case MMC_READ_10:
	case MMC_READ_CD:
		return true;
	default:
		return false;
	}
}

/* Commands that a pending unit attention does not interrupt (SPC/MMC). */
static bool
passes_unit_attention(uint8_t op)
{
	return op == MMC_INQUIRY || op == MMC_REQUEST_SENSE || op == MMC_GET_CONFIGURATION ||
	       op == MMC_GET_EVENT_STATUS;
}

static void
dispatch(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t op = cmd->cdb[0];

	if (op != MMC_REQUEST_SENSE)
		d->have_sense = false;
	session_reap(d);
	if (!passes_unit_attention(op) && d->generation_seen != d->st.generation) {
		d->generation_seen = d->st.generation;
		fail(d, cmd, 0x06, 0x28, 0x00);
		return;
	}
	if (!passes_unit_attention(op) && d->reset_pending) {
		d->reset_pending = false;
		fail(d, cmd, 0x06, 0x29, 0x00);
		return;
	}
	if (held_while_busy(op) && (session_foreign(d) || busy_now(d))) {
		fail_busy(d, cmd);
		return;
	}
	switch (op) {
	case MMC_TEST_UNIT_READY: cmd_test_unit_ready(d, cmd); break;
	case MMC_REQUEST_SENSE: cmd_request_sense(d, cmd); break;
	case MMC_INQUIRY: cmd_inquiry(d, cmd); break;
	case MMC_START_STOP_UNIT: cmd_start_stop(d, cmd); break;
	case MMC_PREVENT_ALLOW: cmd_prevent_allow(d, cmd); break;
	case MMC_SYNCHRONIZE_CACHE: cmd_synchronize_cache(d, cmd); break;
	case MMC_READ_TOC: cmd_read_toc(d, cmd); break;
	case MMC_GET_CONFIGURATION: cmd_get_configuration(d, cmd); break;
	case MMC_GET_EVENT_STATUS: cmd_get_event_status(d, cmd); break;
	case MMC_READ_DISC_INFO: cmd_read_disc_info(d, cmd); break;
	case MMC_READ_TRACK_INFO: cmd_read_track_info(d, cmd); break;
	case MMC_MODE_SELECT_10: cmd_mode_select(d, cmd); break;
	case MMC_MODE_SENSE_10: cmd_mode_sense(d, cmd); break;
	case MMC_READ_BUFFER_CAPACITY: cmd_read_buffer_capacity(d, cmd); break;
	case MMC_BLANK: cmd_blank(d, cmd); break;
	case MMC_GET_PERFORMANCE: cmd_get_performance(d, cmd); break;
	case MMC_SET_CD_SPEED: cmd_set_cd_speed(d, cmd); break;
	case MMC_WRITE_10: cmd_write(d, cmd); break;
	case EMU_OP_WRITE_12: cmd_write(d, cmd); break;
	case MMC_READ_10: cmd_read10(d, cmd); break;
	case MMC_READ_CD: cmd_read_cd(d, cmd); break;
	default: fail(d, cmd, 0x05, 0x20, 0x00); break;
	}
}

/* Runs @fn with the state loaded and saved under the directory lock. */
static int
with_state(struct emu_drive *d, struct burn_error *err, void (*fn)(struct emu_drive *, void *),
	   void *arg)
{
	int ret;

	pthread_mutex_lock(&d->mu);
	while (flock(d->lock_fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			ret = burn_error_set(err, BURN_E_FAIL, "emulator lock %s: %s", d->dir,
					     strerror(errno));
			goto out_unlock;
		}
	}
	ret = state_load(d, err);
	if (ret < 0)
		goto out_flock;
	fn(d, arg);
	if (d->dirty) {
		ret = state_save(d);
		if (ret < 0)
			burn_error_set(err, BURN_E_FAIL, "emulator state %s: %s", d->dir,
				       strerror(-ret));
	}
out_flock:
	flock(d->lock_fd, LOCK_UN);
out_unlock:
	pthread_mutex_unlock(&d->mu);
	return ret;
}

static void
exec_locked(struct emu_drive *d, void *arg)
{
	struct mmc_cmd *cmd = arg;

	cmd->xfer = 0;
	cmd->sense_len = 0;
	dispatch(d, cmd);
}

int
emu_drive_exec(struct emu_drive *d, struct mmc_cmd *cmd)
{
	return with_state(d, NULL, exec_locked, cmd);
}

/* ---- open / close ---- */

struct open_args {
	const struct emu_config *cfg;
	struct burn_error *err;
	int ret;
};

static int owner_locked(struct emu_drive *d, char *buf, size_t size);

static void
open_locked(struct emu_drive *d, void *arg)
{
	struct open_args *a = arg;

	if (a->cfg && a->cfg->media) {
		/* a fresh disc of the asked-for kind, in a closed tray */
		const struct emu_media *m = media_find(a->cfg->media);
		unsigned long gen = d->st.generation;
		char prevent[sizeof(d->st.prevent)], holder[128];
		int n;

		if (!m)
			return;	/* emu_drive_open() checked the name */
		/* a load (ctl load) while another holds the drive: its burn is not ours to end */
		n = owner_locked(d, holder, sizeof(holder));
		if (n < 0) {
			a->ret = burn_error_set(a->err, BURN_E_FAIL, "cannot tell who holds %s: %s",
						d->dir, strerror(-n));
			return;
		}
		if (n > 0) {
			a->ret = burn_error_set(a->err, BURN_E_RECORDER_LOCKED,
						"cannot load emu_media=%s: the recorder %s is held exclusively by %s",
						m->name, d->dir, holder);
			return;
		}
		memcpy(prevent, d->st.prevent, sizeof(prevent));
		disc_files_remove(d);
		rec_files_remove(d);
		state_default(&d->st, m);
		d->st.generation = gen + 1;
		memcpy(d->st.prevent, prevent, sizeof(prevent));
		d->st.write_kbs = media_max_speed(m);
		d->dirty = true;
	}
	d->generation_seen = d->st.generation;
	d->event_generation = d->st.generation - 1;	/* first GESN reports the medium */
}

int
emu_drive_open(const char *dir, const struct emu_config *cfg, struct emu_drive **out,
	       struct burn_error *err)
{
	struct emu_drive *d;
	struct open_args args = { cfg, err, 0 };
	const char *name;
	char why[96];
	int ret;

	if (cfg && cfg->media && !media_find(cfg->media))
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "emu_media=%s: expected cdr74, cdr80, cdrw80, cdrom or none",
				      cfg->media);
	if (!dir || !*dir)
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emu: needs a directory, as in emu:/var/tmp/burner");
	d = calloc(1, sizeof(*d));
	if (!d)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the emulator");
	pthread_mutex_init(&d->mu, NULL);
	d->dir_fd = d->lock_fd = d->excl_fd = -1;
	d->token = owner_new_token();
	if (cfg)
		d->cfg = *cfg;
	d->cfg.media = NULL;
	ret = emu_dir_open(dir, &d->dir_fd, &d->dir, err);
	if (ret < 0)
		goto out_free;
	name = "drive.lock";
	d->lock_fd = ret = emu_dir_open_lock(d->dir_fd, name, why, sizeof(why));
	if (ret >= 0) {
		name = "excl";
		d->excl_fd = ret = emu_dir_open_lock(d->dir_fd, name, why, sizeof(why));
	}
	if (ret == -EPERM) {
		ret = emu_dir_refuse(err, BURN_E_NO_RECORDER_SPECIFIED, d->dir, name, why);
		goto out_free;
	}
	if (ret < 0) {
		ret = burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				     "cannot open the emulator's lock files in %s: %s", d->dir,
				     strerror(-ret));
		goto out_free;
	}
	ret = with_state(d, err, open_locked, &args);
	if (ret == 0)
		ret = args.ret;
	if (ret < 0)
		goto out_free;
	*out = d;
	return 0;
out_free:
	emu_drive_close(d);
	return ret;
}

static void
close_locked(struct emu_drive *d, void *arg)
{
	char id[48];

	(void)arg;
	/* like closing a device node: a medium-removal lock dies with its handle */
	handle_id(d, id, sizeof(id));
	if (strcmp(d->st.prevent, id) == 0) {
		d->st.prevent[0] = '\0';
		d->dirty = true;
	}
	/* a stream that never got its SYNCHRONIZE CACHE: a ruined disc */
	if (session_mine(d))
		session_end(d, false);
	rec_free(d);
}

void
emu_drive_close(struct emu_drive *d)
{
	if (!d)
		return;
	if (d->holds_excl)
		emu_drive_unlock(d);
	if (d->lock_fd >= 0 && d->st_loaded)
		with_state(d, NULL, close_locked, NULL);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	if (d->excl_fd >= 0)
		close(d->excl_fd);
	if (d->dir_fd >= 0)
		close(d->dir_fd);
	rec_free(d);
	pthread_mutex_destroy(&d->mu);
	free(d->dir);
	free(d);
}

/* ---- exclusive access ---- */

static int
excl_lock(int fd, short type, int cmd)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };

	if (fcntl(fd, cmd, &fl) < 0)
		return -errno;
	return fl.l_type;
}

/* Describes whoever holds DIR/excl; "" when nobody does. */
static int
owner_locked(struct emu_drive *d, char *buf, size_t size)
{
	struct owner_record rec;
	int ret;

	if (d->holds_excl)
		return snprintf(buf, size, "%s", d->client_name);
	ret = excl_lock(d->excl_fd, F_WRLCK, F_OFD_GETLK);
	if (ret < 0)
		return ret;
	if (ret == F_UNLCK)
		return snprintf(buf, size, "%s", "");
	ret = owner_read(d->dir_fd, "owner", &rec);
	if (ret < 0 || !owner_pid_alive(rec.pid))
		return snprintf(buf, size, "%s", "unknown holder");
	return owner_describe(&rec, buf, size);
}

int
emu_drive_owner(struct emu_drive *d, char *buf, size_t size)
{
	int ret;

	pthread_mutex_lock(&d->mu);
	ret = owner_locked(d, buf, size);
	pthread_mutex_unlock(&d->mu);
	return ret;
}

int
emu_drive_lock(struct emu_drive *d, const char *client_name, struct burn_error *err)
{
	struct owner_record rec = { .pid = getpid(), .token = d->token };
	char holder[128];
	int ret;

	pthread_mutex_lock(&d->mu);
	if (d->holds_excl) {
		ret = burn_error_set(err, BURN_E_RECORDER_LOCKED,
				     "this handle already holds the recorder");
		goto out;
	}
	ret = excl_lock(d->excl_fd, F_WRLCK, F_OFD_SETLK);
	if (ret == -EAGAIN || ret == -EACCES) {
		owner_locked(d, holder, sizeof(holder));
		ret = burn_error_set(err, BURN_E_RECORDER_LOCKED,
				     "the recorder %s is held exclusively by %s", d->dir, holder);
		goto out;
	}
	if (ret < 0) {
		ret = burn_error_set(err, BURN_E_FAIL, "locking %s/excl: %s", d->dir,
				     strerror(-ret));
		goto out;
	}
	snprintf(rec.name, sizeof(rec.name), "%s", client_name ? client_name : "");
	ret = owner_publish(d->dir_fd, "owner", &rec);
	if (ret < 0) {
		excl_lock(d->excl_fd, F_UNLCK, F_OFD_SETLK);
		ret = burn_error_set(err, BURN_E_FAIL, "publishing the owner in %s: %s", d->dir,
				     strerror(-ret));
		goto out;
	}
	snprintf(d->client_name, sizeof(d->client_name), "%s", rec.name);
	d->holds_excl = true;
	ret = 0;
out:
	pthread_mutex_unlock(&d->mu);
	return ret;
}

void
emu_drive_unlock(struct emu_drive *d)
{
	pthread_mutex_lock(&d->mu);
	if (d->holds_excl) {
		owner_withdraw(d->dir_fd, "owner", getpid(), d->token);
		excl_lock(d->excl_fd, F_UNLCK, F_OFD_SETLK);
		d->holds_excl = false;
		d->client_name[0] = '\0';
	}
	pthread_mutex_unlock(&d->mu);
}
