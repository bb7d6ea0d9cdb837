#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-cdtext.h"
#include "mmc-read.h"
#include "recorder-disc.h"
#include "subchannel.h"

/* Q frames read per command while looking for the start of a pre-gap. */
#define PREGAP_SCAN 150

/* READ TOC of the format *@arg for recorder_read_reply(). */
static void
build_toc(struct mmc_cmd *cmd, void *buf, uint16_t len, void *arg)
{
	mmc_build_read_toc(cmd, *(const uint8_t *)arg, false, 0, buf, len);
}

/*
 * The packs READ TOC format 5 gives, by sequence number, into @packs;
 * @have[i] tells whether pack i came. Returns the number of packs (0
 * without text or without the command), or -ENOMEM.
 */
static int
read_packs(struct recorder *r, uint8_t (*packs)[CDTEXT_PACK_SIZE], bool *have)
{
	static const uint8_t format = 5;
	const size_t size = 4 + CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE;
	uint8_t *buf = malloc(size);
	struct burn_error ignored;
	int n, count = 0;

	memset(have, 0, CDTEXT_MAX_PACKS * sizeof(*have));
	if (!buf)
		return -ENOMEM;
	n = recorder_read_reply(r, build_toc, (void *)&format, buf, size, &ignored);
	for (int off = 4; n > 0 && off + CDTEXT_PACK_SIZE <= n; off += CDTEXT_PACK_SIZE) {
		uint8_t seq = buf[off + 2];	/* packs may come in any order */

		memcpy(packs[seq], buf + off, CDTEXT_PACK_SIZE);
		count += !have[seq];
		have[seq] = true;
	}
	free(buf);
	return count;
}

/*
 * The disc's CD-TEXT (READ TOC format 5) into @toc's titles and
 * performers; a drive without it, or a disc without text, leaves them "".
 */
static void
read_cdtext(struct recorder *r, struct image_toc *toc)
{
	uint8_t (*packs)[CDTEXT_PACK_SIZE] = malloc(CDTEXT_MAX_PACKS * CDTEXT_PACK_SIZE);
	bool have[CDTEXT_MAX_PACKS];

	if (packs && read_packs(r, packs, have) > 0)
		image_cdtext_parse((const uint8_t (*)[CDTEXT_PACK_SIZE])packs, have, toc);
	free(packs);
}

int
recorder_disc_cdtext(struct recorder *r, uint8_t (*packs)[CDTEXT_PACK_SIZE])
{
	bool have[CDTEXT_MAX_PACKS];
	int n = read_packs(r, packs, have), run = 0;

	while (n > 0 && run < CDTEXT_MAX_PACKS && have[run])
		run++;
	return n < 0 ? n : run;
}

/* READ CD of the formatted Q of [@from, @from + @n) into @q (16 bytes each). */
static int
read_q(struct recorder *r, int32_t from, uint32_t n, uint8_t *q, struct burn_error *err)
{
	struct mmc_cmd cmd;
	int ret;

	mmc_build_read_cd(&cmd, MMC_READ_CD_ANY, from, n, 0, q, n * MMC_READ_CD_SUB_Q_SIZE);
	mmc_read_cd_set_sub(&cmd, MMC_READ_CD_SUB_Q);
	ret = recorder_exec(r, &cmd, err);
	if (ret < 0)
		return ret;
	return cmd.xfer == n * MMC_READ_CD_SUB_Q_SIZE ? 0 : -EPROTO;
}

/*
 * Orange Book: a later session's program area starts after the lead-out
 * before it (6750 sectors after the first session, 2250 after a later
 * one) and its own lead-in (4500).
 */
#define SESSION_GAP_FIRST (6750 + 4500)
#define SESSION_GAP_LATER (2250 + 4500)

/*
 * Where track @t's pre-gap starts: the first of the sectors before its
 * start whose Q says track @t, index 00 (frames of other modes, MCN and
 * ISRC, are passed over). Never before the previous track's start, nor,
 * for the first track of a session, before its program area.
 */
static int32_t
pregap_start(struct recorder *r, const struct image_toc *toc, unsigned t)
{
	const struct image_toc_track *prev = &toc->track[t - 1];
	int32_t gap = prev->session == 1 ? SESSION_GAP_FIRST : SESSION_GAP_LATER;
	int32_t floor = prev->session == toc->track[t].session ? prev->start_lba + 1
							       : prev->end_lba + gap;
	int32_t at = toc->track[t].start_lba;
	uint8_t q[PREGAP_SCAN * MMC_READ_CD_SUB_Q_SIZE];
	struct burn_error ignored;

	while (at > floor) {
		int32_t from = at - PREGAP_SCAN < floor ? floor : at - PREGAP_SCAN;

		if (read_q(r, from, (uint32_t)(at - from), q, &ignored) < 0)
			return at;
		for (int32_t lba = at - 1; lba >= from; lba--) {
			struct subq s;

			if (subq_parse(q + (size_t)(lba - from) * MMC_READ_CD_SUB_Q_SIZE, &s) < 0 ||
			    s.adr != SUBQ_ADR_POSITION)
				continue;
			if (s.tno != t || s.index != 0)
				return lba + 1;
		}
		at = from;
	}
	return at;
}

