#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# journald end to end: this test starts systemd-journald itself, in a
# private mount namespace (its sockets and volatile journal on tmpfs, so
# the host's /run is untouched), runs the agent against veth traffic, reads
# the entries back with `journalctl -o json` and checks every field of every
# event; `journalctl -t hyperion HYPERION_EVENT=DROP` finds exactly the
# drops, and `journalctl -x` explains them from the catalog.
. "$(dirname "$0")/../lib/mntns.sh"
. "$(dirname "$0")/lib.sh"

JOURNALD=/lib/systemd/systemd-journald
[ -x "$JOURNALD" ] || skip_all "systemd-journald is not installed"
command -v jq >/dev/null || skip_all "jq is not installed"

# journald's world in this namespace only
for d in /run/systemd/journal /run/log /var/lib/systemd/catalog /usr/lib/systemd/catalog; do
	tmpfs_at "$d" || { echo "Bail out! cannot mount $d"; exit 1; }
done
mkdir -p "$WORK/etc"
printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\nReadKMsg=no\nForwardToSyslog=no\n' \
	>"$WORK/etc/journald.conf"
mount --bind "$WORK/etc/journald.conf" /etc/systemd/journald.conf
cp "$TOP/conf/hyperion.catalog" /usr/lib/systemd/catalog/ && journalctl --update-catalog
ok $? "the catalog compiles (journalctl --update-catalog)"

setup_net || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
"$JOURNALD" &
JOURNALD_PID=$!
PIDS="$PIDS $JOURNALD_PID"
for _ in $(seq 100); do
	[ -S /run/systemd/journal/socket ] && break
	sleep 0.05
done
[ -S /run/systemd/journal/socket ]
ok $? "systemd-journald started"

cat >"$WORK/conf.yaml" <<EOF
$(conf_head all)
events:
  accept: new-flow
  rate_limit:
    rate: 0
outputs:
  console:
    enabled: false
  journald:
    enabled: true
EOF
check "agent starts with the journald output" start_agent "$WORK/conf.yaml"
bg b "$NETPEER" listen udp 198.18.0.2 9000 -o /dev/null
sleep 0.2
send() { in_a "$NETPEER" send udp 198.18.0.2 9000 "$@" 2>/dev/null; }
send "fine %n" -n 3
send "a hack %n" -n 10
send "x<\\x0a\"]\\\\\\x00\\xff=y" -n 1
send "peek" -n 1
sleep 1
stop_agent
ok "$AGENT_STATUS" "agent stops"

J=$WORK/journal.json
journalctl -o json -t hyperion --no-pager >"$J"
[ "$(wc -l <"$J")" = 25 ]
ok $? "25 entries: 11 SIG_MATCH + 11 DROP, 1 alert SIG_MATCH, 2 ACCEPT (flows with a passed packet)"
jq -e -s --arg ifb "$IF_B" 'all(.[];
	.SYSLOG_IDENTIFIER == "hyperion" and
	.HYPERION_SRC_ADDR == "198.18.0.1" and .HYPERION_DST_ADDR == "198.18.0.2" and
	.HYPERION_DST_PORT == "9000" and (.HYPERION_SRC_PORT | test("^[0-9]+$")) and
	.HYPERION_PROTOCOL == "UDP" and .HYPERION_PROTOCOL_NUMBER == "17" and
	.HYPERION_INTERFACE == $ifb and (.HYPERION_KTIME_NS | test("^[0-9]+$")) and
	(.HYPERION_TIME | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$")) and
	(. as $e | $e.MESSAGE | test("^\\[[0-9: -]{19}\\] " + $e.HYPERION_EVENT + " 198\\.18\\.0\\.1:" +
		$e.HYPERION_SRC_PORT + " -> 198\\.18\\.0\\.2:9000 UDP")))' "$J" >/dev/null
