/*
 * burnfs-image: .cue/.bin, .iso and .wav to the IMAPI raw stream that
 * burnfs' track.raw takes, and raw streams back to .cue/.bin.
 *
 * Exit status: 0 success, 1 bad input, damaged stream or I/O error,
 * 2 usage error (unknown command or option, bad option value).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cd-sector.h"
#include "image-cue.h"
#include "image-decoder.h"
#include "image-disc.h"
#include "image-encoder.h"

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE 2
#define WRITE_SECTORS 64
#define MAX_REPORTED 20

static const char usage_text[] =
	"Usage: burnfs-image make [--sector-type pq|cooked|raw] [--lead-in-sectors N]\n"
	"                         [--overburn] [-o FILE] INPUT...\n"
	"       burnfs-image toc [--overburn] INPUT...\n"
	"       burnfs-image extract [--sector-type pq|cooked|raw] [--lead-in-sectors N]\n"
	"                            STREAM OUT.cue\n"
	"       burnfs-image --help | --version\n"
	"\n"
	"make     write the raw stream for burnfs' track.raw to FILE or stdout\n"
	"toc      print the TOC that make would encode\n"
	"extract  read a raw stream (- for stdin) back into OUT.cue + OUT.bin\n"
	"\n"
	"INPUT is one .cue, one .iso, or one or more audio files (.wav, .flac, .ogg,\n"
	".opus, .mp3, .aiff: 16-bit stereo 44.1 kHz, never resampled).\n"
	"Defaults: --sector-type cooked, --lead-in-sectors 22650 (stream starts at 95:00:00).\n"
	"Exit status: 0 success, 1 bad input or damaged stream, 2 usage error.\n";

__attribute__((format(printf, 1, 2), noreturn))
static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("burnfs-image: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'burnfs-image --help'.\n", stderr);
	exit(EXIT_USAGE);
}

static enum cd_sector_type
parse_sector_type(const char *s)
{
	if (!strcmp(s, "pq") || !strcmp(s, "1"))
		return CD_SECTOR_PQ;
	if (!strcmp(s, "cooked") || !strcmp(s, "2"))
		return CD_SECTOR_COOKED;
	if (!strcmp(s, "raw") || !strcmp(s, "3"))
		return CD_SECTOR_RAW;
	usage_error("--sector-type must be pq, cooked or raw, not '%s'", s);
	return CD_SECTOR_COOKED;
}

static unsigned
parse_lead_in(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > IMAGE_MAX_LEAD_IN)
		usage_error("--lead-in-sectors must be a number of sectors from 0 to 45150, not '%s'",
			s);
	return (unsigned)v;
}

struct options {
	enum cd_sector_type type;
	unsigned lead_in;
	unsigned flags;
	const char *output;
};

static const struct option long_options[] = {
	{ "sector-type", required_argument, NULL, 't' },
	{ "lead-in-sectors", required_argument, NULL, 'l' },
	{ "overburn", no_argument, NULL, 'O' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Parses the options of @cmd; returns the index of the first operand. */
static int
parse_options(int argc, char **argv, const char *cmd, const char *allowed, struct options *o)
{
	int c;

	o->type = CD_SECTOR_COOKED;
	o->lead_in = IMAGE_DEFAULT_LEAD_IN;
	o->flags = 0;
	o->output = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:hV", long_options, NULL)) != -1) {
		if (c == '?')
			usage_error("unknown option '%s'", argv[optind - 1]);
		if (c == ':')
			usage_error("option '%s' needs a value", argv[optind - 1]);
		if (c == 'h') {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (c == 'V') {
			printf("burnfs-image %s\n", BURNFS_VERSION);
			exit(0);
		}
		if (!strchr(allowed, c))
			usage_error("this option is not for this command: '%s'", argv[optind - 1]);
		switch (c) {
		case 't':
			o->type = parse_sector_type(optarg);
			break;
		case 'l':
			o->lead_in = parse_lead_in(optarg);
			break;
		case 'O':
			o->flags |= IMAGE_DISC_OVERBURN;
			break;
		case 'o':
			o->output = optarg;
			break;
		}
	}
	(void)cmd;
	return optind;
}

