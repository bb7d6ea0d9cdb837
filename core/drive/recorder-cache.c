/*
 * The recorder's answer cache (doc/design.md "Drive state"): the drive's
 * answers to state queries (TEST UNIT READY, GET CONFIGURATION, MODE SENSE,
 * READ DISC INFORMATION, READ TOC, ...: mmc_opcode_effect()) are kept until
 * the drive's state may have changed: a command that may change it, a unit
 * attention, a medium event seen by the watch (recorder-watch.c), or
 * recorder_forget(). Every command still reaches the drive, except in a
 * view (recorder_view_begin()): there a question asked before is answered
 * from the cache, and while the write engine holds the drive
 * (recorder_hold()) even an out-of-date answer is given rather than a
 * command sent. So the mount's files cost no drive command once read, and
 * nothing but the engine's own commands reaches a drive that is burning.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmc-sense.h"
#include "recorder-private.h"

static __thread unsigned view_depth;

void
recorder_view_begin(void)
{
	view_depth++;
}

void
recorder_view_end(void)
{
	if (view_depth)
		view_depth--;
}

static bool
same_question(const struct recorder_answer *a, const struct mmc_cmd *cmd)
{
	return a->data && a->cdb_len == cmd->cdb_len && a->len == cmd->len &&
	       memcmp(a->cdb, cmd->cdb, cmd->cdb_len) == 0;
}

static struct recorder_answer *
find(struct recorder *r, const struct mmc_cmd *cmd)
{
	for (size_t i = 0; i < RECORDER_ANSWERS; i++)
		if (same_question(&r->answers[i], cmd))
			return &r->answers[i];
	return NULL;
}

/* In a view: the kept answer when it is current, or any kept one while the engine writes. */
static bool
answer(struct recorder *r, struct mmc_cmd *cmd)
{
	struct recorder_answer *a = find(r, cmd);
	size_t n;

	if (!a || (a->epoch != r->epoch && !r->held))
		return false;
	n = a->xfer < cmd->len ? a->xfer : cmd->len;
	if (n)
		memcpy(cmd->buf, a->data, n);
	cmd->xfer = n;
	cmd->status = a->status;
	memcpy(cmd->sense, a->sense, sizeof(cmd->sense));
	cmd->sense_len = a->sense_len;
	a->used = ++r->clock;
	return true;
}

static void
keep(struct recorder *r, const struct mmc_cmd *cmd)
{
	struct recorder_answer *a = find(r, cmd);

	if (cmd->len > RECORDER_ANSWER_MAX || cmd->xfer > cmd->len)
		return;
	if (!a) {
		a = &r->answers[0];
		for (size_t i = 0; i < RECORDER_ANSWERS; i++) {
			if (!r->answers[i].data) {
				a = &r->answers[i];
				break;
			}
			if (r->answers[i].used < a->used)
				a = &r->answers[i];
		}
		free(a->data);
		a->data = malloc(cmd->len ? cmd->len : 1);
		if (!a->data)
			return;
		memcpy(a->cdb, cmd->cdb, sizeof(a->cdb));
		a->cdb_len = cmd->cdb_len;
		a->len = cmd->len;
	}
	if (cmd->xfer)
		memcpy(a->data, cmd->buf, cmd->xfer);
	a->xfer = cmd->xfer;
	a->status = cmd->status;
	memcpy(a->sense, cmd->sense, sizeof(a->sense));
	a->sense_len = cmd->sense_len;
	a->epoch = r->epoch;
	a->used = ++r->clock;
}

static bool
unit_attention(const struct mmc_cmd *cmd)
{
	struct mmc_sense s;

	return cmd->status == MMC_STATUS_CHECK_CONDITION &&
	       mmc_sense_parse(cmd->sense, cmd->sense_len, &s) == 0 &&
	       s.key == MMC_SENSE_KEY_UNIT_ATTENTION;
}

int
recorder_view_answer(struct recorder *r, struct mmc_cmd *cmd, int *ret)
{
	int done = 0;

	*ret = 0;
	if (!view_depth)
		return 0;
	pthread_mutex_lock(&r->cache_mu);
	if (mmc_opcode_effect(cmd->cdb[0]) == MMC_OP_STATE_QUERY && cmd->dir != MMC_DIR_OUT &&
	    answer(r, cmd)) {
		done = 1;
	} else if (r->held) {
		*ret = -EBUSY;		/* a view never disturbs a burn */
		done = 1;
	}
	pthread_mutex_unlock(&r->cache_mu);
	return done;
}

int
recorder_send_locked(struct recorder *r, struct mmc_cmd *cmd)
{
	enum mmc_op_effect effect = mmc_opcode_effect(cmd->cdb[0]);
	int ret;

	if (recorder_view_answer(r, cmd, &ret))
		return ret;
	ret = r->t->ops->exec(r->t, cmd);
	pthread_mutex_lock(&r->cache_mu);
	r->sent[cmd->cdb[0]]++;
	if (ret == 0) {
		if (unit_attention(cmd)) {
			r->attention = true;
			r->epoch++;
		} else if (effect == MMC_OP_CHANGES_STATE) {
			r->epoch++;
		} else if (effect == MMC_OP_STATE_QUERY) {
			keep(r, cmd);
		}
	}
	pthread_mutex_unlock(&r->cache_mu);
	return ret;
}

void
recorder_forget_locked(struct recorder *r)
{
	pthread_mutex_lock(&r->cache_mu);
	r->epoch++;
	pthread_mutex_unlock(&r->cache_mu);
}

void
recorder_forget(struct recorder *r)
{
	recorder_forget_locked(r);
}

void
recorder_hold(struct recorder *r, bool held)
{
	pthread_mutex_lock(&r->cache_mu);
	r->held = held;
	if (!held)
		r->epoch++;	/* the burn changed the medium */
	pthread_mutex_unlock(&r->cache_mu);
}

bool
recorder_held(struct recorder *r)
{
	bool held;

	pthread_mutex_lock(&r->cache_mu);
	held = r->held;
	pthread_mutex_unlock(&r->cache_mu);
	return held;
}

void
recorder_cache_free(struct recorder *r)
{
	for (size_t i = 0; i < RECORDER_ANSWERS; i++) {
		free(r->answers[i].data);
		r->answers[i].data = NULL;
	}
}

int
recorder_commands(struct recorder *r, struct recorder_count *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&r->cache_mu);
	for (unsigned op = 0; op < 256; op++) {
		if (!r->sent[op])
			continue;
		if (n < max)
			out[n] = (struct recorder_count){ (uint8_t)op, mmc_opcode_name((uint8_t)op),
							  r->sent[op] };
		n++;
	}
	pthread_mutex_unlock(&r->cache_mu);
	return (int)n;
}
