// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "record.h"

void hyp_record_fix(struct hyp_record *r)
{
	r->ev.rule = r->rule[0] ? r->rule : NULL;
	r->ev.ifname = r->ifname;
}

void hyp_record_event(struct hyp_record *r, const struct hyp_ev *ev)
{
	memset(r, 0, sizeof(*r));
	r->ev = *ev;
	r->kind = HYP_REC_EVENT;
	if (ev->rule)
		snprintf(r->rule, sizeof(r->rule), "%s", ev->rule);
	if (ev->ifname)
		snprintf(r->ifname, sizeof(r->ifname), "%s", ev->ifname);
	hyp_record_fix(r);
}

const char *hyp_record_name(const struct hyp_record *r)
{
	if (r->kind == HYP_REC_SUMMARY)
		return "SUMMARY";
	if (r->kind == HYP_REC_LOSS)
		return "LOSS";
	return hyp_ev_type_name(r->ev.type);
}

int hyp_record_priority(const struct hyp_record *r)
{
	if (r->kind == HYP_REC_SUMMARY)
		return 5;
	if (r->kind == HYP_REC_LOSS)
		return 4;
	switch (r->ev.type) {
	case HYP_EVENT_DROP:
		return 5;
	case HYP_EVENT_SIG_MATCH:
		return 4;
	}
	return 6;
}

const char *hyp_rfc3339(const struct timespec *ts, char *buf)
{
	time_t secs = ts->tv_sec;
	struct tm tm;
	size_t n;

	if (!gmtime_r(&secs, &tm)) /* a year beyond int: only from a forged record */
		memset(&tm, 0, sizeof(tm));
	n = strftime(buf, HYP_TIME_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, HYP_TIME_MAX - n, ".%06ldZ", (long)(ts->tv_nsec / 1000));
	return buf;
}
