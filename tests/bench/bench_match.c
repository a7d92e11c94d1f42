// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Per-packet cost of Hyperion's XDP program with BPF_PROG_TEST_RUN.
 *
 * Each measurement runs rotate() (tests/bench/rotate.bpf.c), which writes
 * the next of 64 different payloads into the frame and tail-calls either
 * Hyperion or a no-op. The two are measured interleaved (A B A B ...), and
 * Hyperion's cost is its time minus the no-op's in the same round; the
 * floor is a plain no-op XDP program run directly, as a user would compare.
 * Every case is measured once per round and the rounds go over the whole
 * matrix in turn; median of the rounds, with the spread (min..max) shown.
 *
 *   bench_match [-q] [-o FILE.csv] [-k random,text] [-n 1,10,...] [-p 0,64,...]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hyperion.skel.h"
#include "rotate.skel.h"
#include "pkt.h"
#include "workload.h"
#include "xdp_run.h"

#define ROUNDS_MAX 15

struct opts {
	int quick;
	const char *csv;
	int kinds[2], nkinds;
	unsigned long sigs[8];
	int nsigs;
	unsigned long payloads[8];
	int npayloads;
	__u8 modes[HYP_PAIRS_ON3 + 1]; /* HYP_PAIRS_* knobs, side by side in one run */
	int nmodes;
	int rounds;
	double seconds; /* per measurement */
};

struct bench {
	struct xrun x;
	struct rotate_bpf *rot;
	int noop_fd, hyp_fd, rot_fd, plain_noop_fd;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ns per run of prog on frame, over `repeat` runs. */
static double run_ns(int prog_fd, const void *frame, size_t len, __u32 repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = (__u32)len,
		    .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &o)) {
		fprintf(stderr, "test run: %s\n", strerror(errno));
		exit(1);
	}
	return o.duration;
}

static int set_target(struct bench *b, int fd)
{
	__u32 zero = 0;

	return bpf_map_update_elem(bpf_map__fd(b->rot->maps.target), &zero, &fd, BPF_ANY);
}

