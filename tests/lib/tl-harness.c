#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tl-harness.h"

int
tl_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void
tl_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

TCase *
tl_tcase_in(Suite *s, const char *name, void (*setup)(void), void (*teardown)(void))
{
	TCase *tc = tcase_create(name);

	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	suite_add_tcase(s, tc);
	return tc;
}

void
tl_add_tests(TCase *tc, const TTest *const *tests, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
}

Suite *
tl_suite(const char *name, const struct tl_row *rows, size_t n)
{
	TCase *tc = NULL;
	Suite *s;

	if (n > 0 && !rows[0].tcase) {
		/* a mistake in the table, not a test failure: found before anything is made */
		fprintf(stderr, "suite %s: row 0 adds tests before any TL_CASE row\n", name);
		abort();
	}
	s = suite_create(name);
	for (const struct tl_row *r = rows; r < rows + n; r++) {
		if (r->tcase) {
			tc = tl_tcase_in(s, r->tcase, r->setup, r->teardown);
			if (r->timeout > 0)
				tcase_set_timeout(tc, r->timeout);
		}
		for (size_t i = 0; i < r->n_tests; i++)
			tcase_add_loop_test(tc, r->tests[i], r->start, r->end);
	}
	return s;
}

char *
tl_mkdtemp(const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	char *path;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	ck_assert_int_gt(asprintf(&path, "%s/burnfs-%s-XXXXXX", tmp, tag), 0);
	ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp %s: %s", path, strerror(errno));
	return path;
}

static int
rmtree_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
tl_rmtree(const char *path)
{
	if (path)
		nftw(path, rmtree_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- files ---- */

char *
tl_path(const char *dir, const char *name)
{
	char *p;

	ck_assert_int_gt(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

uint8_t *
tl_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

void
tl_write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

void
tl_write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

char *
tl_get_err(const char *path, int *err)
{
	static char buf[4][8192];
	static int n;
	size_t off = 0;
	ssize_t r = 0;
	int fd, dummy;

	if (!err)
		err = &dummy;
	n = (n + 1) % 4;
	buf[n][0] = '\0';
	*err = 0;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		*err = errno;
		return buf[n];
	}
	while (off < sizeof(buf[n]) - 1 &&
	       (r = read(fd, buf[n] + off, sizeof(buf[n]) - 1 - off)) > 0)
		off += (size_t)r;
	if (r < 0)
		*err = errno;
	buf[n][off] = '\0';
	close(fd);
	return buf[n];
}

char *
tl_get(const char *path)
{
	int err;
	char *s = tl_get_err(path, &err);

	ck_assert_msg(err == 0, "reading %s: %s", path, strerror(err));
	return s;
}

char *
tl_read(const char *path)
{
	return tl_get_err(path, NULL);
}

void
tl_write_noise(const char *path, unsigned sectors, uint32_t seed)
{
	static uint8_t sector[2352];
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	for (unsigned s = 0; s < sectors; s++) {
		for (size_t i = 0; i < sizeof(sector); i++) {
			seed = seed * 1103515245u + 12345u;
			sector[i] = (uint8_t)(seed >> 16);
		}
		ck_assert_uint_eq(fwrite(sector, sizeof(sector), 1, f), 1);
	}
	ck_assert_int_eq(fclose(f), 0);
}

void
tl_assert_files_equal(const char *a, const char *b, bool swab)
{
	size_t na, nb;
	uint8_t *da = tl_slurp(a, &na), *db = tl_slurp(b, &nb);

	ck_assert_msg(na == nb, "%s has %zu bytes, %s %zu", a, na, b, nb);
	for (size_t i = 0; swab && i + 1 < nb; i += 2) {
		uint8_t t = db[i];

		db[i] = db[i + 1];
		db[i + 1] = t;
	}
	ck_assert_msg(memcmp(da, db, na) == 0, "%s and %s differ", a, b);
	free(da);
	free(db);
}

char *
tl_with_dir(const char *text, const char *dir)
{
	size_t n = strlen(text) + 1, d = strlen(dir);
	char *out, *o;

	for (const char *p = text; *p; p++)
		n += *p == '@' ? d : 0;
	out = o = malloc(n);
	ck_assert_ptr_nonnull(out);
	for (const char *p = text; *p; p++) {
		if (*p != '@') {
			*o++ = *p;
			continue;
		}
		memcpy(o, dir, d);
		o += d;
		*o++ = '/';
	}
	*o = '\0';
	return out;
}
