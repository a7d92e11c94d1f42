// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the configuration parser: every refusal with its exact
 * message and position, the defaults, every field reaching struct
 * hyp_config_file, and hyp_config_load() on files that are not what they
 * should be (a directory, a FIFO, an oversized file, ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "ruleset.h"
#include "tap.h"

#define IFACE	    "interfaces:\n  - name: eth0\n"		     /* lines 1-2 */
#define SIG	    IFACE "signatures:\n  - name: a\n"		     /* lines 1-4 */
#define SIGAB	    SIG "    pattern: ab\n"			     /* lines 1-5 */
#define OUT	    IFACE "outputs:\n  syslog:\n    enabled: true\n" /* lines 1-5 */

#define PORT_EXPECT "expected a port from 1 to 65535 or a range like \"8000-8100\""
#define ESC_EXPECT                                                                               \
	"expected \\xNN, \\\\, \\\", \\0, \\n, \\r or \\t (a backslash is written \\\\, in any " \
	"quotes)"
#define DQ_EXPECT                                                                               \
	"in double quotes, where a backslash starts an escape such as \\\\, \\\", \\n, \\t or " \
	"\\xNN; write \\\\ for a backslash, or (except in a pattern) use single quotes, which " \
	"keep it as it is"
#define REPEAT_EXPECT                                                                         \
	"the same bytes, action, protocol and ports, so it could never be the one reported; " \
	"remove one, or give them different actions, protocols or ports"
#define HOST_EXPECT "expected 1 to 255 printable ASCII characters without spaces"
#define KEY_AFTER_LIST                                                                           \
	"did not find expected key (while parsing a block mapping at 1:1); 'interfaces: []' on " \
	"line 1 is an empty list: delete the '[]' to give its entries on the lines below"
#define HEX_EXPECT  "expected pairs of hex digits, optionally separated by spaces or colons"
#define BOOL_EXPECT "expected true or false (or yes/no, on/off)"

struct bad_case {
	const char *name;
	const char *yaml;
	const char *error; /* exactly, after "t.yaml:" */
};

static const struct bad_case bad_cases[] = {
	/* The document */
	{ "empty file", "",
	  "1:1: empty configuration; expected a mapping with at least 'interfaces'" },
	{ "comments only", "# nothing\n",
	  "2:1: empty configuration; expected a mapping with at least 'interfaces'" },
	{ "document marker only", "---\n",
	  "2:1: empty configuration; expected a mapping with at least 'interfaces'" },
	{ "top level is a list", "- eth0\n",
	  "1:1: the configuration is a list; expected a mapping" },
	{ "top level is a scalar", "hello\n",
	  "1:1: the configuration is 'hello'; expected a mapping" },
	{ "two documents", IFACE "---\nlog_level: info\n",
	  "3:1: multiple documents are not allowed; expected one" },
	{ "interfaces missing", "log_level: info\n",
	  "1:1: missing key 'interfaces' in the configuration; it is required" },
	{ "unknown top-level key", IFACE "logging: debug\n",
	  "3:1: unknown key 'logging' in the configuration; expected one of log_level, interfaces, "
	  "signatures, events, filter, outputs" },
	{ "duplicate key", IFACE "log_level: info\nlog_level: debug\n",
	  "4:1: duplicate key 'log_level' in the configuration (first at line 3); give each key "
	  "once" },
	{ "key that is a list", IFACE "? [a]\n: b\n",
	  "3:3: a key in the configuration is a list; expected a plain word" },
	{ "unknown key shown escaped", IFACE "\"a\\nb\\e\": 1\n",
	  "3:1: unknown key 'a\\x0ab\\x1b' in the configuration; expected one of log_level, "
	  "interfaces, signatures, events, filter, outputs" },
	{ "syntax error: unclosed quote", IFACE "log_level: 'info\n",
	  "4:1: found unexpected end of stream (while scanning a quoted scalar at 3:12)" },
	{ "syntax error: unclosed flow list", "interfaces: [\n",
	  "2:1: did not find expected node content (while parsing a flow node at 2:1)" },
	{ "syntax error: tab indentation", "interfaces:\n\t- name: eth0\n",
	  "2:1: found character that cannot start any token (while scanning for the next token at "
	  "2:1)" },
	{ "entries under an empty list", "interfaces: []\n  - name: eth0\n",
	  "2:3: " KEY_AFTER_LIST },
	{ "entries under an empty list, after a comment",
	  "interfaces: [] # none yet\r\n\r\n  # an example:\r\n  - name: eth0\r\n",
	  "4:3: " KEY_AFTER_LIST },
	{ "entries under an empty list at column 1", "signatures: []\n- name: a\n",
	  "2:1: did not find expected key (while parsing a block mapping at 1:1); 'signatures: []' "
	  "on line 1 is an empty list: delete the '[]' to give its entries on the lines below" },
	{ "keys under an empty mapping", IFACE "outputs: {}\n  console:\n",
	  "4:3: did not find expected key (while parsing a block mapping at 1:1); 'outputs: {}' on "
	  "line 3 is an empty mapping: delete the '{}' to give its entries on the lines below" },
	{ "a key indented less than the one with {} above it",
	  IFACE "outputs:\n  console: {}\n syslog: {}\n",
	  "5:2: did not find expected key (while parsing a block mapping at 1:1)" },
	{ "a line at the column of the key with [] that is no entry",
	  "interfaces: []\n: []\n  - x\n",
	  "2:1: did not find expected key (while parsing a block mapping at 1:1)" },
	{ "entries under an empty list after a BOM", "\xef\xbb\xbfinterfaces: []\n  - name: eth0\n",
	  "2:3: " KEY_AFTER_LIST },
	{ "entries under a value with [] in its comment", "log_level: info # []\n  - name: eth0\n",
	  "2:3: did not find expected key (while parsing a block mapping at 1:1)" },
	{ "a YAML escape error outside a pattern", OUT "    hostname: \"a\\qb\"\n",
	  "6:17: bad escape '\\q' " DQ_EXPECT },
	{ "a short YAML escape outside a pattern", OUT "    target: \"\\u12\"\n",
	  "6:14: bad escape '\\u12' " DQ_EXPECT },
	{ "a YAML escape error in a key", IFACE "\"log_level\\q\": info\n",
	  "3:11: bad escape '\\q' " DQ_EXPECT },
	{ "a YAML escape of a multibyte character outside a pattern",
	  OUT "    hostname: \"a\\\xc3\xa9\"\n",
	  "6:17: bad escape '\\' followed by \\xc3\\xa9 " DQ_EXPECT },
	{ "a YAML escape error after a multibyte character", IFACE "\"\xc3\xa9\\q\": 1\n",
	  "3:3: bad escape '\\q' " DQ_EXPECT },
	{ "anchor", IFACE "log_level: &l info\n",
	  "3:12: anchors and aliases are not allowed; write each value in full" },
	{ "alias", "interfaces:\n  - *eth\n",
	  "2:5: anchors and aliases are not allowed; write each value in full" },
	{ "anchor on a mapping", "interfaces:\n  - &i {name: eth0}\n",
	  "2:5: anchors and aliases are not allowed; write each value in full" },
	{ "standard tag", IFACE "log_level: !!str info\n",
	  "3:12: tags are not allowed; write the value without '!'" },
	{ "local tag on a list", "interfaces: !x [eth0]\n",
	  "1:13: tags are not allowed; write the value without '!'" },
	{ "invalid UTF-8", IFACE "log_level: inf\xff\n",
	  "3:15: invalid UTF-8 (byte 0xff); expected UTF-8 text" },
	{ "invalid UTF-8 after a multibyte character", IFACE "# \xc3\xa9\xc3\n",
	  "3:4: invalid UTF-8 (byte 0xc3); expected UTF-8 text" },
	{ "overlong UTF-8", IFACE "# \xc0\xaf\n",
	  "3:3: invalid UTF-8 (byte 0xc0); expected UTF-8 text" },
	{ "UTF-16 surrogate in UTF-8", "# \xed\xa0\x80\n",
	  "1:3: invalid UTF-8 (byte 0xed); expected UTF-8 text" },
	{ "control character",
	  IFACE "log_level: in\x01"
		"fo\n",
	  "3:14: control characters are not allowed" },
	{ "deep nesting is a type error at once", IFACE "events: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
	  "3:9: events is a list; expected a mapping" },
	{ "log_level not valid", IFACE "log_level: verbose\n",
	  "3:12: log_level 'verbose' is not valid; expected error, warning, info or debug" },
	{ "log_level upper case", IFACE "log_level: INFO\n",
	  "3:12: log_level 'INFO' is not valid; expected error, warning, info or debug" },

	/* Interfaces */
	{ "interfaces is a scalar", "interfaces: eth0\n",
	  "1:13: interfaces is 'eth0'; expected a list of 0 to 64 interfaces" },
	{ "interface is a scalar", "interfaces:\n  - eth0\n",
	  "2:5: interface is 'eth0'; expected a mapping" },
	{ "interface without a name", "interfaces:\n  - mode: native\n",
	  "2:5: missing key 'name' in interface; it is required" },
	{ "interface mode", IFACE "    mode: fast\n",
	  "3:11: mode 'fast' is not valid; expected native, generic or auto" },
	{ "interface name too long", "interfaces:\n  - name: abcdefghijklmnop\n",
	  "2:11: interface name 'abcdefghijklmnop' is not valid; expected 1 to 15 characters without "
	  "'/', ':' or spaces" },
	{ "interface name ..", "interfaces:\n  - name: ..\n",
	  "2:11: interface name '..' is not valid; expected 1 to 15 characters without '/', ':' or "
	  "spaces" },
	{ "interface name with a slash", "interfaces:\n  - name: a/b\n",
	  "2:11: interface name 'a/b' is not valid; expected 1 to 15 characters without '/', ':' or "
	  "spaces" },
	{ "interface listed twice", IFACE "  - name: eth0\n",
	  "3:11: interface 'eth0' is listed twice; list each interface once" },
	{ "interface unknown key", IFACE "    driver: e1000\n",
	  "3:5: unknown key 'driver' in interface; expected one of name, mode" },

	/* Signatures */
	{ "signatures is a mapping", IFACE "signatures: {}\n",
	  "3:13: signatures is a mapping; expected a list of at most 16384 signatures" },
	{ "signature is a scalar", IFACE "signatures:\n  - hack\n",
	  "4:5: signature is 'hack'; expected a mapping" },
	{ "unknown key in a signature", SIGAB "    acton: drop\n",
	  "6:5: unknown key 'acton' in signature; expected one of name, pattern, hex, action, "
	  "protocol, ports" },
	{ "signature without a name", IFACE "signatures:\n  - pattern: ab\n",
	  "4:5: missing key 'name' in signature; it is required" },
	{ "signature with neither pattern nor hex", SIG "    action: drop\n",
	  "4:5: signature has neither pattern nor hex; expected one of them" },
	{ "signature with pattern and hex", SIGAB "    hex: 6162\n",
	  "6:5: signature has both pattern and hex; expected one of them" },
	{ "signature name with a space", IFACE "signatures:\n  - name: a b\n    pattern: x\n",
	  "4:11: signature name 'a b' is not valid; expected 1 to 63 characters of A-Z, a-z, 0-9, "
	  "'.', '_' and '-'" },
	{ "signature name of 64 characters",
	  IFACE "signatures:\n  - name: "
		"0123456789012345678901234567890123456789012345678901234567890123\n",
	  "4:11: signature name '012345678901234567890123456789012345678901234567...' is not valid; "
	  "expected 1 to 63 characters of A-Z, a-z, 0-9, '.', '_' and '-'" },
	{ "signature name empty", IFACE "signatures:\n  - name: ''\n",
	  "4:11: signature name '' is not valid; expected 1 to 63 characters of A-Z, a-z, 0-9, '.', "
	  "'_' and '-'" },
	{ "signature name used twice", SIGAB "  - name: b\n    pattern: cd\n  - name: a\n",
	  "8:11: signature name 'a' is already used at line 4" },
	{ "action", SIGAB "    action: block\n",
	  "6:13: action 'block' is not valid; expected drop or alert" },
	{ "protocol", SIGAB "    protocol: icmp\n",
	  "6:15: protocol 'icmp' is not valid; expected tcp, udp or any" },
	{ "pattern of 9 bytes", SIG "    pattern: abcdefghi\n",
	  "5:14: pattern is 9 bytes; a signature has 1 to 8 bytes" },
	{ "pattern of 9 bytes after escapes", SIG "    pattern: 'abcdefg\\x00\\x00'\n",
	  "5:14: pattern is 9 bytes; a signature has 1 to 8 bytes" },
	{ "pattern empty", SIG "    pattern: ''\n",
	  "5:14: pattern is empty; a signature has 1 to 8 bytes" },
	{ "pattern without a value", SIG "    pattern:\n",
	  "5:13: pattern is empty; a signature has 1 to 8 bytes" },
	{ "pattern is a list", SIG "    pattern: [a]\n",
	  "5:14: pattern is a list; expected text like 'ha\\x63k'" },
	{ "bad escape", SIG "    pattern: ab\\q\n",
	  "5:14: bad escape '\\q' in pattern at byte 3; " ESC_EXPECT },
	{ "backslash at the end", SIG "    pattern: 'ab\\'\n",
	  "5:14: incomplete escape '\\' in pattern at byte 3; " ESC_EXPECT },
	{ "\\x before a multibyte character", SIG "    pattern: 'a\\xZ\xc3\xa9'\n",
	  "5:14: bad escape '\\xZ' in pattern at byte 2; " ESC_EXPECT },
	{ "\\x without hex digits", SIG "    pattern: '\\xZZ'\n",
	  "5:14: bad escape '\\xZZ' in pattern at byte 1; " ESC_EXPECT },
	{ "escape of a non-ASCII character", SIG "    pattern: 'a\\\xc3\xa9'\n",
	  "5:14: bad escape '\\' followed by \\xc3\\xa9 in pattern at byte 2; " ESC_EXPECT },
	{ "escape of a tab", SIG "    pattern: 'a\\\t'\n",
	  "5:14: bad escape '\\' followed by \\x09 in pattern at byte 2; " ESC_EXPECT },
	{ "YAML escape in double quotes", SIG "    pattern: \"\\u0041\"\n",
	  "5:14: bad escape '\\u' in pattern at byte 1; " ESC_EXPECT },
	{ "escape libyaml refuses in double quotes", SIG "    pattern: \"a\\qb\"\n",
	  "5:14: bad escape '\\q' in pattern at byte 2; " ESC_EXPECT },
	{ "double-quoted \\q", SIG "    pattern: \"\\q\"\n",
	  "5:14: bad escape '\\q' in pattern at byte 1; " ESC_EXPECT },
	{ "double-quoted \\x with one hex digit", SIG "    pattern: \"\\x4\"\n",
	  "5:14: bad escape '\\x4' in pattern at byte 1; " ESC_EXPECT },
	{ "double-quoted \\x with a letter", SIG "    pattern: \"\\xg0\"\n",
	  "5:14: bad escape '\\xg0' in pattern at byte 1; " ESC_EXPECT },
	{ "double-quoted \\x at the end", SIG "    pattern: \"ab\\x\"\n",
	  "5:14: bad escape '\\x' in pattern at byte 3; " ESC_EXPECT },
	{ "double-quoted Windows path", SIG "    pattern: \"C:\\Windows\"\n",
	  "5:14: bad escape '\\W' in pattern at byte 3; " ESC_EXPECT },
	{ "single-quoted Windows path", SIG "    pattern: 'C:\\Windows'\n",
	  "5:14: bad escape '\\W' in pattern at byte 3; " ESC_EXPECT },
	{ "the first bad escape, one libyaml takes", SIG "    pattern: \"\\a\\q\"\n",
	  "5:14: bad escape '\\a' in pattern at byte 1; " ESC_EXPECT },
	{ "escape libyaml refuses in a flow mapping",
	  IFACE "signatures:\n  - {name: a, pattern: \"x\\q\"}\n",
	  "4:24: bad escape '\\q' in pattern at byte 2; " ESC_EXPECT },
	{ "escape libyaml refuses on the next line", SIG "    pattern:\n      \"x\\q\"\n",
	  "6:7: bad escape '\\q' in pattern at byte 2; " ESC_EXPECT },
	{ "escape libyaml refuses on a pattern's second line",
	  SIG "    pattern: \"x\\\n      \\q\"\n",
	  "5:14: a double-quoted pattern spans lines; expected it on one line" },
	{ "double-quoted pattern on two lines", SIG "    pattern: \"ab\n      cd\"\n",
	  "5:14: a double-quoted pattern spans lines; expected it on one line" },
	{ "hex with an odd digit count", SIG "    hex: 616\n",
	  "5:10: bad hex at byte 3: odd number of hex digits; " HEX_EXPECT },
	{ "hex with 0x", SIG "    hex: 0x61\n",
	  "5:10: bad hex at byte 2: not a hex digit; " HEX_EXPECT },
	{ "hex with a separator inside a byte", SIG "    hex: '6 1'\n",
	  "5:10: bad hex at byte 2: separator inside a byte; " HEX_EXPECT },
	{ "hex of 9 bytes", SIG "    hex: 00 11 22 33 44 55 66 77 88\n",
	  "5:10: hex is 9 bytes; a signature has 1 to 8 bytes" },
	{ "hex is a mapping", SIG "    hex: {a: 1}\n", "5:10: hex is a mapping; " HEX_EXPECT },
	{ "ports is a scalar", SIGAB "    ports: 80\n",
	  "6:12: ports is '80'; expected a list of 1 to 16 ports or port ranges (leave ports out "
	  "for any port)" },
	{ "ports is empty", SIGAB "    ports: []\n",
	  "6:12: ports is empty; expected 1 to 16 ports or port ranges (leave ports out for any "
	  "port)" },
	{ "port 0", SIGAB "    ports: [0]\n", "6:13: port '0' is out of range; " PORT_EXPECT },
	{ "port 65536", SIGAB "    ports: [80, 65536]\n",
	  "6:17: port '65536' is out of range; " PORT_EXPECT },
	{ "port with letters", SIGAB "    ports: [80x]\n",
	  "6:13: port '80x' is not valid; " PORT_EXPECT },
	{ "negative port", SIGAB "    ports: [-1]\n",
	  "6:13: port '-1' is not valid; " PORT_EXPECT },
	{ "port with a leading zero", SIGAB "    ports: [\"080\"]\n",
	  "6:13: port '080' is not valid; " PORT_EXPECT },
	{ "port range with a space", SIGAB "    ports: [\"80 - 90\"]\n",
	  "6:13: port '80 - 90' is not valid; " PORT_EXPECT },
	{ "port range reversed", SIGAB "    ports: [\"9000-8000\"]\n",
	  "6:13: port range '9000-8000' is reversed; expected lo-hi with lo <= hi" },
	{ "port range to 70000", SIGAB "    ports: [1-70000]\n",
	  "6:13: port '1-70000' is out of range; " PORT_EXPECT },
	{ "port is a list", SIGAB "    ports: [[80]]\n", "6:13: port is a list; " PORT_EXPECT },
	{ "17 ports",
	  SIGAB "    ports: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]\n",
	  "6:68: ports has more than 16 entries; expected 1 to 16 ports or port ranges (leave "
	  "ports out for any port)" },
	{ "patterns equal up to trailing NULs",
	  SIGAB "  - name: b\n    pattern: cd\n  - name: c\n    hex: '61 62 00'\n",
	  "9:10: pattern of signature 'c' equals that of 'a' (line 4) up to trailing NUL bytes; "
	  "events cannot tell them apart, so make them differ before the NULs" },
	{ "a signature repeated under another name", SIGAB "  - name: b\n    pattern: ab\n",
	  "7:14: signature 'b' repeats 'a' (line 4): " REPEAT_EXPECT },
	{ "a signature repeated after one on other ports",
	  SIGAB "    ports: [80]\n  - name: b\n    pattern: ab\n    ports: [443]\n  - name: c\n"
		"    hex: '6162'\n    ports: [80]\n",
	  "11:10: signature 'c' repeats 'a' (line 4): " REPEAT_EXPECT },
	{ "a signature repeating the second of its bytes",
	  SIGAB "    ports: [80]\n  - name: b\n    pattern: ab\n    ports: [443]\n  - name: c\n"
		"    pattern: ab\n    ports: [443]\n",
	  "11:14: signature 'c' repeats 'b' (line 7): " REPEAT_EXPECT },
	{ "the same ports in another order",
	  SIGAB "    ports: [80, 443]\n  - name: b\n    pattern: ab\n    ports: [443, 80]\n",
	  "8:14: signature 'b' repeats 'a' (line 4): " REPEAT_EXPECT },
	{ "a port range written out",
	  SIGAB "    ports: [80-81, 443]\n  - name: b\n    pattern: ab\n    ports: [443, 81, 80]\n",
	  "8:14: signature 'b' repeats 'a' (line 4): " REPEAT_EXPECT },
	{ "an alert after a drop that covers it",
	  SIGAB "  - name: b\n    pattern: ab\n    action: alert\n",
	  "7:14: signature 'b' could never be the one reported: 'a' (line 4), with the same bytes, "
	  "drops every packet that 'b' would alert on, and a drop wins over an alert; remove 'b', "
	  "or narrow the protocol or ports of 'a'" },
	{ "an alert before a drop that covers it",
	  SIGAB "    action: alert\n    ports: [80]\n  - name: b\n    pattern: ab\n",
	  "5:14: signature 'a' could never be the one reported: 'b' (line 8), with the same bytes, "
	  "drops every packet that 'a' would alert on, and a drop wins over an alert; remove 'a', "
	  "or narrow the protocol or ports of 'b'" },
	{ "udp after any protocol", SIGAB "  - name: b\n    pattern: ab\n    protocol: udp\n",
	  "7:14: signature 'b' could never be the one reported: 'a' (line 4), listed before it "
	  "with the same bytes and action, applies to every packet that 'b' does; list 'b' first, "
	  "or remove one" },
	{ "ports within earlier ranges that touch",
	  SIGAB "    ports: [80-84, 85-90]\n  - name: b\n    pattern: ab\n    ports: [83-87]\n",
	  "8:14: signature 'b' could never be the one reported: 'a' (line 4), listed before it "
	  "with the same bytes and action, applies to every packet that 'b' does; list 'b' first, "
	  "or remove one" },
	{ "ports within an earlier range",
	  SIGAB
	  "    ports: [80-90, 100]\n  - name: b\n    pattern: ab\n    ports: [85, 100, 81-83]\n",
	  "8:14: signature 'b' could never be the one reported: 'a' (line 4), listed before it "
	  "with the same bytes and action, applies to every packet that 'b' does; list 'b' first, "
	  "or remove one" },

	/* Events and filter */
	{ "events is a list", IFACE "events: []\n", "3:9: events is a list; expected a mapping" },
	{ "accept", IFACE "events:\n  accept: maybe\n",
	  "4:11: accept 'maybe' is not valid; expected off, new-flow or all" },
	{ "legacy_alerts not a boolean", IFACE "events:\n  legacy_alerts: maybe\n",
	  "4:18: legacy_alerts 'maybe' is not valid; " BOOL_EXPECT },
	{ "legacy_alerts capitalised", IFACE "events:\n  legacy_alerts: True\n",
	  "4:18: legacy_alerts 'True' is not valid; " BOOL_EXPECT },
	{ "legacy_alerts quoted", IFACE "events:\n  legacy_alerts: \"true\"\n",
	  "4:18: legacy_alerts is quoted; " BOOL_EXPECT ", without quotes" },
	{ "flow_table_size too small", IFACE "events:\n  flow_table_size: 100\n",
	  "4:20: flow_table_size 100 is out of range; expected an integer from 1024 to 4194304" },
	{ "realtime_priority over 99", IFACE "events:\n  realtime_priority: 100\n",
	  "4:22: realtime_priority 100 is out of range; expected an integer from 0 to 99" },
	{ "flow_table_size in hex", IFACE "events:\n  flow_table_size: 0x1000\n",
	  "4:20: flow_table_size '0x1000' is not valid; expected an integer from 1024 to 4194304" },
	{ "flow_table_size with a sign", IFACE "events:\n  flow_table_size: +2048\n",
	  "4:20: flow_table_size '+2048' is not valid; expected an integer from 1024 to 4194304" },
	{ "flow_table_size as a float", IFACE "events:\n  flow_table_size: 2048.0\n",
	  "4:20: flow_table_size '2048.0' is not valid; expected an integer from 1024 to 4194304" },
	{ "flow_table_size quoted", IFACE "events:\n  flow_table_size: '2048'\n",
	  "4:20: flow_table_size is quoted; expected an integer from 1024 to 4194304, without "
	  "quotes" },
	{ "flow_table_size overflowing 64 bits",
	  IFACE "events:\n  flow_table_size: 99999999999999999999999\n",
	  "4:20: flow_table_size 99999999999999999999999 is out of range; expected an integer from "
	  "1024 to 4194304" },
	{ "flow_table_size is a list", IFACE "events:\n  flow_table_size: [1]\n",
	  "4:20: flow_table_size is a list; expected an integer from 1024 to 4194304" },
	{ "flow_table_size without a value", IFACE "events:\n  flow_table_size:\n",
	  "4:19: flow_table_size is empty; expected an integer from 1024 to 4194304" },
	{ "rate too high", IFACE "events:\n  rate_limit:\n    rate: 10000001\n",
	  "5:11: rate 10000001 is out of range; expected an integer from 0 to 10000000" },
	{ "burst 0", IFACE "events:\n  rate_limit:\n    burst: 0\n",
	  "5:12: burst 0 is out of range; expected an integer from 1 to 100000000" },
	{ "summary_interval too long", IFACE "events:\n  rate_limit:\n    summary_interval: 3601\n",
	  "5:23: summary_interval 3601 is out of range; expected an integer from 1 to 3600" },
	{ "unknown key in rate_limit", IFACE "events:\n  rate_limit:\n    rates: 1\n",
	  "5:5: unknown key 'rates' in rate_limit; expected one of rate, burst, summary_interval" },
	{ "nonfirst_fragments", IFACE "filter:\n  nonfirst_fragments: reassemble\n",
	  "4:23: nonfirst_fragments 'reassemble' is not valid; expected pass or drop" },
	{ "ipv6_long_chains", IFACE "filter:\n  ipv6_long_chains: yes\n",
	  "4:21: ipv6_long_chains 'yes' is not valid; expected pass or drop" },

	/* Outputs */
	{ "console color", IFACE "outputs:\n  console:\n    color: blue\n",
	  "5:12: color 'blue' is not valid; expected auto, always or never" },
	{ "journald enabled: 1", IFACE "outputs:\n  journald:\n    enabled: 1\n",
	  "5:14: enabled '1' is not valid; " BOOL_EXPECT },
	{ "syslog enabled without a target", OUT,
	  "5:5: syslog is enabled without a target; expected \"host:port\", \"[ipv6]:port\" or, for "
	  "unix, a path" },
	{ "syslog target empty", OUT "    target: ''\n",
	  "6:13: target is empty; expected \"host:port\", \"[ipv6]:port\" or a socket path, or "
	  "leave target out while syslog is disabled" },
	{ "syslog target empty while disabled", IFACE "outputs:\n  syslog:\n    target:\n",
	  "5:12: target is empty; expected \"host:port\", \"[ipv6]:port\" or a socket path, or "
	  "leave target out while syslog is disabled" },
	{ "syslog transport", OUT "    transport: http\n",
	  "6:16: transport 'http' is not valid; expected udp, tcp or unix" },
	{ "syslog target without a port", OUT "    target: localhost\n",
	  "6:13: target 'localhost' is not valid; expected \"host:port\" or \"[ipv6]:port\" with a "
	  "port from 1 to 65535" },
	{ "syslog target IPv6 without brackets", OUT "    target: \"::1:514\"\n",
	  "6:13: target '::1:514' is not valid; expected \"host:port\" or \"[ipv6]:port\" with a port "
	  "from 1 to 65535" },
	{ "syslog target port 0", OUT "    target: \"[::1]:0\"\n",
	  "6:13: target '[::1]:0' is not valid; expected \"host:port\" or \"[ipv6]:port\" with a port "
	  "from 1 to 65535" },
	{ "syslog target bad IPv6", OUT "    target: \"[1.2.3.4]:514\"\n",
	  "6:13: target '[1.2.3.4]:514' is not valid; expected \"host:port\" or \"[ipv6]:port\" with "
	  "a port from 1 to 65535" },
	{ "syslog target port 70000", OUT "    target: log.example:70000\n",
	  "6:13: target 'log.example:70000' is not valid; expected \"host:port\" or \"[ipv6]:port\" "
	  "with a port from 1 to 65535" },
	{ "syslog target with a control character", OUT "    target: \"a\\tb:514\"\n",
	  "6:13: target 'a\\x09b:514' is not valid; expected printable ASCII" },
	{ "syslog unix target relative", OUT "    transport: unix\n    target: log.sock\n",
	  "7:13: target 'log.sock' is not valid for unix; expected an absolute path" },
	{ "syslog to /dev/log", OUT "    transport: unix\n    target: /dev/log\n",
	  "7:13: target /dev/log belongs to journald, which does not parse RFC 5424; use the "
	  "journald output, or a syslog daemon's own socket" },
	{ "syslog unix target too long",
	  OUT "    transport: unix\n    target: /"
	      "12345678901234567890123456789012345678901234567890"
	      "12345678901234567890123456789012345678901234567890"
	      "1234567\n",
	  "7:13: target is 108 bytes; a unix socket path has at most 107" },
	{ "syslog framing with udp", OUT "    target: \"127.0.0.1:514\"\n    framing: lf\n",
	  "7:14: framing lf applies to transport tcp only; remove it or use tcp" },
	{ "syslog framing with unix", OUT "    transport: unix\n    framing: lf\n    target: /a\n",
	  "7:14: framing lf applies to transport tcp only; remove it or use tcp" },
	{ "syslog facility", OUT "    facility: local8\n",
	  "6:15: facility 'local8' is not valid; expected kern, user, mail, daemon, auth, syslog, "
	  "lpr, news, uucp, cron, authpriv, ftp, local0, local1, local2, local3, local4, local5, "
	  "local6 or local7" },
	{ "syslog hostname with a space", OUT "    hostname: a b\n",
	  "6:15: hostname 'a b' is not valid; " HOST_EXPECT },
	{ "syslog hostname empty", OUT "    hostname: ''\n",
	  "6:15: hostname is empty; " HOST_EXPECT ", or leave hostname out for the host's name" },
	{ "syslog hostname \"\"", OUT "    hostname: \"\"\n",
	  "6:15: hostname is empty; " HOST_EXPECT ", or leave hostname out for the host's name" },
	{ "syslog hostname without a value", OUT "    hostname:\n",
	  "6:14: hostname is empty; " HOST_EXPECT ", or leave hostname out for the host's name" },
	{ "syslog enterprise_id 0", OUT "    enterprise_id: 0\n",
	  "6:20: enterprise_id 0 is out of range; expected an integer from 1 to 4294967295" },
	{ "syslog enterprise_id over 32 bits", OUT "    enterprise_id: 4294967296\n",
	  "6:20: enterprise_id 4294967296 is out of range; expected an integer from 1 to "
	  "4294967295" },
	{ "syslog queue_size 15", OUT "    queue_size: 15\n",
	  "6:17: queue_size 15 is out of range; expected an integer from 16 to 10000000" },
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct hyp_config_file cfg;
		struct hyp_config_error err = { "" };
		char want[600];
		int rc = hyp_config_parse("t.yaml", c->yaml, strlen(c->yaml), 0, &cfg, &err);

		snprintf(want, sizeof(want), "t.yaml:%s", c->error);
		if (!ok(rc == -1 && !strcmp(err.msg, want) && !cfg.sigs && !cfg.nsigs,
			"refused: %s", c->name))
			diag("got  %s\n# want %s", err.msg, want);
	}
}

