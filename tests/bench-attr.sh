#!/usr/bin/env bash
# Benchmark (not a test): the cost of reading a value, next to libfuse's
# `hello` example (built here from libfuse3-dev's examples) read the same way
# in the same run. bench-attr opens, reads to the end and closes a file N
# times; each figure is the median of 5 runs, in microseconds per read.
# A second floor is the same example with direct I/O (one line added to its
# init: cfg->direct_io = 1): a file whose every read is answered by the
# daemon, as `status`'s must be (doc/design.md §2.3), costs a READ and the
# READ that finds its end on top of hello's OPEN.
# Also counts the drive commands `ls -l` of the mount sends (recorder/commands;
# disc/ is left out: listing it reads the disc).
# usage: bench-attr.sh BURNFS BENCH_ATTR [reads per run, default 20000]
set -eu
burnfs=$1
loop=$2
n=${3:-${BENCH_READS:-20000}}
examples=/usr/share/doc/libfuse3-dev/examples

work=$(mktemp -d "${TMPDIR:-/tmp}/burnfs-bench.XXXXXX")
mkdir "$work/hello" "$work/hello-dio" "$work/mnt"
cleanup() {
	for m in "$work/hello" "$work/hello-dio" "$work/mnt"; do
		mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; }
	done
	rm -rf "$work"
}
trap cleanup EXIT

# The daemons run on the last CPU and the loops on the first, when there are
# two: left to the scheduler, each daemon and the loop share a CPU in some
# runs and not in others, which moves a figure by half (35 or 55 us for
# hello) independently of the others, and the ratios with it.
pin_fs=() pin_loop=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	pin_fs=(taskset -c "$(($(nproc) - 1))")
	pin_loop=(taskset -c 0)
fi

# Five rounds, each running every file's loop once in turn, so a change of
# the machine's load between rounds weighs on the floors and the figures
# alike; each figure is then the median of its five runs.
rounds() {	# PATH...: one line per round, one column per PATH
	for _ in 1 2 3 4 5; do
		for p in "$@"; do printf '%s ' "$("${pin_loop[@]}" "$loop" "$p" "$n")"; done
		echo
	done
}
median() {	# COLUMN: the median of the rounds' figures in that column
	awk -v c="$1" '{ print $c }' "$work/rounds" | sort -n | sed -n 3p
}
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

if [ ! -f "$examples/hello.c" ] ||
	! cc -O2 -D_FILE_OFFSET_BITS=64 "$examples/hello.c" -o "$work/hello-fs" \
		$(pkg-config --cflags --libs fuse3) 2>/dev/null; then
	echo "libfuse's hello example cannot be built here (libfuse3-dev examples): no floor" >&2
	exit 77
fi
sed 's/cfg->kernel_cache = 1;/&\n\tcfg->direct_io = 1;/' "$examples/hello.c" >"$work/hello-dio.c"
grep -q 'cfg->direct_io = 1;' "$work/hello-dio.c" ||
	{ echo "libfuse's hello example has no kernel_cache line to add direct I/O to" >&2; exit 1; }
cc -O2 -D_FILE_OFFSET_BITS=64 "$work/hello-dio.c" -o "$work/hello-dio-fs" $(pkg-config --cflags --libs fuse3)
"${pin_fs[@]}" "$work/hello-fs" "$work/hello"
"${pin_fs[@]}" "$work/hello-dio-fs" "$work/hello-dio"
"${pin_fs[@]}" "$burnfs" -o client_name=Bench,media_poll=0 emu:"$work/disc" "$work/mnt"

rounds "$work/hello/hello" "$work/hello-dio/hello" "$work/mnt/client_name" "$work/mnt/status" \
	>"$work/rounds"
hello=$(median 1)
dio=$(median 2)
name=$(median 3)
status=$(median 4)
before=$(cat "$work/mnt/recorder/commands")
ls -l "$work/mnt" "$work/mnt/media" "$work/mnt/recorder" >/dev/null
after=$(cat "$work/mnt/recorder/commands")
sent=$(diff <(echo "$before") <(echo "$after") | grep -c '^>' || true)

printf 'reads of %d, median of 5 runs%s\n' "$n" \
	"${pin_loop:+, the loops on CPU 0 and the file systems on CPU ${pin_fs[2]}}"
printf "libfuse hello's /hello (floor):  %8.1f us per open+read+close\n" "$hello"
printf 'burnfs client_name:              %8.1f us (%s x the floor; goal 1.2)\n' "$name" "$(ratio "$name" "$hello")"
printf 'burnfs status:                   %8.1f us (%s x the floor; goal 1.5)\n' "$status" "$(ratio "$status" "$hello")"
printf "libfuse hello with direct I/O:   %8.1f us (%s x the floor)\n" "$dio" "$(ratio "$dio" "$hello")"
printf 'burnfs status against it:        %8.1f us (%s x the direct I/O floor)\n' "$status" "$(ratio "$status" "$dio")"
printf 'ls -l of the mount, media/ and recorder/: %d kinds of drive command sent (goal 0)\n' "$sent"
