// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * RFC 5424 syslog: the formatter, and the worker that sends over UDP (one
 * message per datagram, up to 64 per sendmmsg), TCP (RFC 6587 octet
 * counting, or LF framing; a batch per write) or a local unix datagram
 * socket. The worker owns its socket; connection
 * failures back off from 100 ms to 30 s while the queue absorbs, then
 * discards and counts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "log.h"
#include "output.h"
#include "pattern.h"
#include "strbuf.h"

/* ---- Formatting ---------------------------------------------------------- */

/* An SD-PARAM value: '"', '\' and ']' escaped (RFC 5424, 6.3.3). The values
 * are printable ASCII already (addresses, numbers, escaped signatures). */
static void sd_value(struct strbuf *b, const char *s)
{
	for (const char *run = s;; s++) {
		if (*s && *s != '"' && *s != '\\' && *s != ']')
			continue;
		sb_put(b, run, (size_t)(s - run));
		if (!*s)
			return;
		sb_put(b, "\\", 1);
		run = s;
	}
}

static void sd_param(struct strbuf *b, const char *name, const char *value)
{
	sb_str(b, " ");
	sb_str(b, name);
	sb_str(b, "=\"");
	sd_value(b, value);
	sb_str(b, "\"");
}

size_t hyp_rfc5424(const struct hyp_record *r, const struct hyp_syslog_header *h, char *buf,
		   size_t cap)
{
	struct hyp_field rf[HYP_FIELDS_MAX];
	size_t n = hyp_record_fields(r, rf);
	char when[HYP_TIME_MAX], line[512];
	struct strbuf b;

	sb_init(&b, buf, cap);
	sb_str(&b, "<");
	sb_u64(&b, (uint64_t)h->facility * 8 + (uint64_t)hyp_record_priority(r));
	sb_str(&b, ">1 ");
	sb_str(&b, hyp_rfc3339(&r->ev.wall, when));
	sb_str(&b, " ");
	sb_str(&b, h->hostname[0] ? h->hostname : "-");
	sb_str(&b, " hyperion ");
	sb_u64(&b, h->pid);
	sb_str(&b, " ");
	sb_str(&b, hyp_record_name(r));
	sb_str(&b, " [hyperion@");
	sb_u64(&b, h->pen);
	for (size_t i = 0; i < n; i++)
		if (rf[i].sd)
			sd_param(&b, rf[i].sd, rf[i].value);
	sb_str(&b, "][meta sequenceId=\"");
	sb_u64(&b, r->ev.seq);
	sb_str(&b, "\"] ");
	hyp_record_line(r, 0, line, sizeof(line));
	sb_str(&b, line);
	return b.len;
}

/* ---- Transport ----------------------------------------------------------- */

#define BATCH	       64
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 30000

struct conn {
	int fd;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int backoff_ms;
};

static int resolve(const struct hyp_syslog_config *c, struct conn *k)
{
	char host[256], *port;
	struct addrinfo hints = { .ai_socktype = c->transport == HYP_SYSLOG_TCP ? SOCK_STREAM
										: SOCK_DGRAM },
			*res;
	int err;

	if (c->transport == HYP_SYSLOG_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&k->addr;

		un->sun_family = AF_UNIX; /* config.c keeps the path within sun_path */
		memcpy(un->sun_path, c->target, strnlen(c->target, sizeof(un->sun_path) - 1));
		k->addrlen = sizeof(*un);
		return 0;
	}
	snprintf(host, sizeof(host), "%s", c->target[0] == '[' ? c->target + 1 : c->target);
	port = strrchr(host, ':');
	if (!port)
		return -EINVAL;
	*port++ = 0;
	if (host[0] && host[strlen(host) - 1] == ']')
		host[strlen(host) - 1] = 0;
	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		log_warning("syslog: cannot resolve %s: %s", c->target, gai_strerror(err));
		return -EHOSTUNREACH;
	}
	memcpy(&k->addr, res->ai_addr, res->ai_addrlen);
	k->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* A connected socket, or -1 with the backoff raised. */
static int reconnect(struct hyp_output *o, struct conn *k)
{
	int type = o->sl.transport == HYP_SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM;
	struct timeval tv = { .tv_sec = 2 };

	if (k->fd >= 0)
		return k->fd;
	if (!k->addrlen && resolve(&o->sl, k))
		goto fail;
	k->fd = socket(k->addr.ss_family, type | SOCK_CLOEXEC, 0);
	if (k->fd < 0)
		goto fail;
	/* a receiver that stops reading blocks this thread at most 2 s a try */
	setsockopt(k->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(k->fd, (struct sockaddr *)&k->addr, k->addrlen))
		goto fail;
	k->backoff_ms = 0;
	return k->fd;
fail:
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	k->backoff_ms = k->backoff_ms ? k->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (k->backoff_ms > BACKOFF_MAX_MS)
		k->backoff_ms = BACKOFF_MAX_MS;
	return -1;
}

