#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The telemetry pipeline, measured:
#  1. events per second the agent delivers to UDP syslog, TCP syslog and
#     journald while saturated, against the raw loop (rawsend) that sends
#     the same messages through the same API in the same run, with the
#     agent's CPU per 1000 events and the accounting;
#  2. UDP to a real rsyslogd at a fixed offered rate: lossless or not;
#  3. the pipeline users run today: iptables -m string + NFLOG + ulogd2
#     writing JSON, at increasing rates: where it stops being lossless;
#  4. reload time for 100, 1000 and 10,000 signatures; agent RSS idle and
#     under flood.
# Writes CSV lines to $1 (default stdout) and prints a readable summary.
if [ -z "${HYP_IN_MNTNS:-}" ] && [ "$(id -u)" -eq 0 ]; then
	HYP_IN_MNTNS=1 exec unshare --mount --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../e2e/lib.sh"
CSV=${1:-/dev/stdout}
RAWSEND=$BUILD/bench/rawsend
PPS=$BUILD/bench/bench_pps
echo "section,case,value,unit,detail" >"$CSV"
out() { echo "$1,$2,$3,$4,$5" >>"$CSV"; printf '%-10s %-34s %12s %-10s %s\n' "$@"; }

setup_net || exit 1
# journald and rsyslog of our own, as in the e2e tests
for d in /run/systemd/journal /run/log; do mkdir -p "$d" && mount -t tmpfs tmpfs "$d"; done
printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\nReadKMsg=no\nForwardToSyslog=no\nRuntimeMaxUse=64M\n' \
	>"$WORK/journald.conf"
mount --bind "$WORK/journald.conf" /etc/systemd/journald.conf
/lib/systemd/systemd-journald &
PIDS="$PIDS $!"

