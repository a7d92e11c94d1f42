// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Differential test: the XDP program against the plain C reference
 * (tests/lib/ref.c) on random and mutated frames with random signature
 * sets. Verdict, reported signature and the scanned flag must agree.
 *
 *   test_diff [PACKETS] [SEED]     defaults: 100000, 1
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "pkt.h"
#include "ref.h"
#include "tap.h"
#include "xdp_run.h"

#define SETS_EVERY 2500 /* packets per random signature set */

static struct xrun x;
static unsigned int seed;

static unsigned int rnd(unsigned int n)
{
	return n ? (unsigned int)rand_r(&seed) % n : 0;
}

static const char words[] = "GET /index.html HTTP/1.1 Host: example attack select union "
			    "password admin login cmd.exe /etc/passwd \r\n\x00\x90\x90\xff";

/* A random byte string, biased towards bytes that appear in payloads. */
static void rnd_bytes(__u8 *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = rnd(3) ? (__u8)words[rnd(sizeof(words) - 1)] : (__u8)rnd(256);
}

static size_t make_rules(struct hyp_rule *r, size_t max)
{
	size_t n = 1 + rnd(rnd(4) ? 60 : (unsigned int)max), k = 0;
	unsigned int minlen = rnd(3) ? 4 : 1;

	for (size_t i = 0; i < n; i++) {
		__u8 b[8];
		unsigned int len = minlen + rnd(9 - minlen);

		rnd_bytes(b, len);
		if (!b[len - 1]) /* two patterns equal up to trailing NULs are refused */
			b[len - 1] = 'z';
		r[k] = xrun_rule(b, len, (unsigned int)k);
		r[k].action = rnd(4) ? HYP_ACTION_DROP : HYP_ACTION_ALERT;
		r[k].protocol = rnd(4) ? HYP_PROTO_ANY : (rnd(2) ? IPPROTO_TCP : IPPROTO_UDP);
		if (!rnd(4)) {
			r[k].nranges = (__u8)(1 + rnd(3));
			for (int j = 0; j < r[k].nranges; j++) {
				r[k].port_lo[j] = (__u16)(75 + rnd(10));
				r[k].port_hi[j] = (__u16)(r[k].port_lo[j] + rnd(3));
			}
		}
		k++;
	}
	return k;
}

/* A frame built from random options, its payload seeded with signatures. */
static size_t make_frame(const struct hyp_rule *r, size_t n, __u8 *frame, size_t cap)
{
	static const __u8 exts[] = { 0, 43, 60, 51 };
	static __u8 payload[9000], ext[10], opts[40];
	struct pkt_opts o;
	size_t len;

	pkt_defaults(&o);
	o.vlans = rnd(8) ? 0 : (int)rnd(4);
	for (int i = 0; i < o.vlans; i++)
		o.vlan_tpid[i] = rnd(2) ? 0x8100 : 0x88a8;
	o.ipv6 = rnd(3) == 0;
	o.proto = rnd(10) ? (rnd(2) ? IPPROTO_TCP : IPPROTO_UDP) : (__u8)rnd(256);
	o.dport = (__u16)(75 + rnd(15));
	o.sport = (__u16)rnd(65536);
	if (o.ipv6) {
		o.saddr[0] = o.daddr[0] = 0x20;
		o.v6_ext_n = rnd(4) ? 0 : rnd(10);
		for (size_t i = 0; i < o.v6_ext_n; i++)
			ext[i] = exts[rnd(sizeof(exts))];
		o.v6_ext = ext;
	} else if (!rnd(5)) {
		o.ip_opts_len = 4 * (1 + rnd(10));
		rnd_bytes(opts, o.ip_opts_len);
		o.ip_opts = opts;
	}
	if (o.proto == IPPROTO_TCP && !rnd(5)) {
		o.tcp_opts_len = 4 * (1 + rnd(10));
		rnd_bytes(opts, o.tcp_opts_len);
		o.tcp_opts = opts;
	}
	o.frag = rnd(15) ? PKT_FRAG_NONE : (int)(1 + rnd(2));
	o.payload_len = rnd(10) ? rnd(1500) : rnd(sizeof(payload));
	rnd_bytes(payload, o.payload_len);
	for (unsigned int k = rnd(4); k && n && o.payload_len >= 8; k--) {
		const struct hyp_rule *s = &r[rnd((unsigned int)n)];
		size_t last = o.payload_len - s->len; /* where it ends the payload */

		memcpy(payload + (rnd(4) ? rnd((unsigned int)last + 1) : last), &s->pattern,
		       s->len);
	}
	o.payload = payload;
	o.eth_pad = rnd(8) ? 0 : rnd(20);
	len = pkt_build(&o, frame, cap);

	/* mutations: a few bytes anywhere, or a cut */
	for (unsigned int m = rnd(6) ? 0 : 1 + rnd(4); m && len; m--)
		frame[rnd((unsigned int)(len < 128 ? len : 128))] = (__u8)rnd(256);
	if (!rnd(12) && len > 14)
		len = 14 + rnd((unsigned int)(len - 14));
	return len;
}

