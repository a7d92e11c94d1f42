#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Inside the VM (run by vm-attach.sh): the agent attaches natively to a veth
# of Debian 12's kernel, the malformed-frame corpus goes through the veth
# pair and every verdict is judged by the reference, then SIGTERM detaches.
# TAP output.
B=${BUILD:-build}
ip link add name hva type veth peer name hvb && ip link set dev hva up && ip link set dev hvb up
echo "$?" | grep -q '^0$' && echo "ok 1 - veth pair created" || echo "not ok 1 - veth pair created"
"$B/tests/corpus" config hvb >/tmp/conf.yaml
"$B/hyperion" run -c /tmp/conf.yaml >/dev/null 2>/tmp/agent.err &
agent=$!
i=0
while ! grep -q "running:" /tmp/agent.err && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if grep -q "XDP attached in native mode" /tmp/agent.err; then
	echo "ok 2 - the agent attaches natively to a veth"
else
	echo "not ok 2 - the agent attaches natively to a veth"
	sed 's/^/# /' /tmp/agent.err
fi
"$B/tests/corpus" replay hva /sys/fs/bpf/hyperion/hvb >/tmp/corpus.tap
rc=$?
grep "^# note" /tmp/corpus.tap
grep "^not ok" /tmp/corpus.tap | head -5 | sed 's/^/# /'
[ $rc -eq 0 ] && echo "ok 3 - corpus over veth: every verdict as the reference's" ||
	echo "not ok 3 - corpus over veth: every verdict as the reference's"
kill -TERM $agent
wait $agent
[ $? -eq 0 ] && echo "ok 4 - SIGTERM: exit 0" || echo "not ok 4 - SIGTERM: exit 0"
ip link show dev hvb | grep -q xdp && echo "not ok 5 - detached" || echo "ok 5 - detached"
echo "1..5"
