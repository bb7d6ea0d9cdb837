/*
 * The emulated recorder when a burn goes wrong: streams cut short or never
 * synchronized, a writer that dies or whose pid is reused, a second handle
 * while one records, buffer underruns, paced IMMED commands and the
 * injected faults (emu_fault). Split from test-emu-write.c by subject.
 */
#include "config.h"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cd.h"
#include "emu.h"
#include "image-disc.h"
#include "image-encoder.h"
#include "mmc.h"
#include "subchannel.h"
#include "tl-emu.h"
#include "tl-harness.h"
#include "tl-image.h"

START_TEST(incomplete_stream)
{
	struct tl_stream s;

	tl_stream_begin(tl_drive, &s, CD_SECTOR_RAW, true, false);
	/* everything but the last part of the lead-out */
	tl_stream_write(tl_drive, &s, s.end - 100);
	ck_assert(tl_emu_has("rec.bin") && tl_emu_has("rec.sub"));
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_INCOMPLETE);
	tl_sync_cache(tl_drive, true);
	tl_check_ruined(tl_drive);
	tl_stream_close(&s);
}
END_TEST

START_TEST(closed_without_sync)
{
	struct tl_stream s;

	tl_stream_begin(tl_drive, &s, CD_SECTOR_RAW, true, false);
	tl_stream_write(tl_drive, &s, TL_NWA_CDR80 + 500);
	tl_emu_reopen(NULL, 0);
	tl_check_ruined(tl_drive);
	tl_stream_close(&s);
}
END_TEST

START_TEST(writer_died)
{
	const char *cue = tl_emu_audio_cue();
	int pipefd[2], status;
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct emu_drive *w = NULL;
		struct burn_error e;
		struct tl_stream s;

		if (emu_drive_open(tl_emu_dir, NULL, &w, &e) < 0)
			_exit(1);
		tl_stream_open(&s, cue, CD_SECTOR_RAW);
		tl_select_raw(w, CD_SECTOR_RAW, true, false);
		tl_stream_skip_to(&s, TL_NWA_CDR80);
		tl_stream_write(w, &s, TL_NWA_CDR80 + 300);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();	/* killed in the middle of its stream */
		_exit(0);
	}
	close(pipefd[1]);
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	/* while it lives, the session is its: others wait */
	{
		struct mmc_cmd cmd;

		mmc_build_test_unit_ready(&cmd);
		tl_expect(tl_drive, &cmd, 2, 0x04, 0x08);
	}
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	tl_check_ruined(tl_drive);
}
END_TEST

/*
 * A session whose pid now names another process (pid reuse, a reboot) is
 * stale too: DIR/drive.state gets a different start time for the owner.
 */
