/*
 * IMAPI2 results: the one table of doc/design.md §3 (name, HRESULT, errno, text)
 * and the error record every core call fills when it fails.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum burn_result {
	BURN_S_OK = 0,
	BURN_E_CLIENT_NAME_IS_NOT_VALID,
	BURN_E_WRITE_IN_PROGRESS,
	BURN_E_WRITE_NOT_IN_PROGRESS,
	BURN_E_MEDIA_IS_NOT_PREPARED,
	BURN_E_MEDIA_IS_PREPARED,
	BURN_E_MEDIA_IS_NOT_BLANK,
	BURN_E_MEDIA_IS_NOT_SUPPORTED,
	BURN_E_NOT_ENOUGH_SPACE,
	BURN_E_NO_RECORDER_SPECIFIED,
	BURN_E_STREAM_NOT_SUPPORTED,
	BURN_E_DATA_BLOCK_TYPE_NOT_SUPPORTED,
	BURN_E_STREAM_LEADIN_TOO_SHORT,
	BURN_E_RECORDER_NOT_SUPPORTED,
	BURN_E_REQUEST_CANCELLED,
	BURN_E_LOSS_OF_STREAMING,
	BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
	BURN_E_MEDIA_NO_MEDIA,
	BURN_E_MEDIA_INCOMPATIBLE,
	BURN_E_MEDIA_BECOMING_READY,
	BURN_E_MEDIA_BUSY,
	BURN_E_MEDIA_WRITE_PROTECTED,
	BURN_E_COMMAND_TIMEOUT,
	BURN_E_RECORDER_LOCKED,
	BURN_E_OUTOFMEMORY,
	BURN_E_INVALIDARG,
	BURN_E_FAIL,
	BURN_E_ACCESSDENIED,
	BURN_E_NOT_SUPPORTED,
	BURN_E_HANDLE_EOF,
	BURN_E_SEEK_ON_DEVICE,
	BURN_E_VERIFY_MISMATCH,
	BURN_RESULT_COUNT
};

struct burn_result_info {
	enum burn_result result;
	const char *name;	/* e.g. "E_IMAPI_DF2RAW_WRITE_IN_PROGRESS" */
	uint32_t hresult;
	int err;		/* positive errno; 0 for BURN_S_OK */
	const char *text;	/* IMAPI's message, paraphrased */
};

/* The table row of @r; never NULL (out-of-range values give E_FAIL's row). */
const struct burn_result_info *burn_result_info(enum burn_result r);

/* Looks a row up by its IMAPI name; NULL if there is none. */
const struct burn_result_info *burn_result_by_name(const char *name);

#define BURN_REASON_MAX 320

/*
 * What went wrong, as precisely as the failing layer knows it. Owned by the
 * caller (usually on its stack); core functions only write into it.
 */
struct burn_error {
	enum burn_result result;
	char reason[BURN_REASON_MAX];
};

/*
 * Records @r and a printf-style reason in @e (which may be NULL) and
 * returns the negative errno of @r, so a failing path can end with
 * `return burn_error_set(err, ...);`.
 */
int burn_error_set(struct burn_error *e, enum burn_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The same with a va_list. The reason is always one line of printable
 * ASCII: control bytes and bytes >= 0x80 (from a disc, a path, another
 * program's name) become `\xHH`, as burn_text_printable() does.
 */
int burn_error_vset(struct burn_error *e, enum burn_result r, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Copies @src into @dst (@size > 0, always NUL-terminated, cut at a whole
 * escape) with every byte below 0x20, 0x7f and every byte from 0x80 on
 * written as `\xHH`, so whatever came from outside shows as one line of
 * printable text. Backslashes are kept: escaping twice changes nothing.
 * Returns the length written.
 */
size_t burn_text_printable(char *dst, size_t size, const char *src);

/* Clears @e to "no error". */
void burn_error_clear(struct burn_error *e);

/*
 * Formats @e as `NAME 0xHRESULT: reason` (the last_error line, without a
 * newline) into @buf; returns the length snprintf would have written.
 */
int burn_error_format(const struct burn_error *e, char *buf, size_t size);
