#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# conf/hyperion.service, conf/hyperion.catalog and the man pages, offline
# (no systemd runs here): the unit's settings, checked against the code
# they depend on; `systemd-analyze verify` against a temporary root holding
# an install; the `systemd-analyze security` exposure (at most 2.0); the
# catalog against the MESSAGE_IDs of agent/output.h; the man pages linted.
# Then the unit's CapabilityBoundingSet is put to work: the agent runs with
# exactly those capabilities on a veth in a namespace of its own, and
# refuses to load with any one of them taken away. Last, the unit runs for
# real under systemd, booted in a container (systemd-nspawn): start,
# journald fields, reload, crash and takeover, stop, a bad file.
# shellcheck source=tests/package/lib.sh
. "$(dirname "$0")/lib.sh"

UNIT=$TOP/conf/hyperion.service
CATALOG=$TOP/conf/hyperion.catalog
HYPERION=$BUILD/hyperion

# The value of KEY in the unit ([Service] keys are unique in this file).
val() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }
has() { # has KEY VALUE
	[ "$(val "$1")" = "$2" ]
	ok $? "$1=$2"
}

# ---- Settings -------------------------------------------------------------

has Type notify
has ExecStart "/usr/sbin/hyperion run -c /etc/hyperion.yaml"
has ExecReload '/bin/kill -HUP $MAINPID'
has Restart on-failure
has After network.target
has WantedBy multi-user.target
wd=$(val WatchdogSec)
[ "${wd%s}" -ge 5 ] 2>/dev/null
ok $? "WatchdogSec=$wd: at least 5 s, since the agent pings every second"
grep -qE '^LogRateLimitIntervalSec=0$' "$UNIT" && grep -B3 '^LogRateLimitIntervalSec=' "$UNIT" | grep -q '^#'
ok $? "LogRateLimitIntervalSec=0, with the reason in a comment"
head -n 20 "$UNIT" | grep -qi 'crash' && head -n 20 "$UNIT" | grep -qi 'clean stop'
ok $? "the comment at the top says what a clean stop and a crash do to filtering"

# What the unit relies on in the code.
exit_config=$(sed -n 's/^#define HYP_EXIT_CONFIG[[:space:]]*\([0-9]*\).*/\1/p' "$TOP/agent/agent.h")
[ -n "$exit_config" ] && [ "$(val RestartPreventExitStatus)" = "$exit_config" ]
ok $? "RestartPreventExitStatus=$(val RestartPreventExitStatus) is HYP_EXIT_CONFIG ($exit_config)"
# ProtectKernelTunables= lists /sys/fs/bpf read-only, and systemd keeps the
# more restrictive of two entries for one path: ReadWritePaths=/sys/fs/bpf
# would be dropped. The pin directory itself is made writable instead, and
# must exist first: a privileged ExecStartPre creates it.
pin_root=$(sed -n 's/^#define HYP_PIN_ROOT[[:space:]]*"\(.*\)".*/\1/p' "$TOP/ebpf/hyperion.h")
[ -n "$pin_root" ] && [ "$(val ReadWritePaths)" = "-$pin_root" ]
ok $? "ReadWritePaths=$(val ReadWritePaths): the pin directory ($pin_root), below the read-only /sys/fs/bpf"
[ "$(val ExecCondition)" = "/usr/sbin/hyperion check-config --condition -c /etc/hyperion.yaml" ]
ok $? "ExecCondition= skips the start while the file lists no interface"
grep -qx "ExecStartPre=+/bin/mkdir -p -m 0700 $pin_root" "$UNIT"
ok $? "ExecStartPre=+/bin/mkdir creates $pin_root outside the sandbox"
# RestartPreventExitStatus= applies to the main process only: a failing
# ExecStartPre=hyperion check-config would be restarted for ever.
! grep -q '^ExecStartPre=.*check-config' "$UNIT"
ok $? "no ExecStartPre=hyperion check-config (its exit 2 would be retried for ever)"
seq_file=$(sed -n 's/^#define HYP_SEQ_FILE[[:space:]]*"\(.*\)".*/\1/p' "$TOP/agent/output.h")
if [ -n "$seq_file" ]; then
	[ "$(dirname "$seq_file")" = "/run/$(val RuntimeDirectory)" ] &&
		[ "$(val RuntimeDirectoryPreserve)" = yes ]
	ok $? "RuntimeDirectory=$(val RuntimeDirectory), preserved: holds $seq_file across restarts"
