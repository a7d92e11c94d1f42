#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Runs test suites that print TAP (C programs or scripts), shows each
# suite's result and the output of failing points, and ends with one line:
#   N passed, N failed, N skipped
# Exit status 1 when anything failed, or when a suite died or printed no
# plan (a crash after its last test point is a failure too).
set -u

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for suite in "$@"; do
	name=$(basename "$suite")
	case $suite in */asan/*) name="asan/$name" ;; esac
	start=$(date +%s)
	"$suite" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok .*' "$log" | tr -d ' ')
	s=$(grep -c '^ok .* # SKIP' "$log" | tr -d ' ')
	f=$(grep -c '^not ok ' "$log" | tr -d ' ')
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if ! grep -q '^1\.\.[0-9]' "$log"; then
		[ "$f" -gt 0 ] || f=1
		echo "not ok - $name printed no plan (died early?)" >>"$log"
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	printf '%-28s %4d passed %3d failed %3d skipped  (%ss)\n' "$name" "$p" "$f" "$s" \
		$(( $(date +%s) - start ))
	if [ "$f" -gt 0 ] || [ "${VERBOSE:-0}" = 1 ]; then
		sed 's/^/    /' "$log"
	else
		grep -E '^# (SKIP|note)|# SKIP' "$log" | sed 's/^/    /'
	fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