static int parse(const char *yaml, struct hyp_config_file *cfg, int check_ifaces)
{
	struct hyp_config_error err = { "" };
	int rc = hyp_config_parse("t.yaml", yaml, strlen(yaml), check_ifaces, cfg, &err);

	if (rc)
		diag("%s", err.msg);
	return rc;
}

static void test_defaults(void)
{
	struct hyp_config_file c;
	static const struct hyp_config zero;

	if (!ok(parse(IFACE, &c, 0) == 0, "the smallest configuration"))
		return;
	ok(c.log_level == HYP_LOG_INFO, "log_level defaults to info");
	ok(c.nifaces == 1 && !strcmp(c.ifaces[0].name, "eth0") && c.ifaces[0].mode == HYP_XDP_AUTO,
	   "interface mode defaults to auto");
	ok(c.nsigs == 0 && !c.sigs, "no signatures");
	ok(!memcmp(&c.knobs, &zero, sizeof(zero)),
	   "knobs default to accept off, no legacy alerts, fragments and long chains passed");
	ok(c.flow_table_size == HYP_FLOWS_DEFAULT, "flow_table_size defaults to %d",
	   HYP_FLOWS_DEFAULT);
	ok(c.realtime_priority == 0, "the ring reader is not real-time by default");
	ok(c.ratelimit.rate == 1000 && c.ratelimit.burst == 2000 &&
		   c.ratelimit.summary_interval == 10,
	   "rate limit defaults to 1000/s, burst 2000, summary every 10 s");
	ok(c.console.enabled == 1 && c.console.color == HYP_COLOR_AUTO && !c.journald.enabled,
	   "console on with color auto, journald off");
	ok(!c.syslog.enabled && c.syslog.transport == HYP_SYSLOG_UDP && !c.syslog.target[0] &&
		   c.syslog.framing == HYP_FRAMING_OCTET && c.syslog.facility == 16 &&
		   !c.syslog.hostname[0] && c.syslog.enterprise_id == 32473 &&
		   c.syslog.queue_size == 10000,
	   "syslog off, udp, octet counting, local0, enterprise 32473, queue 10000");
	hyp_config_free(&c);
}

