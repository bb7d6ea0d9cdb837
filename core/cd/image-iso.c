/*
 * ISO 9660 images: the primary volume descriptor says how long the data
 * track is, read from a file or from the first bytes of a stream. The
 * descriptor's fields are read with libcdio's libiso9660 accessors; only
 * fetching its sector is ours, because a burn/ stream is still arriving.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <cdio/iso9660.h>

#include "image-private.h"
#include "subchannel.h"

#define ISO_PVD_OFFSET ((uint64_t)ISO_PVD_SECTOR * ISO_BLOCKSIZE)

_Static_assert(sizeof(iso9660_pvd_t) == ISO_BLOCKSIZE, "a volume descriptor is one sector");

int
image_iso_parse(struct image_file *f, struct image_probe *in, struct burn_error *err)
{
	iso9660_pvd_t pvd;
	uint64_t volume;
	int block;
	int ret;

	ret = image_disc_probe_read(in, ISO_PVD_OFFSET, &pvd, sizeof(pvd), err);
	if (ret == -ENODATA ||
	    (!ret && (iso9660_get_pvd_type(&pvd) != ISO_VD_PRIMARY ||
		      memcmp(iso9660_get_pvd_id(&pvd), ISO_STANDARD_ID, strlen(ISO_STANDARD_ID)) != 0)))
		return image_disc_fail(err,
				       "%s: no ISO 9660 primary volume descriptor at sector 16",
				       in->name);
	if (ret < 0)
		return ret;
	volume = (uint32_t)iso9660_get_pvd_space_size(&pvd);
	block = iso9660_get_pvd_block_size(&pvd);
	if (block != CD_DATA_SIZE)
		return image_disc_fail(err, "%s: ISO logical block size is %d, a CD needs 2048",
				       in->name, block);
	if (in->size != IMAGE_SIZE_UNKNOWN && volume * CD_DATA_SIZE != in->size)
		return image_disc_fail(err,
				       "%s: ISO volume size in the primary volume descriptor is %" PRIu64 " sectors (%" PRIu64 " bytes) but the file is %" PRIu64 " bytes",
				       in->name, volume, volume * CD_DATA_SIZE, in->size);
	f->data_offset = 0;
	f->data_length = volume * CD_DATA_SIZE;
	return 0;
}

void
image_iso_track(struct image_disc *disc)
{
	struct image_track_src *src = &disc->src[1];

	src->kind = IMAGE_TRACK_MODE1_2048;
	src->file = 0;
	src->file_offset = 0;
	src->file_bytes = disc->files[0].data_length;
	src->file_sectors = (uint32_t)(src->file_bytes / CD_DATA_SIZE);
	disc->toc.track[1].control = SUBQ_CONTROL_DATA;
	disc->toc.track[1].mode = 1;
	disc->toc.track[1].index_count = 1;
	disc->toc.first_track = disc->toc.last_track = 1;
}
