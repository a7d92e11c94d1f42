#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# events.realtime_priority: the thread that reads the rings runs SCHED_FIFO
# at that priority, and only it: the output threads, also those a reload
# starts from it, keep the default policy. A reload changes the priority;
# one to 0 gives the reader back the policy and nice value it had.
. "$(dirname "$0")/lib.sh"

command -v chrt >/dev/null || skip_all "chrt (util-linux) is not installed"
setup_net || { echo "Bail out! cannot create namespaces and veth"; exit 1; }

conf() { # conf PRIORITY SYSLOG_PORT
	cat >"$WORK/conf.yaml.new" <<EOF
$(conf_head)
events:
  realtime_priority: $1
outputs:
  console:
    enabled: true
  syslog:
    enabled: true
    transport: udp
    target: "127.0.0.1:$2"
EOF
	mv "$WORK/conf.yaml.new" "$WORK/conf.yaml"
}

# policy TID: "SCHED_FIFO 7" or "SCHED_OTHER 0"
policy() {
	chrt -p "$1" | awk -F': ' '/policy/ { sub(/\|.*/, "", $2); p = $2 } /priority/ { print p, $2 }'
}
nice_of() { awk '{ print $19 }' "/proc/$AGENT_PID/task/$1/stat"; }
# the agent's threads other than the reader, one policy per line
others() {
	for t in /proc/"$AGENT_PID"/task/*; do
		[ "${t##*/}" = "$AGENT_PID" ] || policy "${t##*/}"
	done
}
reloads() { grep -c "reloaded" "$WORK/agent.err"; }
reload() { # reload: SIGHUP, and wait until the agent says it reloaded
	local n
	n=$(reloads)
	kill -HUP "$AGENT_PID"
	for _ in $(seq 200); do
		[ "$(reloads)" -gt "$n" ] && return 0
		sleep 0.02
	done
	return 1
}

conf 7 5601
# started as start_agent does, under nice 5
bg b nice -n 5 "$HYPERION" run -c "$WORK/conf.yaml" >"$WORK/agent.out" 2>"$WORK/agent.err"
AGENT_PID=$LAST_PID
check "agent starts with realtime_priority 7, under nice 5" wait_for "$WORK/agent.err" "running:" 20
[ "$(policy "$AGENT_PID")" = "SCHED_FIFO 7" ]
ok $? "the ring reader runs SCHED_FIFO at priority 7 ($(policy "$AGENT_PID"))"
grep -q "SCHED_FIFO at priority 7" "$WORK/agent.err"
ok $? "and says so"
[ "$(others | sort -u)" = "SCHED_OTHER 0" ] && [ "$(others | wc -l)" -ge 2 ]
ok $? "its output threads keep the default policy ($(others | sort | uniq -c | paste -sd,))"

conf 9 5602 # new outputs: the reader starts their threads
check "a reload to priority 9 that restarts the outputs" reload
[ "$(policy "$AGENT_PID")" = "SCHED_FIFO 9" ]
ok $? "the ring reader runs SCHED_FIFO at priority 9 ($(policy "$AGENT_PID"))"
[ "$(others | sort -u)" = "SCHED_OTHER 0" ]
ok $? "threads the real-time reader started do not inherit its policy"

conf 0 5602
check "a reload to realtime_priority 0" reload
[ "$(policy "$AGENT_PID")" = "SCHED_OTHER 0" ] && [ "$(nice_of "$AGENT_PID")" = 5 ]
ok $? "the ring reader has its policy and nice value back ($(policy "$AGENT_PID"), nice $(nice_of "$AGENT_PID"))"
grep -q "scheduled as before again" "$WORK/agent.err"
ok $? "and says so"
stop_agent
[ "$AGENT_STATUS" = 0 ]
ok $? "agent exits 0"

# a policy set from outside (chrt, CPUSchedulingPolicy=) is kept, and
# given back after a real-time spell
conf 0 5602
bg b chrt -b 0 "$HYPERION" run -c "$WORK/conf.yaml" >"$WORK/agent.out" 2>"$WORK/agent.err"
AGENT_PID=$LAST_PID
check "agent starts SCHED_BATCH (chrt -b), realtime_priority 0" \
	wait_for "$WORK/agent.err" "running:" 20
[ "$(policy "$AGENT_PID")" = "SCHED_BATCH 0" ]
ok $? "the ring reader keeps the policy it was started with ($(policy "$AGENT_PID"))"
conf 7 5602
check "a reload to realtime_priority 7" reload
[ "$(policy "$AGENT_PID")" = "SCHED_FIFO 7" ]
ok $? "real-time ($(policy "$AGENT_PID"))"
conf 0 5602
check "a reload back to 0" reload
[ "$(policy "$AGENT_PID")" = "SCHED_BATCH 0" ]
ok $? "SCHED_BATCH again ($(policy "$AGENT_PID"))"
stop_agent
done_testing
