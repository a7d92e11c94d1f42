/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef HYPERION_STATS_H
#define HYPERION_STATS_H

/* Prints the running agent's counters and hits; 0 or a negative errno. */
int hyp_stats(int json);

/* The user-facing name of counter HYP_CNT_*, NULL past the end. */
const char *hyp_counter_name(unsigned int i);

#endif /* HYPERION_STATS_H */
