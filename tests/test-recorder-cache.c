/*
 * The recorder's answer cache and medium watch (issue 12): in a view the
 * drive is asked a state question once until its state may have changed;
 * while the write engine holds the drive a view sends nothing; the watch
 * sees a medium changed behind the recorder's back and asks nothing of a
 * held drive. Counted with recorder_commands(), over the emulated recorder.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "recorder.h"
#include "transport.h"
#include "tl-emu.h"
#include "tl-harness.h"

static struct recorder *rec;

static void
setup(void)
{
	tl_emu_setup();
	rec = tl_recorder_on_dir(NULL);
}

static void
teardown(void)
{
	recorder_close(rec);
	rec = NULL;
	tl_emu_teardown();
}

/* How many commands of @op @r sent so far. */
static unsigned long
sent(struct recorder *r, uint8_t op)
{
	struct recorder_count counts[256];
	int n = recorder_commands(r, counts, 256);

	for (int i = 0; i < n; i++)
		if (counts[i].opcode == op)
			return counts[i].count;
	return 0;
}

/* Every command @r sent so far. */
static unsigned long
sent_all(struct recorder *r)
{
	struct recorder_count counts[256];
	int n = recorder_commands(r, counts, 256);
	unsigned long total = 0;

	for (int i = 0; i < n; i++)
		total += counts[i].count;
	return total;
}

static void
media_in_view(struct recorder *r, struct recorder_media *m)
{
	struct burn_error e;

	recorder_view_begin();
	ck_assert_msg(recorder_media(r, m, &e) == 0, "%s", e.reason);
	recorder_view_end();
}

START_TEST(view_asks_once)
{
	struct recorder_media m;
	struct burn_error e;
	unsigned long before;

	media_in_view(rec, &m);
	ck_assert(m.present && m.blank);
	before = sent_all(rec);
	ck_assert_uint_gt(sent(rec, MMC_GET_CONFIGURATION), 0);
	for (int i = 0; i < 5; i++)
		media_in_view(rec, &m);
	ck_assert_uint_eq(sent_all(rec), before);
	ck_assert(m.present && m.blank);
	/* outside a view every question goes to the drive */
	ck_assert_int_eq(recorder_media(rec, &m, &e), 0);
	ck_assert_uint_gt(sent_all(rec), before);
}
END_TEST

/* A command that may change the drive's state makes the kept answers out of date. */
START_TEST(state_change_forgets)
{
	struct recorder_media m;
	struct burn_error e;
	unsigned long before;

	media_in_view(rec, &m);
	ck_assert_int_eq(recorder_prevent(rec, true, &e), 0);
	before = sent(rec, MMC_GET_CONFIGURATION);
	media_in_view(rec, &m);
	ck_assert_uint_gt(sent(rec, MMC_GET_CONFIGURATION), before);
	before = sent_all(rec);
	media_in_view(rec, &m);
	ck_assert_uint_eq(sent_all(rec), before);
	recorder_forget(rec);
	media_in_view(rec, &m);
	ck_assert_uint_gt(sent_all(rec), before);
	ck_assert_int_eq(recorder_prevent(rec, false, &e), 0);
}
END_TEST

/* A held drive: views get the last answers and never a command; the engine still asks. */
START_TEST(held_drive_gets_nothing_from_views)
{
	struct recorder_media m;
	struct burn_error e;
	uint8_t pages[8];
	unsigned long before;

	media_in_view(rec, &m);
	recorder_hold(rec, true);
	recorder_forget(rec);
	before = sent_all(rec);
	media_in_view(rec, &m);
	ck_assert(m.present && m.blank);
	ck_assert_uint_eq(sent_all(rec), before);
	/* a question never asked is not asked now */
	recorder_view_begin();
	ck_assert_int_eq(recorder_mode_pages(rec, pages, 8, &e), -EBUSY);
	recorder_view_end();
	ck_assert_int_eq(e.result, BURN_E_WRITE_IN_PROGRESS);
	ck_assert_str_eq(e.reason, "MODE SENSE(10) was not sent: the drive is burning, and only "
			 "the burn talks to it");
	ck_assert_uint_eq(sent_all(rec), before);
	ck_assert_int_eq(recorder_mode_pages(rec, pages, 8, &e), 3);
	ck_assert_uint_gt(sent_all(rec), before);
	recorder_hold(rec, false);
	before = sent_all(rec);
	media_in_view(rec, &m);
	ck_assert_uint_gt(sent_all(rec), before);	/* released: the burn changed the disc */
}
END_TEST

static int changes;

static void
count_change(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_SEQ_CST);
}

/* Waits (a bounded while, not a timed assertion) until the watch reported @n changes. */
static void
wait_changes(int n)
{
	for (int i = 0; i < 3000 && __atomic_load_n(&changes, __ATOMIC_SEQ_CST) < n; i++)
		tl_sleep_ms(10);
	ck_assert_int_ge(__atomic_load_n(&changes, __ATOMIC_SEQ_CST), n);
}

/* Another program ejects and loads the disc: the watch sees both, and views read anew. */
START_TEST(watch_sees_medium_change)
{
	struct recorder *other = tl_recorder_on_dir(NULL);
	struct recorder_media m;
	struct burn_error e;

	changes = 0;
	media_in_view(rec, &m);
	ck_assert(m.present);
	ck_assert_int_eq(recorder_watch_start(rec, 10, count_change, &changes, &e), 0);
	ck_assert_int_eq(recorder_eject(other, &e), 0);
	wait_changes(1);
	media_in_view(rec, &m);
	ck_assert(!m.present);
	ck_assert_int_eq(recorder_load(other, &e), 0);
	wait_changes(2);
	media_in_view(rec, &m);
	ck_assert(m.present && m.blank);
	ck_assert_uint_gt(sent(rec, MMC_GET_EVENT_STATUS), 0);
	recorder_watch_stop(rec);
	recorder_close(other);
}
END_TEST

