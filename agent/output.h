/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where events go. Each output formats and writes an event without
 * blocking the ring-buffer loop for long; what it cannot deliver it counts.
 */
#ifndef HYPERION_OUTPUT_H
#define HYPERION_OUTPUT_H

#include <stdio.h>
#include "events.h"

/* The console line of the telemetry specification's demo, one event:
 * "[YYYY-MM-DD HH:MM:SS] TYPE SRC:PORT -> DST:PORT PROTO" and, for DROP and
 * SIG_MATCH, ' sig="..."' with every non-printable byte escaped (local
 * time). color adds ANSI colours to TYPE. Returns the length (no newline). */
size_t hyp_console_line(const struct hyp_ev *ev, int color, char *buf, size_t cap);

/* Whether to colour: HYP_COLOR_ALWAYS, or AUTO on a terminal without
 * NO_COLOR in the environment. */
int hyp_console_use_color(int setting, FILE *f);

#endif /* HYPERION_OUTPUT_H */
