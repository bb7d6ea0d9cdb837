#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "subchannel.h"

static uint16_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void
crc_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint16_t c = (uint16_t)(i << 8);

		for (int k = 0; k < 8; k++)
			c = (uint16_t)((c & 0x8000) ? (c << 1) ^ 0x1021 : c << 1);
		crc_table[i] = c;
	}
}

uint16_t
subq_crc16(const uint8_t *buf, size_t len)
{
	uint16_t crc = 0;

	pthread_once(&crc_once, crc_init);
	while (len--)
		crc = (uint16_t)((crc << 8) ^ crc_table[(crc >> 8) ^ *buf++]);
	return crc;
}

void
subq_set_crc(uint8_t *q)
{
	uint16_t crc = (uint16_t)~subq_crc16(q, 10);

	q[10] = (uint8_t)(crc >> 8);
	q[11] = (uint8_t)crc;
}

bool
subq_crc_ok(const uint8_t *q)
{
	return subq_crc16(q, SUBQ_SIZE) == SUBQ_CRC_RESIDUE;
}

void
subq_put_msf(uint8_t *dst, int32_t lba)
{
	struct cd_msf msf = cd_lba_to_msf(lba);

	dst[0] = cd_to_bcd(msf.m);
	dst[1] = cd_to_bcd(msf.s);
	dst[2] = cd_to_bcd(msf.f);
}

static void
put_frames(uint8_t *dst, int32_t frames)
{
	if (frames < 0)
		frames = 0;
	dst[0] = cd_to_bcd((unsigned)(frames / CD_FRAMES_PER_MINUTE) % 100);
	dst[1] = cd_to_bcd((unsigned)(frames / CD_FRAMES_PER_SECOND) % 60);
	dst[2] = cd_to_bcd((unsigned)frames % CD_FRAMES_PER_SECOND);
}

void
subq_build_position(uint8_t *q, uint8_t control, unsigned tno, unsigned index,
		    int32_t relative, int32_t lba)
{
	q[0] = (uint8_t)(control << 4 | SUBQ_ADR_POSITION);
	q[1] = tno == SUBQ_TNO_LEADOUT ? SUBQ_TNO_LEADOUT : cd_to_bcd(tno);
	q[2] = cd_to_bcd(index);
	put_frames(q + 3, relative);
	q[6] = 0;
	subq_put_msf(q + 7, lba);
	subq_set_crc(q);
}

void
subq_build_toc(uint8_t *q, uint8_t control, uint8_t point, int32_t lba,
	       const uint8_t pfield[3])
{
	q[0] = (uint8_t)(control << 4 | SUBQ_ADR_POSITION);
	q[1] = SUBQ_TNO_LEADIN;
	q[2] = point;
	subq_put_msf(q + 3, lba);
	q[6] = 0;
	memcpy(q + 7, pfield, 3);
	subq_set_crc(q);
}

void
subq_build_mcn(uint8_t *q, uint8_t control, const char *mcn, int32_t lba)
{
	memset(q, 0, SUBQ_SIZE);
	q[0] = (uint8_t)(control << 4 | SUBQ_ADR_MCN);
	for (unsigned i = 0; i < SUBQ_MCN_LEN; i++) {
		uint8_t d = (uint8_t)(mcn[i] - '0');

		q[1 + i / 2] |= (uint8_t)(i % 2 ? d : d << 4);
	}
	q[9] = cd_to_bcd(cd_lba_to_msf(lba).f);
	subq_set_crc(q);
}

static uint8_t
isrc_code(char c)
{
	if (c >= '0' && c <= '9')
		return (uint8_t)(c - '0');
	return (uint8_t)(c - 'A' + 17);
}

static char
isrc_char(uint8_t code)
{
	if (code <= 9)
		return (char)('0' + code);
	if (code >= 17 && code <= 42)
		return (char)('A' + code - 17);
	return 0;
}

