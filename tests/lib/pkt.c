// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include "pkt.h"

#define NH_FRAGMENT 44
#define NH_AH	    51

void pkt_defaults(struct pkt_opts *o)
{
	static const uint8_t s4[4] = { 198, 18, 0, 1 }, d4[4] = { 198, 18, 0, 2 };

	memset(o, 0, sizeof(*o));
	o->proto = IPPROTO_TCP;
	memcpy(o->saddr, s4, 4);
	memcpy(o->daddr, d4, 4);
	o->sport = 40000;
	o->dport = 80;
}

static size_t ext_len(uint8_t type)
{
	return type == NH_AH ? 12 : 8;
}

static size_t l4_len(const struct pkt_opts *o)
{
	if (o->proto == IPPROTO_TCP)
		return 20 + o->tcp_opts_len;
	if (o->proto == IPPROTO_UDP)
		return 8;
	return 0;
}

static size_t l3_hdr_len(const struct pkt_opts *o)
{
	size_t n = 0;

	if (!o->ipv6)
		return 20 + o->ip_opts_len;
	for (size_t i = 0; i < o->v6_ext_n; i++)
		n += ext_len(o->v6_ext[i]);
	if (o->frag)
		n += 8;
	return 40 + n;
}

size_t pkt_payload_offset(const struct pkt_opts *o)
{
	return 14 + 4 * (size_t)o->vlans + l3_hdr_len(o) + l4_len(o);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* IPv6 extension chain ending in next header `last`; returns its length. */
static size_t build_v6_ext(const struct pkt_opts *o, uint8_t *p, uint8_t last)
{
	size_t off = 0, n = o->v6_ext_n + (o->frag ? 1 : 0);

	for (size_t i = 0; i < n; i++) {
		uint8_t type = i < o->v6_ext_n ? o->v6_ext[i] : NH_FRAGMENT;
		uint8_t next = i + 1 < o->v6_ext_n ? o->v6_ext[i + 1]
						   : (i + 1 < n ? NH_FRAGMENT : last);
		size_t len = ext_len(type);

		memset(p + off, 0, len);
		p[off] = next;
		if (type == NH_AH) {
			p[off + 1] = 1; /* (1 + 2) * 4 = 12 bytes */
		} else if (type == NH_FRAGMENT) {
			uint16_t fo = o->frag == PKT_FRAG_NONFIRST ? 185 << 3 : 1; /* M flag */

			put16(p + off + 2, fo);
			p[off + 7] = 0x42; /* identification */
		} else {
			p[off + 2] = 1; /* PadN option filling the header */
			p[off + 3] = 4;
		}
		off += len;
	}
	return off;
}

size_t pkt_build(const struct pkt_opts *o, uint8_t *buf, size_t cap)
{
	size_t l3 = 14 + 4 * (size_t)o->vlans, l3h = l3_hdr_len(o), l4 = l3 + l3h;
	size_t dgram = l3h + l4_len(o) + o->payload_len, total = l3 + dgram + o->eth_pad;
	uint8_t *p;

	if (total > cap)
		return 0;
	memset(buf, 0, total);
	memcpy(buf, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	for (int i = 0; i < o->vlans; i++) {
		put16(buf + 12 + 4 * i, o->vlan_tpid[i] ? o->vlan_tpid[i] : 0x8100);
		put16(buf + 14 + 4 * i, (uint16_t)(100 + i));
	}
	put16(buf + 12 + 4 * o->vlans, o->ipv6 ? 0x86dd : 0x0800);

	p = buf + l3;
	if (!o->ipv6) {
		p[0] = 0x40 | (uint8_t)(l3h / 4);
		put16(p + 2, (uint16_t)dgram);
		put16(p + 4, 0x1234);
		if (o->frag == PKT_FRAG_FIRST)
			put16(p + 6, 0x2000);
		else if (o->frag == PKT_FRAG_NONFIRST)
			put16(p + 6, 185);
		p[8] = 64;
		p[9] = o->proto;
		memcpy(p + 12, o->saddr, 4);
		memcpy(p + 16, o->daddr, 4);
		if (o->ip_opts_len)
			memcpy(p + 20, o->ip_opts, o->ip_opts_len);
		put16(p + 10, csum(p, l3h));
	} else {
		p[0] = 0x60;
		put16(p + 4, (uint16_t)(dgram - 40));
		p[6] = (o->v6_ext_n || o->frag) ? (o->v6_ext_n ? o->v6_ext[0] : NH_FRAGMENT)
						: o->proto;
		p[7] = 64;
		memcpy(p + 8, o->saddr, 16);
		memcpy(p + 24, o->daddr, 16);
		build_v6_ext(o, p + 40, o->proto);
	}

	p = buf + l4;
	if (o->proto == IPPROTO_TCP || o->proto == IPPROTO_UDP) {
		put16(p, o->sport);
		put16(p + 2, o->dport);
	}
	if (o->proto == IPPROTO_TCP) {
		p[12] = (uint8_t)((20 + o->tcp_opts_len) / 4) << 4;
		p[13] = 0x18; /* PSH ACK */
		put16(p + 14, 65535);
		if (o->tcp_opts_len)
			memcpy(p + 20, o->tcp_opts, o->tcp_opts_len);
	} else if (o->proto == IPPROTO_UDP) {
		put16(p + 4, (uint16_t)(8 + o->payload_len));
	}
	if (o->payload_len)
		memcpy(buf + l4 + l4_len(o), o->payload, o->payload_len);
	memset(buf + l3 + dgram, 0xa5, o->eth_pad);
	return total;
}
