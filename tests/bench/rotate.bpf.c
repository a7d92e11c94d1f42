// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Benchmark programs. For the per-packet cost with BPF_PROG_TEST_RUN: a run
 * repeats a single frame, which lets the branch predictor learn it.
 * rotate() writes the next payload of a pool into the frame before
 * tail-calling the program under test (slot 0 of `target`), so consecutive
 * runs see different packets. The same harness in front of noop() is the
 * baseline it is compared with. For packets per second over veth: tx() and
 * count_drop().
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define POOL	     64
#define POOL_PAYLOAD 1536

struct pool_entry {
	__u8 bytes[POOL_PAYLOAD];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, POOL);
	__type(key, __u32);
	__type(value, struct pool_entry);
} pool SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target SEC(".maps");

const volatile __u32 payload_off = 42; /* Ethernet + IPv4 + UDP */
const volatile __u32 payload_len = 64; /* 1..POOL_PAYLOAD */
__u32 next;

SEC("xdp.frags")
int rotate(struct xdp_md *ctx)
{
	__u32 k = next++ % POOL;
	struct pool_entry *e = bpf_map_lookup_elem(&pool, &k);
	__u32 len = payload_len;

	if (e && len >= 1 && len <= POOL_PAYLOAD)
		bpf_xdp_store_bytes(ctx, payload_off, e->bytes, len);
	bpf_tail_call(ctx, &target, 0);
	return XDP_ABORTED;
}

SEC("xdp.frags")
int noop(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* ---- Packets per second over veth (bench_pps) ---------------------------- */

/* The sender: BPF_PROG_TEST_RUN in live-frames mode transmits every frame
 * out of the interface it is given as ingress. */
SEC("xdp.frags")
int tx(struct xdp_md *ctx)
{
	return XDP_TX;
}

/* Frames a receiver program saw, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

/* The baseline receiver: count and drop, nothing else. */
SEC("xdp.frags")
int count_drop(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&seen, &zero);

	if (n)
		(*n)++;
	return XDP_DROP;
}
