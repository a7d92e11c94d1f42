// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of signature text: escapes and hex in, escaped text and hex
 * out, and that what an output shows reads back as the same bytes.
 */
#include <string.h>
#include "pattern.h"
#include "tap.h"

struct text_case {
	const char *name;
	const char *text;
	size_t n; /* 0: strlen(text) */
	const char *bytes;
	int len;
};

static const struct text_case text_cases[] = {
	{ "plain text", "hack", 0, "hack", 4 },
	{ "\\x escape", "ha\\x63k", 0, "hack", 4 },
	{ "\\x with upper and lower case digits", "\\x00\\xff\\xAb\\xcD", 0, "\x00\xff\xab\xcd",
	  4 },
	{ "every short escape", "\\\\\\\"\\0\\n\\r\\t", 0, "\\\"\0\n\r\t", 6 },
	{ "empty text", "", 0, "", 0 },
	{ "a NUL byte in the text is a byte", "a\0b", 3, "a\0b", 3 },
	{ "UTF-8 text is its bytes", "\xc3\xa9!", 0, "\xc3\xa9!", 3 },
	{ "quote and brackets need no escape", "a\"]'", 0, "a\"]'", 4 },
};

struct bad_case {
	const char *name;
	const char *text;
	size_t n; /* 0: strlen(text) */
	size_t bad;
	const char *why;
};

static const struct bad_case text_bad[] = {
	{ "unknown escape", "ab\\q", 0, 2, "bad escape" },
	{ "backslash at the end", "ab\\", 0, 2, "incomplete escape" },
	{ "\\x with one digit at the end", "\\x4", 0, 0, "bad escape" },
	{ "\\x with a non-hex digit", "x\\x4g", 0, 1, "bad escape" },
	{ "\\x with no digits", "\\xzz", 0, 0, "bad escape" },
	{ "YAML's \\u is not a pattern escape", "\\u0041", 0, 0, "bad escape" },
	{ "backslash space", "a\\ b", 0, 1, "bad escape" },
	{ "the first bad escape is reported", "\\n\\q\\z", 0, 2, "bad escape" },
};

static const struct text_case hex_cases[] = {
	{ "digits only", "6861636b", 0, "hack", 4 },
	{ "spaces and colons between bytes", "68 61:63 6b", 0, "hack", 4 },
	{ "leading, trailing and repeated separators", "  68::61  ", 0, "ha", 2 },
	{ "upper-case digits", "FF0aBc", 0, "\xff\x0a\xbc", 3 },
	{ "empty", "", 0, "", 0 },
	{ "separators only", " : ", 0, "", 0 },
};

static const struct bad_case hex_bad[] = {
	{ "one digit", "6", 0, 0, "odd number of hex digits" },
	{ "odd digit count", "68616", 0, 4, "odd number of hex digits" },
	{ "separator inside a byte", "6 8", 0, 1, "separator inside a byte" },
	{ "0x prefix", "0x41", 0, 1, "not a hex digit" },
	{ "comma separator", "68,61", 0, 2, "not a hex digit" },
	{ "tab separator", "68\t61", 0, 2, "not a hex digit" },
	{ "a NUL byte", "6\0", 2, 1, "not a hex digit" },
};

static void test_from_text(void)
{
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		const struct text_case *c = &text_cases[i];
		size_t n = c->n ? c->n : strlen(c->text), bad = 0;
		const char *why = NULL;
		uint8_t out[16];
		int len = hyp_pattern_from_text(c->text, n, out, sizeof(out), &bad, &why);

		ok(len == c->len && !memcmp(out, c->bytes, (size_t)c->len), "text: %s", c->name);
	}
	for (size_t i = 0; i < sizeof(text_bad) / sizeof(text_bad[0]); i++) {
		const struct bad_case *c = &text_bad[i];
		size_t n = c->n ? c->n : strlen(c->text), bad = 99;
		const char *why = NULL;
		uint8_t out[16];
		int len = hyp_pattern_from_text(c->text, n, out, sizeof(out), &bad, &why);

		ok(len == -1 && bad == c->bad && why && !strcmp(why, c->why),
		   "text refused: %s (at %zu: %s)", c->name, bad, why ? why : "-");
	}
}

