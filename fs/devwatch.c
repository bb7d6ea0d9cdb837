#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "devwatch.h"

struct fs_devwatch {
	pthread_t thread;
	int inotify;
	int quit[2];		/* fs_devwatch_stop() closes the write end */
	char path[PATH_MAX];	/* the node, links resolved */
	const char *name;	/* its last component, in path */
};

/* Whether the events in @buf (@len bytes) say the node went: removed, moved away, or its directory gone. */
static bool
node_gone(const struct fs_devwatch *w, const char *buf, ssize_t len)
{
	for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= len;) {
		const struct inotify_event *ev = (const struct inotify_event *)(buf + off);

		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT))
			return true;
		if ((ev->mask & (IN_DELETE | IN_MOVED_FROM)) && ev->len &&
		    strcmp(ev->name, w->name) == 0)
			return true;
		off += (ssize_t)sizeof(*ev) + ev->len;
	}
	return false;
}

/*
 * inotify, not stat: the test interposer (contrib/sg) makes its device
 * path stat as a CD device whether or not its node is there, and the
 * event is what the kernel's removal of the node says anyway.
 */
static void *
devwatch_main(void *arg)
{
	struct fs_devwatch *w = arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		struct pollfd pfd[2] = { { w->inotify, POLLIN, 0 }, { w->quit[0], POLLIN, 0 } };
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (pfd[1].revents)
			return NULL;
		n = read(w->inotify, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return NULL;
		if (node_gone(w, buf, n)) {
			fprintf(stderr, "burnfs: %s was removed (the drive is gone): unmounting\n",
				w->path);
			kill(getpid(), SIGTERM);	/* fs/stop.c's stop request */
			return NULL;
		}
	}
}

int
fs_devwatch_start(const char *device, struct fs_devwatch **out)
{
	struct fs_devwatch *w;
	char *slash;
	int ret;

	*out = NULL;
	if (strncmp(device, "emu:", 4) == 0)
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->inotify = w->quit[0] = w->quit[1] = -1;
	/*
	 * A node that cannot be resolved (the test interposer's device path
	 * is answered without one) is watched under the name given.
	 */
	if (!realpath(device, w->path) &&
	    snprintf(w->path, sizeof(w->path), "%s", device) >= (int)sizeof(w->path)) {
		ret = -ENAMETOOLONG;
		goto out_free;
	}
	slash = strrchr(w->path, '/');
	if (!slash || slash == w->path) {
		ret = -EINVAL;	/* a node in / is not a device directory to watch */
		goto out_free;
	}
	w->name = slash + 1;
	w->inotify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->inotify < 0 || pipe2(w->quit, O_CLOEXEC) < 0) {
		ret = -errno;
		goto out_close;
	}
	*slash = '\0';
	ret = inotify_add_watch(w->inotify, w->path,
				IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF);
	*slash = '/';
	if (ret < 0) {
		ret = -errno;
		goto out_close;
	}
	ret = -pthread_create(&w->thread, NULL, devwatch_main, w);
	if (ret < 0)
		goto out_close;
	*out = w;
	return 0;
out_close:
	if (w->inotify >= 0)
		close(w->inotify);
	if (w->quit[0] >= 0) {
		close(w->quit[0]);
		close(w->quit[1]);
	}
out_free:
	free(w);
	return ret;
}

void
fs_devwatch_stop(struct fs_devwatch *w)
{
	if (!w)
		return;
	close(w->quit[1]);
	pthread_join(w->thread, NULL);
	close(w->quit[0]);
	close(w->inotify);
	free(w);
}
