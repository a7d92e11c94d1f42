#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The telemetry pipeline, measured:
#  1. events per second the agent delivers to UDP syslog, TCP syslog and
#     journald while saturated, against the raw loop (rawsend) that sends
#     the same messages through the same API: interleaved windows (agent,
#     raw, agent, raw ...), the ratio of each pair, median and spread, with
#     the agent's CPU per 1000 events and its accounting. A flood runs
#     through all windows, so both see the same machine; during the raw
#     loop's windows the agent is stopped (SIGSTOP; the kernel counts what
#     the full ring refuses).
#  2. the agent to a real rsyslogd over UDP and over TCP (each as
#     installed, and with its ring reader real-time:
#     events.realtime_priority), and to a file (its console output), and
#  3. the pipeline users run today (iptables -m string + NFLOG + ulogd2
#     writing JSON to a file), on the same traffic, in
#     alternating sweeps of offered rates: each one's lossless rate (the
#     highest offered rate up to which nothing was lost: a rate that
#     happens to pass above a lossy one does not count), where the excess goes
#     (counted by the agent; silently dropped for ulogd2), and the ratio of
#     the lossless rates, per sweep.
#  4. reload time for 100, 1000 and 10,000 signatures; agent RSS idle and
#     under flood.
# Writes CSV lines to $1 (default stdout) and prints a readable summary.
# It reports, it does not judge: nothing here fails a test suite.
. "$(dirname "$0")/../lib/mntns.sh"
. "$(dirname "$0")/../e2e/lib.sh"
CSV=${1:-/dev/stdout}
RAWSEND=$BUILD/bench/rawsend
PPS=$BUILD/bench/bench_pps
ROUNDS=${TELEMETRY_ROUNDS:-5} # section 1
SWEEPS=${TELEMETRY_SWEEPS:-3} # sections 2 and 3
AGENT_RATES="150000 200000 250000 300000" # events/s: 2 per packet
TCP_RATES="200000 250000 300000 350000 400000"
FILE_RATES="200000 300000 400000 500000"
ULOGD_RATES="25000 40000 50000 60000 75000 100000" # events/s: 1 per packet
STEP_MS=1500				  # traffic per offered rate
echo "section,case,value,unit,detail" >"$CSV"
out() { echo "$1,$2,$3,$4,$5" >>"$CSV"; printf '%-10s %-34s %12s %-10s %s\n' "$@"; }

# median and "min..max" of the numbers on standard input
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo ".." hi }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

setup_net || exit 1
# journald and rsyslog of our own, as in the e2e tests
for d in /run/systemd/journal /run/log; do tmpfs_at "$d"; done
printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\nReadKMsg=no\nForwardToSyslog=no\nRuntimeMaxUse=64M\n' \
	>"$WORK/journald.conf"
mount --bind "$WORK/journald.conf" /etc/systemd/journald.conf
/lib/systemd/systemd-journald &
PIDS="$PIDS $!"

