#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The agent on a veth of Debian 12's kernel, with the malformed corpus
# (make check-kernel).
B=${BUILD:-build}
exec "$(dirname "$0")/vm-suite.sh" --timeout 600 --add /usr/sbin/ip --add "$B/hyperion" \
	--add "$B/tests/corpus" --add tests/kernel/attach.sh --env "BUILD=$B" -- \
	/bin/sh tests/kernel/attach.sh
