// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Table-driven tests of the XDP program through BPF_PROG_TEST_RUN: each case
 * names itself and gives the rules, the frame, the expected verdict, the
 * reported rule, the events (every byte but the timestamp, which must lie
 * between the clock readings around the run) and the counters it touched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hyperion.skel.h"
#include "pkt.h"
#include "ref.h"
#include "scratch.bpf.h"
#include "tap.h"
#include "xdp_run.h"

static struct xrun x;

struct rdef {
	const char *bytes;
	unsigned int len;
	int alert;
	__u8 proto;
	__u16 lo, hi; /* one destination port range, 0-0 for any */
};

#define NO_RULE -1
#define NONE	-1

struct tcase {
	const char *name;
	struct rdef rules[4];
	struct hyp_config knobs;
	void (*frame)(struct pkt_opts *o); /* adjusts the default frame */
	const char *payload;		   /* default payload */
	size_t payload_len;		   /* 0: strlen(payload) */
	int verdict;
	int rule;    /* reported rule, NO_RULE */
	int counter; /* a HYP_CNT_* that must be 1, NONE */
	int accept;  /* an ACCEPT event is expected */
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static size_t nrules_of(const struct tcase *c)
{
	size_t n = 0;

	while (n < 4 && c->rules[n].bytes)
		n++;
	return n;
}

static struct hyp_rule to_rule(const struct rdef *d, unsigned int id)
{
	struct hyp_rule r =
		xrun_rule(d->bytes, d->len ? d->len : (unsigned int)strlen(d->bytes), id);

