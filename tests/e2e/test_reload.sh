#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Reload under continuous traffic: a sender keeps sending datagrams with
# signature A, another with signature B, while the configuration is
# reloaded again and again (A kept, B added and removed, one invalid file
# in between). Not one A datagram may arrive; B is dropped exactly while it
# is configured.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || skip_all "jq is not installed"
setup_net || { echo "Bail out! cannot create namespaces and veth"; exit 1; }

conf() { # conf WITH_B
	{
		printf 'interfaces:\n  - name: %s\nsignatures:\n' "$IF_B"
		printf '  - name: sig-a\n    pattern: "AAAAhack"\n'
		[ "$1" = 1 ] && printf '  - name: sig-b\n    pattern: "BBBBhack"\n'
		printf 'events:\n  accept: "off"\n'
	} >"$WORK/conf.yaml.new"
	mv "$WORK/conf.yaml.new" "$WORK/conf.yaml"
}

now_ns() { date +%s%N; }
# reload: SIGHUP and wait for the agent to report the outcome; prints the
# time at which the outcome was seen.
reload() {
	local want=$1
	kill -HUP "$AGENT_PID"
	local i=0
	while [ "$(grep -c "$want" "$WORK/agent.err")" -lt "$2" ] && [ $i -lt 400 ]; do
		sleep 0.01
		i=$((i + 1))
	done
	now_ns
}

conf 0
check "agent starts with signature A" start_agent "$WORK/conf.yaml"
bg b "$NETPEER" listen udp 198.18.0.2 9000 -o "$WORK/rx"
sleep 0.2
bg a "$NETPEER" send udp 198.18.0.2 9000 "A-%n-AAAAhack" -n 0 -r 2000 -t 30 2>"$WORK/send_a.err"
SEND_A=$LAST_PID
bg a "$NETPEER" send udp 198.18.0.2 9000 "B-%n-BBBBhack" -n 0 -r 2000 -t 30
SEND_B=$LAST_PID
sleep 0.5

# windows during which B must not arrive: [reload seen done, next SIGHUP]
: >"$WORK/b-windows"
ok_reloads=0
for round in 1 2 3; do
	conf 1
	ok_reloads=$((ok_reloads + 1))
	t_on=$(reload "reloaded" $ok_reloads)
	sleep 0.4
	t_off=$(now_ns)
	echo "$t_on $t_off" >>"$WORK/b-windows"
	if [ $round = 2 ]; then
		echo "signatures: [ {name: broken, pattern: ''} ]" >"$WORK/conf.yaml"
		reload "reload refused" 1 >/dev/null
		sleep 0.3 # the B rule stays: this is still a B window
		t_off=$(now_ns)
		echo "$t_on $t_off" >>"$WORK/b-windows"
	fi
	conf 0
	ok_reloads=$((ok_reloads + 1))
	reload "reloaded" $ok_reloads >/dev/null
	sleep 0.4
done
kill "$SEND_A" "$SEND_B" 2>/dev/null
wait "$SEND_A" "$SEND_B" 2>/dev/null
sleep 0.3

a_rx=$(grep -c 'AAAAhack' "$WORK/rx")
b_rx=$(grep -c 'BBBBhack' "$WORK/rx")
reloads=$(grep -c "reloaded\|reload refused" "$WORK/agent.err")
[ "$a_rx" = 0 ]
ok $? "not one A datagram arrived during $reloads reloads (A arrived: $a_rx)"
grep -q "reload refused" "$WORK/agent.err"
ok $? "the invalid file was refused and logged"
[ "$(grep -c 'reloaded' "$WORK/agent.err")" = $ok_reloads ]
ok $? "every valid reload was applied ($ok_reloads)"
in_window=0
while read -r t0 t1; do
	n=$(awk -v a="$t0" -v b="$t1" '$2 ~ /BBBBhack/ && $1 >= a && $1 <= b' "$WORK/rx" | wc -l)
	in_window=$((in_window + n))
done <"$WORK/b-windows"
[ "$in_window" = 0 ]
ok $? "no B datagram arrived while B was configured ($in_window)"
[ "$b_rx" -gt 100 ]
ok $? "B datagrams arrive while B is not configured ($b_rx)"
sent_a=$(awk '/sent/ { print $3 }' "$WORK/send_a.err")
hits_a=$("$HYPERION" stats --json | jq '.interfaces[].signatures["sig-a"]')
[ -n "$sent_a" ] && [ "$hits_a" = "$sent_a" ]
ok $? "sig-a's hit counter survived every reload: $hits_a hits for $sent_a A datagrams sent"
grep "reloaded" "$WORK/agent.err" | sed 's/^/# /' | tail -2
stop_agent
ok $? "agent stops"
[ "$AGENT_STATUS" = 0 ]
ok $? "exit status 0"
done_testing
