// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The signature compiler on rule sets read from the input, and the tables
 * it lays out read the way ebpf/match.bpf.h reads them.
 *
 * Input: a header (knobs, the payload's protocol and destination port, the
 * payload recipe's length), the payload recipe (each byte a literal, or
 * 0xf0 | k: the pattern of rule k), then rules until the input ends. A
 * rule is a byte h (length (h & 7) + 1, action (h >> 3) & 1, protocol by
 * (h >> 4) & 3: any, tcp, udp or a raw byte that follows, (h >> 6) port
 * ranges of 4 bytes, or with (h >> 6) == 3 the bytes of the rule before),
 * then its pattern bytes.
 *
 * Checks: hyp_compile() refuses exactly the malformed sets (a set it
 * refuses as too big is fine); on success every rule is listed once by a
 * pattern reachable through its anchor, no bucket holds more than
 * HYP_MAX_CHAIN patterns, and a simulation of the XDP matcher on the tables
 * reports the same rule and verdict as a plain search of the payload.
 */
#include <errno.h>
#include "fuzz_input.h"
#include "sigcompile.h"

#define MAX_RULES   256
#define MAX_PAYLOAD 512
#define NONE	    0xffffffffu

struct input {
	struct hyp_config knobs;
	unsigned int proto, dport;
	struct hyp_rule rules[MAX_RULES];
	size_t n;
	uint8_t payload[MAX_PAYLOAD + 16]; /* bytes past plen: whatever follows */
	size_t plen;
};

static struct hyp_tables tables;

static int read_rule(struct fin *in, struct hyp_rule *r, const struct hyp_rule *prev)
{
	static const uint8_t protos[] = { HYP_PROTO_ANY, 6, 17 };
	uint8_t h = fin_u8(in);

	memset(r, 0, sizeof(*r));
	r->len = (h & 7) + 1;
	r->action = (h >> 3) & 1;
	r->protocol = ((h >> 4) & 3) == 3 ? fin_u8(in) : protos[(h >> 4) & 3];
	if (h >> 6 == 3 && prev) {
		r->pattern = prev->pattern;
		r->len = prev->len;
		return 0;
	}
	r->nranges = h >> 6 == 3 ? 0 : h >> 6;
	for (int k = 0; k < r->nranges; k++) {
		r->port_lo[k] = fin_u16(in);
		r->port_hi[k] = fin_u16(in);
	}
	if (in->left < r->len)
		return -1;
	fin_bytes(in, &r->pattern, r->len);
	return 0;
}

static void read_payload(struct input *t, const uint8_t *recipe, size_t n, uint8_t fill)
{
	memset(t->payload, fill, sizeof(t->payload));
	t->plen = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = recipe[i] & 15, len = 1;
		const void *src = &recipe[i];

		if ((recipe[i] & 0xf0) == 0xf0 && k < t->n) {
			src = &t->rules[k].pattern;
			len = t->rules[k].len;
		}
		if (t->plen + len > MAX_PAYLOAD)
			break;
		memcpy(t->payload + t->plen, src, len);
		t->plen += len;
	}
}

static void read_input(struct input *t, const uint8_t *data, size_t size)
{
	struct fin in = { data, size };
	uint8_t h = fin_u8(&in), nrecipe;
	const uint8_t *recipe;

	t->knobs = (struct hyp_config){ .accept_mode = h & 3, .legacy_alerts = (h >> 2) & 1 };
	t->proto = h & 0x80 ? 17 : 6;
	t->dport = fin_u16(&in);
	nrecipe = fin_u8(&in);
	recipe = in.p;
	nrecipe = nrecipe < in.left ? nrecipe : (uint8_t)in.left;
	in.p += nrecipe;
	in.left -= nrecipe;
	for (t->n = 0; t->n < MAX_RULES && in.left; t->n++) {
		if (read_rule(&in, &t->rules[t->n], t->n ? &t->rules[t->n - 1] : NULL))
			break;
		t->rules[t->n].id = (__u32)t->n;
	}
	read_payload(t, recipe, nrecipe, h);
}

/* ---- What hyp_compile() should refuse -------------------------------- */

static int rule_ok(const struct hyp_rule *r)
{
	if (r->protocol != HYP_PROTO_ANY && r->protocol != 6 && r->protocol != 17)
		return 0;
	for (int k = 0; k < r->nranges; k++)
		if (r->port_lo[k] > r->port_hi[k])
			return 0;
	return 1;
}

