#!/usr/bin/env bash
# Benchmark (not a test): burnfs-image's sector encoder next to cdrdao's, the
# floor (issue goal: burnfs at least 2x cdrdao). The same ISO of MB MB of
# pseudo-random data (default 300) is encoded in the same run by
#   - `burnfs-image make --sector-type raw`: the whole raw stream, 2448-byte
#     sectors (2352 + 96 bytes of raw P-W), lead-in and lead-out included;
#   - cdrdao's trackdb/lec.cc (Mode 1 EDC, P/Q parity, scrambling) through
#     tests/bench-lec-driver.cc, compiled here with g++ -O2: 2352-byte
#     sectors, no sub-channel, as cdrdao encodes a MODE1 track for raw writing.
# Each is timed three times (interleaved), output into the scratch folder;
# the median counts, of wall-clock time and of CPU time (user + system: the
# steadier figure on a shared machine). MB/s are of input, 1 MB = 10^6 bytes.
# Before timing, the floor's sectors are checked against burnfs-image's (all
# of them) and its first sector against the Mode 1 layout.
#
# cdrdao's source is not part of burnfs and is never downloaded: give a
# cdrdao source tree (one holding trackdb/lec.cc and trackdb/lec.h; Debian:
# `apt-get source cdrdao`) as CDRDAO_SRC or as the third argument. Without it
# the benchmark says so and exits 77 (skipped).
# usage: [CDRDAO_SRC=DIR] bench-encoder-floor.sh BURNFS_IMAGE [MB [CDRDAO_SRC]]
set -eu
image=$1
mb=${2:-${BENCH_MB:-300}}
src=${3:-${CDRDAO_SRC:-}}
driver_src="$(cd "$(dirname "$0")" && pwd)/bench-lec-driver.cc"

if [ -z "$src" ] || [ ! -f "$src/trackdb/lec.cc" ] || [ ! -f "$src/trackdb/lec.h" ]; then
	echo "no floor: set CDRDAO_SRC to a cdrdao source tree with trackdb/lec.cc and trackdb/lec.h (cdrdao's source is not packaged in binary form on Debian; \`apt-get source cdrdao\` gives it)"
	exit 77
fi
if ! command -v g++ >/dev/null; then
	echo "no floor: g++ is needed to compile cdrdao's lec.cc"
	exit 77
fi

. "$(dirname "$0")/bench-lib.sh"
bench_workdir

# lec.h and lec.cc include cdrdao's configure output, config.h; they need nothing from it
mkdir "$work/shim"
: > "$work/shim/config.h"
g++ -O2 -w -I"$work/shim" -I"$src/trackdb" -o "$work/lec-driver" "$driver_src" "$src/trackdb/lec.cc"

# the input: whole 2048-byte blocks of pseudo-random bytes, with the primary
# volume descriptor burnfs-image reads at block 16 (volume size, block size)
python3 - "$work/in.iso" "$mb" <<'PY'
import random, struct, sys
blocks = int(sys.argv[2]) * 1000000 // 2048
rng = random.Random(2352)
with open(sys.argv[1], 'wb') as f:
    head = bytearray(rng.randbytes(17 * 2048))
    pvd = bytearray(2048)
    pvd[0:7] = b'\x01CD001\x01'
    pvd[80:88] = struct.pack('<I', blocks) + struct.pack('>I', blocks)
    pvd[128:132] = struct.pack('<H', 2048) + struct.pack('>H', 2048)
    head[16 * 2048:17 * 2048] = pvd
    f.write(head)
    left = blocks - 17
    while left:
        n = min(left, 512)
        f.write(rng.randbytes(n * 2048))
        left -= n
PY
size=$(stat -c %s "$work/in.iso")

# the check: every sector of the floor's output, its byte pairs swapped back
# (lec_scramble swaps them), equals the main channel of the same LBA in
# burnfs-image's stream (stream sector LEAD_IN + LBA, 2352 of its 2448
# bytes); and the floor's first sector, descrambled here, is Mode 1 at
# 00:02:00 with the input's first block and a correct EDC.
lead_in=22650
"$work/lec-driver" "$work/in.iso" "$work/out.lec"
"$image" make --sector-type raw --lead-in-sectors "$lead_in" -o "$work/out.raw" "$work/in.iso"
python3 - "$work/in.iso" "$work/out.lec" "$work/out.raw" "$lead_in" <<'PY'
import sys
iso, lec, raw, lead_in = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def unswap(b):
    out = bytearray(len(b))
    out[0::2], out[1::2] = b[1::2], b[0::2]
    return out

def scrambler():    # ECMA-130 Annex B: x^15 + x + 1, register 1, LSB first
    reg, table = 1, bytearray()
    for _ in range(2340):
        byte = 0
        for bit in range(8):
            byte |= (reg & 1) << bit
            reg = (reg >> 1) | (((reg ^ (reg >> 1)) & 1) << 14)
        table.append(byte)
    return table

