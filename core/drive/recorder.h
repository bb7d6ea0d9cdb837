/*
 * The recorder (IDiscRecorder2's part): identity, profiles and features,
 * mode pages, media state, exclusive access with a nesting count, tray.
 * Every query goes to the drive, so answers are live, except inside a view
 * (recorder_view_begin()), where the drive's answers to state queries are
 * kept until its state may have changed (recorder-cache.c); nothing here
 * has a side effect on the drive except the calls named for one (acquire,
 * release, eject, load, prevent).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmc.h"
#include "result.h"
#include "transport.h"

struct recorder;

/*
 * Opens a recorder on @t, which it takes over (also on failure). Sends
 * INQUIRY and refuses devices that are not CD/DVD (type 05h). *@out is
 * freed with recorder_close().
 */
int recorder_open(struct burn_transport *t, struct recorder **out, struct burn_error *err);

/* Drops exclusive access if still held, closes the transport, frees @r. */
void recorder_close(struct recorder *r);

/* The device as the user named it ("/dev/sr0", "emu:DIR"); owned by @r. */
const char *recorder_device(const struct recorder *r);

/* The most data one command to @r may carry, in bytes (transport.h). */
size_t recorder_max_transfer(const struct recorder *r);

/* INQUIRY data read at open; owned by @r. */
const struct mmc_inquiry *recorder_identity(const struct recorder *r);

/*
 * Views (doc/design.md "Drive state"): between recorder_view_begin() and
 * recorder_view_end() on a thread, a state query (mmc_opcode_effect()) that
 * was answered before, with nothing since that may have changed the drive's
 * state, is answered from that answer without a command; while the drive
 * is held (recorder_hold()), any kept answer is given, and a question with
 * none fails with BURN_E_WRITE_IN_PROGRESS instead of reaching the drive.
 * Views nest. The mount's files are rendered in views; the write engine
 * never is, so it always asks the drive.
 */
void recorder_view_begin(void);
void recorder_view_end(void);

/* Kept answers are out of date from now on (the medium may have changed). */
void recorder_forget(struct recorder *r);

/*
 * The write engine owns the drive (@held true) from the start of a burn to
 * its end: views send it nothing. Releasing forgets every kept answer.
 */
void recorder_hold(struct recorder *r, bool held);

/* Commands sent to the drive since open, by opcode. */
struct recorder_count {
	uint8_t opcode;
	const char *name;		/* mmc_opcode_name() */
	unsigned long count;
};

/*
 * Fills at most @max entries of @out with the opcodes sent so far, in
 * opcode order; returns how many there are.
 */
int recorder_commands(struct recorder *r, struct recorder_count *out, size_t max);

/*
 * Starts the medium watch: every @interval_ms (0: no watch) a GET EVENT
 * STATUS NOTIFICATION (polled, media class), or TEST UNIT READY where the
 * drive has none, unless the drive is held; when the medium was inserted,
 * removed or changed, or the tray moved, every kept answer is forgotten
 * and @changed(@arg) is called from the watch's thread. Stopped by
 * recorder_watch_stop() or recorder_close(). Returns 0 or -errno.
 */
int recorder_watch_start(struct recorder *r, unsigned interval_ms, void (*changed)(void *arg),
			 void *arg, struct burn_error *err);
void recorder_watch_stop(struct recorder *r);

/*
 * Runs @cmd. Returns 0 when the drive answered GOOD; otherwise -errno with
 * the IMAPI result and the sense in words in @err. A unit attention (media
 * changed, reset) is reported once by drives to every initiator: it is
 * consumed here and the command sent again.
 */
int recorder_exec(struct recorder *r, struct mmc_cmd *cmd, struct burn_error *err);

/*
 * Runs an IN command whose reply announces its own length: first with a
 * short allocation, then with the length announced (at most @size), the
 * way careful hosts do (doc/reference/style.md habit 8). @build fills the CDB for a given
 * allocation length. Returns the number of valid bytes in @buf.
 */