bool
subq_isrc_valid(const char *isrc)
{
	if (strlen(isrc) != SUBQ_ISRC_LEN)
		return false;
	for (unsigned i = 0; i < 5; i++)
		if (!((isrc[i] >= '0' && isrc[i] <= '9') || (isrc[i] >= 'A' && isrc[i] <= 'Z')))
			return false;
	for (unsigned i = 5; i < SUBQ_ISRC_LEN; i++)
		if (isrc[i] < '0' || isrc[i] > '9')
			return false;
	return true;
}

void
subq_build_isrc(uint8_t *q, uint8_t control, const char *isrc, int32_t lba)
{
	uint8_t c[5];

	memset(q, 0, SUBQ_SIZE);
	q[0] = (uint8_t)(control << 4 | SUBQ_ADR_ISRC);
	for (unsigned i = 0; i < 5; i++)
		c[i] = isrc_code(isrc[i]);
	q[1] = (uint8_t)(c[0] << 2 | c[1] >> 4);
	q[2] = (uint8_t)(c[1] << 4 | c[2] >> 2);
	q[3] = (uint8_t)(c[2] << 6 | c[3]);
	q[4] = (uint8_t)(c[4] << 2);
	for (unsigned i = 0; i < 7; i++) {
		uint8_t d = (uint8_t)(isrc[5 + i] - '0');

		q[5 + i / 2] |= (uint8_t)(i % 2 ? d : d << 4);
	}
	q[9] = cd_to_bcd(cd_lba_to_msf(lba).f);
	subq_set_crc(q);
}

static bool
get_msf_lba(const uint8_t *src, int32_t *lba)
{
	if (!cd_bcd_valid(src[0]) || !cd_bcd_valid(src[1]) || !cd_bcd_valid(src[2]))
		return false;
	*lba = cd_msf_to_lba((uint8_t)cd_from_bcd(src[0]), (uint8_t)cd_from_bcd(src[1]),
			     (uint8_t)cd_from_bcd(src[2]));
	return true;
}

static int
parse_position(const uint8_t *q, struct subq *out)
{
	out->tno = q[1];
	if (q[1] != SUBQ_TNO_LEADOUT) {
		if (!cd_bcd_valid(q[1]))
			return -EINVAL;
		out->tno = (uint8_t)cd_from_bcd(q[1]);
	}
	out->point = q[2];
	if (out->tno == SUBQ_TNO_LEADIN) {
		/* running time: either absolute (9x:xx:xx) or relative; accept both */
		if (!get_msf_lba(q + 3, &out->lba))
			return -EINVAL;
		for (int i = 0; i < 3; i++)
			out->p[i] = q[7 + i];
		if (q[2] == SUBQ_POINT_FIRST_TRACK || q[2] == SUBQ_POINT_LAST_TRACK) {
			if (!cd_bcd_valid(q[7]))
				return -EINVAL;
			out->p[0] = (uint8_t)cd_from_bcd(q[7]);
			return 0;
		}
		for (int i = 0; i < 3; i++) {
			if (!cd_bcd_valid(q[7 + i]))
				return -EINVAL;
			out->p[i] = (uint8_t)cd_from_bcd(q[7 + i]);
		}
		if (q[2] != SUBQ_POINT_LEADOUT && (!cd_bcd_valid(q[2]) || q[2] == 0))
			return -EINVAL;
		return 0;
	}
	if (!cd_bcd_valid(q[2]) || !cd_bcd_valid(q[3]) || !cd_bcd_valid(q[4]) ||
	    !cd_bcd_valid(q[5]))
		return -EINVAL;
	out->index = (uint8_t)cd_from_bcd(q[2]);
	out->relative = ((int32_t)cd_from_bcd(q[3]) * 60 + (int32_t)cd_from_bcd(q[4])) *
		CD_FRAMES_PER_SECOND + (int32_t)cd_from_bcd(q[5]);
	if (!get_msf_lba(q + 7, &out->lba))
		return -EINVAL;
	return 0;
}

