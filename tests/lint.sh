#!/usr/bin/env bash
# Static checks as test lines: the build must be warning-free under clang-tidy and cppcheck.
set -u
cd "$(dirname "$0")/.." || exit 1
srcs=$(ls src/*.c src/core/*.c src/out/*.c)
inc="-std=c11 -D_GNU_SOURCE -Ibuild -Isrc $(pkg-config --cflags libbpf 2>/dev/null)"

# One file per run: clang-tidy 14's valist checker carries state from one
# translation unit to the next and then flags a correct va_start/vsnprintf.
# Generated skeletons (build/) are bpftool's code, not ours.
out=$(for f in $srcs; do clang-tidy --quiet "$f" -- $inc 2>&1; done |
	grep -E 'warning:|error:' | grep -v '^build/')
if [ -z "$out" ]; then echo "ok - clang-tidy"; else echo "not ok - clang-tidy"; echo "$out" | sed 's/^/# /'; fi

out=$(cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	--inline-suppr --std=c11 -Isrc -Ibuild -D__linux__ -D__x86_64__ \
	--suppress=missingIncludeSystem --suppress=unknownMacro:src/bpfenv.c -i src/bpf src tests/workload 2>&1)
if [ $? -eq 0 ]; then echo "ok - cppcheck"; else echo "not ok - cppcheck"; echo "$out" | sed 's/^/# /'; fi
