/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A decoded IPv4 event for the output tests and the telemetry benchmark:
 * src:sport -> dst:dport (4-byte addresses in network order) over
 * protocol, carrying the signature bytes; every other field zero.
 */
#ifndef HYPERION_TESTEV_H
#define HYPERION_TESTEV_H

#include <string.h>
#include "events.h"

static inline struct hyp_ev test_ev4(__u8 type, const char *src, __u16 sport, const char *dst,
				     __u16 dport, __u8 protocol, const char *sig, size_t siglen)
{
	struct hyp_ev e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	memcpy(e.src, src, 4);
	memcpy(e.dst, dst, 4);
	e.sport = sport;
	e.dport = dport;
	e.protocol = protocol;
	memcpy(e.sig, sig, siglen);
	e.siglen = (__u8)siglen;
	return e;
}

#endif /* HYPERION_TESTEV_H */
