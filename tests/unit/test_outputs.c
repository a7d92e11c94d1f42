// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The outputs' pure parts: the RFC 5424 message and the journald fields of
 * every kind of record, byte for byte; the rate limiter's arithmetic; the
 * bounded queue. And the outputs started for real from a configuration
 * (syslog to a UDP socket of the test's own, the console to /dev/null):
 * which queue the event loop writes into, and the sequence file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "config.h"
#include "output.h"
#include "ratelimit.h"
#include "tap.h"
#include "testev.h"

static struct hyp_record event(__u8 type, const char *sig, size_t siglen)
{
	struct hyp_ev ev =
		test_ev4(type, "\xc6\x12\x00\x01", 40000, "\xc6\x12\x00\x02", 80, 6, sig, siglen);
	struct hyp_record r;

	ev.ktime = 123456789;
	ev.wall.tv_sec = 1779709323; /* 2026-05-25 11:42:03 UTC */
	ev.wall.tv_nsec = 5000;	     /* .000005: six digits, leading zeros */
	ev.rule = type == HYP_EVENT_ACCEPT ? NULL : "web-hack";
	ev.action = type == HYP_EVENT_ACCEPT ? -1 : HYP_ACTION_DROP;
	ev.ifname = "eth0";
	ev.seq = 42;
	hyp_record_event(&r, &ev);
	/* r is returned by copy: point at the literals, not into this frame */
	r.ev.rule = ev.rule;
	r.ev.ifname = ev.ifname;
	return r;
}

static const struct hyp_syslog_header hdr = {
	.facility = 16, .hostname = "sensor-1", .pid = 4321, .pen = 32473
};

static void is(const char *got, const char *want, const char *what)
{
	if (!ok(!strcmp(got, want), "%s", what))
		diag("got  %s\n# want %s", got, want);
}

static void test_rfc5424(void)
{
	char buf[HYP_SYSLOG_MAX];
	struct hyp_record r = event(HYP_EVENT_DROP, "hack", 4);

	hyp_rfc5424(&r, &hdr, buf, sizeof(buf));
	is(buf,
	   "<133>1 2026-05-25T11:42:03.000005Z sensor-1 hyperion 4321 DROP [hyperion@32473 "
	   "type=\"DROP\" src=\"198.18.0.1\" sport=\"40000\" dst=\"198.18.0.2\" dport=\"80\" "
	   "proto=\"TCP\" protonum=\"6\" sig=\"hack\" sighex=\"6861636b\" rule=\"web-hack\" "
	   "action=\"drop\" iface=\"eth0\" ktime=\"123456789\" time=\"2026-05-25T11:42:03.000005Z\"]"
	   "[meta sequenceId=\"42\"] [2026-05-25 11:42:03] DROP 198.18.0.1:40000 -> 198.18.0.2:80 "
	   "TCP sig=\"hack\"",
	   "RFC 5424 DROP: PRI local0.notice, 6-digit UTC time, SD, sequenceId, console MSG");
	r = event(HYP_EVENT_ACCEPT, "", 0);
	hyp_rfc5424(&r, &hdr, buf, sizeof(buf));
	ok(!strncmp(buf, "<134>1 ", 7) && strstr(buf, " ACCEPT [hyperion@32473 type=\"ACCEPT\" ") &&
		   !strstr(buf, "sig="),
	   "ACCEPT: local0.info, no signature parameters");
	r = event(HYP_EVENT_SIG_MATCH, "a\"]\\\n\0\xff", 7);
	hyp_rfc5424(&r, &hdr, buf, sizeof(buf));
	ok(!strncmp(buf, "<132>1 ", 7) &&
		   strstr(buf,
			  " sig=\"a\\\\\\\"\\]\\\\\\\\\\\\x0a\\\\x00\\\\xff\" sighex=\"61225d5c0a00ff\" "),
	   "hostile bytes: '\"', ']' and '\\' escaped per RFC 5424 over the printable form");
	ok(!strchr(buf, '\n') && !memchr(buf, 0, strlen(buf)), "no byte breaks the message");
}

static void test_summary_loss(void)
{
	char buf[HYP_SYSLOG_MAX];
	struct hyp_record r = event(HYP_EVENT_DROP, "hack", 4);

	r.kind = HYP_REC_SUMMARY;
	r.count = 1234;
	r.first = r.ev.wall;
	r.last = (struct timespec){ 1779709325, 999999000 };
	hyp_rfc5424(&r, &hdr, buf, sizeof(buf));
	ok(strstr(buf, "<133>1 ") == buf &&
		   strstr(buf, " SUMMARY [hyperion@32473 type=\"DROP\" "
			       "sig=\"hack\"") &&
		   strstr(buf, " suppressed=\"1234\" first=\"2026-05-25T11:42:03.000005Z\" "
			       "last=\"2026-05-25T11:42:05.999999Z\"]"),
	   "SUMMARY: type, signature, count, first and last time");
	hyp_record_line(&r, 0, buf, sizeof(buf));
	is(buf + 22,
	   "SUMMARY DROP sig=\"hack\" suppressed=1234 first=2026-05-25T11:42:03.000005Z "
	   "last=2026-05-25T11:42:05.999999Z",
	   "SUMMARY line");
	memset(&r, 0, sizeof(r));
	r.kind = HYP_REC_LOSS;
	r.count = 7;
	strcpy(r.source, "telemetry_ringbuf");
	hyp_record_fix(&r);
	hyp_rfc5424(&r, &hdr, buf, sizeof(buf));
	ok(strstr(buf, "<132>1 ") == buf &&
		   strstr(buf, " LOSS [hyperion@32473 source=\"telemetry_ringbuf\" lost=\"7\"]"),
	   "LOSS: source and count, local0.warning");
}

static const char *jfield(const struct hyp_journal_entry *e, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < e->n; i++)
		if (e->iov[i].iov_len > n && !memcmp(e->iov[i].iov_base, name, n) &&
		    ((char *)e->iov[i].iov_base)[n] == '=')
			return (char *)e->iov[i].iov_base + n + 1;
	return "(absent)";
}

