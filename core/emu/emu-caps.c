#include "config.h"

#include <string.h>

#include "emu-private.h"

void
emu_caps_page05_default(uint8_t *p)
{
	memset(p, 0, MMC_PAGE05_LEN);
	p[0] = 0x05;
	p[1] = MMC_PAGE05_LEN - 2;
	p[2] = 0x40 | 0x01;	/* BUFE, TAO: what drives power up with */
	p[4] = 0x08;		/* Mode 1 */
	p[5] = 7;		/* link size */
	mmc_put16(p + 14, 150);
}

static uint16_t
current_write_kbs(const struct emu_drive *d)
{
	const uint16_t *s = emu_media_speeds(d);
	uint16_t best = 0;

	for (; *s; s++)
		if (*s <= d->st.write_kbs || best == 0)
			best = *s;
	return best;
}

void
emu_caps_inquiry(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[36] = { 0 };

	if (cmd->cdb[1] & 0x01) {	/* no vital product data pages */
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	r[0] = 0x05;
	r[1] = 0x80;
	r[2] = 0x05;
	r[3] = 0x02;
	r[4] = sizeof(r) - 5;
	memcpy(r + 8, "BURNFS  ", 8);
	memcpy(r + 16, "Emulated CD-RW  ", 16);
	memcpy(r + 32, "1.0 ", 4);
	emu_send_in(cmd, r, sizeof(r), cmd->cdb[4]);
}

/* Appends a feature descriptor; returns the new offset. */
static size_t
feature(uint8_t *r, size_t off, uint16_t code, uint8_t version, bool persistent, bool current,
	const uint8_t *data, uint8_t len)
{
	mmc_put16(r + off, code);
	r[off + 2] = (uint8_t)(version << 2 | (persistent ? 0x02 : 0) | (current ? 0x01 : 0));
	r[off + 3] = len;
	if (len)
		memcpy(r + off + 4, data, len);
	return off + 4 + len;
}

void
emu_caps_get_configuration(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[512] = { 0 };
	uint8_t rt = cmd->cdb[1] & 0x03;
	uint16_t start = mmc_get16(cmd->cdb + 2);
	size_t off = 8;
	bool present = emu_media_present(d) && !(d->cfg.faults & EMU_FAULT_NOT_READY);
	uint16_t profile = present ? d->st.media->profile : MMC_PROFILE_NONE;
	bool writable = present && d->st.media->writable;
	struct emu_toc toc;
	bool readable = present && emu_media_disc_recorded(d) && emu_toc_load(d, &toc) == 0;
	bool raw = !(d->cfg.faults & EMU_FAULT_NO_RAW);
	bool rw = raw && !(d->cfg.faults & EMU_FAULT_NO_RW);
	uint8_t profiles[12], core[8] = { 0, 0, 0, 2, 0x01, 0, 0, 0 };
	uint8_t morph[4] = { 0x02 }, removable[4], random[8] = { 0, 0, 0x08, 0, 0, 1, 0, 0 };
	/* CD Read: CD-TEXT (READ TOC format 5), no C2 error flags */
	uint8_t cdread[4] = { 0x01 }, mastering[4], rts[4] = { 0x02 };
	/* TAO: BUF, Test Write; data block types 0 (audio) and 8 (Mode 1), a bit each */
	static const uint8_t tao[4] = { 0x40 | 0x04, 0, 0x01, 0x01 };
	static const uint16_t profile_codes[] = { MMC_PROFILE_CDRW, MMC_PROFILE_CDR,
						  MMC_PROFILE_CDROM };
	struct {
		uint16_t code;
		uint8_t version;
		bool current;
		const uint8_t *data;
		uint8_t len;
	} feats[] = {
		{ 0x0000, 0, true, profiles, sizeof(profiles) },
		{ 0x0001, 2, true, core, sizeof(core) },
		{ 0x0002, 1, true, morph, sizeof(morph) },
		{ 0x0003, 0, true, removable, sizeof(removable) },
		{ 0x0010, 0, readable, random, sizeof(random) },
		{ 0x001d, 0, readable, NULL, 0 },
		{ 0x001e, 2, readable, cdread, sizeof(cdread) },
		{ 0x002d, 2, writable, tao, sizeof(tao) },
		{ 0x002e, 1, writable, mastering, sizeof(mastering) },
		{ 0x0100, 0, true, NULL, 0 },
		{ 0x0107, 3, writable, rts, sizeof(rts) },
	};

	if (rt == 3) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		mmc_put16(profiles + 4 * i, profile_codes[i]);
		profiles[4 * i + 2] = profile_codes[i] == profile ? 0x01 : 0x00;
		profiles[4 * i + 3] = 0;
	}
	memset(removable, 0, sizeof(removable));
	removable[0] = (uint8_t)(1 << 5 | 0x10 | 0x08 | 0x01 |
				 (emu_media_prevent_active(d) ? 0x04 : 0));
	/*
	 * RAW, session-at-once and track-at-once are written; RAW MS with RAW:
	 * a RAW stream may also append a session, from the next lead-in
	 * (doc/reference/tao.md §5). R-W: raw sub-channel in RAW; R-W from
	 * the host in SAO; none in TAO.
	 */
	memset(mastering, 0, sizeof(mastering));
	mastering[0] = (uint8_t)(0x40 | 0x20 | 0x04 | 0x02 | (raw ? 0x08 | 0x10 : 0) |
				 (rw ? 0x01 : 0));
	mmc_put16(mastering + 2, MMC_CUE_MAX_LEN);	/* maximum cue sheet length, 24 bits */

	for (size_t i = 0; i < sizeof(feats) / sizeof(feats[0]); i++) {
		if (rt == 2 && feats[i].code != start)
			continue;
		if (rt != 2 && feats[i].code < start)
			continue;
		if (rt == 1 && !feats[i].current)
			continue;
		off = feature(r, off, feats[i].code, feats[i].version,
			      feats[i].code <= 0x0003 || feats[i].code == 0x0100, feats[i].current,
			      feats[i].data, feats[i].len);
	}
	mmc_put32(r, (uint32_t)(off - 4));
	mmc_put16(r + 6, profile);
	emu_send_in(cmd, r, off, mmc_get16(cmd->cdb + 7));
}

