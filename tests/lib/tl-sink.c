#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl-harness.h"
#include "tl-image.h"
#include "tl-sink.h"

void
tl_sink_init(struct tl_sink *s, enum cd_sector_type type)
{
	memset(s, 0, sizeof(*s));
	s->sector_size = cd_sector_type_size(type);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
}

void
tl_sink_expect(struct tl_sink *s, const char *path, enum cd_sector_type type, unsigned lead_in)
{
	s->ref = tl_open_encoder(path, type, lead_in, &s->ref_disc);
	tl_assert_ok(image_decoder_open(&s->dec, type, lead_in, NULL));
}

void
tl_sink_fini(struct tl_sink *s)
{
	/* the job is finished: nothing waits on the sink any more */
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	image_encoder_destroy(s->ref);
	image_disc_destroy(s->ref_disc);
	image_decoder_destroy(s->dec);
	free(s->ref_buf);
	free(s->kept);
}

static int
tl_sink_compare(struct tl_sink *s, const uint8_t *buf, size_t len, struct burn_error *err)
{
	struct burn_error ie;
	ssize_t n;

	if (len > s->ref_buf_size) {
		free(s->ref_buf);
		s->ref_buf = malloc(len);
		s->ref_buf_size = s->ref_buf ? len : 0;
		if (!s->ref_buf)
			return burn_error_set(err, BURN_E_OUTOFMEMORY, "test sink");
	}
	n = image_encoder_read(s->ref, s->ref_buf, len, &ie);
	if (n != (ssize_t)len) {
		snprintf(s->mismatch, sizeof(s->mismatch), "reference gave %zd of %zu bytes at "
			 "stream byte %llu", n, len, (unsigned long long)s->bytes);
		return burn_error_set(err, BURN_E_FAIL, "test sink: %s", s->mismatch);
	}
	for (size_t i = 0; i < len; i++)
		if (buf[i] != s->ref_buf[i]) {
			snprintf(s->mismatch, sizeof(s->mismatch), "stream byte %llu differs",
				 (unsigned long long)(s->bytes + i));
			return burn_error_set(err, BURN_E_FAIL, "test sink: %s", s->mismatch);
		}
	return 0;
}

static void
tl_sink_decode(struct tl_sink *s, const uint8_t *buf, size_t len)
{
	while (len) {
		size_t take = s->sector_size - s->have < len ? s->sector_size - s->have : len;

		memcpy(s->sector + s->have, buf, take);
		s->have += (unsigned)take;
		buf += take;
		len -= take;
		if (s->have < s->sector_size)
			continue;
		s->have = 0;
		if (image_decoder_feed(s->dec, s->sector, &s->info) != 0 || s->info.damage)
			s->damaged++;
		if (s->info.events & IMAGE_EVENT_TOC_COMPLETE)
			s->toc_events++;
	}
}

ssize_t
tl_sink_push(void *ctx, const void *buf, size_t len, struct burn_error *err)
{
	struct tl_sink *s = ctx;
	int ret;

	/* short counts are allowed: take at most 100,000 bytes per call */
	if (len > 100000)
		len = 100000;
	s->calls++;
	if (len > s->largest_call)
		s->largest_call = len;
	if (s->block) {
		pthread_mutex_lock(&s->lock);
		s->entered = true;
		pthread_cond_broadcast(&s->cond);
		while (!s->released)
			pthread_cond_wait(&s->cond, &s->lock);
		s->block = false;
		pthread_mutex_unlock(&s->lock);
	}
	if (s->fail_after && s->bytes + len > s->fail_after) {
		*err = s->fail_error;
		return s->fail_ret;
	}
	if (s->ref) {
		ret = tl_sink_compare(s, buf, len, err);
		if (ret < 0)
			return ret;
	}
	if (s->dec)
		tl_sink_decode(s, buf, len);
	if (s->kept) {
		memcpy(s->kept + s->kept_len, buf, len);
		s->kept_len += len;
	}
	pthread_mutex_lock(&s->lock);
	s->bytes += len;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return (ssize_t)len;
}

void
tl_sink_wait_bytes(struct tl_sink *s, uint64_t n)
{
	pthread_mutex_lock(&s->lock);
	while (s->bytes < n)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
}
