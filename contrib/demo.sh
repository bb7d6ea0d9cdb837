#!/usr/bin/env bash
# The demo: installs missing Debian packages (as root), builds burnfs, mounts
# an emulated recorder in a temporary directory and walks through it like a
# user at a shell would. Leaves nothing mounted; exit 0 on success.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. contrib/deps.sh

builddir=${BURNFS_BUILDDIR:-build}
burnfs_ensure_packages
burnfs_build "$builddir"
burnfs="$top/$builddir/fs/burnfs"

work=$(mktemp -d "${TMPDIR:-/tmp}/burnfs-demo.XXXXXX")
mnt="$work/mnt"
mkdir "$mnt"
cleanup() {
	if mountpoint -q "$mnt" 2>/dev/null; then
		fusermount3 -u "$mnt" 2>/dev/null || umount "$mnt" 2>/dev/null || umount -l "$mnt"
	fi
	rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; eval "$@"; }

# emu_speed=24 paces the emulated drive like a 24x burner, so progress can be watched
run "'$burnfs' -o emu_speed=24 emu:'$work/disc' '$mnt'"
cd "$mnt"
run "ls -l"
run "head recorder/vendor_id recorder/product_id recorder/product_revision recorder/device"
run "cat recorder/current_profiles"
run "head media/*"
run "cat supported_sector_types supported_write_speeds"

run "echo MyBurner > client_name"
run "cat client_name"
say "echo 'My/Burner' > client_name"
if echo 'My/Burner' > client_name; then
	echo "demo: an invalid client name was accepted" >&2
	exit 1
fi
echo "(exit status $?)"
run "cat last_error"
run "cat client_name"

run "echo prepare > ctl"
run "cat state exclusive_owner"
say "echo Other > client_name"
if echo Other > client_name; then
	echo "demo: the client name changed while prepared" >&2
	exit 1
fi
run "cat last_error"
run "echo release > ctl"
run "cat state"
run "cat exclusive_owner"
run "cat status"

# --- a burn: a small data CD dropped into burn/, as a file manager would ---
iso="$work/demo.iso"
mkdir "$work/files"
echo "burned by the burnfs demo" > "$work/files/README.txt"
head -c 3000000 /dev/urandom > "$work/files/random.dat"
say "genisoimage -quiet -R -J -V BURNFS_DEMO -o demo.iso files/"
genisoimage -quiet -R -J -V BURNFS_DEMO -o "$iso" "$work/files"
say "cp demo.iso burn/   # while it runs: progress"
cp "$iso" burn/ &
copier=$!
while [ "$(cat state)" = idle ] && kill -0 $copier 2>/dev/null; do sleep 0.1; done
while [ "$(cat state)" != idle ]; do
	tr '\n' ' ' < progress; echo
	sleep 1
done
wait $copier
run "ls -l burn/"
run "grep -e '^state:' -e '^last_burn:' -e '^last_verify:' -e '^media/' status"
# --- the disc read back: every burn was verified; disc/ shows what the disc holds ---
run "ls -l disc/"
run "cat disc/toc"
run "cmp disc/01.iso '$iso' && echo 'disc/01.iso is the ISO, byte for byte'"
run "ls -l '$work/disc'"
run "cd-info --no-device-info --no-cddb --cue-file '$work/disc/disc.cue' | sed -n '/CD-ROM Track List/,/^$/p'"

cd /
run "fusermount3 -u '$mnt' || umount '$mnt'"
if mountpoint -q "$mnt"; then
	echo "demo: $mnt is still mounted" >&2
	exit 1
fi

# --- several recorders in one mount: one copy burns every drive (README "Several recorders") ---
# the third drive gets a write error at LBA 300, to show a member dropped while the others finish
run "'$burnfs' -o client_name=Dup,C/emu_fault=write_error@300 emu:'$work/A' emu:'$work/B' emu:'$work/C' '$mnt'"
cd "$mnt"
run "ls"
say "cp demo.iso burn/   # fails: one drive of three did not complete"
if cp "$iso" burn/; then
	echo "demo: the copy should have failed (recorder C has a write error)" >&2
	exit 1
fi
run "grep -e '^members:' -e '/outcome:' -e '^last_burn:' status"
run "cat last_error"
cd /
run "fusermount3 -u '$mnt' || umount '$mnt'"
if mountpoint -q "$mnt"; then
	echo "demo: $mnt is still mounted" >&2
	exit 1
fi
echo
echo "demo finished: burnfs mounted, answered and unmounted cleanly"
