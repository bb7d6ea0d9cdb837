#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"
#include "hints.h"
#include "parse.h"

/* ---- the writer's properties ---- */

/* A line of text from outside (a drive, a process, a path): escaped as it needs. */
static int
show_text(struct strbuf *out, const char *text)
{
	strbuf_add_text(out, text);
	strbuf_add(out, "\n", 1);
	return 0;
}

static int
show_client_name(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	char name[64];

	rawcd_client_name(ctx->w, name, sizeof(name));
	strbuf_printf(out, "%s\n", name);
	return 0;
}

static int
store_client_name(struct fs_ctx *ctx, const char *buf, size_t len, struct burn_error *err)
{
	return rawcd_set_client_name(ctx->w, buf, len, err);
}

static int
show_exclusive_owner(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	char owner[128];
	int ret = recorder_owner(ctx->rec, owner, sizeof(owner), err);

	/* "pid N (comm)": a command name may hold any byte */
	return ret < 0 ? ret : show_text(out, owner);
}

static int
show_sector_type(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	strbuf_printf(out, "%s\n", burn_sector_type_name(rawcd_sector_type(ctx->w)));
	return 0;
}

static int
store_sector_type(struct fs_ctx *ctx, const char *buf, size_t len, struct burn_error *err)
{
	enum cd_sector_type t;
	int ret = burn_parse_sector_type(buf, len, &t, err);

	return ret < 0 ? ret : rawcd_set_sector_type(ctx->w, t, err);
}

static int
show_supported_sector_types(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out,
			    struct burn_error *err)
{
	const char *sep = "";
	unsigned mask;
	int ret = rawcd_supported_sector_types(ctx->w, &mask, err);

	if (ret < 0)
		return ret;
	for (int t = CD_SECTOR_PQ; t <= CD_SECTOR_RAW; t++) {
		if (mask & (1u << t)) {
			strbuf_printf(out, "%s%s", sep, burn_sector_type_name((enum cd_sector_type)t));
			sep = " ";
		}
	}
	strbuf_add(out, "\n", 1);
	return 0;
}

static int
show_lead_in_sectors(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	strbuf_printf(out, "%ld\n", rawcd_lead_in_sectors(ctx->w));
	return 0;
}

static int
store_lead_in_sectors(struct fs_ctx *ctx, const char *buf, size_t len, struct burn_error *err)
{
	long v;

	/* any integer; the writer checks the range, and a non-integer is refused as out of it */
	if (burn_parse_long(buf, len, LONG_MIN, LONG_MAX, &v, NULL) < 0)
		v = LONG_MIN;
	return rawcd_set_lead_in_sectors(ctx->w, v, err);
}

static int
show_write_speed(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	long v = rawcd_write_speed(ctx->w);

	if (v < 0)
		strbuf_printf(out, "max\n");
	else
		strbuf_printf(out, "%ld\n", v);
	return 0;
}

static int
store_write_speed(struct fs_ctx *ctx, const char *buf, size_t len, struct burn_error *err)
{
	long v;
	int ret = burn_parse_speed(buf, len, &v, err);

	return ret < 0 ? ret : rawcd_set_write_speed(ctx->w, v, err);
}

static int
show_current_write_speed(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out,
			 struct burn_error *err)
{
	long v;
	int ret = rawcd_current_write_speed(ctx->w, &v, err);

	if (ret < 0)
		return ret;
	strbuf_printf(out, "%ld\n", v);
	return 0;
}

static int
show_supported_write_speeds(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out,
			    struct burn_error *err)
{
	uint32_t speeds[RAWCD_MAX_SPEEDS];
	int n = rawcd_supported_write_speeds(ctx->w, speeds, RAWCD_MAX_SPEEDS, err);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		strbuf_printf(out, "%s%u", i ? " " : "", speeds[i]);
	strbuf_add(out, "\n", 1);
	return 0;
}

#define BOOL_PROPERTY(name, getter, setter)                                                     \
	static int show_##name(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out,               \
			       struct burn_error *err)                                           \
	{                                                                                        \
		strbuf_printf(out, "%d\n", getter(ctx->w) ? 1 : 0);                              \
		return 0;                                                                        \
	}                                                                                        \
	static int store_##name(struct fs_ctx *ctx, const char *buf, size_t len,                 \
				struct burn_error *err)                                          \
	{                                                                                        \
		bool v;                                                                          \
		int ret = burn_parse_bool(buf, len, &v, err);                                    \
		return ret < 0 ? ret : setter(ctx->w, v, err);                                   \
	}

