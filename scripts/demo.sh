#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# `make demo`: Hyperion in a private network namespace, on its loopback,
# with the signature "hack". A TCP client connects to 127.0.0.1:8080, sends
# a benign request, then one containing "hack" on the same connection; the
# agent's console shows the ACCEPT, SIG_MATCH and DROP lines of that flow.
# The host's own interfaces are never touched; everything is removed at the
# end.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
NS=hyperion-demo-$$
WORK=$(mktemp -d /tmp/hyperion-demo.XXXXXX)
AGENT=""
SERVER=""

cleanup() {
	[ -n "$AGENT" ] && kill -TERM "$AGENT" 2>/dev/null && wait "$AGENT" 2>/dev/null
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	echo "make demo needs root (network namespaces and XDP)" >&2
	exit 1
fi

cat >"$WORK/demo.yaml" <<'EOF'
# The demo configuration: loopback of a private namespace, one signature.
interfaces:
  - name: lo
    mode: auto          # loopback has no native XDP: generic, and the log says so
signatures:
  - name: demo-hack
    pattern: "hack"
    action: drop
events:
  accept: new-flow      # one ACCEPT per flow
outputs:
  console:
    enabled: true
EOF

ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
nsenter --net="/run/netns/$NS" "$BUILD/hyperion" run -c "$WORK/demo.yaml" >"$WORK/events" 2>"$WORK/log" &
AGENT=$!
for _ in $(seq 100); do
	grep -q "running:" "$WORK/log" && break
	kill -0 "$AGENT" 2>/dev/null || break
	sleep 0.05
done
if ! grep -q "running:" "$WORK/log"; then
	echo "the agent did not start:" >&2
	cat "$WORK/log" >&2
	exit 1
fi
nsenter --net="/run/netns/$NS" "$BUILD/tests/netpeer" listen tcp 127.0.0.1 8080 -o "$WORK/received" \
	2>/dev/null &
SERVER=$!
sleep 0.2

echo "== agent log"
sed 's/^/   /' "$WORK/log"
echo "== client: connect to 127.0.0.1:8080, send a benign request, then one with 'hack'"
nsenter --net="/run/netns/$NS" "$BUILD/tests/netpeer" send tcp 127.0.0.1 8080 \
	'GET /index.html HTTP/1.1\r\n\r\n' -2 'GET /hack HTTP/1.1\r\n\r\n' -i 300 -R 2>/dev/null
sleep 0.3
echo "== the server received"
sed 's/^[0-9]* /   /' "$WORK/received"
echo "== Hyperion's events for the client's flow (-> 127.0.0.1:8080)"
grep -- "-> 127.0.0.1:8080 " "$WORK/events"
echo "== all events"
cat "$WORK/events"
kill -TERM "$AGENT"
wait "$AGENT"
status=$?
AGENT=""
echo "== agent stopped (exit status $status); namespace $NS removed"
[ "$status" -eq 0 ] && grep -q "DROP 127.0.0.1:[0-9]* -> 127.0.0.1:8080 TCP sig=\"hack\"" \
	"$WORK/events"
