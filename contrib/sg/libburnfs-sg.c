/*
 * libburnfs-sg.so: a TEST interposer (contrib/sg/README.md).
 *
 * Preloaded into any program, it makes one path (BURNFS_SG_PATH) behave
 * like a Linux SCSI CD recorder whose drive is the emulated recorder of an
 * emu directory (BURNFS_SG_EMU): open/close/stat of that path, the ioctls
 * libcdio, cdrdao and libburn send to /dev/srN, O_EXCL and fcntl locks.
 * Every CDB goes to emu_drive_exec() unchanged, so the tools see exactly
 * what the emulator answers; the interposer itself knows no MMC command
 * except the few the kernel's cdrom layer builds for its own ioctls.
 *
 * A descriptor of the path is a real descriptor of /dev/null (so poll,
 * close, dup and fork behave) registered in a small table that maps it to
 * an emulator handle. Everything else passes straight through.
 */
#include "config.h"

/*
 * This file defines open and open64, stat and stat64, fcntl and fcntl64
 * as separate symbols, so the large-file renaming must be off here.
 */
#undef _FILE_OFFSET_BITS

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/cdrom.h>
#include <linux/fs.h>
#include <scsi/scsi.h>
#include <scsi/sg.h>

#include "emu.h"
#include "owner.h"

#define SG_EXPORT __attribute__((visibility("default")))

#define SG_MAJOR 11		/* SCSI CD-ROM (sr) block devices */
#define SG_VERSION 30536	/* what SG_GET_VERSION_NUM says on current kernels */
#define SG_SENSE_STRUCT_LEN 64	/* sizeof(struct request_sense) */
#define SG_SETLKW_POLL_MS 100	/* a blocking lock polls the emulator's lock */
#define SG_BLOCK 2048		/* logical block size of a CD */
#ifndef SG_DXFER_UNKNOWN
#define SG_DXFER_UNKNOWN (-5)	/* <scsi/sg.h> of glibc lacks it; the kernel has it */
#endif

/* ---- the real functions ---- */

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_fcntl)(int, int, ...);
static int (*real_fcntl64)(int, int, ...);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off64_t);
static off_t (*real_lseek)(int, off_t, int);
static off64_t (*real_lseek64)(int, off64_t, int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_stat)(const char *, struct stat *);
static int (*real_stat64)(const char *, struct stat64 *);
static int (*real_lstat)(const char *, struct stat *);
static int (*real_lstat64)(const char *, struct stat64 *);
static int (*real_fstat)(int, struct stat *);
static int (*real_fstat64)(int, struct stat64 *);
static int (*real_fstatat)(int, const char *, struct stat *, int);
static int (*real_fstatat64)(int, const char *, struct stat64 *, int);
static int (*real_statx)(int, const char *, int, unsigned, struct statx *);
static int (*real_xstat)(int, const char *, struct stat *);
static int (*real_xstat64)(int, const char *, struct stat64 *);
static int (*real_lxstat)(int, const char *, struct stat *);
static int (*real_lxstat64)(int, const char *, struct stat64 *);
static int (*real_fxstat)(int, int, struct stat *);
static int (*real_fxstat64)(int, int, struct stat64 *);
static int (*real_fxstatat)(int, int, const char *, struct stat *, int);
static int (*real_fxstatat64)(int, int, const char *, struct stat64 *, int);

/* ---- configuration (environment, read once) ---- */

static struct {
	const char *path;	/* BURNFS_SG_PATH; NULL: the interposer stays out of the way */
	const char *emu_dir;	/* BURNFS_SG_EMU */
	const char *media;	/* BURNFS_SG_MEDIA: a fresh disc at the first open */
	unsigned speed;		/* BURNFS_SG_SPEED: pacing, N x real time */
	struct emu_config faults;	/* BURNFS_SG_FAULT: as -o emu_fault= */
	bool debug;		/* BURNFS_SG_DEBUG */
	bool node_known;	/* the path existed at start: match it by inode too */
	dev_t node_dev;
	ino_t node_ino;
	dev_t rdev;		/* what stat reports as the device number */
} sg_cfg;

static pthread_once_t sg_once = PTHREAD_ONCE_INIT;

/* Calls made from inside the emulator pass straight through. */
static __thread int sg_depth;

