/*
 * The recorder (IDiscRecorder2) and the raw writer's state machine
 * (IDiscFormat2RawCD), over the emulated recorder through the transport
 * seam: the same code paths a real drive takes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu.h"
#include "rawcd.h"
#include "recorder.h"
#include "tl-emu.h"
#include "tl-harness.h"
#include "transport.h"

struct rig {
	struct recorder *rec;
	struct rawcd *w;
};

static struct rig
rig_open(const char *media, const char *fault)
{
	struct burn_transport *t;
	struct burn_error e;
	char spec[4200], opts[128];
	struct rig r;

	snprintf(spec, sizeof(spec), "emu:%s", tl_emu_dir);
	snprintf(opts, sizeof(opts), "%s%s%s%s", media ? "emu_media=" : "", media ? media : "",
		 fault ? ",emu_fault=" : "", fault ? fault : "");	/* a fault comes with media */
	ck_assert_msg(burn_transport_open(spec, opts, &t, &e) == 0, "%s", e.reason);
	ck_assert_msg(recorder_open(t, &r.rec, &e) == 0, "%s", e.reason);
	ck_assert_int_eq(rawcd_create(r.rec, &r.w, &e), 0);
	return r;
}

static void
rig_close(struct rig *r)
{
	rawcd_destroy(r->w);
	recorder_close(r->rec);
	*r = (struct rig){ 0 };	/* closing twice is harmless: both accept NULL */
}

static void
set_name(struct rig *r, const char *name)
{
	struct burn_error e;

	ck_assert_int_eq(rawcd_set_client_name(r->w, name, strlen(name), &e), 0);
}

#define ck_assert_fails(expr, want_errno, want_result, e) \
	do { \
		tl_assert_errno(expr, want_errno); \
		ck_assert_msg((e).result == (want_result), "%s: result %s, reason: %s", #expr, \
			      burn_result_info((e).result)->name, (e).reason); \
	} while (0)

static void
owner_is(struct rig *r, const char *want)
{
	struct burn_error e;
	char owner[128];

	ck_assert_int_ge(recorder_owner(r->rec, owner, sizeof(owner), &e), 0);
	ck_assert_str_eq(owner, want);
}

/* The fixture's rig: a recorder and its writer on a blank 80-minute CD-R. */
static struct rig r;

static void
rig_setup(void)
{
	tl_emu_setup();
	r = rig_open("cdr80", NULL);
}

static void
rig_teardown(void)
{
	rig_close(&r);
	tl_emu_teardown();
}

/* Closes r and opens it again with @media and @fault, as a host reopens the device. */
static void
rig_reopen(const char *media, const char *fault)
{
	rig_close(&r);
	r = rig_open(media, fault);
}

START_TEST(identity_and_media)
{
	struct recorder_media m;
	struct burn_error e;
	uint16_t kbs[16];
	uint8_t pages[8];

	ck_assert_str_eq(recorder_identity(r.rec)->vendor, "BURNFS");
	ck_assert_msg(strncmp(recorder_device(r.rec), "emu:/", 5) == 0, "%s",
		      recorder_device(r.rec));
	ck_assert_int_eq(recorder_media(r.rec, &m, &e), 0);
	ck_assert(m.present && m.blank && !m.erasable);
	ck_assert_str_eq(m.type, "cdr");
	ck_assert_int_eq(m.start_of_next_session, -11634);
	ck_assert_int_eq(m.last_possible_leadout, 359849);
	ck_assert_int_eq(recorder_write_speeds(r.rec, kbs, 16, &e), 6);
	ck_assert_int_eq(recorder_mode_pages(r.rec, pages, 8, &e), 3);
	ck_assert_int_eq(recorder_can_load_media(r.rec, &e), 1);
	rig_reopen("none", NULL);
	ck_assert_int_eq(recorder_media(r.rec, &m, &e), 0);
	ck_assert(!m.present);
	ck_assert_str_eq(m.type, "none");
	rig_reopen("cdrom", NULL);
	ck_assert_int_eq(recorder_media(r.rec, &m, &e), 0);
	ck_assert(m.present && !m.blank && !m.have_next_session && !m.have_leadout);
	ck_assert_str_eq(m.type, "cdrom");
}
END_TEST

