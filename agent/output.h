/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where events go: the console, journald and RFC 5424 syslog, any or all of
 * them. The event loop hands every record to hyp_outputs_emit(); each
 * output has a thread and a bounded queue, so a slow or absent receiver
 * never blocks the loop: what cannot wait is discarded, counted, and
 * reported in a LOSS record once the receiver is back.
 */
#ifndef HYPERION_OUTPUT_H
#define HYPERION_OUTPUT_H

#include <pthread.h>
#include <stdio.h>
#include <sys/uio.h>
#include "config.h"
#include "queue.h"
#include "record.h"

/* journald MESSAGE_ID per kind of message; conf/hyperion.catalog explains
 * each to `journalctl -x`. */
#define HYP_MSGID_ACCEPT    "00e5fed29c264e00a736674eaace6932"
#define HYP_MSGID_DROP	    "db4ccac0957340509d1e27b1273bdade"
#define HYP_MSGID_SIG_MATCH "d8b8201bb9f54e028fdeced90b59b357"
#define HYP_MSGID_SUMMARY   "b34faab1591a4aca867bd8ea6c48e7c7" /* rate-limited events */
#define HYP_MSGID_LOSS	    "60fba674f10f453c97cfeb53fa2c60a9" /* events lost */

/* ---- Formatting: pure functions ----------------------------------------- */

/* The console line of the telemetry specification's demo, one event:
 * "[YYYY-MM-DD HH:MM:SS] TYPE SRC:PORT -> DST:PORT PROTO" and, for DROP and
 * SIG_MATCH, ' sig="..."' with every non-printable byte escaped (local
 * time). color adds ANSI colours to TYPE. Returns the length (no newline). */
size_t hyp_console_line(const struct hyp_ev *ev, int color, char *buf, size_t cap);

/* The line of any record: events as above; summaries and loss reports as
 * "[...] SUMMARY DROP sig="hack" suppressed=N first=T last=T" and
 * "[...] LOSS source=S lost=N". Printable ASCII only. */
size_t hyp_record_line(const struct hyp_record *r, int color, char *buf, size_t cap);

/* Whether to colour: HYP_COLOR_ALWAYS, or AUTO on a terminal without
 * NO_COLOR in the environment. */
int hyp_console_use_color(int setting, FILE *f);

/* Whether fd is the stream systemd connects a service's output to the
 * journal with: the device and inode that JOURNAL_STREAM names
 * (systemd.exec(5)). */
int hyp_fd_is_journal(int fd);

struct hyp_syslog_header {
	int facility;	    /* 0..23 */
	char hostname[256]; /* printable ASCII, no spaces */
	unsigned long pid;
	uint32_t pen; /* SD-ID hyperion@pen */
};

#define HYP_SYSLOG_MAX 2048 /* longest message formatted */

/* One RFC 5424 message for r, without framing. Returns its length. */
size_t hyp_rfc5424(const struct hyp_record *r, const struct hyp_syslog_header *h, char *buf,
		   size_t cap);

#define HYP_JOURNAL_FIELDS 24

struct hyp_journal_entry {
	struct iovec iov[HYP_JOURNAL_FIELDS];
	size_t n;
	char buf[2048];
};

/* The journald fields of r ("FIELD=value" each), for sd_journal_sendv. */
void hyp_journal_fields(const struct hyp_record *r, struct hyp_journal_entry *e);

/* ---- The outputs ------------------------------------------------------- */

struct hyp_output {
	int kind; /* HYP_OUT_* */
	int enabled;
	int color; /* console: ANSI colours */
	struct hyp_queue q;
	pthread_t thread;
	int started;
	uint64_t sent;		/* messages handed over (worker thread) */
	uint64_t failed;	/* messages the receiver did not take (worker thread) */
	int down;		/* the receiver is away (worker thread) */
	uint64_t lost_reported; /* queue drops + failures already reported */
	uint64_t lost_final;	/* all of them, once stopped */
	struct hyp_syslog_config sl;
	struct hyp_syslog_header hdr;
};

