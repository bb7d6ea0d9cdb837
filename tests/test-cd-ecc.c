/*
 * The P/Q parity of core/cd/cd-sector.c (16-symbol vectors, P in place, Q
 * gathered by rows) byte for byte against the implementation it replaced:
 * 8 symbols per 64-bit word, rows copied and padded, Q gathered through a
 * 43 x 26 table of offsets. That implementation is kept here as it was;
 * tl_verify_mode1()'s syndromes check both from outside.
 */
#include "config.h"

#include <string.h>

#include "cd-sector.h"
#include "tl-cd-verify.h"
#include "tl-harness.h"

/* ---- the previous implementation ---- */

#define GF_POLY 0x11d
#define P_COLUMNS 43
#define P_DATA 24
#define Q_DIAGONALS 26
#define Q_DATA 43
#define Q_WORDS 1118
#define LANE_LOW7 0x7f7f7f7f7f7f7f7full
#define LANE_HIGH 0x8080808080808080ull

static uint16_t prev_q_gather[Q_DATA][Q_DIAGONALS];
static uint8_t prev_inv_a1;

static void
prev_init(void)
{
	for (unsigned d = 0; d < Q_DIAGONALS; d++)
		for (unsigned i = 0; i < Q_DATA; i++)
			prev_q_gather[i][d] = (uint16_t)(2 * ((44 * i + 43 * d) % Q_WORDS));
	for (unsigned i = 1; i < 256; i++)
		if (tl_verify_gf_mul((uint8_t)i, 3) == 1)
			prev_inv_a1 = (uint8_t)i;
}

static uint64_t
swar_mul_a(uint64_t x)
{
	return ((x & LANE_LOW7) << 1) ^ (((x & LANE_HIGH) >> 7) * (GF_POLY & 0xff));
}

static uint64_t
swar_mul_const(uint64_t x, uint8_t c)
{
	uint64_t r = 0;

	for (; c; c >>= 1) {
		if (c & 1)
			r ^= x;
		x = swar_mul_a(x);
	}
	return r;
}

static void
prev_rspc_parity(const uint64_t *rows, unsigned n_rows, unsigned n_words, uint8_t *p0,
		 uint8_t *p1, size_t len)
{
	uint64_t s0[11] = { 0 }, h[11] = { 0 }, out0[11], out1[11];

	for (unsigned r = 0; r < n_rows; r++) {
		const uint64_t *row = rows + (size_t)r * n_words;

		for (unsigned w = 0; w < n_words; w++) {
			s0[w] ^= row[w];
			h[w] = swar_mul_a(h[w]) ^ row[w];
		}
	}
	for (unsigned w = 0; w < n_words; w++) {
		uint64_t a2h = swar_mul_a(swar_mul_a(h[w]));

		out0[w] = swar_mul_const(s0[w] ^ a2h, prev_inv_a1);
		out1[w] = s0[w] ^ out0[w];
	}
	memcpy(p0, out0, len);
	memcpy(p1, out1, len);
}

/* P then Q parity of @sector in place, as cd_sector_compute_ecc() did. */
static void
prev_compute_ecc(uint8_t *sector)
{
	const uint8_t *base = sector + CD_HEADER_OFFSET;
	uint64_t p_rows[P_DATA][11], q_rows[Q_DATA][7];

	for (unsigned r = 0; r < P_DATA; r++) {
		memcpy(p_rows[r], base + 2 * P_COLUMNS * r, 2 * P_COLUMNS);
		memset((uint8_t *)p_rows[r] + 2 * P_COLUMNS, 0, sizeof(p_rows[r]) - 2 * P_COLUMNS);
	}
	prev_rspc_parity(&p_rows[0][0], P_DATA, 11, sector + CD_ECC_P_OFFSET,
			 sector + CD_ECC_P_OFFSET + 2 * P_COLUMNS, 2 * P_COLUMNS);
	for (unsigned i = 0; i < Q_DATA; i++) {
		uint8_t *dst = (uint8_t *)q_rows[i];

		for (unsigned d = 0; d < Q_DIAGONALS; d++)
			memcpy(dst + 2 * d, base + prev_q_gather[i][d], 2);
		memset(dst + 2 * Q_DIAGONALS, 0, sizeof(q_rows[i]) - 2 * Q_DIAGONALS);
	}
	prev_rspc_parity(&q_rows[0][0], Q_DATA, 7, sector + CD_ECC_Q_OFFSET,
			 sector + CD_ECC_Q_OFFSET + 2 * Q_DIAGONALS, 2 * Q_DIAGONALS);
}

