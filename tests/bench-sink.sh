#!/usr/bin/env bash
# Benchmark (not a test): throughput of a raw stream written with dd into
# track.raw of an emulated recorder at unlimited speed, recording and with
# emu_discard=1 (the daemon alone), verify off, next to the same dd into a
# plain file on the same filesystem and into libfuse's `null` example (the
# FUSE floor, built here from libfuse3-dev's examples). Prints figures;
# asserts nothing.
# usage: bench-sink.sh BURNFS BURNFS_IMAGE [MB of audio, default 200]
set -eu
burnfs=$1
image=$2
mb=${3:-${BENCH_MB:-200}}

. "$(dirname "$0")/bench-lib.sh"
bench_workdir

# an audio disc of $mb MB of samples: the encoder is not what is measured
make_wav "$work/in.wav" "$mb"
"$image" make -o "$work/stream.raw" "$work/in.wav"
size=$(stat -c %s "$work/stream.raw")


sync
t_file=$(timed dd if="$work/stream.raw" of="$work/copy.raw" bs=1M status=none conv=fsync)
rm -f "$work/copy.raw"

# sink DIR OPTS: dd of the stream into track.raw of emu:DIR mounted with OPTS, verify off
# (the sink is measured, not the read-back); prints the seconds
sink() {
	"$burnfs" -o "client_name=Bench,media_poll=0$2" emu:"$work/$1" "$mnt"
	echo 0 > "$mnt/verify"
	timed dd if="$work/stream.raw" of="$mnt/track.raw" bs=1M status=none
	grep '^last_burn' "$mnt/status" >&2
	pid=$(pgrep -f "burnfs -o client_name=Bench,media_poll=0$2 emu:$work/$1" | head -1)
	[ -n "$pid" ] && grep VmHWM "/proc/$pid/status" | sed 's/^/burnfs peak memory /' >&2
	fusermount3 -u "$mnt" 2>/dev/null || umount -l "$mnt"
	rm -rf "${work:?}/$1"
}
t_sink=$(sink disc "")
t_discard=$(sink discard ",emu_discard=1")

# the floor: libfuse's `null` example (built from libfuse3-dev's examples), which discards writes
examples=/usr/share/doc/libfuse3-dev/examples
t_null=
if [ -f "$examples/null.c" ] &&
	cc -O2 -D_FILE_OFFSET_BITS=64 "$examples/null.c" -o "$work/null-fs" \
		$(pkg-config --cflags --libs fuse3) 2>/dev/null; then
	touch "$work/null"
	"$work/null-fs" "$work/null"
	t_null=$(timed dd if="$work/stream.raw" of="$work/null" bs=1M status=none)
	fusermount3 -u "$work/null" 2>/dev/null || umount -l "$work/null"
fi

printf 'stream: %d MB (%s)\n' $((size / 1000000)) "$(basename "$work")/stream.raw"
printf 'dd bs=1M into a file:      %6s MB/s (%.2f s)\n' "$(rate "$t_file")" "$t_file"
printf 'dd bs=1M into track.raw:   %6s MB/s (%.2f s; the emulator records)\n' "$(rate "$t_sink")" "$t_sink"
printf 'dd bs=1M into track.raw:   %6s MB/s (%.2f s; emu_discard=1)\n' "$(rate "$t_discard")" "$t_discard"
if [ -n "$t_null" ]; then
	printf 'dd bs=1M into libfuse null: %6s MB/s (%.2f s; the floor)\n' "$(rate "$t_null")" "$t_null"
	ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
	printf 'track.raw / null: %s recording (goal 0.5), %s discarding (goal 0.8)\n' \
		"$(ratio "$t_null" "$t_sink")" "$(ratio "$t_null" "$t_discard")"
fi