/* Q frames looked at, from a sector on, for one that gives its index. */
#define INDEX_WINDOW 8

/*
 * The first (@last: the last) Q position frame of track @t in [@lba,
 * @end), at most INDEX_WINDOW sectors (MCN and ISRC frames are passed
 * over): its index and its LBA in *@at; -1 when there is none or the read
 * fails.
 */
static int
index_at(struct recorder *r, unsigned t, int32_t lba, int32_t end, bool last, int32_t *at)
{
	uint8_t q[INDEX_WINDOW * MMC_READ_CD_SUB_Q_SIZE];
	uint32_t n = end - lba < INDEX_WINDOW ? (uint32_t)(end - lba) : INDEX_WINDOW;
	struct burn_error ignored;
	int found = -1;

	if (n == 0 || read_q(r, lba, n, q, &ignored) < 0)
		return -1;
	for (uint32_t i = 0; i < n && (found < 0 || last); i++) {
		struct subq s;

		if (subq_parse(q + i * MMC_READ_CD_SUB_Q_SIZE, &s) < 0 ||
		    s.adr != SUBQ_ADR_POSITION || s.tno != t)
			continue;
		*at = lba + (int32_t)i;
		found = s.index;
	}
	return found;
}

/*
 * Track @t's indexes past 01 from its Q sub-channel: the index of the
 * track's last frames is the highest, and each index's start is found by
 * bisection, as indexes only grow within a track: a few reads per index,
 * not a read of the track. A frame that cannot be read stops the search
 * with the indexes found so far.
 */
static void
find_indexes(struct recorder *r, struct image_toc_track *tr, unsigned t)
{
	int32_t end = tr->end_lba, at;
	int32_t from = end - INDEX_WINDOW > tr->start_lba ? end - INDEX_WINDOW : tr->start_lba;
	int top = index_at(r, t, from, end, true, &at);

	for (int k = 2; k <= top && k <= IMAGE_MAX_INDEX; k++) {
		/* index < k at lo, >= k at hi */
		int32_t lo = tr->index_lba[k - 1], hi = end - 1;

		while (hi - lo > 1) {
			int i = index_at(r, t, lo + (hi - lo) / 2, hi, false, &at);

			if (i < 0)
				return;
			if (i >= k)
				hi = at;
			else
				lo = at;
		}
		tr->index_lba[k] = hi;
		tr->index_count = (unsigned)k;
	}
}

/*
 * Each data track's mode (1, or 2 for CD-ROM XA) from the header of its
 * first sector (READ CD, header only); a drive that does not answer
 * leaves Mode 1.
 */
static void
read_modes(struct recorder *r, struct image_toc *toc)
{
	for (unsigned t = toc->first_track; t <= toc->last_track; t++) {
		struct image_toc_track *tr = &toc->track[t];
		struct burn_error ignored;
		uint8_t header[4] = { 0 };
		struct mmc_cmd cmd;

		if (!image_toc_track_is_data(tr))
			continue;
		tr->mode = 1;
		mmc_build_read_cd(&cmd, MMC_READ_CD_ANY, tr->start_lba, 1, MMC_READ_CD_HEADER,
				  header, sizeof(header));
		if (recorder_exec(r, &cmd, &ignored) == 0 && cmd.xfer == sizeof(header) &&
		    header[3] == 2)
			tr->mode = 2;
	}
}

/* READ SUB-CHANNEL of @format (@track for an ISRC) into @buf (24 bytes). */
static int
read_sub_channel(struct recorder *r, uint8_t format, uint8_t track, uint8_t *buf)
{
	struct burn_error ignored;
	struct mmc_cmd cmd;
	int ret;

	memset(buf, 0, 24);
	mmc_build_read_sub_channel(&cmd, format, track, buf, 24);
	ret = recorder_exec(r, &cmd, &ignored);
	return ret < 0 ? ret : (int)cmd.xfer;
}

