/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Minimal TAP producer for Hyperion's C tests. tests/run-tests.sh reads the
 * "ok" / "not ok" / "# SKIP" lines of every suite and prints the summary.
 */
#ifndef HYPERION_TAP_H
#define HYPERION_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

static inline void __attribute__((format(printf, 3, 0)))
tap_vline(int pass, const char *skip, const char *fmt, va_list ap)
{
	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	vprintf(fmt, ap);
	if (skip)
		printf(" # SKIP %s", skip);
	printf("\n");
	fflush(stdout);
	if (!pass)
		tap_failed++;
}

/* One test point; returns cond so callers can stop early on failure. */
static inline int __attribute__((format(printf, 2, 3))) ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(cond, NULL, fmt, ap);
	va_end(ap);
	return cond;
}

static inline void __attribute__((format(printf, 2, 3))) skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(1, why, fmt, ap);
	va_end(ap);
}

/* Diagnostic lines, shown by the runner with the failing test. */
static inline void __attribute__((format(printf, 1, 2))) diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* HYPERION_TAP_H */
