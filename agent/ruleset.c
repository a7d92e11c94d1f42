// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ruleset.h"
#include "sigcompile.h"

static const struct hyp_ruleset *sort_rs; /* qsort has no context argument */

static int cmp_pattern(const void *a, const void *b)
{
	const struct hyp_rule *x = &sort_rs->rules[*(const unsigned int *)a];
	const struct hyp_rule *y = &sort_rs->rules[*(const unsigned int *)b];

	if (x->pattern != y->pattern)
		return x->pattern < y->pattern ? -1 : 1;
	return *(const unsigned int *)a < *(const unsigned int *)b ? -1 : 1;
}

/* Names of the previous set, hashed: a reload of 10,000 signatures must not
 * compare every name with every other. */
struct name_index {
	const struct hyp_ruleset *rs;
	unsigned int *slot; /* rule index + 1, 0 empty */
	size_t mask;
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static int index_names(struct name_index *ix, const struct hyp_ruleset *rs)
{
	size_t cap = 16;

	ix->rs = rs;
	while (rs && cap < 2 * rs->n)
		cap *= 2;
	ix->mask = cap - 1;
	ix->slot = calloc(cap, sizeof(*ix->slot));
	if (!ix->slot)
		return -ENOMEM;
	for (size_t i = 0; rs && i < rs->n; i++) {
		size_t h = name_hash(rs->names[i]) & ix->mask;

		while (ix->slot[h])
			h = (h + 1) & ix->mask;
		ix->slot[h] = (unsigned int)i + 1;
	}
	return 0;
}

/* The id the previous set gave this name, or -1. */
static int prev_id(const struct name_index *ix, const char *name)
{
	for (size_t h = name_hash(name) & ix->mask; ix->slot[h]; h = (h + 1) & ix->mask)
		if (!strcmp(ix->rs->names[ix->slot[h] - 1], name))
			return (int)ix->rs->rules[ix->slot[h] - 1].id;
	return -1;
}

static int assign_ids(struct hyp_ruleset *rs, const struct hyp_ruleset *prev)
{
	struct name_index ix;
	unsigned int next = 0;
	int err = index_names(&ix, prev);

	for (size_t i = 0; i < rs->n && !err; i++) {
		int id = prev_id(&ix, rs->names[i]);

		if (id >= 0) {
			rs->rules[i].id = (__u32)id;
			rs->id_used[id] = 1;
		} else {
			rs->fresh[i] = 1;
		}
	}
	for (size_t i = 0; i < rs->n && !err; i++) {
		if (!rs->fresh[i])
			continue;
		while (next < HYP_MAX_RULES && (rs->id_used[next] || (prev && prev->id_used[next])))
			next++;
		if (next == HYP_MAX_RULES) /* every id is held by this set or prev */
			for (next = 0; next < HYP_MAX_RULES && rs->id_used[next]; next++)
				;
		if (next == HYP_MAX_RULES)
			err = -E2BIG;
		else
			rs->id_used[next] = 1;
		rs->rules[i].id = next;
	}
	free(ix.slot);
	return err;
}

int hyp_ruleset_build(struct hyp_ruleset *rs, const struct hyp_config_file *cf,
		      const struct hyp_ruleset *prev, struct hyp_config_error *err)
{
	struct hyp_compile_error cerr;
	size_t n = cf->nsigs;

	memset(rs, 0, sizeof(*rs));
	rs->n = n;
	rs->rules = calloc(n ? n : 1, sizeof(*rs->rules));
	rs->names = calloc(n ? n : 1, sizeof(*rs->names));
	rs->by_pattern = calloc(n ? n : 1, sizeof(*rs->by_pattern));
	rs->fresh = calloc(n ? n : 1, 1);
	rs->tables = calloc(1, sizeof(*rs->tables));
	if (!rs->rules || !rs->names || !rs->by_pattern || !rs->fresh || !rs->tables) {
		snprintf(err->msg, sizeof(err->msg), "out of memory building the rule set");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		rs->rules[i] = cf->sigs[i].rule;
		memcpy(rs->names[i], cf->sigs[i].name, HYP_NAME_MAX);
		rs->by_pattern[i] = (unsigned int)i;
	}
	if (assign_ids(rs, prev)) {
		snprintf(err->msg, sizeof(err->msg), "no free signature id");
		goto fail;
	}
	if (hyp_compile(rs->rules, n, &cf->knobs, rs->tables, &cerr)) {
		if (cerr.rule >= 0 && (size_t)cerr.rule < n && cerr.other >= 0 &&
		    (size_t)cerr.other < n)
			snprintf(err->msg, sizeof(err->msg),
				 "signature '%s' (line %u): %s; see signature '%s', line %u",
				 cf->sigs[cerr.rule].name, cf->sigs[cerr.rule].line, cerr.msg,
				 cf->sigs[cerr.other].name, cf->sigs[cerr.other].line);
		else if (cerr.rule >= 0 && (size_t)cerr.rule < n)
			snprintf(err->msg, sizeof(err->msg), "signature '%s' (line %u): %s",
				 cf->sigs[cerr.rule].name, cf->sigs[cerr.rule].line, cerr.msg);
		else
			snprintf(err->msg, sizeof(err->msg), "signatures: %s", cerr.msg);
		goto fail;
	}
	sort_rs = rs;
	qsort(rs->by_pattern, n, sizeof(*rs->by_pattern), cmp_pattern);
	return 0;
fail:
	hyp_ruleset_free(rs);
	return -1;
}

void hyp_ruleset_free(struct hyp_ruleset *rs)
{
	free(rs->rules);
	free(rs->names);
	free(rs->tables);
	free(rs->by_pattern);
	free(rs->fresh);
	memset(rs, 0, sizeof(*rs));
}

static int applies(const struct hyp_rule *r, unsigned int protocol, unsigned int dport)
{
	if (r->protocol != HYP_PROTO_ANY && r->protocol != protocol)
		return 0;
	if (!r->nranges)
		return 1;
	for (int i = 0; i < r->nranges; i++)
		if (dport >= r->port_lo[i] && dport <= r->port_hi[i])
			return 1;
	return 0;
}

int hyp_ruleset_find(const struct hyp_ruleset *rs, const unsigned char sig[HYP_SIG_LEN],
		     unsigned int protocol, unsigned int dport)
{
	size_t lo = 0, hi = rs->n;
	int alert = -1;
	__u64 want;

	memcpy(&want, sig, sizeof(want));
	while (lo < hi) { /* first rule with this pattern */
		size_t mid = (lo + hi) / 2;

		if (rs->rules[rs->by_pattern[mid]].pattern < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < rs->n && rs->rules[rs->by_pattern[lo]].pattern == want; lo++) {
		unsigned int i = rs->by_pattern[lo];

		if (!applies(&rs->rules[i], protocol, dport))
			continue;
		if (rs->rules[i].action == HYP_ACTION_DROP)
			return (int)i; /* sorted by index within a pattern */
		if (alert < 0)
			alert = (int)i;
	}
	return alert;
}
