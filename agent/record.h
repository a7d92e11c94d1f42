/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the outputs are given: an event, a summary of events held back by
 * the rate limit, or a loss report. Self-contained (names are copied), so a
 * record can wait in an output's queue across a reload.
 */
#ifndef HYPERION_RECORD_H
#define HYPERION_RECORD_H

#include <net/if.h>
#include "events.h"

#define HYP_REC_EVENT	0
#define HYP_REC_SUMMARY 1 /* ev: the type and signature summarised */
#define HYP_REC_LOSS	2

struct hyp_record {
	struct hyp_ev ev;	     /* ev.rule and ev.ifname point into this record */
	char rule[HYP_SIG_NAME_MAX]; /* empty: unknown */
	char ifname[IF_NAMESIZE];
	uint8_t kind;	       /* HYP_REC_* */
	uint64_t count;	       /* SUMMARY: events suppressed; LOSS: events lost */
	struct timespec first; /* SUMMARY: first and last suppressed event */
	struct timespec last;
	char source[24]; /* LOSS: telemetry_ringbuf, alert_ringbuf, journald, syslog */
};

/* Fills r from ev (copying its names); kind HYP_REC_EVENT. */
void hyp_record_event(struct hyp_record *r, const struct hyp_ev *ev);

/* The same for an event decoded into r->ev in place (its names still
 * pointing elsewhere). */
void hyp_record_fill(struct hyp_record *r);

/* Points r->ev.rule and r->ev.ifname at r's own copies (after a copy). */
static inline void hyp_record_fix(struct hyp_record *r)
{
	r->ev.rule = r->rule[0] ? r->rule : NULL;
	r->ev.ifname = r->ifname;
}

/* "ACCEPT", "DROP", "SIG_MATCH", "SUMMARY" or "LOSS". */
const char *hyp_record_name(const struct hyp_record *r);

/* syslog(3) severity: ACCEPT 6, DROP 5, SIG_MATCH 4, SUMMARY 5, LOSS 4. */
int hyp_record_priority(const struct hyp_record *r);

/* One field of a record, as both journald (HYPERION_<journal>) and RFC 5424
 * structured data (<sd>="...") carry it; a NULL name: not in that output. */
struct hyp_field {
	const char *journal;
	const char *sd;
	char value[HYP_SIG_NAME_MAX + 8]; /* printable ASCII */
};

#define HYP_FIELDS_MAX 16

/* The fields of r, in the order the outputs write them. Returns how many. */
size_t hyp_record_fields(const struct hyp_record *r, struct hyp_field *f);

/* "2026-05-25T11:42:03.123456Z": RFC 3339, UTC, exactly 6 fractional
 * digits. buf needs HYP_TIME_MAX bytes. */
#define HYP_TIME_MAX 32
const char *hyp_rfc3339(const struct timespec *ts, char *buf);

#endif /* HYPERION_RECORD_H */
