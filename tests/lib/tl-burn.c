/* Shared by the burn and trust suites; see tl-burn.h. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl-burn.h"
#include "tl-mount.h"

int
tl_burn_init(void)
{
	tl_image_bin = getenv("BURNFS_IMAGE");
	if (!tl_image_bin || !*tl_image_bin) {
		fprintf(stderr, "BURNFS_IMAGE must name the burnfs-image binary (meson sets it)\n");
		return -1;
	}
	return 0;
}

const char *tl_image_bin;	/* $BURNFS_IMAGE */

int
tl_burn_main(Suite *suite)
{
	if (tl_burn_init() < 0)
		return 99;
	return tl_mount_main(suite);
}

/* ---- inputs ---- */

bool
tl_have(const char *program)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", program);
	return system(cmd) == 0;
}

bool
tl_can_run(const char *programs)
{
	char *list = strdup(programs), *save = NULL;
	bool ok = true;

	ck_assert_ptr_nonnull(list);
	for (char *p = strtok_r(list, " ", &save); p && ok; p = strtok_r(NULL, " ", &save))
		if (!tl_have(p)) {
			printf("# SKIP %s missing\n", p);
			ok = false;
		}
	free(list);
	return ok;
}

int
tl_sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int status;

	pid_t pid;

	va_start(ap, fmt);
	ck_assert_int_gt(vasprintf(&cmd, fmt, ap), 0);
	va_end(ap);
	/*
	 * bash, as a user at a shell: it redirects in the child it forks, so
	 * the command's own close is the sink's last. dash (system()'s sh)
	 * keeps the redirected descriptor in the parent while the command
	 * runs and ignores errors when it closes it (README: "The end of a
	 * stream").
	 */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl("/bin/bash", "bash", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	free(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A data ISO of a few MB with several files, made with genisoimage. */
char *
tl_make_iso(void)
{
	char *src = tl_path(tl_top, "isosrc"), *iso = tl_path(tl_top, "disc.iso");

	ck_assert_int_eq(mkdir(src, 0755), 0);
	ck_assert_int_eq(tl_sh("cd '%s' && head -c 1500000 /dev/urandom > one.dat && "
			    "head -c 700001 /dev/urandom > two.dat && echo hello > three.txt && "
			    "mkdir sub && head -c 333333 /dev/urandom > sub/four.dat", src), 0);
	ck_assert_int_eq(tl_sh("genisoimage -quiet -R -J -V BURNFS_TEST -o '%s' '%s'", iso, src), 0);
	free(src);
	return iso;
}

/* A 16-bit stereo 44.1 kHz WAV of @seconds with a recognisable ramp. */
char *
tl_make_wav(const char *name, unsigned seconds)
{
	char *wav = tl_path(tl_top, name);
	uint32_t n = seconds * 176400u;
	uint8_t hdr[44] = "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0\x44\xac\0\0\x10\xb1\x02\0\x04\0\x10\0data";
	FILE *f = fopen(wav, "wb");

	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 4; i++) {
		hdr[4 + i] = (uint8_t)((n + 36) >> (8 * i));
		hdr[40 + i] = (uint8_t)(n >> (8 * i));
	}
	ck_assert_uint_eq(fwrite(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	for (uint32_t i = 0; i < n; i++)
		fputc((int)((i * 7 + i / 4093) & 0xff), f);
	fclose(f);
	return wav;
}

/* Sets sector_type and makes the stream of @input into a file. */
char *
tl_make_stream(const char *input, const char *type, const char *extra)
{
	char *raw;

	ck_assert_int_gt(asprintf(&raw, "%s/%s-%s.raw", tl_top, strrchr(input, '/') + 1, type), 0);
	ck_assert_int_eq(tl_sh("'%s' make --sector-type %s %s -o '%s' '%s'", tl_image_bin, type,
			    extra ? extra : "", raw, input), 0);
	return raw;
}

/* ---- the disc that came out ---- */

char *
tl_disc_file(const char *name)
{
	return tl_path(tl_disc, name);
}

/* cd-info reads the cue; its output must contain @want. */
void
tl_cd_info_shows(const char *want)
{
	char *cue = tl_disc_file("disc.cue"), *out = tl_path(tl_top, "cd-info.out");

	ck_assert_int_eq(tl_sh("cd-info --no-device-info --no-cddb --cue-file '%s' > '%s' 2>&1", cue,
			    out), 0);
	ck_assert_msg(strstr(tl_read(out), want) != NULL, "cd-info lacks \"%s\":\n%s", want,
		      tl_read(out));
	free(cue);
	free(out);
}

/* The Mode 1 user data of disc.bin's first track equals @iso byte for byte. */
void
tl_data_track_equals(const char *iso)
{
	char *bin = tl_disc_file("disc.bin");
	FILE *b = fopen(bin, "rb"), *i = fopen(iso, "rb");
	uint8_t sector[2352], want[2048];
	size_t n, sectors = 0;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(i);
	while ((n = fread(want, 1, sizeof(want), i)) > 0) {
		ck_assert_uint_eq(fread(sector, 1, sizeof(sector), b), sizeof(sector));
		ck_assert_msg(memcmp(sector + 16, want, n) == 0, "sector %zu differs", sectors);
		sectors++;
	}
	fclose(b);
	fclose(i);
	free(bin);
}

/* disc.bin starts with the WAV's samples, byte for byte. */
void
tl_audio_equals(const char *wav)
{
	char *bin = tl_disc_file("disc.bin");
	int ret = tl_sh("cmp -n $(( $(stat -c %%s '%s') - 44 )) -i 44:0 '%s' '%s'", wav, wav, bin);

	ck_assert_msg(ret == 0, "disc.bin does not hold the samples of %s", wav);
	free(bin);
}

void
tl_burned_ok(void)
{
	tl_wait_state(&tl_m1, "idle");
	ck_assert_msg(strstr(tl_get(tl_at(&tl_m1, "status")), "\nlast_burn: S_OK 0x00000000: complete") != NULL,
		      "%s", tl_get(tl_at(&tl_m1, "status")));
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "media/blank")), "0\n");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "exclusive_owner")), "\n");
}

