// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Hyperion's XDP program: drops TCP/UDP packets whose payload carries a
 * configured signature and reports what it saw on telemetry_ringbuf.
 *
 * Path of a packet: copy the frame into per-CPU scratch (parse.bpf.h reads
 * the copy), find the L4 payload, scan it (match.bpf.h), count, emit events,
 * return the verdict. A full ring never changes a verdict.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "hyperion.h"
#include "scratch.bpf.h"
#include "parse.bpf.h"
#include "match.bpf.h"

/* Primary telemetry of the specification: hyp_event and hyp_event6 records,
 * read by the agent and by anything that opens the pinned ring. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, HYP_TELEMETRY_RINGBUF_SIZE);
} telemetry_ringbuf SEC(".maps");

/* Legacy event_t per IPv4 drop, for consumers of the earlier release;
 * written only when the rule set's cfg.legacy_alerts is set. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, HYP_ALERT_RINGBUF_SIZE);
} alert_ringbuf SEC(".maps");

/* Packet, anomaly and event-loss counters; `hyperion stats` sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_counters);
} counters SEC(".maps");

/* Packets reported per signature, indexed by the rule's stable id so that
 * counts survive a reload for the signatures that stay. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HYP_MAX_RULES);
	__type(key, __u32);
	__type(value, __u64);
} sig_hits SEC(".maps");

/* Name, bytes and action per stable id, written by the agent at each
 * (re)load for `hyperion stats` and other readers of the pins; the program
 * never reads it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HYP_MAX_RULES);
	__type(key, __u32);
	__type(value, struct hyp_sig_info);
} sig_info SEC(".maps");

/* Flows seen in ACCEPT mode new-flow: one ACCEPT per 5-tuple, with per-flow
 * packets, bytes, first and last seen. Sized by the agent before loading. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HYP_FLOWS_DEFAULT);
	__type(key, struct hyp_flow_key);
	__type(value, struct hyp_flow);
} flows SEC(".maps");

/* The rule set. The agent builds a new inner map aside and swaps it into
 * slot 0 in one update, so no packet sees a half-written set. */
struct hyp_ruleset_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_tables);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct hyp_ruleset_inner);
} ruleset SEC(".maps");

/* Frame copy and matcher state, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_scratch);
} scratch SEC(".maps");

static __always_inline void copy16(__u8 *dst, const struct hyp_scratch *s, __u32 off)
{
	*(__u64 *)dst = rd64(s, off);
	*(__u64 *)(dst + 8) = rd64(s, off + 8);
}

/* One telemetry record for the packet in s; counts a failed reservation.
 * Global: verified once for its four call sites. Returns 0. */
__noinline int emit(const struct hyp_scratch *s, struct hyp_counters *c, __u64 type, __u64 ts,
		    __u64 sig)
{
	if (!s || !c)
		return 0;
	if (!s->ipv6) {
		struct hyp_event *e = bpf_ringbuf_reserve(&telemetry_ringbuf, sizeof(*e), 0);

		if (!e) {
			c->v[HYP_CNT_TELEMETRY_LOST]++;
			return 0;
		}
		*(__u32 *)e = type; /* event_type and _pad1 */
		e->src_ip = *(const __u32 *)&s->frame[(s->l3 + 12) & HYP_FRAME_MASK];
		e->dst_ip = *(const __u32 *)&s->frame[(s->l3 + 16) & HYP_FRAME_MASK];
		e->src_port = *(const __u16 *)&s->frame[s->l4 & HYP_FRAME_MASK];
		e->dst_port = *(const __u16 *)&s->frame[(s->l4 + 2) & HYP_FRAME_MASK];
		*(__u64 *)&e->protocol = s->proto; /* protocol and _pad2 */
		e->timestamp = ts;
		*(__u64 *)e->signature = sig;
		bpf_ringbuf_submit(e, 0);
	} else {
		struct hyp_event6 *e = bpf_ringbuf_reserve(&telemetry_ringbuf, sizeof(*e), 0);

		if (!e) {
			c->v[HYP_CNT_TELEMETRY_LOST]++;
			return 0;
		}
		/* event_type, protocol, _pad1 */
		*(__u32 *)e = (__u32)(HYP_EVENT_IPV6 | type) | (__u32)s->proto << 8;
		e->src_port = *(const __u16 *)&s->frame[s->l4 & HYP_FRAME_MASK];
		e->dst_port = *(const __u16 *)&s->frame[(s->l4 + 2) & HYP_FRAME_MASK];
		e->timestamp = ts;
		*(__u64 *)e->signature = sig;
		copy16(e->src_ip, s, s->l3 + 8);
		copy16(e->dst_ip, s, s->l3 + 24);
		bpf_ringbuf_submit(e, 0);
	}
	c->v[HYP_CNT_TELEMETRY_SENT]++;
	return 0;
}

