// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Loads the XDP program from the skeleton (as the BPF test suites do) with
 * the verifier's statistics on, and prints what the kernel said: the stack
 * depth of each subprogram, the instructions processed, and on failure the
 * whole log. A tool for tests/kernel/run-in-vm.sh, not a test:
 *
 *   verifier-log [LEVEL]    LEVEL: the log level (default 5 = 1 | BPF_LOG_STATS;
 *                           2 for every instruction, which is long)
 *
 * Exit status 0 when the program loads. Build (nothing in the Makefile):
 *   cc -O2 -Ibuild -Iebpf -Iagent tests/kernel/verifier-log.c -lbpf -o build/tests/verifier-log
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "hyperion.skel.h"

static char log_buf[64 << 20];

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	unsigned int level = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : 5;
	struct hyperion_bpf *skel;
	size_t len;
	int err;

	libbpf_set_print(quiet);
	skel = hyperion_bpf__open();
	if (!skel) {
		fprintf(stderr, "open: %s\n", strerror(errno));
		return 1;
	}
	bpf_map__set_max_entries(skel->maps.flows, 1024);
	bpf_program__set_log_buf(skel->progs.hyperion_xdp, log_buf, sizeof(log_buf));
	bpf_program__set_log_level(skel->progs.hyperion_xdp, level);
	err = hyperion_bpf__load(skel);
	len = strlen(log_buf);
	if (err || level & 2) {
		fwrite(log_buf, 1, len, stdout);
	} else {
		/* the statistics: the last lines */
		const char *p = log_buf + len;
		int lines = 0;

		while (p > log_buf && lines < 6)
			if (*--p == '\n')
				lines++;
		fputs(p, stdout);
	}
	printf("# load: %s\n", err ? strerror(-err) : "ok");
	hyperion_bpf__destroy(skel);
	return err ? 1 : 0;
}