START_TEST(prepare_and_release)
{
	struct rig other = rig_open(NULL, 0);
	struct burn_error e;
	struct rawcd_progress p;

	ck_assert_int_eq(rawcd_state(r.w), RAWCD_IDLE);
	ck_assert_fails(rawcd_prepare(r.w, &e), EINVAL, BURN_E_CLIENT_NAME_IS_NOT_VALID, e);
	ck_assert_str_eq(e.reason, RAWCD_WHY_NO_CLIENT_NAME);	/* fs/ adds where to set it */
	set_name(&r, "Unit Test");
	ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
	ck_assert_int_eq(rawcd_state(r.w), RAWCD_PREPARED);
	owner_is(&r, "Unit Test");
	owner_is(&other, "Unit Test");
	ck_assert_uint_eq(recorder_lock_count(r.rec), 1);
	rawcd_progress(r.w, &p);
	ck_assert_int_eq(p.start_lba, -11634);
	/* while prepared */
	ck_assert_fails(rawcd_set_client_name(r.w, "New", 3, &e), EBUSY, BURN_E_MEDIA_IS_PREPARED, e);
	ck_assert_fails(rawcd_set_client_name(r.w, "a/b", 3, &e), EINVAL,
			BURN_E_CLIENT_NAME_IS_NOT_VALID, e);	/* validity is checked first */
	ck_assert_fails(rawcd_prepare(r.w, &e), EBUSY, BURN_E_MEDIA_IS_PREPARED, e);
	ck_assert_fails(rawcd_prepare(other.w, &e), EINVAL, BURN_E_CLIENT_NAME_IS_NOT_VALID, e);
	set_name(&other, "Other");
	ck_assert_fails(rawcd_prepare(other.w, &e), EBUSY, BURN_E_RECORDER_LOCKED, e);
	ck_assert_msg(strstr(e.reason, "held exclusively by Unit Test") != NULL, "%s", e.reason);
	ck_assert_fails(recorder_eject(other.rec, &e), EBUSY, BURN_E_RECORDER_LOCKED, e);
	ck_assert_fails(rawcd_cancel(r.w, &e), EINVAL, BURN_E_WRITE_NOT_IN_PROGRESS, e);
	/* removal is prevented while prepared */
	ck_assert_fails(recorder_eject(r.rec, &e), EBUSY, BURN_E_RECORDER_LOCKED, e);
	ck_assert_msg(strstr(e.reason, "medium removal prevented") != NULL, "%s", e.reason);
	ck_assert_int_eq(rawcd_release(r.w, &e), 0);
	ck_assert_int_eq(rawcd_state(r.w), RAWCD_IDLE);
	owner_is(&r, "");
	owner_is(&other, "");
	ck_assert_fails(rawcd_release(r.w, &e), EINVAL, BURN_E_MEDIA_IS_NOT_PREPARED, e);
	/* the other client can have it now */
	ck_assert_int_eq(rawcd_prepare(other.w, &e), 0);
	owner_is(&r, "Other");
	ck_assert_int_eq(rawcd_release(other.w, &e), 0);
	ck_assert_int_eq(recorder_eject(r.rec, &e), 0);
	rig_close(&other);
}
END_TEST

/* Media a raw burn cannot start on: prepare says why and leaves nothing held. */
static const struct {
	const char *media, *fault;
	int err;
	enum burn_result result;
	const char *reason;	/* NULL: not compared */
} media_errors[] = {
	{ "none", NULL, ENOMEDIUM, BURN_E_MEDIA_NO_MEDIA, NULL },
	{ "cdrom", NULL, EMEDIUMTYPE, BURN_E_MEDIA_IS_NOT_SUPPORTED,
	  "the disc is cdrom (profile 0008h); raw writing needs a blank CD-R or CD-RW" },
	{ "cdr80", "not_ready", EAGAIN, BURN_E_MEDIA_BECOMING_READY, NULL },
	{ "cdr80", "no_raw", EOPNOTSUPP, BURN_E_RECORDER_NOT_SUPPORTED, NULL },
};

START_TEST(prepare_media_errors)
{
	struct burn_error e;

	rig_reopen(media_errors[_i].media, media_errors[_i].fault);
	set_name(&r, "T");
	ck_assert_fails(rawcd_prepare(r.w, &e), media_errors[_i].err, media_errors[_i].result, e);
	if (media_errors[_i].reason)
		ck_assert_str_eq(e.reason, media_errors[_i].reason);
	owner_is(&r, "");	/* nothing stays held after a failure */
	ck_assert_uint_eq(recorder_lock_count(r.rec), 0);
}
END_TEST

