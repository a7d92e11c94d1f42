// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * How often each stage 1 of the matcher (ebpf/match.bpf.h) sends work to
 * stage 2, on the benchmark's workloads: the payloads of bench_match are
 * replayed against the tables hyp_compile() builds, with the kernel's own
 * hash and index macros. Counts, not times: the share of payload offsets
 * each stage 1 flags, and the share of 16-offset blocks with at least one
 * (a block costs a stage-2 call). No match is placed in the payloads.
 *
 *   match_stats [-k random,text] [-n 100,1000,...] [-p PAYLOAD]
 *
 * pairs: the pair scan's bigram; pairs3: the bigram and the third byte's
 * class (cfg.pair_third); hash: the anchor hash; strict: the hash with the
 * next byte's bit; bucket: the offsets that then reach a verification
 * bucket. Prints CSV on standard output.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sigcompile.h"
#include "workload.h"

#define BLOCK 16 /* HYP_BLOCK */

enum { PAIRS, PAIRS3, HASH, STRICT, BUCKET, NSTAGES };
static const char *const names[NSTAGES] = { "pairs", "pairs3", "hash", "strict", "bucket" };

static struct hyp_tables tables;

/* Which stages flag payload offset off of p (p has 8 readable bytes past
 * it); bit s for stage s. */
static unsigned int flags_at(const struct hyp_tables *t, const uint8_t *p)
{
	uint64_t w, h;
	unsigned int f = 0;
	uint8_t v;

	memcpy(&w, p, sizeof(w));
	h = HYP_HASH(w & t->cfg.anchor_mask);
	v = t->t1[HYP_T1_INDEX(h, t->cfg.t1_mask)];
	if (t->pairs[(uint16_t)w])
		f |= 1u << PAIRS;
	if (t->pairs3[HYP_PAIRS3_INDEX(w)])
		f |= 1u << PAIRS3;
	if (v)
		f |= 1u << HASH;
	if (v & HYP_T1_NEXT_BIT(p[t->cfg.anchor_len])) {
		f |= 1u << STRICT;
		if (HYP_HEAD_COUNT(t->heads[HYP_BUCKET_INDEX(h)]))
			f |= 1u << BUCKET;
	}
	return f;
}

static void measure(int kind, size_t nsigs, size_t plen)
{
	unsigned long offsets = 0, blocks = 0, hit[NSTAGES] = { 0 }, blk[NSTAGES] = { 0 };
	struct hyp_config knobs = { .pair_scan = HYP_PAIRS_OFF };
	struct hyp_compile_error err;
	struct workload w;
	uint8_t *buf = calloc(plen + 16, 1);

	if (!buf || workload_make(&w, kind, 64, plen, nsigs, 0, 1) ||
	    hyp_compile(w.sigs, nsigs, &knobs, &tables, &err)) {
		fprintf(stderr, "match_stats: cannot build the %zu-signature workload\n", nsigs);
		exit(1);
	}
	for (size_t i = 0; i < w.npayloads; i++) {
		memcpy(buf, w.payloads + i * plen, plen);
		for (size_t b = 0; b + BLOCK <= plen; b += BLOCK) {
			unsigned int any = 0;

			for (size_t k = 0; k < BLOCK; k++) {
				unsigned int f = flags_at(&tables, buf + b + k);

				for (int s = 0; s < NSTAGES; s++)
					hit[s] += f >> s & 1;
				any |= f;
				offsets++;
			}
			for (int s = 0; s < NSTAGES; s++)
				blk[s] += any >> s & 1;
			blocks++;
		}
	}
	for (int s = 0; s < NSTAGES; s++)
		printf("%s,%zu,%zu,%s,%.2f,%.1f\n", kind == WL_TEXT ? "text" : "random", nsigs,
		       plen, names[s], 100.0 * (double)hit[s] / (double)offsets,
		       100.0 * (double)blk[s] / (double)blocks);
	workload_free(&w);
	free(buf);
}

int main(int argc, char **argv)
{
	size_t sigs[8] = { 100, 1000, 10000 }, nsigs = 3, plen = 1400;
	int kinds[2] = { WL_RANDOM, WL_TEXT }, nkinds = 2, c;

	while ((c = getopt(argc, argv, "k:n:p:")) != -1) {
		if (c == 'k') {
			nkinds = 0;
			if (strstr(optarg, "random"))
				kinds[nkinds++] = WL_RANDOM;
			if (strstr(optarg, "text"))
				kinds[nkinds++] = WL_TEXT;
		} else if (c == 'n') {
			char *s = optarg, *end;

			for (nsigs = 0; *s && nsigs < 8; s = *end ? end + 1 : end)
				sigs[nsigs++] = strtoul(s, &end, 10);
		} else if (c == 'p') {
			plen = strtoul(optarg, NULL, 10);
		} else {
			fprintf(stderr, "usage: match_stats [-k random,text] [-n SIGS,...] "
					"[-p PAYLOAD]\n");
			return 2;
		}
	}
	if (!nkinds || !nsigs || plen < BLOCK || plen > 16384)
		return 2;
	printf("kind,signatures,payload,stage,offsets_pct,blocks_pct\n");
	for (int k = 0; k < nkinds; k++)
		for (size_t n = 0; n < nsigs; n++)
			measure(kinds[k], sigs[n], plen);
	return 0;
}
