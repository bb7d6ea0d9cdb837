# Sourced by the bench-*.sh benchmarks: timing helpers.
#   timed CMD...   runs CMD and prints the seconds it took (two decimals)
#   rate SECONDS   prints $size bytes over SECONDS in MB/s

timed() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@"
	t1=$(date +%s.%N)
	python3 -c "print('%.2f' % (float('$t1') - float('$t0')))"
}

rate() { python3 -c "import sys; print('%.0f' % ($size / 1e6 / float(sys.argv[1])))" "$1"; }
