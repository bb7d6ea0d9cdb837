#!/usr/bin/env bash
# Benchmark (not a test): `burnfs-image make` of a FLAC album on one core,
# as a multiple of real time, next to floors measured in the same run:
# the reference decoder alone (flac -d to /dev/null) and make of the same
# samples as a WAV (the encoder alone). Prints figures; asserts nothing.
# usage: bench-audio.sh BURNFS_IMAGE [minutes of audio, default 20]
set -eu
shopt -s inherit_errexit
image=$1
minutes=${2:-${BENCH_MINUTES:-20}}
work=$(mktemp -d "${TMPDIR:-/tmp}/burnfs-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# $minutes of 16-bit stereo 44.1 kHz audio: noise under a tone, so FLAC
# compresses it about as much as music (not as well as silence)
python3 - "$work/album.wav" "$minutes" <<'PY'
import math, random, struct, sys, wave
frames = int(sys.argv[2]) * 60 * 44100
rnd = random.Random(1)
noise = bytes(rnd.getrandbits(8) & 0x0f for _ in range(1 << 16))
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(44100)
    period = [int(8000 * math.sin(2 * math.pi * i / 100)) for i in range(100)]
    block = bytearray()
    for i in range(44100):
        s = period[i % 100]
        block += struct.pack("<hh", s + noise[(2 * i) & 0xffff], s - noise[(2 * i + 1) & 0xffff])
    for _ in range(frames // 44100):
        w.writeframes(block)
PY
flac --silent -5 -o "$work/album.flac" "$work/album.wav"
seconds=$((minutes * 60))

. "$(dirname "$0")/bench-lib.sh"
one_core() { taskset -c 0 "$@"; }
t_make=$(timed one_core "$image" make -o /dev/null "$work/album.flac")
t_flac=$(timed one_core sh -c 'flac --silent -d -c "$1" > /dev/null' sh "$work/album.flac")
t_wav=$(timed one_core "$image" make -o /dev/null "$work/album.wav")
x() { python3 -c "import sys; print('%.0f' % ($seconds / float(sys.argv[1])))" "$1"; }
echo "audio: $minutes min, FLAC $(($(stat -c %s "$work/album.flac") / 1000000)) MB, WAV $(($(stat -c %s "$work/album.wav") / 1000000)) MB; one core"
echo "burnfs-image make of the FLAC:       ${t_make} s = $(x "$t_make")x real time"
echo "  floor: flac -d alone (decoding):   ${t_flac} s = $(x "$t_flac")x real time"
echo "  floor: make of the WAV (encoding): ${t_wav} s = $(x "$t_wav")x real time"
