/* Checks of the emulated recorder's answers, shared by its test suites. */
#pragma once

#include <stdint.h>

#include "emu.h"
#include "mmc.h"

/* Runs @cmd on @d and checks the sense @key/@asc/@ascq (key and asc 0: GOOD). */
void expect(struct emu_drive *d, struct mmc_cmd *cmd, uint8_t key, uint8_t asc, uint8_t ascq);

/* Runs @cmd on @d and checks it answered GOOD. */
void good(struct emu_drive *d, struct mmc_cmd *cmd);
