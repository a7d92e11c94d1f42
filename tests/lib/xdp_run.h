/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Runs Hyperion's XDP program on crafted frames with BPF_PROG_TEST_RUN and
 * collects what it wrote to its rings and counters.
 */
#ifndef HYPERION_TEST_XDP_RUN_H
#define HYPERION_TEST_XDP_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "hyperion.h"

#define XRUN_MAX_EVENTS 64

struct xrun_event {
	int ring; /* 0 telemetry_ringbuf, 1 alert_ringbuf */
	size_t size;
	uint8_t data[64];
};

struct xrun {
	struct hyperion_bpf *skel;
	struct ring_buffer *rb;
	int prog_fd;
	struct hyp_tables *tables; /* last compiled set */
	size_t nev;
	struct xrun_event ev[XRUN_MAX_EVENTS];
	int overflow; /* more than XRUN_MAX_EVENTS in one run */
};

/* Loads the program (flow table of `flows` entries, 0 for the default). */
int xrun_open(struct xrun *x, uint32_t flows);
void xrun_close(struct xrun *x);

/* Compiles rules[0..n) with knobs and installs them. Returns 0 or -errno;
 * compile errors are printed as TAP diagnostics. */
int xrun_rules(struct xrun *x, const struct hyp_rule *rules, size_t n,
	       const struct hyp_config *knobs);

/* Runs one frame once; returns the XDP verdict or -errno. Events written by
 * this run are in x->ev[0..x->nev). */
int xrun_packet(struct xrun *x, const void *frame, size_t len);

/* Counters summed over CPUs, and zeroing them. */
int xrun_counters(struct xrun *x, struct hyp_counters *out);
int xrun_reset(struct xrun *x);

/* Per-signature hits of rule id, summed over CPUs. */
uint64_t xrun_hits(struct xrun *x, uint32_t id);

/* Processed-instruction count the verifier reported for the main program
 * and its subprograms, or 0 if the kernel does not tell. */
uint64_t xrun_verified_insns(struct xrun *x);

/* A rule with the given bytes (len may include NULs), drop, any protocol. */
struct hyp_rule xrun_rule(const void *bytes, unsigned int len, uint32_t id);

#endif /* HYPERION_TEST_XDP_RUN_H */