BOOL_PROPERTY(pure_cav, rawcd_pure_cav, rawcd_set_pure_cav)
BOOL_PROPERTY(bufe_disabled, rawcd_bufe_disabled, rawcd_set_bufe_disabled)
BOOL_PROPERTY(simulate, rawcd_simulate, rawcd_set_simulate)
BOOL_PROPERTY(verify, rawcd_verify, rawcd_set_verify)

static int
show_state(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	strbuf_printf(out, "%s\n", rawcd_state_name(rawcd_state(ctx->w)));
	return 0;
}

static int
show_progress(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	struct rawcd_progress p;

	rawcd_progress(ctx->w, &p);
	strbuf_printf(out,
		      "action %s\nstart_lba %d\nsector_count %u\nlast_written_lba %d\n"
		      "elapsed_s %u\nremaining_s %u\nbuffer_used %llu\nbuffer_total %llu\n",
		      rawcd_action_name(p.action), (int)p.start_lba, p.sector_count,
		      (int)p.last_written_lba, p.elapsed_s, p.remaining_s,
		      (unsigned long long)p.buffer_used, (unsigned long long)p.buffer_total);
	return 0;
}

int
fs_show_last_error(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	struct burn_error e;
	char line[BURN_REASON_MAX + 128];

	lasterr_get(ctx->le, who, &e);
	if (e.result == BURN_S_OK) {
		strbuf_add(out, "\n", 1);
		return 0;
	}
	burn_error_format(&e, line, sizeof(line));
	strbuf_printf(out, "%s\n", line);
	return 0;
}

/* ---- ctl ---- */

static bool
word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

static int
store_ctl(struct fs_ctx *ctx, const char *buf, size_t len, struct burn_error *err)
{
	char line[64];
	const char *verb, *arg;
	size_t vlen, alen;
	int ret = burn_parse_word(buf, len, line, sizeof(line), err);

	if (ret < 0)
		goto bad;
	verb = line + strspn(line, " ");
	vlen = strcspn(verb, " ");
	arg = verb + vlen + strspn(verb + vlen, " ");
	alen = strcspn(arg, " ");
	if (arg[alen + strspn(arg + alen, " ")] != '\0')
		goto bad;
	if (word_is(verb, vlen, "blank")) {
		if (alen == 0 || word_is(arg, alen, "minimal"))
			return rawcd_blank(ctx->w, false, err);
		if (word_is(arg, alen, "full"))
			return rawcd_blank(ctx->w, true, err);
		goto bad;
	}
	if (alen != 0)
		goto bad;
	if (word_is(verb, vlen, "prepare"))
		return rawcd_prepare(ctx->w, err);
	if (word_is(verb, vlen, "release"))
		return rawcd_release(ctx->w, err);
	if (word_is(verb, vlen, "cancel"))
		return rawcd_cancel(ctx->w, err);
	if (word_is(verb, vlen, "eject"))
		return rawcd_eject(ctx->w, err);
	if (word_is(verb, vlen, "load"))
		return rawcd_load(ctx->w, err);
bad:
	return burn_error_set(err, BURN_E_INVALIDARG,
			      "unknown command; expected one of: prepare, release, cancel, eject, load, blank [minimal|full]");
}

/* ---- media/ ---- */

static int
get_media(struct fs_ctx *ctx, struct recorder_media *m, bool need_present, struct burn_error *err)
{
	int ret = recorder_media(ctx->rec, m, err);

	if (ret < 0)
		return ret;
	if (need_present && !m->present)
		return burn_error_set(err, BURN_E_MEDIA_NO_MEDIA, "there is no disc in %s",
				      recorder_device(ctx->rec));
	return 0;
}

/* What a media/ file shows. */
enum media_value {
	MEDIA_TYPE,
	MEDIA_BLANK,
	MEDIA_NEXT_SESSION,
	MEDIA_LEADOUT,
};

/*
 * Files that show one value of a lookup made for several: show_NAME()
 * passes FN the value's selector (the arguments after FN).
 */
#define SHOW_ONE_OF(name, fn, ...)                                                                 \
	static int show_##name(struct fs_ctx *ctx, const struct lasterr_who *who,                  \
			       struct strbuf *out, struct burn_error *err)                         \
	{                                                                                          \
		return fn(ctx, out, __VA_ARGS__, err);                                             \
	}

