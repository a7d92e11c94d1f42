#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The Debian package: built from a clean copy of the tree, lintian-clean,
# installed on this machine with dpkg, checked, removed and purged without
# a trace. Installing must start nothing and touch no interface: with no
# systemd running the maintainer scripts only record the unit as enabled,
# and a temporary policy-rc.d forbids starting it where systemd runs.
#
# A hyperion package left installed (an earlier run that died) is purged
# first; files of a `make install` into / are moved aside and put back.
# shellcheck source=tests/package/lib.sh
. "$(dirname "$0")/lib.sh"

UNIT_LINK=/etc/systemd/system/multi-user.target.wants/hyperion.service
MSGID_DROP=db4ccac0957340509d1e27b1273bdade

# dpkg, retried while another dpkg or apt holds the lock (up to a minute).
dpkg_run() {
	local i out rc
	for i in $(seq 30); do
		out=$(DEBIAN_FRONTEND=noninteractive dpkg "$@" </dev/null 2>&1)
		rc=$?
		printf '%s\n' "$out" >>"$WORK/dpkg.log"
		if [ $rc -ne 0 ] && printf '%s' "$out" | grep -qi 'lock'; then
			sleep 2
			continue
		fi
		return $rc
	done
	return 1
}
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' hyperion 2>/dev/null)" = installed ]; }
known() { dpkg-query -W hyperion >/dev/null 2>&1; }
our_pids() { # agents running the packaged binary
	local p
	for p in $(pgrep -x hyperion); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = /usr/sbin/hyperion ] && echo "$p"
	done
}
xdp_state() { ip -o link show | grep -o '^[0-9]*: [^:@]*\|xdp[a-z]* ' | tr -d '\n'; }

# ---- Before: leftovers of earlier runs, files of `make install` ---------

if known; then
	diag "hyperion is already known to dpkg (an earlier run died?): purging it first"
	dpkg_run --purge hyperion || diag "purge failed; see below"
fi

# Keep the machine as we found it if a policy-rc.d is there already.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\n# tests/package/test_deb.sh: start nothing\nexit 101\n' \
		>/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	at_exit rm -f /usr/sbin/policy-rc.d
fi
# Whatever happens below, leave no package behind.
at_exit 'known && DEBIAN_FRONTEND=noninteractive dpkg --purge hyperion'

# ---- Build and lint -----------------------------------------------------

"$TOP/packaging/build-deb.sh" >"$WORK/build.log" 2>&1
rc=$?
DEB=$(ls "$PACKAGES"/hyperion_*_*.deb 2>/dev/null | head -n 1)
[ $rc -eq 0 ] && [ -n "$DEB" ]
ok $? "packaging/build-deb.sh builds build/packages/hyperion_*.deb"
if [ -z "$DEB" ]; then
	tail -n 40 "$WORK/build.log" | show /dev/stdin
	done_testing
fi
VERSION=$(dpkg-deb -f "$DEB" Version)

lintian -I --fail-on error,warning "$DEB" >"$WORK/lintian.log" 2>&1
rc=$?
grep -E '^[EW]: ' "$WORK/lintian.log" >&2
ok $rc "lintian: no errors or warnings (beyond debian/hyperion.lintian-overrides)"
! grep -qE 'unused-override|mismatched-override' "$WORK/lintian.log"
ok $? "lintian: every override is used"
grep '^[IP]: ' "$WORK/lintian.log" | sed 's/^/# note: lintian /'

# Files of the package that exist outside dpkg's knowledge (make install
# into /) are moved aside for the test and put back afterwards.
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's/^\.//; /\/$/d' >"$WORK/files"
mkdir "$WORK/aside"
while read -r f; do
	[ -e "$f" ] || [ -L "$f" ] || continue
	dpkg -S "$f" >/dev/null 2>&1 && continue
	mkdir -p "$WORK/aside$(dirname "$f")"
	mv "$f" "$WORK/aside$f" && at_exit mv "$WORK/aside$f" "$f"
	diag "moved $f aside (not from a package); it is put back at the end"
done <"$WORK/files"

# ---- Install ------------------------------------------------------------

xdp_before=$(xdp_state)
pids_before=$(our_pids)
dpkg_run -i "$DEB"
ok $? "dpkg -i $(basename "$DEB")"
installed
ok $? "dpkg records hyperion $VERSION as installed"

[ -z "$(our_pids)" ] && [ -z "$pids_before" ]
ok $? "installing started no agent"
[ "$(xdp_state)" = "$xdp_before" ]
ok $? "installing attached nothing to any interface of this namespace"

