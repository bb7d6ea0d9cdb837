#!/usr/bin/env bash
# Benchmark (not a test): one stream burned onto BENCH_MEMBERS emulated
# recorders at once (default 4), each paced at 52x with BUFE off, fed by
# `cat` from a file (issue 13, acceptance 3): the daemon's CPU share over
# the burn, per member, next to a one-recorder mount burning the same
# stream in the same run (the floor). Prints figures, asserts nothing but
# that every member completed.
# usage: bench-group.sh BURNFS BURNFS_IMAGE [MB]
set -eu
burnfs=$1
image=$2
mb=${3:-${BENCH_MB:-60}}
members=${BENCH_MEMBERS:-4}

. "$(dirname "$0")/bench-lib.sh"
bench_workdir

make_wav "$work/in.wav" "$mb"
"$image" make -o "$work/stream.raw" "$work/in.wav"
ticks=$(getconf CLK_TCK)

# burn MNT: cat the stream into MNT/track.raw; prints "wall cpu" of the daemon serving MNT
burn() {
	local pid cpu0 cpu1 t0 t1
	pid=$(pgrep -f "burnfs -o client_name=Bench.* $1\$" | head -1)
	echo 1 > "$1/buffer_underrun_free_disabled"
	cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	t0=$(date +%s.%N)
	cat "$work/stream.raw" > "$1/track.raw"
	t1=$(date +%s.%N)
	cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	python3 -c "print(float('$t1') - float('$t0'), ($cpu1 - $cpu0) / $ticks)"
}

"$burnfs" -o client_name=Bench,emu_speed=52,media_poll=0 emu:"$work/one" "$mnt"
read -r wall1 cpu1 < <(burn "$mnt")
fusermount3 -u "$mnt"

devs=()
for i in $(seq 1 "$members"); do devs+=("emu:$work/m$i"); done
"$burnfs" -o client_name=Bench,emu_speed=52,media_poll=0 "${devs[@]}" "$mnt"
read -r walln cpun < <(burn "$mnt")
done_n=$(grep -c '/outcome: done$' "$mnt/status" || true)
grep '^last_burn' "$mnt/status"
if [ "$done_n" != "$members" ]; then
	echo "only $done_n of $members members completed" >&2
	grep '/outcome' "$mnt/status" >&2
	exit 1
fi
python3 - "$mb" "$members" "$wall1" "$cpu1" "$walln" "$cpun" <<'PY'
import sys
mb, n = sys.argv[1], int(sys.argv[2])
w1, c1, wn, cn = map(float, sys.argv[3:])
print('%s MB of audio at 52x, BUFE off, cat into track.raw' % mb)
print('one recorder (floor):   %.1f s, daemon CPU %.2f s = %.1f%% of one core' % (w1, c1, 100 * c1 / w1))
print('%d recorders, one stream: %.1f s, daemon CPU %.2f s = %.1f%% of one core, %.1f%% per member (%.2fx the one-recorder share)' %
      (n, wn, cn, 100 * cn / wn, 100 * cn / wn / n, (cn / wn / n) / (c1 / w1)))
PY
