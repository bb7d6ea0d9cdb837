#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cd.h"
#include "mmc.h"

/* ---- builders ---- */

static void
cmd_init(struct mmc_cmd *cmd, uint8_t op, uint8_t cdb_len, enum mmc_dir dir, void *buf,
	 size_t len)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->cdb[0] = op;
	cmd->cdb_len = cdb_len;
	cmd->dir = dir;
	cmd->buf = buf;
	cmd->len = buf ? len : 0;
	cmd->timeout_ms = MMC_TIMEOUT_DEFAULT_MS;
	cmd->timeout_why = "plain command";
}

void
mmc_build_test_unit_ready(struct mmc_cmd *cmd)
{
	cmd_init(cmd, MMC_TEST_UNIT_READY, 6, MMC_DIR_NONE, NULL, 0);
}

void
mmc_build_request_sense(struct mmc_cmd *cmd, void *buf, uint8_t len)
{
	cmd_init(cmd, MMC_REQUEST_SENSE, 6, MMC_DIR_IN, buf, len);
	cmd->cdb[4] = len;
}

void
mmc_build_inquiry(struct mmc_cmd *cmd, void *buf, uint8_t len)
{
	cmd_init(cmd, MMC_INQUIRY, 6, MMC_DIR_IN, buf, len);
	cmd->cdb[4] = len;
}

void
mmc_build_start_stop(struct mmc_cmd *cmd, bool load_eject, bool start, bool immed)
{
	cmd_init(cmd, MMC_START_STOP_UNIT, 6, MMC_DIR_NONE, NULL, 0);
	cmd->cdb[1] = immed ? 0x01 : 0x00;
	cmd->cdb[4] = (uint8_t)((load_eject ? 0x02 : 0) | (start ? 0x01 : 0));
	cmd->timeout_ms = MMC_TIMEOUT_LOAD_MS;
	cmd->timeout_why = "tray motion and spin-up";
}

void
mmc_build_prevent_allow(struct mmc_cmd *cmd, bool prevent)
{
	cmd_init(cmd, MMC_PREVENT_ALLOW, 6, MMC_DIR_NONE, NULL, 0);
	cmd->cdb[4] = prevent ? 0x01 : 0x00;
}

void
mmc_build_get_configuration(struct mmc_cmd *cmd, uint8_t rt, uint16_t start, void *buf,
			    uint16_t len)
{
	cmd_init(cmd, MMC_GET_CONFIGURATION, 10, MMC_DIR_IN, buf, len);
	cmd->cdb[1] = rt & 0x03;
	mmc_put16(&cmd->cdb[2], start);
	mmc_put16(&cmd->cdb[7], len);
}

void
mmc_build_get_event_status(struct mmc_cmd *cmd, uint8_t class_mask, void *buf, uint16_t len)
{
	cmd_init(cmd, MMC_GET_EVENT_STATUS, 10, MMC_DIR_IN, buf, len);
	cmd->cdb[1] = 0x01;	/* polled: the only mode a host without AEN can use */
	cmd->cdb[4] = class_mask;
	mmc_put16(&cmd->cdb[7], len);
}

void
mmc_build_mode_sense10(struct mmc_cmd *cmd, uint8_t page, uint8_t pc, void *buf, uint16_t len)
{
	cmd_init(cmd, MMC_MODE_SENSE_10, 10, MMC_DIR_IN, buf, len);
	cmd->cdb[1] = 0x08;	/* DBD: MMC drives have no block descriptors to give */
	cmd->cdb[2] = (uint8_t)((pc & 0x03) << 6 | (page & 0x3f));
	mmc_put16(&cmd->cdb[7], len);
}

void
mmc_build_mode_select10(struct mmc_cmd *cmd, void *buf, uint16_t len)
{
	cmd_init(cmd, MMC_MODE_SELECT_10, 10, MMC_DIR_OUT, buf, len);
	cmd->cdb[1] = 0x10;	/* PF=1, SP=0 */
	mmc_put16(&cmd->cdb[7], len);
}

void
mmc_build_read_disc_info(struct mmc_cmd *cmd, void *buf, uint16_t len)
{
	cmd_init(cmd, MMC_READ_DISC_INFO, 10, MMC_DIR_IN, buf, len);
	mmc_put16(&cmd->cdb[7], len);
}

