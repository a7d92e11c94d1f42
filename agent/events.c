// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "events.h"

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

const char *hyp_addrport(int ipv6, const uint8_t *addr, unsigned int port, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(ipv6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	snprintf(buf, HYP_ADDRPORT_MAX, ipv6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}
