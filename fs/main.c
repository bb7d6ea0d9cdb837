/*
 * burnfs: a CD recorder as files (doc/design.md §1).
 *
 * Like sshfs, everything that can fail is done before the mount: options
 * are checked, the recorder is opened and probed, and only then is the
 * filesystem mounted and the process daemonized, so setup errors reach
 * the terminal with a non-zero exit.
 */
#include "config.h"

#include <ctype.h>
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
#include "rawcd-group.h"
#include "sink.h"
#include "stop.h"

#define EXIT_USAGE 2

#define TEXT_OF_(x) #x
#define TEXT_OF(x) TEXT_OF_(x)

/* How often the drive is asked for medium events: as the kernel polls removable disks. */
#define FS_MEDIA_POLL_MS 2000

/* The most arguments that are not options: every recorder and the mountpoint. */
#define MAX_ARGS (RAWCD_GROUP_MAX + 1)

struct burnfs_opts {
	char *client_name;	/* owned (fuse_opt allocates it) */
	char *emu_opts;		/* owned: the emu_* options joined by commas, for the transport */
	char *media_poll;	/* owned: milliseconds between medium-event polls */
	const char *device;	/* points into argv */
	const char *args[MAX_ARGS];	/* the arguments that are not options, in order */
	size_t n_args;
	char *member_opts[RAWCD_GROUP_MAX * 4];	/* owned: "NAME/emu_x=V", for one member */
	size_t n_member_opts;
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
	printf("usage: %s [-f] [-d] [-o OPT[,OPT...]] [DEVICE...] MOUNTPOINT\n"
	       "\n"
	       "Presents a CD recorder as files (see burnfs(1)).\n"
	       "\n"
	       "DEVICE is a recorder such as /dev/sr0, or emu:DIR for the emulated\n"
	       "recorder whose disc lives in directory DIR (created with a blank\n"
	       "80-minute CD-R when absent). Without DEVICE, burnfs takes the first\n"
	       "recorder that can write CDs. With several, each is a directory of\n"
	       "the mount named after its device, and the top of the mount burns\n"
	       "one stream onto all of them.\n"
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
	       "    -o NAME/emu_...=V      an emu_* option for recorder NAME of several only\n"
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

/* Whether @arg is "NAME/emu_...": an emulator option for one recorder of several. */
static bool
member_opt(const char *arg)
{
	const char *slash = strchr(arg, '/'), *eq = strchr(arg, '=');

	return slash && slash != arg && (!eq || slash < eq) && strncmp(slash + 1, "emu_", 4) == 0;
}

static int
member_opt_add(struct burnfs_opts *o, const char *arg)
{
	struct burn_error e;

	if (burn_transport_option_check(strchr(arg, '/') + 1, &e) < 0) {
		fprintf(stderr, "burnfs: %s: %s\n", arg, e.reason);
		return -1;
	}
	if (o->n_member_opts == sizeof(o->member_opts) / sizeof(o->member_opts[0])) {
		fprintf(stderr, "burnfs: %s: too many per-recorder options\n", arg);
		return -1;
	}
	o->member_opts[o->n_member_opts] = strdup(arg);
	if (!o->member_opts[o->n_member_opts]) {
		fprintf(stderr, "burnfs: out of memory\n");
		return -1;
	}
	o->n_member_opts++;
	return 0;
}

static int
opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct burnfs_opts *o = data;

	switch (key) {
	case FUSE_OPT_KEY_NONOPT:
		/* recorders and the mountpoint: sorted out after parsing (main()) */
		if (o->n_args == MAX_ARGS) {
			fprintf(stderr, "burnfs: at most %d recorders in one mount\n", RAWCD_GROUP_MAX);
			o->bad = 1;
			return -1;
		}
		o->args[o->n_args++] = arg;
		return 0;
	case FUSE_OPT_KEY_OPT:
		if (member_opt(arg)) {
			if (member_opt_add(o, arg) < 0) {
				o->bad = 1;
				return -1;
			}
			return 0;
		}
		return 1;	/* libfuse's own options: fuse_new() checks them */
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

/*
 * A member's directory name: the device's base name (sr0 for /dev/sr0, A
 * for emu:/some/A), with bytes other than letters, digits and . _ + -
 * made '_', and "-2", "-3"... added when it is taken by another member or
 * by a file of the group's own tree.
 */
static void
member_name(struct fs_ctx *top, size_t i, const char *device)
{
	const char *path = strncmp(device, "emu:", 4) == 0 ? device + 4 : device;
	size_t end = strlen(path), start;
	char base[48];
	size_t n = 0;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	for (size_t k = start; k < end && n < sizeof(base) - 1; k++) {
		unsigned char c = (unsigned char)path[k];

		base[n++] = (isalnum(c) || strchr("._+-", c)) ? (char)c : '_';
	}
	base[n] = '\0';
	if (n == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		snprintf(base, sizeof(base), "recorder");
	snprintf(top->members[i]->name, sizeof(top->members[i]->name), "%s", base);
	for (unsigned k = 2;; k++) {
		char path_of[80];

		size_t n_group;
		const struct fs_node *group = fs_group_nodes(&n_group);
		bool taken = false;

		for (size_t j = 0; j < i; j++)
			taken |= strcmp(top->members[j]->name, top->members[i]->name) == 0;

		snprintf(path_of, sizeof(path_of), "/%s", top->members[i]->name);
		for (size_t g = 0; g < n_group; g++)
			taken |= strcmp(group[g].path, path_of) == 0;
		if (!taken)
			break;
		snprintf(top->members[i]->name, sizeof(top->members[i]->name), "%s-%u", base, k);
	}
	snprintf(top->members[i]->prefix, sizeof(top->members[i]->prefix), "/%s", top->members[i]->name);
}

/* What every tree's context starts with, the group's and each member's. */
static int
ctx_init(struct fs_ctx *ctx, struct fuse *fuse, bool kernel_cache)
{
	ctx->mnt_id = -1;
	ctx->le = lasterr_create();
	ctx->mount_time = time(NULL);
	ctx->kernel_cache = kernel_cache;
	ctx->fuse = fuse;
	pthread_mutex_init(&ctx->attrs_mu, NULL);
	pthread_mutex_init(&ctx->told_mu, NULL);
	pthread_mutex_init(&ctx->sink_mu, NULL);
	pthread_mutex_init(&ctx->poll_mu, NULL);
	pthread_mutex_init(&ctx->jobs_mu, NULL);
	pthread_mutex_init(&ctx->handles_mu, NULL);
	pthread_mutex_init(&ctx->disc.mu, NULL);
	if (!ctx->le) {
		fprintf(stderr, "burnfs: out of memory\n");
		return -1;
	}
	return 0;
}

/* Frees what ctx_init() and the mount gave @ctx; its writer and recorder too. */
static void
ctx_fini(struct fs_ctx *ctx)
{
	rawcd_destroy(ctx->w);
	fs_jobs_free(ctx);
	pthread_mutex_destroy(&ctx->jobs_mu);
	pthread_mutex_destroy(&ctx->handles_mu);
	pthread_mutex_destroy(&ctx->poll_mu);
	pthread_mutex_destroy(&ctx->attrs_mu);
	fs_attrs_told_free(ctx);
	pthread_mutex_destroy(&ctx->told_mu);
	recorder_close(ctx->rec);
	lasterr_destroy(ctx->le);
	pthread_mutex_destroy(&ctx->disc.mu);
	pthread_mutex_destroy(&ctx->sink_mu);
}

/*
 * The emu_* options for @device: the mount's, then those given as
 * "NAME/emu_..." for member @name (later ones win). NULL for a real drive
 * in a group (they apply to emulated recorders only). Owned by the caller.
 */
static char *
emu_opts_for(const struct burnfs_opts *o, const char *device, const char *name)
{
	size_t len = o->emu_opts ? strlen(o->emu_opts) + 1 : 1, nlen = strlen(name);
	char *out;

	if (strncmp(device, "emu:", 4) != 0)
		return NULL;
	for (size_t i = 0; i < o->n_member_opts; i++)
		len += strlen(o->member_opts[i]) + 1;
	out = calloc(1, len);
	if (!out)
		return NULL;
	if (o->emu_opts)
		strcat(out, o->emu_opts);
	for (size_t i = 0; i < o->n_member_opts; i++) {
		const char *opt = o->member_opts[i];

		if (strncmp(opt, name, nlen) != 0 || opt[nlen] != '/')
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, opt + nlen + 1);
	}
	return out;
}

static int
open_recorder(struct fs_ctx *ctx, const char *device, const char *emu_opts, const char *client_name)
{
	struct burn_transport *t;
	struct burn_error e;
	char line[BURN_REASON_MAX + 128];

	if (burn_transport_open(device, emu_opts, &t, &e) < 0 ||
	    recorder_open(t, &ctx->rec, &e) < 0 || rawcd_create(ctx->rec, &ctx->w, &e) < 0)
		goto fail;
	if (client_name && rawcd_set_client_name(ctx->w, client_name, strlen(client_name), &e) < 0)
		goto fail;
	return 0;
fail:
	burn_error_format(&e, line, sizeof(line));
	if (ctx->name[0])
		fprintf(stderr, "burnfs: %s (%s): %s\n", ctx->name, device, line);
	else
		fprintf(stderr, "burnfs: %s\n", line);
	return -1;
}

/*
 * @path made absolute and canonical into @out, also when its last part
 * does not exist yet (an emulator's directory is made at open).
 */
static void
canonical(const char *path, char *out, size_t size)
{
	char copy[PATH_MAX], resolved[PATH_MAX];
	char *slash;

	if (realpath(path, resolved)) {
		snprintf(out, size, "%s", resolved);
		return;
	}
	snprintf(copy, sizeof(copy), "%s", path);
	for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	slash = strrchr(copy, '/');
	if (slash)
		*slash = '\0';
	if (!realpath(slash ? (copy[0] ? copy : "/") : ".", resolved)) {
		snprintf(out, size, "%s", path);
		return;
	}
	if (snprintf(out, size, "%s/%s", strcmp(resolved, "/") == 0 ? "" : resolved,
		     slash ? slash + 1 : copy) >= (int)size)
		snprintf(out, size, "%s", path);	/* too long to compare: as given */
}

/* Whether two DEVICE arguments name the same recorder (a drive cannot be two members). */
static bool
same_device(const char *a, const char *b)
{
	bool emu_a = strncmp(a, "emu:", 4) == 0, emu_b = strncmp(b, "emu:", 4) == 0;
	char ca[PATH_MAX], cb[PATH_MAX];

	if (emu_a != emu_b)
		return false;
	canonical(emu_a ? a + 4 : a, ca, sizeof(ca));
	canonical(emu_b ? b + 4 : b, cb, sizeof(cb));
	return strcmp(ca, cb) == 0;
}

/*
 * Several recorders (doc/design.md §2.6): @top becomes the group, each
 * device a member under its name, opened with its own emu_* options.
 */
static int
open_members(struct fs_ctx *top, const struct burnfs_opts *o, const char *const *devices, size_t n)
{
	struct rawcd *ws[RAWCD_GROUP_MAX];
	const char *names[RAWCD_GROUP_MAX];
	struct burn_error e;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (same_device(devices[i], devices[j])) {
				fprintf(stderr, "burnfs: %s and %s are the same recorder; name each recorder once\n",
					devices[j], devices[i]);
				return -1;
			}
	top->members = calloc(n, sizeof(*top->members));
	if (!top->members)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		top->members[i] = calloc(1, sizeof(**top->members));
		if (!top->members[i])
			goto oom;
		top->n_members = i + 1;
		member_name(top, i, devices[i]);
	}
	for (size_t i = 0; i < o->n_member_opts; i++) {
		const char *opt = o->member_opts[i];

		if (!fs_group_find(top, opt, (size_t)(strchr(opt, '/') - opt))) {
			fprintf(stderr, "burnfs: %s: no recorder of this mount is named %.*s (the names are the devices' base names, as listed at the top of the mount)\n",
				opt, (int)(strchr(opt, '/') - opt), opt);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct fs_ctx *m = top->members[i];
		char *opts;
		int ret;

		if (ctx_init(m, top->fuse, top->kernel_cache) < 0)
			return -1;
		m->parent = top;
		m->uid = top->uid;	/* the owner and group fs_perm_setup() chose */
		m->gid = top->gid;
		opts = emu_opts_for(o, devices[i], m->name);
		if (strncmp(devices[i], "emu:", 4) == 0 && !opts)
			goto oom;
		ret = open_recorder(m, devices[i], opts, o->client_name);
		free(opts);
		if (ret < 0)
			return -1;
		rawcd_set_notify(m->w, fs_progress_changed, m);
		ws[i] = m->w;
		names[i] = m->name;
	}
	if (rawcd_group_create(ws, names, n, &top->group, &e) < 0) {
		fprintf(stderr, "burnfs: %s\n", e.reason);
		return -1;
	}
	return 0;
oom:
	fprintf(stderr, "burnfs: out of memory\n");
	return -1;
}

/* Every tree of the mount: the mount's own and, in a group, each member's. */
static size_t
trees(struct fs_ctx *ctx, struct fs_ctx **out)
{
	size_t n = 0;

	if (ctx->w)
		out[n++] = ctx;
	for (size_t i = 0; i < ctx->n_members; i++)
		if (ctx->members[i] && ctx->members[i]->w)
			out[n++] = ctx->members[i];
	return n;
}

int
main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct burnfs_opts o = { 0 };
	struct fuse_cmdline_opts cmd = { 0 };
	struct fuse_loop_config *loop_cfg = NULL;
	struct fs_ctx ctx = { .mnt_id = -1 };
	struct fs_ctx *recs[RAWCD_GROUP_MAX + 1];
	size_t n_recs = 0, n_devices = 0;
	struct fuse *fuse = NULL;
	char *mnt_abs = NULL;
	struct fs_stop *stop = NULL;
	struct fs_devwatch *devwatch = NULL;
	char found[256], fsname[PATH_MAX];
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
	/* DEVICE... MOUNTPOINT: the last argument is the mountpoint, for fuse_parse_cmdline() */
	if (o.n_args >= 2 && fuse_opt_add_arg(&args, o.args[o.n_args - 1]) != 0)
		goto out_args;
	n_devices = o.n_args >= 2 ? o.n_args - 1 : o.n_args;
	o.device = o.n_args ? o.args[0] : NULL;
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
		fprintf(stderr, "burnfs: %s\nusage: %s [-f] [-d] [-o OPT[,OPT...]] [DEVICE...] MOUNTPOINT (try --help)\n",
			!o.device ? "no DEVICE given (a device such as /dev/sr0, or emu:DIR)"
				  : "no MOUNTPOINT given", argv[0]);
		goto out_cmd;
	}
	if (n_devices <= 1 && o.n_member_opts) {
		fprintf(stderr, "burnfs: %s: NAME/emu_... options are for one recorder of several; with one, give -o %s\n",
			o.member_opts[0], strchr(o.member_opts[0], '/') + 1);
		goto out_cmd;
	}
	if (o.emu_opts) {
		bool any_emu = false;

		for (size_t i = 0; i < n_devices; i++)
			any_emu |= strncmp(n_devices > 1 ? o.args[i] : o.device, "emu:", 4) == 0;
		if (!any_emu) {
			fprintf(stderr, "burnfs: emu_media, emu_speed, emu_discard and emu_fault apply only to an emulated recorder (emu:DIR), not %s\n",
				o.device);
			goto out_cmd;
		}
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
	/* burnfs:DEVICE, or burnfs:DEVICE+DEVICE... for a group */
	fsname[0] = '\0';
	for (size_t i = 0, len = 0; i < (n_devices > 1 ? n_devices : 1); i++)
		len += (size_t)snprintf(fsname + len, len < sizeof(fsname) ? sizeof(fsname) - len : 0, "%s%s",
					i ? "+" : "", n_devices > 1 ? o.args[i] : o.device);
	if (add_fsname(&args, fsname) != 0 || fs_perm_setup(&ctx, &args) < 0)
		goto out_cmd;
	/* fuse_new() rejects unknown options: do it before touching the device */
	fuse = fuse_new(&args, n_devices > 1 ? fs_group_operations() : fs_operations(),
			sizeof(struct fuse_operations), &ctx);
	if (!fuse)
		goto out_cmd;
	ret = EXIT_FAILURE;
	if (ctx_init(&ctx, fuse, !cmd.singlethread) < 0)
		goto out_fuse;
	if (n_devices > 1 ? open_members(&ctx, &o, o.args, n_devices) < 0
			  : open_recorder(&ctx, o.device, o.emu_opts, o.client_name) < 0)
		goto out_fuse;
	if (ctx.w)
		rawcd_set_notify(ctx.w, fs_progress_changed, &ctx);
	n_recs = trees(&ctx, recs);
	mnt_abs = realpath(cmd.mountpoint, NULL);
	if (fuse_mount(fuse, cmd.mountpoint) != 0)
		goto out_fuse;
	ctx.mnt_id = mnt_abs ? fs_holders_mount_id(mnt_abs) : -1;
	for (size_t i = 0; i < ctx.n_members; i++)
		ctx.members[i]->mnt_id = ctx.mnt_id;
	if (fuse_daemonize(cmd.foreground) != 0)
		goto out_unmount;
	/* after the fork: the stop thread belongs to the daemon */
	if (fs_stop_start(&ctx, fuse_get_session(fuse), &stop) != 0)
		goto out_unmount;
	/* one drive's mount ends when it is unplugged; a group's members stay (doc/system.md) */
	if (n_devices <= 1 && fs_devwatch_start(o.device, &devwatch) < 0)
		fprintf(stderr, "burnfs: cannot watch %s: the mount will not end when the drive is unplugged\n", o.device);
	for (size_t i = 0; i < n_recs; i++) {
		struct burn_error e;

		/* the drive's state, read once and then kept until it changes (doc/design.md) */
		fs_nodes_warm(recs[i]);
		if (recorder_watch_start(recs[i]->rec, media_poll_ms, fs_medium_changed, recs[i], &e) < 0)
			fprintf(stderr, "burnfs: %s%s%s; medium changes are seen at the next command\n",
				recs[i]->name, recs[i]->name[0] ? ": " : "", e.reason);
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
	n_recs = trees(&ctx, recs);
	for (size_t i = 0; i < n_recs; i++) {
		recorder_watch_stop(recs[i]->rec);
		rawcd_set_notify(recs[i]->w, NULL, NULL);
		fs_polls_drop(recs[i]);
		fs_attrs_stop(recs[i]);
	}
	fs_polls_drop(&ctx);
	fs_attrs_stop(&ctx);
	fuse_destroy(fuse);
	/* the group's handles first: ending its stream ends the members' */
	if (ctx.group)
		fs_handles_free(&ctx);
	for (size_t i = 0; i < n_recs; i++)
		fs_handles_free(recs[i]);
	ret = fs_stop_report(stop, ret);
	fuse_loop_cfg_destroy(loop_cfg);
	rawcd_group_destroy(ctx.group);
	for (size_t i = 0; i < ctx.n_members; i++) {
		if (ctx.members[i]->le)
			ctx_fini(ctx.members[i]);
		free(ctx.members[i]);
	}
	free(ctx.members);
	if (ctx.le)
		ctx_fini(&ctx);
out_cmd:
	free(mnt_abs);
	free(cmd.mountpoint);
out_args:
	fuse_opt_free_args(&args);
	free(o.client_name);
	free(o.emu_opts);
	free(o.media_poll);
	for (size_t i = 0; i < o.n_member_opts; i++)
		free(o.member_opts[i]);
	return ret;
}
