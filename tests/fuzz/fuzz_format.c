// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The three formatters (console line, RFC 5424, journald fields) on records
 * read from the input: any kind, event type, addresses, ports, protocol,
 * signature bytes, counts, sequence numbers and times the agent can give
 * them. Times span what hyp_clock_wall() can return (an int64 of
 * nanoseconds: 1677 to 2262), names what the configuration accepts (rule
 * names of A-Za-z0-9._-, printable interface names without '/', ':' or
 * spaces), host names what the syslog output sanitises them to.
 *
 * FUZZ_RAW in the environment lifts those limits, to see what the
 * formatters make of values no caller sanitised: any non-NUL bytes in host
 * names (h), rule names (r) and interface names (i), any time_t (t); "1"
 * for all. See tests/fuzz/README.md.
 */
#include "check_format.h"
#include "fuzz_input.h"

#define WALL_MAX_S 9223372036LL /* INT64_MAX nanoseconds */

static const char rule_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
static char host_chars[95], if_chars[95]; /* '!'..'~'; the same but '/' and ':' */
static const char *raw = "";		  /* FUZZ_RAW */

static int is_raw(char what)
{
	return strchr(raw, what) || strchr(raw, '1');
}

/* A name of up to max - 1 characters from chars (or any non-NUL byte). */
static void read_name(struct fin *in, char *dst, size_t max, const char *chars, char what)
{
	size_t n = fin_u8(in) % max, len = strlen(chars);

	for (size_t i = 0; i < n; i++) {
		uint8_t b = fin_u8(in);

		dst[i] = is_raw(what) ? (char)(b ? b : 1) : chars[b % len];
	}
	dst[n] = 0;
}

static struct timespec read_time(struct fin *in)
{
	int64_t s = (int64_t)fin_u64(in);
	struct timespec ts = { .tv_sec = is_raw('t') ? s : s % (WALL_MAX_S + 1) };

	ts.tv_nsec = fin_u32(in) % 1000000000u;
	return ts;
}

static void read_event(struct fin *in, struct hyp_ev *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = fin_u8(in);
	ev->ipv6 = fin_u8(in) & 1;
	ev->protocol = fin_u8(in);
	ev->siglen = fin_u8(in) % (HYP_SIG_LEN + 1);
	fin_bytes(in, ev->sig, sizeof(ev->sig));
	fin_bytes(in, ev->src, sizeof(ev->src));
	fin_bytes(in, ev->dst, sizeof(ev->dst));
	ev->sport = fin_u16(in);
	ev->dport = fin_u16(in);
	ev->ktime = fin_u64(in);
	ev->seq = fin_u64(in);
	ev->action = fin_u8(in) % 3 - 1;
	ev->wall = read_time(in);
}

static void read_record(struct fin *in, struct hyp_record *r)
{
	static const char *const sources[] = { "telemetry_ringbuf", "alert_ringbuf", "journald",
					       "syslog" };
	struct hyp_ev ev;

	read_event(in, &ev);
	hyp_record_event(r, &ev);
	r->kind = fin_u8(in) % 3;
	read_name(in, r->rule, sizeof(r->rule), rule_chars, 'r');
	read_name(in, r->ifname, sizeof(r->ifname), if_chars, 'i');
	r->count = fin_u64(in);
	r->first = read_time(in);
	r->last = read_time(in);
	snprintf(r->source, sizeof(r->source), "%s", sources[fin_u8(in) % 4]);
	hyp_record_fix(r);
}

static void read_header(struct fin *in, struct hyp_syslog_header *h)
{
	memset(h, 0, sizeof(*h));
	h->facility = fin_u8(in) % 24;
	read_name(in, h->hostname, sizeof(h->hostname), host_chars, 'h');
	h->pid = (unsigned long)fin_u64(in);
	h->pen = fin_u32(in);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("FUZZ_RAW");
	size_t nh = 0, ni = 0;

	for (char c = '!'; c <= '~'; c++) {
		host_chars[nh++] = c;
		if (c != '/' && c != ':')
			if_chars[ni++] = c;
	}
	raw = v ? v : "";
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin in = { data, size };
	static struct hyp_record r;
	struct hyp_syslog_header h;
	size_t cap = fin_u16(&in) % 512 + 1;

	read_record(&in, &r);
	read_header(&in, &h);
	check_formats(&r, &h, cap);
	return 0;
}
