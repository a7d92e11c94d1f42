#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The agent end to end under valgrind's memcheck: console and RFC 5424
# syslog (UDP, then octet-counted TCP) to netpeer receivers, drop and alert
# signatures, ACCEPT new-flow, a rate limit low enough for summaries, benign,
# matching and hostile traffic, one valid SIGHUP reload, then SIGTERM. Then
# with the journald output and no journald to take the entries (stopped,
# its socket left behind; or never there): losses are counted, nothing
# crashes. Each run must exit 0 with no memory
# error and no definitely or indirectly lost block; what libbpf keeps
# (possibly lost, still reachable) is allowed.
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || skip_all "valgrind is not installed"
setup_net || { echo "Bail out! cannot create namespaces and veth"; exit 1; }

# shellcheck disable=SC2054 # commas inside an option value
VG=(valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99
	--track-fds=no --num-callers=30 --suppressions="$TOP/tests/e2e/valgrind.supp")

conf() { # conf FILE OUTPUTS [EXTRA_SIGNATURE]
	cat >"$1" <<EOF
$(conf_head all)
${3:-}
events:
  accept: new-flow
  rate_limit:
    rate: 2
    burst: 2
    summary_interval: 1
outputs:
$2
EOF
}

# start_vg NAME CONFIG [WRAPPER...]: the agent under valgrind in NS_B, its
# output in $WORK/NAME.out and .err, valgrind's report in $WORK/NAME.vg.
start_vg() {
	local name=$1 file=$2
	shift 2
	bg b "$@" "${VG[@]}" --log-file="$WORK/$name.vg" "$HYPERION" run -c "$file" \
		>"$WORK/$name.out" 2>"$WORK/$name.err"
	AGENT_PID=$LAST_PID
	wait_for "$WORK/$name.err" "running:" 120
}

send() { in_a "$NETPEER" send "$@" 2>/dev/null; }

traffic() {
	send udp 198.18.0.2 9000 "benign %n" -n 5
	send udp 198.18.0.2 9000 "a hack %n" -n 30
	send udp 198.18.0.2 9000 "x<\\x0a\"]\\\\\\x00\\xff=y" -n 2
	send udp 198.18.0.2 9000 "peek %n" -n 3
	in_a timeout 5 "$NETPEER" send tcp 198.18.0.2 8080 "GET /hack HTTP/1.0" -n 1 -R 2>/dev/null
	sleep 2 # a summary interval, and valgrind's pace
}

# reload NAME: SIGHUP, until the agent says it reloaded.
reload() {
	kill -HUP "$AGENT_PID"
	wait_for "$WORK/$1.err" "reloaded" 60
}

# check_vg NAME: exit status and valgrind's report; its errors if any.
check_vg() {
	local vg=$WORK/$1.vg bad=$T_FAILED
	T_FAILED=0
	[ "$AGENT_STATUS" = 0 ]
	ok $? "$1: the agent exits 0 under valgrind (status $AGENT_STATUS; 99: valgrind errors)"
	! grep -qE "Invalid (read|write|free)|uninitialised|Syscall param|Mismatched|overlap" "$vg"
	ok $? "$1: no invalid access, uninitialised value or bad syscall parameter"
	! grep -qE "(definitely|indirectly) lost: [1-9]" "$vg"
	ok $? "$1: no block definitely or indirectly lost"
	grep -q "ERROR SUMMARY: 0 errors" "$vg"
	ok $? "$1: valgrind's error summary is 0"
	[ "$T_FAILED" = 0 ] || grep -E "^==[0-9]+== (  |[A-Z])" "$vg" | head -60 | sed 's/^/# /'
	[ "$bad" = 0 ] || T_FAILED=1
}

check_console() { # check_console NAME
	local out=$WORK/$1.out
	grep -qE 'DROP 198\.18\.0\.1:[0-9]+ -> 198\.18\.0\.2:9000 UDP sig="hack"$' "$out" &&
		grep -q 'DROP .* sig="<\\x0a\\"]\\\\\\x00\\xff="$' "$out" &&
		grep -q 'SIG_MATCH .* sig="peek"$' "$out" && grep -q ' ACCEPT ' "$out"
	ok $? "$1: console lines for drops, hostile bytes, the alert and ACCEPT"
	grep -qE 'SUMMARY DROP sig="hack" suppressed=[1-9]' "$out"
	ok $? "$1: the rate limit summarised the rest"
	grep -q 'DROP .* sig="late!"$' "$out"
	ok $? "$1: the signature added by the reload drops"
}

