/*
 * sg-probe: a program the sg suite runs under libburnfs-sg.so, to look at
 * the emulated device the way a burning tool does, with plain syscalls.
 *
 *   sg-probe check PATH   ioctls, sense plumbing, stat, O_EXCL, dup;
 *                         prints "ok NAME" or "FAIL NAME: why" lines,
 *                         exits 1 if anything failed
 *   sg-probe hold PATH    opens PATH O_RDWR|O_NONBLOCK|O_EXCL as libburn
 *                         and cdrdao do, prints "held" (or the error and
 *                         exits 1), then keeps it until stdin ends
 *   sg-probe lock PATH    the same with an fcntl write lock and no O_EXCL
 *   sg-probe try PATH     one line each for an O_EXCL open, an F_SETLK and
 *                         an F_GETLK: "excl ok|busy", "setlk ok|busy",
 *                         "getlk none|pid N"
 *   sg-probe fopen PATH MODE  fopen(PATH, MODE) as stdio programs open an
 *                         image: "ok N" with the bytes an fread of block
 *                         16 (an ISO's volume descriptor) gives, or the
 *                         error
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/cdrom.h>
#include <scsi/sg.h>

#include "owner.h"

static int failures;

static void
check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("ok %s\n", name);
		return;
	}
	failures++;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* One SG_IO command; returns the ioctl's result, fills @io. */
static int
sg_cmd(int fd, const unsigned char *cdb, unsigned cdb_len, int dir, void *buf, unsigned len,
       unsigned char *sense, struct sg_io_hdr *io)
{
	memset(io, 0, sizeof(*io));
	io->interface_id = 'S';
	io->cmd_len = (unsigned char)cdb_len;
	io->cmdp = (unsigned char *)cdb;
	io->dxfer_direction = dir;
	io->dxferp = buf;
	io->dxfer_len = len;
	io->sbp = sense;
	io->mx_sb_len = 32;
	io->timeout = 10000;
	return ioctl(fd, SG_IO, io);
}

static const unsigned char inquiry[6] = { 0x12, 0, 0, 0, 36, 0 };

/* INQUIRY for 36 bytes on @fd; -2 where @fd did not open. */
static int
sg_inquiry(int fd, unsigned char *buf, unsigned char *sense, struct sg_io_hdr *io)
{
	return fd >= 0 ? sg_cmd(fd, inquiry, sizeof(inquiry), SG_DXFER_FROM_DEV, buf, 36, sense, io)
		       : -2;
}

