/*
 * The disc suite: disc/, the disc in the drive read back as files through
 * the real daemon (issue 10). Discs are burned with burnfs-image streams
 * into track.raw, then listed, stat'ed, read whole and at odd offsets, and
 * compared byte for byte with what was burned; refusals (read-only, a
 * write running, no medium, an unreadable sector) with their errno and
 * last_error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cdio/cdtext.h>

#include "cd-sector.h"
#include "tl-burn.h"
#include "tl-harness.h"
#include "tl-image.h"
#include "tl-mount.h"

/* disc/@name of m1 (tl_at()'s rotating buffers: copy what must last). */
static char *
at_disc(const char *name)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "disc/%s", name);
	return tl_at(&tl_m1, rel);
}

/* The names in m1's disc/, sorted, joined with ' '. */
static char *
listing(void)
{
	char *dir = at_disc(""), *cmd;
	static char out[1024];
	FILE *p;
	size_t n;

	ck_assert_int_gt(asprintf(&cmd, "ls '%s' | tr '\\n' ' '", dir), 0);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	free(cmd);
	return out;
}

/* stat(disc/@name).st_size, asserting it exists. */
static off_t
size_of(const char *name)
{
	char *path = at_disc(name);
	struct stat st;

	ck_assert_msg(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	ck_assert_uint_eq(st.st_mode & 07777, 0440);	/* the group's, not other users' (fs/perm.h) */
	return st.st_size;
}

/* disc/@name equals @len bytes at @want: read whole, then at odd offsets and sizes. */
static void
file_equals(const char *name, const uint8_t *want, size_t len)
{
	static const size_t offs[] = { 0, 1, 2047, 2048, 44, 2351, 100003, 65535 };
	static const size_t sizes[] = { 1, 7, 2048, 4096, 70000 };
	char *path = strdup(at_disc(name));
	size_t got_len;
	uint8_t *got = tl_slurp(path, &got_len), buf[70000];
	int fd = open(path, O_RDONLY);

	ck_assert_uint_eq(got_len, len);
	ck_assert_msg(memcmp(got, want, len) == 0, "disc/%s differs from what was burned", name);
	ck_assert_int_ge(fd, 0);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			ssize_t n = pread(fd, buf, sizes[j], (off_t)offs[i]);
			size_t expect = offs[i] >= len ? 0 : len - offs[i];

			if (expect > sizes[j])
				expect = sizes[j];
			ck_assert_int_eq(n, (ssize_t)expect);
			ck_assert_msg(memcmp(buf, want + offs[i], expect) == 0,
				      "disc/%s: %zu bytes at %zu differ", name, sizes[j], offs[i]);
		}
	}
	ck_assert_int_eq(pread(fd, buf, 1, (off_t)len), 0);
	close(fd);
	free(got);
	free(path);
}

/* Burns @input as a @type stream through m1's track.raw. */
static void
burn(const char *input, const char *type)
{
	char *raw = tl_make_stream(input, type, NULL);

	tl_name_it();
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "sector_type"), type), 0);
	tl_burn_raw(raw);
	free(raw);
}

static const char *const types[] = { "pq", "cooked", "raw" };

START_TEST(blank_disc_is_empty)
{
	ck_assert_str_eq(listing(), "");
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "eject\n"), 0);
	ck_assert_str_eq(listing(), "");
}
END_TEST

