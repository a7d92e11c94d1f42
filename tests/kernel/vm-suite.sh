#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Runs one TAP suite inside the Debian 12 VM, for tests/run-tests.sh:
#
#   tests/kernel/vm-suite.sh [run-in-vm.sh OPTION]... -- PROGRAM [ARG]...
#
# Passes its arguments to tests/kernel/run-in-vm.sh. When the VM cannot be
# had here (exit 77: the kernel package cannot be downloaded, no qemu), the
# suite becomes one skipped test point that says why, and the exit status 0.
set -u

err=$(mktemp)
trap 'rm -f "$err"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$(dirname "$0")/run-in-vm.sh" "$@" 2>"$err"
rc=$?
if [ "$rc" -eq 77 ]; then
	grep '^#' "$err" >&2
	reason=$(grep -v '^#' "$err" | tail -n 1 | sed 's/^run-in-vm: //')
	echo "ok 1 - runs in a VM with Debian 12's kernel # SKIP ${reason:-no VM here}"
	echo "1..1"
	exit 0
fi
cat "$err" >&2
exit "$rc"
