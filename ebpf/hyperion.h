/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Hyperion's ABI: everything that crosses between the XDP program and user
 * space. Included by ebpf/hyperion.bpf.c and by the agent and the tests, so
 * the two sides cannot disagree. Fixed-width uapi types, explicit padding,
 * no bool, no enums and no pointers in records.
 *
 * The telemetry records and ring names are the contract of the telemetry
 * specification (spec/telemetry-spec.txt); the legacy record is the 24-byte
 * event_t of the earlier release (spec/legacy-alert.md).
 */
#ifndef HYPERION_H
#define HYPERION_H

#include <linux/types.h>

#ifndef __BPF__
#include <stddef.h>
#endif

/* ---- Telemetry: hyp_event on telemetry_ringbuf -------------------------- */

#define HYP_EVENT_ACCEPT    0 /* packet passed and went on to the stack */
#define HYP_EVENT_DROP	    1 /* packet matched a drop rule and was dropped */
#define HYP_EVENT_SIG_MATCH 2 /* payload signature match (precedes a DROP) */

/*
 * IPv6 events carry this flag in event_type and are hyp_event6 records (56
 * bytes). The specification only uses codes 0..2, so a consumer that knows
 * only the 40-byte record sees an unknown type and a different size.
 */
#define HYP_EVENT_IPV6	    0x80
#define HYP_EVENT_TYPE_MASK 0x7f

#define HYP_SIG_LEN	    8 /* longest signature; the record's signature field */

/* 40 bytes, the layout of the specification's Event Format table. */
struct hyp_event {
	__u8 event_type;	     /* +0  HYP_EVENT_* */
	__u8 _pad1[3];		     /* +1  zero */
	__be32 src_ip;		     /* +4  network byte order */
	__be32 dst_ip;		     /* +8  network byte order */
	__be16 src_port;	     /* +12 network byte order */
	__be16 dst_port;	     /* +14 network byte order */
	__u8 protocol;		     /* +16 6 = TCP, 17 = UDP */
	__u8 _pad2[7];		     /* +17 zero */
	__u64 timestamp;	     /* +24 bpf_ktime_get_ns(), CLOCK_MONOTONIC */
	__u8 signature[HYP_SIG_LEN]; /* +32 matched bytes, NUL-padded */
};

/* 56 bytes: the IPv6 counterpart, same ring, event_type | HYP_EVENT_IPV6. */
struct hyp_event6 {
	__u8 event_type;	     /* +0  HYP_EVENT_IPV6 | HYP_EVENT_* */
	__u8 protocol;		     /* +1  6 = TCP, 17 = UDP */
	__u8 _pad1[2];		     /* +2  zero */
	__be16 src_port;	     /* +4  network byte order */
	__be16 dst_port;	     /* +6  network byte order */
	__u64 timestamp;	     /* +8  bpf_ktime_get_ns(), CLOCK_MONOTONIC */
	__u8 signature[HYP_SIG_LEN]; /* +16 matched bytes, NUL-padded */
	__u8 src_ip[16];	     /* +24 network byte order */
	__u8 dst_ip[16];	     /* +40 network byte order */
};

/* ---- Legacy alert record: event_t on alert_ringbuf ----------------------- */

#define HYP_LEGACY_ACTION_DROP 1

/* 24 bytes, byte-compatible with the earlier release; IPv4 drops only. */
struct event_t {
	__be32 src_ip;			   /* +0  network byte order */
	__be32 dst_ip;			   /* +4  network byte order */
	__be16 src_port;		   /* +8  network byte order */
	__be16 dst_port;		   /* +10 network byte order */
	__u32 action;			   /* +12 host byte order, HYP_LEGACY_ACTION_DROP */
	__u8 payload_snippet[HYP_SIG_LEN]; /* +16 matched bytes, NUL-padded */
};

#define HYP_TELEMETRY_RINGBUF_SIZE (64 * 1024)
#define HYP_ALERT_RINGBUF_SIZE	   (16 * 1024)

/* ---- Map names (pinned under HYP_PIN_ROOT/<interface>/) ------------------ */

#define HYP_PIN_ROOT		   "/sys/fs/bpf/hyperion"
#define HYP_MAP_TELEMETRY	   "telemetry_ringbuf"
#define HYP_MAP_ALERT		   "alert_ringbuf"
#define HYP_MAP_COUNTERS	   "counters"
#define HYP_MAP_SIG_HITS	   "sig_hits"
#define HYP_MAP_FLOWS		   "flows"
#define HYP_MAP_RULESET		   "ruleset"
#define HYP_MAP_SCRATCH		   "scratch"
#define HYP_MAP_SIG_INFO	   "sig_info"
#define HYP_PIN_LINK		   "xdp_link"

