// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * journald: one entry per record with structured fields, through
 * sd_journal_sendv() (binary-safe iovecs). It can block while journald is
 * busy (rotation), so it runs in the output's own thread; when journald is
 * away, the worker backs off and the queue absorbs, then discards and
 * counts.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-journal.h>
#include "log.h"
#include "output.h"
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

void hyp_journal_fields(const struct hyp_record *r, struct hyp_journal_entry *e)
{
	struct hyp_field rf[HYP_FIELDS_MAX];
	size_t n = hyp_record_fields(r, rf);
	struct fields f = { .e = e };
	char line[512], name[64];

	e->n = 0;
	sb_init(&f.b, e->buf, sizeof(e->buf));
	hyp_record_line(r, 0, line, sizeof(line));
	field(&f, "MESSAGE", line);
	field_u64(&f, "PRIORITY", (uint64_t)hyp_record_priority(r));
	field(&f, "SYSLOG_IDENTIFIER", "hyperion");
	field(&f, "MESSAGE_ID", msgid(r));
	field(&f, "HYPERION_EVENT", hyp_record_name(r));
	field_u64(&f, "HYPERION_SEQ", r->ev.seq);
	for (size_t i = 0; i < n; i++) {
		if (!rf[i].journal)
			continue;
		snprintf(name, sizeof(name), "HYPERION_%s", rf[i].journal);
		field(&f, name, rf[i].value);
	}
}

#define BATCH	       64
#define BACKOFF_MAX_MS 5000
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* Errors that say journald is away or behind, not that the entry is bad:
 * the entry waits and is sent again. */
static int journald_away(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED || err == -EAGAIN || err == -ENOBUFS ||
	       err == -ENOTCONN || err == -ECONNRESET;
}

/* sd_journal_sendv() reports success when journald's socket does not exist
 * at all: that is "away" too. Returns -ENOENT then, else 0. */
static int journald_absent(void)
{
	return access(JOURNAL_SOCKET, F_OK) ? -ENOENT : 0;
}

void *hyp_journald_worker(void *arg)
{
	struct hyp_output *o = arg;
	static __thread struct hyp_journal_entry e;
	const struct hyp_record *recs;
	int backoff = 0;
	size_t n, refused = 0;

	while ((n = hyp_queue_peek(&o->q, &recs, BATCH, -1))) {
		int absent = journald_absent();

		for (size_t i = 0; i < n;) {
			int err = absent;

			hyp_journal_fields(&recs[i], &e);
			if (!err)
				err = sd_journal_sendv(e.iov, (int)e.n);
			if (!err) {
				__atomic_fetch_add(&o->sent, 1, __ATOMIC_RELAXED);
				__atomic_store_n(&o->down, 0, __ATOMIC_RELAXED);
				backoff = 0;
				i++;
				continue;
			}
			if (!journald_away(err)) { /* this entry, not journald: lost */
				__atomic_fetch_add(&o->failed, 1, __ATOMIC_RELAXED);
				if (!refused++)
					log_warning("journald refused an entry (%s); such entries "
						    "are counted lost",
						    strerror(-err));
				i++;
				continue;
			}
			if (!__atomic_exchange_n(&o->down, 1, __ATOMIC_RELAXED))
				log_warning(
					"journald does not take entries (%s); retrying with backoff",
					strerror(-err));
			backoff = backoff ? backoff * 2 : 50;
			if (backoff > BACKOFF_MAX_MS)
				backoff = BACKOFF_MAX_MS;
			/* the entry and the rest of the batch wait in the queue
			 * (up to BATCH slots fewer for new records, whose drops
			 * are counted), and the entry is sent again */
			if (hyp_queue_sleep(&o->q, backoff)) {
				/* stopping: the rest stays queued, and the stopper
				 * counts it lost */
				hyp_queue_release(&o->q, i);
				return NULL;
			}
			absent = journald_absent();
		}
		hyp_queue_release(&o->q, n);
		hyp_queue_linger(&o->q, BATCH);
	}
	return NULL;
}
