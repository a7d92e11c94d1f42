// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hyperion: the command line. Exit codes: 0 ok, 1 runtime failure, 2 bad
 * configuration or usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "agent.h"
#include "log.h"
#include "stats.h"

#ifndef HYP_VERSION
#define HYP_VERSION "0.0.0"
#endif

static const char usage_text[] =
	"Usage: hyperion COMMAND [OPTIONS]\n"
	"\n"
	"Drops TCP/UDP packets whose payload carries a configured signature, at the\n"
	"NIC with XDP, and reports what it saw.\n"
	"\n"
	"Commands:\n"
	"  run [[-c] FILE]         load, attach and report events until SIGINT/SIGTERM;\n"
	"                          SIGHUP reloads the configuration\n"
	"  check-config [--condition] [[-c] FILE]\n"
	"                          validate the configuration only\n"
	"  stats [--json]          counters and per-signature hits of the running agent\n"
	"  version                 print the version\n"
	"\n"
	"FILE defaults to " HYP_CONFIG_DEFAULT ". `hyperion help COMMAND` for more.\n"
	"Exit status: 0 ok, 1 runtime failure, 2 bad configuration or usage.\n";

/* The commands: their name, whether they read a configuration file (given
 * with -c, or as their one bare argument) and their --help. */
struct command {
	const char *name;
	int takes_file;
	const char *help;
};

