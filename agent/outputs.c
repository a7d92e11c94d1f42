// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The set of outputs: numbering records, handing them to the console
 * (directly) and to the queues of journald and syslog, and the accounting
 * of what each could not deliver.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "log.h"
#include "output.h"

static const char *const out_names[HYP_OUT_MAX] = { "console", "journald", "syslog" };

/* The last sequence number of this boot, so numbering carries on across
 * agent restarts (HYP_SEQ_FILE lives on a tmpfs cleared at boot). */
static const char *seq_file(const struct hyp_outputs *o)
{
	return o->seq_file ? o->seq_file : HYP_SEQ_FILE;
}

static uint64_t load_seq(const struct hyp_outputs *o)
{
	unsigned long long v = 0;
	FILE *f = fopen(seq_file(o), "re");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* Written beside the file and renamed over it: an agent killed while
 * writing leaves the old number, never an empty file (numbering from 1). */
void hyp_outputs_save_seq(struct hyp_outputs *o)
{
	char tmp[PATH_MAX];
	FILE *f;
	int err;

	if (o->seq == o->seq_saved)
		return; /* an idle agent does not write every second */
	if (snprintf(tmp, sizeof(tmp), "%s.new", seq_file(o)) >= (int)sizeof(tmp))
		return;
	f = fopen(tmp, "we");
	if (!f)
		return; /* no /run/hyperion: numbering restarts with the agent */
	fprintf(f, "%llu\n", (unsigned long long)o->seq);
	err = fclose(f);
	if (!err && !rename(tmp, seq_file(o)))
		o->seq_saved = o->seq;
	else
		unlink(tmp);
}

static void syslog_header(struct hyp_output *o, const struct hyp_syslog_config *c)
{
	o->sl = *c;
	o->hdr.facility = c->facility;
	o->hdr.pid = (unsigned long)getpid();
	o->hdr.pen = c->enterprise_id;
	if (c->hostname[0])
		snprintf(o->hdr.hostname, sizeof(o->hdr.hostname), "%s", c->hostname);
	else if (gethostname(o->hdr.hostname, sizeof(o->hdr.hostname) - 1))
		o->hdr.hostname[0] = 0;
	for (char *p = o->hdr.hostname; *p; p++) /* RFC 5424: PRINTUSASCII */
		if (*p <= ' ' || *p > '~')
			*p = '_';
}

static int start_worker(struct hyp_output *o, size_t queue, void *(*worker)(void *))
{
	int err = hyp_queue_init(&o->q, queue);

	/* started by the ring reader, it does not inherit its real-time policy
	 * (events.realtime_priority): that is set with SCHED_FLAG_RESET_ON_FORK */
	if (!err)
		err = -pthread_create(&o->thread, NULL, worker, o);
	if (err) {
		log_err("cannot start the %s output: %s", out_names[o->kind], strerror(-err));
		hyp_queue_destroy(&o->q);
		return err;
	}
	o->started = 1;
	return 0;
}

/*
 * The console output, unless standard output is the journal and the
 * journald output is on: under systemd each event would be in the journal
 * twice, once with its fields and once as a plain line.
 */
static int console_wanted(const struct hyp_config_file *cf)
{
	return cf->console.enabled && !(cf->journald.enabled && hyp_fd_is_journal(STDOUT_FILENO));
}

int hyp_outputs_start(struct hyp_outputs *o, const struct hyp_config_file *cf)
{
	int err = 0, started = 0;

	memset(o->out, 0, sizeof(o->out));
	o->direct = NULL;
	o->next = NULL;
	o->npending = o->nspilled = 0;
	if (!o->seq)
		o->seq = o->seq_saved = load_seq(o);
	for (int i = 0; i < HYP_OUT_MAX; i++)
		o->out[i].kind = i;
	o->out[HYP_OUT_CONSOLE].enabled = console_wanted(cf);
	if (cf->console.enabled && !o->out[HYP_OUT_CONSOLE].enabled)
		log_info("console output off: standard output is the journal, which the journald "
			 "output already writes every event to");
	o->out[HYP_OUT_CONSOLE].color = hyp_console_use_color(cf->console.color, stdout);
	o->console_color = cf->console.color;
	o->out[HYP_OUT_JOURNALD].enabled = cf->journald.enabled;
	o->journald_queue = cf->journald.queue_size;
	o->out[HYP_OUT_SYSLOG].enabled = cf->syslog.enabled;
	syslog_header(&o->out[HYP_OUT_SYSLOG], &cf->syslog);
	if (o->out[HYP_OUT_CONSOLE].enabled)
		err = start_worker(&o->out[HYP_OUT_CONSOLE], HYP_CONSOLE_QUEUE, hyp_console_worker);
	if (!err && cf->journald.enabled)
		err = start_worker(&o->out[HYP_OUT_JOURNALD], cf->journald.queue_size,
				   hyp_journald_worker);
	if (!err && cf->syslog.enabled)
		err = start_worker(&o->out[HYP_OUT_SYSLOG], cf->syslog.queue_size,
				   hyp_syslog_worker);
	if (err) {
		hyp_outputs_stop(o);
		return err;
	}
	for (int i = 0; i < HYP_OUT_MAX; i++)
		started += o->out[i].started;
	for (int i = 0; i < HYP_OUT_MAX && started == 1; i++)
		if (o->out[i].started)
			o->direct = &o->out[i].q;
	return 0;
}

static uint64_t lost_of(struct hyp_output *out)
{
	if (!out->started)
		return out->lost_final;
	return hyp_queue_dropped(&out->q) + __atomic_load_n(&out->failed, __ATOMIC_RELAXED);
}

void hyp_outputs_stop(struct hyp_outputs *o)
{
	hyp_outputs_flush(o);
	o->direct = NULL; /* its queue goes with its thread */
	o->next = NULL;
	for (int i = 0; i < HYP_OUT_MAX; i++) {
		struct hyp_output *out = &o->out[i];
		uint64_t until = hyp_mono_ns() + 1000000000ULL;

		if (!out->started)
			continue;
		while (hyp_queue_len(&out->q) && hyp_mono_ns() < until)
			usleep(5000); /* let the worker drain what is queued */
		hyp_queue_close(&out->q);
		pthread_join(out->thread, NULL);
		/* what the receiver never took is lost, and counted */
		__atomic_fetch_add(&out->failed, hyp_queue_discard(&out->q), __ATOMIC_RELAXED);
		out->lost_final = lost_of(out);
		out->started = 0;
		hyp_queue_destroy(&out->q);
	}
	fflush(stdout);
	hyp_outputs_save_seq(o);
}

int hyp_outputs_changed(const struct hyp_outputs *o, const struct hyp_config_file *cf)
{
	const struct hyp_syslog_config *sl = &o->out[HYP_OUT_SYSLOG].sl;

	return o->out[HYP_OUT_CONSOLE].enabled != console_wanted(cf) ||
	       o->console_color != cf->console.color ||
	       o->out[HYP_OUT_JOURNALD].enabled != cf->journald.enabled ||
	       o->journald_queue != cf->journald.queue_size ||
	       o->out[HYP_OUT_SYSLOG].enabled != cf->syslog.enabled ||
	       (cf->syslog.enabled && memcmp(sl, &cf->syslog, sizeof(*sl)));
}

size_t hyp_outputs_room(struct hyp_outputs *o)
{
	size_t room = 0, started = 0;

	for (int i = 0; i < HYP_OUT_MAX; i++) {
		struct hyp_queue *q = &o->out[i].q;
		size_t used = hyp_queue_len(q) + o->npending;

		if (!o->out[i].started)
			continue;
		started++;
		if (used < q->cap && q->cap - used > room)
			room = q->cap - used;
	}
	return started ? room : SIZE_MAX;
}

void hyp_outputs_flush(struct hyp_outputs *o)
{
	if (o->direct) {
		hyp_queue_commit(o->direct, o->npending, o->nspilled);
		o->npending = o->nspilled = 0;
		return;
	}
	for (int i = 0; o->npending && i < HYP_OUT_MAX; i++)
		if (o->out[i].started) /* a full queue counts the drops */
			hyp_queue_push_many(&o->out[i].q, o->pending, o->npending);
	o->npending = 0;
}

void hyp_outputs_emit_next(struct hyp_outputs *o)
{
	if (!o->direct)
		o->pending[o->npending++].ev.seq = ++o->seq;
	else if (o->next == &o->spill) { /* numbered, then dropped, as push_many would */
		++o->seq;
		o->nspilled++;
	} else {
		o->next->ev.seq = ++o->seq;
		hyp_record_fix(o->next); /* the consumer reads it in place */
		o->npending++;
	}
	if (o->npending + o->nspilled == HYP_EMIT_BATCH)
		hyp_outputs_flush(o);
}

void hyp_outputs_emit(struct hyp_outputs *o, const struct hyp_record *r)
{
	*hyp_outputs_next(o) = *r; /* its names' pointers are fixed when queued */
	hyp_outputs_emit_next(o);
}

void hyp_outputs_report_losses(struct hyp_outputs *o, const struct timespec *now)
{
	hyp_outputs_flush(o); /* so that its drops are counted now */
	for (int i = 0; i < HYP_OUT_MAX; i++) {
		struct hyp_output *out = &o->out[i];
		uint64_t lost = lost_of(out);
		struct hyp_record r;

		if (lost == out->lost_reported || __atomic_load_n(&out->down, __ATOMIC_RELAXED))
			continue;
		memset(&r, 0, sizeof(r));
		r.kind = HYP_REC_LOSS;
		r.count = lost - out->lost_reported;
		r.ev.wall = *now;
		snprintf(r.source, sizeof(r.source), "%s", out_names[i]);
		hyp_record_fix(&r);
		log_warning("%s output: %llu message(s) discarded while the receiver was away or "
			    "slow",
			    out_names[i], (unsigned long long)r.count);
		out->lost_reported = lost;
		hyp_outputs_emit(o, &r);
	}
}

void hyp_outputs_stats(struct hyp_outputs *o, __u64 *sent, __u64 *lost, __u64 *queued)
{
	for (int i = 0; i < HYP_OUT_MAX; i++) {
		struct hyp_output *out = &o->out[i];

		sent[i] = __atomic_load_n(&out->sent, __ATOMIC_RELAXED);
		lost[i] = lost_of(out);
		queued[i] = out->started ? hyp_queue_len(&out->q) : 0;
	}
}
