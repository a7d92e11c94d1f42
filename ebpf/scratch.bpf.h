/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-CPU scratch space of the XDP program. Never read by the agent (only
 * by tests), so it lives here and not in the ABI header.
 *
 * The program copies the frame (up to HYP_FRAME_MAX bytes, across XDP
 * fragments) into frame[] with bpf_xdp_load_bytes() and parses and scans the
 * copy. Every read is an offset masked into frame[], which the verifier
 * bounds once, and multi-buffer (jumbo) frames need no second code path.
 */
#ifndef HYPERION_SCRATCH_BPF_H
#define HYPERION_SCRATCH_BPF_H

#include "hyperion.h"

#define HYP_FRAME_MAX	16384 /* frame bytes copied, parsed and scanned */
#define HYP_FRAME_MASK	(HYP_FRAME_MAX - 1)
#define HYP_FRAME_SLACK 16 /* 8-byte windows may read past the copy */

#define HYP_NO_MATCH	0xffffffffu

struct hyp_scratch {
	__u8 frame[HYP_FRAME_MAX + HYP_FRAME_SLACK];
	/* parse results, offsets into frame[] */
	__u32 copy;  /* bytes of the frame in frame[] */
	__u32 l3;    /* IP header */
	__u32 l4;    /* TCP/UDP header */
	__u32 poff;  /* payload start */
	__u32 plen;  /* payload bytes in frame[], the scan window */
	__u16 dport; /* host byte order, for port-scoped rules */
	__u8 proto;  /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 ipv6;   /* 1 for IPv6 */
	/* matcher state: earliest drop and alert, by (start, rule index) */
	__u32 scan_stop; /* payload offsets >= this need no scanning */
	__u32 drop_start;
	__u32 drop_rule;
	__u32 alert_start;
	__u32 alert_rule;
	/* the pair scan on this CPU (HYP_PAIRS_ADAPT), kept across the packets
	 * of one rule set */
	__u32 pairs_set;    /* cfg.set_id of that set */
	__u32 pair_blocks;  /* blocks scanned with pairs since the last review,
			     * or since pairs3's turn ended */
	__u32 pair_flagged; /* how many of them stage 1 flagged */
	__u32 pairs_off;    /* packets still to scan without pairs */
	__u32 pairs3_left;  /* packets still to scan with pairs3, not the bigrams */
	__u16 hits[32];	    /* stage-1 result per block of a chunk */
};

static __always_inline __u8 rd8(const struct hyp_scratch *s, __u32 off)
{
	return s->frame[off & HYP_FRAME_MASK];
}

static __always_inline __u16 rd16be(const struct hyp_scratch *s, __u32 off)
{
	return ((__u16)rd8(s, off) << 8) | rd8(s, off + 1);
}

/* Eight bytes in memory order as a little-endian value: byte k of the
 * window is bits 8k..8k+7, the layout of hyp_pattern.bytes. */
static __always_inline __u64 rd64(const struct hyp_scratch *s, __u32 off)
{
	return *(const __u64 *)&s->frame[off & HYP_FRAME_MASK];
}

#endif /* HYPERION_SCRATCH_BPF_H */
