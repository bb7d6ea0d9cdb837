#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "burn-job.h"
#include "holders.h"
#include "parse.h"
#include "rawcd-group.h"
#include "sink.h"

struct fs_sink {
	struct fs_job *job;	/* the burn/ entry, NULL for track.raw */
	struct burn_job *engine;	/* NAME.iso/.wav/.flac: encodes as the file arrives */
	bool ended;		/* its last close ended the stream; release only frees */
	off_t offset;		/* bytes taken so far */
	char suffix[384];	/* "/track.raw" or "/burn/NAME", under a member's "/NAME": how /proc names it */
};

/*
 * The writer the stream goes to: the recorder's, or with several recorders
 * the group's, which hands every byte to each member (rawcd-group.h).
 */
static int
session_begin(struct fs_ctx *ctx, const char *name, struct burn_error *err)
{
	return ctx->group ? rawcd_group_session_begin(ctx->group, name, err)
			  : rawcd_session_begin(ctx->w, name, err);
}

static int
session_prepare(struct fs_ctx *ctx, struct burn_error *err)
{
	return ctx->group ? rawcd_group_session_prepare(ctx->group, err) : rawcd_session_prepare(ctx->w, err);
}

static int
session_end(struct fs_ctx *ctx, int ret, struct burn_error *err)
{
	return ctx->group ? rawcd_group_session_end(ctx->group, ret, err)
			  : rawcd_session_end(ctx->w, ret, err);
}

static ssize_t
stream_write(struct fs_ctx *ctx, const void *buf, size_t len, struct burn_error *err)
{
	return ctx->group ? rawcd_group_write(ctx->group, buf, len, err) : rawcd_write(ctx->w, buf, len, err);
}

static int
stream_flush(struct fs_ctx *ctx, bool end_if_complete, struct burn_error *err)
{
	return ctx->group ? rawcd_group_flush(ctx->group, end_if_complete, err)
			  : rawcd_flush(ctx->w, end_if_complete, err);
}

/* Where a burn job's encoder puts the raw stream: the writer above. */
static ssize_t
engine_sink(void *ctx, const void *buf, size_t len, struct burn_error *err)
{
	return stream_write(ctx, buf, len, err);
}

/*
 * One stream for every member: it is laid out by the sector type and
 * lead-in, so the members must agree on them (set them through the group).
 */
static int
members_agree(struct fs_ctx *ctx, struct burn_error *err)
{
	struct rawcd *first = ctx->members[0]->w;

	for (size_t i = 1; i < ctx->n_members; i++) {
		struct rawcd *w = ctx->members[i]->w;

		if (rawcd_sector_type(w) != rawcd_sector_type(first))
			return burn_error_set(err, BURN_E_INVALIDARG,
					      "recorders %s and %s have different sector types (%s, %s); set sector_type at the top of the mount for all",
					      ctx->members[0]->name, ctx->members[i]->name,
					      burn_sector_type_name(rawcd_sector_type(first)),
					      burn_sector_type_name(rawcd_sector_type(w)));
		if (rawcd_lead_in_sectors(w) != rawcd_lead_in_sectors(first))
			return burn_error_set(err, BURN_E_INVALIDARG,
					      "recorders %s and %s have different lead_in_sectors (%ld, %ld); set lead_in_sectors at the top of the mount for all",
					      ctx->members[0]->name, ctx->members[i]->name,
					      rawcd_lead_in_sectors(first), rawcd_lead_in_sectors(w));
	}
	return 0;
}

static struct fs_job *
job_find(struct fs_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->n_jobs; i++)
		if (strcmp(ctx->jobs[i]->name, name) == 0)
			return ctx->jobs[i];
	return NULL;
}

int
fs_sink_open(struct fs_ctx *ctx, const char *job_name, struct fs_sink **out,
	     struct burn_error *err)
{
	struct fs_sink *s;
	char name[RAWCD_SESSION_NAME_MAX];
	int ret;

