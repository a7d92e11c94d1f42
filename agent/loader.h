/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Loading the XDP program, one instance per interface, attaching it through
 * a pinned BPF link, and feeding it rule sets.
 *
 * Everything an instance owns is pinned under HYP_PIN_ROOT/<interface>/:
 * the maps (for `hyperion stats` and other readers) and the XDP link. The
 * pinned link keeps the filter in place if the agent dies; the next agent
 * takes it over with a link update, without a gap (see README, "When the
 * agent stops"). A clean stop detaches and removes the pins.
 */
#ifndef HYPERION_LOADER_H
#define HYPERION_LOADER_H

#include <limits.h>
#include <net/if.h>
#include "config.h"
#include "ruleset.h"

struct hyperion_bpf;

struct hyp_instance {
	char ifname[IF_NAMESIZE];
	int ifindex;
	int mode;     /* HYP_XDP_* requested */
	int attached; /* HYP_XDP_NATIVE or HYP_XDP_GENERIC once attached;
		       * HYP_XDP_AUTO after a takeover: the previous agent's mode */
	struct hyperion_bpf *skel;
	int link_fd;	    /* -1 until attached */
	char dir[PATH_MAX]; /* HYP_PIN_ROOT/<ifname> */
};

/* Mounts bpffs on /sys/fs/bpf if nothing is mounted there. */
int hyp_bpffs_ensure(void);

/* Loads the program for ic (flow table of `flows` entries) and pins its
 * maps; a stale pinned link of a dead agent is kept for hyp_instance_attach.
 * Returns 0 or a negative errno, logged. */
int hyp_instance_open(struct hyp_instance *in, const struct hyp_iface_config *ic, __u32 flows);

/* Attaches (or takes over the stale link) and pins the link. */
int hyp_instance_attach(struct hyp_instance *in);

/* Detaches, removes the pins, frees. Accepts an instance never opened. */
void hyp_instance_close(struct hyp_instance *in);

/*
 * Installs rs in every instance: zeroes the hit counters of fresh ids,
 * writes sig_info, then swaps the tables in (hyp_ruleset_swap).
 */
int hyp_ruleset_apply(struct hyp_instance *ins, size_t n, const struct hyp_ruleset *rs);

/*
 * Builds a new inner rule-set map holding *t and swaps it into slot 0 of
 * the ruleset map of each of the n programs, one update per map: packets
 * see the old set or the new one, never a mix. The kernel frees the old
 * map once no program uses it. Returns 0 or a negative errno.
 */
int hyp_ruleset_swap(struct hyperion_bpf *const *skels, size_t n, const struct hyp_tables *t);

#endif /* HYPERION_LOADER_H */
