/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reference parser and matcher: what Hyperion's XDP program should decide,
 * written the plain way (byte-by-byte parsing, every rule at every offset),
 * for differential tests.
 */
#ifndef HYPERION_TEST_REF_H
#define HYPERION_TEST_REF_H

#include <stddef.h>
#include <stdint.h>
#include "hyperion.h"

struct ref_verdict {
	int drop;	   /* 1: XDP_DROP */
	int scanned;	   /* a TCP/UDP payload was scanned */
	int rule;	   /* reported rule index, -1 for none */
	int counter;	   /* HYP_CNT_* of why it was not scanned, -1 */
	size_t poff, plen; /* the scanned window */
};

void ref_inspect(const uint8_t *frame, size_t len, const struct hyp_rule *rules, size_t n,
		 const struct hyp_config *knobs, struct ref_verdict *out);

#endif /* HYPERION_TEST_REF_H */
