/*
 * sg-raw-session: a RAW host for the sg suite, run under libburnfs-sg.so,
 * that appends one session of one Mode 1 track to an appendable CD as
 * MMC has a host do it in RAW (doc/reference/tao.md §5) — which none of
 * the tools the suite runs does: wodim's RAW path writes first sessions
 * only (it wants a lead-in start below LBA -4500 and places its tracks
 * from LBA 0), cdrskin ignores -raw96r, cdrdao's generic-mmc-raw has no
 * multi-session.
 *
 *   sg-raw-session PATH ISO [multi]
 *
 * Page 05h RAW with 96-byte raw P-W (Multi-session 11b with "multi",
 * else 00b); READ TRACK INFORMATION FFh for the NWA, the next session's
 * lead-in start; then, by WRITE(10): the 4500-sector lead-in, whose Q
 * carries the session's TOC (A0, A1, A2, the track and, with "multi",
 * the mode-5 B0 pointer to the session after), the 150-sector pre-gap,
 * the ISO's blocks as Mode 1 sectors and the 2250-sector lead-out;
 * SYNCHRONIZE CACHE. Prints "session at LBA N, lead-out M" and exits 0,
 * or prints the failing command's sense and exits 1.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scsi/sg.h>

#include "cd.h"
#include "mmc.h"
#include "tl-raw-session.h"

#define RAW_SIZE TL_RAW_SECTOR
#define CHUNK 26
#define LEADIN_NEXT 4500
#define LEADOUT_LATER 2250

/* The session being written (one Mode 1 track) and the ISO it holds. */
struct session {
	struct tl_raw_session r;
	int iso_fd;
};

/* Sends @cmd through SG_IO on @fd; 0 when GOOD, else prints @what and its sense, -1. */
static int
run(int fd, struct mmc_cmd *cmd, const char *what)
{
	struct sg_io_hdr io;

	memset(&io, 0, sizeof(io));
	io.interface_id = 'S';
	io.cmd_len = cmd->cdb_len;
	io.cmdp = cmd->cdb;
	io.dxfer_direction = cmd->dir == MMC_DIR_IN ? SG_DXFER_FROM_DEV
			     : cmd->dir == MMC_DIR_OUT ? SG_DXFER_TO_DEV : SG_DXFER_NONE;
	io.dxferp = cmd->buf;
	io.dxfer_len = (unsigned)cmd->len;
	io.sbp = cmd->sense;
	io.mx_sb_len = sizeof(cmd->sense);
	io.timeout = 60000;
	if (ioctl(fd, SG_IO, &io) < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return -1;
	}
	if (io.status != 0) {
		printf("%s: sense %X/%02X/%02X\n", what, cmd->sense[2] & 0x0f, cmd->sense[12],
		       cmd->sense[13]);
		return -1;
	}
	cmd->xfer = cmd->len - (size_t)io.resid;
	return 0;
}

/* Sector @lba of @s's stream into @out; -1 when the ISO cannot be read. */
static int
make_sector(const struct session *s, int32_t lba, uint8_t *out)
{
	uint8_t data[CD_DATA_SIZE] = { 0 };

	if (lba >= s->r.start && lba < s->r.leadout &&
	    pread(s->iso_fd, data, sizeof(data), (off_t)(lba - s->r.start) * CD_DATA_SIZE) !=
		    (ssize_t)sizeof(data))
		return -1;
	tl_raw_session_sector(&s->r, lba, data, out);
	return 0;
}