static const char full[] = "log_level: debug\n"
			   "interfaces:\n"
			   "  - name: eth0\n"
			   "    mode: native\n"
			   "  - {name: eth1, mode: generic}\n"
			   "signatures:\n"
			   "  - name: Example_1.0-x\n"
			   "    pattern: \"ha\\x63k\"\n"
			   "    action: alert\n"
			   "    protocol: tcp\n"
			   "    ports: [80, 443, \"8000-8100\", 9000-9001, \"22\"]\n"
			   "  - name: bytes\n"
			   "    hex: \"00 ff:10 \"\n"
			   "    protocol: \"udp\"\n"
			   "events:\n"
			   "  accept: new-flow\n"
			   "  legacy_alerts: on\n"
			   "  flow_table_size: 4194304\n"
			   "  realtime_priority: 99\n"
			   "  rate_limit: {rate: 0, summary_interval: 3600}\n"
			   "filter:\n"
			   "  nonfirst_fragments: drop\n"
			   "  ipv6_long_chains: drop\n"
			   "outputs:\n"
			   "  console: {enabled: no, color: never}\n"
			   "  journald:\n"
			   "    enabled: yes\n"
			   "  syslog:\n"
			   "    enabled: true\n"
			   "    transport: tcp\n"
			   "    target: \"[2001:db8::1]:6514\"\n"
			   "    framing: lf\n"
			   "    facility: authpriv\n"
			   "    hostname: edge-1.example\n"
			   "    enterprise_id: 4294967295\n"
			   "    queue_size: 16\n";

