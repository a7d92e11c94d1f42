// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * corpus: malformed and edge-case frames replayed over a real veth against
 * a running agent, each judged by the reference parser and matcher
 * (tests/lib/ref.c).
 *
 *   corpus config IFACE           the agent configuration (YAML) to use
 *   corpus replay IFACE PINNED    send every frame on IFACE (AF_PACKET) and
 *                                 read the verdict from the counters pinned
 *                                 in directory PINNED; TAP output
 *
 * The frames: good ones with and without a signature, every truncation of
 * several of them, bad lengths, IHL < 5, TCP data offset < 5, IPv6
 * extension chains of every length and with a loop-like repetition, VLAN
 * stacks deeper than supported, zero-length payloads, fragments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "pkt.h"
#include "ref.h"
#include "tap.h"

#define MAX_FRAMES 4096

struct frame {
	char name[80];
	size_t len;
	unsigned char b[1600];
};

static struct frame frames[MAX_FRAMES];
static size_t nframes;

/* The rules of `corpus config`, in the same order. */
static const struct {
	const char *name, *yaml, *bytes;
	unsigned int len;
} sigs[] = {
	{ "hack", "\"hack\"", "hack", 4 },
	{ "binary", "\"\\x00\\xff\\x00\"", "\x00\xff\x00", 3 },
	{ "attack", "\"attack!\"", "attack!", 7 },
};
#define NSIGS (sizeof(sigs) / sizeof(sigs[0]))

