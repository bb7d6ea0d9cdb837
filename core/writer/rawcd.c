#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client-name.h"
#include "parse.h"
#include "rawcd-private.h"
#include "stream-check.h"
#include "stream.h"


static const char *const state_names[] = { "idle", "prepared", "writing", "finishing" };
static const char *const action_names[] = { "idle", "preparing", "writing", "finishing",
					     "blanking", "verifying" };

const char *
rawcd_state_name(enum rawcd_state s)
{
	return (unsigned)s <= RAWCD_FINISHING ? state_names[s] : "unknown";
}

const char *
rawcd_action_name(enum rawcd_action a)
{
	return (unsigned)a <= RAWCD_ACTION_VERIFYING ? action_names[a] : "unknown";
}

int
rawcd_create(struct recorder *rec, struct rawcd **out, struct burn_error *err)
{
	struct rawcd *w = calloc(1, sizeof(*w));

	if (!w)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for the writer");
	pthread_mutex_init(&w->mu, NULL);
	w->rec = rec;
	w->sector_type = CD_SECTOR_COOKED;	/* IMAPI's default */
	w->lead_in_sectors = RAWCD_DEFAULT_LEAD_IN;
	w->write_speed = -1;
	w->verify = true;	/* every burn is read back unless asked not to */
	snprintf(w->last_verify, sizeof(w->last_verify), "none");
	*out = w;
	return 0;
}

void
rawcd_release_locked(struct rawcd *w)
{
	if (w->prevented)
		recorder_prevent(w->rec, false, NULL);
	w->prevented = false;
	recorder_release(w->rec, NULL);
	w->state = RAWCD_IDLE;
}

void
rawcd_destroy(struct rawcd *w)
{
	if (!w)
		return;
	if (w->stream) {
		burn_stream_cancel(w->stream);
		burn_stream_finish(w->stream, 0, NULL);
		burn_stream_destroy(w->stream);
		w->stream = NULL;
	}
	if (w->check_own)
		burn_stream_check_destroy(w->check);
	w->check = NULL;
	if (w->state != RAWCD_IDLE)
		rawcd_release_locked(w);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

enum rawcd_state
rawcd_state(struct rawcd *w)
{
	enum rawcd_state s;

	pthread_mutex_lock(&w->mu);
	s = w->state;
	pthread_mutex_unlock(&w->mu);
	return s;
}

bool
rawcd_writing_locked(const struct rawcd *w)
{
	return w->state == RAWCD_WRITING || w->state == RAWCD_FINISHING;
}

static int
refuse_while_writing(const struct rawcd *w, const char *what, struct burn_error *err)
{
	if (rawcd_writing_locked(w))
		return burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				      "%s cannot change while a write is in progress", what);
	return 0;
}

int
rawcd_set_client_name(struct rawcd *w, const char *buf, size_t len, struct burn_error *err)
{
	size_t n;
	int ret = burn_client_name_check(buf, len, &n, err);

	if (ret < 0)
		return ret;
	pthread_mutex_lock(&w->mu);
	ret = refuse_while_writing(w, "the client name", err);
	if (ret == 0 && w->state == RAWCD_PREPARED)
		ret = burn_error_set(err, BURN_E_MEDIA_IS_PREPARED,
				     "the client name cannot change while the media is prepared "
				     "(it names the exclusive owner); release it first");
	if (ret == 0) {
		memcpy(w->client_name, buf, n);
		w->client_name[n] = '\0';
	}
	pthread_mutex_unlock(&w->mu);
	return ret;
}

int
rawcd_text_copy(struct rawcd *w, const char *text, char *buf, size_t size)
{
	int n;

	pthread_mutex_lock(&w->mu);
	n = snprintf(buf, size, "%s", text);
	pthread_mutex_unlock(&w->mu);
	return n;
}

int
rawcd_client_name(struct rawcd *w, char *buf, size_t size)
{
	return rawcd_text_copy(w, w->client_name, buf, size);
}

