#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# /init of the throw-away VM that tests/kernel/run-in-vm.sh boots (busybox
# sh, PID 1). It mounts what BPF programs and their tests expect, loads the
# kernel modules listed in /etc/vm/modules (in order, dependencies first),
# runs the program described by /etc/vm/env and reports its exit status on
# the console in a marker line, then powers the VM off.
#
# /etc/vm/env (written by run-in-vm.sh) sets VM_TOKEN (the markers' prefix),
# VM_CWD (the directory to run in), VM_DMESG, exports the --env variables and
# sets the positional parameters (the program and its arguments).

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root
export PATH HOME

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# /tmp and /run: tmpfs, with what run-in-vm.sh put there (the program may be
# in /tmp, or run there) copied in.
for d in /tmp /run; do
	mkdir -p /.new
	mount -t tmpfs tmpfs /.new
	cp -a "$d/." /.new/
	mount -o move /.new "$d"
done
rmdir /.new
mount -t bpf bpf /sys/fs/bpf
# Optional: bpf_printk's trace_pipe, cgroup-attached programs.
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null

# Only emergencies on the console from here on: the program's output must
# not be interleaved with kernel messages (--dmesg prints them afterwards).
echo 1 >/proc/sys/kernel/printk
hostname vm
ip link set lo up

# shellcheck disable=SC1091 # written by run-in-vm.sh
. /etc/vm/env

modules_failed=""
if [ -s /etc/vm/modules ]; then
	while read -r ko; do
		insmod "$ko" || modules_failed="$modules_failed $(basename "$ko")"
	done </etc/vm/modules
fi

echo "$VM_TOKEN KERNEL $(uname -r)"
[ -z "$modules_failed" ] || echo "# vm: could not load kernel modules:$modules_failed"
echo "$VM_TOKEN BEGIN"
rc=127
if cd "$VM_CWD"; then
	"$@" </dev/null
	rc=$?
fi
if [ "${VM_DMESG:-0}" = 1 ]; then
	dmesg | sed 's/^/# dmesg: /'
fi
echo "$VM_TOKEN EXIT $rc"
sync
poweroff -f
