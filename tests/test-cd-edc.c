/*
 * cd_edc() and both implementations behind it (core/cd/cd-private.h): the
 * lookup tables and the carry-less multiply, each compared with a reference
 * written here from the polynomial's exponents, for every length up to past
 * a sector at every alignment, and with known answers. On a processor
 * without PCLMULQDQ the multiply path is the tables again and the test
 * still runs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cd-private.h"
#include "cd-sector.h"
#include "tl-cd-verify.h"
#include "tl-harness.h"

#define MAX_LEN 2400	/* past the longest EDC run, Form 2's 2332 bytes */
#define OFFSETS 16	/* every alignment of a 16-byte load */

/* Deterministic pseudo-random bytes (xorshift32, seed 2064). */
static void
fill_random(uint8_t *buf, size_t len)
{
	uint32_t s = 2064;

	for (size_t i = 0; i < len; i++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		buf[i] = (uint8_t)(s >> 24);
	}
}

/*
 * The EDC of every prefix of @buf, edc[n] for its first n bytes (n = 0 to
 * @len), by long division of M(x) x^32 by P(x), one bit at a time, in the
 * direction opposite to the core's: the register is the remainder so far
 * with x^31 in bit 31, each message bit (bit 0 of each byte first) enters
 * at the top, and the EDC is the remainder with x^31 in bit 0. P is built
 * from its exponents, not from the core's constant.
 */
static void
reference_prefixes(const uint8_t *buf, size_t len, uint32_t *edc)
{
	static const unsigned exponents[] = { 31, 16, 15, 4, 3, 1, 0 };	/* and x^32 */
	uint32_t p = 0, r = 0;

	for (unsigned i = 0; i < sizeof(exponents) / sizeof(exponents[0]); i++)
		p |= 1u << exponents[i];
	for (size_t n = 0;; n++) {
		uint32_t rev = 0;

		for (int b = 0; b < 32; b++)
			rev |= ((r >> b) & 1) << (31 - b);
		edc[n] = rev;
		if (n == len)
			break;
		for (int bit = 0; bit < 8; bit++) {
			uint32_t top = (r >> 31) ^ ((buf[n] >> bit) & 1);

			r = (r << 1) ^ (top ? p : 0);
		}
	}
}

/* The reference itself, on the CRC catalogue's check string and on the tests' own checker. */
START_TEST(reference_agrees)
{
	uint32_t edc[10];
	uint8_t buf[300];

	reference_prefixes((const uint8_t *)"123456789", 9, edc);
	/* CRC-32/CD-ROM-EDC's published check value */
	ck_assert_uint_eq(edc[9], 0x6ec2edc4u);
	ck_assert_uint_eq(edc[0], 0);
	fill_random(buf, sizeof(buf));
	for (size_t n = 0; n < sizeof(buf); n += 37) {
		uint32_t all[sizeof(buf) + 1];

		reference_prefixes(buf, n, all);
		ck_assert_uint_eq(all[n], tl_verify_edc(buf, n));
	}
}
END_TEST

/*
 * Offset _i: every length from 0 to MAX_LEN of a random buffer starting _i
 * bytes past a 16-byte boundary, through cd_edc(), cd_edc_table() and
 * cd_edc_clmul(). Each run is copied to the end of an allocation of its own
 * so that a read past it shows under valgrind and AddressSanitizer.
 */
START_TEST(every_length_and_offset)
{
	static const char *const names[] = { "cd_edc", "cd_edc_table", "cd_edc_clmul" };
	uint32_t (*const impls[])(const uint8_t *, size_t) = { cd_edc, cd_edc_table,
							       cd_edc_clmul };
	size_t offset = (size_t)_i;
	uint8_t *random = malloc(MAX_LEN + OFFSETS);
	uint32_t *want = malloc((MAX_LEN + 1) * sizeof(*want));

	ck_assert_ptr_nonnull(random);
	ck_assert_ptr_nonnull(want);
	fill_random(random, MAX_LEN + OFFSETS);
	reference_prefixes(random + offset, MAX_LEN, want);
	for (size_t n = 0; n <= MAX_LEN; n++) {
		/* malloc's memory is 16-byte aligned on the systems burnfs builds on */
		uint8_t *block = malloc(offset + n + 1);
		uint8_t *run = block + offset;

		ck_assert_ptr_nonnull(block);
		memcpy(run, random + offset, n);
		for (unsigned k = 0; k < sizeof(impls) / sizeof(impls[0]); k++) {
			uint32_t got = impls[k](run, n);

			if (got != want[n])
				ck_abort_msg("%s of %zu bytes at offset %zu: %08x, want %08x",
					     names[k], n, offset, got, want[n]);
		}
		free(block);
	}
	free(want);
	free(random);
}
END_TEST