static const struct command commands[] = {
	{ "run", 1,
	  "Usage: hyperion run [[-c] FILE]\n\n"
	  "Loads the XDP program on every interface of FILE (default " HYP_CONFIG_DEFAULT
	  "),\ncompiles its signatures, attaches, and writes one line per event until\n"
	  "SIGINT or SIGTERM, which detach everywhere. SIGHUP reloads FILE: an invalid\n"
	  "file leaves the running rules in place.\n" },
	{ "check-config", 1,
	  "Usage: hyperion check-config [--condition] [[-c] FILE]\n\n"
	  "Validates FILE (default " HYP_CONFIG_DEFAULT ") and exits 0 when it is valid,\n"
	  "2 when it is not, printing why.\n\n"
	  "--condition is for systemd's ExecCondition=: exits 1 when FILE lists no\n"
	  "interface (nothing to filter: the start is skipped, not failed), else 0,\n"
	  "leaving any other fault of FILE to `hyperion run` to report.\n" },
	{ "stats", 0,
	  "Usage: hyperion stats [--json]\n\n"
	  "Prints the counters and per-signature hits of the running agent, read\n"
	  "from its maps pinned under " HYP_PIN_ROOT ".\n" },
	{ "version", 0, "Usage: hyperion version\n" },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* Options of every command (main() checks which belong to which); returns
 * -1 on a usage error. *config_given: -c FILE, or FILE where takes_file. */
static int parse_opts(int argc, char **argv, int takes_file, const char **config, int *config_given,
		      int *json, int *condition, int *want_help)
{
	static const struct option opts[] = { { "config", required_argument, NULL, 'c' },
					      { "json", no_argument, NULL, 'j' },
					      { "condition", no_argument, NULL, 'C' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (*config_given) {
				fprintf(stderr, "hyperion: -c given twice ('%s', then '%s')\n",
					*config, optarg);
				return -1;
			}
			*config = optarg;
			*config_given = 1;
			break;
		case 'j':
			*json = 1;
			break;
		case 'C':
			*condition = 1;
			break;
		case 'h':
			*want_help = 1;
			break;
		default:
			return -1;
		}
	}
	if (takes_file && optind < argc && !*config_given) { /* run FILE, as in -c FILE */
		*config = argv[optind++];
		*config_given = 1;
	}
	if (optind < argc) {
		fprintf(stderr, "hyperion: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

static int cmd_run(const char *config)
{
	static struct hyp_agent a;
	int rc = hyp_agent_start(&a, config);

	if (rc != HYP_EXIT_OK)
		return rc;
	if (hyp_agent_loop(&a))
		rc = HYP_EXIT_FAILURE;
	hyp_agent_stop_loop(&a);
	hyp_agent_shutdown(&a);
	log_info("detached; exiting");
	return rc;
}

/*
 * check-config --condition: 1 when the file lists no interface, so that
 * systemd skips the start (a fresh install's file lists none) instead of
 * failing it; 0 otherwise, an unreadable or invalid file included: `run`
 * then fails and says why.
 */
static int cmd_condition(const char *config)
{
	static struct hyp_config_file cf;
	struct hyp_config_error err, warn = { { 0 } };
	size_t n;

	if (hyp_config_load(config, 1, &cf, &err, &warn))
		return HYP_EXIT_OK;
	n = cf.nifaces;
	hyp_config_free(&cf);
	if (n)
		return HYP_EXIT_OK;
	fprintf(stderr,
		"%s lists no interfaces: nothing to filter, not starting. Name one under "
		"'interfaces:' (see hyperion.yaml(5)) and start hyperion again.\n",
		config);
	return HYP_EXIT_FAILURE;
}

static int cmd_check(const char *config)
{
	static struct hyp_config_file cf;
	struct hyp_config_error err, warn = { { 0 } };
	struct hyp_ruleset rs;

	if (hyp_config_load(config, 1, &cf, &err, &warn)) {
		fprintf(stderr, "%s\n", err.msg);
		return HYP_EXIT_CONFIG;
	}
	if (warn.msg[0])
		fprintf(stderr, "warning: %s\n", warn.msg);
	if (hyp_ruleset_build(&rs, &cf, NULL, &err)) {
		fprintf(stderr, "%s: %s\n", config, err.msg);
		hyp_config_free(&cf);
		return HYP_EXIT_CONFIG;
	}
	printf("%s: valid: %zu interface(s), %zu signature(s)\n", config, cf.nifaces, cf.nsigs);
	hyp_ruleset_free(&rs);
	hyp_config_free(&cf);
	return HYP_EXIT_OK;
}

/* help, --help or -h */
static int is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL, *config = HYP_CONFIG_DEFAULT;
	int json = 0, condition = 0, want_help = 0, config_given = 0;
	const struct command *c;

	if (!cmd || is_help(cmd)) { /* help [COMMAND] */
		const char *topic = cmd && argc > 2 ? argv[2] : NULL;

		if (topic && !is_help(topic)) {
			c = find_command(strcmp(topic, "--version") ? topic : "version");
			if (!c || argc > 3) {
				fprintf(stderr,
					c ? "hyperion: unexpected argument '%s'\n\n%s"
					  : "hyperion: unknown command '%s'\n\n%s",
					argv[c ? 3 : 2], usage_text);
				return HYP_EXIT_CONFIG;
			}
			fputs(c->help, stdout);
			return HYP_EXIT_OK;
		}
		if (argc > 3) { /* help help foo */
			fprintf(stderr, "hyperion: unexpected argument '%s'\n\n%s", argv[3],
				usage_text);
			return HYP_EXIT_CONFIG;
		}
		fputs(usage_text, cmd ? stdout : stderr);
		return cmd ? HYP_EXIT_OK : HYP_EXIT_CONFIG;
	}
	if (!strcmp(cmd, "--version"))
		cmd = "version";
	c = find_command(cmd);
	if (!c) {
		fprintf(stderr, "hyperion: unknown command '%s'\n\n%s", cmd, usage_text);
		return HYP_EXIT_CONFIG;
	}
	if (parse_opts(argc - 1, argv + 1, c->takes_file, &config, &config_given, &json, &condition,
		       &want_help)) {
		fputs(usage_text, stderr);
		return HYP_EXIT_CONFIG;
	}
	if (want_help) {
		fputs(c->help, stdout);
		return HYP_EXIT_OK;
	}
	if (condition && strcmp(cmd, "check-config")) {
		fprintf(stderr, "hyperion: --condition is an option of check-config only\n");
		return HYP_EXIT_CONFIG;
	}
	if (json && strcmp(cmd, "stats")) {
		fprintf(stderr, "hyperion: --json is an option of stats only\n");
		return HYP_EXIT_CONFIG;
	}
	if (config_given && !c->takes_file) {
		fprintf(stderr, "hyperion: %s reads no configuration file\n", cmd);
		return HYP_EXIT_CONFIG;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(config);
	if (!strcmp(cmd, "check-config"))
		return condition ? cmd_condition(config) : cmd_check(config);
	if (!strcmp(cmd, "stats"))
		return hyp_stats(json) ? HYP_EXIT_FAILURE : HYP_EXIT_OK;
	printf("hyperion %s\n", HYP_VERSION); /* version */
	return HYP_EXIT_OK;
}