/* ---- Counters: one per-CPU array element of HYP_CNT_MAX u64 -------------- */

#define HYP_CNT_PACKETS		   0  /* every packet seen */
#define HYP_CNT_PASSED		   1  /* verdict XDP_PASS */
#define HYP_CNT_DROPPED		   2  /* verdict XDP_DROP, any reason */
#define HYP_CNT_MATCHED		   3  /* packets with a reported signature */
#define HYP_CNT_SIG_DROPPED	   4  /* dropped by a drop rule */
#define HYP_CNT_ALERTED		   5  /* alert-rule match, passed */
#define HYP_CNT_SCANNED		   6  /* TCP/UDP payloads scanned */
#define HYP_CNT_SCANNED_BYTES	   7  /* payload bytes scanned */
#define HYP_CNT_NOT_IP		   8  /* not IPv4/IPv6: passed untouched */
#define HYP_CNT_NOT_TCP_UDP	   9  /* IP but not TCP/UDP: passed untouched */
#define HYP_CNT_FRAG_FIRST	   10 /* first fragments (scanned) */
#define HYP_CNT_FRAG_NONFIRST	   11 /* non-first fragments (policy) */
#define HYP_CNT_FRAG_DROPPED	   12 /* fragments dropped by policy */
#define HYP_CNT_BAD_ETH		   13 /* frame shorter than its L2 headers */
#define HYP_CNT_VLAN_TOO_DEEP	   14 /* more than two VLAN tags: passed */
#define HYP_CNT_BAD_IPV4	   15 /* truncated, IHL < 5, bad lengths */
#define HYP_CNT_BAD_IPV6	   16 /* truncated, bad payload length */
#define HYP_CNT_V6_EXT_TOO_DEEP	   17 /* extension chain over the limit */
#define HYP_CNT_V6_EXT_DROPPED	   18 /* ... dropped by policy */
#define HYP_CNT_BAD_L4		   19 /* truncated TCP/UDP, doff < 5, bad UDP length */
#define HYP_CNT_SCAN_TRUNCATED	   20 /* payload longer than the scan window */
#define HYP_CNT_TELEMETRY_SENT	   21 /* records committed to telemetry_ringbuf */
#define HYP_CNT_TELEMETRY_LOST	   22 /* failed reservations on telemetry_ringbuf */
#define HYP_CNT_ALERT_SENT	   23 /* records committed to alert_ringbuf */
#define HYP_CNT_ALERT_LOST	   24 /* failed reservations on alert_ringbuf */
#define HYP_CNT_NO_RULESET	   25 /* no rule set installed: passed */
#define HYP_CNT_FLOWS_NEW	   26 /* flows inserted (ACCEPT new-flow mode) */
#define HYP_CNT_MAX		   27

struct hyp_counters {
	__u64 v[HYP_CNT_MAX];
};

/* ---- The agent's own accounting, pinned at HYP_PIN_ROOT/agent_stats ----- */

/*
 * Written by the agent every second and when it stops; read by `hyperion
 * stats`. Events the kernel generated (telemetry_events + _lost over all
 * interfaces) = received + kernel_lost, and received = delivered +
 * suppressed + undecodable. Outputs then count what they sent and what
 * they had to discard (queue full, receiver away).
 */
#define HYP_MAP_AGENT_STATS "agent_stats"

#define HYP_OUT_CONSOLE	    0
#define HYP_OUT_JOURNALD    1
#define HYP_OUT_SYSLOG	    2
#define HYP_OUT_MAX	    3

struct hyp_agent_stats {
	__u64 received;		       /* records read from telemetry_ringbuf */
	__u64 delivered;	       /* events handed to the outputs */
	__u64 suppressed;	       /* held back by the rate limit, summarised */
	__u64 kernel_lost;	       /* failed reservations, from the counters */
	__u64 undecodable;	       /* records of unknown size or type */
	__u64 summaries;	       /* summary records emitted */
	__u64 losses;		       /* loss records emitted */
	__u64 out_sent[HYP_OUT_MAX];   /* messages an output handed over */
	__u64 out_lost[HYP_OUT_MAX];   /* messages an output discarded */
	__u64 out_queued[HYP_OUT_MAX]; /* waiting in its queue now */
	__u64 updated_ns;	       /* CLOCK_MONOTONIC of this snapshot */
};

/* ---- Signature names for `hyperion stats`, by stable id ------------------ */

#define HYP_SIG_NAME_MAX 64 /* including the NUL */

