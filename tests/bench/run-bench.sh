#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# `make bench`: every benchmark in one run, results in build/bench-results/
# (CSV, PNG plots, summary.md). Benchmarks never fail the test suite; this
# script reports, it does not judge.
#   1. per-packet cost with BPF_PROG_TEST_RUN (bench_match); stage 1 as
#      chosen, the anchor hash alone and the strict hash in one run; a
#      64-byte frame; how often each stage 1 flags work for stage 2
#      (match_stats)
#   2. packets per second over veth against iptables (bench_pps)
#   3. the telemetry pipeline (bench_telemetry.sh)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
OUT=${BENCH_OUT:-$BUILD/bench-results}
mkdir -p "$OUT"
[ "$(id -u)" -eq 0 ] || { echo "make bench needs root"; exit 1; }

machine() {
	echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) vCPUs"
	echo "- kernel $(uname -r), clang $(clang --version | sed -n 's/.*version \([0-9.]*\).*/\1/p;q'), libbpf $(pkg-config --modversion libbpf)"
	echo "- $(date -u +%Y-%m-%dT%H:%MZ)"
}

echo "== 1. per-packet cost (BPF_PROG_TEST_RUN)"
"$BUILD/bench/bench_match" -o "$OUT/match.csv" | tee "$OUT/match.txt"
echo "== 1b. stage 1 as chosen against the anchor hash alone, side by side"
"$BUILD/bench/bench_match" -n 1,100,1000,10000 -p 1400 -m off,choose,strict -o "$OUT/pairs.csv" |
	tee "$OUT/pairs.txt"

echo "== 1d. the target's 64-byte packet: a 64-byte frame, 22 bytes of UDP payload"
"$BUILD/bench/bench_match" -n 1000 -p 22 -o "$OUT/frame64.csv" | tee "$OUT/frame64.txt"

echo "== 1c. how often each stage 1 flags work for stage 2 (counts, not times)"
"$BUILD/bench/match_stats" | tee "$OUT/stage1.csv"

echo "== 2. packets per second over veth"
A=hbench-a-$$ B=hbench-b-$$ IA=hba$$ IB=hbb$$
cleanup() {
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$A" && ip netns add "$B" &&
	ip link add "$IA" netns "$A" type veth peer name "$IB" netns "$B" &&
	ip -n "$A" addr add 198.18.0.1/24 dev "$IA" && ip -n "$B" addr add 198.18.0.2/24 dev "$IB" &&
	ip -n "$A" link set "$IA" up && ip -n "$B" link set "$IB" up || exit 1
# the frames are addressed to 02:00:00:00:00:02: the receiver must own that
# address, or the stack drops them as not its own before iptables sees them
ip -n "$B" link set "$IB" address 02:00:00:00:00:02
# XDP frames sent into a veth need NAPI on the receiving side: GRO on;
# threaded NAPI pinned to CPU 1 while the sender runs on CPU 0.
ip netns exec "$B" ethtool -K "$IB" gro on >/dev/null
ip netns exec "$B" sh -c "echo 1 > /sys/class/net/$IB/threaded"
sleep 0.3
for p in $(pgrep "napi/$IB"); do taskset -p 2 "$p" >/dev/null; done
"$BUILD/bench/bench_pps" "$A" "$IA" "$B" "$IB" -o "$OUT/pps.csv" | tee "$OUT/pps.txt"
cleanup

echo "== 3. telemetry pipeline"
"$TOP/tests/bench/bench_telemetry.sh" "$OUT/telemetry.csv" 2>/dev/null | grep -v '^# ' |
	tee "$OUT/telemetry.txt"

"$TOP/tests/bench/report.sh" "$OUT" "$(machine)"
echo "== results in $OUT (summary.md, *.csv, *.png)"
