// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "loader.h"

int hyp_ruleset_install(int ruleset_fd, const struct hyp_tables *t)
{
	__u32 zero = 0;
	int fd, err = 0;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "hyp_rules", sizeof(__u32), sizeof(*t), 1, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &zero, t, BPF_ANY) ||
	    bpf_map_update_elem(ruleset_fd, &zero, &fd, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}
