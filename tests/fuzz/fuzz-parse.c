/*
 * libFuzzer target: the attribute value parsers (core/writer/parse.h). Byte 0
 * picks the parser, byte 1 its parameter (the output size of
 * burn_parse_word, the range of burn_parse_long); the rest is the bytes of
 * one write(2) to the attribute file.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"

/* The ranges burnfs asks for (lead_in_sectors, write speeds), and the extremes. */
static const long ranges[][2] = {
	{ 0, 450000 },
	{ 1, 7500 },
	{ LONG_MIN, LONG_MAX },
	{ LONG_MIN, 0 },
	{ -1, 1 },
	{ 0, 0 },
	{ 5, 4 },	/* empty */
	{ LONG_MAX, LONG_MAX },
};

#define N_RANGES (sizeof(ranges) / sizeof(ranges[0]))

/* Length of the value as the parsers see it: without one trailing newline. */
static size_t
value_len(const char *buf, size_t len)
{
	return len > 0 && buf[len - 1] == '\n' ? len - 1 : len;
}

static void
fuzz_word(const uint8_t *data, size_t len, unsigned param)
{
	const char *buf = (const char *)data;
	size_t size = 1 + param % 64;
	struct burn_error err;
	char *out = malloc(size);	/* exactly @size, so ASan sees any overrun */

	if (!out)
		abort();
	if (burn_parse_word(buf, len, out, size, &err) == 0) {
		size_t n = value_len(buf, len);

		fuzz_assert(n < size && strlen(out) == n && memcmp(out, buf, n) == 0);
		for (size_t i = 0; i < n; i++)
			fuzz_assert((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
	}
	free(out);
}

static void
fuzz_bool(const uint8_t *data, size_t len, unsigned param)
{
	const char *buf = (const char *)data;
	struct burn_error err;
	bool b;

	if (burn_parse_bool(buf, len, &b, &err) == 0)
		fuzz_assert(value_len(buf, len) == 1 && buf[0] == (b ? '1' : '0'));
}

static void
fuzz_long(const uint8_t *data, size_t len, unsigned param)
{
	const long *r = ranges[param % N_RANGES];
	struct burn_error err;
	long v;

	if (burn_parse_long((const char *)data, len, r[0], r[1], &v, &err) == 0)
		fuzz_assert(v >= r[0] && v <= r[1]);
}

static void
fuzz_speed(const uint8_t *data, size_t len, unsigned param)
{
	struct burn_error err;
	long v;

	if (burn_parse_speed((const char *)data, len, &v, &err) == 0)
		fuzz_assert(v == -1 || (v >= 1 && v <= 7500));
}

static void
fuzz_sector_type(const uint8_t *data, size_t len, unsigned param)
{
	struct burn_error err;
	enum cd_sector_type type;

	if (burn_parse_sector_type((const char *)data, len, &type, &err) == 0) {
		fuzz_assert(type >= CD_SECTOR_PQ && type <= CD_SECTOR_RAW);
		fuzz_assert(strcmp(burn_sector_type_name(type), "unknown") != 0);
	}
	/* and the name of any value, as status prints it */
	fuzz_assert(burn_sector_type_name((enum cd_sector_type)param) != NULL);
}

/*
 * Byte 0 of an input picks one by its index, modulo their number:
 * make-corpus.sh's seeds use these numbers, so a new parser goes at the end.
 */
static fuzz_parse_fn *const parsers[] = {
	fuzz_word, fuzz_bool, fuzz_long, fuzz_speed, fuzz_sector_type,
};

FUZZ_PICK_TARGET(parsers)
