// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "hyperion.skel.h"
#include "loader.h"
#include "log.h"

/* The maps every instance pins, by their names in the ABI header. */
static struct bpf_map *pinned_map(struct hyperion_bpf *skel, int i, const char **name)
{
	struct {
		const char *name;
		struct bpf_map *map;
	} maps[] = {
		{ HYP_MAP_TELEMETRY, skel->maps.telemetry_ringbuf },
		{ HYP_MAP_ALERT, skel->maps.alert_ringbuf },
		{ HYP_MAP_COUNTERS, skel->maps.counters },
		{ HYP_MAP_SIG_HITS, skel->maps.sig_hits },
		{ HYP_MAP_SIG_INFO, skel->maps.sig_info },
		{ HYP_MAP_FLOWS, skel->maps.flows },
		{ HYP_MAP_RULESET, skel->maps.ruleset },
	};

	if (i < 0 || (size_t)i >= sizeof(maps) / sizeof(maps[0]))
		return NULL;
	*name = maps[i].name;
	return maps[i].map;
}

static const char *const pin_names[] = { HYP_MAP_TELEMETRY, HYP_MAP_ALERT,    HYP_MAP_COUNTERS,
					 HYP_MAP_SIG_HITS,  HYP_MAP_SIG_INFO, HYP_MAP_FLOWS,
					 HYP_MAP_RULESET,   HYP_PIN_LINK };

static void pin_path(char *buf, size_t cap, const struct hyp_instance *in, const char *name)
{
	snprintf(buf, cap, "%s/%s", in->dir, name);
}

int hyp_bpffs_ensure(void)
{
	struct statfs st;

	if (statfs("/sys/fs/bpf", &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir("/sys/fs/bpf", 0700) && errno != EEXIST) {
		log_err("cannot create /sys/fs/bpf: %m");
		return -errno;
	}
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
		log_err("cannot mount the BPF filesystem on /sys/fs/bpf: %m");
		return -errno;
	}
	log_info("mounted the BPF filesystem on /sys/fs/bpf");
	return 0;
}

