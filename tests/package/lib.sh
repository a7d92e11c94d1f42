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

. "$TOP/tests/lib/tap.sh"
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