START_TEST(writer_pid_reused)
{
	char *state = tl_path(tl_emu_dir, "drive.state");
	struct emu_drive *b = tl_emu_open(NULL);
	char text[4096], *line, *last;
	struct mmc_cmd cmd;
	struct tl_stream s;
	size_t n;
	FILE *f;

	tl_stream_begin(tl_drive, &s, CD_SECTOR_RAW, true, false);
	tl_stream_write(tl_drive, &s, TL_NWA_CDR80 + 100);
	mmc_build_test_unit_ready(&cmd);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	f = fopen(state, "r+");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	line = strstr(text, "\nsession ");
	ck_assert_ptr_nonnull(line);
	last = strchr(line + 1, '\n');
	ck_assert_ptr_nonnull(last);
	while (last[-1] != ' ')
		last--;
	last[0] = last[0] == '7' ? '8' : '7';	/* another start time */
	rewind(f);
	ck_assert_uint_eq(fwrite(text, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	tl_check_ruined(b);
	/* the old writer has lost its session */
	tl_stream_take(&s, 1);
	mmc_build_write10(&cmd, TL_NWA_CDR80 + 100, 1, s.buf, 2448);
	tl_expect(tl_drive, &cmd, 5, 0x21, 0x02);
	tl_stream_close(&s);
	emu_drive_close(b);
	free(state);
}
END_TEST

START_TEST(other_handle_waits)
{
	struct emu_drive *b = tl_emu_open(NULL);
	struct mmc_cmd cmd;
	uint8_t buf[1024];
	struct tl_stream s;

	tl_stream_begin(tl_drive, &s, CD_SECTOR_PQ, true, false);
	tl_stream_write(tl_drive, &s, TL_NWA_CDR80 + 100);
	/* held off: long write in progress */
	mmc_build_test_unit_ready(&cmd);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_read_disc_info(&cmd, buf, sizeof(buf));
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_read_track_info(&cmd, 1, 0xff, buf, 36);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_read_toc(&cmd, 0, false, 0, buf, sizeof(buf));
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_write10(&cmd, TL_NWA_CDR80 + 100, 1, s.buf, 2368);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_blank(&cmd, 1, false);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	mmc_build_start_stop(&cmd, true, false, false);
	tl_expect(b, &cmd, 2, 0x04, 0x08);
	/* still answered */
	mmc_build_inquiry(&cmd, buf, 96);
	tl_good(b, &cmd);
	mmc_build_get_configuration(&cmd, 0, 0, buf, sizeof(buf));
	tl_good(b, &cmd);
	mmc_build_mode_sense10(&cmd, 0x2a, 0, buf, sizeof(buf));
	tl_good(b, &cmd);
	mmc_build_get_performance_write_speeds(&cmd, 8, buf, sizeof(buf));
	tl_good(b, &cmd);
	mmc_build_get_event_status(&cmd, 0x10, buf, 8);
	tl_good(b, &cmd);
	mmc_build_request_sense(&cmd, buf, 18);
	tl_good(b, &cmd);
	/* the recording handle goes on */
	tl_stream_write(tl_drive, &s, s.end);
	tl_sync_cache(tl_drive, false);
	mmc_build_test_unit_ready(&cmd);
	tl_good(b, &cmd);
	ck_assert_int_eq(tl_disc_status(b), MMC_DISC_COMPLETE);
	tl_stream_close(&s);
	emu_drive_close(b);
}
END_TEST

static uint32_t
buffer_available(struct emu_drive *d)
{
	struct mmc_cmd cmd;
	uint8_t buf[12];

	mmc_build_read_buffer_capacity(&cmd, buf, sizeof(buf));
	tl_good(d, &cmd);
	ck_assert_uint_eq(mmc_get32(buf + 4), 2048 * 1024);
	return mmc_get32(buf + 8);
}

/* tl_drive on @media at @speed x (emu_speed): it burns in time, as a real drive does. */
static void
open_paced(const char *media, unsigned speed)
{
	struct emu_config cfg = { .media = media, .speed = speed };

	tl_emu_reopen_cfg(&cfg);
}

/*
 * Underrun: fill the buffer exactly (the drive starts burning when it is
 * full), stall long enough for 1000x to empty it, then write again.
 */
START_TEST(underrun)
{
	bool bufe = _i == 1;
	uint32_t cap = 2048 * 1024 / 2448;
	struct mmc_cmd cmd;
	struct tl_stream s;

	open_paced("cdr80", 1000);
	tl_stream_begin(tl_drive, &s, CD_SECTOR_RAW, bufe, false);
	ck_assert_uint_eq(buffer_available(tl_drive), 2048 * 1024);
	tl_stream_write(tl_drive, &s, TL_NWA_CDR80 + TL_CHUNK);
	/* not burning yet: the fill is what was sent */
	ck_assert_uint_eq(buffer_available(tl_drive), 2048 * 1024 - TL_CHUNK * 2448);
	tl_stream_write(tl_drive, &s, TL_NWA_CDR80 + (int32_t)cap);
	tl_sleep_ms(300);	/* 856 sectors at 75000/s: gone after 12 ms */
	ck_assert_uint_eq(buffer_available(tl_drive), 2048 * 1024);
	tl_stream_take(&s, TL_CHUNK);
	mmc_build_write10(&cmd, s.lba - TL_CHUNK, TL_CHUNK, s.buf, TL_CHUNK * 2448);
	if (!bufe) {
		/* loss of streaming: the CD-R is ruined */
		tl_expect(tl_drive, &cmd, 3, 0x0c, 0x09);
		tl_check_ruined(tl_drive);
	} else {
		/* BUFE: the drive paused and goes on */
		tl_good(tl_drive, &cmd);
		tl_stream_write(tl_drive, &s, s.end);
		tl_sync_cache(tl_drive, true);
		ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_COMPLETE);
		tl_check_toc(tl_drive, tl_stream_toc(&s));
	}
	tl_stream_close(&s);
}
END_TEST

/* Paced, a SYNCHRONIZE CACHE with IMMED leaves the drive busy while its buffer drains. */
START_TEST(paced_sync_immed)
{
	struct mmc_sense sense;
	struct mmc_cmd cmd;
	uint8_t buf[18];
	struct tl_stream s;

	open_paced("cdr80", 2);
	tl_stream_begin(tl_drive, &s, CD_SECTOR_RAW, true, false);
	/* 200 sectors wait in the buffer: 1.3 s of burning at 2x */
	tl_stream_write(tl_drive, &s, TL_NWA_CDR80 + 200);
	ck_assert_uint_eq(buffer_available(tl_drive), 2048 * 1024 - 200 * 2448);
	mmc_build_synchronize_cache(&cmd, true);
	tl_good(tl_drive, &cmd);
	mmc_build_test_unit_ready(&cmd);
	tl_expect(tl_drive, &cmd, 2, 0x04, 0x08);
	tl_request_sense(tl_drive, buf, &sense);
	ck_assert(sense.key == 2 && sense.asc == 0x04 && sense.ascq == 0x08);
	ck_assert_uint_gt(tl_wait_ready(tl_drive), 0);
	tl_check_ruined(tl_drive);	/* the stream was cut short */
	tl_stream_close(&s);
}
END_TEST

START_TEST(paced_blank_immed)
{
	struct mmc_sense sense;
	struct mmc_cmd cmd;
	uint8_t buf[18];

	open_paced("cdrw80", 60);
	/* minimal blank: 30 s at 1x, 0.5 s at 60x */
	mmc_build_blank(&cmd, 1, true);
	tl_good(tl_drive, &cmd);
	tl_request_sense(tl_drive, buf, &sense);
	ck_assert(sense.key == 2 && sense.asc == 0x04 && sense.ascq == 0x07);
	ck_assert(buf[15] & 0x80);	/* SKSV: progress in bytes 16-17 */
	ck_assert_uint_gt(tl_wait_ready(tl_drive), 0);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_EMPTY);
}
END_TEST

