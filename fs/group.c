/*
 * The top of a mount of several recorders (doc/design.md §2.6): the group's
 * files act on every member through the member's own node, so each value
 * keeps its one setter and its one set of rules (fs/nodes.c); the group
 * only fans out and gathers. Its stream goes through rawcd-group.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "attrs.h"
#include "fs.h"
#include "hints.h"
#include "rawcd-group.h"

/* The first line of member @m's @path, without its newline, into @line. */
static int
member_line(struct fs_ctx *m, const char *path, const struct lasterr_who *who, struct strbuf *line,
	    struct burn_error *err)
{
	int ret;

	strbuf_reset(line);
	ret = fs_node_show(m, fs_node_find(m, path), who, line, err);
	if (ret == 0 && line->len)
		line->len = strcspn(line->data, "\n");
	return ret;
}

/*
 * A value of every member: the value when all agree, else "NAME=value" for
 * each, on one line. A member that cannot say shows "NAME=?".
 */
static int
show_each(struct fs_ctx *ctx, const char *path, const struct lasterr_who *who, struct strbuf *out,
	  struct burn_error *err)
{
	struct strbuf first, line;
	bool same = true;
	int ret = 0, ok = 0;

	strbuf_init(&first);
	strbuf_init(&line);
	for (size_t i = 0; i < ctx->n_members; i++) {
		struct burn_error e;

		if (member_line(ctx->members[i], path, who, &line, i == 0 ? err : &e) < 0) {
			same = false;
			continue;
		}
		ok++;
		if (i == 0)
			strbuf_add(&first, line.data, line.len);
		else if (line.len != first.len || memcmp(line.data, first.data, line.len) != 0)
			same = false;
	}
	if (ok == 0) {
		ret = -1;
	} else if (same) {
		strbuf_printf(out, "%.*s\n", (int)first.len, first.data);
	} else {
		for (size_t i = 0; i < ctx->n_members; i++) {
			struct burn_error e;

			if (member_line(ctx->members[i], path, who, &line, &e) < 0)
				strbuf_printf(out, "%s%s=?", i ? " " : "", ctx->members[i]->name);
			else
				strbuf_printf(out, "%s%s=%.*s", i ? " " : "", ctx->members[i]->name,
					      (int)line.len, line.data);
		}
		strbuf_add(out, "\n", 1);
	}
	strbuf_free(&first);
	strbuf_free(&line);
	if (ret < 0) {
		struct burn_error e = *err;

		return burn_error_set(err, e.result, "recorder %s: %s", ctx->members[0]->name, e.reason);
	}
	return 0;
}

/*
 * A store into every member, in order, each through its own setter; the
 * first refusal stops it and is named (members before it keep the value).
 */
static int
store_each(struct fs_ctx *ctx, const char *path, const char *buf, size_t len, struct burn_error *err)
{
	for (size_t i = 0; i < ctx->n_members; i++) {
		struct fs_ctx *m = ctx->members[i];
		const struct fs_node *node = fs_node_find(m, path);
		struct burn_error e;

		if (node->store(m, buf, len, &e) < 0) {
			return burn_error_set(err, e.result, "recorder %s: %s%s", m->name, e.reason,
					      i ? " (the recorders before it took the new value)" : "");
		}
		if (node->flags & FS_NODE_CACHED)
			fs_attrs_drop(m, path);
		fs_attrs_settle(m);
	}
	return 0;
}

