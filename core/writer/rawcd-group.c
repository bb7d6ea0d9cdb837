/*
 * One stream onto several recorders (rawcd-group.h). The members are plain
 * raw writers; the group checks the stream once (its own checker,
 * stream-check.h), hands the sectors that pass to every member's engine,
 * decides who takes part and words the outcome.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawcd-group.h"
#include "rawcd-private.h"
#include "stream-check.h"

struct member {
	struct rawcd *w;
	char name[RAWCD_GROUP_NAME_MAX];
	enum rawcd_member_state state;
	struct burn_error why;	/* a skipped or failed member's reason */
	bool began;		/* its session is open: ours to end */
};

struct rawcd_group {
	pthread_mutex_t mu;	/* states and reasons, for readers of status */
	bool session;
	bool wrote;		/* the session's stream has begun */
	struct burn_stream_check *check;	/* the session's stream, once it has begun */
	bool refused;		/* the checker refused the stream: the group's own failure */
	struct burn_error refusal;
	bool have_last;
	struct burn_error last;
	size_t n;
	struct member m[];
};

int
rawcd_group_create(struct rawcd *const *ws, const char *const *names, size_t n,
		   struct rawcd_group **out, struct burn_error *err)
{
	struct rawcd_group *g;

	if (n == 0 || n > RAWCD_GROUP_MAX)
		return burn_error_set(err, BURN_E_INVALIDARG, "a group has 1 to %d recorders, not %zu",
				      RAWCD_GROUP_MAX, n);
	for (size_t i = 0; i < n; i++)
		if (!names[i][0] || strlen(names[i]) >= RAWCD_GROUP_NAME_MAX)
			return burn_error_set(err, BURN_E_INVALIDARG,
					      "a recorder's name in a group has 1 to %d bytes",
					      RAWCD_GROUP_NAME_MAX - 1);
	g = calloc(1, sizeof(*g) + n * sizeof(g->m[0]));
	if (!g)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a group of recorders");
	pthread_mutex_init(&g->mu, NULL);
	g->n = n;
	for (size_t i = 0; i < n; i++) {
		g->m[i].w = ws[i];
		snprintf(g->m[i].name, sizeof(g->m[i].name), "%s", names[i]);
	}
	*out = g;
	return 0;
}

