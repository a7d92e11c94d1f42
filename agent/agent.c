// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <systemd/sd-daemon.h>
#include "agent.h"
#include "hyperion.skel.h"
#include "log.h"
#include "output.h"

/* Interfaces are not checked here: one missing at boot is a runtime
 * failure (exit 1, which systemd retries), found when attaching; only
 * check-config reports it as a configuration error. */
static int load_config(const char *path, struct hyp_config_file *cf)
{
	struct hyp_config_error err, warn = { { 0 } };

	if (hyp_config_load(path, 0, cf, &err, &warn)) {
		log_err("%s", err.msg);
		return -EINVAL;
	}
	if (warn.msg[0])
		log_warning("%s", warn.msg);
	return 0;
}

static void apply_settings(struct hyp_agent *a)
{
	hyp_log_set_level(a->cf.log_level);
}

/* HYP_PIN_ROOT/agent_stats: the agent's accounting for `hyperion stats`. */
static int pin_agent_stats(struct hyp_agent *a)
{
	char path[] = HYP_PIN_ROOT "/" HYP_MAP_AGENT_STATS;

	a->stats_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, HYP_MAP_AGENT_STATS, sizeof(__u32),
				     sizeof(struct hyp_agent_stats), 1, NULL);
	if (a->stats_fd < 0) {
		log_err("cannot create the agent_stats map: %m");
		return -errno;
	}
	unlink(path);
	if (bpf_obj_pin(a->stats_fd, path)) {
		log_err("cannot pin %s: %m", path);
		return -errno;
	}
	return 0;
}

static int attach_all(struct hyp_agent *a)
{
	int err = hyp_bpffs_ensure();

	for (size_t i = 0; i < a->cf.nifaces && !err; i++) {
		err = hyp_instance_open(&a->inst[i], &a->cf.ifaces[i], a->cf.flow_table_size);
		a->ninst = i + 1;
	}
	if (!err)
		err = pin_agent_stats(a);
	if (!err)
		err = hyp_ruleset_apply(a->inst, a->ninst, &a->rs);
	for (size_t i = 0; i < a->ninst && !err; i++)
		err = hyp_instance_attach(&a->inst[i]);
	return err;
}

int hyp_agent_start(struct hyp_agent *a, const char *config_path)
{
	struct hyp_config_error err;
	sigset_t set;

	memset(a, 0, sizeof(*a));
	a->sigfd = a->timerfd = a->epfd = a->stats_fd = -1;
	hyp_block_signals(&set); /* before the output threads exist */
	a->config_path = config_path;
	hyp_log_libbpf();
	if (load_config(config_path, &a->cf))
		return HYP_EXIT_CONFIG;
	if (!a->cf.nifaces) {
		log_err("%s lists no interfaces, so there is nothing to filter; name one under "
			"'interfaces:' (see hyperion.yaml(5))",
			config_path);
		hyp_config_free(&a->cf);
		return HYP_EXIT_CONFIG;
	}
	apply_settings(a);
	if (hyp_ruleset_build(&a->rs, &a->cf, NULL, &err)) {
		log_err("%s: %s", config_path, err.msg);
		hyp_config_free(&a->cf);
		return HYP_EXIT_CONFIG;
	}
	hyp_clock_calibrate(&a->clock);
	if (hyp_rl_init(&a->rl, &a->cf.ratelimit, a->rs.n, hyp_mono_ns()) ||
	    hyp_outputs_start(&a->outs, &a->cf) || attach_all(a)) {
		hyp_agent_shutdown(a);
		return HYP_EXIT_FAILURE;
	}
	apply_settings(a);
	return HYP_EXIT_OK;
}

void hyp_agent_shutdown(struct hyp_agent *a)
{
	hyp_outputs_stop(&a->outs);
	for (size_t i = 0; i < a->ninst; i++)
		hyp_instance_close(&a->inst[i]);
	a->ninst = 0;
	if (a->stats_fd >= 0) {
		unlink(HYP_PIN_ROOT "/" HYP_MAP_AGENT_STATS);
		rmdir(HYP_PIN_ROOT);
		close(a->stats_fd);
		a->stats_fd = -1;
	}
	hyp_rl_free(&a->rl);
	hyp_ruleset_free(&a->rs);
	hyp_config_free(&a->cf);
}

