#!/usr/bin/env bash
# Benchmark (not a test): the daemon's CPU time and peak memory for a burn
# paced at 52x (emu_speed=52), emulator and verification included: a stream
# of BENCH_MB MB of audio (default 100) written with dd into track.raw. The
# goal (issue 12) is at most 3% of one core and 32 MiB; prints figures,
# asserts nothing.
# usage: bench-cpu.sh BURNFS BURNFS_IMAGE [MB]
set -eu
burnfs=$1
image=$2
mb=${3:-${BENCH_MB:-100}}

. "$(dirname "$0")/bench-lib.sh"
bench_workdir

make_wav "$work/in.wav" "$mb"
"$image" make -o "$work/stream.raw" "$work/in.wav"

"$burnfs" -o client_name=Bench,emu_speed=52 emu:"$work/disc" "$mnt"
pid=$(pgrep -f "burnfs -o client_name=Bench,emu_speed=52 emu:$work/disc" | head -1)
ticks=$(getconf CLK_TCK)
cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
t0=$(date +%s.%N)
dd if="$work/stream.raw" of="$mnt/track.raw" bs=1M status=none
t1=$(date +%s.%N)
cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
grep '^last_burn\|^last_verify' "$mnt/status"
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
python3 - "$t0" "$t1" "$cpu0" "$cpu1" "$ticks" "$hwm" <<'PY'
import sys
t0, t1, c0, c1, hz, hwm = map(float, sys.argv[1:])
wall, cpu = t1 - t0, (c1 - c0) / hz
print('burn at 52x: %.1f s, daemon CPU %.2f s: %.1f%% of one core (goal 3%%)' % (wall, cpu, 100 * cpu / wall))
print('daemon peak memory (VmHWM): %.1f MiB (goal 32 MiB)' % (hwm / 1024))
PY