START_TEST(not_blank)
{
	struct burn_error e;
	char *path, *cmd;

	rig_close(&r);
	/* a CD-R that holds a closed session, as the emulator stores one */
	ck_assert_int_gt(asprintf(&path, "%s/drive.state", tl_emu_dir), 0);
	ck_assert_int_gt(asprintf(&cmd, "sed -i 's/^disc blank$/disc complete/' '%s'", path), 0);
	ck_assert_int_eq(system(cmd), 0);
	r = rig_open(NULL, NULL);
	set_name(&r, "T");
	ck_assert_fails(rawcd_prepare(r.w, &e), EROFS, BURN_E_MEDIA_IS_NOT_BLANK, e);
	ck_assert_str_eq(e.reason, "the cdr is not blank (it holds a closed session)");
	free(cmd);
	free(path);
}
END_TEST

START_TEST(lead_in)
{
	struct burn_error e;

	set_name(&r, "T");
	ck_assert_int_eq(rawcd_set_lead_in_sectors(r.w, 100, &e), 0);
	ck_assert_fails(rawcd_prepare(r.w, &e), EINVAL, BURN_E_STREAM_LEADIN_TOO_SHORT, e);
	ck_assert_str_eq(e.reason, RAWCD_NAME_LEAD_IN
			 " is 100 but this disc's lead-in starts at LBA -11634 (97:26:66): at least 11634 are needed");
	ck_assert_int_eq(rawcd_set_lead_in_sectors(r.w, 11633, &e), 0);
	ck_assert_fails(rawcd_prepare(r.w, &e), EINVAL, BURN_E_STREAM_LEADIN_TOO_SHORT, e);
	ck_assert_int_eq(rawcd_set_lead_in_sectors(r.w, 11634, &e), 0);
	ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
	ck_assert_int_eq(rawcd_release(r.w, &e), 0);
	/* the setter checks the range itself: the 100-minute address space */
	ck_assert_int_eq(rawcd_set_lead_in_sectors(r.w, 0, &e), 0);
	ck_assert_int_eq(rawcd_set_lead_in_sectors(r.w, 450000, &e), 0);
	ck_assert_int_eq(RAWCD_MAX_LEAD_IN, 450000);
	ck_assert_fails(rawcd_set_lead_in_sectors(r.w, 450001, &e), EINVAL, BURN_E_INVALIDARG, e);
	ck_assert_str_eq(e.reason, "expected an integer from 0 to 450000");
	ck_assert_fails(rawcd_set_lead_in_sectors(r.w, -1, &e), EINVAL, BURN_E_INVALIDARG, e);
	ck_assert_str_eq(e.reason, "expected an integer from 0 to 450000");
	ck_assert_int_eq(rawcd_lead_in_sectors(r.w), 450000);	/* unchanged */
}
END_TEST

START_TEST(sector_types)
{
	struct burn_error e;
	unsigned mask;

	ck_assert_int_eq(rawcd_sector_type(r.w), CD_SECTOR_COOKED);
	ck_assert_int_eq(rawcd_supported_sector_types(r.w, &mask, &e), 0);
	ck_assert_uint_eq(mask, 1u << 1 | 1u << 2 | 1u << 3);
	set_name(&r, "T");
	for (int t = CD_SECTOR_PQ; t <= CD_SECTOR_RAW; t++) {
		ck_assert_int_eq(rawcd_set_sector_type(r.w, (enum cd_sector_type)t, &e), 0);
		ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
		ck_assert_int_eq(rawcd_release(r.w, &e), 0);
	}
	rig_reopen("cdr80", "no_rw");
	ck_assert_int_eq(rawcd_supported_sector_types(r.w, &mask, &e), 0);
	ck_assert_uint_eq(mask, 1u << 1);
	ck_assert_fails(rawcd_set_sector_type(r.w, CD_SECTOR_RAW, &e), EOPNOTSUPP,
			BURN_E_DATA_BLOCK_TYPE_NOT_SUPPORTED, e);
	ck_assert_msg(strstr(e.reason, "does not write raw sectors of type raw (data block type 3)"),
		      "%s", e.reason);
	ck_assert_int_eq(rawcd_sector_type(r.w), CD_SECTOR_COOKED);	/* unchanged */
	/* the default is not writable on this drive: prepare says so */
	set_name(&r, "T");
	ck_assert_fails(rawcd_prepare(r.w, &e), EOPNOTSUPP, BURN_E_DATA_BLOCK_TYPE_NOT_SUPPORTED, e);
	ck_assert_int_eq(rawcd_set_sector_type(r.w, CD_SECTOR_PQ, &e), 0);
	ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
	ck_assert_int_eq(rawcd_release(r.w, &e), 0);
}
END_TEST