	r.action = d->alert ? HYP_ACTION_ALERT : HYP_ACTION_DROP;
	r.protocol = d->proto;
	if (d->lo || d->hi) {
		r.nranges = 1;
		r.port_lo[0] = d->lo;
		r.port_hi[0] = d->hi;
	}
	return r;
}

/* The 40- or 56-byte record the program should write for this frame. */
static size_t expected_event(const struct pkt_opts *o, __u8 type, __u64 sig, __u8 *out)
{
	memset(out, 0, 56);
	if (!o->ipv6) {
		struct hyp_event *e = (struct hyp_event *)out;

		e->event_type = type;
		memcpy(&e->src_ip, o->saddr, 4);
		memcpy(&e->dst_ip, o->daddr, 4);
		e->src_port = htons(o->sport);
		e->dst_port = htons(o->dport);
		e->protocol = o->proto;
		memcpy(e->signature, &sig, 8);
		return sizeof(*e);
	} else {
		struct hyp_event6 *e = (struct hyp_event6 *)out;

		e->event_type = HYP_EVENT_IPV6 | type;
		e->protocol = o->proto;
		e->src_port = htons(o->sport);
		e->dst_port = htons(o->dport);
		memcpy(e->signature, &sig, 8);
		memcpy(e->src_ip, o->saddr, 16);
		memcpy(e->dst_ip, o->daddr, 16);
		return sizeof(*e);
	}
}

/* Compares an event but its timestamp, which must lie in [t0, t1]. */
static int event_is(const struct xrun_event *ev, const struct pkt_opts *o, __u8 type, __u64 sig,
		    __u64 t0, __u64 t1)
{
	__u8 want[56];
	size_t n = expected_event(o, type, sig, want), tso = o->ipv6 ? 8 : 24;
	__u64 ts;

	if (ev->ring != 0 || ev->size != n)
		return 0;
	memcpy(&ts, ev->data + tso, 8);
	memset((__u8 *)ev->data + tso, 0, 8);
	if (memcmp(ev->data, want, n)) {
		diag("event bytes differ");
		return 0;
	}
	return ts >= t0 && ts <= t1;
}

static int legacy_is(const struct xrun_event *ev, const struct pkt_opts *o, __u64 sig)
{
	struct event_t want;

	memset(&want, 0, sizeof(want));
	memcpy(&want.src_ip, o->saddr, 4);
	memcpy(&want.dst_ip, o->daddr, 4);
	want.src_port = htons(o->sport);
	want.dst_port = htons(o->dport);
	want.action = HYP_LEGACY_ACTION_DROP;
	memcpy(want.payload_snippet, &sig, 8);
	return ev->ring == 1 && ev->size == sizeof(want) && !memcmp(ev->data, &want, sizeof(want));
}

static void run_case(const struct tcase *c)
{
	struct hyp_rule rules[4];
	size_t n = nrules_of(c), flen, ne = 0;
	struct hyp_counters k;
	struct pkt_opts o;
	static __u8 frame[20000];
	__u64 t0, t1, sig = 0;
	int v, good = 1;

	for (size_t i = 0; i < n; i++)
		rules[i] = to_rule(&c->rules[i], (unsigned int)(100 + i));
	if (xrun_rules(&x, rules, n, &c->knobs) || xrun_reset(&x)) {
		ok(0, "%s: rules installed", c->name);
		return;
	}
	pkt_defaults(&o);
	o.payload = (const __u8 *)c->payload;
	o.payload_len = c->payload_len ? c->payload_len : (c->payload ? strlen(c->payload) : 0);
	if (c->frame)
		c->frame(&o);
	flen = pkt_build(&o, frame, sizeof(frame));
	t0 = now_ns();
	v = xrun_packet(&x, frame, flen);
	t1 = now_ns();
	xrun_counters(&x, &k);

	if (v != c->verdict) {
		diag("verdict %d, want %d", v, c->verdict);
		good = 0;
	}
	if (c->rule != NO_RULE) {
		const struct hyp_rule *r = &rules[c->rule];

		sig = r->pattern;
		good &= ne < x.nev && event_is(&x.ev[ne++], &o, HYP_EVENT_SIG_MATCH, sig, t0, t1);
		if (r->action == HYP_ACTION_DROP) {
			good &= ne < x.nev &&
				event_is(&x.ev[ne++], &o, HYP_EVENT_DROP, sig, t0, t1);
			if (c->knobs.legacy_alerts && !o.ipv6)
				good &= ne < x.nev && legacy_is(&x.ev[ne++], &o, sig);
		}
		if (xrun_hits(&x, r->id) != 1) {
			diag("hits of the reported rule %lu", (unsigned long)xrun_hits(&x, r->id));
			good = 0;
		}
		good &= k.v[HYP_CNT_MATCHED] == 1;
	} else {
		good &= k.v[HYP_CNT_MATCHED] == 0;
	}
	if (c->accept)
		good &= ne < x.nev && event_is(&x.ev[ne++], &o, HYP_EVENT_ACCEPT, 0, t0, t1);
	if (ne != x.nev) {
		diag("%zu events, want %zu", x.nev, ne);
		good = 0;
	}
	good &= k.v[HYP_CNT_PACKETS] == 1;
	good &= k.v[HYP_CNT_DROPPED] == (v == XDP_DROP) && k.v[HYP_CNT_PASSED] == (v == XDP_PASS);
	if (c->counter != NONE && k.v[c->counter] != 1) {
		diag("counter %d is %llu", c->counter, (unsigned long long)k.v[c->counter]);
		good = 0;
	}
	ok(good, "%s", c->name);
}

/* ---- frame adjustments ---- */

static const __u8 ip_opts_hack[8] = { 0x94, 0x04, 0, 0, 'h', 'a', 'c', 'k' };
static const __u8 tcp_opts_hack[8] = { 0x01, 0x01, 0xfe, 0x06, 'h', 'a', 'c', 'k' };

static void f_udp(struct pkt_opts *o)
{
	o->proto = IPPROTO_UDP;
}
static void f_port443(struct pkt_opts *o)
{
	o->dport = 443;
}
static void f_vlan(struct pkt_opts *o)
{
	o->vlans = 1;
}
static void f_qinq(struct pkt_opts *o)
{
	o->vlans = 2;
	o->vlan_tpid[0] = 0x88a8;
}
static void f_vlan3(struct pkt_opts *o)
{
	o->vlans = 3;
}
static void f_ipopts(struct pkt_opts *o)
{
	o->ip_opts = ip_opts_hack;
	o->ip_opts_len = sizeof(ip_opts_hack);
}
static void f_tcpopts(struct pkt_opts *o)
{
	o->tcp_opts = tcp_opts_hack;
	o->tcp_opts_len = sizeof(tcp_opts_hack);
}
static void f_frag_first(struct pkt_opts *o)
{
	o->frag = PKT_FRAG_FIRST;
}
static void f_frag_nonfirst(struct pkt_opts *o)
{
	o->frag = PKT_FRAG_NONFIRST;
}
static void f_pad(struct pkt_opts *o)
{
	o->eth_pad = 12;
}
static void f_icmp(struct pkt_opts *o)
{
	o->proto = IPPROTO_ICMP;
}

static void f_v6(struct pkt_opts *o)
{
	static const __u8 s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const __u8 d6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	o->ipv6 = 1;
	memcpy(o->saddr, s6, 16);
	memcpy(o->daddr, d6, 16);
}

#define V6_EXT(fname, ...)                                 \
	static void fname(struct pkt_opts *o)              \
	{                                                  \
		static const __u8 ext[] = { __VA_ARGS__ }; \
		f_v6(o);                                   \
		o->v6_ext = ext;                           \
		o->v6_ext_n = sizeof(ext);                 \
	}
V6_EXT(f_v6_hop, 0)
V6_EXT(f_v6_routing, 43)
V6_EXT(f_v6_dest, 60)
V6_EXT(f_v6_ah, 51)
V6_EXT(f_v6_chain, 0, 43, 60, 51, 60)
V6_EXT(f_v6_deep, 60, 60, 60, 60, 60, 60, 60, 60, 60)
V6_EXT(f_v6_eight, 60, 60, 60, 60, 60, 60, 60, 60)

static void f_v6_frag_first(struct pkt_opts *o)
{
	f_v6(o);
	o->frag = PKT_FRAG_FIRST;
}

static void f_v6_frag_nonfirst(struct pkt_opts *o)
{
	f_v6(o);
	o->frag = PKT_FRAG_NONFIRST;
}

static void f_v6_udp(struct pkt_opts *o)
{
	f_v6(o);
	o->proto = IPPROTO_UDP;
}

#define HACK           \
	{              \
		"hack" \
	}
#define DROP_POLICY                              \
	{                                        \
		.nonfirst_frag = HYP_POLICY_DROP \
	}

/* clang-format off: one case per entry reads better than the formatter's layout */
// clang-format off
static const struct tcase cases[] = {
	{ "match at payload start", { HACK }, {}, NULL, "hack the planet", 0, XDP_DROP, 0, NONE },
	{ "match in the middle", { HACK }, {}, NULL, "please hack me now", 0, XDP_DROP, 0, NONE },
	{ "match ending on the last byte", { HACK }, {}, NULL, "we will hack", 0, XDP_DROP, 0,
	  NONE },
	{ "payload is exactly the signature", { HACK }, {}, NULL, "hack", 0, XDP_DROP, 0, NONE },
	{ "no match", { HACK }, {}, NULL, "harmless hac k text", 0, XDP_PASS, NO_RULE, NONE },
	{ "empty payload", { HACK }, {}, NULL, "", 0, XDP_PASS, NO_RULE, HYP_CNT_SCANNED },
	{ "signature only in IPv4 options: no match", { HACK }, {}, f_ipopts, "benign", 0,
	  XDP_PASS, NO_RULE, NONE },
	{ "IPv4 options skipped, payload matched", { HACK }, {}, f_ipopts, "a hack", 0, XDP_DROP,
	  0, NONE },
	{ "signature only in TCP options: no match", { HACK }, {}, f_tcpopts, "benign", 0,
	  XDP_PASS, NO_RULE, NONE },
	{ "TCP options skipped, payload matched", { HACK }, {}, f_tcpopts, "hack", 0, XDP_DROP,
	  0, NONE },
	{ "Ethernet padding is not payload", { { "k\xa5\xa5\xa5", 4 } }, {}, f_pad, "hack", 0,
	  XDP_PASS, NO_RULE, NONE },
	{ "overlapping hack and ack: earliest start wins", { { "ack" }, HACK }, {}, NULL,
	  "xhack", 0, XDP_DROP, 1, NONE },
	{ "overlapping, same start: configuration order", { { "hackers" }, HACK }, {}, NULL,
	  "hackers", 0, XDP_DROP, 0, NONE },
	{ "overlapping, same start, shorter first in config", { HACK, { "hackers" } }, {}, NULL,
	  "hackers", 0, XDP_DROP, 0, NONE },
	{ "1-byte signature", { { "\x7f", 1 } }, {}, NULL, "abc\x7f", 0, XDP_DROP, 0, NONE },
	{ "2-byte signature", { { "zq" } }, {}, NULL, "aazq", 0, XDP_DROP, 0, NONE },
	{ "3-byte signature at the last bytes", { { "zzz" } }, {}, NULL, "abzzz", 0, XDP_DROP, 0,
	  NONE },
	{ "8-byte signature", { { "ABCDEFGH" } }, {}, NULL, "..ABCDEFGH..", 0, XDP_DROP, 0, NONE },
	{ "8-byte signature cut by the payload end", { { "ABCDEFGH" } }, {}, NULL, "..ABCDEFG", 0,
	  XDP_PASS, NO_RULE, NONE },
	{ "NUL-containing signature", { { "a\0\0b", 4 } }, {}, NULL, "xa\0\0by", 6, XDP_DROP, 0,
	  NONE },
	{ "NUL signature does not match the zero padding", { { "b\0", 2 } }, {}, NULL, "ab", 0,
	  XDP_PASS, NO_RULE, NONE },
	{ "all-NUL 8-byte signature", { { "\0\0\0\0\0\0\0\0", 8 } }, {}, NULL,
	  "\0\0\0\0\0\0\0\0\0", 9, XDP_DROP, 0, NONE },
	{ "short and long signatures together", { { "\xff\xfe", 2 }, { "attack" } }, {}, NULL,
	  "an attack \xff\xfe", 0, XDP_DROP, 1, NONE },
	{ "UDP payload matched", { HACK }, {}, f_udp, "udp hack", 0, XDP_DROP, 0, NONE },
	{ "tcp-only rule ignores UDP", { { "hack", 0, 0, IPPROTO_TCP } }, {}, f_udp, "hack", 0,
	  XDP_PASS, NO_RULE, NONE },
	{ "udp-only rule matches UDP", { { "hack", 0, 0, IPPROTO_UDP } }, {}, f_udp, "hack", 0,
	  XDP_DROP, 0, NONE },
	{ "port-scoped rule, other port", { { "hack", 0, 0, 0, 443, 443 } }, {}, NULL, "hack", 0,
	  XDP_PASS, NO_RULE, NONE },
	{ "port-scoped rule, its port", { { "hack", 0, 0, 0, 443, 443 } }, {}, f_port443, "hack",
	  0, XDP_DROP, 0, NONE },
	{ "port range", { { "hack", 0, 0, 0, 400, 500 } }, {}, f_port443, "hack", 0, XDP_DROP, 0,
	  NONE },
	{ "out-of-scope rule does not hide a later match", { { "hack", 0, 0, 0, 1, 2 }, { "ck" } },
	  {}, NULL, "hack", 0, XDP_DROP, 1, NONE },
	{ "alert-only rule: SIG_MATCH, packet passes", { { "hack", 0, 1 } }, {}, NULL, "hack", 0,
	  XDP_PASS, 0, HYP_CNT_ALERTED },
	{ "drop beats an earlier alert", { { "look", 0, 1 }, HACK }, {}, NULL, "look, a hack", 0,
	  XDP_DROP, 1, NONE },
	{ "earliest alert reported", { { "two", 0, 1 }, { "one", 0, 1 } }, {}, NULL, "one two", 0,
	  XDP_PASS, 1, NONE },
	{ "legacy record on drop", { HACK }, { .legacy_alerts = 1 }, NULL, "hack", 0, XDP_DROP, 0,
	  HYP_CNT_ALERT_SENT },
	{ "no legacy record for an alert", { { "hack", 0, 1 } }, { .legacy_alerts = 1 }, NULL,
	  "hack", 0, XDP_PASS, 0, NONE },
	{ "802.1Q", { HACK }, {}, f_vlan, "hack", 0, XDP_DROP, 0, NONE },
	{ "802.1ad QinQ", { HACK }, {}, f_qinq, "hack", 0, XDP_DROP, 0, NONE },
	{ "three VLAN tags: passed and counted", { HACK }, {}, f_vlan3, "hack", 0, XDP_PASS,
	  NO_RULE, HYP_CNT_VLAN_TOO_DEEP },
	{ "first IPv4 fragment scanned", { HACK }, {}, f_frag_first, "hack", 0, XDP_DROP, 0,
	  HYP_CNT_FRAG_FIRST },
	{ "non-first IPv4 fragment passed by policy", { HACK }, {}, f_frag_nonfirst, "hack", 0,
	  XDP_PASS, NO_RULE, HYP_CNT_FRAG_NONFIRST },
	{ "non-first IPv4 fragment dropped by policy", { HACK }, DROP_POLICY, f_frag_nonfirst,
	  "benign", 0, XDP_DROP, NO_RULE, HYP_CNT_FRAG_DROPPED },
	{ "ICMP passes untouched", { HACK }, {}, f_icmp, "hack", 0, XDP_PASS, NO_RULE,
	  HYP_CNT_NOT_TCP_UDP },
	{ "IPv6 TCP", { HACK }, {}, f_v6, "hack", 0, XDP_DROP, 0, NONE },
	{ "IPv6 UDP", { HACK }, {}, f_v6_udp, "hack", 0, XDP_DROP, 0, NONE },
	{ "IPv6 hop-by-hop", { HACK }, {}, f_v6_hop, "hack", 0, XDP_DROP, 0, NONE },
	{ "IPv6 routing", { HACK }, {}, f_v6_routing, "hack", 0, XDP_DROP, 0, NONE },
	{ "IPv6 destination options", { HACK }, {}, f_v6_dest, "hack", 0, XDP_DROP, 0, NONE },
	{ "IPv6 authentication header", { HACK }, {}, f_v6_ah, "hack", 0, XDP_DROP, 0, NONE },
	{ "IPv6 first fragment", { HACK }, {}, f_v6_frag_first, "hack", 0, XDP_DROP, 0,
	  HYP_CNT_FRAG_FIRST },
	{ "IPv6 non-first fragment passed", { HACK }, {}, f_v6_frag_nonfirst, "hack", 0, XDP_PASS,
	  NO_RULE, HYP_CNT_FRAG_NONFIRST },
	{ "IPv6 five extension headers", { HACK }, {}, f_v6_chain, "hack", 0, XDP_DROP, 0, NONE },
	{ "IPv6 eight extension headers", { HACK }, {}, f_v6_eight, "hack", 0, XDP_DROP, 0, NONE },
	{ "IPv6 nine extension headers: policy drop", { HACK }, { .v6_ext_too_deep = 1 },
	  f_v6_deep, "benign", 0, XDP_DROP, NO_RULE, HYP_CNT_V6_EXT_DROPPED },
	{ "IPv6 nine extension headers: policy pass", { HACK }, {}, f_v6_deep, "hack", 0,
	  XDP_PASS, NO_RULE, HYP_CNT_V6_EXT_TOO_DEEP },
	{ "ACCEPT mode all: benign packet", { HACK }, { .accept_mode = HYP_ACCEPT_ALL }, NULL,
	  "fine", 0, XDP_PASS, NO_RULE, NONE, 1 },
	{ "ACCEPT mode all: no ACCEPT for a drop", { HACK }, { .accept_mode = HYP_ACCEPT_ALL },
	  NULL, "hack", 0, XDP_DROP, 0, NONE },
	{ "ACCEPT mode all: alert then ACCEPT", { { "hack", 0, 1 } },
	  { .accept_mode = HYP_ACCEPT_ALL }, NULL, "hack", 0, XDP_PASS, 0, NONE, 1 },
	{ "ACCEPT mode all, IPv6", { HACK }, { .accept_mode = HYP_ACCEPT_ALL }, f_v6, "fine", 0,
	  XDP_PASS, NO_RULE, NONE, 1 },
	{ "ACCEPT mode off: no event", { HACK }, {}, NULL, "fine", 0, XDP_PASS, NO_RULE, NONE },
};
// clang-format on

/* Truncating a good frame at every byte: never a crash, never a drop, and
 * a header cut short is counted. */
static void test_truncation(void)
{
	static void (*const frames[])(struct pkt_opts *) = { NULL,   f_udp,    f_v6_chain,
							     f_qinq, f_ipopts, f_tcpopts };
	struct hyp_rule r = xrun_rule("hack", 4, 1);
	__u8 frame[512];

	xrun_rules(&x, &r, 1, NULL);
	for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++) {
		struct pkt_opts o;
		size_t full, poff, bad = 0, wrong = 0;

		pkt_defaults(&o);
		o.payload = (const __u8 *)"hack";
		o.payload_len = 4;
		if (frames[f])
			frames[f](&o);
		full = pkt_build(&o, frame, sizeof(frame));
		poff = pkt_payload_offset(&o);
		for (size_t len = 14; len < full; len++) {
			struct hyp_counters k;
			int v;

			xrun_reset(&x);
			v = xrun_packet(&x, frame, len);
			xrun_counters(&x, &k);
			if (v != XDP_PASS || x.nev)
				wrong++;
			/* cut inside the headers: a bad-header counter says why */
			if (len < poff && !(k.v[HYP_CNT_BAD_ETH] || k.v[HYP_CNT_BAD_IPV4] ||
					    k.v[HYP_CNT_BAD_IPV6] || k.v[HYP_CNT_BAD_L4]))
				bad++;
		}
		ok(wrong == 0 && bad == 0,
		   "frame %zu truncated at every byte from 14 to %zu: passed, no events, counted "
		   "(%zu wrong verdicts, %zu uncounted)",
		   f, full - 1, wrong, bad);
	}
}