START_TEST(fault_parse)
{
	struct emu_config cfg = { 0 };

	ck_assert_int_eq(emu_fault_parse("write_error@1234+no_rw", &cfg), 0);
	ck_assert_uint_eq(cfg.faults, EMU_FAULT_WRITE_ERROR | EMU_FAULT_NO_RW);
	ck_assert_int_eq(cfg.write_error_lba, 1234);
	ck_assert_int_eq(emu_fault_parse("removed@-100+unit_attention@7", &cfg), 0);
	ck_assert_int_eq(cfg.removed_lba, -100);
	ck_assert_int_eq(cfg.unit_attention_lba, 7);
	ck_assert_uint_eq(cfg.faults, EMU_FAULT_WRITE_ERROR | EMU_FAULT_NO_RW |
			  EMU_FAULT_REMOVED | EMU_FAULT_UNIT_ATTENTION);
	ck_assert_int_eq(emu_fault_parse("write_error", &cfg), -EINVAL);
	ck_assert_int_eq(emu_fault_parse("write_error@", &cfg), -EINVAL);
	ck_assert_int_eq(emu_fault_parse("write_error@12x", &cfg), -EINVAL);
	ck_assert_int_eq(emu_fault_parse("no_rw@5", &cfg), -EINVAL);
	ck_assert_int_eq(emu_fault_parse("removed@99999999", &cfg), -EINVAL);
}
END_TEST

/*
 * tl_drive with @fault (emu_fault syntax) and @s, a @type stream of the
 * audio fixture, page 05h set and the stream written up to @until.
 */