int
subq_parse(const uint8_t *q, struct subq *out)
{
	memset(out, 0, sizeof(*out));
	out->control = q[0] >> 4;
	out->adr = q[0] & 0x0f;
	switch (out->adr) {
	case SUBQ_ADR_POSITION:
		return parse_position(q, out);
	case SUBQ_ADR_MCN:
		for (unsigned i = 0; i < SUBQ_MCN_LEN; i++) {
			uint8_t d = i % 2 ? q[1 + i / 2] & 0x0f : q[1 + i / 2] >> 4;

			if (d > 9)
				return -EINVAL;
			out->mcn[i] = (char)('0' + d);
		}
		return 0;
	case SUBQ_ADR_ISRC: {
		uint8_t c[5] = {
			(uint8_t)(q[1] >> 2),
			(uint8_t)((q[1] & 0x03) << 4 | q[2] >> 4),
			(uint8_t)((q[2] & 0x0f) << 2 | q[3] >> 6),
			(uint8_t)(q[3] & 0x3f),
			(uint8_t)(q[4] >> 2),
		};

		for (unsigned i = 0; i < 5; i++) {
			out->isrc[i] = isrc_char(c[i]);
			if (!out->isrc[i])
				return -EINVAL;
		}
		for (unsigned i = 0; i < 7; i++) {
			uint8_t d = i % 2 ? q[5 + i / 2] & 0x0f : q[5 + i / 2] >> 4;

			if (d > 9)
				return -EINVAL;
			out->isrc[5 + i] = (char)('0' + d);
		}
		return 0;
	}
	default:
		return -EINVAL;
	}
}

void
subchannel_encode(enum cd_sector_type type, uint8_t *sub, const uint8_t *q, bool p)
{
	if (type == CD_SECTOR_PQ) {
		memcpy(sub, q, SUBQ_SIZE);
		memset(sub + SUBQ_SIZE, 0, 4);
		sub[15] = p ? 0x80 : 0;
		return;
	}
	for (unsigned i = 0; i < SUBQ_SIZE; i++) {
		uint8_t byte = q[i];
		uint8_t *dst = sub + 8 * i;

		for (unsigned j = 0; j < 8; j++)
			dst[j] = (uint8_t)((p ? 0x80 : 0) | (((byte >> (7 - j)) & 1) << 6));
	}
}

int
subchannel_extract_q(enum cd_sector_type type, const uint8_t *sub, uint8_t *q, bool *p)
{
	if (type == CD_SECTOR_PQ) {
		memcpy(q, sub, SUBQ_SIZE);
		if (p)
			*p = (sub[15] & 0x80) != 0;
		if (subq_crc_ok(q))
			return 0;
		if (subq_crc16(q, SUBQ_SIZE) == 0) {
			/* non-inverted, as cdrdao and libburn send it */
			q[10] = (uint8_t)~q[10];
			q[11] = (uint8_t)~q[11];
			return 0;
		}
		return -EBADMSG;
	}
	unsigned pbits = 0;

	for (unsigned i = 0; i < SUBQ_SIZE; i++) {
		const uint8_t *src = sub + 8 * i;
		uint8_t byte = 0;

		for (unsigned j = 0; j < 8; j++) {
			byte = (uint8_t)(byte << 1 | ((src[j] >> 6) & 1));
			pbits += src[j] >> 7;
		}
		q[i] = byte;
	}
	if (p)
		*p = pbits >= SUBCHANNEL_PW_SIZE / 2;
	return subq_crc_ok(q) ? 0 : -EBADMSG;
}

void
subchannel_to_raw96(enum cd_sector_type type, const uint8_t *sub, uint8_t *raw96)
{
	uint8_t q[SUBQ_SIZE];
	bool p;

	if (type != CD_SECTOR_PQ) {
		memcpy(raw96, sub, SUBCHANNEL_PW_SIZE);
		return;
	}
	subchannel_extract_q(type, sub, q, &p);
	subchannel_encode(CD_SECTOR_RAW, raw96, q, p);
}