START_TEST(speed)
{
	struct burn_error e;
	long v;

	uint32_t speeds[RAWCD_MAX_SPEEDS];
	int n;

	ck_assert_int_eq(rawcd_current_write_speed(r.w, &v, &e), 0);
	ck_assert_int_eq(v, 3600);
	/* SupportedWriteSpeeds in sectors per second, slowest first, 1x = 75 */
	n = rawcd_supported_write_speeds(r.w, speeds, RAWCD_MAX_SPEEDS, &e);
	ck_assert_int_gt(n, 1);
	for (int i = 1; i < n; i++)
		ck_assert_uint_gt(speeds[i], speeds[i - 1]);
	ck_assert_uint_eq(speeds[n - 1], 3600);
	ck_assert_int_eq(rawcd_supported_write_speeds(r.w, speeds, 1, &e), 1);
	set_name(&r, "T");
	ck_assert_int_eq(rawcd_set_write_speed(r.w, 700, &e), 0);	/* between 8x and 16x */
	ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
	ck_assert_int_eq(rawcd_current_write_speed(r.w, &v, &e), 0);
	ck_assert_int_eq(v, 600);	/* the drive snapped it down to 8x */
	ck_assert_int_eq(rawcd_release(r.w, &e), 0);
	ck_assert_int_eq(rawcd_set_write_speed(r.w, -1, &e), 0);
	ck_assert_int_eq(rawcd_set_pure_cav(r.w, true, &e), 0);
	ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
	ck_assert_int_eq(rawcd_current_write_speed(r.w, &v, &e), 0);
	ck_assert_int_eq(v, 3600);
	ck_assert_int_eq(rawcd_release(r.w, &e), 0);
}
END_TEST

START_TEST(nesting)
{
	struct rig other = rig_open(NULL, 0);
	struct burn_error e;

	ck_assert_int_eq(recorder_acquire(r.rec, "Nested", &e), 0);
	ck_assert_int_eq(recorder_acquire(r.rec, "Nested", &e), 0);
	ck_assert_uint_eq(recorder_lock_count(r.rec), 2);
	ck_assert_int_eq(recorder_release(r.rec, &e), 0);
	owner_is(&other, "Nested");
	ck_assert_int_eq(recorder_release(r.rec, &e), 0);
	owner_is(&other, "");
	ck_assert_fails(recorder_release(r.rec, &e), EIO, BURN_E_FAIL, e);
	/* prepare nests on an acquire already held */
	ck_assert_int_eq(recorder_acquire(r.rec, "Outer", &e), 0);
	set_name(&r, "Inner");
	ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
	ck_assert_uint_eq(recorder_lock_count(r.rec), 2);
	owner_is(&other, "Outer");
	ck_assert_int_eq(rawcd_release(r.w, &e), 0);
	ck_assert_uint_eq(recorder_lock_count(r.rec), 1);
	ck_assert_int_eq(recorder_release(r.rec, &e), 0);
	rig_close(&other);
}
END_TEST

/* What statfs and recorder/mode_pages show comes from the recorder, not from fs/. */
START_TEST(room_and_mode_pages)
{
	struct burn_error e;
	uint64_t blocks = 1;

	ck_assert_int_eq(RECORDER_DATA_BLOCK_SIZE, 2048);
	ck_assert_int_eq(recorder_data_room(r.rec, &blocks, &e), 0);
	ck_assert_uint_eq(blocks, 359849);	/* LBA 0 to the last possible lead-out */
	rig_reopen("cdrom", NULL);
	ck_assert_int_eq(recorder_data_room(r.rec, &blocks, &e), 0);
	ck_assert_uint_eq(blocks, 0);	/* not blank */
	rig_reopen("none", NULL);
	blocks = 1;
	ck_assert_int_eq(recorder_data_room(r.rec, &blocks, &e), 0);
	ck_assert_uint_eq(blocks, 0);
	rig_close(&r);
	ck_assert_str_eq(recorder_mode_page_name(0x05), "write-parameters");
	ck_assert_str_eq(recorder_mode_page_name(0x2a), "capabilities");
	ck_assert_str_eq(recorder_mode_page_name(0x01), "read-write-error-recovery");
	ck_assert_str_eq(recorder_mode_page_name(0x3e), "unknown");
}
END_TEST

