// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A kernel event timestamp converted to the wall clock lies within 1 ms of
 * the wall clock at which the packet was handed to the program.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "pkt.h"
#include "tap.h"
#include "xdp_run.h"

static __s64 wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (__s64)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
	static struct xrun x;
	struct hyp_rule r = xrun_rule("hack", 4, 1);
	struct hyp_clock clk;
	struct pkt_opts o;
	__u8 frame[128];
	__s64 worst = 0;
	size_t n;
	int good = 1;

	if (geteuid() != 0) {
		skip("needs root for BPF", "clock test");
		return done_testing();
	}
	if (!ok(xrun_open(&x, 0) == 0 && xrun_rules(&x, &r, 1, NULL) == 0, "XDP program loads"))
		return done_testing();
	pkt_defaults(&o);
	o.payload = (const __u8 *)"hack";
	o.payload_len = 4;
	n = pkt_build(&o, frame, sizeof(frame));
	hyp_clock_calibrate(&clk);
	ok(clk.window_ns > 0 && clk.window_ns < 100000, "calibration window %lld ns",
	   (long long)clk.window_ns);
	for (int i = 0; i < 200; i++) {
		__s64 sent = wall_ns(), got, d;
		__u64 ts;
		struct timespec w;

		if (xrun_packet(&x, frame, n) < 0 || x.nev < 1) {
			good = 0;
			break;
		}
		memcpy(&ts, x.ev[0].data + 24, 8);
		w = hyp_clock_wall(&clk, ts);
		got = (__s64)w.tv_sec * 1000000000LL + w.tv_nsec;
		d = got > sent ? got - sent : sent - got;
		if (d > worst)
			worst = d;
		if (i % 50 == 49) {
			usleep(20000);
			hyp_clock_refresh(&clk);
		}
	}
	ok(good && worst < 1000000,
	   "200 events: converted time within 1 ms of the send time (worst %lld ns)",
	   (long long)worst);
	diag("note: clock conversion error, worst of 200: %lld ns", (long long)worst);
	xrun_close(&x);
	return done_testing();
}
