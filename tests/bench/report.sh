#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# report.sh DIR MACHINE: plots (gnuplot) and summary.md from the CSV files
# of run-bench.sh, with where the results stand against the targets.
set -u
D=$1
MACHINE=$2
S=$D/summary.md

col() { # col FILE KIND SIGS PAYLOAD MATCH FIELD: one value of match.csv
	awk -F, -v k="$2" -v s="$3" -v p="$4" -v m="$5" -v f="$6" \
		'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		 $1 == k && $2 == s && $3 == p && $4 == m { print $h[f] }' "$1"
}
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "met" : "not met" }'; }
xfloor() { [ -n "$1" ] && echo "${1}x ($(verdict "$1" 2.0))" || echo "-"; } # against 2x the floor
atleast() { awk -v v="$1" -v t="$2" 'BEGIN { print (v != "" && v >= t) ? "met" : "not met" }'; }
tcol() { # tcol FILE SECTION CASE FIELD: one field of telemetry.csv
	awk -F, -v s="$2" -v c="$3" -v f="$4" '$1 == s && $2 == c { print $f }' "$1"
}
declare -A r64 f64 b1k b10k rise

{
	echo "# Hyperion benchmark results"
	echo
	echo "$MACHINE"
	echo
	echo "## Per-packet cost (BPF_PROG_TEST_RUN, 64 different payloads in rotation)"
	echo
	echo "Median of interleaved rounds; ratio to a no-op XDP program measured in the same"
	echo "run; ns per payload byte = (hyperion - floor) / payload."
	echo
	echo "| traffic | signatures | payload | match | ns/packet | x floor | ns/byte |"
	echo "|---|---|---|---|---|---|---|"
	awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %.0f | %.1f | %.3f |\n", $1, $2, $3, $4, $7, $8, $9 }' \
		"$D/match.csv"
	echo
	echo "### Against the targets"
	echo
	echo "| target | random | text |"
	echo "|---|---|---|"
	for k in random text; do
		r64[$k]=$(col "$D/match.csv" $k 1000 64 none ratio_to_floor)
		f64[$k]=$([ -e "$D/frame64.csv" ] && col "$D/frame64.csv" $k 1000 22 none ratio_to_floor)
		b1k[$k]=$(col "$D/match.csv" $k 1000 1400 none ns_per_payload_byte)
		b10k[$k]=$(col "$D/match.csv" $k 10000 1400 none ns_per_payload_byte)
		n1=$(col "$D/match.csv" $k 1 1400 none hyperion_ns)
		n10k=$(col "$D/match.csv" $k 10000 1400 none hyperion_ns)
		rise[$k]=$(awk -v a="$n1" -v b="$n10k" 'BEGIN { printf "%.0f", (b / a - 1) * 100 }')
	done
	echo "| 64-byte payload, 1000 signatures <= 2.0x floor | ${r64[random]}x ($(verdict "${r64[random]}" 2.0)) | ${r64[text]}x ($(verdict "${r64[text]}" 2.0)) |"
	echo "| 64-byte frame (22-byte UDP payload), 1000 signatures <= 2.0x floor | $(xfloor "${f64[random]}") | $(xfloor "${f64[text]}") |"
	echo "| 1400 bytes, 1000 signatures <= 0.8 ns/byte | ${b1k[random]} ($(verdict "${b1k[random]}" 0.8)) | ${b1k[text]} ($(verdict "${b1k[text]}" 0.8)) |"
	echo "| 1400 bytes, 10,000 signatures <= 1.0 ns/byte | ${b10k[random]} ($(verdict "${b10k[random]}" 1.0)) | ${b10k[text]} ($(verdict "${b10k[text]}" 1.0)) |"
	echo "| 1 -> 10,000 signatures at 1400 bytes: rise <= 20 % | ${rise[random]} % ($(verdict "${rise[random]}" 20)) | ${rise[text]} % ($(verdict "${rise[text]}" 20)) |"
	echo
	echo "![ns per packet, random](match_random.png) ![ns per packet, text](match_text.png)"
	echo
	echo "### Stage 1 as chosen (1400 bytes, no match, ns per payload byte)"
	echo
	echo "The matcher with the anchor hash alone (off) and as the compiler chooses"
	echo "(choose: the pair scan where few bigrams are set; per CPU, while the bigrams"
	echo "flag too many blocks, pairs3, and while that flags too many too, the strict"
	echo "hash), and the strict hash alone (strict), interleaved in one run."
	echo
	echo "| traffic | signatures | off | choose | strict | choose / off |"
	echo "|---|---|---|---|---|---|"
	awk -F, 'NR > 1 && $4 == "none" { v[$1 "," $2 "," $12] = $9; if (!seen[$1 "," $2]++) k[++n] = $1 "," $2 }
		 function f(x) { return x == "" ? "-" : sprintf("%.3f", x) }
		 END { for (i = 1; i <= n; i++) { split(k[i], a, ",")
			off = v[k[i] ",off"]; ch = v[k[i] ",choose"]; st = v[k[i] ",strict"]
			printf "| %s | %s | %s | %s | %s | %s |\n", a[1], a[2], f(off), f(ch), f(st),
				(off > 0 && ch != "" ? sprintf("%.2f", ch / off) : "-") } }' \
		"$D/pairs.csv"
	echo
	echo "### What each stage 1 flags (1400-byte payloads, no match)"
	echo
	echo "The benchmark's payloads replayed against the compiled tables (match_stats):"
	echo "the share of payload offsets each stage 1 flags, and of 16-offset blocks"
	echo "holding one (a stage-2 call each)."
	echo "pairs3: the bigram and the third byte's class, read where too many bigrams are set."
	echo "bucket: offsets past the strict test whose verification bucket is not empty."
	echo
	echo "| traffic | signatures | pairs | pairs3 | hash | strict | bucket |"
	echo "|---|---|---|---|---|---|---|"
	awk -F, 'NR > 1 { v[$1 "," $2 "," $4] = sprintf("%s %% (%s %%)", $5, $6); if (!seen[$1 "," $2]++) k[++n] = $1 "," $2 }
		 END { for (i = 1; i <= n; i++) { split(k[i], a, ",")
			printf "| %s | %s | %s | %s | %s | %s | %s |\n", a[1], a[2], v[k[i] ",pairs"],
				v[k[i] ",pairs3"], v[k[i] ",hash"], v[k[i] ",strict"], v[k[i] ",bucket"] } }' \
		"$D/stage1.csv"
	echo
	echo "Each cell: offsets (blocks)."
	echo
	echo "## Packets per second over veth"
	echo
	echo "Receiver-side rate, median of interleaved windows; the baseline is a no-op XDP"
	echo "drop measured between the windows of each case."
	echo
	echo "| frame | traffic | case | pps | x no-op drop | +ns/packet |"
	echo "|---|---|---|---|---|---|"
	awk -F, 'NR > 1 { printf "| %s | %s | %s | %.0f | %.2f | %.0f |\n", $1, $2, $3, $4, $6, $7 }' "$D/pps.csv"
	echo
	echo "Target, Hyperion with 1000 signatures dropping at least as many packets per second"
	echo "as iptables with a single string rule (bm), matching traffic:"
	echo
	for f in 64 512 1400; do
		h=$(awk -F, -v f=$f '$1 == f && $2 == "match" && $3 == "hyperion-1000" { print $4 }' "$D/pps.csv")
		i=$(awk -F, -v f=$f '$1 == f && $2 == "match" && $3 == "iptables-bm-1" { print $4 }' "$D/pps.csv")
		echo "- $f-byte frames: Hyperion $h pps, iptables $i pps: $(awk -v h="$h" -v i="$i" 'BEGIN { print (h >= i) ? "met" : "not met" }')"
	done
	echo
	echo "![pps against rules](pps.png)"
	echo
	echo "## Telemetry pipeline"
	echo
	echo "The agent saturated, against the raw loop sending the same messages through the"
	echo "same API: interleaved windows (agent, raw, agent ...), median of the pairs' ratios"
	echo "and their spread. Lossless rates: the highest offered rate with nothing lost, per"
	echo "sweep; agent and ulogd2 sweeps alternate on the same traffic."
	echo
	echo "| target | measured | |"
	echo "|---|---|---|"
	for t in "udp syslog" "tcp syslog" journald; do
		v=$(tcol "$D/telemetry.csv" pipeline "$t agent/raw" 3)
		sp=$(tcol "$D/telemetry.csv" pipeline "$t agent/raw" 5 | sed -n 's/.*spread \([^;]*\);.*/\1/p')
		echo "| $t: agent >= 0.90 x raw loop | ${v:-?} (spread ${sp:-?}) | $(atleast "$v" 0.90) |"
	done
	v=$(tcol "$D/telemetry.csv" agent "UDP to rsyslogd: lossless rate" 3)
	echo "| UDP to rsyslogd lossless at >= 200k events/s | ${v:-?} events/s | $(atleast "$v" 200000) |"
	u=$(tcol "$D/telemetry.csv" ulogd2 "ulogd2 lossless rate" 3)
	v=$(tcol "$D/telemetry.csv" compare "agent to a file / ulogd2 lossless rate" 3)
	f=$(tcol "$D/telemetry.csv" agent "to a file: lossless rate" 3)
	echo "| lossless rate >= 4 x ulogd2's (${u:-?} events/s), both writing a file | ${v:-?} x (${f:-?} events/s) | $(atleast "$v" 4) |"
	for t in UDP TCP; do
		for rt in "" " (realtime_priority 10)"; do
			v=$(tcol "$D/telemetry.csv" compare "agent $t to rsyslogd$rt / ulogd2 lossless rate" 3)
			f=$(tcol "$D/telemetry.csv" agent "$t to rsyslogd$rt: lossless rate" 3)
			echo "| the same, the agent sending to rsyslogd over $t${rt:+, with events.realtime_priority: 10} | ${v:-?} x (${f:-?} events/s) | $(atleast "$v" 4) |"
		done
	done
	n=$(grep -c '^pipeline,.* agent,.*(exact)' "$D/telemetry.csv")
	echo "| every loss counted: generated = delivered + suppressed + lost | exact in $n of 3 runs | $( [ "$n" = 3 ] && echo met || echo "not met") |"
	echo
	echo "| section | case | value | unit | detail |"
	echo "|---|---|---|---|---|"
	awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$D/telemetry.csv"
} >"$S"

