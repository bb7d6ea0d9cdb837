/*
 * burnfs: a CD recorder as files (doc/design.md §1).
 *
 * Like sshfs, everything that can fail is done before the mount: options
 * are checked, the recorder is opened and probed, and only then is the
 * filesystem mounted and the process daemonized, so setup errors reach
 * the terminal with a non-zero exit.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fuse.h>
#include <fuse_lowlevel.h>

#include "attrs.h"
#include "client-name.h"
#include "devwatch.h"
#include "fs.h"
#include "holders.h"
#include "ops.h"
#include "parse.h"
#include "perm.h"
#include "polls.h"
#include "sink.h"
#include "stop.h"

#define EXIT_USAGE 2

#define TEXT_OF_(x) #x
#define TEXT_OF(x) TEXT_OF_(x)

/* How often the drive is asked for medium events: as the kernel polls removable disks. */
#define FS_MEDIA_POLL_MS 2000

struct burnfs_opts {
	char *client_name;	/* owned (fuse_opt allocates it) */
	char *emu_opts;		/* owned: the emu_* options joined by commas, for the transport */
	char *media_poll;	/* owned: milliseconds between medium-event polls */
	const char *device;	/* points into argv */
	int show_help;
	int show_version;
	int bad;
};

enum {
	KEY_HELP,
	KEY_VERSION,
	KEY_EMU,
};

#define BURNFS_OPT(t, p) { t, offsetof(struct burnfs_opts, p), 1 }