static void test_full(void)
{
	struct hyp_config_file c;
	const struct hyp_rule *r;
	__u64 want = 0;

	if (!ok(parse(full, &c, 0) == 0, "a configuration with every key"))
		return;
	ok(c.log_level == HYP_LOG_DEBUG && c.nifaces == 2 && c.ifaces[0].mode == HYP_XDP_NATIVE &&
		   !strcmp(c.ifaces[1].name, "eth1") && c.ifaces[1].mode == HYP_XDP_GENERIC,
	   "log level and interfaces, block and flow style");
	r = &c.sigs[0].rule;
	memcpy(&want, "hack", 4);
	ok(c.nsigs == 2 && !strcmp(c.sigs[0].name, "Example_1.0-x") && c.sigs[0].line == 7 &&
		   r->pattern == want && r->len == 4 && r->id == 0,
	   "signature name, line, pattern in memory order, id left 0");
	ok(r->action == HYP_ACTION_ALERT && r->protocol == 6, "action alert, protocol tcp");
	ok(r->nranges == 5 && r->port_lo[0] == 80 && r->port_hi[0] == 80 && r->port_lo[2] == 8000 &&
		   r->port_hi[2] == 8100 && r->port_lo[3] == 9000 && r->port_hi[3] == 9001 &&
		   r->port_lo[4] == 22 && r->port_hi[4] == 22,
	   "ports: integers, quoted ports and ranges, plain ranges");
	r = &c.sigs[1].rule;
	want = 0;
	memcpy(&want, "\x00\xff\x10", 3);
	ok(r->pattern == want && r->len == 3 && r->action == HYP_ACTION_DROP && r->protocol == 17 &&
		   r->nranges == 0 && c.sigs[1].line == 12,
	   "hex signature with NUL and 0xff, drop by default, quoted udp, any port");
	ok(c.knobs.accept_mode == HYP_ACCEPT_NEW_FLOW && c.knobs.legacy_alerts == 1 &&
		   c.knobs.nonfirst_frag == HYP_POLICY_DROP &&
		   c.knobs.v6_ext_too_deep == HYP_POLICY_DROP && !c.knobs.nrules,
	   "knobs: accept new-flow, legacy alerts, both drop policies, the rest zero");
	ok(c.flow_table_size == 4194304 && c.ratelimit.rate == 0 && c.ratelimit.burst == 1 &&
		   c.ratelimit.summary_interval == 3600,
	   "flow table at its maximum; rate 0 means unlimited and a burst of 1");
	ok(c.realtime_priority == 99, "realtime priority at its maximum");
	ok(!c.console.enabled && c.console.color == HYP_COLOR_NEVER && c.journald.enabled == 1,
	   "console off and never colored, journald on");
	ok(c.syslog.enabled && c.syslog.transport == HYP_SYSLOG_TCP &&
		   !strcmp(c.syslog.target, "[2001:db8::1]:6514") &&
		   c.syslog.framing == HYP_FRAMING_LF && c.syslog.facility == 10 &&
		   !strcmp(c.syslog.hostname, "edge-1.example") &&
		   c.syslog.enterprise_id == 4294967295u && c.syslog.queue_size == 16,
	   "syslog: tcp, IPv6 target, lf framing, authpriv, hostname, limits");
	hyp_config_free(&c);
	ok(!c.sigs && !c.nsigs, "hyp_config_free() clears the signatures");
	hyp_config_free(&c);
	ok(1, "hyp_config_free() twice is harmless");
}

