#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# RFC 5424 to a real rsyslogd, started by this test in the receiving
# namespace with only its RFC 5424 parser (rsyslog.rfc5424) and
# mmpstrucdata writing JSON: every header field and every SD parameter of
# every event, over UDP, octet-counted TCP and a unix datagram socket;
# hostile signature bytes; the receiver killed mid-stream and restarted;
# the receiver away when the agent starts.
. "$(dirname "$0")/lib.sh"

command -v rsyslogd >/dev/null || skip_all "rsyslogd is not installed"
command -v jq >/dev/null || skip_all "jq is not installed"
setup_net || { echo "Bail out! cannot create namespaces and veth"; exit 1; }

RS=$WORK/rsyslog
mkdir -p "$RS"
cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS" maxMessageSize="8k")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
module(load="mmpstrucdata")
template(name="json" type="list" option.jsonf="on") {
	property(outname="raw" name="rawmsg" format="jsonf")
	property(outname="pri" name="pri" format="jsonf")
	property(outname="version" name="protocol-version" format="jsonf")
	property(outname="hostname" name="hostname" format="jsonf")
	property(outname="app" name="app-name" format="jsonf")
	property(outname="procid" name="procid" format="jsonf")
	property(outname="msgid" name="msgid" format="jsonf")
	property(outname="sd" name="\$!rfc5424-sd" format="jsonf")
	property(outname="msg" name="msg" format="jsonf")
}
ruleset(name="in" parser="rsyslog.rfc5424") {
	action(type="mmpstrucdata")
	action(type="omfile" file="$RS/out.json" template="json")
}
input(type="imudp" address="127.0.0.1" port="5514" ruleset="in" rcvbufSize="8m")
input(type="imtcp" address="127.0.0.1" port="5515" ruleset="in")
input(type="imuxsock" Socket="$RS/log.sock" ruleset="in" useSpecialParser="off"
      parseHostname="on" CreatePath="on")
EOF

start_rsyslog() {
	bg b rsyslogd -n -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid"
	RSYSLOG_PID=$LAST_PID
	for _ in $(seq 100); do
		in_b ss -ltn 2>/dev/null | grep -q ':5515 ' && [ -S "$RS/log.sock" ] && return 0
		sleep 0.05
	done
	return 1
}
stop_rsyslog() {
	kill "$RSYSLOG_PID" 2>/dev/null
	wait "$RSYSLOG_PID" 2>/dev/null
}

agent_conf() { # agent_conf TRANSPORT TARGET [QUEUE]
	cat >"$WORK/conf.yaml" <<EOF
$(conf_head all)
outputs:
  console:
    enabled: false
  syslog:
    enabled: true
    transport: $1
    target: "$2"
    facility: local3
    hostname: sensor-1
    enterprise_id: 99999
    queue_size: ${3:-10000}
events:
  rate_limit:
    rate: 0
EOF
}

send() { in_a "$NETPEER" send udp 198.18.0.2 9000 "$@" 2>/dev/null; }

# rsyslog's jsonf writes the structured data as a JSON string: parse it.
SD='def sd: (.sd | fromjson); def p: sd["hyperion@99999"];'
jqs() { jq -e -s "$SD $1" "$2" >/dev/null; }

# check_messages N LABEL: the JSON lines written since the mark are the
# SIG_MATCH/DROP pairs of N "hack" datagrams, one hostile pair and one
# alert, every field checked.
check_messages() {
	local n=$1 label=$2
	local out=$WORK/$label.json
	tail -n +"$((MARK + 1))" "$RS/out.json" >"$out"
	MARK=$(wc -l <"$RS/out.json")
	[ "$(wc -l <"$out")" = $((2 * n + 3)) ]
	ok $? "$label: $((2 * n + 3)) messages received ($(wc -l <"$out"))"
	jq -e -s --arg ifb "$IF_B" "$SD"' all(.[];
		.version == "1" and .hostname == "sensor-1" and .app == "hyperion" and
		(.procid | test("^[0-9]+$")) and
		(.raw | test("^<[0-9]+>1 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z ")) and
		(p as $p | $p.src == "198.18.0.1" and $p.dst == "198.18.0.2" and
			$p.dport == "9000" and ($p.sport | test("^[0-9]+$")) and $p.proto == "UDP" and
			$p.protonum == "17" and $p.iface == $ifb and ($p.ktime | test("^[0-9]+$")) and
			($p.time | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$")) and $p.type == .msgid) and
		(.msg | test("^\\[[0-9: -]{19}\\] (SIG_MATCH|DROP) 198\\.18\\.0\\.1:[0-9]+ -> 198\\.18\\.0\\.2:9000 UDP sig=")))' \
		"$out" >/dev/null
	ok $? "$label: header (<PRI>1, 6-digit UTC time, host, app, procid, msgid) and SD of every message"
	jqs 'map(select(p.rule == "hack")) | length == 2 * '"$n"' and
		(map(select(.msgid == "DROP")) | all(.pri == "157" and p.action == "drop" and
			p.sig == "hack" and p.sighex == "6861636b")) and
		(map(select(.msgid == "SIG_MATCH")) | all(.pri == "156"))' "$out"
	ok $? "$label: DROP local3.notice (157), SIG_MATCH local3.warning (156), sig, sighex, rule, action"
	jqs 'map(select(p.rule == "hostile")) | length == 2 and
		all(p.sig == "<\\x0a\\\"]\\\\\\x00\\xff=" and p.sighex == "3c0a225d5c00ff3d")' "$out"
	ok $? "$label: hostile bytes (newline, quote, ], backslash, NUL, 0xff) arrive escaped in one SD value"
	jqs 'map(select(p.rule == "peek")) | length == 1 and
		.[0].msgid == "SIG_MATCH" and (.[0] | p.action) == "alert"' "$out"
	ok $? "$label: alert rule reported as SIG_MATCH with action alert"
	jq -r "$SD"' sd.meta.sequenceid' "$out" | awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 } END { exit bad }'
	ok $? "$label: meta sequenceId has no gap"
	! grep -q '[^[:print:]]' "$out"
	ok $? "$label: nothing but printable ASCII reached the receiver"
}

