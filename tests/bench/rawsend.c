// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The raw loop the telemetry pipeline is compared with: the messages the
 * agent sends for the benchmark's flood (hyp_rfc5424, hyp_journal_fields;
 * a SIG_MATCH and a DROP of rule "hack" per packet, with a fresh kernel
 * timestamp, on interface IFNAME, under this host's name), through the
 * same API as the agent (sendmmsg in batches of 64 over UDP; over TCP
 * octet counting, 64 messages per sendmsg; sd_journal_sendv), as fast as
 * one thread can.
 *
 *   rawsend udp|tcp HOST PORT SECONDS IFNAME
 *   rawsend journald - - SECONDS IFNAME
 *
 * Prints "messages N seconds S rate R cpu_us_per_1000 C".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <systemd/sd-journal.h>
#include "output.h"
#include "strbuf.h"
#include "testev.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* The two records of one dropped packet, as the agent makes them. */
static void records(struct hyp_record r[2], const char *ifname)
{
	static const __u8 types[2] = { HYP_EVENT_SIG_MATCH, HYP_EVENT_DROP };

	for (int i = 0; i < 2; i++) {
		struct hyp_ev ev = test_ev4(types[i], "\xc6\x12\x00\x01", 40000, "\xc6\x12\x00\x02",
					    9000, 17, "hack", 4);

		ev.rule = "hack";
		ev.action = HYP_ACTION_DROP;
		ev.ifname = ifname;
		hyp_record_event(&r[i], &ev);
	}
}

/* Each batch's packets get the kernel time and wall time of now, a
 * microsecond apart, so that timestamps are formatted as the agent's are. */
static void stamp(struct hyp_record *r, const struct timespec *mono, const struct timespec *wall,
		  int i)
{
	long ns = wall->tv_nsec + 1000L * i;

	r->ev.ktime =
		(uint64_t)mono->tv_sec * 1000000000ULL + (uint64_t)mono->tv_nsec + 1000ULL * i;
	r->ev.wall.tv_sec = wall->tv_sec + ns / 1000000000L;
	r->ev.wall.tv_nsec = ns % 1000000000L;
}

/* The whole batch, in as many sendmsg calls as the socket needs. */
static int send_all(int fd, struct iovec *iov, size_t n)
{
	while (n) {
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = n };
		ssize_t w = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (w < 0)
			return -1;
		for (; n && (size_t)w >= iov->iov_len; iov++, n--)
			w -= (ssize_t)iov->iov_len;
		if (n) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char msgs[64][HYP_SYSLOG_MAX + 16];
	struct hyp_syslog_header h = { .facility = 16, .hostname = "bench", .pen = 32473 };
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct mmsghdr mm[64];
	struct iovec iov[64];
	static struct hyp_journal_entry e;
	struct hyp_record r[2];
	unsigned long long n = 0;
	double t0, c0, secs;
	int fd = -1, tcp;

	if (argc != 6)
		return 2;
	tcp = !strcmp(argv[1], "tcp");
	secs = atof(argv[4]);
	h.pid = (unsigned long)getpid();
	if (gethostname(h.hostname, sizeof(h.hostname) - 1)) /* the agent's default */
		return 1;
	records(r, argv[5]);
	if (strcmp(argv[1], "journald")) {
		inet_pton(AF_INET, argv[2], &to.sin_addr);
		to.sin_port = htons((uint16_t)atoi(argv[3]));
		fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)))
			return 1;
	}
	t0 = now();
	c0 = cpu_s();
	while (now() - t0 < secs) {
		struct timespec mono, wall;

		clock_gettime(CLOCK_MONOTONIC, &mono);
		clock_gettime(CLOCK_REALTIME, &wall);
		for (int i = 0; i < 64; i++) {
			struct hyp_record *ri = &r[i % 2];
			size_t len;

			stamp(ri, &mono, &wall, i / 2);
			ri->ev.seq = ++n;
			if (fd < 0) {
				hyp_journal_fields(ri, &e);
				sd_journal_sendv(e.iov, (int)e.n);
				continue;
			}
			len = hyp_rfc5424(ri, &h, msgs[i] + (tcp ? 8 : 0), HYP_SYSLOG_MAX);
			if (tcp) { /* octet counting, as the agent frames it */
				char head[24];
				struct strbuf b;

				sb_init(&b, head, sizeof(head));
				sb_u64(&b, len);
				sb_put(&b, " ", 1);
				memmove(msgs[i] + b.len, msgs[i] + 8, len);
				memcpy(msgs[i], head, b.len);
				len += b.len;
			}
			iov[i] = (struct iovec){ msgs[i], len };
			mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i],
							       .msg_iovlen = 1 } };
		}
		if (fd >= 0 && !tcp)
			sendmmsg(fd, mm, 64, 0);
		if (fd >= 0 && tcp && send_all(fd, iov, 64))
			return 1;
	}
	secs = now() - t0;
	printf("messages %llu seconds %.3f rate %.0f cpu_us_per_1000 %.1f\n", n, secs,
	       (double)n / secs, (cpu_s() - c0) * 1e9 / (double)n);
	return 0;
}