int
rawcd_supported_sector_types(struct rawcd *w, unsigned *mask, struct burn_error *err)
{
	struct mmc_config cfg;
	int ret = recorder_get_configuration(w->rec, 0, &cfg, err);

	if (ret < 0)
		return ret;
	/*
	 * CD Mastering's RAW bit means raw writing with P-Q (type 1); its R-W
	 * bit adds the 96-byte P-W forms. Probing with MODE SELECT would be
	 * more exact but changes the drive's state, and reads must not.
	 */
	*mask = 0;
	if (cfg.mastering && cfg.raw) {
		*mask |= 1u << CD_SECTOR_PQ;
		if (cfg.rw_subcode)
			*mask |= 1u << CD_SECTOR_COOKED | 1u << CD_SECTOR_RAW;
	}
	return 0;
}

static int
check_sector_type_supported(struct rawcd *w, enum cd_sector_type t, struct burn_error *err)
{
	unsigned mask;
	int ret = rawcd_supported_sector_types(w, &mask, err);

	if (ret < 0)
		return ret;
	if (!(mask & (1u << t)))
		return burn_error_set(err, BURN_E_DATA_BLOCK_TYPE_NOT_SUPPORTED,
				      "%s does not write raw sectors of type %s (data block type %d)%s",
				      recorder_device(w->rec), burn_sector_type_name(t), (int)t,
				      mask ? "" : "; it has no raw writing at all");
	return 0;
}

int
rawcd_set_sector_type(struct rawcd *w, enum cd_sector_type t, struct burn_error *err)
{
	int ret;

	pthread_mutex_lock(&w->mu);
	ret = refuse_while_writing(w, RAWCD_NAME_SECTOR_TYPE, err);
	if (ret == 0)
		ret = check_sector_type_supported(w, t, err);
	if (ret == 0)
		w->sector_type = t;
	pthread_mutex_unlock(&w->mu);
	return ret;
}

enum cd_sector_type
rawcd_sector_type(struct rawcd *w)
{
	enum cd_sector_type t;

	pthread_mutex_lock(&w->mu);
	t = w->sector_type;
	pthread_mutex_unlock(&w->mu);
	return t;
}

/* WriteMedia2's streamLeadInSectors: at most the 100-minute address space. */
static int
check_lead_in(long n, struct burn_error *err)
{
	if (n < 0 || n > RAWCD_MAX_LEAD_IN)
		return burn_error_set(err, BURN_E_INVALIDARG, "expected an integer from %ld to %ld",
				      0L, (long)RAWCD_MAX_LEAD_IN);
	return 0;
}

/*
 * One setter body for the plain properties: the value is checked first
 * (@check, an expression of v and err, 0 when any value will do), then
 * the state.
 */
#define RAWCD_PROPERTY(name, field, type, label, check)                           \
	int rawcd_set_##name(struct rawcd *w, type v, struct burn_error *err)     \
	{                                                                         \
		int ret = (check);                                                \
		if (ret < 0)                                                      \
			return ret;                                               \
		pthread_mutex_lock(&w->mu);                                       \
		ret = refuse_while_writing(w, label, err);                        \
		if (ret == 0)                                                     \
			w->field = v;                                             \
		pthread_mutex_unlock(&w->mu);                                     \
		return ret;                                                       \
	}                                                                         \
	type rawcd_##name(struct rawcd *w)                                        \
	{                                                                         \
		type v;                                                           \
		pthread_mutex_lock(&w->mu);                                       \
		v = w->field;                                                     \
		pthread_mutex_unlock(&w->mu);                                     \
		return v;                                                         \
	}

RAWCD_PROPERTY(lead_in_sectors, lead_in_sectors, long, RAWCD_NAME_LEAD_IN, check_lead_in(v, err))
RAWCD_PROPERTY(write_speed, write_speed, long, RAWCD_NAME_WRITE_SPEED, 0)
RAWCD_PROPERTY(pure_cav, pure_cav, bool, RAWCD_NAME_PURE_CAV, 0)
RAWCD_PROPERTY(bufe_disabled, bufe_disabled, bool, RAWCD_NAME_BUFE_DISABLED, 0)
RAWCD_PROPERTY(simulate, simulate, bool, RAWCD_NAME_SIMULATE, 0)
RAWCD_PROPERTY(verify, verify, bool, RAWCD_NAME_VERIFY, 0)

int
rawcd_supported_write_speeds(struct rawcd *w, uint32_t *sectors_per_s, size_t max,
			     struct burn_error *err)
{
	uint16_t kbs[RAWCD_MAX_SPEEDS];
	int n = recorder_write_speeds(w->rec, kbs, max < RAWCD_MAX_SPEEDS ? max : RAWCD_MAX_SPEEDS,
				      err);