START_TEST(tray)
{
	struct rig other = rig_open(NULL, 0);
	struct recorder_media m;
	struct burn_error e;

	ck_assert_int_eq(recorder_eject(r.rec, &e), 0);
	ck_assert_int_eq(recorder_media(other.rec, &m, &e), 0);	/* sees it through a unit attention */
	ck_assert(!m.present);
	set_name(&other, "T");
	ck_assert_fails(rawcd_prepare(other.w, &e), ENOMEDIUM, BURN_E_MEDIA_NO_MEDIA, e);
	ck_assert_int_eq(recorder_load(other.rec, &e), 0);
	ck_assert_int_eq(recorder_media(r.rec, &m, &e), 0);
	ck_assert(m.present && m.blank);
	rig_close(&other);
}
END_TEST

/* The write session a sink opens: its decisions under the writer's lock (rawcd-session.c). */
START_TEST(session)
{
	struct burn_error e;
	char name[RAWCD_SESSION_NAME_MAX];

	ck_assert(!rawcd_session_name(r.w, name, sizeof(name)));
	/* a failed prepare ends with nothing held */
	ck_assert_int_eq(rawcd_session_begin(r.w, "track.raw", &e), 0);
	ck_assert_fails(rawcd_session_prepare(r.w, &e), EINVAL, BURN_E_CLIENT_NAME_IS_NOT_VALID, e);
	ck_assert_int_eq(rawcd_session_end(r.w, -EINVAL, NULL), -EINVAL);
	ck_assert(!rawcd_session_name(r.w, NULL, 0));
	ck_assert_uint_eq(recorder_lock_count(r.rec), 0);

	set_name(&r, "T");
	ck_assert_int_eq(rawcd_session_begin(r.w, "burn/a.iso", &e), 0);
	ck_assert(rawcd_session_name(r.w, name, sizeof(name)));
	ck_assert_str_eq(name, "burn/a.iso");
	ck_assert_fails(rawcd_session_begin(r.w, "track.raw", &e), EBUSY,
			BURN_E_WRITE_IN_PROGRESS, e);
	ck_assert_str_eq(e.reason, "another writer has burn/a.iso open; one burn at a time");
	ck_assert_int_eq(rawcd_session_prepare(r.w, &e), 0);
	ck_assert_int_eq(rawcd_state(r.w), RAWCD_PREPARED);
	ck_assert_fails(rawcd_release(r.w, &e), EBUSY, BURN_E_WRITE_IN_PROGRESS, e);
	ck_assert_str_eq(e.reason, "burn/a.iso is open for writing; closing it releases the media");
	ck_assert_fails(rawcd_eject(r.w, &e), EBUSY, BURN_E_MEDIA_IS_PREPARED, e);
	ck_assert_str_eq(e.reason, "the media is prepared for writing; release it first");
	ck_assert_fails(rawcd_load(r.w, &e), EBUSY, BURN_E_MEDIA_IS_PREPARED, e);
	/* nothing written: the end releases what the session prepared */
	ck_assert_int_eq(rawcd_session_end(r.w, 0, &e), 0);
	ck_assert_int_eq(rawcd_state(r.w), RAWCD_IDLE);
	ck_assert_uint_eq(recorder_lock_count(r.rec), 0);

	/* media prepared before (ctl prepare) stays prepared after the session */
	ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
	ck_assert_int_eq(rawcd_session_begin(r.w, "track.raw", &e), 0);
	ck_assert_int_eq(rawcd_session_prepare(r.w, &e), 0);
	ck_assert_int_eq(rawcd_session_end(r.w, 0, &e), 0);
	ck_assert_int_eq(rawcd_state(r.w), RAWCD_PREPARED);
	ck_assert_int_eq(rawcd_release(r.w, &e), 0);
	ck_assert_fails(rawcd_release(r.w, &e), EINVAL, BURN_E_MEDIA_IS_NOT_PREPARED, e);
	/* idle: the tray moves */
	ck_assert_int_eq(rawcd_eject(r.w, &e), 0);
	ck_assert_int_eq(rawcd_load(r.w, &e), 0);
}
END_TEST

