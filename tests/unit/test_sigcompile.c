// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the signature compiler: the tables it lays out let the XDP
 * matcher reach every signature, within the verifier's bounds, and it
 * refuses what it cannot represent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "low_bit.h"
#include "sigcompile.h"
#include "tap.h"

static struct hyp_tables tables;
static const struct hyp_config knobs;

static struct hyp_rule rule(const char *bytes, unsigned int len, unsigned int id)
{
	struct hyp_rule r;

	memset(&r, 0, sizeof(r));
	memcpy(&r.pattern, bytes, len);
	r.len = (__u8)len;
	r.id = id;
	return r;
}

/* The pattern sits where the XDP matcher looks for it: its anchor's hash
 * sets t1 (or its first bigram sets t2) and picks this bucket. */
static int pattern_reachable(const struct hyp_tables *t, const struct hyp_pattern *p, __u32 b)
{
	__u64 h;

	if (p->len >= 4) {
		unsigned int next = p->anchor_pos + t->cfg.anchor_len;
		__u8 want = next < p->len ? HYP_T1_NEXT_BIT(p->bytes >> (8 * next)) : HYP_T1_ANY;

		if (next > p->len)
			return 0;
		h = HYP_HASH((p->bytes >> (8 * p->anchor_pos)) & t->cfg.anchor_mask);
		return (t->t1[HYP_T1_INDEX(h, t->cfg.t1_mask)] & want) == want &&
		       HYP_BUCKET_INDEX(h) == b;
	}
	h = HYP_HASH(p->bytes);
	if (p->anchor_pos || HYP_BUCKET_INDEX(h) != b || !(t->cfg.has_short & (1u << (p->len - 1))))
		return 0;
	for (__u32 x = 0; x < 256; x++) {
		__u32 second = p->len == 1 ? x : (__u32)(p->bytes >> 8 & 0xff);

		if (!t->t2[(p->bytes & 0xff) | second << 8])
			return 0;
	}
	return 1;
}

static unsigned int max_chain(const struct hyp_tables *t)
{
	unsigned int m = 0;

	for (__u32 b = 0; b < HYP_BUCKETS; b++)
		if (HYP_HEAD_COUNT(t->heads[b]) > m)
			m = HYP_HEAD_COUNT(t->heads[b]);
	return m;
}

/* Every rule is listed by exactly one reachable pattern with its bytes. */
static int all_reachable(const struct hyp_tables *t)
{
	unsigned char *seen = calloc(HYP_MAX_RULES, 1);
	int good = seen != NULL;

	for (__u32 b = 0; good && b < HYP_BUCKETS; b++) {
		__u32 head = t->heads[b];

		for (__u32 i = 0; good && i < HYP_HEAD_COUNT(head); i++) {
			const struct hyp_pattern *p = &t->patterns[HYP_HEAD_START(head) + i];

			if (!pattern_reachable(t, p, b)) {
				diag("pattern %u in bucket %u not reachable",
				     HYP_HEAD_START(head) + i, b);
				good = 0;
			}
			for (int k = 0; good && k < p->nrules; k++) {
				__u16 ri = t->pattern_rules[p->rules_first + k];

				good = ri < t->cfg.nrules && !seen[ri]++ &&
				       t->rules[ri].pattern == p->bytes &&
				       t->rules[ri].len == p->len;
			}
		}
	}
	for (__u32 i = 0; good && i < t->cfg.nrules; i++)
		if (!seen[i]) {
			diag("rule %u is not listed", i);
			good = 0;
		}
	free(seen);
	return good;
}

/* The pair table has the first bigram of every anchor and every bigram a
 * short pattern may start, and nothing else; pairs3 the same with the low
 * three bits of the third byte (any after a 1- or 2-byte pattern). */
static int pairs_exact(const struct hyp_tables *t)
{
	static __u8 want[HYP_PAIRS_SIZE], want3[HYP_PAIRS3_SIZE];

	memset(want, 0, sizeof(want));
	memset(want3, 0, sizeof(want3));
	for (__u32 i = 0; i < t->cfg.npatterns; i++) {
		const struct hyp_pattern *p = &t->patterns[i];
		__u64 b = p->len >= 4 ? p->bytes >> (8 * p->anchor_pos) : p->bytes;

		if (p->len >= 3) {
			want[(__u16)b] = 1;
			want3[HYP_PAIRS3_INDEX(b)] = 1;
			continue;
		}
		for (__u32 x = 0; x < 256; x++) {
			__u32 w = p->len == 1 ? ((__u32)b & 0xff) | x << 8 : (__u32)b & 0xffff;

			want[w] = 1;
			for (__u32 c = 0; c < 8; c++)
				want3[w | c << 16] = 1;
			if (p->len == 2)
				break;
		}
	}
	for (unsigned int i = 0; i < HYP_PAIRS_SIZE; i++)
		if (want[i] != t->pairs[i]) {
			diag("bigram %04x: pairs %u, expected %u", i, t->pairs[i], want[i]);
			return 0;
		}
	for (unsigned int i = 0; i < HYP_PAIRS3_SIZE; i++)
		if (want3[i] != t->pairs3[i]) {
			diag("slot %05x: pairs3 %u, expected %u", i, t->pairs3[i], want3[i]);
			return 0;
		}
	return 1;
}

