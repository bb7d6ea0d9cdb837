/*
 * Who may do what on the mount (README: "Permissions and other users";
 * doc/system.md). The check the kernel's default_permissions would make,
 * done by the daemon so that it holds whatever options the mount has
 * (allow_other alone would hand every user the drive) and so that a
 * refusal is recorded in the caller's last_error. Callers are those of the
 * FUSE request being served (fuse_get_context()).
 *
 * The mount's group shares its owner's rights: members may do what the
 * mounting user may (read every file, store values, burn), except change
 * modes, owners and times. Other users keep the table's other bits: they
 * read values, but not the disc read back in disc/.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "fs.h"

struct fuse_args;

/* disc/'s files: the medium's content is the group's, as /dev/srN is root:cdrom 0660. */
#define FS_PERM_DISC_MODE 0440

/*
 * Takes the options perm.c answers for out of @args, before fuse_new()
 * sees them, and sets @ctx's owner and group: group=NAME (a name or a
 * number); without it, with allow_other, the group `cdrom` when root
 * mounts (the mounter's primary group if there is none); else the
 * mounter's primary group. A mounter other than root may only name a
 * group it belongs to (chgrp's rule). default_permissions is taken here
 * and not passed to the kernel: these checks are that option's, made by
 * the daemon, and the kernel's refusals would leave no last_error. 0, or
 * -1 with the reason printed (a command-line error).
 */
int fs_perm_setup(struct fs_ctx *ctx, struct fuse_args *args);

/* The mode @path shows for table mode @mode: the group's bits are the owner's; disc/ is not others'. */
mode_t fs_perm_shown(const char *path, mode_t mode);

/*
 * Whether the caller may @mask (R_OK, W_OK, X_OK) a file of table mode
 * @mode: the owner's bits for the mount's owner and its group (primary
 * or supplementary), the other bits for everyone else; root may read and
 * write anything.
 */
bool fs_perm_permitted(const struct fs_ctx *ctx, mode_t mode, int mask);

/* The same as a refusal: 0, or -EACCES with @err naming @name and what was denied (@what). */
int fs_perm_check(const struct fs_ctx *ctx, const char *name, mode_t mode, int mask,
		  const char *what, struct burn_error *err);

/* Only the mount's owner or root may @what (change the mode of, ...) @name: 0 or -EPERM. */
int fs_perm_owner(const struct fs_ctx *ctx, const char *name, const char *what,
		  struct burn_error *err);
