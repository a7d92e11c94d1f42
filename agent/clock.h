/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kernel event timestamps (bpf_ktime_get_ns(), CLOCK_MONOTONIC) to wall
 * clock time. The offset between CLOCK_REALTIME and CLOCK_MONOTONIC is
 * taken from the tightest of several paired readings, and taken again
 * periodically so that NTP steps are followed. Unlike /proc/uptime (10 ms
 * resolution, counts suspend) this is exact to a few microseconds.
 */
#ifndef HYPERION_CLOCK_H
#define HYPERION_CLOCK_H

#include <stdint.h>
#include <time.h>

struct hyp_clock {
	int64_t offset_ns;   /* realtime - monotonic */
	int64_t window_ns;   /* width of the reading it came from */
	uint64_t taken_mono; /* when, in CLOCK_MONOTONIC ns */
};

#define HYP_CLOCK_RECALIBRATE_NS 1000000000ULL /* once a second */

uint64_t hyp_mono_ns(void);
void hyp_clock_calibrate(struct hyp_clock *c);
/* Recalibrates if the last calibration is older than the period. */
void hyp_clock_refresh(struct hyp_clock *c);
struct timespec hyp_clock_wall(const struct hyp_clock *c, uint64_t mono_ns);

#endif /* HYPERION_CLOCK_H */
