/*
 * The CD-ROM EDC (ECMA-130 §14.3): a CRC-32 with the polynomial
 * P(x) = x^32 + x^31 + x^16 + x^15 + x^4 + x^3 + x + 1, bits taken least
 * significant first (so the register shifts right and P is 0xd8018001 in
 * that order), initial value 0, nothing inverted at the end.
 *
 * Two implementations, chosen once at first use: lookup tables (slicing by
 * 8, any processor), and on x86-64 processors with PCLMULQDQ a carry-less
 * multiply that folds 64 bytes at a time (the method of Gopal et al., "Fast
 * CRC computation for generic polynomials using PCLMULQDQ", Intel 2009),
 * about six times as fast on a sector. The fold's constants are computed
 * here from P (edc_clmul_init() derives them).
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>

#include "cd-private.h"
#include "cd-sector.h"

#define EDC_POLY_REFLECTED 0xd8018001u

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_EDC_CLMUL 1
#endif

static uint32_t edc_table[8][256];
static pthread_once_t edc_once = PTHREAD_ONCE_INIT;
static uint32_t (*edc_impl)(const uint8_t *buf, size_t len);
static bool edc_clmul_ok;

/* The register @crc after the @len bytes at @buf; the tables are built. */
static uint32_t
edc_table_update(uint32_t crc, const uint8_t *buf, size_t len)
{
	/* slicing by 8: eight table lookups per 8 input bytes, no chain per byte */
	while (len >= 8) {
		uint32_t lo = crc ^ ((uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
				     (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24);
		uint32_t hi = (uint32_t)buf[4] | (uint32_t)buf[5] << 8 |
			      (uint32_t)buf[6] << 16 | (uint32_t)buf[7] << 24;

		crc = edc_table[7][lo & 0xff] ^ edc_table[6][(lo >> 8) & 0xff] ^
		      edc_table[5][(lo >> 16) & 0xff] ^ edc_table[4][lo >> 24] ^
		      edc_table[3][hi & 0xff] ^ edc_table[2][(hi >> 8) & 0xff] ^
		      edc_table[1][(hi >> 16) & 0xff] ^ edc_table[0][hi >> 24];
		buf += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ edc_table[0][(crc ^ *buf++) & 0xff];
	return crc;
}

#ifdef HAVE_EDC_CLMUL
#define EDC_CLMUL_TARGET __attribute__((target("pclmul,sse4.1")))

/*
 * The polynomials here are over GF(2). The message is one polynomial M(x),
 * its first bit (bit 0 of byte 0) the highest power, and the EDC is
 * M(x) x^32 mod P(x) with the coefficient of x^31 in bit 0.
 *
 * A 128-bit register (bit k: bit k % 8 of byte k / 8, as _mm_loadu_si128
 * puts 16 message bytes) holds the polynomial whose coefficient of
 * x^(127 - k) is bit k: in that order 16 bytes loaded from the message
 * are their own polynomial. Each 64-bit half in the same order: the low
 * half (bits 0-63) is the polynomial H of the high powers, the high half
 * L of the low ones, and the register is H x^64 + L.
 *
 * PCLMULQDQ of halves a and b (a's coefficient of x^(63 - i) in bit i, the
 * same for b) sets bit k of its result to the sum over i + j = k of
 * a_i b_j: the coefficient of x^(126 - k) of a(x) b(x). In the register's
 * order that is the polynomial a(x) b(x) x: one power more than the
 * product. A constant K of degree 31 or less put in the high 32 bits of a
 * half, clmul_const(e) below, therefore multiplies a half by
 * (x^e mod P) x, a polynomial of degree 95 at most.
 *
 * Folding. The register X stands for the bytes read so far (X = M mod P
 * would do; X only needs to be congruent). Reading 16 more bytes D gives
 *	X x^128 + D = H x^192 + L x^128 + D
 *	            = H (x^191 mod P) x + L (x^127 mod P) x + D   (mod P)
 * two multiplies and two XORs, the constants clmul_const(191) for the low
 * half and clmul_const(127) for the high one. Four registers for the four
 * 16-byte lanes of each 64 bytes fold by 512 bits the same way, with
 * clmul_const(575) and clmul_const(511), so four multiplies run side by
 * side instead of waiting for each other.
 *
 * Reduction of the last X to the EDC, X x^32 mod P:
 *	1. Y = H (x^95 mod P) x + L x^32, degree 95 at most: X x^32 = Y (mod P);
 *	2. with Y = A x^64 + B: Z = A (x^63 mod P) x + B, degree 63 at most;
 *	3. Barrett: with Z = Zh x^32 + Zl and mu = floor(x^64 / P) (degree 32),
 *	   the quotient q = floor(Z / P) is floor(Zh mu / x^32), exactly (the
 *	   polynomials carry no rounding), and the EDC is the low 32
 *	   coefficients of Z + q P = Zl + (q P mod x^32).
 * The 33-coefficient mu and P are kept bit-reversed over 33 bits, bit i
 * the coefficient of x^(32 - i) (as a half that is mu x^31, P x^31), and
 * Zh goes in the low 32 bits of a half (Zh x^32): their product is
 * Zh mu x^64 (PCLMULQDQ's extra power included), so q, the coefficients
 * x^32 to x^63 of Zh mu, lands in bits 31 to 0 of the result in the
 * register's order, ready for the next multiply: q x^32 times P x^31 (and
 * the extra x) is q P x^64, whose low 32 coefficients are bits 63 to 32 of
 * its low half.
 */
static struct {
	uint64_t fold512[2];	/* clmul_const(575), clmul_const(511) */
	uint64_t fold128[2];	/* clmul_const(191), clmul_const(127) */
	uint64_t reduce[2];	/* clmul_const(95), clmul_const(63) */
	uint64_t mu;		/* floor(x^64 / P), 33 bits reversed */
	uint64_t poly;		/* P, 33 bits reversed */
} edc_k;

/* The @n low bits of @v in reverse order. */
static uint64_t
reverse_bits(uint64_t v, unsigned n)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < n; i++)
		r |= ((v >> i) & 1) << (n - 1 - i);
	return r;
}

/*
 * x^@e mod P in the high 32 bits of a half: x^(31 - i) in bit 32 + i.
 * @p is P without its x^32, x^i in bit i.
 */
static uint64_t
clmul_const(uint32_t p, unsigned e)
{
	uint32_t r = 1;

	while (e--)
		r = (r << 1) ^ ((r >> 31) ? p : 0);
	return reverse_bits(r, 32) << 32;
}

static void
edc_clmul_init(void)
{
	uint32_t p = (uint32_t)reverse_bits(EDC_POLY_REFLECTED, 32);
	uint64_t p33 = (uint64_t)1 << 32 | p, rem, mu = (uint64_t)1 << 32;

	edc_k.fold512[0] = clmul_const(p, 575);
	edc_k.fold512[1] = clmul_const(p, 511);
	edc_k.fold128[0] = clmul_const(p, 191);
	edc_k.fold128[1] = clmul_const(p, 127);
	edc_k.reduce[0] = clmul_const(p, 95);
	edc_k.reduce[1] = clmul_const(p, 63);
	/* long division of x^64 by P: x^32 P taken off first leaves p x^32 */
	rem = (uint64_t)p << 32;
	for (unsigned bit = 63; bit >= 32; bit--)
		if ((rem >> bit) & 1) {
			mu |= (uint64_t)1 << (bit - 32);
			rem ^= p33 << (bit - 32);
		}
	edc_k.mu = reverse_bits(mu, 33);
	edc_k.poly = reverse_bits(p33, 33);
}

/* @x x^n + @data (mod P), @k holding the two constants of the distance n. */
EDC_CLMUL_TARGET static inline __m128i
fold(__m128i x, __m128i k, __m128i data)
{
	return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00),
					   _mm_clmulepi64_si128(x, k, 0x11)), data);
}

