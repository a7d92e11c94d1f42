/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The agent's own messages: one printf-checked entry point, syslog levels.
 * Lines go to stderr; under systemd (JOURNAL_STREAM set) each carries a
 * <N> level prefix that journald turns into PRIORITY.
 */
#ifndef HYPERION_LOG_H
#define HYPERION_LOG_H

#include "config.h"

void hyp_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hyp_log_set_level(int level);
int hyp_log_level(void);

/* Routes libbpf's messages through hyp_log, one level lower than libbpf's
 * own (its warnings become info, its info debug). */
void hyp_log_libbpf(void);

#define log_err(...)	 hyp_log(HYP_LOG_ERR, __VA_ARGS__)
#define log_warning(...) hyp_log(HYP_LOG_WARNING, __VA_ARGS__)
#define log_info(...)	 hyp_log(HYP_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	 hyp_log(HYP_LOG_DEBUG, __VA_ARGS__)

#endif /* HYPERION_LOG_H */
