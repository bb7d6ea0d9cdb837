# Sourced by the bench-*.sh benchmarks: timing helpers and inputs.
#   timed CMD...   runs CMD and prints the seconds it took (two decimals)
#   rate SECONDS   prints $size bytes over SECONDS in MB/s
#   make_wav FILE MB   writes a 16-bit stereo 44.1 kHz WAV of MB megabytes of samples
#   bench_workdir      sets $work (a new scratch folder) and $mnt (an empty folder in it),
#                      both removed at exit, the mount unmounted first

timed() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@"
	t1=$(date +%s.%N)
	python3 -c "print('%.2f' % (float('$t1') - float('$t0')))"
}

rate() { python3 -c "import sys; print('%.0f' % ($size / 1e6 / float(sys.argv[1])))" "$1"; }

make_wav() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
n = int(sys.argv[2]) * 1000000 // 2352 * 2352
with open(sys.argv[1], 'wb') as f:
    f.write(b'RIFF' + struct.pack('<I', 36 + n) + b'WAVEfmt ' +
            struct.pack('<IHHIIHH', 16, 1, 2, 44100, 176400, 4, 16) + b'data' + struct.pack('<I', n))
    chunk = bytes(range(256)) * 4096
    left = n
    while left:
        f.write(chunk[:min(left, len(chunk))])
        left -= min(left, len(chunk))
PY
}

bench_workdir() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/burnfs-bench.XXXXXX")
	mnt="$work/mnt"
	trap 'mountpoint -q "$mnt" 2>/dev/null && { fusermount3 -u "$mnt" 2>/dev/null || umount -l "$mnt"; }; rm -rf "$work"' EXIT
	mkdir "$mnt"
}
