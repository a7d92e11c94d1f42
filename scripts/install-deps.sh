#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Installs what Hyperion needs to build, test or package, and nothing that is
# already there. Called by the Makefile; safe to run by hand.
#
#   scripts/install-deps.sh [--check] SET...
#
# SET is build, test, bench or package. With --check, only report what is
# missing (exit 1 if anything is). Debian and Ubuntu use apt-get; on
# Fedora/RHEL the script names the dnf packages instead:
#
#   build:   dnf install clang llvm bpftool libbpf-devel elfutils-libelf-devel
#                zlib-devel libyaml-devel systemd-devel pkgconf-pkg-config make gcc
#   test:    dnf install iproute procps-ng clang-tools-extra util-linux jq rsyslog systemd
#            valgrind compiler-rt
#            qemu-system-x86 busybox
#   package: dnf install rpm-build rpmlint elfutils mandoc systemd-container
set -eu

check_only=0
if [ "${1:-}" = "--check" ]; then
	check_only=1
	shift
fi
[ $# -gt 0 ] || set -- build

missing=""
need_pkg() { # need_pkg DEBIAN_PACKAGE TEST...
	pkg=$1
	shift
	if ! "$@" >/dev/null 2>&1; then
		case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
	fi
}
have_cmd() { command -v "$1" || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
have_pc() { pkg-config --exists "$1"; }
have_file() { [ -e "$1" ]; }
have_fuzzer() { # clang links libFuzzer, ASan and UBSan
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' |
		clang -fsanitize=fuzzer,address,undefined -x c - -o /dev/null
}

for set in "$@"; do
	case $set in
	build)
		need_pkg make have_cmd make
		need_pkg gcc have_cmd gcc
		need_pkg pkg-config have_cmd pkg-config
		need_pkg clang have_cmd clang
		need_pkg bpftool have_cmd bpftool
		need_pkg linux-libc-dev have_file /usr/include/linux/bpf.h
		need_pkg libbpf-dev have_pc libbpf
		need_pkg libelf-dev have_pc libelf
		need_pkg zlib1g-dev have_pc zlib
		need_pkg libyaml-dev have_pc yaml-0.1
		need_pkg libsystemd-dev have_pc libsystemd
		;;
	test)
		need_pkg iproute2 have_cmd ip
		need_pkg procps have_cmd pkill
		need_pkg clang-format have_cmd clang-format
		need_pkg util-linux have_cmd nsenter
		need_pkg valgrind have_cmd valgrind
		need_pkg libclang-rt-14-dev have_fuzzer
		need_pkg jq have_cmd jq
		need_pkg rsyslog have_cmd rsyslogd
		need_pkg systemd have_file /lib/systemd/systemd-journald
		need_pkg qemu-system-x86 have_cmd qemu-system-x86_64
		need_pkg busybox-static have_file /bin/busybox
		need_pkg xz-utils have_cmd xz
		;;
	bench)
		need_pkg gnuplot-nox have_cmd gnuplot
		need_pkg wamerican have_file /usr/share/dict/words
		need_pkg iptables have_cmd iptables
		need_pkg ulogd2 have_cmd ulogd
		need_pkg ulogd2-json have_file /usr/lib/x86_64-linux-gnu/ulogd/ulogd_output_JSON.so
		need_pkg ethtool have_cmd ethtool
		;;
	package)
		need_pkg dpkg-dev have_cmd dpkg-buildpackage
		need_pkg debhelper have_cmd dh
		need_pkg lintian have_cmd lintian
		need_pkg rpm have_cmd rpmbuild
		need_pkg rpmlint have_cmd rpmlint
		need_pkg elfutils have_cmd eu-strip
		need_pkg mandoc have_cmd mandoc
		need_pkg systemd-container have_cmd systemd-nspawn
		need_pkg cpio have_cmd cpio
		need_pkg man-db have_cmd man
		;;
	*)
		echo "install-deps: unknown set '$set' (build, test, bench, package)" >&2
		exit 2
		;;
	esac
done

[ -n "$missing" ] || exit 0
if [ $check_only -eq 1 ]; then
	echo "missing Debian packages:$missing"
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: no apt-get here; install the equivalents of:$missing" >&2
	echo "install-deps: (the dnf package names are listed at the top of $0)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing:$missing; run as root or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Packages such as rsyslog start their daemon on installation on hosts
# without systemd; the tests start their own, so forbid that meanwhile.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086 # word splitting of the package list is wanted
if ! apt-get install -y -q --no-install-recommends $missing; then
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi
