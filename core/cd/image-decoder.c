#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "image-cdtext.h"
#include "image-decoder.h"

#define ADR_MODE5 5	/* multi-session pointers; tolerated in the lead-in */
/* A TOC repeats within 3 * (3 + 99) sectors; twice that without one valid entry is no TOC. */
#define LEADIN_NO_TOC_LIMIT 612

struct image_decoder {
	enum cd_sector_type type;
	unsigned sector_size;
	int32_t first_lba;
	int32_t program_lba;		/* the session's first pre-gap: where its lead-in ends */
	unsigned leadout_sectors;	/* the session's lead-out length */
	int32_t next_lba;
	int32_t first_fed_lba;
	bool started;

	/* lead-in collection */
	bool seen_first, seen_last, seen_leadout;
	bool seen_point[IMAGE_MAX_TRACKS + 1];
	uint8_t point_control[IMAGE_MAX_TRACKS + 1];
	uint8_t first_last_control[2];
	unsigned first_track, last_track;
	int32_t leadout_lba;
	int32_t point_lba[IMAGE_MAX_TRACKS + 1];
	bool toc_complete;
	bool toc_bad;
	unsigned leadin_without_entry;	/* lead-in sectors since the last valid TOC entry */
	struct burn_error toc_error;	/* once toc_bad */

	uint8_t cdtext[CDTEXT_MAX_PACKS][CDTEXT_PACK_SIZE];
	bool cdtext_have[CDTEXT_MAX_PACKS];
	bool cdtext_parsed;

	/* program area */
	unsigned cur_track, cur_index;
	bool leadout_seen;
	bool complete;

	struct image_decoder_stats stats;
	struct image_toc toc;
};

int
image_decoder_open(struct image_decoder **out, enum cd_sector_type type,
		   unsigned lead_in_sectors, struct burn_error *err)
{
	*out = NULL;
	if (lead_in_sectors > IMAGE_MAX_LEAD_IN)
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "a lead-in of %u sectors is more than %u", lead_in_sectors,
				      IMAGE_MAX_LEAD_IN);
	return image_decoder_open_session(out, type, -(int32_t)lead_in_sectors,
					  -CD_PREGAP_FRAMES, IMAGE_LEADOUT_SECTORS, err);
}

int
image_decoder_open_session(struct image_decoder **out, enum cd_sector_type type,
			   int32_t first_lba, int32_t program_lba, unsigned leadout_sectors,
			   struct burn_error *err)
{
	struct image_decoder *dec;

	*out = NULL;
	if (type != CD_SECTOR_PQ && type != CD_SECTOR_COOKED && type != CD_SECTOR_RAW)
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "sector type %d is not 1 (pq), 2 (cooked) or 3 (raw)", type);
	/* lead-in addresses stay >= 90:00:00, the others below 100:00:00 */
	if (program_lba < -CD_PREGAP_FRAMES ||
	    program_lba >= 100 * CD_FRAMES_PER_MINUTE - CD_PREGAP_FRAMES ||
	    (int64_t)program_lba - first_lba > IMAGE_MAX_LEAD_IN - CD_PREGAP_FRAMES ||
	    !leadout_sectors || leadout_sectors > IMAGE_LEADOUT_SECTORS)
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "a session from LBA %d, program area from %d, lead-out of %u sectors is not on a CD",
				      first_lba, program_lba, leadout_sectors);
	dec = calloc(1, sizeof(*dec));
	if (!dec)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a stream decoder");
	dec->type = type;
	dec->sector_size = cd_sector_type_size(type);
	dec->first_lba = first_lba;
	dec->program_lba = program_lba;
	dec->leadout_sectors = leadout_sectors;
	dec->next_lba = dec->first_lba;
	dec->stats.first_q_crc_lba = INT32_MIN;
	dec->stats.first_cdtext_crc_lba = INT32_MIN;
	dec->stats.first_data_error_lba = INT32_MIN;
	dec->stats.first_address_error_lba = INT32_MIN;
	*out = dec;
	return 0;
}

void
image_decoder_destroy(struct image_decoder *dec)
{
	free(dec);
}