int main(int argc, char **argv)
{
	static struct hyp_rule rules[300];
	static __u8 frame[10000];
	unsigned long packets = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000, bad = 0;
	unsigned long drops = 0, matches = 0, scanned = 0;
	struct hyp_config knobs = { 0 };
	size_t n = 0;

	seed = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 1;
	if (geteuid() != 0) {
		skip("needs root for BPF", "differential test");
		return done_testing();
	}
	if (!ok(xrun_open(&x, 1024) == 0, "XDP program loads"))
		return done_testing();
	for (unsigned long i = 0; i < packets; i++) {
		struct ref_verdict want;
		size_t len;
		int v, got_rule = -1;

		if (i % SETS_EVERY == 0) {
			n = make_rules(rules, sizeof(rules) / sizeof(rules[0]));
			knobs.nonfirst_frag = (__u8)rnd(2);
			knobs.v6_ext_too_deep = (__u8)rnd(2);
			/* each stage 1, or the adapting choice between them */
			knobs.pair_scan = (__u8)(HYP_PAIRS_OFF + rnd(5));
			if (xrun_rules(&x, rules, n, &knobs)) {
				ok(0, "random signature set %lu installs", i / SETS_EVERY);
				break;
			}
		}
		len = make_frame(rules, n, frame, sizeof(frame));
		ref_inspect(frame, len, rules, n, &knobs, &want);
		v = xrun_packet(&x, frame, len);
		if (x.nev && (x.ev[0].data[0] & HYP_EVENT_TYPE_MASK) == HYP_EVENT_SIG_MATCH) {
			const __u8 *sig =
				x.ev[0].data + ((x.ev[0].data[0] & HYP_EVENT_IPV6) ? 16 : 32);

			for (size_t r = 0; r < n && got_rule < 0; r++)
				if (!memcmp(sig, &rules[r].pattern, 8))
					got_rule = (int)r;
		}
		/* compare reported bytes: rules with equal bytes are interchangeable here */
		if (v != (want.drop ? XDP_DROP : XDP_PASS) || (want.rule < 0) != (got_rule < 0) ||
		    (want.rule >= 0 && got_rule >= 0 &&
		     rules[want.rule].pattern != rules[got_rule].pattern)) {
			if (bad++ < 5)
				diag("packet %lu (seed %u): verdict %d want %d, rule %d want %d, "
				     "len %zu",
				     i, seed, v, want.drop ? 1 : 2, got_rule, want.rule, len);
		}
		drops += want.drop;
		matches += want.rule >= 0;
		scanned += want.scanned;
	}
	ok(bad == 0,
	   "%lu frames: XDP verdict and reported signature equal the reference's "
	   "(%lu mismatches; %lu scanned, %lu matched, %lu dropped)",
	   packets, bad, scanned, matches, drops);
	ok(scanned > packets / 2 && matches > packets / 10 && drops > packets / 10,
	   "the frames exercise scanning, matching and dropping");
	xrun_close(&x);
	return done_testing();
}