void
mmc_build_read_toc(struct mmc_cmd *cmd, uint8_t format, bool msf, uint8_t track, void *buf,
		   uint16_t len)
{
	cmd_init(cmd, MMC_READ_TOC, 10, MMC_DIR_IN, buf, len);
	cmd->cdb[1] = msf ? 0x02 : 0x00;
	cmd->cdb[2] = format & 0x0f;
	cmd->cdb[6] = track;
	mmc_put16(&cmd->cdb[7], len);
}

void
mmc_build_read_track_info(struct mmc_cmd *cmd, uint8_t addr_type, uint32_t value, void *buf,
			  uint16_t len)
{
	cmd_init(cmd, MMC_READ_TRACK_INFO, 10, MMC_DIR_IN, buf, len);
	cmd->cdb[1] = addr_type & 0x03;
	mmc_put32(&cmd->cdb[2], value);
	mmc_put16(&cmd->cdb[7], len);
}

void
mmc_build_get_performance_write_speeds(struct mmc_cmd *cmd, uint16_t max_desc, void *buf,
				       uint32_t len)
{
	cmd_init(cmd, MMC_GET_PERFORMANCE, 12, MMC_DIR_IN, buf, len);
	mmc_put16(&cmd->cdb[8], max_desc);
	cmd->cdb[10] = 0x03;	/* type: write speed descriptors */
}

void
mmc_build_set_cd_speed(struct mmc_cmd *cmd, uint16_t read_kbs, uint16_t write_kbs,
		       uint8_t rotation)
{
	cmd_init(cmd, MMC_SET_CD_SPEED, 12, MMC_DIR_NONE, NULL, 0);
	cmd->cdb[1] = rotation & 0x03;
	mmc_put16(&cmd->cdb[2], read_kbs);
	mmc_put16(&cmd->cdb[4], write_kbs);
}

void
mmc_build_blank(struct mmc_cmd *cmd, uint8_t type, bool immed)
{
	cmd_init(cmd, MMC_BLANK, 12, MMC_DIR_NONE, NULL, 0);
	cmd->cdb[1] = (uint8_t)((immed ? 0x10 : 0) | (type & 0x07));
	cmd->timeout_ms = immed ? MMC_TIMEOUT_DEFAULT_MS : MMC_TIMEOUT_LONG_MS;
	cmd->timeout_why = immed ? "BLANK with IMMED returns at once" : "full blank of a CD-RW";
}

void
mmc_build_synchronize_cache(struct mmc_cmd *cmd, bool immed)
{
	cmd_init(cmd, MMC_SYNCHRONIZE_CACHE, 10, MMC_DIR_NONE, NULL, 0);
	cmd->cdb[1] = immed ? 0x02 : 0x00;
	cmd->timeout_ms = immed ? MMC_TIMEOUT_DEFAULT_MS : MMC_TIMEOUT_LONG_MS;
	cmd->timeout_why = immed ? "SYNCHRONIZE CACHE with IMMED returns at once"
				 : "flushing the drive buffer and writing the lead-out";
}

void
mmc_build_close_track_session(struct mmc_cmd *cmd, uint8_t function, uint16_t track, bool immed)
{
	cmd_init(cmd, MMC_CLOSE_TRACK_SESSION, 10, MMC_DIR_NONE, NULL, 0);
	cmd->cdb[1] = immed ? 0x01 : 0x00;
	cmd->cdb[2] = function & 0x07;
	mmc_put16(&cmd->cdb[4], track);
	cmd->timeout_ms = immed ? MMC_TIMEOUT_DEFAULT_MS : MMC_TIMEOUT_LONG_MS;
	cmd->timeout_why = immed ? "CLOSE TRACK/SESSION with IMMED returns at once"
				 : "writing a run-out, or a session's lead-in and lead-out";
}

void
mmc_build_reserve_track(struct mmc_cmd *cmd, uint32_t blocks)
{
	cmd_init(cmd, MMC_RESERVE_TRACK, 10, MMC_DIR_NONE, NULL, 0);
	mmc_put32(&cmd->cdb[5], blocks);
}