struct hyp_sig_info {
	char name[HYP_SIG_NAME_MAX]; /* empty: id unused */
	__u64 pattern;		     /* bytes in memory order, NUL-padded */
	__u8 len;
	__u8 action; /* HYP_ACTION_* */
	__u8 _pad[6];
};

/* ---- Per-flow state (ACCEPT mode new-flow), LRU hash -------------------- */

/* IPv4 addresses are stored as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
struct hyp_flow_key {
	__u8 src_ip[16];
	__u8 dst_ip[16];
	__be16 src_port;
	__be16 dst_port;
	__u8 protocol;
	__u8 _pad[3];
};

struct hyp_flow {
	__u64 packets;	  /* all packets of the flow, whatever their verdict */
	__u64 bytes;	  /* frame bytes */
	__u64 first_seen; /* bpf_ktime_get_ns() */
	__u64 last_seen;
	__u32 accepted; /* 1 once an ACCEPT event was emitted */
	__u32 _pad;
};

#define HYP_FLOWS_DEFAULT     65536

/* ---- The rule set: one value of an inner array map, swapped whole ------- */

#define HYP_MAX_RULES	      16384 /* signatures in one rule set */
#define HYP_MAX_PORT_RANGES   16    /* destination port ranges per rule */
#define HYP_MAX_CHAIN	      16    /* patterns in one verification bucket */
#define HYP_MAX_PATTERN_RULES 16    /* rules sharing one byte pattern */

/* The stage-1 table has 2^12 (4 KiB) to 2^20 (1 MiB) slots, grown with the
 * number of signatures: false positives stay rare and small sets stay in
 * the L1 cache. */
#define HYP_T1_BITS_MIN	      12
#define HYP_T1_BITS_MAX	      20
#define HYP_T1_SIZE	      (1u << HYP_T1_BITS_MAX)
#define HYP_BUCKET_BITS	      16 /* verification buckets */
#define HYP_BUCKETS	      (1u << HYP_BUCKET_BITS)
#define HYP_T2_SIZE	      65536	 /* short signatures: one byte per bigram */
#define HYP_PAIRS_SIZE	      65536	 /* pair scan: one byte per bigram */
#define HYP_PAIRS3_SIZE	      (1u << 19) /* and per bigram and class of the third byte */
/* The pairs3 slot of the window starting with 32-bit little-endian w: its
 * first two bytes and the low three bits of the third. */
#define HYP_PAIRS3_INDEX(w)   ((__u32)(w) & (HYP_PAIRS3_SIZE - 1))

/*
 * The anchor hash: the masked window times HYP_HASH_MUL. Only the top bits
 * of a product depend on every input bit, so both indices come from them:
 * the top HYP_T1_BITS_MAX bits, cut to cfg.t1_mask, index the stage-1
 * table; the top HYP_BUCKET_BITS pick the verification bucket.
 */
#define HYP_HASH_MUL	      0x9E3779B97F4A7C15ULL
#define HYP_HASH(window)      ((__u64)(window)*HYP_HASH_MUL)
#define HYP_T1_INDEX(h, mask) ((__u32)((h) >> (64 - HYP_T1_BITS_MAX)) & (mask))
#define HYP_BUCKET_INDEX(h)   ((__u32)((h) >> (64 - HYP_BUCKET_BITS)))

/*
 * Stage-1 values: for each long pattern anchored in the slot, bit
 * (b & 7) where b is the pattern byte right after its anchor, or all bits
 * when the anchor ends the pattern. Stage 2 needs the payload byte after the
 * anchor to hit a set bit, which turns away most near misses on text.
 */
#define HYP_T1_NEXT_BIT(b)    (1u << ((b)&7))
#define HYP_T1_ANY	      0xff

/* T2 flags: which short signature lengths may start at this bigram. */
#define HYP_T2_LEN1	      0x01
#define HYP_T2_LEN2	      0x02
#define HYP_T2_LEN3	      0x04

/*
 * The pair scan (see ebpf/match.bpf.h): stage 1 on the bigram at each
 * offset, taken while it flags few blocks (ADAPT), pairs3 while the bigrams
 * flag too many, and the anchor hash (strict where the set allows) while
 * pairs3 does too; a set with cfg.pair_third starts on pairs3. As a
 * compiler knob, HYP_PAIRS_CHOOSE lets hyp_compile() pick OFF or ADAPT,
 * and the pair table (cfg.pair_third), from the set; HYP_PAIRS_ON3 asks
 * for the pair scan on pairs3[], always.
 */