void
rawcd_group_destroy(struct rawcd_group *g)
{
	if (!g)
		return;
	burn_stream_check_destroy(g->check);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

size_t
rawcd_group_size(const struct rawcd_group *g)
{
	return g->n;
}

struct rawcd *
rawcd_group_member(const struct rawcd_group *g, size_t i)
{
	return i < g->n ? g->m[i].w : NULL;
}

const char *
rawcd_group_member_name(const struct rawcd_group *g, size_t i)
{
	return i < g->n ? g->m[i].name : NULL;
}

const char *
rawcd_member_state_name(enum rawcd_member_state s)
{
	static const char *const names[] = {
		[RAWCD_MEMBER_NONE] = "none",
		[RAWCD_MEMBER_SKIPPED] = "skipped",
		[RAWCD_MEMBER_WRITING] = "writing",
		[RAWCD_MEMBER_FAILED] = "failed",
		[RAWCD_MEMBER_DONE] = "done",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "none";
}

enum rawcd_member_state
rawcd_group_member_state(struct rawcd_group *g, size_t i, struct burn_error *why)
{
	enum rawcd_member_state s = RAWCD_MEMBER_NONE;

	if (why)
		burn_error_clear(why);
	if (i >= g->n)
		return s;
	pthread_mutex_lock(&g->mu);
	s = g->m[i].state;
	if (why)
		*why = g->m[i].why;
	pthread_mutex_unlock(&g->mu);
	return s;
}

static void
set_state(struct rawcd_group *g, struct member *m, enum rawcd_member_state s, const struct burn_error *why)
{
	pthread_mutex_lock(&g->mu);
	m->state = s;
	if (why)
		m->why = *why;
	else
		burn_error_clear(&m->why);
	pthread_mutex_unlock(&g->mu);
}

/* Ends @m's session with @ret (its failure so far) and records how it ended. */
static void
end_member(struct rawcd_group *g, struct member *m, int ret, const struct burn_error *why)
{
	struct burn_error e = *why;
	enum rawcd_member_state was = m->state;

	if (!m->began)
		return;
	m->began = false;
	ret = rawcd_session_end(m->w, ret, &e);
	if (was == RAWCD_MEMBER_SKIPPED)
		return;		/* skipped before it wrote: its reason stays */
	if (ret < 0)
		set_state(g, m, RAWCD_MEMBER_FAILED, &e);
	else
		set_state(g, m, RAWCD_MEMBER_DONE, NULL);
}

/*
 * Ending a member's write waits for its drive (SYNCHRONIZE CACHE, the
 * read-back of verify): each member ends on a thread of its own, so the
 * group's end takes as long as its slowest member's, not their sum.
 */
struct ending {
	struct rawcd_group *g;
	struct member *m;
	int ret;
	struct burn_error why;
	int (*step)(struct rawcd_group *g, struct member *m, int ret, struct burn_error *why);
	pthread_t thread;
	bool started;
};

static void *
ending_main(void *arg)
{
	struct ending *x = arg;

	x->ret = x->step(x->g, x->m, x->ret, &x->why);
	return NULL;
}

/* Runs @step on every member in state WRITING at once; a thread that cannot start runs inline. */
static void
each_writing(struct rawcd_group *g, int ret, const struct burn_error *why,
	     int (*step)(struct rawcd_group *g, struct member *m, int ret, struct burn_error *why))
{
	struct ending x[RAWCD_GROUP_MAX];

	for (size_t i = 0; i < g->n; i++) {
		x[i] = (struct ending){ .g = g, .m = &g->m[i], .ret = ret, .why = *why, .step = step };
		if (g->m[i].state != RAWCD_MEMBER_WRITING || !g->m[i].began)
			continue;
		x[i].started = pthread_create(&x[i].thread, NULL, ending_main, &x[i]) == 0;
		if (!x[i].started)
			ending_main(&x[i]);
	}
	for (size_t i = 0; i < g->n; i++)
		if (x[i].started)
			pthread_join(x[i].thread, NULL);
}

static int
end_step(struct rawcd_group *g, struct member *m, int ret, struct burn_error *why)
{
	end_member(g, m, ret, why);
	return 0;
}

static int
flush_step(struct rawcd_group *g, struct member *m, int end_if_complete, struct burn_error *why)
{
	int ret = rawcd_flush(m->w, end_if_complete, why);

	if (ret < 0) {
		set_state(g, m, RAWCD_MEMBER_FAILED, why);
		end_member(g, m, ret, why);
	}
	return ret;
}

/*
 * Words the members in state @s into @err with the result of the first:
 * "A: reason" for one, "A and B: ...; A: reason" for several. Returns its
 * -errno, or 0 when no member is in @s.
 */
static int
word_members(struct rawcd_group *g, enum rawcd_member_state s, const char *what, struct burn_error *err)
{
	const struct member *first = NULL;
	char names[RAWCD_GROUP_MAX * RAWCD_GROUP_NAME_MAX];
	size_t count = 0, len = 0;

	names[0] = '\0';
	for (size_t i = 0; i < g->n; i++) {
		if (g->m[i].state != s)
			continue;
		if (!first)
			first = &g->m[i];
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", count ? ", " : "",
					g->m[i].name);
		count++;
	}
	if (!first)
		return 0;
	if (count == 1)
		return burn_error_set(err, first->why.result, "recorder %s %s: %s", first->name, what,
				      first->why.reason);
	return burn_error_set(err, first->why.result, "recorders %s %s; %s: %s", names, what,
			      first->name, first->why.reason);
}

/*
 * The group's failure so far: the stream's refusal as the checker worded
 * it (the stream, not a recorder, is at fault), else the failed members
 * as word_members() names them. 0 when there is none.
 */
static int
group_failure(struct rawcd_group *g, struct burn_error *err)
{
	if (g->refused) {
		if (err)
			*err = g->refusal;
		return -burn_result_info(g->refusal.result)->err;
	}
	return word_members(g, RAWCD_MEMBER_FAILED, "failed", err);
}

static size_t
count_state(const struct rawcd_group *g, enum rawcd_member_state s)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n; i++)
		n += g->m[i].state == s;
	return n;
}