static void *
sg_sym(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static void
sg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sg_debug(const char *fmt, ...)
{
	va_list ap;

	if (!sg_cfg.debug)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "burnfs-sg[%d]: ", (int)getpid());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void
sg_init(void)
{
	struct stat sb;
	const char *v;

	real_open = sg_sym("open");
	real_open64 = sg_sym("open64");
	real_openat = sg_sym("openat");
	real_openat64 = sg_sym("openat64");
	real_close = sg_sym("close");
	real_ioctl = sg_sym("ioctl");
	real_fcntl = sg_sym("fcntl");
	real_fcntl64 = sg_sym("fcntl64");
	real_read = sg_sym("read");
	real_pread = sg_sym("pread");
	real_pread64 = sg_sym("pread64");
	real_lseek = sg_sym("lseek");
	real_lseek64 = sg_sym("lseek64");
	real_dup = sg_sym("dup");
	real_dup2 = sg_sym("dup2");
	real_dup3 = sg_sym("dup3");
	real_stat = sg_sym("stat");
	real_stat64 = sg_sym("stat64");
	real_lstat = sg_sym("lstat");
	real_lstat64 = sg_sym("lstat64");
	real_fstat = sg_sym("fstat");
	real_fstat64 = sg_sym("fstat64");
	real_fstatat = sg_sym("fstatat");
	real_fstatat64 = sg_sym("fstatat64");
	real_statx = sg_sym("statx");
	real_xstat = sg_sym("__xstat");
	real_xstat64 = sg_sym("__xstat64");
	real_lxstat = sg_sym("__lxstat");
	real_lxstat64 = sg_sym("__lxstat64");
	real_fxstat = sg_sym("__fxstat");
	real_fxstat64 = sg_sym("__fxstat64");
	real_fxstatat = sg_sym("__fxstatat");
	real_fxstatat64 = sg_sym("__fxstatat64");
	if (!real_fcntl64)
		real_fcntl64 = real_fcntl;

	v = getenv("BURNFS_SG_DEBUG");
	sg_cfg.debug = v && *v && strcmp(v, "0") != 0;
	v = getenv("BURNFS_SG_PATH");
	sg_cfg.path = v && *v ? v : NULL;
	v = getenv("BURNFS_SG_EMU");
	sg_cfg.emu_dir = v && *v ? v : NULL;
	v = getenv("BURNFS_SG_MEDIA");
	sg_cfg.media = v && *v ? v : NULL;
	if (sg_cfg.path && !sg_cfg.emu_dir) {
		sg_debug("BURNFS_SG_PATH without BURNFS_SG_EMU: not interposing");
		sg_cfg.path = NULL;
	}
	v = getenv("BURNFS_SG_SPEED");
	if (v && *v)
		sg_cfg.speed = (unsigned)strtoul(v, NULL, 10);
	v = getenv("BURNFS_SG_FAULT");
	if (v && *v && emu_fault_parse(v, &sg_cfg.faults) < 0) {
		sg_debug("BURNFS_SG_FAULT=%s is not a fault list: ignored", v);
		memset(&sg_cfg.faults, 0, sizeof(sg_cfg.faults));
	}
	if (sg_cfg.media && !emu_media_kind_valid(sg_cfg.media)) {
		sg_debug("BURNFS_SG_MEDIA=%s is not a media kind: ignored", sg_cfg.media);
		sg_cfg.media = NULL;
	}
	sg_cfg.rdev = makedev(SG_MAJOR, 0);
	if (sg_cfg.path && real_stat && real_stat(sg_cfg.path, &sb) == 0) {
		sg_cfg.node_known = true;
		sg_cfg.node_dev = sb.st_dev;
		sg_cfg.node_ino = sb.st_ino;
		if (S_ISBLK(sb.st_mode))
			sg_cfg.rdev = sb.st_rdev;
	}
	if (sg_cfg.path)
		sg_debug("%s is the emulated recorder in %s", sg_cfg.path, sg_cfg.emu_dir);
}

static bool
sg_active(void)
{
	pthread_once(&sg_once, sg_init);
	return sg_cfg.path && sg_depth == 0;
}

/* ---- which paths are the device ---- */

/* True when @path (relative to @dirfd) names the emulated device node. */
static bool
sg_is_node(int dirfd, const char *path)
{
	struct stat sb;
	int ret;

	if (!path || !*path || !sg_active())
		return false;
	if (strcmp(path, sg_cfg.path) == 0)
		return true;
	if (!sg_cfg.node_known)
		return false;
	/* another spelling of the same node (relative, a symlink, /./) */
	sg_depth++;
	ret = dirfd == AT_FDCWD ? real_stat(path, &sb) : real_fstatat(dirfd, path, &sb, 0);
	sg_depth--;
	return ret == 0 && sb.st_dev == sg_cfg.node_dev && sb.st_ino == sg_cfg.node_ino;
}

/* The path exactly as configured (lstat: a symlink to the node is not the node). */
static bool
sg_is_path(const char *path)
{
	return sg_active() && path && strcmp(path, sg_cfg.path) == 0;
}

/* ---- open descriptors of the device ---- */

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

struct sg_fd {
	int fd;
	struct sg_handle *h;
};

#define SG_MAX_FDS 64

static pthread_mutex_t sg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sg_fd sg_fds[SG_MAX_FDS];
static atomic_int sg_nfds;
static bool sg_media_applied;
/*
 * POSIX record locks belong to the process, not to a descriptor: at most
 * one per process, dropped when the process closes any descriptor of the
 * device. posix_holder is the handle whose emulator lock carries it, or
 * NULL when an O_EXCL/OFD holder in this process already excludes others.
 */
static bool posix_locked;
static struct sg_handle *posix_holder;

static void
sg_atfork_prepare(void)
{
	pthread_mutex_lock(&sg_mu);
}

static void
sg_atfork_parent(void)
{
	pthread_mutex_unlock(&sg_mu);
}

/* fcntl record locks are not inherited; O_EXCL and OFD holders are (shared). */
static void
sg_atfork_child(void)
{
	posix_locked = false;
	posix_holder = NULL;
	pthread_mutex_unlock(&sg_mu);
}

__attribute__((constructor)) static void
sg_constructor(void)
{
	pthread_atfork(sg_atfork_prepare, sg_atfork_parent, sg_atfork_child);
}

/* With sg_mu held. */
static struct sg_fd *
sg_slot(int fd)
{
	for (int i = 0; i < SG_MAX_FDS; i++)
		if (sg_fds[i].h && sg_fds[i].fd == fd)
			return &sg_fds[i];
	return NULL;
}

/* The handle behind @fd, or NULL; a fast no when nothing is open. */
static struct sg_handle *
sg_lookup(int fd)
{
	struct sg_fd *s;
	struct sg_handle *h;

	if (atomic_load(&sg_nfds) == 0 || sg_depth)
		return NULL;
	pthread_mutex_lock(&sg_mu);
	s = sg_slot(fd);
	h = s ? s->h : NULL;
	pthread_mutex_unlock(&sg_mu);
	return h;
}

/* With sg_mu held. */
static int
sg_register(int fd, struct sg_handle *h)
{
	for (int i = 0; i < SG_MAX_FDS; i++) {
		if (!sg_fds[i].h) {
			sg_fds[i].fd = fd;
			sg_fds[i].h = h;
			h->refs++;
			atomic_fetch_add(&sg_nfds, 1);
			return 0;
		}
	}
	return -EMFILE;
}

/* With sg_mu held: true when some handle of this process holds the drive. */
static bool
sg_process_holds(void)
{
	for (int i = 0; i < SG_MAX_FDS; i++) {
		struct sg_handle *h = sg_fds[i].h;

		if (h && h->pid == getpid() && (h->excl || h->ofd_lock))
			return true;
	}
	return posix_locked;
}

static bool
sg_handle_holds(const struct sg_handle *h)
{
	return h->excl || h->ofd_lock || (posix_locked && posix_holder == h);
}

/* Takes the emulator's exclusive access for @h unless it has it. With sg_mu held. */
static int
sg_take(struct sg_handle *h)
{
	struct burn_error err;
	int ret;

	if (sg_handle_holds(h))
		return 0;
	sg_depth++;
	ret = emu_drive_lock(h->drive, NULL, &err);
	sg_depth--;
	return ret < 0 ? -EBUSY : 0;
}

/* Drops the emulator lock of @h if nothing needs it any more. With sg_mu held. */
static void
sg_release_if_unused(struct sg_handle *h)
{
	if (!h || sg_handle_holds(h))
		return;
	sg_depth++;
	emu_drive_unlock(h->drive);
	sg_depth--;
}

/* Closing any descriptor of the device drops this process's POSIX lock. */
static void
sg_drop_posix_lock(void)
{
	struct sg_handle *holder = posix_holder;

	if (!posix_locked)
		return;
	posix_locked = false;
	posix_holder = NULL;
	sg_release_if_unused(holder);
}

static int
sg_open_node(const char *path, int flags)
{
	struct emu_config cfg = sg_cfg.faults;
	struct burn_error err;
	struct sg_handle *h;
	int fd, ret;

	if (flags & O_DIRECTORY) {
		errno = ENOTDIR;
		return -1;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		errno = ENOMEM;
		return -1;
	}
	h->pid = getpid();
	pthread_mutex_init(&h->pos_mu, NULL);
	h->writable = (flags & O_ACCMODE) != O_RDONLY;
	h->options = CDO_USE_FFLAGS | CDO_AUTO_CLOSE | CDO_LOCK;	/* the kernel's defaults */
	h->reserved_size = SG_DEF_RESERVED_SIZE;
	pthread_mutex_lock(&sg_mu);
	cfg.media = !sg_media_applied && sg_cfg.media ? sg_cfg.media : NULL;
	cfg.speed = sg_cfg.speed;
	sg_depth++;
	ret = emu_drive_open(sg_cfg.emu_dir, &cfg, &h->drive, &err);
	sg_depth--;
	if (ret < 0) {
		sg_debug("open %s: the emulator in %s: %s", path, sg_cfg.emu_dir, err.reason);
		pthread_mutex_unlock(&sg_mu);
		free(h);
		errno = ENXIO;	/* what opening a node with no device behind it says */
		return -1;
	}
	sg_media_applied = true;
	fd = real_open("/dev/null", O_RDWR | (flags & (O_CLOEXEC | O_NONBLOCK)));
	if (fd < 0) {
		ret = -errno;
		goto out_close;
	}
	if (flags & O_EXCL) {
		/* O_EXCL on a block device: refused while anyone else has it claimed */
		ret = sg_take(h);
		if (ret < 0)
			goto out_close_fd;
		h->excl = true;
	}
	ret = sg_register(fd, h);
	if (ret < 0)
		goto out_close_fd;
	pthread_mutex_unlock(&sg_mu);
	sg_debug("open %s flags 0%o -> fd %d%s", path, (unsigned)flags, fd,
		 h->excl ? " (exclusive)" : "");
	return fd;
out_close_fd:
	real_close(fd);
out_close:
	sg_depth++;
	emu_drive_close(h->drive);
	sg_depth--;
	pthread_mutex_unlock(&sg_mu);
	free(h);
	sg_debug("open %s flags 0%o: %s", path, (unsigned)flags, strerror(-ret));
	errno = -ret;
	return -1;
}

/* Removes @fd from the table; frees its handle with the last descriptor. */
static void
sg_forget(int fd)
{
	struct sg_handle *h = NULL;
	struct sg_fd *s;

	pthread_mutex_lock(&sg_mu);
	s = sg_slot(fd);
	if (s) {
		h = s->h;
		s->h = NULL;
		atomic_fetch_sub(&sg_nfds, 1);
		if (h->pid == getpid())
			sg_drop_posix_lock();
		if (--h->refs > 0) {
			h = NULL;
		} else if (h->pid != getpid()) {
			/*
			 * A forked child closing what it inherited: the drive
			 * handle (and its exclusive access, an OFD lock the
			 * two share) stays the parent's.
			 */
			free(h);
			h = NULL;
		} else if (posix_holder == h) {
			posix_holder = NULL;
		}
	}
	if (h) {
		sg_depth++;
		emu_drive_close(h->drive);
		sg_depth--;
		pthread_mutex_destroy(&h->pos_mu);
		free(h);
	}
	pthread_mutex_unlock(&sg_mu);
	if (s)
		sg_debug("close fd %d", fd);
}

/* ---- open ---- */

static int
sg_open_common(int dirfd, const char *path, int flags, mode_t mode,
	       int (*real)(const char *, int, ...), int (*real_at)(int, const char *, int, ...))
{
	/* O_CREAT makes O_EXCL mean "create"; the node exists, let the kernel say so */
	if (!(flags & O_CREAT) && sg_is_node(dirfd, path))
		return sg_open_node(path, flags);
	if (dirfd == AT_FDCWD && real)
		return real(path, flags, mode);
	return real_at(dirfd, path, flags, mode);
}

static mode_t
sg_mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

SG_EXPORT int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = sg_mode_arg(flags, ap);
	va_end(ap);
	pthread_once(&sg_once, sg_init);
	return sg_open_common(AT_FDCWD, path, flags, mode, real_open, real_openat);
}