/* While the drive is held the watch asks it nothing. */
START_TEST(watch_asks_nothing_of_a_held_drive)
{
	struct burn_error e;
	unsigned long before;

	changes = 0;
	ck_assert_int_eq(recorder_watch_start(rec, 10, count_change, &changes, &e), 0);
	recorder_hold(rec, true);
	before = sent_all(rec);
	tl_sleep_ms(200);	/* twenty intervals */
	ck_assert_uint_eq(sent_all(rec), before);
	recorder_hold(rec, false);
	for (int i = 0; i < 3000 && sent_all(rec) == before; i++)
		tl_sleep_ms(10);
	ck_assert_uint_gt(sent(rec, MMC_GET_EVENT_STATUS), 0);
	ck_assert_int_eq(changes, 0);
	/* stopped by recorder_close() in the teardown */
}
END_TEST

/*
 * A transport whose PREVENT ALLOW MEDIUM REMOVAL waits at a gate: a command
 * in flight for as long as the test wants (as a WRITE waits while a drive's
 * buffer is full).
 */
struct gated {
	struct burn_transport base;
	struct burn_transport *inner;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool entered, open;
};

static struct gated gate = { .mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static int
gated_exec(struct burn_transport *t, struct mmc_cmd *cmd)
{
	struct gated *g = (struct gated *)t;

	if (cmd->cdb[0] == MMC_PREVENT_ALLOW) {
		pthread_mutex_lock(&g->mu);
		g->entered = true;
		pthread_cond_broadcast(&g->cond);
		while (!g->open)
			pthread_cond_wait(&g->cond, &g->mu);
		pthread_mutex_unlock(&g->mu);
	}
	return g->inner->ops->exec(g->inner, cmd);
}

static int
gated_lock(struct burn_transport *t, const char *client_name, struct burn_error *err)
{
	struct gated *g = (struct gated *)t;

	return g->inner->ops->lock(g->inner, client_name, err);
}

static void
gated_unlock(struct burn_transport *t)
{
	struct gated *g = (struct gated *)t;

	g->inner->ops->unlock(g->inner);
}

static int
gated_owner(struct burn_transport *t, char *buf, size_t size)
{
	struct gated *g = (struct gated *)t;

	return g->inner->ops->owner(g->inner, buf, size);
}

static void
gated_destroy(struct burn_transport *t)
{
	struct gated *g = (struct gated *)t;

	g->inner->ops->destroy(g->inner);
}

static const struct burn_transport_ops gated_ops = {
	.name = "gated",
	.exec = gated_exec,
	.lock = gated_lock,
	.unlock = gated_unlock,
	.owner = gated_owner,
	.destroy = gated_destroy,
};

static void *
prevent_in_flight(void *arg)
{
	struct burn_error e;

	return (void *)(intptr_t)recorder_prevent(arg, true, &e);
}

/*
 * A view never waits for a command in flight: while the engine's command
 * is held at the gate (it holds the command lock), views still read the
 * kept answers. Were they to wait, this test would never end.
 */
START_TEST(view_does_not_wait_for_a_command_in_flight)
{
	char spec[4200];
	struct recorder *r;
	struct recorder_media m;
	struct burn_error e;
	pthread_t th;
	void *ret;

	snprintf(spec, sizeof(spec), "emu:%s", tl_emu_dir);
	ck_assert_msg(burn_transport_open(spec, NULL, &gate.inner, &e) == 0, "%s", e.reason);
	gate.base.ops = &gated_ops;
	memcpy(gate.base.device, gate.inner->device, sizeof(gate.base.device));
	ck_assert_msg(recorder_open(&gate.base, &r, &e) == 0, "%s", e.reason);
	media_in_view(r, &m);
	recorder_hold(r, true);
	ck_assert_int_eq(pthread_create(&th, NULL, prevent_in_flight, r), 0);
	pthread_mutex_lock(&gate.mu);
	while (!gate.entered)
		pthread_cond_wait(&gate.cond, &gate.mu);
	pthread_mutex_unlock(&gate.mu);
	for (int i = 0; i < 3; i++) {
		media_in_view(r, &m);
		ck_assert(m.present && m.blank);
	}
	pthread_mutex_lock(&gate.mu);
	gate.open = true;
	pthread_cond_broadcast(&gate.cond);
	pthread_mutex_unlock(&gate.mu);
	ck_assert_int_eq(pthread_join(th, &ret), 0);
	ck_assert_int_eq((int)(intptr_t)ret, 0);
	recorder_hold(r, false);
	ck_assert_int_eq(recorder_prevent(r, false, &e), 0);
	recorder_close(r);
}
END_TEST

TL_SUITE(cache_suite, "recorder-cache",
	 TL_CASE("cache", setup, teardown),
	 TL_RUN(view_asks_once, state_change_forgets, held_drive_gets_nothing_from_views,
		watch_sees_medium_change, watch_asks_nothing_of_a_held_drive,
		view_does_not_wait_for_a_command_in_flight))

TL_MAIN(cache_suite)
