// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "workload.h"

#define DICT "/usr/share/dict/words"

struct words {
	char **v;
	size_t n;
};

/* Lower-case ASCII dictionary words, split in two halves: one builds the
 * text, the other the signatures, so signatures are not text words. */
static int load_words(struct words *text, struct words *sig, unsigned int *seed)
{
	FILE *f = fopen(DICT, "re");
	char line[128];
	struct words all = { 0 };
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "workload: %s is missing (Debian package wamerican)\n", DICT);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\n"), i;

		line[len] = 0;
		for (i = 0; i < len && islower((unsigned char)line[i]); i++)
			;
		if (i != len || len < 2)
			continue;
		if (all.n == cap) {
			cap = cap ? 2 * cap : 65536;
			all.v = realloc(all.v, cap * sizeof(*all.v));
		}
		all.v[all.n++] = strdup(line);
	}
	fclose(f);
	for (size_t i = all.n; i > 1; i--) { /* shuffle */
		size_t j = (size_t)rand_r(seed) % i;
		char *tmp = all.v[i - 1];

		all.v[i - 1] = all.v[j];
		all.v[j] = tmp;
	}
	text->v = all.v;
	text->n = all.n / 2;
	sig->v = all.v + all.n / 2;
	sig->n = all.n - all.n / 2;
	return 0;
}

static const char *pick(const struct words *w, unsigned int *seed)
{
	return w->v[(size_t)rand_r(seed) % w->n];
}

/* An HTTP request with headers, then words, cut to len bytes. */
static void text_payload(uint8_t *out, size_t len, const struct words *w, unsigned int *seed)
{
	static const char *sep[] = { " ", " ", " ", ", ", ". ", "&", "=", "\r\n" };
	char buf[4096];
	int n;

	n = snprintf(
		buf, sizeof(buf),
		"GET /%s/%s?%s=%s&%s=%d HTTP/1.1\r\nHost: www.%s.com\r\n"
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64) %s/%d.0\r\n"
		"Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.5\r\n"
		"Cookie: %s=%s; %s=%s\r\nReferer: http://%s.example/%s\r\n\r\n",
		pick(w, seed), pick(w, seed), pick(w, seed), pick(w, seed), pick(w, seed),
		rand_r(seed) % 100000, pick(w, seed), pick(w, seed), 1 + rand_r(seed) % 120,
		pick(w, seed), pick(w, seed), pick(w, seed), pick(w, seed), pick(w, seed),
		pick(w, seed));
	while ((size_t)n < len && (size_t)n < sizeof(buf) - 64)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%s", pick(w, seed),
			      sep[rand_r(seed) % 8]);
	memcpy(out, buf, len);
}

static int occurs(const uint8_t *hay, size_t n, const void *needle, size_t len)
{
	return len <= n && memmem(hay, n, needle, len) != NULL;
}

int workload_make(struct workload *w, int kind, size_t npayloads, size_t payload_len, size_t nsigs,
		  int match_at_end, unsigned int seed)
{
	struct words text = { 0 }, sigw = { 0 };
	size_t total = npayloads * payload_len;

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->npayloads = npayloads;
	w->payload_len = payload_len;
	w->nsigs = nsigs;
	w->payloads = calloc(total ? total : 1, 1);
	w->sigs = calloc(nsigs ? nsigs : 1, sizeof(*w->sigs));
	if (kind == WL_TEXT && load_words(&text, &sigw, &seed))
		return -1;
	for (size_t p = 0; p < npayloads; p++) {
		uint8_t *pl = w->payloads + p * payload_len;

		if (kind == WL_TEXT)
			text_payload(pl, payload_len, &text, &seed);
		else
			for (size_t i = 0; i < payload_len; i++)
				pl[i] = (uint8_t)rand_r(&seed);
	}
	for (size_t i = 0; i < nsigs; i++) {
		struct hyp_rule *r = &w->sigs[i];
		uint8_t b[8];
		size_t len;

		do {
			if (kind == WL_TEXT) {
				const char *word;

				do
					word = pick(&sigw, &seed);
				while (strlen(word) < 4 || strlen(word) > 8);
				len = strlen(word);
				memcpy(b, word, len);
			} else {
				len = 4 + (size_t)rand_r(&seed) % 5;
				for (size_t k = 0; k < len; k++)
					b[k] = (uint8_t)rand_r(&seed);
				b[len - 1] |= 1; /* no trailing NUL */
			}
		} while (occurs(w->payloads, total, b, len));
		memset(r, 0, sizeof(*r));
		memcpy(&r->pattern, b, len);
		r->len = (uint8_t)len;
		r->id = (uint32_t)i;
	}
	if (match_at_end && nsigs)
		for (size_t p = 0; p < npayloads; p++) {
			const struct hyp_rule *r = &w->sigs[(size_t)rand_r(&seed) % nsigs];

			if (r->len <= payload_len)
				memcpy(w->payloads + (p + 1) * payload_len - r->len, &r->pattern,
				       r->len);
		}
	if (text.v) {
		for (size_t i = 0; i < text.n + sigw.n; i++)
			free(text.v[i]);
		free(text.v);
	}
	return 0;
}

void workload_free(struct workload *w)
{
	free(w->payloads);
	free(w->sigs);
	memset(w, 0, sizeof(*w));
}