fi
case " $(val RestrictAddressFamilies) " in *" AF_UNIX "*) true ;; *) false ;; esac
ok $? "RestrictAddressFamilies= keeps AF_UNIX (journald, sd_notify, if_nametoindex)"
[ -z "$(val User)" ] && [ -z "$(val DynamicUser)" ]
ok $? "runs as root (its capabilities bounded): the pins under /sys/fs/bpf are root's"

# ---- systemd-analyze ----------------------------------------------------------

# A root holding the host's units (for the targets the unit names), the
# commands the unit runs (kill, mkdir) and an install of ours; man(1) looks
# for the pages there too.
ROOT=$WORK/root
mkdir -p "$ROOT/usr/lib/systemd" "$ROOT/usr/bin" "$ROOT/usr/sbin" "$ROOT/etc"
for d in bin lib sbin; do ln -s "usr/$d" "$ROOT/$d"; done
cp -r /lib/systemd/system "$ROOT/usr/lib/systemd/system"
cp /bin/kill /bin/mkdir "$ROOT/usr/bin/"
if [ -x "$HYPERION" ]; then
	install -m 0755 "$HYPERION" "$ROOT/usr/sbin/hyperion"
else
	printf '#!/bin/sh\nexit 0\n' >"$ROOT/usr/sbin/hyperion" && chmod 755 "$ROOT/usr/sbin/hyperion"
	diag "note: no $HYPERION (run make): verifying against a stand-in executable"
fi
install -D -m 0644 "$UNIT" "$ROOT/usr/lib/systemd/system/hyperion.service"
install -D -m 0644 "$TOP/man/hyperion.8" "$ROOT/usr/share/man/man8/hyperion.8"
install -D -m 0644 "$TOP/man/hyperion.yaml.5" "$ROOT/usr/share/man/man5/hyperion.yaml.5"
MANPATH=$ROOT/usr/share/man systemd-analyze verify --root="$ROOT" \
	/lib/systemd/system/hyperion.service >"$WORK/verify.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s "$WORK/verify.log" ]
ok $? "systemd-analyze verify: no complaint (Exec binaries, man pages, dependencies)"
show "$WORK/verify.log"

