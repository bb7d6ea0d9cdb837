/*
 * The emulator behind the device, and the one door from the library into
 * burnfs code: every call below runs with the thread marked inside burnfs
 * (sg-private.h says why).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "sg-private.h"

static struct {
	const char *dir;		/* BURNFS_SG_EMU */
	const char *media;		/* BURNFS_SG_MEDIA: a fresh disc at the first open */
	unsigned speed;			/* BURNFS_SG_SPEED: pacing, N x real time */
	struct emu_config faults;	/* BURNFS_SG_FAULT: as -o emu_fault= */
	bool media_applied;		/* the first open has been made */
} emu;

static __thread bool inside;

/*
 * Runs @call, statements that call burnfs code, with this thread marked
 * inside burnfs; the mark it had before is put back (so nesting is safe).
 */
#define INSIDE(...) \
	do { \
		bool was_inside_ = inside; \
		inside = true; \
		__VA_ARGS__; \
		inside = was_inside_; \
	} while (0)

bool
sg_emu_inside(void)
{
	return inside;
}

bool
sg_emu_configure(void)
{
	const char *v;
	int ret;

	emu.dir = sg_config_env("BURNFS_SG_EMU");
	emu.media = sg_config_env("BURNFS_SG_MEDIA");
	v = sg_config_env("BURNFS_SG_SPEED");
	if (v)
		emu.speed = (unsigned)strtoul(v, NULL, 10);
	v = sg_config_env("BURNFS_SG_FAULT");
	if (v) {
		INSIDE(ret = emu_fault_parse(v, &emu.faults));
		if (ret < 0) {
			sg_config_debug("BURNFS_SG_FAULT=%s is not a fault list: ignored", v);
			memset(&emu.faults, 0, sizeof(emu.faults));
		}
	}
	if (emu.media) {
		bool valid;

		INSIDE(valid = emu_media_kind_valid(emu.media));
		if (!valid) {
			sg_config_debug("BURNFS_SG_MEDIA=%s is not a media kind: ignored",
					emu.media);
			emu.media = NULL;
		}
	}
	return emu.dir != NULL;
}

const char *
sg_emu_dir(void)
{
	return emu.dir;
}

int
sg_emu_open(const char *path, struct emu_drive **out)
{
	struct emu_config cfg = emu.faults;
	struct burn_error err;
	int ret;

	cfg.media = !emu.media_applied && emu.media ? emu.media : NULL;
	cfg.speed = emu.speed;
	INSIDE(ret = emu_drive_open(emu.dir, &cfg, out, &err));
	if (ret < 0) {
		sg_config_debug("open %s: the emulator in %s: %s", path, emu.dir, err.reason);
		return -ENXIO;
	}
	emu.media_applied = true;
	return 0;
}

void
sg_emu_close(struct emu_drive *d)
{
	INSIDE(emu_drive_close(d));
}

int
sg_emu_exec(struct emu_drive *d, struct mmc_cmd *cmd)
{
	int ret;

	INSIDE(ret = emu_drive_exec(d, cmd));
	return ret;
}

int
sg_emu_lock(struct emu_drive *d)
{
	struct burn_error err;
	int ret;

	INSIDE(ret = emu_drive_lock(d, NULL, &err));
	return ret < 0 ? -EBUSY : 0;
}

void
sg_emu_unlock(struct emu_drive *d)
{
	INSIDE(emu_drive_unlock(d));
}

pid_t
sg_emu_holder(struct emu_drive *d)
{
	pid_t pid;

	INSIDE(pid = emu_drive_owner_pid(d));
	return pid;
}