START_TEST(iso_reads_back)
{
	char *iso, *stream, want[512];
	uint8_t *src;
	size_t len;

	if (!tl_can_run("genisoimage iso-info"))
		return;
	iso = tl_make_iso();
	src = tl_slurp(iso, &len);
	burn(iso, types[_i]);
	ck_assert_str_eq(listing(), "01.iso disc.bin disc.cue disc.raw toc ");
	ck_assert_int_eq(size_of("01.iso"), (off_t)len);
	ck_assert_int_eq(size_of("disc.bin"), (off_t)(len / 2048) * 2352);
	file_equals("01.iso", src, len);
	snprintf(want, sizeof(want),
		 "first_track: 1\nlast_track: 1\nleadout: %zu\nmcn: \ntitle: \nperformer: \n"
		 "track 01: mode1 start=0 pregap=0 length=%zu copy=no preemphasis=no isrc=\n",
		 len / 2048, len / 2048);
	ck_assert_str_eq(tl_get(at_disc("toc")), want);
	ck_assert_str_eq(tl_get(at_disc("disc.cue")),
			 "FILE \"disc.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n");
	/* iso-info reads the volume from the file, as from the ISO that was burned */
	ck_assert_int_eq(tl_sh("iso-info -i '%s' -l 2>/dev/null | grep -q four.dat",
			       at_disc("01.iso")), 0);
	/* disc.raw is the stream that was burned: Mode 1 sectors scrambled again */
	stream = tl_make_stream(iso, types[_i], NULL);
	ck_assert_int_eq(tl_sh("cmp '%s' '%s'", at_disc("disc.raw"), stream), 0);
	free(stream);
	/* cp (which may probe with SEEK_DATA/SEEK_HOLE) copies it whole */
	ck_assert_int_eq(tl_sh("cp '%s' '%s/copy.iso' && cmp -s '%s/copy.iso' '%s'",
			       at_disc("01.iso"), tl_top, tl_top, iso), 0);
	free(src);
	free(iso);
}
END_TEST

START_TEST(audio_reads_back)
{
	char *cue = tl_make_audio_cue(tl_top), *bin = tl_path(tl_top, "audio.bin");
	/* the tracks' starts: 1's at 0, 2's after its 150-sector pre-gap */
	static const int32_t starts[] = { 0, TL_T1_SECTORS + TL_T2_PREGAP,
					  TL_T1_SECTORS + TL_T2_PREGAP + TL_T2_SECTORS,
					  TL_AUDIO_SECTORS };
	size_t len;
	uint8_t *src = tl_slurp(bin, &len);
	bool text = strcmp(types[_i], "pq") != 0;

	burn(cue, types[_i]);
	ck_assert_str_eq(listing(), "01.wav 02.wav 03.wav disc.bin disc.cue disc.raw toc ");
	/* CD-TEXT travels in the R-W sub-channel: a P-Q stream has no room for it */
	ck_assert_str_eq(tl_get(at_disc("toc")), text ?
			 "first_track: 1\nlast_track: 3\nleadout: 2550\nmcn: " TL_MCN "\n"
			 "title: Test Album\nperformer: Test Performer\n"
			 "track 01: audio start=0 pregap=0 length=1000 copy=no preemphasis=no isrc=\n"
			 "track 01 title: One\n"
			 "track 02: audio start=1150 pregap=150 length=800 copy=no preemphasis=no "
			 "isrc=" TL_ISRC "\n"
			 "track 03: audio start=1950 pregap=0 length=600 copy=yes preemphasis=no "
			 "isrc=\n"
			 "track 03 index 02: 2250\n"
			 "track 03 title: A rather long title for the third track, over 12 bytes\n"
			 "track 03 performer: Someone Else\n" :
			 "first_track: 1\nlast_track: 3\nleadout: 2550\nmcn: " TL_MCN "\n"
			 "title: \nperformer: \n"
			 "track 01: audio start=0 pregap=0 length=1000 copy=no preemphasis=no isrc=\n"
			 "track 02: audio start=1150 pregap=150 length=800 copy=no preemphasis=no "
			 "isrc=" TL_ISRC "\n"
			 "track 03: audio start=1950 pregap=0 length=600 copy=yes preemphasis=no "
			 "isrc=\n"
			 "track 03 index 02: 2250\n");
	ck_assert_str_eq(tl_get(at_disc("disc.cue")), text ?
			 "CATALOG " TL_MCN "\nPERFORMER \"Test Performer\"\nTITLE \"Test Album\"\n"
			 "FILE \"disc.bin\" BINARY\n"
			 "  TRACK 01 AUDIO\n    TITLE \"One\"\n    INDEX 01 00:00:00\n"
			 "  TRACK 02 AUDIO\n    ISRC " TL_ISRC "\n    INDEX 00 00:13:25\n"
			 "    INDEX 01 00:15:25\n"
			 "  TRACK 03 AUDIO\n    FLAGS DCP\n"
			 "    TITLE \"A rather long title for the third track, over 12 bytes\"\n"
			 "    PERFORMER \"Someone Else\"\n    INDEX 01 00:26:00\n"
			 "    INDEX 02 00:30:00\n" :
			 "CATALOG " TL_MCN "\nFILE \"disc.bin\" BINARY\n"
			 "  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
			 "  TRACK 02 AUDIO\n    ISRC " TL_ISRC "\n    INDEX 00 00:13:25\n"
			 "    INDEX 01 00:15:25\n"
			 "  TRACK 03 AUDIO\n    FLAGS DCP\n    INDEX 01 00:26:00\n"
			 "    INDEX 02 00:30:00\n");
	file_equals("disc.bin", src, len);
	for (int t = 0; t < 3; t++) {
		/* a WAV header, then the samples up to the next track's start, pre-gap included */
		size_t n = (size_t)(starts[t + 1] - starts[t]) * 2352;
		uint8_t *want = malloc(44 + n);
		char name[8];

		ck_assert_ptr_nonnull(want);
		snprintf(name, sizeof(name), "%02d.wav", t + 1);
		memcpy(want + 44, src + (size_t)starts[t] * 2352, n);
		memcpy(want, "RIFF", 4);
		{
			char *path = at_disc(name);
			uint8_t *got = tl_slurp(path, NULL);

			/* the header as any WAV reader takes it: PCM 16-bit stereo 44.1 kHz */
			ck_assert_mem_eq(got, "RIFF", 4);
			ck_assert_mem_eq(got + 8, "WAVEfmt \x10\0\0\0\x01\0\x02\0\x44\xac\0\0"
					 "\x10\xb1\x02\0\x04\0\x10\0data", 32);
			ck_assert_uint_eq(got[40] | got[41] << 8 | got[42] << 16 |
					  (uint32_t)got[43] << 24, n);
			memcpy(want, got, 44);
			free(got);
		}
		file_equals(name, want, 44 + n);
		free(want);
	}
	free(src);
	free(bin);
	free(cue);
}
END_TEST