SG_EXPORT int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = sg_mode_arg(flags, ap);
	va_end(ap);
	pthread_once(&sg_once, sg_init);
	return sg_open_common(AT_FDCWD, path, flags, mode, real_open64, real_openat64);
}

SG_EXPORT int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = sg_mode_arg(flags, ap);
	va_end(ap);
	pthread_once(&sg_once, sg_init);
	return sg_open_common(dirfd, path, flags, mode, NULL, real_openat);
}

SG_EXPORT int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = sg_mode_arg(flags, ap);
	va_end(ap);
	pthread_once(&sg_once, sg_init);
	return sg_open_common(dirfd, path, flags, mode, NULL, real_openat64);
}

/* The _FORTIFY_SOURCE entry points (no mode: they are for opens without O_CREAT). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

SG_EXPORT int
__open_2(const char *path, int flags)
{
	return open(path, flags);
}

SG_EXPORT int
__open64_2(const char *path, int flags)
{
	return open64(path, flags);
}

SG_EXPORT int
__openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

SG_EXPORT int
__openat64_2(int dirfd, const char *path, int flags)
{
	return openat64(dirfd, path, flags);
}

/* ---- close, dup ---- */

SG_EXPORT int
close(int fd)
{
	pthread_once(&sg_once, sg_init);
	if (sg_lookup(fd))
		sg_forget(fd);
	return real_close(fd);
}

/* Registers @newfd as another descriptor of @oldfd's handle. */
static int
sg_dup_register(int oldfd, int newfd)
{
	struct sg_fd *s;

	if (newfd < 0)
		return newfd;
	pthread_mutex_lock(&sg_mu);
	s = sg_slot(oldfd);
	if (s && !sg_slot(newfd) && sg_register(newfd, s->h) < 0) {
		pthread_mutex_unlock(&sg_mu);
		real_close(newfd);
		errno = EMFILE;
		return -1;
	}
	pthread_mutex_unlock(&sg_mu);
	return newfd;
}

SG_EXPORT int
dup(int fd)
{
	pthread_once(&sg_once, sg_init);
	if (!sg_lookup(fd))
		return real_dup(fd);
	return sg_dup_register(fd, real_dup(fd));
}

SG_EXPORT int
dup2(int fd, int newfd)
{
	pthread_once(&sg_once, sg_init);
	if (fd != newfd && sg_lookup(newfd))
		sg_forget(newfd);
	if (!sg_lookup(fd))
		return real_dup2(fd, newfd);
	if (fd == newfd)
		return newfd;
	return sg_dup_register(fd, real_dup2(fd, newfd));
}

SG_EXPORT int
dup3(int fd, int newfd, int flags)
{
	pthread_once(&sg_once, sg_init);
	if (fd != newfd && sg_lookup(newfd))
		sg_forget(newfd);
	if (!sg_lookup(fd))
		return real_dup3(fd, newfd, flags);
	return sg_dup_register(fd, real_dup3(fd, newfd, flags));
}

/* ---- stat: the path and its descriptors are a block device ---- */

/*
 * Fills the fields that make it a CD device. @real_ok says whether the
 * path had something to stat; if not, the rest is made up.
 */