	for (int i = 0; i < n; i++)
		sectors_per_s[i] = mmc_kbs_to_sectors(kbs[i]);
	return n;
}

int
rawcd_current_write_speed(struct rawcd *w, long *sectors_per_s, struct burn_error *err)
{
	struct mmc_page2a p;
	int ret = recorder_page2a(w->rec, &p, err);

	if (ret < 0)
		return ret;
	*sectors_per_s = (long)mmc_kbs_to_sectors(p.current_write_kbs);
	return 0;
}

/* ---- PrepareMedia ---- */

static int
check_media(struct rawcd *w, struct recorder_media *m, struct burn_error *err)
{
	int ret = recorder_media(w->rec, m, err);

	if (ret < 0)
		return ret;
	if (!m->present)
		return burn_error_set(err, BURN_E_MEDIA_NO_MEDIA,
				      "there is no disc in %s; insert a blank CD-R or CD-RW",
				      recorder_device(w->rec));
	if (m->profile != MMC_PROFILE_CDR && m->profile != MMC_PROFILE_CDRW)
		return burn_error_set(err, BURN_E_MEDIA_IS_NOT_SUPPORTED,
				      "the disc is %s (profile %04Xh); raw writing needs a blank CD-R or CD-RW",
				      m->type, m->profile);
	if (!m->blank)
		return burn_error_set(err, BURN_E_MEDIA_IS_NOT_BLANK,
				      "the %s is not blank (%s)%s", m->type,
				      m->status == MMC_DISC_COMPLETE ? "it holds a closed session"
								     : "it holds an open session",
				      m->erasable ? RAWCD_WHY_BLANK_FIRST : "");
	if (!m->have_next_session || !m->have_leadout)
		return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
				      "the drive gives no lead-in start or lead-out limit for the blank disc");
	return 0;
}

static int
check_recorder(struct rawcd *w, struct burn_error *err)
{
	struct mmc_config cfg;
	int ret = recorder_get_configuration(w->rec, 0, &cfg, err);

	if (ret < 0)
		return ret;
	if (!cfg.mastering || !cfg.raw)
		return burn_error_set(err, BURN_E_RECORDER_NOT_SUPPORTED,
				      "%s cannot write in RAW mode (its CD Mastering feature lacks the RAW bit)",
				      recorder_device(w->rec));
	if (w->simulate && !cfg.test_write)
		return burn_error_set(err, BURN_E_RECORDER_NOT_SUPPORTED,
				      "%s cannot simulate (no Test Write); set simulate to 0",
				      recorder_device(w->rec));
	return check_sector_type_supported(w, w->sector_type, err);
}

static void
build_page05_sense(struct mmc_cmd *cmd, void *buf, uint16_t len, void *arg)
{
	(void)arg;
	mmc_build_mode_sense10(cmd, 0x05, 0, buf, len);
}

static int
set_write_parameters(struct rawcd *w, struct burn_error *err)
{
	struct mmc_page05 want = {
		.bufe = !w->bufe_disabled,
		.test_write = w->simulate,
		.write_type = 3,
		.multi_session = 0,
		.track_mode = 0,
		.data_block_type = (uint8_t)w->sector_type,
		.session_format = 0,
		.audio_pause = 150,
	};
	struct mmc_page05 got;
	uint8_t cur[256], list[MMC_MODE_HEADER_LEN + MMC_PAGE05_LEN];
	struct mmc_cmd cmd;
	size_t off, len;
	int n, ret;

	n = recorder_read_reply(w->rec, build_page05_sense, NULL, cur, sizeof(cur), err);
	if (n < 0)
		return n;
	off = mmc_mode_first_page(cur, (size_t)n);
	if (!off || (cur[off] & 0x3f) != 0x05)
		return burn_error_set(err, BURN_E_RECORDER_NOT_SUPPORTED,
				      "%s has no write parameters page (05h)", recorder_device(w->rec));
	len = mmc_build_page05(&want, cur + off, (size_t)n - off, list);
	mmc_build_mode_select10(&cmd, list, (uint16_t)len);
	ret = recorder_exec(w->rec, &cmd, err);
	if (ret < 0) {
		if (err && err->result == BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE) {
			char why[BURN_REASON_MAX];

			snprintf(why, sizeof(why), "%s", err->reason);
			return burn_error_set(err, BURN_E_DATA_BLOCK_TYPE_NOT_SUPPORTED,
					      "%s refused RAW writing with data block type %d (%s): %s",
					      recorder_device(w->rec), (int)w->sector_type,
					      burn_sector_type_name(w->sector_type), why);
		}
		return ret;
	}
	/* some drives adjust what they are given without a word: read it back */
	n = recorder_read_reply(w->rec, build_page05_sense, NULL, cur, sizeof(cur), err);
	if (n < 0)
		return n;
	if (mmc_parse_page05(cur, (size_t)n, &got) < 0 || got.write_type != 3 ||
	    got.data_block_type != want.data_block_type || got.test_write != want.test_write)
		return burn_error_set(err, BURN_E_DATA_BLOCK_TYPE_NOT_SUPPORTED,
				      "%s accepted RAW writing with data block type %d but did not keep it",
				      recorder_device(w->rec), (int)w->sector_type);
	return 0;
}

