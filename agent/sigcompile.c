// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Signature compiler. Steps:
 *  1. check every rule and that no two patterns differ only by trailing NUL
 *     bytes (the 8-byte event field could not tell them apart);
 *  2. group rules by byte pattern (the same bytes may carry several rules
 *     with different scopes or actions);
 *  3. give every pattern of 4..8 bytes an anchor, a g-byte piece of it, so
 *     that no verification bucket holds more than HYP_MAX_CHAIN patterns;
 *     patterns of 1..3 bytes are their own anchor;
 *  4. lay out the tables: stage-1 bits, short-signature flags, buckets.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sigcompile.h"

struct pat {
	__u64 bytes;
	__u8 len;
	__u8 anchor_pos;
	__u32 bucket;
	int first_rule; /* lowest rule index using the pattern */
	int nrules;
	__u16 rules[HYP_MAX_PATTERN_RULES];
};

static int fail(struct hyp_compile_error *err, int code, int rule, int other, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(struct hyp_compile_error *err, int code, int rule, int other, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->rule = rule;
		err->other = other;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

static int check_rule(const struct hyp_rule *r, int i, struct hyp_compile_error *err)
{
	if (r->len < 1 || r->len > HYP_SIG_LEN)
		return fail(err, -EINVAL, i, -1, "pattern length %u is not 1..%d", r->len,
			    HYP_SIG_LEN);
	if (r->pattern & ~hyp_len_mask(r->len))
		return fail(err, -EINVAL, i, -1, "pattern has bytes past its length");
	if (r->action != HYP_ACTION_DROP && r->action != HYP_ACTION_ALERT)
		return fail(err, -EINVAL, i, -1, "unknown action %u", r->action);
	if (r->protocol != HYP_PROTO_ANY && r->protocol != 6 && r->protocol != 17)
		return fail(err, -EINVAL, i, -1, "protocol %u is not tcp, udp or any", r->protocol);
	if (r->nranges > HYP_MAX_PORT_RANGES)
		return fail(err, -E2BIG, i, -1, "more than %d port ranges", HYP_MAX_PORT_RANGES);
	for (int k = 0; k < r->nranges; k++)
		if (r->port_lo[k] > r->port_hi[k])
			return fail(err, -EINVAL, i, -1, "port range %u-%u is reversed",
				    r->port_lo[k], r->port_hi[k]);
	if (r->id >= HYP_MAX_RULES)
		return fail(err, -EINVAL, i, -1, "rule id %u is over %d", r->id, HYP_MAX_RULES - 1);
	return 0;
}

struct sorted {
	__u64 bytes;
	__u8 len;
	int rule;
};

static int cmp_sorted(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->rule - y->rule;
}

/* Groups rules into patterns (step 1 and 2). Returns the pattern count. */
static int group(const struct hyp_rule *rules, size_t n, struct pat *pats,
		 struct hyp_compile_error *err)
{
	struct sorted *v = calloc(n ? n : 1, sizeof(*v));
	int np = 0, rc = 0;

	if (!v)
		return fail(err, -ENOMEM, -1, -1, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = (struct sorted){ rules[i].pattern, rules[i].len, (int)i };
	qsort(v, n, sizeof(*v), cmp_sorted);
	for (size_t i = 0; i < n; i++) {
		struct pat *p = np ? &pats[np - 1] : NULL;

		if (p && p->bytes == v[i].bytes && p->len != v[i].len) {
			rc = fail(err, -EINVAL, v[i].rule, p->first_rule,
				  "pattern differs from another only by trailing NUL bytes, "
				  "which events cannot tell apart");
			break;
		}
		if (!p || p->bytes != v[i].bytes) {
			p = &pats[np++];
			*p = (struct pat){ .bytes = v[i].bytes,
					   .len = v[i].len,
					   .first_rule = v[i].rule };
		}
		if (p->nrules == HYP_MAX_PATTERN_RULES) {
			rc = fail(err, -E2BIG, v[i].rule, p->first_rule,
				  "more than %d signatures share one pattern",
				  HYP_MAX_PATTERN_RULES);
			break;
		}
		p->rules[p->nrules++] = (__u16)v[i].rule; /* ascending: sorted by rule */
	}
	free(v);
	return rc ? rc : np;
}

static __u64 anchor_of(const struct pat *p, unsigned int pos, __u64 amask)
{
	return (p->bytes >> (8 * pos)) & amask;
}

static int cmp_pat_order(const void *a, const void *b)
{
	const struct pat *x = *(const struct pat *const *)a, *y = *(const struct pat *const *)b;

	/* fewest anchor choices first, then configuration order */
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->first_rule - y->first_rule;
}

static __u64 anchor_at(const struct pat *p, unsigned int pos, __u64 amask)
{
	return p->len < 4 ? p->bytes : anchor_of(p, pos, amask);
}

/*
 * Pattern order[n] found every bucket it could go in full (HYP_MAX_CHAIN
 * patterns placed before it, order[0..n)), with `choices` g-byte anchors.
 * Says why: the patterns there have the same anchor bytes, or other bytes
 * whose hash is the same. err->other is one of them.
 */
static int full_buckets(struct pat *const *order, int n, unsigned int choices, unsigned int g,
			__u64 amask, struct hyp_compile_error *err)
{
	const struct pat *p = order[n];
	const char *what = choices > 1 ? "sharing the piece" : "with the same bytes";
	int same = 0, other = 0, peer = -1;
	char bucket[64], why[96];

	for (int i = 0; i < n; i++) {
		const struct pat *q = order[i];

		for (unsigned int pos = 0; pos < choices; pos++) {
			__u64 a = anchor_at(p, pos, amask);

			if (q->bucket != HYP_BUCKET_INDEX(HYP_HASH(a)))
				continue;
			same += anchor_at(q, q->anchor_pos, amask) == a;
			other += anchor_at(q, q->anchor_pos, amask) != a;
			if (peer < 0 || q->first_rule < peer)
				peer = q->first_rule;
			break;
		}
	}
	if (choices > 1)
		snprintf(bucket, sizeof(bucket), "buckets of its %u-byte pieces each", g);
	else
		snprintf(bucket, sizeof(bucket), "bucket of its bytes");
	if (!other)
		snprintf(why, sizeof(why), "all %s", what);
	else if (!same)
		snprintf(why, sizeof(why), "all different bytes that hash alike");
	else
		snprintf(why, sizeof(why), "some %s, others different bytes that hash alike", what);
	return fail(err, -E2BIG, p->first_rule, peer,
		    "cannot be indexed: the hash %s already hold%s %d other byte strings, the "
		    "most %s can, %s; change its bytes, or remove %s of those byte strings (from "
		    "every signature that has %s)",
		    bucket, choices > 1 ? "" : "s", HYP_MAX_CHAIN, choices > 1 ? "they" : "it", why,
		    choices > 1 ? "some" : "one", choices > 1 ? "them" : "it");
}

/* Step 3: bucket and anchor per pattern. load[] counts patterns per bucket. */
static int place(struct pat *pats, int np, unsigned int g, __u64 amask, __u8 *load,
		 struct hyp_compile_error *err)
{
	struct pat **order = calloc(np ? np : 1, sizeof(*order));
	int rc;

	if (!order)
		return fail(err, -ENOMEM, -1, -1, "out of memory");
	for (int i = 0; i < np; i++)
		order[i] = &pats[i];
	qsort(order, np, sizeof(*order), cmp_pat_order);
	for (int i = 0; i < np; i++) {
		struct pat *p = order[i];
		unsigned int choices = p->len < 4 ? 1 : p->len - g + 1, best = 0;
		__u32 best_bucket = 0;
		int best_load = 1 << 30;

		/* The anchor whose bucket holds the fewest patterns, the
		 * earliest of those: on text, the prefix of a word-like
		 * signature occurs less often than its middle or its end
		 * (-ing, -tion), but a bucket of one pattern is checked inline
		 * where a shared one costs a call to probe(). At 10,000 word
		 * signatures the spread anchors flag more text offsets (11.8 %
		 * against 6.9 % when only buckets of three moved them) and
		 * still cost 5 % less. */
		for (unsigned int pos = 0; pos < choices; pos++) {
			__u64 a = anchor_at(p, pos, amask);
			__u32 b = HYP_BUCKET_INDEX(HYP_HASH(a));

			if (load[b] < best_load) {
				best_load = load[b];
				best = pos;
				best_bucket = b;
			}
		}
		if (load[best_bucket] >= HYP_MAX_CHAIN) {
			rc = full_buckets(order, i, choices, g, amask, err);
			free(order);
			return rc;
		}
		load[best_bucket]++;
		p->anchor_pos = (__u8)best;
		p->bucket = best_bucket;
	}
	free(order);
	return 0;
}

/* Stage-1 slots, within HYP_T1_BITS_MIN..MAX: about 128 per long pattern,
 * so that a random window hits one in ~1 % of offsets at most; 32 for a
 * set that the strict hash can scan (4-byte anchors, no short signature),
 * whose next-byte test turns away most of the extra hits, while the
 * smaller table stays in the caches (text at 1000 word signatures: 1.34
 * ns/byte instead of 1.45). */
static unsigned int t1_bits(const struct pat *pats, int np, unsigned int g)
{
	unsigned int bits = HYP_T1_BITS_MIN;
	int nlong = 0, nshort = 0, per;

	for (int i = 0; i < np; i++) {
		nlong += pats[i].len >= 4;
		nshort += pats[i].len < 4;
	}
	per = g == 4 && !nshort ? 32 : 128;
	while (bits < HYP_T1_BITS_MAX && (1 << bits) < nlong * per)
		bits++;
	return bits;
}

static int cmp_bucket(const void *a, const void *b)
{
	const struct pat *x = a, *y = b;

	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	return x->first_rule - y->first_rule;
}

/* Step 4. */
static void lay_out(struct pat *pats, int np, unsigned int g, __u64 amask, struct hyp_tables *out)
{
	__u32 nrl = 0;

	qsort(pats, np, sizeof(*pats), cmp_bucket);
	for (int i = 0; i < np; i++) {
		struct pat *p = &pats[i];
		struct hyp_pattern *tp = &out->patterns[i];
		__u32 *head = &out->heads[p->bucket];

		if (HYP_HEAD_COUNT(*head) == 0)
			*head = (__u32)i;
		*head += 1u << 24;
		*tp = (struct hyp_pattern){ .bytes = p->bytes,
					    .mask = hyp_len_mask(p->len),
					    .rules_first = (__u16)nrl,
					    .nrules = (__u8)p->nrules,
					    .len = p->len,
					    .anchor_pos = p->anchor_pos };
		for (int k = 0; k < p->nrules; k++)
			out->pattern_rules[nrl++] = p->rules[k];
		if (p->len >= 4) {
			__u64 a = anchor_of(p, p->anchor_pos, amask), h = HYP_HASH(a);
			unsigned int next = p->anchor_pos + g;

			out->t1[HYP_T1_INDEX(h, out->cfg.t1_mask)] |=
				next < p->len ? HYP_T1_NEXT_BIT(p->bytes >> (8 * next))
					      : HYP_T1_ANY;
			out->pairs[(__u16)a] = 1;
			out->pairs3[HYP_PAIRS3_INDEX(a)] = 1;
		} else {
			__u8 b0 = p->bytes & 0xff, b1 = (p->bytes >> 8) & 0xff;

			/* a 1-byte signature starts every bigram of its byte */
			for (__u32 x = 0; x < (p->len == 1 ? 256u : 1u); x++) {
				__u32 w = b0 | (p->len == 1 ? x : b1) << 8;

				out->t2[w] = out->pairs[w] = 1;
				/* the third byte's class, or any after a 1- or 2-byte one */
				for (__u32 c = 0; c < 8; c++)
					if (p->len != 3 || c == ((p->bytes >> 16) & 7))
						out->pairs3[w | c << 16] = 1;
			}
			out->cfg.has_short |= (__u8)(1u << (p->len - 1));
		}
	}
}

/* The pair scan pays on random traffic while few bigrams are set (about
 * 1.5 % for 1000 random signatures, 14 % for 10,000); past that it flags
 * most blocks whatever the traffic, and the pair scan on the bigram and
 * three bits of the third byte (pairs3) takes over while few of its slots
 * are set (2 % for 10,000): it costs more per offset, but its table is
 * 512 KiB where the hash's grows to 1 MiB. With 4 % of the offsets of
 * random traffic flagged, 48 % of the 16-offset blocks are (1 - 0.96^16),
 * just under the HYP_PAIRS_MAX_FLAGGED at which pairs3 would rest. */
#define HYP_PAIRS_MAX_DENSITY 4 /* percent of the pairs or pairs3 slots */

/* Numbers the sets compiled by this process (cfg.set_id). */
static __u32 sets_compiled;

/* Picks the pair scan's mode and table for the set in t, as asked by the
 * knob: cfg.pair_scan and cfg.pair_third. */
static void choose_pair_scan(struct hyp_tables *t, __u8 knob)
{
	unsigned int bigrams = 0, slots = 0;

	for (unsigned int i = 0; i < HYP_PAIRS_SIZE; i++)
		bigrams += t->pairs[i];
	for (unsigned int i = 0; i < HYP_PAIRS3_SIZE; i++)
		slots += t->pairs3[i];
	t->cfg.pair_scan = knob == HYP_PAIRS_ON3 ? HYP_PAIRS_ON : knob;
	if (knob == HYP_PAIRS_CHOOSE)
		t->cfg.pair_scan = slots * 100 <= HYP_PAIRS3_SIZE * HYP_PAIRS_MAX_DENSITY
					   ? HYP_PAIRS_ADAPT
					   : HYP_PAIRS_OFF;
	t->cfg.pair_third = knob == HYP_PAIRS_ON3 ||
			    (t->cfg.pair_scan == HYP_PAIRS_ADAPT &&
			     bigrams * 100 > HYP_PAIRS_SIZE * HYP_PAIRS_MAX_DENSITY);
}

int hyp_compile(const struct hyp_rule *rules, size_t n, const struct hyp_config *knobs,
		struct hyp_tables *out, struct hyp_compile_error *err)
{
	unsigned int g = HYP_SIG_LEN + 1, maxp = 0;
	struct pat *pats;
	__u8 *load;
	__u64 amask;
	int np, rc;

	if (n > HYP_MAX_RULES)
		return fail(err, -E2BIG, -1, -1, "%zu signatures, at most %d", n, HYP_MAX_RULES);
	for (size_t i = 0; i < n; i++) {
		rc = check_rule(&rules[i], (int)i, err);
		if (rc)
			return rc;
	}
	pats = calloc(n ? n : 1, sizeof(*pats));
	load = calloc(HYP_BUCKETS, 1);
	if (!pats || !load) {
		rc = fail(err, -ENOMEM, -1, -1, "out of memory");
		goto out;
	}
	np = group(rules, n, pats, err);
	if (np < 0) {
		rc = np;
		goto out;
	}
	for (int i = 0; i < np; i++)
		if (pats[i].len >= 4 && pats[i].len < g)
			g = pats[i].len;
	if (g > HYP_SIG_LEN)
		g = 4; /* no long patterns: the value is unused */
	amask = hyp_len_mask(g);
	for (int i = 0; i < np; i++)
		if (pats[i].len >= 4 && pats[i].len - g > maxp)
			maxp = pats[i].len - g;
	rc = place(pats, np, g, amask, load, err);
	if (rc)
		goto out;

	memset(out, 0, sizeof(*out));
	out->cfg.accept_mode = knobs->accept_mode;
	out->cfg.legacy_alerts = knobs->legacy_alerts;
	out->cfg.nonfirst_frag = knobs->nonfirst_frag;
	out->cfg.v6_ext_too_deep = knobs->v6_ext_too_deep;
	out->cfg.anchor_len = (__u8)g;
	out->cfg.anchor_mask = amask;
	out->cfg.max_anchor_pos = (__u8)maxp;
	out->cfg.nrules = (__u32)n;
	out->cfg.npatterns = (__u32)np;
	out->cfg.t1_mask = (1u << t1_bits(pats, np, g)) - 1;
	for (int i = 0; i < np; i++)
		if (pats[i].len >= 4)
			out->cfg.has_long = 1;
	memcpy(out->rules, rules, n * sizeof(*rules));
	lay_out(pats, np, g, amask, out);
	choose_pair_scan(out, knobs->pair_scan);
	out->cfg.set_id = __atomic_add_fetch(&sets_compiled, 1, __ATOMIC_RELAXED);
out:
	free(pats);
	free(load);
	return rc;
}
