#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "emu.h"
#include "transport.h"

struct emu_transport {
	struct burn_transport base;
	struct emu_drive *drive;
};

static int
emu_exec(struct burn_transport *t, struct mmc_cmd *cmd)
{
	return emu_drive_exec(((struct emu_transport *)t)->drive, cmd);
}

static int
emu_lock(struct burn_transport *t, const char *client_name, struct burn_error *err)
{
	return emu_drive_lock(((struct emu_transport *)t)->drive, client_name, err);
}

static void
emu_unlock(struct burn_transport *t)
{
	emu_drive_unlock(((struct emu_transport *)t)->drive);
}

static int
emu_owner(struct burn_transport *t, char *buf, size_t size)
{
	return emu_drive_owner(((struct emu_transport *)t)->drive, buf, size);
}

static void
emu_destroy(struct burn_transport *t)
{
	struct emu_transport *et = (struct emu_transport *)t;

	emu_drive_close(et->drive);
	free(et);
}

static const struct burn_transport_ops emu_ops = {
	.name = "emu",
	/* the emulator's commands cost a lock and a state file each: fewer, larger ones */
	.max_transfer = 4 * BURN_TRANSPORT_MAX_TRANSFER,
	.exec = emu_exec,
	.lock = emu_lock,
	.unlock = emu_unlock,
	.owner = emu_owner,
	.destroy = emu_destroy,
};

int
burn_transport_open_emu(const char *dir, const char *options, struct burn_transport **out,
			struct burn_error *err)
{
	struct emu_config cfg = { 0 };
	struct emu_transport *et;
	char *abs;
	int ret;

	ret = emu_config_parse(options, &cfg, err);
	if (ret < 0)
		return ret;
	et = calloc(1, sizeof(*et));
	if (!et)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the transport");
	ret = emu_drive_open(dir, &cfg, &et->drive, err);
	if (ret < 0) {
		free(et);
		return ret;
	}
	et->base.ops = &emu_ops;
	/* the daemon leaves its working directory: name the drive absolutely */
	abs = realpath(dir, NULL);
	snprintf(et->base.device, sizeof(et->base.device), "emu:%s", abs ? abs : dir);
	free(abs);
	*out = &et->base;
	return 0;
}

int
burn_transport_emu_option_check(const char *option, struct burn_error *err)
{
	struct emu_config cfg = { 0 };

	return emu_config_parse_option(option, &cfg, err);
}
