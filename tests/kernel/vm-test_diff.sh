#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test_diff on Debian 12's kernel (make check-kernel), 20,000 frames: the
# VM may emulate the CPU, where 100,000 would take minutes.
exec "$(dirname "$0")/vm-suite.sh" --timeout 600 -- "${BUILD:-build}/tests/test_diff" 20000