static void test_from_hex(void)
{
	for (size_t i = 0; i < sizeof(hex_cases) / sizeof(hex_cases[0]); i++) {
		const struct text_case *c = &hex_cases[i];
		size_t bad = 0;
		const char *why = NULL;
		uint8_t out[16];
		int len = hyp_pattern_from_hex(c->text, strlen(c->text), out, sizeof(out), &bad,
					       &why);

		ok(len == c->len && !memcmp(out, c->bytes, (size_t)c->len), "hex: %s", c->name);
	}
	for (size_t i = 0; i < sizeof(hex_bad) / sizeof(hex_bad[0]); i++) {
		const struct bad_case *c = &hex_bad[i];
		size_t n = c->n ? c->n : strlen(c->text), bad = 99;
		const char *why = NULL;
		uint8_t out[16];
		int len = hyp_pattern_from_hex(c->text, n, out, sizeof(out), &bad, &why);

		ok(len == -1 && bad == c->bad && why && !strcmp(why, c->why),
		   "hex refused: %s (at %zu: %s)", c->name, bad, why ? why : "-");
	}
}

/* Parsers write at most cap bytes and return the full count. */
static void test_caps(void)
{
	uint8_t out[10];
	size_t bad;
	const char *why;
	int len;

	memset(out, 0xaa, sizeof(out));
	len = hyp_pattern_from_text("123456789", 9, out, 8, &bad, &why);
	ok(len == 9 && !memcmp(out, "12345678", 8) && out[8] == 0xaa,
	   "text: 9 bytes counted, 8 written into a cap of 8");
	len = hyp_pattern_from_text("a\\x41\\q", 7, NULL, 0, &bad, &why);
	ok(len == -1 && bad == 5, "text: a cap of 0 still checks every escape");
	memset(out, 0xaa, sizeof(out));
	len = hyp_pattern_from_hex("00 11 22 33 44 55 66 77 88", 26, out, 8, &bad, &why);
	ok(len == 9 && out[7] == 0x77 && out[8] == 0xaa,
	   "hex: 9 bytes counted, 8 written into a cap of 8");
}

/* Only printable ASCII; every '"' and '\' escaped; reads back as bytes. */
static int escaped_safely(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"')
			return 0;
		if (s[i] != '\\')
			continue;
		if (i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
			i += 1;
		else if (i + 3 < n && s[i + 1] == 'x')
			i += 3;
		else
			return 0;
	}
	return 1;
}

static int round_trip(const uint8_t *bytes, size_t len)
{
	char text[4 * 256 + 1];
	uint8_t back[256];
	size_t n = hyp_pattern_escape(bytes, len, text, sizeof(text)), bad;
	const char *why;

	if (n != strlen(text) || !escaped_safely(text, n))
		return 0;
	return hyp_pattern_from_text(text, n, back, sizeof(back), &bad, &why) == (int)len &&
	       !memcmp(back, bytes, len);
}

static void test_escape(void)
{
	uint8_t all[256];
	int each = 1;
	unsigned int seed = 42;
	char out[16];

	for (int b = 0; b < 256; b++) {
		all[b] = (uint8_t)b;
		each &= round_trip(all + b, 1);
	}
	ok(each, "each of the 256 byte values escapes safely and reads back");
	ok(round_trip(all, 256), "all 256 values in one text escape safely and read back");
	each = 1;
	for (int i = 0; i < 2000; i++) {
		uint8_t r[8];

		for (int k = 0; k < 8; k++)
			r[k] = (uint8_t)rand_r(&seed);
		each &= round_trip(r, 1 + (size_t)i % 8);
	}
	ok(each, "2000 random signatures escape safely and read back");
	hyp_pattern_escape((const uint8_t *)"a\"b\\c\n\x7f", 7, out, sizeof(out));
	ok(!strcmp(out, "a\\\"b\\\\c\\x0a\\x7f"), "quote, backslash, newline, DEL: %s", out);
	ok(hyp_pattern_escape((const uint8_t *)"ab\x01", 3, out, 5) == 6 && !strcmp(out, "ab"),
	   "truncation never cuts an escape in two, returns the length needed");
	ok(hyp_pattern_escape((const uint8_t *)"\"", 1, out, 2) == 2 && !strcmp(out, ""),
	   "a lone quote that does not fit is left out whole");
	ok(hyp_pattern_escape((const uint8_t *)"abc", 3, NULL, 0) == 3,
	   "a cap of 0 writes nothing and returns the length needed");
}

static void test_hex_out(void)
{
	char out[20];

	ok(hyp_pattern_hex((const uint8_t *)"hack\x00\xff", 6, out, sizeof(out)) == 12 &&
		   !strcmp(out, "6861636b00ff"),
	   "hex out: lower case, two digits a byte");
	ok(hyp_pattern_hex((const uint8_t *)"hack", 4, out, 4) == 8 && !strcmp(out, "68"),
	   "hex out: truncated on a byte boundary, returns the length needed");
}

int main(void)
{
	test_from_text();
	test_from_hex();
	test_caps();
	test_escape();
	test_hex_out();
	return done_testing();
}