static size_t
page_2a(struct emu_drive *d, uint8_t *p)
{
	const uint16_t *speeds = emu_media_speeds(d);
	size_t n = 0;

	while (speeds[n])
		n++;
	memset(p, 0, 32 + 4 * n);
	p[0] = 0x2a;
	p[1] = (uint8_t)(30 + 4 * n);
	p[2] = 0x03;
	p[3] = 0x07;
	/*
	 * Reading as emu-read.c answers it: discs of several sessions (byte 4
	 * bit 6), Mode 2 Form 1 and Form 2, no audio play, no C2 pointers;
	 * R-W raw and de-interleaved, ISRC, UPC, accurate CD-DA.
	 */
	p[4] = 0xf0;
	p[5] = 0x6f;
	p[6] = (uint8_t)(1 << 5 | 0x08 | 0x01 | (emu_media_prevent_active(d) ? 0x02 : 0));
	mmc_put16(p + 8, EMU_DRIVE_MAX_READ_KBS);
	mmc_put16(p + 12, EMU_DRIVE_BUFFER_KB);
	mmc_put16(p + 14, EMU_DRIVE_MAX_READ_KBS);
	mmc_put16(p + 18, emu_media_max_speed(d->st.media));
	mmc_put16(p + 20, current_write_kbs(d));
	p[27] = d->st.rotation;
	mmc_put16(p + 28, current_write_kbs(d));
	mmc_put16(p + 30, (uint16_t)n);
	/* descriptors fastest first, as drives list them */
	for (size_t i = 0; i < n; i++) {
		p[32 + 4 * i + 1] = d->st.rotation;
		mmc_put16(p + 32 + 4 * i + 2, speeds[n - 1 - i]);
	}
	return 32 + 4 * n;
}