static int
set_speed(struct rawcd *w, struct burn_error *err)
{
	uint16_t kbs = w->write_speed < 0 ? 0xffff
					  : (uint16_t)mmc_sectors_to_kbs((uint32_t)w->write_speed);
	struct mmc_cmd cmd;
	int ret;

	mmc_build_set_cd_speed(&cmd, 0xffff, kbs, w->pure_cav ? 1 : 0);
	ret = recorder_exec(w->rec, &cmd, err);
	if (ret < 0 && w->pure_cav) {
		/* IMAPI falls back from CAV when the drive cannot (S_IMAPI_ROTATIONADJUSTED) */
		mmc_build_set_cd_speed(&cmd, 0xffff, kbs, 0);
		ret = recorder_exec(w->rec, &cmd, err);
	}
	return ret;
}

static void
build_track_info(struct mmc_cmd *cmd, void *buf, uint16_t len, void *arg)
{
	(void)arg;
	mmc_build_read_track_info(cmd, 1, 0xff, buf, len);
}

static int
read_nwa(struct rawcd *w, const struct recorder_media *m, struct burn_error *err)
{
	struct mmc_track_info ti;
	uint8_t buf[64];
	int n = recorder_read_reply(w->rec, build_track_info, NULL, buf, sizeof(buf), err);

	if (n < 0)
		return n;
	if (mmc_parse_track_info(buf, (size_t)n, &ti) < 0 || !ti.nwa_valid)
		return burn_error_set(err, BURN_E_UNEXPECTED_RESPONSE_FROM_DEVICE,
				      "READ TRACK INFORMATION gives no next writable address");
	/*
	 * In RAW mode the drive expects the lead-in start (doc/reference/mmc.md §6.2);
	 * cdrecord distrusts values above -4500 and uses the disc's own.
	 */
	w->nwa = ti.nwa < -4500 ? ti.nwa : m->start_of_next_session;
	return 0;
}

/*
 * What PrepareMedia and blanking both start with: an idle writer with a
 * client name takes exclusive access under that name. The caller releases.
 */
int
rawcd_begin_exclusive_locked(struct rawcd *w, struct burn_error *err)
{
	if (w->blanking)
		return burn_error_set(err, BURN_E_MEDIA_BUSY,
				      "the disc is being blanked; wait until it is done");
	if (rawcd_writing_locked(w))
		return burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				      "a write is in progress; cancel it first");
	if (w->state == RAWCD_PREPARED)
		return burn_error_set(err, BURN_E_MEDIA_IS_PREPARED,
				      "the media is already prepared; release it first");
	if (!w->client_name[0])
		return burn_error_set(err, BURN_E_CLIENT_NAME_IS_NOT_VALID,
				      RAWCD_WHY_NO_CLIENT_NAME);
	return recorder_acquire(w->rec, w->client_name, err);
}

