#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Runs one program as root inside a throw-away qemu VM that boots Debian 12's
# stock cloud kernel (the one `linux-image-cloud-amd64` depends on), so the
# BPF test suites show what the XDP program does on the kernel users of the
# .deb run, whatever the host's kernel is.
#
#   tests/kernel/run-in-vm.sh [OPTION]... [--] PROGRAM [ARG]...
#
#   --cache DIR      where the kernel is kept (default build/kernel-cache in
#                    the repository); it is fetched once with apt-get download
#                    and extracted with dpkg-deb -x, never installed
#   --timeout SECS   kill the VM after this long (default 120); a guest that
#                    shows no kernel output $RUN_IN_VM_BOOT_WAIT seconds
#                    (default 30) after the BIOS is booted once more
#   --mem MB         guest memory (default 1024)
#   --cpus N         guest CPUs (default 2)
#   --accel A        kvm, tcg (emulation) or auto (default, or
#                    $RUN_IN_VM_ACCEL): kvm where /dev/kvm is hardware KVM
#   --add PATH       also copy PATH (a file or directory) into the guest, at
#                    the same place (a relative PATH: relative to the current
#                    directory, which the program runs in); an executable's
#                    shared libraries come along. Repeatable.
#   --module NAME    also load kernel module NAME (and what it depends on).
#                    Loaded anyway: veth dummy sch_ingress cls_bpf act_bpf.
#   --env NAME=VALUE set an environment variable for PROGRAM. Repeatable.
#   --dmesg          print the guest's kernel log after PROGRAM ("# dmesg: ")
#
# PROGRAM runs as root in a copy of the current directory's path, with its
# shared libraries (ldd), the host's /bin/sh and busybox's applets; PROGRAM
# without a slash is a busybox applet if there is one, else the host's
# command of that name. Its stdout and stderr go, merged, to this script's
# stdout, after one line "# kernel: RELEASE". Kernel messages printed while
# it runs (a panic, say) go to stderr.
#
# The kernel is the package's version of the first fetch: remove the cache
# directory to fetch the newest.
#
# Exit status: PROGRAM's; 77 when the kernel cannot be fetched (no network,
# no apt) or the VM cannot be started here (no qemu and no way to install it),
# with a one-line reason on stderr; 1 when PROGRAM's exit status never came
# (guest crash, timeout), with the end of the console log on stderr; 2 for a
# usage error.
#
# Needs qemu-system-x86 and busybox-static (installed with apt-get when
# missing and root), apt-get and dpkg-deb, and /dev/kvm for speed.
set -eu

me=run-in-vm
root=$(cd "$(dirname "$0")/../.." && pwd)
initsh=$root/tests/kernel/init.sh
cache=$root/build/kernel-cache
timeout=120
mem=1024
cpus=2
dmesg=0
accel=${RUN_IN_VM_ACCEL:-auto}
adds=()
envs=()
modules=(veth dummy sch_ingress cls_bpf act_bpf)

usage() {
	sed -n '/^#   tests/,/^#   --dmesg/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}
die() { # die STATUS MESSAGE
	echo "$me: $2" >&2
	exit "$1"
}

while [ $# -gt 0 ]; do
	case $1 in
	--cache) [ $# -ge 2 ] || usage; cache=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	--mem) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
	--cpus) [ $# -ge 2 ] || usage; cpus=$2; shift 2 ;;
	--accel) [ $# -ge 2 ] || usage; accel=$2; shift 2 ;;
	--add) [ $# -ge 2 ] || usage; adds+=("$2"); shift 2 ;;
	--module) [ $# -ge 2 ] || usage; modules+=("$2"); shift 2 ;;
	--env)
		[ $# -ge 2 ] || usage
		case $2 in [A-Za-z_]*=*) ;; *) die 2 "--env wants NAME=VALUE, not '$2'" ;; esac
		envs+=("$2")
		shift 2
		;;
	--dmesg) dmesg=1; shift ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) die 2 "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
case $accel in auto | kvm | tcg) ;; *) die 2 "--accel wants auto, kvm or tcg, not '$accel'" ;; esac
for n in "$timeout" "$mem" "$cpus"; do
	case $n in '' | *[!0-9]*) die 2 "not a positive number: '$n'" ;; esac
done

# --- Host tools ---------------------------------------------------------------