static size_t
page_01(uint8_t *p)
{
	memset(p, 0, 12);
	p[0] = 0x01;
	p[1] = 10;
	return 12;
}

void
emu_caps_mode_sense(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[256] = { 0 };
	uint8_t page = cmd->cdb[2] & 0x3f, pc = cmd->cdb[2] >> 6;
	size_t off = MMC_MODE_HEADER_LEN;

	if (pc == 3) {
		emu_fail(d, cmd, MMC_SENSE_SAVING_PARAMETERS_NOT_SUPPORTED);
		return;
	}
	if (page == 0x01 || page == 0x3f) {
		size_t n = page_01(r + off);

		if (pc == 1)
			memset(r + off + 2, 0, n - 2);
		off += n;
	}
	if (page == 0x05 || page == 0x3f) {
		if (pc == 0) {
			memcpy(r + off, d->st.page05, MMC_PAGE05_LEN);
		} else if (pc == 2) {
			emu_caps_page05_default(r + off);
		} else {
			r[off] = 0x05;
			r[off + 1] = MMC_PAGE05_LEN - 2;
			memset(r + off + 2, 0xff, MMC_PAGE05_LEN - 2);
		}
		off += MMC_PAGE05_LEN;
	}
	if (page == 0x2a || page == 0x3f) {
		size_t n = page_2a(d, r + off);

		if (pc == 1)
			memset(r + off + 2, 0, n - 2);
		off += n;
	}
	if (off == MMC_MODE_HEADER_LEN) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	mmc_put16(r, (uint16_t)(off - 2));
	emu_send_in(cmd, r, off, mmc_get16(cmd->cdb + 7));
}

/* Which write type / data block type pairs this drive takes (doc/reference/mmc.md §5.3). */
static bool
page05_acceptable(const struct emu_drive *d, const uint8_t *p)
{
	uint8_t wt = p[2] & 0x0f, dbt = p[4] & 0x0f, ms = p[3] >> 6;

	if (ms == 2)
		return false;
	switch (wt) {
	case MMC_WRITE_TYPE_TAO:
		/* TAO: Mode 1, Mode 2 Form 1 (2048), audio (2352) tracks (doc/reference/tao.md) */
		return emu_tao_block_size(dbt) != 0;
	case 2:
		/*
		 * SAO: the cue sheet says what each block holds; the data block
		 * type is the one the tools probe with (cdrecord: Mode 1; the raw
		 * ones for its SAO/R16, /R96P, /R96R)
		 */
		return dbt == 0 || dbt == 8 || (dbt <= 3 && emu_write_raw_dbt_supported(d, dbt));
	case 3:	/* RAW */
		return dbt >= 1 && dbt <= 3 && emu_write_raw_dbt_supported(d, dbt);
	default:
		return false;
	}
}

/*
 * A page with no changeable field (2A, 01) at @p, @plen bytes: sending
 * back the current values is fine, changing any of them is refused (SPC).
 */
static bool
page_unchanged(struct emu_drive *d, const uint8_t *p, size_t plen)
{
	uint8_t cur[128];
	size_t n = (p[0] & 0x3f) == 0x2a ? page_2a(d, cur) : page_01(cur);

	return plen == n && memcmp(cur + 2, p + 2, n - 2) == 0;
}