/*
 * disc.raw is the stream that was burned, sector for sector, in the mount's
 * sector type; burnfs-image extract gives back its cue/bin, and cat of it
 * into a second recorder's track.raw makes the same disc there.
 */
START_TEST(raw_copies_the_disc)
{
	const char *type = types[_i];
	char *cue = tl_make_audio_cue(tl_top), *raw = tl_make_stream(cue, type, NULL);
	char *dev2 = tl_path(tl_top, "disc2"), *emu2, *disc_raw;
	static const char *const recorded[] = { "disc.bin", "disc.sub", "disc.toc", "disc.cue",
						"disc.cdt" };
	struct stat st;

	burn(cue, type);
	disc_raw = strdup(at_disc("disc.raw"));
	ck_assert_int_eq(stat(raw, &st), 0);
	ck_assert_int_eq(size_of("disc.raw"), st.st_size);
	ck_assert_int_eq(tl_sh("cmp '%s' '%s'", disc_raw, raw), 0);
	/* burnfs-image reads it back to the cue/bin that was burned */
	ck_assert_int_eq(tl_sh("cd '%s' && '%s' extract --sector-type %s '%s' back.cue && "
			       "cmp -s back.bin audio.bin", tl_top, tl_image_bin, type, disc_raw),
			 0);
	/* a 1:1 copy onto a second recorder */
	ck_assert_int_eq(mkdir(dev2, 0755), 0);
	ck_assert_int_ge(asprintf(&emu2, "emu:%s", dev2), 0);
	ck_assert_int_eq(tl_mount_start(&tl_m2, "mnt2", emu2, NULL), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m2, "client_name"), "Copy\n"), 0);
	ck_assert_int_eq(tl_put(tl_at(&tl_m2, "sector_type"), type), 0);
	ck_assert_int_eq(tl_sh("cat '%s' > '%s'", disc_raw, tl_at(&tl_m2, "track.raw")), 0);
	for (size_t i = 0; i < sizeof(recorded) / sizeof(recorded[0]); i++) {
		bool has = strcmp(recorded[i], "disc.cdt") != 0 || strcmp(type, "pq") != 0;

		ck_assert_int_eq(tl_sh("cmp '%s/%s' '%s/%s'", tl_disc, recorded[i], dev2,
				       recorded[i]), has ? 0 : 2);
	}
	free(disc_raw);
	free(emu2);
	free(dev2);
	free(raw);
	free(cue);
}
END_TEST

