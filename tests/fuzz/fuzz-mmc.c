/*
 * libFuzzer target: the MMC reply parsers and sense decoding (core/mmc/mmc.h).
 * The drive is not trusted, so every parser gets replies of any length and
 * content. Byte 0 picks the parser, byte 1 is its parameter (an opcode, an
 * output size), the rest is the reply as the transport received it: the
 * parser gets exactly those bytes, so ASan sees any read past them.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mmc-read.h"
#include "mmc.h"

static const uint8_t opcodes[] = {
	MMC_GET_CONFIGURATION, MMC_GET_PERFORMANCE, MMC_MODE_SENSE_10, MMC_READ_DISC_INFO,
	MMC_READ_TOC, MMC_READ_TRACK_INFO, MMC_GET_EVENT_STATUS, MMC_INQUIRY,
	MMC_REQUEST_SENSE, MMC_READ_BUFFER_CAPACITY,
};

/* Exactly @n bytes on the heap (at least one), so ASan sees any overrun of the output. */
static void *
exact(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

static void
printable(const char *s, size_t max)
{
	fuzz_assert(strlen(s) <= max);
	for (; *s; s++)
		fuzz_assert(*s >= 0x20 && *s < 0x7f);
}

static void
reply_length(const uint8_t *buf, size_t n, unsigned param)
{
	(void)mmc_reply_length(opcodes[param % sizeof(opcodes)], buf, n);
}

static void
sense(const uint8_t *buf, size_t n, unsigned param)
{
	size_t size = param % 100;
	char *text = exact(size);
	struct mmc_sense s;

	if (mmc_sense_parse(buf, n, &s) < 0)
		fuzz_assert(s.key == 0 && s.asc == 0 && !s.has_progress);
	fuzz_assert(s.key <= 0x0f);
	fuzz_assert(mmc_sense_key_text(s.key) != NULL);
	fuzz_assert(mmc_sense_describe(&s, text, size) > 0);
	if (size)
		fuzz_assert(memchr(text, '\0', size) != NULL);
	free(text);
}

static void
inquiry(const uint8_t *buf, size_t n, unsigned param)
{
	struct mmc_inquiry q;

	if (mmc_parse_inquiry(buf, n, &q) == 0) {
		printable(q.vendor, 8);
		printable(q.product, 16);
		printable(q.revision, 4);
	}
}

static void
configuration(const uint8_t *buf, size_t n, unsigned param)
{
	struct mmc_config c;

	if (mmc_parse_configuration(buf, n, &c) < 0)
		return;
	fuzz_assert(c.n_profiles <= MMC_MAX_PROFILES && c.n_features <= MMC_MAX_FEATURES);
	for (size_t i = 0; i < c.n_profiles; i++)
		(void)mmc_profile_name(c.profiles[i].code);
	for (size_t i = 0; i < c.n_features; i++)
		(void)mmc_feature_name(c.features[i].code);
	(void)mmc_profile_name(c.current_profile);
}

static void
mode_pages(const uint8_t *buf, size_t n, unsigned param)
{
	size_t max = param % 70;
	uint8_t *pages = exact(max);
	int count = mmc_parse_mode_pages(buf, n, pages, max);

	fuzz_assert(count == -EPROTO || (count >= 0 && (size_t)count <= max));
	for (int i = 0; i < count; i++)
		fuzz_assert(pages[i] <= 0x3f);
	free(pages);
}

static void
mode_first_page(const uint8_t *buf, size_t n, unsigned param)
{
	size_t off = mmc_mode_first_page(buf, n);

	fuzz_assert(off == 0 || (off >= MMC_MODE_HEADER_LEN && off < n));
}

static void
page05(const uint8_t *buf, size_t n, unsigned param)
{
	uint8_t out[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
	struct mmc_page05 p;
	size_t off;

	if (mmc_parse_page05(buf, n, &p) < 0)
		return;
	/* MODE SELECT keeps the drive's other bytes: built from the page as read */
	off = mmc_mode_first_page(buf, n);
	fuzz_assert(off > 0 && off < n);
	fuzz_assert(mmc_build_page05(&p, buf + off, n - off, out) == sizeof(out));
	fuzz_assert(out[MMC_MODE_HEADER_LEN] == 0x05);
}

static void
write_speeds(const uint8_t *buf, size_t n, unsigned param)
{
	size_t max = param % (2 * MMC_MAX_SPEEDS);
	uint16_t *kbs = exact(max * sizeof(*kbs));
	int count = mmc_parse_write_speeds(buf, n, kbs, max);

	fuzz_assert(count == -EPROTO || (count >= 0 && (size_t)count <= max));
	for (int i = 0; i < count; i++)
		fuzz_assert(kbs[i] > 0 && (i == 0 || kbs[i - 1] < kbs[i]));
	free(kbs);
}

/*
 * name(): mmc_parse_name() of the reply into a struct mmc_name; when that
 * succeeds, @invariant, an expression of the result `r`, must hold. Most of
 * these parsers promise nothing beyond reading only the reply (ASan's part).
 */
#define PARSE_INTO_STRUCT(name, invariant) \
	static void \
	name(const uint8_t *buf, size_t n, unsigned param) \
	{ \
		struct mmc_##name r; \
		\
		if (mmc_parse_##name(buf, n, &r) == 0 && !(invariant)) \
			fuzz_fail(__FILE__, __LINE__, #invariant); \
	}

PARSE_INTO_STRUCT(page2a, r.n_write_speeds <= MMC_MAX_SPEEDS)
PARSE_INTO_STRUCT(disc_info, true)
PARSE_INTO_STRUCT(atip, true)
PARSE_INTO_STRUCT(toc, r.n_entries <= MMC_MAX_TOC + 1)
PARSE_INTO_STRUCT(track_info, true)
PARSE_INTO_STRUCT(media_event, true)
/* the reading commands' replies (mmc-read.h): the numbers always end in a NUL */
PARSE_INTO_STRUCT(mcn, strlen(r.number) < sizeof(r.number))
PARSE_INTO_STRUCT(isrc, strlen(r.code) < sizeof(r.code))
PARSE_INTO_STRUCT(position, true)
PARSE_INTO_STRUCT(session_info, true)

static void
capacity(const uint8_t *buf, size_t n, unsigned param)
{
	uint32_t block;
	int32_t last;

	if (mmc_parse_capacity(buf, n, &last, &block) < 0 && (last != 0 || block != 0))
		fuzz_fail(__FILE__, __LINE__, "a refused capacity reply leaves 0");
}

static void
toc_msf(const uint8_t *buf, size_t n, unsigned param)
{
	struct cd_msf msf[MMC_MAX_TOC + 1];
	struct mmc_toc r;

	if (mmc_parse_toc_msf(buf, n, &r, msf) == 0 && r.n_entries > MMC_MAX_TOC + 1)
		fuzz_fail(__FILE__, __LINE__, "r.n_entries <= MMC_MAX_TOC + 1");
}

/*
 * Byte 0 of an input picks one by its index, modulo their number:
 * make-mmc-seeds.c's SEL_* and the committed seeds use these numbers, so a
 * new parser goes at the end.
 */
static fuzz_parse_fn *const parsers[] = {
	reply_length, sense, inquiry, configuration, mode_pages, mode_first_page, page05,
	page2a, disc_info, atip, toc, track_info, write_speeds, media_event,
	mcn, isrc, position, session_info, capacity, toc_msf,
};

FUZZ_PICK_TARGET(parsers)
