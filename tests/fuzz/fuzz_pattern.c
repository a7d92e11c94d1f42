// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Signature text and hex, both ways. The first input byte is a capacity;
 * the rest is parsed as text and as hex. What parses is escaped (and
 * hexed) and parsed back: the bytes must come back unchanged. Every
 * snprintf-like result is checked against a full-size run: same count,
 * a NUL-terminated prefix that never ends in half an escape.
 */
#include "fuzz_input.h"
#include "pattern.h"

#define MAX_BYTES 4096

typedef int (*parse_fn)(const char *, size_t, uint8_t *, size_t, size_t *, const char **);
typedef size_t (*show_fn)(const uint8_t *, size_t, char *, size_t);

/* parse(text) with a cap of `cap` writes the first bytes of the full run. */
static int parse_checked(parse_fn parse, const char *text, size_t n, uint8_t *out, size_t cap)
{
	static uint8_t small[256];
	const char *why = NULL, *why2 = NULL;
	size_t bad = 0, bad2 = 0;
	int len = parse(text, n, out, MAX_BYTES, &bad, &why);
	int len2 = parse(text, n, small, cap, &bad2, &why2);

	FUZZ_ASSERT(len == len2, "count %d with cap %zu, %d without", len2, cap, len);
	if (len < 0) {
		FUZZ_ASSERT(why && bad < n && why2 == why && bad2 == bad, "refusal at %zu", bad);
		return -1;
	}
	FUZZ_ASSERT((size_t)len <= n, "%d bytes from %zu characters", len, n);
	FUZZ_ASSERT(!memcmp(out, small, (size_t)len < cap ? (size_t)len : cap),
		    "capped output differs");
	return len;
}

/* show(bytes) into a full buffer and into one of `cap` bytes. */
static size_t show_checked(show_fn show, const uint8_t *b, size_t len, char *out, size_t outcap,
			   size_t cap)
{
	static char small[256];
	size_t need = show(b, len, out, outcap), need2;

	FUZZ_ASSERT(need < outcap && strlen(out) == need, "full output of %zu", need);
	for (size_t i = 0; i < need; i++)
		FUZZ_ASSERT(out[i] >= 0x20 && out[i] <= 0x7e, "byte 0x%02x shown", out[i]);
	need2 = show(b, len, small, cap);
	FUZZ_ASSERT(need2 == need, "need %zu with cap %zu, %zu without", need2, cap, need);
	if (!cap)
		return need;
	FUZZ_ASSERT(strlen(small) < cap && !strncmp(small, out, strlen(small)),
		    "capped output is not a prefix");
	FUZZ_ASSERT(need >= cap || !strcmp(small, out), "cut although it fits");
	FUZZ_ASSERT(need < cap || strlen(small) + 4 > cap - 1, "cut %zu characters early",
		    cap - 1 - strlen(small));
	return need;
}

/* text -> bytes -> shown -> bytes, through parse and show; hex: show
 * writes exactly two digits per byte. */
static void round_trip(parse_fn parse, show_fn show, int hex, const char *text, size_t n,
		       size_t cap)
{
	static uint8_t b[MAX_BYTES], b2[MAX_BYTES];
	static char shown[4 * MAX_BYTES + 1];
	int len = parse_checked(parse, text, n, b, cap), len2;
	size_t slen;

	if (len < 0)
		return;
	slen = show_checked(show, b, (size_t)len, shown, sizeof(shown), cap);
	FUZZ_ASSERT(!hex || slen == 2 * (size_t)len, "%zu hex digits for %d bytes", slen, len);
	len2 = parse_checked(parse, shown, slen, b2, cap);
	FUZZ_ASSERT(len2 == len && !memcmp(b, b2, (size_t)len), "%s of %d bytes reads back as %d",
		    hex ? "hex" : "escape", len, len2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap;

	if (size < 1 || size > MAX_BYTES)
		return 0;
	cap = data[0];
	round_trip(hyp_pattern_from_text, hyp_pattern_escape, 0, (const char *)data + 1, size - 1,
		   cap);
	round_trip(hyp_pattern_from_hex, hyp_pattern_hex, 1, (const char *)data + 1, size - 1, cap);
	return 0;
}
