/*
 * Private to core/cd/cd-*.c and their tests: the implementations behind
 * cd_edc(), each callable on its own so a test can compare them whatever
 * the processor running it has. Not part of core/'s interface.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cd_edc() by lookup tables (slicing by 8): any processor. The caller keeps @buf. */
uint32_t cd_edc_table(const uint8_t *buf, size_t len);

/*
 * True when cd_edc() folds by carry-less multiply: an x86-64 build on a
 * processor with PCLMULQDQ and SSE4.1.
 */
bool cd_edc_clmul_usable(void);

/*
 * cd_edc() by carry-less multiply (runs under 16 bytes by the tables), or,
 * where cd_edc_clmul_usable() is false, cd_edc_table(). The caller keeps @buf.
 */
uint32_t cd_edc_clmul(const uint8_t *buf, size_t len);