/* An LBA the medium may not have: "none" then. */
static void
print_lba(struct strbuf *out, bool have, int32_t lba)
{
	if (have)
		strbuf_printf(out, "%d\n", (int)lba);
	else
		strbuf_printf(out, "none\n");
}

/* Every media/ file but type needs a disc. */
static int
show_media(struct fs_ctx *ctx, struct strbuf *out, enum media_value v, struct burn_error *err)
{
	struct recorder_media m;
	int ret = get_media(ctx, &m, v != MEDIA_TYPE, err);

	if (ret < 0)
		return ret;
	switch (v) {
	case MEDIA_TYPE:
		strbuf_printf(out, "%s\n", m.type);
		break;
	case MEDIA_BLANK:
		strbuf_printf(out, "%d\n", m.blank ? 1 : 0);
		break;
	case MEDIA_NEXT_SESSION:
		print_lba(out, m.have_next_session, m.start_of_next_session);
		break;
	case MEDIA_LEADOUT:
		print_lba(out, m.have_leadout, m.last_possible_leadout);
		break;
	}
	return 0;
}

SHOW_ONE_OF(media_type, show_media, MEDIA_TYPE)
SHOW_ONE_OF(media_blank, show_media, MEDIA_BLANK)
SHOW_ONE_OF(media_start_of_next_session, show_media, MEDIA_NEXT_SESSION)
SHOW_ONE_OF(media_last_leadout, show_media, MEDIA_LEADOUT)

/* ---- recorder/ ---- */

/* @field: the offset of one string of struct mmc_inquiry, the drive's bytes. */
static int
show_identity(struct fs_ctx *ctx, struct strbuf *out, size_t field, struct burn_error *err)
{
	return show_text(out, (const char *)recorder_identity(ctx->rec) + field);
}

SHOW_ONE_OF(vendor_id, show_identity, offsetof(struct mmc_inquiry, vendor))
SHOW_ONE_OF(product_id, show_identity, offsetof(struct mmc_inquiry, product))
SHOW_ONE_OF(product_revision, show_identity, offsetof(struct mmc_inquiry, revision))

/* One "0xCODE name" line per profile or feature. */
static int
show_config(struct fs_ctx *ctx, struct strbuf *out, bool features, bool current_only,
	    struct burn_error *err)
{
	struct recorder_code codes[RECORDER_MAX_CODES];
	int n = recorder_codes(ctx->rec, features ? RECORDER_FEATURES : RECORDER_PROFILES,
			       current_only, codes, RECORDER_MAX_CODES, err);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		strbuf_printf(out, "0x%04X %s\n", codes[i].code, codes[i].name);
	return 0;
}

SHOW_ONE_OF(profiles, show_config, false, false)
SHOW_ONE_OF(current_profiles, show_config, false, true)
SHOW_ONE_OF(features, show_config, true, false)
SHOW_ONE_OF(current_features, show_config, true, true)

static int
show_mode_pages(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	uint8_t pages[64];
	int n = recorder_mode_pages(ctx->rec, pages, sizeof(pages), err);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		strbuf_printf(out, "0x%02X %s\n", pages[i], recorder_mode_page_name(pages[i]));
	return 0;
}

static int
show_can_load_media(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	int ret = recorder_can_load_media(ctx->rec, err);

	if (ret < 0)
		return ret;
	strbuf_printf(out, "%d\n", ret);
	return 0;
}

static int
show_device(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	return show_text(out, recorder_device(ctx->rec));	/* a path: any byte but NUL */
}

/* The commands sent to the drive since the mount, "NAME COUNT" by opcode (doc/design.md). */
static int
show_commands(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	struct recorder_count counts[256];
	int n = recorder_commands(ctx->rec, counts, 256);

	for (int i = 0; i < n && i < 256; i++)
		strbuf_printf(out, "%s %lu\n", counts[i].name, counts[i].count);
	return 0;
}

static int show_status(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err);

#define RW FS_MODE_RW
#define RO FS_MODE_RO
#define WO FS_MODE_WO
#define DIR_MODE FS_MODE_DIR
#define ST FS_NODE_IN_STATUS
#define PL FS_NODE_POLLABLE
#define CA FS_NODE_CACHED

