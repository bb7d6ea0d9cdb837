/*
 * The table of interposed descriptors: each maps a real descriptor of
 * /dev/null to a handle on the emulated drive, shared by dup()s.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/cdrom.h>
#include <scsi/sg.h>

#include "sg-private.h"

#define MAX_FDS 64

struct slot {
	int fd;
	struct sg_handle *h;
};

pthread_mutex_t sg_fd_mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[MAX_FDS];
static atomic_int nfds;

static void
atfork_prepare(void)
{
	pthread_mutex_lock(&sg_fd_mu);
}

static void
atfork_parent(void)
{
	pthread_mutex_unlock(&sg_fd_mu);
}

static void
atfork_child(void)
{
	sg_lock_after_fork();
	pthread_mutex_unlock(&sg_fd_mu);
}

__attribute__((constructor)) static void
constructor(void)
{
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

/* With sg_fd_mu held. */
static struct slot *
slot_of(int fd)
{
	for (int i = 0; i < MAX_FDS; i++)
		if (slots[i].h && slots[i].fd == fd)
			return &slots[i];
	return NULL;
}

struct sg_handle *
sg_fd_lookup(int fd)
{
	struct slot *s;
	struct sg_handle *h;

	if (atomic_load(&nfds) == 0 || sg_emu_inside())
		return NULL;
	pthread_mutex_lock(&sg_fd_mu);
	s = slot_of(fd);
	h = s ? s->h : NULL;
	pthread_mutex_unlock(&sg_fd_mu);
	return h;
}

/* With sg_fd_mu held. */
static int
add(int fd, struct sg_handle *h)
{
	for (int i = 0; i < MAX_FDS; i++) {
		if (!slots[i].h) {
			slots[i].fd = fd;
			slots[i].h = h;
			h->refs++;
			atomic_fetch_add(&nfds, 1);
			return 0;
		}
	}
	return -EMFILE;
}

bool
sg_fd_process_claims(void)
{
	for (int i = 0; i < MAX_FDS; i++) {
		struct sg_handle *h = slots[i].h;

		if (h && h->pid == getpid() && (h->excl || h->ofd_lock))
			return true;
	}
	return false;
}

int
sg_fd_open(const char *path, int flags)
{
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
	pthread_mutex_lock(&sg_fd_mu);
	ret = sg_emu_open(path, &h->drive);
	if (ret < 0) {
		pthread_mutex_unlock(&sg_fd_mu);
		free(h);
		errno = -ret;
		return -1;
	}
	fd = sg_libc.open("/dev/null", O_RDWR | (flags & (O_CLOEXEC | O_NONBLOCK)));
	if (fd < 0) {
		ret = -errno;
		goto out_close;
	}
	if (flags & O_EXCL) {
		/* O_EXCL on a block device: refused while anyone else has it claimed */
		ret = sg_lock_take(h);
		if (ret < 0)
			goto out_close_fd;
		h->excl = true;
	}
	ret = add(fd, h);
	if (ret < 0)
		goto out_close_fd;
	pthread_mutex_unlock(&sg_fd_mu);
	sg_config_debug("open %s flags 0%o -> fd %d%s", path, (unsigned)flags, fd,
			h->excl ? " (exclusive)" : "");
	return fd;
out_close_fd:
	sg_libc.close(fd);
out_close:
	sg_emu_close(h->drive);
	pthread_mutex_unlock(&sg_fd_mu);
	free(h);
	sg_config_debug("open %s flags 0%o: %s", path, (unsigned)flags, strerror(-ret));
	errno = -ret;
	return -1;
}

void
sg_fd_forget(int fd)
{
	struct sg_handle *h = NULL;
	struct slot *s;

	pthread_mutex_lock(&sg_fd_mu);
	s = slot_of(fd);
	if (s) {
		h = s->h;
		s->h = NULL;
		atomic_fetch_sub(&nfds, 1);
		if (h->pid == getpid())
			sg_lock_drop_posix();
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
		} else {
			sg_lock_forget(h);
		}
	}
	if (h) {
		sg_emu_close(h->drive);
		pthread_mutex_destroy(&h->pos_mu);
		free(h);
	}
	pthread_mutex_unlock(&sg_fd_mu);
	if (s)
		sg_config_debug("close fd %d", fd);
}

int
sg_fd_dup(int oldfd, int newfd)
{
	struct slot *s;

	if (newfd < 0)
		return newfd;
	pthread_mutex_lock(&sg_fd_mu);
	s = slot_of(oldfd);
	if (s && !slot_of(newfd) && add(newfd, s->h) < 0) {
		pthread_mutex_unlock(&sg_fd_mu);
		sg_libc.close(newfd);
		errno = EMFILE;
		return -1;
	}
	pthread_mutex_unlock(&sg_fd_mu);
	return newfd;
}