void
mmc_build_write10(struct mmc_cmd *cmd, int32_t lba, uint16_t blocks, const void *buf, size_t len)
{
	cmd_init(cmd, MMC_WRITE_10, 10, MMC_DIR_OUT, (void *)buf, len);
	mmc_put32(&cmd->cdb[2], (uint32_t)lba);
	mmc_put16(&cmd->cdb[7], blocks);
	cmd->timeout_ms = MMC_TIMEOUT_WRITE_MS;
	cmd->timeout_why = "waiting for room in the drive buffer";
}

void
mmc_build_read_buffer_capacity(struct mmc_cmd *cmd, void *buf, uint16_t len)
{
	cmd_init(cmd, MMC_READ_BUFFER_CAPACITY, 10, MMC_DIR_IN, buf, len);
	mmc_put16(&cmd->cdb[7], len);
}

size_t
mmc_reply_length(uint8_t op, const uint8_t *buf, size_t n)
{
	switch (op) {
	case MMC_GET_CONFIGURATION:
	case MMC_GET_PERFORMANCE:
		return n >= 4 ? (size_t)mmc_get32(buf) + 4 : 0;
	case MMC_MODE_SENSE_10:
	case MMC_READ_DISC_INFO:
	case MMC_READ_TOC:
	case MMC_READ_TRACK_INFO:
	case MMC_GET_EVENT_STATUS:
		return n >= 2 ? (size_t)mmc_get16(buf) + 2 : 0;
	case MMC_INQUIRY:
		return n >= 5 ? (size_t)buf[4] + 5 : 0;
	default:
		return 0;
	}
}

/*
 * Where a reply to @op ends: at the length its header announces, but never
 * beyond the @n bytes received.
 */
static size_t
reply_end(uint8_t op, const uint8_t *buf, size_t n)
{
	size_t end = mmc_reply_length(op, buf, n);

	return end < n ? end : n;
}

/* ---- sense ---- */

int
mmc_sense_parse(const uint8_t *sense, size_t n, struct mmc_sense *out)
{
	uint8_t code;

	memset(out, 0, sizeof(*out));
	if (n < 1)
		return -EPROTO;
	code = sense[0] & 0x7f;
	if (code == 0x70 || code == 0x71) {
		if (n < 3)
			return -EPROTO;
		out->key = sense[2] & 0x0f;
		if (n >= 14) {
			out->asc = sense[12];
			out->ascq = sense[13];
		}
		if (n >= 18 && (sense[15] & 0x80)) {
			out->has_progress = true;
			out->progress = mmc_get16(&sense[16]);
		}
		return 0;
	}
	if (code == 0x72 || code == 0x73) {
		if (n < 4)
			return -EPROTO;
		out->key = sense[1] & 0x0f;
		out->asc = sense[2];
		out->ascq = sense[3];
		return 0;
	}
	return -EPROTO;
}

static const char *const sense_keys[16] = {
	"No sense", "Recovered error", "Not ready", "Medium error",
	"Hardware error", "Illegal request", "Unit attention", "Data protect",
	"Blank check", "Vendor specific", "Copy aborted", "Aborted command",
	"Equal", "Volume overflow", "Miscompare", "Reserved",
};

const char *
mmc_sense_key_text(uint8_t key)
{
	return sense_keys[key & 0x0f];
}

struct asc_text {
	uint8_t asc;
	int ascq;	/* -1 matches any qualifier */
	const char *text;
};

