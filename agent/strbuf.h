/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Appending to a fixed buffer without overflowing it: what the formatters
 * of the outputs build their messages with (no snprintf on the hot path).
 * The buffer always holds a NUL-terminated prefix; `cut` says it was full.
 */
#ifndef HYPERION_STRBUF_H
#define HYPERION_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct strbuf {
	char *p;
	size_t len, cap; /* cap includes the NUL */
	int cut;
};

static inline void sb_init(struct strbuf *b, char *p, size_t cap)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
	b->cut = 0;
	if (cap)
		p[0] = 0;
}

static inline void sb_put(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n >= b->cap) {
		n = b->cap > b->len + 1 ? b->cap - b->len - 1 : 0;
		b->cut = 1;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	if (b->cap)
		b->p[b->len] = 0;
}

static inline void sb_str(struct strbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static inline void sb_u64(struct strbuf *b, uint64_t v)
{
	char d[20];
	size_t n = 0;

	do
		d[sizeof(d) - ++n] = (char)('0' + v % 10);
	while ((v /= 10));
	sb_put(b, d + sizeof(d) - n, n);
}

#endif /* HYPERION_STRBUF_H */