agent_conf() { # agent_conf OUTPUT-YAML
	cat >"$WORK/conf.yaml" <<EOF
$(conf_head)
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
accounting() { # the agent's books: generated = delivered + suppressed + lost
	stat_json | jq -r '.events | "generated \(.generated) delivered \(.delivered) suppressed \(.suppressed) lost \(.lost)" +
		(if .generated == .delivered + .suppressed + .lost then " (exact)" else " (MISMATCH)" end)'
}
# The first snapshot of the agent's books (it takes one a second) after
# AFTER_NS: "SENT UPDATED_NS" of OUTPUT.
stats_after() { # stats_after NS: the first of the agent's books published after NS
	local j
	while j=$(stat_json) && [ "$(echo "$j" | jq .events.updated_ns)" -le "$1" ]; do
		sleep 0.1
	done
	echo "$j"
}
fresh_stats() { stats_after "$(stat_json | jq .events.updated_ns)"; } # published from now on
snapshot() { # snapshot OUTPUT AFTER_NS
	stats_after "$2" | jq -r ".events.$1.sent, .events.updated_ns" | paste -sd' '
}

# 1. the saturated pipeline against the raw loop, interleaved
pipeline() { # pipeline NAME OUTPUT OUTPUT-YAML RAWSEND-ARGS...
	local name=$1 output=$2 yaml=$3 a r c0 c1 t0 t1 ticks=0 events=0 flood
	shift 3
	local agent_rates="" raw_rates="" ratios="" raw_cpu=""
	agent_conf "$yaml"
	start_agent "$WORK/conf.yaml" || { out pipeline "$name" 0 events/s "agent did not start"; return; }
	"$PPS" --send "$NS_A" "$IF_A" 128 1 &
	flood=$!
	for _ in $(seq "$ROUNDS"); do
		kill -CONT "$AGENT_PID"
		sleep 0.3
		read -r s0 u0 < <(snapshot "$output" "$(stat_json | jq .events.updated_ns)")
		c0=$(cpu_ticks "$AGENT_PID") t0=$(date +%s%N)
		sleep 0.9
		read -r s1 u1 < <(snapshot "$output" "$u0")
		c1=$(cpu_ticks "$AGENT_PID") t1=$(date +%s%N)
		kill -STOP "$AGENT_PID"
		a=$(awk -v n=$((s1 - s0)) -v t=$((u1 - u0)) 'BEGIN { printf "%.0f", n / t * 1e9 }')
		ticks=$((ticks + c1 - c0))
		events=$(awk -v e="$events" -v a="$a" -v t=$((t1 - t0)) 'BEGIN { printf "%.0f", e + a * t / 1e9 }')
		read -r r cpu < <(in_b "$RAWSEND" "$@" 1 "$IF_B" | awk '{ print $6, $8 }')
		agent_rates="$agent_rates $a" raw_rates="$raw_rates $r" raw_cpu="$raw_cpu $cpu"
		ratios="$ratios $(ratio "$a" "$r")"
	done
	kill "$flood"
	wait "$flood" 2>/dev/null
	kill -CONT "$AGENT_PID"
	sleep 1.5 # the queue drains, the books close
	local acc
	acc=$(accounting)
	stop_agent
	local cpu_agent
	cpu_agent=$(awk -v c="$ticks" -v n="$events" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.0f", n ? c / hz * 1e6 / (n / 1000) : 0 }')
	out pipeline "$name agent" "$(echo $agent_rates | tr ' ' '\n' | median)" events/s \
		"rounds:$agent_rates; cpu $cpu_agent us/1000 events; $acc"
	out pipeline "$name raw loop" "$(echo $raw_rates | tr ' ' '\n' | median)" msgs/s \
		"rounds:$raw_rates; cpu $(echo $raw_cpu | tr ' ' '\n' | median) us/1000"
	out pipeline "$name agent/raw" "$(echo $ratios | tr ' ' '\n' | median)" ratio \
		"median of $ROUNDS interleaved pairs; spread $(echo $ratios | tr ' ' '\n' | spread); target >= 0.90"
}

bg b "$NETPEER" listen udp 127.0.0.1 5514 -o /dev/null
bg b "$NETPEER" listen tcp 127.0.0.1 5515 -o /dev/null
sleep 0.3
pipeline "udp syslog" syslog "  syslog: {enabled: true, transport: udp, target: \"127.0.0.1:5514\"}" \
	udp 127.0.0.1 5514
pipeline "tcp syslog" syslog "  syslog: {enabled: true, transport: tcp, target: \"127.0.0.1:5515\"}" \
	tcp 127.0.0.1 5515
pipeline "journald" journald "  journald: {enabled: true}" journald - -

# 2 and 3: the same traffic (UDP packets carrying "hack") at offered rates
send_at() { # send_at PACKETS/S: STEP_MS of it; prints packets sent
	in_a "$NETPEER" send udp 198.18.0.2 9000 "a hack %n" -n $(($1 * STEP_MS / 1000)) -r "$1" 2>&1 |
		awk '/sent/ { print $3 }'
}
rcvbuf_errors() { in_b nstat -az UdpRcvbufErrors | awk '/UdpRcvbufErrors/ { print $2 }'; }
lines() { # lines FILE PID: what the daemon PID wrote to FILE since the last call
	local a=-1 b=0
	[ -e "$1" ] || { echo 0; return; }
	while b=$(stat -c %s "$1") && [ "$a" != "$b" ]; do # until it has written all
		a=$b
		sleep 0.2
	done
	mv "$1" "$1.step"
	kill -HUP "$2" # reopen: what it still holds goes to the moved file
	sleep 0.2
	wc -l <"$1.step"
	rm -f "$1.step"
}

RS=$WORK/rs
mkdir -p "$RS"
cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS" maxMessageSize="8k")
module(load="imudp" threads="1")
ruleset(name="in" parser="rsyslog.rfc5424") { action(type="omfile" file="$RS/out.log") }
input(type="imudp" address="127.0.0.1" port="5516" ruleset="in" rcvbufSize="8m")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="5517" ruleset="in")
EOF
bg b rsyslogd -n -f "$RS/rsyslog.conf" -i "$RS/pid"
RSYSLOG=$LAST_PID

d() { echo $(($(echo "$2" | jq "$3") - $(echo "$1" | jq "$3"))); } # d J0 J1 FIELD: its growth
# The lines of FILE, once it stops growing.
settled_lines() { # settled_lines FILE
	local a=-1 b=0
	while b=$(wc -l <"$1") && [ "$a" != "$b" ]; do
		a=$b
		sleep 0.2
	done
	echo "$b"
}

# One sweep of the agent, to rsyslogd over UDP (syslog) or TCP (syslog-tcp),
# each also with events.realtime_priority (KIND-rt), or to a file (console:
# its console output, like ulogd2's JSON file); prints its lossless rate.
agent_sweep() { # agent_sweep ROUND KIND RATES
	local best=0 lossy=0 j0 j1 e0 e1 sent gen kernel discarded recv silent out=syslog l0=0 l1 kind=$2
	case $kind in
	console) agent_conf "" && sed -i 's/enabled: false/enabled: true/' "$WORK/conf.yaml" && out=console ;;
	syslog-tcp*) agent_conf "  syslog: {enabled: true, transport: tcp, target: \"127.0.0.1:5517\", queue_size: 100000}" ;;
	*) agent_conf "  syslog: {enabled: true, transport: udp, target: \"127.0.0.1:5516\", queue_size: 100000}" ;;
	esac
	case $kind in *-rt) sed -i 's/^events:$/events:\n  realtime_priority: 10/' "$WORK/conf.yaml" ;; esac
	start_agent "$WORK/conf.yaml" >&2 || { echo 0; return; }
	# a refused real-time policy would measure the default setup: say so
	case $kind in *-rt) grep -q "SCHED_FIFO at priority 10" "$WORK/agent.err" ||
		echo "$kind $1" >>"$WORK/rt_refused" ;; esac
	[ "$out" = syslog ] && lines "$RS/out.log" "$RSYSLOG" >/dev/null
	for ev in $3; do
		j0=$(stat_json) e0=$(rcvbuf_errors)
		sent=$(send_at $((ev / 2)))
		sleep 1.2 # the queue drains and the next snapshot is taken
		if [ "$out" = syslog ]; then
			recv=$(lines "$RS/out.log" "$RSYSLOG")
			j1=$(fresh_stats)
		else
			# books newer than the lines, then the lines again: a LOSS
			# record written meanwhile is in both
			settled_lines "$WORK/agent.out" >/dev/null
			j1=$(fresh_stats)
			l1=$(settled_lines "$WORK/agent.out")
			recv=$((l1 - l0)) l0=$l1
		fi
		e1=$(rcvbuf_errors)
		gen=$(d "$j0" "$j1" .events.generated) kernel=$(d "$j0" "$j1" .events.lost)
		discarded=$(d "$j0" "$j1" ".events.$out.discarded")
		silent=$(($(d "$j0" "$j1" ".events.$out.sent") - recv)) # sent, never written
		# more lines than sent: a LOSS record written after the snapshot
		[ "$silent" -lt 0 ] && silent=0
		[ "$out" = syslog ] && [ "$silent" -lt $((e1 - e0)) ] && silent=$((e1 - e0))
		if [ "$gen" -eq $((2 * sent)) ] && [ "$kernel" -eq 0 ] && [ "$discarded" -eq 0 ] &&
			[ "$silent" -eq 0 ]; then
			[ "$lossy" = 0 ] && best=$ev
		else
			lossy=1
		fi
		echo "$kind $1 $ev $((2 * sent)) $gen $kernel $discarded $silent" >>"$WORK/sweeps"
	done
	stop_agent
	echo "$best"
}

