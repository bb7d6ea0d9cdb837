#!/usr/bin/env bash
# The Debian package, as a new user would meet it (issue 14, suite `pkg`):
#   1. dpkg-buildpackage -b -us -uc on a copy of the source tree, outside it,
#      so the build leaves the tree as it was;
#   2. the .deb's contents listed and checked: what must be there, and no
#      interposer, shared library or header;
#   3. lintian on it: no error (E:);
#   4. installed with apt-get, then used from the installed files: burnfs
#      --version, man -w, a mount of emu:DIR, udev's parser reading the rule,
#      systemd-analyze verify of the unit (an instance of the template);
#   5. removed again (dpkg --purge), also when a step failed.
# Speaks TAP, one line per step. Skips (77) unless root with the packaging
# tools (contrib/deps.sh installs them); a burnfs package installed before
# the test is left alone and step 4 is skipped.
#
# The package is built with DEB_BUILD_OPTIONS=nocheck: CI runs the unit
# suite from the source tree already, and building the tests again would
# double the time. BURNFS_PKG_CHECK_TESTS=1 builds as a user does, tests
# included (debian/rules runs the unit suite).
#
# Usage: pkg-check.sh SOURCE_DIR
set -u
src=$(cd "${1:?usage: pkg-check.sh SOURCE_DIR}" && pwd) || exit 99

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root: it installs and removes the package"
	exit 77
fi
for tool in dpkg-buildpackage dh lintian fakeroot systemd-analyze udevadm man fusermount3; do
	if ! command -v "$tool" >/dev/null; then
		echo "1..0 # SKIP $tool is missing (contrib/deps.sh installs it)"
		exit 77
	fi
done

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $* # SKIP"; }
# check DESCRIPTION COMMAND...: one TAP line; the command's output shown when it fails
check() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$what"
	else
		not_ok "$what"
		printf '%s\n' "$out" | sed 's/^/# /' | tail -n 40
	fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/burnfs-pkg-XXXXXX") || exit 99