static void test_malformed(void)
{
	struct hyp_rule r = xrun_rule("hack", 4, 1);
	struct hyp_counters k;
	struct pkt_opts o;
	__u8 frame[256];
	size_t n;

	xrun_rules(&x, &r, 1, NULL);
	pkt_defaults(&o);
	o.payload = (const __u8 *)"hack";
	o.payload_len = 4;
	n = pkt_build(&o, frame, sizeof(frame));

	frame[14] = 0x44; /* IHL 4 */
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_PASS && !xrun_counters(&x, &k) &&
		   k.v[HYP_CNT_BAD_IPV4] == 1 && k.v[HYP_CNT_SCANNED] == 0,
	   "IHL < 5: passed, counted, not scanned");
	frame[14] = 0x45;

	frame[16] = 0x01; /* total length 256 + 44 > frame */
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_PASS && !xrun_counters(&x, &k) &&
		   k.v[HYP_CNT_BAD_IPV4] == 1,
	   "IPv4 total length beyond the frame: passed, counted");
	frame[16] = 0x00;

	frame[17] -= 2; /* total length 2 short: the last two bytes are not payload */
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_PASS && !xrun_counters(&x, &k) &&
		   k.v[HYP_CNT_SCANNED] == 1 && k.v[HYP_CNT_SCANNED_BYTES] == 2,
	   "bytes past the IPv4 total length are not scanned");
	frame[17] += 2;

	frame[14 + 20 + 12] = 0x40; /* TCP data offset 4 */
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_PASS && !xrun_counters(&x, &k) &&
		   k.v[HYP_CNT_BAD_L4] == 1,
	   "TCP data offset < 5: passed, counted");
	frame[14 + 20 + 12] = 0x50;

	frame[14 + 20 + 12] = 0xf0; /* TCP data offset 15: past the datagram */
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_PASS && !xrun_counters(&x, &k) &&
		   k.v[HYP_CNT_BAD_L4] == 1,
	   "TCP data offset past the datagram: passed, counted");
	frame[14 + 20 + 12] = 0x50;

	o.proto = IPPROTO_UDP; /* UDP length shorter than the datagram: only it is payload */
	o.payload = (const __u8 *)"fine hack";
	o.payload_len = 9;
	n = pkt_build(&o, frame, sizeof(frame));
	frame[14 + 20 + 5] = 8 + 4;
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_PASS && !xrun_counters(&x, &k) &&
		   k.v[HYP_CNT_SCANNED_BYTES] == 4,
	   "bytes past the UDP length are not scanned");
	frame[14 + 20 + 5] = 8 + 10; /* longer than the datagram */
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_PASS && !xrun_counters(&x, &k) &&
		   k.v[HYP_CNT_BAD_L4] == 1,
	   "UDP length past the datagram: passed, counted");
	frame[14 + 20 + 5] = 8 + 9;
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_DROP, "the same datagram with its true UDP length "
						  "is dropped");

	frame[12] = 0x08; /* ARP */
	frame[13] = 0x06;
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_PASS && !xrun_counters(&x, &k) &&
		   k.v[HYP_CNT_NOT_IP] == 1 && x.nev == 0,
	   "ARP passes untouched");
}

