/*
 * The emulated MMC CD recorder (doc/design.md §4, doc/reference/mmc.md).
 *
 * A drive whose state lives in a directory, so several processes can open
 * it at once the way several can open /dev/sr0: each command runs under a
 * lock on the directory and sees the state the previous command left,
 * whoever sent it. Exclusive access (the emulated O_EXCL) is an OFD lock
 * on DIR/excl, with the holder's record in DIR/owner.
 *
 * Files in DIR:  drive.state  the persistent drive and media state (text)
 *                drive.lock   serialises commands between processes
 *                excl, owner  exclusive access and who has it
 *                rec.bin, rec.sub  the recording in progress (program area so far)
 *                disc.cue, disc.bin, disc.sub, disc.toc  a completely recorded disc:
 *                             2352-byte sectors from LBA 0 (data descrambled), the
 *                             96-byte raw P-W of each, the TOC for READ TOC
 *                NAME.PID.N.tmp  a file being written, renamed to NAME when whole
 *
 * DIR must be beyond other users' reach, and no file in it is followed
 * through a link or written in place (doc/emulator-directory.md).
 *
 * RAW (write type 3) and session-at-once (write type 2, SEND CUE SHEET)
 * recording are modelled, not TAO or multi-session; see README and
 * doc/reference/sao.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mmc.h"
#include "result.h"

struct emu_drive;

/* Fault and capability switches for tests (-o emu_fault=...). */
enum emu_fault {
	EMU_FAULT_NO_RW = 1 << 0,	/* no R-W sub-channel: only data block type 1 in RAW */
	EMU_FAULT_NO_RAW = 1 << 1,	/* no RAW write type at all */
	EMU_FAULT_NOT_READY = 1 << 2,	/* TEST UNIT READY and media commands: becoming ready */
	/* the WRITE covering write_error_lba fails 3/0C/00: the disc is ruined */
	EMU_FAULT_WRITE_ERROR = 1 << 3,
	/* the medium vanishes when a WRITE reaches removed_lba: 2/3A/00 until a load */
	EMU_FAULT_REMOVED = 1 << 4,
	/* one 6/29/00 (reset) to the next command after a WRITE reaches unit_attention_lba */
	EMU_FAULT_UNIT_ATTENTION = 1 << 5,
	/* the sector recorded at corrupt_lba differs from the one sent (a bad burn) */
	EMU_FAULT_CORRUPT = 1 << 6,
	/* reads that cover unreadable_lba fail 3/11/00 */
	EMU_FAULT_UNREADABLE = 1 << 7,
};

struct emu_config {
	const char *media;	/* NULL keeps DIR's disc; else a fresh one of this kind */
	unsigned speed;		/* pacing, N x real time (N x 75 sectors/s); 0 = unlimited */
	unsigned faults;	/* enum emu_fault bits */
	/*
	 * emu_discard=1, for benchmarks: every WRITE is checked and paced
	 * and its data dropped, as in a Test Write; the medium stays as it was.
	 */
	bool discard;
	int32_t write_error_lba;	/* with EMU_FAULT_WRITE_ERROR */
	int32_t removed_lba;		/* with EMU_FAULT_REMOVED */
	int32_t unit_attention_lba;	/* with EMU_FAULT_UNIT_ATTENTION */
	int32_t corrupt_lba;		/* with EMU_FAULT_CORRUPT */
	int32_t unreadable_lba;		/* with EMU_FAULT_UNREADABLE */
};

/* Media kinds: "cdr74", "cdr80", "cdrw80", "cdrom", "none". */
bool emu_media_kind_valid(const char *kind);

/*
 * Parses one emu_fault value into @cfg (faults and the fault LBAs; other
 * fields untouched, earlier faults kept): "no_rw", "no_raw", "not_ready",
 * "write_error@LBA", "removed@LBA", "unit_attention@LBA", "corrupt@LBA",
 * "unreadable@LBA" (LBA a decimal integer, may be negative), or several
 * joined with '+'. 0 or -EINVAL.
 */
int emu_fault_parse(const char *value, struct emu_config *cfg);

/*
 * Parses one emulator option as a command line gives it into @cfg:
 * "emu_media=KIND" and "emu_speed=N" (0, unlimited, to 64) replace what
 * @cfg held, "emu_fault=F[+F...]" adds to its faults (emu_fault_parse()).
 * cfg->media then points to static storage. Returns 0; 1 when @option is
 * not the emulator's (@cfg untouched); or -EINVAL with E_IMAPI_INVALIDARG
 * and the reason saying what the option expects ("expected a whole number
 * from 0 (unlimited) to 64"), for the caller to put after the option.
 */
int emu_config_parse_option(const char *option, struct emu_config *cfg, struct burn_error *err);

/*
 * Parses @options, emulator options joined by commas ("emu_media=cdrw80,
 * emu_speed=4"; NULL or "" for none), into @cfg one after the other as
 * emu_config_parse_option() does. 0, or -EINVAL with E_IMAPI_INVALIDARG
 * and "OPTION: expected ..." for the first bad one; anything that is not
 * an emulator option is refused too. @options stays the caller's.
 */
int emu_config_parse(const char *options, struct emu_config *cfg, struct burn_error *err);

/*
 * Opens the drive in @dir, creating the directory and a blank 80-minute
 * CD-R if needed. *@out is owned by the caller: emu_drive_close().
 * Refused with E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED when @dir or a file in
 * it may not be trusted (doc/emulator-directory.md); cfg->media (a new
 * disc) with E_IMAPI_RECORDER_LOCKED while another handle holds the drive,
 * as a load would be.
 */
int emu_drive_open(const char *dir, const struct emu_config *cfg, struct emu_drive **out,
		   struct burn_error *err);

/* Closes the handle; drops its exclusive access and medium-removal lock. */
void emu_drive_close(struct emu_drive *d);

/*
 * Executes @cmd like a drive: always returns 0, with cmd->status GOOD or
 * CHECK CONDITION and sense; or -errno if the state directory failed.
 * Thread-safe.
 */
int emu_drive_exec(struct emu_drive *d, struct mmc_cmd *cmd);

/* Exclusive access; see burn_transport_ops.lock/unlock/owner. */
int emu_drive_lock(struct emu_drive *d, const char *client_name, struct burn_error *err);
void emu_drive_unlock(struct emu_drive *d);
int emu_drive_owner(struct emu_drive *d, char *buf, size_t size);

/*
 * The process holding exclusive access through another handle than @d:
 * its pid; 0 when no other handle holds it (or the lock cannot be
 * queried); -1 when the holder left no record naming a live process.
 * For a program that must name the holder by pid (F_GETLK).
 */
pid_t emu_drive_owner_pid(struct emu_drive *d);
