// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include "log.h"

static int max_level = HYP_LOG_INFO;

void hyp_log_set_level(int level)
{
	max_level = level;
}

int hyp_log_level(void)
{
	return max_level;
}

static void __attribute__((format(printf, 2, 0))) vlog(int level, const char *fmt, va_list ap)
{
	static const char *const names[8] = { "emerg",	 "alert",  "crit", "error",
					      "warning", "notice", "info", "debug" };
	char line[1024];
	int n;

	if (level > max_level)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n > 0 && line[(size_t)n < sizeof(line) ? (size_t)n - 1 : sizeof(line) - 2] == '\n')
		line[(size_t)n < sizeof(line) ? (size_t)n - 1 : sizeof(line) - 2] = 0;
	if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>%s\n", level, line);
	else
		fprintf(stderr, "hyperion: %s: %s\n", names[level & 7], line);
}

void hyp_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int ours = level == LIBBPF_WARN ? HYP_LOG_INFO : HYP_LOG_DEBUG;

	vlog(ours, fmt, ap);
	return 0;
}

void hyp_log_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