#define SG_FAKE_STAT(sb, real_ok) \
	do { \
		if (!(real_ok)) { \
			memset((sb), 0, sizeof(*(sb))); \
			(sb)->st_mode = S_IFBLK | 0660; \
			(sb)->st_nlink = 1; \
			(sb)->st_blksize = SG_BLOCK; \
		} else if (!S_ISBLK((sb)->st_mode)) { \
			(sb)->st_mode = S_IFBLK | ((sb)->st_mode & 07777); \
			(sb)->st_size = 0; \
		} \
		(sb)->st_rdev = sg_cfg.rdev; \
	} while (0)

static int
sg_node_stat(struct stat *sb)
{
	int ret;

	sg_depth++;
	ret = real_stat(sg_cfg.path, sb);
	sg_depth--;
	SG_FAKE_STAT(sb, ret == 0);
	return 0;
}

static int
sg_node_stat64(struct stat64 *sb)
{
	int ret;

	sg_depth++;
	ret = real_stat64(sg_cfg.path, sb);
	sg_depth--;
	SG_FAKE_STAT(sb, ret == 0);
	return 0;
}

SG_EXPORT int
stat(const char *path, struct stat *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_is_node(AT_FDCWD, path))
		return sg_node_stat(sb);
	return real_stat(path, sb);
}

SG_EXPORT int
stat64(const char *path, struct stat64 *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_is_node(AT_FDCWD, path))
		return sg_node_stat64(sb);
	return real_stat64(path, sb);
}

SG_EXPORT int
lstat(const char *path, struct stat *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_is_path(path))
		return sg_node_stat(sb);
	return real_lstat(path, sb);
}

SG_EXPORT int
lstat64(const char *path, struct stat64 *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_is_path(path))
		return sg_node_stat64(sb);
	return real_lstat64(path, sb);
}

SG_EXPORT int
fstat(int fd, struct stat *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_lookup(fd))
		return sg_node_stat(sb);
	return real_fstat(fd, sb);
}

SG_EXPORT int
fstat64(int fd, struct stat64 *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_lookup(fd))
		return sg_node_stat64(sb);
	return real_fstat64(fd, sb);
}

/* fstatat(fd, "", AT_EMPTY_PATH) is how glibc and statx-era code say fstat. */
static bool
sg_at_is_node(int dirfd, const char *path, int flags)
{
	pthread_once(&sg_once, sg_init);
	if (path && !*path && (flags & AT_EMPTY_PATH))
		return sg_lookup(dirfd) != NULL;
	if (flags & AT_SYMLINK_NOFOLLOW)
		return sg_is_path(path);
	return sg_is_node(dirfd, path);
}

SG_EXPORT int
fstatat(int dirfd, const char *path, struct stat *sb, int flags)
{
	if (sg_at_is_node(dirfd, path, flags))
		return sg_node_stat(sb);
	return real_fstatat(dirfd, path, sb, flags);
}

SG_EXPORT int
fstatat64(int dirfd, const char *path, struct stat64 *sb, int flags)
{
	if (sg_at_is_node(dirfd, path, flags))
		return sg_node_stat64(sb);
	return real_fstatat64(dirfd, path, sb, flags);
}

SG_EXPORT int
statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *sx)
{
	struct stat64 sb;

	if (!sg_at_is_node(dirfd, path, flags))
		return real_statx(dirfd, path, flags, mask, sx);
	sg_node_stat64(&sb);
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = (uint32_t)sb.st_blksize;
	sx->stx_nlink = (uint32_t)sb.st_nlink;
	sx->stx_uid = sb.st_uid;
	sx->stx_gid = sb.st_gid;
	sx->stx_mode = (uint16_t)sb.st_mode;
	sx->stx_ino = sb.st_ino;
	sx->stx_size = (uint64_t)sb.st_size;
	sx->stx_blocks = (uint64_t)sb.st_blocks;
	sx->stx_atime.tv_sec = sb.st_atim.tv_sec;
	sx->stx_mtime.tv_sec = sb.st_mtim.tv_sec;
	sx->stx_ctime.tv_sec = sb.st_ctim.tv_sec;
	sx->stx_rdev_major = major(sb.st_rdev);
	sx->stx_rdev_minor = minor(sb.st_rdev);
	sx->stx_dev_major = major(sb.st_dev);
	sx->stx_dev_minor = minor(sb.st_dev);
	return 0;
}

/* The pre-2.33 glibc entry points, still used by older binaries. */
int __xstat(int ver, const char *path, struct stat *sb);
int __xstat64(int ver, const char *path, struct stat64 *sb);
int __lxstat(int ver, const char *path, struct stat *sb);
int __lxstat64(int ver, const char *path, struct stat64 *sb);
int __fxstat(int ver, int fd, struct stat *sb);
int __fxstat64(int ver, int fd, struct stat64 *sb);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *sb, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *sb, int flags);

SG_EXPORT int
__xstat(int ver, const char *path, struct stat *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_is_node(AT_FDCWD, path))
		return sg_node_stat(sb);
	return real_xstat(ver, path, sb);
}

SG_EXPORT int
__xstat64(int ver, const char *path, struct stat64 *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_is_node(AT_FDCWD, path))
		return sg_node_stat64(sb);
	return real_xstat64(ver, path, sb);
}

SG_EXPORT int
__lxstat(int ver, const char *path, struct stat *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_is_path(path))
		return sg_node_stat(sb);
	return real_lxstat(ver, path, sb);
}

SG_EXPORT int
__lxstat64(int ver, const char *path, struct stat64 *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_is_path(path))
		return sg_node_stat64(sb);
	return real_lxstat64(ver, path, sb);
}

SG_EXPORT int
__fxstat(int ver, int fd, struct stat *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_lookup(fd))
		return sg_node_stat(sb);
	return real_fxstat(ver, fd, sb);
}

SG_EXPORT int
__fxstat64(int ver, int fd, struct stat64 *sb)
{
	pthread_once(&sg_once, sg_init);
	if (sg_lookup(fd))
		return sg_node_stat64(sb);
	return real_fxstat64(ver, fd, sb);
}

SG_EXPORT int
__fxstatat(int ver, int dirfd, const char *path, struct stat *sb, int flags)
{
	if (sg_at_is_node(dirfd, path, flags))
		return sg_node_stat(sb);
	return real_fxstatat(ver, dirfd, path, sb, flags);
}

SG_EXPORT int
__fxstatat64(int ver, int dirfd, const char *path, struct stat64 *sb, int flags)
{
	if (sg_at_is_node(dirfd, path, flags))
		return sg_node_stat64(sb);
	return real_fxstatat64(ver, dirfd, path, sb, flags);
}

/* ---- commands ---- */

/*
 * Opcodes the kernel lets through only on a descriptor opened for writing
 * (scsi_cmd_allowed(), reference/mmc.md §12); the rest of the write class.
 */