void
emu_caps_mode_select(struct emu_drive *d, struct mmc_cmd *cmd)
{
	const uint8_t *b = cmd->buf;
	size_t len = mmc_get16(cmd->cdb + 7), off, plen;

	if (!(cmd->cdb[1] & 0x10) || (cmd->cdb[1] & 0x01)) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	if (len > cmd->len)
		len = cmd->len;
	if (len < MMC_MODE_HEADER_LEN + 2 || !b) {
		emu_fail(d, cmd, MMC_SENSE_PARAMETER_LIST_LENGTH_ERROR);
		return;
	}
	off = MMC_MODE_HEADER_LEN + mmc_get16(b + 6);
	if (off + 2 > len) {
		emu_fail(d, cmd, MMC_SENSE_PARAMETER_LIST_LENGTH_ERROR);
		return;
	}
	plen = (size_t)b[off + 1] + 2;
	if (off + plen > len) {
		emu_fail(d, cmd, MMC_SENSE_PARAMETER_LIST_LENGTH_ERROR);
		return;
	}
	if ((b[off] & 0x80) == 0 && ((b[off] & 0x3f) == 0x2a || (b[off] & 0x3f) == 0x01)) {
		if (!page_unchanged(d, b + off, plen)) {
			emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_PARAMETER_LIST);
			return;
		}
		cmd->xfer = len;
		cmd->status = MMC_STATUS_GOOD;
		return;
	}
	if ((b[off] & 0x80) || (b[off] & 0x3f) != 0x05 ||
	    (plen != MMC_PAGE05_LEN && plen != MMC_PAGE05_LEN + 4) ||
	    !page05_acceptable(d, b + off)) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_PARAMETER_LIST);
		return;
	}
	memcpy(d->st.page05, b + off, MMC_PAGE05_LEN);
	d->st.page05[1] = MMC_PAGE05_LEN - 2;
	d->dirty = true;
	cmd->xfer = len;
	cmd->status = MMC_STATUS_GOOD;
}

void
emu_caps_get_performance(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t r[8 + 16 * 8] = { 0 };
	const uint16_t *s = emu_media_speeds(d);
	uint16_t max = mmc_get16(cmd->cdb + 8);
	size_t n = 0, alloc;
	int32_t end = 0;

	if (cmd->cdb[10] != 0x03 && cmd->cdb[10] != 0x00) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	if (cmd->cdb[10] == 0x00) {
		/* nominal performance: one descriptor, read speed over the disc */
		mmc_put32(r, 4 + 16);
		mmc_put32(r + 8 + 4, EMU_DRIVE_MAX_READ_KBS);
		mmc_put32(r + 8 + 12, EMU_DRIVE_MAX_READ_KBS);
		emu_send_in(cmd, r, 24, 24);
		return;
	}
	if (emu_media_present(d) && d->st.media->writable)
		end = cd_msf_to_lba(d->st.media->leadout.m, d->st.media->leadout.s,
				    d->st.media->leadout.f);
	/* fastest first, like real drives; the header announces them all */
	while (s[n])
		n++;
	for (size_t i = 0; i < n && i < max && i < 8; i++) {
		uint8_t *p = r + 8 + 16 * i;

		p[0] = (uint8_t)(d->st.rotation << 3);
		mmc_put32(p + 4, (uint32_t)end);
		mmc_put32(p + 8, EMU_DRIVE_MAX_READ_KBS);
		mmc_put32(p + 12, s[n - 1 - i]);
	}
	mmc_put32(r, (uint32_t)(4 + 16 * n));
	if (n > max)
		n = max;
	if (n > 8)
		n = 8;
	alloc = (size_t)max * 16 + 8;
	emu_send_in(cmd, r, 8 + 16 * n, alloc);
}

void
emu_caps_set_cd_speed(struct emu_drive *d, struct mmc_cmd *cmd)
{
	uint8_t rotation = cmd->cdb[1] & 0x03;
	uint16_t want = mmc_get16(cmd->cdb + 4);

	if (rotation > 1) {
		emu_fail(d, cmd, MMC_SENSE_INVALID_FIELD_IN_CDB);
		return;
	}
	d->st.rotation = rotation;
	d->st.write_kbs = want;	/* the drive snaps it to the media when it writes */
	d->dirty = true;
	emu_good(cmd);
}
