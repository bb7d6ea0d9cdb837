#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "emu-dir.h"
#include "emu-private.h"
#include "owner.h"

/* What each emulator option takes, as its refusal says it. */
#define MEDIA_EXPECTED "expected cdr74, cdr80, cdrw80, cdrom or none"
#define SPEED_EXPECTED "expected a whole number from 0 (unlimited) to 64"
#define DISCARD_EXPECTED "expected 1 (drop what is written) or 0 (record it)"
#define FAULT_EXPECTED "expected no_rw, no_raw, not_ready, write_error@LBA, removed@LBA, " \
		       "unit_attention@LBA, corrupt@LBA or unreadable@LBA, joined with +"
/* The fastest pacing emu_speed= takes, N x real time */
#define SPEED_MAX 64

bool
emu_media_kind_valid(const char *kind)
{
	return kind && emu_media_find(kind) != NULL;
}

/* In emu_fault_parse()'s table: a fault without an LBA. */
#define NO_LBA SIZE_MAX

int
emu_fault_parse(const char *value, struct emu_config *cfg)
{
	static const struct {
		const char *name;
		unsigned bit;
		size_t lba_at;
	} names[] = {
		{ "no_rw", EMU_FAULT_NO_RW, NO_LBA },
		{ "no_raw", EMU_FAULT_NO_RAW, NO_LBA },
		{ "not_ready", EMU_FAULT_NOT_READY, NO_LBA },
		{ "write_error", EMU_FAULT_WRITE_ERROR, offsetof(struct emu_config, write_error_lba) },
		{ "removed", EMU_FAULT_REMOVED, offsetof(struct emu_config, removed_lba) },
		{ "unit_attention", EMU_FAULT_UNIT_ATTENTION,
		  offsetof(struct emu_config, unit_attention_lba) },
		{ "corrupt", EMU_FAULT_CORRUPT, offsetof(struct emu_config, corrupt_lba) },
		{ "unreadable", EMU_FAULT_UNREADABLE, offsetof(struct emu_config, unreadable_lba) },
	};
	const char *p = value;

	while (*p) {
		size_t len = strcspn(p, "+"), name_len = strcspn(p, "+@");
		bool has_lba;
		long lba = 0;
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == name_len &&
			    strncmp(names[i].name, p, name_len) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -EINVAL;
		has_lba = names[i].lba_at != NO_LBA;
		if (has_lba != (name_len < len))
			return -EINVAL;
		if (has_lba) {
			char *end;

			errno = 0;
			lba = strtol(p + name_len + 1, &end, 10);
			if (end == p + name_len + 1 || end != p + len || errno ||
			    lba < -IMAGE_MAX_LEAD_IN || lba > IMAGE_LAST_SECTOR_OVERBURN)
				return -EINVAL;
			*(int32_t *)((char *)cfg + names[i].lba_at) = (int32_t)lba;
		}
		cfg->faults |= names[i].bit;
		p += len;
		if (*p == '+')
			p++;
	}
	return 0;
}

/* The value of @option when it is "@name=VALUE", else NULL. */
static const char *
option_value(const char *option, const char *name)
{
	size_t len = strlen(name);

	return strncmp(option, name, len) == 0 && option[len] == '=' ? option + len + 1 : NULL;
}

int
emu_config_parse_option(const char *option, struct emu_config *cfg, struct burn_error *err)
{
	const struct emu_media *m;
	const char *val;
	char *end;

	if ((val = option_value(option, "emu_media"))) {
		m = emu_media_find(val);
		if (!m)
			return burn_error_set(err, BURN_E_INVALIDARG, MEDIA_EXPECTED);
		cfg->media = m->name;
		return 0;
	}
	if ((val = option_value(option, "emu_speed"))) {
		unsigned speed;

		errno = 0;
		speed = (unsigned)strtoul(val, &end, 10);
		if (!*val || *end || errno || speed > SPEED_MAX)
			return burn_error_set(err, BURN_E_INVALIDARG, SPEED_EXPECTED);
		cfg->speed = speed;
		return 0;
	}
	if ((val = option_value(option, "emu_discard"))) {
		if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
			return burn_error_set(err, BURN_E_INVALIDARG, DISCARD_EXPECTED);
		cfg->discard = val[0] == '1';
		return 0;
	}
	if ((val = option_value(option, "emu_fault"))) {
		if (emu_fault_parse(val, cfg) < 0)
			return burn_error_set(err, BURN_E_INVALIDARG, FAULT_EXPECTED);
		return 0;
	}
	return 1;
}

