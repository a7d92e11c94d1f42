// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `hyperion stats [--json]`: the counters and per-signature hits of the
 * running agent, read from the maps it pinned under HYP_PIN_ROOT.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "agent.h"
#include "log.h"
#include "pattern.h"
#include "stats.h"

static const char *const counter_names[HYP_CNT_MAX] = {
	[HYP_CNT_PACKETS] = "packets",
	[HYP_CNT_PASSED] = "passed",
	[HYP_CNT_DROPPED] = "dropped",
	[HYP_CNT_MATCHED] = "matched",
	[HYP_CNT_SIG_DROPPED] = "signature_drops",
	[HYP_CNT_ALERTED] = "alerts",
	[HYP_CNT_SCANNED] = "payloads_scanned",
	[HYP_CNT_SCANNED_BYTES] = "payload_bytes_scanned",
	[HYP_CNT_NOT_IP] = "not_ip",
	[HYP_CNT_NOT_TCP_UDP] = "not_tcp_udp",
	[HYP_CNT_FRAG_FIRST] = "first_fragments",
	[HYP_CNT_FRAG_NONFIRST] = "nonfirst_fragments",
	[HYP_CNT_FRAG_DROPPED] = "fragments_dropped",
	[HYP_CNT_BAD_ETH] = "bad_ethernet",
	[HYP_CNT_VLAN_TOO_DEEP] = "vlan_too_deep",
	[HYP_CNT_BAD_IPV4] = "bad_ipv4",
	[HYP_CNT_BAD_IPV6] = "bad_ipv6",
	[HYP_CNT_V6_EXT_TOO_DEEP] = "ipv6_long_chains",
	[HYP_CNT_V6_EXT_DROPPED] = "ipv6_long_chains_dropped",
	[HYP_CNT_BAD_L4] = "bad_l4",
	[HYP_CNT_SCAN_TRUNCATED] = "scan_truncated",
	[HYP_CNT_TELEMETRY_SENT] = "telemetry_events",
	[HYP_CNT_TELEMETRY_LOST] = "telemetry_events_lost",
	[HYP_CNT_ALERT_SENT] = "legacy_alerts",
	[HYP_CNT_ALERT_LOST] = "legacy_alerts_lost",
	[HYP_CNT_NO_RULESET] = "no_ruleset",
	[HYP_CNT_FLOWS_NEW] = "flows_new",
};

const char *hyp_counter_name(unsigned int i)
{
	return i < HYP_CNT_MAX ? counter_names[i] : NULL;
}

struct iface_stats {
	char name[NAME_MAX + 1];
	struct hyp_counters c;
	struct hyp_sig_info *info; /* HYP_MAX_RULES */
	__u64 *hits;		   /* HYP_MAX_RULES, summed over CPUs */
};

static int open_pin(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s", HYP_PIN_ROOT, dir, name);
	return bpf_obj_get(path);
}

static int read_hits(int fd, __u64 *hits)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *per = calloc((size_t)(ncpu > 0 ? ncpu : 1), sizeof(*per));

	if (!per)
		return -ENOMEM;
	for (__u32 id = 0; id < HYP_MAX_RULES; id++) {
		if (bpf_map_lookup_elem(fd, &id, per)) {
			free(per);
			return -errno;
		}
		for (int c = 0; c < ncpu; c++)
			hits[id] += per[c];
	}
	free(per);
	return 0;
}

static int read_iface(struct iface_stats *st)
{
	int cfd = open_pin(st->name, HYP_MAP_COUNTERS), ifd = open_pin(st->name, HYP_MAP_SIG_INFO);
	int hfd = open_pin(st->name, HYP_MAP_SIG_HITS), err = 0;

	st->info = calloc(HYP_MAX_RULES, sizeof(*st->info));
	st->hits = calloc(HYP_MAX_RULES, sizeof(*st->hits));
	if (cfd < 0 || ifd < 0 || hfd < 0)
		err = -errno;
	else if (!st->info || !st->hits)
		err = -ENOMEM;
	else
		err = hyp_read_counters(cfd, &st->c);
	for (__u32 id = 0; !err && id < HYP_MAX_RULES; id++)
		if (bpf_map_lookup_elem(ifd, &id, &st->info[id]))
			err = -errno;
	if (!err)
		err = read_hits(hfd, st->hits);
	for (int *fd = (int[]){ cfd, ifd, hfd }, k = 0; k < 3; k++)
		if (fd[k] >= 0)
			close(fd[k]);
	return err;
}

static const char *const out_names[HYP_OUT_MAX] = { "console", "journald", "syslog" };

/* generated = delivered + suppressed + lost (+ undecodable, always 0). */
static __u64 generated(const struct iface_stats *st, size_t n)
{
	__u64 sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += st[i].c.v[HYP_CNT_TELEMETRY_SENT] + st[i].c.v[HYP_CNT_TELEMETRY_LOST];
	return sum;
}

