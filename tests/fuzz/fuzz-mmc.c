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
#include "mmc.h"

enum fuzz_parser {
	FUZZ_REPLY_LENGTH,
	FUZZ_SENSE,
	FUZZ_INQUIRY,
	FUZZ_CONFIGURATION,
	FUZZ_MODE_PAGES,
	FUZZ_MODE_FIRST_PAGE,
	FUZZ_PAGE05,
	FUZZ_PAGE2A,
	FUZZ_DISC_INFO,
	FUZZ_ATIP,
	FUZZ_TOC,
	FUZZ_TRACK_INFO,
	FUZZ_WRITE_SPEEDS,
	FUZZ_MEDIA_EVENT,
	FUZZ_PARSERS
};

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
configuration(const uint8_t *buf, size_t n)
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
page05(const uint8_t *buf, size_t n)
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *buf = data + 2;
	size_t n;

	if (size < 2)
		return 0;
	n = size - 2;
	switch (data[0] % FUZZ_PARSERS) {
	case FUZZ_REPLY_LENGTH:
		(void)mmc_reply_length(opcodes[data[1] % sizeof(opcodes)], buf, n);
		break;
	case FUZZ_SENSE:
		sense(buf, n, data[1]);
		break;
	case FUZZ_INQUIRY: {
		struct mmc_inquiry q;

		if (mmc_parse_inquiry(buf, n, &q) == 0) {
			printable(q.vendor, 8);
			printable(q.product, 16);
			printable(q.revision, 4);
		}
		break;
	}
	case FUZZ_CONFIGURATION:
		configuration(buf, n);
		break;
	case FUZZ_MODE_PAGES:
		mode_pages(buf, n, data[1]);
		break;
	case FUZZ_MODE_FIRST_PAGE: {
		size_t off = mmc_mode_first_page(buf, n);

		fuzz_assert(off == 0 || (off >= MMC_MODE_HEADER_LEN && off < n));
		break;
	}
	case FUZZ_PAGE05:
		page05(buf, n);
		break;
	case FUZZ_PAGE2A: {
		struct mmc_page2a p;

		if (mmc_parse_page2a(buf, n, &p) == 0)
			fuzz_assert(p.n_write_speeds <= MMC_MAX_SPEEDS);
		break;
	}
	case FUZZ_DISC_INFO: {
		struct mmc_disc_info d;

		(void)mmc_parse_disc_info(buf, n, &d);
		break;
	}
	case FUZZ_ATIP: {
		struct mmc_atip a;

		(void)mmc_parse_atip(buf, n, &a);
		break;
	}
	case FUZZ_TOC: {
		struct mmc_toc t;

		if (mmc_parse_toc(buf, n, &t) == 0)
			fuzz_assert(t.n_entries <= MMC_MAX_TOC + 1);
		break;
	}
	case FUZZ_TRACK_INFO: {
		struct mmc_track_info t;

		(void)mmc_parse_track_info(buf, n, &t);
		break;
	}
	case FUZZ_WRITE_SPEEDS:
		write_speeds(buf, n, data[1]);
		break;
	case FUZZ_MEDIA_EVENT: {
		struct mmc_media_event e;

		(void)mmc_parse_media_event(buf, n, &e);
		break;
	}
	}
	return 0;
}
