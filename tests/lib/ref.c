// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>
#include "ref.h"

#define FRAME_WINDOW 16384 /* bytes of a frame the program copies and scans */

static unsigned int be16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static int rule_applies(const struct hyp_rule *r, unsigned int proto, unsigned int dport)
{
	if (r->protocol && r->protocol != proto)
		return 0;
	if (!r->nranges)
		return 1;
	for (int i = 0; i < r->nranges; i++)
		if (dport >= r->port_lo[i] && dport <= r->port_hi[i])
			return 1;
	return 0;
}

static void match(const uint8_t *pl, size_t plen, const struct hyp_rule *rules, size_t n,
		  unsigned int proto, unsigned int dport, struct ref_verdict *out)
{
	int alert = -1;

	for (size_t start = 0; start < plen; start++) {
		for (size_t i = 0; i < n; i++) {
			const struct hyp_rule *r = &rules[i];

			if (start + r->len > plen || !rule_applies(r, proto, dport) ||
			    memcmp(pl + start, &r->pattern, r->len))
				continue;
			if (r->action == HYP_ACTION_DROP) {
				out->rule = (int)i;
				out->drop = 1;
				return;
			}
			if (alert < 0)
				alert = (int)i;
		}
	}
	out->rule = alert;
}

static void not_scanned(struct ref_verdict *out, int counter, int drop)
{
	out->counter = counter;
	out->drop = drop;
}

static int fragment(struct ref_verdict *out, const struct hyp_config *k)
{
	not_scanned(out, HYP_CNT_FRAG_NONFIRST, k->nonfirst_frag == HYP_POLICY_DROP);
	return -1;
}

/* Finds the payload of the L4 header at l4; returns 0 when it is scanned. */
static int l4_payload(const uint8_t *f, size_t l4, size_t end, unsigned int proto, int first,
		      const struct hyp_config *k, struct ref_verdict *out)
{
	size_t hl;

	if (proto == 6) {
		if (l4 + 20 > end)
			return first ? fragment(out, k) : (not_scanned(out, HYP_CNT_BAD_L4, 0), -1);
		hl = (size_t)(f[l4 + 12] >> 4) * 4;
		if (hl < 20) {
			not_scanned(out, HYP_CNT_BAD_L4, 0);
			return -1;
		}
		if (l4 + hl > end)
			return first ? fragment(out, k) : (not_scanned(out, HYP_CNT_BAD_L4, 0), -1);
	} else {
		if (l4 + 8 > end)
			return first ? fragment(out, k) : (not_scanned(out, HYP_CNT_BAD_L4, 0), -1);
		hl = 8;
		if (!first) {
			size_t ulen = be16(f + l4 + 4);

			if (ulen < 8 || l4 + ulen > end) {
				not_scanned(out, HYP_CNT_BAD_L4, 0);
				return -1;
			}
			end = l4 + ulen;
		}
	}
	if (l4 + hl > FRAME_WINDOW) {
		not_scanned(out, HYP_CNT_SCAN_TRUNCATED, 0);
		return -1;
	}
	if (end > FRAME_WINDOW)
		end = FRAME_WINDOW;
	out->poff = l4 + hl;
	out->plen = end - out->poff;
	return 0;
}

void ref_inspect(const uint8_t *f, size_t len, const struct hyp_rule *rules, size_t n,
		 const struct hyp_config *k, struct ref_verdict *out)
{
	size_t l3 = 14, l4, end;
	unsigned int type, proto;
	int first = 0;

	memset(out, 0, sizeof(*out));
	out->rule = -1;
	out->counter = -1;
	if (len < 14)
		return not_scanned(out, HYP_CNT_BAD_ETH, 0);
	type = be16(f + 12);
	for (int tags = 0; type == 0x8100 || type == 0x88a8; tags++) {
		if (tags == 2)
			return not_scanned(out, HYP_CNT_VLAN_TOO_DEEP, 0);
		if (l3 + 4 > len)
			return not_scanned(out, HYP_CNT_BAD_ETH, 0);
		type = be16(f + l3 + 2);
		l3 += 4;
	}
	if (type == 0x0800) {
		size_t ihl;

		if (l3 + 20 > len)
			return not_scanned(out, HYP_CNT_BAD_IPV4, 0);
		ihl = (size_t)(f[l3] & 15) * 4;
		end = l3 + be16(f + l3 + 2);
		if (f[l3] >> 4 != 4 || ihl < 20 || end < l3 + ihl || end > len)
			return not_scanned(out, HYP_CNT_BAD_IPV4, 0);
		proto = f[l3 + 9];
		if (proto != 6 && proto != 17)
			return not_scanned(out, HYP_CNT_NOT_TCP_UDP, 0);
		if (be16(f + l3 + 6) & 0x1fff) {
			fragment(out, k);
			return;
		}
		first = !!(be16(f + l3 + 6) & 0x2000);
		l4 = l3 + ihl;
	} else if (type == 0x86dd) {
		int hdrs = 0;

		if (l3 + 40 > len || f[l3] >> 4 != 6)
			return not_scanned(out, HYP_CNT_BAD_IPV6, 0);
		end = l3 + 40 + be16(f + l3 + 4);
		if (end > len)
			return not_scanned(out, HYP_CNT_BAD_IPV6, 0);
		proto = f[l3 + 6];
		l4 = l3 + 40;
		while (proto == 0 || proto == 43 || proto == 60 || proto == 51 || proto == 44) {
			if (hdrs++ == 8) {
				not_scanned(out, HYP_CNT_V6_EXT_TOO_DEEP,
					    k->v6_ext_too_deep == HYP_POLICY_DROP);
				return;
			}
			if (l4 + 8 > end || l4 + 8 > FRAME_WINDOW)
				return not_scanned(out, HYP_CNT_BAD_IPV6, 0);
			if (proto == 44) {
				if (be16(f + l4 + 2) & 0xfff8) {
					fragment(out, k);
					return;
				}
				first = 1;
				proto = f[l4];
				l4 += 8;
			} else {
				size_t hl = proto == 51 ? ((size_t)f[l4 + 1] + 2) * 4
							: ((size_t)f[l4 + 1] + 1) * 8;

				proto = f[l4];
				l4 += hl;
			}
		}
		if (l4 > end)
			return not_scanned(out, HYP_CNT_BAD_IPV6, 0);
		if (proto != 6 && proto != 17)
			return not_scanned(out, HYP_CNT_NOT_TCP_UDP, 0);
	} else {
		return not_scanned(out, HYP_CNT_NOT_IP, 0);
	}
	if (l4_payload(f, l4, end, proto, first, k, out))
		return;
	out->scanned = 1;
	match(f + out->poff, out->plen, rules, n, proto, be16(f + l4 + 2), out);
}