/* One .cue, one .iso, or audio files only: anything else is a usage error. */
static void
check_inputs(int n, char **inputs)
{
	for (int i = 0; i < n; i++) {
		switch (image_input_kind(inputs[i])) {
		case IMAGE_INPUT_AUDIO:
			continue;
		case IMAGE_INPUT_OTHER:
			usage_error("'%s' is not a .cue, .iso or audio file (.wav, .flac, .ogg, .opus, .mp3, .aiff)",
				    inputs[i]);
		default:
			break;
		}
		if (n > 1)
			usage_error("give one .cue, one .iso, or one or more audio files, not '%s' with others",
				inputs[i]);
	}
}

static int
write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* What the disc accepted but finds wrong, one line each; the command goes on. */
static void
print_warnings(const struct image_disc *disc)
{
	const char *const *lines;
	size_t n = image_disc_warnings(disc, &lines);

	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "burnfs-image: warning: %s\n", lines[i]);
}

static int
cmd_make(int argc, char **argv)
{
	struct image_encoder *enc = NULL;
	struct image_disc *disc = NULL;
	struct burn_error err = { .reason = "" };
	const char *out_name = "stdout";
	int status = EXIT_BAD_INPUT, fd = STDOUT_FILENO, first, ret;
	struct options o;
	uint8_t *buf = NULL;

	first = parse_options(argc, argv, "make", "tlOo", &o);
	if (first >= argc)
		usage_error("%s: no INPUT given", "make");
	check_inputs(argc - first, argv + first);
	if (!o.output && isatty(STDOUT_FILENO))
		usage_error("%s: refusing to write a raw stream to a terminal; use -o FILE or redirect stdout",
			"make");
	ret = image_disc_open(&disc, (const char *const *)argv + first, (size_t)(argc - first),
			      o.flags, &err);
	if (ret < 0) {
		fprintf(stderr, "burnfs-image: %s\n", err.reason);
		return EXIT_BAD_INPUT;
	}
	print_warnings(disc);
	ret = image_encoder_create(&enc, disc, o.type, o.lead_in, &err);
	if (ret < 0) {
		fprintf(stderr, "burnfs-image: %s\n", err.reason);
		status = ret == -EINVAL ? EXIT_USAGE : EXIT_BAD_INPUT;
		goto out_destroy;
	}
	buf = malloc((size_t)WRITE_SECTORS * cd_sector_type_size(o.type));
	if (!buf) {
		fprintf(stderr, "burnfs-image: out of memory\n");
		goto out_destroy;
	}
	if (o.output) {
		out_name = o.output;
		fd = open(o.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "burnfs-image: %s: %s\n", o.output, strerror(errno));
			goto out_destroy;
		}
	}
	for (;;) {
		ssize_t n = image_encoder_read(enc, buf, (size_t)WRITE_SECTORS *
					       cd_sector_type_size(o.type), &err);

		if (n < 0) {
			fprintf(stderr, "burnfs-image: %s\n", err.reason);
			goto out_close;
		}
		if (n == 0)
			break;
		ret = write_all(fd, buf, (size_t)n);
		if (ret < 0) {
			fprintf(stderr, "burnfs-image: %s: %s\n", out_name, strerror(-ret));
			goto out_close;
		}
	}
	status = 0;
out_close:
	if (o.output && close(fd) < 0 && status == 0) {
		fprintf(stderr, "burnfs-image: %s: %s\n", out_name, strerror(errno));
		status = EXIT_BAD_INPUT;
	}
	if (o.output && status)
		unlink(o.output);
out_destroy:
	free(buf);
	image_encoder_destroy(enc);
	image_disc_destroy(disc);
	return status;
}

static int
cmd_toc(int argc, char **argv)
{
	struct image_disc *disc = NULL;
	struct burn_error err = { .reason = "" };
	struct options o;
	int first, ret;

	first = parse_options(argc, argv, "toc", "O", &o);
	if (first >= argc)
		usage_error("%s: no INPUT given", "toc");
	check_inputs(argc - first, argv + first);
	ret = image_disc_open(&disc, (const char *const *)argv + first, (size_t)(argc - first),
			      o.flags, &err);
	if (ret < 0) {
		fprintf(stderr, "burnfs-image: %s\n", err.reason);
		return EXIT_BAD_INPUT;
	}
	print_warnings(disc);
	ret = image_toc_print(image_disc_toc(disc), stdout);
	image_disc_destroy(disc);
	if (ret < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "burnfs-image: stdout: %s\n", strerror(errno));
		return EXIT_BAD_INPUT;
	}
	return 0;
}