struct pattern_case {
	const char *name;
	const char *yaml; /* the value of pattern: or hex: */
	const char *bytes;
	int len;
};

static const struct pattern_case pattern_cases[] = {
	{ "plain pattern with an escape", "pattern: ha\\x63k", "hack", 4 },
	{ "single-quoted pattern keeps backslashes", "pattern: 'a\\x41''b'", "aA'b", 4 },
	{ "double-quoted \\xff is the byte 0xff", "pattern: \"\\xff\\x00\"", "\xff\x00", 2 },
	{ "double-quoted \\\" and \\\\", "pattern: \"\\\"\\\\\"", "\"\\", 2 },
	{ "UTF-8 in a pattern is its bytes", "pattern: \"\xc3\xa9\\x21\"", "\xc3\xa9!", 3 },
	{ "hex without separators", "hex: 6861636b", "hack", 4 },
	{ "eight bytes", "pattern: \"12345678\"", "12345678", 8 },
	{ "one NUL byte", "hex: '00'", "", 1 },
};

static void test_patterns(void)
{
	for (size_t i = 0; i < sizeof(pattern_cases) / sizeof(pattern_cases[0]); i++) {
		const struct pattern_case *pc = &pattern_cases[i];
		struct hyp_config_file c;
		char yaml[256];
		__u64 want = 0;

		/* A byte order mark, multibyte characters and CRLF before the value
		 * move libyaml's count of characters away from the byte offset. */
		snprintf(yaml, sizeof(yaml),
			 "\xef\xbb\xbf# \xc3\xa9\xe2\x82\xac\r\n" SIG "    %s\r\n", pc->yaml);
		memcpy(&want, pc->bytes, (size_t)pc->len);
		ok(parse(yaml, &c, 0) == 0 && c.nsigs == 1 && c.sigs[0].rule.pattern == want &&
			   c.sigs[0].rule.len == pc->len,
		   "%s", pc->name);
		hyp_config_free(&c);
	}
}