/* A data track and two audio tracks in one session read back as they were burned. */
START_TEST(mixed_mode_reads_back)
{
	char *iso, *cue = tl_path(tl_top, "mixed.cue"), *stream, *toc;
	char *wavs[2] = { NULL, NULL };
	uint8_t *src;
	size_t len;

	if (!tl_can_run("genisoimage"))
		return;
	iso = tl_make_iso();
	wavs[0] = tl_make_wav("a1.wav", 5);
	wavs[1] = tl_make_wav("a2.wav", 6);
	tl_write_text(cue, "FILE \"disc.iso\" BINARY\nTRACK 01 MODE1/2048\nINDEX 01 00:00:00\n"
		      "FILE \"a1.wav\" WAVE\nTRACK 02 AUDIO\nPREGAP 00:02:00\nINDEX 01 00:00:00\n"
		      "FILE \"a2.wav\" WAVE\nTRACK 03 AUDIO\nINDEX 01 00:00:00\n");
	burn(cue, "cooked");
	ck_assert_str_eq(listing(), "01.iso 02.wav 03.wav disc.bin disc.cue disc.raw toc ");
	toc = tl_get(at_disc("toc"));
	ck_assert_msg(strstr(toc, "track 01: mode1 start=0 ") && strstr(toc, "track 02: audio ") &&
		      strstr(toc, " pregap=150 ") && strstr(toc, "track 03: audio "), "%s", toc);
	src = tl_slurp(iso, &len);
	file_equals("01.iso", src, len);
	free(src);
	for (int t = 0; t < 2; t++) {
		char name[8];
		uint8_t *want = tl_slurp(wavs[t], &len), *got;
		size_t got_len;

		/* each track's samples, after a WAV header of the same length */
		snprintf(name, sizeof(name), "%02d.wav", t + 2);
		got = tl_slurp(at_disc(name), &got_len);
		ck_assert_uint_eq(got_len, len);
		ck_assert_msg(memcmp(got + 44, want + 44, len - 44) == 0, "disc/%s differs", name);
		free(got);
		free(want);
		free(wavs[t]);
	}
	stream = tl_make_stream(cue, "cooked", NULL);
	ck_assert_int_eq(tl_sh("cmp '%s' '%s'", at_disc("disc.raw"), stream), 0);
	free(stream);
	free(iso);
	free(cue);
}
END_TEST

/*
 * A Mode 2 (CD-ROM XA) track, Form 1 then Form 2 sectors made here, as a
 * MODE2/2352 or MODE2/2336 cue: burned, recorded as Mode 2, read back equal.
 */
#define M2_SECTORS 600
#define M2_FORM2_FROM 300

