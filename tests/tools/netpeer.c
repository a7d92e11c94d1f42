// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netpeer: the test and demo traffic peer, so that tests need nothing but
 * what the project builds.
 *
 *   netpeer listen tcp|udp|unix ADDR PORT [-t SECONDS] [-o FILE]
 *       (unix: a datagram socket bound at path ADDR; PORT is ignored)
 *       Receives until SIGTERM (or SECONDS); writes one line per datagram or
 *       TCP read: "<CLOCK_REALTIME ns> <payload, escaped>" to FILE or stdout,
 *       then "# received N messages" on stderr.
 *   netpeer send tcp|udp ADDR PORT PAYLOAD [-n COUNT] [-r RATE] [-t SECONDS]
 *                [-2 PAYLOAD2 [-i MS]] [-R]
 *       Sends PAYLOAD (escapes as in signatures; "%n" becomes a sequence
 *       number) COUNT times (default 1, 0 = until SECONDS), RATE per second
 *       (default: as fast as possible), then PAYLOAD2 once, MS (default 300)
 *       later. TCP sends over one connection and exits 3 if it cannot
 *       connect within SECONDS (default 5); -R aborts the connection with a
 *       reset right after the last send instead of closing it, so that a
 *       dropped segment is not retransmitted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "pattern.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int make_addr(const char *host, const char *port, struct sockaddr_storage *ss,
		     socklen_t *len)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;

	if (host[0] == '/') {
		memset(ss, 0, sizeof(*ss));
		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s", host);
		*len = sizeof(*un);
		unlink(host);
		return AF_UNIX;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)atoi(port));
		*len = sizeof(*a4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)atoi(port));
		*len = sizeof(*a6);
		return AF_INET6;
	}
	fprintf(stderr, "netpeer: bad address %s\n", host);
	exit(2);
}

static void record(FILE *out, const char *buf, size_t n)
{
	char esc[4 * 2048 + 1];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	hyp_pattern_escape((const uint8_t *)buf, n > 2048 ? 2048 : n, esc, sizeof(esc));
	fprintf(out, "%lld%09ld %s\n", (long long)ts.tv_sec, ts.tv_nsec, esc);
	fflush(out);
}