static const struct asc_text asc_texts[] = {
	{ 0x00, 0x00, "no additional sense information" },
	{ 0x04, 0x01, "logical unit is becoming ready" },
	{ 0x04, 0x04, "format in progress" },
	{ 0x04, 0x07, "operation in progress" },
	{ 0x04, 0x08, "long write in progress" },
	{ 0x04, -1, "logical unit not ready" },
	{ 0x0c, 0x00, "write error" },
	{ 0x0c, 0x09, "write error: loss of streaming" },
	{ 0x0c, 0x0a, "write error: padding blocks added" },
	{ 0x0c, -1, "write error" },
	{ 0x11, 0x05, "L-EC uncorrectable error" },
	{ 0x11, -1, "unrecovered read error" },
	{ 0x1a, 0x00, "parameter list length error" },
	{ 0x20, 0x00, "invalid command operation code" },
	{ 0x21, 0x00, "logical block address out of range" },
	{ 0x21, 0x02, "invalid address for write" },
	{ 0x24, 0x00, "invalid field in CDB" },
	{ 0x26, 0x00, "invalid field in parameter list" },
	{ 0x27, -1, "write protected" },
	{ 0x28, 0x00, "medium may have changed" },
	{ 0x29, -1, "power on, reset or bus device reset occurred" },
	{ 0x2c, 0x00, "command sequence error" },
	{ 0x30, 0x00, "incompatible medium installed" },
	{ 0x30, 0x05, "cannot write medium: incompatible format" },
	{ 0x30, -1, "incompatible medium" },
	{ 0x39, 0x00, "saving parameters not supported" },
	{ 0x3a, 0x01, "medium not present: tray closed" },
	{ 0x3a, 0x02, "medium not present: tray open" },
	{ 0x3a, -1, "medium not present" },
	{ 0x53, 0x02, "medium removal prevented" },
	{ 0x64, 0x00, "illegal mode for this track" },
	{ 0x72, 0x00, "session fixation error" },
	{ 0x72, 0x01, "session fixation error writing lead-in" },
	{ 0x72, 0x02, "session fixation error writing lead-out" },
	{ 0x73, 0x02, "power calibration area is full" },
};

int
mmc_sense_describe(const struct mmc_sense *s, char *buf, size_t size)
{
	const char *text = NULL;

	for (size_t i = 0; i < sizeof(asc_texts) / sizeof(asc_texts[0]); i++) {
		if (asc_texts[i].asc == s->asc &&
		    (asc_texts[i].ascq == -1 || asc_texts[i].ascq == s->ascq)) {
			text = asc_texts[i].text;
			break;
		}
	}
	if (text)
		return snprintf(buf, size, "[%X %02X %02X] %s: %s", s->key, s->asc, s->ascq,
				mmc_sense_key_text(s->key), text);
	return snprintf(buf, size, "[%X %02X %02X] %s: additional sense code %02Xh/%02Xh", s->key,
			s->asc, s->ascq, mmc_sense_key_text(s->key), s->asc, s->ascq);
}

void
mmc_sense_build(uint8_t out[18], uint8_t key, uint8_t asc, uint8_t ascq)
{
	memset(out, 0, 18);
	out[0] = 0x70;
	out[2] = key & 0x0f;
	out[7] = 10;
	out[12] = asc;
	out[13] = ascq;
}

/* ---- INQUIRY ---- */

static void
copy_ascii(char *dst, const uint8_t *src, size_t n)
{
	size_t end;

	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	end = n;
	while (end > 0 && dst[end - 1] == ' ')
		end--;
	dst[end] = '\0';
	/* leading blanks as well: some drives right-align their strings */
	while (dst[0] == ' ')
		memmove(dst, dst + 1, strlen(dst));
}

int
mmc_parse_inquiry(const uint8_t *buf, size_t n, struct mmc_inquiry *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 36)
		return -EPROTO;
	out->device_type = buf[0] & 0x1f;
	out->removable = buf[1] & 0x80;
	copy_ascii(out->vendor, buf + 8, 8);
	copy_ascii(out->product, buf + 16, 16);
	copy_ascii(out->revision, buf + 32, 4);
	return 0;
}

/* ---- GET CONFIGURATION ---- */