EDC_CLMUL_TARGET static inline __m128i
load(const uint8_t *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* The EDC of @len (16 or more) bytes at @buf. */
EDC_CLMUL_TARGET static uint32_t
edc_clmul(const uint8_t *buf, size_t len)
{
	const __m128i k128 = _mm_loadu_si128((const __m128i *)(const void *)edc_k.fold128);
	const __m128i kred = _mm_loadu_si128((const __m128i *)(const void *)edc_k.reduce);
	__m128i x, y, z;
	uint64_t zh, q, u;

	if (len >= 64) {
		const __m128i k512 =
			_mm_loadu_si128((const __m128i *)(const void *)edc_k.fold512);
		__m128i x0 = load(buf), x1 = load(buf + 16), x2 = load(buf + 32),
			x3 = load(buf + 48);

		for (buf += 64, len -= 64; len >= 64; buf += 64, len -= 64) {
			x0 = fold(x0, k512, load(buf));
			x1 = fold(x1, k512, load(buf + 16));
			x2 = fold(x2, k512, load(buf + 32));
			x3 = fold(x3, k512, load(buf + 48));
		}
		x = fold(fold(fold(x0, k128, x1), k128, x2), k128, x3);
	} else {
		x = load(buf);
		buf += 16;
		len -= 16;
	}
	for (; len >= 16; buf += 16, len -= 16)
		x = fold(x, k128, load(buf));

	/* 1: H (x^95 mod P) x + L x^32; L x^32 is X shifted by 32 bits, H's part cleared */
	y = _mm_and_si128(_mm_srli_si128(x, 4), _mm_set_epi32(0, -1, -1, 0));
	y = _mm_xor_si128(y, _mm_clmulepi64_si128(x, kred, 0x00));
	/* 2: A (x^63 mod P) x + B, in the high half */
	z = _mm_xor_si128(_mm_clmulepi64_si128(y, kred, 0x10),
			  _mm_and_si128(y, _mm_set_epi32(-1, -1, 0, 0)));
	/* 3: Barrett */
	zh = (uint64_t)_mm_extract_epi64(z, 1);
	q = (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(
		_mm_cvtsi64_si128((long long)(zh & 0xffffffffu)),
		_mm_cvtsi64_si128((long long)edc_k.mu), 0x00));
	u = (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(
		_mm_cvtsi64_si128((long long)(q & 0xffffffffu)),
		_mm_cvtsi64_si128((long long)edc_k.poly), 0x00));
	return edc_table_update((uint32_t)(zh >> 32) ^ (uint32_t)(u >> 32), buf, len);
}

/* Runs shorter than one 16-byte block go by the tables alone. */
static uint32_t
edc_clmul_any(const uint8_t *buf, size_t len)
{
	return len < 16 ? edc_table_update(0, buf, len) : edc_clmul(buf, len);
}
#endif

static void
edc_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ ((c & 1) ? EDC_POLY_REFLECTED : 0);
		edc_table[0][i] = c;
	}
	for (unsigned i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			edc_table[t][i] = (edc_table[t - 1][i] >> 8) ^
				edc_table[0][edc_table[t - 1][i] & 0xff];

	edc_impl = cd_edc_table;
#ifdef HAVE_EDC_CLMUL
	if (__builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1")) {
		edc_clmul_init();
		edc_clmul_ok = true;
		edc_impl = edc_clmul_any;
	}
#endif
}

uint32_t
cd_edc_table(const uint8_t *buf, size_t len)
{
	pthread_once(&edc_once, edc_init);
	return edc_table_update(0, buf, len);
}

bool
cd_edc_clmul_usable(void)
{
	pthread_once(&edc_once, edc_init);
	return edc_clmul_ok;
}

uint32_t
cd_edc_clmul(const uint8_t *buf, size_t len)
{
	pthread_once(&edc_once, edc_init);
#ifdef HAVE_EDC_CLMUL
	if (edc_clmul_ok)
		return edc_clmul_any(buf, len);
#endif
	return edc_table_update(0, buf, len);
}

uint32_t
cd_edc(const uint8_t *buf, size_t len)
{
	pthread_once(&edc_once, edc_init);
	return edc_impl(buf, len);
}
