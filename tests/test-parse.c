/* Attribute value parsers. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "parse.h"
#include "tl-harness.h"

#define S(x) x, sizeof(x) - 1

START_TEST(bools)
{
	struct burn_error e;
	bool b;

	ck_assert_int_eq(burn_parse_bool(S("1\n"), &b, &e), 0);
	ck_assert(b);
	ck_assert_int_eq(burn_parse_bool(S("0"), &b, &e), 0);
	ck_assert(!b);
	ck_assert_int_eq(burn_parse_bool(S("2"), &b, &e), -EINVAL);
	ck_assert_int_eq(e.result, BURN_E_INVALIDARG);
	ck_assert_str_eq(e.reason, "expected 0 or 1");
	ck_assert_int_eq(burn_parse_bool(S("yes"), &b, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_bool(S(""), &b, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_bool(S("1\n\n"), &b, &e), -EINVAL);
}
END_TEST

START_TEST(longs)
{
	struct burn_error e;
	long v;

	ck_assert_int_eq(burn_parse_long(S("22650\n"), 0, 449999, &v, &e), 0);
	ck_assert_int_eq(v, 22650);
	ck_assert_int_eq(burn_parse_long(S("0"), 0, 10, &v, &e), 0);
	ck_assert_int_eq(burn_parse_long(S("-1"), 0, 10, &v, &e), -EINVAL);
	ck_assert_str_eq(e.reason, "expected an integer from 0 to 10");
	ck_assert_int_eq(burn_parse_long(S("11"), 0, 10, &v, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_long(S("1x"), 0, 10, &v, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_long(S(" 1"), 0, 10, &v, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_long(S(""), 0, 10, &v, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_long(S("99999999999999999999999"), 0, 10, &v, &e), -EINVAL);
}
END_TEST

START_TEST(speeds)
{
	struct burn_error e;
	long v;

	ck_assert_int_eq(burn_parse_speed(S("max\n"), &v, &e), 0);
	ck_assert_int_eq(v, -1);
	ck_assert_int_eq(burn_parse_speed(S("8x"), &v, &e), 0);
	ck_assert_int_eq(v, 600);
	ck_assert_int_eq(burn_parse_speed(S("1X"), &v, &e), 0);
	ck_assert_int_eq(v, 75);
	ck_assert_int_eq(burn_parse_speed(S("1200"), &v, &e), 0);
	ck_assert_int_eq(v, 1200);
	ck_assert_int_eq(burn_parse_speed(S("0"), &v, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_speed(S("0x"), &v, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_speed(S("x"), &v, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_speed(S("fast"), &v, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_speed(S("101x"), &v, &e), -EINVAL);
	ck_assert_int_eq(e.result, BURN_E_INVALIDARG);
	ck_assert_str_eq(e.reason,
			 "expected max, sectors per second (1 to 7500) or a multiple of 1x such as 8x");
}
END_TEST

START_TEST(sector_types)
{
	struct burn_error e;
	enum cd_sector_type t;

	ck_assert_int_eq(burn_parse_sector_type(S("pq\n"), &t, &e), 0);
	ck_assert_int_eq(t, CD_SECTOR_PQ);
	ck_assert_int_eq(burn_parse_sector_type(S("cooked"), &t, &e), 0);
	ck_assert_int_eq(t, CD_SECTOR_COOKED);
	ck_assert_int_eq(burn_parse_sector_type(S("3"), &t, &e), 0);
	ck_assert_int_eq(t, CD_SECTOR_RAW);
	ck_assert_int_eq(burn_parse_sector_type(S("4"), &t, &e), -EINVAL);
	ck_assert_int_eq(burn_parse_sector_type(S("RAW"), &t, &e), -EINVAL);
	ck_assert_str_eq(e.reason, "expected pq, cooked or raw (or 1, 2, 3)");
	ck_assert_str_eq(burn_sector_type_name(CD_SECTOR_PQ), "pq");
	ck_assert_uint_eq(cd_sector_type_size(CD_SECTOR_PQ), 2368);
	ck_assert_uint_eq(cd_sector_type_size(CD_SECTOR_RAW), 2448);
}
END_TEST

START_TEST(words)
{
	struct burn_error e;
	char w[8];

	ck_assert_int_eq(burn_parse_word(S("abc\n"), w, sizeof(w), &e), 0);
	ck_assert_str_eq(w, "abc");
	ck_assert_int_eq(burn_parse_word(S("abcdefgh"), w, sizeof(w), &e), -EINVAL);
	ck_assert_int_eq(burn_parse_word(S("a\tb"), w, sizeof(w), &e), -EINVAL);
	ck_assert_str_eq(e.reason, "byte 0x09 at position 2 is not allowed in a value");
}
END_TEST

START_TEST(msf)
{
	struct cd_msf m;

	ck_assert_int_eq(cd_msf_to_lba(95, 0, 0), -22650);
	ck_assert_int_eq(cd_msf_to_lba(97, 26, 66), -11634);
	ck_assert_int_eq(cd_msf_to_lba(0, 2, 0), 0);
	ck_assert_int_eq(cd_msf_to_lba(79, 59, 74), 359849);
	m = cd_lba_to_msf(-11634);
	ck_assert_uint_eq(m.m, 97);
	ck_assert_uint_eq(m.s, 26);
	ck_assert_uint_eq(m.f, 66);
	m = cd_lba_to_msf(-150);
	ck_assert_uint_eq(m.m + m.s + m.f, 0);
	for (int32_t lba = -22650; lba < 400000; lba += 37) {
		m = cd_lba_to_msf(lba);
		ck_assert_int_eq(cd_msf_to_lba(m.m, m.s, m.f), lba);
	}
	ck_assert_uint_eq(cd_to_bcd(59), 0x59);
	ck_assert_uint_eq(cd_from_bcd(0x74), 74);
	ck_assert(!cd_bcd_valid(0x1a));
}
END_TEST

static Suite *
parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tl_tcase_in(s, "values", NULL, NULL);

	TL_TESTS(tc, bools, longs, speeds, sector_types, words, msf);
	return s;
}

TL_MAIN(parse_suite)
