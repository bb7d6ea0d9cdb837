#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "result.h"

/*
 * Order follows enum burn_result so lookups are an index; a unit test
 * checks that every row sits at its own index.
 */
static const struct burn_result_info result_table[BURN_RESULT_COUNT] = {
	{ BURN_S_OK, "S_OK", 0x00000000, 0, "success" },
	{ BURN_E_CLIENT_NAME_IS_NOT_VALID, "E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID", 0xC0AA0604, EINVAL,
	  "the client name is not valid" },
	{ BURN_E_WRITE_IN_PROGRESS, "E_IMAPI_DF2RAW_WRITE_IN_PROGRESS", 0xC0AA0600, EBUSY,
	  "a write is in progress" },
	{ BURN_E_WRITE_NOT_IN_PROGRESS, "E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS", 0xC0AA0601, EINVAL,
	  "no write is in progress" },
	{ BURN_E_MEDIA_IS_NOT_PREPARED, "E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED", 0xC0AA0602, EINVAL,
	  "the media is not prepared" },
	{ BURN_E_MEDIA_IS_PREPARED, "E_IMAPI_DF2RAW_MEDIA_IS_PREPARED", 0xC0AA0603, EBUSY,
	  "the media is prepared and not yet released" },
	{ BURN_E_MEDIA_IS_NOT_BLANK, "E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK", 0xC0AA0606, EROFS,
	  "only blank CD-R/RW media is supported" },
	{ BURN_E_MEDIA_IS_NOT_SUPPORTED, "E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED", 0xC0AA0607, EMEDIUMTYPE,
	  "only blank CD-R/RW media is supported" },
	{ BURN_E_NOT_ENOUGH_SPACE, "E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE", 0xC0AA0609, ENOSPC,
	  "the media lacks room for the session" },
	{ BURN_E_NO_RECORDER_SPECIFIED, "E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED", 0xC0AA060A, ENODEV,
	  "no recorder is selected" },
	{ BURN_E_STREAM_NOT_SUPPORTED, "E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED", 0xC0AA060D, EINVAL,
	  "the stream is not a supported raw stream" },
	{ BURN_E_DATA_BLOCK_TYPE_NOT_SUPPORTED, "E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED", 0xC0AA060E,
	  EOPNOTSUPP, "the recorder does not support the requested data block type" },
	{ BURN_E_STREAM_LEADIN_TOO_SHORT, "E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT", 0xC0AA060F, EINVAL,
	  "the stream's lead-in is too short for the current media" },
	{ BURN_E_RECORDER_NOT_SUPPORTED, "E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED", 0xC0AA0610, EOPNOTSUPP,
	  "the recorder lacks operations raw writing needs" },
	{ BURN_E_REQUEST_CANCELLED, "E_IMAPI_REQUEST_CANCELLED", 0xC0AA0002, ECANCELED,
	  "the request was cancelled" },
	{ BURN_E_LOSS_OF_STREAMING, "E_IMAPI_LOSS_OF_STREAMING", 0xC0AA0300, EIO,
	  "the drive ran out of data (buffer underrun)" },
	{ BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE, "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE", 0xC0AA0301, EIO,
	  "the drive reported an unrecoverable error" },
	{ BURN_E_MEDIA_NO_MEDIA, "E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA0202, ENOMEDIUM,
	  "there is no media in the drive" },
	{ BURN_E_MEDIA_INCOMPATIBLE, "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE", 0xC0AA0203, EMEDIUMTYPE,
	  "the media is incompatible or of an unknown type" },
	{ BURN_E_MEDIA_BECOMING_READY, "E_IMAPI_RECORDER_MEDIA_BECOMING_READY", 0xC0AA0205, EAGAIN,
	  "the drive is becoming ready; try again" },
	{ BURN_E_MEDIA_BUSY, "E_IMAPI_RECORDER_MEDIA_BUSY", 0xC0AA0207, EBUSY,
	  "the drive is busy with a long operation" },
	{ BURN_E_MEDIA_WRITE_PROTECTED, "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED", 0xC0AA0209, EROFS,
	  "the media is write protected" },
	{ BURN_E_COMMAND_TIMEOUT, "E_IMAPI_RECORDER_COMMAND_TIMEOUT", 0xC0AA020D, ETIMEDOUT,
	  "the drive did not answer in time" },
	{ BURN_E_RECORDER_LOCKED, "E_IMAPI_RECORDER_LOCKED", 0xC0AA0210, EBUSY,
	  "the recorder is held exclusively by another client" },
	{ BURN_E_OUTOFMEMORY, "E_OUTOFMEMORY", 0x8007000E, ENOMEM, "out of memory" },
	{ BURN_E_INVALIDARG, "E_INVALIDARG", 0x80070057, EINVAL, "invalid value" },
	{ BURN_E_FAIL, "E_FAIL", 0x80004005, EIO, "unspecified failure" },
	/*
	 * Beyond doc/design.md §3, for refusals of the file interface itself: opening
	 * a file against its mode, and changing the fixed tree.
	 */
	{ BURN_E_ACCESSDENIED, "E_ACCESSDENIED", 0x80070005, EACCES, "access denied" },
	{ BURN_E_NOT_SUPPORTED, "HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)", 0x80070032, EPERM,
	  "the operation is not supported on this file" },
	/*
	 * A stream (or a burn/ file) that ended before the end it declared:
	 * the writer's last close fails with EIO, so cat, cp and dd notice.
	 */
	{ BURN_E_HANDLE_EOF, "HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)", 0x80070026, EIO,
	  "the stream ended before its declared end" },
	/*
	 * A write anywhere but at a stream's end, or a seek on one: what a
	 * seek on a pipe gives on Windows, and ESPIPE here.
	 */
	{ BURN_E_SEEK_ON_DEVICE, "HRESULT_FROM_WIN32(ERROR_SEEK_ON_DEVICE)", 0x80070084, ESPIPE,
	  "a stream is written from its start to its end and cannot seek" },
	/*
	 * burnfs's own: IMAPI's raw writer does not verify. A customer
	 * HRESULT (bit 29), facility BFh: no Windows code can mean it.
	 */
	{ BURN_E_VERIFY_MISMATCH, "E_BURNFS_VERIFY_MISMATCH", 0xE0BF0001, EIO,
	  "the disc read back differs from what was written" },
};

