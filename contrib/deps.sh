# Sourced by contrib/check.sh, contrib/demo.sh and contrib/fuzz.sh: makes
# sure the Debian packages burnfs needs are installed (clang, its sanitizer
# and libFuzzer runtimes and llvm-symbolizer are for the sanitizer and fuzz
# builds; dpkg-dev, debhelper, fakeroot, lintian, udev, systemd and man-db
# are for the pkg suite, tests/pkg-check.sh). As root it installs what is
# missing; otherwise it names the missing packages and stops.

burnfs_packages="gcc libc6-dev meson ninja-build pkg-config python3 libfuse3-dev fuse3
	libcdio-dev libiso9660-dev libcdio-utils libsndfile1-dev flac check valgrind genisoimage libglib2.0-bin
	cdrdao cdrskin xorriso
	cd-paranoia cdparanoia wodim
	clang libclang-rt-14-dev llvm-14
	build-essential dpkg-dev debhelper fakeroot lintian udev systemd man-db"

burnfs_ensure_packages() {
	local missing="" p
	for p in $burnfs_packages "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			missing="$missing $p"
		fi
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "burnfs needs these Debian packages:$missing" >&2
		echo "run this script as root to install them, or: sudo apt-get install$missing" >&2
		return 1
	fi
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || return 1
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null || return 1
}

# meson setup, or reconfigure an existing build directory
burnfs_build() {
	local dir="$1"
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null || return 1
	else
		meson setup "$dir" "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >/dev/null || ninja -C "$dir"
}
