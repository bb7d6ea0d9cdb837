#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmc-sense.h"
#include "recorder-private.h"

/* Maps a drive's refusal to the IMAPI result a user can act on. */
static enum burn_result
sense_result(const struct mmc_sense *s)
{
	const struct mmc_sense_code becoming_ready = MMC_SENSE_BECOMING_READY;
	const struct mmc_sense_code removal_prevented = MMC_SENSE_MEDIUM_REMOVAL_PREVENTED;
	const struct mmc_sense_code loss_of_streaming = MMC_SENSE_LOSS_OF_STREAMING;

	if (s->asc == MMC_ASC_MEDIUM_NOT_PRESENT)
		return BURN_E_MEDIA_NO_MEDIA;
	if (s->key == MMC_SENSE_KEY_NOT_READY && s->asc == MMC_ASC_NOT_READY)
		return s->ascq == becoming_ready.ascq ? BURN_E_MEDIA_BECOMING_READY
						      : BURN_E_MEDIA_BUSY;
	if (s->asc == MMC_ASC_INCOMPATIBLE_MEDIUM)
		return BURN_E_MEDIA_INCOMPATIBLE;
	if (s->key == MMC_SENSE_KEY_DATA_PROTECT || s->asc == MMC_ASC_WRITE_PROTECTED)
		return BURN_E_MEDIA_WRITE_PROTECTED;
	if (s->asc == removal_prevented.asc && s->ascq == removal_prevented.ascq)
		return BURN_E_RECORDER_LOCKED;
	if (s->asc == loss_of_streaming.asc && s->ascq == loss_of_streaming.ascq)
		return BURN_E_LOSS_OF_STREAMING;
	return BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE;
}

/* What the drive's answer to @cmd means: 0, 1 with @sense to read, or -errno. @ret: the send's. */
static int
outcome(struct recorder *r, struct mmc_cmd *cmd, int ret, struct mmc_sense *sense,
	struct burn_error *err)
{
	if (ret == -EBUSY)
		return burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				      "%s was not sent: the drive is burning, and only the burn talks to it",
				      mmc_opcode_name(cmd->cdb[0]));
	if (ret == -ETIMEDOUT)
		return burn_error_set(err, BURN_E_COMMAND_TIMEOUT,
				      "%s got no answer within %u ms (%s)", mmc_opcode_name(cmd->cdb[0]),
				      cmd->timeout_ms, cmd->timeout_why);
	if (ret < 0)
		return burn_error_set(err, BURN_E_FAIL, "%s could not be sent to %s: %s",
				      mmc_opcode_name(cmd->cdb[0]), r->t->device, strerror(-ret));
	if (cmd->status == MMC_STATUS_GOOD)
		return 0;
	if (cmd->status != MMC_STATUS_CHECK_CONDITION ||
	    mmc_sense_parse(cmd->sense, cmd->sense_len, sense) < 0)
		return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
				      "%s failed with SCSI status %02Xh and no usable sense data",
				      mmc_opcode_name(cmd->cdb[0]), cmd->status);
	return 1;
}

/* @cmd failed with @sense: the result it means, and the sense in words. */
static int
sense_failure(const struct mmc_cmd *cmd, const struct mmc_sense *sense, struct burn_error *err)
{
	char words[160];

	mmc_sense_describe(sense, words, sizeof(words));
	return burn_error_set(err, sense_result(sense), "%s: %s", mmc_opcode_name(cmd->cdb[0]), words);
}

static int
exec_locked(struct recorder *r, struct mmc_cmd *cmd, struct burn_error *err)
{
	struct mmc_sense sense;
	int ret;

	/* two unit attentions may queue up (media removed, then inserted) */
	for (int attempt = 0; attempt < 3; attempt++) {
		ret = outcome(r, cmd, recorder_send_locked(r, cmd), &sense, err);
		if (ret <= 0)
			return ret;
		if (sense.key != MMC_SENSE_KEY_UNIT_ATTENTION)
			break;
	}
	return sense_failure(cmd, &sense, err);
}

int
recorder_exec(struct recorder *r, struct mmc_cmd *cmd, struct burn_error *err)
{
	int ret;

	/* a view answered from the cache does not wait for a command in flight */
	if (recorder_view_answer(r, cmd, &ret)) {
		struct mmc_sense sense;

		ret = outcome(r, cmd, ret, &sense, err);
		return ret <= 0 ? ret : sense_failure(cmd, &sense, err);
	}
	pthread_mutex_lock(&r->mu);
	ret = exec_locked(r, cmd, err);
	pthread_mutex_unlock(&r->mu);
	return ret;
}