	snprintf(name, sizeof(name), "%s%s", job_name ? "burn/" : "track.raw",
		 job_name ? job_name : "");
	pthread_mutex_lock(&ctx->sink_mu);
	ret = ctx->group ? members_agree(ctx, err) : 0;
	if (ret < 0)
		goto out;
	ret = session_begin(ctx, name, err);
	if (ret < 0)
		goto out;
	pthread_mutex_lock(&ctx->jobs_mu);
	if (job_name) {
		if (strlen(job_name) >= sizeof(((struct fs_job *)0)->name)) {
			ret = burn_error_set(err, BURN_E_INVALIDARG, "the job name is too long");
			goto out_jobs;
		}
		if (job_find(ctx, job_name)) {
			ret = burn_error_set(err, BURN_E_INVALIDARG,
					     "burn/%s is a finished job; remove it first", job_name);
			goto out_jobs;
		}
		if (ctx->n_jobs == FS_MAX_JOBS) {
			ret = burn_error_set(err, BURN_E_OUTOFMEMORY,
					     "burn/ holds %d finished jobs; remove some first",
					     FS_MAX_JOBS);
			goto out_jobs;
		}
	}
	pthread_mutex_unlock(&ctx->jobs_mu);
	s = calloc(1, sizeof(*s));
	if (!s) {
		ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a sink");
		goto out_end;
	}
	ret = session_prepare(ctx, err);
	if (ret < 0) {
		free(s);
		goto out_end;
	}
	if (job_name) {
		/* a group's members agree on these (members_agree()) */
		struct rawcd *w = ctx->group ? ctx->members[0]->w : ctx->w;
		enum burn_job_kind kind = burn_job_kind_for_name(job_name);
		struct fs_job *j = calloc(1, sizeof(*j));

		if (!j)
			ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a job");
		else if (kind != BURN_JOB_RAW)
			ret = burn_job_create(job_name, kind, rawcd_sector_type(w),
					      (unsigned)rawcd_lead_in_sectors(w), engine_sink, ctx,
					      &s->engine, err);
		if (ret < 0) {
			free(j);
			free(s);
			goto out_end;
		}
		snprintf(j->name, sizeof(j->name), "%s", job_name);
		j->active = true;
		j->mtime = time(NULL);
		s->job = j;
		/* nobody else adds jobs: the session is ours, so the slot is still free */
		pthread_mutex_lock(&ctx->jobs_mu);
		ctx->jobs[ctx->n_jobs++] = j;
		pthread_mutex_unlock(&ctx->jobs_mu);
	}
	snprintf(s->suffix, sizeof(s->suffix), "%s/%s", ctx->prefix, name);
	*out = s;
	goto out;
out_jobs:
	pthread_mutex_unlock(&ctx->jobs_mu);
out_end:
	/* a failed open leaves nothing: media it prepared is released */
	session_end(ctx, ret, NULL);
out:
	pthread_mutex_unlock(&ctx->sink_mu);
	return ret;

}

ssize_t
fs_sink_write(struct fs_ctx *ctx, struct fs_sink *s, const char *buf, size_t size, off_t off,
	      bool append, struct burn_error *err)
{
	ssize_t n;

	if (__atomic_load_n(&s->ended, __ATOMIC_ACQUIRE))
		return burn_error_set(err, BURN_E_WRITE_NOT_IN_PROGRESS,
				      "%s was closed by every process that had it open, which ended its stream; open it again for a new burn",
				      s->suffix + 1);
	/*
	 * Writes must follow each other (doc/design.md §2.2); with O_APPEND the
	 * kernel passes the file size, which is ours to ignore.
	 */
	if (off != s->offset && !append)
		return burn_error_set(err, BURN_E_SEEK_ON_DEVICE,
				      "writes must be sequential: this one is at offset %lld, the stream is at %lld",
				      (long long)off, (long long)s->offset);
	n = s->engine ? burn_job_write(s->engine, buf, size, err) : stream_write(ctx, buf, size, err);
	if (n < 0)
		return n;
	s->offset += (off_t)n;
	if (s->job) {
		pthread_mutex_lock(&ctx->jobs_mu);
		s->job->size = s->offset;
		s->job->mtime = time(NULL);
		pthread_mutex_unlock(&ctx->jobs_mu);
	}
	return n;
}

/*
 * Ends the stream of @s: the job's encoder sees the end of its input,
 * then the writer finishes (a complete stream) or ends incomplete, or the
 * media this sink prepared is released. @ret is what happened so far; the
 * first failure is returned. ctx->sink_mu held.
 */
static int
end_locked(struct fs_ctx *ctx, struct fs_sink *s, int ret, struct burn_error *err)
{
	if (s->engine) {
		/* input over: a short file fails here; the writer below then ends incomplete */
		int r = burn_job_finish(s->engine, ret < 0 ? NULL : err);

		if (ret == 0)
			ret = r;
		burn_job_destroy(s->engine);
		s->engine = NULL;
	}
	ret = session_end(ctx, ret, err);
	if (s->job) {
		pthread_mutex_lock(&ctx->jobs_mu);
		s->job->active = false;
		pthread_mutex_unlock(&ctx->jobs_mu);
	}
	__atomic_store_n(&s->ended, true, __ATOMIC_RELEASE);
	return ret;
}

