#!/usr/bin/env bash
# Benchmark (not a test): the cost of reading a value, next to libfuse's
# `hello` example (built here from libfuse3-dev's examples) read the same way
# in the same run. bench-attr opens, reads to the end and closes a file N
# times; each figure is the median of 5 runs, in microseconds per read.
# Also counts the drive commands `ls -l` of the mount sends (recorder/commands;
# disc/ is left out: listing it reads the disc).
# usage: bench-attr.sh BURNFS BENCH_ATTR [reads per run, default 20000]
set -eu
burnfs=$1
loop=$2
n=${3:-${BENCH_READS:-20000}}
examples=/usr/share/doc/libfuse3-dev/examples

work=$(mktemp -d "${TMPDIR:-/tmp}/burnfs-bench.XXXXXX")
mkdir "$work/hello" "$work/mnt"
cleanup() {
	for m in "$work/hello" "$work/mnt"; do
		mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; }
	done
	rm -rf "$work"
}
trap cleanup EXIT

median() {	# _ PATH: the median of 5 runs of bench-attr on PATH
	for _ in 1 2 3 4 5; do "$loop" "$2" "$n"; done | sort -n | sed -n 3p
}
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

if [ ! -f "$examples/hello.c" ] ||
	! cc -O2 -D_FILE_OFFSET_BITS=64 "$examples/hello.c" -o "$work/hello-fs" \
		$(pkg-config --cflags --libs fuse3) 2>/dev/null; then
	echo "libfuse's hello example cannot be built here (libfuse3-dev examples): no floor" >&2
	exit 77
fi
"$work/hello-fs" "$work/hello"
"$burnfs" -o client_name=Bench,media_poll=0 emu:"$work/disc" "$work/mnt"

hello=$(median x "$work/hello/hello")
name=$(median x "$work/mnt/client_name")
status=$(median x "$work/mnt/status")
before=$(cat "$work/mnt/recorder/commands")
ls -l "$work/mnt" "$work/mnt/media" "$work/mnt/recorder" >/dev/null
after=$(cat "$work/mnt/recorder/commands")
sent=$(diff <(echo "$before") <(echo "$after") | grep -c '^>' || true)

printf 'reads of %d, median of 5 runs\n' "$n"
printf "libfuse hello's /hello (floor):  %8.1f us per open+read+close\n" "$hello"
printf 'burnfs client_name:              %8.1f us (%s x the floor; goal 1.2)\n' "$name" "$(ratio "$name" "$hello")"
printf 'burnfs status:                   %8.1f us (%s x the floor; goal 1.5)\n' "$status" "$(ratio "$status" "$hello")"
printf 'ls -l of the mount, media/ and recorder/: %d kinds of drive command sent (goal 0)\n' "$sent"