static void test_accepted(void)
{
	struct hyp_config_file c;

	ok(parse(IFACE "events:\n  rate_limit:\n    rate: 7\n", &c, 0) == 0 &&
		   c.ratelimit.burst == 14,
	   "burst defaults to twice the rate");
	ok(parse(IFACE "events:\nfilter:\noutputs:\n  syslog:\nsignatures:\n", &c, 0) == 0 &&
		   c.console.enabled && !c.nsigs,
	   "sections without a value are empty");
	ok(parse("\xef\xbb\xbf" IFACE, &c, 0) == 0, "a UTF-8 byte order mark");
	ok(parse("%YAML 1.1\n---\n" IFACE "...\n", &c, 0) == 0, "a %%YAML directive and markers");
	ok(parse(OUT "    transport: unix\n    target: /run/rsyslog.sock\n", &c, 0) == 0 &&
		   c.syslog.transport == HYP_SYSLOG_UNIX &&
		   !strcmp(c.syslog.target, "/run/rsyslog.sock") &&
		   c.syslog.framing == HYP_FRAMING_OCTET && !c.syslog.hostname[0],
	   "unix syslog target; no hostname means the system's");
	ok(parse(OUT "    target: log.example:514\n    framing: octet-counting\n", &c, 0) == 0,
	   "a host name target; udp with the default framing spelled out");
	ok(parse(IFACE "log_level: \"error\"\nevents: {legacy_alerts: off}\n", &c, 0) == 0 &&
		   c.log_level == HYP_LOG_ERR && !c.knobs.legacy_alerts,
	   "quoted words; off is false");
	ok(parse("interfaces:\n  - name: lo\n", &c, 1) == 0, "interface lo exists");
	ok(parse("interfaces:\n  - name: hypnosuchif0\n", &c, 0) == 0,
	   "interfaces are not looked up without check_ifaces");
}