/* Page 05h: RAW, data block type 3 (raw P-W), Multi-session @ms. */
static int
select_raw(int fd, uint8_t ms)
{
	struct mmc_page05 want = { .write_type = 3, .data_block_type = CD_SECTOR_RAW,
				   .bufe = true, .multi_session = ms };
	uint8_t cur[128], list[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
	struct mmc_cmd cmd;
	size_t len;

	mmc_build_mode_sense10(&cmd, 0x05, 0, cur, sizeof(cur));
	if (run(fd, &cmd, "MODE SENSE") < 0)
		return -1;
	len = mmc_build_page05(&want, cur + MMC_MODE_HEADER_LEN, MMC_PAGE05_LEN, list);
	mmc_build_mode_select10(&cmd, list, (uint16_t)len);
	return run(fd, &cmd, "MODE SELECT");
}

/* The session's layout from READ TRACK INFORMATION FFh and READ DISC INFORMATION. */
static int
plan(int fd, struct session *s, off_t iso_size, bool multi)
{
	uint8_t buf[64];
	struct mmc_track_info ti;
	struct mmc_disc_info di;
	struct mmc_cmd cmd;

	mmc_build_read_disc_info(&cmd, buf, sizeof(buf));
	if (run(fd, &cmd, "READ DISC INFORMATION") < 0 ||
	    mmc_parse_disc_info(buf, cmd.xfer, &di) < 0)
		return -1;
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, 36);
	if (run(fd, &cmd, "READ TRACK INFORMATION") < 0 ||
	    mmc_parse_track_info(buf, cmd.xfer, &ti) < 0 || !ti.nwa_valid || !di.leadout_valid) {
		printf("no next writable address\n");
		return -1;
	}
	s->r.track = ti.track;
	s->r.leadin = ti.nwa;
	s->r.pregap = s->r.leadin + LEADIN_NEXT;
	s->r.start = s->r.pregap + CD_PREGAP_FRAMES;
	s->r.leadout = s->r.start + (int32_t)(iso_size / CD_DATA_SIZE);
	s->r.last_leadout = di.last_leadout;
	if (multi)
		s->r.next = s->r.leadout + LEADOUT_LATER + LEADIN_NEXT + CD_PREGAP_FRAMES;
	return 0;
}

static int
write_session(int fd, const struct session *s)
{
	int32_t end = s->r.leadout + LEADOUT_LATER;
	uint8_t *buf = malloc(CHUNK * RAW_SIZE);
	struct mmc_cmd cmd;
	int ret = 0;

	if (!buf)
		return -1;
	for (int32_t at = s->r.leadin; at < end && ret == 0; at += CHUNK) {
		uint16_t n = end - at < CHUNK ? (uint16_t)(end - at) : CHUNK;

		for (uint16_t k = 0; k < n && ret == 0; k++)
			ret = make_sector(s, at + k, buf + (size_t)k * RAW_SIZE);
		if (ret < 0) {
			printf("the ISO cannot be read at block %d\n", at - s->r.start);
			break;
		}
		mmc_build_write10(&cmd, at, n, buf, (size_t)n * RAW_SIZE);
		ret = run(fd, &cmd, "WRITE(10)");
	}
	free(buf);
	if (ret == 0) {
		mmc_build_synchronize_cache(&cmd, false);
		ret = run(fd, &cmd, "SYNCHRONIZE CACHE");
	}
	return ret;
}

int
main(int argc, char **argv)
{
	struct session s = { 0 };
	bool multi = argc == 4 && strcmp(argv[3], "multi") == 0;
	struct stat sb;
	int fd, ret;

	if (argc < 3 || argc > 4 || (argc == 4 && !multi)) {
		fprintf(stderr, "usage: sg-raw-session PATH ISO [multi]\n");
		return 2;
	}
	s.iso_fd = open(argv[2], O_RDONLY);
	if (s.iso_fd < 0 || fstat(s.iso_fd, &sb) < 0 || !sb.st_size ||
	    sb.st_size % CD_DATA_SIZE) {
		printf("%s: not an ISO of whole 2048-byte blocks\n", argv[2]);
		return 1;
	}
	fd = open(argv[1], O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		printf("%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	ret = select_raw(fd, multi ? 3 : 0);
	if (ret == 0)
		ret = plan(fd, &s, sb.st_size, multi);
	if (ret == 0)
		ret = write_session(fd, &s);
	if (ret == 0)
		printf("session at LBA %d, lead-out %d\n", s.r.start, s.r.leadout);
	close(fd);
	close(s.iso_fd);
	return ret == 0 ? 0 : 1;
}
