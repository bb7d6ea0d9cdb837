/*
 * MMC commands: CDB builders and reply parsers (doc/reference/mmc.md).
 *
 * Everything here is pure: builders fill a struct mmc_cmd, parsers read a
 * reply buffer. Parsers distrust the drive: they take the number of bytes
 * actually transferred, clamp every announced length to it, and report
 * -EPROTO (with nothing filled in beyond what was valid) when a reply is too
 * short for the fields asked for.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mmc_dir {
	MMC_DIR_NONE,
	MMC_DIR_IN,	/* data from the device */
	MMC_DIR_OUT,	/* data to the device */
};

#define MMC_SENSE_MAX 32

/*
 * One command in flight. The caller owns @buf; the transport fills @xfer
 * (bytes actually moved), @status and, on CHECK CONDITION, @sense.
 */
struct mmc_cmd {
	uint8_t cdb[16];
	uint8_t cdb_len;
	enum mmc_dir dir;
	void *buf;
	size_t len;
	size_t xfer;
	unsigned timeout_ms;
	const char *timeout_why;	/* why this timeout, for diagnostics */
	uint8_t status;			/* SCSI status: 0 GOOD, 2 CHECK CONDITION */
	uint8_t sense[MMC_SENSE_MAX];
	size_t sense_len;
};

#define MMC_STATUS_GOOD 0x00
#define MMC_STATUS_CHECK_CONDITION 0x02

enum mmc_opcode {
	MMC_TEST_UNIT_READY = 0x00,
	MMC_REQUEST_SENSE = 0x03,
	MMC_INQUIRY = 0x12,
	MMC_START_STOP_UNIT = 0x1b,
	MMC_PREVENT_ALLOW = 0x1e,
	MMC_READ_CAPACITY = 0x25,
	MMC_READ_10 = 0x28,
	MMC_WRITE_10 = 0x2a,
	MMC_SYNCHRONIZE_CACHE = 0x35,
	MMC_READ_SUB_CHANNEL = 0x42,
	MMC_READ_TOC = 0x43,
	MMC_GET_CONFIGURATION = 0x46,
	MMC_GET_EVENT_STATUS = 0x4a,
	MMC_READ_DISC_INFO = 0x51,
	MMC_READ_TRACK_INFO = 0x52,
	MMC_RESERVE_TRACK = 0x53,
	MMC_MODE_SELECT_10 = 0x55,
	MMC_MODE_SENSE_10 = 0x5a,
	MMC_CLOSE_TRACK_SESSION = 0x5b,
	MMC_READ_BUFFER_CAPACITY = 0x5c,
	MMC_BLANK = 0xa1,
	MMC_GET_PERFORMANCE = 0xac,
	MMC_READ_CD_MSF = 0xb9,
	MMC_SET_CD_SPEED = 0xbb,
	MMC_READ_CD = 0xbe,
};

/* CLOSE TRACK/SESSION on CD: the Close Function, CDB byte 2 bits 2-0 */
#define MMC_CLOSE_TRACK 1
#define MMC_CLOSE_SESSION 2
/* Write Type, mode page 05h byte 2 bits 3-0 */
#define MMC_WRITE_TYPE_TAO 1
#define MMC_WRITE_TYPE_SAO 2
#define MMC_WRITE_TYPE_RAW 3

/* Timeouts, each with its reason (doc/reference/style.md habit 8). */
#define MMC_TIMEOUT_DEFAULT_MS 7000	/* what Linux's cdrom layer uses for plain commands */
#define MMC_TIMEOUT_LOAD_MS 60000	/* tray motion plus spin-up of a slow drive */
#define MMC_TIMEOUT_WRITE_MS 60000	/* a WRITE may wait for a full drive buffer to drain */
#define MMC_TIMEOUT_LONG_MS 300000	/* non-IMMED BLANK or SYNCHRONIZE CACHE on a slow drive */

