// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "pattern.h"
#include "record.h"
#include "strbuf.h"

static void copy(char *to, size_t cap, const char *from)
{
	struct strbuf b;

	sb_init(&b, to, cap);
	sb_str(&b, from);
}

/* Field by field: the event loop fills one record per event, and clearing
 * all of it first would write twice the bytes it needs. */
void hyp_record_fill(struct hyp_record *r)
{
	r->kind = HYP_REC_EVENT;
	r->rule[0] = r->ifname[0] = r->source[0] = 0;
	if (r->ev.rule)
		copy(r->rule, sizeof(r->rule), r->ev.rule);
	if (r->ev.ifname)
		copy(r->ifname, sizeof(r->ifname), r->ev.ifname);
	r->count = 0;
	r->first = r->last = (struct timespec){ 0 };
	hyp_record_fix(r);
}

void hyp_record_event(struct hyp_record *r, const struct hyp_ev *ev)
{
	r->ev = *ev;
	hyp_record_fill(r);
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

/* The seconds part of a timestamp, formatted once per second and thread:
 * gmtime_r and strftime cost more than the rest of a message. */
static const char *rfc3339_secs(time_t secs)
{
	static __thread struct {
		time_t secs;
		int valid;
		char s[HYP_TIME_MAX];
	} c;
	struct tm tm;

	if (c.valid && c.secs == secs)
		return c.s;
	if (!gmtime_r(&secs, &tm)) /* a year beyond int: only from a forged record */
		memset(&tm, 0, sizeof(tm));
	if (!strftime(c.s, sizeof(c.s) - 9, "%Y-%m-%dT%H:%M:%S", &tm))
		c.s[0] = 0;
	c.secs = secs;
	c.valid = 1;
	return c.s;
}

const char *hyp_rfc3339(const struct timespec *ts, char *buf)
{
	size_t n = strlen(rfc3339_secs(ts->tv_sec));
	long us = ts->tv_nsec / 1000;

	memcpy(buf, rfc3339_secs(ts->tv_sec), n);
	if (us < 0 || us > 999999) { /* only from a forged record */
		snprintf(buf + n, HYP_TIME_MAX - n, ".%06ldZ", us);
		return buf;
	}
	buf[n++] = '.';
	for (int i = 5; i >= 0; i--, us /= 10)
		buf[n + (size_t)i] = (char)('0' + us % 10);
	memcpy(buf + n + 6, "Z", 2);
	return buf;
}

struct fields {
	struct hyp_field *f;
	size_t n;
};

static char *add(struct fields *fs, const char *journal, const char *sd)
{
	struct hyp_field *f = &fs->f[fs->n++];

	f->journal = journal;
	f->sd = sd;
	f->value[0] = 0;
	return f->value;
}

static void add_str(struct fields *fs, const char *journal, const char *sd, const char *v)
{
	copy(add(fs, journal, sd), sizeof(fs->f->value), v);
}

static void add_u64(struct fields *fs, const char *journal, const char *sd, uint64_t v)
{
	struct strbuf b;

	sb_init(&b, add(fs, journal, sd), sizeof(fs->f->value));
	sb_u64(&b, v);
}

_Static_assert(sizeof(((struct hyp_field *)0)->value) >= INET6_ADDRSTRLEN, "hyp_addr's buffer");

static void add_addr(struct fields *fs, const char *journal, const char *sd, int ipv6,
		     const uint8_t *a)
{
	hyp_addr(ipv6, a, add(fs, journal, sd));
}

static void add_time(struct fields *fs, const char *journal, const char *sd,
		     const struct timespec *ts)
{
	hyp_rfc3339(ts, add(fs, journal, sd));
}

/* Signature, hex, rule and action; nothing for an ACCEPT. */
static void add_signature(struct fields *fs, const struct hyp_record *r)
{
	if (r->ev.type == HYP_EVENT_ACCEPT)
		return;
	hyp_pattern_escape(r->ev.sig, r->ev.siglen, add(fs, "SIGNATURE", "sig"),
			   sizeof(fs->f->value));
	hyp_pattern_hex(r->ev.sig, r->ev.siglen, add(fs, "SIGNATURE_HEX", "sighex"),
			sizeof(fs->f->value));
	if (r->ev.rule)
		add_str(fs, "RULE", "rule", r->ev.rule);
	if (r->ev.action >= 0)
		add_str(fs, "ACTION", "action", r->ev.action == HYP_ACTION_DROP ? "drop" : "alert");
}

size_t hyp_record_fields(const struct hyp_record *r, struct hyp_field *f)
{
	struct fields fs = { f, 0 };
	char proto[4];

	if (r->kind == HYP_REC_LOSS) {
		add_str(&fs, "SOURCE", "source", r->source);
		add_u64(&fs, "LOST", "lost", r->count);
		return fs.n;
	}
	/* journald has the record's kind in HYPERION_EVENT already */
	add_str(&fs, r->kind == HYP_REC_SUMMARY ? "SUMMARY_OF" : NULL, "type",
		hyp_ev_type_name(r->ev.type));
	if (r->kind == HYP_REC_EVENT) {
		add_addr(&fs, "SRC_ADDR", "src", r->ev.ipv6, r->ev.src);
		add_u64(&fs, "SRC_PORT", "sport", r->ev.sport);
		add_addr(&fs, "DST_ADDR", "dst", r->ev.ipv6, r->ev.dst);
		add_u64(&fs, "DST_PORT", "dport", r->ev.dport);
		add_str(&fs, "PROTOCOL", "proto", hyp_proto_name(r->ev.protocol, proto));
		add_u64(&fs, "PROTOCOL_NUMBER", "protonum", r->ev.protocol);
	}
	add_signature(&fs, r);
	add_str(&fs, "INTERFACE", "iface", r->ev.ifname ? r->ev.ifname : "");
	if (r->kind == HYP_REC_SUMMARY) {
		add_u64(&fs, "SUPPRESSED", "suppressed", r->count);
		add_time(&fs, "FIRST_TIME", "first", &r->first);
		add_time(&fs, "LAST_TIME", "last", &r->last);
	} else {
		add_u64(&fs, "KTIME_NS", "ktime", r->ev.ktime);
		add_time(&fs, "TIME", "time", &r->ev.wall);
	}
	return fs.n;
}
