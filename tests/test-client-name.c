/* The client-name validator (doc/design.md §2.1) over every byte and length. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client-name.h"
#include "tl-harness.h"

static const char allowed[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ,-.:;_";

/* Every byte value, alone and in the middle of a valid name. */
/* burn_client_name_check() refuses @len bytes of @name, giving the reason @why. */
static void
refused(const char *name, size_t len, const char *why)
{
	struct burn_error e;
	size_t n;

	ck_assert_int_eq(burn_client_name_check(name, len, &n, &e), -EINVAL);
	ck_assert_str_eq(e.reason, why);
}

START_TEST(every_byte)
{
	unsigned char c = (unsigned char)_i;
	bool want = c != 0 && strchr(allowed, c) != NULL;
	char name[3] = { 'a', (char)c, 'b' };
	struct burn_error e;
	size_t n = 99;
	int ret;

	ck_assert_int_eq(burn_client_name_char_ok(c), want);
	ret = burn_client_name_check(name, 3, &n, &e);
	if (want) {
		ck_assert_int_eq(ret, 0);
		ck_assert_uint_eq(n, 3);
	} else {
		ck_assert_int_eq(ret, -EINVAL);
		ck_assert_int_eq(e.result, BURN_E_CLIENT_NAME_IS_NOT_VALID);
		ck_assert_msg(strstr(e.reason, "at position 2 is not allowed") != NULL, "%s",
			      e.reason);
		ck_assert_uint_eq(n, 99);
	}
}
END_TEST

START_TEST(lengths)
{
	char buf[80];
	struct burn_error e;
	size_t n;

	memset(buf, 'x', sizeof(buf));
	for (size_t len = 0; len <= 70; len++) {
		int ret = burn_client_name_check(buf, len, &n, &e);

		if (len >= 1 && len <= 63) {
			ck_assert_int_eq(ret, 0);
			ck_assert_uint_eq(n, len);
		} else {
			ck_assert_int_eq(ret, -EINVAL);
			ck_assert_int_eq(e.result, BURN_E_CLIENT_NAME_IS_NOT_VALID);
		}
	}
	refused(buf, 64, "the name is 64 bytes long; at most 63 are allowed");
	refused(buf, 0, "the name is empty; it needs 1 to 63 characters");
}
END_TEST

START_TEST(newlines)
{
	struct burn_error e;
	char buf[80];
	size_t n;

	/* one trailing newline is what echo adds: stripped */
	ck_assert_int_eq(burn_client_name_check("MyBurner\n", 9, &n, &e), 0);
	ck_assert_uint_eq(n, 8);
	memset(buf, 'y', 63);
	buf[63] = '\n';
	ck_assert_int_eq(burn_client_name_check(buf, 64, &n, &e), 0);
	ck_assert_uint_eq(n, 63);
	/* "\n" alone is the empty name */
	refused("\n", 1, "the name is empty; it needs 1 to 63 characters");
	/* a second newline is a character like any other */
	refused("x\n\n", 3,
		"byte 0x0A at position 2 is not allowed; allowed: A-Z a-z 0-9 space , - . : ; _");
	refused("two\nlines\n", 10,
		"byte 0x0A at position 4 is not allowed; allowed: A-Z a-z 0-9 space , - . : ; _");
}
END_TEST

START_TEST(messages)
{
	struct burn_error e;
	size_t n;

	refused("a/b", 3,
		"character '/' at position 2 is not allowed; allowed: A-Z a-z 0-9 space , - . : ; _");
	refused("tab\tx", 5,
		"byte 0x09 at position 4 is not allowed; allowed: A-Z a-z 0-9 space , - . : ; _");
	refused("\xc3\xa9", 2,
		"byte 0xC3 at position 1 is not allowed; allowed: A-Z a-z 0-9 space , - . : ; _");
	refused("a\0b", 3,
		"byte 0x00 at position 2 is not allowed; allowed: A-Z a-z 0-9 space , - . : ; _");
	/* the full set of punctuation is fine */
	ck_assert_int_eq(burn_client_name_check("A z,0-9.x:y;_ ", 14, &n, &e), 0);
}
END_TEST

TL_SUITE(client_name_suite, "client_name",
	 TL_CASE("validate", NULL, NULL),
	 TL_LOOP(every_byte, 0, 256),
	 TL_RUN(lengths, newlines, messages))

TL_MAIN(client_name_suite)