/* Same bytes and another length (trailing NULs), or over 16 sharing them. */
static int set_ok(const struct hyp_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int same = 0;

		if (!rule_ok(&rules[i]))
			return 0;
		for (size_t j = 0; j < n; j++) {
			if (rules[j].pattern != rules[i].pattern)
				continue;
			if (rules[j].len != rules[i].len || ++same > HYP_MAX_PATTERN_RULES)
				return 0;
		}
	}
	return 1;
}

/* ---- Table invariants (as tests/unit/test_sigcompile.c) -------------- */

static int reachable(const struct hyp_tables *t, const struct hyp_pattern *p, __u32 b)
{
	__u64 h;

	if (p->len >= 4) {
		unsigned int next = p->anchor_pos + t->cfg.anchor_len;
		__u8 want = next < p->len ? HYP_T1_NEXT_BIT(p->bytes >> (8 * next)) : HYP_T1_ANY;

		h = HYP_HASH((p->bytes >> (8 * p->anchor_pos)) & t->cfg.anchor_mask);
		return next <= p->len && (t->t1[HYP_T1_INDEX(h, t->cfg.t1_mask)] & want) == want &&
		       HYP_BUCKET_INDEX(h) == b;
	}
	h = HYP_HASH(p->bytes);
	if (p->anchor_pos || HYP_BUCKET_INDEX(h) != b || !(t->cfg.has_short & (1u << (p->len - 1))))
		return 0;
	for (__u32 x = 0; x < 256; x++)
		if (!t->t2[(p->bytes & 0xff) | (p->len == 1 ? x : (p->bytes >> 8 & 0xff)) << 8])
			return 0;
	return 1;
}

static void check_pattern(const struct hyp_tables *t, __u32 pi, __u32 b, uint8_t *seen)
{
	const struct hyp_pattern *p = &t->patterns[pi];

	FUZZ_ASSERT(reachable(t, p, b), "pattern %u not reachable from bucket %u", pi, b);
	FUZZ_ASSERT(p->nrules >= 1 && p->mask == hyp_len_mask(p->len), "pattern %u", pi);
	for (int k = 0; k < p->nrules; k++) {
		__u16 ri = t->pattern_rules[p->rules_first + k];

		FUZZ_ASSERT(ri < t->cfg.nrules && !seen[ri]++, "rule %u listed twice", ri);
		FUZZ_ASSERT(t->rules[ri].pattern == p->bytes && t->rules[ri].len == p->len,
			    "rule %u under another pattern", ri);
		FUZZ_ASSERT(!k || t->pattern_rules[p->rules_first + k - 1] < ri,
			    "rules of pattern %u out of order", pi);
	}
}

/* 65536 buckets per run: without comparison tracing, 4 times faster. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage"), noinline))

static NO_COVERAGE void check_tables(const struct hyp_tables *t, const struct input *in)
{
	static uint8_t seen[MAX_RULES];
	__u32 total = 0;

	memset(seen, 0, sizeof(seen));
	FUZZ_ASSERT(t->cfg.nrules == in->n &&
			    !memcmp(t->rules, in->rules, in->n * sizeof(*t->rules)),
		    "rules not kept in order");
	for (__u32 b = 0; b < HYP_BUCKETS; b++) {
		__u32 head = t->heads[b], count = HYP_HEAD_COUNT(head);

		FUZZ_ASSERT(count <= HYP_MAX_CHAIN, "bucket %u holds %u patterns", b, count);
		FUZZ_ASSERT(!count || HYP_HEAD_START(head) + count <= t->cfg.npatterns,
			    "bucket %u past the patterns", b);
		for (__u32 i = 0; i < count; i++)
			check_pattern(t, HYP_HEAD_START(head) + i, b, seen);
		total += count;
	}
	FUZZ_ASSERT(total == t->cfg.npatterns, "%u of %u patterns in buckets", total,
		    t->cfg.npatterns);
	for (size_t i = 0; i < in->n; i++)
		FUZZ_ASSERT(seen[i], "rule %zu is not listed", i);
	FUZZ_ASSERT(!t->cfg.has_long || (t->cfg.anchor_len >= 4 && t->cfg.anchor_len <= 8 &&
					 t->cfg.anchor_mask == hyp_len_mask(t->cfg.anchor_len)),
		    "anchor length %u", t->cfg.anchor_len);
}

/* ---- The matcher, simulated, against a plain search ------------------ */

struct sim {
	const struct hyp_tables *t;
	const struct input *in;
	__u32 stop, drop_start, drop_rule, alert_start, alert_rule;
};

