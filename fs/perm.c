#include "config.h"

#include <unistd.h>

#include <fuse.h>

#include "perm.h"

/* Whether the caller is in group @gid, primary or supplementary. */
static bool
caller_in_group(gid_t gid)
{
	gid_t groups[64];
	int n;

	if (fuse_get_context()->gid == gid)
		return true;
	n = fuse_getgroups(64, groups);
	for (int i = 0; i < n && i < 64; i++)
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
	if (uid == ctx->uid)
		bits = (mode >> 6) & 7;
	else if (caller_in_group(ctx->gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return ((int)bits & mask) == mask;
}

int
fs_perm_check(const struct fs_ctx *ctx, const char *name, mode_t mode, int mask,
	      const char *what, struct burn_error *err)
{
	if (fs_perm_permitted(ctx, mode, mask))
		return 0;
	return burn_error_set(err, BURN_E_ACCESSDENIED,
			      "%s: permission denied: uid %u may not %s it (mode %03o, owner uid %u, group gid %u)",
			      name, (unsigned)fuse_get_context()->uid, what, (unsigned)(mode & 0777),
			      (unsigned)ctx->uid, (unsigned)ctx->gid);
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