static void test_journald(void)
{
	static struct hyp_journal_entry e;
	struct hyp_record r = event(HYP_EVENT_DROP, "\x00\"k", 3);
	static const char *const want[][2] = {
		{ "PRIORITY", "5" },
		{ "SYSLOG_IDENTIFIER", "hyperion" },
		{ "MESSAGE_ID", HYP_MSGID_DROP },
		{ "HYPERION_EVENT", "DROP" },
		{ "HYPERION_SEQ", "42" },
		{ "HYPERION_SRC_ADDR", "198.18.0.1" },
		{ "HYPERION_SRC_PORT", "40000" },
		{ "HYPERION_DST_ADDR", "198.18.0.2" },
		{ "HYPERION_DST_PORT", "80" },
		{ "HYPERION_PROTOCOL", "TCP" },
		{ "HYPERION_PROTOCOL_NUMBER", "6" },
		{ "HYPERION_SIGNATURE", "\\x00\\\"k" },
		{ "HYPERION_SIGNATURE_HEX", "00226b" },
		{ "HYPERION_RULE", "web-hack" },
		{ "HYPERION_ACTION", "drop" },
		{ "HYPERION_INTERFACE", "eth0" },
		{ "HYPERION_KTIME_NS", "123456789" },
		{ "HYPERION_TIME", "2026-05-25T11:42:03.000005Z" },
	};
	int good = 1;

	hyp_journal_fields(&r, &e);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strcmp(jfield(&e, want[i][0]), want[i][1])) {
			diag("%s=%s, want %s", want[i][0], jfield(&e, want[i][0]), want[i][1]);
			good = 0;
		}
	ok(good, "journald DROP: every field, exact");
	ok(e.n == 19 && !strncmp(jfield(&e, "MESSAGE"), "[", 1) &&
		   strstr(jfield(&e, "MESSAGE"),
			  " DROP 198.18.0.1:40000 -> 198.18.0.2:80 TCP sig="),
	   "MESSAGE is the console line; 19 fields");
	r = event(HYP_EVENT_ACCEPT, "", 0);
	hyp_journal_fields(&r, &e);
	ok(!strcmp(jfield(&e, "PRIORITY"), "6") &&
		   !strcmp(jfield(&e, "MESSAGE_ID"), HYP_MSGID_ACCEPT) &&
		   !strcmp(jfield(&e, "HYPERION_SIGNATURE"), "(absent)"),
	   "journald ACCEPT: info, its MESSAGE_ID, no signature fields");
	r = event(HYP_EVENT_SIG_MATCH, "x", 1);
	hyp_journal_fields(&r, &e);
	ok(!strcmp(jfield(&e, "PRIORITY"), "4") &&
		   !strcmp(jfield(&e, "MESSAGE_ID"), HYP_MSGID_SIG_MATCH),
	   "journald SIG_MATCH: warning, its MESSAGE_ID");
}