static bool
sg_needs_write_open(uint8_t op)
{
	switch (op) {
	case 0x04:	/* FORMAT UNIT */
	case 0x1e:	/* PREVENT ALLOW MEDIUM REMOVAL */
	case 0x2a:	/* WRITE(10) */
	case 0x2e:	/* WRITE AND VERIFY(10) */
	case 0x35:	/* SYNCHRONIZE CACHE */
	case 0x53:	/* RESERVE TRACK */
	case 0x54:	/* SEND OPC */
	case 0x55:	/* MODE SELECT(10) */
	case 0x5b:	/* CLOSE TRACK/SESSION */
	case 0x5d:	/* SEND CUE SHEET */
	case 0xa1:	/* BLANK */
	case 0xa6:	/* LOAD/UNLOAD MEDIUM */
	case 0xaa:	/* WRITE(12) */
	case 0xb6:	/* SET STREAMING */
	case 0xbb:	/* SET CD SPEED */
		return true;
	default:
		return false;
	}
}

/* Runs @cmd on @h's drive: 0 (status in cmd) or -errno as the kernel would. */
static int
sg_exec(struct sg_handle *h, struct mmc_cmd *cmd)
{
	int ret;

	if (!h->writable && sg_needs_write_open(cmd->cdb[0]))
		return -EPERM;
	sg_depth++;
	ret = emu_drive_exec(h->drive, cmd);
	sg_depth--;
	if (sg_cfg.debug) {
		char cdb[3 * 16 + 1] = "";

		for (unsigned i = 0; i < cmd->cdb_len && i < 16; i++)
			snprintf(cdb + 3 * i, 4, "%02x ", cmd->cdb[i]);
		if (ret < 0)
			sg_debug("cdb %s-> %s", cdb, strerror(-ret));
		else if (cmd->status)
			sg_debug("cdb %s-> CHECK CONDITION %x/%02x/%02x", cdb, cmd->sense[2] & 0x0f,
				 cmd->sense[12], cmd->sense[13]);
		else
			sg_debug("cdb %s-> GOOD, %zu bytes", cdb, cmd->xfer);
	}
	return ret < 0 ? -EIO : 0;
}

/* A command the kernel's cdrom layer builds for one of its ioctls. */
static int
sg_simple(struct sg_handle *h, const uint8_t *cdb, uint8_t cdb_len, void *buf, size_t len,
	  struct mmc_cmd *out)
{
	struct mmc_cmd cmd = { 0 };
	int ret;

	memcpy(cmd.cdb, cdb, cdb_len);
	cmd.cdb_len = cdb_len;
	cmd.dir = len ? MMC_DIR_IN : MMC_DIR_NONE;
	cmd.buf = buf;
	cmd.len = len;
	cmd.timeout_ms = MMC_TIMEOUT_DEFAULT_MS;
	/* the kernel retries a unit attention once, as sr's own commands do */
	for (int tries = 0; tries < 2; tries++) {
		sg_depth++;
		ret = emu_drive_exec(h->drive, &cmd);
		sg_depth--;
		if (ret < 0)
			return -EIO;
		if (cmd.status == MMC_STATUS_GOOD || (cmd.sense[2] & 0x0f) != 0x06)
			break;
	}
	if (out)
		*out = cmd;
	return cmd.status == MMC_STATUS_GOOD ? 0 : -EIO;
}

static int
sg_send_packet(struct sg_handle *h, struct cdrom_generic_command *cgc)
{
	struct mmc_cmd cmd = { 0 };
	int ret;

	if (!cgc)
		return -EFAULT;
	/* CDROM_SEND_PACKET always carries a 12-byte CDB (mmc.md §12) */
	memcpy(cmd.cdb, cgc->cmd, CDROM_PACKET_SIZE);
	cmd.cdb_len = CDROM_PACKET_SIZE;
	switch (cgc->data_direction) {
	case CGC_DATA_WRITE:
		cmd.dir = MMC_DIR_OUT;
		break;
	case CGC_DATA_NONE:
		cmd.dir = MMC_DIR_NONE;
		break;
	default:	/* CGC_DATA_READ, and UNKNOWN, which the kernel reads */
		cmd.dir = cgc->buflen ? MMC_DIR_IN : MMC_DIR_NONE;
		break;
	}
	cmd.buf = cmd.dir == MMC_DIR_NONE ? NULL : cgc->buffer;
	cmd.len = cmd.dir == MMC_DIR_NONE ? 0 : cgc->buflen;
	cmd.timeout_ms = MMC_TIMEOUT_DEFAULT_MS;
	ret = sg_exec(h, &cmd);
	if (ret < 0)
		return ret;
	cgc->stat = cmd.status;
	if (cmd.status == MMC_STATUS_GOOD)
		return 0;
	if (cgc->sense) {
		uint8_t sense[SG_SENSE_STRUCT_LEN] = { 0 };

		memcpy(sense, cmd.sense, cmd.sense_len < sizeof(sense) ? cmd.sense_len
									 : sizeof(sense));
		memcpy(cgc->sense, sense, sizeof(sense));
	}
	return -EIO;
}

static int
sg_io(struct sg_handle *h, struct sg_io_hdr *io)
{
	struct mmc_cmd cmd = { 0 };
	size_t n;
	int ret;

	if (!io || !io->cmdp)
		return -EFAULT;
	if (io->interface_id != 'S')
		return -ENOSYS;
	if (io->cmd_len < 6 || io->cmd_len > sizeof(cmd.cdb) || io->iovec_count)
		return -EINVAL;
	memcpy(cmd.cdb, io->cmdp, io->cmd_len);
	cmd.cdb_len = io->cmd_len;
	switch (io->dxfer_direction) {
	case SG_DXFER_TO_DEV:
		cmd.dir = MMC_DIR_OUT;
		break;
	case SG_DXFER_FROM_DEV:
	case SG_DXFER_TO_FROM_DEV:
	case SG_DXFER_UNKNOWN:
		cmd.dir = io->dxfer_len ? MMC_DIR_IN : MMC_DIR_NONE;
		break;
	default:
		cmd.dir = MMC_DIR_NONE;
		break;
	}
	if (cmd.dir != MMC_DIR_NONE) {
		cmd.buf = io->dxferp;
		cmd.len = io->dxfer_len;
	}
	cmd.timeout_ms = io->timeout;
	ret = sg_exec(h, &cmd);
	if (ret < 0)
		return ret;
	io->status = cmd.status;
	io->masked_status = (unsigned char)((cmd.status >> 1) & 0x7f);
	io->msg_status = 0;
	io->host_status = 0;
	io->driver_status = cmd.status ? 0x08 : 0;	/* DRIVER_SENSE */
	io->sb_len_wr = 0;
	if (cmd.status && io->sbp && io->mx_sb_len) {
		n = cmd.sense_len < io->mx_sb_len ? cmd.sense_len : io->mx_sb_len;
		memcpy(io->sbp, cmd.sense, n);
		io->sb_len_wr = (unsigned char)n;
	}
	io->resid = (int)(io->dxfer_len - (cmd.dir == MMC_DIR_NONE ? 0 : cmd.xfer));
	io->duration = 1;
	io->info = cmd.status ? SG_INFO_CHECK : SG_INFO_OK;
	return 0;
}