int
mmc_parse_configuration(const uint8_t *buf, size_t n, struct mmc_config *out)
{
	size_t end, off;

	memset(out, 0, sizeof(*out));
	if (n < 8)
		return -EPROTO;
	end = reply_end(MMC_GET_CONFIGURATION, buf, n);
	out->current_profile = mmc_get16(buf + 6);
	for (off = 8; off + 4 <= end;) {
		uint16_t code = mmc_get16(buf + off);
		bool current = buf[off + 2] & 0x01;
		size_t add = buf[off + 3];
		const uint8_t *d = buf + off + 4;

		if (off + 4 + add > end)
			break;	/* a descriptor cut short by the reply: ignore it */
		if (out->n_features < MMC_MAX_FEATURES)
			out->features[out->n_features++] = (struct mmc_code){ code, current };
		switch (code) {
		case MMC_FEATURE_PROFILE_LIST:
			for (size_t i = 0; i + 4 <= add && out->n_profiles < MMC_MAX_PROFILES; i += 4)
				out->profiles[out->n_profiles++] =
					(struct mmc_code){ mmc_get16(d + i), d[i + 2] & 0x01 };
			break;
		case MMC_FEATURE_REMOVABLE_MEDIUM:
			if (add >= 1) {
				out->removable = true;
				out->loading_mechanism = d[0] >> 5;
				out->can_eject = d[0] & 0x08;
				out->can_load = d[0] & 0x10;
			}
			break;
		case MMC_FEATURE_CD_MASTERING:
			if (add >= 1) {
				out->mastering = true;
				out->buf = d[0] & 0x40;
				out->sao = d[0] & 0x20;
				out->raw_ms = d[0] & 0x10;
				out->raw = d[0] & 0x08;
				out->test_write = d[0] & 0x04;
				out->cd_rw = d[0] & 0x02;
				out->rw_subcode = d[0] & 0x01;
			}
			break;
		default:
			break;
		}
		off += 4 + add;
	}
	return 0;
}

const char *
mmc_profile_name(uint16_t profile)
{
	switch (profile) {
	case 0x0001: return "non-removable-disk";
	case 0x0002: return "removable-disk";
	case 0x0008: return "cd-rom";
	case 0x0009: return "cd-r";
	case 0x000a: return "cd-rw";
	case 0x0010: return "dvd-rom";
	case 0x0011: return "dvd-r";
	case 0x0012: return "dvd-ram";
	case 0x0013: return "dvd-rw-restricted-overwrite";
	case 0x0014: return "dvd-rw-sequential";
	case 0x001a: return "dvd+rw";
	case 0x001b: return "dvd+r";
	case 0x0040: return "bd-rom";
	case 0x0041: return "bd-r-sequential";
	case 0x0043: return "bd-re";
	default: return NULL;
	}
}

const char *
mmc_feature_name(uint16_t feature)
{
	switch (feature) {
	case 0x0000: return "profile-list";
	case 0x0001: return "core";
	case 0x0002: return "morphing";
	case 0x0003: return "removable-medium";
	case 0x0010: return "random-readable";
	case 0x001d: return "multi-read";
	case 0x001e: return "cd-read";
	case 0x0021: return "incremental-streaming-writable";
	case 0x002d: return "cd-track-at-once";
	case 0x002e: return "cd-mastering";
	case 0x0100: return "power-management";
	case 0x0105: return "timeout";
	case 0x0107: return "real-time-streaming";
	default: return NULL;
	}
}

/* ---- MODE SENSE / SELECT ---- */

size_t
mmc_mode_first_page(const uint8_t *buf, size_t n)
{
	size_t off;

	if (n < MMC_MODE_HEADER_LEN)
		return 0;
	off = MMC_MODE_HEADER_LEN + mmc_get16(buf + 6);
	return off < n ? off : 0;
}

int
mmc_parse_mode_pages(const uint8_t *buf, size_t n, uint8_t *pages, size_t max)
{
	size_t end, off = mmc_mode_first_page(buf, n);
	int count = 0;

	if (!off)
		return n >= MMC_MODE_HEADER_LEN ? 0 : -EPROTO;
	end = reply_end(MMC_MODE_SENSE_10, buf, n);
	while (off + 2 <= end) {
		size_t len = buf[off + 1];

		if ((size_t)count < max)
			pages[count] = buf[off] & 0x3f;
		count++;
		off += 2 + len;
	}
	return count < (int)max ? count : (int)max;
}

/* Finds page @code in a MODE SENSE(10) reply; returns its offset, 0 if absent. */
static size_t
find_page(const uint8_t *buf, size_t n, uint8_t code, size_t min_len)
{
	size_t end, off = mmc_mode_first_page(buf, n);

	if (!off)
		return 0;
	end = reply_end(MMC_MODE_SENSE_10, buf, n);
	while (off + 2 <= end) {
		size_t len = buf[off + 1];

		if ((buf[off] & 0x3f) == code)
			return off + 2 + len <= end && 2 + len >= min_len ? off : 0;
		off += 2 + len;
	}
	return 0;
}