static void test_ratelimit(void)
{
	struct hyp_ratelimit_config cfg = { .rate = 10, .burst = 5, .summary_interval = 2 };
	struct hyp_record r = event(HYP_EVENT_DROP, "hack", 4);
	struct hyp_ratelimit rl;
	int admitted = 0;
	__u64 t = 1000000000ULL, count = 0;

	hyp_rl_init(&rl, &cfg, 3, t);
	for (int i = 0; i < 100; i++)
		admitted += hyp_rl_admit(&rl, &r.ev, 1, t);
	ok(admitted == 5, "a burst of 5 passes, then nothing (%d)", admitted);
	t += 500000000ULL; /* 0.5 s at 10/s: 5 tokens */
	admitted = 0;
	for (int i = 0; i < 100; i++)
		admitted += hyp_rl_admit(&rl, &r.ev, 1, t);
	ok(admitted == 5, "refilled at the rate (%d)", admitted);
	ok(hyp_rl_admit(&rl, &r.ev, 2, t) == 1, "another signature has its own bucket");
	r.ev.type = HYP_EVENT_SIG_MATCH;
	ok(hyp_rl_admit(&rl, &r.ev, 1, t) == 1, "another event type has its own bucket");
	t += 2000000000ULL;
	hyp_rl_free(&rl);
	hyp_rl_init(&rl, &cfg, 3, t);
	for (int i = 0; i < 7; i++)
		hyp_rl_admit(&rl, &r.ev, 0, t);
	count = rl.b[(HYP_EVENT_SIG_MATCH % 3) * 4 + 0].suppressed;
	ok(count == 2, "suppressed events are counted per bucket (%llu)",
	   (unsigned long long)count);
	hyp_rl_free(&rl);
	cfg.rate = 0;
	hyp_rl_init(&rl, &cfg, 3, t);
	admitted = 0;
	for (int i = 0; i < 1000; i++)
		admitted += hyp_rl_admit(&rl, &r.ev, 0, t);
	ok(admitted == 1000, "rate 0: unlimited");
	hyp_rl_free(&rl);
}

struct collected {
	int n;
	__u64 total;
	struct timespec first, last;
};

static void collect(void *ctx, struct hyp_record *r)
{
	struct collected *c = ctx;

	c->n++;
	c->total += r->count;
	c->first = r->first;
	c->last = r->last;
}

static void test_summaries(void)
{
	struct hyp_ratelimit_config cfg = { .rate = 1, .burst = 1, .summary_interval = 10 };
	struct hyp_record r = event(HYP_EVENT_DROP, "hack", 4);
	struct collected c = { 0 };
	struct hyp_ratelimit rl;
	__u64 t = 5000000000ULL;

	hyp_rl_init(&rl, &cfg, 1, t);
	for (int i = 0; i < 50; i++) {
		r.ev.wall.tv_sec = 1000 + i;
		hyp_rl_admit(&rl, &r.ev, 0, t);
	}
	ok(hyp_rl_summaries(&rl, t + 1000000000ULL, 0, collect, &c) == 0 && c.n == 0,
	   "no summary before the interval");
	ok(hyp_rl_summaries(&rl, t + 10000000000ULL, 0, collect, &c) == 1 && c.total == 49 &&
		   c.first.tv_sec == 1001 && c.last.tv_sec == 1049,
	   "one summary: 49 suppressed, first and last time");
	c.n = 0;
	ok(hyp_rl_summaries(&rl, t + 30000000000ULL, 1, collect, &c) == 0 && c.n == 0,
	   "counts reset after a summary");
	hyp_rl_free(&rl);
}

