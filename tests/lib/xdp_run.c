// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hyperion.skel.h"
#include "loader.h"
#include "sigcompile.h"
#include "tap.h"
#include "xdp_run.h"

static int on_event(struct xrun *x, int ring, void *data, size_t size)
{
	struct xrun_event *e;

	if (x->nev == XRUN_MAX_EVENTS) {
		x->overflow = 1;
		return 0;
	}
	e = &x->ev[x->nev++];
	e->ring = ring;
	e->size = size;
	memcpy(e->data, data, size < sizeof(e->data) ? size : sizeof(e->data));
	return 0;
}

static int on_telemetry(void *ctx, void *data, size_t size)
{
	return on_event(ctx, 0, data, size);
}

static int on_alert(void *ctx, void *data, size_t size)
{
	return on_event(ctx, 1, data, size);
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int xrun_open(struct xrun *x, uint32_t flows)
{
	int err;

	memset(x, 0, sizeof(*x));
	libbpf_set_print(quiet);
	x->skel = hyperion_bpf__open();
	if (!x->skel)
		return -errno;
	if (flows)
		bpf_map__set_max_entries(x->skel->maps.flows, flows);
	err = hyperion_bpf__load(x->skel);
	if (err)
		goto fail;
	x->prog_fd = bpf_program__fd(x->skel->progs.hyperion_xdp);
	x->rb = ring_buffer__new(bpf_map__fd(x->skel->maps.telemetry_ringbuf), on_telemetry, x,
				 NULL);
	if (!x->rb) {
		err = -errno;
		goto fail;
	}
	err = ring_buffer__add(x->rb, bpf_map__fd(x->skel->maps.alert_ringbuf), on_alert, x);
	if (err)
		goto fail;
	x->tables = calloc(1, sizeof(*x->tables));
	if (!x->tables) {
		err = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	xrun_close(x);
	return err;
}

void xrun_close(struct xrun *x)
{
	ring_buffer__free(x->rb);
	hyperion_bpf__destroy(x->skel);
	free(x->tables);
	memset(x, 0, sizeof(*x));
}

int xrun_rules(struct xrun *x, const struct hyp_rule *rules, size_t n,
	       const struct hyp_config *knobs)
{
	struct hyp_compile_error err;
	struct hyp_config none = { 0 };
	int rc;

	rc = hyp_compile(rules, n, knobs ? knobs : &none, x->tables, &err);
	if (rc) {
		diag("compile: rule %d: %s", err.rule, err.msg);
		return rc;
	}
	return hyp_ruleset_swap(&x->skel, 1, x->tables);
}

int xrun_packet(struct xrun *x, const void *frame, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (__u32)len,
		    .repeat = 1);

	x->nev = 0;
	x->overflow = 0;
	if (bpf_prog_test_run_opts(x->prog_fd, &opts))
		return -errno;
	ring_buffer__consume(x->rb);
	return (int)opts.retval;
}

static int ncpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? n : 1;
}

int xrun_counters(struct xrun *x, struct hyp_counters *out)
{
	int n = ncpus();
	struct hyp_counters *per = calloc(n, sizeof(*per));
	__u32 zero = 0;

	if (!per)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(bpf_map__fd(x->skel->maps.counters), &zero, per)) {
		free(per);
		return -errno;
	}
	for (int c = 0; c < n; c++)
		for (int i = 0; i < HYP_CNT_MAX; i++)
			out->v[i] += per[c].v[i];
	free(per);
	return 0;
}

int xrun_reset(struct xrun *x)
{
	int n = ncpus(), fd = bpf_map__fd(x->skel->maps.sig_hits), err = 0;
	void *zeros = calloc(n, sizeof(struct hyp_counters));
	__u32 zero = 0;

	if (!zeros)
		return -ENOMEM;
	if (bpf_map_update_elem(bpf_map__fd(x->skel->maps.counters), &zero, zeros, BPF_ANY))
		err = -errno;
	for (__u32 id = 0; id < HYP_MAX_RULES && !err; id++)
		if (bpf_map_update_elem(fd, &id, zeros, BPF_ANY))
			err = -errno;
	free(zeros);
	return err;
}

uint64_t xrun_hits(struct xrun *x, uint32_t id)
{
	int n = ncpus();
	uint64_t *per = calloc(n, sizeof(*per)), sum = 0;

	if (per && !bpf_map_lookup_elem(bpf_map__fd(x->skel->maps.sig_hits), &id, per))
		for (int c = 0; c < n; c++)
			sum += per[c];
	free(per);
	return sum;
}

uint64_t xrun_verified_insns(struct xrun *x)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(x->prog_fd, &info, &len))
		return 0;
	return info.verified_insns;
}

struct hyp_rule xrun_rule(const void *bytes, unsigned int len, uint32_t id)
{
	struct hyp_rule r;

	memset(&r, 0, sizeof(r));
	memcpy(&r.pattern, bytes, len);
	r.len = (__u8)len;
	r.id = id;
	r.action = HYP_ACTION_DROP;
	return r;
}