START_TEST(blank)
{
	struct burn_error e;

	ck_assert_fails(rawcd_blank(r.w, false, &e), EINVAL, BURN_E_CLIENT_NAME_IS_NOT_VALID, e);
	set_name(&r, "T");
	ck_assert_fails(rawcd_blank(r.w, false, &e), EMEDIUMTYPE, BURN_E_MEDIA_IS_NOT_SUPPORTED, e);
	ck_assert_str_eq(e.reason, "only a CD-RW can be blanked; the disc is cdr");
	rig_reopen("cdrw80", NULL);
	set_name(&r, "T");
	ck_assert_int_eq(rawcd_blank(r.w, false, &e), 0);
	ck_assert_int_eq(rawcd_blank(r.w, true, &e), 0);
	ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
	ck_assert_fails(rawcd_blank(r.w, true, &e), EBUSY, BURN_E_MEDIA_IS_PREPARED, e);
	ck_assert_int_eq(rawcd_release(r.w, &e), 0);
}
END_TEST

START_TEST(properties)
{
	struct burn_error e;
	char name[64];

	ck_assert_int_eq(rawcd_client_name(r.w, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "");
	set_name(&r, "Keep");
	ck_assert_fails(rawcd_set_client_name(r.w, "", 0, &e), EINVAL,
			BURN_E_CLIENT_NAME_IS_NOT_VALID, e);
	rawcd_client_name(r.w, name, sizeof(name));
	ck_assert_str_eq(name, "Keep");
	ck_assert_int_eq(rawcd_set_simulate(r.w, true, &e), 0);
	ck_assert(rawcd_simulate(r.w));
	ck_assert_int_eq(rawcd_set_bufe_disabled(r.w, true, &e), 0);
	ck_assert(rawcd_bufe_disabled(r.w));
	ck_assert_int_eq(rawcd_lead_in_sectors(r.w), RAWCD_DEFAULT_LEAD_IN);
	ck_assert_int_eq(rawcd_write_speed(r.w), -1);
	/* simulate and BUFE reach the drive at prepare */
	ck_assert_int_eq(rawcd_prepare(r.w, &e), 0);
	ck_assert_int_eq(rawcd_release(r.w, &e), 0);
	ck_assert_str_eq(rawcd_state_name(RAWCD_FINISHING), "finishing");
	ck_assert_str_eq(rawcd_action_name(RAWCD_ACTION_PREPARING), "preparing");
}
END_TEST

START_TEST(open_errors)
{
	struct burn_transport *t;
	struct burn_error e;

	ck_assert_int_eq(burn_transport_open("", NULL, &t, &e), -ENODEV);
	ck_assert_int_eq(e.result, BURN_E_NO_RECORDER_SPECIFIED);
	ck_assert_int_eq(burn_transport_open("/nonexistent/sr9", NULL, &t, &e), -ENODEV);
	ck_assert_str_eq(e.reason, "cannot open /nonexistent/sr9: No such file or directory");
	/* a character device that is no drive: refused at the first command */
	if (burn_transport_open("/dev/null", NULL, &t, &e) == 0) {
		struct recorder *rec;

		ck_assert_int_eq(recorder_open(t, &rec, &e), -ENODEV);
		ck_assert_int_eq(e.result, BURN_E_NO_RECORDER_SPECIFIED);
		ck_assert_msg(strstr(e.reason, "/dev/null does not answer SCSI commands"), "%s",
			      e.reason);
	}
	ck_assert_int_eq(burn_transport_open("emu:/proc/burnfs-cannot-be-here", NULL, &t, &e),
			 -ENODEV);
}
END_TEST

static Suite *
recorder_suite(void)
{
	Suite *s = suite_create("recorder");
	TCase *tc = tl_tcase_in(s, "rig", rig_setup, rig_teardown);

	TL_TESTS(tc, identity_and_media, prepare_and_release);
	tcase_add_loop_test(tc, prepare_media_errors, 0,
			    (int)(sizeof(media_errors) / sizeof(media_errors[0])));
	TL_TESTS(tc, not_blank, lead_in, sector_types, speed, nesting, room_and_mode_pages, tray,
		 session, blank, properties);
	tcase_add_test(tl_tcase_in(s, "emulated", tl_emu_setup, tl_emu_teardown), open_errors);
	return s;
}

TL_MAIN(recorder_suite)