int
mmc_parse_page05(const uint8_t *buf, size_t n, struct mmc_page05 *out)
{
	size_t off = find_page(buf, n, 0x05, 16);
	const uint8_t *p;

	memset(out, 0, sizeof(*out));
	if (!off)
		return -EPROTO;
	p = buf + off;
	out->bufe = p[2] & 0x40;
	out->test_write = p[2] & 0x10;
	out->write_type = p[2] & 0x0f;
	out->multi_session = p[3] >> 6;
	out->track_mode = p[3] & 0x0f;
	out->data_block_type = p[4] & 0x0f;
	out->session_format = p[8];
	out->audio_pause = mmc_get16(p + 14);
	return 0;
}

size_t
mmc_build_page05(const struct mmc_page05 *p, const uint8_t *cur, size_t cur_len, uint8_t *out)
{
	uint8_t *pg = out + MMC_MODE_HEADER_LEN;

	memset(out, 0, MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN);
	if (cur && cur_len > MMC_PAGE05_LEN)
		cur_len = MMC_PAGE05_LEN;
	if (cur)
		memcpy(pg, cur, cur_len);
	pg[0] = 0x05;	/* PS must be 0 in MODE SELECT */
	pg[1] = MMC_PAGE05_LEN - 2;
	pg[2] = (uint8_t)((pg[2] & 0xa0) | (p->bufe ? 0x40 : 0) | (p->test_write ? 0x10 : 0) |
			  (p->write_type & 0x0f));
	pg[3] = (uint8_t)((pg[3] & 0x30) | (p->multi_session & 0x03) << 6 | (p->track_mode & 0x0f));
	pg[4] = (uint8_t)((pg[4] & 0xf0) | (p->data_block_type & 0x0f));
	pg[8] = p->session_format;
	mmc_put16(pg + 14, p->audio_pause);
	return MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN;
}

int
mmc_parse_page2a(const uint8_t *buf, size_t n, struct mmc_page2a *out)
{
	size_t off = find_page(buf, n, 0x2a, 20);
	const uint8_t *p;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (!off)
		return -EPROTO;
	p = buf + off;
	len = (size_t)p[1] + 2;
	out->cdr_write = p[3] & 0x01;
	out->cdrw_write = p[3] & 0x02;
	out->test_write = p[3] & 0x04;
	out->buf = p[4] & 0x80;
	out->loading_type = p[6] >> 5;
	out->eject = p[6] & 0x08;
	out->lock_state = p[6] & 0x02;
	out->buffer_kb = mmc_get16(p + 12);
	if (len >= 32) {
		size_t count = mmc_get16(p + 30);

		out->rotation = p[27] & 0x03;
		out->current_write_kbs = mmc_get16(p + 28);
		for (size_t i = 0; i < count && 32 + 4 * i + 4 <= len &&
				   out->n_write_speeds < MMC_MAX_SPEEDS; i++)
			out->write_speeds_kbs[out->n_write_speeds++] = mmc_get16(p + 32 + 4 * i + 2);
	} else if (len >= 22) {
		out->current_write_kbs = mmc_get16(p + 20);	/* MMC-2 field, obsolete later */
	}
	return 0;
}

/* ---- READ DISC INFORMATION / ATIP ---- */

static bool
msf_field(const uint8_t *p, int32_t *lba)
{
	/* 00 M S F, binary; FF FF FF (FF) means "not applicable" */
	if (p[1] == 0xff && p[2] == 0xff && p[3] == 0xff)
		return false;
	if (p[2] >= 60 || p[3] >= 75)
		return false;
	*lba = cd_msf_to_lba(p[1], p[2], p[3]);
	return true;
}

int
mmc_parse_disc_info(const uint8_t *buf, size_t n, struct mmc_disc_info *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 24 || mmc_reply_length(MMC_READ_DISC_INFO, buf, n) < 24)
		return -EPROTO;
	out->erasable = buf[2] & 0x10;
	out->last_session_state = (buf[2] >> 2) & 0x03;
	out->status = (enum mmc_disc_status)(buf[2] & 0x03);
	out->first_track = buf[3];
	out->sessions = (uint16_t)(buf[9] << 8 | buf[4]);
	out->disc_type = buf[8];
	out->leadin_valid = msf_field(buf + 16, &out->leadin_start);
	out->leadout_valid = msf_field(buf + 20, &out->last_leadout);
	return 0;
}

