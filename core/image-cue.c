#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cd.h"
#include "image-cue.h"

static void
cue_msf(char *buf, size_t size, int32_t frames)
{
	if (frames < 0)
		frames = 0;
	snprintf(buf, size, "%02d:%02d:%02d", frames / CD_FRAMES_PER_MINUTE,
		 (frames / CD_FRAMES_PER_SECOND) % 60, frames % CD_FRAMES_PER_SECOND);
}

/* A CD-TEXT line; cue sheets have no escape for '"', so it becomes '\''. */
static void
cue_text(FILE *f, const char *indent, const char *cmd, const char *text)
{
	if (!text[0])
		return;
	fprintf(f, "%s%s \"", indent, cmd);
	for (const char *p = text; *p; p++)
		fputc(*p == '"' ? '\'' : *p, f);
	fputs("\"\n", f);
}

int
image_toc_write_cue(FILE *f, const char *bin_name, const struct image_toc *toc)
{
	char msf[16];

	if (toc->mcn[0])
		fprintf(f, "CATALOG %s\n", toc->mcn);
	cue_text(f, "", "PERFORMER", toc->performer);
	cue_text(f, "", "TITLE", toc->title);
	fprintf(f, "FILE \"%s\" BINARY\n", bin_name);
	for (unsigned n = toc->first_track; n && n <= toc->last_track; n++) {
		const struct image_toc_track *t = &toc->track[n];
		bool data = image_toc_track_is_data(t);

		fprintf(f, "  TRACK %02u %s\n", n, data ? "MODE1/2352" : "AUDIO");
		/* DCP, 4CH and PRE are audio flags; a data track's bit 0 means incremental */
		if (!data && (t->control & 0xb))
			fprintf(f, "    FLAGS%s%s%s\n", t->control & 0x2 ? " DCP" : "",
				t->control & 0x8 ? " 4CH" : "", t->control & 0x1 ? " PRE" : "");
		cue_text(f, "    ", "TITLE", t->title);
		cue_text(f, "    ", "PERFORMER", t->performer);
		if (t->isrc[0])
			fprintf(f, "    ISRC %s\n", t->isrc);
		if (t->pregap_lba < t->start_lba && t->start_lba > 0) {
			cue_msf(msf, sizeof(msf), t->pregap_lba);
			fprintf(f, "    INDEX 00 %s\n", msf);
		}
		for (unsigned i = 1; i <= t->index_count && i <= IMAGE_MAX_INDEX; i++) {
			cue_msf(msf, sizeof(msf), t->index_lba[i]);
			fprintf(f, "    INDEX %02u %s\n", i, msf);
		}
	}
	if (fflush(f) != 0 || ferror(f))
		return -EIO;
	return 0;
}