/* A signature across a chunk boundary and at the end of a jumbo frame;
 * payload beyond the scan window is counted and not matched. */
static void test_boundaries(void)
{
	static __u8 payload[16384], frame[17000];
	struct hyp_rule r = xrun_rule("SPLITSIG", 8, 1);
	struct hyp_counters k;
	struct pkt_opts o;
	size_t n, poff;

	xrun_rules(&x, &r, 1, NULL);
	pkt_defaults(&o);
	o.proto = IPPROTO_UDP;
	poff = pkt_payload_offset(&o);
	memset(payload, 'x', sizeof(payload));
	o.payload = payload;

	for (size_t at = 505; at <= 512; at++) {
		int v;

		memset(payload, 'x', 1024);
		memcpy(payload + at, "SPLITSIG", 8);
		o.payload_len = 1024;
		n = pkt_build(&o, frame, sizeof(frame));
		xrun_reset(&x);
		v = xrun_packet(&x, frame, n);
		if (!ok(v == XDP_DROP, "signature at payload offset %zu (chunk boundary 512)", at))
			break;
	}

	memset(payload, 'x', sizeof(payload));
	o.payload_len = 9000 - 28; /* a 9000-byte MTU datagram */
	memcpy(payload + o.payload_len - 8, "SPLITSIG", 8);
	n = pkt_build(&o, frame, sizeof(frame));
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_DROP, "signature in the last bytes of a 9000-byte "
						  "jumbo frame (XDP fragments)");

	memset(payload, 'x', sizeof(payload));
	o.payload_len = 16384 - 8; /* the frame ends past the 16 KiB window */
	memcpy(payload + 16384 - poff - 4, "SPLITSIG", 8);
	n = pkt_build(&o, frame, sizeof(frame));
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_PASS && !xrun_counters(&x, &k) &&
		   k.v[HYP_CNT_SCAN_TRUNCATED] == 1,
	   "signature across the 16 KiB scan window: not matched, truncation counted");
	memcpy(payload + 16384 - poff - 8, "SPLITSIG", 8);
	n = pkt_build(&o, frame, sizeof(frame));
	xrun_reset(&x);
	ok(xrun_packet(&x, frame, n) == XDP_DROP, "signature ending at the scan window's end");
}

