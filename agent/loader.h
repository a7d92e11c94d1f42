/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Loading the XDP program and feeding it rule sets.
 */
#ifndef HYPERION_LOADER_H
#define HYPERION_LOADER_H

#include "hyperion.h"

/*
 * Builds a new inner rule-set map holding *t and swaps it into slot 0 of the
 * outer map ruleset_fd in one update: packets see the old set or the new
 * one, never a mix. The kernel frees the old map once no program uses it.
 * Returns 0 or a negative errno.
 */
int hyp_ruleset_install(int ruleset_fd, const struct hyp_tables *t);

#endif /* HYPERION_LOADER_H */
