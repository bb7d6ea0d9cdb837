/*
 * Cue sheets for a struct image_toc whose program area is stored as one
 * .bin of 2352-byte sectors starting at LBA 0 (what `burnfs-image extract`
 * and the emulated recorder write).
 */
#pragma once

#include <stdio.h>

#include "image-disc.h"

/*
 * Writes the cue sheet of @toc to @f (the caller's, left open), naming
 * @bin_name (used as given: pass a base name) as the single BINARY file.
 * A caller that wants a header line ("REM written by ...") prints it first.
 * Text from the disc that a cue sheet cannot carry (a CD-TEXT field with a
 * control byte, an MCN or ISRC that is not alphanumeric) is left out with
 * a REM line that says so; a '"' in CD-TEXT becomes '\''.
 * Track 1's first 150 sectors are not in the .bin, so its INDEX 00 is left
 * out; the other tracks' pre-gaps become INDEX 00. Returns 0, -EINVAL when
 * @bin_name holds a control byte or '"', or -EIO.
 */
int image_toc_write_cue(FILE *f, const char *bin_name, const struct image_toc *toc);