static __always_inline void emit_legacy(const struct hyp_scratch *s, struct hyp_counters *c,
					__u64 sig)
{
	struct event_t *e;

	if (s->ipv6) /* event_t has room for IPv4 only */
		return;
	e = bpf_ringbuf_reserve(&alert_ringbuf, sizeof(*e), 0);
	if (!e) {
		c->v[HYP_CNT_ALERT_LOST]++;
		return;
	}
	e->src_ip = *(const __u32 *)&s->frame[(s->l3 + 12) & HYP_FRAME_MASK];
	e->dst_ip = *(const __u32 *)&s->frame[(s->l3 + 16) & HYP_FRAME_MASK];
	e->src_port = *(const __u16 *)&s->frame[s->l4 & HYP_FRAME_MASK];
	e->dst_port = *(const __u16 *)&s->frame[(s->l4 + 2) & HYP_FRAME_MASK];
	e->action = HYP_LEGACY_ACTION_DROP;
	*(__u64 *)e->payload_snippet = sig;
	bpf_ringbuf_submit(e, 0);
	c->v[HYP_CNT_ALERT_SENT]++;
}

static __always_inline void flow_key(struct hyp_flow_key *k, const struct hyp_scratch *s)
{
	__builtin_memset(k, 0, sizeof(*k));
	if (s->ipv6) {
		copy16(k->src_ip, s, s->l3 + 8);
		copy16(k->dst_ip, s, s->l3 + 24);
	} else {
		k->src_ip[10] = k->src_ip[11] = 0xff;
		k->dst_ip[10] = k->dst_ip[11] = 0xff;
		*(__u32 *)&k->src_ip[12] = *(const __u32 *)&s->frame[(s->l3 + 12) & HYP_FRAME_MASK];
		*(__u32 *)&k->dst_ip[12] = *(const __u32 *)&s->frame[(s->l3 + 16) & HYP_FRAME_MASK];
	}
	k->src_port = *(const __u16 *)&s->frame[s->l4 & HYP_FRAME_MASK];
	k->dst_port = *(const __u16 *)&s->frame[(s->l4 + 2) & HYP_FRAME_MASK];
	k->protocol = s->proto;
}

/*
 * ACCEPT mode new-flow: accounts the packet to its flow and tells whether
 * this passed packet is the flow's first accepted one. Exactly one CPU wins
 * the insertion or the compare-and-swap, so a flow gets one ACCEPT.
 */
__noinline int flow_first_accept(const struct hyp_scratch *s, struct hyp_counters *c, __u64 now,
				 __u64 flen, __u64 passed)
{
	struct hyp_flow_key k;
	struct hyp_flow *f;

	if (!s || !c)
		return 0;
	flow_key(&k, s);
	f = bpf_map_lookup_elem(&flows, &k);
	if (!f) {
		struct hyp_flow nf = {
			.packets = 1,
			.bytes = flen,
			.first_seen = now,
			.last_seen = now,
			.accepted = passed,
		};

		if (bpf_map_update_elem(&flows, &k, &nf, BPF_NOEXIST) == 0) {
			c->v[HYP_CNT_FLOWS_NEW]++;
			return passed;
		}
		f = bpf_map_lookup_elem(&flows, &k); /* another CPU inserted it */
		if (!f)
			return 0;
	}
	__sync_fetch_and_add(&f->packets, 1);
	__sync_fetch_and_add(&f->bytes, flen);
	f->last_seen = now;
	if (!passed || f->accepted)
		return 0;
	return __sync_val_compare_and_swap(&f->accepted, 0, 1) == 0;
}