static int
cmd_check(const char *path)
{
	static const unsigned char rezero[6] = { 0x01, 0, 0, 0, 0, 0 };
	static const unsigned char atip[10] = { 0x43, 0x02, 0x04, 0, 0, 0, 0, 0, 28, 0 };
	unsigned char buf[256], sense[32];
	unsigned char mode[60] = { 0 };
	unsigned char select[10] = { 0x55, 0x10, 0, 0, 0, 0, 0, 0, sizeof(mode), 0 };
	struct cdrom_generic_command cgc;
	struct request_sense rs;
	struct cdrom_tochdr hdr;
	struct sg_io_hdr io;
	struct stat sb = { 0 }, fsb = { 0 };
	int fd, fd2, ro, v, ret;

	check(stat(path, &sb) == 0 && S_ISBLK(sb.st_mode) && major(sb.st_rdev) == 11, "stat",
	      "mode %o rdev %u:%u", (unsigned)sb.st_mode, major(sb.st_rdev), minor(sb.st_rdev));
	fd = open(path, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		check(false, "open", "%s", strerror(errno));
		return 1;
	}
	check(fstat(fd, &fsb) == 0 && S_ISBLK(fsb.st_mode) && fsb.st_rdev == sb.st_rdev &&
		      fsb.st_ino == sb.st_ino,
	      "fstat", "mode %o rdev %u:%u", (unsigned)fsb.st_mode, major(fsb.st_rdev),
	      minor(fsb.st_rdev));
	v = 0;
	check(ioctl(fd, SG_GET_VERSION_NUM, &v) == 0 && v >= 30000, "sg_get_version_num", "%d",
	      v);
	ret = ioctl(fd, CDROM_GET_CAPABILITY, 0);
	check(ret > 0 && (ret & CDC_CD_R) && (ret & CDC_GENERIC_PACKET), "cdrom_get_capability",
	      "0x%x", ret);
	ret = ioctl(fd, CDROM_DRIVE_STATUS, CDSL_CURRENT);
	check(ret == CDS_DISC_OK, "cdrom_drive_status", "%d", ret);

	memset(buf, 0, sizeof(buf));
	ret = sg_inquiry(fd, buf, sense, &io);
	check(ret == 0 && io.status == 0 && io.resid == 0 && memcmp(buf + 8, "BURNFS  ", 8) == 0,
	      "sg_io_inquiry", "ret %d status %d resid %d vendor %.8s", ret, io.status, io.resid,
	      buf + 8);
	ret = sg_cmd(fd, rezero, sizeof(rezero), SG_DXFER_NONE, NULL, 0, sense, &io);
	check(ret == 0 && io.status == 2 && io.masked_status == 1 && io.driver_status == 0x08 &&
		      io.sb_len_wr >= 14 && (sense[2] & 0x0f) == 5 && sense[12] == 0x20,
	      "sg_io_check_condition", "ret %d status %d masked %d driver %d sb_len_wr %d",
	      ret, io.status, io.masked_status, io.driver_status, io.sb_len_wr);
	/* a zeroed header (cdparanoia's probe for SG_IO): EINVAL, as the kernel says it */
	memset(&io, 0, sizeof(io));
	errno = 0;
	ret = ioctl(fd, SG_IO, &io);
	check(ret == -1 && errno == EINVAL, "sg_io_zeroed_header", "ret %d errno %d (%s)", ret,
	      errno, strerror(errno));
	memset(buf, 0, sizeof(buf));
	ret = sg_cmd(fd, atip, sizeof(atip), SG_DXFER_FROM_DEV, buf, 28, sense, &io);
	check(ret == 0 && io.status == 0 && buf[8] == 97 && buf[9] == 26 && buf[10] == 66,
	      "sg_io_atip", "ret %d status %d lead-in %u:%u:%u", ret, io.status, buf[8], buf[9],
	      buf[10]);

	memset(&cgc, 0, sizeof(cgc));
	memset(buf, 0, sizeof(buf));
	memcpy(cgc.cmd, inquiry, sizeof(inquiry));
	cgc.buffer = buf;
	cgc.buflen = 36;
	cgc.data_direction = CGC_DATA_READ;
	ret = ioctl(fd, CDROM_SEND_PACKET, &cgc);
	check(ret == 0 && memcmp(buf + 16, "Emulated CD-RW", 14) == 0, "send_packet_inquiry",
	      "ret %d product %.16s", ret, buf + 16);
	memset(&cgc, 0, sizeof(cgc));
	memset(&rs, 0, sizeof(rs));
	memcpy(cgc.cmd, rezero, sizeof(rezero));
	cgc.sense = &rs;
	cgc.data_direction = CGC_DATA_NONE;
	errno = 0;
	ret = ioctl(fd, CDROM_SEND_PACKET, &cgc);
	check(ret == -1 && errno == EIO && rs.sense_key == 5 && rs.asc == 0x20 &&
		      rs.add_sense_len >= 6,
	      "send_packet_check_condition", "ret %d errno %d key %d asc 0x%02x", ret, errno,
	      rs.sense_key, rs.asc);
	errno = 0;
	ret = ioctl(fd, CDROMREADTOCHDR, &hdr);
	check(ret == -1 && errno == EIO, "readtochdr_blank", "ret %d errno %d", ret, errno);

	/* a blank disc has no readable blocks: end of file at once */
	errno = 0;
	check(lseek(fd, 0, SEEK_END) == 0 && read(fd, buf, sizeof(buf)) == 0 &&
		      pread(fd, buf, sizeof(buf), 16 * 2048) == 0,
	      "read_blank", "errno %d", errno);

	/* the kernel's command filter: no MODE SELECT through a read-only open */
	ro = open(path, O_RDONLY | O_NONBLOCK);
	errno = 0;
	ret = ro >= 0 ? sg_cmd(ro, select, sizeof(select), SG_DXFER_TO_DEV, mode, sizeof(mode),
			       sense, &io)
		      : -2;
	check(ret == -1 && errno == EPERM, "read_only_filter", "ret %d errno %d", ret, errno);
	ret = sg_inquiry(ro, buf, sense, &io);
	check(ret == 0 && io.status == 0, "read_only_inquiry", "ret %d", ret);
	if (ro >= 0)
		close(ro);

	/* dup shares the open; closing the copy leaves the original working */
	fd2 = dup(fd);
	ret = sg_inquiry(fd2, buf, sense, &io);
	check(ret == 0 && io.status == 0, "dup", "ret %d", ret);
	if (fd2 >= 0)
		close(fd2);
	ret = sg_inquiry(fd, buf, sense, &io);
	check(ret == 0 && io.status == 0, "close_dup", "ret %d", ret);

	/* O_EXCL: one claim at a time, held until its close */
	fd2 = open(path, O_RDWR | O_NONBLOCK | O_EXCL);
	check(fd2 >= 0, "excl_first", "%s", strerror(errno));
	errno = 0;
	ret = open(path, O_RDWR | O_NONBLOCK | O_EXCL);
	check(ret == -1 && errno == EBUSY, "excl_second", "ret %d errno %d", ret, errno);
	if (ret >= 0)
		close(ret);
	if (fd2 >= 0)
		close(fd2);
	ret = open(path, O_RDWR | O_NONBLOCK | O_EXCL);
	check(ret >= 0, "excl_after_close", "%s", strerror(errno));
	if (ret >= 0)
		close(ret);
	close(fd);
	return failures ? 1 : 0;
}