traffic() {
	send "a hack %n" -n "$1"
	send "x<\\x0a\"]\\\\\\x00\\xff=y" -n 1
	send "peek" -n 1
	sleep 1
}

check "rsyslogd starts (RFC 5424 parser, mmpstrucdata)" start_rsyslog
bg b "$NETPEER" listen udp 198.18.0.2 9000 -o /dev/null
MARK=0
for transport in udp tcp unix; do
	case $transport in
	udp) target=127.0.0.1:5514 ;;
	tcp) target=127.0.0.1:5515 ;;
	unix) target=$RS/log.sock ;;
	esac
	agent_conf $transport "$target"
	check "$transport: agent starts" start_agent "$WORK/conf.yaml"
	traffic 20
	stop_agent
	check_messages 20 "$transport"
done

# The receiver killed mid-stream and restarted (TCP): the loop keeps
# going, the discarded messages are counted and reported once it is back.
agent_conf tcp 127.0.0.1:5515 64
check "tcp (queue 64): agent starts" start_agent "$WORK/conf.yaml"
send "a hack %n" -n 10
sleep 0.5
stop_rsyslog
send "a hack %n" -n 500 -r 2000
sleep 0.5
"$HYPERION" stats --json >"$WORK/down.json" 2>/dev/null
ok $? "stats answers while the receiver is down"
check "rsyslogd restarts" start_rsyslog
sleep 3 # backoff, reconnect, then the loss report
send "a hack %n" -n 10
sleep 1.5
"$HYPERION" stats --json >"$WORK/after.json"
lost=$(jq '.events.syslog.discarded' "$WORK/after.json")
[ "$lost" -gt 0 ]
ok $? "messages discarded while the receiver was away are counted ($lost)"
reported=$(jq -s "$SD"' [.[] | select(.msgid == "LOSS" and p.source == "syslog") |
	p.lost | tonumber] | add // 0' "$RS/out.json")
[ "$reported" -gt 0 ] && [ "$reported" -le "$lost" ]
ok $? "a LOSS message reports them ($reported) to the receiver once it is back"
tail -n 5 "$RS/out.json" | jqs 'any(p.rule == "hack")' -
ok $? "delivery resumes after the restart"
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$AGENT_PID/status")
[ "$rss" -lt 65536 ]
ok $? "agent memory stays bounded (RSS ${rss} kB)"
stop_agent
[ "$AGENT_STATUS" = 0 ]
ok $? "agent exits 0"

# The receiver away when the agent starts (TCP): the messages wait in the
# queue, and all of them arrive once it is back; none is counted lost.
stop_rsyslog
agent_conf tcp 127.0.0.1:5515 1000
check "tcp, receiver away: agent starts" start_agent "$WORK/conf.yaml"
MARK=$(wc -l <"$RS/out.json")
send "a hack %n" -n 50
sleep 1
check "rsyslogd comes back" start_rsyslog
held() { tail -n +"$((MARK + 1))" "$RS/out.json" | jq -s "$SD"' map(select(p.rule == "hack")) | length'; }
for _ in $(seq 80); do # the backoff runs out (0.1, 0.2, 0.4 ... s), the queue drains
	[ "$(held)" -ge 100 ] && break
	sleep 0.1
done
n=$(held)
[ "$n" = 100 ]
ok $? "the 100 messages queued while the receiver was away all arrive ($n)"
"$HYPERION" stats --json >"$WORK/away.json"
[ "$(jq '.events.syslog.discarded' "$WORK/away.json")" = 0 ]
ok $? "none of them is counted lost"
stop_agent
stop_rsyslog
done_testing