static const struct fs_node nodes[] = {
	{ "/", FS_NODE_DIR, DIR_MODE, 0, NULL, NULL },
	{ "/client_name", FS_NODE_ATTR, RW, ST | CA, show_client_name, store_client_name },
	{ "/exclusive_owner", FS_NODE_ATTR, RO, ST, show_exclusive_owner, NULL },
	{ "/track.raw", FS_NODE_SINK, WO, 0, NULL, NULL },
	{ "/sector_type", FS_NODE_ATTR, RW, ST | CA, show_sector_type, store_sector_type },
	{ "/supported_sector_types", FS_NODE_ATTR, RO, ST, show_supported_sector_types, NULL },
	{ "/lead_in_sectors", FS_NODE_ATTR, RW, ST | CA, show_lead_in_sectors, store_lead_in_sectors },
	{ "/write_speed", FS_NODE_ATTR, RW, ST | CA, show_write_speed, store_write_speed },
	{ "/current_write_speed", FS_NODE_ATTR, RO, ST, show_current_write_speed, NULL },
	{ "/supported_write_speeds", FS_NODE_ATTR, RO, ST, show_supported_write_speeds, NULL },
	{ "/pure_cav", FS_NODE_ATTR, RW, ST | CA, show_pure_cav, store_pure_cav },
	{ "/buffer_underrun_free_disabled", FS_NODE_ATTR, RW, ST | CA, show_bufe_disabled,
	  store_bufe_disabled },
	{ "/simulate", FS_NODE_ATTR, RW, ST | CA, show_simulate, store_simulate },
	{ "/verify", FS_NODE_ATTR, RW, ST | CA, show_verify, store_verify },
	{ "/state", FS_NODE_ATTR, RO, ST | PL, show_state, NULL },
	{ "/progress", FS_NODE_ATTR, RO, PL, show_progress, NULL },
	{ "/status", FS_NODE_ATTR, RO, PL, show_status, NULL },
	{ "/last_error", FS_NODE_ATTR, RO, ST, fs_show_last_error, NULL },
	{ "/ctl", FS_NODE_CTL, WO, 0, NULL, store_ctl },
	{ "/media", FS_NODE_DIR, DIR_MODE, 0, NULL, NULL },
	{ "/media/type", FS_NODE_ATTR, RO, ST, show_media_type, NULL },
	{ "/media/blank", FS_NODE_ATTR, RO, ST, show_media_blank, NULL },
	/* a CD-R/RW's own "blank" report is what the heuristics would find */
	{ "/media/heuristically_blank", FS_NODE_ATTR, RO, ST, show_media_blank, NULL },
	{ "/media/start_of_next_session", FS_NODE_ATTR, RO, ST, show_media_start_of_next_session,
	  NULL },
	{ "/media/last_possible_start_of_leadout", FS_NODE_ATTR, RO, ST, show_media_last_leadout,
	  NULL },
	{ "/recorder", FS_NODE_DIR, DIR_MODE, 0, NULL, NULL },
	{ "/recorder/vendor_id", FS_NODE_ATTR, RO, ST, show_vendor_id, NULL },
	{ "/recorder/product_id", FS_NODE_ATTR, RO, ST, show_product_id, NULL },
	{ "/recorder/product_revision", FS_NODE_ATTR, RO, ST, show_product_revision, NULL },
	{ "/recorder/profiles", FS_NODE_ATTR, RO, 0, show_profiles, NULL },
	{ "/recorder/current_profiles", FS_NODE_ATTR, RO, 0, show_current_profiles, NULL },
	{ "/recorder/features", FS_NODE_ATTR, RO, 0, show_features, NULL },
	{ "/recorder/current_features", FS_NODE_ATTR, RO, 0, show_current_features, NULL },
	{ "/recorder/mode_pages", FS_NODE_ATTR, RO, 0, show_mode_pages, NULL },
	{ "/recorder/can_load_media", FS_NODE_ATTR, RO, ST, show_can_load_media, NULL },
	{ "/recorder/device", FS_NODE_ATTR, RO, ST, show_device, NULL },
	{ "/recorder/commands", FS_NODE_ATTR, RO, 0, show_commands, NULL },
	{ "/burn", FS_NODE_DIR, DIR_MODE, 0, NULL, NULL },
	/* the disc read back: its files are fs/disc.c's */
	{ "/disc", FS_NODE_DIR, DIR_MODE & ~(mode_t)S_IWUSR, 0, NULL, NULL },
};