static void test_missing_iface(void)
{
	static const char yaml[] = "interfaces:\n  - name: lo\n  - name: hypnosuchif0\n";
	struct hyp_config_file c;
	struct hyp_config_error err;

	ok(hyp_config_parse("t.yaml", yaml, strlen(yaml), 1, &c, &err) == -1 &&
		   !strcmp(err.msg, "t.yaml:3:11: interface 'hypnosuchif0' does not exist"),
	   "an interface that does not exist: %s", err.msg);
}

/* A configuration with n interfaces, or with n signatures of which every
 * `same`th shares the pattern of the one before (0: all distinct). */
static char *generate(size_t nifaces, size_t nsigs, size_t same)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "interfaces:\n");
	for (size_t i = 0; i < nifaces; i++)
		fprintf(f, "  - name: if%zu\n", i);
	fprintf(f, "signatures:\n");
	for (size_t i = 0; i < nsigs; i++)
		if (same) /* the same pattern, on other ports */
			fprintf(f, "  - name: s%zu\n    pattern: p0\n    ports: [%zu]\n", i, i + 1);
		else
			fprintf(f, "  - name: s%zu\n    pattern: p%zu\n", i, i);
	fclose(f);
	return buf;
}

/* The same bytes in several signatures, each of which can be reported. */
static void test_same_bytes(void)
{
	static const char *const ok_cases[] = {
		"an alert, then a drop on fewer ports",
		SIGAB "    action: alert\n  - name: b\n    pattern: ab\n    ports: [80]\n",
		"a drop on fewer ports, then an alert",
		SIGAB "    ports: [80]\n  - name: b\n    pattern: ab\n    action: alert\n",
		"udp, then any protocol",
		SIGAB "    protocol: udp\n  - name: b\n    pattern: ab\n",
		"tcp, then udp",
		SIGAB "    protocol: tcp\n  - name: b\n    pattern: ab\n    protocol: udp\n",
		"port 80, then any port",
		SIGAB "    ports: [80]\n  - name: b\n    pattern: ab\n",
		"port ranges that end apart",
		SIGAB "    ports: [80-90]\n  - name: b\n    pattern: ab\n    ports: [80-100]\n",
		"ports 1-65535, then any port (port 0 too)",
		SIGAB "    ports: [1-65535]\n  - name: b\n    pattern: ab\n",
		"ranges that touch but leave a gap",
		SIGAB
		"    ports: [80-84, 86-90]\n  - name: b\n    pattern: ab\n    ports: [83-87]\n",
	};
	struct hyp_config_file c;

	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i += 2) {
		ok(parse(ok_cases[i + 1], &c, 0) == 0 && c.nsigs == 2, "same bytes, %s",
		   ok_cases[i]);
		hyp_config_free(&c);
	}
}

static void test_limits(void)
{
	struct hyp_config_file c;
	struct hyp_config_error err;
	char *y;
	int rc;

	y = generate(HYP_MAX_IFACES, 0, 0);
	ok(y && parse(y, &c, 0) == 0 && c.nifaces == HYP_MAX_IFACES, "64 interfaces");
	free(y);
	y = generate(HYP_MAX_IFACES + 1, 0, 0);
	rc = y ? hyp_config_parse("t.yaml", y, strlen(y), 0, &c, &err) : 0;
	ok(rc == -1 && !strcmp(err.msg, "t.yaml:66:5: interfaces has more than 64 entries; "
					"expected 0 to 64 interfaces"),
	   "65 interfaces refused: %s", err.msg);
	free(y);
	/* valid, for a shipped file that filters nothing; `run` refuses it */
	ok(parse("interfaces: []\n", &c, 0) == 0 && c.nifaces == 0, "an empty interface list");
	hyp_config_free(&c);
	ok(parse("interfaces:\n", &c, 0) == 0 && c.nifaces == 0, "interfaces without a value");
	hyp_config_free(&c);

	y = generate(1, HYP_MAX_RULES, 0);
	ok(y && parse(y, &c, 0) == 0 && c.nsigs == HYP_MAX_RULES &&
		   !strcmp(c.sigs[HYP_MAX_RULES - 1].name, "s16383") &&
		   c.sigs[HYP_MAX_RULES - 1].line == 3 + 2 * (HYP_MAX_RULES - 1) + 1,
	   "16384 signatures");
	hyp_config_free(&c);
	free(y);
	y = generate(1, HYP_MAX_RULES + 1, 0);
	rc = y ? hyp_config_parse("t.yaml", y, strlen(y), 0, &c, &err) : 0;
	ok(rc == -1 &&
		   !strcmp(err.msg, "t.yaml:32772:5: signatures has more than 16384 entries; "
				    "expected at most 16384 signatures") &&
		   !c.sigs,
	   "16385 signatures refused, nothing left allocated: %s", err.msg);
	free(y);

	y = generate(1, HYP_MAX_PATTERN_RULES, 1);
	ok(y && parse(y, &c, 0) == 0, "16 signatures with the same pattern");
	hyp_config_free(&c);
	free(y);
	y = generate(1, HYP_MAX_PATTERN_RULES + 1, 1);
	rc = y ? hyp_config_parse("t.yaml", y, strlen(y), 0, &c, &err) : 0;
	ok(rc == -1 && !strcmp(err.msg, "t.yaml:53:14: signature 's16' is the 17th with the "
					"pattern of 's0' (line 4); at most 16 signatures may "
					"share one pattern"),
	   "17 signatures with the same pattern refused: %s", err.msg);
	free(y);

	y = calloc(1, HYP_CONFIG_MAX_SIZE + 1);
	rc = y ? hyp_config_parse("t.yaml", y, HYP_CONFIG_MAX_SIZE + 1, 0, &c, &err) : 0;
	ok(rc == -1 && !strcmp(err.msg, "t.yaml:1:1: configuration is 4194305 bytes; expected at "
					"most 4194304"),
	   "a buffer over 4 MiB refused: %s", err.msg);
	free(y);
}