static void test_basics(void)
{
	struct hyp_compile_error err;
	struct hyp_rule r[3] = { rule("hack", 4, 0), rule("ack", 3, 1), rule("hackers", 7, 2) };
	struct hyp_config k = { .accept_mode = HYP_ACCEPT_NEW_FLOW, .legacy_alerts = 1 };

	ok(hyp_compile(r, 0, &knobs, &tables, &err) == 0 && !tables.cfg.has_long &&
		   !tables.cfg.has_short,
	   "an empty set compiles to nothing to scan");
	ok(hyp_compile(r, 3, &k, &tables, &err) == 0, "hack, ack, hackers compile");
	ok(tables.cfg.anchor_len == 4 && tables.cfg.anchor_mask == 0xffffffffULL,
	   "anchor length is the shortest long signature");
	ok(tables.cfg.max_anchor_pos == 3, "max anchor position is 7 - 4");
	ok(tables.cfg.has_long == 1 && tables.cfg.has_short == HYP_T2_LEN3,
	   "long and 3-byte short signatures flagged");
	ok(tables.cfg.accept_mode == HYP_ACCEPT_NEW_FLOW && tables.cfg.legacy_alerts == 1,
	   "knobs travel with the rule set");
	ok(tables.cfg.nrules == 3 && tables.cfg.npatterns == 3, "3 rules, 3 patterns");
	ok(all_reachable(&tables), "every rule reachable from its anchor");
	ok(memcmp(tables.rules, r, sizeof(r)) == 0, "rules kept in configuration order");
	ok(pairs_exact(&tables) && tables.pairs['h' | 'a' << 8] && tables.pairs['a' | 'c' << 8],
	   "the pair table holds the anchors' and the short pattern's bigrams");
	ok(tables.cfg.pair_scan == HYP_PAIRS_ADAPT && !tables.cfg.pair_third,
	   "three signatures: the pair scan adapts, on bigrams alone");
	k.pair_scan = HYP_PAIRS_OFF;
	ok(hyp_compile(r, 3, &k, &tables, &err) == 0 && tables.cfg.pair_scan == HYP_PAIRS_OFF,
	   "a pair-scan knob overrides the compiler's choice");
	k.pair_scan = HYP_PAIRS_ON3;
	ok(hyp_compile(r, 3, &k, &tables, &err) == 0 && tables.cfg.pair_scan == HYP_PAIRS_ON &&
		   tables.cfg.pair_third && pairs_exact(&tables) &&
		   tables.pairs3[HYP_PAIRS3_INDEX('h' | 'a' << 8 | 'c' << 16)] &&
		   !tables.pairs3[HYP_PAIRS3_INDEX('h' | 'a' << 8 | 'd' << 16)] &&
		   tables.pairs3[HYP_PAIRS3_INDEX('a' | 'c' << 8 | 'k' << 16)],
	   "HYP_PAIRS_ON3: the pair scan always, on the bigram and the third byte's class");
}

static void test_shared_pattern(void)
{
	struct hyp_compile_error err;
	struct hyp_rule r[3] = { rule("evil", 4, 0), rule("other", 5, 1), rule("evil", 4, 2) };
	const struct hyp_pattern *p = NULL;

	r[0].protocol = 6;
	r[2].protocol = 17;
	ok(hyp_compile(r, 3, &knobs, &tables, &err) == 0, "same bytes, two scopes compile");
	ok(tables.cfg.npatterns == 2, "one pattern for both");
	for (__u32 i = 0; i < tables.cfg.npatterns; i++)
		if (tables.patterns[i].len == 4)
			p = &tables.patterns[i];
	ok(p && p->nrules == 2 && tables.pattern_rules[p->rules_first] == 0 &&
		   tables.pattern_rules[p->rules_first + 1] == 2,
	   "its rules listed in configuration order");
	ok(all_reachable(&tables), "every rule reachable");
}

