/*
 * Writes seeds for fuzz-mmc: the replies the emulated recorder gives to the
 * commands burnfs sends, each as the file "SELECTOR PARAM REPLY..." that
 * fuzz-mmc.c reads. Run by make-corpus.sh: make-mmc-seeds OUTDIR.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu.h"
#include "mmc.h"

/* fuzz-mmc.c's selectors */
enum {
	SEL_REPLY_LENGTH, SEL_SENSE, SEL_INQUIRY, SEL_CONFIGURATION, SEL_MODE_PAGES,
	SEL_MODE_FIRST_PAGE, SEL_PAGE05, SEL_PAGE2A, SEL_DISC_INFO, SEL_ATIP, SEL_TOC,
	SEL_TRACK_INFO, SEL_WRITE_SPEEDS, SEL_MEDIA_EVENT,
};

/* fuzz-mmc.c's opcode table, for SEL_REPLY_LENGTH's parameter */
static const uint8_t opcodes[] = {
	MMC_GET_CONFIGURATION, MMC_GET_PERFORMANCE, MMC_MODE_SENSE_10, MMC_READ_DISC_INFO,
	MMC_READ_TOC, MMC_READ_TRACK_INFO, MMC_GET_EVENT_STATUS, MMC_INQUIRY,
};

static const char *outdir;
static char *state_dir;
static uint8_t buf[4096];

static void
seed(const char *name, unsigned sel, unsigned param, const void *reply, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fputc((int)sel, f) == EOF || fputc((int)param, f) == EOF ||
	    fwrite(reply, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static struct emu_drive *
drive(const char *media, unsigned faults)
{
	struct emu_config cfg = { .media = media, .faults = faults };
	struct emu_drive *d;
	struct burn_error err;

	if (emu_drive_open(state_dir, &cfg, &d, &err) < 0) {
		fprintf(stderr, "emulated drive: %s\n", err.reason);
		exit(1);
	}
	return d;
}

/* Runs @cmd; the reply (GOOD) or the sense (CHECK CONDITION) becomes a seed. */
static void
run(struct emu_drive *d, struct mmc_cmd *cmd, const char *name, unsigned sel, unsigned param)
{
	if (emu_drive_exec(d, cmd) < 0) {
		fprintf(stderr, "%s: the emulator failed\n", name);
		exit(1);
	}
	if (cmd->status != MMC_STATUS_GOOD) {
		seed(name, SEL_SENSE, 80, cmd->sense, cmd->sense_len);
		return;
	}
	seed(name, sel, param, buf, cmd->xfer);
	for (unsigned i = 0; i < sizeof(opcodes); i++)
		if (opcodes[i] == cmd->cdb[0] && cmd->xfer >= 8) {
			char hname[256];

			snprintf(hname, sizeof(hname), "length-%s", name);
			seed(hname, SEL_REPLY_LENGTH, i, buf, 8);
		}
}

static void
media_seeds(const char *media)
{
	struct emu_drive *d = drive(media, 0);
	struct mmc_cmd cmd;
	char name[128];

#define NAME(what) (snprintf(name, sizeof(name), "%s-%s", media, what), name)
	mmc_build_test_unit_ready(&cmd);
	run(d, &cmd, NAME("test-unit-ready"), SEL_SENSE, 80);
	mmc_build_get_configuration(&cmd, 0, 0, buf, sizeof(buf));
	run(d, &cmd, NAME("configuration-all"), SEL_CONFIGURATION, 0);
	mmc_build_get_configuration(&cmd, 1, 0, buf, sizeof(buf));
	run(d, &cmd, NAME("configuration-current"), SEL_CONFIGURATION, 0);
	mmc_build_read_disc_info(&cmd, buf, 34);
	run(d, &cmd, NAME("disc-info"), SEL_DISC_INFO, 0);
	mmc_build_read_toc(&cmd, 4, true, 0, buf, sizeof(buf));
	run(d, &cmd, NAME("atip"), SEL_ATIP, 0);
	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	run(d, &cmd, NAME("toc"), SEL_TOC, 0);
	mmc_build_read_track_info(&cmd, 1, 1, buf, 48);
	run(d, &cmd, NAME("track-info-1"), SEL_TRACK_INFO, 0);
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, 48);
	run(d, &cmd, NAME("track-info-invisible"), SEL_TRACK_INFO, 0);
	mmc_build_get_performance_write_speeds(&cmd, 16, buf, sizeof(buf));
	run(d, &cmd, NAME("write-speeds"), SEL_WRITE_SPEEDS, MMC_MAX_SPEEDS);
	mmc_build_get_event_status(&cmd, 0x10, buf, 8);
	run(d, &cmd, NAME("media-event"), SEL_MEDIA_EVENT, 0);
	emu_drive_close(d);
#undef NAME
}

int
main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	struct emu_drive *d;
	struct mmc_cmd cmd;
	char cmdline[4200];

	if (argc != 2) {
		fprintf(stderr, "usage: make-mmc-seeds OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	if (asprintf(&state_dir, "%s/burnfs-seeds-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 ||
	    !mkdtemp(state_dir)) {
		perror("scratch directory");
		return 1;
	}

	d = drive("cdr80", 0);
	mmc_build_inquiry(&cmd, buf, 96);
	run(d, &cmd, "inquiry", SEL_INQUIRY, 0);
	mmc_build_mode_sense10(&cmd, 0x3f, 0, buf, sizeof(buf));
	run(d, &cmd, "mode-sense-all", SEL_MODE_PAGES, 64);
	mmc_build_mode_sense10(&cmd, 0x05, 0, buf, sizeof(buf));
	run(d, &cmd, "mode-sense-05", SEL_PAGE05, 0);
	seed("mode-sense-05-first-page", SEL_MODE_FIRST_PAGE, 0, buf, cmd.xfer);
	mmc_build_mode_sense10(&cmd, 0x2a, 0, buf, sizeof(buf));
	run(d, &cmd, "mode-sense-2a", SEL_PAGE2A, 0);
	/* a refusal: an INQUIRY for vital product data, which it does not offer */
	mmc_build_inquiry(&cmd, buf, 96);
	cmd.cdb[1] = 1;
	run(d, &cmd, "sense-invalid-field", SEL_SENSE, 80);
	emu_drive_close(d);

	media_seeds("cdr80");
	media_seeds("cdrw80");
	media_seeds("cdr74");
	media_seeds("cdrom");
	media_seeds("none");

	d = drive("cdr80", EMU_FAULT_NOT_READY);
	mmc_build_test_unit_ready(&cmd);
	run(d, &cmd, "sense-becoming-ready", SEL_SENSE, 80);
	emu_drive_close(d);

	snprintf(cmdline, sizeof(cmdline), "rm -rf '%s'", state_dir);
	return system(cmdline) == 0 ? 0 : 1;
}