/* CDROM_DRIVE_STATUS from TEST UNIT READY, as sr_drive_status() does. */
static int
sg_drive_status(struct sg_handle *h)
{
	static const uint8_t tur[6] = { 0 };
	struct mmc_cmd cmd;
	int ret = sg_simple(h, tur, sizeof(tur), NULL, 0, &cmd);

	if (ret == 0)
		return CDS_DISC_OK;
	if (cmd.status != MMC_STATUS_CHECK_CONDITION)
		return CDS_DRIVE_NOT_READY;
	if ((cmd.sense[2] & 0x0f) == 0x02 && cmd.sense[12] == 0x3a)
		return cmd.sense[13] == 0x02 ? CDS_TRAY_OPEN : CDS_NO_DISC;
	return CDS_DRIVE_NOT_READY;
}

/* READ TOC format 0 for one track (0xaa = lead-out), LBA or MSF. */
static int
sg_toc_entry(struct sg_handle *h, uint8_t track, bool msf, uint8_t *r, size_t len)
{
	uint8_t cdb[10] = { 0x43, (uint8_t)(msf ? 0x02 : 0), 0, 0, 0, 0, track, 0,
			    (uint8_t)len, 0 };

	return sg_simple(h, cdb, sizeof(cdb), r, len, NULL);
}

static int
sg_read_toc_header(struct sg_handle *h, struct cdrom_tochdr *hdr)
{
	uint8_t r[12] = { 0 };
	int ret = sg_toc_entry(h, 0, false, r, sizeof(r));

	if (ret < 0)
		return ret;
	hdr->cdth_trk0 = r[2];
	hdr->cdth_trk1 = r[3];
	return 0;
}

static int
sg_read_toc_entry(struct sg_handle *h, struct cdrom_tocentry *e)
{
	uint8_t r[12] = { 0 };
	bool msf = e->cdte_format == CDROM_MSF;
	int ret;

	if (e->cdte_format != CDROM_MSF && e->cdte_format != CDROM_LBA)
		return -EINVAL;
	ret = sg_toc_entry(h, e->cdte_track, msf, r, sizeof(r));
	if (ret < 0)
		return ret;
	e->cdte_adr = r[5] >> 4;
	e->cdte_ctrl = r[5] & 0x0f;
	if (msf) {
		e->cdte_addr.msf.minute = r[9];
		e->cdte_addr.msf.second = r[10];
		e->cdte_addr.msf.frame = r[11];
	} else {
		e->cdte_addr.lba = (int)mmc_get32(r + 8);
	}
	e->cdte_datamode = 0;
	return 0;
}

/* Capacity in 2048-byte blocks: the lead-out of a recorded disc, 0 otherwise. */
static uint64_t
sg_capacity_blocks(struct sg_handle *h)
{
	uint8_t r[12] = { 0 };
	int32_t lba;

	if (sg_toc_entry(h, 0xaa, false, r, sizeof(r)) < 0)
		return 0;
	lba = (int32_t)mmc_get32(r + 8);
	return lba > 0 ? (uint64_t)lba : 0;
}

/* CDROMMULTISESSION: the start of the last session from READ TOC format 1. */
static int
sg_multisession(struct sg_handle *h, struct cdrom_multisession *ms)
{
	uint8_t cdb[10] = { 0x43, 0, 0x01, 0, 0, 0, 0, 0, 12, 0 };
	uint8_t r[12] = { 0 };
	int32_t lba = 0;

	if (ms->addr_format != CDROM_LBA && ms->addr_format != CDROM_MSF)
		return -EINVAL;
	/* no session information (a blank disc) is "not multi-session", as in the kernel */
	if (sg_simple(h, cdb, sizeof(cdb), r, sizeof(r), NULL) == 0)
		lba = (int32_t)mmc_get32(r + 8);
	ms->xa_flag = 0;
	if (ms->addr_format == CDROM_LBA) {
		ms->addr.lba = lba;
	} else {
		ms->addr.msf.minute = (uint8_t)((lba + 150) / (60 * 75));
		ms->addr.msf.second = (uint8_t)((lba + 150) / 75 % 60);
		ms->addr.msf.frame = (uint8_t)((lba + 150) % 75);
	}
	return 0;
}

/* CDROM_GET_MCN: READ SUB-CHANNEL, media catalog number. */
static int
sg_mcn(struct sg_handle *h, struct cdrom_mcn *mcn)
{
	uint8_t cdb[10] = { 0x42, 0, 0x40, 0x02, 0, 0, 0, 0, 24, 0 };
	uint8_t r[24] = { 0 };
	int ret = sg_simple(h, cdb, sizeof(cdb), r, sizeof(r), NULL);

	if (ret < 0)
		return ret;
	memcpy(mcn->medium_catalog_number, r + 9, 13);
	mcn->medium_catalog_number[13] = '\0';
	return 0;
}

static int
sg_tray(struct sg_handle *h, bool eject)
{
	uint8_t allow[6] = { 0x1e, 0, 0, 0, 0, 0 };
	uint8_t ssu[6] = { 0x1b, 0, 0, 0, (uint8_t)(eject ? 0x02 : 0x03), 0 };

	if (eject)
		sg_simple(h, allow, sizeof(allow), NULL, 0, NULL);
	return sg_simple(h, ssu, sizeof(ssu), NULL, 0, NULL);
}