static int load_pool(struct bench *b, const struct workload *w)
{
	int fd = bpf_map__fd(b->rot->maps.pool);
	static __u8 entry[1536];

	for (__u32 k = 0; k < 64; k++) {
		memset(entry, 0, sizeof(entry));
		memcpy(entry, w->payloads + (k % w->npayloads) * w->payload_len, w->payload_len);
		if (bpf_map_update_elem(fd, &k, entry, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int bench_open(struct bench *b, __u32 payload_len)
{
	int err;

	if (b->rot)
		rotate_bpf__destroy(b->rot);
	b->rot = rotate_bpf__open();
	if (!b->rot)
		return -errno;
	b->rot->rodata->payload_len = payload_len ? payload_len : 1;
	err = rotate_bpf__load(b->rot);
	if (err)
		return err;
	b->rot_fd = bpf_program__fd(b->rot->progs.rotate);
	b->noop_fd = bpf_program__fd(b->rot->progs.noop);
	return 0;
}

struct result {
	double floor, harness, hyp, spread_lo, spread_hi;
};

/* One case of the matrix, and its rounds so far. */
struct bench_case {
	int kind, match;
	__u8 pairs; /* the pair-scan knob */
	unsigned long nsigs;
	size_t plen;
	struct workload w;
	__u32 repeat;
	int n;
	double fl[ROUNDS_MAX], hn[ROUNDS_MAX], extra[ROUNDS_MAX];
};

/*
 * `repeat` so that one call runs Hyperion for about o->seconds, from the
 * kernel's own time per run: every BPF_PROG_TEST_RUN call also spends 15 to
 * 25 ms of wall time outside the runs here, so timing a short call on the
 * wall clock would settle on a few thousand runs for every packet size.
 * The first call after loading a rule set only warms it up.
 */
static __u32 calibrate(struct bench *b, const __u8 *frame, size_t len, const struct opts *o)
{
	double per_run, repeat;

	set_target(b, b->hyp_fd);
	run_ns(b->rot_fd, frame, len, 1000);
	per_run = run_ns(b->rot_fd, frame, len, 1000);
	repeat = o->seconds * 1e9 / (per_run > 1 ? per_run : 1);
	return repeat < 1000 ? 1000 : repeat > 1e8 ? 100000000 : (__u32)repeat;
}

/* One round of a case, interleaved: floor, harness->noop, harness->hyperion. */
static void measure_round(struct bench *b, const __u8 *frame, size_t len, struct bench_case *c)
{
	double hy;

	c->fl[c->n] = run_ns(b->plain_noop_fd, frame, len, c->repeat);
	set_target(b, b->noop_fd);
	c->hn[c->n] = run_ns(b->rot_fd, frame, len, c->repeat);
	set_target(b, b->hyp_fd);
	hy = run_ns(b->rot_fd, frame, len, c->repeat);
	c->extra[c->n] = hy - c->hn[c->n];
	c->n++;
}

static void summarise(struct bench_case *c, struct result *r)
{
	r->floor = median(c->fl, c->n);
	r->harness = median(c->hn, c->n);
	r->hyp = median(c->extra, c->n) + r->floor;
	r->spread_lo = c->extra[0] + r->floor; /* sorted by median() */
	r->spread_hi = c->extra[c->n - 1] + r->floor;
}

static void parse_list(const char *s, unsigned long *v, int *n)
{
	char *end;

	for (*n = 0; *s && *n < 8; s = *end ? end + 1 : end)
		v[(*n)++] = strtoul(s, &end, 10);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_match [-q] [-o FILE.csv] [-k random,text] [-n SIGS,...] "
			"[-p PAYLOAD,...] [-m choose|off|adapt|on|strict|on3,...]\n");
	exit(2);
}

/* The pair scan as the compiler chooses it (default), or forced (-m). */
static const char *const pair_modes[HYP_PAIRS_ON3 + 1] = { "choose", "off",    "adapt",
							   "on",     "strict", "on3" };
#define NMODES ((int)(sizeof(pair_modes) / sizeof(pair_modes[0])))
_Static_assert(HYP_PAIRS_CHOOSE == 0 && HYP_PAIRS_ON3 == 5, "-m names in knob order");

static void parse_modes(const char *s, struct opts *o)
{
	for (o->nmodes = 0; *s && o->nmodes < NMODES; s += strcspn(s, ","), s += *s == ',') {
		size_t len = strcspn(s, ",");
		int m = 0;

		while (m < NMODES &&
		       (strlen(pair_modes[m]) != len || strncmp(s, pair_modes[m], len)))
			m++;
		if (m == NMODES)
			usage();
		o->modes[o->nmodes++] = (__u8)m;
	}
	if (!o->nmodes)
		usage();
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .kinds = { WL_RANDOM, WL_TEXT },
			    .nkinds = 2,
			    .sigs = { 1, 10, 100, 1000, 10000 },
			    .nsigs = 5,
			    .payloads = { 0, 64, 512, 1400 },
			    .npayloads = 4,
			    .modes = { HYP_PAIRS_CHOOSE },
			    .nmodes = 1,
			    .rounds = 11,
			    .seconds = 0.1 };
	while ((c = getopt(argc, argv, "qo:k:n:p:m:")) != -1) {
		switch (c) {
		case 'q':
			o->quick = 1;
			o->rounds = 5;
			o->seconds = 0.03;
			break;
		case 'o':
			o->csv = optarg;
			break;
		case 'k':
			o->nkinds = 0;
			if (strstr(optarg, "random"))
				o->kinds[o->nkinds++] = WL_RANDOM;
			if (strstr(optarg, "text"))
				o->kinds[o->nkinds++] = WL_TEXT;
			break;
		case 'n':
			parse_list(optarg, o->sigs, &o->nsigs);
			break;
		case 'p':
			parse_list(optarg, o->payloads, &o->npayloads);
			break;
		case 'm':
			parse_modes(optarg, o);
			break;
		default:
			usage();
		}
	}
}

/* The frame of a case: UDP, its first payload (rotate.bpf.c writes the
 * others in turn). */
static size_t case_frame(const struct bench_case *c, __u8 *frame, size_t cap)
{
	struct pkt_opts po;

	pkt_defaults(&po);
	po.proto = 17;
	po.payload = c->w.payloads;
	po.payload_len = c->plen;
	return pkt_build(&po, frame, cap);
}

static int case_load(struct bench *b, struct bench_case *c)
{
	struct hyp_config knobs = { .pair_scan = c->pairs };

	return xrun_rules(&b->x, c->w.sigs, c->w.nsigs, &knobs) || load_pool(b, &c->w) ? -1 : 0;
}

static void report(const struct bench_case *c, struct result *r, FILE *csv)
{
	const char *kind = c->kind ? "text" : "random", *match = c->match ? "at-end" : "none";
	double per_byte = c->plen ? (r->hyp - r->floor) / (double)c->plen : 0.0;
	char spread[48];

	snprintf(spread, sizeof(spread), "%.1f..%.1f", r->spread_lo, r->spread_hi);

	printf("%-6s %6lu %7zu %-7s %7.1f %9.1f %7.2fx %10.3f  %-15s %s\n", kind, c->nsigs, c->plen,
	       match, r->floor, r->hyp, r->hyp / r->floor, per_byte, spread, pair_modes[c->pairs]);
	if (csv)
		fprintf(csv, "%s,%lu,%zu,%s,%.2f,%.2f,%.2f,%.2f,%.4f,%.2f,%.2f,%s\n", kind,
			c->nsigs, c->plen, match, r->floor, r->harness, r->hyp, r->hyp / r->floor,
			per_byte, r->spread_lo, r->spread_hi, pair_modes[c->pairs]);
}

/*
 * Every case of the matrix once per round, for o.rounds rounds: each case's
 * rounds are spread over the whole run, so that the host's slow and fast
 * spells (seconds long, up to 2x here) fall on every case alike instead of
 * on whichever case they coincide with.
 */
int main(int argc, char **argv)
{
	static __u8 frame[2048];
	struct bench_case *cases;
	struct bench b = { 0 };
	int ncases = 0;
	FILE *csv = NULL;
	struct opts o;

	parse_opts(argc, argv, &o);
	if (xrun_open(&b.x, 0)) {
		fprintf(stderr, "bench_match: cannot load the XDP program (root?)\n");
		return 1;
	}
	b.hyp_fd = b.x.prog_fd;
	cases = calloc((size_t)(o.npayloads * o.nkinds * o.nsigs * 2 * o.nmodes), sizeof(*cases));
	if (!cases)
		return 1;
	for (int pi = 0; pi < o.npayloads; pi++)
		for (int ki = 0; ki < o.nkinds; ki++)
			for (int si = 0; si < o.nsigs; si++)
				for (int m = 0; m < 2 * o.nmodes; m++) {
					struct bench_case *c = &cases[ncases];

					if (m / o.nmodes && !o.payloads[pi])
						continue;
					*c = (struct bench_case){ .kind = o.kinds[ki],
								  .match = m / o.nmodes,
								  .pairs = o.modes[m % o.nmodes],
								  .nsigs = o.sigs[si],
								  .plen = o.payloads[pi] };
					if (workload_make(&c->w, c->kind, 64, c->plen, c->nsigs,
							  c->match, (unsigned int)(1 + si)))
						return 1;
					ncases++;
				}
	if (o.csv) {
		csv = fopen(o.csv, "we");
		if (!csv) {
			perror(o.csv);
			return 1;
		}
		fprintf(csv,
			"kind,signatures,payload,match,floor_ns,harness_ns,hyperion_ns,"
			"ratio_to_floor,ns_per_payload_byte,spread_lo_ns,spread_hi_ns,pair_scan\n");
	}
	fprintf(stderr, "bench_match: %d cases, %d rounds each\n", ncases, o.rounds);
	for (int round = 0; round < o.rounds; round++) {
		fprintf(stderr, "bench_match: round %d of %d\n", round + 1, o.rounds);
		for (int i = 0; i < ncases; i++) {
			struct bench_case *c = &cases[i];
			size_t flen = case_frame(c, frame, sizeof(frame));

			/* the harness is built per payload size */
			if (!i || c->plen != cases[i - 1].plen) {
				if (bench_open(&b, (__u32)c->plen)) {
					fprintf(stderr, "bench_match: cannot load rotate.bpf.o\n");
					return 1;
				}
				b.plain_noop_fd = b.noop_fd;
			}
			if (case_load(&b, c))
				return 1;
			if (!round)
				c->repeat = calibrate(&b, frame, flen, &o);
			measure_round(&b, frame, flen, c);
		}
	}
	printf("%-6s %6s %7s %-7s %8s %10s %8s %10s  %-15s %s\n", "kind", "sigs", "payload",
	       "match", "floor", "hyperion", "ratio", "ns/byte", "spread", "pair scan");
	for (int i = 0; i < ncases; i++) {
		struct result r;

		summarise(&cases[i], &r);
		report(&cases[i], &r, csv);
		workload_free(&cases[i].w);
	}
	if (csv)
		fclose(csv);
	free(cases);
	rotate_bpf__destroy(b.rot);
	xrun_close(&b.x);
	return 0;
}
