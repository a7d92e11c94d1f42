/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Builds test frames: Ethernet, VLAN tags, IPv4 (options, fragments) or IPv6
 * (extension headers, fragments), TCP (options) or UDP, payload, padding.
 */
#ifndef HYPERION_TEST_PKT_H
#define HYPERION_TEST_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_FRAG_NONE	  0
#define PKT_FRAG_FIRST	  1 /* MF set, offset 0 */
#define PKT_FRAG_NONFIRST 2 /* offset 185 (1480 bytes) */

struct pkt_opts {
	int vlans;	       /* tags before the ethertype, 0..4 */
	uint16_t vlan_tpid[4]; /* 0 means 0x8100 */
	int ipv6;
	uint8_t proto;		      /* IPPROTO_TCP, IPPROTO_UDP, anything */
	uint8_t saddr[16], daddr[16]; /* IPv4 uses the first four bytes */
	uint16_t sport, dport;	      /* host byte order */
	const uint8_t *ip_opts;	      /* IPv4 options, a multiple of 4 bytes */
	size_t ip_opts_len;
	const uint8_t *tcp_opts; /* TCP options, a multiple of 4 bytes */
	size_t tcp_opts_len;
	const uint8_t *v6_ext; /* IPv6 extension header types, in order */
	size_t v6_ext_n;
	int frag; /* PKT_FRAG_* (IPv6: adds a fragment header) */
	const uint8_t *payload;
	size_t payload_len;
	size_t eth_pad; /* bytes after the IP datagram (non-zero junk) */
};

/* Fills defaults: IPv4 198.18.0.1:40000 -> 198.18.0.2:80, TCP. */
void pkt_defaults(struct pkt_opts *o);

/* Writes the frame into buf; returns its length, or 0 if cap is too small. */
size_t pkt_build(const struct pkt_opts *o, uint8_t *buf, size_t cap);

/* Offset of the L4 payload in a frame built from o. */
size_t pkt_payload_offset(const struct pkt_opts *o);

#endif /* HYPERION_TEST_PKT_H */