/* One ioctl on the device. Returns the ioctl's value or -errno. */
static long
sg_ioctl(struct sg_handle *h, unsigned long req, void *arg)
{
	switch (req) {
	case CDROM_SEND_PACKET:
		return sg_send_packet(h, arg);
	case SG_IO:
		return sg_io(h, arg);
	case SG_GET_VERSION_NUM:
		if (!arg)
			return -EFAULT;
		*(int *)arg = SG_VERSION;
		return 0;
	case SG_EMULATED_HOST:
		if (!arg)
			return -EFAULT;
		*(int *)arg = 0;
		return 0;
	case SG_SET_TIMEOUT:
		if (!arg)
			return -EFAULT;
		h->sg_timeout = *(int *)arg;
		return 0;
	case SG_GET_TIMEOUT:
		return h->sg_timeout;
	case SG_GET_RESERVED_SIZE:
		if (!arg)
			return -EFAULT;
		*(int *)arg = h->reserved_size;
		return 0;
	case SG_SET_RESERVED_SIZE:
		if (!arg)
			return -EFAULT;
		h->reserved_size = *(int *)arg;
		return 0;
	case SCSI_IOCTL_GET_IDLUN:
		/* host 0, channel 0, target 0, lun 0 */
		if (!arg)
			return -EFAULT;
		memset(arg, 0, 2 * sizeof(int));
		return 0;
	case SCSI_IOCTL_GET_BUS_NUMBER:
		if (!arg)
			return -EFAULT;
		*(int *)arg = 0;
		return 0;
	case CDROM_GET_CAPABILITY:
		return CDC_CLOSE_TRAY | CDC_OPEN_TRAY | CDC_LOCK | CDC_SELECT_SPEED |
		       CDC_MULTI_SESSION | CDC_MCN | CDC_MEDIA_CHANGED | CDC_PLAY_AUDIO |
		       CDC_RESET | CDC_DRIVE_STATUS | CDC_GENERIC_PACKET | CDC_CD_R | CDC_CD_RW;
	case CDROM_DRIVE_STATUS:
		return sg_drive_status(h);
	case CDROM_DISC_STATUS: {
		int st = sg_drive_status(h);

		if (st != CDS_DISC_OK)
			return st;
		return sg_capacity_blocks(h) ? CDS_DATA_1 : CDS_NO_INFO;
	}
	case CDROM_MEDIA_CHANGED:
		return 0;
	case CDROM_SET_OPTIONS:
		h->options |= (int)(intptr_t)arg;
		return h->options;
	case CDROM_CLEAR_OPTIONS:
		h->options &= ~(int)(intptr_t)arg;
		return h->options;
	case CDROM_LOCKDOOR: {
		uint8_t cdb[6] = { 0x1e, 0, 0, 0, (uint8_t)(arg ? 1 : 0), 0 };

		return sg_simple(h, cdb, sizeof(cdb), NULL, 0, NULL);
	}
	case CDROMEJECT:
		return sg_tray(h, true);
	case CDROMCLOSETRAY:
		return sg_tray(h, false);
	case CDROM_SELECT_SPEED: {
		unsigned kbs = (intptr_t)arg ? (unsigned)(intptr_t)arg * 177 : 0xffff;
		uint8_t cdb[12] = { 0xbb, 0, (uint8_t)(kbs >> 8), (uint8_t)kbs, 0xff, 0xff };

		return sg_simple(h, cdb, sizeof(cdb), NULL, 0, NULL);
	}
	case CDROMREADTOCHDR:
		return arg ? sg_read_toc_header(h, arg) : -EFAULT;
	case CDROMMULTISESSION:
		return arg ? sg_multisession(h, arg) : -EFAULT;
	case CDROM_GET_MCN:
		return arg ? sg_mcn(h, arg) : -EFAULT;
	case CDROMREADTOCENTRY:
		return arg ? sg_read_toc_entry(h, arg) : -EFAULT;
	case BLKGETSIZE64:
		if (!arg)
			return -EFAULT;
		*(uint64_t *)arg = sg_capacity_blocks(h) * SG_BLOCK;
		return 0;
	case BLKGETSIZE:
		if (!arg)
			return -EFAULT;
		*(unsigned long *)arg = (unsigned long)(sg_capacity_blocks(h) * (SG_BLOCK / 512));
		return 0;
	case BLKSSZGET:
	case BLKBSZGET:
		if (!arg)
			return -EFAULT;
		*(int *)arg = SG_BLOCK;
		return 0;
	case BLKROGET:
		if (!arg)
			return -EFAULT;
		*(int *)arg = 0;
		return 0;
	case BLKRRPART:
		return 0;
	default:
		return -ENOTTY;
	}
}

SG_EXPORT int
ioctl(int fd, unsigned long req, ...)
{
	struct sg_handle *h;
	va_list ap;
	void *arg;
	long ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	pthread_once(&sg_once, sg_init);
	h = sg_lookup(fd);
	if (!h)
		return real_ioctl(fd, req, arg);
	ret = sg_ioctl(h, req, arg);
	if (req != CDROM_SEND_PACKET && req != SG_IO)
		sg_debug("fd %d ioctl 0x%lx -> %ld", fd, req, ret);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
}

/* ---- read, pread, lseek: the disc's 2048-byte blocks ---- */

#define SG_READ_BLOCKS 16	/* blocks per command */

/*
 * Reads @n blocks from @lba with READ(10), as the sr driver does; a drive
 * that does not know READ(10) (5/20/00) is asked with READ CD for the
 * Mode 1 user data instead.
 */
static int
sg_read_blocks(struct sg_handle *h, uint32_t lba, uint16_t n, uint8_t *buf)
{
	uint8_t read10[10] = { 0x28, 0, (uint8_t)(lba >> 24), (uint8_t)(lba >> 16),
			       (uint8_t)(lba >> 8), (uint8_t)lba, 0, (uint8_t)(n >> 8),
			       (uint8_t)n, 0 };
	uint8_t readcd[12] = { 0xbe, 0x08, (uint8_t)(lba >> 24), (uint8_t)(lba >> 16),
			       (uint8_t)(lba >> 8), (uint8_t)lba, 0, (uint8_t)(n >> 8), (uint8_t)n,
			       0x10, 0, 0 };
	struct mmc_cmd cmd;
	int ret;

	ret = sg_simple(h, read10, sizeof(read10), buf, (size_t)n * SG_BLOCK, &cmd);
	if (ret == 0 || cmd.status != MMC_STATUS_CHECK_CONDITION ||
	    (cmd.sense[2] & 0x0f) != 0x05 || cmd.sense[12] != 0x20)
		return ret;
	return sg_simple(h, readcd, sizeof(readcd), buf, (size_t)n * SG_BLOCK, NULL);
}

static ssize_t
sg_read_at(struct sg_handle *h, void *buf, size_t count, off64_t off)
{
	uint64_t size = sg_capacity_blocks(h) * SG_BLOCK;
	uint8_t *blocks, *out = buf;
	size_t done = 0;
	int ret = 0;

	if (off < 0)
		return -EINVAL;
	if ((uint64_t)off >= size || count == 0)
		return 0;
	if (count > size - (uint64_t)off)
		count = (size_t)(size - (uint64_t)off);
	blocks = malloc(SG_READ_BLOCKS * SG_BLOCK);
	if (!blocks)
		return -ENOMEM;
	while (done < count) {
		uint64_t at = (uint64_t)off + done;
		uint32_t lba = (uint32_t)(at / SG_BLOCK);
		size_t skip = (size_t)(at % SG_BLOCK);
		size_t want = skip + (count - done);
		uint16_t n = (uint16_t)((want + SG_BLOCK - 1) / SG_BLOCK);
		size_t len;

		if (n > SG_READ_BLOCKS)
			n = SG_READ_BLOCKS;
		ret = sg_read_blocks(h, lba, n, blocks);
		if (ret < 0)
			break;
		len = (size_t)n * SG_BLOCK - skip;
		if (len > count - done)
			len = count - done;
		memcpy(out + done, blocks + skip, len);
		done += len;
	}
	free(blocks);
	return done ? (ssize_t)done : ret;
}