static int
cmd_hold(const char *path, bool use_lock)
{
	char c;
	int fd, ret = 0;

	fd = open(path, O_RDWR | O_NONBLOCK | (use_lock ? 0 : O_EXCL));
	if (fd < 0) {
		printf("%s\n", errno == EBUSY ? "busy" : strerror(errno));
		return 1;
	}
	if (use_lock)
		ret = owner_fcntl_lock(fd, F_SETLK, F_WRLCK, NULL);
	if (ret < 0) {
		printf("%s\n", ret == -EAGAIN || ret == -EACCES ? "busy" : strerror(-ret));
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	close(fd);
	return 0;
}

static int
cmd_try(const char *path)
{
	pid_t pid = 0;
	int fd, ret;

	fd = open(path, O_RDWR | O_NONBLOCK | O_EXCL);
	printf("excl %s\n", fd >= 0 ? "ok" : errno == EBUSY ? "busy" : strerror(errno));
	if (fd >= 0)
		close(fd);
	fd = open(path, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		printf("open %s\n", strerror(errno));
		return 1;
	}
	ret = owner_fcntl_lock(fd, F_GETLK, F_WRLCK, &pid);
	if (ret < 0)
		printf("getlk %s\n", strerror(-ret));
	else if (ret != F_UNLCK && pid)
		printf("getlk pid %d\n", (int)pid);
	else
		printf("getlk none\n");
	ret = owner_fcntl_lock(fd, F_SETLK, F_WRLCK, NULL);
	printf("setlk %s\n", ret >= 0 ? "ok" : ret == -EAGAIN ? "busy" : strerror(-ret));
	close(fd);
	return 0;
}

static int
cmd_fopen(const char *path, const char *mode)
{
	char block[2048];
	size_t n = 0;
	FILE *f = fopen(path, mode);

	if (!f) {
		printf("%s\n", strerror(errno));
		return 0;
	}
	if (fseeko(f, 16 * 2048, SEEK_SET) == 0)
		n = fread(block, 1, sizeof(block), f);
	printf("ok %zu\n", n);
	return fclose(f) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "check") == 0)
		return cmd_check(argv[2]);
	if (argc == 3 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(argv[2], false);
	if (argc == 3 && strcmp(argv[1], "lock") == 0)
		return cmd_hold(argv[2], true);
	if (argc == 3 && strcmp(argv[1], "try") == 0)
		return cmd_try(argv[2]);
	if (argc == 4 && strcmp(argv[1], "fopen") == 0)
		return cmd_fopen(argv[2], argv[3]);
	fprintf(stderr, "usage: sg-probe check|hold|lock|try PATH, sg-probe fopen PATH MODE\n");
	return 2;
}