busybox=""
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then # static
		busybox=$b
		break
	fi
done
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 || [ -z "$busybox" ]; then
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		die 77 "needs qemu-system-x86_64 and a static busybox: apt-get install qemu-system-x86 busybox-static"
	fi
	echo "$me: installing qemu-system-x86 busybox-static" >&2
	export DEBIAN_FRONTEND=noninteractive
	pkgs="qemu-system-x86 busybox-static"
	# shellcheck disable=SC2086 # two package names
	if ! apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1 || true
		apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1 ||
			die 77 "cannot install $pkgs with apt-get"
	fi
	busybox=/bin/busybox
fi
for t in dpkg-deb timeout gzip; do
	command -v "$t" >/dev/null 2>&1 || die 77 "needs $t"
done

# --- The kernel, fetched once ---------------------------------------------------

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# Sets kdir (the extracted package) and kver (its release) from the cache.
kernel_from_cache() {
	local d
	[ -s "$cache/current" ] || return 1
	d=$cache/$(cat "$cache/current")
	for kver in "$d"/lib/modules/*; do
		kver=${kver##*/}
		break
	done
	[ -f "$d/boot/vmlinuz-$kver" ] || return 1
	kdir=$d
}

fetch_kernel() {
	local pkg dl deb version
	pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
	if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
		apt-get update -q >/dev/null 2>&1 || true
		pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
	fi
	[ -n "$pkg" ] || die 77 "apt knows no linux-image-cloud-amd64 here (not Debian, or no apt lists)"
	dl=$(mktemp -d "$cache/.fetch.XXXXXX")
	# apt drops to user _apt to download, which cannot write in our directory.
	if ! (cd "$dl" && apt-get -q -o APT::Sandbox::User="$(id -un)" download "$pkg") \
		>"$dl/log" 2>&1; then
		echo "$me: cannot download $pkg: $(grep -E '^(E|W):' "$dl/log" | head -n 1)" >&2
		rm -rf "$dl"
		exit 77
	fi
	deb=$(ls "$dl"/*.deb)
	version=$(dpkg-deb -f "$deb" Version)
	dpkg-deb -x "$deb" "$dl/root"
	rm -rf "${cache:?}/${pkg}_$version"
	mv "$dl/root" "$cache/${pkg}_$version"
	rm -rf "$dl"
	echo "${pkg}_$version" >"$cache/current.new"
	mv "$cache/current.new" "$cache/current"
	echo "$me: fetched $pkg $version into $cache" >&2
}

if ! kernel_from_cache; then
	# One fetch at a time; a second runner waits, then finds it in the cache.
	exec 9>"$cache/.lock"
	flock 9 2>/dev/null || true
	kernel_from_cache || fetch_kernel
	kernel_from_cache || die 77 "no kernel in $cache after the fetch"
	exec 9>&-
fi
case $kver in
6.1.*) ;;
*) echo "$me: warning: this apt gives kernel $kver, not Debian 12's 6.1" >&2 ;;
esac

# --- The initramfs ------------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-in-vm.XXXXXX")
qpid=""
# shellcheck disable=SC2317 # called by the traps
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
stage=$tmp/root
mkdir -p "$stage"/{bin,dev,etc/vm,proc,root,run,sys,tmp,usr/bin,usr/sbin,sbin}

# put SRC DEST: copies a file (symlinks followed), replacing whatever is there.
put() {
	mkdir -p "$(dirname "$stage$2")"
	rm -f "$stage$2"
	cp -L "$1" "$stage$2"
}

# with_libs FILE: copies the shared libraries FILE needs and the loader.
with_libs() {
	local lib
	ldd "$1" >/dev/null 2>&1 || return 0 # static, or not an ELF executable
	ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\) (.*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
		while read -r lib; do
			[ -e "$stage$lib" ] || put "$lib" "$lib"
		done
	if ldd "$1" | grep -q 'not found'; then
		echo "$me: warning: $1: $(ldd "$1" | grep 'not found' | tr -s ' \t' ' ')" >&2
	fi
}

abspath() { # a path as seen from the current directory, made absolute
	case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac
}

# The program: a path as given, else a busybox applet, else the host's command.
prog=$1
shift
case $prog in
*/*)
	[ -f "$prog" ] || die 2 "no such program: $prog"
	put "$prog" "$(abspath "$prog")"
	with_libs "$prog"
	;;
*)
	if ! "$busybox" --list | grep -qx "$prog"; then
		p=$(command -v "$prog") || die 2 "no such program: $prog"
		put "$p" "$p"
		with_libs "$p"
	fi
	;;