static int applies(const struct hyp_rule *r, unsigned int proto, unsigned int dport)
{
	if (r->protocol != HYP_PROTO_ANY && r->protocol != proto)
		return 0;
	for (int k = 0; k < r->nranges; k++)
		if (dport >= r->port_lo[k] && dport <= r->port_hi[k])
			return 1;
	return !r->nranges;
}

static void consider(struct sim *s, __u32 start, __u32 ri)
{
	__u32 *at = &s->alert_start, *rule = &s->alert_rule;

	if (s->t->rules[ri].action == HYP_ACTION_DROP) {
		at = &s->drop_start;
		rule = &s->drop_rule;
	}
	if (start > *at || (start == *at && ri >= *rule))
		return;
	*at = start;
	*rule = ri;
	if (rule == &s->drop_rule && start + s->t->cfg.max_anchor_pos + 1 < s->stop)
		s->stop = start + s->t->cfg.max_anchor_pos + 1;
}

static void probe(struct sim *s, __u32 off, __u64 h)
{
	const struct hyp_tables *t = s->t;
	__u32 head = t->heads[HYP_BUCKET_INDEX(h)];

	for (__u32 i = 0; i < HYP_HEAD_COUNT(head); i++) {
		const struct hyp_pattern *p = &t->patterns[HYP_HEAD_START(head) + i];
		__u32 start = off - p->anchor_pos;
		__u64 w;

		if (p->anchor_pos > off || start + p->len > s->in->plen)
			continue;
		memcpy(&w, s->in->payload + start, sizeof(w));
		if ((w & p->mask) != p->bytes)
			continue;
		for (int k = 0; k < p->nrules; k++) {
			__u16 ri = t->pattern_rules[p->rules_first + k];

			if (applies(&t->rules[ri], s->in->proto, s->in->dport))
				consider(s, start, ri);
		}
	}
}

/* Stage 1 and stage 2 at every offset (the BPF code batches them). */
static __u32 simulate(const struct hyp_tables *t, const struct input *in, int *drop)
{
	struct sim s = { t, in, (__u32)in->plen, NONE, NONE, NONE, NONE };
	const struct hyp_config *c = &t->cfg;

	for (__u32 off = 0; off < s.stop; off++) {
		const uint8_t *p = in->payload + off;
		__u64 w, h;

		memcpy(&w, p, sizeof(w));
		h = HYP_HASH(w & c->anchor_mask);
		if (t->t1[HYP_T1_INDEX(h, c->t1_mask)] & HYP_T1_NEXT_BIT(p[c->anchor_len & 15]))
			probe(&s, off, h);
		if (!c->has_short || !t->t2[(__u16)w])
			continue;
		for (unsigned int len = 1; len <= 3; len++)
			if (c->has_short & (1u << (len - 1)))
				probe(&s, off, HYP_HASH(w & hyp_len_mask(len)));
	}
	*drop = s.drop_rule != NONE;
	return *drop ? s.drop_rule : s.alert_rule;
}

/* The earliest drop match, ties to the first rule; else the same for alerts. */
static __u32 plain_search(const struct input *in, int *drop)
{
	__u32 alert = NONE;

	for (size_t start = 0; start < in->plen; start++) {
		for (size_t i = 0; i < in->n; i++) {
			const struct hyp_rule *r = &in->rules[i];

			if (start + r->len > in->plen || !applies(r, in->proto, in->dport) ||
			    memcmp(in->payload + start, &r->pattern, r->len))
				continue;
			if (r->action == HYP_ACTION_DROP) {
				*drop = 1;
				return (__u32)i;
			}
			if (alert == NONE)
				alert = (__u32)i;
		}
	}
	*drop = 0;
	return alert;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct input in;
	struct hyp_compile_error err = { .rule = -2 };
	int rc, drop, want_drop;
	__u32 got, want;

	read_input(&in, data, size);
	rc = hyp_compile(in.rules, in.n, &in.knobs, &tables, &err);
	if (rc) {
		FUZZ_ASSERT(rc == -E2BIG || (rc == -EINVAL && !set_ok(in.rules, in.n)),
			    "refused (%d): %s", rc, err.msg);
		FUZZ_ASSERT(err.msg[0] && err.rule >= -1 && err.rule < (int)in.n, "error report");
		return 0;
	}
	FUZZ_ASSERT(set_ok(in.rules, in.n), "a malformed set compiled");
	check_tables(&tables, &in);
	got = simulate(&tables, &in, &drop);
	want = plain_search(&in, &want_drop);
	FUZZ_ASSERT(got == want && drop == want_drop,
		    "matcher reports rule %d (drop %d), want %d (%d)", (int)got, drop, (int)want,
		    want_drop);
	return 0;
}