#define HYP_PAIRS_CHOOSE      0
#define HYP_PAIRS_OFF	      1
#define HYP_PAIRS_ADAPT	      2	   /* per CPU, while it pays */
#define HYP_PAIRS_ON	      3	   /* always (tests, benchmarks) */
#define HYP_PAIRS_STRICT      4	   /* never; the strict hash always (tests, benchmarks) */
#define HYP_PAIRS_ON3	      5	   /* knob only: ON with cfg.pair_third set */
#define HYP_PAIRS_REVIEW      256  /* blocks between two reviews of the pair scan */
#define HYP_PAIRS_MAX_FLAGGED 50   /* percent of blocks flagged it may cost */
#define HYP_PAIRS_REST	      4096 /* packets on the next stage 1 after a bad review */

#define HYP_ACTION_DROP	      0
#define HYP_ACTION_ALERT      1

#define HYP_PROTO_ANY	      0 /* else IPPROTO_TCP or IPPROTO_UDP */

#define HYP_ACCEPT_OFF	      0
#define HYP_ACCEPT_NEW_FLOW   1
#define HYP_ACCEPT_ALL	      2

#define HYP_POLICY_PASS	      0
#define HYP_POLICY_DROP	      1

/* Knobs that travel with the rule set, so a reload changes them at once. */
struct hyp_config {
	__u8 accept_mode;     /* HYP_ACCEPT_* */
	__u8 legacy_alerts;   /* 1: an event_t per IPv4 DROP */
	__u8 nonfirst_frag;   /* HYP_POLICY_* for non-first fragments */
	__u8 v6_ext_too_deep; /* HYP_POLICY_* for over-long IPv6 chains */
	__u8 has_long;	      /* some signature has 4..8 bytes */
	__u8 has_short;	      /* HYP_T2_LEN* of the 1..3-byte signatures */
	__u8 anchor_len;      /* g: bytes hashed at every offset, 4..8 */
	__u8 max_anchor_pos;  /* largest anchor offset inside a signature */
	__u64 anchor_mask;    /* low anchor_len bytes set */
	__u32 nrules;
	__u32 npatterns;
	__u32 t1_mask;	 /* stage-1 slots - 1 */
	__u8 pair_scan;	 /* as a knob HYP_PAIRS_*; compiled, OFF..STRICT */
	__u8 pair_third; /* 1: the pair scan reads pairs3[], else pairs[] */
	__u8 _pad[2];
	__u32 set_id; /* differs from the previous set's: per-CPU records restart */
	__u32 _pad2;
};

/* One signature, in configuration order (its index is its precedence). */
struct hyp_rule {
	__u64 pattern;			    /* bytes in memory order, NUL-padded */
	__u32 id;			    /* stable across reloads: index into sig_hits */
	__u8 len;			    /* 1..8 */
	__u8 action;			    /* HYP_ACTION_* */
	__u8 protocol;			    /* HYP_PROTO_ANY, 6 or 17 */
	__u8 nranges;			    /* 0: any destination port */
	__u16 port_lo[HYP_MAX_PORT_RANGES]; /* host byte order, inclusive */
	__u16 port_hi[HYP_MAX_PORT_RANGES];
};

/* One distinct byte pattern, found through the bucket of its anchor. */
struct hyp_pattern {
	__u64 bytes;	   /* memory order, NUL-padded */
	__u64 mask;	   /* low len bytes set */
	__u16 rules_first; /* into hyp_tables.pattern_rules */
	__u8 nrules;	   /* 1..HYP_MAX_PATTERN_RULES */
	__u8 len;
	__u8 anchor_pos; /* offset of the anchor inside the pattern */
	__u8 _pad[3];
};

/* Bucket head: first pattern index in the low 24 bits, count above. */
#define HYP_HEAD_START(h) ((h)&0xffffff)
#define HYP_HEAD_COUNT(h) ((h) >> 24)

struct hyp_tables {
	struct hyp_config cfg;
	__u8 t1[HYP_T1_SIZE]; /* stage 1: anchor hash -> HYP_T1_NEXT_BIT */
	__u8 t2[HYP_T2_SIZE]; /* short signatures: HYP_T2_* */
	/* 1 if an anchor or a short signature starts so, else 0 (exactly: stage 1
	 * shifts the value into the offset's bit); pairs3 the same by
	 * HYP_PAIRS3_INDEX, read with cfg.pair_third */
	__u8 pairs[HYP_PAIRS_SIZE];
	__u8 pairs3[HYP_PAIRS3_SIZE];
	__u32 heads[HYP_BUCKETS]; /* bucket -> patterns */
	struct hyp_pattern patterns[HYP_MAX_RULES];
	__u16 pattern_rules[HYP_MAX_RULES]; /* rule indices, config order */
	struct hyp_rule rules[HYP_MAX_RULES];
};