static void test_queue(void)
{
	struct hyp_record r = event(HYP_EVENT_DROP, "hack", 4);
	const struct hyp_record *out;
	struct hyp_queue q;
	int full = 0;

	hyp_queue_init(&q, 4);
	for (int i = 0; i < 6; i++) {
		r.ev.seq = (__u64)i;
		full += hyp_queue_push(&q, &r) != 0;
	}
	ok(full == 2 && q.dropped == 2, "a full queue refuses and counts (2 of 6)");
	ok(hyp_queue_peek(&q, &out, 8, 0) == 4 && out[0].ev.seq == 0 && out[3].ev.seq == 3 &&
		   out[3].ev.ifname == out[3].ifname,
	   "peek shows the records in order, names pointing into the queue's copy");
	hyp_queue_release(&q, 3);
	for (int i = 6; i < 9; i++) { /* three more, in the slots after the wrap */
		r.ev.seq = (__u64)i;
		full += hyp_queue_push(&q, &r) != 0;
	}
	ok(full == 2 && hyp_queue_peek(&q, &out, 8, 0) == 1 && out[0].ev.seq == 3,
	   "after a release there is room again; peek stops at the wrap");
	hyp_queue_release(&q, 1);
	ok(hyp_queue_peek(&q, &out, 8, 0) == 3 && out[0].ev.seq == 6 && out[2].ev.seq == 8 &&
		   out[2].ev.rule == out[2].rule,
	   "the records after the wrap come with the next peek");
	hyp_queue_release(&q, 3);
	ok(hyp_queue_peek(&q, &out, 8, 10) == 0, "an empty queue times out");
	hyp_queue_close(&q);
	ok(hyp_queue_sleep(&q, 10000) == 1, "sleep returns at once on a closed queue");
	hyp_queue_destroy(&q);
}

/* Slots filled in place: invisible until committed, none past the room
 * there is, the wrap, and drops counted at commit. */
static void test_queue_slots(void)
{
	const struct hyp_record *out;
	struct hyp_record *slot;
	struct hyp_queue q;
	int filled = 0;

	hyp_queue_init(&q, 4);
	while ((slot = hyp_queue_slot(&q, (size_t)filled))) {
		slot->ev.seq = (__u64)filled;
		filled++;
	}
	ok(filled == 4 && hyp_queue_len(&q) == 0 && hyp_queue_peek(&q, &out, 8, 0) == 0,
	   "four slots to fill, none readable before the commit");
	hyp_queue_commit(&q, 3, 2);
	ok(hyp_queue_peek(&q, &out, 8, 0) == 3 && out[0].ev.seq == 0 && out[2].ev.seq == 2 &&
		   hyp_queue_dropped(&q) == 2,
	   "a commit of three publishes them in order and counts two drops");
	ok(hyp_queue_slot(&q, 0) == &q.slots[3] && !hyp_queue_slot(&q, 1),
	   "while they are unread, one slot is left");
	hyp_queue_release(&q, 2);
	ok(hyp_queue_slot(&q, 2) == &q.slots[1] && !hyp_queue_slot(&q, 3),
	   "a release makes room after the wrap");
	for (size_t k = 0; k < 3; k++)
		hyp_queue_slot(&q, k)->ev.seq = 10 + k;
	hyp_queue_commit(&q, 3, 0);
	ok(hyp_queue_peek(&q, &out, 8, 0) == 2 && out[0].ev.seq == 2 && out[1].ev.seq == 10,
	   "the records before the wrap first");
	hyp_queue_release(&q, 2);
	ok(hyp_queue_peek(&q, &out, 8, 0) == 2 && out[0].ev.seq == 11 && out[1].ev.seq == 12 &&
		   hyp_queue_len(&q) == 2,
	   "then those after it");
	hyp_queue_destroy(&q);
}