static void test_short(void)
{
	struct hyp_compile_error err;
	struct hyp_rule r[3] = { rule("\x00", 1, 0), rule("ab", 2, 1), rule("x\0y", 3, 2) };

	ok(hyp_compile(r, 3, &knobs, &tables, &err) == 0, "1, 2 and 3-byte patterns compile");
	ok(!tables.cfg.has_long && tables.cfg.has_short == 7, "all three short lengths flagged");
	ok(all_reachable(&tables), "NUL-containing short patterns reachable");
	ok(pairs_exact(&tables), "the pair table has the short patterns' bigrams");
	ok(tables.t2[0x0000] && tables.t2[0xff00] && tables.t2['a' | 'b' << 8] &&
		   !tables.t2['a' | 'c' << 8],
	   "t2 flags every bigram a 1-byte pattern starts, only exact 2-byte ones");
}

static void test_errors(void)
{
	struct hyp_compile_error err;
	struct hyp_rule r[HYP_MAX_PATTERN_RULES + 1];
	struct hyp_rule bad;
	int rc;

	bad = rule("abc", 3, 0);
	bad.len = 0;
	ok(hyp_compile(&bad, 1, &knobs, &tables, &err) == -EINVAL && err.rule == 0,
	   "empty pattern refused");
	bad.len = 9;
	ok(hyp_compile(&bad, 1, &knobs, &tables, &err) == -EINVAL, "9-byte pattern refused");
	bad = rule("abcd", 4, 0);
	bad.len = 2;
	ok(hyp_compile(&bad, 1, &knobs, &tables, &err) == -EINVAL, "bytes past the length refused");
	bad = rule("abcd", 4, 0);
	bad.nranges = 1;
	bad.port_lo[0] = 90;
	bad.port_hi[0] = 80;
	ok(hyp_compile(&bad, 1, &knobs, &tables, &err) == -EINVAL, "reversed port range refused");
	bad.nranges = HYP_MAX_PORT_RANGES + 1;
	ok(hyp_compile(&bad, 1, &knobs, &tables, &err) == -E2BIG, "too many port ranges refused");

	r[0] = rule("ab", 2, 0);
	r[1] = rule("ab\0", 3, 1);
	rc = hyp_compile(r, 2, &knobs, &tables, &err);
	ok(rc == -EINVAL && err.rule == 1 && err.other == 0 && strstr(err.msg, "trailing NUL"),
	   "patterns equal up to trailing NULs refused, both rules named");

	for (int i = 0; i <= HYP_MAX_PATTERN_RULES; i++)
		r[i] = rule("same", 4, (unsigned int)i);
	rc = hyp_compile(r, HYP_MAX_PATTERN_RULES + 1, &knobs, &tables, &err);
	ok(rc == -E2BIG && err.rule == HYP_MAX_PATTERN_RULES,
	   "more than %d rules on one pattern refused", HYP_MAX_PATTERN_RULES);
	ok(hyp_compile(r, HYP_MAX_RULES + 1, &knobs, &tables, &err) == -E2BIG,
	   "more than %d rules refused", HYP_MAX_RULES);
}

/* Appends to r[0..n) count len-byte patterns other than `like` (none with
 * a NUL last byte) whose anchor hash falls in the bucket of like's. */
static unsigned int add_colliding(struct hyp_rule *r, unsigned int n, unsigned int len, __u64 like,
				  unsigned int count)
{
	__u32 b = HYP_BUCKET_INDEX(HYP_HASH(like));

	for (__u64 v = 1; count && v >> (8 * len) == 0; v++) {
		if (v == like || !(v >> (8 * (len - 1))) || HYP_BUCKET_INDEX(HYP_HASH(v)) != b)
			continue;
		r[n] = rule((const char *)&v, len, n);
		n++;
		count--;
	}
	return n;
}

static const char *const full_why[] = {
	"cannot be indexed: the hash bucket of its bytes already holds 16 other byte strings, the "
	"most it can, all different bytes that hash alike; change its bytes, or remove one of "
	"those byte strings (from every signature that has it)",
	"cannot be indexed: the hash buckets of its 4-byte pieces each already hold 16 other byte "
	"strings, the most they can, all sharing the piece; change its bytes, or remove some of "
	"those byte strings (from every signature that has them)",
	"cannot be indexed: the hash buckets of its 4-byte pieces each already hold 16 other byte "
	"strings, the most they can, some sharing the piece, others different bytes that hash "
	"alike; change its bytes, or remove some of those byte strings (from every signature that "
	"has them)",
};