out_stat() { # out_stat NAME OUTPUT sent|discarded: from $WORK/NAME.json
	sed -n "s/.*\"$2\":{[^}]*\"$3\":\([0-9]*\).*/\1/p" "$WORK/$1.json"
}

# check_receiver udp|tcp: netpeer writes '"' as '\"', and keeps the first
# 2048 bytes of a TCP read only: over TCP, that messages arrived at all.
check_receiver() {
	local rx=$WORK/syslog-$1.rx
	if [ "$1" = udp ]; then
		grep -qE 'hyperion [0-9]+ SUMMARY \[hyperion@32473 type=\\"DROP\\" sig=\\"hack' "$rx" &&
			grep -q 'rule=\\"hostile' "$rx"
		ok $? "udp: the syslog receiver got events, hostile bytes and summaries"
		return
	fi
	grep -qE '^[0-9]+ [0-9]+ <13[2-4]>1 .* hyperion [0-9]+ (ACCEPT|DROP|SIG_MATCH) ' "$rx"
	ok $? "tcp: the syslog receiver got octet-counted events"
}

bg b "$NETPEER" listen udp 198.18.0.2 9000 -o /dev/null
bg b "$NETPEER" listen tcp 198.18.0.2 8080 -o /dev/null
bg b "$NETPEER" listen udp 127.0.0.1 5514 -o "$WORK/syslog-udp.rx"
bg b "$NETPEER" listen tcp 127.0.0.1 5515 -o "$WORK/syslog-tcp.rx"
LATE='  - name: late
    pattern: "late!"'

for transport in udp tcp; do
	port=5514
	[ $transport = tcp ] && port=5515
	out="  console: {enabled: true, color: never}
  syslog: {enabled: true, transport: $transport, target: \"127.0.0.1:$port\", queue_size: 1000}"
	conf "$WORK/$transport.yaml" "$out"
	check "$transport: the agent starts under valgrind" start_vg $transport "$WORK/$transport.yaml"
	traffic
	conf "$WORK/$transport.yaml" "$out" "$LATE"
	check "$transport: SIGHUP reloads a valid configuration" reload $transport
	send udp 198.18.0.2 9000 "too late! %n" -n 2
	sleep 2
	"$HYPERION" stats --json >"$WORK/$transport.json" 2>/dev/null
	stop_agent
	check_vg $transport
	check_console $transport
	[ "$(out_stat $transport syslog sent)" -gt 0 ] 2>/dev/null &&
		[ "$(out_stat $transport syslog discarded)" = 0 ]
	ok $? "$transport: syslog sent $(out_stat $transport syslog sent), discarded none"
	check_receiver $transport
done

# journald_run NAME SETUP: the agent with the journald output, in a mount
# namespace of its own where /run/systemd/journal is an empty tmpfs on
# which the shell command SETUP ran; 40 drops; stats while it runs.
journald_run() {
	local name=$1 setup=$2
	conf "$WORK/$name.yaml" "  journald: {enabled: true, queue_size: 16}"
	check "$name: the agent starts under valgrind" start_vg "$name" "$WORK/$name.yaml" \
		unshare --mount --propagation private \
		sh -c "mount -t tmpfs tmpfs /run/systemd/journal && $setup && exec \"\$@\"" sh
	send udp 198.18.0.2 9000 "a hack %n" -n 40 -r 200
	sleep 2
	"$HYPERION" stats --json >"$WORK/$name.json" 2>/dev/null
	stop_agent
	check_vg "$name"
}

# journald stopped, its socket left behind: sending is refused.
mkdir -p /run/systemd/journal
journald_run journald-stopped \
	"'$NETPEER' listen unix /run/systemd/journal/socket 0 -t 0.1 2>/dev/null; [ -S /run/systemd/journal/socket ]"
lost=$(out_stat journald-stopped journald discarded)
queued=$(out_stat journald-stopped journald queued)
[ "${lost:-1}" = 0 ] && [ "${queued:-0}" -gt 0 ]
ok $? "journald-stopped: entries journald refuses wait in the queue (${queued:-none} queued, ${lost:-none} discarded)"
grep -q "journald does not take entries" "$WORK/journald-stopped.err"
ok $? "journald-stopped: the agent says journald does not take entries"

# No journald socket at all: libsystemd's sd_journal_sendv() returns 0 when
# the socket does not exist, so the entries cannot be told from sent ones.
journald_run journald-absent true
diag "note: no journald socket: $(out_stat journald-absent journald sent) entries counted as sent," \
	"$(out_stat journald-absent journald discarded) as discarded (libsystemd ignores ENOENT)"
done_testing