/* One output: the event loop's records go straight into its queue's slots,
 * numbered in order, the ones that find it full numbered and counted. */
static void test_outputs_direct(void)
{
	static struct hyp_outputs o;
	struct hyp_record r = event(HYP_EVENT_DROP, "hack", 4);
	struct hyp_queue *q = &o.out[HYP_OUT_SYSLOG].q;
	const struct hyp_record *out;
	size_t n;

	memset(&o, 0, sizeof(o));
	hyp_queue_init(q, 200);
	o.out[HYP_OUT_SYSLOG].started = 1; /* no thread: this test reads the queue */
	o.direct = q;
	for (int i = 0; i < 300; i++) {
		hyp_record_event(hyp_outputs_next(&o), &r.ev);
		hyp_outputs_emit_next(&o);
	}
	ok(hyp_outputs_room(&o) == 0, "300 records into a queue of 200: no room left");
	hyp_outputs_flush(&o);
	n = hyp_queue_peek(q, &out, 300, 0);
	ok(n == 200 && out[0].ev.seq == 1 && out[199].ev.seq == 200 &&
		   out[199].ev.rule == out[199].rule && !strcmp(out[199].rule, "web-hack"),
	   "the first 200 in its slots, numbered 1..200, their names their own");
	ok(hyp_queue_dropped(q) == 100 && o.seq == 300,
	   "the other 100 numbered (201..300) and counted as dropped");
	hyp_queue_release(q, 150);
	for (int i = 0; i < 150; i++) {
		hyp_record_event(hyp_outputs_next(&o), &r.ev);
		hyp_outputs_emit_next(&o);
	}
	hyp_outputs_flush(&o);
	hyp_queue_release(q, hyp_queue_peek(q, &out, 300, 0));
	n = hyp_queue_peek(q, &out, 300, 0);
	ok(n == 150 && out[0].ev.seq == 301 && out[149].ev.seq == 450 &&
		   hyp_queue_dropped(q) == 100,
	   "after a release, 150 more fill the freed slots across the wrap");
	hyp_queue_destroy(q);
}

/* A UDP socket on a free loopback port: the syslog output's receiver. */
static int udp_receiver(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_sec = 5 };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/* Messages the receiver got, each checked for its sequenceId. */
static int received(int fd, int n, unsigned long long first)
{
	char buf[2048], want[64];
	int good = 0;

	for (int i = 0; i < n; i++) {
		ssize_t len = recv(fd, buf, sizeof(buf) - 1, 0);

		if (len <= 0)
			break;
		buf[len] = 0;
		snprintf(want, sizeof(want), "sequenceId=\"%llu\"", first + (unsigned long long)i);
		good += strstr(buf, want) != NULL;
	}
	return good;
}

static unsigned long long seq_in(const char *path)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "re");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* Syslog over UDP to 127.0.0.1:port, and the console or not. */
static void outputs_yaml(char *buf, size_t size, int console, int port)
{
	snprintf(buf, size,
		 "interfaces: []\noutputs:\n  console:\n    enabled: %s\n"
		 "  syslog:\n    enabled: true\n    transport: udp\n    target: \"127.0.0.1:%d\"\n",
		 console ? "true" : "false", port);
}

static void set_seq(const char *path, unsigned long long v)
{
	FILE *f = fopen(path, "we");

	if (f) {
		fprintf(f, "%llu\n", v);
		fclose(f);
	}
}

static void emit_events(struct hyp_outputs *o, int n)
{
	struct hyp_record r = event(HYP_EVENT_DROP, "hack", 4);

	for (int i = 0; i < n; i++) {
		hyp_record_event(hyp_outputs_next(o), &r.ev);
		hyp_outputs_emit_next(o);
	}
	hyp_outputs_flush(o);
}

/* hyp_outputs_start() with real outputs: one output gets the records in
 * its queue's slots (direct), two get a copy each; the numbering goes on
 * from the sequence file and is saved there when they stop. */
