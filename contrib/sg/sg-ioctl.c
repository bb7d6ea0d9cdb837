/*
 * ioctl on the device: SG_IO and CDROM_SEND_PACKET pass a program's CDB on
 * (sg-io.c); the other CDROM_* requests become the MMC commands the sr
 * driver would send, built and parsed with core/mmc; the SG_*, SCSI_* and
 * BLK* requests are answered here.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/cdrom.h>
#include <linux/fs.h>
#include <scsi/scsi.h>
#include <scsi/sg.h>

#include "mmc-read.h"
#include "sg-private.h"

#define SG_VERSION 30536	/* what SG_GET_VERSION_NUM says on current kernels */

/* CDROM_DRIVE_STATUS from TEST UNIT READY, as sr_drive_status() does. */
static int
drive_status(struct sg_handle *h)
{
	struct mmc_sense s;
	struct mmc_cmd cmd;

	mmc_build_test_unit_ready(&cmd);
	if (sg_io_command(h, &cmd) == 0)
		return CDS_DISC_OK;
	if (cmd.status != MMC_STATUS_CHECK_CONDITION)
		return CDS_DRIVE_NOT_READY;
	mmc_sense_parse(cmd.sense, cmd.sense_len, &s);
	/* 2/3A/xx medium not present; qualifier 02 says the tray is open */
	if (s.key == 0x02 && s.asc == 0x3a)
		return s.ascq == 0x02 ? CDS_TRAY_OPEN : CDS_NO_DISC;
	return CDS_DRIVE_NOT_READY;
}

/*
 * READ TOC format 0 from @track (0xaa = the lead-out), the header and the
 * first descriptor: the entry of that track, as the kernel reads it.
 */
static int
read_toc(struct sg_handle *h, uint8_t track, bool msf, struct mmc_toc *toc, struct cd_msf *at)
{
	uint8_t r[12] = { 0 };
	struct mmc_cmd cmd;
	int ret;

	mmc_build_read_toc(&cmd, 0, msf, track, r, sizeof(r));
	ret = sg_io_command(h, &cmd);
	if (ret < 0)
		return ret;
	ret = msf ? mmc_parse_toc_msf(r, cmd.xfer, toc, at) : mmc_parse_toc(r, cmd.xfer, toc);
	if (ret == 0 && toc->n_entries == 0)
		ret = -EPROTO;
	return ret < 0 ? -EIO : 0;
}

static int
read_toc_header(struct sg_handle *h, struct cdrom_tochdr *hdr)
{
	struct mmc_toc toc;
	int ret = read_toc(h, 0, false, &toc, NULL);

	if (ret < 0)
		return ret;
	hdr->cdth_trk0 = toc.first_track;
	hdr->cdth_trk1 = toc.last_track;
	return 0;
}

static int
read_toc_entry(struct sg_handle *h, struct cdrom_tocentry *e)
{
	struct cd_msf msf[MMC_MAX_TOC + 1];
	struct mmc_toc toc;
	int ret;

	if (e->cdte_format != CDROM_MSF && e->cdte_format != CDROM_LBA)
		return -EINVAL;
	ret = read_toc(h, e->cdte_track, e->cdte_format == CDROM_MSF, &toc, msf);
	if (ret < 0)
		return ret;
	e->cdte_adr = toc.entries[0].adr;
	e->cdte_ctrl = toc.entries[0].control;
	if (e->cdte_format == CDROM_MSF) {
		e->cdte_addr.msf.minute = msf[0].m;
		e->cdte_addr.msf.second = msf[0].s;
		e->cdte_addr.msf.frame = msf[0].f;
	} else {
		e->cdte_addr.lba = toc.entries[0].lba;
	}
	e->cdte_datamode = 0;
	return 0;
}

uint64_t
sg_ioctl_capacity(struct sg_handle *h)
{
	struct mmc_toc toc;

	if (read_toc(h, 0xaa, false, &toc, NULL) < 0)
		return 0;
	return toc.entries[0].lba > 0 ? (uint64_t)toc.entries[0].lba : 0;
}

/* @lba into @addr as @format (CDROM_LBA or CDROM_MSF) asks. */
static void
put_addr(union cdrom_addr *addr, uint8_t format, int32_t lba)
{
	struct cd_msf msf;

	if (format == CDROM_LBA) {
		addr->lba = lba;
		return;
	}
	msf = cd_lba_to_msf(lba);
	addr->msf.minute = msf.m;
	addr->msf.second = msf.s;
	addr->msf.frame = msf.f;
}

