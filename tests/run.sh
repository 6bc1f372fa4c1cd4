#!/usr/bin/env bash
# Runs the test suites and ends with one line: "N passed, N failed[, N skipped]".
# Every suite prints TAP-style lines ("ok ...", "not ok ...", "ok ... # SKIP ...");
# a suite that exits non-zero without a "not ok" line counts as one failure.
# Usage: tests/run.sh [all|unit|integration|lint|fuzz|qemu]
set -u
cd "$(dirname "$0")/.." || exit 1
what=${1:-all}
pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

suite() {
	local name=$1 rc p f s
	shift
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	sed 's/^/   /' "$log"
	s=$(grep -cE '^ok\b.*# ?SKIP' "$log")
	p=$(( $(grep -cE '^ok\b' "$log") - s ))
	f=$(grep -cE '^not ok\b' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	elif [ $((p + f + s)) -eq 0 ]; then
		echo "not ok - $name ran no test"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	for t in build/tests/test_*; do
		[ -x "$t" ] || continue
		suite "unit $(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP \
			ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$t"
	done
fi
if [ "$what" = all ] || [ "$what" = lint ]; then
	suite "lint" tests/lint.sh
fi
# The fuzzers (make fuzz-bins): 10 s each here, FUZZ_SECONDS (default 60) each in CI.
if [ "$what" = all ] || [ "$what" = fuzz ]; then
	if [ "${CI:-}" = true ]; then
		suite "fuzz" tests/fuzz.sh "${FUZZ_SECONDS:-60}"
	elif ls build/fuzz/fuzz_* >/dev/null 2>&1; then
		suite "fuzz" tests/fuzz.sh 10
	else
		echo "ok - fuzz # SKIP not built (make fuzz-bins)"
		skip=$((skip + 1))
	fi
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
	for t in tests/integration/test_*.py; do
		[ -f "$t" ] || continue
		suite "integration $(basename "$t" .py)" /usr/bin/python3 "$t"
	done
fi
# A second kernel: Debian's 6.1 under QEMU (TCG), about 30 s.
if [ "$what" = all ] || [ "$what" = qemu ]; then
	if [ "$(id -u)" = 0 ]; then
		suite "qemu linux 6.1" tests/qemu/run.sh
	elif [ "${CI:-}" = true ]; then
		echo "not ok - qemu linux 6.1: needs root"
		fail=$((fail + 1))
	else
		echo "ok - qemu linux 6.1 # SKIP needs root"
		skip=$((skip + 1))
	fi
fi

echo
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ] && [ $((pass + skip)) -gt 0 ]