int
rawcd_group_session_begin(struct rawcd_group *g, const char *name, struct burn_error *err)
{
	g->session = true;
	g->wrote = false;
	g->refused = false;
	for (size_t i = 0; i < g->n; i++) {
		struct member *m = &g->m[i];
		struct burn_error e;

		if (rawcd_session_begin(m->w, name, &e) < 0) {
			set_state(g, m, RAWCD_MEMBER_SKIPPED, &e);
			continue;
		}
		m->began = true;
		set_state(g, m, RAWCD_MEMBER_WRITING, NULL);
	}
	if (count_state(g, RAWCD_MEMBER_WRITING) == 0)
		return word_members(g, RAWCD_MEMBER_SKIPPED, "cannot start", err);
	return 0;
}

int
rawcd_group_session_prepare(struct rawcd_group *g, struct burn_error *err)
{
	for (size_t i = 0; i < g->n; i++) {
		struct member *m = &g->m[i];
		struct burn_error e;
		int ret;

		if (m->state != RAWCD_MEMBER_WRITING)
			continue;
		ret = rawcd_session_prepare(m->w, &e);
		if (ret < 0) {
			set_state(g, m, RAWCD_MEMBER_SKIPPED, &e);
			end_member(g, m, ret, &e);
		}
	}
	if (count_state(g, RAWCD_MEMBER_WRITING) == 0)
		return word_members(g, RAWCD_MEMBER_SKIPPED, "cannot start", err);
	return 0;
}

/* @m's write failed with @ret and @why: it is dropped, its session ended. */
static void
drop_member(struct rawcd_group *g, struct member *m, int ret, const struct burn_error *why)
{
	set_state(g, m, RAWCD_MEMBER_FAILED, why);
	end_member(g, m, ret, why);
}

/*
 * The stream's first write: one checker for the group, laid out by the
 * first member's sector type and lead-in (the mount makes them agree);
 * every member still writing starts its engine on it.
 */
static void
start_stream(struct rawcd_group *g)
{
	struct rawcd *first = NULL;
	struct burn_error e;
	int ret;

	for (size_t i = 0; i < g->n && !first; i++)
		if (g->m[i].state == RAWCD_MEMBER_WRITING)
			first = g->m[i].w;
	if (!first)
		return;
	burn_error_clear(&e);
	ret = burn_stream_check_create(rawcd_sector_type(first), rawcd_lead_in_sectors(first),
				       &g->check, &e);
	if (ret < 0) {
		/* the stream's layout cannot be decoded: nobody can burn it */
		g->refused = true;
		g->refusal = e;
	}
	for (size_t i = 0; i < g->n; i++) {
		struct member *m = &g->m[i];
		struct burn_error why = e;
		int r = ret;

		if (m->state != RAWCD_MEMBER_WRITING)
			continue;
		if (r == 0 && (rawcd_sector_type(m->w) != rawcd_sector_type(first) ||
			       rawcd_lead_in_sectors(m->w) != rawcd_lead_in_sectors(first)))
			r = burn_error_set(&why, BURN_E_INVALIDARG,
					   "its sector_type or lead_in_sectors differs from the group's stream's");
		if (r == 0)
			r = rawcd_write_begin(m->w, g->check, &why);
		if (r < 0)
			drop_member(g, m, r, &why);
	}
}

/* What the checker hands on: its TOC (toc set), or a run of sectors. */
struct handed {
	const struct image_toc *toc;
	uint64_t expected;
	const uint8_t *p;
	size_t n;
	int32_t lba;
};

/* The checker's output, to every member still writing; a member that fails is dropped. */
static int
hand_each(struct rawcd_group *g, const struct handed *h, struct burn_error *err)
{
	for (size_t i = 0; i < g->n; i++) {
		struct member *m = &g->m[i];
		struct burn_error e;
		int r;

		if (m->state != RAWCD_MEMBER_WRITING)
			continue;
		r = h->toc ? rawcd_write_toc(m->w, h->toc, h->expected, &e)
			   : rawcd_write_sectors(m->w, h->p, h->n, h->lba, &e);
		if (r < 0)
			drop_member(g, m, r, &e);
	}
	return count_state(g, RAWCD_MEMBER_WRITING) ? 0 : group_failure(g, err);
}

