// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ratelimit.h"

#define NS 1000000000ULL

int hyp_rl_init(struct hyp_ratelimit *rl, const struct hyp_ratelimit_config *cfg, size_t nrules,
		uint64_t now_ns)
{
	size_t n = 3 * (nrules + 1);

	memset(rl, 0, sizeof(*rl));
	rl->cfg = *cfg;
	rl->nrules = nrules;
	rl->b = calloc(n, sizeof(*rl->b));
	if (!rl->b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		rl->b[i].tokens = (uint64_t)cfg->burst * NS;
		rl->b[i].last_ns = now_ns;
	}
	rl->next_summary_ns = now_ns + (uint64_t)cfg->summary_interval * NS;
	return 0;
}

void hyp_rl_free(struct hyp_ratelimit *rl)
{
	free(rl->b);
	memset(rl, 0, sizeof(*rl));
}

int hyp_rl_admit(struct hyp_ratelimit *rl, const struct hyp_ev *ev, int ri, uint64_t now_ns)
{
	size_t slot = (ri >= 0 && (size_t)ri < rl->nrules) ? (size_t)ri : rl->nrules;
	struct hyp_bucket *b = &rl->b[(ev->type % 3) * (rl->nrules + 1) + slot];
	uint64_t cap = (uint64_t)rl->cfg.burst * NS;

	if (!rl->cfg.rate)
		return 1;
	if (now_ns > b->last_ns) {
		uint64_t elapsed = now_ns - b->last_ns;

		/* elapsed * rate in 1e-9 tokens, without overflowing */
		if (elapsed >= cap / rl->cfg.rate + 1 || b->tokens + elapsed * rl->cfg.rate >= cap)
			b->tokens = cap;
		else
			b->tokens += elapsed * rl->cfg.rate;
		b->last_ns = now_ns;
	}
	if (b->tokens >= NS) {
		b->tokens -= NS;
		return 1;
	}
	if (!b->suppressed++) {
		hyp_record_event(&b->held, ev);
		b->held.first = ev->wall;
	}
	b->held.last = ev->wall;
	return 0;
}

size_t hyp_rl_summaries(struct hyp_ratelimit *rl, uint64_t now_ns, int force,
			void (*emit)(void *ctx, struct hyp_record *r), void *ctx)
{
	size_t n = 3 * (rl->nrules + 1), out = 0;

	if (!rl->b || (!force && now_ns < rl->next_summary_ns))
		return 0;
	rl->next_summary_ns = now_ns + (uint64_t)rl->cfg.summary_interval * NS;
	for (size_t i = 0; i < n; i++) {
		struct hyp_bucket *b = &rl->b[i];

		if (!b->suppressed)
			continue;
		b->held.kind = HYP_REC_SUMMARY;
		b->held.count = b->suppressed;
		hyp_record_fix(&b->held);
		emit(ctx, &b->held);
		b->suppressed = 0;
		out++;
	}
	return out;
}
