#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The libFuzzer targets of tests/fuzz/, as TAP: for each, every input of its
# committed corpus and of tests/fuzz/regressions/<target>/ once, then
# FUZZ_SECONDS (default 10) of fuzzing from a scratch copy of the corpus.
# The committed corpus is only read. A crash fails the test and its input
# stays in $BUILD/fuzz/artifacts/<target>/.
#
#   BUILD=build tests/fuzz/run-fuzz.sh          (make check-fuzz builds them)
#   FUZZ_SECONDS  fuzzing time per target (0: only the corpus and regressions)
#   FUZZ_TARGETS  which ones (default: all five)
#   FUZZ_JOBS     targets fuzzed at once (default: the number of CPUs)
#   FUZZ_WORK     scratch directory, kept if given (make fuzz uses
#                 build/fuzz/work, so long runs build on each other)
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
cd "$TOP" || exit 1
BUILD=${BUILD:-build}
SECONDS_EACH=${FUZZ_SECONDS:-10}
TARGETS=${FUZZ_TARGETS:-fuzz_config fuzz_pattern fuzz_sigcompile fuzz_format fuzz_decode}
JOBS=${FUZZ_JOBS:-$(nproc)}
ART=$BUILD/fuzz/artifacts
if [ -n "${FUZZ_WORK:-}" ]; then
	WORK=$FUZZ_WORK
	mkdir -p "$WORK" || exit 1
else
	WORK=$(mktemp -d /tmp/hyperion-fuzz.XXXXXX) || exit 1
	trap 'rm -rf "$WORK"' EXIT
fi

# shellcheck source=tests/lib/tap.sh
. "$TOP/tests/lib/tap.sh"

# Options per target: longer inputs for YAML, and its dictionary.
options() {
	local t=$1
	echo "-timeout=25 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$ART/$t/"
	[ "$t" = fuzz_config ] && echo "-max_len=16384"
	[ -f "$HERE/$t.dict" ] && echo "-dict=$HERE/$t.dict"
}

# What a sanitizer or a check said, for the TAP diagnostics.
findings() {
	grep -E -m 8 'ERROR:|SUMMARY:|runtime error:|\.c:[0-9]+: |Test unit written|deadly signal' \
		"$1" | sed 's/^/# /'
}

# regress TARGET: every committed input once; after a crash, the inputs
# after the crashing one still run, so that the report names them all.
regress() {
	local t=$1 log=$WORK/$1.regress.log files ncorp bad="" i what
	mapfile -t files < <(find "$HERE/corpus/$t" "$HERE/regressions/$t" -type f 2>/dev/null | sort)
	ncorp=$(find "$HERE/corpus/$t" -type f 2>/dev/null | wc -l)
	mkdir -p "$ART/$t"
	: >"$WORK/$t.findings"
	set -- "${files[@]}"
	while [ $# -gt 0 ]; do
		# shellcheck disable=SC2046 # options are words
		"$BUILD/fuzz/$t" $(options "$t") "$@" >"$log" 2>&1 && break
		i=$(sed -n 's/^Running: //p' "$log" | tail -1)
		findings "$log" >>"$WORK/$t.findings"
		[ -n "$i" ] || { bad="$bad (no input named)"; break; }
		bad="$bad ${i#"$TOP"/}"
		while [ $# -gt 0 ] && [ "$1" != "$i" ]; do shift; done
		shift
	done
	what="$t: $ncorp corpus and $((${#files[@]} - ncorp)) regression inputs"
	if [ -z "$bad" ]; then
		ok 0 "$what, no crash"
	else
		ok 1 "$what; crashing:$bad"
		cat "$WORK/$t.findings"
	fi
}

# fuzz TARGET: in the background; its log and status in $WORK.
fuzz() {
	local t=$1 dir=$WORK/$1
	mkdir -p "$dir/corpus" "$ART/$t"
	cp -n "$HERE/corpus/$t/"* "$dir/corpus/" 2>/dev/null
	# shellcheck disable=SC2046 # options are words
	"$BUILD/fuzz/$t" $(options "$t") -max_total_time="$SECONDS_EACH" "$dir/corpus" \
		>"$dir/fuzz.log" 2>&1
	echo $? >"$dir/rc"
}

report() {
	local t=$1 dir=$WORK/$1 runs secs rate crash
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/fuzz.log")
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$dir/fuzz.log")
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$dir/fuzz.log" | head -1)
	if [ "$(cat "$dir/rc")" = 0 ]; then
		ok 0 "$t: ${runs:-?} runs in ${secs:-$SECONDS_EACH} s, no crash"
		echo "# $t: ${rate:-?} exec/s, corpus of $(find "$dir/corpus" -type f | wc -l) inputs in $dir/corpus"
		return
	fi
	ok 1 "$t: crashed after ${runs:-?} runs; input: ${crash:-see below}"
	findings "$dir/fuzz.log"
	[ -n "$crash" ] && echo "# reproduce: $BUILD/fuzz/$t $crash"
}

for t in $TARGETS; do
	if [ ! -x "$BUILD/fuzz/$t" ]; then
		ok 1 "$t: $BUILD/fuzz/$t is not built (make check-fuzz builds it)"
		TARGETS=$(echo " $TARGETS " | sed "s/ $t / /")
		continue
	fi
	regress "$t"
done
if [ "$SECONDS_EACH" -gt 0 ]; then
	for t in $TARGETS; do
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
			wait -n
		done
		fuzz "$t" &
	done
	wait
	for t in $TARGETS; do
		report "$t"
	done
fi
done_testing
