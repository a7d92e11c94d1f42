// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The configuration parser on any bytes. Beyond memory errors, leaks and
 * undefined behaviour, it checks the parser's contract: a refusal leaves
 * nothing allocated and says "name:line:col: ..." in printable ASCII; an
 * accepted file holds only well-formed signatures, which the signature
 * compiler accepts too (or refuses as too many, never as malformed).
 */
#include <errno.h>
#include "config.h"
#include "fuzz_input.h"
#include "sigcompile.h"

#define NAME "fuzz.yaml"

static int printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

static void check_refusal(const struct hyp_config_file *cfg, const struct hyp_config_error *err)
{
	size_t line = 0, col = 0;

	FUZZ_ASSERT(!cfg->sigs && !cfg->nsigs, "a refusal leaves nothing allocated");
	FUZZ_ASSERT(sscanf(err->msg, NAME ":%zu:%zu: ", &line, &col) == 2 && line && col,
		    "message without a position: %s", err->msg);
	FUZZ_ASSERT(printable(err->msg), "message with unprintable bytes: %s", err->msg);
}

static int valid_name(const char *s)
{
	size_t n = strnlen(s, HYP_NAME_MAX);

	if (n < 1 || n >= HYP_NAME_MAX)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static void check_sig(const struct hyp_sig_config *s)
{
	const struct hyp_rule *r = &s->rule;

	FUZZ_ASSERT(valid_name(s->name), "signature name '%.64s' let through", s->name);
	FUZZ_ASSERT(r->len >= 1 && r->len <= HYP_SIG_LEN, "pattern length %u", r->len);
	FUZZ_ASSERT(!(r->pattern & ~hyp_len_mask(r->len)), "pattern bytes past its length");
	FUZZ_ASSERT(r->action <= HYP_ACTION_ALERT, "action %u", r->action);
	FUZZ_ASSERT(r->protocol == HYP_PROTO_ANY || r->protocol == 6 || r->protocol == 17,
		    "protocol %u", r->protocol);
	FUZZ_ASSERT(r->nranges <= HYP_MAX_PORT_RANGES, "%u port ranges", r->nranges);
	for (int k = 0; k < r->nranges; k++)
		FUZZ_ASSERT(r->port_lo[k] >= 1 && r->port_lo[k] <= r->port_hi[k],
			    "port range %u-%u", r->port_lo[k], r->port_hi[k]);
}

/* What the agent does next with an accepted file: compile its rules. */
static void check_compiles(const struct hyp_config_file *cfg)
{
	static struct hyp_tables tables;
	struct hyp_compile_error err;
	struct hyp_rule *rules = calloc(cfg->nsigs ? cfg->nsigs : 1, sizeof(*rules));
	int rc;

	FUZZ_ASSERT(rules, "out of memory");
	for (size_t i = 0; i < cfg->nsigs; i++) {
		rules[i] = cfg->sigs[i].rule;
		rules[i].id = (__u32)i;
	}
	rc = hyp_compile(rules, cfg->nsigs, &cfg->knobs, &tables, &err);
	FUZZ_ASSERT(rc == 0 || rc == -E2BIG, "accepted signatures do not compile: %s", err.msg);
	free(rules);
}

static void check_accepted(const struct hyp_config_file *cfg)
{
	FUZZ_ASSERT(cfg->nifaces <= HYP_MAX_IFACES, "%zu interfaces", cfg->nifaces);
	FUZZ_ASSERT(cfg->nsigs <= HYP_MAX_RULES && (cfg->sigs || !cfg->nsigs), "%zu signatures",
		    cfg->nsigs);
	for (size_t i = 0; i < cfg->nifaces; i++)
		FUZZ_ASSERT(memchr(cfg->ifaces[i].name, 0, IF_NAMESIZE) && cfg->ifaces[i].name[0],
			    "interface name");
	for (size_t i = 0; i < cfg->nsigs; i++)
		check_sig(&cfg->sigs[i]);
	check_compiles(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hyp_config_file cfg;
	struct hyp_config_error err = { "" };

	if (hyp_config_parse(NAME, (const char *)data, size, 0, &cfg, &err)) {
		check_refusal(&cfg, &err);
		return 0;
	}
	check_accepted(&cfg);
	hyp_config_free(&cfg);
	return 0;
}