START_TEST(mode2_reads_back)
{
	static const uint8_t form1[4] = { 0x01, 0x00, 0x08, 0x00 };
	static const uint8_t form2[4] = { 0x01, 0x00, 0x64, 0x00 };	/* real-time audio */
	bool whole = _i == 0;
	char *bin = tl_path(tl_top, "xa.bin"), *cue = tl_path(tl_top, "xa.cue"), *stream, *got;
	uint8_t *want = malloc((size_t)M2_SECTORS * CD_MAIN_SIZE), data[CD_FORM2_DATA_SIZE];
	FILE *f = fopen(bin, "wb");
	size_t len;

	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(f);
	for (int32_t lba = 0; lba < M2_SECTORS; lba++) {
		uint8_t *sector = want + (size_t)lba * CD_MAIN_SIZE;

		for (size_t i = 0; i < sizeof(data); i++)
			data[i] = (uint8_t)(lba * 7 + i * 13 + (i >> 8));
		cd_sector_encode_mode2(sector, lba, lba < M2_FORM2_FROM ? form1 : form2, data);
		/* 2336: what follows the sync and the header */
		ck_assert_uint_eq(fwrite(whole ? sector : sector + 16, whole ? CD_MAIN_SIZE :
					 CD_MAIN_SIZE - 16, 1, f), 1);
	}
	ck_assert_int_eq(fclose(f), 0);
	tl_write_text(cue, whole ? "FILE \"xa.bin\" BINARY\nTRACK 01 MODE2/2352\nINDEX 01 00:00:00\n"
			       : "FILE \"xa.bin\" BINARY\nTRACK 01 MODE2/2336\nINDEX 01 00:00:00\n");
	burn(cue, "cooked");
	ck_assert_ptr_nonnull(strstr(tl_get(at_disc("disc.cue")), "TRACK 01 MODE2/2352\n"));
	ck_assert_ptr_nonnull(strstr(tl_get(at_disc("toc")), "track 01: mode2 start=0 "));
	tl_cd_info_shows("Disc mode is listed as: CD DATA (Mode 2)");
	/* the recorded sectors, read back, are the ones made here */
	got = (char *)tl_slurp(at_disc("disc.bin"), &len);
	ck_assert_uint_eq(len, (size_t)M2_SECTORS * CD_MAIN_SIZE);
	ck_assert_msg(memcmp(got, want, len) == 0, "disc/disc.bin differs from the Mode 2 sectors");
	free(got);
	stream = tl_make_stream(cue, "cooked", NULL);
	ck_assert_int_eq(tl_sh("cmp '%s' '%s'", at_disc("disc.raw"), stream), 0);
	free(stream);
	free(want);
	free(cue);
	free(bin);
}
END_TEST

/*
 * An album ripped to FLAC with an EAC cue (gaps appended to the previous
 * track, UTF-8 CD-TEXT with Latin letters in several fields, EAC's
 * "REM GENRE", ISRC, CATALOG) burns through
 * track.raw; the disc holds the decoded samples, the cue's gaps and texts.
 */
