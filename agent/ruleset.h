/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A compiled rule set: the signatures of a configuration with their stable
 * ids (a signature keeps its id, and so its hit counter, across reloads for
 * as long as its name stays), the tables for the XDP program, and the
 * lookup from an event's signature bytes back to the signature.
 */
#ifndef HYPERION_RULESET_H
#define HYPERION_RULESET_H

#include <stddef.h>
#include "config.h"

struct hyp_ruleset {
	size_t n;
	struct hyp_rule *rules;		      /* configuration order, ids assigned */
	char (*names)[HYP_NAME_MAX];	      /* names[i] of rules[i] */
	struct hyp_tables *tables;	      /* what the XDP program reads */
	unsigned int *by_pattern;	      /* rule indices sorted by pattern */
	unsigned char *fresh;		      /* fresh[i]: rules[i].id is new to the
					   * set, its hit counter must start at 0 */
	unsigned char id_used[HYP_MAX_RULES]; /* ids taken by this set */
};

/*
 * Builds rs from the configuration. Names that were in prev keep their id;
 * new names take ids that prev did not use, and are marked in rs->fresh.
 * Returns 0 or -1 with err set.
 */
int hyp_ruleset_build(struct hyp_ruleset *rs, const struct hyp_config_file *cf,
		      const struct hyp_ruleset *prev, struct hyp_config_error *err);

void hyp_ruleset_free(struct hyp_ruleset *rs);

/*
 * The signature an event reports: the first in configuration order with
 * these (NUL-padded) bytes that applies to the packet's protocol and
 * destination port, a drop rule if one applies (the XDP program prefers
 * drops), else an alert rule. -1 when none.
 */
int hyp_ruleset_find(const struct hyp_ruleset *rs, const unsigned char sig[HYP_SIG_LEN],
		     unsigned int protocol, unsigned int dport);

#endif /* HYPERION_RULESET_H */