/* The MCN and ISRCs, where the drive gives them: numbers are extras, never failures. */
static void
read_numbers(struct recorder *r, struct image_toc *toc)
{
	uint8_t buf[24];
	struct mmc_mcn mcn;
	int n;

	n = read_sub_channel(r, MMC_SUBQ_MCN, 0, buf);
	if (n > 0 && mmc_parse_mcn(buf, (size_t)n, &mcn) == 0 && mcn.valid)
		snprintf(toc->mcn, sizeof(toc->mcn), "%s", mcn.number);
	for (unsigned t = toc->first_track; t <= toc->last_track; t++) {
		struct mmc_isrc isrc;

		if (image_toc_track_is_data(&toc->track[t]))
			continue;
		n = read_sub_channel(r, MMC_SUBQ_ISRC, (uint8_t)t, buf);
		if (n > 0 && mmc_parse_isrc(buf, (size_t)n, &isrc) == 0 && isrc.valid)
			snprintf(toc->track[t].isrc, sizeof(toc->track[t].isrc), "%s", isrc.code);
	}
}

/* READ TRACK INFORMATION of track number *@arg for recorder_read_reply(). */
static void
build_track_info(struct mmc_cmd *cmd, void *buf, uint16_t len, void *arg)
{
	mmc_build_read_track_info(cmd, 1, *(const unsigned *)arg, buf, len);
}

/*
 * The sessions of a multi-session disc (READ TRACK INFORMATION of each
 * track): each track's session, and the end of the last track of a
 * session where the drive says (its size), not at the next session's
 * pre-gap after the lead-out and lead-in in between. A disc of one
 * session (or a drive that does not say) keeps session 0 everywhere, as
 * the encoder makes its TOC.
 */
static void
read_sessions(struct recorder *r, struct image_toc *toc)
{
	struct burn_error ignored;
	uint32_t size[IMAGE_MAX_TRACKS + 1] = { 0 };
	uint8_t buf[36];
	bool several = false;

	for (unsigned t = toc->first_track; t <= toc->last_track; t++) {
		struct mmc_track_info ti;
		int n = recorder_read_reply(r, build_track_info, &t, buf, sizeof(buf), &ignored);

		if (n < 0 || mmc_parse_track_info(buf, (size_t)n, &ti) < 0 || ti.track != t ||
		    ti.session < 1 || ti.session > IMAGE_MAX_TRACKS ||
		    (t > toc->first_track && ti.session < toc->track[t - 1].session)) {
			several = false;
			break;
		}
		toc->track[t].session = (uint8_t)ti.session;
		size[t] = ti.size;
		several = several || ti.session > 1;
	}
	for (unsigned t = toc->first_track; t <= toc->last_track; t++) {
		struct image_toc_track *tr = &toc->track[t];

		if (!several) {
			tr->session = 0;
			continue;
		}
		/* a drive that gives no size: the session ends where the next starts */
		if (t < toc->last_track && toc->track[t + 1].session != tr->session) {
			int32_t next = toc->track[t + 1].start_lba;

			tr->end_lba = size[t] && tr->start_lba + (int64_t)size[t] < next
				    ? tr->start_lba + (int32_t)size[t] : next;
		}
	}
}

/* @toc from a READ TOC format-0 reply; -EPROTO when the tracks are not in order. */
static int
toc_from_reply(const struct mmc_toc *m, struct image_toc *toc, struct burn_error *err)
{
	toc->first_track = m->first_track;
	toc->last_track = m->last_track;
	if (m->first_track < 1 || m->last_track < m->first_track ||
	    m->last_track > IMAGE_MAX_TRACKS ||
	    m->n_entries != (size_t)(m->last_track - m->first_track) + 2)
		return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
				      "READ TOC: the drive listed tracks %u to %u in %zu entries",
				      m->first_track, m->last_track, m->n_entries);
	for (size_t i = 0; i < m->n_entries; i++) {
		const struct mmc_toc_entry *e = &m->entries[i];
		bool leadout = i + 1 == m->n_entries;
		unsigned t = m->first_track + (unsigned)i;

		if (leadout ? e->track != 0xaa : e->track != t)
			return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
					      "READ TOC: entry %zu is track %u, expected %u", i,
					      e->track, leadout ? 0xaa : t);
		if (i > 0 && e->lba <= m->entries[i - 1].lba)
			return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
					      "READ TOC: track %u starts at LBA %d, not after LBA %d",
					      e->track, e->lba, m->entries[i - 1].lba);
		if (leadout) {
			toc->leadout_lba = e->lba;
			break;
		}
		toc->track[t].control = e->control;
		toc->track[t].start_lba = toc->track[t].pregap_lba = e->lba;
		toc->track[t].index_count = 1;
		toc->track[t].index_lba[1] = e->lba;
	}
	return 0;
}