/* ACCEPT mode new-flow: one ACCEPT per 5-tuple, flow accounting. */
static void test_new_flow(void)
{
	struct hyp_config k = { .accept_mode = HYP_ACCEPT_NEW_FLOW };
	struct hyp_rule r = xrun_rule("hack", 4, 1);
	struct hyp_flow_key key;
	struct hyp_flow f;
	struct pkt_opts o;
	__u8 frame[256];
	size_t n;
	int accepts = 0, drops = 0;

	xrun_rules(&x, &r, 1, &k);
	pkt_defaults(&o);
	o.sport = 41234;
	for (int i = 0; i < 5; i++) {
		o.payload = (const __u8 *)(i == 2 ? "hack" : "fine");
		o.payload_len = 4;
		n = pkt_build(&o, frame, sizeof(frame));
		xrun_packet(&x, frame, n);
		for (size_t e = 0; e < x.nev; e++) {
			accepts += x.ev[e].data[0] == HYP_EVENT_ACCEPT;
			drops += x.ev[e].data[0] == HYP_EVENT_DROP;
		}
	}
	ok(accepts == 1 && drops == 1,
	   "new-flow: one ACCEPT for five packets of a flow (%d), "
	   "the drop still reported (%d)",
	   accepts, drops);

	memset(&key, 0, sizeof(key));
	key.src_ip[10] = key.src_ip[11] = key.dst_ip[10] = key.dst_ip[11] = 0xff;
	memcpy(&key.src_ip[12], o.saddr, 4);
	memcpy(&key.dst_ip[12], o.daddr, 4);
	key.src_port = htons(o.sport);
	key.dst_port = htons(o.dport);
	key.protocol = IPPROTO_TCP;
	ok(bpf_map_lookup_elem(bpf_map__fd(x.skel->maps.flows), &key, &f) == 0 && f.packets == 5 &&
		   f.bytes == 5 * n && f.accepted == 1 && f.first_seen &&
		   f.last_seen >= f.first_seen,
	   "flow entry counts 5 packets, %zu bytes, first and last seen", 5 * n);

	o.sport = 41235; /* first packet of a flow dropped: ACCEPT comes with the next */
	accepts = 0;
	for (int i = 0; i < 2; i++) {
		o.payload = (const __u8 *)(i == 0 ? "hack" : "fine");
		n = pkt_build(&o, frame, sizeof(frame));
		xrun_packet(&x, frame, n);
		for (size_t e = 0; e < x.nev; e++)
			accepts += (x.ev[e].data[0] == HYP_EVENT_ACCEPT) * (i + 1);
	}
	ok(accepts == 2, "a flow whose first packet was dropped gets its ACCEPT with the first "
			 "passed packet");
}

_Static_assert(sizeof(struct hyp_scratch) % 8 == 0, "per-CPU values need no padding");

/* This CPU's scratch (the tests that read it pin themselves to it) into
 * *one; clear: zeroes it on every CPU instead. Returns 0 on success; a
 * failure is a failed test point, so that no assertion on the zeroes left
 * in *one can pass for want of a reading. */
static int cpu_scratch(int clear, struct hyp_scratch *one)
{
	int fd = bpf_map__fd(x.skel->maps.scratch), ncpu = libbpf_num_possible_cpus();
	struct hyp_scratch *v = calloc((size_t)ncpu, sizeof(*v));
	int cpu = sched_getcpu(), rc = -1;
	__u32 zero = 0;

	memset(one, 0, sizeof(*one));
	if (!v)
		return -1;
	if (clear) {
		rc = bpf_map_update_elem(fd, &zero, v, BPF_ANY);
	} else if (cpu >= 0 && cpu < ncpu && !bpf_map_lookup_elem(fd, &zero, v)) {
		*one = v[cpu];
		rc = 0;
	}
	free(v);
	if (rc)
		ok(0, "%s the per-CPU scratch of CPU %d", clear ? "clear" : "read", cpu);
	return rc;
}

