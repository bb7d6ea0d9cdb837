#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cd.h"
#include "emu.h"
#include "owner.h"

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
emu_fault_parse(const char *value, unsigned *faults)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "no_rw", EMU_FAULT_NO_RW },
		{ "no_raw", EMU_FAULT_NO_RAW },
		{ "not_ready", EMU_FAULT_NOT_READY },
	};
	const char *p = value;

	while (*p) {
		size_t len = strcspn(p, "+");
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len && strncmp(names[i].name, p, len) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -EINVAL;
		*faults |= names[i].bit;
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
};

struct emu_drive {
	pthread_mutex_t mu;
	char *dir;
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

static char *
dir_path(const struct emu_drive *d, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", d->dir, name) < 0)
		return NULL;
	return p;
}

static int
state_save(struct emu_drive *d)
{
	char *path = dir_path(d, "drive.state"), *tmp = NULL;
	char hex[2 * MMC_PAGE05_LEN + 1];
	FILE *f = NULL;
	int ret = 0;

	if (!path || asprintf(&tmp, "%s.%d.%lu", path, (int)getpid(), d->token) < 0) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < MMC_PAGE05_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d->st.page05[i]);
	f = fopen(tmp, "we");
	if (!f) {
		ret = -errno;
		goto out;
	}
	fprintf(f, "burnfs-emu 1\nmedia %s\ntray %s\ndisc %s\ngeneration %lu\nprevent %s\n"
		   "write_kbs %u\nrotation %u\npage05 %s\n",
		d->st.media->name, d->st.tray_open ? "open" : "closed",
		disc_state_names[d->st.disc], d->st.generation,
		d->st.prevent[0] ? d->st.prevent : "-", d->st.write_kbs, d->st.rotation, hex);
	if (fclose(f) != 0) {
		f = NULL;
		ret = -errno;
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) < 0) {
		ret = -errno;
		goto out;
	}
	stat(path, &d->st_file);
	d->dirty = false;
out:
	if (ret && tmp)
		unlink(tmp);
	free(tmp);
	free(path);
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
	return 0;	/* unknown keys: a newer burnfs wrote them; keep going */
}

/* Loads drive.state unless the copy in memory is still the file's. */
static int
state_load(struct emu_drive *d, struct burn_error *err)
{
	char *path = dir_path(d, "drive.state");
	char line[512];
	struct stat sb;
	struct emu_state st;
	FILE *f;
	int lineno = 0, ret = 0;

	if (!path)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a path");
	if (stat(path, &sb) < 0) {
		ret = -errno;
		if (ret == -ENOENT) {
			/* a new drive: an 80-minute CD-R in a closed tray */
			state_default(&d->st, DEFAULT_MEDIA);
			d->st.write_kbs = media_max_speed(d->st.media);
			d->st_loaded = true;
			d->dirty = true;
			ret = 0;
		} else {
			burn_error_set(err, BURN_E_FAIL, "emulator state %s: %s", path, strerror(-ret));
		}
		goto out;
	}
	if (d->st_loaded && sb.st_ino == d->st_file.st_ino && sb.st_dev == d->st_file.st_dev &&
	    sb.st_mtim.tv_sec == d->st_file.st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec == d->st_file.st_mtim.tv_nsec)
		goto out;
	f = fopen(path, "re");
	if (!f) {
		ret = burn_error_set(err, BURN_E_FAIL, "emulator state %s: %s", path,
				     strerror(errno));
		goto out;
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
		ret = burn_error_set(err, BURN_E_FAIL, "emulator state %s is damaged at line %d",
				     path, lineno);
		goto out;
	}
	fclose(f);
	d->st = st;
	d->st_file = sb;
	d->st_loaded = true;
out:
	free(path);
	return ret;
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
	return !d->st.tray_open && d->st.media->profile != MMC_PROFILE_NONE;
}