/* CDROMMULTISESSION: the start of the last session from READ TOC format 1. */
static int
multisession(struct sg_handle *h, struct cdrom_multisession *ms)
{
	struct mmc_session_info si;
	uint8_t r[12] = { 0 };
	struct mmc_cmd cmd;
	int32_t lba = 0;

	if (ms->addr_format != CDROM_LBA && ms->addr_format != CDROM_MSF)
		return -EINVAL;
	/* no session information (a blank disc) is "not multi-session", as in the kernel */
	mmc_build_read_toc(&cmd, 1, false, 0, r, sizeof(r));
	if (sg_io_command(h, &cmd) == 0 && mmc_parse_session_info(r, cmd.xfer, &si) == 0)
		lba = si.first_track.lba;
	ms->xa_flag = 0;
	put_addr(&ms->addr, ms->addr_format, lba);
	return 0;
}

/* CDROMSUBCHNL: READ SUB-CHANNEL, the current position, as the kernel's sr driver asks it. */
static int
subchnl(struct sg_handle *h, struct cdrom_subchnl *sc)
{
	struct mmc_position pos;
	uint8_t r[16] = { 0 };
	struct mmc_cmd cmd;

	if (sc->cdsc_format != CDROM_LBA && sc->cdsc_format != CDROM_MSF)
		return -EINVAL;
	mmc_build_read_sub_channel(&cmd, MMC_SUBQ_POSITION, 0, r, sizeof(r));
	if (sg_io_command(h, &cmd) < 0 || mmc_parse_position(r, cmd.xfer, &pos) < 0)
		return -EIO;
	sc->cdsc_audiostatus = pos.audio_status;
	sc->cdsc_adr = pos.adr;
	sc->cdsc_ctrl = pos.control;
	sc->cdsc_trk = pos.track;
	sc->cdsc_ind = pos.index;
	put_addr(&sc->cdsc_absaddr, sc->cdsc_format, pos.absolute);
	/* MSF of a relative address counts from 00:00:00, not from LBA -150 */
	if (sc->cdsc_format == CDROM_LBA)
		sc->cdsc_reladdr.lba = pos.relative;
	else
		put_addr(&sc->cdsc_reladdr, CDROM_MSF, pos.relative - 150);
	return 0;
}

/* CDROM_GET_MCN: READ SUB-CHANNEL, media catalog number. */
static int
mcn(struct sg_handle *h, struct cdrom_mcn *out)
{
	uint8_t r[24] = { 0 };
	struct mmc_mcn mcn;
	struct mmc_cmd cmd;

	mmc_build_read_sub_channel(&cmd, MMC_SUBQ_MCN, 0, r, sizeof(r));
	if (sg_io_command(h, &cmd) < 0 || mmc_parse_mcn(r, cmd.xfer, &mcn) < 0)
		return -EIO;
	/* the kernel gives the number whether or not MCVal says there is one */
	memcpy(out->medium_catalog_number, mcn.number, sizeof(out->medium_catalog_number));
	return 0;
}

/* CDROMEJECT, CDROMCLOSETRAY: START STOP UNIT, after allowing removal for an eject. */
static int
tray(struct sg_handle *h, bool eject)
{
	struct mmc_cmd cmd;

	if (eject) {
		mmc_build_prevent_allow(&cmd, false);
		sg_io_command(h, &cmd);
	}
	mmc_build_start_stop(&cmd, true, !eject, false);
	return sg_io_command(h, &cmd);
}

/* PREVENT ALLOW MEDIUM REMOVAL, SET CD SPEED: the command's outcome is the ioctl's. */
static int
lock_door(struct sg_handle *h, bool lock)
{
	struct mmc_cmd cmd;

	mmc_build_prevent_allow(&cmd, lock);
	return sg_io_command(h, &cmd);
}

static int
select_speed(struct sg_handle *h, intptr_t speed)
{
	struct mmc_cmd cmd;

	/* @speed times 1x, as the kernel counts it (177 kB/s); 0 asks for the fastest */
	mmc_build_set_cd_speed(&cmd, speed ? (uint16_t)((unsigned)speed * 177) : 0xffff, 0xffff,
			       0);
	return sg_io_command(h, &cmd);
}

/* *@arg = @value for the requests that return an int through their argument. */
static long
put_int(void *arg, int value)
{
	if (!arg)
		return -EFAULT;
	*(int *)arg = value;
	return 0;
}

