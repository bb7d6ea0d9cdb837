/*
 * Private to core/cd/cd-*.c and their tests: the implementations behind
 * cd_edc(), each callable on its own so a test can compare them whatever
 * the processor running it has. Not part of core/'s interface.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* cd_edc() by lookup tables (slicing by 8): any processor. The caller keeps @buf. */
uint32_t cd_edc_table(const uint8_t *buf, size_t len);
