/* The mount suites' shared harness; see mount-harness.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

struct mount {
	char *mnt;
	char *log;
	pid_t pid;
};

extern const char *burnfs_bin;	/* $BURNFS */
extern char *top;		/* per-test scratch directory */
extern char *disc;		/* the emulated recorder's directory */
extern struct mount m1, m2;	/* stopped by teardown_all() */

#define E_NAME "E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID 0xC0AA0604"
#define E_EOF "HRESULT_FROM_WIN32(ERROR_HANDLE_EOF) 0x80070026"

/* @base/@rel, malloc'ed. */
char *path_in(const char *base, const char *rel);
void sleep_ms(long ms);
bool is_fuse_mount(const char *path);
/* A file's first 8 KB (static buffer). */
char *slurp(const char *path);

/*
 * Starts `burnfs -f [-o OPTS] DEVICE top/NAME` and waits until mounted;
 * returns 0, or the daemon's exit status if it died first.
 */
int mount_start(struct mount *m, const char *name, const char *device, const char *opts);
/* The same with @child_env(@arg) run in the daemon's process before exec; @device may be NULL. */
int mount_start_env(struct mount *m, const char *name, const char *device, const char *opts,
		    void (*child_env)(void *arg), void *arg);
/* Unmounts, and checks burnfs exited 0 having printed nothing. */
void mount_stop(struct mount *m);

/* Fixtures: a scratch directory; + m1 on emu:top/disc with OPTS. */
void setup_dirs(void);
void start_with(const char *opts);
void setup_default(void);
void teardown_all(void);

/* "m->mnt/rel" in one of four rotating static buffers. */
char *at(const struct mount *m, const char *rel);
/* One open(O_WRONLY|O_TRUNC), one write, close: 0 or -errno. */
int put_len(const char *path, const char *data, size_t len);
int put(const char *path, const char *data);
/* A whole file; *err = errno or 0. Rotating static buffers. */
char *get_err(const char *path, int *err);
char *get(const char *path);
void last_error_starts(const struct mount *m, const char *prefix);

/* Waits (via poll on the state file) until state reads @want. */
void wait_state(const struct mount *m, const char *want);

/* A test case in @s whose tests run between @setup and teardown_all(), each within @timeout s. */
TCase *mount_tcase(Suite *s, const char *name, void (*setup)(void), double timeout);

/* main() of a mount-suite binary. */
int mount_suite_main(Suite *suite);