/* *@field = *@arg for the requests that set an int through their argument. */
static long
get_int(const void *arg, int *field)
{
	if (!arg)
		return -EFAULT;
	*field = *(const int *)arg;
	return 0;
}

/* One ioctl on the device. Returns the ioctl's value or -errno. */
static long
dispatch(struct sg_handle *h, unsigned long req, void *arg)
{
	switch (req) {
	case CDROM_SEND_PACKET:
		return sg_io_packet(h, arg);
	case SG_IO:
		return sg_io_request(h, arg);
	case SG_GET_VERSION_NUM:
		return put_int(arg, SG_VERSION);
	case SG_EMULATED_HOST:
	case SCSI_IOCTL_GET_BUS_NUMBER:
	case BLKROGET:
		return put_int(arg, 0);
	case SG_SET_TIMEOUT:
		return get_int(arg, &h->sg_timeout);
	case SG_GET_TIMEOUT:
		return h->sg_timeout;
	case SG_GET_RESERVED_SIZE:
		return put_int(arg, h->reserved_size);
	case SG_SET_RESERVED_SIZE:
		return get_int(arg, &h->reserved_size);
	case SCSI_IOCTL_GET_IDLUN:
		/* host 0, channel 0, target 0, lun 0 */
		if (!arg)
			return -EFAULT;
		memset(arg, 0, 2 * sizeof(int));
		return 0;
	case CDROM_GET_CAPABILITY:
		return CDC_CLOSE_TRAY | CDC_OPEN_TRAY | CDC_LOCK | CDC_SELECT_SPEED |
		       CDC_MULTI_SESSION | CDC_MCN | CDC_MEDIA_CHANGED | CDC_PLAY_AUDIO |
		       CDC_RESET | CDC_DRIVE_STATUS | CDC_GENERIC_PACKET | CDC_CD_R | CDC_CD_RW;
	case CDROM_DRIVE_STATUS:
		return drive_status(h);
	case CDROM_DISC_STATUS: {
		int st = drive_status(h);

		if (st != CDS_DISC_OK)
			return st;
		return sg_ioctl_capacity(h) ? CDS_DATA_1 : CDS_NO_INFO;
	}
	case CDROM_MEDIA_CHANGED:
		return 0;
	case CDROM_SET_OPTIONS:
		h->options |= (int)(intptr_t)arg;
		return h->options;
	case CDROM_CLEAR_OPTIONS:
		h->options &= ~(int)(intptr_t)arg;
		return h->options;
	case CDROM_LOCKDOOR:
		return lock_door(h, arg != NULL);
	case CDROMEJECT:
		return tray(h, true);
	case CDROMCLOSETRAY:
		return tray(h, false);
	case CDROM_SELECT_SPEED:
		return select_speed(h, (intptr_t)arg);
	case CDROMREADTOCHDR:
		return arg ? read_toc_header(h, arg) : -EFAULT;
	case CDROMMULTISESSION:
		return arg ? multisession(h, arg) : -EFAULT;
	case CDROM_GET_MCN:
		return arg ? mcn(h, arg) : -EFAULT;
	case CDROMSUBCHNL:
		return arg ? subchnl(h, arg) : -EFAULT;
	case CDROMREADTOCENTRY:
		return arg ? read_toc_entry(h, arg) : -EFAULT;
	case BLKGETSIZE64:
		if (!arg)
			return -EFAULT;
		*(uint64_t *)arg = sg_ioctl_capacity(h) * SG_BLOCK;
		return 0;
	case BLKGETSIZE:
		if (!arg)
			return -EFAULT;
		*(unsigned long *)arg = (unsigned long)(sg_ioctl_capacity(h) * (SG_BLOCK / 512));
		return 0;
	case BLKSSZGET:
	case BLKBSZGET:
		return put_int(arg, SG_BLOCK);
	case BLKRRPART:
		return 0;
	default:
		return -ENOTTY;
	}
}

SG_EXPORT int
ioctl(int fd, unsigned long req, ...)
{
	struct sg_handle *h;
	void *arg;
	long ret;

	SG_VA_ARG(req, void *, arg);
	sg_libc_ready();
	h = sg_fd_lookup(fd);
	if (!h)
		return sg_libc.ioctl(fd, req, arg);
	ret = dispatch(h, req, arg);
	if (req != CDROM_SEND_PACKET && req != SG_IO)
		sg_config_debug("fd %d ioctl 0x%lx -> %ld", fd, req, ret);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
}