int
emu_config_parse(const char *options, struct emu_config *cfg, struct burn_error *err)
{
	struct burn_error why;
	char *copy, *item, *next;
	int ret = 0;

	if (!options || !*options)
		return 0;
	copy = strdup(options);
	if (!copy)
		return burn_error_set(err, BURN_E_OUTOFMEMORY,
				      "no memory for the emulator options");
	for (item = copy; item && ret == 0; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		ret = emu_config_parse_option(item, cfg, &why);
		if (ret > 0)
			ret = burn_error_set(err, BURN_E_INVALIDARG,
					     "%s: not an option of the emulated recorder", item);
		else if (ret < 0)
			burn_error_set(err, why.result, "%s: %s", item, why.reason);
	}
	free(copy);
	return ret;
}

void
emu_fail(struct emu_drive *d, struct mmc_cmd *cmd, struct mmc_sense_code code)
{
	cmd->status = MMC_STATUS_CHECK_CONDITION;
	emu_sense_build(d->sense, code);
	d->have_sense = true;
	cmd->sense_len = sizeof(d->sense) < sizeof(cmd->sense) ? sizeof(d->sense)
								 : sizeof(cmd->sense);
	memcpy(cmd->sense, d->sense, cmd->sense_len);
	cmd->xfer = 0;
}

void
emu_send_in(struct mmc_cmd *cmd, const uint8_t *data, size_t n, size_t alloc)
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

void
emu_good(struct mmc_cmd *cmd)
{
	cmd->status = MMC_STATUS_GOOD;
	cmd->xfer = 0;
}

void
emu_sense_build(uint8_t *out, struct mmc_sense_code code)
{
	mmc_sense_build(out, code.key, code.asc, code.ascq);
}

void
emu_handle_id(const struct emu_drive *d, char *buf, size_t size)
{
	snprintf(buf, size, "%d.%lu", (int)getpid(), d->token);
}

static void
request_sense(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[18];

	if (d->have_sense)
		memcpy(r, d->sense, sizeof(r));
	else if (emu_write_busy_now(d))
		emu_write_busy_sense(d, r);
	else if (!emu_media_present(d))
		emu_sense_build(r, d->st.tray_open ? MMC_SENSE_MEDIUM_NOT_PRESENT_TRAY_OPEN
				   : d->st.medium_gone ? MMC_SENSE_MEDIUM_NOT_PRESENT
						       : MMC_SENSE_MEDIUM_NOT_PRESENT_TRAY_CLOSED);
	else
		emu_sense_build(r, MMC_SENSE_NONE);
	d->have_sense = false;
	emu_send_in(cmd, r, sizeof(r), cmd->cdb[4]);
}

enum {
	/* a pending unit attention does not interrupt it (SPC/MMC) */
	CMD_PASSES_UNIT_ATTENTION = 1 << 0,
	/* another handle's recording (or an IMMED operation) holds it off with 2/04/08 */
	CMD_HELD_WHILE_BUSY = 1 << 1,
};