/* Records hyp_outputs_emit() collects before handing them to the queues,
 * so a burst from the ring costs each queue one hand-over and one wake-up. */
#define HYP_EMIT_BATCH 128

struct hyp_outputs {
	struct hyp_output out[HYP_OUT_MAX];
	/* With one output, its queue (direct): records are written in its
	 * slots and published a batch at a time; npending counts them, and
	 * nspilled those that found the queue full (written to spill and
	 * counted as drops). With several, the batch collects in pending[]
	 * and is copied to each queue. */
	struct hyp_queue *direct;
	struct hyp_record *next; /* where hyp_outputs_next() pointed, with direct */
	struct hyp_record spill;
	size_t nspilled;
	struct hyp_record pending[HYP_EMIT_BATCH];
	size_t npending;
	int console_color; /* HYP_COLOR_* it was started with */
	uint32_t journald_queue;
	uint64_t seq;	      /* per-boot sequence of delivered records */
	const char *seq_file; /* where seq is kept across restarts; NULL: HYP_SEQ_FILE */
	uint64_t seq_saved;   /* seq as the file last had it */
};

/* Starts the outputs cf enables. Returns 0 or a negative errno, logged. */
int hyp_outputs_start(struct hyp_outputs *o, const struct hyp_config_file *cf);

/* Drains the queues (up to a second) and stops the threads. */
void hyp_outputs_stop(struct hyp_outputs *o);

/* Writes the last sequence number to the sequence file, if it changed:
 * when the outputs stop, and once a second meanwhile, so that after a crash
 * numbering goes on from at most a second back. */
void hyp_outputs_save_seq(struct hyp_outputs *o);

/* Whether cf would change the running outputs (a reload restarts them). */
int hyp_outputs_changed(const struct hyp_outputs *o, const struct hyp_config_file *cf);

/* Gives a numbered copy of r (its ev.seq set) to every enabled output:
 * collected in a batch, handed over when the batch is full or on
 * hyp_outputs_flush(). */
void hyp_outputs_emit(struct hyp_outputs *o, const struct hyp_record *r);

/* The place of the next record: filled there and given away with
 * hyp_outputs_emit_next(), it costs one copy fewer (the event loop's path
 * for every event), two with a single output. */
static inline struct hyp_record *hyp_outputs_next(struct hyp_outputs *o)
{
	if (!o->direct)
		return &o->pending[o->npending];
	o->next = hyp_queue_slot(o->direct, o->npending);
	if (!o->next)
		o->next = &o->spill;
	return o->next;
}

/* hyp_outputs_emit() of the record at hyp_outputs_next(). */
void hyp_outputs_emit_next(struct hyp_outputs *o);

/* Records the emptiest queue can still take (SIZE_MAX: no output). */
size_t hyp_outputs_room(struct hyp_outputs *o);

/* Hands the collected batch to the queues (a full queue counts the drops). */
void hyp_outputs_flush(struct hyp_outputs *o);

/* Emits a LOSS record for each output that discarded messages since the
 * last report and whose receiver is back. */
void hyp_outputs_report_losses(struct hyp_outputs *o, const struct timespec *now);

/* Sent, lost and queued per output, for agent_stats. */
void hyp_outputs_stats(struct hyp_outputs *o, __u64 *sent, __u64 *lost, __u64 *queued);

/* Workers, one per output (output_console.c, output_journald.c,
 * output_syslog.c). Even the console has one: standard output may be a
 * pipe that a busy journald stops reading. */
#define HYP_CONSOLE_QUEUE 8192
void *hyp_console_worker(void *output);
void *hyp_journald_worker(void *output);
void *hyp_syslog_worker(void *output);

/* Per-boot sequence numbers persist here across agent restarts. */
#define HYP_SEQ_FILE "/run/hyperion/sequence"

#endif /* HYPERION_OUTPUT_H */