ok $? "every entry: addresses, ports, protocol name and number, interface, ktime, RFC 3339 time, MESSAGE"
jq -e -s 'all(.[];
	(.HYPERION_EVENT == "ACCEPT" and .PRIORITY == "6" and
	 .MESSAGE_ID == "00e5fed29c264e00a736674eaace6932" and (has("HYPERION_SIGNATURE") | not)) or
	(.HYPERION_EVENT == "DROP" and .PRIORITY == "5" and .MESSAGE_ID == "db4ccac0957340509d1e27b1273bdade") or
	(.HYPERION_EVENT == "SIG_MATCH" and .PRIORITY == "4" and
	 .MESSAGE_ID == "d8b8201bb9f54e028fdeced90b59b357"))' "$J" >/dev/null
ok $? "PRIORITY and MESSAGE_ID by type (ACCEPT 6, DROP 5, SIG_MATCH 4)"
jq -e -s 'map(select(.HYPERION_RULE == "hack")) | length == 20 and all(.HYPERION_SIGNATURE == "hack" and
	.HYPERION_SIGNATURE_HEX == "6861636b" and .HYPERION_ACTION == "drop")' "$J" >/dev/null
ok $? "signature text, hex, rule and action of the drops"
jq -e -s 'map(select(.HYPERION_RULE == "hostile")) | length == 2 and
	all(.HYPERION_SIGNATURE == "<\\x0a\\\"]\\\\\\x00\\xff=" and .HYPERION_SIGNATURE_HEX == "3c0a225d5c00ff3d")' \
	"$J" >/dev/null
ok $? "hostile bytes (newline, quote, ], backslash, NUL, 0xff) stay one escaped field value"
jq -e -s 'map(select(.HYPERION_RULE == "peek")) | length == 1 and .[0].HYPERION_EVENT == "SIG_MATCH" and
	.[0].HYPERION_ACTION == "alert"' "$J" >/dev/null
ok $? "alert rule: one SIG_MATCH with action alert"
jq -r '.HYPERION_SEQ' "$J" | awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 } END { exit bad }'
ok $? "HYPERION_SEQ counts every entry, no gap"
[ "$(journalctl -t hyperion HYPERION_EVENT=DROP -o cat --no-pager | grep -c ' DROP ')" = 11 ] &&
	[ "$(journalctl -t hyperion HYPERION_EVENT=DROP -o cat --no-pager | wc -l)" = 11 ]
ok $? "journalctl -t hyperion HYPERION_EVENT=DROP finds exactly the 11 drops"
journalctl -x -t hyperion HYPERION_EVENT=DROP --no-pager | grep -q "Subject: Hyperion dropped a packet carrying signature hack"
ok $? "journalctl -x explains a DROP from the installed catalog"
! grep -q '[^[:print:]]' "$J"
ok $? "nothing but printable ASCII in the journal entries"

# journald away: the entries wait in the queue and reach the journal once
# it is back; none is counted lost
check "agent starts again" start_agent "$WORK/conf.yaml"
kill "$JOURNALD_PID" # ours only: the host may have its own
wait "$JOURNALD_PID" 2>/dev/null
sleep 0.3
before=$(journalctl -t hyperion HYPERION_EVENT=DROP -o cat --no-pager | wc -l)
send "a hack %n" -n 20
sleep 1
"$JOURNALD" &
PIDS="$PIDS $!"
for _ in $(seq 60); do # the backoff runs out, the queue drains
	[ "$(journalctl -t hyperion HYPERION_EVENT=DROP -o cat --no-pager | wc -l)" -ge $((before + 20)) ] && break
	sleep 0.1
done
after=$(journalctl -t hyperion HYPERION_EVENT=DROP -o cat --no-pager | wc -l)
"$HYPERION" stats --json >"$WORK/stats.json"
lost=$(jq '.events.journald.discarded' "$WORK/stats.json")
stop_agent
[ "$after" = $((before + 20)) ]
ok $? "the 20 drops sent while journald was away reach the journal ($((after - before)))"
[ "$lost" = 0 ]
ok $? "none of its entries is counted lost ($lost)"
done_testing