static const struct {
	uint8_t op;
	void (*handler)(struct emu_drive *d, struct mmc_cmd *cmd);
	unsigned flags;
} commands[] = {
	/* the medium and the tray (emu-media.c) */
	{ MMC_TEST_UNIT_READY, emu_media_test_unit_ready, CMD_HELD_WHILE_BUSY },
	{ MMC_START_STOP_UNIT, emu_media_start_stop, CMD_HELD_WHILE_BUSY },
	{ MMC_PREVENT_ALLOW, emu_media_prevent_allow, 0 },
	{ MMC_GET_EVENT_STATUS, emu_media_get_event_status, CMD_PASSES_UNIT_ATTENTION },
	/* what the drive says of itself (emu-caps.c), and its sense (here) */
	{ MMC_REQUEST_SENSE, request_sense, CMD_PASSES_UNIT_ATTENTION },
	{ MMC_INQUIRY, emu_caps_inquiry, CMD_PASSES_UNIT_ATTENTION },
	{ MMC_GET_CONFIGURATION, emu_caps_get_configuration, CMD_PASSES_UNIT_ATTENTION },
	{ MMC_MODE_SELECT_10, emu_caps_mode_select, 0 },
	{ MMC_MODE_SENSE_10, emu_caps_mode_sense, 0 },
	{ MMC_GET_PERFORMANCE, emu_caps_get_performance, 0 },
	{ MMC_SET_CD_SPEED, emu_caps_set_cd_speed, 0 },
	/* the disc's layout (emu-toc.c) */
	{ MMC_READ_TOC, emu_toc_read_toc, CMD_HELD_WHILE_BUSY },
	{ MMC_READ_DISC_INFO, emu_toc_read_disc_info, CMD_HELD_WHILE_BUSY },
	{ MMC_READ_TRACK_INFO, emu_toc_read_track_info, CMD_HELD_WHILE_BUSY },
	/* recording (emu-write.c) */
	{ MMC_WRITE_10, emu_write_write, CMD_HELD_WHILE_BUSY },
	{ EMU_OP_WRITE_12, emu_write_write, CMD_HELD_WHILE_BUSY },
	{ MMC_SYNCHRONIZE_CACHE, emu_write_synchronize_cache, CMD_HELD_WHILE_BUSY },
	{ MMC_READ_BUFFER_CAPACITY, emu_write_read_buffer_capacity, 0 },
	{ MMC_BLANK, emu_write_blank, CMD_HELD_WHILE_BUSY },
	{ MMC_SEND_CUE_SHEET, emu_sao_send_cue_sheet, CMD_HELD_WHILE_BUSY },
	{ MMC_CLOSE_TRACK_SESSION, emu_tao_close_track_session, CMD_HELD_WHILE_BUSY },
	{ MMC_RESERVE_TRACK, emu_tao_reserve_track, CMD_HELD_WHILE_BUSY },
	/* reading (emu-read.c) */
	{ MMC_READ_10, emu_read_read10, CMD_HELD_WHILE_BUSY },
	{ MMC_READ_CD, emu_read_read_cd, CMD_HELD_WHILE_BUSY },
	{ MMC_READ_CD_MSF, emu_read_read_cd_msf, CMD_HELD_WHILE_BUSY },
	{ MMC_READ_CAPACITY, emu_read_read_capacity, CMD_HELD_WHILE_BUSY },
	{ MMC_READ_SUB_CHANNEL, emu_read_read_sub_channel, CMD_HELD_WHILE_BUSY },
};