chmod 755 "$work"
installed_here=0
mnt=$work/mnt
cleanup() {
	if mountpoint -q "$mnt" 2>/dev/null; then
		fusermount3 -u "$mnt" 2>/dev/null || umount -l "$mnt"
	fi
	if [ "$installed_here" = 1 ]; then
		dpkg --purge burnfs >/dev/null 2>&1
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "1..12"

# ---- 1. build, out of the tree ----
start=$(date +%s)
mkdir "$work/burnfs"
tree_state() { git -C "$src" status --porcelain --ignored 2>/dev/null; }
before=$(tree_state)
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	# tracked and new files as they are now, without build directories
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$work/burnfs"
else
	tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$work/burnfs"
fi
opts="parallel=$(nproc)"
[ "${BURNFS_PKG_CHECK_TESTS:-0}" = 1 ] || opts="nocheck $opts"
if (cd "$work/burnfs" && DEB_BUILD_OPTIONS="$opts" dpkg-buildpackage -b -us -uc \
	>"$work/build.log" 2>&1); then
	ok "dpkg-buildpackage -b -us -uc ($opts) in $(($(date +%s) - start)) s"
	grep -E '^(Ok|Fail|Skipped|Timeout): ' "$work/build.log" | tr -s ' ' |
		sed 's/^/# meson test --suite unit in the package build: /'
else
	not_ok "dpkg-buildpackage -b -us -uc ($opts)"
	tail -n 40 "$work/build.log" | sed 's/^/# /'
	exit 1
fi
deb=$(ls "$work"/burnfs_*.deb)
check "the source tree is left as it was (git status, ignored files included)" \
	test "$before" = "$(tree_state)"

# ---- 2. contents ----
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' | grep -v '/$' | sort >"$work/contents"
echo "# dpkg-deb -c $(basename "$deb"):"
sed 's/^/#   /' "$work/contents"
want="/usr/bin/burnfs
/usr/bin/burnfs-image
/usr/share/man/man1/burnfs.1.gz
/usr/share/man/man1/burnfs-image.1.gz
/lib/udev/rules.d/70-burnfs.rules
/lib/systemd/system/burnfs@.service
/usr/share/doc/burnfs/README.md.gz
/usr/share/doc/burnfs/README.Debian
/usr/share/doc/burnfs/changelog.gz
/usr/share/doc/burnfs/copyright"
missing=$(comm -23 <(echo "$want" | sort) "$work/contents")
check "the package holds burnfs, burnfs-image, both man pages, the rule, the unit, README, changelog${missing:+ (missing: $missing)}" \
	test -z "$missing"
extra=$(grep -E '\.so|\.a$|/include/|libburnfs|/lib/burnfs' "$work/contents")
check "no interposer, library or header in it${extra:+ (found: $extra)}" test -z "$extra"
check "Depends: fuse3 and the shared libraries found by dpkg-shlibdeps" \
	bash -c "dpkg-deb -f '$deb' Depends | grep -q 'fuse3' &&
		dpkg-deb -f '$deb' Depends | grep -q 'libfuse3-3' &&
		dpkg-deb -f '$deb' Depends | grep -q 'libcdio'"

# ---- 3. lintian ----
start=$(date +%s)
lintian --info --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1
echo "# lintian ($(($(date +%s) - start)) s): $(grep -c '^E:' "$work/lintian.log") errors, $(grep -c '^W:' "$work/lintian.log") warnings, $(grep -c '^I:' "$work/lintian.log") notes"
grep -v 'running with root privileges' "$work/lintian.log" | sed 's/^/#   /'
check "lintian reports no error" bash -c "! grep -q '^E:' '$work/lintian.log'"

# ---- 4. installed, and used ----
if dpkg-query -W -f='${Status}' burnfs 2>/dev/null | grep -q "install ok installed"; then
	for what in "apt-get install" "burnfs --version and man -w" "a mount of emu:DIR" \
		"udev reads the rule" "systemd-analyze verify"; do
		skip "$what: a burnfs package was installed before this test, left alone"
	done
else
	installed_here=1
	check "apt-get install ./$(basename "$deb")" \
		env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb"
	check "burnfs --version and man -w burnfs burnfs-image, from the installed files" \
		bash -c "/usr/bin/burnfs --version | grep -q '^burnfs ' &&
			/usr/bin/burnfs-image --help >/dev/null 2>&1 &&
			man -w burnfs | grep -q '^/usr/share/man/man1/burnfs.1.gz$' &&
			man -w burnfs-image >/dev/null"
	mkdir "$mnt"
	check "the installed burnfs mounts emu:DIR, its files read, it unmounts" \
		bash -c "/usr/bin/burnfs -o client_name=Installed emu:'$work/disc' '$mnt' || exit 1
			r=0
			test \"\$(cat '$mnt/client_name')\" = Installed || r=1
			grep -qx cdr '$mnt/media/type' || r=1
			fusermount3 -u '$mnt' || r=1
			exit \$r"
	# udev's own parser: it names each file it reads and each line it cannot use
	udevadm test --action=add /sys/class/mem/null >"$work/udev.log" 2>&1
	check "udevadm test reads the installed 70-burnfs.rules without a complaint" \
		bash -c "grep -Eq 'Reading rules file: (/usr)?/lib/udev/rules.d/70-burnfs.rules' '$work/udev.log' &&
			! grep '70-burnfs.rules:' '$work/udev.log'"
	# a template is verified as one of its instances
	mkdir "$work/units"
	ln -s /lib/systemd/system/burnfs@.service "$work/units/burnfs@sr0.service"
	check "systemd-analyze verify burnfs@sr0.service (the installed template)" \
		bash -c "out=\$(systemd-analyze verify '$work/units/burnfs@sr0.service' 2>&1);
			echo \"\$out\"; test -z \"\$out\""
fi

# ---- 5. removed ----
if [ "$installed_here" = 1 ]; then
	check "dpkg --purge burnfs removes it" \
		bash -c "dpkg --purge burnfs >/dev/null && test ! -e /usr/bin/burnfs &&
			test ! -e /lib/udev/rules.d/70-burnfs.rules"
	installed_here=0
else
	skip "dpkg --purge: nothing installed here"
fi
[ "$failed" = 0 ]