#define N_NODES (sizeof(nodes) / sizeof(nodes[0]))

/*
 * Every single-valued file as "path: value", for scripts. A value that
 * cannot be had right now (no disc) is left empty rather than failing the
 * whole file.
 */
static int
show_status(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err)
{
	struct strbuf one;

	strbuf_init(&one);
	for (size_t i = 0; i < N_NODES; i++) {
		struct burn_error ignored;

		if (!(nodes[i].flags & FS_NODE_IN_STATUS))
			continue;
		strbuf_reset(&one);
		if (nodes[i].show(ctx, who, &one, &ignored) < 0 || one.err)
			strbuf_reset(&one);
		strbuf_printf(out, "%s: %.*s\n", nodes[i].path + 1,
			      (int)(one.len ? strcspn(one.data, "\n") : 0), one.len ? one.data : "");
	}
	strbuf_free(&one);
	{
		struct burn_error last;
		char line[BURN_REASON_MAX + 128];

		/* the outcome of the last burn stays readable (doc/design.md §2.2) */
		fs_add_outcome(out, "last_burn", rawcd_last_burn(ctx->w, &last) ? &last : NULL);
		rawcd_last_verify(ctx->w, line, sizeof(line));
		strbuf_printf(out, "last_verify: %s\n", line);
	}
	return 0;
}

/* The nodes of @ctx's tree: a recorder's, or a group's (fs/group.c). */
static const struct fs_node *
tree_of(const struct fs_ctx *ctx, size_t *n)
{
	if (ctx && ctx->group)
		return fs_group_nodes(n);
	*n = N_NODES;
	return nodes;
}

void
fs_add_outcome(struct strbuf *out, const char *key, const struct burn_error *e)
{
	struct burn_error worded;
	char line[BURN_REASON_MAX + 128];

	if (!e) {
		strbuf_printf(out, "%s: none\n", key);
		return;
	}
	worded = *e;
	fs_hints_add(&worded);
	burn_error_format(&worded, line, sizeof(line));
	strbuf_printf(out, "%s: %s\n", key, line);
}

const struct fs_node *
fs_node_find(const struct fs_ctx *ctx, const char *path)
{
	size_t n;
	const struct fs_node *tree = tree_of(ctx, &n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(tree[i].path, path) == 0)
			return &tree[i];
	return NULL;
}

size_t
fs_node_children(const struct fs_ctx *ctx, const char *dir, const struct fs_node **out, size_t max)
{
	size_t dlen = strcmp(dir, "/") == 0 ? 0 : strlen(dir), n = 0, count;
	const struct fs_node *tree = tree_of(ctx, &count);

	for (size_t i = 0; i < count; i++) {
		const char *p = tree[i].path;

		if (strcmp(p, "/") == 0 || strncmp(p, dir, dlen) != 0 || p[dlen] != '/')
			continue;
		if (strchr(p + dlen + 1, '/') || !p[dlen + 1])
			continue;
		if (n < max)
			out[n] = &tree[i];
		n++;
	}
	return n;
}

int
fs_node_show(struct fs_ctx *ctx, const struct fs_node *node, const struct lasterr_who *who, struct strbuf *out,
	     struct burn_error *err)
{
	int ret;

	if (!node->show)
		return burn_error_set(err, BURN_E_ACCESSDENIED, "%s is write-only", node->path + 1);
	/* from what the daemon holds: the drive is asked only what changed (recorder.h) */
	recorder_view_begin();
	ret = node->show(ctx, who, out, err);
	recorder_view_end();
	if (ret == 0 && out->err)
		ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory to render %s",
				     node->path + 1);
	return ret;
}

void
fs_nodes_warm(struct fs_ctx *ctx)
{
	const struct lasterr_who who = { 0, ctx->uid };
	struct burn_error ignored;
	struct strbuf sb;

	strbuf_init(&sb);
	(void)fs_node_show(ctx, fs_node_find(ctx, "/status"), &who, &sb, &ignored);
	for (size_t i = 0; i < N_NODES; i++) {
		if (nodes[i].kind != FS_NODE_ATTR || !nodes[i].show)
			continue;
		strbuf_reset(&sb);
		(void)fs_node_show(ctx, &nodes[i], &who, &sb, &ignored);
	}
	strbuf_free(&sb);
}
