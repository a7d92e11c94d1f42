/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header parsing on the frame copy: Ethernet with up to two VLAN tags
 * (802.1Q, 802.1ad), IPv4 with options, IPv6 with its extension chain, TCP
 * and UDP. The result is the L4 payload window [poff, poff + plen) of the
 * copy, which is all the matcher ever scans: bytes in IP or TCP options and
 * Ethernet padding past the IP length are never payload.
 *
 * Malformed headers pass and are counted: the stack drops them itself, and
 * guessing where their payload is would risk a false drop.
 */
#ifndef HYPERION_PARSE_BPF_H
#define HYPERION_PARSE_BPF_H

#include <linux/if_ether.h>
#include <linux/in.h>
#include "scratch.bpf.h"

#define HYP_VLAN_MAX	 2 /* tags followed before the ethertype */
#define HYP_V6_EXT_MAX	 8 /* IPv6 extension headers followed */

/* What the parser decided. */
#define HYP_PARSE_SCAN	 0 /* TCP/UDP payload to scan */
#define HYP_PARSE_PASS	 1 /* pass untouched (counted) */
#define HYP_PARSE_DROP	 2 /* drop by policy (counted) */

#define IPV6_NH_HOP	 0
#define IPV6_NH_ROUTING	 43
#define IPV6_NH_FRAGMENT 44
#define IPV6_NH_AH	 51
#define IPV6_NH_DEST	 60

static __always_inline int parse_pass(struct hyp_counters *c, int counter)
{
	c->v[counter]++;
	return HYP_PARSE_PASS;
}

/* A fragment the matcher cannot judge: non-first, or a first fragment too
 * short to hold its L4 header (the tiny-fragment evasion of RFC 1858). */
static __always_inline int parse_fragment(struct hyp_counters *c, const struct hyp_tables *t)
{
	c->v[HYP_CNT_FRAG_NONFIRST]++;
	if (t->cfg.nonfirst_frag == HYP_POLICY_DROP) {
		c->v[HYP_CNT_FRAG_DROPPED]++;
		return HYP_PARSE_DROP;
	}
	return HYP_PARSE_PASS;
}

/* L4 header at s->l4, IP datagram ending at l3_end. */
static __always_inline int parse_l4(struct hyp_scratch *s, struct hyp_counters *c,
				    const struct hyp_tables *t, __u32 l3_end, int first_frag)
{
	__u32 l4 = s->l4, pend = l3_end;

	if (s->proto == IPPROTO_TCP) {
		__u32 doff;

		if (l4 + 20 > l3_end)
			return first_frag ? parse_fragment(c, t) : parse_pass(c, HYP_CNT_BAD_L4);
		doff = (__u32)(rd8(s, l4 + 12) >> 4) * 4;
		if (doff < 20)
			return parse_pass(c, HYP_CNT_BAD_L4);
		if (l4 + doff > l3_end)
			return first_frag ? parse_fragment(c, t) : parse_pass(c, HYP_CNT_BAD_L4);
		s->poff = l4 + doff;
	} else {
		__u32 ulen;

		if (l4 + 8 > l3_end)
			return first_frag ? parse_fragment(c, t) : parse_pass(c, HYP_CNT_BAD_L4);
		/* A first fragment's UDP length covers the whole datagram. */
		if (!first_frag) {
			ulen = rd16be(s, l4 + 4);
			if (ulen < 8 || l4 + ulen > l3_end)
				return parse_pass(c, HYP_CNT_BAD_L4);
			pend = l4 + ulen;
		}
		s->poff = l4 + 8;
	}
	/* Headers past the copied window (jumbo frames with huge IPv6
	 * chains) cannot be read: nothing to scan. */
	if (s->poff > s->copy)
		return parse_pass(c, HYP_CNT_SCAN_TRUNCATED);
	s->dport = rd16be(s, l4 + 2);
	if (pend > s->copy) {
		c->v[HYP_CNT_SCAN_TRUNCATED]++;
		pend = s->copy;
	}
	s->plen = pend - s->poff;
	if (first_frag)
		c->v[HYP_CNT_FRAG_FIRST]++;
	return HYP_PARSE_SCAN;
}

static __always_inline int parse_ipv4(struct hyp_scratch *s, struct hyp_counters *c,
				      const struct hyp_tables *t, __u32 flen)
{
	__u32 l3 = s->l3, ihl, tot, frag;

	if (l3 + 20 > s->copy)
		return parse_pass(c, HYP_CNT_BAD_IPV4);
	ihl = (__u32)(rd8(s, l3) & 0x0f) * 4;
	tot = rd16be(s, l3 + 2);
	if ((rd8(s, l3) >> 4) != 4 || ihl < 20 || tot < ihl || l3 + tot > flen)
		return parse_pass(c, HYP_CNT_BAD_IPV4);
	s->proto = rd8(s, l3 + 9);
	if (s->proto != IPPROTO_TCP && s->proto != IPPROTO_UDP)
		return parse_pass(c, HYP_CNT_NOT_TCP_UDP);
	frag = rd16be(s, l3 + 6);
	if (frag & 0x1fff)
		return parse_fragment(c, t);
	s->ipv6 = 0;
	s->l4 = l3 + ihl;
	return parse_l4(s, c, t, l3 + tot, !!(frag & 0x2000));
}