static void test_outputs_start(void)
{
	static struct hyp_outputs o;
	static struct hyp_config_file cf;
	struct hyp_config_error err;
	char seq_path[] = "/tmp/hyperion-seq-XXXXXX", yaml[512];
	int port, rx = udp_receiver(&port), fd = mkstemp(seq_path), out_fd;

	if (rx < 0 || fd < 0 || write(fd, "41\n", 3) != 3) {
		ok(0, "a UDP receiver and a sequence file");
		return;
	}
	close(fd);
	outputs_yaml(yaml, sizeof(yaml), 0, port);
	memset(&o, 0, sizeof(o));
	o.seq_file = seq_path;
	if (!ok(hyp_config_parse("t.yaml", yaml, strlen(yaml), 0, &cf, &err) == 0 &&
			hyp_outputs_start(&o, &cf) == 0,
		"syslog alone starts"))
		goto out;
	ok(o.direct == &o.out[HYP_OUT_SYSLOG].q && o.seq == 41,
	   "one output: records go straight into its queue, numbered on from the file's 41");
	emit_events(&o, 3);
	ok(received(rx, 3, 42) == 3, "the receiver gets them, sequenceId 42..44");
	fd = open(seq_path, O_RDONLY | O_CLOEXEC); /* the file as it was */
	hyp_outputs_save_seq(&o);
	ok(seq_in(seq_path) == 44, "saved while running, as the agent does once a second (%llu)",
	   seq_in(seq_path));
	memset(yaml, 0, sizeof(yaml));
	ok(fd >= 0 && read(fd, yaml, sizeof(yaml) - 1) == 3 && !strcmp(yaml, "41\n"),
	   "a new file renamed over the old one, never truncated in place");
	if (fd >= 0)
		close(fd);
	snprintf(yaml, sizeof(yaml), "%s.new", seq_path);
	ok(access(yaml, F_OK) && errno == ENOENT, "nothing left beside it");
	set_seq(seq_path, 7);
	hyp_outputs_save_seq(&o);
	ok(seq_in(seq_path) == 7, "not written again while no record was numbered");
	set_seq(seq_path, 44);
	hyp_outputs_stop(&o);
	ok(seq_in(seq_path) == 44, "stopped: the file holds the last number (%llu)",
	   seq_in(seq_path));
	hyp_config_free(&cf);

	/* the console too: its lines go to /dev/null, not into this TAP */
	outputs_yaml(yaml, sizeof(yaml), 1, port);
	fflush(stdout);
	out_fd = dup(STDOUT_FILENO);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	if (hyp_config_parse("t.yaml", yaml, strlen(yaml), 0, &cf, &err) == 0 &&
	    hyp_outputs_start(&o, &cf) == 0) {
		int direct = o.direct != NULL, seq = (int)o.seq;

		emit_events(&o, 2);
		hyp_outputs_stop(&o);
		fflush(stdout);
		dup2(out_fd, STDOUT_FILENO);
		ok(!direct && seq == 44,
		   "two outputs: each gets a copy from the batch, numbered on");
		ok(received(rx, 2, 45) == 2 && seq_in(seq_path) == 46,
		   "syslog gets 45 and 46, the file then holds 46");
	} else {
		dup2(out_fd, STDOUT_FILENO);
		ok(0, "syslog and the console start");
	}
	close(out_fd);
	hyp_config_free(&cf);
out:
	close(rx);
	unlink(seq_path);
}

/* Two threads through a small queue: bursts of 1..16 records, pauses on
 * both sides, the consumer blocked in peek(-1) between them. */
#define QT_RECORDS 300000
#define QT_CAP	   1000

struct qt {
	struct hyp_queue q;
	uint64_t next, got, dropped_seen, disorder;
};

static void *qt_consumer(void *arg)
{
	struct qt *t = arg;
	const struct hyp_record *out;
	size_t n;

	while ((n = hyp_queue_peek(&t->q, &out, 64, -1)) > 0) {
		for (size_t i = 0; i < n; i++) {
			t->disorder += out[i].ev.seq < t->next;
			t->next = out[i].ev.seq + 1;
			t->got++;
		}
		hyp_queue_release(&t->q, n);
	}
	return NULL;
}