static void
report_sector(const char *stream, const struct image_sector *s, uint64_t *reported)
{
	struct cd_msf msf = cd_lba_to_msf(s->lba);
	char what[128] = "";

	if (!s->damage)
		return;
	if (++*reported > MAX_REPORTED) {
		if (*reported == MAX_REPORTED + 1)
			fprintf(stderr, "burnfs-image: %s: more damaged sectors; only counts from here on\n",
				stream);
		return;
	}
	if (s->damage & IMAGE_DAMAGE_Q_CRC)
		strcat(what, " bad-Q-CRC");
	if (s->damage & IMAGE_DAMAGE_Q_FORMAT)
		strcat(what, " bad-Q-fields");
	if (s->damage & (IMAGE_DAMAGE_Q_ADDRESS | CD_DAMAGE_ADDRESS))
		strcat(what, " wrong-address");
	if (s->damage & CD_DAMAGE_SYNC)
		strcat(what, " bad-sync");
	if (s->damage & CD_DAMAGE_HEADER)
		strcat(what, " bad-header");
	if (s->damage & CD_DAMAGE_EDC)
		strcat(what, " bad-EDC");
	if (s->damage & CD_DAMAGE_ECC)
		strcat(what, " bad-ECC");
	if (s->damage & IMAGE_DAMAGE_CDTEXT_CRC)
		strcat(what, " bad-CD-TEXT-CRC");
	fprintf(stderr, "burnfs-image: %s: LBA %d (%02u:%02u:%02u):%s\n", stream, s->lba,
		msf.m, msf.s, msf.f, what);
}

/* A cue TITLE/PERFORMER line; a double quote cannot be written inside one. */

static int
write_cue(const char *cue_path, const char *bin_path, const struct image_toc *toc)
{
	char *bin_copy = strdup(bin_path);
	FILE *f;
	int ret = 0;

	if (!bin_copy)
		return -ENOMEM;
	f = fopen(cue_path, "w");
	if (!f) {
		ret = -errno;
		goto out_free;
	}
	fprintf(f, "REM written by burnfs-image %s\n", BURNFS_VERSION);
	ret = image_toc_write_cue(f, basename(bin_copy), toc);
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
out_free:
	free(bin_copy);
	return ret;
}

