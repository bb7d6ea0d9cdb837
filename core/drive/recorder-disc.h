/*
 * Reading the disc in the drive back: its table of contents with the
 * numbers its Q sub-channel carries, and its sectors in the forms readers
 * want (doc/design.md §6, the mount's disc/). Every call asks the drive;
 * whoever shows the disc keeps what it needs. The disc is described by the
 * struct image_toc the encoder and decoder share, so what is read back
 * compares field for field with what was burned.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "image-cdtext.h"
#include "image-disc.h"
#include "recorder.h"

/* Commands a read is retried with before a sector counts as unreadable. */
#define RECORDER_DISC_READ_TRIES 3

/* The largest @count recorder_disc_read() sends in one command. */
#define RECORDER_DISC_READ_MAX 27	/* 64 KB of 2352-byte sectors: what sr sends */

/*
 * The table of contents of the disc in @r into @toc: the tracks (control,
 * start, pre-gap as index 00 of the Q sub-channel, end at the next track's
 * pre-gap or the lead-out), the lead-out, the MCN and the ISRCs (READ
 * SUB-CHANNEL; "" when the drive gives none), the CD-TEXT titles and
 * performers (READ TOC format 5; "" without). Index 01 only: index_count
 * is 1. Track 1's pre-gap before LBA 0 is not counted (pregap_lba ==
 * start_lba). Returns 1 with a recorded disc; 0 with no medium, a blank or
 * an unfinished one (@toc zeroed: first_track 0); or -errno.
 */
int recorder_disc_toc(struct recorder *r, struct image_toc *toc, struct burn_error *err);

/*
 * The disc's CD-TEXT packs as the drive gives them (READ TOC format 5),
 * in sequence order from 0, into @packs (CDTEXT_MAX_PACKS of them, the
 * caller's): the number of packs up to the first missing sequence number;
 * 0 when the disc or the drive has none; -ENOMEM.
 */
int recorder_disc_cdtext(struct recorder *r, uint8_t (*packs)[CDTEXT_PACK_SIZE]);

/* What recorder_disc_read() returns of each sector. */
enum recorder_read_form {
	RECORDER_READ_USER_DATA,	/* 2048 bytes: Mode 1 user data (READ(10)) */
	RECORDER_READ_MAIN,		/* 2352 bytes: the main channel (READ CD) */
	RECORDER_READ_MAIN_SUB,		/* 2352 + 96 bytes: with the raw P-W sub-channel */
};

/* Bytes per sector of @form. */
size_t recorder_read_form_size(enum recorder_read_form form);

/*
 * Reads @count sectors (RECORDER_DISC_READ_MAX at most) from @lba in
 * @form into @buf (the caller's, @count x recorder_read_form_size()). A
 * failed read is tried again sector by sector, each up to
 * RECORDER_DISC_READ_TRIES times. Returns the number of sectors read:
 * @count, or fewer when a later sector could not be read (a read from
 * there fails); -errno with the drive's sense in words in @err when the
 * first cannot be read.
 */
int recorder_disc_read(struct recorder *r, int32_t lba, uint32_t count,
		       enum recorder_read_form form, uint8_t *buf, struct burn_error *err);