START_TEST(flac_album_reads_back)
{
	char *cue = tl_path(tl_top, "album.cue"), *wav[3];
	uint8_t *bin, *want;
	size_t len, at = 0;

	if (!tl_can_run("flac"))
		return;
	for (int t = 0; t < 3; t++) {
		char name[16];

		snprintf(name, sizeof(name), "%02d.wav", t + 1);
		wav[t] = tl_make_wav(name, (unsigned)(6 + t));
		ck_assert_int_eq(tl_sh("cd '%s' && flac --silent -o %02d.flac %s", tl_top, t + 1,
				       name), 0);
	}
	/* track 2's 2-second gap is the end of 01.flac (6 s), track 3 has none */
	tl_write_text(cue, "REM GENRE Rock\nCATALOG 0123456789012\nTITLE \"Caf\xc3\xa9 M\xc3\xbcller\"\n"
		      "PERFORMER \"Bj\xc3\xb6rk\"\nSONGWRITER \"Ann\"\n"
		      "FILE \"01.flac\" WAVE\nTRACK 01 AUDIO\n"
		      "TITLE \"\xc3\x89t\xc3\xa9\"\nCOMPOSER \"H\xc3\xa4ndel\"\n"
		      "INDEX 01 00:00:00\nTRACK 02 AUDIO\n"
		      "ISRC " TL_ISRC "\nINDEX 00 00:04:00\nFILE \"02.flac\" WAVE\n"
		      "INDEX 01 00:00:00\nTRACK 03 AUDIO\nFILE \"03.flac\" WAVE\n"
		      "INDEX 01 00:00:00\n");
	burn(cue, "cooked");
	ck_assert_str_eq(tl_get(at_disc("toc")),
			 "first_track: 1\nlast_track: 3\nleadout: 1575\nmcn: 0123456789012\n"
			 "title: Caf\\xc3\\xa9 M\\xc3\\xbcller\nperformer: Bj\\xc3\\xb6rk\n"
			 "songwriter: Ann\ngenre: Rock\ngenre_code: 23\n"
			 "track 01: audio start=0 pregap=0 length=300 copy=no preemphasis=no isrc=\n"
			 "track 01 title: \\xc3\\x89t\\xc3\\xa9\n"
			 "track 01 composer: H\\xc3\\xa4ndel\n"
			 "track 02: audio start=450 pregap=150 length=525 copy=no preemphasis=no "
			 "isrc=" TL_ISRC "\n"
			 "track 03: audio start=975 pregap=0 length=600 copy=no preemphasis=no isrc=\n");
	/* the samples on disc are the decoded FLACs', one after the other */
	bin = tl_slurp(at_disc("disc.bin"), &len);
	ck_assert_uint_eq(len, 1575 * 2352);
	for (int t = 0; t < 3; t++) {
		size_t n;

		want = tl_slurp(wav[t], &n);
		ck_assert_msg(memcmp(bin + at, want + 44, n - 44) == 0, "track %d's samples differ",
			      t + 1);
		at += n - 44;
		free(want);
		free(wav[t]);
	}
	free(bin);
	/*
	 * The packs on disc (what READ TOC format 5 answers) read by libcdio as
	 * cd-info reads a drive's: the Latin letters come out right. (cd-info
	 * --cue-file would not do: libcdio takes a cue sheet's text as ISO 8859-1.)
	 */
	{
		char *cdt = tl_path(tl_disc, "disc.cdt");
		uint8_t *packs = tl_slurp(cdt, &len);
		cdtext_t *ct = cdtext_init();

		ck_assert_ptr_nonnull(ct);
		ck_assert_int_eq(cdtext_data_init(ct, packs, len), 0);
		ck_assert_str_eq(cdtext_get_const(ct, CDTEXT_FIELD_TITLE, 0),
				 "Caf\xc3\xa9 M\xc3\xbcller");
		ck_assert_str_eq(cdtext_get_const(ct, CDTEXT_FIELD_PERFORMER, 0), "Bj\xc3\xb6rk");
		ck_assert_str_eq(cdtext_get_const(ct, CDTEXT_FIELD_TITLE, 1), "\xc3\x89t\xc3\xa9");
		ck_assert_str_eq(cdtext_get_const(ct, CDTEXT_FIELD_SONGWRITER, 0), "Ann");
		ck_assert_str_eq(cdtext_get_const(ct, CDTEXT_FIELD_UPC_EAN, 0), "0123456789012");
		ck_assert_str_eq(cdtext_get_const(ct, CDTEXT_FIELD_GENRE, 0), "Rock");
		ck_assert_int_eq(cdtext_get_genre(ct), CDTEXT_GENRE_ROCK);
		cdtext_destroy(ct);
		free(packs);
		free(cdt);
	}
	free(cue);
}
END_TEST

