#!/usr/bin/env bash
# Long fuzzing runs (doc/fuzzing.md):
#
#   contrib/fuzz.sh [TARGET|all] [SECONDS] [-- LIBFUZZER_FLAGS...]
#
# Builds the fuzz build directory (clang, ASan + UBSan, -Dfuzz=true; $BURNFS_FUZZ_BUILDDIR,
# default build-fuzz) if needed, then runs one target, or all of them one after the other,
# for SECONDS each (default 600; 0 = no time limit, e.g. with -- -runs=N). A target reads
# its committed seeds tests/fuzz/corpus/TARGET (never written) and keeps what it finds in
# BUILDDIR/fuzz-corpus/TARGET for the next run; findings (crash-*, leak-*, timeout-*, oom-*)
# go to BUILDDIR/fuzz-artifacts/, the whole output to BUILDDIR/fuzz-logs/TARGET.log.
# Ends with one line per target: executions, executions/s, seconds, coverage, corpus.
# Exit status 1 if any target found something.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
. contrib/deps.sh

targets=(client-name parse mmc subchannel image-decoder cue image-header burn-job)
target=all
seconds=600
if [ $# -gt 0 ] && [ "$1" != -- ]; then target=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" != -- ]; then seconds=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = -- ] && shift
case $target in
all) ;;
*)
	if [[ " ${targets[*]} " != *" $target "* ]]; then
		echo "usage: $0 [TARGET|all] [SECONDS] [-- LIBFUZZER_FLAGS...]" >&2
		echo "targets: ${targets[*]}" >&2
		exit 2
	fi
	targets=("$target")
	;;
esac
case $seconds in
'' | *[!0-9]*) echo "$0: SECONDS must be a number, not '$seconds'" >&2; exit 2 ;;
esac

builddir=${BURNFS_FUZZ_BUILDDIR:-build-fuzz}
burnfs_ensure_packages || exit 1
if [ ! -f "$builddir/build.ninja" ]; then
	CC=clang meson setup "$builddir" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dfuzz=true >/dev/null || exit 1
fi
ninja -C "$builddir" >/dev/null || { ninja -C "$builddir"; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$builddir/fuzz-corpus" "$builddir/fuzz-artifacts" "$builddir/fuzz-logs"
status=0
summary=()
for t in "${targets[@]}"; do
	log=$builddir/fuzz-logs/$t.log
	mkdir -p "$builddir/fuzz-corpus/$t"
	echo "== fuzz-$t for ${seconds}s (log: $log)"
	start=$(date +%s)
	nice -n "${FUZZ_NICE:-10}" "$builddir/tests/fuzz/fuzz-$t" -max_total_time="$seconds" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-error_exitcode=1 -timeout_exitcode=1 \
		-artifact_prefix="$builddir/fuzz-artifacts/$t-" "$@" \
		"$builddir/fuzz-corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	result=ok
	if [ $rc -ne 0 ]; then
		result="FINDING (exit $rc): see $log"
		status=1
		grep -m 3 -E 'ERROR|invariant broken|runtime error' "$log"
	fi
	summary+=("$(awk -v t="$t" -v s=$((end - start)) -v r="$result" '
		/^stat::number_of_executed_units:/ { runs = $2 }
		/^stat::average_exec_per_sec:/ { rate = $2 }
		/ cov: / { for (i = 1; i < NF; i++) {
				if ($i == "cov:") cov = $(i + 1)
				if ($i == "ft:") ft = $(i + 1)
				if ($i == "corp:") corp = $(i + 1) } }
		END { printf "%-14s %12s %9s %7s %6s %7s %14s  %s", t, runs, rate, s, cov, ft,
			corp, r }' "$log")")
done
printf '%-14s %12s %9s %7s %6s %7s %14s  %s\n' target executions exec/s seconds cov ft \
	corpus result
printf '%s\n' "${summary[@]}"
exit $status