int recorder_read_reply(struct recorder *r, void (*build)(struct mmc_cmd *, void *, uint16_t, void *),
			void *arg, uint8_t *buf, size_t size, struct burn_error *err);

int recorder_get_configuration(struct recorder *r, uint8_t rt, struct mmc_config *cfg,
			       struct burn_error *err);

/* A profile or feature the drive lists. */
struct recorder_code {
	uint16_t code;
	const char *name;	/* "cd-r", "cd-mastering"; "unknown" for others; static */
};

/* Enough for every profile or feature a configuration can list. */
#define RECORDER_MAX_CODES MMC_MAX_FEATURES

/* The lists GET CONFIGURATION gives. */
enum recorder_list {
	RECORDER_PROFILES,	/* the profile list */
	RECORDER_FEATURES,	/* the feature descriptors */
};

/*
 * The drive's profiles or features, in the drive's order; with
 * @current_only only the current ones. Fills at most @max entries of @out
 * (the caller's) and returns their count, or -errno.
 */
int recorder_codes(struct recorder *r, enum recorder_list list, bool current_only,
		   struct recorder_code *out, size_t max, struct burn_error *err);

/* Page codes the drive reports for MODE SENSE page 3Fh. Returns the count. */
int recorder_mode_pages(struct recorder *r, uint8_t *pages, size_t max, struct burn_error *err);

/* The name of mode page @page ("write-parameters"), "unknown" for others; static. */
const char *recorder_mode_page_name(uint8_t page);

/* Page 2Ah (capabilities), current values. */
int recorder_page2a(struct recorder *r, struct mmc_page2a *p, struct burn_error *err);

struct recorder_media {
	bool present;
	uint16_t profile;	/* current profile, 0 without media */
	const char *type;	/* "none", "cdrom", "cdr", "cdrw", or "other" */
	bool blank;
	bool erasable;
	enum mmc_disc_status status;
	bool have_next_session;
	int32_t start_of_next_session;	/* lead-in start of the next session */
	bool have_leadout;
	int32_t last_possible_leadout;
};

/*
 * Media state. With no medium it returns 0 with present = false (the
 * answer "there is none" is not a failure).
 */
int recorder_media(struct recorder *r, struct recorder_media *m, struct burn_error *err);

/*
 * AcquireExclusiveAccess / ReleaseExclusiveAccess: the first acquire locks
 * the device for @client_name, later ones only count; the last release
 * unlocks. Releasing with a count of 0 is E_FAIL.
 */
int recorder_acquire(struct recorder *r, const char *client_name, struct burn_error *err);
int recorder_release(struct recorder *r, struct burn_error *err);
unsigned recorder_lock_count(struct recorder *r);

/* ExclusiveAccessOwner: "" when free. Returns the length or -errno. */
int recorder_owner(struct recorder *r, char *buf, size_t size, struct burn_error *err);

/* EjectMedia / CloseTray. Refused while someone else holds the drive. */
int recorder_eject(struct recorder *r, struct burn_error *err);
int recorder_load(struct recorder *r, struct burn_error *err);

/* PREVENT ALLOW MEDIUM REMOVAL. */
int recorder_prevent(struct recorder *r, bool prevent, struct burn_error *err);

/* Write speeds of the current media in kB/s, ascending. Returns the count. */
int recorder_write_speeds(struct recorder *r, uint16_t *kbs, size_t max, struct burn_error *err);

/* DeviceCanLoadMedia: 1 or 0, or -errno. */
int recorder_can_load_media(struct recorder *r, struct burn_error *err);

/* The size of a data block on a CD: Mode 1 user data. */
#define RECORDER_DATA_BLOCK_SIZE CD_DATA_SIZE

/*
 * The room for data on the medium, in RECORDER_DATA_BLOCK_SIZE blocks: a
 * blank disc's from LBA 0 to its last possible lead-out; 0 without a disc
 * and for a recorded one. Returns 0 or -errno.
 */
int recorder_data_room(struct recorder *r, uint64_t *blocks, struct burn_error *err);