int
mmc_parse_atip(const uint8_t *buf, size_t n, struct mmc_atip *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 15 || mmc_reply_length(MMC_READ_TOC, buf, n) < 15)
		return -EPROTO;
	out->cd_rw = buf[6] & 0x40;
	out->sub_type = (buf[6] >> 3) & 0x07;
	if (buf[9] >= 60 || buf[10] >= 75 || buf[13] >= 60 || buf[14] >= 75)
		return -EPROTO;
	out->leadin_start = cd_msf_to_lba(buf[8], buf[9], buf[10]);
	out->last_leadout = cd_msf_to_lba(buf[12], buf[13], buf[14]);
	return 0;
}

/* ---- READ TOC ---- */

int
mmc_parse_toc(const uint8_t *buf, size_t n, struct mmc_toc *out)
{
	size_t end;

	memset(out, 0, sizeof(*out));
	if (n < 4)
		return -EPROTO;
	end = reply_end(MMC_READ_TOC, buf, n);
	out->first_track = buf[2];
	out->last_track = buf[3];
	for (size_t off = 4; off + 8 <= end && out->n_entries < MMC_MAX_TOC + 1; off += 8) {
		struct mmc_toc_entry *e = &out->entries[out->n_entries++];

		e->adr = buf[off + 1] >> 4;
		e->control = buf[off + 1] & 0x0f;
		e->track = buf[off + 2];
		e->lba = (int32_t)mmc_get32(buf + off + 4);
	}
	return 0;
}

/* ---- READ TRACK INFORMATION ---- */

int
mmc_parse_track_info(const uint8_t *buf, size_t n, struct mmc_track_info *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 28 || mmc_reply_length(MMC_READ_TRACK_INFO, buf, n) < 28)
		return -EPROTO;
	out->track = buf[2];
	out->session = buf[3];
	if (n >= 34) {
		out->track |= (uint16_t)(buf[32] << 8);
		out->session |= (uint16_t)(buf[33] << 8);
	}
	out->track_mode = buf[5] & 0x0f;
	out->blank = buf[6] & 0x40;
	out->nwa_valid = buf[7] & 0x01;
	out->start = (int32_t)mmc_get32(buf + 8);
	out->nwa = (int32_t)mmc_get32(buf + 12);
	out->free_blocks = mmc_get32(buf + 16);
	out->size = mmc_get32(buf + 24);
	return 0;
}

/* ---- GET PERFORMANCE ---- */

int
mmc_parse_write_speeds(const uint8_t *buf, size_t n, uint16_t *kbs, size_t max)
{
	size_t end;
	int count = 0;

	if (n < 8)
		return -EPROTO;
	end = reply_end(MMC_GET_PERFORMANCE, buf, n);
	for (size_t off = 8; off + 16 <= end; off += 16) {
		uint32_t w = mmc_get32(buf + off + 12);
		int pos;

		if (w == 0 || w > 0xffff)
			continue;	/* nonsense from the drive */
		for (pos = 0; pos < count && kbs[pos] < w; pos++)
			;
		if (pos < count && kbs[pos] == w)
			continue;
		if ((size_t)count == max)
			continue;
		memmove(kbs + pos + 1, kbs + pos, (size_t)(count - pos) * sizeof(*kbs));
		kbs[pos] = (uint16_t)w;
		count++;
	}
	return count;
}

/* ---- GET EVENT STATUS NOTIFICATION ---- */

int
mmc_parse_media_event(const uint8_t *buf, size_t n, struct mmc_media_event *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 4)
		return -EPROTO;
	out->no_event_available = buf[2] & 0x80;
	if (out->no_event_available)
		return 0;
	if ((buf[2] & 0x07) != 4 || n < 8 || mmc_reply_length(MMC_GET_EVENT_STATUS, buf, n) < 8)
		return -EPROTO;
	out->event = buf[4] & 0x0f;
	out->present = buf[5] & 0x02;
	out->tray_open = buf[5] & 0x01;
	return 0;
}
