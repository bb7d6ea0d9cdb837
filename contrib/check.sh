#!/usr/bin/env bash
# The test command (.ci/run calls it): installs missing Debian packages (as
# root), then
#   1. builds with gcc, warnings as errors (build-check), and runs every suite:
#      unit, mount, sg;
#   2. runs the unit suite again under valgrind;
#   3. builds with clang, AddressSanitizer + UndefinedBehaviorSanitizer, the
#      libFuzzer targets and warnings as errors (build-asan), and runs the
#      unit and mount suites and the fuzz suite (each target for 20 s) there;
# and ends with the line "N passed, N failed" counted from meson's test logs,
# one per Check test case (a fuzz target counts as one). Exit status 0 only if
# nothing failed. Each phase prints how long it took.
#
# BURNFS_BUILDDIR and BURNFS_ASAN_BUILDDIR name other build directories;
# BURNFS_CHECK_ASAN=0 leaves out phase 3 (for a quick run by hand, never CI).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
. contrib/deps.sh

builddir=${BURNFS_BUILDDIR:-build-check}
asandir=${BURNFS_ASAN_BUILDDIR:-build-asan}
asan=${BURNFS_CHECK_ASAN:-1}

phase_start=$(date +%s)
phase() {
	local now
	now=$(date +%s)
	echo "== $* (previous phase: $((now - phase_start)) s)"
	phase_start=$now
}

burnfs_ensure_packages || exit 1
phase "build ($builddir)"
burnfs_build "$builddir" -Dwerror=true || { echo "0 passed, 1 failed"; exit 1; }

status=0
logs=("$builddir"/meson-logs/testlog.json)
rm -f "$builddir"/meson-logs/testlog*.json
phase "meson test ($builddir)"
meson test -C "$builddir" --print-errorlogs --num-processes 2 || status=1
if command -v valgrind >/dev/null; then
	phase "meson test --setup=valgrind --suite unit ($builddir)"
	meson test -C "$builddir" --setup=valgrind --suite unit --print-errorlogs \
		--num-processes 2 || status=1
	logs+=("$builddir"/meson-logs/testlog-valgrind.json)
fi

if [ "$asan" != 0 ]; then
	phase "build ($asandir: clang, ASan + UBSan, fuzz targets)"
	if CC=clang burnfs_build "$asandir" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dfuzz=true -Dwerror=true; then
		# Reports go to files as well as failing the process (abort), so
		# one from a process whose exit status no test looks at is still
		# seen below. Leak checking is on (meson's default turns it off).
		reports=$top/$asandir/sanitizer-reports
		rm -rf "$reports" "$asandir"/meson-logs/testlog*.json
		mkdir -p "$reports"
		export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$reports/asan"
		export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
		# libfuse's own leaks at unmount are not burnfs's (contrib/lsan.supp)
		export LSAN_OPTIONS="suppressions=$top/contrib/lsan.supp:print_suppressions=0"
		phase "meson test --suite unit --suite mount --suite fuzz ($asandir)"
		meson test -C "$asandir" --suite unit --suite mount --suite fuzz --print-errorlogs \
			--num-processes 2 || status=1
		logs+=("$asandir"/meson-logs/testlog.json)
		unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
		# a daemon a test left to unmount lazily may still be exiting
		for _ in $(seq 50); do
			pgrep -f "$top/$asandir/" >/dev/null || break
			sleep 0.2
		done
		if [ -n "$(ls -A "$reports")" ]; then
			echo "sanitizer reports (from processes no test checked):"
			for f in "$reports"/*; do
				echo "--- $f"
				head -n 40 "$f"
			done
			echo "failed outside any test case: sanitizer reports in $reports"
			status=1
			asan_failed=1
		fi
	else
		echo "failed outside any test case: the sanitizer build did not build"
		status=1
		asan_failed=1
	fi
fi
phase "count"

# One line per Check case from the TAP each test printed; a test that failed
# without a failing case (a crash, a valgrind error) counts as one failure.
python3 - "${asan_failed:-0}" "${logs[@]}" <<'PY' || status=1
import json, os, re, sys
passed = failed = skipped = 0
failed += int(sys.argv[1])
for path in sys.argv[2:]:
    if not os.path.exists(path):
        print('failed outside any test case: no test log %s' % path)
        failed += 1
        continue
    for line in open(path):
        t = json.loads(line)
        ok = len(re.findall(r'^ok \d+', t.get('stdout', ''), re.M))
        bad = len(re.findall(r'^not ok \d+', t.get('stdout', ''), re.M))
        passed += ok
        failed += bad
        if t['result'] == 'SKIP':
            skipped += 1
        elif t['result'] not in ('OK', 'EXPECTEDFAIL') and bad == 0:
            failed += 1
            print('failed outside any test case: %s (%s)' % (t['name'], t['result']))
        elif ok + bad == 0 and t['result'] == 'OK':
            passed += 1
line = '%d passed, %d failed' % (passed, failed)
if skipped:
    line += ', %d skipped' % skipped
print(line)
sys.exit(1 if failed else 0)
PY
exit $status