START_TEST(read_only)
{
	char *iso = tl_make_iso();

	burn(iso, "cooked");
	tl_open_refused(&tl_m1, "disc/01.iso", O_WRONLY, EACCES,
			"E_ACCESSDENIED 0x80070005: disc/01.iso is read-only: the disc is read back, "
			"not written, through disc/");
	tl_open_refused(&tl_m1, "disc/toc", O_RDWR, EACCES,
			"E_ACCESSDENIED 0x80070005: disc/toc is read-only: the disc is read back, "
			"not written, through disc/");
	ck_assert_int_eq(truncate(at_disc("01.iso"), 0), -1);
	ck_assert_int_eq(errno, EACCES);
	tl_last_error_starts(&tl_m1, "E_ACCESSDENIED 0x80070005: disc/01.iso is read-only");
	ck_assert_int_eq(unlink(at_disc("01.iso")), -1);
	ck_assert_int_eq(errno, EPERM);
	tl_last_error_starts(&tl_m1, "HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED) 0x80070032: "
			     "disc/01.iso is part of the fixed tree and cannot be removed");
	ck_assert_int_eq(open(at_disc("new"), O_WRONLY | O_CREAT, 0644), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(open(at_disc("02.iso"), O_RDONLY), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(iso);
}
END_TEST

/* An fd of disc/01.iso of a burned fake ISO; the ISO's bytes in *@src. */
static int
burned_iso_fd(uint8_t **src, size_t *len)
{
	char *iso = tl_path(tl_top, "fake.iso");
	int fd;

	tl_make_pvd_iso(iso, 400, 400);
	*src = tl_slurp(iso, len);
	burn(iso, "cooked");
	fd = open(at_disc("01.iso"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	free(iso);
	return fd;
}

/* A read of @fd at @off fails with @err, and last_error starts with @reason. */
static void
read_fails(int fd, off_t off, int err, const char *reason)
{
	uint8_t buf[4096];

	errno = 0;
	ck_assert_int_eq(pread(fd, buf, sizeof(buf), off), -1);
	ck_assert_int_eq(errno, err);
	tl_last_error_starts(&tl_m1, reason);
}

#define UNREADABLE 100

START_TEST(unreadable_sector)
{
	uint8_t *src, buf[8192];
	char opts[64];
	size_t len;
	int fd = burned_iso_fd(&src, &len);

	close(fd);
	snprintf(opts, sizeof(opts), "emu_fault=unreadable@%d", UNREADABLE);
	tl_restart_with(opts);
	fd = open(at_disc("01.iso"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	/* what lies before the sector reads; a read across it stops there */
	ck_assert_int_eq(pread(fd, buf, sizeof(buf), (UNREADABLE - 2) * 2048), 2 * 2048);
	ck_assert_mem_eq(buf, src + (UNREADABLE - 2) * 2048, 2 * 2048);
	read_fails(fd, UNREADABLE * 2048, EIO,
		   "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE 0xC0AA0301: READ(10): [3 11 00] "
		   "Medium error: unrecovered read error");
	read_fails(fd, UNREADABLE * 2048 + 5, EIO, "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE");
	/* and what lies after it */
	ck_assert_int_eq(pread(fd, buf, 2048, (UNREADABLE + 1) * 2048), 2048);
	ck_assert_mem_eq(buf, src + (UNREADABLE + 1) * 2048, 2048);
	close(fd);
	free(src);
}
END_TEST

START_TEST(no_medium)
{
	uint8_t *src;
	size_t len;
	int fd = burned_iso_fd(&src, &len);

	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "eject\n"), 0);
	read_fails(fd, 0, ENOMEDIUM, "E_IMAPI_RECORDER_MEDIA_NO_MEDIA 0xC0AA0202: READ(10): ");
	ck_assert_str_eq(listing(), "");
	ck_assert_int_eq(open(at_disc("01.iso"), O_RDONLY), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* the same disc back in: readable again */
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "load\n"), 0);
	ck_assert_str_eq(listing(), "01.iso disc.bin disc.cue disc.raw toc ");
	close(fd);
	fd = open(at_disc("01.iso"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, src, 1, 0), 1);
	close(fd);
	free(src);
}
END_TEST

static void
setup_cdrw(void)
{
	tl_start_with("emu_media=cdrw80");
}

START_TEST(busy_while_writing)
{
	uint8_t *src;
	size_t len;
	int fd = burned_iso_fd(&src, &len), sink;

	/* a CD-RW blanked, then track.raw open: the drive belongs to the write */
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "ctl"), "blank\n"), 0);
	sink = open(tl_at(&tl_m1, "track.raw"), O_WRONLY);
	ck_assert_int_ge(sink, 0);
	read_fails(fd, 0, EBUSY,
		   "E_IMAPI_DF2RAW_WRITE_IN_PROGRESS 0xC0AA0600: the disc cannot be read while "
		   "track.raw is open for writing");
	close(sink);
	close(fd);
	free(src);
}
END_TEST

/* ---- verification after every burn ---- */

#define CORRUPT 100

/* m1's status has "\nlast_verify: @want\n". */
static void
last_verify_is(const char *want)
{
	const char *status = tl_get(tl_at(&tl_m1, "status"));
	char line[128];

	snprintf(line, sizeof(line), "\nlast_verify: %s\n", want);
	ck_assert_msg(strstr(status, line) != NULL, "status lacks \"%s\":\n%s", line + 1, status);
}

START_TEST(verify_ok)
{
	char *iso = tl_path(tl_top, "fake.iso");

	last_verify_is("none");
	ck_assert_str_eq(tl_get(tl_at(&tl_m1, "verify")), "1\n");
	tl_make_pvd_iso(iso, 400, 400);
	burn(iso, "raw");
	last_verify_is("ok");
	tl_last_burn_has("S_OK 0x00000000: complete: ");
	free(iso);
}
END_TEST