ulogd_sweep() { # ulogd_sweep ROUND: prints its lossless rate
	local best=0 lossy=0 sent matched logged
	lines "$WORK/ulogd.json" "$ULOGD" >/dev/null
	for ev in $ULOGD_RATES; do
		in_b iptables -Z INPUT
		sent=$(send_at "$ev")
		sleep 1
		matched=$(in_b iptables -L INPUT -v -x -n | awk '/NFLOG/ { print $1 }')
		logged=$(lines "$WORK/ulogd.json" "$ULOGD")
		if [ "$logged" -eq "$sent" ]; then
			[ "$lossy" = 0 ] && best=$ev
		else
			lossy=1
		fi
		echo "ulogd2 $1 $ev $sent $matched $logged" >>"$WORK/sweeps"
	done
	echo "$best"
}

ULOGD=
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
	# on the veth only: the agent's messages to rsyslogd on lo carry "hack" too.
	# While the agent runs, its XDP program drops the packets before iptables.
	in_b iptables -A INPUT -i "$IF_B" -p udp -m string --algo bm --string hack -j NFLOG --nflog-group 7
	in_b iptables -A INPUT -i "$IF_B" -p udp -m string --algo bm --string hack -j DROP
	bg b ulogd -c "$WORK/ulogd.conf"
	ULOGD=$LAST_PID
