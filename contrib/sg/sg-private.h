/*
 * libburnfs-sg.so: a TEST interposer (README.md here), its parts.
 *
 * Preloaded into any program, it makes one path (BURNFS_SG_PATH) behave
 * like a Linux SCSI CD recorder whose drive is the emulated recorder of an
 * emu directory (BURNFS_SG_EMU): open/close/stat of that path, the ioctls
 * libcdio, cdrdao and libburn send to /dev/srN, O_EXCL and fcntl locks.
 * Every CDB a program sends goes to the emulator unchanged, so the tools see
 * exactly what it answers; the commands the kernel's cdrom layer builds for
 * its own ioctls are built and parsed with core/mmc, as burnfs does.
 *
 * A descriptor of the path is a real descriptor of /dev/null (so poll,
 * close, dup and fork behave) registered in a small table that maps it to
 * an emulator handle. Everything else passes straight through.
 *
 *   sg-libc.c    libc's own functions (dlsym), open, close, dup
 *   sg-config.c  settings from the environment, which paths are the device, the debug trace
 *   sg-stat.c    the stat family: the path and its descriptors are a block device
 *   sg-fd.c      the table of interposed descriptors and their handles
 *   sg-lock.c    exclusive access: O_EXCL, fcntl record and OFD locks; fcntl
 *   sg-io.c      commands to the emulator: SG_IO, CDROM_SEND_PACKET, the kernel's own
 *   sg-ioctl.c   ioctl: the CDROM_*, SG_*, SCSI_* and BLK* requests
 *   sg-read.c    read, pread, lseek: the disc's 2048-byte blocks
 *   sg-stdio.c   fopen: the device as a read-only stdio stream over read and lseek
 *   sg-emu.c     the emulator behind the device: the only calls into burnfs code
 *
 * The whole library is built without _FILE_OFFSET_BITS (meson.build): it
 * defines open and open64, stat and stat64, fcntl and fcntl64, fopen and
 * fopen64 as separate symbols, which the large-file renaming would merge.
 */
#pragma once

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cd.h"
#include "mmc.h"

#define SG_EXPORT __attribute__((visibility("default")))

/*
 * @arg = the argument of @type after @last, in a variadic libc function
 * that takes one more (open's mode, ioctl's and fcntl's argument).
 */
#define SG_VA_ARG(last, type, arg) \
	do { \
		va_list ap_; \
		va_start(ap_, last); \
		(arg) = va_arg(ap_, type); \
		va_end(ap_); \
	} while (0)

#define SG_MAJOR 11		/* SCSI CD-ROM (sr) block devices */
#define SG_BLOCK CD_DATA_SIZE	/* the sr driver's logical block: Mode 1 user data */

struct cdrom_generic_command;
struct emu_drive;
struct sg_io_hdr;
struct statx;

/* libc's own functions, found with dlsym(RTLD_NEXT) (sg-libc.c). */
struct sg_libc {
	int (*open)(const char *, int, ...);
	int (*open64)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*openat64)(int, const char *, int, ...);
	int (*close)(int);
	int (*ioctl)(int, unsigned long, ...);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*pread)(int, void *, size_t, off_t);
	ssize_t (*pread64)(int, void *, size_t, off64_t);
	off_t (*lseek)(int, off_t, int);
	off64_t (*lseek64)(int, off64_t, int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*stat)(const char *, struct stat *);
	int (*stat64)(const char *, struct stat64 *);
	int (*lstat)(const char *, struct stat *);
	int (*lstat64)(const char *, struct stat64 *);
	int (*fstat)(int, struct stat *);
	int (*fstat64)(int, struct stat64 *);
	int (*fstatat)(int, const char *, struct stat *, int);
	int (*fstatat64)(int, const char *, struct stat64 *, int);
	int (*statx)(int, const char *, int, unsigned, struct statx *);
	int (*xstat)(int, const char *, struct stat *);
	int (*xstat64)(int, const char *, struct stat64 *);
	int (*lxstat)(int, const char *, struct stat *);
	int (*lxstat64)(int, const char *, struct stat64 *);
	int (*fxstat)(int, int, struct stat *);
	int (*fxstat64)(int, int, struct stat64 *);
	int (*fxstatat)(int, int, const char *, struct stat *, int);
	int (*fxstatat64)(int, int, const char *, struct stat64 *, int);
	FILE *(*fopen)(const char *, const char *);
	FILE *(*fopen64)(const char *, const char *);
};

extern struct sg_libc sg_libc;

/*
 * Makes the library ready: finds libc's functions and reads the settings,
 * once per process. Every interposed entry point calls it first.
 */
void sg_libc_ready(void);

/* Settings, read once from the environment (sg-config.c). */
struct sg_config {
	const char *path;	/* BURNFS_SG_PATH; NULL: the interposer stays out of the way */
	bool debug;		/* BURNFS_SG_DEBUG */
	bool node_known;	/* the path existed at start: match it by inode too */
	dev_t node_dev;
	ino_t node_ino;
	dev_t rdev;		/* what stat reports as the device number */
};

extern struct sg_config sg_config;

/* Reads the environment; called once, by sg_libc_ready(). */
void sg_config_load(void);

/* An environment variable's value; NULL when it is unset or empty. */
const char *sg_config_env(const char *name);

/* True when @path (relative to @dirfd) names the emulated device node. */
bool sg_config_is_node(int dirfd, const char *path);

