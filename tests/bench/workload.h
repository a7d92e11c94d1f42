/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Benchmark workloads: payloads and signature sets of two kinds.
 *  - random: uniformly random payload bytes, random 4..8-byte signatures;
 *  - text: HTTP-like requests built from dictionary words, and word-like
 *    signatures (other dictionary words of 4..8 letters), where prefilters
 *    hit far more often.
 * Signatures that occur in any payload of the pool are replaced, so "no
 * match" traffic really matches nothing.
 */
#ifndef HYPERION_BENCH_WORKLOAD_H
#define HYPERION_BENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "hyperion.h"

#define WL_RANDOM 0
#define WL_TEXT	  1

struct workload {
	int kind;
	size_t npayloads, payload_len;
	uint8_t *payloads; /* npayloads * payload_len */
	size_t nsigs;
	struct hyp_rule *sigs;
};

/* Returns 0, or -1 with a message on stderr (the text kind needs
 * /usr/share/dict/words). match_at_end puts one of the signatures in the
 * last bytes of every payload. */
int workload_make(struct workload *w, int kind, size_t npayloads, size_t payload_len, size_t nsigs,
		  int match_at_end, unsigned int seed);
void workload_free(struct workload *w);

#endif /* HYPERION_BENCH_WORKLOAD_H */