const struct burn_result_info *
burn_result_info(enum burn_result r)
{
	if ((unsigned)r >= BURN_RESULT_COUNT)
		r = BURN_E_FAIL;
	return &result_table[r];
}

const struct burn_result_info *
burn_result_by_name(const char *name)
{
	for (size_t i = 0; i < BURN_RESULT_COUNT; i++)
		if (strcmp(result_table[i].name, name) == 0)
			return &result_table[i];
	return NULL;
}

size_t
burn_text_printable(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
		bool plain = *p >= 0x20 && *p < 0x7f;

		if (n + (plain ? 1 : 4) >= size)
			break;
		if (plain) {
			dst[n++] = (char)*p;
			continue;
		}
		dst[n++] = '\\';
		dst[n++] = 'x';
		dst[n++] = hex[*p >> 4];
		dst[n++] = hex[*p & 0xf];
	}
	dst[n] = '\0';
	return n;
}

int
burn_error_vset(struct burn_error *e, enum burn_result r, const char *fmt, va_list ap)
{
	const struct burn_result_info *info = burn_result_info(r);

	if (e) {
		char raw[BURN_REASON_MAX];

		e->result = info->result;
		vsnprintf(raw, sizeof(raw), fmt, ap);
		burn_text_printable(e->reason, sizeof(e->reason), raw);
	}
	return info->err ? -info->err : -EIO;
}

int
burn_error_set(struct burn_error *e, enum burn_result r, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = burn_error_vset(e, r, fmt, ap);
	va_end(ap);
	return ret;
}

void
burn_error_clear(struct burn_error *e)
{
	if (!e)
		return;
	e->result = BURN_S_OK;
	e->reason[0] = '\0';
}

int
burn_error_format(const struct burn_error *e, char *buf, size_t size)
{
	const struct burn_result_info *info = burn_result_info(e->result);

	return snprintf(buf, size, "%s 0x%08X: %s", info->name, (unsigned)info->hresult,
			e->reason[0] ? e->reason : info->text);
}