int
rawcd_prepare_locked(struct rawcd *w, struct burn_error *err)
{
	struct recorder_media m;
	long need;
	int ret;

	ret = rawcd_begin_exclusive_locked(w, err);
	if (ret < 0)
		return ret;
	ret = check_media(w, &m, err);
	if (ret < 0)
		goto out_release;
	ret = check_recorder(w, err);
	if (ret < 0)
		goto out_release;
	need = -(long)m.start_of_next_session;
	if (w->lead_in_sectors < need) {
		struct cd_msf at = cd_lba_to_msf(m.start_of_next_session);

		ret = burn_error_set(err, BURN_E_STREAM_LEADIN_TOO_SHORT,
				     "%s is %ld but this disc's lead-in starts at LBA %d (%02u:%02u:%02u): at least %ld are needed",
				     RAWCD_NAME_LEAD_IN, w->lead_in_sectors, (int)m.start_of_next_session,
				     at.m, at.s, at.f, need);
		goto out_release;
	}
	ret = set_write_parameters(w, err);
	if (ret < 0)
		goto out_release;
	ret = set_speed(w, err);
	if (ret < 0)
		goto out_release;
	ret = read_nwa(w, &m, err);
	if (ret < 0)
		goto out_release;
	ret = recorder_prevent(w->rec, true, err);
	if (ret < 0)
		goto out_release;
	w->prevented = true;
	w->last_leadout = m.last_possible_leadout;
	w->state = RAWCD_PREPARED;
	return 0;
out_release:
	recorder_release(w->rec, NULL);
	return ret;
}

/*
 * PrepareMedia; for a write @session only when the writer is idle (media
 * prepared before is used), remembering whether it prepared. Takes the lock.
 */
static int
prepare_for(struct rawcd *w, bool session, struct burn_error *err)
{
	bool prepare;
	int ret = 0;

	pthread_mutex_lock(&w->mu);
	/* a write session uses media prepared before it, and remembers whether it did */
	prepare = !session || w->state == RAWCD_IDLE;
	if (prepare)
		ret = rawcd_prepare_locked(w, err);
	if (session)
		w->session_prepared = prepare && ret == 0;
	pthread_mutex_unlock(&w->mu);
	return ret;
}

int
rawcd_prepare(struct rawcd *w, struct burn_error *err)
{
	return prepare_for(w, false, err);
}

/* The write session's prepare (rawcd-session.c has its other steps) is prepare_for() too. */
int
rawcd_session_prepare(struct rawcd *w, struct burn_error *err)
{
	return prepare_for(w, true, err);
}

int
rawcd_release(struct rawcd *w, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&w->mu);
	if (w->session_name[0])
		ret = burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				     "%s is open for writing; closing it releases the media",
				     w->session_name);
	else if (rawcd_writing_locked(w))
		ret = burn_error_set(err, BURN_E_WRITE_IN_PROGRESS,
				     "a write is in progress; cancel it first");
	else if (w->state != RAWCD_PREPARED)
		ret = burn_error_set(err, BURN_E_MEDIA_IS_NOT_PREPARED,
				     "the media is not prepared; nothing to release");
	else
		rawcd_release_locked(w);
	pthread_mutex_unlock(&w->mu);
	return ret;
}

static int
tray_move(struct rawcd *w, bool eject, struct burn_error *err)
{
	int ret;

	pthread_mutex_lock(&w->mu);
	if (w->state != RAWCD_IDLE)
		ret = burn_error_set(err, BURN_E_MEDIA_IS_PREPARED,
				     "the media is prepared for writing; release it first");
	else
		ret = eject ? recorder_eject(w->rec, err) : recorder_load(w->rec, err);
	pthread_mutex_unlock(&w->mu);
	if (ret == 0)
		rawcd_progress_changed(w);	/* a new medium, or none: pollers and disc/ see it */
	return ret;
}

int
rawcd_eject(struct rawcd *w, struct burn_error *err)
{
	return tray_move(w, true, err);
}

int
rawcd_load(struct rawcd *w, struct burn_error *err)
{
	return tray_move(w, false, err);
}

int
rawcd_cancel(struct rawcd *w, struct burn_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&w->mu);
	if (!rawcd_writing_locked(w) || !w->stream)
		ret = burn_error_set(err, BURN_E_WRITE_NOT_IN_PROGRESS,
				     "no write is in progress; nothing to cancel");
	else
		burn_stream_cancel(w->stream);
	pthread_mutex_unlock(&w->mu);
	return ret;
}

