/*
 * Commands to the emulator: the CDBs programs send through SG_IO and
 * CDROM_SEND_PACKET, passed on unchanged, and the ones the kernel's cdrom
 * layer builds for its own ioctls (sg-ioctl.c, sg-read.c).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/cdrom.h>
#include <scsi/sg.h>

#include "sg-private.h"

#define SENSE_STRUCT_LEN 64	/* sizeof(struct request_sense) */
#ifndef SG_DXFER_UNKNOWN
#define SG_DXFER_UNKNOWN (-5)	/* <scsi/sg.h> of glibc lacks it; the kernel has it */
#endif

/*
 * Opcodes the kernel lets through only on a descriptor opened for writing
 * (scsi_cmd_allowed(), doc/reference/mmc.md §12); the rest of the write class.
 */
static bool
needs_write_open(uint8_t op)
{
	switch (op) {
	case 0x04:			/* FORMAT UNIT */
	case MMC_PREVENT_ALLOW:
	case MMC_WRITE_10:
	case 0x2e:			/* WRITE AND VERIFY(10) */
	case MMC_SYNCHRONIZE_CACHE:
	case 0x53:			/* RESERVE TRACK */
	case 0x54:			/* SEND OPC */
	case MMC_MODE_SELECT_10:
	case 0x5b:			/* CLOSE TRACK/SESSION */
	case 0x5d:			/* SEND CUE SHEET */
	case MMC_BLANK:
	case 0xa6:			/* LOAD/UNLOAD MEDIUM */
	case 0xaa:			/* WRITE(12) */
	case 0xb6:			/* SET STREAMING */
	case MMC_SET_CD_SPEED:
		return true;
	default:
		return false;
	}
}

/* Runs a program's @cmd on @h's drive: 0 (status in cmd) or -errno as the kernel would. */
static int
exec(struct sg_handle *h, struct mmc_cmd *cmd)
{
	int ret;

	if (!h->writable && needs_write_open(cmd->cdb[0]))
		return -EPERM;
	ret = sg_emu_exec(h->drive, cmd);
	if (sg_config.debug) {
		char cdb[3 * 16 + 1] = "";
		struct mmc_sense s;

		for (unsigned i = 0; i < cmd->cdb_len && i < 16; i++)
			snprintf(cdb + 3 * i, 4, "%02x ", cmd->cdb[i]);
		mmc_sense_parse(cmd->sense, cmd->sense_len, &s);
		if (ret < 0)
			sg_config_debug("cdb %s-> %s", cdb, strerror(-ret));
		else if (cmd->status)
			sg_config_debug("cdb %s-> CHECK CONDITION %x/%02x/%02x", cdb, s.key, s.asc,
					s.ascq);
		else
			sg_config_debug("cdb %s-> GOOD, %zu bytes", cdb, cmd->xfer);
	}
	return ret < 0 ? -EIO : 0;
}

int
sg_io_command(struct sg_handle *h, struct mmc_cmd *cmd)
{
	struct mmc_sense s;

	/* the kernel retries a unit attention once, as sr's own commands do */
	for (int tries = 0; tries < 2; tries++) {
		if (sg_emu_exec(h->drive, cmd) < 0)
			return -EIO;
		mmc_sense_parse(cmd->sense, cmd->sense_len, &s);
		if (cmd->status == MMC_STATUS_GOOD || s.key != 0x06)
			break;
	}
	return cmd->status == MMC_STATUS_GOOD ? 0 : -EIO;
}

int
sg_io_packet(struct sg_handle *h, struct cdrom_generic_command *cgc)
{
	struct mmc_cmd cmd = { 0 };
	int ret;

	if (!cgc)
		return -EFAULT;
	/* CDROM_SEND_PACKET always carries a 12-byte CDB (doc/reference/mmc.md §12) */
	memcpy(cmd.cdb, cgc->cmd, CDROM_PACKET_SIZE);
	cmd.cdb_len = CDROM_PACKET_SIZE;
	switch (cgc->data_direction) {
	case CGC_DATA_WRITE:
		cmd.dir = MMC_DIR_OUT;
		break;
	case CGC_DATA_NONE:
		cmd.dir = MMC_DIR_NONE;
		break;
	default:	/* CGC_DATA_READ, and UNKNOWN, which the kernel reads */
		cmd.dir = cgc->buflen ? MMC_DIR_IN : MMC_DIR_NONE;
		break;
	}
	cmd.buf = cmd.dir == MMC_DIR_NONE ? NULL : cgc->buffer;
	cmd.len = cmd.dir == MMC_DIR_NONE ? 0 : cgc->buflen;
	cmd.timeout_ms = MMC_TIMEOUT_DEFAULT_MS;
	ret = exec(h, &cmd);
	if (ret < 0)
		return ret;
	cgc->stat = cmd.status;
	if (cmd.status == MMC_STATUS_GOOD)
		return 0;
	if (cgc->sense) {
		uint8_t sense[SENSE_STRUCT_LEN] = { 0 };

		memcpy(sense, cmd.sense, cmd.sense_len < sizeof(sense) ? cmd.sense_len
									 : sizeof(sense));
		memcpy(cgc->sense, sense, sizeof(sense));
	}
	return -EIO;
}

int
sg_io_request(struct sg_handle *h, struct sg_io_hdr *io)
{
	struct mmc_cmd cmd = { 0 };
	size_t n;
	int ret;

	/*
	 * In the kernel's order: the header, its interface id and lengths,
	 * then the CDB. A zeroed header is EINVAL, as programs probing for
	 * SG_IO (cdparanoia) expect.
	 */
	if (!io)
		return -EFAULT;
	if (io->interface_id != 'S')
		return -EINVAL;
	if (io->cmd_len < 6 || io->cmd_len > sizeof(cmd.cdb) || io->iovec_count)
		return -EINVAL;
	if (!io->cmdp)
		return -EFAULT;
	memcpy(cmd.cdb, io->cmdp, io->cmd_len);
	cmd.cdb_len = io->cmd_len;
	switch (io->dxfer_direction) {
	case SG_DXFER_TO_DEV:
		cmd.dir = MMC_DIR_OUT;
		break;
	case SG_DXFER_FROM_DEV:
	case SG_DXFER_TO_FROM_DEV:
	case SG_DXFER_UNKNOWN:
		cmd.dir = io->dxfer_len ? MMC_DIR_IN : MMC_DIR_NONE;
		break;
	default:
		cmd.dir = MMC_DIR_NONE;
		break;
	}
	if (cmd.dir != MMC_DIR_NONE) {
		cmd.buf = io->dxferp;
		cmd.len = io->dxfer_len;
	}
	cmd.timeout_ms = io->timeout;
	ret = exec(h, &cmd);
	if (ret < 0)
		return ret;
	io->status = cmd.status;
	io->masked_status = (unsigned char)((cmd.status >> 1) & 0x7f);
	io->msg_status = 0;
	io->host_status = 0;
	io->driver_status = cmd.status ? 0x08 : 0;	/* DRIVER_SENSE */
	io->sb_len_wr = 0;
	if (cmd.status && io->sbp && io->mx_sb_len) {
		n = cmd.sense_len < io->mx_sb_len ? cmd.sense_len : io->mx_sb_len;
		memcpy(io->sbp, cmd.sense, n);
		io->sb_len_wr = (unsigned char)n;
	}
	io->resid = (int)(io->dxfer_len - (cmd.dir == MMC_DIR_NONE ? 0 : cmd.xfer));
	io->duration = 1;
	io->info = cmd.status ? SG_INFO_CHECK : SG_INFO_OK;
	return 0;
}