int
recorder_read_reply(struct recorder *r, void (*build)(struct mmc_cmd *, void *, uint16_t, void *),
		    void *arg, uint8_t *buf, size_t size, struct burn_error *err)
{
	struct mmc_cmd cmd;
	size_t want, head = size < 8 ? size : 8;
	int ret;

	if (size > 0xffff)
		size = 0xffff;
	memset(buf, 0, size);
	build(&cmd, buf, (uint16_t)head, arg);
	ret = recorder_exec(r, &cmd, err);
	if (ret < 0)
		return ret;
	want = mmc_reply_length(cmd.cdb[0], buf, cmd.xfer);
	if (want <= cmd.xfer)
		return (int)cmd.xfer;
	if (want > size)
		want = size;	/* more than we can take: the parser sees the cut length */
	memset(buf, 0, size);
	build(&cmd, buf, (uint16_t)want, arg);
	ret = recorder_exec(r, &cmd, err);
	if (ret < 0)
		return ret;
	return (int)(cmd.xfer < want ? cmd.xfer : want);
}

int
recorder_open(struct burn_transport *t, struct recorder **out, struct burn_error *err)
{
	struct recorder *r;
	uint8_t buf[96];
	struct mmc_cmd cmd;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r) {
		t->ops->destroy(t);
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the recorder");
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_mutex_init(&r->cache_mu, NULL);
	r->t = t;
	memset(buf, 0, sizeof(buf));
	mmc_build_inquiry(&cmd, buf, sizeof(buf));
	ret = recorder_exec(r, &cmd, err);
	if (ret < 0) {
		if (err && err->result == BURN_E_FAIL) {
			char why[BURN_REASON_MAX];

			snprintf(why, sizeof(why), "%s", err->reason);
			ret = burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
					     "%s does not answer SCSI commands (is it a CD/DVD drive?); %s",
					     t->device, why);
		}
		goto out_close;
	}
	if (mmc_parse_inquiry(buf, cmd.xfer, &r->inq) < 0) {
		ret = burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
				     "%s answered INQUIRY with %zu bytes; at least 36 are needed",
				     t->device, cmd.xfer);
		goto out_close;
	}
	if (r->inq.device_type != 0x05) {
		ret = burn_error_set(err, BURN_E_RECORDER_NOT_SUPPORTED,
				     "%s is a SCSI device of type %02Xh, not a CD/DVD drive (05h)",
				     t->device, r->inq.device_type);
		goto out_close;
	}
	*out = r;
	return 0;
out_close:
	recorder_close(r);
	return ret;
}

void
recorder_close(struct recorder *r)
{
	if (!r)
		return;
	recorder_watch_stop(r);
	if (r->lock_count)
		r->t->ops->unlock(r->t);
	r->t->ops->destroy(r->t);
	recorder_cache_free(r);
	pthread_mutex_destroy(&r->mu);
	pthread_mutex_destroy(&r->cache_mu);
	free(r);
}

const char *
recorder_device(const struct recorder *r)
{
	return r->t->device;
}

size_t
recorder_max_transfer(const struct recorder *r)
{
	return r->t->ops->max_transfer ? r->t->ops->max_transfer : BURN_TRANSPORT_MAX_TRANSFER;
}

const struct mmc_inquiry *
recorder_identity(const struct recorder *r)
{
	return &r->inq;
}

static void
build_config(struct mmc_cmd *cmd, void *buf, uint16_t len, void *arg)
{
	mmc_build_get_configuration(cmd, *(uint8_t *)arg, 0, buf, len);
}

int
recorder_get_configuration(struct recorder *r, uint8_t rt, struct mmc_config *cfg,
			   struct burn_error *err)
{
	uint8_t buf[2048];
	int n = recorder_read_reply(r, build_config, &rt, buf, sizeof(buf), err);

	if (n < 0)
		return n;
	if (mmc_parse_configuration(buf, (size_t)n, cfg) < 0)
		return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
				      "GET CONFIGURATION returned %d bytes; the header needs 8", n);
	return 0;
}

int
recorder_codes(struct recorder *r, enum recorder_list list, bool current_only,
	       struct recorder_code *out, size_t max, struct burn_error *err)
{
	bool features = list == RECORDER_FEATURES;
	const char *(*name_of)(uint16_t) = features ? mmc_feature_name : mmc_profile_name;
	const struct mmc_code *codes;
	struct mmc_config cfg;
	size_t n, count = 0;
	int ret = recorder_get_configuration(r, current_only ? 1 : 0, &cfg, err);

	if (ret < 0)
		return ret;
	codes = features ? cfg.features : cfg.profiles;
	n = features ? cfg.n_features : cfg.n_profiles;
	for (size_t i = 0; i < n && count < max; i++) {
		const char *name = name_of(codes[i].code);

		if (current_only && !codes[i].current)
			continue;
		out[count++] = (struct recorder_code){ codes[i].code, name ? name : "unknown" };
	}
	return (int)count;
}

