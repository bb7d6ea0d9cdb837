/*
 * libFuzzer target: the client_name validator. The input is the bytes of
 * one write(2) to the client_name file, exactly as FUSE hands them over.
 */
#include "config.h"

#include <stdint.h>

#include "client-name.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct burn_error err;
	size_t name_len = SIZE_MAX;
	char line[512];

	if (burn_client_name_check((const char *)data, size, &name_len, &err) < 0) {
		/* the reason is printed into last_error */
		burn_error_format(&err, line, sizeof(line));
		return 0;
	}
	/* accepted: 1..63 allowed bytes, the input without one trailing newline */
	fuzz_assert(name_len >= 1 && name_len <= BURN_CLIENT_NAME_MAX);
	fuzz_assert(name_len == size || (name_len + 1 == size && data[name_len] == '\n'));
	for (size_t i = 0; i < name_len; i++)
		fuzz_assert(burn_client_name_char_ok(data[i]));
	return 0;
}
