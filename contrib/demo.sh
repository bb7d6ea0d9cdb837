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

run "'$burnfs' emu:'$work/disc' '$mnt'"
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

cd /
run "fusermount3 -u '$mnt' || umount '$mnt'"
if mountpoint -q "$mnt"; then
	echo "demo: $mnt is still mounted" >&2
	exit 1
fi
echo
echo "demo finished: burnfs mounted, answered and unmounted cleanly"
