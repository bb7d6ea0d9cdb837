#include "config.h"

#include <pthread.h>

#include "rawcd-private.h"
#include "rawcd-read.h"

/* A write, or a session about to write, has the drive. Lock held. */
static int
refuse_while_writing_locked(const struct rawcd *w, struct burn_error *err)
{
	if (w->session_name[0])
		return burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				      "the disc cannot be read while %s is open for writing",
				      w->session_name);
	if (rawcd_writing_locked(w) || w->blanking)
		return burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				      "the disc cannot be read while it is being %s",
				      w->blanking ? "blanked" : "written");
	return 0;
}

int
rawcd_read_toc(struct rawcd *w, struct image_toc *toc, struct burn_error *err)
{
	int ret;

	pthread_mutex_lock(&w->mu);
	ret = refuse_while_writing_locked(w, err);
	if (ret == 0)
		ret = recorder_disc_toc(w->rec, toc, err);
	pthread_mutex_unlock(&w->mu);
	return ret;
}

int
rawcd_read_sectors(struct rawcd *w, int32_t lba, uint32_t count,
		   enum recorder_read_form form, uint8_t *buf, struct burn_error *err)
{
	int ret;

	pthread_mutex_lock(&w->mu);
	ret = refuse_while_writing_locked(w, err);
	if (ret == 0)
		ret = recorder_disc_read(w->rec, lba, count, form, buf, err);
	pthread_mutex_unlock(&w->mu);
	return ret;
}


int
rawcd_read_cdtext(struct rawcd *w, uint8_t (*packs)[CDTEXT_PACK_SIZE], struct burn_error *err)
{
	int ret;

	pthread_mutex_lock(&w->mu);
	ret = refuse_while_writing_locked(w, err);
	if (ret == 0) {
		ret = recorder_disc_cdtext(w->rec, packs);
		if (ret < 0)
			burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the disc's CD-TEXT");
	}
	pthread_mutex_unlock(&w->mu);
	return ret;
}