static int
group_toc(void *ctx, const struct image_toc *toc, uint64_t expected, struct burn_error *err)
{
	const struct handed h = { .toc = toc, .expected = expected };

	return hand_each(ctx, &h, err);
}

static int
group_sectors(void *ctx, const uint8_t *p, size_t n, int32_t lba, struct burn_error *err)
{
	const struct handed h = { .p = p, .n = n, .lba = lba };

	return hand_each(ctx, &h, err);
}

/* The checker refused the stream: @m's engine fails with @why and its write ends. */
static int
refuse_step(struct rawcd_group *g, struct member *m, int ret, struct burn_error *why)
{
	struct burn_error e;

	(void)ret;
	drop_member(g, m, rawcd_write_refused(m->w, why, &e), &e);
	return 0;
}

ssize_t
rawcd_group_write(struct rawcd_group *g, const void *buf, size_t len, struct burn_error *err)
{
	const struct burn_stream_check_sink sink = { group_toc, group_sectors, g };
	struct burn_error why;
	ssize_t n;

	if (g->refused)
		return group_failure(g, err);
	if (!g->wrote) {
		g->wrote = true;
		start_stream(g);
	}
	if (count_state(g, RAWCD_MEMBER_WRITING) == 0)
		return group_failure(g, err) ?: (ssize_t)len;
	n = burn_stream_check_write(g->check, buf, len, &sink, err);
	if (n < 0 && burn_stream_check_failure(g->check, &why)) {
		/* detected once, for every member: the group's failure, worded once */
		g->refused = true;
		g->refusal = why;
		each_writing(g, (int)n, &why, refuse_step);
		return group_failure(g, err);
	}
	return n;
}

int
rawcd_group_flush(struct rawcd_group *g, bool end_if_complete, struct burn_error *err)
{
	struct burn_error none;

	burn_error_clear(&none);
	each_writing(g, end_if_complete, &none, flush_step);
	return group_failure(g, err);
}

int
rawcd_group_session_end(struct rawcd_group *g, int ret, struct burn_error *err)
{
	struct burn_error outcome, why;
	int r;

	/* the caller's failure so far ends every member with it */
	if (ret < 0 && err)
		why = *err;
	else
		burn_error_set(&why, BURN_E_FAIL, "the stream ended early");
	/* a member skipped at prepare was ended then; the writing ones end together */
	each_writing(g, ret, &why, end_step);
	/* every member's write has ended: nobody reads the checker any more */
	burn_stream_check_destroy(g->check);
	g->check = NULL;
	g->session = false;
	if (!g->wrote) {
		/* nothing was burned (an open that failed, or closed at once): no outcome, as for one recorder */
		for (size_t i = 0; i < g->n; i++)
			if (g->m[i].state != RAWCD_MEMBER_SKIPPED)
				set_state(g, &g->m[i], RAWCD_MEMBER_NONE, NULL);
		return ret < 0 ? ret : 0;
	}
	r = group_failure(g, &outcome);
	if (r == 0 && count_state(g, RAWCD_MEMBER_DONE) == 0)
		r = word_members(g, RAWCD_MEMBER_SKIPPED, "cannot start", &outcome);
	if (r == 0) {
		size_t done = count_state(g, RAWCD_MEMBER_DONE), skipped = count_state(g, RAWCD_MEMBER_SKIPPED);

		burn_error_set(&outcome, BURN_S_OK, "%zu of %zu recorders burned the stream%s", done, g->n,
			       skipped ? " (the others were skipped: see status)" : "");
	}
	pthread_mutex_lock(&g->mu);
	g->last = outcome;
	g->have_last = true;
	pthread_mutex_unlock(&g->mu);
	if (r < 0 && ret >= 0 && err)
		*err = outcome;
	return ret < 0 ? ret : r;
}

bool
rawcd_group_in_session(struct rawcd_group *g)
{
	return g->session;
}

bool
rawcd_group_last_burn(struct rawcd_group *g, struct burn_error *e)
{
	bool have;

	pthread_mutex_lock(&g->mu);
	have = g->have_last;
	if (have)
		*e = g->last;
	pthread_mutex_unlock(&g->mu);
	return have;
}