static const struct fuse_opt burnfs_opt_spec[] = {
	BURNFS_OPT("client_name=%s", client_name),
	BURNFS_OPT("media_poll=%s", media_poll),
	FUSE_OPT_KEY("emu_media=", KEY_EMU),
	FUSE_OPT_KEY("emu_speed=", KEY_EMU),
	FUSE_OPT_KEY("emu_discard=", KEY_EMU),
	FUSE_OPT_KEY("emu_fault=", KEY_EMU),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	/* fstab noise that mount(8) passes on */
	FUSE_OPT_KEY("defaults", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("auto", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("noauto", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("user", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("nouser", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("users", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("_netdev", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("nofail", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_END
};

static void
usage(const char *prog)
{
	printf("usage: %s [-f] [-d] [-o OPT[,OPT...]] [DEVICE] MOUNTPOINT\n"
	       "\n"
	       "Presents a CD recorder as files (see burnfs(1)).\n"
	       "\n"
	       "DEVICE is a recorder such as /dev/sr0, or emu:DIR for the emulated\n"
	       "recorder whose disc lives in directory DIR (created with a blank\n"
	       "80-minute CD-R when absent). Without DEVICE, burnfs takes the first\n"
	       "recorder that can write CDs.\n"
	       "\n"
	       "burnfs options:\n"
	       "    -f                     stay in the foreground\n"
	       "    -d                     debug output (implies -f)\n"
	       "    -h, --help             this help, then libfuse's options\n"
	       "    -V, --version          print the version\n"
	       "    -o client_name=NAME    initial client name (1-63 of A-Z a-z 0-9 space , - . : ; _)\n"
	       "    -o media_poll=MS       ask the drive for medium events every MS ms\n"
	       "                           (default " TEXT_OF(FS_MEDIA_POLL_MS) ", 0 = never; 10-60000)\n"
	       "    -o emu_media=KIND      emulated disc: cdr74 cdr80 cdrw80 cdrom none\n"
	       "    -o emu_speed=N         emulated drive paced at N x real time (0 = unlimited)\n"
	       "    -o emu_discard=1       emulated drive drops what is written (benchmarks)\n"
	       "    -o emu_fault=F[+F...]  emulated faults for tests: no_rw no_raw not_ready\n"
	       "                           write_error@LBA removed@LBA unit_attention@LBA\n"
	       "                           corrupt@LBA unreadable@LBA\n"
	       "\n", prog);
}

/*
 * An emu_* option: the emulator checks its value now, so a bad one stops
 * the command line as any other would, and gets it with the others when
 * the recorder opens.
 */
static int
emu_opt_add(struct burnfs_opts *o, const char *arg)
{
	struct burn_error e;
	size_t old = o->emu_opts ? strlen(o->emu_opts) : 0;
	char *opts;

	if (burn_transport_option_check(arg, &e) < 0) {
		fprintf(stderr, "burnfs: %s: %s\n", arg, e.reason);
		return -1;
	}
	opts = realloc(o->emu_opts, old + 1 + strlen(arg) + 1);
	if (!opts) {
		fprintf(stderr, "burnfs: out of memory\n");
		return -1;
	}
	snprintf(opts + old, 1 + strlen(arg) + 1, "%s%s", old ? "," : "", arg);
	o->emu_opts = opts;
	return 0;
}

static int
opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct burnfs_opts *o = data;

	switch (key) {
	case FUSE_OPT_KEY_NONOPT:
		if (!o->device) {
			o->device = arg;
			return 0;
		}
		return 1;	/* the mountpoint, for fuse_parse_cmdline() */
	case KEY_HELP:
		o->show_help = 1;
		return 0;
	case KEY_VERSION:
		o->show_version = 1;
		return 0;
	case KEY_EMU:
		if (emu_opt_add(o, arg) < 0) {
			o->bad = 1;
			return -1;
		}
		return 0;
	default:
		return 1;	/* libfuse's own options: fuse_new() checks them */
	}
}

/* Whether a lone argument is a DEVICE (so the MOUNTPOINT is what is missing). */
static bool
names_a_device(const char *arg)
{
	struct stat sb;

	if (strncmp(arg, "emu:", 4) == 0)
		return true;
	return stat(arg, &sb) == 0 && (S_ISBLK(sb.st_mode) || S_ISCHR(sb.st_mode));
}

/* fsname=burnfs:DEVICE for mount(8) and df, with fuse_opt's commas escaped. */
static int
add_fsname(struct fuse_args *args, const char *device)
{
	char opt[PATH_MAX + 32], *p = opt;
	int ret;

	p += snprintf(opt, sizeof(opt), "-ofsname=burnfs:");
	for (const char *s = device; *s && p < opt + sizeof(opt) - 3; s++) {
		if (*s == ',' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p = '\0';
	ret = fuse_opt_add_arg(args, opt);
	if (ret == 0)
		ret = fuse_opt_add_arg(args, "-osubtype=burnfs");
	/*
	 * Reads of disc/ in requests of FS_MAX_READ: libfuse allocates each
	 * request's buffer, and one under the mmap threshold set in main()
	 * is reused instead of mapped and faulted in afresh (a 1 MB request
	 * read disc/ at a third of the speed).
	 */
	if (ret == 0)
		ret = fuse_opt_add_arg(args, "-omax_read=" TEXT_OF(FS_MAX_READ));
	return ret;
}

static int
open_recorder(struct fs_ctx *ctx, const struct burnfs_opts *o)
{
	struct burn_transport *t;
	struct burn_error e;
	char line[BURN_REASON_MAX + 128];

	if (burn_transport_open(o->device, o->emu_opts, &t, &e) < 0 ||
	    recorder_open(t, &ctx->rec, &e) < 0 || rawcd_create(ctx->rec, &ctx->w, &e) < 0)
		goto fail;
	if (o->client_name &&
	    rawcd_set_client_name(ctx->w, o->client_name, strlen(o->client_name), &e) < 0)
		goto fail;
	return 0;
fail:
	burn_error_format(&e, line, sizeof(line));
	fprintf(stderr, "burnfs: %s\n", line);
	return -1;
}

int
main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct burnfs_opts o = { 0 };
	struct fuse_cmdline_opts cmd = { 0 };
	struct fuse_loop_config *loop_cfg = NULL;
	struct fs_ctx ctx = { .mnt_id = -1 };
	struct fuse *fuse = NULL;
	char *mnt_abs = NULL;
	struct fs_stop *stop = NULL;
	struct fs_devwatch *devwatch = NULL;
	char found[256];
	unsigned media_poll_ms = FS_MEDIA_POLL_MS;
	int ret = EXIT_USAGE;

	/*
	 * A long-lived daemon whose burns allocate megabytes (the FIFO, a
	 * job's ring) on whichever FUSE thread opened the sink: with glibc's
	 * defaults each thread grows an arena of its own and the threshold
	 * for mmap rises after the first free, so freed buffers stay
	 * resident. A fixed threshold returns every large buffer to the
	 * system when it is freed, and two arenas bound the rest.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_TRIM_THRESHOLD, 256 * 1024);
	mallopt(M_ARENA_MAX, 2);
	if (fuse_opt_parse(&args, &o, burnfs_opt_spec, opt_proc) < 0) {
		if (!o.bad)
			fprintf(stderr, "burnfs: cannot parse the command line\n");
		goto out_args;
	}
	if (o.show_help) {
		usage(argv[0]);
		printf("libfuse options:\n");
		fuse_lib_help(&args);
		ret = EXIT_SUCCESS;
		goto out_args;
	}
	if (o.show_version) {
		printf("burnfs %s\nlibfuse %s (FUSE_USE_VERSION %d)\n", BURNFS_VERSION,
		       fuse_pkgversion(), FUSE_USE_VERSION);
		ret = EXIT_SUCCESS;
		goto out_args;
	}
	if (fuse_parse_cmdline(&args, &cmd) != 0)
		goto out_args;
	if (o.device && !cmd.mountpoint && !names_a_device(o.device)) {
		/* one argument: the mountpoint; the recorder is the first one libcdio finds */
		cmd.mountpoint = strdup(o.device);
		o.device = NULL;
		if (!cmd.mountpoint)
			goto out_cmd;
		if (burn_transport_find_cdio(found, sizeof(found)) < 0) {
			fprintf(stderr, "burnfs: no CD recorder found; name one (DEVICE, such as /dev/sr0), or use the emulated recorder: burnfs emu:DIR %s\n",
				cmd.mountpoint);
			ret = EXIT_FAILURE;
			goto out_cmd;
		}
		o.device = found;
	}
	if (!o.device || !cmd.mountpoint) {
		fprintf(stderr, "burnfs: %s\nusage: %s [-f] [-d] [-o OPT[,OPT...]] [DEVICE] MOUNTPOINT (try --help)\n",
			!o.device ? "no DEVICE given (a device such as /dev/sr0, or emu:DIR)"
				  : "no MOUNTPOINT given", argv[0]);
		goto out_cmd;
	}
	if (o.emu_opts && strncmp(o.device, "emu:", 4) != 0) {
		fprintf(stderr, "burnfs: emu_media, emu_speed, emu_discard and emu_fault apply only to an emulated recorder (emu:DIR), not %s\n",
			o.device);
		goto out_cmd;
	}
	if (o.client_name) {
		struct burn_error e;
		char line[BURN_REASON_MAX + 128];

		if (burn_client_name_check(o.client_name, strlen(o.client_name), NULL, &e) < 0) {
			burn_error_format(&e, line, sizeof(line));
			fprintf(stderr, "burnfs: client_name=%s: %s\n", o.client_name, line);
			goto out_cmd;
		}
	}
	if (o.media_poll) {
		struct burn_error e;
		long v;

		if (burn_parse_long(o.media_poll, strlen(o.media_poll), 0, 60000, &v, &e) < 0 ||
		    (v > 0 && v < 10)) {
			fprintf(stderr, "burnfs: media_poll=%s: give the milliseconds between polls, 10 to 60000, or 0 for none\n",
				o.media_poll);
			goto out_cmd;
		}
		media_poll_ms = (unsigned)v;
	}
	if (add_fsname(&args, o.device) != 0 || fs_perm_setup(&ctx, &args) < 0)
		goto out_cmd;
	/* fuse_new() rejects unknown options: do it before touching the device */
	fuse = fuse_new(&args, fs_operations(), sizeof(struct fuse_operations), &ctx);
	if (!fuse)
		goto out_cmd;
	ret = EXIT_FAILURE;
	ctx.le = lasterr_create();
	ctx.mount_time = time(NULL);
	ctx.kernel_cache = !cmd.singlethread;
	ctx.fuse = fuse;
	pthread_mutex_init(&ctx.attrs_mu, NULL);
	pthread_mutex_init(&ctx.sink_mu, NULL);
	pthread_mutex_init(&ctx.poll_mu, NULL);
	pthread_mutex_init(&ctx.jobs_mu, NULL);
	pthread_mutex_init(&ctx.handles_mu, NULL);
	pthread_mutex_init(&ctx.disc.mu, NULL);
	if (!ctx.le) {
		fprintf(stderr, "burnfs: out of memory\n");
		goto out_fuse;
	}
	if (open_recorder(&ctx, &o) < 0)
		goto out_fuse;
	rawcd_set_notify(ctx.w, fs_progress_changed, &ctx);
	mnt_abs = realpath(cmd.mountpoint, NULL);
	if (fuse_mount(fuse, cmd.mountpoint) != 0)
		goto out_fuse;
	ctx.mnt_id = mnt_abs ? fs_holders_mount_id(mnt_abs) : -1;
	if (fuse_daemonize(cmd.foreground) != 0)
		goto out_unmount;
	/* after the fork: the stop thread belongs to the daemon */
	if (fs_stop_start(&ctx, fuse_get_session(fuse), &stop) != 0)
		goto out_unmount;
	if (fs_devwatch_start(o.device, &devwatch) < 0)
		fprintf(stderr, "burnfs: cannot watch %s: the mount will not end when the drive is unplugged\n", o.device);
	/* the drive's state, read once and then kept until it changes (doc/design.md) */
	fs_nodes_warm(&ctx);
	{
		struct burn_error e;

		if (recorder_watch_start(ctx.rec, media_poll_ms, fs_medium_changed, &ctx, &e) < 0)
			fprintf(stderr, "burnfs: %s; medium changes are seen at the next command\n",
				e.reason);
	}
	if (cmd.singlethread) {
		ret = fuse_loop(fuse);
	} else {
		loop_cfg = fuse_loop_cfg_create();
		if (!loop_cfg)
			goto out_signals;
		fuse_loop_cfg_set_clone_fd(loop_cfg, (unsigned)cmd.clone_fd);
		fuse_loop_cfg_set_max_threads(loop_cfg, cmd.max_threads);
		ret = fuse_loop_mt(fuse, loop_cfg);
	}
	ret = ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
out_signals:
	fs_devwatch_stop(devwatch);	/* before the stop request's handler goes */
	fs_stop_join(stop);
out_unmount:
	fuse_unmount(fuse);
out_fuse:
	/* poll handles belong to the session: drop them before it goes */
	if (ctx.rec)
		recorder_watch_stop(ctx.rec);
	if (ctx.w)
		rawcd_set_notify(ctx.w, NULL, NULL);
	fs_polls_drop(&ctx);
	fs_attrs_stop(&ctx);
	fuse_destroy(fuse);
	if (ctx.w)
		fs_handles_free(&ctx);
	ret = fs_stop_report(stop, ret);
	fuse_loop_cfg_destroy(loop_cfg);
	rawcd_destroy(ctx.w);
	fs_jobs_free(&ctx);
	pthread_mutex_destroy(&ctx.jobs_mu);
	pthread_mutex_destroy(&ctx.handles_mu);
	pthread_mutex_destroy(&ctx.poll_mu);
	pthread_mutex_destroy(&ctx.attrs_mu);
	recorder_close(ctx.rec);
	lasterr_destroy(ctx.le);
	pthread_mutex_destroy(&ctx.disc.mu);
	pthread_mutex_destroy(&ctx.sink_mu);
out_cmd:
	free(mnt_abs);
	free(cmd.mountpoint);
out_args:
	fuse_opt_free_args(&args);
	free(o.client_name);
	free(o.emu_opts);
	free(o.media_poll);
	return ret;
}