#define EACH(name)                                                                               \
	static int show_##name(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out,\
			       struct burn_error *err)                                           \
	{                                                                                        \
		return show_each(ctx, "/" #name, who, out, err);                                 \
	}                                                                                        \
	static int store_##name(struct fs_ctx *ctx, const char *buf, size_t len,                 \
				struct burn_error *err)                                          \
	{                                                                                        \
		return store_each(ctx, "/" #name, buf, len, err);                                \
	}

EACH(client_name)
EACH(sector_type)
EACH(lead_in_sectors)
EACH(write_speed)
EACH(pure_cav)
EACH(buffer_underrun_free_disabled)
EACH(simulate)
EACH(verify)

static int
show_state(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	return show_each(ctx, "/state", who, out, err);
}

/* "NAME: holder" for each member. */
static int
show_exclusive_owner(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out,
		     struct burn_error *err)
{
	struct strbuf line;

	strbuf_init(&line);
	for (size_t i = 0; i < ctx->n_members; i++) {
		struct burn_error e;

		if (member_line(ctx->members[i], "/exclusive_owner", who, &line, &e) < 0)
			strbuf_printf(out, "%s: ?\n", ctx->members[i]->name);
		else
			strbuf_printf(out, "%s: %.*s\n", ctx->members[i]->name, (int)line.len, line.data);
	}
	strbuf_free(&line);
	return 0;
}

/* Member @i's place in the group's stream: "writing", "failed: REASON", ... */
static void
add_outcome(struct fs_ctx *ctx, size_t i, struct strbuf *out)
{
	struct burn_error why;
	enum rawcd_member_state s = rawcd_group_member_state(ctx->group, i, &why);

	strbuf_printf(out, "%s", rawcd_member_state_name(s));
	if (s == RAWCD_MEMBER_SKIPPED || s == RAWCD_MEMBER_FAILED) {
		char line[BURN_REASON_MAX + 128];

		fs_hints_add(&why);
		burn_error_format(&why, line, sizeof(line));
		strbuf_printf(out, ": %s", line);
	}
	strbuf_add(out, "\n", 1);
}

/* Each member's progress lines, each after the member's name, and its outcome in the group. */
static int
show_progress(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	struct strbuf one;

	strbuf_init(&one);
	for (size_t i = 0; i < ctx->n_members; i++) {
		struct fs_ctx *m = ctx->members[i];
		const char *p;

		strbuf_reset(&one);
		if (fs_node_show(m, fs_node_find(m, "/progress"), who, &one, err) < 0) {
			strbuf_free(&one);
			return -1;
		}
		for (p = one.data; p && *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] ? 1 : 0))
			strbuf_printf(out, "%s %.*s\n", m->name, (int)strcspn(p, "\n"), p);
		strbuf_printf(out, "%s outcome ", m->name);
		add_outcome(ctx, i, out);
	}
	strbuf_free(&one);
	return 0;
}

static int show_status(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out,
		       struct burn_error *err);

/*
 * ctl: the verb for every member; all are tried. `cancel` cancels the
 * members that write (a member with nothing to cancel is not a failure
 * unless none had anything). The first refusal is named.
 */
static int
store_ctl(struct fs_ctx *ctx, const char *buf, size_t len, struct burn_error *err)
{
	struct burn_error first;
	size_t failed = 0, idle = 0;

	for (size_t i = 0; i < ctx->n_members; i++) {
		struct fs_ctx *m = ctx->members[i];
		struct burn_error e;

		if (fs_node_find(m, "/ctl")->store(m, buf, len, &e) == 0)
			continue;
		if (e.result == BURN_E_WRITE_NOT_IN_PROGRESS && ++idle < ctx->n_members)
			continue;
		if (e.result == BURN_E_WRITE_NOT_IN_PROGRESS)
			return burn_error_set(err, e.result, "every recorder: %s", e.reason);
		if (e.result == BURN_E_INVALIDARG)
			return burn_error_set(err, e.result, "%s", e.reason);	/* not a verb: no member took it */
		if (!failed++)
			burn_error_set(&first, e.result, "recorder %s: %s", m->name, e.reason);
	}
	if (!failed)
		return 0;
	if (failed > 1)
		return burn_error_set(err, first.result, "%s (and %zu more recorders refused: see their last_error)",
				      first.reason, failed - 1);
	return burn_error_set(err, first.result, "%s", first.reason);
}

#define ST FS_NODE_IN_STATUS
#define PL FS_NODE_POLLABLE

