#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The per-packet benchmark still runs and writes what report.sh reads: a
# small matrix in quick mode, its CSV checked for shape and sanity (never
# for speed: timings are `make bench`'s business, not the suite's). Random
# traffic only: the text kind needs the dictionary that only `make bench`
# installs.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
# shellcheck source=tests/lib/tap.sh
. "$TOP/tests/lib/tap.sh"

BENCH=$BUILD/bench/bench_match
[ "$(id -u)" -eq 0 ] || skip_all "needs root (BPF_PROG_TEST_RUN)"
[ -x "$BENCH" ] || skip_all "no $BENCH (make $BENCH)"
CSV=$(mktemp)
trap 'rm -f "$CSV"' EXIT

"$BENCH" -q -o "$CSV" -k random -n 1,1000 -p 0,64 -m choose,off >/dev/null 2>&1
ok $? "bench_match -q runs a small matrix, with and without the pair scan"
head -n 1 "$CSV" | grep -qx 'kind,signatures,payload,match,floor_ns,harness_ns,hyperion_ns,ratio_to_floor,ns_per_payload_byte,spread_lo_ns,spread_hi_ns,pair_scan'
ok $? "its CSV has the columns report.sh reads"
# 2 signature counts x (payload 0: no match; 64: no match, at end) x 2 modes
[ "$(tail -n +2 "$CSV" | wc -l)" -eq 12 ]
ok $? "one row per case: $(tail -n +2 "$CSV" | wc -l) of 12"
[ "$(awk -F, 'NR > 1 { print $12 }' "$CSV" | sort | uniq -c | awk '{ print $1 $2 }' | paste -sd' ')" = "6choose 6off" ]
ok $? "each case in both pair-scan modes"
awk -F, 'NR > 1 && !($5 > 0 && $7 > $5 && $10 <= $7 && $7 <= $11) { bad++ }
	 END { exit bad > 0 }' "$CSV"
ok $? "every row: floor > 0, Hyperion above the floor, the median within its spread"

# match_stats: counts, so checked against what they count. The strict test
# only narrows the hash's offsets, and a bucket is looked up only past it;
# the third byte only narrows the bigram's.
STATS=$BUILD/bench/match_stats
if [ -x "$STATS" ]; then
	"$STATS" -k random -n 100,1000 >"$CSV"
	ok $? "match_stats runs"
	[ "$(tail -n +2 "$CSV" | cut -d, -f4 | paste -sd' ')" = \
		"pairs pairs3 hash strict bucket pairs pairs3 hash strict bucket" ]
	ok $? "five stages for each case"
	awk -F, 'NR > 1 { o[$4] = $5; b[$4] = $6 }
		 NR > 1 && $4 == "bucket" {
			for (s in o) if (o[s] < 0 || o[s] > 100 || b[s] < o[s] || b[s] > 100) bad++
			if (!(o["bucket"] <= o["strict"] && o["strict"] <= o["hash"] && o["pairs"] > 0 &&
			      o["pairs3"] <= o["pairs"])) bad++ }
		 END { exit bad > 0 }' "$CSV"
	ok $? "shares within 0..100, blocks at least offsets, bucket <= strict <= hash, pairs3 <= pairs"
else
	skip "match_stats" "no $STATS (make $STATS)"
fi
done_testing
