/*
 * The emulated recorder's insides, shared by its files and private to
 * core/emu. emu.c opens and closes the drive, runs each command under the
 * directory lock and dispatches it by opcode to a handler of one command
 * family:
 *
 *   emu-media.c    the media kinds, drive.state, tray, medium removal, events
 *   emu-caps.c     what the drive says of itself: INQUIRY, GET CONFIGURATION,
 *                  MODE SENSE/SELECT, GET PERFORMANCE, SET CD SPEED
 *   emu-toc.c      disc.toc, READ TOC/PMA/ATIP, DISC and TRACK INFORMATION
 *   emu-session.c  the recording session and the files it fills
 *   emu-write.c    WRITE, the drive buffer, SYNCHRONIZE CACHE, BLANK,
 *                  long operations (IMMED)
 *   emu-sao.c      session-at-once: SEND CUE SHEET and the sectors the
 *                  drive makes around the host's blocks
 *   emu-tao.c      track-at-once: WRITEs at the NWA, CLOSE TRACK/SESSION,
 *                  RESERVE TRACK, the pre-gaps and run-outs the drive makes
 *   emu-read.c     READ(10), READ CD, READ CD MSF, READ CAPACITY,
 *                  READ SUB-CHANNEL
 *   emu-lock.c     exclusive access (DIR/excl, DIR/owner)
 *
 * Every handler runs with the drive's state loaded (d->st), answers @cmd
 * with emu_good(), emu_send_in() or emu_fail(), and sets d->dirty when it
 * changed the state.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cd-sector.h"
#include "cd.h"
#include "emu.h"
#include "image-decoder.h"
#include "mmc-sense.h"
#include "subchannel.h"
#include "mmc-cue.h"
#include "mmc.h"

#define EMU_OP_WRITE_12 0xaa

#define EMU_DRIVE_MAX_READ_KBS 7056	/* 40x */
#define EMU_DRIVE_BUFFER_KB 2048

/* A pressed CD-ROM holds one 5-minute Mode 1 track. */
#define EMU_CDROM_LEADOUT (5 * CD_FRAMES_PER_MINUTE)

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

enum emu_disc_state {
	EMU_DISC_BLANK,
	EMU_DISC_INCOMPLETE,
	EMU_DISC_COMPLETE,
	EMU_DISC_APPENDABLE,	/* closed sessions, room for the next (doc/reference/tao.md §5) */
};