/* ---- builders: set up @cmd (cdb, direction, buffer) ---- */
void mmc_build_test_unit_ready(struct mmc_cmd *cmd);
void mmc_build_request_sense(struct mmc_cmd *cmd, void *buf, uint8_t len);
void mmc_build_inquiry(struct mmc_cmd *cmd, void *buf, uint8_t len);
void mmc_build_start_stop(struct mmc_cmd *cmd, bool load_eject, bool start, bool immed);
void mmc_build_prevent_allow(struct mmc_cmd *cmd, bool prevent);
/* rt: 0 all features >= start, 1 current features >= start, 2 exactly start */
void mmc_build_get_configuration(struct mmc_cmd *cmd, uint8_t rt, uint16_t start, void *buf,
				 uint16_t len);
void mmc_build_get_event_status(struct mmc_cmd *cmd, uint8_t class_mask, void *buf, uint16_t len);
void mmc_build_mode_sense10(struct mmc_cmd *cmd, uint8_t page, uint8_t pc, void *buf,
			    uint16_t len);
void mmc_build_mode_select10(struct mmc_cmd *cmd, void *buf, uint16_t len);
void mmc_build_read_disc_info(struct mmc_cmd *cmd, void *buf, uint16_t len);
/* format 0 TOC, 1 session, 2 full TOC, 4 ATIP */
void mmc_build_read_toc(struct mmc_cmd *cmd, uint8_t format, bool msf, uint8_t track, void *buf,
			uint16_t len);
/* addr_type 0 LBA, 1 track number (0xff = the invisible track), 2 session */
void mmc_build_read_track_info(struct mmc_cmd *cmd, uint8_t addr_type, uint32_t value, void *buf,
			       uint16_t len);
void mmc_build_get_performance_write_speeds(struct mmc_cmd *cmd, uint16_t max_desc, void *buf,
					    uint32_t len);
/* kB/s, 0xffff = maximum; rotation 0 CLV, 1 CAV */
void mmc_build_set_cd_speed(struct mmc_cmd *cmd, uint16_t read_kbs, uint16_t write_kbs,
			    uint8_t rotation);
void mmc_build_blank(struct mmc_cmd *cmd, uint8_t type, bool immed);
void mmc_build_synchronize_cache(struct mmc_cmd *cmd, bool immed);
/* CLOSE TRACK/SESSION: @function MMC_CLOSE_TRACK (of track @track) or MMC_CLOSE_SESSION. */
void mmc_build_close_track_session(struct mmc_cmd *cmd, uint8_t function, uint16_t track,
				   bool immed);
/* RESERVE TRACK of @blocks blocks (the invisible track's size). */
void mmc_build_reserve_track(struct mmc_cmd *cmd, uint32_t blocks);
void mmc_build_write10(struct mmc_cmd *cmd, int32_t lba, uint16_t blocks, const void *buf,
		       size_t len);
void mmc_build_read_buffer_capacity(struct mmc_cmd *cmd, void *buf, uint16_t len);

/*
 * The length of the whole reply as its header announces it, for the
 * two-pass reads (ask for the header, then for all of it). 0 when @n bytes
 * are too few to hold the length field. @op is the command's opcode.
 */
size_t mmc_reply_length(uint8_t op, const uint8_t *buf, size_t n);

/* ---- sense ---- */
struct mmc_sense {
	uint8_t key;
	uint8_t asc;
	uint8_t ascq;
	bool has_progress;	/* sense-key specific progress (SKSV) */
	uint16_t progress;	/* 0..65535 */
};

/* Decodes fixed (70h/71h) or descriptor (72h/73h) sense; -EPROTO if neither. */
int mmc_sense_parse(const uint8_t *sense, size_t n, struct mmc_sense *out);

/* Words for a sense key ("Illegal request"). */
const char *mmc_sense_key_text(uint8_t key);

/*
 * Writes "[K AA QQ] key text: ASC text" into @buf, e.g.
 * "[5 21 02] Illegal request: invalid address for write".
 */
int mmc_sense_describe(const struct mmc_sense *s, char *buf, size_t size);

/* Fills an 18-byte fixed-format sense buffer (for the emulator). */
void mmc_sense_build(uint8_t out[18], uint8_t key, uint8_t asc, uint8_t ascq);