mode() { stat -c '%a %U %G' "$1" 2>/dev/null; }
[ "$(mode /usr/sbin/hyperion)" = "755 root root" ]
ok $? "/usr/sbin/hyperion is 0755 root:root ($(mode /usr/sbin/hyperion))"
[ "$(mode /etc/hyperion.yaml)" = "640 root root" ]
ok $? "/etc/hyperion.yaml is 0640 root:root ($(mode /etc/hyperion.yaml))"
dpkg-query -W -f='${Conffiles}\n' hyperion | grep -q '^ /etc/hyperion.yaml [0-9a-f]\{32\}$'
ok $? "/etc/hyperion.yaml is a conffile"

missing=""
for f in /lib/systemd/system/hyperion.service /usr/lib/systemd/catalog/hyperion.catalog \
	/usr/share/man/man8/hyperion.8.gz /usr/share/man/man5/hyperion.yaml.5.gz \
	/usr/share/doc/hyperion/README.md.gz /usr/share/doc/hyperion/copyright; do
	[ "$(mode "$f")" = "644 root root" ] || missing="$missing $f"
done
[ -z "$missing" ]
ok $? "unit, catalog, man pages and docs installed 0644 root:root${missing:+ (not:$missing)}"

out=$(/usr/sbin/hyperion check-config /etc/hyperion.yaml 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$out" = "/etc/hyperion.yaml: valid: 0 interface(s), 0 signature(s)" ]
ok $? "hyperion check-config /etc/hyperion.yaml: exit $rc, '$out'"
[ "$(/usr/sbin/hyperion version)" = "hyperion ${VERSION%%-*}" ]
ok $? "hyperion version matches the package version ${VERSION%%-*}"
[ "$(man -w 8 hyperion 2>/dev/null)" = /usr/share/man/man8/hyperion.8.gz ] &&
	[ "$(man -w 5 hyperion.yaml 2>/dev/null)" = /usr/share/man/man5/hyperion.yaml.5.gz ]
ok $? "man finds hyperion(8) and hyperion.yaml(5)"

# dh_installsystemd's maintainer scripts, not hand-written systemctl calls.
info=/var/lib/dpkg/info/hyperion
grep -q "deb-systemd-helper enable 'hyperion.service'" "$info.postinst" &&
	grep -q "deb-systemd-invoke \$_dh_action 'hyperion.service'" "$info.postinst" &&
	grep -q "deb-systemd-invoke stop 'hyperion.service'" "$info.prerm" &&
	grep -q "deb-systemd-helper purge 'hyperion.service'" "$info.postrm"
ok $? "maintainer scripts enable, start and restart, stop and purge the unit (dh_installsystemd)"
! grep -h 'systemctl' "$info.postinst" "$info.prerm" "$info.postrm" |
	grep -v 'daemon-reload' | grep -q .
ok $? "no systemctl call in the maintainer scripts but daemon-reload"
[ "$(readlink "$UNIT_LINK")" = /lib/systemd/system/hyperion.service ]
ok $? "the unit is enabled: $UNIT_LINK (deb-systemd-helper, offline)"

if journalctl --list-catalog >/dev/null 2>&1; then
	journalctl --list-catalog 2>/dev/null | grep -q "^$MSGID_DROP hyperion: "
	ok $? "the journal catalog knows hyperion's DROP entry (systemd's dpkg trigger)"
else
	skip "the journal catalog knows hyperion's DROP entry" "journalctl cannot list the catalog"
fi

# ---- Remove, purge --------------------------------------------------------

dpkg_run -r hyperion
ok $? "dpkg -r hyperion"
[ ! -e /usr/sbin/hyperion ] && [ -e /etc/hyperion.yaml ] &&
	[ "$(dpkg-query -W -f='${db:Status-Status}' hyperion)" = config-files ]
ok $? "removed: the binary is gone, the conffile stays until purge"

dpkg_run -P hyperion
ok $? "dpkg -P hyperion"
! known
ok $? "purged: dpkg has no record of hyperion"
left=""
while read -r f; do
	{ [ -e "$f" ] || [ -L "$f" ]; } && [ ! -e "$WORK/aside$f" ] && left="$left $f"
done <"$WORK/files"
[ -z "$left" ] && [ ! -e /etc/hyperion.yaml ] && [ ! -L "$UNIT_LINK" ]
ok $? "purged: no file of the package, no /etc/hyperion.yaml, no enablement link${left:+ (left:$left)}"
if journalctl --list-catalog >/dev/null 2>&1; then
	! journalctl --list-catalog 2>/dev/null | grep -q "^$MSGID_DROP "
	ok $? "purged: the journal catalog forgot hyperion's entries"
fi

[ $T_FAILED -eq 0 ] || show "$WORK/dpkg.log"
done_testing