static __always_inline int v6_is_ext(__u8 nh)
{
	return nh == IPV6_NH_HOP || nh == IPV6_NH_ROUTING || nh == IPV6_NH_DEST ||
	       nh == IPV6_NH_AH || nh == IPV6_NH_FRAGMENT;
}

/*
 * Follows the extension chain; leaves s->l4 and s->proto on the upper
 * layer header. The chain position lives in s->l4 and s->ipv6 (first
 * fragment seen) during the walk: values loaded from memory are unknown to
 * the verifier, so every path through one step reaches the next step in the
 * same state and is verified once.
 */
__noinline int parse_ipv6(struct hyp_scratch *s, struct hyp_counters *c, const struct hyp_tables *t,
			  __u64 flen)
{
	__u32 l3, end, limit;
	int first_frag;
	__u8 nh;

	if (!s || !c || !t)
		return HYP_PARSE_PASS;
	l3 = s->l3;
	if (l3 + 40 > s->copy || (rd8(s, l3) >> 4) != 6)
		return parse_pass(c, HYP_CNT_BAD_IPV6);
	end = l3 + 40 + rd16be(s, l3 + 4);
	if (end > flen)
		return parse_pass(c, HYP_CNT_BAD_IPV6);
	limit = end < s->copy ? end : s->copy;
	nh = rd8(s, l3 + 6);
	s->l4 = l3 + 40;
	s->ipv6 = 0;

	for (int i = 0; i < HYP_V6_EXT_MAX; i++) {
		__u32 off = s->l4, hlen;

		if (!v6_is_ext(nh))
			break;
		if (off + 8 > limit)
			return parse_pass(c, HYP_CNT_BAD_IPV6);
		if (nh == IPV6_NH_FRAGMENT) {
			if (rd16be(s, off + 2) & 0xfff8)
				return parse_fragment(c, t);
			s->ipv6 = 1;
			hlen = 8;
		} else if (nh == IPV6_NH_AH) {
			hlen = ((__u32)rd8(s, off + 1) + 2) * 4;
		} else {
			hlen = ((__u32)rd8(s, off + 1) + 1) * 8;
		}
		nh = rd8(s, off);
		s->l4 = off + hlen;
	}
	if (v6_is_ext(nh)) {
		c->v[HYP_CNT_V6_EXT_TOO_DEEP]++;
		if (t->cfg.v6_ext_too_deep == HYP_POLICY_DROP) {
			c->v[HYP_CNT_V6_EXT_DROPPED]++;
			return HYP_PARSE_DROP;
		}
		return HYP_PARSE_PASS;
	}
	if (s->l4 > end)
		return parse_pass(c, HYP_CNT_BAD_IPV6);
	if (nh != IPPROTO_TCP && nh != IPPROTO_UDP)
		return parse_pass(c, HYP_CNT_NOT_TCP_UDP);
	s->proto = nh;
	first_frag = s->ipv6;
	s->ipv6 = 1;
	return parse_l4(s, c, t, end, first_frag);
}

/*
 * flen: the whole frame's length; s->copy bytes of it are in s->frame.
 * Returns HYP_PARSE_*. Inlined into the program: it runs once per packet,
 * and a call and its return cost several ns on hosts with return thunks.
 * IPv6's extension chain stays a global function, verified once.
 */
static __always_inline int parse_frame(struct hyp_scratch *s, struct hyp_counters *c,
				       const struct hyp_tables *t, __u64 flen)
{
	__u32 off = ETH_HLEN;
	__u16 proto;

	if (s->copy < ETH_HLEN)
		return parse_pass(c, HYP_CNT_BAD_ETH);
	proto = rd16be(s, 12);
	for (int i = 0; i < HYP_VLAN_MAX; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if (off + 4 > s->copy)
			return parse_pass(c, HYP_CNT_BAD_ETH);
		proto = rd16be(s, off + 2);
		off += 4;
	}
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD)
		return parse_pass(c, HYP_CNT_VLAN_TOO_DEEP);
	s->l3 = off;
	if (proto == ETH_P_IP)
		return parse_ipv4(s, c, t, flen);
	if (proto == ETH_P_IPV6)
		return parse_ipv6(s, c, t, flen);
	return parse_pass(c, HYP_CNT_NOT_IP);
}

#endif /* HYPERION_PARSE_BPF_H */
