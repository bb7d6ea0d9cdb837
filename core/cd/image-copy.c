#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cd-sector.h"
#include "image-copy.h"
#include "image-encoder.h"
#include "image-private.h"
#include "subchannel.h"

struct image_copy {
	struct image_disc disc;		/* the TOC only: no files, every sector silent */
	struct image_encoder *enc;	/* lead-in, track 1's pre-gap, lead-out */
	enum cd_sector_type type;
	int32_t first_lba;
};

/* Checks what the encoder and the copy rely on in a TOC read from a drive. */
static int
check_toc(const struct image_toc *toc, struct burn_error *err)
{
	if (toc->first_track < 1 || toc->last_track < toc->first_track ||
	    toc->last_track > IMAGE_MAX_TRACKS)
		return image_disc_fail(err, "the disc lists tracks %u to %u", toc->first_track,
				       toc->last_track);
	for (unsigned n = toc->first_track; n <= toc->last_track; n++) {
		const struct image_toc_track *t = &toc->track[n];
		int32_t floor = n == toc->first_track ? 0 : toc->track[n - 1].start_lba + 1;

		if (t->pregap_lba < floor || t->start_lba < t->pregap_lba ||
		    t->end_lba <= t->start_lba ||
		    t->end_lba != (n < toc->last_track ? toc->track[n + 1].pregap_lba
						       : toc->leadout_lba))
			return image_disc_fail(err,
					       "track %u of the disc (pre-gap at LBA %d, start %d, end %d) is out of order",
					       n, t->pregap_lba, t->start_lba, t->end_lba);
	}
	if (toc->leadout_lba + IMAGE_LEADOUT_SECTORS - 1 > IMAGE_LAST_SECTOR_OVERBURN)
		return image_disc_fail(err, "the disc's lead-out at LBA %d ends past 89:59:74",
				       toc->leadout_lba);
	return 0;
}

void
image_copy_destroy(struct image_copy *c)
{
	if (!c)
		return;
	image_encoder_destroy(c->enc);
	free(c);
}

int
image_copy_create(struct image_copy **out, const struct image_toc *toc,
		  const uint8_t (*packs)[CDTEXT_PACK_SIZE], unsigned n_packs,
		  enum cd_sector_type type, unsigned lead_in_sectors, struct burn_error *err)
{
	struct image_copy *c;
	int ret;

	*out = NULL;
	ret = check_toc(toc, err);
	if (ret < 0)
		return ret;
	c = calloc(1, sizeof(*c));
	if (!c)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the disc's copy");
	c->disc.toc = *toc;
	/* the encoder's pre-gap of track 1 is its index 00, from LBA -150 */
	c->disc.toc.track[toc->first_track].pregap_lba = -CD_PREGAP_FRAMES;
	c->disc.toc.track[toc->first_track].index_lba[0] = -CD_PREGAP_FRAMES;
	c->type = type;
	c->first_lba = -(int32_t)lead_in_sectors;
	ret = image_encoder_create(&c->enc, &c->disc, type, lead_in_sectors, err);
	if (ret == 0 && n_packs > 0 && image_encoder_set_cdtext(c->enc, packs, n_packs) < 0)
		ret = burn_error_set(err, BURN_E_STREAM_NOT_SUPPORTED,
				     "the disc's CD-TEXT has %u packs, more than %d", n_packs,
				     CDTEXT_MAX_PACKS);
	if (ret < 0) {
		image_copy_destroy(c);
		return ret;
	}
	*out = c;
	return 0;
}

uint64_t
image_copy_total_sectors(const struct image_copy *c)
{
	return image_encoder_total_sectors(c->enc);
}

int32_t
image_copy_lba(const struct image_copy *c, uint64_t index)
{
	return c->first_lba + (int32_t)index;
}

bool
image_copy_is_read(const struct image_copy *c, int32_t lba)
{
	return lba >= 0 && lba < c->disc.toc.leadout_lba;
}

/* Whether the sector at @lba is data: its Q says so, or (unreadable Q) its track. */
static bool
sector_is_data(const struct image_toc *toc, int32_t lba, const uint8_t *q, bool q_ok)
{
	unsigned n = toc->first_track;

	if (q_ok)
		return (q[0] >> 4) & SUBQ_CONTROL_DATA;
	while (n < toc->last_track && lba >= toc->track[n].end_lba)
		n++;
	return image_toc_track_is_data(&toc->track[n]);
}

int
image_copy_sector(struct image_copy *c, int32_t lba, const uint8_t *as_read, uint8_t *out,
		  struct burn_error *err)
{
	const uint8_t *raw96;
	uint8_t q[SUBQ_SIZE];
	bool p, q_ok;
	int ret;

	if (!image_copy_is_read(c, lba)) {
		/* made, not read: @as_read may be NULL */
		ret = image_encoder_sector_at(c->enc, lba, out, err);
		return ret < 0 ? ret : 0;
	}
	raw96 = as_read + CD_MAIN_SIZE;
	memcpy(out, as_read, CD_MAIN_SIZE);
	q_ok = subchannel_extract_q(CD_SECTOR_RAW, raw96, q, &p) == 0;
	if (sector_is_data(&c->disc.toc, lba, q, q_ok))
		cd_sector_scramble(out);
	if (c->type == CD_SECTOR_PQ)
		subchannel_encode(CD_SECTOR_PQ, out + CD_MAIN_SIZE, q, p);
	else
		memcpy(out + CD_MAIN_SIZE, raw96, SUBCHANNEL_PW_SIZE);
	return 0;
}
