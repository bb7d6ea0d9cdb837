#!/usr/bin/env bash
# Regenerates the seed corpus tests/fuzz/corpus/TARGET/ from real data:
# replies of the emulated recorder, sectors of streams made by
# `burnfs-image make`, the PVD of a genisoimage image, WAV headers, cue
# sheets (one written by `burnfs-image extract`). The seeds are committed;
# run this only to renew them, then commit the result. Files named
# finding-* are inputs that once found a bug (doc/fuzzing.md): they are
# kept as they are.
#
# usage: tests/fuzz/make-corpus.sh BUILDDIR   (a build configured with -Dfuzz=true)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILDDIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
image=$build/tools/burnfs-image
corpus=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=0

ninja -C "$build" tools/burnfs-image tests/fuzz/make-mmc-seeds >/dev/null
# everything but the inputs of past findings (finding-*), which stay
for t in client-name parse mmc subchannel image-decoder cue image-header burn-job; do
	mkdir -p "$corpus/$t"
	find "$corpus/$t" -type f ! -name 'finding-*' -delete
done

# -- inputs: a data CD, an album with CD-TEXT, MCN, ISRC and indexes, a WAV --
mkdir "$tmp/iso"
head -c 700000 /dev/zero | tr '\0' 'b' >"$tmp/iso/file.txt"
genisoimage -quiet -V BURNFS_FUZZ -o "$tmp/disc.iso" "$tmp/iso"
python3 - "$tmp" <<'PY'
import struct, sys
tmp = sys.argv[1]
def wav(path, channels, sectors):
    data = bytes((i * 7 + i // 2352) & 0xff for i in range(sectors * 2352))
    fmt = struct.pack('<HHIIHH', 1, channels, 44100, 44100 * 2 * channels, 2 * channels, 16)
    with open(path, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', 36 + len(data)) + b'WAVE')
        f.write(b'fmt ' + struct.pack('<I', len(fmt)) + fmt)
        f.write(b'data' + struct.pack('<I', len(data)) + data)
wav(tmp + '/c.wav', 2, 400)
with open(tmp + '/a.bin', 'wb') as f:
    f.write(bytes((i * 13 + i // 4096) & 0xff for i in range(1000 * 2352)))
PY
# the WAV as FLAC by the reference encoder: default metadata (with 8 kB of padding), and none
flac --silent -o "$tmp/c.flac" "$tmp/c.wav"
flac --silent --no-padding --no-seektable -o "$tmp/c-bare.flac" "$tmp/c.wav"
cat >"$tmp/album.cue" <<'CUE'
REM an album: CD-TEXT, a catalog number, an ISRC, a pre-gap and three indexes
CATALOG 0123456789012
PERFORMER "Fuzz Performer"
TITLE "Fuzz Album"
FILE "a.bin" BINARY
  TRACK 01 AUDIO
    TITLE "One"
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    TITLE "A rather long title for the second track, over 12 bytes"
    PERFORMER "Someone Else"
    ISRC USRC17607839
    FLAGS DCP PRE
    INDEX 00 00:06:00
    INDEX 01 00:08:00
    INDEX 02 00:09:00
FILE "c.wav" WAVE
  TRACK 03 AUDIO
    PREGAP 00:02:00
    INDEX 01 00:00:00
CUE
"$image" make --sector-type pq --lead-in-sectors 162 -o "$tmp/iso-pq.raw" "$tmp/disc.iso"
"$image" make --sector-type raw --lead-in-sectors 168 -o "$tmp/album-raw.raw" "$tmp/album.cue"
"$image" make --sector-type cooked -o "$tmp/wav-cooked.raw" "$tmp/c.wav"
"$image" toc "$tmp/album.cue" >"$tmp/album.toc"
"$image" toc "$tmp/disc.iso" >"$tmp/iso.toc"
"$image" extract --sector-type raw --lead-in-sectors 168 "$tmp/album-raw.raw" "$tmp/copy.cue"

# -- mmc: the emulated recorder's replies and sense data --
"$build/tests/fuzz/make-mmc-seeds" "$corpus/mmc"

# -- the rest, cut out of the files above --
python3 - "$tmp" "$corpus" <<'PY'
import os, re, struct, sys
tmp, corpus = sys.argv[1:3]

def put(target, name, data):
    with open(os.path.join(corpus, target, name), 'wb') as f:
        f.write(data)

def read(name):
    with open(os.path.join(tmp, name), 'rb') as f:
        return f.read()

SIZE = {0: 2368, 1: 2448, 2: 2448}      # fuzz-image-decoder's type bits: pq, cooked, raw
LEAD_INS = [0, 150, 154, 162, 168, 11634, 22650, 45150]

def sector(stream, type_bits, index):
    size = SIZE[type_bits]
    return stream[index * size:(index + 1) * size]

def decoder_flags(type_bits, lead_in, fix=False, feed_at=False):
    return bytes([type_bits | LEAD_INS.index(lead_in) << 2 | fix << 5 | feed_at << 6])

def feed_at(stream, type_bits, lead_in, lbas):
    out, prev = b'', -lead_in - 1
    for lba in lbas:
        out += struct.pack('>H', lba - prev) + sector(stream, type_bits, lba + lead_in)
        prev = lba
    return out

def toc(name):
    t = {'tracks': [], 'indexes': []}
    for line in open(os.path.join(tmp, name)):
        w = line.split()
        if w[0] == 'track':
            t['tracks'].append((int(w[6]), int(w[6]) - int(w[10]), int(w[12])))
        elif w[0] == 'index':
            t['indexes'].append(int(w[3]))
        elif w[0] == 'leadout':
            t['leadout'] = int(w[1])
    return t

iso_pq, album, wav = read('iso-pq.raw'), read('album-raw.raw'), read('wav-cooked.raw')

# image-decoder: the lead-in TOC into the program area; CD-TEXT; jumps to the lead-out
put('image-decoder', 'iso-pq-leadin-162', decoder_flags(0, 162) +
    b''.join(sector(iso_pq, 0, i) for i in range(16)))
put('image-decoder', 'album-raw-cdtext', decoder_flags(2, 168) +
    b''.join(sector(album, 2, i) for i in range(20)))
put('image-decoder', 'album-raw-cdtext-fix-crc', decoder_flags(2, 168, fix=True) +
    b''.join(sector(album, 2, i) for i in range(19)))
put('image-decoder', 'wav-cooked-leadin-22650', decoder_flags(1, 22650) +
    b''.join(sector(wav, 1, i) for i in range(3)))
put('image-decoder', 'iso-pq-program-area', decoder_flags(0, 0) +
    b''.join(sector(iso_pq, 0, 162 + i) for i in range(2)))
put('image-decoder', 'iso-pq-pregap', decoder_flags(0, 150) +
    b''.join(sector(iso_pq, 0, 12 + i) for i in range(2)))
put('image-decoder', 'invalid-type', bytes([3]) + sector(iso_pq, 0, 0)[:64])
iso_toc = toc('iso.toc')
lbas = list(range(-162, -150)) + [-150, 0, iso_toc['leadout'] - 1, iso_toc['leadout'],
                                  iso_toc['leadout'] + 6749]
put('image-decoder', 'iso-pq-feed-at-to-the-end',
    decoder_flags(0, 162, feed_at=True) + feed_at(iso_pq, 0, 162, lbas))
t = toc('album.toc')
lbas = set(range(-168, -150)) | {-150, t['leadout'] - 1, t['leadout'], t['leadout'] + 6749}
for start, pregap, length in t['tracks']:
    lbas |= {pregap, start, start + length - 1}
lbas |= set(i for i in t['indexes'] if i >= -150)
track2 = t['tracks'][1]
lbas |= {next(l for l in range(track2[0], track2[0] + 200) if l % 100 == 99),   # MCN
         next(l for l in range(track2[0] + 2, track2[0] + 200) if l % 100 == 49)}  # ISRC
put('image-decoder', 'album-raw-feed-at-tracks-indexes-mcn-isrc',
    decoder_flags(2, 168, feed_at=True) + feed_at(album, 2, 168, sorted(lbas)))

# subchannel: the sub-channel part of sectors of each type
def sub(stream, type_bits, index):
    return sector(stream, type_bits, index)[2352:]
put('subchannel', 'pq-leadin-toc', b'\0' + sub(iso_pq, 0, 0))
put('subchannel', 'pq-pregap', b'\0' + sub(iso_pq, 0, 12))
put('subchannel', 'pq-leadout', b'\0' + sub(iso_pq, 0, 162 + iso_toc['leadout']))
s = bytearray(sub(iso_pq, 0, 200))
s[10] ^= 0xff
s[11] ^= 0xff
put('subchannel', 'pq-crc-not-inverted', b'\0' + bytes(s))
put('subchannel', 'cooked-leadin', b'\1' + sub(wav, 1, 0))
put('subchannel', 'raw-leadin-cdtext', b'\2' + sub(album, 2, 0))
mcn = min(l for l in lbas if l % 100 == 99 and l >= 0)
isrc = min(l for l in lbas if l % 100 == 49 and l > track2[0])
put('subchannel', 'raw-mcn', b'\2' + sub(album, 2, 168 + mcn))
put('subchannel', 'raw-isrc', b'\2' + sub(album, 2, 168 + isrc))

# image-header and burn-job: the PVD of a genisoimage image, WAV headers
iso, wavfile = read('disc.iso'), read('c.wav')
pvd = iso[16 * 2048:17 * 2048]
put('image-header', 'iso-pvd-stream', b'\x00' + pvd)
put('image-header', 'iso-pvd-at-once', b'\x08' + pvd)
put('image-header', 'iso-pvd-file', b'\x02' + pvd)
put('image-header', 'iso-pvd-file-full-length', b'\x12' + pvd)
put('image-header', 'wav-stream', b'\x01' + wavfile[:64])
put('image-header', 'wav-at-once', b'\x09' + wavfile[:64])
put('image-header', 'wav-file-full-length', b'\x13' + wavfile[:64])
fmt = struct.pack('<HHIIHHHHI', 0xfffe, 2, 44100, 176400, 4, 16, 22, 16, 3)
fmt += struct.pack('<H', 1) + b'\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71'
ext = (b'RIFF' + struct.pack('<I', 4 + 48 + 16 + 8 + 940800) + b'WAVE' +
       b'fmt ' + struct.pack('<I', len(fmt)) + fmt +
       b'LIST' + struct.pack('<I', 7) + b'INFOab\0\0' +
       b'data' + struct.pack('<I', 940800) + wavfile[44:60])
put('image-header', 'wav-extensible-list-chunk', b'\x01' + ext)
put('burn-job', 'iso-pvd-pq-whole-finish', bytes([0 | 0 << 1 | 7 << 3 | 0x40]) + pvd)
put('burn-job', 'iso-pvd-cooked-2048', bytes([0 | 1 << 1 | 4 << 3]) + pvd)
put('burn-job', 'iso-pvd-and-data-raw-finish', bytes([0 | 2 << 1 | 5 << 3 | 0x40]) +
    iso[16 * 2048:20 * 2048])
put('burn-job', 'wav-raw-1-byte-finish', bytes([1 | 2 << 1 | 0 << 3 | 0x40]) + wavfile[:64])
put('burn-job', 'wav-long-lead-in', bytes([1 | 1 << 1 | 2 << 3 | 0x80]) + wavfile[:4096])
put('burn-job', 'wav-extensible-finish', bytes([1 | 6 << 3 | 0x40]) + ext)
# FLAC (bit 0 and "fLaC"): the metadata and the first frames, decoded through libsndfile
flacfile, bare = read('c.flac'), read('c-bare.flac')
put('burn-job', 'flac-pq-4096-finish', bytes([1 | 0 << 1 | 5 << 3 | 0x40]) + flacfile[:16384])
put('burn-job', 'flac-bare-raw-1-byte-finish', bytes([1 | 2 << 1 | 0 << 3 | 0x40]) + bare[:8192])

# cue: the album, the cue sheet `burnfs-image extract` wrote, data tracks, refusals
put('cue', 'album.cue', read('album.cue'))
put('cue', 'extracted.cue', re.sub(rb'FILE "[^"]*"', b'FILE "a.bin"', read('copy.cue')))
put('cue', 'data.cue', b'FILE "a.bin" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n'
    b'    POSTGAP 00:02:00\n')
put('cue', 'mixed.cue', b'\xef\xbb\xbfREM BOM, MOTOROLA, SONGWRITER\r\n'
    b'FILE "b.bin" BINARY\r\nTRACK 01 MODE1/2048\r\n INDEX 01 00:00:00\r\n'
    b'FILE "a.bin" MOTOROLA\r\nTRACK 02 AUDIO\r\n SONGWRITER "x"\r\n PREGAP 00:02:00\r\n'
    b' INDEX 01 00:00:00\r\n')
put('cue', 'bad-wavs.cue', b'FILE "d.wav" WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n'
    b'FILE "e.wav" WAVE\nTRACK 02 AUDIO\nINDEX 01 00:00:00\nFILE "z.bin" BINARY\n')
# as rippers write them (doc/cue-sheets.md): gaps appended, a pre-gap file, HTOA, first track 03
put('cue', 'rippers.cue', b'CATALOG 0123456789013\nFILE "a.bin" BINARY\nTRACK 03 AUDIO\n'
    b'TITLE "Caf\xe9"\nINDEX 00 00:00:00\nINDEX 01 00:05:00\nTRACK 04 AUDIO\n'
    b'INDEX 00 00:09:00\nFILE "c.wav" WAVE\nINDEX 01 00:00:00\nTRACK 05 AUDIO\n'
    b'PERFORMER "Caf\xc3\xa9"\nFILE "b.bin" BINARY\nINDEX 00 00:00:00\n'
    b'FILE "a.bin" BINARY\nINDEX 01 00:00:00\n')
# every CD-TEXT field, then a CDTEXTFILE (after the NUL: t.cdt, fuzz-cue.c) for one track
def cdtext_pack(kind, track, seq, text):
    p = bytes([kind, track, seq, 0]) + text
    crc = 0
    for b in p:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xffff
    crc ^= 0xffff
    return p + bytes([crc >> 8, crc & 0xff])
info = bytes([0, 1, 1, 0, 1] + [0] * 10 + [3, 0, 0, 0, 0, 3] + [0] * 7 + [9] + [0] * 7)
packs = cdtext_pack(0x80, 0, 0, b'D\0T\0' + bytes(8)) + b''.join(
    cdtext_pack(0x8f, k, 1 + k, info[12 * k:12 * k + 12]) for k in range(3))
put('cue', 'cdtext.cue', b'REM GENRE "Hip-Hop"\nUPC_EAN 4006381333931\nTITLE "Caf\xc3\xa9"\n'
    b'SONGWRITER s\nCOMPOSER c\nARRANGER a\nMESSAGE m\nDISC_ID d\nFILE "a.bin" BINARY\n'
    b'TRACK 01 AUDIO\nTITLE t\nMESSAGE "m1"\nISRC USABC2600001\nINDEX 01 00:00:00\n')
put('cue', 'cdtextfile.cue', b'CDTEXTFILE "t.cdt"\nTITLE x\nFILE "a.bin" BINARY\n'
    b'TRACK 01 AUDIO\nINDEX 01 00:00:00\n\0' + packs)

# client-name: what people write into client_name
for name, value in [('good', b'MyBurner\n'), ('space', b'Initial Name'), ('short', b'Bg'),
                    ('slash', b'My/Burner\n'), ('max-63', b'A' * 63 + b'\n'),
                    ('too-long-64', b'B' * 64), ('tab', b'a\tb\n'), ('newline', b'\n'),
                    ('utf8', 'naïve\n'.encode()), ('two-newlines', b'x\n\n'),
                    ('nul', b'ab\0cd')]:
    put('client-name', name, value)

# parse: SELECTOR PARAM VALUE (fuzz-parse.c: word, bool, long, speed, sector_type)
for name, value in [('word', b'\0\x3fhello world\n'), ('word-short-buffer', b'\0\x03long'),
                    ('bool-1', b'\1\0' + b'1\n'), ('bool-bad', b'\1\0' + b'yes'),
                    ('long-lead-in', b'\2\0' + b'22650\n'), ('long-negative', b'\2\3-5'),
                    ('long-max', b'\2\2' + b'9223372036854775807'),
                    ('long-overflow', b'\2\2' + b'9223372036854775808\n'),
                    ('speed-max', b'\3\0max\n'), ('speed-8x', b'\3\0' + b'8x'),
                    ('speed-sectors', b'\3\0' + b'7500'), ('speed-0x', b'\3\0' + b'0x'),
                    ('type-pq', b'\4\0pq'), ('type-cooked', b'\4\1cooked\n'),
                    ('type-3', b'\4\3' + b'3'), ('type-4', b'\4\4' + b'4')]:
    put('parse', name, value)
PY

# stream-check: the image-decoder seeds read as one stream (those fed sector by
# sector in order), written in pieces of 7 bytes, one 2352-byte sector
# and 64 KiB, the sink never failing or failing its second call
mkdir -p "$corpus/stream-check"
find "$corpus/stream-check" -type f ! -name 'finding-*' -delete
python3 - "$corpus" <<'PY'
import os, sys
corpus = sys.argv[1]
for name in sorted(os.listdir(corpus + '/image-decoder')):
    data = open(corpus + '/image-decoder/' + name, 'rb').read()
    if data[0] & 0x40:           # fed at chosen LBAs: not one stream
        continue
    for size_bits, size in [(1, '7'), (3, '2352'), (7, '64k')]:
        for fail_at, tail in [(0, ''), (2, '-sink-fails')]:
            with open('%s/stream-check/%s-w%s%s' % (corpus, name, size, tail), 'wb') as f:
                f.write(data[:1] + bytes([size_bits | fail_at << 3]) + data[1:])
PY

du -sh "$corpus"
for t in "$corpus"/*; do
	printf '%-14s %3d files %8d bytes\n' "${t##*/}" "$(ls "$t" | wc -l)" "$(cat "$t"/* | wc -c)"
done