static void
dispatch(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t op = cmd->cdb[0];
	unsigned flags = 0;
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].op == op)
			break;
	if (i < sizeof(commands) / sizeof(commands[0]))
		flags = commands[i].flags;
	if (op != MMC_REQUEST_SENSE)
		d->have_sense = false;
	emu_session_reap(d);
	if (!(flags & CMD_PASSES_UNIT_ATTENTION) && d->generation_seen != d->st.generation) {
		d->generation_seen = d->st.generation;
		emu_fail(d, cmd, MMC_SENSE_MEDIUM_MAY_HAVE_CHANGED);
		return;
	}
	if (!(flags & CMD_PASSES_UNIT_ATTENTION) && d->reset_pending) {
		d->reset_pending = false;
		emu_fail(d, cmd, MMC_SENSE_RESET_OCCURRED);
		return;
	}
	if ((flags & CMD_HELD_WHILE_BUSY) && (emu_session_foreign(d) || emu_write_busy_now(d))) {
		emu_write_fail_busy(d, cmd);
		return;
	}
	if (i == sizeof(commands) / sizeof(commands[0])) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_COMMAND_OPERATION_CODE);
		return;
	}
	commands[i].handler(d, cmd);
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
	ret = emu_media_state_load(d, err);
	if (ret < 0)
		goto out_flock;
	fn(d, arg);
	if (d->dirty) {
		ret = emu_media_state_save(d);
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

struct open_args {
	const struct emu_config *cfg;
	struct burn_error *err;
	int ret;
};

/* A fresh disc of kind @m in a closed tray (a load), unless another handle holds the drive. */
static void
open_load(struct emu_drive *d, struct open_args *a, const struct emu_media *m)
{
	unsigned long gen = d->st.generation;
	char prevent[sizeof(d->st.prevent)], holder[128];
	int n;

	/* a load (ctl load) while another holds the drive: its burn is not ours to end */
	n = emu_lock_owner_locked(d, holder, sizeof(holder));
	if (n < 0) {
		a->ret = burn_error_set(a->err, BURN_E_FAIL, "cannot tell who holds %s: %s", d->dir,
					strerror(-n));
		return;
	}
	if (n > 0) {
		a->ret = burn_error_set(a->err, BURN_E_RECORDER_LOCKED,
					"cannot load emu_media=%s: the recorder %s is held exclusively by %s",
					m->name, d->dir, holder);
		return;
	}
	memcpy(prevent, d->st.prevent, sizeof(prevent));
	emu_session_remove_disc(d);
	emu_session_remove_rec(d);
	emu_media_state_default(&d->st, m);
	d->st.generation = gen + 1;
	memcpy(d->st.prevent, prevent, sizeof(prevent));
	d->st.write_kbs = emu_media_max_speed(m);
	d->dirty = true;
}

static void
open_locked(struct emu_drive *d, void *arg)
{
	struct open_args *a = arg;

	if (a->cfg && a->cfg->media) {
		const struct emu_media *m = emu_media_find(a->cfg->media);

		if (!m)
			return;	/* emu_drive_open() checked the name */
		open_load(d, a, m);
		if (a->ret < 0)
			return;
	}
	d->generation_seen = d->st.generation;
	d->event_generation = d->st.generation - 1;	/* first GESN reports the medium */
}

/* Opens DIR's lock files: drive.lock for commands, excl for exclusive access. */
static int
open_lock_files(struct emu_drive *d, struct burn_error *err)
{
	const char *name = "drive.lock";
	char why[96];
	int ret;

	d->lock_fd = ret = emu_dir_open_lock(d->dir_fd, name, why, sizeof(why));
	if (ret >= 0) {
		name = "excl";
		d->excl_fd = ret = emu_dir_open_lock(d->dir_fd, name, why, sizeof(why));
	}
	if (ret == -EPERM)
		return emu_dir_refuse(err, BURN_E_NO_RECORDER_SPECIFIED, d->dir, name, why);
	if (ret < 0)
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "cannot open the emulator's lock files in %s: %s", d->dir,
				      strerror(-ret));
	return 0;
}

int
emu_drive_open(const char *dir, const struct emu_config *cfg, struct emu_drive **out,
	       struct burn_error *err)
{
	struct emu_drive *d;
	struct open_args args = { cfg, err, 0 };
	int ret;

	if (cfg && cfg->media && !emu_media_find(cfg->media))
		return burn_error_set(err, BURN_E_INVALIDARG, "emu_media=%s: " MEDIA_EXPECTED,
				      cfg->media);
	if (!dir || !*dir)
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emu: needs a directory, as in emu:/var/tmp/burner");
	d = calloc(1, sizeof(*d));
	if (!d)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the emulator");
	pthread_mutex_init(&d->mu, NULL);
	d->dir_fd = d->lock_fd = d->excl_fd = d->state_fd = -1;
	d->token = owner_new_token();
	if (cfg)
		d->cfg = *cfg;
	d->cfg.media = NULL;
	ret = emu_dir_open(dir, &d->dir_fd, &d->dir, err);
	if (ret < 0)
		goto out_free;
	ret = open_lock_files(d, err);
	if (ret < 0)
		goto out_free;
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
	emu_handle_id(d, id, sizeof(id));
	if (strcmp(d->st.prevent, id) == 0) {
		d->st.prevent[0] = '\0';
		d->dirty = true;
	}
	/* a stream that never got its SYNCHRONIZE CACHE: a ruined disc */
	if (emu_session_mine(d))
		emu_session_end(d, false);
	emu_session_rec_free(d);
	emu_sao_free(d);
	emu_tao_free(d);
	emu_read_free(d);
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
	if (d->state_fd >= 0)
		close(d->state_fd);
	if (d->dir_fd >= 0)
		close(d->dir_fd);
	emu_session_rec_free(d);
	emu_sao_free(d);
	emu_tao_free(d);
	pthread_mutex_destroy(&d->mu);
	free(d->dir);
	free(d);
}
