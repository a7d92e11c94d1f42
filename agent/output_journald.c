// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * journald: one entry per record with structured fields, through
 * sd_journal_sendv() (binary-safe iovecs). It can block while journald is
 * busy (rotation), so it runs in the output's own thread; when journald is
 * away, the worker backs off and the queue absorbs, then discards and
 * counts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-journal.h>
#include "log.h"
#include "output.h"
#include "pattern.h"
#include "strbuf.h"

struct fields {
	struct hyp_journal_entry *e;
	struct strbuf b;
};

/* Appends "NAME=value" to the entry's storage and an iovec for it; a field
 * that does not fit is left out whole. */
static void field(struct fields *f, const char *name, const char *value)
{
	size_t start = f->b.len, need = strlen(name) + 1 + strlen(value) + 1;

	if (f->e->n == HYP_JOURNAL_FIELDS || start + need >= f->b.cap)
		return;
	sb_str(&f->b, name);
	sb_str(&f->b, "=");
	sb_str(&f->b, value);
	f->e->iov[f->e->n++] = (struct iovec){ f->b.p + start, f->b.len - start };
	f->b.len++; /* past the NUL sb_str left, which ends this field */
}

static void field_u64(struct fields *f, const char *name, uint64_t v)
{
	char num[24];
	struct strbuf nb;

	sb_init(&nb, num, sizeof(num));
	sb_u64(&nb, v);
	field(f, name, num);
}

static const char *msgid(const struct hyp_record *r)
{
	if (r->kind == HYP_REC_SUMMARY)
		return HYP_MSGID_SUMMARY;
	if (r->kind == HYP_REC_LOSS)
		return HYP_MSGID_LOSS;
	if (r->ev.type == HYP_EVENT_DROP)
		return HYP_MSGID_DROP;
	return r->ev.type == HYP_EVENT_SIG_MATCH ? HYP_MSGID_SIG_MATCH : HYP_MSGID_ACCEPT;
}

static void signature_fields(struct fields *f, const struct hyp_record *r)
{
	char text[4 * HYP_SIG_LEN + 1], hex[2 * HYP_SIG_LEN + 1];

	if (r->ev.type == HYP_EVENT_ACCEPT)
		return;
	hyp_pattern_escape(r->ev.sig, r->ev.siglen, text, sizeof(text));
	hyp_pattern_hex(r->ev.sig, r->ev.siglen, hex, sizeof(hex));
	field(f, "HYPERION_SIGNATURE", text);
	field(f, "HYPERION_SIGNATURE_HEX", hex);
	if (r->ev.rule)
		field(f, "HYPERION_RULE", r->ev.rule);
	if (r->ev.action >= 0)
		field(f, "HYPERION_ACTION", r->ev.action == HYP_ACTION_DROP ? "drop" : "alert");
}

static void event_fields(struct fields *f, const struct hyp_record *r)
{
	char addr[INET6_ADDRSTRLEN], proto[4], when[HYP_TIME_MAX];
	int af = r->ev.ipv6 ? AF_INET6 : AF_INET;

	field(f, "HYPERION_SRC_ADDR", inet_ntop(af, r->ev.src, addr, sizeof(addr)));
	field_u64(f, "HYPERION_SRC_PORT", r->ev.sport);
	field(f, "HYPERION_DST_ADDR", inet_ntop(af, r->ev.dst, addr, sizeof(addr)));
	field_u64(f, "HYPERION_DST_PORT", r->ev.dport);
	field(f, "HYPERION_PROTOCOL", hyp_proto_name(r->ev.protocol, proto));
	field_u64(f, "HYPERION_PROTOCOL_NUMBER", r->ev.protocol);
	signature_fields(f, r);
	field(f, "HYPERION_INTERFACE", r->ev.ifname ? r->ev.ifname : "");
	field_u64(f, "HYPERION_KTIME_NS", r->ev.ktime);
	field(f, "HYPERION_TIME", hyp_rfc3339(&r->ev.wall, when));
}

void hyp_journal_fields(const struct hyp_record *r, struct hyp_journal_entry *e)
{
	char line[512], when[HYP_TIME_MAX];
	struct fields f = { .e = e };

	e->n = 0;
	sb_init(&f.b, e->buf, sizeof(e->buf));
	hyp_record_line(r, 0, line, sizeof(line));
	field(&f, "MESSAGE", line);
	field_u64(&f, "PRIORITY", (uint64_t)hyp_record_priority(r));
	field(&f, "SYSLOG_IDENTIFIER", "hyperion");
	field(&f, "MESSAGE_ID", msgid(r));
	field(&f, "HYPERION_EVENT", hyp_record_name(r));
	field_u64(&f, "HYPERION_SEQ", r->ev.seq);
	if (r->kind == HYP_REC_EVENT) {
		event_fields(&f, r);
	} else if (r->kind == HYP_REC_SUMMARY) {
		field(&f, "HYPERION_SUMMARY_OF", hyp_ev_type_name(r->ev.type));
		signature_fields(&f, r);
		field(&f, "HYPERION_INTERFACE", r->ev.ifname ? r->ev.ifname : "");
		field_u64(&f, "HYPERION_SUPPRESSED", r->count);
		field(&f, "HYPERION_FIRST_TIME", hyp_rfc3339(&r->first, when));
		field(&f, "HYPERION_LAST_TIME", hyp_rfc3339(&r->last, when));
	} else {
		field(&f, "HYPERION_SOURCE", r->source);
		field_u64(&f, "HYPERION_LOST", r->count);
	}
}

#define BATCH	       64
#define BACKOFF_MAX_MS 5000
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

void *hyp_journald_worker(void *arg)
{
	struct hyp_output *o = arg;
	static __thread struct hyp_record recs[BATCH];
	static __thread struct hyp_journal_entry e;
	int backoff = 0;
	size_t n;

	while ((n = hyp_queue_pop(&o->q, recs, BATCH, -1))) {
		/* sd_journal_sendv() reports success when journald's socket does
		 * not exist at all: that is "away" too */
		int absent = access(JOURNAL_SOCKET, F_OK) ? -ENOENT : 0;

		for (size_t i = 0; i < n; i++) {
			int err = absent;

			hyp_journal_fields(&recs[i], &e);
			if (!err)
				err = sd_journal_sendv(e.iov, (int)e.n);
			if (!err) {
				__atomic_fetch_add(&o->sent, 1, __ATOMIC_RELAXED);
				__atomic_store_n(&o->down, 0, __ATOMIC_RELAXED);
				backoff = 0;
				continue;
			}
			__atomic_fetch_add(&o->failed, 1, __ATOMIC_RELAXED);
			if (!__atomic_exchange_n(&o->down, 1, __ATOMIC_RELAXED))
				log_warning(
					"journald does not take entries (%s); retrying with backoff",
					strerror(-err));
			backoff = backoff ? backoff * 2 : 50;
			if (backoff > BACKOFF_MAX_MS)
				backoff = BACKOFF_MAX_MS;
			if (hyp_queue_sleep(&o->q, backoff)) {
				/* stopping: the rest of the batch is lost, counted */
				__atomic_fetch_add(&o->failed, n - i - 1, __ATOMIC_RELAXED);
				return NULL;
			}
		}
	}
	return NULL;
}
