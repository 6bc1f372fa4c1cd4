#!/usr/bin/env bash
# Static checks as test lines: the build must be warning-free under clang-tidy and cppcheck.
set -u
cd "$(dirname "$0")/.." || exit 1
srcs=$(find src -name "*.c" -not -path "src/bpf/*" | sort)
inc="-std=c11 -D_GNU_SOURCE -Ibuild -Isrc $(pkg-config --cflags libbpf 2>/dev/null)"

# One file per run: clang-tidy 14's valist checker carries state from one
# translation unit to the next and then flags a correct va_start/vsnprintf.
# Generated skeletons (build/) are bpftool's code, not ours.
out=$(for f in $srcs; do clang-tidy --quiet "$f" -- $inc 2>&1; done |
	grep -E 'warning:|error:' | grep -v '^build/')
if [ -z "$out" ]; then echo "ok - clang-tidy"; else echo "not ok - clang-tidy"; echo "$out" | sed 's/^/# /'; fi

# Without -Ibuild: the generated skeletons embed the BPF object as a string
# cppcheck cannot always tokenize, and they are bpftool's code, not ours.
out=$(cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	--inline-suppr --std=c11 -Isrc -D__linux__ -D__x86_64__ \
	--suppress=missingIncludeSystem --suppress=missingInclude --suppress=unknownMacro:src/session/bpfenv.c -i src/bpf src tests/workload 2>&1)
if [ $? -eq 0 ]; then echo "ok - cppcheck"; else echo "not ok - cppcheck"; echo "$out" | sed 's/^/# /'; fi

# Kernel style, as .clang-format says it: every C file of the tree is as
# clang-format leaves it (clang-format -i FILE puts one right).
out=$(git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror 2>&1 | grep -E '^[^ ].*(warning|error):')
if [ -z "$out" ]; then echo "ok - clang-format"
else echo "not ok - clang-format"; echo "$out" | sed 's/^/# /' | head -20; fi

# README's Layout names every folder of the tree and every file directly in
# src/, and nothing that is not there: a new folder is a new role to explain.
layout=$(sed -n '/^## Layout/,/^## /p' README.md | sed -n '/^```$/,/^```$/p' | grep -v '^```' | awk '{print $1}')
tree=$( (find src -mindepth 1 -maxdepth 1 -type f -name '*.c'; \
	find src tests fuzz bench docs contrib -mindepth 1 -maxdepth 1 -type d -not -name corpus -not -name cases -printf '%p/\n'; \
	printf '%s\n' fuzz/ bench/ docs/ contrib/) | sort -u)
missing=$(comm -13 <(echo "$layout" | sort -u) <(echo "$tree"))
stale=$(for p in $layout; do [ -e "$p" ] || echo "$p"; done)
if [ -z "$missing$stale" ]; then echo "ok - README's Layout matches the tree"
else echo "not ok - README's Layout matches the tree"
	[ -z "$missing" ] || echo "# not in README's Layout: $(echo $missing)"
	[ -z "$stale" ] || echo "# in README's Layout, not in the tree: $(echo $stale)"
fi

# Commits in the kernel's and git's form: "area: imperative summary" of at
# most 72 characters, then a body that says why. The history up to 180c9a0
# predates the rule and stays as it landed.
form_base=180c9a0
if git rev-parse -q --verify "$form_base^{commit}" >/dev/null 2>&1; then
	bad=$(git log --no-merges --format='%h%x09%s%x09%b%x1e' "$form_base..HEAD" | awk -v RS='\x1e' -F'\t' '
		NF < 2 { next }
		{ sub(/^\n/, "", $1); why = "" }
		length($2) > 72 { why = why " subject over 72 characters;" }
		$2 !~ /^[a-z0-9][a-z0-9_.\/-]*(, [a-z0-9][a-z0-9_.\/-]*)*: [^ ]/ { why = why " subject not \"area: summary\";" }
		$3 !~ /[^ \n]/ { why = why " no body;" }
		why != "" { print $1 ":" why }')
	if [ -z "$bad" ]; then echo "ok - commits since $form_base are in the kernel's form"
	else echo "not ok - commits since $form_base are in the kernel's form"; echo "$bad" | sed 's/^/# /'; fi
else
	echo "ok - commit form # SKIP $form_base is not in this clone's history"
fi

# No function longer than 120 lines: a longer one does several things, and
# should be several functions. Kernel style puts a function's braces at
# column 0, and nothing else's, so a scan of those lines finds every body.
MAX_FN_LINES=120
out=$(find src -name '*.c' -print0 | sort -z | xargs -0 awk -v max=$MAX_FN_LINES '
	FNR == 1 { start = 0 }
	/^[A-Za-z_].*\(/ { head = $0 }
	/^\{/ { start = FNR; name = head }
	/^\}/ && start {
		if (FNR - start - 1 > max)
			printf "%s:%d: %d lines: %s\n", FILENAME, start, FNR - start - 1, name
		start = 0
	}')
if [ -z "$out" ]; then echo "ok - every function in src/ is at most $MAX_FN_LINES lines"
else echo "not ok - every function in src/ is at most $MAX_FN_LINES lines"; echo "$out" | sed 's/^/# /'; fi
