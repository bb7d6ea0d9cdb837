/* The mount suites' shared harness; see tl-mount.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tl-harness.h"

struct tl_mount {
	char *mnt;	/* the tree the tests use: the mountpoint, or a member's directory in it */
	char *root;	/* the mountpoint when mnt is a member's directory, else NULL */
	char *log;
	pid_t pid;
};

extern const char *tl_burnfs_bin;	/* $BURNFS */
extern char *tl_top;		/* per-test scratch directory */
extern char *tl_disc;		/* the emulated recorder's directory */
extern struct tl_mount tl_m1, tl_m2;	/* stopped by tl_teardown_all() */

#define TL_E_NAME "E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID 0xC0AA0604"
#define TL_E_EOF "HRESULT_FROM_WIN32(ERROR_HANDLE_EOF) 0x80070026"

bool tl_is_fuse_mount(const char *path);

/*
 * Starts `burnfs -f [-o OPTS] DEVICE top/NAME` and waits until mounted;
 * returns 0, or the daemon's exit status if it died first.
 */
int tl_mount_start(struct tl_mount *m, const char *name, const char *device, const char *opts);
/* The same with @child_env(@arg) run in the daemon's process before exec; @device may be NULL. */
int tl_mount_start_env(struct tl_mount *m, const char *name, const char *device, const char *opts,
		    void (*child_env)(void *arg), void *arg);
/* The same with several devices (a group of recorders; none: the default recorder). */
int tl_mount_start_devices(struct tl_mount *m, const char *name, const char *const *devices, size_t n,
			   const char *opts, void (*child_env)(void *arg), void *arg);
/* Unmounts, and checks burnfs exited 0 having printed nothing. */
void tl_mount_stop(struct tl_mount *m);

/* Fixtures: a scratch directory; + m1 on emu:top/disc with OPTS. */
void tl_setup_dirs(void);
void tl_start_with(const char *opts);
/* Stops m1 and mounts it again on the same drive, with @opts. */
void tl_restart_with(const char *opts);
void tl_setup_default(void);
void tl_teardown_all(void);

/* "m->mnt/rel" in one of four rotating static buffers. */
char *tl_at(const struct tl_mount *m, const char *rel);
/* One open(O_WRONLY|O_TRUNC), one write, close: 0 or -errno. */
int tl_put_len(const char *path, const char *data, size_t len);
int tl_put(const char *path, const char *data);
void tl_last_error_starts(const struct tl_mount *m, const char *prefix);
/* tl_put() of @value to @m's @rel fails with @err, and last_error starts with @prefix. */
void tl_put_refused(const struct tl_mount *m, const char *rel, const char *value, int err,
		    const char *prefix);
/*
 * open(2) of @m's @rel with @flags (mode 0644) fails with @err, and last_error starts with
 * @prefix (NULL: not looked at).
 */
void tl_open_refused(const struct tl_mount *m, const char *rel, int flags, int err,
		     const char *prefix);

/* How many commands named @name ("GET CONFIGURATION") @m's recorder/commands counts. */
unsigned long tl_commands_sent(const struct tl_mount *m, const char *name);

/*
 * Waits until @m's file @rel reads @want, woken by poll() on status (a
 * medium changed by another program is seen at the next media_poll);
 * bounded, about a minute.
 */
void tl_wait_value(const struct tl_mount *m, const char *rel, const char *want);

/* Waits (via poll on the state file) until state reads @want. */
void tl_wait_state(const struct tl_mount *m, const char *want);

/* A test case in @s whose tests run between @setup and tl_teardown_all(), each within @timeout s. */
TCase *tl_mount_tcase(Suite *s, const char *name, void (*setup)(void), double timeout);

/* main() of a mount-suite binary. */
int tl_mount_main(Suite *suite);

#define TL_MOUNT_MAIN(make_suite) TL_MAIN_WITH(tl_mount_main, make_suite)
