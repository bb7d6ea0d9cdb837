/*
 * Mode 1 sector coding. The parity follows directly from the check
 * equations of ECMA-130 Annex A (doc/reference/mmc.md §11.3): a codeword
 * v_0..v_{n+1} must satisfy sum(v_i) = 0 and sum(a^(n+1-i) v_i) = 0.
 * With S0 = sum of the n data symbols and H = sum(a^(n-1-i) v_i) (Horner),
 * the two parity symbols solve
 *	v_n + v_{n+1} = S0,  a*v_n + v_{n+1} = a^2*H
 * so v_n = (S0 + a^2 H) / (a + 1) and v_{n+1} = S0 + v_n.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "cd-sector.h"

#define GF_POLY 0x11d
#define SCRAMBLE_LEN (CD_MAIN_SIZE - CD_SCRAMBLE_OFFSET)

/* Words of 2 bytes from byte 12 on: P covers 0..1117+parity, Q 0..1169. */
#define P_COLUMNS 43
#define P_DATA 24
#define Q_DIAGONALS 26
#define Q_DATA 43

/* byte offset of row k mod 26 of P's matrix, k < 52: Q walks a column from any row, wrapping */
static uint16_t q_row_at[2 * Q_DIAGONALS];
static uint8_t gf_inv_a1;	/* 1 / (a + 1) */
static uint8_t scramble_table[SCRAMBLE_LEN];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static const uint8_t sync_pattern[CD_SYNC_SIZE] = {
	0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
};

static uint8_t
gf_mul_slow(uint8_t a, uint8_t b)
{
	unsigned r = 0, x = a;

	while (b) {
		if (b & 1)
			r ^= x;
		x <<= 1;
		if (x & 0x100)
			x ^= GF_POLY;
		b >>= 1;
	}
	return (uint8_t)r;
}

static void
tables_init(void)
{
	unsigned reg = 1;

	for (unsigned k = 0; k < 2 * Q_DIAGONALS; k++)
		q_row_at[k] = (uint16_t)(2 * P_COLUMNS * (k % Q_DIAGONALS));
	/* a + 1 = 3; its inverse is found by search, 256 tries at most */
	for (unsigned i = 1; i < 256; i++)
		if (gf_mul_slow((uint8_t)i, 3) == 1)
			gf_inv_a1 = (uint8_t)i;

	for (unsigned i = 0; i < SCRAMBLE_LEN; i++) {
		uint8_t byte = 0;

		for (int bit = 0; bit < 8; bit++) {
			byte |= (uint8_t)((reg & 1) << bit);
			reg = (reg >> 1) | (((reg ^ (reg >> 1)) & 1) << 14);
		}
		scramble_table[i] = byte;
	}
}

static inline void
tables_ready(void)
{
	pthread_once(&tables_once, tables_init);
}

bool
cd_sector_has_sync(const uint8_t *sector)
{
	return memcmp(sector, sync_pattern, CD_SYNC_SIZE) == 0;
}

/*
 * GF(2^8) arithmetic on 16 symbols at once (GCC vector extensions: SSE2 on
 * x86-64, NEON on ARM, plain words elsewhere; the lanes never mix): times
 * a, and times a constant.
 */
typedef uint8_t gf_vec __attribute__((vector_size(16)));
typedef int8_t gf_svec __attribute__((vector_size(16)));

