#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fuse.h>

#include "perm.h"

/* The group a mount by root with allow_other gives its files (the system's optical drives'). */
#define PERM_DEFAULT_GROUP "cdrom"
#define PERM_MAX_GROUPS 256

/* The mount's group as messages name it: "cdrom, gid 24", or "gid 1000" without a name. */
static char perm_group_text[96];

struct perm_opts {
	char *group;		/* owned (fuse_opt allocates it) */
	bool allow_other;
};

enum {
	PERM_KEY_ALLOW_OTHER,
	PERM_KEY_DEFAULT_PERMISSIONS,
};

static const struct fuse_opt perm_opt_spec[] = {
	{ "group=%s", offsetof(struct perm_opts, group), 1 },
	FUSE_OPT_KEY("allow_other", PERM_KEY_ALLOW_OTHER),
	FUSE_OPT_KEY("default_permissions", PERM_KEY_DEFAULT_PERMISSIONS),
	FUSE_OPT_END
};

static int
perm_opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct perm_opts *po = data;

	switch (key) {
	case PERM_KEY_ALLOW_OTHER:
		po->allow_other = true;
		return 1;	/* for the kernel */
	case PERM_KEY_DEFAULT_PERMISSIONS:
		return 0;	/* made here: see perm.h */
	default:
		return 1;
	}
}

/* Whether the calling process (not a FUSE caller) is in group @gid. */
static bool
self_in_group(gid_t gid)
{
	gid_t groups[PERM_MAX_GROUPS];
	int n = getgroups(PERM_MAX_GROUPS, groups);

	if (getegid() == gid)
		return true;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* @name as a group: 0 with *@gid and its name in @text, or -1 when there is no such group. */
static int
group_lookup(const char *name, gid_t *gid, char *text, size_t size)
{
	const struct group *gr = getgrnam(name);
	char *end;
	unsigned long n;

	if (gr) {
		*gid = gr->gr_gid;
		snprintf(text, size, "%s, gid %u", gr->gr_name, (unsigned)gr->gr_gid);
		return 0;
	}
	errno = 0;
	n = strtoul(name, &end, 10);
	if (!*name || *end || errno || name[0] == '-' || n >= (unsigned long)UINT_MAX)
		return -1;
	*gid = (gid_t)n;
	gr = getgrgid(*gid);
	if (gr)
		snprintf(text, size, "%s, gid %u", gr->gr_name, (unsigned)*gid);
	else
		snprintf(text, size, "gid %u", (unsigned)*gid);
	return 0;
}

int
fs_perm_setup(struct fs_ctx *ctx, struct fuse_args *args)
{
	struct perm_opts po = { 0 };
	int ret = -1;

	if (fuse_opt_parse(args, &po, perm_opt_spec, perm_opt_proc) < 0) {
		fprintf(stderr, "burnfs: cannot parse the command line\n");
		goto out;
	}
	ctx->uid = getuid();
	ctx->gid = getgid();
	if (po.group) {
		if (group_lookup(po.group, &ctx->gid, perm_group_text, sizeof(perm_group_text)) < 0) {
			fprintf(stderr, "burnfs: group=%s: no such group\n", po.group);
			goto out;
		}
		if (geteuid() != 0 && !self_in_group(ctx->gid)) {
			fprintf(stderr, "burnfs: group=%s: uid %u is not a member of %s; only root may give a mount to a group it is not in\n",
				po.group, (unsigned)geteuid(), perm_group_text);
			goto out;
		}
	} else if (!po.allow_other || getuid() != 0 ||
		   group_lookup(PERM_DEFAULT_GROUP, &ctx->gid, perm_group_text,
				sizeof(perm_group_text)) < 0) {
		char gid[32];

		snprintf(gid, sizeof(gid), "%u", (unsigned)ctx->gid);
		group_lookup(gid, &ctx->gid, perm_group_text, sizeof(perm_group_text));
	}
	ret = 0;
out:
	free(po.group);
	return ret;
}

mode_t
fs_perm_shown(const char *path, mode_t mode)
{
	mode_t owner = (mode >> 6) & 7;

	mode = (mode & ~(mode_t)070) | (owner << 3);
	if (strncmp(path, "/disc/", 6) == 0)
		mode &= ~(mode_t)07;
	return mode;
}

/* Whether the caller is in group @gid, primary or supplementary. */
static bool
caller_in_group(gid_t gid)
{
	gid_t groups[PERM_MAX_GROUPS];
	int n;

	if (fuse_get_context()->gid == gid)
		return true;
	n = fuse_getgroups(PERM_MAX_GROUPS, groups);
	for (int i = 0; i < n && i < PERM_MAX_GROUPS; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

bool
fs_perm_permitted(const struct fs_ctx *ctx, mode_t mode, int mask)
{
	uid_t uid = fuse_get_context()->uid;
	mode_t bits;

	if (uid == 0 && !(mask & X_OK))
		return true;
	if (uid == ctx->uid || caller_in_group(ctx->gid))
		bits = (mode >> 6) & 7;
	else
		bits = mode & 7;
	return ((int)bits & mask) == mask;
}

int
fs_perm_check(const struct fs_ctx *ctx, const char *name, mode_t mode, int mask,
	      const char *what, struct burn_error *err)
{
	char path[300], group[32];

	if (fs_perm_permitted(ctx, mode, mask))
		return 0;
	snprintf(path, sizeof(path), "/%s", name);
	snprintf(group, sizeof(group), "gid %u", (unsigned)ctx->gid);	/* before fs_perm_setup() */
	return burn_error_set(err, BURN_E_ACCESSDENIED,
			      "%s: permission denied: uid %u may not %s it (mode %03o, owner uid %u, group %s)",
			      name, (unsigned)fuse_get_context()->uid, what,
			      (unsigned)(fs_perm_shown(path, mode) & 0777), (unsigned)ctx->uid,
			      perm_group_text[0] ? perm_group_text : group);
}

int
fs_perm_owner(const struct fs_ctx *ctx, const char *name, const char *what,
	      struct burn_error *err)
{
	uid_t uid = fuse_get_context()->uid;

	if (uid == 0 || uid == ctx->uid)
		return 0;
	return burn_error_set(err, BURN_E_NOT_SUPPORTED,
			      "%s: operation not permitted: only uid %u (the mount's owner) or root may %s it",
			      name, (unsigned)ctx->uid, what);
}
