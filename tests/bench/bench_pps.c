// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Packets per second over veth: a sender in namespace A transmits UDP
 * frames as fast as it can (BPF_PROG_TEST_RUN in live-frames mode on an
 * XDP_TX program, pinned to CPU 0); the receiving veth in namespace B runs,
 * in turn: nothing, a no-op XDP drop, Hyperion with 1, 100 and 1000
 * signatures, and iptables `-m string` (bm and kmp) with 1, 10, 100 and
 * 1000 rules, the matching one last. Each case's window alternates with a
 * window of the no-op XDP drop (the baseline, A B A B ...); the result is
 * the median over the rounds of what the receiver processed per second.
 *
 *   bench_pps NS_A IF_A NS_B IF_B [-q] [-o FILE.csv]
 *
 * Run by tests/bench/run-bench.sh, which creates the namespaces, turns on
 * GRO and threaded NAPI on IF_B and pins the NAPI thread to CPU 1.
 */

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hyperion.skel.h"
#include "rotate.skel.h"
#include "agent.h"
#include "loader.h"
#include "pkt.h"
#include "sigcompile.h"

#define ROUNDS_MAX 9

static const char *ns_a, *if_a, *ns_b, *if_b;
static double window_s = 0.5;
static int rounds = 3;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int enter_ns(const char *name)
{
	char path[256];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	return err ? -errno : 0;
}

/* A UDP frame of `size` bytes to 198.18.0.2:9000, ending with "hack" when
 * matching, else with bytes no signature here contains. */
static size_t make_frame(unsigned char *buf, size_t size, int match)
{
	unsigned char payload[2048];
	struct pkt_opts o;
	size_t plen = size - 42;

	memset(payload, 'x', plen);
	if (match)
		memcpy(payload + plen - 4, "hack", 4);
	pkt_defaults(&o);
	o.proto = 17;
	o.dport = 9000;
	o.payload = payload;
	o.payload_len = plen;
	return pkt_build(&o, buf, 2048);
}

/* The sender: forked, in namespace A, on CPU 0, until killed. One call
 * that runs until then: each call's setup pauses the flood for about 20 ms,
 * and a pause every 2^20 frames let an agent fed by the flood run dry
 * where the telemetry benchmark's raw loop, which needs no traffic, did not. */
static pid_t start_sender(struct rotate_bpf *rot, const unsigned char *frame, size_t len)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct xdp_md ctx = { .data_end = (__u32)len };
		cpu_set_t cpus;

		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the benchmark */
		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		sched_setaffinity(0, sizeof(cpus), &cpus);
		if (enter_ns(ns_a))
			_exit(1);
		ctx.ingress_ifindex = if_nametoindex(if_a);
		for (;;) {
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
				    .data_size_in = (__u32)len, .ctx_in = &ctx,
				    .ctx_size_in = sizeof(ctx), .repeat = UINT32_MAX,
				    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);

			if (bpf_prog_test_run_opts(bpf_program__fd(rot->progs.tx), &o))
				_exit(2);
		}
	}
	return pid;
}

/* What the receiver counted, by kind of case. */
enum counter { C_RX, C_SEEN, C_HYPERION };

static __u64 percpu_sum(int fd)
{
	__u64 per[256] = { 0 }, sum = 0;
	__u32 zero = 0;

	bpf_map_lookup_elem(fd, &zero, per);
	for (int c = 0; c < libbpf_num_possible_cpus() && c < 256; c++)
		sum += per[c];
	return sum;
}

static __u64 rx_packets(void)
{
	struct ifaddrs *ifs, *i;
	__u64 n = 0;

	if (getifaddrs(&ifs))
		return 0;
	for (i = ifs; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_PACKET && i->ifa_data &&
		    !strcmp(i->ifa_name, if_b))
			n = ((struct rtnl_link_stats *)i->ifa_data)->rx_packets;
	freeifaddrs(ifs);
	return n;
}

struct receiver {
	struct rotate_bpf *rot;
	struct hyperion_bpf *hyp;
	int link;
};

static __u64 count(struct receiver *r, enum counter c)
{
	struct hyp_counters sum;

	if (c == C_SEEN)
		return percpu_sum(bpf_map__fd(r->rot->maps.seen));
	if (c == C_HYPERION) {
		memset(&sum, 0, sizeof(sum));
		hyp_read_counters(bpf_map__fd(r->hyp->maps.counters), &sum);
		return sum.v[HYP_CNT_PACKETS];
	}
	return rx_packets();
}

