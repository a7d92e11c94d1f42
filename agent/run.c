// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `hyperion run`: load, attach, then one epoll loop over the rings of every
 * interface, a signalfd (SIGINT, SIGTERM, SIGHUP) and a one-second timerfd
 * (clock calibration, watchdog, loss reports). Nothing in the loop blocks;
 * idle, it sleeps in epoll_wait.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <systemd/sd-daemon.h>
#include "agent.h"
#include "hyperion.skel.h"
#include "log.h"
#include "output.h"

struct ring_ctx {
	struct hyp_agent *a;
	size_t inst;
	int legacy;
};

static struct ring_ctx ring_ctxs[HYP_MAX_IFACES][2];

static void deliver(void *ctx, struct hyp_record *r)
{
	struct hyp_agent *a = ctx;

	if (r->kind == HYP_REC_SUMMARY)
		a->st.summaries++;
	else if (r->kind == HYP_REC_LOSS)
		a->st.losses++;
	hyp_outputs_emit(&a->outs, r);
}

static int on_telemetry(void *ctx, void *data, size_t size)
{
	struct ring_ctx *rc = ctx;
	struct hyp_agent *a = rc->a;
	/* decoded where the outputs will read it; left unsent if suppressed */
	struct hyp_record *r = hyp_outputs_next(&a->outs);
	struct hyp_ev *ev = &r->ev;
	int ri = -1;

	a->st.received++;
	if (hyp_ev_decode(data, size, ev)) {
		a->st.undecodable++;
		return 0;
	}
	ev->ifname = a->inst[rc->inst].ifname;
	ev->wall = hyp_clock_wall(&a->clock, ev->ktime);
	if (ev->type != HYP_EVENT_ACCEPT) {
		ri = hyp_ruleset_find(&a->rs, ev->sig, ev->protocol, ev->dport);
		if (ri >= 0) {
			ev->rule = a->rs.names[ri];
			ev->action = a->rs.rules[ri].action;
			ev->siglen = a->rs.rules[ri].len;
		}
	}
	if (!hyp_rl_admit(&a->rl, ev, ri, ev->ktime)) {
		a->st.suppressed++;
		return 0;
	}
	a->st.delivered++;
	hyp_record_fill(r);
	hyp_outputs_emit_next(&a->outs);
	/* every queue full: leave the rest in the ring (see hyp_agent_loop) */
	return a->draining || hyp_outputs_room(&a->outs) ? 0 : -ENOBUFS;
}

/* Legacy records are drained so the ring does not stay full; the kernel's
 * legacy_alerts counter already counts them. */
static int on_legacy(void *ctx, void *data, size_t size)
{
	return 0;
}