SG_EXPORT ssize_t
read(int fd, void *buf, size_t count)
{
	struct sg_handle *h;
	ssize_t n;

	pthread_once(&sg_once, sg_init);
	h = sg_lookup(fd);
	if (!h)
		return real_read(fd, buf, count);
	pthread_mutex_lock(&h->pos_mu);
	n = sg_read_at(h, buf, count, h->pos);
	if (n > 0)
		h->pos += n;
	pthread_mutex_unlock(&h->pos_mu);
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

static ssize_t
sg_pread(int fd, void *buf, size_t count, off64_t off, bool *handled)
{
	struct sg_handle *h;
	ssize_t n;

	pthread_once(&sg_once, sg_init);
	h = sg_lookup(fd);
	*handled = h != NULL;
	if (!h)
		return 0;
	n = sg_read_at(h, buf, count, off);
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

SG_EXPORT ssize_t
pread(int fd, void *buf, size_t count, off_t off)
{
	bool handled;
	ssize_t n = sg_pread(fd, buf, count, off, &handled);

	return handled ? n : real_pread(fd, buf, count, off);
}

SG_EXPORT ssize_t
pread64(int fd, void *buf, size_t count, off64_t off)
{
	bool handled;
	ssize_t n = sg_pread(fd, buf, count, off, &handled);

	return handled ? n : real_pread64(fd, buf, count, off);
}

static off64_t
sg_lseek(struct sg_handle *h, off64_t off, int whence)
{
	off64_t base, ret;

	pthread_mutex_lock(&h->pos_mu);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = h->pos;
		break;
	case SEEK_END:
		base = (off64_t)(sg_capacity_blocks(h) * SG_BLOCK);
		break;
	default:
		pthread_mutex_unlock(&h->pos_mu);
		return -EINVAL;
	}
	ret = base + off;
	if (ret < 0)
		ret = -EINVAL;
	else
		h->pos = ret;
	pthread_mutex_unlock(&h->pos_mu);
	return ret;
}

SG_EXPORT off_t
lseek(int fd, off_t off, int whence)
{
	struct sg_handle *h;
	off64_t ret;

	pthread_once(&sg_once, sg_init);
	h = sg_lookup(fd);
	if (!h)
		return real_lseek(fd, off, whence);
	ret = sg_lseek(h, off, whence);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (off_t)ret;
}

SG_EXPORT off64_t
lseek64(int fd, off64_t off, int whence)
{
	struct sg_handle *h;
	off64_t ret;

	pthread_once(&sg_once, sg_init);
	h = sg_lookup(fd);
	if (!h)
		return real_lseek64(fd, off, whence);
	ret = sg_lseek(h, off, whence);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

/* ---- fcntl: record locks are the emulator's exclusive access ---- */

/* Who holds the drive, seen from @h: 0 free, else the holder's pid (-1 if unknown). */
static pid_t
sg_foreign_holder(struct sg_handle *h)
{
	struct owner_record rec;
	char buf[128], *path;
	pid_t pid = -1;
	int ret;

	sg_depth++;
	ret = emu_drive_owner(h->drive, buf, sizeof(buf));
	sg_depth--;
	if (ret <= 0)
		return 0;
	if (asprintf(&path, "%s/owner", sg_cfg.emu_dir) < 0)
		return -1;
	sg_depth++;
	if (owner_read(AT_FDCWD, path, &rec) == 0 && owner_pid_alive(rec.pid))
		pid = rec.pid;
	sg_depth--;
	free(path);
	return pid;
}

static void
sg_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int
sg_setlk(struct sg_handle *h, struct flock *fl, bool ofd, bool wait)
{
	int ret = 0;

	for (;;) {
		pthread_mutex_lock(&sg_mu);
		if (fl->l_type == F_UNLCK) {
			if (ofd) {
				h->ofd_lock = false;
				sg_release_if_unused(h);
			} else {
				sg_drop_posix_lock();
			}
			ret = 0;
		} else if (ofd) {
			ret = sg_handle_holds(h) ? 0 : sg_take(h);
			if (ret == 0)
				h->ofd_lock = true;
		} else if (posix_locked) {
			ret = 0;	/* a process's POSIX lock is replaced, never conflicts */
		} else if (sg_process_holds()) {
			posix_locked = true;	/* already exclusive through O_EXCL/OFD */
			posix_holder = NULL;
			ret = 0;
		} else {
			ret = sg_take(h);
			if (ret == 0) {
				posix_locked = true;
				posix_holder = h;
			}
		}
		pthread_mutex_unlock(&sg_mu);
		if (ret == 0 || !wait)
			break;
		sg_sleep_ms(SG_SETLKW_POLL_MS);
	}
	return ret < 0 ? -EAGAIN : 0;
}

static int
sg_getlk(struct sg_handle *h, struct flock *fl, bool ofd)
{
	bool mine;
	pid_t pid = 0;

	pthread_mutex_lock(&sg_mu);
	mine = ofd ? sg_handle_holds(h) : sg_process_holds();
	pthread_mutex_unlock(&sg_mu);
	if (!mine)
		pid = sg_foreign_holder(h);
	if (mine || pid == 0) {
		fl->l_type = F_UNLCK;
		return 0;
	}
	fl->l_type = F_WRLCK;
	fl->l_whence = SEEK_SET;
	fl->l_start = 0;
	fl->l_len = 0;
	fl->l_pid = ofd ? -1 : pid;
	return 0;
}

static int
sg_fcntl(int fd, int cmd, void *arg, int (*real)(int, int, ...))
{
	struct sg_handle *h;
	int ret;

	pthread_once(&sg_once, sg_init);
	h = sg_lookup(fd);
	if (!h)
		return real(fd, cmd, arg);
	switch (cmd) {
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		if (!arg) {
			errno = EFAULT;
			return -1;
		}
		ret = sg_setlk(h, arg, cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW,
			       cmd == F_SETLKW || cmd == F_OFD_SETLKW);
		break;
	case F_GETLK:
	case F_OFD_GETLK:
		if (!arg) {
			errno = EFAULT;
			return -1;
		}
		ret = sg_getlk(h, arg, cmd == F_OFD_GETLK);
		break;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return sg_dup_register(fd, real(fd, cmd, arg));
	default:
		return real(fd, cmd, arg);
	}
	sg_debug("fd %d fcntl %d -> %s", fd, cmd, ret < 0 ? strerror(-ret) : "ok");
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/*
 * struct flock and struct flock64 are the same on 64-bit systems; on
 * 32-bit ones only fcntl64 (what _FILE_OFFSET_BITS=64 programs call)
 * gets its locks emulated, fcntl passes them through.
 */
SG_EXPORT int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (sizeof(struct flock) != sizeof(struct flock64) &&
	    (cmd == F_SETLK || cmd == F_SETLKW || cmd == F_GETLK)) {
		pthread_once(&sg_once, sg_init);
		return real_fcntl(fd, cmd, arg);
	}
	return sg_fcntl(fd, cmd, arg, real_fcntl);
}

SG_EXPORT int
fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return sg_fcntl(fd, cmd, arg, real_fcntl64);
}
