#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The RPM: built with rpmbuild on this machine from a tarball of the tree
# (packaging/build-rpm.sh), holding the same files as the Debian package,
# with systemd's scriptlets, /etc/hyperion.yaml as %config(noreplace) 0640,
# a stripped binary that runs, and rpmlint clean but for the exceptions
# justified in packaging/rpm/hyperion.rpmlintrc. Nothing is installed.
# shellcheck source=tests/package/lib.sh
. "$(dirname "$0")/lib.sh"

"$TOP/packaging/build-rpm.sh" >"$WORK/rpm.log" 2>&1
rc=$?
RPM=""
for f in "$PACKAGES"/hyperion-[0-9]*.rpm; do
	[ -e "$f" ] && RPM=$f && break
done
[ $rc -eq 0 ] && [ -n "$RPM" ]
ok $? "packaging/build-rpm.sh builds build/packages/hyperion-VERSION-RELEASE.ARCH.rpm"
if [ -z "$RPM" ]; then
	tail -n 40 "$WORK/rpm.log" | show /dev/stdin
	done_testing
fi
diag "note: $(basename "$RPM")"

# The same files as the .deb, less what only Debian ships (changelog,
# copyright, lintian overrides) and where the two put docs; /lib is
# /usr/lib (merged /usr), and man pages are compressed by either.
"$TOP/packaging/build-deb.sh" >"$WORK/deb.log" 2>&1
DEB=$(ls "$PACKAGES"/hyperion_*_*.deb 2>/dev/null | head -n 1)
normalise() {
	sed -E 's#^\./#/#; s#^/lib/#/usr/lib/#; s#\.(gz|bz2|xz|zst)$##' |
		grep -vE '/$|^/usr/share/doc/|^/usr/share/lintian/|^/usr/lib/\.build-id(/|$)' | sort
}
if [ -n "$DEB" ]; then
	dpkg-deb -c "$DEB" | awk '{ print $6 }' | normalise >"$WORK/deb.files"
	rpm -qlp "$RPM" 2>/dev/null | normalise >"$WORK/rpm.files"
	diff -u "$WORK/deb.files" "$WORK/rpm.files" >"$WORK/files.diff"
	ok $? "rpm -qlp lists the files of the .deb ($(wc -l <"$WORK/rpm.files") files)"
	[ -s "$WORK/files.diff" ] && show "$WORK/files.diff"
else
	ok 1 "rpm -qlp lists the files of the .deb (the .deb did not build)"
fi
rpm -qlp "$RPM" 2>/dev/null | grep -qE '^/usr/share/doc/hyperion[^/]*/README\.md'
ok $? "README.md is the package's documentation"

rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' \
	"$RPM" 2>/dev/null >"$WORK/modes"
grep -qx -- '-rw-r----- root:root cn /etc/hyperion.yaml' "$WORK/modes"
ok $? "/etc/hyperion.yaml: %config(noreplace), 0640 root:root"
[ "$(rpm -qp --configfiles "$RPM" 2>/dev/null)" = /etc/hyperion.yaml ]
ok $? "rpm -qp --configfiles lists /etc/hyperion.yaml alone"
grep -qx -- '-rwxr-xr-x root:root  /usr/sbin/hyperion' "$WORK/modes"
ok $? "/usr/sbin/hyperion: 0755 root:root"
grep -qE -- '^-rw-r--r-- root:root  /usr/lib/systemd/system/hyperion\.service$' "$WORK/modes" &&
	grep -qE -- '^-rw-r--r-- root:root  /usr/lib/systemd/catalog/hyperion\.catalog$' "$WORK/modes"
ok $? "the unit is in %{_unitdir}, the catalog in /usr/lib/systemd/catalog"

# systemd's scriptlets, from systemd-rpm-macros (systemd-update-helper) or
# from the spec's fallbacks (systemctl) where those macros are missing.
rpm -qp --scripts "$RPM" 2>/dev/null >"$WORK/scripts"
sed -n '/^postinstall scriptlet/,/^[a-z]* *scriptlet/p' "$WORK/scripts" |
	grep -qE 'systemctl --no-reload preset hyperion\.service|systemd-update-helper install-system-units hyperion\.service'
ok $? "%post: enable the unit per the presets on first install (%systemd_post)"
sed -n '/^preuninstall scriptlet/,/^postuninstall scriptlet/p' "$WORK/scripts" |
	grep -qE 'systemctl --no-reload disable --now hyperion\.service|systemd-update-helper remove-system-units hyperion\.service'
ok $? "%preun: disable and stop the unit on removal (%systemd_preun)"
sed -n '/^postuninstall scriptlet/,$p' "$WORK/scripts" |
	grep -qE 'systemctl try-restart hyperion\.service|systemd-update-helper mark-restart-system-units'
ok $? "%postun: restart a running agent on upgrade (%systemd_postun_with_restart)"
[ $T_FAILED -eq 0 ] || show "$WORK/scripts"

# The payload: a stripped binary (its symbols went to -debuginfo) that runs.
mkdir "$WORK/root"
(cd "$WORK/root" && rpm2cpio "$RPM" | cpio -idm --quiet) 2>/dev/null
! readelf -S "$WORK/root/usr/sbin/hyperion" 2>/dev/null | grep -q '\.symtab'
ok $? "the binary is stripped (no .symtab); its debug data is in hyperion-debuginfo"
out=$("$WORK/root/usr/sbin/hyperion" check-config "$WORK/root/etc/hyperion.yaml" 2>&1)
ok $? "the packaged hyperion accepts the packaged configuration: $out"

rpmlint -r "$TOP/packaging/rpm/hyperion.rpmlintrc" "$RPM" "$TOP/packaging/rpm/hyperion.spec" \
	>"$WORK/rpmlint.log" 2>&1
rc=$?
grep -q ' 0 errors, 0 warnings' "$WORK/rpmlint.log" && [ $rc -eq 0 ]
ok $? "rpmlint: clean but for the exceptions in packaging/rpm/hyperion.rpmlintrc"
grep -E ': [EW]: ' "$WORK/rpmlint.log" | sed 's/^/#   /'

done_testing