esac

for a in ${adds[@]+"${adds[@]}"}; do
	[ -e "$a" ] || die 2 "--add: no such file: $a"
	dest=$(abspath "$a")
	if [ -d "$a" ]; then
		mkdir -p "$stage$dest"
		cp -a "$a/." "$stage$dest/"
	else
		put "$a" "$dest"
		with_libs "$a"
	fi
done

# /bin/sh: the host's (dash on Debian), as test scripts expect. busybox's sh
# would run its own applets before any program in PATH: an iproute2 ip put
# in /usr/sbin would lose to busybox's small ip.
if sh=$(readlink -f /bin/sh) && [ -x "$sh" ] && ldd "$sh" >/dev/null 2>&1; then
	put "$sh" /bin/sh
	with_libs "$sh"
fi
# busybox and its applets, where nothing was put already
put "$busybox" /bin/busybox
"$busybox" --list-full | while read -r applet; do
	[ -e "$stage/$applet" ] || [ -L "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

put "$initsh" /init
chmod 0755 "$stage/init"
echo 'root:x:0:0:root:/root:/bin/sh' >"$stage/etc/passwd"
echo 'root:x:0:' >"$stage/etc/group"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$stage/etc/hosts"

# Kernel modules and what they depend on (the .modinfo "depends=" field),
# dependencies first, decompressed: busybox insmod wants plain .ko files.
mods=$kdir/lib/modules/$kver
modpath() { # the file of module $1 (- and _ are the same), or nothing
	find "$mods/kernel" -name "$1.ko*" -o -name "$(echo "$1" | tr _ -).ko*" -o \
		-name "$(echo "$1" | tr - _).ko*" | head -n 1
}
loaded=" "
load_module() {
	local f name dep plain
	f=$(modpath "$1")
	[ -n "$f" ] || die 2 "kernel $kver has no module $1 (built in?)"
	name=$(basename "$f")
	name=${name%%.ko*}
	case $loaded in *" $name "*) return 0 ;; esac
	plain=$tmp/ko/$name.ko
	mkdir -p "$tmp/ko"
	case $f in
	*.ko.xz) xz -dc "$f" >"$plain" ;;
	*.ko.zst) zstd -qdc "$f" >"$plain" ;;
	*.ko.gz) gzip -dc "$f" >"$plain" ;;
	*) cp "$f" "$plain" ;;
	esac
	for dep in $(tr '\0' '\n' <"$plain" | sed -n 's/^depends=//p' | head -n 1 | tr , ' '); do
		load_module "$dep"
	done
	case $loaded in *" $name "*) return 0 ;; esac
	loaded="$loaded$name "
	put "$plain" "/lib/modules/$kver/$name.ko"
	echo "/lib/modules/$kver/$name.ko" >>"$stage/etc/vm/modules"
}
: >"$stage/etc/vm/modules"
for m in "${modules[@]}"; do
	load_module "$m"
done

# sq WORD: WORD quoted for sh
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
token="RUN-IN-VM-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
{
	echo "VM_TOKEN=$token"
	echo "VM_CWD=$(sq "$PWD")"
	echo "VM_DMESG=$dmesg"
	for e in ${envs[@]+"${envs[@]}"}; do
		echo "export $(sq "$e")"
	done
	printf 'set -- %s' "$(sq "$prog")"
	for a in "$@"; do
		printf ' %s' "$(sq "$a")"
	done
	echo
} >"$stage/etc/vm/env"
mkdir -p "$stage$PWD"