/*
 * Whether another descriptor still holds @s. A group's "/track.raw" is
 * not its members' "/A/track.raw", which a suffix alone would match.
 */
static bool
holders_any(struct fs_ctx *ctx, const struct fs_sink *s)
{
	char member[RAWCD_GROUP_MAX][sizeof(ctx->prefix) + sizeof(s->suffix)];
	const char *not[RAWCD_GROUP_MAX];
	size_t n = 0;

	for (size_t i = 0; i < ctx->n_members && n < RAWCD_GROUP_MAX; i++, n++) {
		snprintf(member[n], sizeof(member[n]), "%s%s", ctx->members[i]->prefix, s->suffix);
		not[n] = member[n];
	}
	return fs_holders_any(ctx->mnt_id, s->suffix, not, n);
}

int
fs_sink_flush(struct fs_ctx *ctx, struct fs_sink *s, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&ctx->sink_mu);
	if (s->ended)
		goto out;
	/*
	 * The last close ends the stream here, while the closing process
	 * still waits: a short stream makes its close fail, and the outcome
	 * is final in status when close() returns.
	 */
	if (!holders_any(ctx, s)) {
		ret = end_locked(ctx, s, 0, err);
		goto out;
	}
	/*
	 * More may come through another descriptor (what comes after a
	 * complete stream is trailing data; README). A job whose file has
	 * fully arrived lets its encoder write the rest (the lead-out). Where
	 * /proc cannot tell which close is the last, a complete stream ends
	 * at the first one, so its writer still learns the outcome.
	 */
	if (s->engine && burn_job_input_complete(s->engine))
		ret = burn_job_finish(s->engine, err);
	if (ret == 0)
		ret = stream_flush(ctx, ctx->mnt_id < 0, err);
out:
	pthread_mutex_unlock(&ctx->sink_mu);
	return ret;
}

int
fs_sink_release(struct fs_ctx *ctx, struct fs_sink *s, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&ctx->sink_mu);
	if (!s->ended)
		ret = end_locked(ctx, s, 0, err);
	pthread_mutex_unlock(&ctx->sink_mu);
	free(s);
	return ret;
}

int
fs_jobs_stat(struct fs_ctx *ctx, const char *name, struct stat *st)
{
	struct fs_job *j;
	int ret = -ENOENT;

	pthread_mutex_lock(&ctx->jobs_mu);
	j = job_find(ctx, name);
	if (j) {
		st->st_mode = S_IFREG | FS_JOB_MODE;
		st->st_nlink = 1;
		st->st_size = j->size;
		st->st_atime = st->st_mtime = st->st_ctime = j->mtime;
		ret = 0;
	}
	pthread_mutex_unlock(&ctx->jobs_mu);
	return ret;
}

void
fs_jobs_each(struct fs_ctx *ctx, void (*fn)(void *arg, const char *name), void *arg)
{
	pthread_mutex_lock(&ctx->jobs_mu);
	for (size_t i = 0; i < ctx->n_jobs; i++)
		fn(arg, ctx->jobs[i]->name);
	pthread_mutex_unlock(&ctx->jobs_mu);
}

int
fs_jobs_unlink(struct fs_ctx *ctx, const char *name, struct burn_error *err)
{
	struct fs_job *j;
	int ret = 0;

	pthread_mutex_lock(&ctx->jobs_mu);
	j = job_find(ctx, name);
	if (!j) {
		ret = -ENOENT;
	} else if (j->active) {
		ret = burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				     "burn/%s is being burned; it can be removed when it is done", name);
	} else {
		size_t i = 0;

		while (ctx->jobs[i] != j)
			i++;
		memmove(ctx->jobs + i, ctx->jobs + i + 1, (ctx->n_jobs - i - 1) * sizeof(*ctx->jobs));
		ctx->n_jobs--;
		free(j);
	}
	pthread_mutex_unlock(&ctx->jobs_mu);
	return ret;
}

void
fs_jobs_free(struct fs_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_jobs; i++)
		free(ctx->jobs[i]);
	ctx->n_jobs = 0;
}
