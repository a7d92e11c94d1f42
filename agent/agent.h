/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The running agent: configuration, rule set, one XDP instance per
 * interface, and the event loop (run.c).
 */
#ifndef HYPERION_AGENT_H
#define HYPERION_AGENT_H

#include <signal.h>
#include "clock.h"
#include "config.h"
#include "loader.h"
#include "output.h"
#include "ratelimit.h"
#include "ruleset.h"

struct ring_buffer;

/* A thread's scheduling, as sched_getattr(2) gave it. */
struct hyp_sched {
	uint32_t policy;
	uint32_t priority;
	int32_t nice;
};

struct hyp_agent {
	const char *config_path;
	struct hyp_config_file cf;
	struct hyp_ruleset rs;
	size_t ninst;
	struct hyp_instance inst[HYP_MAX_IFACES];
	/* one reader per telemetry ring, read in turn from rb_next, so that a
	 * ring left unread while the outputs are full cannot hold up the
	 * others; the legacy rings share one (their reader never stops) */
	struct ring_buffer *rb[HYP_MAX_IFACES];
	struct ring_buffer *rb_legacy;
	size_t rb_next;
	struct hyp_clock clock;
	struct hyp_outputs outs;
	struct hyp_ratelimit rl;
	struct hyp_agent_stats st; /* pinned as HYP_PIN_ROOT/agent_stats */
	int stats_fd;
	int sigfd, timerfd, epfd;
	int watchdog;
	int draining;		    /* stopping: read the rings whatever the queues hold */
	uint32_t rt_priority;	    /* SCHED_FIFO priority the loop runs at, 0: none */
	struct hyp_sched sched_was; /* the loop's scheduling before that */
	uint64_t lost_reported[2];  /* ring losses already reported, per ring */
};

#define HYP_EXIT_OK	 0
#define HYP_EXIT_FAILURE 1
#define HYP_EXIT_CONFIG	 2 /* bad configuration or usage */

/* Loads the configuration and attaches everywhere; on failure, undoes what
 * it did. Returns HYP_EXIT_*. */
int hyp_agent_start(struct hyp_agent *a, const char *config_path);

/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread, and so in every
 * thread it starts afterwards: the loop reads them from a signalfd. */
void hyp_block_signals(sigset_t *set);

/* Runs until SIGINT or SIGTERM. Returns 0 or a negative errno. */
int hyp_agent_loop(struct hyp_agent *a);

/* Schedules the calling thread, the ring reader, as cf.realtime_priority
 * says (see run.c). */
void hyp_agent_sched(struct hyp_agent *a);
void hyp_agent_stop_loop(struct hyp_agent *a);

/* Detaches from every interface, removes the pins, frees. */
void hyp_agent_shutdown(struct hyp_agent *a);

/* SIGHUP: a valid file replaces the rule set atomically; an invalid one
 * leaves everything as it was. Returns 0 or -1 (logged). */
int hyp_agent_reload(struct hyp_agent *a);

/* Summaries due, ring and output losses, agent_stats: once a second, and
 * with force when stopping or reloading. */
void hyp_agent_report(struct hyp_agent *a, int force);

/* Counters of every instance, summed over CPUs and interfaces. */
int hyp_agent_counters(const struct hyp_agent *a, struct hyp_counters *sum);

/* Sums a per-CPU array element of HYP_CNT_MAX u64 counters. */
int hyp_read_counters(int map_fd, struct hyp_counters *sum);

#endif /* HYPERION_AGENT_H */