/*
 * What a reply parser returned (@n): kept when it is a count or 0, else an
 * unexpected response, described by @why (a constant), set in @err.
 */
static int
parsed(int n, const char *why, struct burn_error *err)
{
	if (n < 0)
		return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE, "%s", why);
	return n;
}

struct mode_arg {
	uint8_t page;
	uint8_t pc;
};

static void
build_mode_sense(struct mmc_cmd *cmd, void *buf, uint16_t len, void *arg)
{
	const struct mode_arg *a = arg;

	mmc_build_mode_sense10(cmd, a->page, a->pc, buf, len);
}

int
recorder_mode_pages(struct recorder *r, uint8_t *pages, size_t max, struct burn_error *err)
{
	struct mode_arg a = { 0x3f, 0 };
	uint8_t buf[1024];
	int n = recorder_read_reply(r, build_mode_sense, &a, buf, sizeof(buf), err);

	if (n < 0)
		return n;
	return parsed(mmc_parse_mode_pages(buf, (size_t)n, pages, max),
		      "MODE SENSE(10) page 3Fh: reply shorter than its header", err);
}

int
recorder_page2a(struct recorder *r, struct mmc_page2a *p, struct burn_error *err)
{
	struct mode_arg a = { 0x2a, 0 };
	uint8_t buf[512];
	int n = recorder_read_reply(r, build_mode_sense, &a, buf, sizeof(buf), err);

	if (n < 0)
		return n;
	return parsed(mmc_parse_page2a(buf, (size_t)n, p),
		      "MODE SENSE(10) page 2Ah: the page is missing or cut short", err);
}

static void
build_disc_info(struct mmc_cmd *cmd, void *buf, uint16_t len, void *arg)
{
	(void)arg;
	mmc_build_read_disc_info(cmd, buf, len);
}

static void
build_atip(struct mmc_cmd *cmd, void *buf, uint16_t len, void *arg)
{
	(void)arg;
	mmc_build_read_toc(cmd, 4, true, 0, buf, len);
}

int
recorder_media(struct recorder *r, struct recorder_media *m, struct burn_error *err)
{
	struct mmc_disc_info di;
	struct mmc_config cfg;
	struct mmc_cmd cmd;
	uint8_t buf[256];
	int ret, n;

	memset(m, 0, sizeof(*m));
	m->type = "none";
	mmc_build_test_unit_ready(&cmd);
	ret = recorder_exec(r, &cmd, err);
	if (ret == -ENOMEDIUM)
		return 0;
	if (ret < 0)
		return ret;
	ret = recorder_get_configuration(r, 1, &cfg, err);
	if (ret < 0)
		return ret;
	m->profile = cfg.current_profile;
	switch (m->profile) {
	case MMC_PROFILE_NONE:
		return 0;
	case MMC_PROFILE_CDROM:
		m->type = "cdrom";
		break;
	case MMC_PROFILE_CDR:
		m->type = "cdr";
		break;
	case MMC_PROFILE_CDRW:
		m->type = "cdrw";
		break;
	default:
		m->type = "other";
		break;
	}
	m->present = true;
	n = recorder_read_reply(r, build_disc_info, NULL, buf, sizeof(buf), err);
	if (n < 0)
		return n;
	if (mmc_parse_disc_info(buf, (size_t)n, &di) < 0)
		return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
				      "READ DISC INFORMATION returned %d bytes; 24 are needed", n);
	m->blank = di.status == MMC_DISC_EMPTY;
	m->erasable = di.erasable;
	m->status = di.status;
	if (di.status != MMC_DISC_COMPLETE) {
		m->have_next_session = di.leadin_valid;
		m->start_of_next_session = di.leadin_start;
		m->have_leadout = di.leadout_valid;
		m->last_possible_leadout = di.last_leadout;
	}
	if (m->blank && (!m->have_next_session || !m->have_leadout)) {
		/* drives that leave the disc-info addresses empty: ask the ATIP */
		struct mmc_atip atip;

		n = recorder_read_reply(r, build_atip, NULL, buf, sizeof(buf), err);
		if (n >= 0 && mmc_parse_atip(buf, (size_t)n, &atip) == 0) {
			m->have_next_session = m->have_leadout = true;
			m->start_of_next_session = atip.leadin_start;
			m->last_possible_leadout = atip.last_leadout;
		}
	}
	return 0;
}

