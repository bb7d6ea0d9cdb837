/*
 * Who may do what on the mount (README: "Permissions and other users").
 * The check the kernel's default_permissions would make, done by the
 * daemon so that it holds whatever options the mount has (allow_other
 * alone would hand every user the drive) and so that a refusal is
 * recorded in the caller's last_error. Callers are those of the FUSE
 * request being served (fuse_get_context()).
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "fs.h"

/*
 * Whether the caller may @mask (R_OK, W_OK, X_OK) a file of @mode owned by
 * the mount's user and group: owner, group (primary or supplementary) or
 * other bits; root may read and write anything.
 */
bool fs_perm_permitted(const struct fs_ctx *ctx, mode_t mode, int mask);

/* The same as a refusal: 0, or -EACCES with @err naming @name and what was denied (@what). */
int fs_perm_check(const struct fs_ctx *ctx, const char *name, mode_t mode, int mask,
		  const char *what, struct burn_error *err);

/* Only the mount's owner or root may @what (change the mode of, ...) @name: 0 or -EPERM. */
int fs_perm_owner(const struct fs_ctx *ctx, const char *name, const char *what,
		  struct burn_error *err);