/* With corrupt@CORRUPT the drive records one sector wrong and says nothing. */
static void
setup_corrupt(void)
{
	char opts[64];

	snprintf(opts, sizeof(opts), "emu_fault=corrupt@%d", CORRUPT);
	tl_start_with(opts);
}

START_TEST(verify_finds_corrupt_sector)
{
	char *iso = tl_path(tl_top, "fake.iso"), *raw, opts[96];

	tl_make_pvd_iso(iso, 400, 400);
	raw = tl_make_stream(iso, "cooked", NULL);
	tl_name_it();
	/* the writer's close fails: cat exits non-zero */
	ck_assert_int_ne(tl_to_track("cat '%s'", raw), 0);
	tl_last_burn_has("E_BURNFS_VERIFY_MISMATCH 0xE0BF0001: verification failed: the disc "
			 "differs from what was written at LBA 100 (track 1)");
	last_verify_is("mismatch at LBA 100 (track 1)");
	tl_last_error_starts(&tl_m1, "E_BURNFS_VERIFY_MISMATCH 0xE0BF0001: verification failed");
	/* a copy into burn/ reports it the same way, on a fresh disc */
	snprintf(opts, sizeof(opts), "emu_media=cdr80,emu_fault=corrupt@%d", CORRUPT);
	tl_restart_with(opts);
	tl_name_it();
	ck_assert_int_ne(tl_sh("cp '%s' '%s/x.iso' 2>/dev/null", iso, tl_at(&tl_m1, "burn")), 0);
	last_verify_is("mismatch at LBA 100 (track 1)");
	/* the same burn with verify=0 reports success */
	tl_restart_with(opts);
	tl_name_it();
	ck_assert_int_eq(tl_put(tl_at(&tl_m1, "verify"), "0\n"), 0);
	tl_burn_raw(raw);
	last_verify_is("off");
	free(raw);
	free(iso);
}
END_TEST

/* A sector that cannot be read back fails the burn with the drive's words. */
START_TEST(verify_cannot_read)
{
	char *iso = tl_path(tl_top, "fake.iso"), *raw, opts[64];

	snprintf(opts, sizeof(opts), "emu_fault=unreadable@%d", UNREADABLE);
	tl_restart_with(opts);
	tl_make_pvd_iso(iso, 400, 400);
	raw = tl_make_stream(iso, "cooked", NULL);
	tl_name_it();
	ck_assert_int_ne(tl_to_track("cat '%s'", raw), 0);
	tl_last_burn_has("E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE 0xC0AA0301: verification could "
			 "not read LBA 100 (track 1): READ CD: [3 11 00] Medium error: "
			 "unrecovered read error");
	last_verify_is("unreadable at LBA 100 (track 1)");
	free(raw);
	free(iso);
}
END_TEST

TL_SUITE(disc_suite, "disc",
	 TL_CASE_TIMEOUT("blank", tl_setup_default, tl_teardown_all, 120),
	 TL_RUN(blank_disc_is_empty),
	 TL_CASE_TIMEOUT("burned", tl_setup_default, tl_teardown_all, 300),
	 TL_LOOP_EACH(iso_reads_back, types),
	 TL_LOOP_EACH(audio_reads_back, types),
	 TL_LOOP_EACH(raw_copies_the_disc, types),
	 TL_RUN(mixed_mode_reads_back, read_only, unreadable_sector, no_medium),
	 TL_LOOP(mode2_reads_back, 0, 2),
	 TL_RUN(flac_album_reads_back),
	 TL_CASE_TIMEOUT("cdrw", setup_cdrw, tl_teardown_all, 300),
	 TL_RUN(busy_while_writing),
	 TL_CASE_TIMEOUT("verify", tl_setup_default, tl_teardown_all, 300),
	 TL_RUN(verify_ok, verify_cannot_read),
	 TL_CASE_TIMEOUT("corrupt", setup_corrupt, tl_teardown_all, 300),
	 TL_RUN(verify_finds_corrupt_sector))

TL_BURN_MAIN(disc_suite)
