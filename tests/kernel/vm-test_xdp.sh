#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test_xdp on Debian 12's kernel (make check-kernel).
exec "$(dirname "$0")/vm-suite.sh" --timeout 600 -- "${BUILD:-build}/tests/test_xdp"
