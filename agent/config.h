/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * /etc/hyperion.yaml: the schema, parsed with libyaml into struct
 * hyp_config_file. The commented default is conf/hyperion.yaml; the
 * reference is hyperion.yaml(5).
 */
#ifndef HYPERION_CONFIG_H
#define HYPERION_CONFIG_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include "hyperion.h"

#define HYP_CONFIG_DEFAULT  "/etc/hyperion.yaml"
#define HYP_CONFIG_MAX_SIZE (4u << 20) /* larger files are refused */
#define HYP_MAX_IFACES	    64
#define HYP_NAME_MAX	    HYP_SIG_NAME_MAX /* signature names, with the NUL */

#define HYP_XDP_AUTO	    0 /* native, falling back to generic (logged) */
#define HYP_XDP_NATIVE	    1
#define HYP_XDP_GENERIC	    2

#define HYP_LOG_ERR	    3 /* syslog(3) levels */
#define HYP_LOG_WARNING	    4
#define HYP_LOG_INFO	    6
#define HYP_LOG_DEBUG	    7

#define HYP_COLOR_AUTO	    0
#define HYP_COLOR_ALWAYS    1
#define HYP_COLOR_NEVER	    2

struct hyp_iface_config {
	char name[IF_NAMESIZE];
	int mode; /* HYP_XDP_* */
};

struct hyp_sig_config {
	char name[HYP_NAME_MAX];
	struct hyp_rule rule; /* pattern, len, action, protocol, ports; id 0 */
	unsigned int line;    /* where it was defined, for messages */
};

struct hyp_console_config {
	int enabled;
	int color; /* HYP_COLOR_* */
};

struct hyp_journald_config {
	int enabled;
	uint32_t queue_size; /* entries held while journald is busy or away */
};

#define HYP_SYSLOG_UDP	  0
#define HYP_SYSLOG_TCP	  1
#define HYP_SYSLOG_UNIX	  2

#define HYP_FRAMING_OCTET 0 /* RFC 6587 octet counting */
#define HYP_FRAMING_LF	  1 /* one message per line */

struct hyp_syslog_config {
	int enabled;
	int transport;		/* HYP_SYSLOG_* */
	char target[256];	/* "host:port", "[v6addr]:port" or a socket path */
	int framing;		/* HYP_FRAMING_*, TCP only */
	int facility;		/* 0..23, syslog(3) facility number */
	char hostname[256];	/* empty: gethostname() */
	uint32_t enterprise_id; /* the N of the SD-ID hyperion@N */
	uint32_t queue_size;	/* messages held while the receiver is away */
};

/* Token bucket per (event type, signature); 0 rate means unlimited. */
struct hyp_ratelimit_config {
	uint32_t rate;		   /* events per second */
	uint32_t burst;		   /* bucket depth */
	uint32_t summary_interval; /* seconds between summary events */
};

struct hyp_config_file {
	int log_level; /* HYP_LOG_* */
	size_t nifaces;
	struct hyp_iface_config ifaces[HYP_MAX_IFACES];
	size_t nsigs;
	struct hyp_sig_config *sigs; /* nsigs, in file order */
	struct hyp_config knobs;     /* accept_mode, legacy_alerts, nonfirst_frag,
				      * v6_ext_too_deep; the rest is zero */
	uint32_t flow_table_size;    /* ACCEPT new-flow table entries */
	uint32_t realtime_priority;  /* SCHED_FIFO priority of the ring reader, 0: off */
	struct hyp_ratelimit_config ratelimit;
	struct hyp_console_config console;
	struct hyp_journald_config journald;
	struct hyp_syslog_config syslog;
};

/* What went wrong, where: "FILE:LINE:COL: message". */
struct hyp_config_error {
	char msg[512];
};

/*
 * Parses path into *out (zeroed first; defaults applied). Returns 0, or -1
 * with err->msg set; nothing is allocated in *out on failure. Refuses
 * non-regular files, files over HYP_CONFIG_MAX_SIZE, invalid UTF-8, YAML
 * anchors and aliases, unknown keys, wrong types, out-of-range values,
 * duplicate signature names, empty, over-long or badly escaped patterns,
 * two patterns equal up to trailing NULs, more than HYP_MAX_PATTERN_RULES
 * signatures sharing one pattern, a signature that another with the same
 * bytes always outranks, and interface names that do not exist (when
 * check_ifaces is set). *warn, if given, receives a warning
 * that does not invalidate the file (e.g. writable by other users).
 */
int hyp_config_load(const char *path, int check_ifaces, struct hyp_config_file *out,
		    struct hyp_config_error *err, struct hyp_config_error *warn);

/* Same, from a buffer; name is used in messages. For tests and fuzzing. */
int hyp_config_parse(const char *name, const char *buf, size_t len, int check_ifaces,
		     struct hyp_config_file *out, struct hyp_config_error *err);

void hyp_config_free(struct hyp_config_file *c);

#endif /* HYPERION_CONFIG_H */