/* Removes the map pins of a previous agent and pins ours. */
static int pin_maps(struct hyp_instance *in)
{
	char path[PATH_MAX + 32];
	const char *name;
	struct bpf_map *map;

	for (int i = 0; (map = pinned_map(in->skel, i, &name)); i++) {
		pin_path(path, sizeof(path), in, name);
		if (unlink(path) && errno != ENOENT)
			log_warning("cannot remove the stale pin %s: %m", path);
		if (bpf_map__pin(map, path)) {
			log_err("cannot pin %s: %s", path, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static void unpin_all(struct hyp_instance *in)
{
	char path[PATH_MAX + 32];

	for (size_t i = 0; i < sizeof(pin_names) / sizeof(pin_names[0]); i++) {
		pin_path(path, sizeof(path), in, pin_names[i]);
		unlink(path);
	}
	rmdir(in->dir);
	rmdir(HYP_PIN_ROOT); /* fails while other instances remain */
}

int hyp_instance_open(struct hyp_instance *in, const struct hyp_iface_config *ic, __u32 flows)
{
	char path[PATH_MAX + 32];
	int err;

	memset(in, 0, sizeof(*in));
	in->link_fd = -1;
	snprintf(in->ifname, sizeof(in->ifname), "%s", ic->name);
	in->mode = ic->mode;
	in->ifindex = (int)if_nametoindex(ic->name);
	if (!in->ifindex) {
		log_err("interface %s does not exist", ic->name);
		return -ENODEV;
	}
	in->skel = hyperion_bpf__open();
	if (!in->skel) {
		err = -errno;
		log_err("cannot open the XDP program: %s", strerror(-err));
		return err;
	}
	if (flows)
		bpf_map__set_max_entries(in->skel->maps.flows, flows);
	err = hyperion_bpf__load(in->skel);
	if (err) {
		log_err("the kernel refused the XDP program: %s", strerror(-err));
		return err;
	}
	snprintf(in->dir, sizeof(in->dir), "%s/%s", HYP_PIN_ROOT, in->ifname);
	if ((mkdir(HYP_PIN_ROOT, 0700) && errno != EEXIST) ||
	    (mkdir(in->dir, 0700) && errno != EEXIST)) {
		err = -errno;
		log_err("cannot create %s: %m", in->dir);
		return err;
	}
	pin_path(path, sizeof(path), in, HYP_PIN_LINK);
	in->link_fd = bpf_obj_get(path); /* a dead agent's link, or -1 */
	if (in->link_fd >= 0)
		log_warning("%s: found the XDP link of a previous agent; taking it over",
			    in->ifname);
	return pin_maps(in);
}

static int attach_mode(struct hyp_instance *in, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(bpf_program__fd(in->skel->progs.hyperion_xdp), in->ifindex,
				 BPF_XDP, &opts);

	return fd < 0 ? -errno : fd;
}

static int attach_new(struct hyp_instance *in)
{
	int fd;

	if (in->mode == HYP_XDP_GENERIC) {
		fd = attach_mode(in, XDP_FLAGS_SKB_MODE);
		in->attached = HYP_XDP_GENERIC;
	} else {
		fd = attach_mode(in, XDP_FLAGS_DRV_MODE);
		in->attached = HYP_XDP_NATIVE;
		if (fd < 0 && in->mode == HYP_XDP_AUTO && fd != -EBUSY && fd != -EEXIST) {
			log_warning("%s: native XDP is not available (%s); falling back to generic "
				    "XDP, which is slower",
				    in->ifname, strerror(-fd));
			fd = attach_mode(in, XDP_FLAGS_SKB_MODE);
			in->attached = HYP_XDP_GENERIC;
		}
	}
	if (fd == -EBUSY || fd == -EEXIST)
		log_err("%s already has an XDP program that is not Hyperion's; detach it first "
			"(ip link set dev %s xdp off)",
			in->ifname, in->ifname);
	else if (fd < 0)
		log_err("%s: cannot attach XDP in %s mode: %s", in->ifname,
			in->attached == HYP_XDP_GENERIC ? "generic" : "native", strerror(-fd));
	return fd;
}

int hyp_instance_attach(struct hyp_instance *in)
{
	char path[PATH_MAX + 32];
	int fd;

	pin_path(path, sizeof(path), in, HYP_PIN_LINK);
	if (in->link_fd >= 0) {
		if (!bpf_link_update(in->link_fd, bpf_program__fd(in->skel->progs.hyperion_xdp),
				     NULL)) {
			/* the link keeps the mode the previous agent chose; the
			 * kernel tells it only over netlink, which the unit denies */
			in->attached = HYP_XDP_AUTO;
			log_info("%s: replaced the previous agent's program without a gap "
				 "(XDP mode unchanged%s)",
				 in->ifname,
				 in->mode == HYP_XDP_AUTO
					 ? ""
					 : "; a changed mode: after a stop and start");
			return 0;
		}
		log_warning("%s: cannot take over the previous link (%m); attaching anew",
			    in->ifname);
		bpf_link_detach(in->link_fd);
		close(in->link_fd);
		in->link_fd = -1;
		unlink(path);
	}
	fd = attach_new(in);
	if (fd < 0)
		return fd;
	in->link_fd = fd;
	if (bpf_obj_pin(fd, path)) {
		log_err("cannot pin %s: %m", path);
		return -errno;
	}
	log_info("%s: XDP attached in %s mode", in->ifname,
		 in->attached == HYP_XDP_GENERIC ? "generic" : "native");
	return 0;
}

void hyp_instance_close(struct hyp_instance *in)
{
	if (in->link_fd >= 0) {
		if (bpf_link_detach(in->link_fd))
			log_warning("%s: cannot detach XDP: %m", in->ifname);
		close(in->link_fd);
	}
	if (in->dir[0])
		unpin_all(in);
	hyperion_bpf__destroy(in->skel);
	memset(in, 0, sizeof(*in));
	in->link_fd = -1;
}

/*
 * A new inner map like the ruleset template, with the object's BTF: Debian
 * 12's 6.1 kernel refuses, in a map of maps, an inner map that lacks the
 * BTF its template has.
 */
static int create_inner(struct hyperion_bpf *skel)
{
	struct bpf_map *tmpl = bpf_map__inner_map(skel->maps.ruleset);
	struct btf *btf = bpf_object__btf(skel->obj);
	LIBBPF_OPTS(bpf_map_create_opts, opts, .btf_fd = (__u32)bpf_object__btf_fd(skel->obj));
	int key = tmpl ? (int)bpf_map__btf_key_type_id(tmpl) : 0;
	int value = tmpl ? (int)bpf_map__btf_value_type_id(tmpl) : 0;

	if (btf && !key)
		key = btf__find_by_name_kind(btf, "__u32", BTF_KIND_TYPEDEF);
	if (btf && !value)
		value = btf__find_by_name_kind(btf, "hyp_tables", BTF_KIND_STRUCT);
	if (key > 0 && value > 0) {
		opts.btf_key_type_id = (__u32)key;
		opts.btf_value_type_id = (__u32)value;
	} else {
		opts.btf_fd = 0;
	}
	return bpf_map_create(BPF_MAP_TYPE_ARRAY, "hyp_rules", sizeof(__u32),
			      sizeof(struct hyp_tables), 1, &opts);
}

int hyp_ruleset_swap(struct hyperion_bpf *const *skels, size_t n, const struct hyp_tables *t)
{
	__u32 zero = 0;
	int fd, err = 0;

	if (!n)
		return 0;
	fd = create_inner(skels[0]);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &zero, t, BPF_ANY))
		err = -errno;
	for (size_t i = 0; i < n && !err; i++)
		if (bpf_map_update_elem(bpf_map__fd(skels[i]->maps.ruleset), &zero, &fd, BPF_ANY))
			err = -errno;
	close(fd);
	return err;
}

/* sig_info for every id: the set's names, empty for the ids it does not use. */
static int write_sig_info(int fd, const struct hyp_ruleset *rs)
{
	static struct hyp_sig_info info[HYP_MAX_RULES];
	static __u32 keys[HYP_MAX_RULES];
	__u32 count = HYP_MAX_RULES;

	memset(info, 0, sizeof(info));
	for (__u32 id = 0; id < HYP_MAX_RULES; id++)
		keys[id] = id;
	for (size_t i = 0; i < rs->n; i++) {
		struct hyp_sig_info *si = &info[rs->rules[i].id];

		memcpy(si->name, rs->names[i], sizeof(si->name));
		si->pattern = rs->rules[i].pattern;
		si->len = rs->rules[i].len;
		si->action = rs->rules[i].action;
	}
	return bpf_map_update_batch(fd, keys, info, &count, NULL) ? -errno : 0;
}

static int zero_fresh_hits(int fd, const struct hyp_ruleset *rs)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *zeros = calloc(ncpu > 0 ? (size_t)ncpu : 1, sizeof(__u64));
	int err = zeros ? 0 : -ENOMEM;

	for (size_t i = 0; i < rs->n && !err; i++)
		if (rs->fresh[i] && bpf_map_update_elem(fd, &rs->rules[i].id, zeros, BPF_ANY))
			err = -errno;
	free(zeros);
	return err;
}

int hyp_ruleset_apply(struct hyp_instance *ins, size_t n, const struct hyp_ruleset *rs)
{
	struct hyperion_bpf *skels[HYP_MAX_IFACES];
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		err = zero_fresh_hits(bpf_map__fd(ins[i].skel->maps.sig_hits), rs);
		if (!err)
			err = write_sig_info(bpf_map__fd(ins[i].skel->maps.sig_info), rs);
		skels[i] = ins[i].skel;
	}
	if (!err)
		err = hyp_ruleset_swap(skels, n, rs->tables);
	if (err)
		log_err("cannot install the rule set: %s", strerror(-err));
	return err;
}