const struct image_toc *
image_decoder_toc(const struct image_decoder *dec)
{
	return dec->toc_complete && !dec->toc_bad ? &dec->toc : NULL;
}

int
image_decoder_toc_failure(const struct image_decoder *dec, struct burn_error *err)
{
	if (!dec->toc_bad)
		return 0;
	if (err)
		*err = dec->toc_error;
	return -EBADMSG;
}

const struct image_decoder_stats *
image_decoder_stats(const struct image_decoder *dec)
{
	return &dec->stats;
}

uint64_t
image_decoder_expected_sectors(const struct image_decoder *dec)
{
	if (!image_decoder_toc(dec))
		return 0;
	return (uint64_t)(dec->toc.leadout_lba + dec->leadout_sectors -
			  (dec->started ? dec->first_fed_lba : dec->first_lba));
}

bool
image_decoder_complete(const struct image_decoder *dec)
{
	return dec->complete;
}

__attribute__((format(printf, 2, 3)))
static void
toc_fail(struct image_decoder *dec, const char *fmt, ...)
{
	va_list ap;

	if (dec->toc_bad)
		return;
	dec->toc_bad = true;
	va_start(ap, fmt);
	burn_error_vset(&dec->toc_error, BURN_E_STREAM_NOT_SUPPORTED, fmt, ap);
	va_end(ap);
}

static void
note_address_error(struct image_decoder *dec, struct image_sector *s)
{
	s->damage |= IMAGE_DAMAGE_Q_ADDRESS;
}

/* All entries seen: check them and build the TOC. */
static void
toc_finish(struct image_decoder *dec)
{
	struct image_toc *toc = &dec->toc;
	int32_t prev = -1;

	if (dec->first_track < 1 || dec->first_track > dec->last_track ||
	    dec->last_track > IMAGE_MAX_TRACKS) {
		toc_fail(dec, "lead-in TOC gives first track %u and last track %u",
			 dec->first_track, dec->last_track);
		return;
	}
	for (unsigned n = 1; n <= IMAGE_MAX_TRACKS; n++) {
		bool inside = n >= dec->first_track && n <= dec->last_track;

		if (!inside && dec->seen_point[n]) {
			toc_fail(dec, "lead-in TOC lists track %u outside tracks %u-%u", n,
				 dec->first_track, dec->last_track);
			return;
		}
		if (inside && !dec->seen_point[n])
			return;		/* not complete yet */
	}
	memset(toc, 0, sizeof(*toc));
	toc->first_track = dec->first_track;
	toc->last_track = dec->last_track;
	toc->leadout_lba = dec->leadout_lba;
	for (unsigned n = dec->first_track; n <= dec->last_track; n++) {
		struct image_toc_track *t = &toc->track[n];

		if (dec->point_lba[n] <= prev || dec->point_lba[n] < 0 ||
		    (n == dec->first_track && dec->point_lba[n] <= dec->program_lba)) {
			toc_fail(dec, "lead-in TOC: track %u starts at LBA %d, not after the previous track",
				n, dec->point_lba[n]);
			return;
		}
		prev = dec->point_lba[n];
		t->control = dec->point_control[n];
		t->start_lba = dec->point_lba[n];
		t->pregap_lba = n == dec->first_track ? dec->program_lba : t->start_lba;
		t->index_lba[0] = t->pregap_lba;
		t->index_lba[1] = t->start_lba;
		t->index_count = 1;
		if (n > dec->first_track)
			toc->track[n - 1].end_lba = t->start_lba;
	}
	if (dec->leadout_lba <= prev) {
		toc_fail(dec, "lead-in TOC: lead-out at LBA %d is not after the last track",
			 dec->leadout_lba);
		return;
	}
	toc->track[dec->last_track].end_lba = dec->leadout_lba;
	dec->toc_complete = true;
}

/* Keeps a TOC entry's value; false when an earlier copy of it said otherwise. */
static bool
toc_note_track(bool *seen, unsigned *have, unsigned value)
{
	if (*seen && *have != value)
		return false;
	*seen = true;
	*have = value;
	return true;
}

