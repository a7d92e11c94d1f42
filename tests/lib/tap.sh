# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# TAP output for the shell suites (tests/run-tests.sh reads it): one test
# point per ok/check/skip, done_testing prints the plan and sets the exit
# status.

T_N=0
T_FAILED=0
ok() { # ok STATUS DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAILED=1
	fi
}
check() { # check DESCRIPTION COMMAND...: one test point from a command's status
	local what=$1
	shift
	"$@"
	ok $? "$what"
}
skip() { # skip DESCRIPTION REASON
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}
diag() { printf '# %s\n' "$*"; }
done_testing() {
	echo "1..$T_N"
	exit $T_FAILED
}