void
rawcd_progress_changed(void *ctx)
{
	struct rawcd *w = ctx;
	void (*fn)(void *);
	void *fn_ctx;

	/*
	 * No lock here: this runs from the engine and from paths that hold
	 * w->mu; the callback is set once before the writer is used.
	 */
	__atomic_add_fetch(&w->generation, 1, __ATOMIC_SEQ_CST);
	fn = w->notify;
	fn_ctx = w->notify_ctx;
	if (fn)
		fn(fn_ctx);
}

void
rawcd_media_changed(struct rawcd *w)
{
	rawcd_progress_changed(w);
}

void
rawcd_set_notify(struct rawcd *w, void (*fn)(void *ctx), void *ctx)
{
	w->notify = fn;
	w->notify_ctx = ctx;
}

unsigned long
rawcd_progress_generation(struct rawcd *w)
{
	return __atomic_load_n(&w->generation, __ATOMIC_SEQ_CST);
}

int
rawcd_flush(struct rawcd *w, bool end_if_complete, struct burn_error *err)
{
	struct burn_stream_check *c;
	struct burn_stream *s;
	int ret;

	pthread_mutex_lock(&w->mu);
	s = w->state == RAWCD_WRITING ? w->stream : NULL;
	c = w->check;
	pthread_mutex_unlock(&w->mu);
	if (!s)
		return 0;
	/* the sink has one writer at a time: s cannot end under us */
	if (end_if_complete && burn_stream_check_pending(c) == 0 && burn_stream_complete(s))
		return rawcd_end_write(w, err);
	ret = burn_stream_drain(s, err);
	return ret;
}

int
rawcd_end_write(struct rawcd *w, struct burn_error *err)
{
	struct burn_stream_check *c;
	struct burn_stream *s;
	struct burn_error e;
	uint64_t written, trailing;
	int ret;

	pthread_mutex_lock(&w->mu);
	if (w->state != RAWCD_WRITING || !w->stream) {
		pthread_mutex_unlock(&w->mu);
		return 0;
	}
	s = w->stream;
	c = w->check;
	w->state = RAWCD_FINISHING;
	pthread_mutex_unlock(&w->mu);
	rawcd_progress_changed(w);

	ret = burn_stream_finish(s, burn_stream_check_pending(c), &e);
	written = burn_stream_written(s);
	trailing = c ? burn_stream_check_trailing(c) : 0;
	recorder_hold(w->rec, false);

	pthread_mutex_lock(&w->mu);
	w->stream = NULL;
	if (w->check_own)
		burn_stream_check_destroy(c);
	w->check = NULL;
	w->check_own = false;
	rawcd_release_locked(w);
	if (ret == 0 && trailing)
		burn_error_set(&e, BURN_S_OK,
			       "complete: %llu sectors written from LBA %d; %llu zero bytes after the lead-out were ignored",
			       (unsigned long long)written, (int)w->nwa, (unsigned long long)trailing);
	else if (ret == 0)
		burn_error_set(&e, BURN_S_OK, "complete: %llu sectors written from LBA %d",
			       (unsigned long long)written, (int)w->nwa);
	w->last_burn = e;
	w->have_last_burn = true;
	if (!burn_stream_verify_outcome(s, w->last_verify, sizeof(w->last_verify)))
		snprintf(w->last_verify, sizeof(w->last_verify), "off");
	pthread_mutex_unlock(&w->mu);
	burn_stream_destroy(s);
	rawcd_progress_changed(w);
	if (ret < 0 && err)
		*err = e;
	return ret;
}

int
rawcd_last_verify(struct rawcd *w, char *buf, size_t size)
{
	return rawcd_text_copy(w, w->last_verify, buf, size);
}

bool
rawcd_last_burn(struct rawcd *w, struct burn_error *e)
{
	bool have;

	pthread_mutex_lock(&w->mu);
	have = w->have_last_burn;
	if (have)
		*e = w->last_burn;
	pthread_mutex_unlock(&w->mu);
	return have;
}

void
rawcd_progress(struct rawcd *w, struct rawcd_progress *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_lock(&w->mu);
	p->action = RAWCD_ACTION_IDLE;
	if (w->blanking)
		rawcd_blank_progress_locked(w, p);
	else if (w->stream)
		burn_stream_progress(w->stream, p);
	else if (w->state == RAWCD_PREPARED)
		p->start_lba = w->nwa;
	pthread_mutex_unlock(&w->mu);
}