static int attach(struct receiver *r, int prog_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .flags = XDP_FLAGS_DRV_MODE);

	r->link = bpf_link_create(prog_fd, (int)if_nametoindex(if_b), BPF_XDP, &o);
	return r->link < 0 ? -errno : 0;
}

static void detach(struct receiver *r)
{
	if (r->link >= 0)
		close(r->link);
	r->link = -1;
}

/* Packets per second the receiver processed over one window. */
static double window(struct receiver *r, enum counter c)
{
	__u64 n0, n1;
	double t0, t1;

	usleep(50000); /* let the previous case drain */
	n0 = count(r, c);
	t0 = now();
	usleep((useconds_t)(window_s * 1e6));
	n1 = count(r, c);
	t1 = now();
	return (double)(n1 - n0) / (t1 - t0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	double pps, base, lo, hi;
};

/* Interleaved rounds: baseline (no-op drop) then the case. prog_fd < 0:
 * the case runs with no XDP program. */
static void measure(struct receiver *r, int prog_fd, enum counter c, struct result *res)
{
	double pps[ROUNDS_MAX], base[ROUNDS_MAX];

	for (int i = 0; i < rounds; i++) {
		attach(r, bpf_program__fd(r->rot->progs.count_drop));
		base[i] = window(r, C_SEEN);
		detach(r);
		if (prog_fd >= 0)
			attach(r, prog_fd);
		pps[i] = window(r, c);
		detach(r);
	}
	qsort(pps, (size_t)rounds, sizeof(double), cmp_double);
	qsort(base, (size_t)rounds, sizeof(double), cmp_double);
	res->pps = pps[rounds / 2];
	res->base = base[rounds / 2];
	res->lo = pps[0];
	res->hi = pps[rounds - 1];
}

/* Hyperion with n signatures: n - 1 random ones, then "hack". */
static int hyperion_rules(struct hyperion_bpf *hyp, int n)
{
	static struct hyp_tables t;
	struct hyp_rule *rules = calloc((size_t)n, sizeof(*rules));
	struct hyp_compile_error err;
	struct hyp_config knobs = { 0 };
	unsigned int seed = 7;
	int rc;

	for (int i = 0; i < n; i++) {
		rules[i].len = 4 + (__u8)(i % 5);
		for (int k = 0; k < rules[i].len; k++)
			((unsigned char *)&rules[i].pattern)[k] =
				(unsigned char)('A' + rand_r(&seed) % 26);
		rules[i].id = (__u32)i;
	}
	memset(&rules[n - 1], 0, sizeof(rules[n - 1]));
	memcpy(&rules[n - 1].pattern, "hack", 4);
	rules[n - 1].len = 4;
	rules[n - 1].id = (__u32)(n - 1);
	rc = hyp_compile(rules, (size_t)n, &knobs, &t, &err);
	if (!rc)
		rc = hyp_ruleset_swap(&hyp, 1, &t);
	free(rules);
	return rc;
}

/* iptables: chain HYP with n - 1 non-matching string rules, then the
 * matching one, jumped to from INPUT. */
static int iptables_rules(const char *algo, int n)
{
	FILE *f = popen("iptables-restore", "w");

	if (!f)
		return -errno;
	fprintf(f, "*filter\n:INPUT ACCEPT [0:0]\n:HYP - [0:0]\n-A INPUT -j HYP\n");
	for (int i = 0; i < n - 1; i++)
		fprintf(f, "-A HYP -p udp -m string --algo %s --string nomatch%05d -j DROP\n", algo,
			i);
	fprintf(f, "-A HYP -p udp -m string --algo %s --string hack -j DROP\nCOMMIT\n", algo);
	return pclose(f) ? -EIO : 0;
}

static void row(FILE *csv, size_t size, int match, const char *name, const struct result *r)
{
	double extra = 1e9 / r->pps - 1e9 / r->base;

	printf("%5zu %-8s %-20s %10.0f %10.0f %6.2f %8.1f  %.0f..%.0f\n", size,
	       match ? "match" : "nomatch", name, r->pps, r->base, r->pps / r->base, extra, r->lo,
	       r->hi);
	fflush(stdout);
	if (csv)
		fprintf(csv, "%zu,%s,%s,%.0f,%.0f,%.4f,%.2f,%.0f,%.0f\n", size,
			match ? "match" : "nomatch", name, r->pps, r->base, r->pps / r->base, extra,
			r->lo, r->hi);
}

static void run_size(struct receiver *r, FILE *csv, size_t size, int match, int quick)
{
	static const int hyp_n[] = { 1, 100, 1000 }, ipt_n[] = { 1, 10, 100, 1000 };
	static unsigned char frame[2048];
	size_t len = make_frame(frame, size, match);
	pid_t sender = start_sender(r->rot, frame, len);
	struct result res;
	char name[32];

	sleep(1);
	measure(r, -1, C_RX, &res);
	row(csv, size, match, "nothing", &res);
	measure(r, bpf_program__fd(r->rot->progs.count_drop), C_SEEN, &res);
	row(csv, size, match, "xdp-drop", &res);
	for (size_t i = 0; i < 3; i++) {
		hyperion_rules(r->hyp, hyp_n[i]);
		measure(r, bpf_program__fd(r->hyp->progs.hyperion_xdp), C_HYPERION, &res);
		snprintf(name, sizeof(name), "hyperion-%d", hyp_n[i]);
		row(csv, size, match, name, &res);
	}
	for (int a = 0; a < 2; a++)
		for (size_t i = 0; i < 4; i++) {
			if (quick && ipt_n[i] > 100)
				continue;
			iptables_rules(a ? "kmp" : "bm", ipt_n[i]);
			measure(r, -1, C_RX, &res);
			snprintf(name, sizeof(name), "iptables-%s-%d", a ? "kmp" : "bm", ipt_n[i]);
			row(csv, size, match, name, &res);
		}
	if (system("iptables -F HYP; iptables -F INPUT; iptables -X HYP"))
		fprintf(stderr, "bench_pps: could not clear the iptables rules\n");
	kill(sender, SIGKILL);
	waitpid(sender, NULL, 0);
}

int main(int argc, char **argv)
{
	struct receiver r = { .link = -1 };
	static const size_t sizes[] = { 64, 512, 1400 };
	const char *csvpath = NULL;
	FILE *csv = NULL;
	int quick = 0;

	if (argc == 6 && !strcmp(argv[1], "--send")) { /* bench_pps --send NS_A IF_A SIZE MATCH */
		static unsigned char frame[2048];
		size_t len;

		ns_a = argv[2], if_a = argv[3];
		len = make_frame(frame, strtoul(argv[4], NULL, 10), atoi(argv[5]));
		r.rot = rotate_bpf__open_and_load();
		if (!r.rot)
			return 1;
		waitpid(start_sender(r.rot, frame, len), NULL, 0);
		return 0;
	}
	if (argc < 5) {
		fprintf(stderr, "usage: bench_pps NS_A IF_A NS_B IF_B [-q] [-o FILE.csv]\n"
				"       bench_pps --send NS_A IF_A FRAME_SIZE MATCH\n");
		return 2;
	}
	ns_a = argv[1], if_a = argv[2], ns_b = argv[3], if_b = argv[4];
	for (int i = 5; i < argc; i++) {
		if (!strcmp(argv[i], "-q"))
			quick = 1, rounds = 3, window_s = 0.3;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			csvpath = argv[++i];
	}
	r.rot = rotate_bpf__open_and_load();
	r.hyp = hyperion_bpf__open_and_load();
	if (!r.rot || !r.hyp || enter_ns(ns_b)) {
		fprintf(stderr, "bench_pps: cannot load the programs or enter %s\n", ns_b);
		return 1;
	}
	if (csvpath && !(csv = fopen(csvpath, "we")))
		return 1;
	if (csv)
		fprintf(csv,
			"frame,traffic,case,pps,baseline_pps,ratio,extra_ns_per_packet,lo,hi\n");
	printf("%5s %-8s %-20s %10s %10s %6s %8s  %s\n", "frame", "traffic", "case", "pps",
	       "xdp-drop", "ratio", "+ns/pkt", "spread");
	for (size_t s = 0; s < 3; s++)
		for (int m = 0; m < 2; m++)
			run_size(&r, csv, sizes[s], m, quick);
	if (csv)
		fclose(csv);
	rotate_bpf__destroy(r.rot);
	hyperion_bpf__destroy(r.hyp);
	return 0;
}