static bool
toc_note_lba(bool *seen, int32_t *have, int32_t value)
{
	if (*seen && *have != value)
		return false;
	*seen = true;
	*have = value;
	return true;
}

static void
leadin_q(struct image_decoder *dec, struct image_sector *s)
{
	struct subq q;
	int32_t lba;

	if (subq_parse(s->q, &q) < 0 || q.adr != SUBQ_ADR_POSITION) {
		if (q.adr == ADR_MODE5)
			return;
		s->damage |= IMAGE_DAMAGE_Q_FORMAT;
		toc_fail(dec, "lead-in sector at LBA %d carries a Q frame that is not a TOC entry (ADR %u)",
			s->lba, q.adr);
		return;
	}
	if (q.tno != SUBQ_TNO_LEADIN) {
		s->damage |= IMAGE_DAMAGE_Q_FORMAT;
		toc_fail(dec, "lead-in sector at LBA %d carries a Q frame of track %02x, not a TOC entry",
			s->lba, s->q[1]);
		return;
	}
	switch (q.point) {
	case SUBQ_POINT_FIRST_TRACK:
		if (!toc_note_track(&dec->seen_first, &dec->first_track, q.p[0]))
			goto out_conflict;
		break;
	case SUBQ_POINT_LAST_TRACK:
		if (!toc_note_track(&dec->seen_last, &dec->last_track, q.p[0]))
			goto out_conflict;
		break;
	case SUBQ_POINT_LEADOUT:
		lba = cd_msf_to_lba(q.p[0], q.p[1], q.p[2]);
		if (!toc_note_lba(&dec->seen_leadout, &dec->leadout_lba, lba))
			goto out_conflict;
		break;
	default: {
		unsigned n = cd_from_bcd(q.point);

		if (q.point > 0x99 || n == 0) {
			/* B0..C0 and the like belong to multi-session discs */
			return;
		}
		lba = cd_msf_to_lba(q.p[0], q.p[1], q.p[2]);
		if (!toc_note_lba(&dec->seen_point[n], &dec->point_lba[n], lba))
			goto out_conflict;
		dec->point_control[n] = q.control;
		break;
	}
	}
	if (!dec->toc_complete && dec->seen_first && dec->seen_last && dec->seen_leadout) {
		toc_finish(dec);
		if (dec->toc_complete)
			s->events |= IMAGE_EVENT_TOC_COMPLETE;
	}
	return;

out_conflict:
	toc_fail(dec, "lead-in sector at LBA %d: TOC entry %02X disagrees with an earlier one",
		 s->lba, q.point);
}

/* CD-TEXT packs in R-W (bits 5-0 of the 96 P-W bytes), block 0 kept by sequence number. */
static void
leadin_cdtext(struct image_decoder *dec, const uint8_t *sub, struct image_sector *s)
{
	for (unsigned k = 0; k < 4; k++) {
		const uint8_t *rw = sub + 24 * k;
		uint8_t pack[CDTEXT_PACK_SIZE];
		unsigned any = 0;

		for (unsigned i = 0; i < 24; i++)
			any |= rw[i] & 0x3f;
		if (!any)
			continue;
		if (!image_cdtext_from_symbols(rw, pack)) {
			s->damage |= IMAGE_DAMAGE_CDTEXT_CRC;
			continue;
		}
		if ((pack[3] & 0x70) == 0 && !dec->cdtext_have[pack[2]]) {
			memcpy(dec->cdtext[pack[2]], pack, CDTEXT_PACK_SIZE);
			dec->cdtext_have[pack[2]] = true;
		}
	}
}