static void add(const char *name, const unsigned char *b, size_t len)
{
	struct frame *f;

	if (nframes == MAX_FRAMES || len > sizeof(f->b) || len < 14)
		return;
	f = &frames[nframes++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	memcpy(f->b, b, len);
	f->len = len;
}

static size_t build(struct pkt_opts *o, const char *payload, size_t plen, unsigned char *out)
{
	o->payload = (const unsigned char *)payload;
	o->payload_len = plen;
	return pkt_build(o, out, 1600);
}

static void base(const char *name, void (*adjust)(struct pkt_opts *), const char *payload,
		 size_t plen, int truncate_all)
{
	unsigned char b[1600];
	char label[80];
	struct pkt_opts o;
	size_t len;

	pkt_defaults(&o);
	if (adjust)
		adjust(&o);
	len = build(&o, payload, plen, b);
	add(name, b, len);
	for (size_t cut = 14; truncate_all && cut < len; cut++) {
		snprintf(label, sizeof(label), "%s cut at %zu", name, cut);
		add(label, b, cut);
	}
}

static void udp(struct pkt_opts *o)
{
	o->proto = IPPROTO_UDP;
}
static void v6(struct pkt_opts *o)
{
	o->ipv6 = 1;
	memset(o->saddr, 0, 16);
	memset(o->daddr, 0, 16);
	o->saddr[0] = o->daddr[0] = 0x20;
	o->saddr[15] = 1;
	o->daddr[15] = 2;
}
static void qinq(struct pkt_opts *o)
{
	o->vlans = 2;
	o->vlan_tpid[0] = 0x88a8;
}
static void vlan3(struct pkt_opts *o)
{
	o->vlans = 3;
}
static void vlan4(struct pkt_opts *o)
{
	o->vlans = 4;
}
static void frag1(struct pkt_opts *o)
{
	o->frag = PKT_FRAG_FIRST;
}
static void frag2(struct pkt_opts *o)
{
	o->frag = PKT_FRAG_NONFIRST;
}
static void ipopt(struct pkt_opts *o)
{
	static const unsigned char opts[40] = { 1, 1, 1, 1, 'h', 'a', 'c', 'k' };

	o->ip_opts = opts;
	o->ip_opts_len = 40;
}

/* IPv6 with n destination-options headers (n > 8 is over the limit). */
static void v6_chain(size_t n, const char *payload)
{
	static unsigned char ext[16];
	unsigned char b[1600];
	char label[80];
	struct pkt_opts o;

	pkt_defaults(&o);
	v6(&o);
	memset(ext, 60, sizeof(ext));
	o.v6_ext = ext;
	o.v6_ext_n = n;
	snprintf(label, sizeof(label), "IPv6 with %zu extension headers, %s", n, payload);
	add(label, b, build(&o, payload, strlen(payload), b));
}

/* Good frames, then mangled header fields. */
static void mangled(void)
{
	unsigned char b[1600], c[1600];
	struct pkt_opts o;
	size_t len;

	pkt_defaults(&o);
	len = build(&o, "GET /hack HTTP/1.0", 18, b);
	memcpy(c, b, len), c[14] = 0x44, add("IPv4 IHL 4", c, len);
	memcpy(c, b, len), c[14] = 0x4f, add("IPv4 IHL 15 past the packet", c, len);
	memcpy(c, b, len), c[14] = 0x65, add("IPv4 header with version 6", c, len);
	memcpy(c, b, len), c[16] = 0xff, add("IPv4 total length too big", c, len);
	memcpy(c, b, len), c[16] = 0, c[17] = 10, add("IPv4 total length under IHL", c, len);
	memcpy(c, b, len), c[17] -= 6, add("IPv4 total length cuts the signature", c, len);
	memcpy(c, b, len), c[46] = 0x40, add("TCP data offset 4", c, len);
	memcpy(c, b, len), c[46] = 0xf0, add("TCP data offset 15 past the packet", c, len);
	memcpy(c, b, len), c[23] = 99, add("IP protocol 99 with a signature", c, len);
	memcpy(c, b, len), c[12] = 0x88, c[13] = 0xb5, add("unknown ethertype", c, len);
	pkt_defaults(&o);
	o.proto = IPPROTO_UDP;
	len = build(&o, "udp hack", 8, b);
	memcpy(c, b, len), c[38] = 0, c[39] = 4, add("UDP length 4", c, len);
	memcpy(c, b, len), c[39] += 20, add("UDP length past the datagram", c, len);
	memcpy(c, b, len), c[39] -= 4, add("UDP length cuts the signature", c, len);
	pkt_defaults(&o);
	v6(&o);
	len = build(&o, "v6 hack", 7, b);
	memcpy(c, b, len), c[19] += 40, add("IPv6 payload length too big", c, len);
	memcpy(c, b, len), c[14] = 0x40, add("IPv6 header with version 4", c, len);
}

static void make_corpus(void)
{
	base("TCP with a signature", NULL, "GET /hack HTTP/1.0", 18, 1);
	base("UDP with a binary signature", udp, "x\x00\xff\x00y", 5, 1);
	base("IPv6 TCP with a signature", v6, "attack!", 7, 1);
	base("QinQ with a signature", qinq, "hack", 4, 1);
	base("IPv4 options then a signature", ipopt, "hack", 4, 1);
	base("TCP benign", NULL, "GET /index.html HTTP/1.0", 24, 0);
	base("TCP zero-length payload", NULL, "", 0, 0);
	base("UDP zero-length payload", udp, "", 0, 0);
	base("three VLAN tags with a signature", vlan3, "hack", 4, 0);
	base("four VLAN tags with a signature", vlan4, "hack", 4, 0);
	base("first fragment with a signature", frag1, "hack", 4, 0);
	base("non-first fragment with a signature", frag2, "hack", 4, 0);
	base("signature at the last byte", NULL, "......hack", 10, 0);
	base("signature split by nothing", NULL, "hac k", 5, 0);
	for (size_t n = 0; n <= 12; n++) {
		v6_chain(n, "hack");
		v6_chain(n, "benign");
	}
	mangled();
}

static void print_config(const char *iface)
{
	printf("interfaces:\n  - name: %s\n    mode: native\nsignatures:\n", iface);
	for (size_t i = 0; i < NSIGS; i++)
		printf("  - name: %s\n    pattern: %s\n", sigs[i].name, sigs[i].yaml);
	printf("outputs:\n  console:\n    enabled: false\n");
}

static int read_counters(int fd, struct hyp_counters *sum)
{
	int n = libbpf_num_possible_cpus();
	struct hyp_counters per[256];
	__u32 zero = 0;

	memset(sum, 0, sizeof(*sum));
	if (n <= 0 || n > 256 || bpf_map_lookup_elem(fd, &zero, per))
		return -1;
	for (int c = 0; c < n; c++)
		for (int i = 0; i < HYP_CNT_MAX; i++)
			sum->v[i] += per[c].v[i];
	return 0;
}

/* Sends one frame and waits for the program to count it. 1 dropped, 0
 * passed, -1 not seen. */
static int verdict(int sock, const struct sockaddr_ll *to, int cfd, const struct frame *f)
{
	struct hyp_counters before, after;

	if (read_counters(cfd, &before) ||
	    sendto(sock, f->b, f->len, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		return -1;
	for (int i = 0; i < 200; i++) {
		if (read_counters(cfd, &after))
			return -1;
		if (after.v[HYP_CNT_PACKETS] > before.v[HYP_CNT_PACKETS])
			return after.v[HYP_CNT_DROPPED] > before.v[HYP_CNT_DROPPED];
		usleep(1000);
	}
	return -1;
}

static int replay(const char *iface, const char *pinned)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	struct hyp_rule rules[NSIGS];
	struct hyp_config knobs = { 0 };
	char path[512];
	int sock, cfd, bad = 0;

	for (size_t i = 0; i < NSIGS; i++) {
		memset(&rules[i], 0, sizeof(rules[i]));
		memcpy(&rules[i].pattern, sigs[i].bytes, sigs[i].len);
		rules[i].len = (__u8)sigs[i].len;
	}
	snprintf(path, sizeof(path), "%s/%s", pinned, HYP_MAP_COUNTERS);
	cfd = bpf_obj_get(path);
	sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	to.sll_ifindex = (int)if_nametoindex(iface);
	if (cfd < 0 || sock < 0 || !to.sll_ifindex) {
		printf("Bail out! cannot open %s, a packet socket or %s: %s\n", path, iface,
		       strerror(errno));
		return 1;
	}
	make_corpus();
	for (size_t i = 0; i < nframes; i++) {
		struct ref_verdict want;
		int got = verdict(sock, &to, cfd, &frames[i]);

		ref_inspect(frames[i].b, frames[i].len, rules, NSIGS, &knobs, &want);
		bad += !ok(got == want.drop, "%s (%zu bytes): %s", frames[i].name, frames[i].len,
			   got < 0 ? "not seen"
			   : got   ? "dropped"
				   : "passed");
	}
	diag("note: %zu frames replayed over veth, %d verdicts differ from the reference", nframes,
	     bad);
	return done_testing();
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "config")) {
		print_config(argv[2]);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "replay"))
		return replay(argv[2], argv[3]);
	fprintf(stderr, "usage: corpus config IFACE | corpus replay IFACE PINNED_DIR\n");
	return 2;
}