/* The pair scan's state on this CPU. */
struct pair_rec {
	__u32 off;    /* packets the pair scan still rests */
	__u32 third;  /* packets it still reads pairs3 instead of the bigrams */
	__u32 blocks; /* blocks since its last review */
};

static void pair_state(int clear, struct pair_rec *rec)
{
	static struct hyp_scratch one;

	cpu_scratch(clear, &one);
	*rec = (struct pair_rec){ .off = one.pairs_off,
				  .third = one.pairs3_left,
				  .blocks = one.pair_blocks };
}

/* Stage 1's result for block b of the last chunk this CPU scanned
 * (offsets 1024 + 16 b.. of a 1400-byte payload). */
static __u16 last_chunk_hits(int b)
{
	static struct hyp_scratch one;

	cpu_scratch(0, &one);
	return one.hits[b];
}

/* Whether stage 1 flagged any of the 24 blocks of that chunk. */
static int last_chunk_flagged(void)
{
	int flagged = 0;

	for (int b = 0; b < 24; b++)
		flagged |= last_chunk_hits(b) != 0;
	return flagged;
}

#define MIDDLE 700

/* n 1400-byte payloads of fill repeated, sig (if any) at offset at; the
 * last verdict. */
static int fill_n(const char *fill, const char *sig, size_t at, int n)
{
	static __u8 payload[1400], frame[1600];
	size_t period = strlen(fill);
	struct pkt_opts o;
	int v = -1;

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (__u8)fill[i % period];
	if (sig)
		memcpy(payload + at, sig, strlen(sig));
	pkt_defaults(&o);
	o.proto = IPPROTO_UDP;
	o.payload = payload;
	o.payload_len = sizeof(payload);
	for (int i = 0; i < n; i++)
		v = xrun_packet(&x, frame, pkt_build(&o, frame, sizeof(frame)));
	return v;
}

/* Ten of them. */
static int fill_frames(const char *fill, const char *sig, size_t at)
{
	return fill_n(fill, sig, at, 10);
}

/* The matcher's adaptive state is per CPU: the runs of a test that reads
 * it stay on the CPU it starts on (restored from *saved after). */
static void pin_here(cpu_set_t *saved)
{
	cpu_set_t one;

	sched_getaffinity(0, sizeof(*saved), saved);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
}

/* HYP_PAIRS_ADAPT: a pair scan on the bigrams that flags every block
 * gives way to pairs3; one on pairs3 that flags every block rests; one that
 * flags none stays; matches are found either way. */
static void test_pair_scan(void)
{
	struct hyp_config k = { .pair_scan = HYP_PAIRS_ADAPT };
	struct hyp_rule r = xrun_rule("abzz", 4, 1), r2 = xrun_rule("abaz", 4, 1);
	struct pair_rec rec;
	cpu_set_t all;

	pin_here(&all);
	xrun_rules(&x, &r, 1, &k);
	pair_state(1, &rec);
	ok(fill_frames("ab", NULL, 0) == XDP_PASS, "ten payloads of 'abab...' pass");
	pair_state(0, &rec);
	/* 88 blocks a payload: the review after the third moves the scan to
	 * pairs3 for HYP_PAIRS_REST packets, seven of which have gone by;
	 * there "aba" is not "abz", so it flags nothing and stays */
	ok(rec.third == HYP_PAIRS_REST - 7 && rec.off == 0 && !last_chunk_flagged(),
	   "the bigrams flag every block: pairs3 takes over for %u packets (%u left, %u resting) "
	   "and flags none",
	   HYP_PAIRS_REST, rec.third, rec.off);
	ok(fill_frames("ab", "abzz", MIDDLE) == XDP_DROP, "and finds the signature");
	fill_n("ab", NULL, 0, (int)rec.third - 10); /* the last of pairs3's packets */
	pair_state(0, &rec);
	ok(rec.third == 0 && rec.off == 0 && !last_chunk_flagged(),
	   "after %u packets pairs3 is done (%u left) and has flagged nothing", HYP_PAIRS_REST,
	   rec.third);
	/* pairs3's blocks since its last review (176 here) do not count for
	 * the bigrams */
	ok(rec.blocks == 0, "and leaves none of its blocks to the bigrams' next review (%u)",
	   rec.blocks);
	ok(fill_n("ab", NULL, 0, 1) == XDP_PASS && last_chunk_flagged(),
	   "the next packet is scanned on the bigrams again, which flag it");
	pair_state(0, &rec);
	ok(rec.blocks == 88 && rec.third == 0,
	   "the bigrams' record holds that packet's 88 blocks only (%u), none of pairs3's, and no "
	   "review has run on it (pairs3 turn pending: %u packets)",
	   rec.blocks, rec.third);
	xrun_rules(&x, &r2, 1, &k); /* a new set: its record starts afresh */
	ok(fill_frames("ab", NULL, 0) == XDP_PASS, "ten payloads of 'abab...' pass");
	pair_state(0, &rec);
	/* three payloads on the bigrams, three on pairs3 ("aba" is the start of
	 * "abaz"), then the rest: four of its packets have gone by */
	ok(rec.off == HYP_PAIRS_REST - 4 && rec.third == 0,
	   "both pair scans flag every block: the pair scan rests for %u packets (%u left)",
	   HYP_PAIRS_REST, rec.off);
	ok(fill_frames("ab", "abaz", MIDDLE) == XDP_DROP,
	   "while it rests, the signature is still found");
	xrun_rules(&x, &r, 1, &k);
	ok(fill_frames("cd", NULL, 0) == XDP_PASS, "ten payloads of 'cdcd...' pass");
	pair_state(0, &rec);
	ok(rec.off == 0 && rec.third == 0 && rec.blocks == 88,
	   "a new set, no block flagged: the pair scan stays on the bigrams (%u blocks since its "
	   "last review)",
	   rec.blocks);
	ok(fill_frames("cd", "abzz", MIDDLE) == XDP_DROP, "and finds the signature");
	sched_setaffinity(0, sizeof(all), &all);
}

