#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The agent end to end over veth between two namespaces: real TCP and UDP
# traffic from sockets, the console lines, alert-only rules, stats, and
# SIGTERM leaving no XDP program behind.
. "$(dirname "$0")/lib.sh"

setup_net || { echo "Bail out! cannot create namespaces and veth"; exit 1; }

cat >"$WORK/conf.yaml" <<EOF
interfaces:
  - name: $IF_B
    mode: native
signatures:
  - name: hack
    pattern: "hack"
  - name: look-only
    pattern: "watchme"
    action: alert
  - name: udp-only
    pattern: "\\x00evil\\xff"
    protocol: udp
    ports: [9000]
events:
  accept: new-flow
EOF

# systemd's notify protocol, on a socket of our own
bg b "$NETPEER" listen unix "$WORK/notify" 0 -o "$WORK/notify.rx"
sleep 0.2
export NOTIFY_SOCKET=$WORK/notify WATCHDOG_USEC=1000000
check "agent starts and reports running" start_agent "$WORK/conf.yaml"
unset NOTIFY_SOCKET WATCHDOG_USEC
check "XDP program attached to the receiving veth" xdp_attached
grep -q "XDP attached in native mode" "$WORK/agent.err"
ok $? "native mode on veth"

bg b "$NETPEER" listen udp 198.18.0.2 9000 -o "$WORK/udp.rx"
bg b "$NETPEER" listen udp 198.18.0.2 9001 -o "$WORK/udp9001.rx"
bg b "$NETPEER" listen tcp 198.18.0.2 8080 -o "$WORK/tcp.rx"
sleep 0.3

in_a "$NETPEER" send udp 198.18.0.2 9000 "benign udp %n" -n 5 2>/dev/null
in_a "$NETPEER" send udp 198.18.0.2 9000 "a hack in udp %n" -n 7 2>/dev/null
in_a "$NETPEER" send udp 198.18.0.2 9000 "watchme %n" -n 3 2>/dev/null
in_a "$NETPEER" send udp 198.18.0.2 9000 "x\\x00evil\\xffy" -n 2 2>/dev/null
in_a "$NETPEER" send udp 198.18.0.2 9001 "x\\x00evil\\xffy" -n 1 2>/dev/null
in_a "$NETPEER" send tcp 198.18.0.2 8080 "benign tcp request" -n 1 2>/dev/null
in_a timeout 3 "$NETPEER" send tcp 198.18.0.2 8080 "GET /hack HTTP/1.0" -n 1 2>/dev/null
sleep 0.5

rx() { grep -c -- "$1" "$2" 2>/dev/null; }
[ "$(rx 'benign udp' "$WORK/udp.rx")" = 5 ]
ok $? "benign UDP datagrams arrive (5 of 5)"
[ "$(rx 'hack' "$WORK/udp.rx")" = 0 ]
ok $? "UDP datagrams with a signature do not arrive (0 of 7)"
[ "$(rx 'watchme' "$WORK/udp.rx")" = 3 ]
ok $? "alert-only rule lets its datagrams through (3 of 3)"
[ "$(rx 'evil' "$WORK/udp.rx")" = 0 ] && [ "$(rx 'evil' "$WORK/udp9001.rx")" = 1 ]
ok $? "port-scoped binary signature: dropped on port 9000, passed on 9001"
[ "$(rx 'benign tcp request' "$WORK/tcp.rx")" = 1 ]
ok $? "benign TCP payload arrives"
[ "$(rx 'hack' "$WORK/tcp.rx")" = 0 ]
ok $? "TCP payload with a signature does not arrive"

out=$WORK/agent.out
ts='^\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\]'
udp_drop="$ts DROP 198\.18\.0\.1:[0-9]+ -> 198\.18\.0\.2:9000 UDP sig=\"hack\"$"
udp_match="$ts SIG_MATCH 198\.18\.0\.1:[0-9]+ -> 198\.18\.0\.2:9000 UDP sig=\"hack\"$"
[ "$(grep -cE "$udp_drop" "$out")" = 7 ] && [ "$(grep -cE "$udp_match" "$out")" = 7 ]
ok $? "7 SIG_MATCH and 7 DROP lines for the UDP drops, in the spec's format"
grep -E -A1 "SIG_MATCH .*9000 UDP sig=\"hack\"" "$out" | grep -qE "DROP .*9000 UDP sig=\"hack\""
ok $? "each SIG_MATCH is followed by its DROP"
[ "$(grep -cE "$ts SIG_MATCH 198\.18\.0\.1:[0-9]+ -> 198\.18\.0\.2:9000 UDP sig=\"watchme\"$" "$out")" = 3 ] &&
	! grep -qE "DROP .*sig=\"watchme\"" "$out"