static __always_inline void count_hit(__u32 id)
{
	__u64 *h = bpf_map_lookup_elem(&sig_hits, &id);

	if (h)
		(*h)++;
}

/* The verdict for a frame, with its events and counters. */
static __always_inline int inspect(struct xdp_md *ctx, struct hyp_scratch *s,
				   struct hyp_counters *c, const struct hyp_tables *t)
{
	__u64 flen = bpf_xdp_get_buff_len(ctx), now = 0, sig = 0;
	__u32 copy = flen < HYP_FRAME_MAX ? flen : HYP_FRAME_MAX, ri;
	int verdict = XDP_PASS, accept;
	__u8 action = 0;

	if (copy < ETH_HLEN || bpf_xdp_load_bytes(ctx, 0, s->frame, copy)) {
		c->v[HYP_CNT_BAD_ETH]++;
		return XDP_PASS;
	}
	*(__u64 *)&s->frame[copy] = 0; /* windows past the copy read zeros */
	s->copy = copy;

	switch (parse_frame(s, c, t, flen)) {
	case HYP_PARSE_DROP:
		return XDP_DROP;
	case HYP_PARSE_PASS:
		return XDP_PASS;
	}
	c->v[HYP_CNT_SCANNED]++;
	c->v[HYP_CNT_SCANNED_BYTES] += s->plen;

	match_payload(s, t);
	if (s->drop_rule != HYP_NO_MATCH) {
		ri = s->drop_rule;
		action = HYP_ACTION_DROP;
	} else {
		ri = s->alert_rule;
		action = HYP_ACTION_ALERT;
	}
	accept = t->cfg.accept_mode;
	if (ri == HYP_NO_MATCH && accept == HYP_ACCEPT_OFF)
		return XDP_PASS;

	now = bpf_ktime_get_ns();
	if (ri != HYP_NO_MATCH) {
		const struct hyp_rule *r = &t->rules[ri & HYP_RULE_MASK];

		sig = r->pattern;
		count_hit(r->id);
		c->v[HYP_CNT_MATCHED]++;
		emit(s, c, HYP_EVENT_SIG_MATCH, now, sig);
		if (action == HYP_ACTION_DROP) {
			emit(s, c, HYP_EVENT_DROP, now, sig);
			if (t->cfg.legacy_alerts)
				emit_legacy(s, c, sig);
			c->v[HYP_CNT_SIG_DROPPED]++;
			verdict = XDP_DROP;
		} else {
			c->v[HYP_CNT_ALERTED]++;
		}
	}
	if (accept == HYP_ACCEPT_NEW_FLOW) {
		if (flow_first_accept(s, c, now, flen, verdict == XDP_PASS))
			emit(s, c, HYP_EVENT_ACCEPT, now, 0);
	} else if (accept == HYP_ACCEPT_ALL && verdict == XDP_PASS) {
		emit(s, c, HYP_EVENT_ACCEPT, now, 0);
	}
	return verdict;
}

SEC("xdp.frags")
int hyperion_xdp(struct xdp_md *ctx)
{
	const struct hyp_tables *t = NULL;
	struct hyp_counters *c;
	struct hyp_scratch *s;
	__u32 zero = 0;
	void *inner;
	int verdict;

	c = bpf_map_lookup_elem(&counters, &zero);
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!c || !s)
		return XDP_PASS;
	c->v[HYP_CNT_PACKETS]++;
	inner = bpf_map_lookup_elem(&ruleset, &zero);
	if (inner)
		t = bpf_map_lookup_elem(inner, &zero);
	if (!t) {
		c->v[HYP_CNT_NO_RULESET]++;
		c->v[HYP_CNT_PASSED]++;
		return XDP_PASS;
	}
	verdict = inspect(ctx, s, c, t);
	c->v[verdict == XDP_DROP ? HYP_CNT_DROPPED : HYP_CNT_PASSED]++;
	return verdict;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
