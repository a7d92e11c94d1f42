#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Builds the binary RPMs from a source tarball of the work tree and leaves
# them in build/packages/:
#
#   packaging/build-rpm.sh [--head]
#
# The tarball, hyperion-VERSION.tar.gz, holds the files git knows (tracked,
# and new ones not ignored) as they are in the work tree; with --head, the
# last commit (git archive HEAD). build/ and .git never go in. rpmbuild
# works in a temporary _topdir that is removed afterwards.
#
# On Debian, rpmbuild runs with --nodeps: the BuildRequires of the spec name
# Fedora/RHEL packages, which the rpm database of a Debian machine does not
# hold; scripts/install-deps.sh installed their Debian equivalents. On
# Fedora or RHEL, install the BuildRequires (dnf builddep) and set
# RPM_NODEPS= to let rpmbuild check them.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/build/packages
SPEC=$TOP/packaging/rpm/hyperion.spec
from_head=0
[ "${1:-}" = "--head" ] && from_head=1

unset BUILD DESTDIR PREFIX MAKEFLAGS MFLAGS MAKELEVEL V

if command -v apt-get >/dev/null 2>&1; then
	"$TOP/scripts/install-deps.sh" build package
fi
for cmd in rpmbuild rpmspec eu-strip; do
	command -v $cmd >/dev/null 2>&1 && continue
	echo "build-rpm: $cmd is missing (Debian: rpm, elfutils; Fedora: rpm-build," \
		"elfutils)" >&2
	exit 1
done

VERSION=$(rpmspec -q --srpm --qf '%{version}\n' "$SPEC" 2>/dev/null | head -n 1)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hyperion-rpm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/SOURCES" "$WORK/tree/hyperion-$VERSION"
SRC=$WORK/tree/hyperion-$VERSION

if [ $from_head -eq 1 ]; then
	git -C "$TOP" archive --format=tar HEAD | tar -x -C "$SRC"
elif git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$TOP" ls-files -z --cached --others --exclude-standard |
		(cd "$TOP" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
		tar -C "$TOP" --null -T - -cf - | tar -x -C "$SRC"
else
	tar -C "$TOP" --exclude=./build --exclude=./.git -cf - . | tar -x -C "$SRC"
fi
rm -rf "$SRC/build"
tar -C "$WORK/tree" --owner=0 --group=0 --numeric-owner -czf \
	"$WORK/SOURCES/hyperion-$VERSION.tar.gz" "hyperion-$VERSION"

# Debian's rpm lacks two things Fedora's redhat-rpm-config provides:
# the -debuginfo subpackage, into which find-debuginfo strips the binary
# (as on Fedora; without it the binary ships with its symbol table), and a
# working brp-compress (Debian's is a bash script run by /bin/sh, dash,
# which leaves the man pages uncompressed). Fedora needs neither line.
: >"$WORK/macros"
if [ "$(rpm --eval '%{_vendor}')" = debian ]; then
	cat >"$WORK/macros" <<'EOF'
%_enable_debug_packages 1
%install %{?_enable_debug_packages:%{?buildsubdir:%{debug_package}}}\
%%install\
%{nil}
%__brp_compress /bin/bash %{_rpmconfigdir}/brp-compress %{?_prefix}
EOF
fi

# shellcheck disable=SC2086 # RPM_NODEPS is one option or none
rpmbuild -bb ${RPM_NODEPS---nodeps} \
	--load "$WORK/macros" \
	--define "_topdir $WORK" \
	--define "_tmppath $WORK/tmp" \
	"$SPEC"

mkdir -p "$OUT"
rm -f "$OUT"/hyperion-*.rpm
for f in "$WORK"/RPMS/*/*.rpm; do
	[ -e "$f" ] || continue
	cp "$f" "$OUT/"
	echo "build-rpm: $OUT/$(basename "$f")"
done