static void print_agent_text(const struct hyp_agent_stats *a, __u64 gen)
{
	printf("\nevents\n");
	printf("  %-26s %llu\n", "generated", (unsigned long long)gen);
	printf("  %-26s %llu\n", "delivered", (unsigned long long)a->delivered);
	printf("  %-26s %llu\n", "suppressed", (unsigned long long)a->suppressed);
	printf("  %-26s %llu\n", "lost", (unsigned long long)a->kernel_lost);
	printf("  %-26s %llu\n", "undecodable", (unsigned long long)a->undecodable);
	printf("  %-26s %llu\n", "summaries", (unsigned long long)a->summaries);
	printf("  %-26s %llu\n", "loss_reports", (unsigned long long)a->losses);
	for (int i = 0; i < HYP_OUT_MAX; i++)
		printf("  %-26s sent %llu, discarded %llu, queued %llu\n", out_names[i],
		       (unsigned long long)a->out_sent[i], (unsigned long long)a->out_lost[i],
		       (unsigned long long)a->out_queued[i]);
}

static void print_agent_json(const struct hyp_agent_stats *a, __u64 gen)
{
	printf(",\"events\":{\"generated\":%llu,\"delivered\":%llu,\"suppressed\":%llu,"
	       "\"lost\":%llu,\"undecodable\":%llu,\"summaries\":%llu,\"loss_reports\":%llu",
	       (unsigned long long)gen, (unsigned long long)a->delivered,
	       (unsigned long long)a->suppressed, (unsigned long long)a->kernel_lost,
	       (unsigned long long)a->undecodable, (unsigned long long)a->summaries,
	       (unsigned long long)a->losses);
	for (int i = 0; i < HYP_OUT_MAX; i++)
		printf(",\"%s\":{\"sent\":%llu,\"discarded\":%llu,\"queued\":%llu}", out_names[i],
		       (unsigned long long)a->out_sent[i], (unsigned long long)a->out_lost[i],
		       (unsigned long long)a->out_queued[i]);
	/* when the agent took this snapshot (once a second): rates from two */
	printf(",\"updated_ns\":%llu}", (unsigned long long)a->updated_ns);
}

/* The agent's accounting, if it pinned it. */
static int read_agent(struct hyp_agent_stats *a)
{
	int fd = bpf_obj_get(HYP_PIN_ROOT "/" HYP_MAP_AGENT_STATS), err = 0;
	__u32 zero = 0;

	if (fd < 0)
		return -errno;
	if (bpf_map_lookup_elem(fd, &zero, a))
		err = -errno;
	close(fd);
	return err;
}

static void print_text(const struct iface_stats *st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char esc[4 * HYP_SIG_LEN + 1];

		printf("%s%s\n", i ? "\n" : "", st[i].name);
		for (int k = 0; k < HYP_CNT_MAX; k++)
			printf("  %-26s %llu\n", counter_names[k],
			       (unsigned long long)st[i].c.v[k]);
		printf("  %-26s %s\n", "signature", "hits");
		for (__u32 id = 0; id < HYP_MAX_RULES; id++) {
			const struct hyp_sig_info *si = &st[i].info[id];

			if (!si->name[0])
				continue;
			hyp_pattern_escape((const uint8_t *)&si->pattern, si->len, esc,
					   sizeof(esc));
			printf("  %-26s %llu  (\"%s\", %s)\n", si->name,
			       (unsigned long long)st[i].hits[id], esc,
			       si->action == HYP_ACTION_DROP ? "drop" : "alert");
		}
	}
}

/* A JSON string: interface names may hold quotes or backslashes. Signature
 * names are [A-Za-z0-9._-] (config.c) and need none of this. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct iface_stats *st, size_t n)
{
	printf("{\"interfaces\":{");
	for (size_t i = 0; i < n; i++) {
		const char *sep = "";

		printf("%s", i ? "," : "");
		json_str(st[i].name);
		printf(":{\"counters\":{");
		for (int k = 0; k < HYP_CNT_MAX; k++)
			printf("%s\"%s\":%llu", k ? "," : "", counter_names[k],
			       (unsigned long long)st[i].c.v[k]);
		printf("},\"signatures\":{");
		for (__u32 id = 0; id < HYP_MAX_RULES; id++) {
			if (!st[i].info[id].name[0])
				continue;
			printf("%s\"%s\":%llu", sep, st[i].info[id].name,
			       (unsigned long long)st[i].hits[id]);
			sep = ",";
		}
		printf("}}");
	}
	printf("}");
}

int hyp_stats(int json)
{
	struct iface_stats st[HYP_MAX_IFACES];
	DIR *d = opendir(HYP_PIN_ROOT);
	struct dirent *de;
	size_t n = 0;
	int err = 0;

	if (!d) {
		log_err("no running Hyperion: %s: %m", HYP_PIN_ROOT);
		return -ENOENT;
	}
	memset(st, 0, sizeof(st));
	while ((de = readdir(d)) && n < HYP_MAX_IFACES && !err) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		snprintf(st[n].name, sizeof(st[n].name), "%s", de->d_name);
		err = read_iface(&st[n++]);
		if (err)
			log_err("cannot read the maps pinned for %s: %s", de->d_name,
				strerror(-err));
	}
	closedir(d);
	if (!err && !n) {
		log_err("no running Hyperion: nothing pinned under %s", HYP_PIN_ROOT);
		err = -ENOENT;
	}
	if (!err) {
		struct hyp_agent_stats agent;
		int have = !read_agent(&agent);

		(json ? print_json : print_text)(st, n);
		if (have)
			(json ? print_agent_json : print_agent_text)(&agent, generated(st, n));
		if (json)
			printf("}\n");
	}
	for (size_t i = 0; i < n; i++) {
		free(st[i].info);
		free(st[i].hits);
	}
	return err;
}
