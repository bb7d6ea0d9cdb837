/*
 * For the libFuzzer targets that feed raw stream sectors: good CRCs for
 * what the input carries, so that mutations reach the logic behind the
 * CRC checks (the lead-in's TOC, CD-TEXT) instead of stopping at them.
 */
#pragma once

#include <stdint.h>

#include "cd.h"

/*
 * Gives the Q frame of @sector (one whole sector of @type) a good CRC and,
 * for the 96-byte sub-channel types, every non-empty CD-TEXT pack in its
 * R-W too.
 */
void fuzz_fix_crcs(enum cd_sector_type type, uint8_t *sector);
