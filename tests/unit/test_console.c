// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The console line is the telemetry specification's demo format, byte for
 * byte; no signature byte can break it.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "config.h"
#include "output.h"
#include "tap.h"
#include "testev.h"

static struct hyp_ev ev4(__u8 type, const char *sig, size_t siglen)
{
	struct hyp_ev e =
		test_ev4(type, "\x7f\x00\x00\x01", 58234, "\x7f\x00\x00\x01", 8080, 6, sig, siglen);

	e.wall.tv_sec = 1779709323; /* 2026-05-25 11:42:03 UTC */
	e.wall.tv_nsec = 123456789;
	return e;
}

static void line_is(const struct hyp_ev *e, int color, const char *want, const char *what)
{
	char buf[256];
	size_t n = hyp_console_line(e, color, buf, sizeof(buf));

	if (!ok(n == strlen(want) && !strcmp(buf, want), "%s", what))
		diag("got  '%s'\n# want '%s'", buf, want);
}

/* hyp_addr() writes IPv4 addresses itself: as inet_ntop() would. */
static void test_addr(void)
{
	static const uint8_t edges[][4] = { { 0, 0, 0, 0 },
					    { 255, 255, 255, 255 },
					    { 9, 10, 99, 100 },
					    { 198, 18, 0, 1 },
					    { 1, 20, 200, 0 } };
	char mine[INET6_ADDRSTRLEN], theirs[INET6_ADDRSTRLEN];
	unsigned int seed = 3, bad = 0;
	uint8_t a[16] = { 0 };

	for (int i = 0; i < 200000; i++) {
		if (i < (int)(sizeof(edges) / sizeof(edges[0])))
			memcpy(a, edges[i], 4);
		else
			for (int k = 0; k < 4; k++)
				a[k] = (uint8_t)rand_r(&seed);
		inet_ntop(AF_INET, a, theirs, sizeof(theirs));
		bad += strcmp(hyp_addr(0, a, mine), theirs) != 0;
	}
	ok(bad == 0, "IPv4 addresses as inet_ntop writes them (%u of 200000 differ)", bad);
	for (int k = 0; k < 16; k++)
		a[k] = (uint8_t)(k * 17);
	inet_ntop(AF_INET6, a, theirs, sizeof(theirs));
	ok(!strcmp(hyp_addr(1, a, mine), theirs), "IPv6 addresses by inet_ntop: %s", mine);
}

/* color: auto follows the terminal and NO_COLOR; always and never win. */
static void test_color(void)
{
	int pty = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), tty = -1;
	FILE *term = NULL, *null = fopen("/dev/null", "we");
	const char *name;

	if (pty >= 0 && !grantpt(pty) && !unlockpt(pty) && (name = ptsname(pty)))
		tty = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty >= 0)
		term = fdopen(tty, "w");
	if (!term || !null) {
		skip("no pseudo-terminal here", "colour on a terminal");
	} else {
		unsetenv("NO_COLOR");
		ok(hyp_console_use_color(HYP_COLOR_AUTO, term) == 1 &&
			   hyp_console_use_color(HYP_COLOR_AUTO, null) == 0,
		   "auto: colour on a terminal, not in a file");
		setenv("NO_COLOR", "", 1);
		ok(hyp_console_use_color(HYP_COLOR_AUTO, term) == 1,
		   "auto: an empty NO_COLOR is not set");
		setenv("NO_COLOR", "1", 1);
		ok(hyp_console_use_color(HYP_COLOR_AUTO, term) == 0,
		   "auto: no colour with NO_COLOR set");
		ok(hyp_console_use_color(HYP_COLOR_ALWAYS, null) == 1 &&
			   hyp_console_use_color(HYP_COLOR_NEVER, term) == 0,
		   "always and never win over the terminal and NO_COLOR");
		unsetenv("NO_COLOR");
	}
	if (term)
		fclose(term);
	if (null)
		fclose(null);
	if (pty >= 0)
		close(pty);
}

int main(void)
{
	struct hyp_ev e;
	char buf[256];
	int clean = 1;

	setenv("TZ", "UTC", 1);
	tzset();
	e = ev4(HYP_EVENT_ACCEPT, "", 0);
	line_is(&e, 0, "[2026-05-25 11:42:03] ACCEPT 127.0.0.1:58234 -> 127.0.0.1:8080 TCP",
		"ACCEPT line of the spec's demo");
	e = ev4(HYP_EVENT_SIG_MATCH, "hack", 4);
	line_is(&e, 0,
		"[2026-05-25 11:42:03] SIG_MATCH 127.0.0.1:58234 -> 127.0.0.1:8080 TCP sig=\"hack\"",
		"SIG_MATCH line of the spec's demo");
	e = ev4(HYP_EVENT_DROP, "hack", 4);
	line_is(&e, 0,
		"[2026-05-25 11:42:03] DROP 127.0.0.1:58234 -> 127.0.0.1:8080 TCP sig=\"hack\"",
		"DROP line of the spec's demo");
	line_is(&e, 1,
		"[2026-05-25 11:42:03] \033[31mDROP\033[0m 127.0.0.1:58234 -> 127.0.0.1:8080 TCP "
		"sig=\"hack\"",
		"colour only on the type");
	e = ev4(HYP_EVENT_DROP, "a\n\"]\\\0\xff", 7);
	e.protocol = 17;
	line_is(&e, 0,
		"[2026-05-25 11:42:03] DROP 127.0.0.1:58234 -> 127.0.0.1:8080 UDP "
		"sig=\"a\\x0a\\\"]\\\\\\x00\\xff\"",
		"hostile bytes escaped: newline, quote, backslash, NUL, 0xff");
	e = ev4(HYP_EVENT_DROP, "\x01\x02", 2);
	e.ipv6 = 1;
	memcpy(e.src, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	memcpy(e.dst, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	line_is(&e, 0,
		"[2026-05-25 11:42:03] DROP [2001:db8::1]:58234 -> [2001:db8::2]:8080 TCP "
		"sig=\"\\x01\\x02\"",
		"IPv6 addresses in brackets");
	for (int b = 0; b < 256; b++) {
		__u8 sig[8] = { (__u8)b, (__u8)b, (__u8)b, (__u8)b,
				(__u8)b, (__u8)b, (__u8)b, (__u8)b };

		e = ev4(HYP_EVENT_DROP, (const char *)sig, 8);
		hyp_console_line(&e, 0, buf, sizeof(buf));
		for (char *p = buf; *p; p++)
			clean &= *p >= 0x20 && *p < 0x7f;
	}
	ok(clean, "every byte value gives a printable ASCII line");
	test_color();

	/* standard output connected to the journal, as systemd says */
	int fds[2], null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct stat st;
	char env[64];

	if (null < 0 || pipe(fds) || fstat(fds[1], &st)) {
		ok(0, "a pipe and /dev/null to test with");
		return done_testing();
	}
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	unsetenv("JOURNAL_STREAM");
	ok(!hyp_fd_is_journal(fds[1]), "no JOURNAL_STREAM: not the journal");
	setenv("JOURNAL_STREAM", env, 1);
	ok(hyp_fd_is_journal(fds[1]), "JOURNAL_STREAM names the fd's device and inode");
	ok(!hyp_fd_is_journal(null), "another file is not the journal");
	strcat(env, "x");
	setenv("JOURNAL_STREAM", env, 1);
	ok(!hyp_fd_is_journal(fds[1]), "a malformed JOURNAL_STREAM is ignored");
	unsetenv("JOURNAL_STREAM");
	close(fds[0]);
	close(fds[1]);
	close(null);
	test_addr();
	return done_testing();
}