(cd "$stage" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
	gzip -1 >"$tmp/initramfs.gz"

# --- The VM -------------------------------------------------------------------------

# KVM when it is the hardware kind (kvm_intel, kvm_amd). Other /dev/kvm
# providers, such as the PVM module of some nested clouds, fail on stock
# kernels (emulation failure on cmpxchg16b, or no progress at all): emulate.
case $accel in
auto)
	accel=tcg
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		if [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; then
			accel=kvm
		else
			echo "# vm: /dev/kvm is not hardware KVM here (kvm_intel/kvm_amd absent): emulating the CPU" >&2
		fi
	fi
	;;
esac
if [ "$accel" = kvm ]; then
	qaccel=(-accel kvm -cpu host)
else
	qaccel=(-accel "tcg,thread=multi" -cpu max)
fi

# Console lines (the BIOS leaves escapes without a newline before the
# kernel's): before "TOKEN BEGIN" only the KERNEL marker is shown (as
# "# kernel: RELEASE"), then PROGRAM's lines go to stdout until "TOKEN EXIT N"
# (kernel messages, "[ seconds] ...", to stderr); N goes to $tmp/status.
filter() {
	awk -v tok="$token" -v status="$tmp/status" '
	{ sub(/\r+$/, ""); gsub(/\r/, "") }
	state == 0 && (i = index($0, tok " KERNEL ")) {
		print "# kernel: " substr($0, i + length(tok " KERNEL ")); fflush(); next
	}
	state == 0 && index($0, tok " BEGIN") { state = 1; next }
	state == 1 && (i = index($0, tok " EXIT ")) {
		if (i > 1) { print substr($0, 1, i - 1); fflush() }
		print substr($0, i + length(tok " EXIT ")) > status; close(status)
		state = 2; next
	}
	state == 1 && /^\[ *[0-9]+\.[0-9]+\] / { print > "/dev/stderr"; fflush("/dev/stderr"); next }
	state == 1 { print; fflush() }'
}

# timeout(1) runs qemu in a process group of its own, so that a ^C or a TERM
# reaches qemu through cleanup(), which signals timeout; waiting in the
# background lets those traps run at once.
#
# Under emulation (tcg) a boot now and then makes no progress at all after
# the BIOS: no kernel line, until the timeout. A guest that has not reached
# its init (the KERNEL marker) within $boot_wait seconds, 10 times its usual
# boot under emulation, is stopped and booted once more.
boot_wait=${RUN_IN_VM_BOOT_WAIT:-30}
boot() { # boot ATTEMPT: qemu and the console filter; sets qrc
	rm -f "$tmp/console.fifo" "$tmp/no_boot"
	mkfifo "$tmp/console.fifo"
	timeout --kill-after=5 "$timeout" qemu-system-x86_64 "${qaccel[@]}" -m "$mem" -smp "$cpus" \
		-nographic -no-reboot -nodefaults -serial stdio -monitor none \
		-kernel "$kdir/boot/vmlinuz-$kver" -initrd "$tmp/initramfs.gz" \
		-append "console=ttyS0 quiet panic=-1 oops=panic rdinit=/init" \
		</dev/null >"$tmp/console.fifo" 2>"$tmp/qemu.err" &
	qpid=$!
	tee "$tmp/console" <"$tmp/console.fifo" | filter &
	fpid=$!
	wpid=""
	if [ "$1" -eq 1 ]; then
		(
			for _ in $(seq $((boot_wait * 10))); do
				grep -q "$token KERNEL" "$tmp/console" 2>/dev/null && exit 0
				sleep 0.1
			done
			: >"$tmp/no_boot"
			kill "$qpid" 2>/dev/null
		) &
		wpid=$!
	fi
	set +e
	wait "$fpid"
	wait "$qpid"
	qrc=$?
	[ -z "$wpid" ] || { kill "$wpid" 2>/dev/null; wait "$wpid"; }
	set -e
	qpid=""
}
boot 1
if [ -e "$tmp/no_boot" ] && [ ! -s "$tmp/status" ]; then
	echo "# vm: no kernel output ${boot_wait}s after the BIOS: booting again" >&2
	boot 2
fi

if [ -s "$tmp/status" ]; then
	exit "$(cat "$tmp/status")"
fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	echo "$me: timed out after ${timeout}s: killed the VM; no exit status from $prog" >&2
else
	echo "$me: the VM stopped (qemu status $qrc) without $prog's exit status" >&2
fi
if [ -s "$tmp/qemu.err" ]; then
	sed 's/^/  qemu: /' "$tmp/qemu.err" >&2
fi
echo "$me: last console lines:" >&2
tr -d '\r' <"$tmp/console" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' | tail -n 25 | sed 's/^/  | /' >&2
exit 1