def edc(data):      # (x^16 + x^15 + x^2 + 1)(x^16 + x^2 + x + 1), LSB first
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xD8018001 if crc & 1 else 0)
    return crc

with open(iso, 'rb') as f_iso, open(lec, 'rb') as f_lec, open(raw, 'rb') as f_raw:
    first = unswap(f_lec.read(2352))
    s = first[:12] + bytes(a ^ b for a, b in zip(first[12:], scrambler()))
    problems = []
    if s[:12] != b'\x00' + b'\xff' * 10 + b'\x00':
        problems.append('sync')
    if s[12:16] != b'\x00\x02\x00\x01':
        problems.append('header %s (want 00 02 00 01)' % s[12:16].hex(' '))
    if s[16:2064] != f_iso.read(2048):
        problems.append('user data')
    if int.from_bytes(s[2064:2068], 'little') != edc(s[:2064]):
        problems.append('EDC')
    if any(s[2068:2076]):
        problems.append('intermediate bytes')
    if problems:
        sys.exit('floor check failed: sector 0: ' + ', '.join(problems))
    f_lec.seek(0)
    f_raw.seek(lead_in * 2448)
    lba = 0
    while True:
        a = f_lec.read(2352 * 1024)
        if not a:
            break
        a = unswap(a)
        b = memoryview(f_raw.read(2448 * (len(a) // 2352)))
        for i in range(len(a) // 2352):
            if a[i * 2352:(i + 1) * 2352] != b[i * 2448:i * 2448 + 2352]:
                sys.exit('floor check failed: LBA %d differs from burnfs-image\'s sector' % (lba + i))
        lba += len(a) // 2352
    print('check: sector 0 of the floor descrambled: sync, header 00:02:00 mode 1, user data, '
          'EDC ok; all %d sectors equal burnfs-image\'s main channel' % lba)
PY
stream=$(stat -c %s "$work/out.raw")
rm -f "$work/out.lec" "$work/out.raw"

# run CMD...: prints "WALL CPU": `timed`'s wall-clock seconds and CMD's user +
# system seconds; `done_ok FILE BYTES` stops the benchmark unless the run wrote
# FILE whole (a failed command cannot stop it from inside `$(...)`)
# (`times` goes through a file: in a pipe or `$(...)` it would run in a new
# subshell, which has no children yet)
cpu_of() {
	"$@"
	times > "$work/times"
	awk 'NR == 2 { for (i = 1; i <= 2; i++) { sub(/s$/, "", $i); split($i, a, "m"); t += a[1] * 60 + a[2] } printf "%.2f\n", t }' "$work/times"
}
run() { timed cpu_of "$@" | tr '\n' ' ' | awk '{ print $2, $1 }'; }
done_ok() {
	[ "$(stat -c %s "$1" 2>/dev/null)" = "$2" ] || { echo "bench-encoder-floor: $1: not written whole" >&2; exit 1; }
	rm -f "$1"
}
w_lec='' c_lec='' w_img='' c_img=''
for _ in 1 2 3; do
	sync
	read -r w c <<<"$(run "$work/lec-driver" "$work/in.iso" "$work/out.lec")"
	w_lec="$w_lec $w" c_lec="$c_lec $c"
	done_ok "$work/out.lec" $((size * 2352 / 2048))
	sync
	read -r w c <<<"$(run "$image" make --sector-type raw -o "$work/out.raw" "$work/in.iso")"
	w_img="$w_img $w" c_img="$c_img $c"
	done_ok "$work/out.raw" "$stream"
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
# shellcheck disable=SC2086 # three words each
{ m_lec=$(median $w_lec); m_img=$(median $w_img); mc_lec=$(median $c_lec); mc_img=$(median $c_img); }

printf 'input: %s MB ISO, %d blocks of 2048 bytes; burnfs-image stream %s MB (lead-in %d and lead-out 6750 sectors included)\n' \
	"$(rate 1)" $((size / 2048)) "$(size=$stream rate 1)" "$lead_in"
printf 'cdrdao lec.cc (g++ -O2, 2352-byte sectors, no sub-channel): %s MB/s (the floor; wall s:%s; CPU s:%s; %s MB/s of CPU time)\n' \
	"$(rate "$m_lec")" "$w_lec" "$c_lec" "$(rate "$mc_lec")"
printf 'burnfs-image make --sector-type raw: %s MB/s (2352 + 96 sub-channel bytes per sector; wall s:%s; CPU s:%s; %s MB/s of CPU time)\n' \
	"$(rate "$m_img")" "$w_img" "$c_img" "$(rate "$mc_img")"
printf 'ratio: %s x the floor (goal 2); in CPU time %s x\n' "$(ratio "$m_lec" "$m_img")" "$(ratio "$mc_lec" "$mc_img")"
