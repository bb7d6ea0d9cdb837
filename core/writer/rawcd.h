/*
 * The raw disc-at-once writer (IDiscFormat2RawCD's part): its properties,
 * and the idle <-> prepared <-> writing state machine with PrepareMedia,
 * ReleaseMedia and CancelWrite semantics (doc/design.md §2, §2.1, §2.2).
 *
 * Deliberate difference from IMAPI (doc/design.md §2): the write parameters are
 * requests that may be set at any time and apply at the next prepare;
 * while a write runs they are refused with WRITE_IN_PROGRESS.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cd.h"
#include "rawcd-types.h"
#include "recorder.h"
#include "result.h"

enum rawcd_state {
	RAWCD_IDLE,
	RAWCD_PREPARED,
	RAWCD_WRITING,
	RAWCD_FINISHING,
};


#define RAWCD_DEFAULT_LEAD_IN 22650	/* WriteMedia: the stream starts at MSF 95:00:00 */

struct rawcd;

/*
 * Creates a writer on @rec, which it borrows (the recorder must outlive
 * it). Free with rawcd_destroy(), which also releases prepared media.
 */
int rawcd_create(struct recorder *rec, struct rawcd **out, struct burn_error *err);
void rawcd_destroy(struct rawcd *w);

const char *rawcd_state_name(enum rawcd_state s);
const char *rawcd_action_name(enum rawcd_action a);
enum rawcd_state rawcd_state(struct rawcd *w);

/*
 * ClientName: validates @len bytes at @buf (one trailing newline allowed)
 * per doc/design.md §2.1: validity, then WRITE_IN_PROGRESS, then
 * MEDIA_IS_PREPARED. A failed call leaves the old name.
 */
int rawcd_set_client_name(struct rawcd *w, const char *buf, size_t len, struct burn_error *err);
/* Copies the name ("" when unset) into @buf; returns its length. */
int rawcd_client_name(struct rawcd *w, char *buf, size_t size);

/* Bit (1 << type) for each sector type the recorder can write in RAW mode. */
int rawcd_supported_sector_types(struct rawcd *w, unsigned *mask, struct burn_error *err);

int rawcd_set_sector_type(struct rawcd *w, enum cd_sector_type t, struct burn_error *err);
enum cd_sector_type rawcd_sector_type(struct rawcd *w);

/* The lead-in a stream can have: at most the 100-minute address space. */
#define RAWCD_MAX_LEAD_IN (CD_LEADIN_WRAP - CD_PREGAP_FRAMES)

/*
 * WriteMedia2's streamLeadInSectors: @n from 0 to RAWCD_MAX_LEAD_IN, else
 * E_INVALIDARG (checked before WRITE_IN_PROGRESS).
 */
int rawcd_set_lead_in_sectors(struct rawcd *w, long n, struct burn_error *err);
long rawcd_lead_in_sectors(struct rawcd *w);

/* Sectors per second; -1 = the fastest the media allows. */
int rawcd_set_write_speed(struct rawcd *w, long sectors_per_s, struct burn_error *err);
long rawcd_write_speed(struct rawcd *w);

int rawcd_set_pure_cav(struct rawcd *w, bool on, struct burn_error *err);
bool rawcd_pure_cav(struct rawcd *w);

int rawcd_set_bufe_disabled(struct rawcd *w, bool on, struct burn_error *err);
bool rawcd_bufe_disabled(struct rawcd *w);

int rawcd_set_simulate(struct rawcd *w, bool on, struct burn_error *err);
bool rawcd_simulate(struct rawcd *w);

/*
 * Beyond IMAPI, default true: each burn is read back after SYNCHRONIZE
 * CACHE and compared with what was sent (a Test Write never is); a
 * mismatch fails the burn with E_BURNFS_VERIFY_MISMATCH.
 */
int rawcd_set_verify(struct rawcd *w, bool on, struct burn_error *err);
bool rawcd_verify(struct rawcd *w);

/* The drive's current write speed in sectors per second. */
int rawcd_current_write_speed(struct rawcd *w, long *sectors_per_s, struct burn_error *err);

#define RAWCD_MAX_SPEEDS MMC_MAX_SPEEDS

/*
 * SupportedWriteSpeeds: the media's write speeds in sectors per second,
 * slowest first, into @sectors_per_s (owned by the caller, @max entries).
 * Returns the count (0 without media) or -errno.
 */
int rawcd_supported_write_speeds(struct rawcd *w, uint32_t *sectors_per_s, size_t max,
				 struct burn_error *err);

/*
 * PrepareMedia: takes exclusive access under the client name, checks the
 * media (present, CD-R/RW, blank), the recorder (RAW with the sector type)
 * and the lead-in length, and sets the write parameters. On failure
 * nothing stays held.
 */
int rawcd_prepare(struct rawcd *w, struct burn_error *err);