/* The message framed for the transport, formatted in place (buf holds
 * HYP_SYSLOG_MAX + 16): with octet counting, after room for the count,
 * then moved up against it. */
static size_t frame(const struct hyp_output *o, const struct hyp_record *r, char *buf)
{
	char head[24];
	struct strbuf b;
	size_t n;

	if (o->sl.transport != HYP_SYSLOG_TCP)
		return hyp_rfc5424(r, &o->hdr, buf, HYP_SYSLOG_MAX);
	if (o->sl.framing == HYP_FRAMING_LF) {
		n = hyp_rfc5424(r, &o->hdr, buf, HYP_SYSLOG_MAX);
		buf[n] = '\n';
		return n + 1;
	}
	n = hyp_rfc5424(r, &o->hdr, buf + 8, HYP_SYSLOG_MAX);
	sb_init(&b, head, sizeof(head));
	sb_u64(&b, n);
	sb_put(&b, " ", 1);
	memmove(buf + b.len, buf + 8, n);
	memcpy(buf, head, b.len);
	return b.len + n;
}

/* A stream: the whole batch in one sendmsg (or a few, if the socket takes
 * part of it); returns how many messages went out whole. */
static size_t send_stream(struct conn *k, char (*msgs)[HYP_SYSLOG_MAX + 16], const size_t *lens,
			  size_t n)
{
	struct iovec iov[BATCH];
	size_t done = 0, off = 0; /* off: bytes of msgs[done] already written */

	while (done < n) {
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = n - done };
		ssize_t w;

		for (size_t i = done; i < n; i++)
			iov[i - done] = (struct iovec){ msgs[i], lens[i] };
		iov[0] = (struct iovec){ msgs[done] + off, lens[done] - off };
		w = sendmsg(k->fd, &mh, MSG_NOSIGNAL);
		if (w <= 0)
			return done; /* the receiver is gone or stuck */
		for (off += (size_t)w; done < n && off >= lens[done]; done++)
			off -= lens[done];
	}
	return done;
}

/* Sends n messages of a batch; returns how many the receiver took. */
static size_t send_batch(struct hyp_output *o, struct conn *k, char (*msgs)[HYP_SYSLOG_MAX + 16],
			 const size_t *lens, size_t n)
{
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	size_t done = 0;
	int sent;

	if (o->sl.transport == HYP_SYSLOG_TCP)
		return send_stream(k, msgs, lens, n);
	for (size_t i = 0; i < n; i++) {
		iov[i] = (struct iovec){ msgs[i], lens[i] };
		mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	while (done < n) {
		sent = sendmmsg(k->fd, mm + done, (unsigned int)(n - done), 0);
		if (sent <= 0)
			break;
		done += (size_t)sent;
	}
	return done;
}

/* The first failure of a run of them is logged (errno says why). */
static void went_down(struct hyp_output *o)
{
	if (!__atomic_exchange_n(&o->down, 1, __ATOMIC_RELAXED))
		log_warning("syslog: %s does not take messages (%m); retrying with backoff",
			    o->sl.target);
}

void *hyp_syslog_worker(void *arg)
{
	struct hyp_output *o = arg;
	static __thread char msgs[BATCH][HYP_SYSLOG_MAX + 16];
	const struct hyp_record *recs;
	size_t lens[BATCH], n;
	struct conn k = { .fd = -1 };

	while ((n = hyp_queue_peek(&o->q, &recs, BATCH, -1))) {
		size_t done;

		if (reconnect(o, &k) < 0) {
			/* the receiver is away: the records wait in the queue,
			 * which counts what it has no room for */
			went_down(o);
			if (hyp_queue_sleep(&o->q, k.backoff_ms))
				break; /* stopping: the stopper counts what is left */
			continue;
		}
		for (size_t i = 0; i < n; i++)
			lens[i] = frame(o, &recs[i], msgs[i]);
		hyp_queue_release(&o->q, n); /* formatted: the slots can take new records */
		done = send_batch(o, &k, msgs, lens, n);
		__atomic_fetch_add(&o->sent, done, __ATOMIC_RELAXED);
		if (done == n) {
			__atomic_store_n(&o->down, 0, __ATOMIC_RELAXED);
			hyp_queue_linger(&o->q, BATCH);
			continue;
		}
		/* a batch the receiver refused, or took part of before the
		 * connection broke: lost, and counted */
		__atomic_fetch_add(&o->failed, n - done, __ATOMIC_RELAXED);
		went_down(o);
		if (k.fd >= 0 && o->sl.transport != HYP_SYSLOG_UDP) {
			close(k.fd); /* stream or unix: reconnect before the next batch */
			k.fd = -1;
			k.backoff_ms = k.backoff_ms ? k.backoff_ms : BACKOFF_MIN_MS;
		}
		if (k.backoff_ms && hyp_queue_sleep(&o->q, k.backoff_ms))
			break; /* stopping: what is left is counted by the stopper */
	}
	if (k.fd >= 0)
		close(k.fd);
	return NULL;
}
