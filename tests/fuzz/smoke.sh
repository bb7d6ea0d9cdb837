#!/bin/sh
# The fuzz suite's runner: smoke.sh TARGET SCRATCH SEEDS [LIBFUZZER_FLAGS...]
# runs TARGET over SEEDS (only read) with SCRATCH, emptied first, as the
# corpus directory libFuzzer writes new inputs to. TARGET's exit status is
# the test's: non-zero on any finding.
set -eu
target=$1 scratch=$2 seeds=$3
shift 3
rm -rf "$scratch"
mkdir -p "$scratch"
exec "$target" "$@" "$scratch" "$seeds"
