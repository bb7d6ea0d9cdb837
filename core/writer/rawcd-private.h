/*
 * What the files of the raw writer share (rawcd.c, rawcd-blank.c,
 * rawcd-session.c, and rawcd-group.c, which feeds its members' engines)
 * and nothing else includes: the writer's state and the steps that run
 * with its lock (w->mu) held.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "client-name.h"
#include "image-decoder.h"
#include "rawcd.h"

struct burn_stream_check;

struct rawcd {
	pthread_mutex_t mu;
	struct recorder *rec;
	enum rawcd_state state;
	char client_name[BURN_CLIENT_NAME_MAX + 1];
	enum cd_sector_type sector_type;
	long lead_in_sectors;
	long write_speed;	/* sectors/s, -1 = max */
	bool pure_cav;
	bool bufe_disabled;
	bool simulate;
	bool verify;		/* read every burn back and compare */
	char last_verify[64];	/* the last burn's verification, as status shows it */
	bool prevented;		/* we sent PREVENT MEDIUM REMOVAL */
	int32_t nwa;		/* where the drive expects the first WRITE */
	int32_t last_leadout;	/* the prepared media's last possible lead-out */
	struct burn_stream *stream;	/* while writing */
	struct burn_stream_check *check;	/* while writing: the stream's checker */
	bool check_own;			/* ... ours (else a group's, borrowed) */
	bool have_last_burn;
	struct burn_error last_burn;
	void (*notify)(void *ctx);
	void *notify_ctx;
	unsigned long generation;	/* progress changes; atomic */
	bool blanking;			/* a BLANK runs; w->mu is not held meanwhile */
	uint16_t blank_progress;	/* 0..65535 as the drive reports it; atomic */
	struct timespec blank_started;
	char session_name[RAWCD_SESSION_NAME_MAX];	/* "" unless a write session is open */
	bool session_prepared;		/* the session's begin prepared the media */
};

/* Copies @text (a field of @w) into @buf under the lock; returns its length. */
int rawcd_text_copy(struct rawcd *w, const char *text, char *buf, size_t size);

/* A write runs (writing or finishing). Lock held. */
bool rawcd_writing_locked(const struct rawcd *w);

/*
 * What PrepareMedia and blanking both start with: an idle writer with a
 * client name takes exclusive access under that name. The caller releases
 * it (recorder_release) if what follows fails. Lock held.
 */
int rawcd_begin_exclusive_locked(struct rawcd *w, struct burn_error *err);

/* PrepareMedia's checks and settings on an idle writer. Lock held. */
int rawcd_prepare_locked(struct rawcd *w, struct burn_error *err);

/* ReleaseMedia without checks: allows removal, drops exclusive access, idle. Lock held. */
void rawcd_release_locked(struct rawcd *w);

/* Bumps the progress generation and calls the notify callback; with or without the lock. */
void rawcd_progress_changed(void *ctx);

/* Fills @p for the BLANK that runs (w->blanking). Lock held. */
void rawcd_blank_progress_locked(struct rawcd *w, struct rawcd_progress *p);

/*
 * A group's write (rawcd-group.c): the group's checker @c (borrowed until
 * the write ends) checks the stream once for every member, and hands the
 * sectors that pass to each member's engine (rawcd-write.c).
 * rawcd_write_begin() starts the engine on prepared media as rawcd_write()'s
 * first call does; rawcd_write_toc() and rawcd_write_sectors() hand it the
 * checker's output (burn_stream_toc(), burn_stream_put());
 * rawcd_write_refused() fails it with the checker's refusal and returns
 * the engine's failure (its own, when it had one first). No lock held; one
 * stream writer at a time.
 */
int rawcd_write_begin(struct rawcd *w, struct burn_stream_check *c, struct burn_error *err);
int rawcd_write_toc(struct rawcd *w, const struct image_toc *toc, uint64_t expected,
		    struct burn_error *err);
int rawcd_write_sectors(struct rawcd *w, const uint8_t *p, size_t n, int32_t lba,
			struct burn_error *err);
int rawcd_write_refused(struct rawcd *w, const struct burn_error *why, struct burn_error *err);
