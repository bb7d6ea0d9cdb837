#!/usr/bin/env bash
# The test command: installs missing Debian packages (as root), builds with
# warnings as errors, runs every test suite and then the unit suite under
# valgrind, and ends with the line "N passed, N failed" counted from meson's
# test logs, one per Check test case. Exit status 0 only if nothing failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
. contrib/deps.sh

builddir=${BURNFS_BUILDDIR:-build-check}

burnfs_ensure_packages || exit 1
echo "== build ($builddir)"
burnfs_build "$builddir" -Dwerror=true || { echo "0 passed, 1 failed"; exit 1; }

status=0
echo "== meson test"
meson test -C "$builddir" --print-errorlogs --num-processes 2 || status=1
if command -v valgrind >/dev/null; then
	echo "== meson test --setup=valgrind --suite unit"
	meson test -C "$builddir" --setup=valgrind --suite unit --print-errorlogs \
		--num-processes 2 || status=1
fi

# One line per Check case from the TAP each test printed; a test that failed
# without a failing case (a crash, a valgrind error) counts as one failure.
python3 - "$builddir"/meson-logs/testlog*.json <<'PY' || status=1
import json, re, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
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