static int setup_rings(struct hyp_agent *a)
{
	for (size_t i = 0; i < a->ninst; i++) {
		struct hyperion_bpf *skel = a->inst[i].skel;
		int err;

		ring_ctxs[i][0] = (struct ring_ctx){ a, i, 0 };
		ring_ctxs[i][1] = (struct ring_ctx){ a, i, 1 };
		a->rb[i] = ring_buffer__new(bpf_map__fd(skel->maps.telemetry_ringbuf), on_telemetry,
					    &ring_ctxs[i][0], NULL);
		err = a->rb[i] ? 0 : -errno;
		if (!err && !a->rb_legacy) {
			a->rb_legacy = ring_buffer__new(bpf_map__fd(skel->maps.alert_ringbuf),
							on_legacy, &ring_ctxs[i][1], NULL);
			err = a->rb_legacy ? 0 : -errno;
		} else if (!err) {
			err = ring_buffer__add(a->rb_legacy, bpf_map__fd(skel->maps.alert_ringbuf),
					       on_legacy, &ring_ctxs[i][1]);
		}
		if (err) {
			log_err("cannot read the event rings: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}

void hyp_block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

static int epoll_add(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static int setup_loop(struct hyp_agent *a)
{
	struct itimerspec tick = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	sigset_t set;

	hyp_block_signals(&set);
	a->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	a->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	a->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (a->sigfd < 0 || a->timerfd < 0 || a->epfd < 0 ||
	    timerfd_settime(a->timerfd, 0, &tick, NULL))
		return -errno;
	if (epoll_add(a->epfd, a->sigfd) || epoll_add(a->epfd, a->timerfd) ||
	    epoll_add(a->epfd, ring_buffer__epoll_fd(a->rb_legacy)))
		return -errno;
	for (size_t i = 0; i < a->ninst; i++)
		if (epoll_add(a->epfd, ring_buffer__epoll_fd(a->rb[i])))
			return -errno;
	return 0;
}

/* Events the kernel could not put in a full ring, since the last report,
 * as LOSS records. */
static void report_ring_losses(struct hyp_agent *a, const struct hyp_counters *sum,
			       const struct timespec *now)
{
	static const int counters[2] = { HYP_CNT_TELEMETRY_LOST, HYP_CNT_ALERT_LOST };
	static const char *const rings[2] = { HYP_MAP_TELEMETRY, HYP_MAP_ALERT };

	for (int i = 0; i < 2; i++) {
		uint64_t lost = sum->v[counters[i]];
		struct hyp_record r;

		if (lost <= a->lost_reported[i])
			continue;
		memset(&r, 0, sizeof(r));
		r.kind = HYP_REC_LOSS;
		r.count = lost - a->lost_reported[i];
		r.ev.wall = *now;
		snprintf(r.source, sizeof(r.source), "%s", rings[i]);
		hyp_record_fix(&r);
		log_warning("%llu events lost: %s was full", (unsigned long long)r.count, rings[i]);
		a->lost_reported[i] = lost;
		deliver(a, &r);
	}
}

static void write_stats(struct hyp_agent *a, const struct hyp_counters *sum)
{
	__u32 zero = 0;

	a->st.kernel_lost = sum->v[HYP_CNT_TELEMETRY_LOST];
	hyp_outputs_stats(&a->outs, a->st.out_sent, a->st.out_lost, a->st.out_queued);
	a->st.updated_ns = hyp_mono_ns();
	if (a->stats_fd >= 0)
		bpf_map_update_elem(a->stats_fd, &zero, &a->st, BPF_ANY);
}

void hyp_agent_report(struct hyp_agent *a, int force)
{
	struct timespec now;
	struct hyp_counters sum;
	int err;

	clock_gettime(CLOCK_REALTIME, &now);
	hyp_rl_summaries(&a->rl, hyp_mono_ns(), force, deliver, a);
	err = hyp_agent_counters(a, &sum);
	if (!err)
		report_ring_losses(a, &sum, &now);
	hyp_outputs_report_losses(&a->outs, &now);
	hyp_outputs_flush(&a->outs); /* before the stats count what is queued */
	if (!err)
		write_stats(a, &sum);
	hyp_outputs_save_seq(&a->outs);
}

static void on_tick(struct hyp_agent *a)
{
	uint64_t expirations;

	while (read(a->timerfd, &expirations, sizeof(expirations)) > 0)
		;
	hyp_clock_refresh(&a->clock);
	hyp_agent_report(a, 0);
	if (a->watchdog)
		sd_notify(0, "WATCHDOG=1");
}

/* Returns 1 when the agent should stop. */
static int on_signal(struct hyp_agent *a)
{
	struct signalfd_siginfo si;
	int stop = 0;

	while (read(a->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			hyp_agent_reload(a);
		else
			stop = 1;
	}
	return stop;
}

/*
 * Events arrive one by one, and the kernel wakes the loop for the first of
 * every burst: under load that would be a wake-up (two context switches,
 * dear with this CPU's mitigations) for every few events. So after
 * reading some, the loop hands them over and sleeps a moment while the
 * ring fills: 1 ms, 200 events at 200k events/s, while the 64 KB ring
 * holds 1365. After a larger read the pause is shorter, so that a burst
 * (a sender catching up) still finds the ring no more than a fifth full.
 *
 * When every output's queue is full, the loop stops reading (on_telemetry
 * returns -ENOBUFS) and waits for them: what the outputs cannot take then
 * stays in the ring, and the kernel refuses and counts new events at no
 * cost, rather than the loop reading, decoding and discarding them while
 * the output threads wait for the CPU it uses.
 */
#define LINGER_NS     1000000L
#define LINGER_EVENTS 256
#define SLICE_NS      100000 /* the shortest the kernel accepts */

static void linger(struct hyp_agent *a, int n)
{
	struct timespec ts = { 0, LINGER_NS };

	hyp_outputs_flush(&a->outs);
	if (n > LINGER_EVENTS)
		ts.tv_nsec = LINGER_NS * LINGER_EVENTS / n;
	nanosleep(&ts, NULL);
}

struct sched_attr_v1 {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};

#define SCHED_FLAG_RESET_ON_FORK 0x01 /* nothing this thread starts inherits it */

static int set_sched(uint32_t policy, uint32_t priority, int32_t nice, uint64_t runtime)
{
	struct sched_attr_v1 attr = { .size = sizeof(attr),
				      .policy = policy,
				      .flags = SCHED_FLAG_RESET_ON_FORK,
				      .nice = nice,
				      .priority = priority,
				      .runtime = runtime };

	return syscall(SYS_sched_setattr, 0, &attr, 0) ? -errno : 0;
}

/* Back to how the reader was scheduled before it was made real-time (or
 * never was): a policy set from outside as it was, the default one with
 * its nice value and the short slice. Returns 0 or a negative errno. */
static int sched_restore(struct hyp_agent *a)
{
	const struct hyp_sched *was = &a->sched_was;

	if (was->policy != SCHED_OTHER)
		return a->rt_priority ? set_sched(was->policy, was->priority, was->nice, 0) : 0;
	return set_sched(SCHED_OTHER, 0, was->nice, SLICE_NS);
}

/*
 * How the thread that reads the rings is scheduled (it calls this; the
 * threads it starts do not inherit a real-time policy: RESET_ON_FORK).
 *
 * By default, a hint (Linux 6.12 and later, EEVDF): it runs in short
 * bursts and should get the CPU soon after it wakes, before the 64 KB ring
 * fills. A short slice gives it an earlier deadline than the output threads
 * and receivers it shares the CPU with, at no cost in priority. Older
 * kernels ignore it; a seccomp filter may refuse it (EPERM). A policy set
 * from outside (chrt, CPUSchedulingPolicy=) is left alone, and its nice
 * value is kept.
 *
 * On a host whose CPUs are busy, a fair scheduler can still leave it
 * waiting for milliseconds: at 300k events/s the ring holds 4.5 ms. With
 * events.realtime_priority N it runs SCHED_FIFO at priority N instead,
 * and was on the CPU within 0.13 ms of its timer (7 ms without) under
 * make bench's rsyslogd sweep. It sleeps between
 * reads and stops reading while the output queues are full, so it cannot
 * keep a CPU to itself. The service must allow it (CAP_SYS_NICE,
 * RestrictRealtime=no); refused, it is scheduled as before and says why.
 * Set back to 0, it gets back what it had.
 */
void hyp_agent_sched(struct hyp_agent *a)
{
	uint32_t want = a->cf.realtime_priority;
	struct sched_attr_v1 now = { .policy = SCHED_OTHER };
	int err;

	if (!a->rt_priority) { /* what it has now is what to give back */
		if (syscall(SYS_sched_getattr, 0, &now, sizeof(now), 0))
			now = (struct sched_attr_v1){ .policy = SCHED_OTHER };
		a->sched_was = (struct hyp_sched){ now.policy, now.priority, now.nice };
	}
	if (want) {
		err = set_sched(SCHED_FIFO, want, 0, 0);
		if (!err) {
			if (a->rt_priority != want)
				log_info("the event ring reader runs SCHED_FIFO at priority %u",
					 want);
			a->rt_priority = want;
			return;
		}
		log_warning("events.realtime_priority %u: the scheduler refuses (%s); the service "
			    "needs CAP_SYS_NICE and RestrictRealtime=no",
			    want, strerror(-err));
	}
	err = sched_restore(a);
	if (err && a->rt_priority) {
		log_warning("the event ring reader stays SCHED_FIFO at priority %u: %s",
			    a->rt_priority, strerror(-err));
		return;
	}
	if (err)
		log_debug("no short scheduler slice for the event loop: %s", strerror(-err));
	else if (a->rt_priority)
		log_info("the event ring reader is scheduled as before again");
	a->rt_priority = 0;
}

/*
 * Reads the rings: the legacy ones, then the telemetry rings in turn from
 * a->rb_next. A ring whose reader stops (-ENOBUFS: every output queue is
 * full) ends the pass, and the next pass starts after it, so every
 * interface gets its turn. Returns the events read, or -ENOBUFS.
 */
static int consume(struct hyp_agent *a)
{
	int total = 0;

	if (a->rb_legacy)
		ring_buffer__consume(a->rb_legacy);
	for (size_t k = 0; k < a->ninst; k++) {
		size_t i = (a->rb_next + k) % a->ninst;
		int n = a->rb[i] ? ring_buffer__consume(a->rb[i]) : 0;

		if (n == -ENOBUFS) {
			a->rb_next = (i + 1) % a->ninst;
			return -ENOBUFS;
		}
		if (n > 0)
			total += n;
	}
	return total;
}

int hyp_agent_loop(struct hyp_agent *a)
{
	int err = setup_rings(a);
	uint64_t usec;

	if (!err)
		err = setup_loop(a);
	if (err) {
		log_err("cannot set up the event loop: %s", strerror(-err));
		return err;
	}
	hyp_agent_sched(a);
	a->watchdog = sd_watchdog_enabled(0, &usec) > 0;
	sd_notify(0, "READY=1");
	log_info("running: %zu interface(s), %zu signature(s)", a->ninst, a->rs.n);
	for (;;) {
		struct epoll_event evs[8];
		int n = epoll_wait(a->epfd, evs, 8, -1);

		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %m");
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == a->sigfd && on_signal(a))
				return 0;
			if (evs[i].data.fd == a->timerfd)
				on_tick(a);
		}
		n = consume(a);
		if (n > 0 || n == -ENOBUFS)
			linger(a, n);
	}
}

void hyp_agent_stop_loop(struct hyp_agent *a)
{
	sd_notify(0, "STOPPING=1");
	a->draining = 1; /* what is left is read, and a full queue counts it */
	consume(a);	 /* what is already in the rings */
	hyp_agent_report(a, 1);
	fflush(stdout);
	for (size_t i = 0; i < a->ninst; i++) {
		ring_buffer__free(a->rb[i]);
		a->rb[i] = NULL;
	}
	ring_buffer__free(a->rb_legacy);
	a->rb_legacy = NULL;
	if (a->epfd >= 0)
		close(a->epfd);
	if (a->sigfd >= 0)
		close(a->sigfd);
	if (a->timerfd >= 0)
		close(a->timerfd);
	a->epfd = a->sigfd = a->timerfd = -1;
}
