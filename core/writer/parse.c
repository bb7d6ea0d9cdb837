#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int
burn_parse_word(const char *buf, size_t len, char *out, size_t size, struct burn_error *err)
{
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len >= size)
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "the value is %zu bytes long; at most %zu are accepted", len,
				      size - 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 || c == 0x7f)
			return burn_error_set(err, BURN_E_INVALIDARG,
					      "byte 0x%02X at position %zu is not allowed in a value",
					      c, i + 1);
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	return 0;
}

int
burn_parse_bool(const char *buf, size_t len, bool *out, struct burn_error *err)
{
	char word[8];

	if (burn_parse_word(buf, len, word, sizeof(word), err) < 0 ||
	    (strcmp(word, "0") != 0 && strcmp(word, "1") != 0))
		return burn_error_set(err, BURN_E_INVALIDARG, "expected 0 or 1");
	*out = word[0] == '1';
	return 0;
}

static int
parse_decimal(const char *word, long *out)
{
	char *end;
	long v;

	if (!*word || !(word[0] == '-' || (word[0] >= '0' && word[0] <= '9')))
		return -EINVAL;
	errno = 0;
	v = strtol(word, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int
burn_parse_long(const char *buf, size_t len, long min, long max, long *out,
		struct burn_error *err)
{
	char word[24];
	long v;

	if (burn_parse_word(buf, len, word, sizeof(word), err) < 0 || parse_decimal(word, &v) < 0 ||
	    v < min || v > max)
		return burn_error_set(err, BURN_E_INVALIDARG, "expected an integer from %ld to %ld",
				      min, max);
	*out = v;
	return 0;
}

/* Sectors per second a CD drive can be asked for: 1x .. well past 52x. */
#define SPEED_MAX_SECTORS (100 * CD_FRAMES_PER_SECOND)

int
burn_parse_speed(const char *buf, size_t len, long *sectors_per_s, struct burn_error *err)
{
	char word[24];
	size_t n;
	long v;

	if (burn_parse_word(buf, len, word, sizeof(word), err) < 0)
		goto bad;
	if (strcmp(word, "max") == 0) {
		*sectors_per_s = -1;
		return 0;
	}
	n = strlen(word);
	if (n > 1 && (word[n - 1] == 'x' || word[n - 1] == 'X')) {
		word[n - 1] = '\0';
		if (parse_decimal(word, &v) < 0 || v < 1 || v > SPEED_MAX_SECTORS / CD_FRAMES_PER_SECOND)
			goto bad;
		*sectors_per_s = v * CD_FRAMES_PER_SECOND;
		return 0;
	}
	if (parse_decimal(word, &v) < 0 || v < 1 || v > SPEED_MAX_SECTORS)
		goto bad;
	*sectors_per_s = v;
	return 0;
bad:
	return burn_error_set(err, BURN_E_INVALIDARG,
			      "expected max, sectors per second (1 to %d) or a multiple of 1x such as 8x",
			      SPEED_MAX_SECTORS);
}

static const char *const sector_type_names[] = {
	[CD_SECTOR_PQ] = "pq",
	[CD_SECTOR_COOKED] = "cooked",
	[CD_SECTOR_RAW] = "raw",
};

const char *
burn_sector_type_name(enum cd_sector_type t)
{
	if (t < CD_SECTOR_PQ || t > CD_SECTOR_RAW)
		return "unknown";
	return sector_type_names[t];
}

int
burn_parse_sector_type(const char *buf, size_t len, enum cd_sector_type *out,
		       struct burn_error *err)
{
	char word[16];

	if (burn_parse_word(buf, len, word, sizeof(word), err) < 0)
		goto bad;
	for (int t = CD_SECTOR_PQ; t <= CD_SECTOR_RAW; t++) {
		if (strcmp(word, sector_type_names[t]) == 0 ||
		    (word[0] == '0' + t && word[1] == '\0')) {
			*out = (enum cd_sector_type)t;
			return 0;
		}
	}
bad:
	return burn_error_set(err, BURN_E_INVALIDARG, "expected pq, cooked or raw (or 1, 2, 3)");
}