/* A signature whose every bucket is full is refused, saying why: distinct
 * bytes whose hashes collide, or other signatures with the same bytes. */
static void test_full_bucket(void)
{
	static struct hyp_rule r[512];
	struct hyp_compile_error err;
	__u64 abcd = 0, bcde = 0;
	unsigned int n;
	int rc;

	/* 3-byte signatures are their own anchor: hex "010001", "21b501", ... */
	r[0] = rule("\x01\x00\x01", 3, 0);
	n = add_colliding(r, 1, 3, 0x010001, HYP_MAX_CHAIN);
	rc = hyp_compile(r, HYP_MAX_CHAIN, &knobs, &tables, &err);
	ok(rc == 0 && max_chain(&tables) == HYP_MAX_CHAIN, "%d colliding 3-byte signatures compile",
	   HYP_MAX_CHAIN);
	rc = hyp_compile(r, n, &knobs, &tables, &err);
	if (!ok(rc == -E2BIG && err.rule == HYP_MAX_CHAIN && err.other == 0 &&
			!strcmp(err.msg, full_why[0]),
		"the 17th is refused: a hash collision, not shared bytes"))
		diag("rule %d, other %d: %s", err.rule, err.other, err.msg);

	/* Every 4..8-byte string of a and b: they have only 16 4-byte pieces */
	n = 0;
	for (unsigned int len = 4; len <= 8; len++)
		for (unsigned int bits = 0; bits < 1u << len; bits++) {
			char s[8];

			for (unsigned int k = 0; k < len; k++)
				s[k] = bits >> k & 1 ? 'b' : 'a';
			r[n] = rule(s, len, n);
			n++;
		}
	rc = hyp_compile(r, n, &knobs, &tables, &err);
	if (!ok(rc == -E2BIG && err.rule >= 16 && r[err.rule].len > 4 && err.other >= 0 &&
			err.other != err.rule && !strcmp(err.msg, full_why[1]),
		"%u signatures of a and b are refused: too many share each 4-byte piece", n))
		diag("rule %d, other %d: %s", err.rule, err.other, err.msg);

	/* ABCDE goes with ABCD, whose bucket holds 16 other 4-byte values, or
	 * with BCDE, whose bucket holds BCDE and 15 values that collide */
	memcpy(&abcd, "ABCD", 4);
	memcpy(&bcde, "BCDE", 4);
	n = add_colliding(r, 0, 4, abcd, HYP_MAX_CHAIN);
	r[n] = rule("BCDE", 4, n);
	n = add_colliding(r, n + 1, 4, bcde, HYP_MAX_CHAIN - 1);
	r[n] = rule("ABCDE", 5, n);
	rc = hyp_compile(r, n + 1, &knobs, &tables, &err);
	if (!ok(rc == -E2BIG && err.rule == (int)n && err.other >= 0 && err.other < (int)n &&
			!strcmp(err.msg, full_why[2]),
		"ABCDE is refused: one bucket full of collisions, one also holding BCDE"))
		diag("rule %d, other %d: %s", err.rule, err.other, err.msg);
}

/* Patterns that share a long prefix get different anchors. */
static void test_shared_prefix(void)
{
	struct hyp_compile_error err;
	static struct hyp_rule r[2000];
	int rc;

	for (unsigned int i = 0; i < 2000; i++) {
		char b[9];

		snprintf(b, sizeof(b), "GET /%03u", i % 1000);
		r[i] = rule(b, 8, i);
		if (i >= 1000) /* same tail, different head */
			memcpy(&r[i].pattern, "PUT", 3);
	}
	rc = hyp_compile(r, 2000, &knobs, &tables, &err);
	ok(rc == 0, "2000 signatures sharing 'GET /' or 'PUT /' compile (%s)", rc ? err.msg : "");
	ok(max_chain(&tables) <= HYP_MAX_CHAIN, "no bucket over %d patterns (max %u)",
	   HYP_MAX_CHAIN, max_chain(&tables));
	ok(all_reachable(&tables), "all reachable");
}

/* Each anchor goes to its least loaded bucket, the earliest piece on a
 * tie: after "abcd", "abcdef" and "abcdgh" (4-byte anchors) move off
 * their shared start, to "bcde" and "bcdg", each bucket alone. */
