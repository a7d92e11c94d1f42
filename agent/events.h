/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Telemetry records as the outputs see them: decoded from the ring's
 * hyp_event / hyp_event6, with the signature that reported them, the
 * interface, and the wall-clock time.
 */
#ifndef HYPERION_EVENTS_H
#define HYPERION_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "hyperion.h"

struct hyp_ev {
	uint8_t type;	  /* HYP_EVENT_ACCEPT, _DROP or _SIG_MATCH */
	uint8_t ipv6;	  /* addresses are 16 bytes, else the first 4 */
	uint8_t protocol; /* 6 TCP, 17 UDP */
	uint8_t siglen;	  /* signature bytes to show */
	uint8_t src[16], dst[16];
	uint16_t sport, dport; /* host byte order */
	uint8_t sig[HYP_SIG_LEN];
	uint64_t ktime;	      /* bpf_ktime_get_ns() */
	struct timespec wall; /* ktime on the wall clock */
	const char *rule;     /* signature name, NULL if not (or no longer) known */
	int action;	      /* its HYP_ACTION_*, -1 if unknown */
	const char *ifname;   /* interface that saw the packet */
	uint64_t seq;	      /* per-boot sequence number of delivered events */
};

/* Decodes one telemetry_ringbuf record (40-byte hyp_event or 56-byte
 * hyp_event6). Returns 0 or -EINVAL for a record of unknown size or type. */
int hyp_ev_decode(const void *rec, size_t size, struct hyp_ev *ev);

/* "ACCEPT", "DROP", "SIG_MATCH". */
const char *hyp_ev_type_name(unsigned int type);

/* "TCP", "UDP", else the number. buf needs 4 bytes. */
const char *hyp_proto_name(unsigned int protocol, char *buf);

/* "198.18.0.1" or "2001:db8::1", as inet_ntop() writes them; buf needs
 * INET6_ADDRSTRLEN (46) bytes. */
const char *hyp_addr(int ipv6, const uint8_t *addr, char *buf);

/* "198.18.0.1:80" or "[2001:db8::1]:80"; buf needs HYP_ADDRPORT_MAX. */
#define HYP_ADDRPORT_MAX 56
const char *hyp_addrport(int ipv6, const uint8_t *addr, unsigned int port, char *buf);

#endif /* HYPERION_EVENTS_H */