int
recorder_acquire(struct recorder *r, const char *client_name, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&r->mu);
	if (r->lock_count == 0)
		ret = r->t->ops->lock(r->t, client_name, err);
	if (ret == 0)
		r->lock_count++;
	pthread_mutex_unlock(&r->mu);
	return ret;
}

int
recorder_release(struct recorder *r, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&r->mu);
	if (r->lock_count == 0)
		ret = burn_error_set(err, BURN_E_FAIL, "exclusive access is not held");
	else if (--r->lock_count == 0)
		r->t->ops->unlock(r->t);
	pthread_mutex_unlock(&r->mu);
	return ret;
}

unsigned
recorder_lock_count(struct recorder *r)
{
	unsigned n;

	pthread_mutex_lock(&r->mu);
	n = r->lock_count;
	pthread_mutex_unlock(&r->mu);
	return n;
}

int
recorder_owner(struct recorder *r, char *buf, size_t size, struct burn_error *err)
{
	int ret = r->t->ops->owner(r->t, buf, size);

	if (ret < 0)
		return burn_error_set(err, BURN_E_FAIL, "cannot tell who holds %s: %s",
				      r->t->device, strerror(-ret));
	return ret;
}

/* Refuses tray motion while another client holds the drive. */
static int
check_not_locked_by_other(struct recorder *r, const char *what, struct burn_error *err)
{
	char holder[128];

	if (recorder_lock_count(r) > 0)
		return 0;
	if (recorder_owner(r, holder, sizeof(holder), err) < 0)
		return -EIO;
	if (holder[0])
		return burn_error_set(err, BURN_E_RECORDER_LOCKED,
				      "cannot %s: the recorder is held exclusively by %s", what,
				      holder);
	return 0;
}

/* START STOP UNIT with LoEj: @load closes the tray, else it opens. */
static int
tray_move(struct recorder *r, bool load, struct burn_error *err)
{
	struct mmc_cmd cmd;
	int ret = check_not_locked_by_other(r, load ? "load" : "eject", err);

	if (ret < 0)
		return ret;
	mmc_build_start_stop(&cmd, true, load, false);
	return recorder_exec(r, &cmd, err);
}

int
recorder_eject(struct recorder *r, struct burn_error *err)
{
	return tray_move(r, false, err);
}

int
recorder_load(struct recorder *r, struct burn_error *err)
{
	return tray_move(r, true, err);
}

int
recorder_prevent(struct recorder *r, bool prevent, struct burn_error *err)
{
	struct mmc_cmd cmd;

	mmc_build_prevent_allow(&cmd, prevent);
	return recorder_exec(r, &cmd, err);
}

static void
build_perf(struct mmc_cmd *cmd, void *buf, uint16_t len, void *arg)
{
	(void)arg;
	mmc_build_get_performance_write_speeds(cmd, (uint16_t)(len > 8 ? (len - 8) / 16 : 0), buf,
					       len);
}

int
recorder_write_speeds(struct recorder *r, uint16_t *kbs, size_t max, struct burn_error *err)
{
	uint8_t buf[8 + 16 * 32];
	int n = recorder_read_reply(r, build_perf, NULL, buf, sizeof(buf), err);

	if (n < 0)
		return n;
	return parsed(mmc_parse_write_speeds(buf, (size_t)n, kbs, max),
		      "GET PERFORMANCE returned less than its 8-byte header", err);
}

int
recorder_can_load_media(struct recorder *r, struct burn_error *err)
{
	struct mmc_config cfg;
	int ret = recorder_get_configuration(r, 0, &cfg, err);

	if (ret < 0)
		return ret;
	/* a tray or pop-up that can close itself; caddies and slots cannot */
	return cfg.removable && cfg.can_load &&
	       (cfg.loading_mechanism == 1 || cfg.loading_mechanism == 2);
}

const char *
recorder_mode_page_name(uint8_t page)
{
	switch (page) {
	case 0x01: return "read-write-error-recovery";
	case 0x05: return "write-parameters";
	case 0x08: return "caching";
	case 0x0d: return "cd-device-parameters";
	case 0x0e: return "cd-audio-control";
	case 0x1a: return "power-condition";
	case 0x1c: return "informational-exceptions";
	case 0x1d: return "timeout-and-protect";
	case 0x2a: return "capabilities";
	default: return "unknown";
	}
}

int
recorder_data_room(struct recorder *r, uint64_t *blocks, struct burn_error *err)
{
	struct recorder_media m;
	int ret = recorder_media(r, &m, err);

	if (ret < 0)
		return ret;
	/* LBA 0 is the first sector after track 1's pregap: the lead-out's LBA counts the room */
	*blocks = m.present && m.blank && m.have_leadout && m.last_possible_leadout > 0
			  ? (uint64_t)m.last_possible_leadout
			  : 0;
	return 0;
}