static void
program_q(struct image_decoder *dec, struct image_sector *s)
{
	struct image_toc *toc = &dec->toc;
	struct subq q;

	if (subq_parse(s->q, &q) < 0) {
		s->damage |= IMAGE_DAMAGE_Q_FORMAT;
		return;
	}
	if (q.adr == SUBQ_ADR_MCN) {
		if (!toc->mcn[0])
			memcpy(toc->mcn, q.mcn, sizeof(toc->mcn));
		return;
	}
	if (q.adr == SUBQ_ADR_ISRC) {
		if (dec->cur_track && !toc->track[dec->cur_track].isrc[0])
			memcpy(toc->track[dec->cur_track].isrc, q.isrc, sizeof(q.isrc));
		return;
	}
	if (q.adr != SUBQ_ADR_POSITION || q.tno == SUBQ_TNO_LEADIN) {
		s->damage |= IMAGE_DAMAGE_Q_FORMAT;
		return;
	}
	if (q.lba != s->lba)
		note_address_error(dec, s);
	if (q.tno == SUBQ_TNO_LEADOUT) {
		s->region = IMAGE_REGION_LEADOUT;
		return;
	}
	if (s->region == IMAGE_REGION_LEADOUT || q.tno < dec->cur_track ||
	    (q.tno == dec->cur_track && q.index < dec->cur_index) ||
	    (dec->toc_complete && (q.tno < toc->first_track || q.tno > toc->last_track))) {
		note_address_error(dec, s);
		return;
	}
	if (q.tno == dec->cur_track && q.index == dec->cur_index)
		return;
	if (q.tno != dec->cur_track) {
		s->events |= IMAGE_EVENT_TRACK;
		if (dec->toc_complete) {
			struct image_toc_track *t = &toc->track[q.tno];

			t->pregap_lba = q.index == 0 ? s->lba : t->start_lba;
			t->index_lba[0] = t->pregap_lba;
			if (q.tno > toc->first_track)
				toc->track[q.tno - 1].end_lba = t->pregap_lba;
		}
		dec->cur_track = q.tno;
	}
	s->events |= IMAGE_EVENT_INDEX;
	dec->cur_index = q.index;
	s->track = q.tno;
	s->index = q.index;
	if (dec->toc_complete && q.index >= 1) {
		struct image_toc_track *t = &dec->toc.track[q.tno];

		t->index_lba[q.index] = s->lba;
		if (q.index > t->index_count)
			t->index_count = q.index;
	}
}

static void
count_damage(struct image_decoder *dec, const struct image_sector *s)
{
	struct image_decoder_stats *st = &dec->stats;

	if (s->damage & IMAGE_DAMAGE_Q_CRC) {
		if (!st->q_crc_errors++)
			st->first_q_crc_lba = s->lba;
	}
	if (s->damage & (CD_DAMAGE_SYNC | CD_DAMAGE_HEADER | CD_DAMAGE_EDC | CD_DAMAGE_ECC)) {
		if (!st->data_errors++)
			st->first_data_error_lba = s->lba;
	}
	if (s->damage & IMAGE_DAMAGE_CDTEXT_CRC) {
		if (!st->cdtext_crc_errors++)
			st->first_cdtext_crc_lba = s->lba;
	}
	if (s->damage & CD_DAMAGE_EDC)
		st->edc_errors++;
	if (s->damage & CD_DAMAGE_ECC)
		st->ecc_errors++;
	if (s->damage & (CD_DAMAGE_ADDRESS | IMAGE_DAMAGE_Q_ADDRESS)) {
		if (!st->address_errors++)
			st->first_address_error_lba = s->lba;
	}
}

