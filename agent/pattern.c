// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Signature bytes as people write them (text with escapes, or hex) and as
 * outputs show them. The parsers follow snprintf(): they write at most cap
 * bytes but return the full count, so a caller can say "pattern is 9
 * bytes" rather than only "too long".
 */
#include <limits.h>
#include "pattern.h"

static const char hexdigits[] = "0123456789abcdef";

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int refuse(size_t *bad, const char **why, size_t at, const char *msg)
{
	*bad = at;
	*why = msg;
	return -1;
}

/* The byte an escape stands for; *used gets the escape's length. */
static int unescape(const char *s, size_t n, size_t *used)
{
	static const char from[] = "\\\"0nrt", to[] = "\\\"\0\n\r\t";

	if (n < 2)
		return -1;
	*used = 2;
	if (s[1] == 'x') {
		if (n < 4 || hexval(s[2]) < 0 || hexval(s[3]) < 0)
			return -1;
		*used = 4;
		return hexval(s[2]) << 4 | hexval(s[3]);
	}
	for (size_t i = 0; i < sizeof(from) - 1; i++)
		if (s[1] == from[i])
			return (unsigned char)to[i];
	return -1;
}

int hyp_pattern_from_text(const char *text, size_t n, uint8_t *out, size_t cap, size_t *bad,
			  const char **why)
{
	size_t count = 0, used;
	int b;

	if (n > INT_MAX)
		return refuse(bad, why, 0, "text too long");
	for (size_t i = 0; i < n; i += used) {
		used = 1;
		b = (unsigned char)text[i];
		if (b == '\\')
			b = unescape(text + i, n - i, &used);
		if (b < 0)
			return refuse(bad, why, i, n - i < 2 ? "incomplete escape" : "bad escape");
		if (count < cap)
			out[count] = (uint8_t)b;
		count++;
	}
	return (int)count;
}

int hyp_pattern_from_hex(const char *hex, size_t n, uint8_t *out, size_t cap, size_t *bad,
			 const char **why)
{
	size_t count = 0, half = 0;
	int hi = -1;

	if (n > INT_MAX)
		return refuse(bad, why, 0, "text too long");
	for (size_t i = 0; i < n; i++) {
		int v = hexval(hex[i]);

		if (v < 0 && hex[i] != ' ' && hex[i] != ':')
			return refuse(bad, why, i, "not a hex digit");
		if (v < 0 && hi >= 0)
			return refuse(bad, why, i, "separator inside a byte");
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
			half = i;
			continue;
		}
		if (count < cap)
			out[count] = (uint8_t)(hi << 4 | v);
		count++;
		hi = -1;
	}
	if (hi >= 0)
		return refuse(bad, why, half, "odd number of hex digits");
	return (int)count;
}

/* Output of at most cap - 1 characters and a NUL, never cutting a sequence. */
struct sink {
	char *out;
	size_t cap;
	size_t need;	/* characters the whole text needs */
	size_t written; /* characters in out */
};

static void put(struct sink *k, const char *s, size_t n)
{
	if (k->need == k->written && k->written + n < k->cap) {
		for (size_t i = 0; i < n; i++)
			k->out[k->written + i] = s[i];
		k->written += n;
	}
	k->need += n;
}

static size_t finish(struct sink *k)
{
	if (k->cap)
		k->out[k->written] = '\0';
	return k->need;
}

static size_t escape_one(uint8_t b, char seq[4])
{
	if (b == '"' || b == '\\') {
		seq[0] = '\\';
		seq[1] = (char)b;
		return 2;
	}
	if (b >= 0x20 && b <= 0x7e) {
		seq[0] = (char)b;
		return 1;
	}
	seq[0] = '\\';
	seq[1] = 'x';
	seq[2] = hexdigits[b >> 4];
	seq[3] = hexdigits[b & 15];
	return 4;
}

size_t hyp_pattern_escape(const uint8_t *bytes, size_t len, char *out, size_t cap)
{
	struct sink k = { out, cap, 0, 0 };
	char seq[4];

	for (size_t i = 0; i < len; i++)
		put(&k, seq, escape_one(bytes[i], seq));
	return finish(&k);
}

size_t hyp_pattern_hex(const uint8_t *bytes, size_t len, char *out, size_t cap)
{
	struct sink k = { out, cap, 0, 0 };

	for (size_t i = 0; i < len; i++) {
		char seq[2] = { hexdigits[bytes[i] >> 4], hexdigits[bytes[i] & 15] };

		put(&k, seq, 2);
	}
	return finish(&k);
}