struct emu_state {
	const struct emu_media *media;
	bool tray_open;
	enum emu_disc_state disc;
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
/* Recorded sectors kept before one write(2) to each file: a WRITE's worth, and more. */
#define EMU_REC_BATCH 64

struct emu_rec {
	struct image_decoder *dec;	/* RAW: the stream's decoder; NULL in SAO */
	struct image_toc *sao_toc;	/* SAO: the TOC of the cue sheet; NULL in RAW */
	/*
	 * RAW onto an appendable disc: the disc's TOC, to which the session
	 * the stream's lead-in describes is added when it ends; else NULL
	 */
	struct image_toc *disc_toc;
	int32_t from;		/* the first program-area sector (pre-gap) of the session */
	enum cd_sector_type type;
	int bin_fd;		/* DIR/rec.bin, -1 in Test Write */
	int sub_fd;		/* DIR/rec.sub */
	int32_t bin_sectors;	/* program-area sectors recorded, from LBA 0 (with the pending) */
	struct image_sector sector;
	uint32_t n_pending;	/* sectors in the buffers below, not written yet */
	uint8_t bin_pending[EMU_REC_BATCH * CD_MAIN_SIZE];
	uint8_t sub_pending[EMU_REC_BATCH * SUBCHANNEL_PW_SIZE];
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
	int state_fd;		/* drive.state as loaded (O_RDWR), rewritten in place; -1 */
	unsigned long state_serial;	/* the serial of what st holds (emu-media.c) */
	/* per-handle, like per-initiator state on a real drive */
	unsigned long token;
	unsigned long generation_seen;
	unsigned long event_generation;
	uint8_t sense[18];
	bool have_sense;
	bool holds_excl;
	char client_name[64];
	struct emu_rec *rec;	/* while this handle records; NULL otherwise */
	struct emu_sao *sao;	/* the cue sheet this handle sent (emu-sao.c); NULL */
	struct emu_tao *tao;	/* this handle's track-at-once session (emu-tao.c); NULL */
	struct emu_ahead *ahead;	/* emu-read.c's read-ahead buffer, from the first read */
	bool reset_pending;	/* unit_attention@LBA fired: 6/29/00 to the next command */
	bool reset_fired;
};

/* The TOC of a disc as READ TOC and READ TRACK INFORMATION give it. */
struct emu_toc_track {
	uint8_t control;
	int32_t pregap;
	int32_t start;
	int32_t end;
	uint8_t mode;		/* a data track's mode (1, or 2 for CD-ROM XA); 0 audio */
	uint8_t session;	/* 1.. */
};

/*
 * The Orange Book's multi-session layout (doc/reference/tao.md §5): the
 * first session's lead-out is 6750 sectors long, a later one's 2250; a
 * session's lead-in 4500; then the first track's 150-sector pre-gap.
 */
#define EMU_LEADOUT_FIRST 6750
#define EMU_LEADOUT_LATER 2250
#define EMU_LEADIN_NEXT 4500

struct emu_toc {
	unsigned first;
	unsigned last;
	unsigned sessions;	/* closed sessions, 1.. */
	int32_t leadout;	/* the last session's */
	struct emu_toc_track t[IMAGE_MAX_TRACKS + 1];
};

/* emu.c: answering a command */

/* CHECK CONDITION with @code, kept as this handle's sense for REQUEST SENSE. */
void emu_fail(struct emu_drive *d, struct mmc_cmd *cmd, struct mmc_sense_code code);
/* Sends @n bytes of @data in, cut to the allocation length @alloc and the buffer. */
void emu_send_in(struct mmc_cmd *cmd, const uint8_t *data, size_t n, size_t alloc);
/* GOOD, no data. */
void emu_good(struct mmc_cmd *cmd);
/* Fills the 18-byte fixed-format sense @out with @code. */
void emu_sense_build(uint8_t *out, struct mmc_sense_code code);
/* "pid.token": this handle, as drive.state names it. */
void emu_handle_id(const struct emu_drive *d, char *buf, size_t size);

/* emu-media.c */

/* The media kind called @name, or NULL; points into a static table. */
const struct emu_media *emu_media_find(const char *name);
/* The kind of disc a new drive holds. */
const struct emu_media *emu_media_default(void);
#define EMU_NS_PER_S 1000000000LL

/* Sleeps @ns nanoseconds (nothing when <= 0), through signals. */
void emu_sleep_ns(int64_t ns);

uint16_t emu_media_max_speed(const struct emu_media *m);
int32_t emu_media_leadin_lba(const struct emu_media *m);
/* A disc of @media, blank unless pressed, in a closed tray. */
void emu_media_state_default(struct emu_state *st, const struct emu_media *media);
/* drive.state: loads it unless the copy in memory is still the file's; saves it. */
int emu_media_state_load(struct emu_drive *d, struct burn_error *err);
int emu_media_state_save(struct emu_drive *d);
bool emu_media_present(const struct emu_drive *d);
/* 2/3A/0x (or 2/04/01) for a missing medium; false if @cmd was answered so. */
bool emu_media_check(struct emu_drive *d, struct mmc_cmd *cmd);
bool emu_media_prevent_active(const struct emu_drive *d);
bool emu_media_disc_recorded(const struct emu_drive *d);
/* The write speeds of the medium in the drive (none without one); static storage. */
const uint16_t *emu_media_speeds(const struct emu_drive *d);
void emu_media_test_unit_ready(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_media_start_stop(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_media_prevent_allow(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_media_get_event_status(struct emu_drive *d, struct mmc_cmd *cmd);

/* emu-caps.c */

/* Mode page 05 (write parameters) as drives power up with it. */
void emu_caps_page05_default(uint8_t *p);
void emu_caps_inquiry(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_caps_get_configuration(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_caps_mode_sense(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_caps_mode_select(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_caps_get_performance(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_caps_set_cd_speed(struct emu_drive *d, struct mmc_cmd *cmd);

/* emu-toc.c */

/* The TOC of the disc in the drive: the pressed one, or the one recorded. */
int emu_toc_load(const struct emu_drive *d, struct emu_toc *toc);
/* The disc type of READ DISC INFORMATION and the full TOC's A0: 20h with a Mode 2 track. */
uint8_t emu_toc_disc_type(const struct emu_toc *toc);
/* Writes @toc to a new temporary of DIR, whose name goes to @tmp. */
int emu_toc_save(const struct emu_drive *d, const struct image_toc *toc, char *tmp,
		 size_t tmp_size);
/* The track holding @lba (its pre-gap included), or 0. */
unsigned emu_toc_track_of(const struct emu_toc *toc, int32_t lba);
/* The first and last track of session @s (1..toc->sessions) of @toc. */
unsigned emu_toc_session_first(const struct emu_toc *toc, unsigned s);
unsigned emu_toc_session_last(const struct emu_toc *toc, unsigned s);
/* Where session @s's lead-out starts (its last track's end). */
int32_t emu_toc_session_leadout(const struct emu_toc *toc, unsigned s);
/* Where the lead-in of the session after session @s starts. */
int32_t emu_toc_next_leadin(const struct emu_toc *toc, unsigned s);
/*
 * The disc's TOC as a recording continues it: its tracks with their
 * sessions, into @out (zeroed first). 0, or -errno when there is none.
 */
int emu_toc_load_image(const struct emu_drive *d, struct image_toc *out);
void emu_toc_read_toc(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_toc_read_disc_info(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_toc_read_track_info(struct emu_drive *d, struct mmc_cmd *cmd);

/* emu-session.c */

/* Whether this handle records; whether another (still alive) handle does. */
bool emu_session_mine(const struct emu_drive *d);
bool emu_session_foreign(const struct emu_drive *d);
/*
 * Opens this handle's session at @nwa: RAW of sector @type (@sao_toc NULL),
 * or session-at-once of the disc @sao_toc (copied) describes. On an
 * appendable disc the recording starts as a copy of the disc's sessions,
 * extended to @from, the first program-area sector the new session
 * records (the disc stays as it was until the session ends whole); a RAW
 * stream then starts at the next session's lead-in (@nwa) and its
 * program area at @from (doc/reference/tao.md §5). 0 or -errno.
 */
int emu_session_begin(struct emu_drive *d, enum cd_sector_type type, int32_t nwa,
		      const struct image_toc *sao_toc, int32_t from);
/* Ends this handle's session; @finish (SYNCHRONIZE CACHE) may make a complete disc. */
void emu_session_end(struct emu_drive *d, bool finish);
/* Ends a session whose handle's process died, as a ruined disc. */
void emu_session_reap(struct emu_drive *d);
/* Decodes one written sector and records its program-area part. */
int emu_session_record(struct emu_drive *d, int32_t lba, const uint8_t *sector);

/*
 * SAO: records program-area sector @lba as the drive made it, @main (2352
 * bytes, a @data sector unscrambled) and @sub96 (raw P-W).
 */
int emu_session_record_sao(struct emu_drive *d, int32_t lba, const uint8_t *main, bool data,
			   const uint8_t *sub96);

/* Writes what emu_session_record() kept to rec.bin and rec.sub (each WRITE's end). 0 or -errno. */
int emu_session_flush(struct emu_drive *d);
/* Frees this handle's recording (d->rec), if any. */
void emu_session_rec_free(struct emu_drive *d);
/* Removes the recording in progress (rec.*); the recorded disc (disc.*). */
void emu_session_remove_rec(const struct emu_drive *d);
void emu_session_remove_disc(const struct emu_drive *d);
/* Opens @name of DIR for reading when it may be trusted; else NULL, errno set. */
FILE *emu_session_fopen_read(const struct emu_drive *d, const char *name);

/* emu-write.c */

void emu_write_buffer_reset(struct emu_state *st);
/* True while an IMMED operation runs; clears it once it is over. */
bool emu_write_busy_now(struct emu_drive *d);
/* NOT READY, long operation in progress, with its progress, into @sense. */
void emu_write_busy_sense(const struct emu_drive *d, uint8_t *sense);
/* Answers @cmd NOT READY while another handle records or an operation runs. */
void emu_write_fail_busy(struct emu_drive *d, struct mmc_cmd *cmd);
/*
 * Whether a medium is in and can be written (@erase: blanked); else answers
 * @cmd with the sense that says why and returns false.
 */
bool emu_write_media_takes(struct emu_drive *d, struct mmc_cmd *cmd, bool erase);
/* Whether the drive takes data block type @dbt in RAW. */
bool emu_write_raw_dbt_supported(const struct emu_drive *d, uint8_t dbt);
void emu_write_write(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_write_synchronize_cache(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_write_blank(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_write_read_buffer_capacity(struct emu_drive *d, struct mmc_cmd *cmd);

/* emu-sao.c */

struct emu_sao;

/* SEND CUE SHEET: parses, checks and keeps the cue sheet for this handle's next session. */
void emu_sao_send_cue_sheet(struct emu_drive *d, struct mmc_cmd *cmd);
/* Frees this handle's cue sheet (d->sao), if any. */
void emu_sao_free(struct emu_drive *d);
/*
 * The checks of an SAO WRITE of @blocks host blocks at @lba, and the
 * session its first block opens; false when @cmd was answered.
 */
bool emu_sao_write_accepted(struct emu_drive *d, struct mmc_cmd *cmd, int32_t lba,
			    uint32_t blocks);
/* Records @blocks host blocks from @lba (@data, the WRITE's) and what the drive makes between. */
int emu_sao_record(struct emu_drive *d, int32_t lba, uint32_t blocks, const uint8_t *data);
/* At SYNCHRONIZE CACHE: records what the drive makes after the host's last block. */
int emu_sao_finish(struct emu_drive *d);

/* emu-tao.c */

struct emu_tao;

/* Frees this handle's track-at-once session (d->tao), if any. */
void emu_tao_free(struct emu_drive *d);
/* Bytes per block of data block type @dbt in TAO (2048 Mode 1, 2352 audio); 0 if not taken. */
uint32_t emu_tao_block_size(uint8_t dbt);
/*
 * The checks of a TAO WRITE of @blocks blocks at @lba, the session its
 * first block opens and the track it starts; false when @cmd was answered.
 */
bool emu_tao_write_accepted(struct emu_drive *d, struct mmc_cmd *cmd, int32_t lba,
			    uint32_t blocks);
/* Records @blocks host blocks from @lba (@data, the WRITE's) into the open track. */
int emu_tao_record(struct emu_drive *d, int32_t lba, uint32_t blocks, const uint8_t *data);
/* SYNCHRONIZE CACHE in a TAO session: the open track is closed (its run-out written). */
int emu_tao_synchronize(struct emu_drive *d);
void emu_tao_close_track_session(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_tao_reserve_track(struct emu_drive *d, struct mmc_cmd *cmd);
/*
 * READ TRACK INFORMATION during this handle's TAO session: track @n
 * (@by_number; FFh the invisible one) or the track holding LBA @n, into
 * the 36-byte reply @r; false when there is no such session or track.
 */
bool emu_tao_track_info(const struct emu_drive *d, unsigned n, bool by_number, uint8_t *r);

/* emu-read.c */

void emu_read_read10(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_read_read_cd(struct emu_drive *d, struct mmc_cmd *cmd);
/* Frees the read-ahead buffer of @d (at close). */
void emu_read_free(struct emu_drive *d);
void emu_read_read_cd_msf(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_read_read_capacity(struct emu_drive *d, struct mmc_cmd *cmd);
void emu_read_read_sub_channel(struct emu_drive *d, struct mmc_cmd *cmd);

/* emu-lock.c */

/* Describes whoever holds DIR/excl; "" when nobody does. Call with d->mu held. */
int emu_lock_owner_locked(struct emu_drive *d, char *buf, size_t size);
