/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The payload matcher: finds, in the payload window of the frame copy, the
 * signature to report. Its work per byte does not grow with the number of
 * signatures; its cache footprint does (see README, Performance).
 *
 * Design (chosen from the costs measured on prototypes, see
 * ../shared/notes/measuring.md and `make bench`):
 *
 *  - Stage 1 looks at every payload offset once, sixteen offsets per loop
 *    step with no branch but the loop's. At each offset it hashes the g-byte
 *    window (g = cfg.anchor_len, the shortest signature of 4..8 bytes) with
 *    one multiply and reads one byte of a table (t1) of 4 KiB to 1 MiB,
 *    sized by the compiler to the signature count. Every signature of 4..8
 *    bytes is entered by one "anchor": a g-byte piece of it at offset
 *    anchor_pos, the piece whose bucket holds the fewest other patterns,
 *    the earliest of those (so signatures sharing a prefix such as "GET /"
 *    spread out, and most buckets hold one pattern). A per-byte automaton
 *    was rejected (each byte's load waits on the previous one, ~3 ns/byte),
 *    so were one-bpf_loop-call-per-byte scans (~9 ns/byte) and Wu-Manber
 *    skipping (cannot skip with short patterns).
 *  - Signatures of 1..3 bytes cannot be anchored on g bytes; when the rule
 *    set has any, a second table indexed by the 2-byte window (t2) flags
 *    offsets where one may start.
 *  - The pair scan, a cheaper stage 1 for sets whose anchors start with few
 *    distinct bigrams: one byte of a 64 KiB table (pairs), indexed by the
 *    2-byte window, per offset (no hash: about half the cost of the anchor
 *    hash here), 1 where an anchor or a short signature starts. It keeps
 *    which offsets of a block it flags (a 16-bit mask, one shift more per
 *    offset), so that stage 2 visits those offsets only. On random
 *    traffic it flags few blocks; on text with word-like signatures it
 *    flags most, and then costs more than it saves. So with
 *    HYP_PAIRS_ADAPT each CPU reviews its record every HYP_PAIRS_REVIEW
 *    blocks and, past HYP_PAIRS_MAX_FLAGGED percent flagged, scans the next
 *    HYP_PAIRS_REST packets with pairs3 (below) if it read the bigrams,
 *    else with the strict hash (below), before trying its first table
 *    again.
 *    The compiler (agent/sigcompile.c) reads the bigram table while at
 *    most HYP_PAIRS_MAX_DENSITY percent of the bigrams are set (about
 *    2700 random signatures). Past that, with cfg.pair_third, the scan
 *    reads instead a 512 KiB table (pairs3) indexed by the bigram and the
 *    low three bits of the third byte, one 32-bit load and a mask
 *    (S1_PAIRS3): at 10,000 random signatures it flags 1.9 % of the
 *    offsets, and costs about 0.96 ns/byte where the anchor hash costs
 *    1.45 (and a test of the third byte's bit in a 64 KiB table of bit
 *    masks, 1.05). Past the same share of pairs3 slots, the compiler turns
 *    the pair scan off (the anchor hash scans).
 *    Where the bigrams flag too many blocks, pairs3 often flags few: on
 *    text with 10 and 30 word signatures it costs 0.70 and 0.73 ns/byte,
 *    against 0.95 and 1.14 for the strict hash, which scans only where
 *    pairs3 flags too many blocks as well.
 *  - The strict hash, for the traffic that sent the pair scan to rest: the
 *    anchor hash that also tests, at each offset, the t1 bit of the byte
 *    after the anchor (HYP_T1_NEXT_BIT), which stage 2 would test first
 *    anyway. On text with word-like signatures it flags a third as many
 *    blocks as the plain hash, and is ~20 % cheaper at 1000 signatures;
 *    on random traffic the extra work per offset costs more than it
 *    saves (+0.2 ns/byte), so the plain hash stays where the pair scan is
 *    off. It needs 4-byte anchors (it extends S1_LONG4's 32-bit load and
 *    reads the next byte at a fixed offset) and no 1..3-byte signature
 *    (those need t2 in stage 1); other sets take their plain hash. Like
 *    the pair scan it keeps a mask of the offsets it flags.
 *    Whatever stage 1 ran, the same stage 2 decides, so the verdict and the
 *    reported signature do not depend on it.
 *  - Stage 2 revisits the flagged offsets: after the pair scan and the
 *    strict hash, exactly those of the block's mask (verify_bits); after
 *    the plain hash, all sixteen of a flagged block (verify_block). A t1
 *    value holds a bit of the byte after each anchor: no matching bit, no
 *    further look. A bucket of one pattern is compared inline; otherwise
 *    probe() walks the bucket (at most HYP_MAX_CHAIN patterns), compares
 *    each pattern's masked 8-byte window exactly, then checks the rules that
 *    use the pattern (protocol, destination ports).
 *
 * Also measured on the development machine and rejected (README,
 * Performance): a 32-bit multiply-by-immediate hash (two instructions fewer
 * per offset, no measurable change: the same loop in native C takes 0.54
 * ns/byte, the JIT-compiled one 0.8; nor did a mask applied in place, one
 * x86 instruction fewer per offset); keeping each offset's stage-1 value
 * for stage 2 to reuse instead of recomputing it (no measurable change;
 * what paid was visiting only the flagged offsets, the masks above); flags
 * per quarter block for the hash (slower on both kinds of traffic: stage
 * 2's branch on the flag costs more than the offsets it skips); stage 2
 * inlined into the chunk for the pair scan (0.1 ns/byte slower, even where
 * stage 2 seldom runs); pairs3 for every set (0.83 ns/byte against 0.70 at
 * 1000 random signatures); one stage-2 call per chunk instead of per block
 * (0.9M verifier instructions); 3-byte anchors at every second offset (42 %
 * of offsets hit on text at 1000 word signatures); anchors on the rarest
 * bytes instead of the prefix (more hits on text); walking buckets of up to
 * four patterns inline instead of calling probe() (3.34 ns/byte on text at
 * 10,000 signatures, against 3.25 with anchors spread over one-pattern
 * buckets, and no better with both); for the strict hash, one
 * hash of the anchor and the next byte's class (a 64-bit load and a mask
 * instead of the next-byte test: stage 1 alone 0.17 to 0.29 ns/byte
 * cheaper), which needs a t1 eight times larger for the same selectivity,
 * as each slot then holds one (anchor, class) where a byte holds eight;
 * after the strict hash on text at 10,000 signatures, one stage-2 call per
 * four blocks (4.6 % slower) or per sixteen candidates taken from a list
 * built without branches (23 % slower; 36 % at 1000 signatures): what
 * costs there is each block's loop over its bits, and each candidate.
 *
 * Precedence: if any applicable drop rule matches, the packet is dropped and
 * the reported rule is the drop match that starts first in the payload, ties
 * broken by configuration order; otherwise the first alert match the same
 * way. An alert rule can therefore never hide a drop rule. After the first
 * drop match at start S the scan goes on only to S + max_anchor_pos, the
 * last offset where the anchor of an earlier-starting match can sit.
 *
 * Verifier: stage 1 (per flavour) and stage 2 are global functions, each
 * verified once whatever path reached it; match_payload(), inlined into the
 * program, calls a scan_chunk_*() once per HYP_CHUNK payload bytes. All
 * scan state lives in the per-CPU scratch.
 */
#ifndef HYPERION_MATCH_BPF_H
#define HYPERION_MATCH_BPF_H

#include "scratch.bpf.h"
#include "low_bit.h"

#define HYP_CHUNK     512 /* payload bytes per scan_chunk() call */
#define HYP_BLOCK     16  /* stage-1 offsets per loop step (one branch each) */

#define HYP_RULE_MASK (HYP_MAX_RULES - 1)

_Static_assert((HYP_MAX_RULES & HYP_RULE_MASK) == 0, "rule index mask");
_Static_assert(HYP_FRAME_MAX % HYP_CHUNK == 0, "whole chunks");
_Static_assert(HYP_BLOCK == 16, "a block's stage-1 mask is 16 bits, hits[] is __u16");
_Static_assert(HYP_CHUNK / HYP_BLOCK <= sizeof(((struct hyp_scratch *)0)->hits) / sizeof(__u16),
	       "hits[] holds a chunk");

static __always_inline int rule_applies(const struct hyp_scratch *s, const struct hyp_rule *r)
{
	__u16 port;

	if (r->protocol != HYP_PROTO_ANY && r->protocol != s->proto)
		return 0;
	if (!r->nranges)
		return 1;
	port = s->dport;
	for (int i = 0; i < HYP_MAX_PORT_RANGES; i++) {
		if (i >= r->nranges)
			break;
		if (port >= r->port_lo[i] && port <= r->port_hi[i])
			return 1;
	}
	return 0;
}

static __always_inline void consider(struct hyp_scratch *s, const struct hyp_tables *t, __u32 start,
				     __u32 rule, __u8 action)
{
	if (action == HYP_ACTION_DROP) {
		__u32 stop;

		if (start > s->drop_start || (start == s->drop_start && rule >= s->drop_rule))
			return;
		s->drop_start = start;
		s->drop_rule = rule;
		stop = start + t->cfg.max_anchor_pos + 1;
		if (stop < s->scan_stop)
			s->scan_stop = stop;
		return;
	}
	if (start > s->alert_start || (start == s->alert_start && rule >= s->alert_rule))
		return;
	s->alert_start = start;
	s->alert_rule = rule;
}

/* The rules of pattern pi, matched at payload offset start. Returns 0. */
__noinline int apply_rules(struct hyp_scratch *s, const struct hyp_tables *t, __u64 pi, __u64 start)
{
	const struct hyp_pattern *p;

	if (!s || !t)
		return 0;
	p = &t->patterns[pi & HYP_RULE_MASK];
	for (__u32 j = 0; j < HYP_MAX_PATTERN_RULES; j++) {
		__u32 ri;

		if (j >= p->nrules)
			break;
		ri = t->pattern_rules[(p->rules_first + j) & HYP_RULE_MASK] & HYP_RULE_MASK;
		if (rule_applies(s, &t->rules[ri]))
			consider(s, t, start, ri, t->rules[ri].action);
	}
	return 0;
}

/*
 * Checks the patterns of one bucket against the payload at offset off, where
 * their anchor would sit; h is the anchor's hash. Returns 0.
 */
__noinline int probe(struct hyp_scratch *s, const struct hyp_tables *t, __u64 off, __u64 h)
{
	__u32 head, first, count;

	if (!s || !t)
		return 0;
	head = t->heads[HYP_BUCKET_INDEX(h)];
	first = HYP_HEAD_START(head);
	count = HYP_HEAD_COUNT(head);
	for (__u32 i = 0; i < HYP_MAX_CHAIN; i++) {
		const struct hyp_pattern *p;
		__u32 pi = (first + i) & HYP_RULE_MASK, start;

		if (i >= count)
			break;
		p = &t->patterns[pi];
		if (p->anchor_pos > off)
			continue;
		start = off - p->anchor_pos;
		if (start + p->len <= s->plen && (rd64(s, s->poff + start) & p->mask) == p->bytes)
			apply_rules(s, t, pi, start);
	}
	return 0;
}

/* Signatures of 1..3 bytes that may start at payload offset off, whose
 * first eight bytes are w. */
static __always_inline void probe_short(struct hyp_scratch *s, const struct hyp_tables *t,
					__u64 off, __u64 w)
{
	__u8 lens = t->cfg.has_short;

	if (lens & HYP_T2_LEN1)
		probe(s, t, off, HYP_HASH(w & 0xff));
	if (lens & HYP_T2_LEN2)
		probe(s, t, off, HYP_HASH(w & 0xffff));
	if (lens & HYP_T2_LEN3)
		probe(s, t, off, HYP_HASH(w & 0xffffff));
}

/*
 * Whether the bucket of anchor hash h can hold a match at payload offset
 * off: false for an empty bucket, and for a bucket of one pattern whose
 * bytes are not there. Most stage-1 hits on text end here, without a call.
 */
static __always_inline int bucket_may_match(const struct hyp_scratch *s, const struct hyp_tables *t,
					    __u32 off, __u64 h)
{
	__u32 head = t->heads[HYP_BUCKET_INDEX(h)], start;
	const struct hyp_pattern *p;

	if (HYP_HEAD_COUNT(head) != 1)
		return HYP_HEAD_COUNT(head) != 0;
	p = &t->patterns[HYP_HEAD_START(head) & HYP_RULE_MASK];
	if (p->anchor_pos > off)
		return 0;
	start = off - p->anchor_pos;
	return start + p->len <= s->plen && (rd64(s, s->poff + start) & p->mask) == p->bytes;
}

/* cfg.t1_mask, bounded so that the verifier can bound every index. */
static __always_inline __u32 t1_mask(const struct hyp_tables *t)
{
	return t->cfg.t1_mask & (HYP_T1_SIZE - 1);
}

/*
 * Stage 2 at payload offset off, which stage 1 flagged. It goes on to
 * probe() when the offset's t1 value has the bit of the payload byte after
 * the anchor (HYP_T1_NEXT_BIT; the strict hash tested it already) and its
 * bucket may match, and to probe_short() when a short signature may start
 * there.
 */
static __always_inline void verify(struct hyp_scratch *s, const struct hyp_tables *t, __u32 off,
				   const int strict)
{
	const __u8 *p = &s->frame[(s->poff + off) & HYP_FRAME_MASK];
	__u64 w = *(const __u64 *)p, h = HYP_HASH(w & t->cfg.anchor_mask);

	if ((strict ||
	     (t->t1[HYP_T1_INDEX(h, t1_mask(t))] & HYP_T1_NEXT_BIT(p[t->cfg.anchor_len & 15]))) &&
	    bucket_may_match(s, t, off, h))
		probe(s, t, off, h);
	if (!strict && t->cfg.has_short && t->t2[(__u16)w])
		probe_short(s, t, off, w);
}

/* Stage 2 for the sixteen offsets of a block that the plain hash flagged.
 * Returns 0. */
__noinline int verify_block(struct hyp_scratch *s, const struct hyp_tables *t, __u64 off)
{
	if (!s || !t)
		return 0;
	for (__u32 k = 0; k < HYP_BLOCK; k++) {
		if (off + k >= s->scan_stop)
			break;
		verify(s, t, off + k, 0);
	}
	return 0;
}

/* Stage 2 for the offsets off + k of the set bits k of bits, in payload
 * order, after the pair scan or the strict hash. Returns 0. */
static __always_inline int verify_bits(struct hyp_scratch *s, const struct hyp_tables *t, __u64 off,
				       __u64 bits, const int strict)
{
	for (__u32 i = 0; i < HYP_BLOCK; i++) {
		__u32 k;

		if (!bits)
			break;
		k = bits & 0xff ? hyp_low_bit[bits & 0xff] : 8 + hyp_low_bit[(bits >> 8) & 0xff];
		bits &= bits - 1;
		if (off + k >= s->scan_stop)
			break;
		verify(s, t, off + k, strict);
	}
	return 0;
}

__noinline int verify_bits_pairs(struct hyp_scratch *s, const struct hyp_tables *t, __u64 off,
				 __u64 bits)
{
	return s && t ? verify_bits(s, t, off, bits, 0) : 0;
}

__noinline int verify_bits_strict(struct hyp_scratch *s, const struct hyp_tables *t, __u64 off,
				  __u64 bits)
{
	return s && t ? verify_bits(s, t, off, bits, 1) : 0;
}

/* Stage-1 flavours, picked once per chunk so the loop carries no test. */
#define S1_LONG4  0 /* anchors of 4 bytes: one 32-bit load per offset */
#define S1_LONG	  1 /* anchors of 5..8 bytes: 64-bit load and mask */
#define S1_SHORT  2 /* also 1..3-byte signatures: add the bigram table */
#define S1_PAIRS  3 /* the pair scan: the bigram at each offset, no hash */
#define S1_STRICT 4 /* S1_LONG4, and the next byte's bit (HYP_T1_NEXT_BIT) */
#define S1_PAIRS3 5 /* S1_PAIRS on pairs3: the bigram and the third byte's class */

/* Whether stage-1 flavour f is one of the two pair scans. */
static __always_inline int pair_flavour(const int f)
{
	return f == S1_PAIRS || f == S1_PAIRS3;
}

/* table[index]. clang would copy the base to add the index to it; adding
 * the base to the index saves that instruction at every payload byte. */
static __always_inline __u8 byte_at(const __u8 *table, __u64 index)
{
	asm volatile("%[i] += %[b]" : [i] "+r"(index) : [b] "r"(table));
	return *(const __u8 *)(long)index;
}

/* Bit k set if table value v has the HYP_T1_NEXT_BIT of payload byte b. */
static __always_inline __u32 bit_k(__u32 v, __u8 b, const int k)
{
	return ((v >> (b & 7)) & 1) << k;
}

/* Stage 1 at offset k of a block (p points at it): non-zero if flagged;
 * the pair scans and the strict hash return bit k. */
static __always_inline __u32 s1_offset(const __u8 *t1, const __u8 *t2, const __u8 *p, __u64 amask,
				       __u32 mask, const int flavour, const int k)
{
	__u64 w;

	if (flavour == S1_PAIRS) /* t2 is the pairs table, of 0s and 1s */
		return (__u32)byte_at(t2, *(const __u16 *)p) << k;
	if (flavour == S1_PAIRS3) /* t2 is pairs3, of 0s and 1s */
		return (__u32)byte_at(t2, HYP_PAIRS3_INDEX(*(const __u32 *)p)) << k;
	if (flavour == S1_STRICT) /* the t1 bit of p[4] */
		return bit_k(byte_at(t1, HYP_T1_INDEX(HYP_HASH(*(const __u32 *)p), mask)), p[4], k);
	if (flavour == S1_LONG4)
		return byte_at(t1, HYP_T1_INDEX(HYP_HASH(*(const __u32 *)p), mask));
	w = *(const __u64 *)p;
	if (flavour == S1_LONG)
		return byte_at(t1, HYP_T1_INDEX(HYP_HASH(w & amask), mask));
	return byte_at(t1, HYP_T1_INDEX(HYP_HASH(w & amask), mask)) | byte_at(t2, (__u16)w);
}

#define S1(k) s1_offset(t1, t2, p + (k), amask, mask, flavour, k)

/*
 * Stage 1 over the blocks of one chunk below stop: hits[b] is non-zero when
 * one of the HYP_BLOCK offsets of block b needs stage 2 (for the pair scan
 * and the strict hash, bit k for offset k). No calls in this loop, so all
 * of it stays in registers.
 */
static __always_inline void stage1(struct hyp_scratch *s, const struct hyp_tables *t, __u32 start,
				   __u32 stop, const int flavour)
{
	const __u8 *t1 = t->t1, *t2 = flavour == S1_PAIRS3  ? t->pairs3
				      : flavour == S1_PAIRS ? t->pairs
							    : t->t2;
	__u64 amask = t->cfg.anchor_mask;
	__u32 base = s->poff + start, mask;

	mask = t1_mask(t);
	for (__u32 b = 0; b < HYP_CHUNK / HYP_BLOCK; b++) {
		const __u8 *p = &s->frame[(base + b * HYP_BLOCK) & HYP_FRAME_MASK];

		if (start + b * HYP_BLOCK >= stop)
			break;
		__u32 acc = 0;

		/* One running OR, and a compiler barrier every four offsets:
		 * unbounded, clang hoists all sixteen loads and spills registers
		 * to a stack that the whole call chain must keep within 512
		 * bytes on 6.1 kernels (which round every frame up to 32). */
#pragma unroll
		for (int k = 0; k < HYP_BLOCK; k++) {
			acc |= S1(k);
			if (k % 4 == 3)
				asm volatile("" : "+r"(acc)::"memory");
		}
		s->hits[b] = acc;
	}
}

/* Stage 1 over the chunk, then stage 2 on its flagged blocks in payload
 * order. The second loop stops at the current s->scan_stop, which stage 2
 * only lowers, so it reads only hits[] that stage 1 wrote. The pair scan
 * keeps count of the blocks it flags. */
static __always_inline int scan_chunk(struct hyp_scratch *s, const struct hyp_tables *t,
				      __u32 start, const int flavour)
{
	const int pairs = pair_flavour(flavour);

	stage1(s, t, start, s->scan_stop, flavour);
	for (__u32 b = 0; b < HYP_CHUNK / HYP_BLOCK; b++) {
		__u16 bits;

		if (start + b * HYP_BLOCK >= s->scan_stop)
			break;
		bits = s->hits[b];
		if (pairs) {
			s->pair_blocks++;
			s->pair_flagged += bits != 0;
		}
		if (!bits)
			continue;
		if (pairs)
			verify_bits_pairs(s, t, start + b * HYP_BLOCK, bits);
		else if (flavour == S1_STRICT)
			verify_bits_strict(s, t, start + b * HYP_BLOCK, bits);
		else
			verify_block(s, t, start + b * HYP_BLOCK);
	}
	return 0;
}

/* Payload offsets [start, start + HYP_CHUNK), one global function per
 * flavour, each verified once. Return 0. */
__noinline int scan_chunk_long4(struct hyp_scratch *s, const struct hyp_tables *t, __u64 start)
{
	return s && t ? scan_chunk(s, t, start, S1_LONG4) : 0;
}

__noinline int scan_chunk_strict(struct hyp_scratch *s, const struct hyp_tables *t, __u64 start)
{
	return s && t ? scan_chunk(s, t, start, S1_STRICT) : 0;
}

__noinline int scan_chunk_long(struct hyp_scratch *s, const struct hyp_tables *t, __u64 start)
{
	return s && t ? scan_chunk(s, t, start, S1_LONG) : 0;
}

__noinline int scan_chunk_short(struct hyp_scratch *s, const struct hyp_tables *t, __u64 start)
{
	return s && t ? scan_chunk(s, t, start, S1_SHORT) : 0;
}

__noinline int scan_chunk_pairs(struct hyp_scratch *s, const struct hyp_tables *t, __u64 start)
{
	return s && t ? scan_chunk(s, t, start, S1_PAIRS) : 0;
}

__noinline int scan_chunk_pairs3(struct hyp_scratch *s, const struct hyp_tables *t, __u64 start)
{
	return s && t ? scan_chunk(s, t, start, S1_PAIRS3) : 0;
}

/* The stage 1 of this packet: S1_PAIRS or S1_PAIRS3, S1_STRICT, or
 * S1_LONG4 for the anchor hash of the set's flavour. */
static __always_inline int stage1_now(struct hyp_scratch *s, const struct hyp_tables *t)
{
	/* the strict hash needs 4-byte anchors and no short signature */
	int strict = t->cfg.anchor_len == 4 && !t->cfg.has_short ? S1_STRICT : S1_LONG4;
	int pairs = t->cfg.pair_third ? S1_PAIRS3 : S1_PAIRS;

	if (t->cfg.pair_scan == HYP_PAIRS_ON)
		return pairs;
	if (t->cfg.pair_scan == HYP_PAIRS_STRICT)
		return strict;
	if (t->cfg.pair_scan != HYP_PAIRS_ADAPT)
		return S1_LONG4;
	if (s->pairs_set != t->cfg.set_id) { /* a new set: a fresh start */
		s->pairs_set = t->cfg.set_id;
		s->pair_blocks = 0;
		s->pair_flagged = 0;
		s->pairs_off = 0;
		s->pairs3_left = 0;
	}
	if (s->pairs_off) { /* traffic the pair scan flags: the strict hash */
		s->pairs_off--;
		return strict;
	}
	if (s->pairs3_left) { /* traffic the bigrams flag: pairs3 for a while */
		s->pairs3_left--;
		return S1_PAIRS3;
	}
	return pairs;
}

/* Every HYP_PAIRS_REVIEW blocks: a pair scan on the bigrams that flagged
 * too many of them gives way to pairs3 for HYP_PAIRS_REST packets, and one
 * on pairs3 to the strict hash. When pairs3's turn ends, the bigrams start
 * a record of their own. */
static __always_inline void review_pairs(struct hyp_scratch *s, const struct hyp_tables *t,
					 const int flavour)
{
	if (s->pair_blocks >= HYP_PAIRS_REVIEW) {
		if ((__u64)s->pair_flagged * 100 > (__u64)s->pair_blocks * HYP_PAIRS_MAX_FLAGGED) {
			if (flavour == S1_PAIRS) {
				s->pairs3_left = HYP_PAIRS_REST;
			} else {
				s->pairs3_left = 0;
				s->pairs_off = HYP_PAIRS_REST;
			}
		}
		s->pair_blocks = 0;
		s->pair_flagged = 0;
	}
	if (flavour == S1_PAIRS3 && !t->cfg.pair_third && !s->pairs3_left) {
		s->pair_blocks = 0;
		s->pair_flagged = 0;
	}
}

/*
 * Scans the payload window. Leaves the earliest drop and alert matches in
 * s->drop_rule and s->alert_rule (HYP_NO_MATCH when none). Returns 0.
 * Inlined into the program, like parse_frame(): the two calls fewer per
 * packet took 2 to 7 ns off packets of up to 22 payload bytes.
 */
static __always_inline int match_payload(struct hyp_scratch *s, const struct hyp_tables *t)
{
	int flavour;

	s->scan_stop = s->plen;
	s->drop_start = HYP_NO_MATCH;
	s->drop_rule = HYP_NO_MATCH;
	s->alert_start = HYP_NO_MATCH;
	s->alert_rule = HYP_NO_MATCH;
	if (!t->cfg.has_long && !t->cfg.has_short)
		return 0;
	flavour = stage1_now(s, t);
	for (__u32 c = 0; c < HYP_FRAME_MAX / HYP_CHUNK; c++) {
		if (c * HYP_CHUNK >= s->scan_stop)
			break;
		if (flavour == S1_PAIRS)
			scan_chunk_pairs(s, t, c * HYP_CHUNK);
		else if (flavour == S1_PAIRS3)
			scan_chunk_pairs3(s, t, c * HYP_CHUNK);
		else if (flavour == S1_STRICT)
			scan_chunk_strict(s, t, c * HYP_CHUNK);
		else if (t->cfg.has_short)
			scan_chunk_short(s, t, c * HYP_CHUNK);
		else if (t->cfg.anchor_len == 4)
			scan_chunk_long4(s, t, c * HYP_CHUNK);
		else
			scan_chunk_long(s, t, c * HYP_CHUNK);
	}
	if (pair_flavour(flavour))
		review_pairs(s, t, flavour);
	return 0;
}

#endif /* HYPERION_MATCH_BPF_H */