/* What a reload cannot change without detaching: said, not applied. */
static void warn_restart_only(const struct hyp_config_file *old, const struct hyp_config_file *new)
{
	int same = old->nifaces == new->nifaces && old->flow_table_size == new->flow_table_size;

	for (size_t i = 0; same && i < old->nifaces; i++)
		same = !strcmp(old->ifaces[i].name, new->ifaces[i].name) &&
		       old->ifaces[i].mode == new->ifaces[i].mode;
	if (!same)
		log_warning("interfaces and flow_table_size changes take effect at the next "
			    "restart; the running filter keeps its interfaces");
}

static void restart_outputs(struct hyp_agent *a)
{
	if (!hyp_outputs_changed(&a->outs, &a->cf))
		return;
	hyp_outputs_stop(&a->outs);
	if (hyp_outputs_start(&a->outs, &a->cf))
		log_err("the new outputs could not start; events go to the console only");
}

static void notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)ts.tv_sec * 1000000ULL +
			   (unsigned long long)ts.tv_nsec / 1000);
}

int hyp_agent_reload(struct hyp_agent *a)
{
	struct hyp_config_file cf = { 0 };
	struct hyp_config_error err;
	struct hyp_ruleset rs;
	uint64_t t0 = hyp_mono_ns();
	int rc = -1;

	notify_reloading();
	if (load_config(a->config_path, &cf)) {
		log_err("reload refused; the running rules stay in place");
		goto out;
	}
	if (hyp_ruleset_build(&rs, &cf, &a->rs, &err)) {
		log_err("%s: %s; reload refused, the running rules stay in place", a->config_path,
			err.msg);
		hyp_config_free(&cf);
		goto out;
	}
	if (hyp_ruleset_apply(a->inst, a->ninst, &rs)) {
		log_err("reload failed; the running rules stay in place");
		hyp_ruleset_free(&rs);
		hyp_config_free(&cf);
		goto out;
	}
	warn_restart_only(&a->cf, &cf);
	cf.flow_table_size = a->cf.flow_table_size;
	memcpy(cf.ifaces, a->cf.ifaces, sizeof(cf.ifaces));
	cf.nifaces = a->cf.nifaces;
	hyp_agent_report(a, 1); /* summaries of the old buckets, under the old names */
	hyp_rl_free(&a->rl);
	hyp_ruleset_free(&a->rs);
	hyp_config_free(&a->cf);
	a->rs = rs;
	a->cf = cf;
	if (hyp_rl_init(&a->rl, &a->cf.ratelimit, a->rs.n, hyp_mono_ns()))
		log_err("out of memory for the rate limiter; events are not limited");
	restart_outputs(a);
	apply_settings(a);
	if (a->cf.realtime_priority != a->rt_priority)
		hyp_agent_sched(a);
	log_info("reloaded %s: %zu signature(s) in %.1f ms", a->config_path, a->rs.n,
		 (double)(hyp_mono_ns() - t0) / 1e6);
	rc = 0;
out:
	sd_notify(0, "READY=1");
	return rc;
}

int hyp_read_counters(int map_fd, struct hyp_counters *sum)
{
	int n = libbpf_num_possible_cpus();
	struct hyp_counters *per;
	__u32 zero = 0;

	if (n <= 0)
		return n ? n : -EINVAL;
	per = calloc((size_t)n, sizeof(*per));
	if (!per)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &zero, per)) {
		free(per);
		return -errno;
	}
	for (int c = 0; c < n; c++)
		for (int i = 0; i < HYP_CNT_MAX; i++)
			sum->v[i] += per[c].v[i];
	free(per);
	return 0;
}

int hyp_agent_counters(const struct hyp_agent *a, struct hyp_counters *sum)
{
	int err = 0;

	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < a->ninst && !err; i++)
		err = hyp_read_counters(bpf_map__fd(a->inst[i].skel->maps.counters), sum);
	return err;
}
