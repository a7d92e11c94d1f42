# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# Sourced first, before anything else runs, by a script that mounts things:
# as root it runs the script again (same arguments) in a private mount
# namespace, so that what it mounts is its own and goes away with it.
# Directories it creates to mount on are the host's: see tmpfs_at in
# tests/e2e/lib.sh.
if [ -z "${HYP_IN_MNTNS:-}" ] && [ "$(id -u)" -eq 0 ]; then
	HYP_IN_MNTNS=1 exec unshare --mount --propagation private "$0" "$@"
fi