int
recorder_disc_toc(struct recorder *r, struct image_toc *toc, struct burn_error *err)
{
	static const uint8_t toc_format = 0;
	uint8_t buf[4 + 8 * (MMC_MAX_TOC + 1)];
	struct recorder_media m;
	struct mmc_toc mt;
	int n, ret;

	memset(toc, 0, sizeof(*toc));
	ret = recorder_media(r, &m, err);
	if (ret < 0)
		return ret;
	if (!m.present || m.status == MMC_DISC_EMPTY)
		return 0;
	n = recorder_read_reply(r, build_toc, (void *)&toc_format, buf, sizeof(buf), err);
	if (n < 0)
		/* an unfinished disc has no table of contents to read: nothing to show */
		return m.status == MMC_DISC_COMPLETE ? n : 0;
	if (mmc_parse_toc(buf, (size_t)n, &mt) < 0)
		return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
				      "READ TOC: a reply of %d bytes without its track descriptors", n);
	ret = toc_from_reply(&mt, toc, err);
	if (ret < 0) {
		memset(toc, 0, sizeof(*toc));
		return ret;
	}
	/* first the sessions: the last track of each ends before the next session's pre-gap */
	read_sessions(r, toc);
	for (unsigned t = toc->first_track + 1; t <= toc->last_track; t++)
		toc->track[t].pregap_lba = toc->track[t].index_lba[0] = pregap_start(r, toc, t);
	toc->track[toc->first_track].index_lba[0] = toc->track[toc->first_track].start_lba;
	for (unsigned t = toc->first_track; t <= toc->last_track; t++)
		if (t == toc->last_track || toc->track[t + 1].session == toc->track[t].session)
			toc->track[t].end_lba = t < toc->last_track ? toc->track[t + 1].pregap_lba
								    : toc->leadout_lba;
	for (unsigned t = toc->first_track; t <= toc->last_track; t++)
		find_indexes(r, &toc->track[t], t);
	read_modes(r, toc);
	read_numbers(r, toc);
	read_cdtext(r, toc);
	return 1;
}

size_t
recorder_read_form_size(enum recorder_read_form form)
{
	switch (form) {
	case RECORDER_READ_USER_DATA:
		return CD_DATA_SIZE;
	case RECORDER_READ_MAIN:
		return CD_MAIN_SIZE;
	case RECORDER_READ_MAIN_SUB:
	default:
		return CD_MAIN_SIZE + SUBCHANNEL_PW_SIZE;
	}
}

/* One command for @count sectors from @lba. */
static int
read_once(struct recorder *r, int32_t lba, uint32_t count, enum recorder_read_form form,
	  uint8_t *buf, struct burn_error *err)
{
	size_t len = count * recorder_read_form_size(form);
	struct mmc_cmd cmd;
	int ret;

	if (form == RECORDER_READ_USER_DATA) {
		mmc_build_read10(&cmd, lba, (uint16_t)count, buf, len);
	} else {
		/* all headers: a Mode 2 sector's sub-header is part of its 2352 bytes */
		mmc_build_read_cd(&cmd, MMC_READ_CD_ANY, lba, count,
				  MMC_READ_CD_SYNC | MMC_READ_CD_ALL_HEADERS | MMC_READ_CD_USER_DATA |
				  MMC_READ_CD_EDC_ECC, buf, len);
		if (form == RECORDER_READ_MAIN_SUB)
			mmc_read_cd_set_sub(&cmd, MMC_READ_CD_SUB_RAW);
	}
	ret = recorder_exec(r, &cmd, err);
	if (ret < 0)
		return ret;
	if (cmd.xfer != len)
		return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
				      "%s of %u sectors at LBA %d returned %zu bytes, not %zu",
				      form == RECORDER_READ_USER_DATA ? "READ(10)" : "READ CD",
				      count, lba, cmd.xfer, len);
	return 0;
}

int
recorder_disc_read(struct recorder *r, int32_t lba, uint32_t count,
		   enum recorder_read_form form, uint8_t *buf, struct burn_error *err)
{
	size_t size = recorder_read_form_size(form);
	int ret = 0;

	if (count == 0 || count > RECORDER_DISC_READ_MAX)
		return burn_error_set(err, BURN_E_INVALIDARG,
				      "a read of %u sectors: 1 to %u are read at a time", count,
				      RECORDER_DISC_READ_MAX);
	if (read_once(r, lba, count, form, buf, err) == 0)
		return (int)count;
	/* sector by sector, so that what comes before a bad one is still read */
	for (uint32_t i = 0; i < count; i++) {
		for (int tries = 0; tries < RECORDER_DISC_READ_TRIES; tries++) {
			ret = read_once(r, lba + (int32_t)i, 1, form, buf + i * size, err);
			if (ret == 0 || ret == -ENOMEDIUM)
				break;
		}
		if (ret < 0)
			return i > 0 ? (int)i : ret;
	}
	return (int)count;
}