void
tl_name_it(void)
{
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "client_name"), "Burn Test\n"), 0);
}

/* ---- a burn's input and its writer ---- */

/* Copies @path, malloc'ed, into @dst and frees it. */
static void
keep_path(char dst[4096], char *path)
{
	ck_assert_uint_lt(strlen(path), 4096);
	strcpy(dst, path);
	free(path);
}

void
tl_input_wav(struct tl_input *in, const char *name, unsigned seconds, const char *type,
	     const char *extra)
{
	keep_path(in->src, tl_make_wav(name, seconds));
	keep_path(in->raw, tl_make_stream(in->src, type, extra));
}

void
tl_input_iso(struct tl_input *in, const char *type)
{
	keep_path(in->src, tl_make_iso());
	keep_path(in->raw, tl_make_stream(in->src, type, NULL));
}

void
tl_input_named(struct tl_input *in, const char *sector_type)
{
	tl_input_wav(in, "s.wav", 4, sector_type ? sector_type : "cooked", NULL);
	tl_name_it();
	if (sector_type)
		ck_assert_int_eq(tl_put(tl_at(&tl_m1, "sector_type"), sector_type), 0);
}

/* bash, as a user's shell, opens track.raw for the command. */
int
tl_to_track(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int ret;

	va_start(ap, fmt);
	ck_assert_int_gt(vasprintf(&cmd, fmt, ap), 0);
	va_end(ap);
	ret = tl_sh("%s > '%s'", cmd, tl_at(&tl_m1, "track.raw"));
	free(cmd);
	return ret;
}

void
tl_burn_raw(const char *raw)
{
	ck_assert_int_eq(tl_to_track("cat '%s'", raw), 0);
	tl_burned_ok();
}

void
tl_last_burn_has(const char *want)
{
	const char *status = tl_get(tl_at(&tl_m1, "status"));
	char *line;

	ck_assert_int_gt(asprintf(&line, "\nlast_burn: %s", want), 0);
	ck_assert_msg(strstr(status, line) != NULL, "status lacks \"%s\":\n%s", line + 1, status);
	free(line);
}