/* 2/3A/0x for a missing medium; false if one is there. */
static bool
check_medium(struct emu_drive *d, struct mmc_cmd *cmd)
{
	if (d->cfg.faults & EMU_FAULT_NOT_READY) {
		fail(d, cmd, 0x02, 0x04, 0x01);
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
	else if (!medium_present(d))
		mmc_sense_build(r, 0x02, 0x3a, d->st.tray_open ? 0x02 : 0x01);
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
	uint8_t r[64] = { 0 };
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
	if (d->st.disc != DISC_COMPLETE || m->profile != MMC_PROFILE_CDROM) {
		/* nothing recorded yet: no table of contents to give */
		fail(d, cmd, 0x05, 0x24, 0x00);
		return;
	}
	switch (format) {
	case 0:
		r[2] = 1;
		r[3] = 1;
		if (cmd->cdb[6] > 1 && cmd->cdb[6] != 0xaa) {
			fail(d, cmd, 0x05, 0x24, 0x00);
			return;
		}
		n = 4;
		if (cmd->cdb[6] <= 1) {
			toc_entry(r + n, 1, 0x14, 0, msf);
			n += 8;
		}
		toc_entry(r + n, 0xaa, 0x14, CDROM_LEADOUT, msf);
		n += 8;
		break;
	case 1:
		r[2] = 1;
		r[3] = 1;
		toc_entry(r + 4, 1, 0x14, 0, msf);
		n = 12;
		break;
	case 2: {
		static const uint8_t points[] = { 0xa0, 0xa1, 0xa2, 0x01 };

		r[2] = 1;
		r[3] = 1;
		n = 4;
		for (size_t i = 0; i < sizeof(points); i++, n += 11) {
			struct cd_msf at = cd_lba_to_msf(points[i] == 0xa2 ? CDROM_LEADOUT : 0);

			r[n] = 1;
			r[n + 1] = 0x14;
			r[n + 3] = points[i];
			if (points[i] == 0xa0 || points[i] == 0xa1) {
				r[n + 8] = 1;
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
	int32_t leadin, leadout;

	if (!check_medium(d, cmd))
		return;
	if (type == 3 || (type == 1 && value != 1 && value != 0xff) ||
	    (type == 2 && value != 1)) {
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
	} else {
		r[5] = 0x04;
		r[6] = 0x01;
		mmc_put32(r + 24, CDROM_LEADOUT);
		mmc_put32(r + 28, CDROM_LEADOUT - 1);
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
		if (!d->st.tray_open) {
			d->st.tray_open = true;
			d->st.generation++;
			d->dirty = true;
		}
	} else if (d->st.tray_open) {
		d->st.tray_open = false;
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
	d->st.disc = DISC_BLANK;
	d->dirty = true;
	good(cmd);
}

static void
cmd_synchronize_cache(struct emu_drive *d, struct mmc_cmd *cmd)
{
	if (check_medium(d, cmd))
		good(cmd);
}

static void
cmd_read_buffer_capacity(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[12] = { 0 };

	mmc_put16(r, 10);
	mmc_put32(r + 4, DRIVE_BUFFER_KB * 1024);
	mmc_put32(r + 8, DRIVE_BUFFER_KB * 1024);
	send_in(cmd, r, sizeof(r), mmc_get16(cmd->cdb + 7));
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
	if (!passes_unit_attention(op) && d->generation_seen != d->st.generation) {
		d->generation_seen = d->st.generation;
		fail(d, cmd, 0x06, 0x28, 0x00);
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
};

static void
open_locked(struct emu_drive *d, void *arg)
{
	const struct open_args *a = arg;

	if (a->cfg && a->cfg->media) {
		/* a fresh disc of the asked-for kind, in a closed tray */
		const struct emu_media *m = media_find(a->cfg->media);
		unsigned long gen = d->st.generation;
		char prevent[sizeof(d->st.prevent)];

		if (!m)
			return;	/* emu_drive_open() checked the name */

		memcpy(prevent, d->st.prevent, sizeof(prevent));
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
	struct open_args args = { cfg };
	char *path = NULL;
	struct stat sb;
	int ret;

	if (cfg && cfg->media && !media_find(cfg->media))
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "emu_media=%s: expected cdr74, cdr80, cdrw80, cdrom or none",
				      cfg->media);
	if (!dir || !*dir)
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emu: needs a directory, as in emu:/var/tmp/burner");
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "cannot create emulator directory %s: %s", dir,
				      strerror(errno));
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emulator directory %s is not a directory", dir);
	d = calloc(1, sizeof(*d));
	if (!d)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the emulator");
	pthread_mutex_init(&d->mu, NULL);
	d->lock_fd = d->excl_fd = -1;
	d->token = owner_new_token();
	if (cfg)
		d->cfg = *cfg;
	d->cfg.media = NULL;
	d->dir = realpath(dir, NULL);
	if (!d->dir) {
		ret = burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED, "emulator directory %s: %s",
				     dir, strerror(errno));
		goto out_free;
	}
	path = dir_path(d, "drive.lock");
	if (!path) {
		ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a path");
		goto out_free;
	}
	d->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	path = dir_path(d, "excl");
	if (d->lock_fd >= 0 && path)
		d->excl_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	if (d->lock_fd < 0 || d->excl_fd < 0) {
		ret = burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				     "cannot open the emulator's lock files in %s: %s", d->dir,
				     strerror(errno));
		goto out_free;
	}
	ret = with_state(d, err, open_locked, &args);
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
	char *path;
	int ret;

	if (d->holds_excl)
		return snprintf(buf, size, "%s", d->client_name);
	ret = excl_lock(d->excl_fd, F_WRLCK, F_OFD_GETLK);
	if (ret < 0)
		return ret;
	if (ret == F_UNLCK)
		return snprintf(buf, size, "%s", "");
	path = dir_path(d, "owner");
	if (!path)
		return -ENOMEM;
	ret = owner_read(path, &rec);
	free(path);
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
	char holder[128], *path;
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
	path = dir_path(d, "owner");
	ret = path ? owner_publish(path, &rec) : -ENOMEM;
	free(path);
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
	char *path;

	pthread_mutex_lock(&d->mu);
	if (d->holds_excl) {
		path = dir_path(d, "owner");
		if (path)
			owner_withdraw(path, getpid(), d->token);
		free(path);
		excl_lock(d->excl_fd, F_UNLCK, F_OFD_SETLK);
		d->holds_excl = false;
		d->client_name[0] = '\0';
	}
	pthread_mutex_unlock(&d->mu);
}
