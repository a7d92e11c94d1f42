/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What every output must make of any record, checked on the three
 * formatters (console line, RFC 5424, journald fields): NUL-terminated
 * within the buffer, the returned length its length, printable ASCII only,
 * RFC 5424 structured data that parses back to the record's values, and
 * journald fields NAME=value with valid names. Aborts on a violation.
 */
#ifndef HYPERION_FUZZ_CHECK_FORMAT_H
#define HYPERION_FUZZ_CHECK_FORMAT_H

#include "output.h"

/* cap (1..512): also format the console line into a buffer that small. */
void check_formats(const struct hyp_record *r, const struct hyp_syslog_header *h, size_t cap);

#endif /* HYPERION_FUZZ_CHECK_FORMAT_H */