ok $? "alert-only rule: SIG_MATCH lines, no DROP"
grep -qE "$ts DROP 198\.18\.0\.1:[0-9]+ -> 198\.18\.0\.2:9000 UDP sig=\"\\\\x00evil\\\\xff\"$" "$out"
ok $? "binary signature escaped in the line"
grep -qE "$ts DROP 198\.18\.0\.1:[0-9]+ -> 198\.18\.0\.2:8080 TCP sig=\"hack\"$" "$out"
ok $? "TCP drop line"
[ "$(grep -cE "$ts ACCEPT 198\.18\.0\.1:[0-9]+ -> 198\.18\.0\.2:9000 UDP$" "$out")" -ge 1 ]
ok $? "ACCEPT (new-flow) lines"
! grep -vqE "$ts (ACCEPT|DROP|SIG_MATCH) " "$out"
ok $? "every console line has the spec's shape"

"$HYPERION" stats --json >"$WORK/stats.json" 2>"$WORK/stats.err"
ok $? "hyperion stats --json runs"
json_num() { sed -n "s/.*\"$IF_B\":{\"counters\":{[^}]*\"$1\":\([0-9]*\).*/\1/p" "$WORK/stats.json"; }
json_hit() { sed -n "s/.*\"signatures\":{[^}]*\"$1\":\([0-9]*\).*/\1/p" "$WORK/stats.json"; }
[ "$(json_hit udp-only)" = 2 ] && [ "$(json_hit look-only)" = 3 ]
ok $? "stats: per-signature hits match the traffic (udp-only 2, look-only 3)"
[ "$(json_hit hack)" -ge 8 ]
ok $? "stats: hack hit by the 7 UDP datagrams and the TCP segment(s) ($(json_hit hack))"
[ "$(json_num alerts)" = 3 ] && [ "$(json_num telemetry_events_lost)" = 0 ]
ok $? "stats: 3 alerts, no event lost"
"$HYPERION" stats | grep -q "look-only"
ok $? "hyperion stats prints a table"

kill -HUP "$AGENT_PID"
wait_for "$WORK/agent.err" "reloaded" 5
sleep 1.2
stop_agent
[ "$AGENT_STATUS" = 0 ]
ok $? "SIGTERM: agent exits 0"
sleep 0.2
grep -q ' READY=1$' "$WORK/notify.rx" && grep -q ' WATCHDOG=1$' "$WORK/notify.rx" &&
	grep -q 'RELOADING=1\\x0aMONOTONIC_USEC=[0-9]*$' "$WORK/notify.rx" &&
	grep -q ' STOPPING=1$' "$WORK/notify.rx"
ok $? "sd_notify: READY=1, WATCHDOG=1 pings, RELOADING=1 with MONOTONIC_USEC, STOPPING=1"
[ "$(awk '{ print $2 }' "$WORK/notify.rx" | grep -n . | grep -E 'READY|RELOADING|STOPPING' |
	tr '\n' ' ' | sed 's/[0-9]*://g; s/\\x0aMONOTONIC_USEC=[0-9]*//')" = \
	"READY=1 RELOADING=1 READY=1 STOPPING=1 " ]
ok $? "sd_notify states in order: READY, RELOADING, READY, STOPPING"
! xdp_attached
ok $? "SIGTERM leaves no XDP program attached"
[ ! -e "/sys/fs/bpf/hyperion/$IF_B" ]
ok $? "SIGTERM removes the pins"

# Attaching fails on the second interface (someone else's XDP program is
# there): the first one is detached again, nothing is left, exit 1.
IF_C=hyc$ID
in_b ip link add "$IF_C" type veth peer name "hyd$ID" && in_b ip link set "$IF_C" up &&
	in_b ip link set dev "$IF_C" xdpgeneric obj "$BUILD/hyperion.bpf.o" sec xdp.frags
ok $? "another XDP program sits on a second interface"
sed -i "s/^  - name: $IF_B$/  - name: $IF_B\n  - name: $IF_C/" "$WORK/conf.yaml"
in_b "$HYPERION" run -c "$WORK/conf.yaml" >/dev/null 2>"$WORK/fail.err"
[ $? = 1 ]
ok $? "attach failure: exit status 1"
grep -q "$IF_C already has an XDP program that is not Hyperion's" "$WORK/fail.err"
ok $? "the error names the interface and says what to do"
! xdp_attached && [ ! -e "/sys/fs/bpf/hyperion/$IF_B" ]
ok $? "what was attached before the failure is undone, pins removed"
done_testing
