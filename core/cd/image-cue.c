#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cd.h"
#include "image-cue.h"
#include "image-private.h"

/* Whether @text fits on one cue line: no control byte (a newline would start a command). */
static bool
cue_representable(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/*
 * A CD-TEXT line. Cue sheets have no escapes: '"' becomes '\'' (the
 * text still reads the same), and a text with a control byte in it
 * cannot be written at all, so it is left out with a REM saying so.
 */
static void
cue_text(FILE *f, const char *indent, const char *cmd, const char *text)
{
	if (!text[0])
		return;
	if (!cue_representable(text)) {
		fprintf(f, "%sREM %s left out: the disc's text holds control characters a cue sheet cannot carry\n",
			indent, cmd);
		return;
	}
	fprintf(f, "%s%s \"", indent, cmd);
	for (const char *p = text; *p; p++)
		fputc(*p == '"' ? '\'' : *p, f);
	fputs("\"\n", f);
}

/* CATALOG and ISRC are codes of digits and letters: anything else is left out. */
static void
cue_code(FILE *f, const char *indent, const char *cmd, const char *code)
{
	for (const char *p = code; *p; p++) {
		if (!isalnum((unsigned char)*p)) {
			fprintf(f, "%sREM %s left out: the disc's code is not made of digits and letters\n",
				indent, cmd);
			return;
		}
	}
	if (code[0])
		fprintf(f, "%s%s %s\n", indent, cmd, code);
}

/*
 * The CD-TEXT of the disc (@track 0) or a track after its TITLE and
 * PERFORMER: SONGWRITER, COMPOSER, ARRANGER, MESSAGE, then the disc's
 * DISC_ID, GENRE and a UPC_EAN other than its CATALOG. A track's CD-TEXT
 * ISRC other than its ISRC has no cue command: a REM says what it is.
 */
static void
cue_more_text(FILE *f, const char *indent, const struct image_toc *toc, unsigned track)
{
	for (unsigned i = IMAGE_TEXT_SONGWRITER; i < IMAGE_TEXT_FIELDS; i++) {
		enum image_text_field field = (enum image_text_field)i;
		const char *text = image_toc_text(toc, track, field);

		if (!text[0] || image_toc_text_is_q_code(toc, track, field))
			continue;
		if (field == IMAGE_TEXT_CODE && track) {
			if (cue_representable(text))
				fprintf(f, "%sREM the CD-TEXT gives ISRC %s\n", indent, text);
			continue;
		}
		if (field == IMAGE_TEXT_CODE) {
			cue_code(f, indent, "UPC_EAN", text);
			continue;
		}
		cue_text(f, indent, image_text_field_name(field, track), text);
	}
}

int
image_toc_write_cue(FILE *f, const char *bin_name, const struct image_toc *toc)
{
	char msf[16];
	bool multi = toc->last_track >= 1 && toc->last_track <= IMAGE_MAX_TRACKS &&
		     toc->track[toc->last_track].session > 1;

	if (!cue_representable(bin_name) || strchr(bin_name, '"'))
		return -EINVAL;
	cue_code(f, "", "CATALOG", toc->mcn);
	cue_text(f, "", "PERFORMER", image_toc_text(toc, 0, IMAGE_TEXT_PERFORMER));
	cue_text(f, "", "TITLE", image_toc_text(toc, 0, IMAGE_TEXT_TITLE));
	cue_more_text(f, "", toc, 0);
	fprintf(f, "FILE \"%s\" BINARY\n", bin_name);
	for (unsigned n = toc->first_track; n && n <= toc->last_track; n++) {
		const struct image_toc_track *t = &toc->track[n];
		bool data = image_toc_track_is_data(t);

		/* the sessions of a multi-session disc, as CDRWIN-style cue sheets mark them */
		if (multi && (n == toc->first_track || t->session != toc->track[n - 1].session))
			fprintf(f, "  REM SESSION %02u\n", t->session ? t->session : 1);
		fprintf(f, "  TRACK %02u %s\n", n, !data ? "AUDIO" :
			toc->track[n].mode == 2 ? "MODE2/2352" : "MODE1/2352");
		/* DCP, 4CH and PRE are audio flags; a data track's bit 0 means incremental */
		if (!data && (t->control & 0xb))
			fprintf(f, "    FLAGS%s%s%s\n", t->control & 0x2 ? " DCP" : "",
				t->control & 0x8 ? " 4CH" : "", t->control & 0x1 ? " PRE" : "");
		cue_text(f, "    ", "TITLE", image_toc_text(toc, n, IMAGE_TEXT_TITLE));
		cue_text(f, "    ", "PERFORMER", image_toc_text(toc, n, IMAGE_TEXT_PERFORMER));
		cue_more_text(f, "    ", toc, n);
		cue_code(f, "    ", "ISRC", t->isrc);
		if (t->pregap_lba < t->start_lba && t->start_lba > 0) {
			image_msf_text(msf, sizeof(msf), t->pregap_lba);
			fprintf(f, "    INDEX 00 %s\n", msf);
		}
		for (unsigned i = 1; i <= t->index_count && i <= IMAGE_MAX_INDEX; i++) {
			image_msf_text(msf, sizeof(msf), t->index_lba[i]);
			fprintf(f, "    INDEX %02u %s\n", i, msf);
		}
	}
	if (fflush(f) != 0 || ferror(f))
		return -EIO;
	return 0;
}
