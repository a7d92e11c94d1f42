/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The signature compiler: turns the rules of a configuration, in order,
 * into the hyp_tables the XDP matcher reads (see ebpf/match.bpf.h).
 */
#ifndef HYPERION_SIGCOMPILE_H
#define HYPERION_SIGCOMPILE_H

#include <stddef.h>
#include "hyperion.h"

/* Why hyp_compile() refused a rule set, and which rule it stumbled on. */
struct hyp_compile_error {
	int rule;  /* index into the rules, or -1 for the whole set */
	int other; /* a second rule involved, or -1 */
	char msg[320];
};

/*
 * Fills *out (which must be zeroed by the caller or not: it is cleared)
 * from rules[0..n), whose order is their precedence, with the knobs of
 * *knobs (accept_mode, legacy_alerts, nonfirst_frag, v6_ext_too_deep, and
 * pair_scan unless HYP_PAIRS_CHOOSE; the matcher's own fields are
 * computed, and cfg.set_id numbers the sets this process compiled).
 * Returns 0, -EINVAL for a rule that is not well-formed or ambiguous, or
 * -E2BIG when a limit is exceeded; *err then says why.
 */
int hyp_compile(const struct hyp_rule *rules, size_t n, const struct hyp_config *knobs,
		struct hyp_tables *out, struct hyp_compile_error *err);

/* The low len bytes of an 8-byte window set (len 0..8). */
static inline __u64 hyp_len_mask(unsigned int len)
{
	return len >= 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

#endif /* HYPERION_SIGCOMPILE_H */
