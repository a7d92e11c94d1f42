# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# End-to-end test helpers: TAP output, two network namespaces joined by a
# veth pair (198.18.0.1 sender, 198.18.0.2 receiver with Hyperion on its
# side), the agent and traffic peers started in them, and a cleanup that
# removes everything the test created, whatever happened.

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
HYPERION=$BUILD/hyperion
NETPEER=$BUILD/tests/netpeer

. "$TOP/tests/lib/tap.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root for namespaces and XDP"

# Unique names per run: tests can run twice in a row, or at once.
ID=$$
NS_A=hyp-a-$ID
NS_B=hyp-b-$ID
IF_A=hya$ID
IF_B=hyb$ID
WORK=$(mktemp -d /tmp/hyperion-e2e.XXXXXX)
PIDS=""
MOUNTED="" MADE_DIRS=""

# tmpfs_at DIR: an empty tmpfs at DIR, in the script's private mount
# namespace (tests/lib/mntns.sh). The directories made on the host's file
# system to mount on are removed again at exit.
tmpfs_at() {
	local d=$1 made=""
	while [ ! -d "$d" ]; do # deepest first
		made="$made $d"
		d=$(dirname "$d")
	done
	mkdir -p "$1" || return 1
	MADE_DIRS="$made $MADE_DIRS"
	mount -t tmpfs tmpfs "$1" && MOUNTED="$1 $MOUNTED"
}

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	for m in $MOUNTED; do
		umount "$m" 2>/dev/null
	done
	for d in $MADE_DIRS; do
		rmdir "$d" 2>/dev/null
	done
	rm -rf "/sys/fs/bpf/hyperion/$IF_B"
	rmdir /sys/fs/bpf/hyperion 2>/dev/null
	if [ "${KEEP_WORK:-0}" = 1 ]; then
		echo "# kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# nsenter joins the network namespace only: `ip netns exec` would also give
# the command a private /sys, hiding the agent's pins under /sys/fs/bpf
# from `hyperion stats` and from the cleanup.
in_a() { nsenter --net="/run/netns/$NS_A" "$@"; }
in_b() { nsenter --net="/run/netns/$NS_B" "$@"; }

setup_net() {
	ip netns add "$NS_A" && ip netns add "$NS_B" &&
		ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" &&
		in_a ip addr add 198.18.0.1/24 dev "$IF_A" &&
		in_b ip addr add 198.18.0.2/24 dev "$IF_B" &&
		in_a ip link set "$IF_A" up && in_b ip link set "$IF_B" up &&
		in_a ip link set lo up && in_b ip link set lo up
}

# bg a|b COMMAND...: starts COMMAND in the background in namespace A or B,
# remembered for cleanup. nsenter execs COMMAND, so $! is its own pid.
bg() {
	local ns=$NS_A
	[ "$1" = b ] && ns=$NS_B
	shift
	nsenter --net="/run/netns/$ns" "$@" &
	PIDS="$PIDS $!"
	LAST_PID=$!
}

# wait_for FILE PATTERN [SECONDS]: until a line of FILE matches.
wait_for() {
	local i=0 limit=$((${3:-10} * 20))
	while [ $i -lt $limit ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# start_agent CONFIG: the agent in NS_B; stdout in $WORK/agent.out, stderr
# in $WORK/agent.err. Returns once it reports running.
# conf_head [all]: the start of the suites' configurations, interfaces
# (IF_B) and signatures: hack (drop); with "all" also hostile (every byte
# an output must escape) and peek (alert only).
conf_head() {
	cat <<EOF
interfaces:
  - name: $IF_B
signatures:
  - name: hack
    pattern: "hack"
EOF
	[ "${1:-}" = all ] || return 0
	cat <<'EOF'
  - name: hostile
    pattern: "<\x0a\"]\\\x00\xff="
  - name: peek
    pattern: "peek"
    action: alert
EOF
}

start_agent() {
	bg b "$HYPERION" run -c "$1" >"$WORK/agent.out" 2>"$WORK/agent.err"
	AGENT_PID=$LAST_PID
	wait_for "$WORK/agent.err" "running:" 20
}

# stop_agent: SIGTERM, and its exit status in AGENT_STATUS.
stop_agent() {
	kill -TERM "$AGENT_PID"
	wait "$AGENT_PID"
	AGENT_STATUS=$?
	PIDS=$(echo "$PIDS" | sed "s/ $AGENT_PID\b//")
}

xdp_attached() { # whether IF_B shows an XDP program
	in_b ip link show dev "$IF_B" | grep -q "xdp"
}