/* ---- INQUIRY ---- */
struct mmc_inquiry {
	uint8_t device_type;
	bool removable;
	char vendor[9];
	char product[17];
	char revision[5];
};

/* Strings are trimmed and anything outside printable ASCII becomes '?'. */
int mmc_parse_inquiry(const uint8_t *buf, size_t n, struct mmc_inquiry *out);

/* ---- GET CONFIGURATION ---- */
#define MMC_MAX_PROFILES 32
#define MMC_MAX_FEATURES 64

#define MMC_PROFILE_NONE 0x0000
#define MMC_PROFILE_CDROM 0x0008
#define MMC_PROFILE_CDR 0x0009
#define MMC_PROFILE_CDRW 0x000a

#define MMC_FEATURE_PROFILE_LIST 0x0000
#define MMC_FEATURE_CORE 0x0001
#define MMC_FEATURE_REMOVABLE_MEDIUM 0x0003
#define MMC_FEATURE_CD_READ 0x001e
#define MMC_FEATURE_CD_TAO 0x002d
#define MMC_FEATURE_CD_MASTERING 0x002e
#define MMC_FEATURE_REAL_TIME_STREAMING 0x0107

struct mmc_code {
	uint16_t code;
	bool current;
};

struct mmc_config {
	uint16_t current_profile;
	size_t n_profiles;
	struct mmc_code profiles[MMC_MAX_PROFILES];
	size_t n_features;
	struct mmc_code features[MMC_MAX_FEATURES];
	/* 002Eh CD Mastering */
	bool mastering;
	bool raw, raw_ms, sao, test_write, cd_rw, rw_subcode, buf;
	/* 0003h Removable Medium */
	bool removable;
	uint8_t loading_mechanism;
	bool can_eject, can_load;
};

int mmc_parse_configuration(const uint8_t *buf, size_t n, struct mmc_config *out);

/* A short name for a profile ("cd-r") or feature ("cd-mastering"); NULL if unknown. */
const char *mmc_profile_name(uint16_t profile);
const char *mmc_feature_name(uint16_t feature);

/* ---- MODE SENSE / SELECT ---- */
#define MMC_MODE_HEADER_LEN 8
#define MMC_PAGE05_LEN 52	/* page 05h, header of the page included */

/* The offset of the first page after the mode parameter header(10); 0 if bad. */
size_t mmc_mode_first_page(const uint8_t *buf, size_t n);

/* Lists the page codes in a MODE SENSE(10) reply (page 3Fh asks for all). */
int mmc_parse_mode_pages(const uint8_t *buf, size_t n, uint8_t *pages, size_t max);

struct mmc_page05 {
	bool bufe;
	bool test_write;
	uint8_t write_type;	/* 0 packet, 1 TAO, 2 SAO, 3 RAW */
	uint8_t multi_session;
	uint8_t track_mode;
	uint8_t data_block_type;
	uint8_t session_format;
	uint16_t audio_pause;
};

/* Parses page 05h from a MODE SENSE(10) reply. */
int mmc_parse_page05(const uint8_t *buf, size_t n, struct mmc_page05 *out);

/*
 * Builds a MODE SELECT(10) parameter list for page 05h into @out (which
 * must hold MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN bytes), starting from the
 * current page bytes @cur (may be NULL) so fields burnfs does not set keep
 * the drive's values. Returns the list length.
 */
size_t mmc_build_page05(const struct mmc_page05 *p, const uint8_t *cur, size_t cur_len,
			uint8_t *out);

#define MMC_MAX_SPEEDS 16

struct mmc_page2a {
	bool cdr_write, cdrw_write, test_write, buf;
	uint8_t loading_type;	/* 0 caddy, 1 tray, 2 pop-up, 4/5 changer */
	bool eject;
	bool lock_state;
	uint16_t buffer_kb;
	uint8_t rotation;
	uint16_t current_write_kbs;
	size_t n_write_speeds;
	uint16_t write_speeds_kbs[MMC_MAX_SPEEDS];
};

int mmc_parse_page2a(const uint8_t *buf, size_t n, struct mmc_page2a *out);

