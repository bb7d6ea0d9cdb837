/*
 * core/image-*: the encoder's whole output checked sector by sector with
 * the independent code of cd-verify.c, the decoder fed the same stream, and
 * the decoder's damage reports.
 */
#include "config.h"

#include <cdio/cdtext.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image-decoder.h"
#include "image-disc.h"
#include "image-encoder.h"
#include "tl-cd-verify.h"
#include "tl-harness.h"
#include "tl-image.h"

#define CHUNK 1000	/* odd on purpose: sectors are cut anywhere */

struct run {
	enum cd_sector_type type;
	unsigned lead_in;
	unsigned leadin_sample;		/* verify every Nth lead-in sector */
	const struct image_toc *toc;
	int src_fd;
	unsigned src_unit;		/* 2048 (ISO) or 2352 (audio .bin) */
	struct image_decoder *dec;
	struct image_sector *info;
	uint64_t sectors, mcn_frames, isrc_frames, toc_events;
	bool has_text;			/* the disc has titles/performers */
	uint8_t packs[256][18];		/* CD-TEXT packs seen, by sequence number */
	bool have[256];
	unsigned n_packs_seen;
};

/* Gathers an 18-byte pack from 24 symbols, bit by bit, independent of core/. */
static bool
pack_from_symbols(const uint8_t *rw, uint8_t *pack)
{
	memset(pack, 0, 18);
	for (unsigned bit = 0; bit < 144; bit++)
		if (rw[bit / 6] & (0x20 >> (bit % 6)))
			pack[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	return tl_verify_crc16(pack, 18) == 0x1d0f;
}

/* Check's ck_assert_* talk to the runner on every call: too slow per sector. */
#define CHECK(cond, ...) \
	do { \
		if (!(cond)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

static unsigned
bcd(unsigned v)
{
	return (v / 10) << 4 | (v % 10);
}

static void
check_msf(const uint8_t *f, int32_t lba)
{
	int32_t frames = lba >= -150 ? lba + 150 : lba + 450150;

	CHECK(f[0] == bcd((unsigned)frames / 4500) &&
		      f[1] == bcd(((unsigned)frames / 75) % 60) && f[2] == bcd((unsigned)frames % 75),
		      "LBA %d: MSF %02x:%02x:%02x", lba, f[0], f[1], f[2]);
}

/* Expected main channel of a silent (or lead-in/out) sector, unscrambled. */
static void
check_silent(const uint8_t *main, int32_t lba, bool data)
{
	if (!data) {
		for (int i = 0; i < 2352; i++)
			CHECK(main[i] == 0, "LBA %d: audio silence byte %d", lba, i);
		return;
	}
	CHECK(tl_verify_mode1(main, lba) == NULL, "LBA %d: %s", lba, tl_verify_mode1(main, lba));
	for (int i = 16; i < 2064; i++)
		CHECK((main[i]) == (0), "LBA %d: main[i] == 0", lba);
}

static const struct image_toc_track *
track_at(const struct image_toc *toc, int32_t lba, unsigned *n_out)
{
	unsigned n = toc->first_track;

	while (n < toc->last_track && lba >= toc->track[n].end_lba)
		n++;
	*n_out = n;
	return &toc->track[n];
}

static void
check_sector(struct run *r, int32_t lba, const uint8_t *sector)
{
	const struct image_toc *toc = r->toc;
	unsigned size = cd_sector_type_size(r->type), n_entries = 3 + toc->last_track;
	uint8_t q[12], main[2352];
	bool p;

	tl_verify_extract_q(sector + 2352, size - 2352, q, &p);
	CHECK(tl_verify_q_crc(q), "LBA %d: Q CRC", lba);
	if (r->type != CD_SECTOR_PQ && r->has_text && lba < -150) {
		for (unsigned k = 0; k < 4; k++) {
			uint8_t pack[18];

			CHECK(pack_from_symbols(sector + 2352 + 24 * k, pack),
			      "LBA %d: CD-TEXT pack %u CRC", lba, k);
			if (!r->have[pack[2]]) {
				r->have[pack[2]] = true;
				memcpy(r->packs[pack[2]], pack, 18);
				r->n_packs_seen++;
			} else {
				CHECK(memcmp(r->packs[pack[2]], pack, 18) == 0,
				      "LBA %d: CD-TEXT pack %u changed", lba, pack[2]);
			}
		}
	} else if (r->type != CD_SECTOR_PQ) {
		for (int i = 0; i < 96; i++)
			CHECK((sector[2352 + i] & 0x3f) == 0, "LBA %d: R-W byte %d", lba, i);
	}
	memcpy(main, sector, sizeof(main));

	if (lba < -150) {
		unsigned k = (unsigned)((lba + (int32_t)r->lead_in) / 3) % n_entries;
		unsigned want = k == 0 ? 0xa0 : k == 1 ? 0xa1 : k == 2 ? 0xa2 : bcd(k - 2);
		bool data = image_toc_track_is_data(&toc->track[toc->first_track]);

		CHECK((q[0] & 0x0f) == (1), "LBA %d: q[0] & 0x0f == 1", lba);
		CHECK((q[1]) == (0), "LBA %d: q[1] == 0", lba);
		CHECK((q[2]) == (want), "LBA %d: q[2] == want", lba);
		CHECK(!p, "LBA %d: !p", lba);
		check_msf(q + 3, lba);
		if (k >= 3)
			check_msf(q + 7, toc->track[k - 2].start_lba);
		else if (k == 2)
			check_msf(q + 7, toc->leadout_lba);
		else
			CHECK((q[7]) == (bcd(k == 0 ? toc->first_track : toc->last_track)), "LBA %d: q[7] == bcd(k == 0 ? toc->first_track : toc->last_track)", lba);
		if (data)
			tl_verify_descramble(main);
		if (r->leadin_sample <= 1 || (lba + (int32_t)r->lead_in) % (int32_t)r->leadin_sample == 0)
			check_silent(main, lba, data);
	} else if (lba < toc->leadout_lba) {
		unsigned n, index = 0;
		const struct image_toc_track *t = track_at(toc, lba, &n);
		bool data = image_toc_track_is_data(t);

		if (lba >= t->start_lba)
			for (index = t->index_count; index > 1 && t->index_lba[index] > lba; index--)
				;
		CHECK((q[0] >> 4) == (t->control), "LBA %d: q[0] >> 4 == t->control", lba);
		switch (q[0] & 0x0f) {
		case 1:
			CHECK(q[1] == bcd(n) && q[2] == bcd(index),
				      "LBA %d: TNO %02x INDEX %02x, want %u/%u", lba, q[1], q[2], n,
				      index);
			check_msf(q + 7, lba);
			break;
		case 2:
			CHECK((lba % 100) == (99), "LBA %d: lba %% 100 == 99", lba);
			CHECK(strcmp(toc->mcn, TL_MCN) == 0, "LBA %d: string toc->mcn", lba);
			CHECK((q[1]) == (0x01), "LBA %d: q[1] == 0x01", lba);
			r->mcn_frames++;
			break;
		case 3:
			CHECK((lba % 100) == (49), "LBA %d: lba %% 100 == 49", lba);
			CHECK(strcmp(t->isrc, TL_ISRC) == 0, "LBA %d: string t->isrc", lba);
			CHECK((index) >= (1), "LBA %d: index >= 1", lba);
			r->isrc_frames++;
			break;
		default:
			ck_abort_msg("LBA %d: ADR %u", lba, q[0] & 0x0f);
		}
		CHECK(p == (index == 0), "LBA %d: P %d in index %u", lba, p, index);
		if (data)
			tl_verify_descramble(main);
		if (lba < 0) {
			check_silent(main, lba, data);
		} else {
			uint8_t want[2352];
			uint8_t *got = data ? main + 16 : main;

			ck_assert_int_eq(pread(r->src_fd, want, r->src_unit,
					       (off_t)lba * r->src_unit), (ssize_t)r->src_unit);
			if (data)
				CHECK(tl_verify_mode1(main, lba) == NULL, "LBA %d: %s", lba,
					      tl_verify_mode1(main, lba));
			CHECK(memcmp(got, want, r->src_unit) == 0, "LBA %d: content", lba);
		}
	} else {
		const struct image_toc_track *last = &toc->track[toc->last_track];
		bool data = image_toc_track_is_data(last);
		int32_t rel = lba - toc->leadout_lba;

		CHECK((q[0]) == ((uint8_t)(last->control << 4 | 1)), "LBA %d: q[0] == (uint8_t)(last->control << 4 | 1)", lba);
		CHECK((q[1]) == (0xaa), "LBA %d: q[1] == 0xaa", lba);
		CHECK((q[2]) == (0x01), "LBA %d: q[2] == 0x01", lba);
		check_msf(q + 7, lba);
		CHECK((q[5]) == (bcd((unsigned)rel % 75)), "LBA %d: q[5] == bcd((unsigned)rel %% 75)", lba);
		if (rel < 150)
			CHECK(!p, "LBA %d: !p", lba);
		if (data)
			tl_verify_descramble(main);
		if (rel % 50 == 0 || rel == 6749)
			check_silent(main, lba, data);
	}

	/* the decoder on the same sector */
	CHECK((image_decoder_feed(r->dec, sector, r->info)) == (0), "LBA %d: image_decoder_feed(r->dec, sector, r->info) == 0", lba);
	CHECK((r->info->lba) == (lba), "LBA %d: r->info->lba == lba", lba);
	CHECK(r->info->damage == 0, "LBA %d: decoder damage %#x", lba, r->info->damage);
	CHECK(memcmp(r->info->main, main, 2352) == 0, "LBA %d: memory r->info->main", lba);
	CHECK(r->info->q_ok, "LBA %d: r->info->q_ok", lba);
	CHECK((r->info->p) == (p), "LBA %d: r->info->p == p", lba);
	if (r->info->events & IMAGE_EVENT_TOC_COMPLETE)
		r->toc_events++;
}

/* libcdio's own CD-TEXT parser must read the packs the encoder wrote. */
static void
check_cdtext_with_libcdio(struct run *r)
{
	unsigned n = 0;

	while (n < 256 && r->have[n])
		n++;
	ck_assert_uint_eq(n, r->n_packs_seen);
	ck_assert_uint_ge(n, 4);
	tl_check_cdtext_libcdio(r->toc, (const uint8_t (*)[18])r->packs, n);
}

/* Encodes @disc and checks every sector; the decoder must give back its TOC. */
static void
encode_and_verify(const struct image_disc *disc, const char *src, unsigned unit,
		  enum cd_sector_type type, unsigned lead_in, unsigned sample)
{
	struct image_encoder *enc;
	struct burn_error err;
	struct run r = { .type = type, .lead_in = lead_in, .leadin_sample = sample,
			 .toc = image_disc_toc(disc), .src_unit = unit };
	const struct image_toc *dt = image_disc_toc(disc);
	unsigned size = cd_sector_type_size(type), have = 0;
	uint8_t chunk[CHUNK], sector[2448];
	int32_t lba = -(int32_t)lead_in;
	ssize_t n;

	for (unsigned t = 0; t <= dt->last_track; t++)
		for (unsigned f = 0; f < IMAGE_TEXT_FIELDS && (!t || t >= dt->first_track); f++)
			r.has_text |= image_toc_text(dt, t, (enum image_text_field)f)[0] != '\0';
	r.src_fd = open(src, O_RDONLY);
	ck_assert_int_ge(r.src_fd, 0);
	r.info = malloc(sizeof(*r.info));
	ck_assert_ptr_nonnull(r.info);
	tl_assert_ok(image_decoder_open(&r.dec, type, lead_in, NULL));
	ck_assert_msg(image_encoder_create(&enc, disc, type, lead_in, &err) == 0, "%s", err.reason);
	while ((n = image_encoder_read(enc, chunk, sizeof(chunk), &err)) > 0) {
		for (ssize_t i = 0; i < n;) {
			size_t take = size - have < (size_t)(n - i) ? size - have : (size_t)(n - i);

			memcpy(sector + have, chunk + i, take);
			have += (unsigned)take;
			i += (ssize_t)take;
			if (have == size) {
				check_sector(&r, lba++, sector);
				r.sectors++;
				have = 0;
			}
		}
	}
	ck_assert_msg(n == 0, "encoder: %s", err.reason);
	ck_assert_uint_eq(have, 0);
	ck_assert_uint_eq(r.sectors, image_encoder_total_sectors(enc));
	ck_assert_int_eq(lba, r.toc->leadout_lba + 6750);
	ck_assert_uint_eq(r.toc_events, 1);
	ck_assert(image_decoder_complete(r.dec));
	ck_assert_int_eq(image_decoder_toc_failure(r.dec, NULL), 0);
	ck_assert_ptr_nonnull(image_decoder_toc(r.dec));
	tl_compare_toc(image_decoder_toc(r.dec), r.toc);
	if (type != CD_SECTOR_PQ && r.has_text) {
		check_cdtext_with_libcdio(&r);
		tl_compare_text(image_decoder_toc(r.dec), r.toc);
	}
	ck_assert_uint_eq(image_decoder_expected_sectors(r.dec), r.sectors);
	ck_assert_uint_eq(image_decoder_stats(r.dec)->q_crc_errors, 0);
	ck_assert_uint_eq(image_decoder_stats(r.dec)->data_errors, 0);
	ck_assert_uint_eq(image_decoder_stats(r.dec)->address_errors, 0);
	ck_assert_uint_eq(image_decoder_stats(r.dec)->cdtext_crc_errors, 0);
	if (r.toc->mcn[0])
		ck_assert_uint_gt(r.mcn_frames, 20);
	for (unsigned t = r.toc->first_track; t <= r.toc->last_track; t++)
		if (r.toc->track[t].isrc[0])
			ck_assert_uint_gt(r.isrc_frames, 5);
	image_encoder_destroy(enc);
	image_decoder_destroy(r.dec);
	free(r.info);
	close(r.src_fd);
}

START_TEST(audio_cue_layout)
{
	char *dir = tl_mkdtemp("img"), *cue = tl_make_audio_cue(dir);
	struct image_disc *disc = tl_open_disc(cue, 0);
	const struct image_toc *toc = image_disc_toc(disc);

	ck_assert_uint_eq(toc->first_track, 1);
	ck_assert_uint_eq(toc->last_track, 3);
	ck_assert_str_eq(toc->mcn, TL_MCN);
	ck_assert_str_eq(image_toc_text(toc, 0, IMAGE_TEXT_TITLE), "Test Album");
	ck_assert_str_eq(image_toc_text(toc, 1, IMAGE_TEXT_TITLE), "One");
	ck_assert_int_eq(toc->track[1].pregap_lba, -150);
	ck_assert_int_eq(toc->track[1].start_lba, 0);
	ck_assert_int_eq(toc->track[1].end_lba, TL_T1_SECTORS);
	ck_assert_int_eq(toc->track[2].pregap_lba, TL_T1_SECTORS);
	ck_assert_int_eq(toc->track[2].start_lba, TL_T1_SECTORS + TL_T2_PREGAP);
	ck_assert_str_eq(toc->track[2].isrc, TL_ISRC);
	ck_assert_int_eq(toc->track[3].start_lba, TL_T1_SECTORS + TL_T2_PREGAP + TL_T2_SECTORS);
	ck_assert_int_eq(toc->track[3].pregap_lba, toc->track[3].start_lba);
	ck_assert_uint_eq(toc->track[3].index_count, 2);
	ck_assert_int_eq(toc->track[3].index_lba[2], toc->track[3].start_lba + TL_T3_INDEX2);
	ck_assert_uint_eq(toc->track[3].control, 0x2);
	ck_assert_int_eq(toc->leadout_lba, TL_AUDIO_SECTORS);
	image_disc_destroy(disc);
	tl_rmtree(dir);
	free(cue);
	free(dir);
}
END_TEST

/* _i: input (the audio cue, an ISO) x sector type (0..2) */
START_TEST(every_sector)
{
	enum cd_sector_type type = (enum cd_sector_type)(_i % 3 + 1);
	char *dir = tl_mkdtemp("img"), *cue = NULL, *src;
	struct image_disc *disc;

	if (_i < 3) {
		cue = tl_make_audio_cue(dir);
		src = tl_path(dir, "audio.bin");
		disc = tl_open_disc(cue, 0);
		encode_and_verify(disc, src, 2352, type, 400, 1);
	} else {
		src = tl_path(dir, "data.iso");
		tl_make_pvd_iso(src, 400, 400);
		disc = tl_open_disc(src, 0);
		ck_assert_uint_eq(image_disc_toc(disc)->track[1].control, 0x4);
		ck_assert_int_eq(image_disc_toc(disc)->leadout_lba, 400);
		encode_and_verify(disc, src, 2048, type, 250, 1);
	}
	image_disc_destroy(disc);
	tl_rmtree(dir);
	free(src);
	free(cue);
	free(dir);
}
END_TEST

/* The default 22650-sector lead-in, sampled in the lead-in. */
START_TEST(iso_default_lead_in)
{
	char *dir = tl_mkdtemp("img"), *iso = tl_path(dir, "data.iso");
	struct image_disc *disc;

	tl_make_pvd_iso(iso, 320, 320);
	disc = tl_open_disc(iso, 0);
	encode_and_verify(disc, iso, 2048, CD_SECTOR_COOKED, IMAGE_DEFAULT_LEAD_IN, 97);
	image_disc_destroy(disc);
	tl_rmtree(dir);
	free(iso);
	free(dir);
}
END_TEST

START_TEST(wav_inputs)
{
	char *dir = tl_mkdtemp("img"), *w1 = tl_path(dir, "a.wav"), *w2 = tl_path(dir, "b.wav");
	const char *in[2] = { w1, w2 };
	struct image_disc *disc;
	struct burn_error err;
	const struct image_toc *toc;

	tl_make_wav_fmt(w1, 1, 2, 44100, 16, 400 * 2352);
	tl_make_wav_fmt(w2, 1, 2, 44100, 16, 350 * 2352 + 1000);	/* padded to a sector */
	ck_assert_int_eq(image_disc_open(&disc, in, 2, 0, &err), 0);
	toc = image_disc_toc(disc);
	ck_assert_uint_eq(toc->last_track, 2);
	ck_assert_int_eq(toc->track[2].pregap_lba, 400);
	ck_assert_int_eq(toc->track[2].start_lba, 550);
	ck_assert_int_eq(toc->leadout_lba, 550 + 351);
	{
		struct image_encoder *enc;
		struct image_decoder *dec;
		struct image_sector *s = malloc(sizeof(*s));
		uint8_t sector[2448];
		int ret;

		tl_assert_ok(image_encoder_create(&enc, disc, CD_SECTOR_RAW, 200, &err));
		tl_assert_ok(image_decoder_open(&dec, CD_SECTOR_RAW, 200, NULL));
		while ((ret = image_encoder_next_sector(enc, sector, &err)) == 1) {
			ck_assert_int_eq(image_decoder_feed(dec, sector, s), 0);
			ck_assert_uint_eq(s->damage, 0);
			if (s->lba >= 0 && s->lba < 400)
				ck_assert_uint_eq(s->main[7], tl_audio_byte((uint64_t)s->lba * 2352 + 7));
			if (s->lba >= 550 && s->lba < 550 + 350)
				ck_assert_uint_eq(s->main[9], tl_audio_byte((uint64_t)(s->lba - 550) *
									    2352 + 9));
			if (s->lba == 550 + 350) {
				ck_assert_uint_eq(s->main[999], tl_audio_byte(350 * 2352 + 999));
				ck_assert_uint_eq(s->main[1000], 0);
			}
		}
		ck_assert_int_eq(ret, 0);
		tl_compare_toc(image_decoder_toc(dec), toc);
		free(s);
		image_decoder_destroy(dec);
		image_encoder_destroy(enc);
	}
	image_disc_destroy(disc);
	tl_rmtree(dir);
	free(w1);
	free(w2);
	free(dir);
}
END_TEST

/* A data track from an ISO then audio from a .bin, through one cue. */
START_TEST(mixed_cue)
{
	char *dir = tl_mkdtemp("img"), *cue = tl_make_audio_cue(dir);
	char *iso = tl_path(dir, "data.iso"), *mixed = tl_path(dir, "mixed.cue");
	struct image_disc *disc;

	tl_make_pvd_iso(iso, 500, 500);
	tl_write_text(mixed, "FILE \"data.iso\" BINARY\n"
		      "TRACK 01 MODE1/2048\n INDEX 01 00:00:00\n POSTGAP 00:02:00\n"
		      "FILE \"audio.bin\" BINARY\n"
		      "TRACK 02 AUDIO\n PREGAP 00:02:00\n INDEX 01 00:00:00\n");
	disc = tl_open_disc(mixed, 0);
	ck_assert_int_eq(image_disc_toc(disc)->track[1].end_lba, 650);
	ck_assert_int_eq(image_disc_toc(disc)->track[2].pregap_lba, 650);
	ck_assert_int_eq(image_disc_toc(disc)->track[2].start_lba, 800);
	{
		struct image_encoder *enc;
		struct image_decoder *dec;
		struct image_sector *s = malloc(sizeof(*s));
		struct burn_error err;
		uint8_t sector[2368];
		unsigned data = 0;
		int ret;

		tl_assert_ok(image_encoder_create(&enc, disc, CD_SECTOR_PQ, 300, &err));
		tl_assert_ok(image_decoder_open(&dec, CD_SECTOR_PQ, 300, NULL));
		while ((ret = image_encoder_next_sector(enc, sector, &err)) == 1) {
			ck_assert_int_eq(image_decoder_feed(dec, sector, s), 0);
			ck_assert_msg(s->damage == 0, "LBA %d damage %#x", s->lba, s->damage);
			data += s->data;
			if (s->lba < 650)
				ck_assert(s->data);
			else
				ck_assert(!s->data);
			if (s->lba >= 0 && s->lba < 500 && s->lba != 16)	/* 16: the PVD */
				ck_assert_uint_eq(s->main[16 + 5],
						  tl_iso_byte((uint64_t)s->lba * 2048 + 5));
		}
		ck_assert_int_eq(ret, 0);
		ck_assert_uint_eq(data, 150 + 150 + 650);
		tl_compare_toc(image_decoder_toc(dec), image_disc_toc(disc));
		free(s);
		image_decoder_destroy(dec);
		image_encoder_destroy(enc);
	}
	image_disc_destroy(disc);
	tl_rmtree(dir);
	free(iso);
	free(mixed);
	free(cue);
	free(dir);
}
END_TEST

/*
 * Encodes the fake ISO into memory-bounded steps, damaging chosen sectors,
 * and decodes it; returns the decoder (the caller destroys it).
 */
static struct image_decoder *
decode_damaged(enum cd_sector_type type, void (*damage)(int32_t lba, uint8_t *sector),
	       unsigned decoder_lead_in)
{
	char *dir = tl_mkdtemp("img"), *iso = tl_path(dir, "data.iso");
	struct image_encoder *enc;
	struct image_decoder *dec;
	struct image_disc *disc;
	struct burn_error err;
	struct image_sector *s = malloc(sizeof(*s));
	uint8_t sector[2448];
	int32_t lba = -300;

	tl_make_pvd_iso(iso, 300, 300);
	disc = tl_open_disc(iso, 0);
	tl_assert_ok(image_encoder_create(&enc, disc, type, 300, &err));
	tl_assert_ok(image_decoder_open(&dec, type, decoder_lead_in, NULL));
	while (image_encoder_next_sector(enc, sector, &err) == 1) {
		damage(lba++, sector);
		image_decoder_feed(dec, sector, s);
	}
	image_encoder_destroy(enc);
	image_disc_destroy(disc);
	free(s);
	tl_rmtree(dir);
	free(iso);
	free(dir);
	return dec;
}

static void
damage_some(int32_t lba, uint8_t *sector)
{
	if (lba == 100)
		sector[500] ^= 0x04;		/* user data: EDC and ECC */
	if (lba == 120)
		sector[2352 + 3] ^= 0x01;	/* Q in the 16-byte form */
	if (lba == 130)
		sector[2300] ^= 0xff;		/* Q parity only */
}

START_TEST(decoder_reports_damage)
{
	struct image_decoder *dec = decode_damaged(CD_SECTOR_PQ, damage_some, 300);
	const struct image_decoder_stats *st = image_decoder_stats(dec);

	ck_assert_uint_eq(st->q_crc_errors, 1);
	ck_assert_int_eq(st->first_q_crc_lba, 120);
	ck_assert_uint_eq(st->data_errors, 2);
	ck_assert_uint_eq(st->edc_errors, 1);
	ck_assert_uint_eq(st->ecc_errors, 2);
	ck_assert_int_eq(st->first_data_error_lba, 100);
	ck_assert_uint_eq(st->address_errors, 0);
	ck_assert(image_decoder_complete(dec));
	image_decoder_destroy(dec);
}
END_TEST

static void
damage_none(int32_t lba, uint8_t *sector)
{
}

/*
 * A decoder told the wrong lead-in length sees every address off by 10,
 * from the first data sector header on.
 */
START_TEST(decoder_wrong_lead_in)
{
	struct image_decoder *dec = decode_damaged(CD_SECTOR_COOKED, damage_none, 290);
	const struct image_decoder_stats *st = image_decoder_stats(dec);

	ck_assert_uint_gt(st->address_errors, 1000);
	ck_assert_int_eq(st->first_address_error_lba, -290);
	image_decoder_destroy(dec);
}
END_TEST

/* Why the decoder refused the lead-in, or NULL; the text lives until the next call. */
static const char *
decoder_toc_reason(const struct image_decoder *dec)
{
	static struct burn_error why;

	if (image_decoder_toc_failure(dec, &why) == 0)
		return NULL;
	ck_assert_int_eq(why.result, BURN_E_STREAM_NOT_SUPPORTED);
	return why.reason;
}

/* Lead-in frames that are position frames of track 1: not a TOC. */
START_TEST(decoder_rejects_lead_in_without_toc)
{
	struct image_decoder *dec;
	struct image_sector *s = malloc(sizeof(*s));
	uint8_t sector[2448] = { 0 }, q[12];

	tl_assert_ok(image_decoder_open(&dec, CD_SECTOR_RAW, 500, NULL));
	subq_build_position(q, 0, 1, 1, 0, -500);
	subchannel_encode(CD_SECTOR_RAW, sector + 2352, q, false);
	ck_assert_int_eq(image_decoder_feed(dec, sector, s), -EBADMSG);
	ck_assert(s->events & IMAGE_EVENT_TOC_BAD);
	ck_assert_ptr_nonnull(strstr(decoder_toc_reason(dec), "not a TOC entry"));
	ck_assert_ptr_null(image_decoder_toc(dec));
	ck_assert_uint_eq(image_decoder_expected_sectors(dec), 0);
	/* later sectors decode without repeating the error */
	ck_assert_int_eq(image_decoder_feed(dec, sector, s), 0);
	image_decoder_destroy(dec);

	/* a lead-in of zeros (no valid Q at all) is rejected after 612 sectors */
	tl_assert_ok(image_decoder_open(&dec, CD_SECTOR_RAW, 22650, NULL));
	memset(sector, 0, sizeof(sector));
	for (int i = 0; i < 611; i++)
		ck_assert_int_eq(image_decoder_feed(dec, sector, s), 0);
	ck_assert_int_eq(image_decoder_feed(dec, sector, s), -EBADMSG);
	ck_assert_str_eq(decoder_toc_reason(dec), "no valid TOC entry in the 612 lead-in "
			 "sectors up to LBA -22039");
	ck_assert_uint_eq(image_decoder_stats(dec)->q_crc_errors, 612);
	image_decoder_destroy(dec);

	/* a stream that starts in the pre-gap has no TOC at all */
	tl_assert_ok(image_decoder_open(&dec, CD_SECTOR_RAW, 150, NULL));
	subq_build_position(q, 0, 1, 0, 150, -150);
	subchannel_encode(CD_SECTOR_RAW, sector + 2352, q, true);
	ck_assert_int_eq(image_decoder_feed(dec, sector, s), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(decoder_toc_reason(dec), "without a complete TOC"));
	image_decoder_destroy(dec);
	free(s);
}
END_TEST

START_TEST(decoder_feed_at_order)
{
	struct image_decoder *dec;
	struct image_sector *s = malloc(sizeof(*s));
	uint8_t sector[2368] = { 0 }, q[12];
	const uint8_t pf[3] = { 1, 0, 0 };

	tl_assert_ok(image_decoder_open(&dec, CD_SECTOR_PQ, 22650, NULL));
	subq_build_toc(q, 0, 0xa0, -11634, pf);
	subchannel_encode(CD_SECTOR_PQ, sector + 2352, q, false);
	/* the emulator starts at the media's lead-in, not at the stream's */
	ck_assert_int_eq(image_decoder_feed_at(dec, -11634, sector, s), 0);
	ck_assert_int_eq(s->lba, -11634);
	ck_assert_uint_eq(s->region, IMAGE_REGION_LEADIN);
	ck_assert_uint_eq(s->damage, 0);
	ck_assert_int_eq(image_decoder_feed_at(dec, -11634, sector, s), -EINVAL);
	ck_assert_uint_eq(image_decoder_stats(dec)->address_errors, 1);
	ck_assert_int_eq(image_decoder_feed(dec, sector, s), 0);
	ck_assert_int_eq(s->lba, -11633);
	image_decoder_destroy(dec);

	/* the expected length counts from the first sector fed */
	{
		char *dir = tl_mkdtemp("img"), *iso = tl_path(dir, "data.iso");
		struct image_encoder *enc;
		struct image_disc *disc;
		struct burn_error err;
		uint8_t sec[2368];
		int32_t lba = -22650;

		tl_make_pvd_iso(iso, 300, 300);
		disc = tl_open_disc(iso, 0);
		tl_assert_ok(image_encoder_create(&enc, disc, CD_SECTOR_PQ, 22650, &err));
		tl_assert_ok(image_decoder_open(&dec, CD_SECTOR_PQ, 22650, NULL));
		while (image_encoder_next_sector(enc, sec, &err) == 1) {
			if (lba >= -11634)
				ck_assert_int_eq(image_decoder_feed_at(dec, lba, sec, s), 0);
			lba++;
		}
		ck_assert(image_decoder_complete(dec));
		ck_assert_uint_eq(image_decoder_expected_sectors(dec), 11634 + 300 + 6750);
		ck_assert_uint_eq(image_decoder_stats(dec)->sectors, 11634 + 300 + 6750);
		image_decoder_destroy(dec);
		image_encoder_destroy(enc);
		image_disc_destroy(disc);
		tl_rmtree(dir);
		free(iso);
		free(dir);
	}
	free(s);
}
END_TEST

START_TEST(encoder_lead_in_limits)
{
	char *dir = tl_mkdtemp("img"), *iso = tl_path(dir, "data.iso");
	struct image_encoder *enc;
	struct image_disc *disc;
	struct burn_error err;

	tl_make_pvd_iso(iso, 300, 300);
	disc = tl_open_disc(iso, 0);
	ck_assert_int_eq(image_encoder_create(&enc, disc, CD_SECTOR_PQ, 161, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.reason, "needs 162 to 45150"));
	ck_assert_int_eq(image_encoder_create(&enc, disc, CD_SECTOR_PQ, 45151, &err), -EINVAL);
	ck_assert_int_eq(image_encoder_create(&enc, disc, (enum cd_sector_type)4, 1000, &err),
			 -EINVAL);
	tl_assert_ok(image_encoder_create(&enc, disc, CD_SECTOR_PQ, 162, &err));
	ck_assert_uint_eq(image_encoder_total_sectors(enc), 162 + 300 + 6750);
	image_encoder_destroy(enc);
	image_disc_destroy(disc);
	tl_rmtree(dir);
	free(iso);
	free(dir);
}
END_TEST

START_TEST(mcn_check_digit)
{
	struct burn_error err;

	ck_assert_int_eq(image_mcn_check("0123456789012", &err), 0);
	ck_assert_int_eq(image_mcn_check("4006381333931", &err), 0);
	ck_assert_int_eq(image_mcn_check("0123456789013", &err), -EINVAL);
	ck_assert_str_eq(err.reason, "catalog number 0123456789013 has a wrong check digit "
			 "(expected 2)");
	ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_int_eq(image_mcn_check("12345", &err), -EINVAL);
}
END_TEST

/* The result each kind of image failure carries into a burn_error. */
START_TEST(failure_results)
{
	const char *missing = "/nonexistent-burnfs-test/a.iso";
	struct image_decoder *dec;
	struct image_disc *disc;
	struct burn_error err;

	ck_assert_int_eq(image_disc_open(&disc, &missing, 1, 0, &err), -ENOENT);
	ck_assert_uint_eq(err.result, BURN_E_FAIL);
	ck_assert_str_eq(err.reason, "/nonexistent-burnfs-test/a.iso: No such file or directory");
	ck_assert_int_eq(image_disc_open(&disc, NULL, 0, 0, &err), -EINVAL);
	ck_assert_uint_eq(err.result, BURN_E_STREAM_NOT_SUPPORTED);
	ck_assert_str_eq(err.reason, "no input");
	ck_assert_int_eq(image_decoder_open(&dec, (enum cd_sector_type)4, 0, &err), -EINVAL);
	ck_assert_ptr_null(dec);
	ck_assert_uint_eq(err.result, BURN_E_INVALIDARG);
	ck_assert_int_eq(image_decoder_open(&dec, CD_SECTOR_PQ, IMAGE_MAX_LEAD_IN + 1, &err),
			 -EINVAL);
	ck_assert_uint_eq(err.result, BURN_E_INVALIDARG);
	tl_assert_ok(image_decoder_open(&dec, CD_SECTOR_PQ, IMAGE_MAX_LEAD_IN, &err));
	image_decoder_destroy(dec);
	/* one session: its lead-in before its first pre-gap, a lead-out of 1..6750, on a CD */
	tl_assert_ok(image_decoder_open_session(&dec, CD_SECTOR_RAW, 7050, 11550, 2250, &err));
	image_decoder_destroy(dec);
	tl_assert_ok(image_decoder_open_session(&dec, CD_SECTOR_RAW, -IMAGE_MAX_LEAD_IN, -150,
						IMAGE_LEADOUT_SECTORS, &err));
	image_decoder_destroy(dec);
	ck_assert_int_eq(image_decoder_open_session(&dec, CD_SECTOR_RAW, 7050, 11550, 0, &err),
			 -EINVAL);
	ck_assert_uint_eq(err.result, BURN_E_INVALIDARG);
	ck_assert_int_eq(image_decoder_open_session(&dec, CD_SECTOR_RAW, 7050, 11550,
						    IMAGE_LEADOUT_SECTORS + 1, &err), -EINVAL);
	ck_assert_int_eq(image_decoder_open_session(&dec, CD_SECTOR_RAW, -300, -151, 2250, &err),
			 -EINVAL);
	ck_assert_int_eq(image_decoder_open_session(&dec, CD_SECTOR_RAW, 445000, 449850, 2250,
						    &err), -EINVAL);
	ck_assert_int_eq(image_decoder_open_session(&dec, CD_SECTOR_RAW, 11550 - IMAGE_MAX_LEAD_IN,
						    11550, 2250, &err), -EINVAL);
	ck_assert_ptr_null(dec);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tl_tcase(s, "encode");

	tcase_add_test(tc, audio_cue_layout);
	tcase_add_loop_test(tc, every_sector, 0, 6);
	TL_TESTS(tc, iso_default_lead_in, wav_inputs, mixed_cue, encoder_lead_in_limits,
		 mcn_check_digit, failure_results);
	tc = tl_tcase(s, "decode");
	TL_TESTS(tc, decoder_reports_damage, decoder_wrong_lead_in,
		 decoder_rejects_lead_in_without_toc, decoder_feed_at_order);
	return tl_run_suite(s);
}
