/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Signature bytes as people write them and as outputs show them.
 */
#ifndef HYPERION_PATTERN_H
#define HYPERION_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Text with escapes: \xNN (two hex digits), \\, \", \0, \n, \r, \t. Any
 * other backslash sequence is an error. Writes at most cap bytes to out but,
 * like snprintf, returns the full byte count: a result over cap means the
 * pattern did not fit. -1 on a bad escape, with *bad set to the offending
 * offset in text and *why to a static message.
 */
int hyp_pattern_from_text(const char *text, size_t n, uint8_t *out, size_t cap, size_t *bad,
			  const char **why);

/* Hex digits, optionally separated by spaces or colons ("68 61:63 6b").
 * Same return convention. */
int hyp_pattern_from_hex(const char *hex, size_t n, uint8_t *out, size_t cap, size_t *bad,
			 const char **why);

/*
 * Printable, injection-safe text for len bytes: printable ASCII but '"' and
 * '\' as is, '"' and '\' backslash-escaped, everything else \xNN. out gets
 * at most cap - 1 characters and a NUL, never half an escape; returns the
 * length it needed without the NUL (>= cap means it was cut; 4 * len + 1
 * always suffices).
 */
size_t hyp_pattern_escape(const uint8_t *bytes, size_t len, char *out, size_t cap);

/* Lower-case hex, two digits per byte; same cap convention. */
size_t hyp_pattern_hex(const uint8_t *bytes, size_t len, char *out, size_t cap);

#endif /* HYPERION_PATTERN_H */
