/* The result table against doc/design.md §3, row by row. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "result.h"
#include "tl-harness.h"

/* The result table as README "Errors" lists it (doc/design.md §3); the code must match it. */
static const struct {
	const char *name;
	uint32_t hresult;
	int err;
} design_rows[] = {
	{ "E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID", 0xC0AA0604, EINVAL },
	{ "E_IMAPI_DF2RAW_WRITE_IN_PROGRESS", 0xC0AA0600, EBUSY },
	{ "E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS", 0xC0AA0601, EINVAL },
	{ "E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED", 0xC0AA0602, EINVAL },
	{ "E_IMAPI_DF2RAW_MEDIA_IS_PREPARED", 0xC0AA0603, EBUSY },
	{ "E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK", 0xC0AA0606, EROFS },
	{ "E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED", 0xC0AA0607, EMEDIUMTYPE },
	{ "E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE", 0xC0AA0609, ENOSPC },
	{ "E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED", 0xC0AA060A, ENODEV },
	{ "E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED", 0xC0AA060D, EINVAL },
	{ "E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED", 0xC0AA060E, EOPNOTSUPP },
	{ "E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT", 0xC0AA060F, EINVAL },
	{ "E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED", 0xC0AA0610, EOPNOTSUPP },
	{ "E_IMAPI_REQUEST_CANCELLED", 0xC0AA0002, ECANCELED },
	{ "E_IMAPI_LOSS_OF_STREAMING", 0xC0AA0300, EIO },
	{ "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE", 0xC0AA0301, EIO },
	{ "E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA0202, ENOMEDIUM },
	{ "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE", 0xC0AA0203, EMEDIUMTYPE },
	{ "E_IMAPI_RECORDER_MEDIA_BECOMING_READY", 0xC0AA0205, EAGAIN },
	{ "E_IMAPI_RECORDER_MEDIA_BUSY", 0xC0AA0207, EBUSY },
	{ "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED", 0xC0AA0209, EROFS },
	{ "E_IMAPI_RECORDER_COMMAND_TIMEOUT", 0xC0AA020D, ETIMEDOUT },
	{ "E_IMAPI_RECORDER_LOCKED", 0xC0AA0210, EBUSY },
	{ "E_OUTOFMEMORY", 0x8007000E, ENOMEM },
	{ "E_INVALIDARG", 0x80070057, EINVAL },
	{ "E_FAIL", 0x80004005, EIO },
};

START_TEST(design_row)
{
	const struct burn_result_info *info = burn_result_by_name(design_rows[_i].name);

	ck_assert_msg(info != NULL, "%s missing from the table", design_rows[_i].name);
	ck_assert_uint_eq(info->hresult, design_rows[_i].hresult);
	ck_assert_int_eq(info->err, design_rows[_i].err);
	ck_assert_ptr_nonnull(info->text);
	ck_assert_int_ne(info->err, ENOSYS);
}
END_TEST

START_TEST(rows_at_their_index)
{
	for (int r = 0; r < BURN_RESULT_COUNT; r++) {
		const struct burn_result_info *info = burn_result_info((enum burn_result)r);

		ck_assert_int_eq(info->result, r);
		ck_assert_ptr_eq(burn_result_by_name(info->name), info);
		for (int o = 0; o < r; o++)
			ck_assert_uint_ne(burn_result_info((enum burn_result)o)->hresult,
					  info->hresult);
	}
	/* out of range falls back to E_FAIL instead of reading past the table */
	ck_assert_str_eq(burn_result_info(BURN_RESULT_COUNT)->name, "E_FAIL");
	ck_assert_str_eq(burn_result_info((enum burn_result)-1)->name, "E_FAIL");
	ck_assert_ptr_null(burn_result_by_name("E_NO_SUCH_THING"));
}
END_TEST

START_TEST(error_set_and_format)
{
	struct burn_error e;
	char line[512];

	ck_assert_int_eq(burn_error_set(&e, BURN_E_MEDIA_IS_NOT_BLANK, "disc %d", 7), -EROFS);
	burn_error_format(&e, line, sizeof(line));
	ck_assert_str_eq(line, "E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK 0xC0AA0606: disc 7");
	ck_assert_int_eq(burn_error_set(&e, BURN_E_OUTOFMEMORY, "%s", ""), -ENOMEM);
	burn_error_format(&e, line, sizeof(line));
	ck_assert_str_eq(line, "E_OUTOFMEMORY 0x8007000E: out of memory");
	/* a NULL record still yields the errno */
	ck_assert_int_eq(burn_error_set(NULL, BURN_E_RECORDER_LOCKED, "x"), -EBUSY);
	burn_error_clear(&e);
	ck_assert_int_eq(e.result, BURN_S_OK);
}
END_TEST

/* Beyond doc/design.md §3: a stream that ends before its declared end fails with EIO (issue 8). */
START_TEST(handle_eof_row)
{
	const struct burn_result_info *info =
		burn_result_by_name("HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)");

	ck_assert_ptr_nonnull(info);
	ck_assert_uint_eq(info->hresult, 0x80070026);
	ck_assert_int_eq(info->err, EIO);
	ck_assert_int_eq(info->result, BURN_E_HANDLE_EOF);
}
END_TEST

/* A seek on a stream, or a write not at its end: ESPIPE through the table, like every result. */
START_TEST(seek_on_device_row)
{
	const struct burn_result_info *info =
		burn_result_by_name("HRESULT_FROM_WIN32(ERROR_SEEK_ON_DEVICE)");
	struct burn_error e;
	char line[512];

	ck_assert_ptr_nonnull(info);
	ck_assert_uint_eq(info->hresult, 0x80070084);
	ck_assert_int_eq(info->err, ESPIPE);
	ck_assert_int_eq(info->result, BURN_E_SEEK_ON_DEVICE);
	ck_assert_int_eq(burn_error_set(&e, BURN_E_SEEK_ON_DEVICE, "at %d", 4096), -ESPIPE);
	burn_error_format(&e, line, sizeof(line));
	ck_assert_str_eq(line, "HRESULT_FROM_WIN32(ERROR_SEEK_ON_DEVICE) 0x80070084: at 4096");
}
END_TEST

static Suite *
result_suite(void)
{
	Suite *s = suite_create("result");
	TCase *tc = tl_tcase_in(s, "table", NULL, NULL);

	tcase_add_loop_test(tc, design_row, 0, sizeof(design_rows) / sizeof(design_rows[0]));
	TL_TESTS(tc, rows_at_their_index, error_set_and_format, handle_eof_row, seek_on_device_row);
	return s;
}

TL_MAIN(result_suite)