static int
cmd_extract(int argc, char **argv)
{
	struct image_decoder *dec = NULL;
	const struct image_decoder_stats *st;
	const struct image_toc *toc;
	const char *stream, *cue;
	struct image_sector *s = NULL;
	char *bin = NULL;
	uint8_t *sector = NULL;
	uint64_t reported = 0, written = 0;
	int status = EXIT_BAD_INPUT, first, ret, bin_fd = -1;
	unsigned size;
	struct options o;
	FILE *in = NULL;
	size_t n, cue_len;

	first = parse_options(argc, argv, "extract", "tl", &o);
	if (argc - first != 2)
		usage_error("%s: needs STREAM and OUT.cue", "extract");
	stream = argv[first];
	cue = argv[first + 1];
	cue_len = strlen(cue);
	if (cue_len < 5 || strcmp(cue + cue_len - 4, ".cue"))
		usage_error("extract: the output name must end in .cue, not '%s'", cue);
	size = cd_sector_type_size(o.type);

	bin = strdup(cue);
	sector = malloc(size);
	s = malloc(sizeof(*s));
	if (!bin || !sector || !s || image_decoder_open(&dec, o.type, o.lead_in, NULL) < 0) {
		fprintf(stderr, "burnfs-image: out of memory\n");
		goto out_free;
	}
	strcpy(bin + cue_len - 4, ".bin");
	in = strcmp(stream, "-") ? fopen(stream, "rb") : stdin;
	if (!in) {
		fprintf(stderr, "burnfs-image: %s: %s\n", stream, strerror(errno));
		goto out_free;
	}
	bin_fd = open(bin, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (bin_fd < 0) {
		fprintf(stderr, "burnfs-image: %s: %s\n", bin, strerror(errno));
		goto out_close;
	}
	while ((n = fread(sector, 1, size, in)) == size) {
		ret = image_decoder_feed(dec, sector, s);
		if (ret == -EBADMSG) {
			struct burn_error why;

			image_decoder_toc_failure(dec, &why);
			fprintf(stderr, "burnfs-image: %s: the lead-in is not a TOC: %s\n", stream,
				why.reason);
			goto out_close;
		}
		report_sector(stream, s, &reported);
		toc = image_decoder_toc(dec);
		if (s->region == IMAGE_REGION_PROGRAM && s->lba >= 0 && toc &&
		    s->lba < toc->leadout_lba) {
			if ((uint64_t)s->lba != written) {
				fprintf(stderr, "burnfs-image: %s: internal error: LBA %d out of order\n",
					stream, s->lba);
				goto out_close;
			}
			ret = write_all(bin_fd, s->main, CD_MAIN_SIZE);
			if (ret < 0) {
				fprintf(stderr, "burnfs-image: %s: %s\n", bin, strerror(-ret));
				goto out_close;
			}
			written++;
		}
		if (image_decoder_complete(dec))
			break;
	}
	if (ferror(in)) {
		fprintf(stderr, "burnfs-image: %s: read error\n", stream);
		goto out_close;
	}
	toc = image_decoder_toc(dec);
	if (!toc) {
		fprintf(stderr, "burnfs-image: %s: no TOC: the stream %s\n", stream,
			image_decoder_stats(dec)->sectors ? "ended inside the lead-in" :
			"is empty");
		goto out_close;
	}
	if (n && n != size && !image_decoder_complete(dec)) {
		fprintf(stderr, "burnfs-image: %s: the stream ends in the middle of a %u-byte sector\n",
			stream, size);
		goto out_close;
	}
	ret = write_cue(cue, bin, toc);
	if (ret < 0) {
		fprintf(stderr, "burnfs-image: %s: %s\n", cue, strerror(-ret));
		goto out_close;
	}
	st = image_decoder_stats(dec);
	if (!image_decoder_complete(dec)) {
		fprintf(stderr, "burnfs-image: %s: the stream ends at LBA %d, before the end of its lead-out (LBA %d)\n",
			stream,
			(int32_t)(st->sectors) - (int32_t)o.lead_in - 1,
			toc->leadout_lba + IMAGE_LEADOUT_SECTORS - 1);
		goto out_close;
	}
	if (st->q_crc_errors || st->data_errors || st->address_errors || st->cdtext_crc_errors) {
		fprintf(stderr, "burnfs-image: %s: damaged: %" PRIu64 " bad Q CRC, %" PRIu64
			" bad data sectors (%" PRIu64 " EDC, %" PRIu64 " ECC), %" PRIu64
			" wrong addresses, %" PRIu64 " bad CD-TEXT\n", stream, st->q_crc_errors,
			st->data_errors, st->edc_errors, st->ecc_errors, st->address_errors,
			st->cdtext_crc_errors);
		goto out_close;
	}
	status = 0;
out_close:
	if (bin_fd >= 0 && close(bin_fd) < 0 && status == 0) {
		fprintf(stderr, "burnfs-image: %s: %s\n", bin, strerror(errno));
		status = EXIT_BAD_INPUT;
	}
	if (in && in != stdin)
		fclose(in);
out_free:
	image_decoder_destroy(dec);
	free(s);
	free(sector);
	free(bin);
	return status;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage_error("%s", "no command given (make, toc or extract)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("burnfs-image %s\n", BURNFS_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "make"))
		return cmd_make(argc - 1, argv + 1);
	if (!strcmp(argv[1], "toc"))
		return cmd_toc(argc - 1, argv + 1);
	if (!strcmp(argv[1], "extract"))
		return cmd_extract(argc - 1, argv + 1);
	usage_error("unknown command '%s' (make, toc or extract)", argv[1]);
	return EXIT_USAGE;
}