static const struct fs_node group_nodes[] = {
	{ "/", FS_NODE_DIR, FS_MODE_DIR, 0, NULL, NULL },
	{ "/client_name", FS_NODE_ATTR, FS_MODE_RW, ST, show_client_name, store_client_name },
	{ "/exclusive_owner", FS_NODE_ATTR, FS_MODE_RO, 0, show_exclusive_owner, NULL },
	{ "/track.raw", FS_NODE_SINK, FS_MODE_WO, 0, NULL, NULL },
	{ "/sector_type", FS_NODE_ATTR, FS_MODE_RW, ST, show_sector_type, store_sector_type },
	{ "/lead_in_sectors", FS_NODE_ATTR, FS_MODE_RW, ST, show_lead_in_sectors, store_lead_in_sectors },
	{ "/write_speed", FS_NODE_ATTR, FS_MODE_RW, ST, show_write_speed, store_write_speed },
	{ "/pure_cav", FS_NODE_ATTR, FS_MODE_RW, ST, show_pure_cav, store_pure_cav },
	{ "/buffer_underrun_free_disabled", FS_NODE_ATTR, FS_MODE_RW, ST,
	  show_buffer_underrun_free_disabled, store_buffer_underrun_free_disabled },
	{ "/simulate", FS_NODE_ATTR, FS_MODE_RW, ST, show_simulate, store_simulate },
	{ "/verify", FS_NODE_ATTR, FS_MODE_RW, ST, show_verify, store_verify },
	{ "/state", FS_NODE_ATTR, FS_MODE_RO, ST | PL, show_state, NULL },
	{ "/progress", FS_NODE_ATTR, FS_MODE_RO, PL, show_progress, NULL },
	{ "/status", FS_NODE_ATTR, FS_MODE_RO, PL, show_status, NULL },
	{ "/last_error", FS_NODE_ATTR, FS_MODE_RO, ST, fs_show_last_error, NULL },
	{ "/ctl", FS_NODE_CTL, FS_MODE_WO, 0, NULL, store_ctl },
	{ "/burn", FS_NODE_DIR, FS_MODE_DIR, 0, NULL, NULL },
};

#define N_GROUP_NODES (sizeof(group_nodes) / sizeof(group_nodes[0]))

/*
 * The group's values as "path: value", then each member's state, holder,
 * outcome in the group's stream and last burn as "NAME/key: value", then
 * the group's last burn.
 */
static int
show_status(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	struct strbuf one;
	struct burn_error last;
	char key[sizeof(ctx->name) + 16];

	strbuf_init(&one);
	strbuf_printf(out, "members:");
	for (size_t i = 0; i < ctx->n_members; i++)
		strbuf_printf(out, " %s", ctx->members[i]->name);
	strbuf_add(out, "\n", 1);
	for (size_t i = 0; i < N_GROUP_NODES; i++) {
		struct burn_error ignored;

		if (!(group_nodes[i].flags & ST))
			continue;
		strbuf_reset(&one);
		if (group_nodes[i].show(ctx, who, &one, &ignored) < 0 || one.err)
			strbuf_reset(&one);
		strbuf_printf(out, "%s: %.*s\n", group_nodes[i].path + 1,
			      (int)(one.len ? strcspn(one.data, "\n") : 0), one.len ? one.data : "");
	}
	for (size_t i = 0; i < ctx->n_members; i++) {
		struct fs_ctx *m = ctx->members[i];
		static const char *const keys[] = { "/state", "/exclusive_owner", "/media/type", "/media/blank" };

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			struct burn_error ignored;

			if (member_line(m, keys[k], who, &one, &ignored) < 0)
				strbuf_reset(&one);
			strbuf_printf(out, "%s%s: %.*s\n", m->name, keys[k], (int)one.len,
				      one.len ? one.data : "");
		}
		strbuf_printf(out, "%s/outcome: ", m->name);
		add_outcome(ctx, i, out);
		snprintf(key, sizeof(key), "%s/last_burn", m->name);
		fs_add_outcome(out, key, rawcd_last_burn(m->w, &last) ? &last : NULL);
	}
	strbuf_free(&one);
	fs_add_outcome(out, "last_burn", rawcd_group_last_burn(ctx->group, &last) ? &last : NULL);
	return 0;
}

const struct fs_node *
fs_group_nodes(size_t *n_out)
{
	*n_out = N_GROUP_NODES;
	return group_nodes;
}

struct fs_ctx *
fs_group_find(const struct fs_ctx *ctx, const char *name, size_t len)
{
	for (size_t i = 0; ctx && i < ctx->n_members; i++)
		if (strlen(ctx->members[i]->name) == len && memcmp(ctx->members[i]->name, name, len) == 0)
			return ctx->members[i];
	return NULL;
}

unsigned long
fs_generation(struct fs_ctx *ctx)
{
	unsigned long sum = 0;

	if (!ctx->group)
		return rawcd_progress_generation(ctx->w);
	for (size_t i = 0; i < ctx->n_members; i++)
		sum += rawcd_progress_generation(ctx->members[i]->w);
	return sum;
}

void
fs_group_record(struct fs_ctx *ctx, const struct lasterr_who *who)
{
	for (size_t i = 0; ctx->group && i < ctx->n_members; i++) {
		struct burn_error why;

		if (rawcd_group_member_state(ctx->group, i, &why) == RAWCD_MEMBER_FAILED) {
			fs_hints_add(&why);
			lasterr_set(ctx->members[i]->le, who, &why);
		}
	}
}