static int do_listen(int tcp, struct sockaddr_storage *ss, socklen_t len, double secs, FILE *out)
{
	int fd = socket(ss->ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0), one = 1;
	struct pollfd pf[64];
	int npf = 1;
	long msgs = 0;
	double end = now_s() + secs;
	char buf[65536];

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)ss, len) || (tcp && listen(fd, 64))) {
		perror("netpeer: listen");
		return 1;
	}
	fprintf(stderr, "# listening\n");
	pf[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (!stop && (secs <= 0 || now_s() < end)) {
		if (poll(pf, (nfds_t)npf, 100) <= 0)
			continue;
		for (int i = 0; i < npf; i++) {
			ssize_t n;

			if (!(pf[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (tcp && i == 0) {
				int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

				if (c >= 0 && npf < 64)
					pf[npf++] = (struct pollfd){ .fd = c, .events = POLLIN };
				continue;
			}
			n = recv(pf[i].fd, buf, sizeof(buf), 0);
			if (n > 0) {
				record(out, buf, (size_t)n);
				msgs++;
			} else if (tcp) {
				close(pf[i].fd);
				pf[i--] = pf[--npf];
			}
		}
	}
	fprintf(stderr, "# received %ld messages\n", msgs);
	return 0;
}

/* PAYLOAD with "%n" replaced by seq, escapes decoded. */
static size_t build_payload(const char *tmpl, unsigned long seq, char *out, size_t cap)
{
	char text[4096], num[24];
	const char *pct = strstr(tmpl, "%n");
	size_t bad;
	const char *why;
	int n;

	snprintf(num, sizeof(num), "%lu", seq);
	if (pct)
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(pct - tmpl), tmpl, num, pct + 2);
	else
		snprintf(text, sizeof(text), "%s", tmpl);
	n = hyp_pattern_from_text(text, strlen(text), (uint8_t *)out, cap, &bad, &why);
	if (n < 0) {
		fprintf(stderr, "netpeer: payload: %s at %zu\n", why, bad);
		exit(2);
	}
	return (size_t)n;
}

static int connect_tcp(int fd, struct sockaddr_storage *ss, socklen_t len, double secs)
{
	double end = now_s() + secs;

	while (connect(fd, (struct sockaddr *)ss, len)) {
		if (now_s() > end || (errno != ECONNREFUSED && errno != EINTR)) {
			perror("netpeer: connect");
			return -1;
		}
		usleep(20000);
	}
	return 0;
}

struct send_opts {
	unsigned long count;
	double rate, secs;
	const char *second;
	unsigned int gap_ms;
	int reset;
};

static void send_second(int fd, int tcp, struct sockaddr_storage *ss, socklen_t len,
			const struct send_opts *o)
{
	char buf[8192];
	size_t n;

	if (o->second) {
		usleep(o->gap_ms * 1000);
		n = build_payload(o->second, 0, buf, sizeof(buf));
		if (tcp)
			send(fd, buf, n, MSG_NOSIGNAL);
		else
			sendto(fd, buf, n, 0, (struct sockaddr *)ss, len);
	}
	if (tcp && o->reset) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	} else if (tcp) {
		shutdown(fd, SHUT_WR);
	}
}

static int do_send(int tcp, struct sockaddr_storage *ss, socklen_t len, const char *tmpl,
		   const struct send_opts *o)
{
	unsigned long count = o->count;
	double rate = o->rate, secs = o->secs;
	int fd = socket(ss->ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	double start = now_s(), end = start + secs;
	unsigned long seq = 0;
	char buf[8192];

	if (fd < 0 || (tcp && connect_tcp(fd, ss, len, secs)))
		return 3;
	while (!stop && (count == 0 || seq < count) && (count != 0 || now_s() < end)) {
		size_t n = build_payload(tmpl, seq, buf, sizeof(buf));
		ssize_t w = tcp ? send(fd, buf, n, MSG_NOSIGNAL)
				: sendto(fd, buf, n, 0, (struct sockaddr *)ss, len);

		if (w < 0 && tcp) {
			perror("netpeer: send");
			return 1;
		}
		seq++;
		if (rate > 0) {
			double due = start + (double)seq / rate, wait = due - now_s();

			if (wait > 0)
				usleep((useconds_t)(wait * 1e6));
		}
	}
	send_second(fd, tcp, ss, len, o);
	close(fd);
	fprintf(stderr, "# sent %lu messages\n", seq + (o->second ? 1 : 0));
	return 0;
}

int main(int argc, char **argv)
{
	struct send_opts so = { .count = 1, .gap_ms = 300 };
	struct sockaddr_storage ss;
	double secs = 5;
	const char *outpath = NULL;
	FILE *out = stdout;
	socklen_t len;
	int listen_mode, tcp, c;

	if (argc < 5) {
		fprintf(stderr,
			"usage: netpeer listen|send tcp|udp ADDR PORT [PAYLOAD] [options]\n");
		return 2;
	}
	listen_mode = !strcmp(argv[1], "listen");
	tcp = !strcmp(argv[2], "tcp");
	make_addr(argv[3], argv[4], &ss, &len);
	optind = listen_mode ? 5 : 6;
	secs = listen_mode ? 0 : 5; /* a listener runs until SIGTERM by default */
	if (!listen_mode && argc < 6) {
		fprintf(stderr, "netpeer: send needs a PAYLOAD\n");
		return 2;
	}
	while ((c = getopt(argc, argv, "n:r:t:o:2:i:R")) != -1) {
		if (c == 'n')
			so.count = strtoul(optarg, NULL, 10);
		else if (c == 'r')
			so.rate = atof(optarg);
		else if (c == '2')
			so.second = optarg;
		else if (c == 'i')
			so.gap_ms = (unsigned int)atoi(optarg);
		else if (c == 'R')
			so.reset = 1;
		else if (c == 't')
			secs = atof(optarg);
		else if (c == 'o')
			outpath = optarg;
		else
			return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (outpath && !(out = fopen(outpath, "we"))) {
		perror(outpath);
		return 1;
	}
	if (listen_mode)
		return do_listen(tcp, &ss, len, secs, out);
	so.secs = secs;
	return do_send(tcp, &ss, len, argv[5], &so);
}
