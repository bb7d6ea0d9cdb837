#include "config.h"

#include <ctype.h>

#include "client-name.h"

#define ALLOWED_TEXT "allowed: A-Z a-z 0-9 space , - . : ; _"

bool
burn_client_name_char_ok(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
		return true;
	switch (c) {
	case ' ':
	case ',':
	case '-':
	case '.':
	case ':':
	case ';':
	case '_':
		return true;
	default:
		return false;
	}
}

int
burn_client_name_check(const char *buf, size_t len, size_t *name_len, struct burn_error *err)
{
	const unsigned char *p = (const unsigned char *)buf;

	if (len > 0 && p[len - 1] == '\n')
		len--;
	if (len == 0)
		return burn_error_set(err, BURN_E_CLIENT_NAME_IS_NOT_VALID,
				      "the name is empty; it needs 1 to %d characters",
				      BURN_CLIENT_NAME_MAX);
	/*
	 * Like the driver, look at the characters before the length: the
	 * first offending byte is the most useful thing to name.
	 */
	for (size_t i = 0; i < len && i <= BURN_CLIENT_NAME_MAX; i++) {
		if (burn_client_name_char_ok(p[i]))
			continue;
		if (isprint(p[i]))
			return burn_error_set(err, BURN_E_CLIENT_NAME_IS_NOT_VALID,
					      "character '%c' at position %zu is not allowed; "
					      ALLOWED_TEXT, p[i], i + 1);
		return burn_error_set(err, BURN_E_CLIENT_NAME_IS_NOT_VALID,
				      "byte 0x%02X at position %zu is not allowed; " ALLOWED_TEXT,
				      p[i], i + 1);
	}
	if (len > BURN_CLIENT_NAME_MAX)
		return burn_error_set(err, BURN_E_CLIENT_NAME_IS_NOT_VALID,
				      "the name is %zu bytes long; at most %d are allowed", len,
				      BURN_CLIENT_NAME_MAX);
	if (name_len)
		*name_len = len;
	return 0;
}