/* Copies @len bytes of @src to @off bytes past a 16-byte boundary and returns the EDCs there. */
static void
edc_at_offset(const uint8_t *src, size_t len, size_t off, uint32_t out[3])
{
	uint8_t *block = malloc(off + len + 1);

	ck_assert_ptr_nonnull(block);
	memcpy(block + off, src, len);
	out[0] = cd_edc(block + off, len);
	out[1] = cd_edc_table(block + off, len);
	out[2] = cd_edc_clmul(block + off, len);
	free(block);
}

/*
 * Known EDCs of whole sectors, cross-checked with cdrdao's lec.cc (its
 * lec_encode_*_sector): the all-zero Mode 1 sector at LBA 0
 * (doc/reference/mmc.md §11.4), the ISO 9660 volume descriptor set
 * terminator as a disc with one primary descriptor carries it at LBA 17,
 * and zero Mode 2 Form 1 and Form 2 sectors. Each through the encoder and
 * through all three functions at four alignments.
 */
START_TEST(known_sectors)
{
	static const uint8_t terminator[8] = { 0xff, 'C', 'D', '0', '0', '1', 0x01, 0 };
	static const uint8_t form1[4] = { 0, 0, 0x08, 0 }, form2[4] = { 0, 0, 0x20, 0 };
	static const struct {
		int mode;		/* 1, or 2 with @sub */
		int32_t lba;
		const uint8_t *data;	/* the first 8 bytes of user data, else zeros */
		const uint8_t *sub;
		size_t from, at;	/* the EDC covers bytes @from to @at - 1, stored at @at */
		uint32_t edc;
	} known[] = {
		{ 1, 0, NULL, NULL, 0, CD_EDC_OFFSET, 0x2b6813c5u },
		{ 1, 17, terminator, NULL, 0, CD_EDC_OFFSET, 0x95b891a3u },
		{ 2, 16, NULL, form1, 16, CD_FORM1_EDC_OFFSET, 0x9481880bu },
		{ 2, 0, NULL, form2, 16, CD_FORM2_EDC_OFFSET, 0xbeb0133fu },
	};
	static const size_t offsets[] = { 0, 1, 8, 15 };

	for (unsigned k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		uint8_t data[CD_FORM2_DATA_SIZE] = { 0 }, sector[CD_MAIN_SIZE];
		uint32_t stored, got[3];

		if (known[k].data)
			memcpy(data, known[k].data, 8);
		if (known[k].mode == 1)
			cd_sector_encode_mode1(sector, known[k].lba, data);
		else
			cd_sector_encode_mode2(sector, known[k].lba, known[k].sub, data);
		stored = (uint32_t)sector[known[k].at] | (uint32_t)sector[known[k].at + 1] << 8 |
			 (uint32_t)sector[known[k].at + 2] << 16 |
			 (uint32_t)sector[known[k].at + 3] << 24;
		ck_assert_msg(stored == known[k].edc, "sector %u: stored %08x, want %08x", k,
			      stored, known[k].edc);
		for (unsigned o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++) {
			edc_at_offset(sector + known[k].from, known[k].at - known[k].from,
				      offsets[o], got);
			for (unsigned i = 0; i < 3; i++)
				ck_assert_msg(got[i] == known[k].edc,
					      "sector %u, offset %zu, function %u: %08x, want %08x",
					      k, offsets[o], i, got[i], known[k].edc);
		}
		/* with its EDC the run divides by P: the EDC of run + EDC is 0 */
		ck_assert_uint_eq(cd_edc_clmul(sector + known[k].from,
					       known[k].at + 4 - known[k].from), 0);
	}
}
END_TEST

/* The fast path is the one in use wherever the processor has it. */
START_TEST(clmul_chosen)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");

	ck_assert_int_eq(cd_edc_clmul_usable(), has);
#else
	ck_assert(!cd_edc_clmul_usable());
#endif
}
END_TEST

TL_SUITE(cd_edc_suite, "cd-edc",
	 TL_CASE("edc", NULL, NULL),
	 TL_RUN(reference_agrees, clmul_chosen, known_sectors),
	 TL_LOOP(every_length_and_offset, 0, OFFSETS))

TL_MAIN(cd_edc_suite)
