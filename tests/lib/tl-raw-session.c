#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "cd-sector.h"
#include "tl-raw-session.h"

/*
 * Lead-in Q frame @k of the cycle A0 A1 A2, the track, and B0 (mode 5)
 * when a session may follow, each entry three times in a row.
 */
static void
leadin_q(const struct tl_raw_session *s, int32_t lba, unsigned k, uint8_t *q)
{
	unsigned entries = s->next ? 5 : 4, e = (k / 3) % entries;
	uint8_t pf[3] = { 0 };

	switch (e) {
	case 0:
	case 1:
		pf[0] = cd_to_bcd(s->track);	/* A0 first, A1 last track; disc type 00 */
		subq_build_toc(q, SUBQ_CONTROL_DATA, e == 0 ? 0xa0 : 0xa1, lba, pf);
		return;
	case 2:
		subq_put_msf(pf, s->leadout);
		subq_build_toc(q, SUBQ_CONTROL_DATA, 0xa2, lba, pf);
		return;
	case 3:
		subq_put_msf(pf, s->start);
		subq_build_toc(q, SUBQ_CONTROL_DATA, subq_point_track(s->track), lba, pf);
		return;
	default:
		/* B0: the next program area, one mode-5 pointer (itself), the last lead-out */
		memset(q, 0, SUBQ_SIZE);
		q[0] = SUBQ_CONTROL_DATA << 4 | 5;
		q[2] = 0xb0;
		subq_put_msf(q + 3, s->next);
		q[6] = 1;
		subq_put_msf(q + 7, s->last_leadout);
		subq_set_crc(q);
		return;
	}
}

void
tl_raw_session_sector(const struct tl_raw_session *s, int32_t lba, const uint8_t *data,
		      uint8_t *out)
{
	static const uint8_t zeros[CD_DATA_SIZE];
	uint8_t q[SUBQ_SIZE];
	bool p = false;

	if (lba < s->pregap) {
		memset(out, 0, CD_MAIN_SIZE);
		leadin_q(s, lba, (unsigned)(lba - s->leadin), q);
	} else {
		bool track = lba >= s->start && lba < s->leadout;

		cd_sector_encode_mode1(out, lba, track ? data : zeros);
		cd_sector_scramble(out);
		if (lba < s->start) {
			p = true;
			subq_build_position(q, SUBQ_CONTROL_DATA, s->track, 0, s->start - lba, lba);
		} else if (lba < s->leadout) {
			subq_build_position(q, SUBQ_CONTROL_DATA, s->track, 1, lba - s->start, lba);
		} else {
			subq_build_position(q, SUBQ_CONTROL_DATA, SUBQ_TNO_LEADOUT, 1,
					    lba - s->leadout, lba);
		}
	}
	subchannel_encode(CD_SECTOR_RAW, out + CD_MAIN_SIZE, q, p);
}
