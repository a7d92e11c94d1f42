// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A telemetry_ringbuf record of any size and content, through what the
 * agent does with it (agent/run.c, on_telemetry): hyp_ev_decode(), the
 * kernel timestamp to the wall clock with hyp_clock_wall(), then every
 * output's formatter, checked as in fuzz_format. A record decodes only at
 * 40 or 56 bytes with a known type; what decodes is well-formed.
 */
#include "check_format.h"
#include "clock.h"
#include "events.h"
#include "fuzz_input.h"

/* The realtime - monotonic offset of a host up a day in May 2026. */
static const struct hyp_clock host_clock = { .offset_ns = 1779622923000000000LL };

static void check_decoded(const struct hyp_ev *ev, size_t size)
{
	FUZZ_ASSERT(size == sizeof(struct hyp_event) || size == sizeof(struct hyp_event6),
		    "decoded a record of %zu bytes", size);
	FUZZ_ASSERT(ev->type <= HYP_EVENT_SIG_MATCH, "type %u", ev->type);
	FUZZ_ASSERT(ev->ipv6 == (size == sizeof(struct hyp_event6)), "address family");
	FUZZ_ASSERT(ev->siglen <= HYP_SIG_LEN && (!ev->siglen || ev->sig[ev->siglen - 1]),
		    "signature length %u", ev->siglen);
	FUZZ_ASSERT(!ev->rule && ev->action == -1 && !ev->ifname, "fields left for the agent");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hyp_syslog_header h = { 16, "sensor-1", 4321, 32473 };
	struct hyp_record r;
	struct hyp_ev ev;

	if (hyp_ev_decode(data, size, &ev))
		return 0;
	check_decoded(&ev, size);
	ev.ifname = "eth0";
	ev.wall = hyp_clock_wall(&host_clock, ev.ktime);
	hyp_record_event(&r, &ev);
	check_formats(&r, &h, 512);
	return 0;
}