/* Signatures that the matcher cannot index are refused by name and line
 * (what check-config prints), with one of the signatures in their way. */
static void test_unindexable(void)
{
	static const char want[] =
		"signature 's16' (line 35): cannot be indexed: the hash bucket of its bytes already "
		"holds 16 other byte strings, the most it can, all different bytes that hash alike; "
		"change its bytes, or remove one of those byte strings (from every signature that has "
		"it); see signature 's0', line 3";
	__u32 b = HYP_BUCKET_INDEX(HYP_HASH(0x010001));
	struct hyp_config_error err = { "" };
	struct hyp_config_file c;
	struct hyp_ruleset rs;
	char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!ok(f != NULL, "open_memstream"))
		return;
	/* 17 3-byte hex signatures in one bucket: "010001", "21b501", ... */
	fprintf(f, "interfaces: []\nsignatures:\n");
	for (__u32 v = 1; v < 1u << 24 && n <= HYP_MAX_CHAIN; v++)
		if (v >> 16 && HYP_BUCKET_INDEX(HYP_HASH(v)) == b)
			fprintf(f, "  - name: s%zu\n    hex: \"%02x%02x%02x\"\n", n++, v & 0xff,
				v >> 8 & 0xff, v >> 16);
	fclose(f);
	ok(parse(buf, &c, 0) == 0 && c.nsigs == HYP_MAX_CHAIN + 1,
	   "17 signatures of distinct bytes are a valid configuration");
	if (!ok(hyp_ruleset_build(&rs, &c, NULL, &err) == -1 && !strcmp(err.msg, want),
		"whose 17th cannot be indexed: a hash collision"))
		diag("got  %s\n# want %s", err.msg, want);
	hyp_config_free(&c);
	free(buf);
}

/* ---- hyp_config_load() ---------------------------------------------- */

static char dir[] = "/tmp/hyp-test-config.XXXXXX";

static const char *in_dir(const char *name)
{
	static char path[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

static int write_file(const char *name, const char *text, mode_t mode)
{
	int fd = open(in_dir(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	if (n != (ssize_t)strlen(text))
		return -EIO;
	return chmod(in_dir(name), mode) ? -errno : 0;
}

static int sparse_file(const char *name, off_t size)
{
	int fd = open(in_dir(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc;

	if (fd < 0)
		return -errno;
	rc = ftruncate(fd, size) ? -errno : 0;
	close(fd);
	return rc;
}

/* Loads name from the test directory; expects err (or success, NULL). */
static int load_is(const char *name, const char *err_suffix, struct hyp_config_error *warn)
{
	struct hyp_config_file c;
	struct hyp_config_error err = { "" };
	char want[600];
	int rc = hyp_config_load(in_dir(name), 0, &c, &err, warn);

	hyp_config_free(&c);
	if (!err_suffix)
		return rc == 0 || (diag("%s", err.msg), 0);
	snprintf(want, sizeof(want), "%s%s", in_dir(name), err_suffix);
	if (rc == -1 && !strcmp(err.msg, want))
		return 1;
	diag("got  %s\n# want %s", err.msg, want);
	return 0;
}

static void test_load(void)
{
	struct hyp_config_error warn;

	if (!ok(mkdtemp(dir) != NULL, "temporary directory"))
		return;
	ok(write_file("ok.yaml", IFACE, 0644) == 0 && load_is("ok.yaml", NULL, &warn) &&
		   !warn.msg[0],
	   "a regular file, no warning");
	ok(load_is("missing.yaml", ": cannot open: No such file or directory", NULL),
	   "a missing file");
	ok(mkdir(in_dir("d"), 0755) == 0 &&
		   load_is("d", ": is a directory; expected a regular file", NULL),
	   "a directory");
	ok(mkfifo(in_dir("fifo"), 0600) == 0 &&
		   load_is("fifo", ": is a FIFO; expected a regular file", NULL),
	   "a FIFO, without waiting for a writer");
	ok(sparse_file("big.yaml", HYP_CONFIG_MAX_SIZE + 1) == 0 &&
		   load_is("big.yaml", ": is 4194305 bytes; expected at most 4194304", NULL),
	   "a file over 4 MiB refused before reading");
	ok(sparse_file("max.yaml", HYP_CONFIG_MAX_SIZE) == 0 &&
		   load_is("max.yaml", ":1:1: control characters are not allowed", NULL),
	   "a 4 MiB file is read; its NUL bytes are refused");
	ok(write_file("empty.yaml", "", 0644) == 0 &&
		   load_is("empty.yaml",
			   ":1:1: empty configuration; expected a mapping with at least 'interfaces'",
			   NULL),
	   "an empty file");
	ok(symlink("ok.yaml", in_dir("link.yaml")) == 0 && load_is("link.yaml", NULL, NULL),
	   "a symbolic link to a regular file");
	ok(write_file("open.yaml", IFACE, 0666) == 0 && load_is("open.yaml", NULL, &warn) &&
		   strstr(warn.msg, "open.yaml: writable by group or others (mode 0666"),
	   "a world-writable file loads with a warning: %s", warn.msg);
	if (geteuid() == 0)
		ok(chown(in_dir("ok.yaml"), 65534, 65534) == 0 && load_is("ok.yaml", NULL, &warn) &&
			   strstr(warn.msg, "ok.yaml: not owned by root (mode 0644, uid 65534)"),
		   "a file owned by another user loads with a warning: %s", warn.msg);
	else
		skip("needs root", "a file owned by another user loads with a warning");
	ok(write_file("bad.yaml", IFACE "log_level: loud\n", 0644) == 0 &&
		   load_is("bad.yaml",
			   ":3:12: log_level 'loud' is not valid; expected error, warning, info or "
			   "debug",
			   NULL),
	   "errors name the file");

	static const char *const names[] = { "ok.yaml",	  "d",	       "fifo",
					     "big.yaml",  "max.yaml",  "empty.yaml",
					     "link.yaml", "open.yaml", "bad.yaml" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (unlink(in_dir(names[i])) && errno == EISDIR)
			rmdir(in_dir(names[i]));
	ok(rmdir(dir) == 0, "temporary directory removed");
}

int main(void)
{
	alarm(60); /* a FIFO that blocks fails the suite instead of hanging it */
	test_bad();
	test_defaults();
	test_full();
	test_patterns();
	test_accepted();
	test_missing_iface();
	test_same_bytes();
	test_limits();
	test_unindexable();
	test_load();
	return done_testing();
}
