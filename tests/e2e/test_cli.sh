#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The command line as hyperion(8) describes it: usage, help, version, the
# exit statuses of check-config, and options given to a command they do not
# belong to (exit 2, saying why). Needs no root: nothing is loaded.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
HYPERION=$BUILD/hyperion
# shellcheck source=tests/lib/tap.sh
. "$TOP/tests/lib/tap.sh"

[ -x "$HYPERION" ] || skip_all "no $HYPERION (make)"
WORK=$(mktemp -d /tmp/hyperion-cli.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# run_cli ARGS...: exit status in RC, output in $WORK/out and $WORK/err
run_cli() {
	"$HYPERION" "$@" >"$WORK/out" 2>"$WORK/err"
	RC=$?
}

run_cli
[ $RC = 2 ] && grep -q '^Usage: hyperion COMMAND' "$WORK/err"
ok $? "no command: exit 2, the usage on standard error"
run_cli --help
[ $RC = 0 ] && grep -q '^Usage: hyperion COMMAND' "$WORK/out"
ok $? "--help: exit 0, the usage on standard output"
run_cli run --help
[ $RC = 0 ] && grep -q '^Usage: hyperion run' "$WORK/out"
ok $? "run --help: the command's own help"
run_cli help stats
[ $RC = 0 ] && grep -q '^Usage: hyperion stats' "$WORK/out"
ok $? "help stats: the command's own help"
run_cli help
[ $RC = 0 ] && grep -q '^Usage: hyperion COMMAND' "$WORK/out"
ok $? "help: exit 0, the usage on standard output"
for args in "help help" "help --help" "--help -h"; do
	# shellcheck disable=SC2086 # the arguments are words
	run_cli $args
	[ $RC = 0 ] && grep -q '^Usage: hyperion COMMAND' "$WORK/out"
	ok $? "$args: the usage"
done
while IFS='|' read -r args want; do
	# shellcheck disable=SC2086 # the arguments are words
	run_cli $args
	[ $RC = 0 ] && grep -q "^Usage: hyperion $want" "$WORK/out"
	ok $? "$args: the help of $want"
done <<'LIST'
--help run|run
-h check-config|check-config
help --version|version
LIST
run_cli bogus
[ $RC = 2 ] && grep -q "unknown command 'bogus'" "$WORK/err"
ok $? "an unknown command: exit 2, named"
run_cli version
[ $RC = 0 ] && grep -Eq '^hyperion [0-9]+\.[0-9]+' "$WORK/out"
ok $? "version: exit 0, 'hyperion X.Y...'"

# options given to a command they do not belong to
while IFS='|' read -r args want; do
	# shellcheck disable=SC2086 # the arguments are words
	run_cli $args
	[ $RC = 2 ] && grep -q -- "$want" "$WORK/err"
	ok $? "$args: exit 2, '$want'"
done <<'LIST'
version --json|--json is an option of stats only
run --json|--json is an option of stats only
run --condition|--condition is an option of check-config only
stats -c /etc/hyperion.yaml|stats reads no configuration file
version -c /etc/hyperion.yaml|version reads no configuration file
check-config a b|unexpected argument 'b'
check-config -c a -c b|-c given twice ('a', then 'b')
check-config -c a --config=b|-c given twice ('a', then 'b')
version foo|unexpected argument 'foo'
stats foo|unexpected argument 'foo'
bogus foo|unknown command 'bogus'
bogus --help|unknown command 'bogus'
help bogus|unknown command 'bogus'
help run foo|unexpected argument 'foo'
help help foo|unexpected argument 'foo'
--help -h foo|unexpected argument 'foo'
run --bogus|Usage: hyperion COMMAND
LIST

# check-config: 0 valid, 2 invalid (FILE:LINE:COLUMN), --condition 1 for
# a file that lists no interface and 0 for anything else
printf 'interfaces: []\n' >"$WORK/none.yaml"
printf 'interfaces: [eth0\n' >"$WORK/bad.yaml"
run_cli check-config "$WORK/none.yaml"
[ $RC = 0 ] && grep -q "none.yaml: valid: 0 interface(s), 0 signature(s)" "$WORK/out"
ok $? "check-config of a valid file: exit 0, what it holds"
run_cli check-config -c "$WORK/bad.yaml"
[ $RC = 2 ] && grep -Eq "bad.yaml:[0-9]+:[0-9]+:" "$WORK/err"
ok $? "check-config of an invalid file: exit 2, FILE:LINE:COLUMN"
run_cli check-config --condition "$WORK/none.yaml"
[ $RC = 1 ] && grep -q "lists no interfaces" "$WORK/err"
ok $? "check-config --condition, no interface listed: exit 1, saying so"
run_cli check-config --condition "$WORK/missing.yaml"
[ $RC = 0 ]
ok $? "check-config --condition, a file that cannot be read: exit 0 (run reports it)"

# run takes FILE with or without -c, and refuses one listing no interface
# with 2 before it loads anything (so no root needed here)
for args in "run $WORK/none.yaml" "run -c $WORK/none.yaml"; do
	# shellcheck disable=SC2086 # the words of args
	run_cli $args
	[ $RC = 2 ] && grep -q "none.yaml lists no interfaces" "$WORK/err"
	ok $? "$args: exit 2, the file read: it lists no interfaces"
done
done_testing