/* The path exactly as configured (lstat: a symlink to the node is not the node). */
bool sg_config_is_path(const char *path);

/* A line on stderr when BURNFS_SG_DEBUG is set. */
void sg_config_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The emulator (sg-emu.c). It is burnfs code running inside this library,
 * and it opens, locks, stats, reads and closes the files of its directory
 * with the very libc calls the library interposes. Those calls must reach
 * libc, never the device emulation (the emulator would otherwise find one
 * of its own descriptors taken for the device's, or open "the device").
 *
 * So there is one rule and one mechanism: the library calls burnfs code
 * (the emulator) only through the sg_emu_* functions
 * below, and each of them marks the calling thread as inside burnfs (a
 * thread-local flag) for the length of the call. While a thread is inside,
 * every interposed entry point passes its call straight to libc:
 * sg_config_is_node()/sg_config_is_path() and sg_fd_lookup() say no. Other
 * threads are not affected. sg-emu.c is the only file that includes emu.h.
 */

/* True while this thread runs burnfs code on the library's behalf. */
bool sg_emu_inside(void);

/*
 * Reads BURNFS_SG_EMU, BURNFS_SG_MEDIA, BURNFS_SG_SPEED, BURNFS_SG_FAULT;
 * false when no emulator directory is given. Called once, by sg_config_load().
 */
bool sg_emu_configure(void);

/* The emulator directory (BURNFS_SG_EMU), for messages. */
const char *sg_emu_dir(void);

/*
 * Opens a handle on the emulated drive for an open of @path (named in the
 * debug trace); the first open of the process inserts BURNFS_SG_MEDIA's
 * disc. With sg_fd_mu held. *@out is the caller's: sg_emu_close(). 0 or
 * -ENXIO, what opening a node with no device behind it says.
 */
int sg_emu_open(const char *path, struct emu_drive **out);
void sg_emu_close(struct emu_drive *d);

/* emu_drive_exec(): 0 with cmd->status and sense filled in, or -errno. */
int sg_emu_exec(struct emu_drive *d, struct mmc_cmd *cmd);

/* Takes the emulator's exclusive access: 0, or -EBUSY while another holds it. */
int sg_emu_lock(struct emu_drive *d);
void sg_emu_unlock(struct emu_drive *d);

/* Who holds the exclusive access, seen from @d: 0 nobody (or @d), else a pid (-1 unknown). */
pid_t sg_emu_holder(struct emu_drive *d);

/* An open of the device: shared by the descriptors dup() makes of it. */
struct sg_handle {
	int refs;			/* descriptors sharing it (dup) */
	struct emu_drive *drive;
	pid_t pid;			/* the process that opened it */
	bool writable;			/* opened for writing: write-class commands allowed */
	bool excl;			/* O_EXCL: holds exclusive access until the last close */
	bool ofd_lock;			/* an F_OFD_SETLK write lock */
	int options;			/* CDROM_SET_OPTIONS bits */
	int sg_timeout;			/* SG_SET_TIMEOUT, in ticks */
	int reserved_size;		/* SG_SET_RESERVED_SIZE */
	pthread_mutex_t pos_mu;
	off64_t pos;			/* read()/lseek() position, shared by dups */
};

/*
 * The table of descriptors (sg-fd.c). sg_fd_mu guards the table, every
 * handle's refs, excl and ofd_lock, and the process's POSIX lock (sg-lock.c).
 */
extern pthread_mutex_t sg_fd_mu;

/* Opens the device for @path with open(2) @flags: a descriptor, or -1 with errno. */
int sg_fd_open(const char *path, int flags);

/* The handle behind @fd, or NULL (always NULL inside burnfs code); a fast no when none is open. */
struct sg_handle *sg_fd_lookup(int fd);

/* Removes @fd from the table; the last descriptor of a handle closes it. */
void sg_fd_forget(int fd);

/*
 * Registers @newfd, just made by a dup of @oldfd, as another descriptor of
 * @oldfd's handle. Returns @newfd, or -1 with errno (and @newfd closed).
 */
int sg_fd_dup(int oldfd, int newfd);

/* With sg_fd_mu held: true when a handle of this process holds O_EXCL or an OFD lock. */
bool sg_fd_process_claims(void);

/* Exclusive access (sg-lock.c), all with sg_fd_mu held. */

/* Takes the emulator's exclusive access for @h unless it has it: 0 or -EBUSY. */
int sg_lock_take(struct sg_handle *h);

/* Closing any descriptor of the device drops this process's POSIX lock. */
void sg_lock_drop_posix(void);

/* @h is being freed: it no longer carries the POSIX lock. */
void sg_lock_forget(struct sg_handle *h);

/* In a forked child: fcntl record locks are not inherited (O_EXCL and OFD holders are). */
void sg_lock_after_fork(void);

/* Commands (sg-io.c). */

/* Runs a command the kernel's cdrom layer builds for one of its ioctls: 0 GOOD, else -EIO. */
int sg_io_command(struct sg_handle *h, struct mmc_cmd *cmd);

/* CDROM_SEND_PACKET and SG_IO: the program's CDB to the emulator. 0 or -errno. */
int sg_io_packet(struct sg_handle *h, struct cdrom_generic_command *cgc);
int sg_io_request(struct sg_handle *h, struct sg_io_hdr *io);

/* The disc's size in 2048-byte blocks (sg-ioctl.c): a recorded disc's lead-out, else 0. */
uint64_t sg_ioctl_capacity(struct sg_handle *h);