static inline gf_vec
gf_vec_load(const uint8_t *p)
{
	gf_vec v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void
gf_vec_store(uint8_t *p, gf_vec v)
{
	memcpy(p, &v, sizeof(v));
}

/* x + x shifts each symbol left; where bit 7 fell out (sign set), add the polynomial */
static inline gf_vec
gf_vec_mul_a(gf_vec x)
{
	return (x + x) ^ ((gf_vec)((gf_svec)x < 0) & (uint8_t)(GF_POLY & 0xff));
}

static inline gf_vec
gf_vec_mul_const(gf_vec x, uint8_t c)
{
	gf_vec r = { 0 };

	for (; c; c >>= 1) {
		if (c & 1)
			r ^= x;
		x = gf_vec_mul_a(x);
	}
	return r;
}

/*
 * Parity of codewords whose data symbols are @n_rows rows of @width (16 to
 * 96) bytes, @stride apart from @rows: byte j of every row is a symbol of
 * codeword j. The first parity symbols go to @p0, the second to @p1, @width
 * bytes each. 16 codewords per vector, all vectors of a row side by side so
 * their Horner chains overlap; when @width is not a multiple of 16 the last
 * vector overlaps the one before (those codewords are computed twice, alike).
 */
static inline void
rspc_parity(const uint8_t *rows, size_t stride, unsigned n_rows, unsigned width, uint8_t *p0,
	    uint8_t *p1)
{
	enum { MAX_VECS = 6 };
	unsigned n = (width + 15) / 16, at[MAX_VECS];
	gf_vec s0[MAX_VECS] = { { 0 } }, h[MAX_VECS] = { { 0 } };

	for (unsigned k = 0; k < n; k++)
		at[k] = 16 * k + 16 <= width ? 16 * k : width - 16;
	for (unsigned r = 0; r < n_rows; r++)
#pragma GCC unroll 6
		for (unsigned k = 0; k < n; k++) {
			gf_vec v = gf_vec_load(rows + r * stride + at[k]);

			s0[k] ^= v;
			h[k] = gf_vec_mul_a(h[k]) ^ v;
		}
	for (unsigned k = 0; k < n; k++) {
		gf_vec out0 = gf_vec_mul_const(s0[k] ^ gf_vec_mul_a(gf_vec_mul_a(h[k])), gf_inv_a1);

		gf_vec_store(p0 + at[k], out0);
		gf_vec_store(p1 + at[k], s0[k] ^ out0);
	}
}

/*
 * P parity: the 26 x 43 word matrix from byte 12 has column c = codeword c,
 * so each row of 86 bytes holds one symbol of all 86 P codewords, in place.
 */
static void
ecc_p(uint8_t *sector)
{
	rspc_parity(sector + CD_HEADER_OFFSET, 2 * P_COLUMNS, P_DATA, 2 * P_COLUMNS,
		    sector + CD_ECC_P_OFFSET, sector + CD_ECC_P_OFFSET + 2 * P_COLUMNS);
}

/*
 * Q parity: symbol i of diagonal d is word (44 i + 43 d) mod 1118, which is
 * 43 ((i + d) mod 26) + i: row (i + d) mod 26, column i of P's matrix.
 * Gather symbol i of all 26 diagonals into row i (column i from row i mod 26
 * on, wrapping to row 0), then code the 43 rows together.
 */
static void
ecc_q(uint8_t *sector)
{
	const uint8_t *base = sector + CD_HEADER_OFFSET;
	uint8_t rows[Q_DATA][2 * Q_DIAGONALS];

	for (unsigned i = 0; i < Q_DATA; i++) {
		const uint8_t *column = base + 2 * i;
		const uint16_t *at = q_row_at + i % Q_DIAGONALS;
		uint8_t *dst = rows[i];

		for (unsigned d = 0; d < Q_DIAGONALS; d++)
			memcpy(dst + 2 * d, column + at[d], 2);
	}
	rspc_parity(&rows[0][0], 2 * Q_DIAGONALS, Q_DATA, 2 * Q_DIAGONALS,
		    sector + CD_ECC_Q_OFFSET, sector + CD_ECC_Q_OFFSET + 2 * Q_DIAGONALS);
}

void
cd_sector_compute_ecc(uint8_t *sector)
{
	tables_ready();
	ecc_p(sector);
	ecc_q(sector);
}

static void
write_header(uint8_t *sector, int32_t lba, uint8_t mode)
{
	struct cd_msf msf = cd_lba_to_msf(lba);

	sector[12] = cd_to_bcd(msf.m);
	sector[13] = cd_to_bcd(msf.s);
	sector[14] = cd_to_bcd(msf.f);
	sector[15] = mode;
}

void
cd_sector_write_header(uint8_t *sector, int32_t lba, uint8_t mode)
{
	memcpy(sector, sync_pattern, CD_SYNC_SIZE);
	write_header(sector, lba, mode);
}

static void
put_edc(uint8_t *sector, size_t from, size_t len, size_t at)
{
	uint32_t edc = cd_edc(sector + from, len);

	sector[at + 0] = (uint8_t)edc;
	sector[at + 1] = (uint8_t)(edc >> 8);
	sector[at + 2] = (uint8_t)(edc >> 16);
	sector[at + 3] = (uint8_t)(edc >> 24);
}

void
cd_sector_encode_mode1(uint8_t *sector, int32_t lba, const uint8_t *data)
{
	tables_ready();
	memcpy(sector, sync_pattern, CD_SYNC_SIZE);
	write_header(sector, lba, 1);
	if (!data)
		memset(sector + CD_MODE1_DATA_OFFSET, 0, CD_DATA_SIZE);
	else if (data != sector + CD_MODE1_DATA_OFFSET)
		memcpy(sector + CD_MODE1_DATA_OFFSET, data, CD_DATA_SIZE);
	put_edc(sector, 0, CD_EDC_OFFSET, CD_EDC_OFFSET);
	memset(sector + CD_EDC_OFFSET + 4, 0, 8);
	ecc_p(sector);
	ecc_q(sector);
}

void
cd_sector_scramble(uint8_t *sector)
{
	uint8_t *s = sector + CD_SCRAMBLE_OFFSET;
	unsigned i = 0;

	tables_ready();
	for (; i + 8 <= SCRAMBLE_LEN; i += 8) {
		uint64_t a, b;

		memcpy(&a, s + i, 8);
		memcpy(&b, scramble_table + i, 8);
		a ^= b;
		memcpy(s + i, &a, 8);
	}
	for (; i < SCRAMBLE_LEN; i++)
		s[i] ^= scramble_table[i];
}

void
cd_scrambler_sequence(uint8_t *out, size_t len)
{
	tables_ready();
	if (len > SCRAMBLE_LEN)
		len = SCRAMBLE_LEN;
	memcpy(out, scramble_table, len);
}

/* Damage of the sync and the header of a sector of @mode (address against @expected_lba). */
static unsigned
check_sync_header(const uint8_t *sector, uint8_t mode, const int32_t *expected_lba)
{
	unsigned damage = 0;

	if (!cd_sector_has_sync(sector))
		damage |= CD_DAMAGE_SYNC;
	if (sector[15] != mode || !cd_bcd_valid(sector[12]) || !cd_bcd_valid(sector[13]) ||
	    !cd_bcd_valid(sector[14]))
		damage |= CD_DAMAGE_HEADER;
	else if (expected_lba) {
		int32_t lba = cd_msf_to_lba((uint8_t)cd_from_bcd(sector[12]),
			(uint8_t)cd_from_bcd(sector[13]), (uint8_t)cd_from_bcd(sector[14]));

		if (lba != *expected_lba)
			damage |= CD_DAMAGE_ADDRESS;
	}
	return damage;
}

/* Whether the 4 bytes at @at are the EDC of the @len bytes from @from. */
static bool
edc_ok(const uint8_t *sector, size_t from, size_t len, size_t at)
{
	uint32_t edc = cd_edc(sector + from, len);

	return sector[at] == (uint8_t)edc && sector[at + 1] == (uint8_t)(edc >> 8) &&
	       sector[at + 2] == (uint8_t)(edc >> 16) && sector[at + 3] == (uint8_t)(edc >> 24);
}

/* Whether the P and Q parity of @sector (header zeroed first when @zero_header) match. */
static bool
ecc_ok(const uint8_t *sector, bool zero_header)
{
	uint8_t parity[CD_MAIN_SIZE];

	/* recompute the parity on a copy; P feeds Q, so Q needs P's stored bytes */
	memcpy(parity, sector, CD_MAIN_SIZE);
	if (zero_header)
		memset(parity + CD_HEADER_OFFSET, 0, 4);
	ecc_p(parity);
	if (memcmp(parity + CD_ECC_P_OFFSET, sector + CD_ECC_P_OFFSET,
		   CD_ECC_Q_OFFSET - CD_ECC_P_OFFSET) != 0)
		return false;
	ecc_q(parity);
	return memcmp(parity + CD_ECC_Q_OFFSET, sector + CD_ECC_Q_OFFSET,
		      CD_MAIN_SIZE - CD_ECC_Q_OFFSET) == 0;
}

unsigned
cd_sector_check_mode1(const uint8_t *sector, const int32_t *expected_lba)
{
	unsigned damage;

	tables_ready();
	damage = check_sync_header(sector, 1, expected_lba);
	if (!edc_ok(sector, 0, CD_EDC_OFFSET, CD_EDC_OFFSET))
		damage |= CD_DAMAGE_EDC;
	if (!ecc_ok(sector, false))
		damage |= CD_DAMAGE_ECC;
	return damage;
}

void
cd_sector_finish_mode2(uint8_t *sector, int32_t lba)
{
	uint8_t header[4];

	tables_ready();
	memcpy(sector, sync_pattern, CD_SYNC_SIZE);
	write_header(sector, lba, 2);
	if (sector[CD_MODE2_SUBHEADER_OFFSET + 2] & CD_SUBMODE_FORM2) {
		put_edc(sector, CD_MODE2_SUBHEADER_OFFSET, CD_FORM2_EDC_OFFSET - 16,
			CD_FORM2_EDC_OFFSET);
		return;
	}
	put_edc(sector, CD_MODE2_SUBHEADER_OFFSET, CD_FORM1_EDC_OFFSET - 16, CD_FORM1_EDC_OFFSET);
	/* the parity of a Mode 2 sector is computed with its header as zeros */
	memcpy(header, sector + CD_HEADER_OFFSET, 4);
	memset(sector + CD_HEADER_OFFSET, 0, 4);
	ecc_p(sector);
	ecc_q(sector);
	memcpy(sector + CD_HEADER_OFFSET, header, 4);
}

void
cd_sector_encode_mode2(uint8_t *sector, int32_t lba, const uint8_t subheader[4],
		       const uint8_t *data)
{
	size_t len = subheader[2] & CD_SUBMODE_FORM2 ? CD_FORM2_DATA_SIZE : CD_DATA_SIZE;

	if (!data)
		memset(sector + CD_MODE2_DATA_OFFSET, 0, len);
	else if (data != sector + CD_MODE2_DATA_OFFSET)
		memmove(sector + CD_MODE2_DATA_OFFSET, data, len);
	memcpy(sector + CD_MODE2_SUBHEADER_OFFSET, subheader, 4);
	memcpy(sector + CD_MODE2_SUBHEADER_OFFSET + 4, subheader, 4);
	cd_sector_finish_mode2(sector, lba);
}

unsigned
cd_sector_check_mode2(const uint8_t *sector, const int32_t *expected_lba, int *form)
{
	const uint8_t *sub = sector + CD_MODE2_SUBHEADER_OFFSET;
	unsigned damage;
	bool form2;

	tables_ready();
	damage = check_sync_header(sector, 2, expected_lba);
	if (memcmp(sub, sub + 4, 4) != 0)
		damage |= CD_DAMAGE_SUBHEADER;
	form2 = sub[2] & CD_SUBMODE_FORM2;
	if (form)
		*form = form2 ? 2 : 1;
	if (form2) {
		/* Form 2's EDC is optional: zero means none */
		static const uint8_t none[4];

		if (memcmp(sector + CD_FORM2_EDC_OFFSET, none, 4) != 0 &&
		    !edc_ok(sector, CD_MODE2_SUBHEADER_OFFSET, CD_FORM2_EDC_OFFSET - 16,
			    CD_FORM2_EDC_OFFSET))
			damage |= CD_DAMAGE_EDC;
		return damage;
	}
	if (!edc_ok(sector, CD_MODE2_SUBHEADER_OFFSET, CD_FORM1_EDC_OFFSET - 16,
		    CD_FORM1_EDC_OFFSET))
		damage |= CD_DAMAGE_EDC;
	if (!ecc_ok(sector, true))
		damage |= CD_DAMAGE_ECC;
	return damage;
}