/* ---- the tests ---- */

static uint32_t rng_state = 2076;

static uint8_t
rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (uint8_t)(rng_state >> 16);
}

/* cd_sector_compute_ecc() and the previous code on copies of @sector give the same bytes. */
static void
assert_same_parity(const uint8_t *sector, const char *what, unsigned n)
{
	uint8_t now[CD_MAIN_SIZE], prev[CD_MAIN_SIZE];

	memcpy(now, sector, CD_MAIN_SIZE);
	memcpy(prev, sector, CD_MAIN_SIZE);
	cd_sector_compute_ecc(now);
	prev_compute_ecc(prev);
	for (size_t i = CD_ECC_P_OFFSET; i < CD_MAIN_SIZE; i++)
		if (now[i] != prev[i])
			ck_abort_msg("%s %u: byte %zu: %02x, previously %02x", what, n, i, now[i],
				     prev[i]);
	ck_assert_mem_eq(now, sector, CD_ECC_P_OFFSET);
}

/*
 * One nonzero byte at each position the parity covers (12 to 2247, P's
 * parity included since Q covers it): every symbol's path into P and Q,
 * the gather's offsets and the overlapping last vector of each code.
 */
START_TEST(each_byte_alone)
{
	uint8_t sector[CD_MAIN_SIZE];

	for (unsigned at = CD_HEADER_OFFSET; at < CD_ECC_Q_OFFSET; at++) {
		memset(sector, 0, sizeof(sector));
		sector[at] = (uint8_t)(rnd() | 1);
		assert_same_parity(sector, "byte", at);
	}
}
END_TEST

/* Random sectors, all-ones and all-zero ones; then encoded sectors pass the syndrome check. */
START_TEST(random_sectors)
{
	uint8_t sector[CD_MAIN_SIZE], data[CD_DATA_SIZE];

	for (unsigned n = 0; n < 300; n++) {
		for (size_t i = 0; i < CD_MAIN_SIZE; i++)
			sector[i] = n == 0 ? 0 : n == 1 ? 0xff : rnd();
		assert_same_parity(sector, "sector", n);
	}
	for (int32_t lba = -150; lba < 150; lba += 7) {
		for (size_t i = 0; i < CD_DATA_SIZE; i++)
			data[i] = rnd();
		cd_sector_encode_mode1(sector, lba, data);
		ck_assert_msg(tl_verify_mode1(sector, lba) == NULL, "LBA %d: %s", lba,
			      tl_verify_mode1(sector, lba));
		assert_same_parity(sector, "LBA", (unsigned)(lba + 150));
	}
}
END_TEST

/* Mode 2 Form 1: the parity over a zero header, the real header put back. */
START_TEST(mode2_form1)
{
	static const uint8_t sub[4] = { 1, 2, 0x08, 0 };
	uint8_t sector[CD_MAIN_SIZE], data[CD_DATA_SIZE], zeroed[CD_MAIN_SIZE];

	for (int32_t lba = 0; lba < 40; lba++) {
		for (size_t i = 0; i < CD_DATA_SIZE; i++)
			data[i] = rnd();
		cd_sector_encode_mode2(sector, lba, sub, data);
		ck_assert_msg(tl_verify_mode2(sector, lba) == NULL, "LBA %d: %s", lba,
			      tl_verify_mode2(sector, lba));
		memcpy(zeroed, sector, CD_MAIN_SIZE);
		memset(zeroed + CD_HEADER_OFFSET, 0, 4);
		prev_compute_ecc(zeroed);
		ck_assert_mem_eq(sector + CD_ECC_P_OFFSET, zeroed + CD_ECC_P_OFFSET,
				 CD_MAIN_SIZE - CD_ECC_P_OFFSET);
	}
}
END_TEST

static void
setup(void)
{
	prev_init();
}

TL_SUITE(cd_ecc_suite, "cd-ecc",
	 TL_CASE("parity", setup, NULL),
	 TL_RUN(each_byte_alone, random_sectors, mode2_form1))

TL_MAIN(cd_ecc_suite)