/* The signature reported for the last packet run, as a string. */
static const char *last_reported(void)
{
	static char sig[HYP_SIG_LEN + 1];

	memset(sig, 0, sizeof(sig));
	if (x.nev > 0 && x.ev[0].data[0] == HYP_EVENT_SIG_MATCH)
		memcpy(sig, x.ev[0].data + HYP_OFFSETOF(struct hyp_event, signature), HYP_SIG_LEN);
	return sig;
}

/* The per-offset masks of the pair scans and the strict hash: a signature
 * at each offset of a block sets that offset's bit (and only it) and is
 * found; of two in one block, the earlier is reported, and a drop after an
 * alert wins; a block with 13 or 14 flagged offsets is walked to the
 * match at its offset 12. */
static void test_stage2_bits(void)
{
	static const struct {
		__u8 mode;
		const char *name;
		__u16 aaab; /* the mask of "aaab" at offset 12 of "aaaa..." */
	} modes[] = { { HYP_PAIRS_ON, "pair scan", 0x3fff },
		      { HYP_PAIRS_ON3, "pair scan with third byte", 0x1fff },
		      { HYP_PAIRS_STRICT, "strict hash", 1u << 12 } };
	struct hyp_rule r[4] = { xrun_rule("SIGa", 4, 1), xrun_rule("SIGb", 4, 2),
				 xrun_rule("SIGc", 4, 3), xrun_rule("aaab", 4, 4) };
	const size_t block = 1024 + 3 * 16; /* block 3 of the last chunk */
	cpu_set_t all;

	r[2].action = HYP_ACTION_ALERT;
	pin_here(&all);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct hyp_config k = { .pair_scan = modes[m].mode };
		unsigned int b;
		__u16 mask;
		int v;

		xrun_rules(&x, r, 4, &k);
		for (b = 0; b < 16; b++)
			if (fill_frames("x", "SIGa", block + b) != XDP_DROP ||
			    strcmp(last_reported(), "SIGa") || last_chunk_hits(3) != 1u << b)
				break;
		ok(b == 16,
		   "%s: a signature at each offset of a block sets that offset's bit and is "
		   "found (stopped at %u, mask %#x)",
		   modes[m].name, b, last_chunk_hits(3));
		ok(fill_frames("x", "SIGbxxxxxxxxxSIGa", block + 2) == XDP_DROP &&
			   !strcmp(last_reported(), "SIGb") &&
			   last_chunk_hits(3) == (1u << 2 | 1u << 15),
		   "%s: two signatures in a block (offsets 2 and 15), the earlier reported",
		   modes[m].name);
		ok(fill_frames("x", "SIGcxxxxxxxxxSIGa", block + 2) == XDP_DROP &&
			   !strcmp(last_reported(), "SIGa") &&
			   last_chunk_hits(3) == (1u << 2 | 1u << 15),
		   "%s: an alert at offset 2 and a drop at 15 of a block: the drop reported",
		   modes[m].name);
		v = fill_frames("a", "aaab", block + 12);
		mask = last_chunk_hits(3);
		ok(v == XDP_DROP && !strcmp(last_reported(), "aaab") && mask == modes[m].aaab,
		   "%s: 'aaab' at offset 12 of 'aaaa...': found, block mask %#x", modes[m].name,
		   mask);
	}
	sched_setaffinity(0, sizeof(all), &all);
}

/* The strict hash: the anchor "abcd" of "abcdX" is everywhere in
 * "abcdYabcdY...", but never before an 'X' (nor a byte with its low three
 * bits): the plain hash flags every block, the strict one none. It runs
 * when asked (HYP_PAIRS_STRICT), and under HYP_PAIRS_ADAPT while the pair
 * scan rests; matches are found either way. */
static void test_strict_hash(void)
{
	struct hyp_rule r[3] = { xrun_rule("abcdX", 5, 1), xrun_rule("wxyz", 4, 2),
				 xrun_rule("yz", 2, 3) };
	struct hyp_config k = { .pair_scan = HYP_PAIRS_OFF };
	struct pair_rec rec;
	cpu_set_t all;

	pin_here(&all);
	xrun_rules(&x, r, 2, &k);
	ok(fill_frames("abcdY", NULL, 0) == XDP_PASS && last_chunk_flagged(),
	   "the plain hash flags the blocks of 'abcdYabcdY...'");
	k.pair_scan = HYP_PAIRS_STRICT;
	xrun_rules(&x, r, 2, &k);
	ok(fill_frames("abcdY", NULL, 0) == XDP_PASS && !last_chunk_flagged(),
	   "the strict hash flags none of them");
	ok(fill_frames("abcdY", "abcdX", MIDDLE) == XDP_DROP, "and finds 'abcdX' among them");
	ok(fill_frames("abcdY", "wxyz", 1400 - 4) == XDP_DROP,
	   "and 'wxyz' in the last bytes (no next byte to test)");
	k.pair_scan = HYP_PAIRS_ADAPT;
	xrun_rules(&x, r, 2, &k);
	ok(fill_frames("abcdY", NULL, 0) == XDP_PASS,
	   "ten payloads of 'abcdY...' with the pair scan adapting");
	pair_state(0, &rec);
	ok(rec.off == HYP_PAIRS_REST - 4 && rec.third == 0 && !last_chunk_flagged(),
	   "both pair scans flag 'abcdY...': the pair scan rests (%u packets left), the strict "
	   "hash scans",
	   rec.off);
	ok(fill_frames("abcdY", "abcdX", MIDDLE) == XDP_DROP, "and finds 'abcdX'");
	xrun_rules(&x, r, 3, &k); /* a short signature: the plain hash */
	ok(fill_frames("abcdY", NULL, 0) == XDP_PASS && last_chunk_flagged(),
	   "with a 2-byte signature in the set the plain hash scans instead");
	ok(fill_frames("abcdY", "abcdX", MIDDLE) == XDP_DROP, "and finds 'abcdX'");
	k.pair_scan = HYP_PAIRS_STRICT;
	xrun_rules(&x, r, 1, &k); /* 5-byte anchors: the plain hash, asked or not */
	ok(fill_frames("abcdY", "abcdX", MIDDLE) == XDP_DROP,
	   "strict asked, 5-byte anchors: the plain hash scans and finds 'abcdX'");
	sched_setaffinity(0, sizeof(all), &all);
}

/* The pair scan on the bigram and the third byte's class (pairs3): the
 * bigram "SI" of "SIGa" is everywhere in "SIxSIx...", but never before a
 * 'G' (nor a byte with its low three bits): the bigram alone flags every
 * block, with the third byte none; matches are found either way. */
