#!/usr/bin/env bash
# Benchmark (not a test): reading a disc back through disc/ and verifying a
# burn, next to floors measured in the same run. Prints figures; asserts
# nothing.
#   - dd bs=1M of disc/01.iso (emulated recorder, unlimited speed) next to
#     the same bytes read through libfuse's passthrough example (built here
#     from the libfuse3-dev documentation's examples) and from the plain file;
#   - the time of a burn with verify=1 next to the same burn with verify=0:
#     verification should add no more than one read pass.
# usage: bench-disc.sh BURNFS [MB of data, default 200]
set -eu
burnfs=$1
mb=${2:-${BENCH_MB:-200}}
examples=/usr/share/doc/libfuse3-dev/examples

work=$(mktemp -d "${TMPDIR:-/tmp}/burnfs-bench.XXXXXX")
cleanup() {
	for m in "$work"/mnt* "$work/pt"; do
		mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; }
	done
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/tree" "$work/mnt1" "$work/mnt2" "$work/pt"

# an ISO of $mb MB of incompressible data
head -c "$((mb * 1000000))" /dev/urandom > "$work/tree/data.bin"
genisoimage -quiet -V BENCH -o "$work/in.iso" "$work/tree"
rm "$work/tree/data.bin"
size=$(stat -c %s "$work/in.iso")

. "$(dirname "$0")/bench-lib.sh"

# two burns of the same ISO, with and without verification
"$burnfs" -o client_name=Bench emu:"$work/disc1" "$work/mnt1"
"$burnfs" -o client_name=Bench emu:"$work/disc2" "$work/mnt2"
echo 0 > "$work/mnt2/verify"
t_verify=$(timed cp "$work/in.iso" "$work/mnt1/burn/")
t_plain=$(timed cp "$work/in.iso" "$work/mnt2/burn/")
grep '^last_verify' "$work/mnt1/status" "$work/mnt2/status"

# reading back, next to the floors
t_disc=$(timed dd if="$work/mnt1/disc/01.iso" of=/dev/null bs=1M status=none)
cmp -s "$work/mnt1/disc/01.iso" "$work/in.iso" && echo "disc/01.iso equals the ISO"
t_file=$(timed dd if="$work/in.iso" of=/dev/null bs=1M status=none)
t_pt=
# pkg-config's flags are words on purpose
# shellcheck disable=SC2046
if [ -f "$examples/passthrough.c" ] &&
	cc -O2 -D_FILE_OFFSET_BITS=64 -I"$examples" "$examples/passthrough.c" -o "$work/passthrough" \
		$(pkg-config --cflags --libs fuse3) 2>/dev/null; then
	"$work/passthrough" "$work/pt"
	t_pt=$(timed dd if="$work/pt$work/in.iso" of=/dev/null bs=1M status=none)
fi

printf 'ISO: %d MB\n' $((size / 1000000))
printf 'dd bs=1M of the ISO file:               %6s MB/s (%s s)\n' "$(rate "$t_file")" "$t_file"
[ -n "$t_pt" ] &&
	printf 'dd bs=1M through libfuse passthrough:   %6s MB/s (%s s)\n' "$(rate "$t_pt")" "$t_pt"
printf 'dd bs=1M of disc/01.iso:                %6s MB/s (%s s)\n' "$(rate "$t_disc")" "$t_disc"
printf 'burn with verify=0: %s s; with verify=1: %s s; verification added %s s (one read: %s s)\n' \
	"$t_plain" "$t_verify" "$(python3 -c "print('%.2f' % ($t_verify - $t_plain))")" "$t_disc"