fi
sleep 1
: >"$WORK/sweeps"
: >"$WORK/rt_refused"
# per kind: its lossless rate in each sweep, and its ratio to ulogd2's
declare -A lossless ratios
KINDS="syslog syslog-rt syslog-tcp syslog-tcp-rt console"
rates_of() { # rates_of KIND: the rates its sweeps offer
	case $1 in
	console) echo "$FILE_RATES" ;;
	syslog-tcp*) echo "$TCP_RATES" ;;
	*) echo "$AGENT_RATES" ;;
	esac
}
ulogd_best=""
for round in $(seq "$SWEEPS"); do
	for kind in $KINDS; do
		lossless[$kind]="${lossless[$kind]:-} $(agent_sweep "$round" "$kind" "$(rates_of "$kind")")"
	done
	if [ -n "$ULOGD" ]; then
		u=$(ulogd_sweep "$round")
		ulogd_best="$ulogd_best $u"
		for kind in $KINDS; do
			ratios[$kind]="${ratios[$kind]:-} $(ratio "${lossless[$kind]##* }" "$u")"
		done
	fi
done
label() { # label KIND: how the rows name it
	case $1 in
	syslog) echo "UDP to rsyslogd" ;;
	syslog-rt) echo "UDP to rsyslogd (realtime_priority 10)" ;;
	syslog-tcp) echo "TCP to rsyslogd" ;;
	syslog-tcp-rt) echo "TCP to rsyslogd (realtime_priority 10)" ;;
	console) echo "to a file" ;;
	esac
}
agent_rows() { # agent_rows KIND RATES: each offered rate, then the lossless rate
	local lbl silent_where="" how="highest offered rate with nothing lost" m
	lbl=$(label "$1")
	case $1 in syslog | syslog-rt) silent_where=" (rsyslogd's UDP receive buffer: silent)" ;; esac
	for ev in $2; do
		awk -v o="$1" -v ev="$ev" '$1 == o && $3 == ev {
			n++; ok += ($5 == $4 && $6 + $7 + $8 == 0)
			offered += $4; counted += $6 + $7; silent += $8 }
			END { printf "%d %d %d %d %d\n", n, ok, offered, counted, silent }' "$WORK/sweeps" |
			while read -r n ok offered counted silent; do
				out agent "$lbl: offered $ev events/s" "$ok/$n" lossless \
					"$offered events offered; $counted lost and counted by the agent (LOSS records); $silent sent but not written$silent_where"
			done
	done
	case $1 in
	*-rt)
		how="the ring reader SCHED_FIFO"
		grep -q "^$1 " "$WORK/rt_refused" &&
			how="REFUSED in sweep(s) $(awk -v k="$1" '$1 == k { print $2 }' "$WORK/rt_refused" | paste -sd' '): the ring reader at the default policy there"
		;;
	console) how="its console output" ;;
	esac
	m=$(echo ${lossless[$1]:-} | tr ' ' '\n' | median)
	[ "$m" = "${2##* }" ] && how="$how; the highest rate offered: at least this"
	out agent "$lbl: lossless rate" "$m" events/s "$how; median of $SWEEPS sweeps:${lossless[$1]:-}"
}
for kind in $KINDS; do
	agent_rows "$kind" "$(rates_of "$kind")"
done
if [ -n "$ULOGD" ]; then
	for ev in $ULOGD_RATES; do
		awk -v ev="$ev" '$1 == "ulogd2" && $3 == ev { n++; ok += ($6 == $4); offered += $4; silent += $5 - $6 }
			END { printf "%d %d %d %d\n", n, ok, offered, silent }' "$WORK/sweeps" |
			while read -r n ok offered silent; do
				out ulogd2 "offered $ev events/s" "$ok/$n" lossless \
					"$offered events offered; $silent matched by iptables but never logged (netlink drops in the kernel: in no output)"
			done
	done
	out ulogd2 "ulogd2 lossless rate" "$(echo $ulogd_best | tr ' ' '\n' | median)" events/s \
		"iptables -m string + NFLOG + ulogd2 JSON to a file; median of $SWEEPS sweeps:$ulogd_best; lines of ulogd's own log about losses: $(grep -ciE 'los[st]|ENOBUFS|overrun' "$WORK/ulogd.log")"
	for kind in $KINDS; do
		case $kind in
		console) why="the same kind of sink; target >= 4" ;;
		*-rt) why="the ring reader SCHED_FIFO; rsyslogd parsing and writing on the same 2 CPUs" ;;
		*) why="rsyslogd parsing and writing on the same 2 CPUs" ;;
		esac
		out compare "agent $(label "$kind") / ulogd2 lossless rate" \
			"$(echo ${ratios[$kind]:-} | tr ' ' '\n' | median)" ratio \
			"$why; per sweep:${ratios[$kind]:-}; spread $(echo ${ratios[$kind]:-} | tr ' ' '\n' | spread)"
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
