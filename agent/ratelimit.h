/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Aggregation at the source: a token bucket per event type and signature.
 * What is over the rate is counted, with its first and last time, and
 * handed back as summaries every summary_interval seconds.
 */
#ifndef HYPERION_RATELIMIT_H
#define HYPERION_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "record.h"

struct hyp_bucket {
	uint64_t tokens;  /* in 1e-9 tokens */
	uint64_t last_ns; /* last refill */
	uint64_t suppressed;
	struct hyp_record held; /* the first suppressed event, then its times */
};

struct hyp_ratelimit {
	struct hyp_ratelimit_config cfg;
	size_t nrules;
	struct hyp_bucket *b; /* 3 types x (nrules + 1: signature unknown) */
	uint64_t next_summary_ns;
};

/* Returns 0 or -ENOMEM. */
int hyp_rl_init(struct hyp_ratelimit *rl, const struct hyp_ratelimit_config *cfg, size_t nrules,
		uint64_t now_ns);
void hyp_rl_free(struct hyp_ratelimit *rl);

/* Whether the event (rule index ri, -1 if unknown) may be delivered now;
 * if not, it is counted in its bucket. */
int hyp_rl_admit(struct hyp_ratelimit *rl, const struct hyp_ev *ev, int ri, uint64_t now_ns);

/* When the summary interval has passed (or force), calls emit for every
 * bucket that suppressed events, as a HYP_REC_SUMMARY, and resets it.
 * Returns the number of summaries. */
size_t hyp_rl_summaries(struct hyp_ratelimit *rl, uint64_t now_ns, int force,
			void (*emit)(void *ctx, struct hyp_record *r), void *ctx);

#endif /* HYPERION_RATELIMIT_H */
