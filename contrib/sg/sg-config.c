/*
 * The library's settings, read once from the environment; which paths
 * are the device; the debug trace.
 */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sg-private.h"

struct sg_config sg_config;

const char *
sg_config_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

void
sg_config_debug(const char *fmt, ...)
{
	va_list ap;

	if (!sg_config.debug)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "burnfs-sg[%d]: ", (int)getpid());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void
sg_config_load(void)
{
	const char *v = sg_config_env("BURNFS_SG_DEBUG");
	struct stat sb;

	sg_config.debug = v && strcmp(v, "0") != 0;
	sg_config.path = sg_config_env("BURNFS_SG_PATH");
	if (!sg_emu_configure() && sg_config.path) {
		sg_config_debug("BURNFS_SG_PATH without BURNFS_SG_EMU: not interposing");
		sg_config.path = NULL;
	}
	sg_config.rdev = makedev(SG_MAJOR, 0);
	if (sg_config.path && sg_libc.stat && sg_libc.stat(sg_config.path, &sb) == 0) {
		sg_config.node_known = true;
		sg_config.node_dev = sb.st_dev;
		sg_config.node_ino = sb.st_ino;
		if (S_ISBLK(sb.st_mode))
			sg_config.rdev = sb.st_rdev;
	}
	if (sg_config.path)
		sg_config_debug("%s is the emulated recorder in %s", sg_config.path, sg_emu_dir());
}

/* Interposing at all, and not on behalf of burnfs code (sg-private.h). */
static bool
active(void)
{
	sg_libc_ready();
	return sg_config.path && !sg_emu_inside();
}

bool
sg_config_is_node(int dirfd, const char *path)
{
	struct stat sb;
	int ret;

	if (!active() || !path || !*path)
		return false;
	if (strcmp(path, sg_config.path) == 0)
		return true;
	if (!sg_config.node_known)
		return false;
	/* another spelling of the same node (relative, a symlink, /./) */
	ret = dirfd == AT_FDCWD ? sg_libc.stat(path, &sb) : sg_libc.fstatat(dirfd, path, &sb, 0);
	return ret == 0 && sb.st_dev == sg_config.node_dev && sb.st_ino == sg_config.node_ino;
}

bool
sg_config_is_path(const char *path)
{
	return active() && path && strcmp(path, sg_config.path) == 0;
}
