#!/usr/bin/env bash
# Runs each fuzzer of fuzz/ (built as build/fuzz/NAME by `make fuzz-bins`) for
# SECONDS on its corpus, build/fuzz/corpus/NAME, seeded from fuzz/corpus/NAME,
# and prints one TAP line each: "ok - fuzz NAME (N runs)", or "not ok - fuzz
# NAME: crash ..." with the input that crashed it (build/fuzz/NAME-crash-*)
# and the log (build/fuzz/NAME.log). Rerun a crash: build/fuzz/NAME INPUT.
# Usage: tests/fuzz.sh [SECONDS]   (default 60)
set -u
cd "$(dirname "$0")/.." || exit 1
secs=${1:-60}
rc=0
for src in fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=build/fuzz/$name
	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz $name: not built (make fuzz-bins)"
		rc=1
		continue
	fi
	corpus=build/fuzz/corpus/$name
	log=build/fuzz/$name.log
	mkdir -p "$corpus"
	if [ -d "fuzz/corpus/$name" ]; then
		cp -f "fuzz/corpus/$name"/* "$corpus"/
	fi
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/$name-" "$corpus" >"$log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$status" -eq 0 ]; then
		echo "ok - fuzz $name (${runs:-?} runs)"
		continue
	fi
	what=$(grep -m 1 -E 'check failed|ERROR: |runtime error' "$log" | sed 's/^==[0-9]*==//')
	input=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" | tail -n 1)
	echo "not ok - fuzz $name: crash: ${what:-exit status $status} (input ${input:-not saved}, log $log)"
	grep -E '^ *#[0-9]+ |SUMMARY' "$log" | head -n 12 | sed 's/^/# /'
	rc=1
done
exit $rc
