#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Builds the Debian package from a clean copy of the work tree and leaves
# it in build/packages/:
#
#   packaging/build-deb.sh [--head]
#
# The copy holds the files git knows (tracked, and new ones not ignored),
# as they are in the work tree; with --head, the last commit instead (git
# archive HEAD). build/ and .git never go in. packaging/debian becomes the
# copy's debian/, and `dpkg-buildpackage -us -uc -b` builds there, in a
# temporary directory that is removed afterwards. Nothing is installed on
# this machine but missing build dependencies (apt-get, as root).
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/build/packages
from_head=0
[ "${1:-}" = "--head" ] && from_head=1

# A make or a test runner above us must not steer the package build.
unset BUILD DESTDIR PREFIX MAKEFLAGS MFLAGS MAKELEVEL V

# Build dependencies: the Makefile's sets, then whatever else debian/control
# names (the checker prints "Unmet build dependencies: a b (>= 1) c").
"$TOP/scripts/install-deps.sh" build package
if ! unmet=$(dpkg-checkbuilddeps "$TOP/packaging/debian/control" 2>&1); then
	pkgs=$(printf '%s\n' "$unmet" | sed -n 's/.*Unmet build dependencies: //p' |
		sed 's/([^)]*)//g; s/|[^ ]*//g')
	if [ -z "$pkgs" ] || [ "$(id -u)" -ne 0 ]; then
		printf '%s\n' "$unmet" >&2
		exit 1
	fi
	echo "build-deb: installing build dependencies: $pkgs"
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs
fi

VERSION=$(dpkg-parsechangelog -l "$TOP/packaging/debian/changelog" -S Version)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hyperion-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
SRC=$WORK/hyperion-$VERSION
mkdir "$SRC"

if [ $from_head -eq 1 ]; then
	git -C "$TOP" archive --format=tar HEAD | tar -x -C "$SRC"
elif git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	# tracked files (less those deleted in the work tree) and new ones
	git -C "$TOP" ls-files -z --cached --others --exclude-standard |
		(cd "$TOP" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
		tar -C "$TOP" --null -T - -cf - | tar -x -C "$SRC"
else
	tar -C "$TOP" --exclude=./build --exclude=./.git -cf - . | tar -x -C "$SRC"
fi
rm -rf "$SRC/build" "$SRC/debian"
cp -a "$SRC/packaging/debian" "$SRC/debian"

(cd "$SRC" && dpkg-buildpackage -us -uc -b)

mkdir -p "$OUT"
rm -f "$OUT"/hyperion_*.deb "$OUT"/hyperion-dbgsym_*.*deb
for f in "$WORK"/*.deb "$WORK"/*.ddeb; do
	[ -e "$f" ] || continue
	cp "$f" "$OUT/"
	echo "build-deb: $OUT/$(basename "$f")"
done