static int
decode(struct image_decoder *dec, int32_t lba, const uint8_t *sector, struct image_sector *s)
{
	bool was_bad = dec->toc_bad;
	bool data;

	memset(s, 0, offsetof(struct image_sector, main));
	s->lba = lba;
	dec->stats.sectors++;
	s->q_ok = subchannel_extract_q(dec->type, sector + CD_MAIN_SIZE, s->q, &s->p) == 0;
	if (!s->q_ok)
		s->damage |= IMAGE_DAMAGE_Q_CRC;

	if (lba < dec->program_lba) {
		s->region = IMAGE_REGION_LEADIN;
		if (s->q_ok)
			leadin_q(dec, s);
		if (s->q_ok && !(s->damage & IMAGE_DAMAGE_Q_FORMAT))
			dec->leadin_without_entry = 0;
		else if (++dec->leadin_without_entry == LEADIN_NO_TOC_LIMIT && !dec->toc_complete)
			toc_fail(dec, "no valid TOC entry in the %d lead-in sectors up to LBA %d",
				 LEADIN_NO_TOC_LIMIT, lba);
		if (dec->type != CD_SECTOR_PQ)
			leadin_cdtext(dec, sector + CD_MAIN_SIZE, s);
		data = cd_sector_has_sync(sector);
	} else {
		if (!dec->toc_complete)
			toc_fail(dec, "the lead-in ended at LBA %d without a complete TOC (%s%s%s)",
				lba - 1,
				 dec->seen_first ? "" : "no A0 ",
				 dec->seen_last ? "" : "no A1 ",
				 dec->seen_leadout ? "tracks missing" : "no A2");
		if (dec->toc_complete && !dec->toc_bad && !dec->cdtext_parsed) {
			image_cdtext_parse((const uint8_t (*)[CDTEXT_PACK_SIZE])dec->cdtext,
					   dec->cdtext_have, &dec->toc);
			dec->cdtext_parsed = true;
		}
		s->region = dec->toc_complete && lba >= dec->toc.leadout_lba ?
			IMAGE_REGION_LEADOUT : IMAGE_REGION_PROGRAM;
		s->track = dec->cur_track;
		s->index = dec->cur_index;
		if (s->q_ok)
			program_q(dec, s);
		if (s->region == IMAGE_REGION_LEADOUT) {
			s->track = SUBQ_TNO_LEADOUT;
			s->index = 1;
			if (!dec->leadout_seen) {
				dec->leadout_seen = true;
				s->events |= IMAGE_EVENT_LEADOUT;
				if (dec->toc_complete && lba != dec->toc.leadout_lba)
					note_address_error(dec, s);
			}
			if (dec->toc_complete &&
			    lba == (int64_t)dec->toc.leadout_lba + dec->leadout_sectors - 1) {
				dec->complete = true;
				s->events |= IMAGE_EVENT_END;
			}
		}
		if (s->q_ok)
			data = (s->q[0] >> 4) & SUBQ_CONTROL_DATA;
		else if (dec->toc_complete && s->region == IMAGE_REGION_LEADOUT)
			data = image_toc_track_is_data(&dec->toc.track[dec->toc.last_track]);
		else if (dec->toc_complete && dec->cur_track)
			data = image_toc_track_is_data(&dec->toc.track[dec->cur_track]);
		else if (dec->toc_complete)
			data = image_toc_track_is_data(&dec->toc.track[dec->toc.first_track]);
		else
			data = cd_sector_has_sync(sector);
	}

	memcpy(s->main, sector, CD_MAIN_SIZE);
	if (data) {
		s->data = true;
		cd_sector_scramble(s->main);
		if (s->main[15] == 2)
			s->damage |= cd_sector_check_mode2(s->main, &lba, NULL);
		else
			s->damage |= cd_sector_check_mode1(s->main, &lba);
		/* a data track's mode is its first sector's (index 01 on), as a drive reads it */
		if (s->region == IMAGE_REGION_PROGRAM && s->index >= 1 && s->track >= 1 &&
		    s->track <= IMAGE_MAX_TRACKS && !dec->toc.track[s->track].mode &&
		    (s->main[15] == 1 || s->main[15] == 2))
			dec->toc.track[s->track].mode = s->main[15];
	}
	if (dec->toc_bad && !was_bad) {
		s->events |= IMAGE_EVENT_TOC_BAD;
		count_damage(dec, s);
		return -EBADMSG;
	}
	count_damage(dec, s);
	return 0;
}

int
image_decoder_feed_at(struct image_decoder *dec, int32_t lba, const uint8_t *sector,
		      struct image_sector *out)
{
	if (dec->started && lba < dec->next_lba) {
		if (!dec->stats.address_errors++)
			dec->stats.first_address_error_lba = lba;
		return -EINVAL;
	}
	if (!dec->started)
		dec->first_fed_lba = lba;
	dec->started = true;
	dec->next_lba = lba + 1;
	return decode(dec, lba, sector, out);
}

int
image_decoder_feed(struct image_decoder *dec, const uint8_t *sector, struct image_sector *out)
{
	return image_decoder_feed_at(dec, dec->next_lba, sector, out);
}
