# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# Helpers of the packaging suites: TAP output, the tree's paths, and a
# list of cleanup commands run in reverse order on exit, whatever happened.

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
# shellcheck disable=SC2034 # used by the suites that source this file
PACKAGES=$TOP/build/packages

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
# show FILE: a command's output, as TAP comments (when a point failed).
show() { sed 's/^/#   /' "$1"; }

CLEANUP=()
at_exit() { CLEANUP+=("$*"); }
run_cleanup() {
	local i
	for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUP[$i]}" >/dev/null 2>&1
	done
}
trap run_cleanup EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" -eq 0 ] || skip_all "needs root (dpkg, rpmbuild, namespaces)"

# A make above us (make check) must not steer the builds below.
unset DESTDIR PREFIX MAKEFLAGS MFLAGS MAKELEVEL

WORK=$(mktemp -d /tmp/hyperion-pkgtest.XXXXXX)
at_exit rm -rf "$WORK"
