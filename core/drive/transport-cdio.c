/*
 * Real drives through libcdio (doc/reference/peers.md §5, doc/reference/mmc.md §12).
 *
 * Commands go through mmc_run_cmd_len() on a handle opened "MMC_RDWR"
 * (write-class opcodes need a writable open). Exclusive access follows
 * libburn so burnfs, cdrskin and xorriso respect each other: a second
 * descriptor opened O_RDWR|O_NONBLOCK|O_EXCL plus an fcntl write lock on
 * it; the holder's client name is published under the run directory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <cdio/cdio.h>
#include <cdio/logging.h>
#include <cdio/mmc.h>

#include "owner.h"
#include "transport.h"

#define EXCL_RETRIES 3
#define EXCL_RETRY_MS 200	/* a prober (udev, cdrom_id) holds the device only briefly */

struct cdio_transport {
	struct burn_transport base;
	CdIo_t *cdio;
	int excl_fd;
	unsigned long token;
	char owner_path[300];
	char client_name[64];
	mode_t type;		/* S_IFBLK or S_IFCHR */
	dev_t rdev;
};

static int
cdio_transport_exec(struct burn_transport *t, struct mmc_cmd *cmd)
{
	struct cdio_transport *ct = (struct cdio_transport *)t;
	cdio_mmc_direction_t dir = cmd->dir == MMC_DIR_IN    ? SCSI_MMC_DATA_READ
				   : cmd->dir == MMC_DIR_OUT ? SCSI_MMC_DATA_WRITE
							     : SCSI_MMC_DATA_NONE;
	cdio_mmc_request_sense_t *sense = NULL;
	mmc_cdb_t cdb = { { 0 } };
	driver_return_code_t rc;
	int n;

	memcpy(cdb.field, cmd->cdb, cmd->cdb_len <= sizeof(cdb.field) ? cmd->cdb_len
								      : sizeof(cdb.field));
	cmd->xfer = 0;
	cmd->sense_len = 0;
	rc = mmc_run_cmd_len(ct->cdio, cmd->timeout_ms, &cdb, cmd->cdb_len, dir,
			     (unsigned)cmd->len, cmd->buf);
	if (rc == DRIVER_OP_SUCCESS) {
		cmd->status = MMC_STATUS_GOOD;
		cmd->xfer = cmd->len;	/* libcdio reports no residue */
		return 0;
	}
	/*
	 * mmc_run_cmd() does not tell a transport failure from a SCSI error
	 * reply (libburn's remark); sense data is what tells them apart.
	 */
	n = mmc_last_cmd_sense(ct->cdio, &sense);
	if (n > 0 && sense) {
		cmd->status = MMC_STATUS_CHECK_CONDITION;
		cmd->sense_len = (size_t)n < sizeof(cmd->sense) ? (size_t)n : sizeof(cmd->sense);
		memcpy(cmd->sense, sense, cmd->sense_len);
		free(sense);
		return 0;
	}
	free(sense);
	switch (rc) {
	case DRIVER_OP_NOT_PERMITTED:
		return -EPERM;
	case DRIVER_OP_BAD_PARAMETER:
	case DRIVER_OP_BAD_POINTER:
		return -EINVAL;
	case DRIVER_OP_UNSUPPORTED:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int
describe_holder(struct cdio_transport *ct, pid_t pid, char *buf, size_t size)
{
	struct owner_record rec;

	if (pid > 0 && owner_read(AT_FDCWD, ct->owner_path, &rec) == 0 && rec.pid == pid)
		return owner_describe(&rec, buf, size);
	if (pid > 0) {
		rec = (struct owner_record){ .pid = pid };
		return owner_describe(&rec, buf, size);
	}
	/*
	 * A holder with O_EXCL and no fcntl lock (cdrdao) shows in no lock
	 * query; when only one other process has the device open, it is that.
	 */
	pid = owner_find_opener(ct->type, ct->rdev);
	if (pid > 0)
		return describe_holder(ct, pid, buf, size);
	return snprintf(buf, size, "another program (it opened %s exclusively)",
			ct->base.device);
}

static int
cdio_owner(struct burn_transport *t, char *buf, size_t size)
{
	struct cdio_transport *ct = (struct cdio_transport *)t;
	pid_t pid = 0;
	int fd, ret;

	if (ct->excl_fd >= 0)
		return snprintf(buf, size, "%s", ct->client_name);
	fd = open(ct->base.device, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = owner_fcntl_lock(fd, F_GETLK, F_WRLCK, &pid);
	close(fd);
	if (ret >= 0 && ret != F_UNLCK)
		return describe_holder(ct, pid, buf, size);
	/* no lock; an O_EXCL holder alone shows only by refusing ours */
	fd = open(ct->base.device, O_RDONLY | O_NONBLOCK | O_EXCL | O_CLOEXEC);
	if (fd < 0 && errno == EBUSY)
		return describe_holder(ct, 0, buf, size);
	if (fd >= 0)
		close(fd);
	return snprintf(buf, size, "%s", "");
}

static int
cdio_lock(struct burn_transport *t, const char *client_name, struct burn_error *err)
{
	struct cdio_transport *ct = (struct cdio_transport *)t;
	struct owner_record rec = { .pid = getpid(), .token = ct->token };
	char holder[128];
	pid_t pid = 0;
	int fd = -1, ret;

	if (ct->excl_fd >= 0)
		return burn_error_set(err, BURN_E_RECORDER_LOCKED,
				      "this handle already holds the recorder");
	for (int i = 0; i <= EXCL_RETRIES; i++) {
		fd = open(ct->base.device, O_RDWR | O_NONBLOCK | O_EXCL | O_CLOEXEC);
		if (fd >= 0 || errno != EBUSY)
			break;
		if (i < EXCL_RETRIES)
			sleep_ms(EXCL_RETRY_MS);
	}
	if (fd < 0 && errno == EBUSY) {
		cdio_owner(t, holder, sizeof(holder));
		return burn_error_set(err, BURN_E_RECORDER_LOCKED,
				      "the recorder %s is held exclusively by %s", ct->base.device,
				      holder);
	}
	if (fd < 0)
		return burn_error_set(err, BURN_E_FAIL, "cannot open %s exclusively: %s",
				      ct->base.device, strerror(errno));
	ret = owner_fcntl_lock(fd, F_SETLK, F_WRLCK, NULL);
	if (ret == -EAGAIN || ret == -EACCES) {
		owner_fcntl_lock(fd, F_GETLK, F_WRLCK, &pid);
		close(fd);
		describe_holder(ct, pid, holder, sizeof(holder));
		return burn_error_set(err, BURN_E_RECORDER_LOCKED,
				      "the recorder %s is locked by %s", ct->base.device, holder);
	}
	if (ret < 0) {
		close(fd);
		return burn_error_set(err, BURN_E_FAIL, "cannot lock %s: %s", ct->base.device,
				      strerror(-ret));
	}
	snprintf(rec.name, sizeof(rec.name), "%s", client_name ? client_name : "");
	/* publishing is best effort: the lock itself is what excludes others */
	owner_publish(AT_FDCWD, ct->owner_path, &rec);
	snprintf(ct->client_name, sizeof(ct->client_name), "%s", rec.name);
	ct->excl_fd = fd;
	return 0;
}

static void
cdio_unlock(struct burn_transport *t)
{
	struct cdio_transport *ct = (struct cdio_transport *)t;

	if (ct->excl_fd < 0)
		return;
	owner_withdraw(AT_FDCWD, ct->owner_path, getpid(), ct->token);
	close(ct->excl_fd);	/* drops the fcntl lock and O_EXCL together */
	ct->excl_fd = -1;
	ct->client_name[0] = '\0';
}

static void
cdio_transport_destroy(struct burn_transport *t)
{
	struct cdio_transport *ct = (struct cdio_transport *)t;

	cdio_unlock(t);
	if (ct->cdio)
		cdio_destroy(ct->cdio);
	free(ct);
}

static const struct burn_transport_ops cdio_ops = {
	.name = "cdio",
	.exec = cdio_transport_exec,
	.lock = cdio_lock,
	.unlock = cdio_unlock,
	.owner = cdio_owner,
	.destroy = cdio_transport_destroy,
};

int
burn_transport_open_cdio(const char *device, struct burn_transport **out, struct burn_error *err)
{
	struct cdio_transport *ct;
	const char *mode, *run_dir;
	struct stat sb;

	if (stat(device, &sb) < 0)
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED, "cannot open %s: %s",
				      device, strerror(errno));
	if (!S_ISBLK(sb.st_mode) && !S_ISCHR(sb.st_mode))
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "%s is not a device node (for the emulated recorder use emu:DIR)",
				      device);
	ct = calloc(1, sizeof(*ct));
	if (!ct)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the transport");
	ct->base.ops = &cdio_ops;
	ct->excl_fd = -1;
	ct->token = owner_new_token();
	snprintf(ct->base.device, sizeof(ct->base.device), "%s", device);
	run_dir = getenv("BURNFS_RUN_DIR");
	if (!run_dir || !*run_dir)
		run_dir = "/run/burnfs";
	mkdir(run_dir, 0755);
	snprintf(ct->owner_path, sizeof(ct->owner_path), "%s/%u-%u.owner", run_dir,
		 major(sb.st_rdev), minor(sb.st_rdev));
	ct->type = sb.st_mode & S_IFMT;
	ct->rdev = sb.st_rdev;
	/* our own messages say what failed; libcdio's warnings would only repeat it */
	cdio_loglevel_default = CDIO_LOG_ERROR;
	ct->cdio = cdio_open_am(device, DRIVER_DEVICE, "MMC_RDWR");
	if (!ct->cdio) {
		int e = errno;

		free(ct);
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "libcdio cannot open %s for MMC commands%s%s", device,
				      e ? ": " : "", e ? strerror(e) : "");
	}
	/* libcdio may quietly fall back to another access mode (libburn's remark) */
	mode = cdio_get_arg(ct->cdio, "access-mode");
	if (!mode || strcmp(mode, "MMC_RDWR") != 0) {
		cdio_destroy(ct->cdio);
		free(ct);
		return burn_error_set(err, BURN_E_RECORDER_NOT_SUPPORTED,
				      "libcdio opened %s in access mode %s, not MMC_RDWR", device,
				      mode ? mode : "(none)");
	}
	*out = &ct->base;
	return 0;
}

int
burn_transport_find_cdio(char *buf, size_t size)
{
	char **devices;
	int ret = -ENODEV;

	cdio_loglevel_default = CDIO_LOG_ERROR;
	devices = cdio_get_devices(DRIVER_DEVICE);
	for (char **dev = devices; dev && *dev; dev++) {
		cdio_drive_read_cap_t rcap = 0;
		cdio_drive_write_cap_t wcap = 0;
		cdio_drive_misc_cap_t mcap = 0;

		/* libcdio asks the drive (MODE SENSE page 2Ah), not a table */
		cdio_get_drive_cap_dev(*dev, &rcap, &wcap, &mcap);
		if ((wcap & (CDIO_DRIVE_CAP_ERROR | CDIO_DRIVE_CAP_UNKNOWN)) ||
		    !(wcap & (CDIO_DRIVE_CAP_WRITE_CD_R | CDIO_DRIVE_CAP_WRITE_CD_RW)))
			continue;
		snprintf(buf, size, "%s", *dev);
		ret = 0;
		break;
	}
	if (devices)
		cdio_free_device_list(devices);
	return ret;
}
