/*
 * Parsers for the values written to attribute files. Each takes the bytes
 * of one write (one trailing '\n' allowed), returns 0 or -EINVAL, and on
 * failure records E_INVALIDARG with a reason that says what is accepted.
 * Pure: nothing is read but the arguments.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd.h"
#include "result.h"

/*
 * Copies the value into @out (NUL-terminated, at most @size - 1 bytes)
 * without its trailing newline. Values with NUL bytes, other control
 * characters or that do not fit are refused.
 */
int burn_parse_word(const char *buf, size_t len, char *out, size_t size, struct burn_error *err);

/* "0" or "1". */
int burn_parse_bool(const char *buf, size_t len, bool *out, struct burn_error *err);

/* A decimal integer in [@min, @max]. */
int burn_parse_long(const char *buf, size_t len, long min, long max, long *out,
		    struct burn_error *err);

/*
 * A write speed: "max" (stored as -1), a number of sectors per second, or
 * "Nx" (N times 75 sectors per second, CD 1x).
 */
int burn_parse_speed(const char *buf, size_t len, long *sectors_per_s, struct burn_error *err);

/* "pq", "cooked", "raw", or their IMAPI values 1, 2, 3. */
int burn_parse_sector_type(const char *buf, size_t len, enum cd_sector_type *out,
			   struct burn_error *err);

/* The word for @t: "pq", "cooked" or "raw". */
const char *burn_sector_type_name(enum cd_sector_type t);