static void test_pair_third(void)
{
	struct hyp_rule r = xrun_rule("SIGa", 4, 1);
	struct hyp_config k = { .pair_scan = HYP_PAIRS_ON };
	cpu_set_t all;

	pin_here(&all);
	xrun_rules(&x, &r, 1, &k);
	ok(fill_frames("SIx", NULL, 0) == XDP_PASS && last_chunk_flagged(),
	   "the bigram pair scan flags the blocks of 'SIxSIx...'");
	k.pair_scan = HYP_PAIRS_ON3;
	xrun_rules(&x, &r, 1, &k);
	ok(fill_frames("SIx", NULL, 0) == XDP_PASS && !last_chunk_flagged(),
	   "with the third byte, none of them");
	ok(fill_frames("SIx", "SIGa", MIDDLE) == XDP_DROP && !strcmp(last_reported(), "SIGa"),
	   "and it finds 'SIGa' among them");
	ok(fill_frames("SIx", "SIGa", 1400 - 4) == XDP_DROP, "and in the last four bytes");
	sched_setaffinity(0, sizeof(all), &all);
}

/* The compiler's own choice of pairs3: 4000 random signatures set more
 * bigrams than the bigram table may hold, and few pairs3 slots. On
 * 'xyxy...' (a signature starts "xyx") it flags every block and rests on
 * the strict hash, which still finds the signatures. */
static void test_pair_third_adapt(void)
{
	static struct hyp_rule r[4000];
	static char sigs[4000][HYP_SIG_LEN + 1];
	struct hyp_config k = { .pair_scan = HYP_PAIRS_CHOOSE };
	unsigned int seed = 7, missed = 0, tried = 0;
	struct pair_rec rec;
	cpu_set_t all;

	for (unsigned int i = 0; i < 4000; i++) {
		unsigned int len = 4 + (unsigned int)rand_r(&seed) % 5;

		for (unsigned int j = 0; j < len; j++) /* no NUL: fill_frames() takes strings */
			sigs[i][j] = (char)(1 + rand_r(&seed) % 255);
		r[i] = xrun_rule(sigs[i], len, i);
	}
	strcpy(sigs[3999], "xyxq");
	r[3999] = xrun_rule("xyxq", 4, 3999);
	pin_here(&all);
	ok(xrun_rules(&x, r, 4000, &k) == 0 && x.tables->cfg.pair_scan == HYP_PAIRS_ADAPT &&
		   x.tables->cfg.pair_third,
	   "4000 random signatures: the pair scan adapts, on pairs3");
	pair_state(1, &rec);
	ok(fill_frames("xy", NULL, 0) == XDP_PASS, "ten payloads of 'xyxy...' pass");
	pair_state(0, &rec);
	ok(rec.off == HYP_PAIRS_REST - 7 && rec.third == 0,
	   "pairs3 flagged every block: it rests (%u packets left), with no step to take first",
	   rec.off);
	for (unsigned int i = 0; i < 3999; i += 37, tried++)
		missed += fill_frames("x", sigs[i], MIDDLE) != XDP_DROP ||
			  strcmp(last_reported(), sigs[i]);
	pair_state(0, &rec);
	ok(missed == 0 && rec.off > 0,
	   "while it rests, %u of %u signatures missed (%u packets left)", missed, tried, rec.off);
	sched_setaffinity(0, sizeof(all), &all);
}

/* 10,000 signatures at once; each of a sample is found. */
static void test_many(void)
{
	static struct hyp_rule r[10000];
	unsigned int seed = 99;
	struct pkt_opts o;
	__u8 frame[256], payload[64];
	int found = 0, clean = 0;
	__u64 insns;

	for (unsigned int i = 0; i < 10000; i++) {
		__u8 b[8];
		unsigned int len = 4 + (unsigned int)rand_r(&seed) % 5;

		for (unsigned int k = 0; k < len; k++)
			b[k] = (__u8)('A' + rand_r(&seed) % 26);
		r[i] = xrun_rule(b, len, i);
	}
	if (!ok(xrun_rules(&x, r, 10000, NULL) == 0, "10,000 signatures loaded"))
		return;
	pkt_defaults(&o);
	o.payload = payload;
	for (unsigned int i = 0; i < 10000; i += 97) {
		struct ref_verdict want;
		size_t n;
		int v;

		memset(payload, '.', sizeof(payload));
		memcpy(payload + 20, &r[i].pattern, r[i].len);
		o.payload_len = sizeof(payload);
		n = pkt_build(&o, frame, sizeof(frame));
		v = xrun_packet(&x, frame, n);
		/* another signature may start earlier inside this one: ask the reference */
		ref_inspect(frame, n, r, 10000, &(struct hyp_config){ 0 }, &want);
		if (v == XDP_DROP && want.rule >= 0 && x.nev >= 2 &&
		    !memcmp(x.ev[0].data + 32, &r[want.rule].pattern, 8))
			found++;
	}
	memset(payload, '.', sizeof(payload));
	o.payload_len = sizeof(payload);
	clean = xrun_packet(&x, frame, pkt_build(&o, frame, sizeof(frame))) == XDP_PASS;
	ok(found == (10000 + 96) / 97 && clean,
	   "each of %d sampled signatures found, benign "
	   "packet passes",
	   found);
	insns = xrun_verified_insns(&x);
	diag("note: verifier processed %llu instructions for the program (limit 1000000)",
	     (unsigned long long)insns);
	/* the program does not depend on the rule set: this is its largest
	 * configuration; half the verifier's limit is the budget */
	ok(insns > 0 && insns < 500000,
	   "verifier budget: %llu processed instructions, under "
	   "500000 (half the limit)",
	   (unsigned long long)insns);
}

int main(void)
{
	if (geteuid() != 0) {
		skip("needs root for BPF", "XDP tests");
		return done_testing();
	}
	if (!ok(xrun_open(&x, 1024) == 0, "XDP program loads"))
		return done_testing();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_malformed();
	test_truncation();
	test_boundaries();
	test_new_flow();
	test_pair_scan();
	test_strict_hash();
	test_stage2_bits();
	test_pair_third();
	test_pair_third_adapt();
	test_many();
	xrun_close(&x);
	return done_testing();
}