static void test_anchor_spread(void)
{
	struct hyp_rule r[3] = { rule("abcd", 4, 0), rule("abcdef", 6, 1), rule("abcdgh", 6, 2) };
	struct hyp_compile_error err;
	unsigned int pos[3] = { 9, 9, 9 };
	int rc = hyp_compile(r, 3, &knobs, &tables, &err);

	for (unsigned int i = 0; !rc && i < tables.cfg.npatterns; i++)
		for (unsigned int k = 0; k < 3; k++)
			if (tables.patterns[i].bytes == r[k].pattern)
				pos[k] = tables.patterns[i].anchor_pos;
	ok(rc == 0 && pos[0] == 0 && pos[1] == 1 && pos[2] == 1 && max_chain(&tables) == 1,
	   "signatures sharing a 4-byte start: anchors at 0, 1, 1 (%u, %u, %u), one pattern "
	   "a bucket (max %u)",
	   pos[0], pos[1], pos[2], max_chain(&tables));
}

/* n random signatures of minlen..8 bytes; the compiler chooses the pair
 * scan's mode, expected pairs (HYP_PAIRS_*), and whether it tests the third
 * byte, expected third. */
static void test_random(unsigned int n, unsigned int minlen, __u8 pairs, __u8 third)
{
	struct hyp_compile_error err;
	struct hyp_rule *r = calloc(n, sizeof(*r));
	unsigned int seed = 12345 + n;
	int rc;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int len = minlen + (unsigned int)rand_r(&seed) % (9 - minlen);
		char b[8];

		for (unsigned int k = 0; k < len; k++)
			b[k] = (char)rand_r(&seed);
		if (!b[len - 1]) /* "ab" and "ab\0" would be ambiguous */
			b[len - 1] = 1;
		r[i] = rule(b, len, i);
	}
	rc = hyp_compile(r, n, &knobs, &tables, &err);
	ok(rc == 0, "%u random signatures of %u..8 bytes compile (%s)", n, minlen,
	   rc ? err.msg : "ok");
	ok(max_chain(&tables) <= HYP_MAX_CHAIN, "longest bucket %u", max_chain(&tables));
	ok(all_reachable(&tables), "all %u reachable", n);
	ok(pairs_exact(&tables), "pair table exact");
	ok(tables.cfg.pair_scan == pairs && tables.cfg.pair_third == third, "the pair scan %s",
	   pairs == HYP_PAIRS_OFF ? "is off: too many bigrams and third bytes set"
	   : third		  ? "adapts, testing the third byte: too many bigrams set"
				  : "adapts");
	free(r);
}

/* The stage-1 table: 32 slots per pattern for a set the strict hash can
 * scan (4-byte anchors, no short signature), else 128. */
static void test_t1_size(void)
{
	static struct hyp_rule r[1001];
	struct hyp_compile_error err;
	char b[16];
	int rc;

	for (unsigned int i = 0; i < 1000; i++) {
		snprintf(b, sizeof(b), "%04u", i);
		r[i] = rule(b, 4, i);
	}
	rc = hyp_compile(r, 1000, &knobs, &tables, &err);
	ok(rc == 0 && tables.cfg.t1_mask + 1 == 1u << 15,
	   "1000 4-byte signatures: 32 K stage-1 slots (%u)", tables.cfg.t1_mask + 1);
	r[1000] = rule("ab", 2, 1000);
	rc = hyp_compile(r, 1001, &knobs, &tables, &err);
	ok(rc == 0 && tables.cfg.t1_mask + 1 == 1u << 17, "and a 2-byte one: 128 K (%u)",
	   tables.cfg.t1_mask + 1);
	for (unsigned int i = 0; i < 1000; i++) {
		snprintf(b, sizeof(b), "s%04u", i);
		r[i] = rule(b, 5, i);
	}
	rc = hyp_compile(r, 1000, &knobs, &tables, &err);
	ok(rc == 0 && tables.cfg.t1_mask + 1 == 1u << 17, "1000 5-byte signatures: 128 K (%u)",
	   tables.cfg.t1_mask + 1);
}

/* The matcher's lowest-set-bit table, entry by entry. */
static void test_low_bit(void)
{
	unsigned int wrong = 0;

	for (unsigned int i = 1; i < 256; i++)
		wrong += hyp_low_bit[i] != __builtin_ctz(i);
	ok(wrong == 0, "hyp_low_bit[i] is the lowest set bit of i for i = 1..255 (%u wrong)",
	   wrong);
}

int main(void)
{
	test_basics();
	test_t1_size();
	test_low_bit();
	test_shared_pattern();
	test_short();
	test_errors();
	test_full_bucket();
	test_shared_prefix();
	test_anchor_spread();
	test_random(1000, 4, HYP_PAIRS_ADAPT, 0);
	test_random(10000, 4, HYP_PAIRS_ADAPT, 1);
	test_random(HYP_MAX_RULES, 2, HYP_PAIRS_OFF, 0);
	return done_testing();
}
