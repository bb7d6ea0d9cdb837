/*
 * Client-name rules of IOCTL_CDROM_EXCLUSIVE_ACCESS as IMAPI2's
 * put_ClientName applies them (doc/design.md §2.1, doc/reference/imapi2.md §8.2).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

/* The caller-name buffer is 64 bytes with its NUL, so 63 name bytes. */
#define BURN_CLIENT_NAME_MAX 63

/* True for the 62 alphanumerics and the seven punctuation bytes " ,-.:;_". */
bool burn_client_name_char_ok(unsigned char c);

/*
 * Validates @len bytes at @buf as written to the client_name file: one
 * trailing '\n' is dropped, then the rest must be 1..63 allowed bytes.
 * On success returns 0 and stores the name's length (without the newline)
 * in *@name_len. On failure returns -EINVAL and records
 * E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID with the first rule broken in
 * @err. Pure: reads only @buf.
 */
int burn_client_name_check(const char *buf, size_t len, size_t *name_len, struct burn_error *err);