static void
faulty_burn(const char *fault, enum cd_sector_type type, struct tl_stream *s, int32_t until)
{
	struct emu_config cfg = { .media = "cdr80" };

	ck_assert_int_eq(emu_fault_parse(fault, &cfg), 0);
	tl_emu_reopen_cfg(&cfg);
	tl_stream_begin(tl_drive, s, type, true, false);
	tl_stream_write(tl_drive, s, until);
}

/* A WRITE of TL_CHUNK sectors from @at reaches the fault's LBA and fails with a sense. */
static const struct write_fault {
	const char *fault;
	int32_t at;
	uint8_t key, asc;
	bool removed;	/* the medium is gone until a load */
} write_faults[] = {
	{ "write_error@100", 90, 3, 0x0c, false },	/* 90..115 covers 100 */
	{ "removed@-10", -TL_CHUNK, 2, 0x3a, true },	/* -26..-1 reaches -10 */
};

START_TEST(fault_write)
{
	const struct write_fault *f = &write_faults[_i];
	struct mmc_cmd cmd;
	struct tl_stream s;

	faulty_burn(f->fault, CD_SECTOR_RAW, &s, f->at);
	tl_stream_take(&s, TL_CHUNK);
	mmc_build_write10(&cmd, f->at, TL_CHUNK, s.buf, TL_CHUNK * 2448);
	tl_expect(tl_drive, &cmd, f->key, f->asc, 0x00);
	if (f->removed) {
		mmc_build_test_unit_ready(&cmd);
		tl_expect(tl_drive, &cmd, 2, 0x3a, 0x00);
		mmc_build_write10(&cmd, 0, TL_CHUNK, s.buf, TL_CHUNK * 2448);
		tl_expect(tl_drive, &cmd, 2, 0x3a, 0x00);
		/* until a load: then the (ruined) disc is back */
		mmc_build_start_stop(&cmd, true, true, false);
		tl_good(tl_drive, &cmd);
		mmc_build_test_unit_ready(&cmd);
		tl_good(tl_drive, &cmd);
	}
	tl_check_ruined(tl_drive);
	tl_stream_close(&s);
}
END_TEST

START_TEST(fault_unit_attention)
{
	struct mmc_cmd cmd;
	uint8_t buf[96];
	struct tl_stream s;

	/* the last WRITE reaches -50 and succeeds */
	faulty_burn("unit_attention@-50", CD_SECTOR_PQ, &s, -50 + 1);
	/* INQUIRY passes a unit attention; the next other command gets it, once */
	mmc_build_inquiry(&cmd, buf, sizeof(buf));
	tl_good(tl_drive, &cmd);
	mmc_build_test_unit_ready(&cmd);
	tl_expect(tl_drive, &cmd, 6, 0x29, 0x00);
	mmc_build_test_unit_ready(&cmd);
	tl_good(tl_drive, &cmd);
	/* the stream goes on to a complete disc */
	tl_stream_write(tl_drive, &s, s.end);
	tl_sync_cache(tl_drive, false);
	ck_assert_int_eq(tl_disc_status(tl_drive), MMC_DISC_COMPLETE);
	tl_stream_close(&s);
}
END_TEST

static Suite *
emu_faults_suite(void)
{
	Suite *s = suite_create("emu-faults");
	TCase *tc = tl_emu_tcase(s, "cdr80");

	TL_TESTS(tc, incomplete_stream, closed_without_sync, writer_died, writer_pid_reused,
		 other_handle_waits);
	/* these open their own drive, paced or faulty */
	tc = tl_tcase_in(s, "faults", tl_emu_setup, tl_emu_teardown);
	tcase_add_loop_test(tc, underrun, 0, 2);
	TL_TESTS(tc, paced_sync_immed, paced_blank_immed, fault_parse);
	tcase_add_loop_test(tc, fault_write, 0, (int)(sizeof(write_faults) / sizeof(write_faults[0])));
	tcase_add_test(tc, fault_unit_attention);
	return s;
}

TL_MAIN(emu_faults_suite)