static void test_queue_threads(void)
{
	struct hyp_record batch[16];
	static struct qt t;
	unsigned int seed = 7;
	uint64_t seq = 0, took = 0;
	pthread_t th;

	memset(&t, 0, sizeof(t));
	hyp_queue_init(&t.q, QT_CAP);
	for (int i = 0; i < 16; i++)
		batch[i] = event(HYP_EVENT_DROP, "hack", 4);
	pthread_create(&th, NULL, qt_consumer, &t);
	while (seq < QT_RECORDS) {
		size_t n = 1 + (size_t)(rand_r(&seed) % 16);

		for (size_t i = 0; i < n; i++)
			batch[i].ev.seq = seq + i;
		took += hyp_queue_push_many(&t.q, batch, n);
		seq += n;
		if (rand_r(&seed) % 64 == 0) { /* let the consumer catch up and sleep */
			struct timespec ts = { 0, 20000 };

			nanosleep(&ts, NULL);
		}
	}
	while (hyp_queue_len(&t.q)) {
		struct timespec ts = { 0, 100000 };

		nanosleep(&ts, NULL);
	}
	hyp_queue_close(&t.q);
	pthread_join(th, NULL);
	ok(t.got == took && took + hyp_queue_dropped(&t.q) == seq,
	   "two threads: every record delivered or counted (%llu + %llu of %llu)",
	   (unsigned long long)t.got, (unsigned long long)hyp_queue_dropped(&t.q),
	   (unsigned long long)seq);
	ok(t.disorder == 0, "two threads: records arrive in order");
	hyp_queue_destroy(&t.q);
}

/* The journald worker stopped while its receiver is away, in the middle
 * of a peeked batch: every record is sent, failed, or still queued for the
 * stopper to count (what hyp_outputs_stop does), none twice. */
static void test_journald_stop(void)
{
	static struct hyp_output o;
	struct hyp_record r = event(HYP_EVENT_DROP, "hack", 4);
	struct timespec ts = { 0, 30000000 };
	size_t left;

	memset(&o, 0, sizeof(o));
	hyp_queue_init(&o.q, 100);
	for (int i = 0; i < 80; i++)
		hyp_queue_push(&o.q, &r);
	pthread_create(&o.thread, NULL, hyp_journald_worker, &o);
	nanosleep(&ts, NULL); /* without journald, it fails and backs off */
	hyp_queue_close(&o.q);
	pthread_join(o.thread, NULL);
	left = hyp_queue_discard(&o.q);
	ok(o.sent + o.failed + left == 80,
	   "journald worker stopped mid-batch: %llu sent + %llu failed + %zu left queued = 80",
	   (unsigned long long)o.sent, (unsigned long long)o.failed, left);
	ok(o.failed == 0, "journald away: its entries wait in the queue, none is lost (%llu)",
	   (unsigned long long)o.failed);
	hyp_queue_destroy(&o.q);
}

/* A save that cannot replace the file (here a directory stands in its
 * place) leaves nothing beside it and is tried again at the next save. */
static void test_seq_save_fails(void)
{
	static struct hyp_outputs o;
	char dir[] = "/tmp/hyperion-seq-XXXXXX", tmp[64];

	if (!ok(mkdtemp(dir) != NULL, "a directory where the sequence file goes"))
		return;
	snprintf(tmp, sizeof(tmp), "%s.new", dir);
	memset(&o, 0, sizeof(o));
	o.seq_file = dir;
	o.seq = 5;
	hyp_outputs_save_seq(&o);
	ok(o.seq_saved == 0 && access(tmp, F_OK) && errno == ENOENT,
	   "rename refused: not counted as saved, nothing left beside it");
	rmdir(dir);
	hyp_outputs_save_seq(&o);
	ok(o.seq_saved == 5 && seq_in(dir) == 5, "the next save writes it (%llu)", seq_in(dir));
	unlink(dir);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	test_rfc5424();
	test_summary_loss();
	test_journald();
	test_ratelimit();
	test_summaries();
	test_queue();
	test_queue_slots();
	test_outputs_direct();
	test_outputs_start();
	test_seq_save_fails();
	test_queue_threads();
	test_journald_stop();
	return done_testing();
}