/*
 * ReleaseMedia: allows removal again and drops exclusive access. Refused
 * while a write session is open (its end releases), while a write runs,
 * and when the media is not prepared.
 */
int rawcd_release(struct rawcd *w, struct burn_error *err);

/*
 * EjectMedia / CloseTray for the writer's user: refused with
 * MEDIA_IS_PREPARED unless the writer is idle, decided under the writer's
 * lock so a prepare cannot slip in between; then recorder_eject/_load.
 */
int rawcd_eject(struct rawcd *w, struct burn_error *err);
int rawcd_load(struct rawcd *w, struct burn_error *err);

/*
 * A write session: what one writer of the stream does from its open to
 * its end, one session at a time (IMAPI's PrepareMedia, WriteMedia2 and
 * ReleaseMedia as one unit). Each step decides under the writer's lock.
 *
 * rawcd_session_begin() claims the session, named @name (the caller's
 * word for it, copied, used only in messages; "" is named "the stream");
 * another open session gives
 * WRITE_IN_PROGRESS. rawcd_session_prepare() then prepares the media
 * unless it already is (ctl prepare). rawcd_session_end() ends it: a
 * running write is ended like rawcd_end_write(), media the session
 * prepared and did not write is released, and the claim is dropped. @ret
 * is the caller's failure so far (@err is then left alone); the first
 * failure is returned. End every begun session, also after a failed
 * prepare.
 */
#define RAWCD_SESSION_NAME_MAX 300

int rawcd_session_begin(struct rawcd *w, const char *name, struct burn_error *err);
int rawcd_session_prepare(struct rawcd *w, struct burn_error *err);
int rawcd_session_end(struct rawcd *w, int ret, struct burn_error *err);

/* Whether a session is open; its name is copied into @buf (may be NULL). */
bool rawcd_session_name(struct rawcd *w, char *buf, size_t size);

/*
 * Blanks a CD-RW (IDiscFormat2Erase's job; `ctl blank`): minimal erases
 * the TOC/PMA and pregap, full the whole disc. Needs the client name and
 * exclusive access like PrepareMedia, and idle state.
 */
int rawcd_blank(struct rawcd *w, bool full, struct burn_error *err);

/*
 * WriteMedia2, pushed: the first call on prepared media starts the write
 * (state writing); every call hands over @len bytes of the IMAPI raw stream
 * (any size, cut into sectors here). Blocks while the FIFO is full. Returns
 * @len or -errno: MEDIA_IS_NOT_PREPARED when idle, the stream's or the
 * drive's failure, REQUEST_CANCELLED after ctl cancel.
 */
ssize_t rawcd_write(struct rawcd *w, const void *buf, size_t len, struct burn_error *err);

/*
 * A writer closed a descriptor while another may still write (FUSE flush):
 * waits until everything so far reached the drive. With @end_if_complete
 * (the caller cannot tell whether this was the last close) a complete
 * stream is ended like rawcd_end_write(), so the closing process learns
 * the outcome. Returns the failure, if any.
 */
int rawcd_flush(struct rawcd *w, bool end_if_complete, struct burn_error *err);

/*
 * Ends the stream (the sink's last close): flush, SYNCHRONIZE CACHE, poll
 * until ready, ReleaseMedia. The outcome (0, or an incomplete, cancelled or
 * failed burn) is returned and kept for rawcd_last_burn(). Without a
 * running write it only releases media this path prepared: nothing.
 */
int rawcd_end_write(struct rawcd *w, struct burn_error *err);

/*
 * The outcome of the last burn: false when there was none; else *@e holds
 * BURN_S_OK with a summary, or the failure.
 */
bool rawcd_last_burn(struct rawcd *w, struct burn_error *e);

/*
 * The last burn's verification into @buf: "none" before any burn, "off"
 * when it was not verified, "ok", "mismatch at LBA N (track T)",
 * "unreadable at LBA N (track T)", "cancelled", or "not run" when the burn
 * failed first. Returns its length.
 */
int rawcd_last_verify(struct rawcd *w, char *buf, size_t size);

/* CancelWrite: WRITE_NOT_IN_PROGRESS unless a write runs. */
int rawcd_cancel(struct rawcd *w, struct burn_error *err);

/*
 * Registers @fn to be called (from any thread; it must not call back into
 * the writer's setters) when progress changes. Call it once, before the
 * writer is shared between threads. The generation grows with each change.
 */
void rawcd_set_notify(struct rawcd *w, void (*fn)(void *ctx), void *ctx);
/*
 * The medium changed behind the daemon's back (the recorder's watch saw
 * it): the progress generation moves on, so pollers wake and the disc is
 * read again.
 */
void rawcd_media_changed(struct rawcd *w);

unsigned long rawcd_progress_generation(struct rawcd *w);


void rawcd_progress(struct rawcd *w, struct rawcd_progress *p);
