#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "hints.h"
#include "rawcd-group.h"
#include "stop.h"

/* How long a cancelled writer gets to close its descriptor before the mount goes anyway. */
#define STOP_WRITER_GRACE_MS 5000
#define STOP_POLL_MS 50

struct fs_stop {
	struct fs_ctx *ctx;
	struct fuse_session *se;
	pthread_t thread;
	int pipe[2];		/* the handler writes the signal number; EOF ends the thread */
	int signal;		/* the stop request, 0 if none came */
	bool cancelled;		/* it cancelled a running burn */
	struct rawcd *cancelled_w;	/* the (first) writer whose burn it cancelled */
	char sink_name[RAWCD_SESSION_NAME_MAX];	/* the session a stop request met */
};

static int stop_fd = -1;	/* the pipe's write end, for the handler */

static void
on_stop_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (write(stop_fd, &c, 1) < 0) {
		/* the pipe is full: a stop is already on its way */
	}
	errno = saved;
}

static void
on_wake(int sig)
{
	(void)sig;	/* only interrupts the loop's wait */
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * The loop notices an exit only when a wait of one of its threads ends:
 * the workers block reading requests, the loop's own thread waits for
 * them. A signal whose handler does nothing, sent to every other thread,
 * interrupts those waits (as libfuse's own handler does by chance).
 */
static void
wake_all_threads(void)
{
	pid_t self = gettid();
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");

	if (!d)
		return;
	while ((de = readdir(d))) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid > 0 && tid != self)
			tgkill(getpid(), tid, SIGUSR1);
	}
	closedir(d);
}

/*
 * A stop request during a burn (README: "Stopping"): a running blank is
 * waited for (a drive cannot stop one); a running write is cancelled like
 * `ctl cancel`, and its writer, whose writes now fail ECANCELED, gets a
 * few seconds to close so the outcome is recorded the usual way. Then the
 * loop is told to end.
 */
/* The mount's writers: its recorder's, or each member's of a group. */
static size_t
writers(const struct fs_ctx *ctx, struct rawcd **out)
{
	if (!ctx->group) {
		out[0] = ctx->w;
		return 1;
	}
	for (size_t i = 0; i < ctx->n_members; i++)
		out[i] = ctx->members[i]->w;
	return ctx->n_members;
}

/* Whether a write session is open on any of @ws. */
static bool
any_session(struct rawcd *const *ws, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rawcd_session_name(ws[i], NULL, 0))
			return true;
	return false;
}

static void *
stop_main(void *arg)
{
	struct fs_stop *st = arg;
	struct rawcd *ws[RAWCD_GROUP_MAX];
	size_t n = writers(st->ctx, ws);
	struct rawcd_progress p;
	unsigned char c;

	if (read(st->pipe[0], &c, 1) != 1)
		return NULL;	/* the mount ended by itself */
	st->signal = c;
	for (size_t i = 0; i < n; i++)
		for (rawcd_progress(ws[i], &p); p.action == RAWCD_ACTION_BLANKING; rawcd_progress(ws[i], &p))
			sleep_ms(STOP_POLL_MS);
	for (size_t i = 0; i < n; i++) {
		char name[RAWCD_SESSION_NAME_MAX];

		if (!rawcd_session_name(ws[i], name, sizeof(name)))
			continue;
		/* refused unless a write runs (writing or finishing) */
		if (rawcd_cancel(ws[i], NULL) == 0 && !st->cancelled) {
			st->cancelled = true;
			st->cancelled_w = ws[i];
			memcpy(st->sink_name, name, sizeof(name));
		}
	}
	for (long waited = 0; waited < STOP_WRITER_GRACE_MS && any_session(ws, n); waited += STOP_POLL_MS)
		sleep_ms(STOP_POLL_MS);
	fuse_session_exit(st->se);
	wake_all_threads();
	return NULL;
}

int
fs_stop_start(struct fs_ctx *ctx, struct fuse_session *se, struct fs_stop **out)
{
	struct sigaction stop = { .sa_handler = on_stop_signal, .sa_flags = SA_RESTART };
	struct sigaction wake = { .sa_handler = on_wake };
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct fs_stop *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	st->ctx = ctx;
	st->se = se;
	if (pipe2(st->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(st);
		return -errno;
	}
	/* the reader blocks; only the handler's end must never block */
	fcntl(st->pipe[0], F_SETFL, 0);
	stop_fd = st->pipe[1];
	sigemptyset(&stop.sa_mask);
	sigemptyset(&wake.sa_mask);
	sigemptyset(&ignore.sa_mask);
	if (sigaction(SIGTERM, &stop, NULL) < 0 || sigaction(SIGINT, &stop, NULL) < 0 ||
	    sigaction(SIGHUP, &stop, NULL) < 0 || sigaction(SIGUSR1, &wake, NULL) < 0 ||
	    sigaction(SIGPIPE, &ignore, NULL) < 0 ||
	    pthread_create(&st->thread, NULL, stop_main, st) != 0) {
		close(st->pipe[0]);
		close(st->pipe[1]);
		free(st);
		return -EAGAIN;
	}
	*out = st;
	return 0;
}

void
fs_stop_join(struct fs_stop *st)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int fd;

	if (!st)
		return;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGHUP, &dfl, NULL);
	fd = stop_fd;
	stop_fd = -1;
	close(fd);	/* EOF: a thread still waiting for a signal ends */
	pthread_join(st->thread, NULL);
	close(st->pipe[0]);
}

int
fs_stop_report(struct fs_stop *st, int status)
{
	struct burn_error e;
	char line[BURN_REASON_MAX + 128];

	if (!st)
		return status;
	if (st->cancelled) {
		if (rawcd_last_burn(st->cancelled_w, &e))
			fs_hints_add(&e);
		else
			burn_error_set(&e, BURN_E_REQUEST_CANCELLED, "the write was cancelled");
		burn_error_format(&e, line, sizeof(line));
		fprintf(stderr, "burnfs: stopped by SIG%s during a burn of %s: %s\n",
			sigabbrev_np(st->signal) ? sigabbrev_np(st->signal) : "?",
			st->sink_name, line);
		status = FS_STOP_EXIT_BURN_CANCELLED;
	}
	free(st);
	return status;
}
