// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "clock.h"

#define SAMPLES 8

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

uint64_t hyp_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ns_of(&ts);
}

void hyp_clock_calibrate(struct hyp_clock *c)
{
	int64_t best = INT64_MAX;

	for (int i = 0; i < SAMPLES; i++) {
		struct timespec m0, r, m1;
		int64_t w;

		clock_gettime(CLOCK_MONOTONIC, &m0);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &m1);
		w = ns_of(&m1) - ns_of(&m0);
		if (w < best) {
			best = w;
			c->offset_ns = ns_of(&r) - (ns_of(&m0) + w / 2);
			c->taken_mono = (uint64_t)ns_of(&m1);
		}
	}
	c->window_ns = best;
}

void hyp_clock_refresh(struct hyp_clock *c)
{
	if (hyp_mono_ns() - c->taken_mono >= HYP_CLOCK_RECALIBRATE_NS)
		hyp_clock_calibrate(c);
}

struct timespec hyp_clock_wall(const struct hyp_clock *c, uint64_t mono_ns)
{
	/* Wrapping unsigned sum: a record with an absurd timestamp (never the
	 * kernel's) must not make the addition undefined. */
	int64_t ns = (int64_t)(mono_ns + (uint64_t)c->offset_ns);
	struct timespec ts = { .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };

	if (ts.tv_nsec < 0) {
		ts.tv_nsec += 1000000000LL;
		ts.tv_sec--;
	}
	return ts;
}
