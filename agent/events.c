// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "events.h"
#include "strbuf.h"

static void sig_of(struct hyp_ev *ev, const __u8 *sig)
{
	memcpy(ev->sig, sig, HYP_SIG_LEN);
	ev->siglen = HYP_SIG_LEN; /* trailing NULs are trimmed when the rule is unknown */
	while (ev->siglen && !ev->sig[ev->siglen - 1])
		ev->siglen--;
}

int hyp_ev_decode(const void *rec, size_t size, struct hyp_ev *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->action = -1;
	if (size == sizeof(struct hyp_event)) {
		struct hyp_event e;

		memcpy(&e, rec, sizeof(e));
		if (e.event_type > HYP_EVENT_SIG_MATCH)
			return -EINVAL;
		ev->type = e.event_type;
		memcpy(ev->src, &e.src_ip, 4);
		memcpy(ev->dst, &e.dst_ip, 4);
		ev->sport = ntohs(e.src_port);
		ev->dport = ntohs(e.dst_port);
		ev->protocol = e.protocol;
		ev->ktime = e.timestamp;
		sig_of(ev, e.signature);
		return 0;
	}
	if (size == sizeof(struct hyp_event6)) {
		struct hyp_event6 e;

		memcpy(&e, rec, sizeof(e));
		if (!(e.event_type & HYP_EVENT_IPV6) ||
		    (e.event_type & HYP_EVENT_TYPE_MASK) > HYP_EVENT_SIG_MATCH)
			return -EINVAL;
		ev->type = e.event_type & HYP_EVENT_TYPE_MASK;
		ev->ipv6 = 1;
		memcpy(ev->src, e.src_ip, 16);
		memcpy(ev->dst, e.dst_ip, 16);
		ev->sport = ntohs(e.src_port);
		ev->dport = ntohs(e.dst_port);
		ev->protocol = e.protocol;
		ev->ktime = e.timestamp;
		sig_of(ev, e.signature);
		return 0;
	}
	return -EINVAL;
}

const char *hyp_ev_type_name(unsigned int type)
{
	switch (type) {
	case HYP_EVENT_ACCEPT:
		return "ACCEPT";
	case HYP_EVENT_DROP:
		return "DROP";
	case HYP_EVENT_SIG_MATCH:
		return "SIG_MATCH";
	}
	return "UNKNOWN";
}

const char *hyp_proto_name(unsigned int protocol, char *buf)
{
	if (protocol == 6)
		return "TCP";
	if (protocol == 17)
		return "UDP";
	snprintf(buf, 4, "%u", protocol & 0xff);
	return buf;
}

/* inet_ntop's own IPv4 form, without its cost on every event */
const char *hyp_addr(int ipv6, const uint8_t *addr, char *buf)
{
	char *p = buf;

	if (ipv6)
		return inet_ntop(AF_INET6, addr, buf, INET6_ADDRSTRLEN);
	for (int i = 0; i < 4; i++) {
		unsigned int v = addr[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = '.';
	}
	p[-1] = 0;
	return buf;
}

const char *hyp_addrport(int ipv6, const uint8_t *addr, unsigned int port, char *buf)
{
	char a[INET6_ADDRSTRLEN];
	struct strbuf b;

	sb_init(&b, buf, HYP_ADDRPORT_MAX);
	if (ipv6)
		sb_put(&b, "[", 1);
	sb_str(&b, hyp_addr(ipv6, addr, a));
	sb_str(&b, ipv6 ? "]:" : ":");
	sb_u64(&b, port);
	return buf;
}
