/*
 * libFuzzer target: the SEND CUE SHEET parser (core/mmc/mmc-cue.c). A cue
 * sheet comes from whatever program opens the emulated recorder, so the
 * parser gets sheets of any length and content (the input, exactly those
 * bytes) and what it accepts must hold the invariants the emulator's SAO
 * path relies on; what it refuses, a drive's sense and a printable reason.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mmc-cue.h"

static struct mmc_cue cue;

static void
accepted(void)
{
	const struct mmc_cue_point *first = &cue.point[0], *last = &cue.point[cue.n_points - 1];

	fuzz_assert(cue.n_points >= 3 && cue.n_points <= MMC_CUE_MAX_ENTRIES);
	fuzz_assert(first->tno == 0 && last->tno == MMC_CUE_TNO_LEADOUT);
	fuzz_assert(cue.leadout_lba == last->lba);
	fuzz_assert(cue.first_track >= 1 && cue.first_track <= cue.last_track &&
		    cue.last_track <= 99);
	fuzz_assert(cue.point[1].lba == -150 && cue.point[1].index == 0);
	for (unsigned i = 0; i < cue.n_points; i++) {
		fuzz_assert(mmc_cue_form_known(cue.point[i].form));
		if (i > 1)
			fuzz_assert(cue.point[i].lba > cue.point[i - 1].lba);
		if (i > 0 && i + 1 < cue.n_points)
			fuzz_assert(cue.point[i].tno >= cue.first_track &&
				    cue.point[i].tno <= cue.last_track);
	}
	/* every sector of the program area falls in a track's point */
	for (int32_t lba = -150; lba < cue.leadout_lba; lba += 37) {
		int i = mmc_cue_point_of(&cue, lba);

		fuzz_assert(i >= 1 && (unsigned)i + 1 < cue.n_points);
		fuzz_assert(cue.point[i].lba <= lba && cue.point[i + 1].lba > lba);
	}
	fuzz_assert(strlen(cue.mcn) == 0 || strlen(cue.mcn) == 13);
	for (unsigned n = 0; n < 100; n++)
		fuzz_assert(strlen(cue.isrc[n]) == 0 || strlen(cue.isrc[n]) == 12);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct mmc_sense_code sense;
	char why[200];

	if (!buf)
		abort();
	memcpy(buf, data, size);
	if (mmc_cue_parse(buf, size, &cue, &sense, why, sizeof(why)) == 0) {
		accepted();
	} else {
		fuzz_assert(sense.key == 0x05 && (sense.asc == 0x26 || sense.asc == 0x1a) &&
			    sense.ascq == 0);
		fuzz_assert(why[0] != '\0' && strlen(why) < sizeof(why));
		for (const char *p = why; *p; p++)
			fuzz_assert(*p >= 0x20 && *p < 0x7f);
	}
	free(buf);
	return 0;
}