/* ---- Static layout checks ------------------------------------------------ */

#ifdef __BPF__
#define HYP_OFFSETOF(t, m) __builtin_offsetof(t, m)
#else
#define HYP_OFFSETOF(t, m) offsetof(t, m)
#endif

_Static_assert(sizeof(struct hyp_event) == 40, "hyp_event is a wire format");
_Static_assert(HYP_OFFSETOF(struct hyp_event, event_type) == 0, "spec offset +0");
_Static_assert(HYP_OFFSETOF(struct hyp_event, _pad1) == 1, "spec offset +1");
_Static_assert(HYP_OFFSETOF(struct hyp_event, src_ip) == 4, "spec offset +4");
_Static_assert(HYP_OFFSETOF(struct hyp_event, dst_ip) == 8, "spec offset +8");
_Static_assert(HYP_OFFSETOF(struct hyp_event, src_port) == 12, "spec offset +12");
_Static_assert(HYP_OFFSETOF(struct hyp_event, dst_port) == 14, "spec offset +14");
_Static_assert(HYP_OFFSETOF(struct hyp_event, protocol) == 16, "spec offset +16");
_Static_assert(HYP_OFFSETOF(struct hyp_event, _pad2) == 17, "spec offset +17");
_Static_assert(HYP_OFFSETOF(struct hyp_event, timestamp) == 24, "spec offset +24");
_Static_assert(HYP_OFFSETOF(struct hyp_event, signature) == 32, "spec offset +32");

_Static_assert(sizeof(struct hyp_event6) == 56, "hyp_event6 is a wire format");
_Static_assert(HYP_OFFSETOF(struct hyp_event6, event_type) == 0, "v6 offset +0");
_Static_assert(HYP_OFFSETOF(struct hyp_event6, protocol) == 1, "v6 offset +1");
_Static_assert(HYP_OFFSETOF(struct hyp_event6, src_port) == 4, "v6 offset +4");
_Static_assert(HYP_OFFSETOF(struct hyp_event6, dst_port) == 6, "v6 offset +6");
_Static_assert(HYP_OFFSETOF(struct hyp_event6, timestamp) == 8, "v6 offset +8");
_Static_assert(HYP_OFFSETOF(struct hyp_event6, signature) == 16, "v6 offset +16");
_Static_assert(HYP_OFFSETOF(struct hyp_event6, src_ip) == 24, "v6 offset +24");
_Static_assert(HYP_OFFSETOF(struct hyp_event6, dst_ip) == 40, "v6 offset +40");

_Static_assert(sizeof(struct event_t) == 24, "event_t is a wire format");
_Static_assert(HYP_OFFSETOF(struct event_t, src_ip) == 0, "legacy offset +0");
_Static_assert(HYP_OFFSETOF(struct event_t, dst_ip) == 4, "legacy offset +4");
_Static_assert(HYP_OFFSETOF(struct event_t, src_port) == 8, "legacy offset +8");
_Static_assert(HYP_OFFSETOF(struct event_t, dst_port) == 10, "legacy offset +10");
_Static_assert(HYP_OFFSETOF(struct event_t, action) == 12, "legacy offset +12");
_Static_assert(HYP_OFFSETOF(struct event_t, payload_snippet) == 16, "legacy offset +16");

_Static_assert(sizeof(struct hyp_flow_key) == 40, "flow key has no hidden padding");
_Static_assert(sizeof(struct hyp_flow) == 40, "flow value has no hidden padding");
_Static_assert(sizeof(struct hyp_config) == 40, "config has no hidden padding");
_Static_assert(sizeof(struct hyp_rule) == 80, "rule has no hidden padding");
_Static_assert(sizeof(struct hyp_pattern) == 24, "pattern has no hidden padding");
_Static_assert(sizeof(struct hyp_sig_info) == 80, "sig info has no hidden padding");
_Static_assert(sizeof(struct hyp_agent_stats) == (8 + 3 * HYP_OUT_MAX) * 8, "u64s only");
_Static_assert(HYP_MAX_RULES <= 65536, "pattern_rules holds u16 rule indices");
_Static_assert(HYP_MAX_RULES < (1 << 24), "bucket heads hold 24-bit starts");
_Static_assert(HYP_MAX_CHAIN < 256, "bucket heads hold 8-bit counts");
/* An array map value is one kmalloc/vmalloc area capped at 4 MiB. */
_Static_assert(sizeof(struct hyp_tables) <= (4u << 20), "rule set fits one map value");

#endif /* HYPERION_H */
