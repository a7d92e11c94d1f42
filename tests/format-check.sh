#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Every C file follows the committed .clang-format (TAP output).
cd "$(dirname "$0")/.." || exit 1
n=0 bad=0
for f in ebpf/*.[ch] agent/*.[ch] tests/*/*.[ch]; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "ok $n - $f is formatted"
	else
		echo "not ok $n - $f differs from .clang-format (run: clang-format -i $f)"
		bad=1
	fi
done
echo "1..$n"
exit $bad
