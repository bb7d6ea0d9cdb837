/*
 * Private to core/drive/recorder*.c: the recorder, its answer cache
 * (recorder-cache.c) and its medium watch (recorder-watch.c).
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>

#include "recorder.h"
#include "transport.h"

#define RECORDER_ANSWERS 32		/* state answers kept */
#define RECORDER_ANSWER_MAX 4096	/* longer replies are not kept */

/* One state query and the drive's answer to it. */
struct recorder_answer {
	uint8_t cdb[16];
	uint8_t cdb_len;
	size_t len;			/* the allocation length asked for */
	uint8_t *data;			/* NULL: the slot is free */
	size_t xfer;
	uint8_t status;
	uint8_t sense[MMC_SENSE_MAX];
	size_t sense_len;
	unsigned long epoch;		/* recorder.epoch when it was answered */
	unsigned long used;		/* for replacing the least recently used */
};

struct recorder_watch;

/*
 * A view's answer from the cache without the command lock: 1 with @cmd
 * answered (or 0 and -EBUSY in *@ret while the engine holds the drive and
 * nothing is kept: the view must not send), 0 when the drive must be asked.
 */
int recorder_view_answer(struct recorder *r, struct mmc_cmd *cmd, int *ret);

/* Whether the write engine holds the drive (recorder_hold()). */
bool recorder_held(struct recorder *r);

struct recorder {
	pthread_mutex_t mu;	/* one command at a time; the lock count */
	/*
	 * The answers, epoch, clock, held, attention and sent: a view reads
	 * kept answers under this lock alone, so it never waits for a command
	 * in flight (a WRITE paced by the drive). Taken after mu, never before.
	 */
	pthread_mutex_t cache_mu;
	struct burn_transport *t;
	struct mmc_inquiry inq;
	unsigned lock_count;
	struct recorder_answer answers[RECORDER_ANSWERS];
	unsigned long epoch;	/* + 1 whenever the drive's state may have changed */
	unsigned long clock;
	bool held;		/* the write engine owns the drive (recorder_hold()) */
	bool attention;		/* a unit attention came since the watch last looked */
	unsigned long sent[256];	/* commands sent to the drive, by opcode */
	struct recorder_watch *watch;
};

/*
 * Sends @cmd through the transport, or answers it from the cache: the
 * transport's return (0 or -errno; the SCSI outcome in cmd->status and
 * cmd->sense). Counts what is sent, keeps state answers, forgets them when
 * a command may change the state or the drive reports a unit attention.
 * r->mu held.
 */
int recorder_send_locked(struct recorder *r, struct mmc_cmd *cmd);

/* Every kept answer is out of date (with or without r->mu). */
void recorder_forget_locked(struct recorder *r);

/* Frees the cache's replies. */
void recorder_cache_free(struct recorder *r);