agent_conf() { # agent_conf OUTPUT-YAML
	cat >"$WORK/conf.yaml" <<EOF
interfaces:
  - name: $IF_B
signatures:
  - name: hack
    pattern: "hack"
events:
  rate_limit:
    rate: 0
outputs:
  console:
    enabled: false
$1
EOF
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
stat_json() { "$HYPERION" stats --json 2>/dev/null; }

# 1. saturated pipeline vs the raw loop, per transport
saturate() { # saturate NAME OUTPUT-YAML
	local name=$1 s0 s1 c0 c1 t=4
	agent_conf "$2"
	start_agent "$WORK/conf.yaml" || return
	"$PPS" --send "$NS_A" "$IF_A" 128 1 &
	local sender=$!
	sleep 1
	s0=$(stat_json | jq ".events.$3.sent")
	c0=$(cpu_ticks "$AGENT_PID")
	sleep $t
	s1=$(stat_json | jq ".events.$3.sent")
	c1=$(cpu_ticks "$AGENT_PID")
	kill "$sender"
	wait "$sender" 2>/dev/null
	sleep 2
	local rate=$(((s1 - s0) / t)) cpu
	cpu=$(awk -v c=$((c1 - c0)) -v n=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.0f", c / hz * 1e6 / (n / 1000) }')
	local acc
	acc=$(stat_json | jq -r '.events | "generated \(.generated) delivered \(.delivered) suppressed \(.suppressed) lost \(.lost)"')
	stop_agent
	out pipeline "$name agent" "$rate" events/s "cpu ${cpu} us/1000 events; $acc"
	AGENT_RATE=$rate
}
raw() { # raw NAME ARGS...
	local name=$1 line
	shift
	line=$(in_b "$RAWSEND" "$@" 3)
	local rate
	rate=$(echo "$line" | awk '{ print $6 }')
	out pipeline "$name raw loop" "$rate" msgs/s "cpu $(echo "$line" | awk '{ print $8 }') us/1000"
	out pipeline "$name agent/raw" "$(awk -v a="$AGENT_RATE" -v r="$rate" 'BEGIN { printf "%.2f", a / r }')" \
		ratio "target >= 0.90"
}

bg b "$NETPEER" listen udp 127.0.0.1 5514 -o /dev/null
bg b "$NETPEER" listen tcp 127.0.0.1 5515 -o /dev/null
sleep 0.3
saturate "udp syslog" "  syslog: {enabled: true, transport: udp, target: \"127.0.0.1:5514\"}" syslog
raw "udp syslog" udp 127.0.0.1 5514
saturate "tcp syslog" "  syslog: {enabled: true, transport: tcp, target: \"127.0.0.1:5515\"}" syslog
raw "tcp syslog" tcp 127.0.0.1 5515
saturate "journald" "  journald: {enabled: true}" journald
raw "journald" journald - -

# 2. UDP to rsyslogd at a fixed rate: 100k packets/s = 200k events/s
RS=$WORK/rs
mkdir -p "$RS"
cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS" maxMessageSize="8k")
module(load="imudp" threads="1")
ruleset(name="in" parser="rsyslog.rfc5424") { action(type="omfile" file="$RS/out.log") }
input(type="imudp" address="127.0.0.1" port="5516" ruleset="in" rcvbufSize="8m")
EOF
bg b rsyslogd -n -f "$RS/rsyslog.conf" -i "$RS/pid"
sleep 1
for pps in 50000 100000 150000; do
	agent_conf "  syslog: {enabled: true, transport: udp, target: \"127.0.0.1:5516\", queue_size: 100000}"
	start_agent "$WORK/conf.yaml" || break
	: >"$RS/out.log"
	in_a "$NETPEER" send udp 198.18.0.2 9000 "a hack %n" -n $((pps * 3)) -r $pps 2>/dev/null
	sleep 3
	j=$(stat_json)
	stop_agent
	got=$(wc -l <"$RS/out.log")
	gen=$(echo "$j" | jq '.events.generated')
	lost=$(echo "$j" | jq '.events.lost + .events.syslog.discarded')
	out rsyslog "udp offered $((2 * pps)) events/s" "$got" received \
		"generated $gen; lost in agent $lost; lost at rsyslog $((gen - lost - got))"
done

# 3. iptables -m string + NFLOG + ulogd2 (JSON)
if command -v ulogd >/dev/null; then
	cat >"$WORK/ulogd.conf" <<EOF
[global]
logfile="$WORK/ulogd.log"
loglevel=5
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_inppkt_NFLOG.so"
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_raw2packet_BASE.so"
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_filter_IFINDEX.so"
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_filter_IP2STR.so"
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_output_JSON.so"
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,json1:JSON
[log1]
group=7
[json1]
file="$WORK/ulogd.json"
sync=0
EOF
	in_b iptables -A INPUT -p udp -m string --algo bm --string hack -j NFLOG --nflog-group 7
	in_b iptables -A INPUT -p udp -m string --algo bm --string hack -j DROP
	bg b ulogd -c "$WORK/ulogd.conf"
	ULOGD=$LAST_PID
	sleep 1
	for pps in 25000 50000 100000 200000; do
		: >"$WORK/ulogd.json"
		in_b iptables -Z INPUT
		in_a "$NETPEER" send udp 198.18.0.2 9000 "a hack %n" -n $((pps * 3)) -r $pps 2>/dev/null
		sleep 2
		matched=$(in_b iptables -L INPUT -v -x -n | awk '/NFLOG/ { print $1 }')
		logged=$(wc -l <"$WORK/ulogd.json")
		out ulogd2 "offered $pps events/s" "$logged" logged "matched $matched; lost silently $((matched - logged))"
	done
	kill "$ULOGD"
	in_b iptables -F INPUT
fi

# 4. reload time and memory
for n in 100 1000 10000; do
	{
		printf 'interfaces:\n  - name: %s\nsignatures:\n' "$IF_B"
		for i in $(seq 1 "$n"); do
			printf '  - name: s%d\n    hex: "%08x"\n' "$i" $(((i * 2654435761) % 4294967296 | 1))
		done
		printf 'outputs:\n  console: {enabled: false}\n'
	} >"$WORK/conf.yaml"
	start_agent "$WORK/conf.yaml" || continue
	[ "$n" = 100 ] && out memory "agent RSS idle ($n signatures)" "$(awk '/VmRSS/ { print $2 }' "/proc/$AGENT_PID/status")" kB ""
	for _ in 1 2 3; do kill -HUP "$AGENT_PID"; sleep 0.5; done
	ms=$(grep -o 'in [0-9.]* ms' "$WORK/agent.err" | awk '{ print $2 }' | sort -n | sed -n 2p)
	if [ "$n" = 10000 ]; then
		"$PPS" --send "$NS_A" "$IF_A" 128 0 &
		sender=$!
		sleep 2
		out memory "agent RSS under flood" "$(awk '/VmRSS/ { print $2 }' "/proc/$AGENT_PID/status")" kB "10000 signatures"
		kill "$sender"
		wait "$sender" 2>/dev/null
	fi
	stop_agent
	out reload "$n signatures" "$ms" ms "median of 3 from SIGHUP to installed; target < 100 ms at 10000"
done