systemd-analyze security --offline=yes "$UNIT" >"$WORK/security.log" 2>&1
exposure=$(sed -n 's/.*Overall exposure level for hyperion.service: \([0-9.]*\).*/\1/p' "$WORK/security.log")
echo "# note: systemd-analyze security exposure ${exposure:-unknown}"
[ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'
ok $? "systemd-analyze security --offline=yes: exposure ${exposure:-unknown}, at most 2.0"
[ -n "$exposure" ] || show "$WORK/security.log"

# ---- Catalog and man pages --------------------------------------------------

mkdir -p "$WORK/cat/usr/lib/systemd/catalog" "$WORK/cat/var/lib/systemd/catalog"
cp "$CATALOG" "$WORK/cat/usr/lib/systemd/catalog/"
journalctl --root="$WORK/cat" --update-catalog >"$WORK/catalog.log" 2>&1
ok $? "journalctl --update-catalog accepts conf/hyperion.catalog"
show "$WORK/catalog.log"
journalctl --root="$WORK/cat" --list-catalog 2>/dev/null | awk '{ print $1 }' | sort >"$WORK/ids.catalog"
sed -n 's/^#define HYP_MSGID_[A-Z_]*[[:space:]]*"\([0-9a-f]\{32\}\)".*/\1/p' "$TOP/agent/output.h" |
	sort >"$WORK/ids.code"
[ -s "$WORK/ids.code" ] && diff -u "$WORK/ids.code" "$WORK/ids.catalog" >"$WORK/ids.diff"
ok $? "one catalog entry per MESSAGE_ID of agent/output.h ($(wc -l <"$WORK/ids.code"))"
show "$WORK/ids.diff"
n=$(wc -l <"$WORK/ids.code")
[ "$(grep -c '^Subject: ' "$CATALOG")" -eq "$n" ] &&
	[ "$(grep -c '^Defined-By: hyperion$' "$CATALOG")" -eq "$n" ] &&
	[ "$(grep -c '^Support: ' "$CATALOG")" -eq "$n" ] &&
	[ "$(grep -c '^Documentation: man:hyperion(8)' "$CATALOG")" -eq "$n" ]
ok $? "each entry has Subject, Defined-By: hyperion, Support and Documentation: man:hyperion(8)"

for page in "$TOP/man/hyperion.8" "$TOP/man/hyperion.yaml.5"; do
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>"$WORK/man.log" >/dev/null &&
		[ ! -s "$WORK/man.log" ]
	ok $? "man --warnings: $(basename "$page") renders without a warning"
	show "$WORK/man.log"
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -T lint -W warning "$page" >"$WORK/mandoc.log" 2>&1
		ok $? "mandoc -T lint: $(basename "$page") is clean"
		show "$WORK/mandoc.log"
	else
		skip "mandoc -T lint: $(basename "$page")" "mandoc is not installed"
	fi
done

# ---- The capabilities, at work ------------------------------------------------

caps=$(val CapabilityBoundingSet)
diag "note: CapabilityBoundingSet=$caps"
[ "$(echo "$caps" | tr ' ' '\n' | sort | tr '\n' ' ')" = "CAP_BPF CAP_NET_ADMIN CAP_PERFMON " ]
ok $? "CapabilityBoundingSet= is CAP_BPF CAP_NET_ADMIN CAP_PERFMON, nothing more"

if [ ! -x "$HYPERION" ]; then
	skip "the agent runs with the unit's capabilities" "no $HYPERION (run make)"
	skip "the unit under systemd" "no $HYPERION (run make)"
	done_testing
fi
NS=hyp-pkg-$$
IF_A=hpa$$
IF_B=hpb$$
at_exit ip netns del "$NS"
at_exit rmdir "$pin_root"
at_exit rm -rf "$pin_root/$IF_B"
ip netns add "$NS" &&
	ip link add "$IF_A" netns "$NS" type veth peer name "$IF_B" netns "$NS" &&
	nsenter --net="/run/netns/$NS" sh -c "ip addr add 198.18.0.1/24 dev $IF_A &&
		ip addr add 198.18.0.2/24 dev $IF_B && ip link set $IF_A up && ip link set $IF_B up"
ok $? "a veth pair in namespace $NS (198.18.0.1, 198.18.0.2)"
printf 'interfaces:\n  - name: %s\n    mode: generic\nsignatures:\n  - name: hack\n    pattern: hack\n' \
	"$IF_B" >"$WORK/hyperion.yaml"

# run_with CAPS...: the agent as root bounded to CAPS (setpriv names), with
# RLIMIT_MEMLOCK at 0. Returns 0 when it attached, reported running, and
# detached and exited 0 on SIGTERM.
run_with() {
	local set="-all" c pid i rc=1
	for c in "$@"; do set="$set,+$c"; done
	nsenter --net="/run/netns/$NS" prlimit --memlock=0:0 \
		setpriv --bounding-set="$set" --inh-caps=-all -- \
		"$HYPERION" run -c "$WORK/hyperion.yaml" >"$WORK/agent.out" 2>"$WORK/agent.err" &
	pid=$!
	for i in $(seq 100); do
		grep -q 'running:' "$WORK/agent.err" && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	if grep -q 'running:' "$WORK/agent.err" &&
		nsenter --net="/run/netns/$NS" ip link show dev "$IF_B" | grep -q xdp; then
		rc=0
	fi
	kill -TERM $pid 2>/dev/null
	wait $pid || rc=1
	return $rc
}
to_setpriv() { echo "$1" | tr '[:upper:]' '[:lower:]' | sed 's/^cap_//'; }
all=()
for c in $caps; do all+=("$(to_setpriv "$c")"); done

run_with "${all[@]}"
ok $? "the agent attaches, runs and detaches with only ${caps// /, } (and RLIMIT_MEMLOCK 0)"
[ $T_FAILED -eq 0 ] || show "$WORK/agent.err"
for drop in "${all[@]}"; do
	less=()
	for c in "${all[@]}"; do [ "$c" = "$drop" ] || less+=("$c"); done
	! run_with "${less[@]}"
	ok $? "without cap_$drop the agent cannot load or attach:$(grep 'error: ' "$WORK/agent.err" | tail -n 1 | sed 's/^.*error://')"
done

# ---- The unit under systemd ---------------------------------------------------

# systemd 252 boots in a container (systemd-nspawn) with its own network
# and BPF filesystem, /usr from this machine with our binary, unit and
# catalog laid over it, and a copy of /etc. A test unit there exercises
# hyperion.service with its whole sandbox, writes what it saw to /out, and
# powers the container off. Nothing touches this machine's network or pins.
if ! command -v systemd-nspawn >/dev/null 2>&1; then
	skip "the unit under systemd" "no systemd-nspawn (Debian: systemd-container)"
	done_testing
fi
C=$WORK/nspawn
mkdir -p "$C/root" "$C/usr/sbin" "$C/usr/lib/systemd/system" "$C/usr/lib/systemd/catalog" \
	"$C/out" "$C/bpffs"
mount -t bpf -o mode=0700 bpf "$C/bpffs" && at_exit umount "$C/bpffs"
install -m 0755 "$HYPERION" "$C/usr/sbin/hyperion"
install -m 0644 "$UNIT" "$C/usr/lib/systemd/system/hyperion.service"
install -m 0644 "$CATALOG" "$C/usr/lib/systemd/catalog/hyperion.catalog"
(
	cd "$C/root" || exit 1
	mkdir -p proc sys dev run tmp usr var/tmp var/log root
	for d in bin sbin lib lib64 lib32; do [ -L "/$d" ] && ln -s "$(readlink "/$d")" "$d"; done
	cp -a /etc etc && rm -f etc/os-release && cp /usr/lib/os-release etc/os-release
	: >etc/machine-id
)
cat >"$C/root/etc/hyperion.yaml" <<'EOF'
interfaces:
  - name: hv1
    mode: generic
signatures:
  - name: hack
    pattern: hack
outputs:
  console:
    enabled: true
  journald:
    enabled: true
EOF
chmod 0640 "$C/root/etc/hyperion.yaml"
S=$C/root/etc/systemd/system
cat >"$S/hyp-net.service" <<'EOF'
[Unit]
DefaultDependencies=no
Before=hyperion.service network.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'ip netns add peer && ip link add hv0 type veth peer name hv1 && ip link set hv0 netns peer && ip addr add 198.18.0.2/24 dev hv1 && ip link set hv1 up && ip netns exec peer ip addr add 198.18.0.1/24 dev hv0 && ip netns exec peer ip link set hv0 up'
EOF
cat >"$S/hyp-check.service" <<'EOF'
[Unit]
After=hyperion.service
[Service]
Type=oneshot
ExecStart=/bin/bash /root/hyp-check.sh
ExecStopPost=/bin/systemctl --no-block poweroff
EOF
cat >"$S/hyp-check.target" <<'EOF'
[Unit]
Requires=basic.target
After=basic.target
Wants=hyp-net.service hyperion.service hyp-check.service
EOF
cat >"$C/root/root/hyp-check.sh" <<'EOF'
#!/bin/bash
# Writes one "name=value" line per observation to /out/result.
exec >/out/result 2>/out/stderr
show() { systemctl show -p "$1" --value hyperion; }
link() { ip link show hv1 | grep -q xdp && echo 1 || echo 0; }
journalctl --update-catalog # as the package's installation does
for i in $(seq 100); do systemctl is-active -q hyperion && break; sleep 0.1; done
echo "active=$(systemctl is-active hyperion)"
pid=$(show MainPID)
echo "capeff=$(sed -n 's/^CapEff:\t//p' /proc/$pid/status)"
echo "nnp=$(sed -n 's/^NoNewPrivs:\t//p' /proc/$pid/status)"
echo "seccomp=$(sed -n 's/^Seccomp:\t//p' /proc/$pid/status)"
echo "pins_rw=$(nsenter -t $pid -m awk '$5 == "/sys/fs/bpf/hyperion" { print $6 }' /proc/self/mountinfo | cut -d, -f1)"
echo "attached=$(link)"
ip netns exec peer bash -c 'echo -n "xx hack yy" >/dev/udp/198.18.0.2/9999'
for i in $(seq 40); do journalctl -q -t hyperion HYPERION_EVENT=DROP -o cat | grep -q . && break; sleep 0.1; done
echo "drop_rule=$(journalctl -q -t hyperion HYPERION_EVENT=DROP -o export | sed -n 's/^HYPERION_RULE=//p' | head -n 1)"
echo "drop_catalog=$(journalctl -q -x -t hyperion HYPERION_EVENT=DROP --no-pager | grep -c 'Subject: Hyperion dropped')"
echo "plain=$(journalctl -q -u hyperion _TRANSPORT=stdout -o cat | grep -c ' DROP ') $(journalctl -q -u hyperion -o cat | grep -c '^console output off')"
printf 'events:\n  realtime_priority: 5\n' >>/etc/hyperion.yaml # the unit forbids it
systemctl reload hyperion
rc=$?
# the agent's log line reaches the journal through a stream: give it time
for i in $(seq 50); do journalctl -q -u hyperion -o cat | grep -q '^reloaded ' && break; sleep 0.1; done
echo "reload=$rc $(systemctl is-active hyperion) $(journalctl -q -u hyperion -o cat | grep -c '^reloaded ')"
echo "rt_refused=$(journalctl -q -u hyperion -o cat | grep -c 'realtime_priority 5: the scheduler refuses') $(chrt -p "$pid" | grep -c SCHED_OTHER)"
kill -KILL "$pid"
sleep 0.3
echo "attached_after_kill=$(link)"
for i in $(seq 100); do
	new=$(show MainPID)
	[ "$new" != 0 ] && [ "$new" != "$pid" ] && systemctl is-active -q hyperion && break
	sleep 0.1
done
echo "restarted=$(systemctl is-active hyperion) $(journalctl -q -u hyperion -o cat | grep -c 'without a gap')"
systemctl stop hyperion
echo "stopped=$(show Result) $(link) $(ls /sys/fs/bpf/hyperion | wc -l)"
printf 'interfaces:\n  - name: hv1\nsignatures:\n  - name: x\n    pattern: "ninebytes"\n' >/etc/hyperion.yaml
systemctl start hyperion
sleep 3
echo "bad_file=$(show ActiveState) $(show ExecMainStatus) $(show NRestarts)"
systemctl reset-failed hyperion
cp /root/packaged.yaml /etc/hyperion.yaml
systemctl start hyperion
echo "no_interface=$? $(show ActiveState) $(show Result) $(show ConditionResult) $(show NRestarts) $(journalctl -q -u hyperion -o cat | grep -c 'lists no interfaces')"
EOF
cp "$TOP/conf/hyperion.yaml" "$C/root/root/packaged.yaml"
timeout 120 systemd-nspawn -q -D "$C/root" --register=no --keep-unit --private-network \
	--link-journal=no --overlay="/usr:$C/usr:/usr" --bind="$C/out:/out" \
	--bind="$C/bpffs:/sys/fs/bpf" --capability=CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN \
	--system-call-filter='bpf perf_event_open' -b -- systemd.unit=hyp-check.target \
	>"$WORK/nspawn.log" 2>&1
ok $? "systemd boots in a container, runs the checks and powers off"
r() { sed -n "s/^$1=//p" "$C/out/result" 2>/dev/null; }
[ "$(r active)" = active ]
ok $? "hyperion.service starts: Type=notify, READY=1 ($(r active))"
[ "$(r capeff)" = 000000c000001000 ] && [ "$(r nnp)" = 1 ] && [ "$(r seccomp)" = 2 ]
ok $? "it runs with CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON only, no new privileges, a seccomp filter"
[ "$(r pins_rw)" = rw ] && [ "$(r attached)" = 1 ]
ok $? "its pin directory is writable in its sandbox, and it attached"
[ "$(r drop_rule)" = hack ] && [ "$(r drop_catalog)" -ge 1 ]
ok $? "a dropped packet reaches the journal with its fields and catalog text"
[ "$(r plain)" = "0 1" ]
ok $? "console and journald both on: each event is in the journal once, not again as a plain line ($(r plain))"
[ "$(r reload)" = "0 active 1" ]
ok $? "systemctl reload: reloaded, still active"
[ "$(r rt_refused)" = "1 1" ]
ok $? "events.realtime_priority under the shipped unit (RestrictRealtime=yes): refused, said, default policy kept ($(r rt_refused))"
[ "$(r attached_after_kill)" = 1 ] && [ "$(r restarted)" = "active 1" ]
ok $? "after SIGKILL the program stays attached; the restarted agent takes it over without a gap"
[ "$(r stopped)" = "success 0 0" ]
ok $? "systemctl stop: detached, pins removed"
[ "$(r bad_file)" = "failed 2 0" ]
ok $? "a bad file: exit 2, failed, not restarted ($(r bad_file))"
[ "$(r no_interface)" = "0 inactive exec-condition no 0 1" ]
ok $? "the packaged file (no interface): the start is skipped and says why, not failed ($(r no_interface))"
if [ $T_FAILED -ne 0 ]; then
	show "$C/out/result" 2>/dev/null
	show "$C/out/stderr" 2>/dev/null
	tail -n 30 "$WORK/nspawn.log" | show /dev/stdin
fi

done_testing