command -v gnuplot >/dev/null || exit 0
for k in random text; do
	for n in 1 100 1000 10000; do
		awk -F, -v k=$k -v n=$n '$1 == k && $2 == n && $4 == "none" { print $3, $7 }' "$D/match.csv" \
			>"$D/match_${k}_$n.dat"
	done
	gnuplot <<EOF
set terminal pngcairo size 800,500
set output "$D/match_$k.png"
set title "Hyperion per-packet cost, $k traffic, no match"
set xlabel "payload bytes"
set ylabel "ns per packet"
set key left top
plot for [n in "1 100 1000 10000"] "$D/match_${k}_".n.".dat" with linespoints title n." signatures"
EOF
done
for f in 64 512 1400; do
	awk -F, -v f=$f '$1 == f && $2 == "match" && $3 ~ /^hyperion-/ { sub("hyperion-", "", $3); print $3, $4 }' \
		"$D/pps.csv" >"$D/pps_h_$f.dat"
	awk -F, -v f=$f '$1 == f && $2 == "match" && $3 ~ /^iptables-bm-/ { sub("iptables-bm-", "", $3); print $3, $4 }' \
		"$D/pps.csv" >"$D/pps_i_$f.dat"
done
gnuplot <<EOF
set terminal pngcairo size 800,500
set output "$D/pps.png"
set title "Matching traffic dropped per second over veth"
set xlabel "signatures / string rules"
set ylabel "packets per second"
set logscale xy
set key right top
plot for [f in "64 512 1400"] "$D/pps_h_".f.".dat" with linespoints title "Hyperion, ".f." B", \
     for [f in "64 512 1400"] "$D/pps_i_".f.".dat" with linespoints dashtype 2 title "iptables bm, ".f." B"
EOF