/* ---- READ DISC INFORMATION ---- */
enum mmc_disc_status {
	MMC_DISC_EMPTY = 0,
	MMC_DISC_INCOMPLETE = 1,
	MMC_DISC_COMPLETE = 2,
	MMC_DISC_OTHER = 3,
};

struct mmc_disc_info {
	bool erasable;
	uint8_t last_session_state;
	enum mmc_disc_status status;
	uint8_t first_track;
	uint16_t sessions;
	uint8_t disc_type;
	bool leadin_valid;	/* false when the drive says FF:FF:FF */
	int32_t leadin_start;	/* LBA of the last session's lead-in */
	bool leadout_valid;
	int32_t last_leadout;	/* LBA of the last possible lead-out start */
};

int mmc_parse_disc_info(const uint8_t *buf, size_t n, struct mmc_disc_info *out);

/* ---- READ TOC format 4 (ATIP) ---- */
struct mmc_atip {
	bool cd_rw;
	uint8_t sub_type;
	int32_t leadin_start;
	int32_t last_leadout;
};

int mmc_parse_atip(const uint8_t *buf, size_t n, struct mmc_atip *out);

/* ---- READ TOC format 0 ---- */
#define MMC_MAX_TOC 100

struct mmc_toc_entry {
	uint8_t track;		/* 0xaa = lead-out */
	uint8_t adr;
	uint8_t control;
	int32_t lba;
};

struct mmc_toc {
	uint8_t first_track;
	uint8_t last_track;
	size_t n_entries;
	struct mmc_toc_entry entries[MMC_MAX_TOC + 1];
};

/* Parses an LBA-form (MSF=0) format-0 reply. */
int mmc_parse_toc(const uint8_t *buf, size_t n, struct mmc_toc *out);

/* ---- READ TRACK INFORMATION ---- */
struct mmc_track_info {
	uint16_t track;
	uint16_t session;
	uint8_t track_mode;
	bool blank;
	bool nwa_valid;
	int32_t start;
	int32_t nwa;
	uint32_t free_blocks;
	uint32_t size;
};

int mmc_parse_track_info(const uint8_t *buf, size_t n, struct mmc_track_info *out);

/* ---- GET PERFORMANCE type 03h (write speeds) ---- */
/* Fills @kbs with distinct write speeds in ascending order; returns the count. */
int mmc_parse_write_speeds(const uint8_t *buf, size_t n, uint16_t *kbs, size_t max);

/* The command's name for messages ("GET CONFIGURATION"); "command" for others. */
const char *mmc_opcode_name(uint8_t op);

enum mmc_op_effect {
	MMC_OP_STATE_QUERY,	/* asks about the drive or its medium: the answer changes only
				 * when their state does (TEST UNIT READY, GET CONFIGURATION,
				 * MODE SENSE, READ DISC/TRACK INFORMATION, READ TOC, ...) */
	MMC_OP_READ,		/* reads data, sense or events, changing no state */
	MMC_OP_CHANGES_STATE,	/* may change the drive's or the medium's state (every
				 * other command, unknown ones included) */
};

/* What command @op does to the drive's state. */
enum mmc_op_effect mmc_opcode_effect(uint8_t op);

/* ---- GET EVENT STATUS NOTIFICATION (media class) ---- */
struct mmc_media_event {
	bool no_event_available;
	uint8_t event;		/* 0 none, 1 eject request, 2 new media, 3 removal, 4 changed */
	bool present;
	bool tray_open;
};

int mmc_parse_media_event(const uint8_t *buf, size_t n, struct mmc_media_event *out);

/* ---- helpers shared with the emulator ---- */
static inline void
mmc_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
mmc_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t
mmc_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
mmc_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* CD speeds: 1x = 75 sectors/s = 176.4 kB/s (1 kB = 1000 B). */
static inline uint32_t
mmc_kbs_to_sectors(uint32_t kbs)
{
	return (kbs * 1000 + 1176) / 2352;
}

static inline uint32_t
mmc_sectors_to_kbs(uint32_t sectors)
{
	return (sectors * 2352 + 999) / 1000;
}
