// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * /etc/hyperion.yaml into struct hyp_config_file, with libyaml's event API.
 *
 * The schema is a set of tables: a struct section lists the keys a mapping
 * may hold and what each value is (a boolean, an integer with its range,
 * one of some words, a nested section, or a list parsed by a function of
 * its own). One walk over the events checks every node against its table
 * as it comes, so each error names the node it is about, with libyaml's
 * line and column, and the walk stops there.
 *
 * Scalars are typed by the schema, not by YAML's resolver: integers and
 * booleans are plain (unquoted) scalars, words and names may be quoted.
 * An empty value ("key:" with nothing after it) is an empty section or
 * list. Anchors, aliases, tags and further documents are refused.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <yaml.h>
#include "config.h"
#include "pattern.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_FIELDS    16		  /* keys in one section */
#define SHOW_MAX      48		  /* characters of a value quoted in a message */
#define NAME_SLOTS    (2 * HYP_MAX_RULES) /* open hash of signature names */
#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

struct parser {
	yaml_parser_t yaml;
	yaml_event_t ev; /* the current event, valid when have_ev */
	int have_ev;
	const char *name; /* file name for messages */
	const uint8_t *buf;
	size_t len;
	size_t bom;		   /* 3 after a UTF-8 byte order mark */
	size_t at_chars, at_bytes; /* cursor: mark.index (characters) -> byte */
	struct hyp_config_error *err;
	struct hyp_config_file *cfg;
	int check_ifaces;
	size_t sigcap;	     /* entries allocated in cfg->sigs and pat_at */
	yaml_mark_t *pat_at; /* per signature: its pattern or hex node */
	uint16_t *names;     /* NAME_SLOTS signature indices + 1, 0 = free */
};

/* ---- Messages -------------------------------------------------------- */

static int fail_pos(struct parser *p, size_t line, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_pos(struct parser *p, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err)
		return -1;
	n = snprintf(p->err->msg, sizeof(p->err->msg), "%s:%zu:%zu: ", p->name, line, col);
	if (n < 0 || (size_t)n >= sizeof(p->err->msg))
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg + n, sizeof(p->err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

#define fail_at(p, mark, ...) fail_pos(p, (mark)->line + 1, (mark)->column + 1, __VA_ARGS__)
#define fail_here(p, ...)     fail_at(p, &(p)->ev.start_mark, __VA_ARGS__)

static int fail_file(struct hyp_config_error *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_file(struct hyp_config_error *err, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return -1;
	n = snprintf(err->msg, sizeof(err->msg), "%s: ", path);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A value from the file, made safe for a one-line message and shortened. */
static const char *show(char dst[SHOW_MAX + 4], const char *s, size_t n)
{
	if (hyp_pattern_escape((const uint8_t *)s, n, dst, SHOW_MAX + 1) > SHOW_MAX)
		strcat(dst, "...");
	return dst;
}

/* "a, b or c" into dst. */
static const char *join(char *dst, size_t cap, const char *const *words, size_t n, const char *last)
{
	size_t used = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < n && used < cap; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? last : ", ";
		int k = snprintf(dst + used, cap - used, "%s%s", sep, words[i]);

		if (k < 0)
			break;
		used += (size_t)k;
	}
	return dst;
}

/* ---- Positions ------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), else 0. */
static size_t utf8_len(const uint8_t *s, size_t n)
{
	size_t len = s[0] < 0x80   ? 1
		     : s[0] < 0xc2 ? 0
		     : s[0] < 0xe0 ? 2
		     : s[0] < 0xf0 ? 3
		     : s[0] < 0xf5 ? 4
				   : 0;
	uint32_t c;

	if (len <= 1 || len > n)
		return len > n ? 0 : len;
	c = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

/* 1-based line and column (in characters, as libyaml counts) of a byte. */
static void position(const struct parser *p, size_t off, size_t *line, size_t *col)
{
	size_t i = off >= p->bom ? p->bom : 0, l;

	*line = 1;
	*col = 1;
	for (; i < off && i < p->len; i += l) {
		l = utf8_len(p->buf + i, p->len - i);
		if (!l)
			l = 1;
		if (p->buf[i] == '\n' ||
		    (p->buf[i] == '\r' && i + 1 < p->len && p->buf[i + 1] != '\n')) {
			(*line)++;
			*col = 1;
		} else if (p->buf[i] != '\r') {
			(*col)++;
		}
	}
}

/* Byte offset of a libyaml mark index (a count of characters). */
static size_t byte_offset(struct parser *p, size_t index)
{
	if (index < p->at_chars) {
		p->at_chars = 0;
		p->at_bytes = p->bom;
	}
	while (p->at_chars < index && p->at_bytes < p->len) {
		size_t l = utf8_len(p->buf + p->at_bytes, p->len - p->at_bytes);

		p->at_bytes += l ? l : 1;
		p->at_chars++;
	}
	return p->at_bytes;
}

static int check_text(struct parser *p)
{
	size_t line, col, l;

	if (p->len > HYP_CONFIG_MAX_SIZE)
		return fail_pos(p, 1, 1, "configuration is %zu bytes; expected at most %u", p->len,
				HYP_CONFIG_MAX_SIZE);
	if (p->len >= 3 && !memcmp(p->buf, "\xef\xbb\xbf", 3))
		p->bom = 3;
	p->at_bytes = p->bom;
	for (size_t i = 0; i < p->len; i += l) {
		l = utf8_len(p->buf + i, p->len - i);
		if (l)
			continue;
		position(p, i, &line, &col);
		return fail_pos(p, line, col, "invalid UTF-8 (byte 0x%02x); expected UTF-8 text",
				p->buf[i]);
	}
	return 0;
}

/* ---- Events ---------------------------------------------------------- */

static int bad_quoted_escape(struct parser *p, const yaml_mark_t *at);

static int is_text(const char *s, const char *text)
{
	return s && !strcmp(s, text);
}

/* Where the line buf[b..e) ends without its comment and trailing blanks. */
static size_t uncommented_end(const struct parser *p, size_t b, size_t e)
{
	for (size_t i = b; i < e; i++)
		if (p->buf[i] == '#' && (i == b || p->buf[i - 1] == ' ' || p->buf[i - 1] == '\t'))
			e = i;
	while (e > b && (p->buf[e - 1] == ' ' || p->buf[e - 1] == '\t'))
		e--;
	return e;
}

/* Start of the line holding buf[i], past the BOM. */
static size_t line_start(const struct parser *p, size_t i)
{
	while (i > p->bom && p->buf[i - 1] != '\n' && p->buf[i - 1] != '\r')
		i--;
	return i;
}

/*
 * "did not find expected key" at *at, where the last line before it with
 * content is "key: []" (or {}) and the failing line is indented under that
 * key: entries written below an empty list, as when the example under the
 * shipped "interfaces: []" is uncommented. Says so, with libyaml's
 * message, and returns -1; 0 if that is not the case.
 */
static int empty_flow_before(struct parser *p, const yaml_mark_t *at)
{
	const yaml_parser_t *y = &p->yaml;
	const uint8_t *s = p->buf;
	size_t f = line_start(p, byte_offset(p, at->index)), fi = f, b = f, e, k, line, col;
	char shown[SHOW_MAX + 4];

	while (fi < p->len && s[fi] == ' ')
		fi++;
	do {
		b = line_start(p, b);
		if (b <= p->bom)
			return 0;
		e = b - 1 - (b >= 2 && s[b - 1] == '\n' && s[b - 2] == '\r');
		b = line_start(p, e);
		e = uncommented_end(p, b, e);
		while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '-'))
			b++;
	} while (b == e);
	if (e - b < 4 || (memcmp(s + e - 2, "[]", 2) && memcmp(s + e - 2, "{}", 2)))
		return 0;
	for (k = e - 2; k > b && (s[k - 1] == ' ' || s[k - 1] == '\t'); k--)
		;
	if (k <= b + 1 || s[k - 1] != ':')
		return 0;
	/* entries go deeper than the key, or a list's dashes at its column */
	if (fi - f < b - line_start(p, b) || (fi - f == b - line_start(p, b) && s[fi] != '-'))
		return 0;
	position(p, b, &line, &col);
	return fail_at(p, at,
		       "%s (%s at %zu:%zu); '%s: %.2s' on line %zu is an empty %s: delete the "
		       "'%.2s' to give its entries on the lines below",
		       y->problem, y->context, y->context_mark.line + 1, y->context_mark.column + 1,
		       show(shown, (const char *)s + b, k - 1 - b), s + e - 2, line,
		       s[e - 1] == ']' ? "list" : "mapping", s + e - 2);
}

static int yaml_failed(struct parser *p)
{
	const yaml_parser_t *y = &p->yaml;
	const char *problem = y->problem ? y->problem : "syntax error";
	size_t line, col;

	switch (y->error) {
	case YAML_MEMORY_ERROR:
		return fail_pos(p, 1, 1, "out of memory");
	case YAML_READER_ERROR:
		position(p, y->problem_offset, &line, &col);
		return fail_pos(p, line, col, "%s", problem);
	default:
		break;
	}
	/* "C:\Windows" in double quotes: say so in the file's terms */
	if (is_text(y->context, "while parsing a quoted scalar") &&
	    (is_text(problem, "found unknown escape character") ||
	     is_text(problem, "did not find expected hexdecimal number")) &&
	    bad_quoted_escape(p, &y->context_mark))
		return -1;
	if (is_text(y->context, "while parsing a block mapping") &&
	    is_text(problem, "did not find expected key") && empty_flow_before(p, &y->problem_mark))
		return -1;
	if (y->context)
		return fail_at(p, &y->problem_mark, "%s (%s at %zu:%zu)", problem, y->context,
			       y->context_mark.line + 1, y->context_mark.column + 1);
	return fail_at(p, &y->problem_mark, "%s", problem);
}

/* Nodes must be written out in full, untagged. */
static int check_node(struct parser *p)
{
	const yaml_event_t *e = &p->ev;
	const yaml_char_t *anchor = NULL, *tag = NULL;

	if (e->type == YAML_SCALAR_EVENT) {
		anchor = e->data.scalar.anchor;
		tag = e->data.scalar.tag;
	} else if (e->type == YAML_SEQUENCE_START_EVENT) {
		anchor = e->data.sequence_start.anchor;
		tag = e->data.sequence_start.tag;
	} else if (e->type == YAML_MAPPING_START_EVENT) {
		anchor = e->data.mapping_start.anchor;
		tag = e->data.mapping_start.tag;
	}
	if (e->type == YAML_ALIAS_EVENT || anchor)
		return fail_here(p,
				 "anchors and aliases are not allowed; write each value in full");
	if (tag)
		return fail_here(p, "tags are not allowed; write the value without '!'");
	return 0;
}

static int next(struct parser *p)
{
	if (p->have_ev)
		yaml_event_delete(&p->ev);
	p->have_ev = 0;
	if (!yaml_parser_parse(&p->yaml, &p->ev))
		return yaml_failed(p);
	p->have_ev = 1;
	return check_node(p);
}

static int is_scalar(const struct parser *p)
{
	return p->ev.type == YAML_SCALAR_EVENT;
}

static const char *sval(const struct parser *p)
{
	return (const char *)p->ev.data.scalar.value;
}

static size_t slen(const struct parser *p)
{
	return p->ev.data.scalar.length;
}

/* "key:" with nothing after it. */
static int is_empty(const struct parser *p)
{
	return is_scalar(p) && !slen(p) && p->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int is_plain(const struct parser *p)
{
	return p->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int scalar_is(const struct parser *p, const char *word)
{
	return slen(p) == strlen(word) && !memcmp(sval(p), word, slen(p));
}

static int type_error(struct parser *p, const char *label, const char *expect)
{
	char v[SHOW_MAX + 4];
	const char *what = "a mapping";

	if (p->ev.type == YAML_SEQUENCE_START_EVENT)
		what = "a list";
	if (is_empty(p))
		what = "empty";
	if (is_scalar(p) && !is_empty(p))
		return fail_here(p, "%s is '%s'; expected %s", label, show(v, sval(p), slen(p)),
				 expect);
	return fail_here(p, "%s is %s; expected %s", label, what, expect);
}

/* ---- Scalars --------------------------------------------------------- */

/* 0, -EINVAL (not decimal digits without a leading zero) or -ERANGE. */
static int parse_decimal(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	*v = 0;
	if (!n || (s[0] == '0' && n > 1))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (*v > (max - d) / 10)
			return -ERANGE;
		*v = *v * 10 + d;
	}
	return 0;
}

static int get_uint(struct parser *p, const char *label, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char expect[64], shown[SHOW_MAX + 4];
	int rc;

	snprintf(expect, sizeof(expect), "an integer from %" PRIu64 " to %" PRIu64, lo, hi);
	if (!is_scalar(p) || is_empty(p))
		return type_error(p, label, expect);
	if (!is_plain(p))
		return fail_here(p, "%s is quoted; expected %s, without quotes", label, expect);
	rc = parse_decimal(sval(p), slen(p), hi, v);
	if (rc == -EINVAL)
		return fail_here(p, "%s '%s' is not valid; expected %s", label,
				 show(shown, sval(p), slen(p)), expect);
	if (rc || *v < lo)
		return fail_here(p, "%s %s is out of range; expected %s", label,
				 show(shown, sval(p), slen(p)), expect);
	return 0;
}

struct choice {
	const char *word;
	int value;
};

static int get_bool(struct parser *p, const char *label, uint64_t *v)
{
	static const struct choice words[] = { { "true", 1 }, { "false", 0 }, { "yes", 1 },
					       { "no", 0 },   { "on", 1 },    { "off", 0 } };
	static const char expect[] = "true or false (or yes/no, on/off)";
	char shown[SHOW_MAX + 4];

	if (!is_scalar(p) || is_empty(p))
		return type_error(p, label, expect);
	if (!is_plain(p))
		return fail_here(p, "%s is quoted; expected %s, without quotes", label, expect);
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if (scalar_is(p, words[i].word)) {
			*v = (uint64_t)words[i].value;
			return 0;
		}
	}
	return fail_here(p, "%s '%s' is not valid; expected %s", label,
			 show(shown, sval(p), slen(p)), expect);
}

static int get_choice(struct parser *p, const char *label, const struct choice *c, size_t n,
		      uint64_t *v)
{
	const char *words[32];
	char expect[256], shown[SHOW_MAX + 4];

	for (size_t i = 0; i < n && i < ARRAY_SIZE(words); i++)
		words[i] = c[i].word;
	join(expect, sizeof(expect), words, n < ARRAY_SIZE(words) ? n : ARRAY_SIZE(words), " or ");
	if (!is_scalar(p) || is_empty(p))
		return type_error(p, label, expect);
	for (size_t i = 0; i < n; i++) {
		if (scalar_is(p, c[i].word)) {
			*v = (uint64_t)c[i].value;
			return 0;
		}
	}
	return fail_here(p, "%s '%s' is not valid; expected %s", label,
			 show(shown, sval(p), slen(p)), expect);
}

/* ---- Sections and lists ---------------------------------------------- */

enum kind { K_BOOL, K_UINT, K_CHOICE, K_SECTION, K_CUSTOM };

struct section;

struct field {
	const char *key;
	enum kind kind;
	size_t off, size;	      /* where the value goes in the section's object */
	uint64_t lo, hi;	      /* K_UINT */
	const struct choice *choices; /* K_CHOICE */
	size_t nchoices;
	const struct section *sub;		   /* K_SECTION, at obj + off */
	int (*parse)(struct parser *p, void *obj); /* K_CUSTOM */
	int required;
};

/* Which keys a mapping had, and where. */
struct seen {
	unsigned int mask;
	yaml_mark_t map;
	yaml_mark_t key[MAX_FIELDS];
	yaml_mark_t value[MAX_FIELDS];
};

struct section {
	const char *what; /* "signature": names the mapping in messages */
	const struct field *fields;
	size_t nfields;
	int (*check)(struct parser *p, void *obj, const struct seen *s); /* after the keys */
};

/* clang-format off */
#define MEMBER(T, m) .off = offsetof(T, m), .size = sizeof(((T *)0)->m)
#define F_BOOL(k, T, m) { .key = k, .kind = K_BOOL, MEMBER(T, m) }
#define F_UINT(k, T, m, l, h) { .key = k, .kind = K_UINT, MEMBER(T, m), .lo = l, .hi = h }
#define F_CHOICE(k, T, m, c) \
	{ .key = k, .kind = K_CHOICE, MEMBER(T, m), .choices = c, .nchoices = ARRAY_SIZE(c) }
#define F_SECTION(k, T, m, s) { .key = k, .kind = K_SECTION, .off = offsetof(T, m), .sub = &s }
#define F_SAME(k, s) { .key = k, .kind = K_SECTION, .off = 0, .sub = &s } /* same object */
#define F_CUSTOM(k, fn, req) { .key = k, .kind = K_CUSTOM, .parse = fn, .required = req }
#define SECTION(w, f, c) { .what = w, .fields = f, .nfields = ARRAY_SIZE(f), .check = c }
/* clang-format on */

static void store(void *dst, size_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint32_t u32 = (uint32_t)v;

	if (size == sizeof(u8))
		memcpy(dst, &u8, size);
	else if (size == sizeof(u32))
		memcpy(dst, &u32, size);
	else if (size == sizeof(v))
		memcpy(dst, &v, size);
}

static int parse_section(struct parser *p, const struct section *sec, const char *label, void *obj);

static int parse_value(struct parser *p, const struct field *f, void *obj)
{
	uint64_t v = 0;
	int rc;

	switch (f->kind) {
	case K_BOOL:
		rc = get_bool(p, f->key, &v);
		break;
	case K_UINT:
		rc = get_uint(p, f->key, f->lo, f->hi, &v);
		break;
	case K_CHOICE:
		rc = get_choice(p, f->key, f->choices, f->nchoices, &v);
		break;
	case K_SECTION:
		return parse_section(p, f->sub, f->key, (char *)obj + f->off);
	default:
		return f->parse(p, obj);
	}
	if (rc)
		return rc;
	store((char *)obj + f->off, f->size, v);
	return 0;
}

static const char *key_list(char *dst, size_t cap, const struct section *sec)
{
	const char *words[MAX_FIELDS];

	for (size_t i = 0; i < sec->nfields; i++)
		words[i] = sec->fields[i].key;
	return join(dst, cap, words, sec->nfields, ", ");
}

static int parse_entry(struct parser *p, const struct section *sec, void *obj, struct seen *s)
{
	char keys[256], shown[SHOW_MAX + 4];
	size_t i;

	if (!is_scalar(p)) {
		snprintf(shown, sizeof(shown), "a key in %s", sec->what);
		return type_error(p, shown, "a plain word");
	}
	for (i = 0; i < sec->nfields; i++)
		if (scalar_is(p, sec->fields[i].key))
			break;
	if (i == sec->nfields)
		return fail_here(p, "unknown key '%s' in %s; expected one of %s",
				 show(shown, sval(p), slen(p)), sec->what,
				 key_list(keys, sizeof(keys), sec));
	if (s->mask & 1u << i)
		return fail_here(p,
				 "duplicate key '%s' in %s (first at line %zu); give each key once",
				 sec->fields[i].key, sec->what, s->key[i].line + 1);
	s->mask |= 1u << i;
	s->key[i] = p->ev.start_mark;
	if (next(p))
		return -1;
	s->value[i] = p->ev.start_mark;
	return parse_value(p, &sec->fields[i], obj);
}

/* The current node is the section's mapping; returns on its end. */
static int parse_section(struct parser *p, const struct section *sec, const char *label, void *obj)
{
	int empty = is_empty(p);
	struct seen s;

	memset(&s, 0, sizeof(s));
	s.map = p->ev.start_mark;
	if (!empty && p->ev.type != YAML_MAPPING_START_EVENT)
		return type_error(p, label, "a mapping");
	while (!empty) {
		if (next(p))
			return -1;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (parse_entry(p, sec, obj, &s))
			return -1;
	}
	for (size_t i = 0; i < sec->nfields; i++)
		if (sec->fields[i].required && !(s.mask & 1u << i))
			return fail_at(p, &s.map, "missing key '%s' in %s; it is required",
				       sec->fields[i].key, sec->what);
	return sec->check ? sec->check(p, obj, &s) : 0;
}

struct list {
	const char *label;  /* the key: "interfaces" */
	const char *expect; /* "1 to 64 interfaces" */
	size_t min, max;
	int (*item)(struct parser *p, void *obj, size_t i);
};

/* The current node is the list (or empty); returns on its end. */
static int parse_list(struct parser *p, const struct list *l, void *obj)
{
	yaml_mark_t start = p->ev.start_mark;
	int empty = is_empty(p);
	char expect[96];
	size_t n = 0;

	snprintf(expect, sizeof(expect), "a list of %s", l->expect);
	if (!empty && p->ev.type != YAML_SEQUENCE_START_EVENT)
		return type_error(p, l->label, expect);
	while (!empty) {
		if (next(p))
			return -1;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		if (n == l->max)
			return fail_here(p, "%s has more than %zu entries; expected %s", l->label,
					 l->max, l->expect);
		if (l->item(p, obj, n++))
			return -1;
	}
	if (n < l->min)
		return fail_at(p, &start, "%s is empty; expected %s", l->label, l->expect);
	return 0;
}

/* c is one of the characters of set (never its NUL). */
static int in_set(char c, const char *set)
{
	return c && strchr(set, c);
}

/* ---- Interfaces ------------------------------------------------------ */

static int valid_ifname(const char *s, size_t n)
{
	if (n < 1 || n >= IF_NAMESIZE || (n == 1 && s[0] == '.') || (n == 2 && !memcmp(s, "..", 2)))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '/' || s[i] == ':')
			return 0;
	return 1;
}

static int iface_name(struct parser *p, void *obj)
{
	struct hyp_iface_config *it = obj;
	char shown[SHOW_MAX + 4];

	if (!is_scalar(p))
		return type_error(p, "interface name", "a name like eth0");
	show(shown, sval(p), slen(p));
	if (!valid_ifname(sval(p), slen(p)))
		return fail_here(p,
				 "interface name '%s' is not valid; expected 1 to %d characters "
				 "without '/', ':' or spaces",
				 shown, IF_NAMESIZE - 1);
	for (const struct hyp_iface_config *q = p->cfg->ifaces; q < it; q++)
		if (scalar_is(p, q->name))
			return fail_here(p,
					 "interface '%s' is listed twice; list each interface once",
					 shown);
	if (p->check_ifaces && !if_nametoindex(sval(p)))
		return fail_here(p, "interface '%s' does not exist", shown);
	memcpy(it->name, sval(p), slen(p) + 1);
	return 0;
}

static const struct choice xdp_modes[] = {
	{ "native", HYP_XDP_NATIVE },
	{ "generic", HYP_XDP_GENERIC },
	{ "auto", HYP_XDP_AUTO },
};

static const struct field iface_fields[] = {
	F_CUSTOM("name", iface_name, 1),
	F_CHOICE("mode", struct hyp_iface_config, mode, xdp_modes),
};

static const struct section iface_section = SECTION("interface", iface_fields, NULL);

static int iface_item(struct parser *p, void *obj, size_t i)
{
	struct hyp_config_file *c = obj;

	if (parse_section(p, &iface_section, "interface", &c->ifaces[i]))
		return -1;
	c->nifaces = i + 1;
	return 0;
}

static const struct list iface_list = {
	.label = "interfaces",
	.expect = "0 to 64 interfaces",
	.min = 0,
	.max = HYP_MAX_IFACES,
	.item = iface_item,
};

static int interfaces(struct parser *p, void *obj)
{
	return parse_list(p, &iface_list, obj);
}

/* ---- Signatures ------------------------------------------------------ */

enum { SIG_NAME, SIG_PATTERN, SIG_HEX, SIG_ACTION, SIG_PROTOCOL, SIG_PORTS };

static size_t sig_index(const struct parser *p, const struct hyp_sig_config *sig)
{
	return (size_t)(sig - p->cfg->sigs);
}

static int valid_sig_name(const char *s, size_t n)
{
	if (n < 1 || n >= HYP_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z') && !(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9') && !in_set(s[i], "._-"))
			return 0;
	return 1;
}

/* Enters signature `at` under its name, or returns the one that has it. */
static size_t name_slot(struct parser *p, size_t at)
{
	const char *name = p->cfg->sigs[at].name;
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	for (;; h++) {
		uint16_t *slot = &p->names[h & (NAME_SLOTS - 1)];

		if (!*slot) {
			*slot = (uint16_t)(at + 1);
			return at;
		}
		if (!strcmp(p->cfg->sigs[*slot - 1].name, name))
			return *slot - 1u;
	}
}

static int sig_name(struct parser *p, void *obj)
{
	struct hyp_sig_config *sig = obj;
	char shown[SHOW_MAX + 4];
	size_t other;

	if (!is_scalar(p))
		return type_error(p, "signature name", "a name of 1 to 63 characters");
	if (!valid_sig_name(sval(p), slen(p)))
		return fail_here(p,
				 "signature name '%s' is not valid; expected 1 to %d characters of "
				 "A-Z, a-z, 0-9, '.', '_' and '-'",
				 show(shown, sval(p), slen(p)), HYP_NAME_MAX - 1);
	memcpy(sig->name, sval(p), slen(p) + 1);
	if (!p->names)
		p->names = calloc(NAME_SLOTS, sizeof(*p->names));
	if (!p->names)
		return fail_here(p, "out of memory");
	other = name_slot(p, sig_index(p, sig));
	if (other != sig_index(p, sig))
		return fail_here(p, "signature name '%s' is already used at line %u", sig->name,
				 p->cfg->sigs[other].line);
	return 0;
}

static int set_pattern(struct parser *p, struct hyp_sig_config *sig, const char *label,
		       const uint8_t *b, int len)
{
	if (len == 0)
		return fail_here(p, "%s is empty; a signature has 1 to %d bytes", label,
				 HYP_SIG_LEN);
	if (len > HYP_SIG_LEN)
		return fail_here(p, "%s is %d bytes; a signature has 1 to %d bytes", label, len,
				 HYP_SIG_LEN);
	memcpy(&sig->rule.pattern, b, (size_t)len);
	sig->rule.len = (__u8)len;
	p->pat_at[sig_index(p, sig)] = p->ev.start_mark;
	return 0;
}

/*
 * The text of a pattern. In double quotes YAML has its own escapes, and
 * "\xff" would become the two UTF-8 bytes of U+00FF: the pattern escapes
 * apply to the source text between the quotes instead, so a pattern means
 * the same bytes however it is quoted.
 */
static int pattern_text(struct parser *p, const char **text, size_t *n)
{
	size_t start, end;

	*text = sval(p);
	*n = slen(p);
	if (p->ev.data.scalar.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		return 0;
	start = byte_offset(p, p->ev.start_mark.index);
	end = byte_offset(p, p->ev.end_mark.index);
	if (end < start + 2 || p->buf[start] != '"' || p->buf[end - 1] != '"')
		return fail_here(
			p, "cannot find the quotes of this pattern; write it in single quotes");
	*text = (const char *)p->buf + start + 1;
	*n = end - start - 2;
	if (memchr(*text, '\n', *n) || memchr(*text, '\r', *n))
		return fail_here(p, "a double-quoted pattern spans lines; expected it on one line");
	return 0;
}

/*
 * The escape s[0..k) quoted as written, or, when a byte after the
 * backslash is not printable ASCII (messages are), as "'\' followed by"
 * those bytes escaped.
 */
static const char *show_escape(char dst[SHOW_MAX + 16], const char *s, size_t k)
{
	int plain = 1;

	for (size_t i = 1; i < k; i++)
		plain &= s[i] >= ' ' && s[i] <= '~';
	if (plain) {
		snprintf(dst, SHOW_MAX + 16, "'\\%.*s'", (int)k - 1, s + 1);
		return dst;
	}
	strcpy(dst, "'\\' followed by ");
	hyp_pattern_escape((const uint8_t *)s + 1, k - 1, dst + strlen(dst),
			   SHOW_MAX + 16 - strlen(dst));
	return dst;
}

/* Length of the escape at s (left > 0 bytes): the backslash, and \xNN's
 * digits or the one character after it. */
static size_t escape_len(const char *s, size_t left)
{
	size_t l;

	if (left < 2)
		return 1;
	if (s[1] == 'x') { /* up to two ASCII bytes after it */
		for (l = 2; l < left && l < 4 && (uint8_t)s[l] < 0x80; l++)
			;
		return l;
	}
	l = utf8_len((const uint8_t *)s + 1, left - 1);
	return 1 + (l ? l : 1);
}

/* The bad escape at text[bad] of the pattern at mark, for the reason why. */
static int pattern_refused(struct parser *p, const yaml_mark_t *at, const char *text, size_t n,
			   size_t bad, const char *why)
{
	static const char expect[] = "\\xNN, \\\\, \\\", \\0, \\n, \\r or \\t (a backslash is "
				     "written \\\\, in any quotes)";
	char seq[SHOW_MAX + 16];

	return fail_at(p, at, "%s %s in pattern at byte %zu; expected %s", why,
		       show_escape(seq, text + bad, escape_len(text + bad, n - bad)), bad + 1,
		       expect);
}

static int sig_pattern(struct parser *p, void *obj)
{
	uint8_t b[HYP_SIG_LEN];
	const char *text, *why;
	size_t n, bad;
	int len;

	if (!is_scalar(p))
		return type_error(p, "pattern", "text like 'ha\\x63k'");
	if (pattern_text(p, &text, &n))
		return -1;
	len = hyp_pattern_from_text(text, n, b, sizeof(b), &bad, &why);
	if (len >= 0)
		return set_pattern(p, obj, "pattern", b, len);
	return pattern_refused(p, &p->ev.start_mark, text, n, bad, why);
}

/*
 * The escape that YAML refuses in the double-quoted text s[0..n) (up to its
 * closing quote or the end of its line): its offset, and in *k its length
 * as written; n if there is none.
 */
static size_t yaml_bad_escape(const char *s, size_t n, size_t *k)
{
	static const char simple[] = "0abt\tnvfre \"/\\N_LP";

	for (size_t i = 0; i + 1 < n; i++) {
		size_t digits = s[i + 1] == 'x' ? 2 : s[i + 1] == 'u' ? 4 : s[i + 1] == 'U' ? 8 : 0;

		if (s[i] != '\\')
			continue;
		if (in_set(s[i + 1], simple)) {
			i++;
			continue;
		}
		if (!digits) {
			*k = escape_len(s + i, n - i);
			return i;
		}
		for (size_t d = 0; d < digits; d++)
			if (i + 2 + d >= n || !isxdigit((unsigned char)s[i + 2 + d])) {
				*k = i + 2 + digits < n ? 2 + digits : n - i;
				return i;
			}
		i += 1 + digits;
	}
	return n;
}

/* The scalar at buf[at] is the value of a key "pattern". */
static int after_pattern_key(const struct parser *p, size_t at)
{
	static const char key[] = "pattern";
	size_t i = at, k = sizeof(key) - 1;

	while (i > 0 && in_set((char)p->buf[i - 1], " \t\r\n"))
		i--;
	if (i == 0 || p->buf[--i] != ':')
		return 0;
	while (i > 0 && in_set((char)p->buf[i - 1], " \t"))
		i--;
	return i >= k && !memcmp(p->buf + i - k, key, k) &&
	       (i == k || in_set((char)p->buf[i - k - 1], " \t\r\n{,-?"));
}

/*
 * libyaml refused an escape in the double-quoted scalar that starts at
 * *at: say which, and how to write it. A pattern is checked with the
 * pattern escapes, which apply to the text as written. -1 once said, 0
 * when the escape is not found (libyaml's message then stands).
 */
static int bad_quoted_escape(struct parser *p, const yaml_mark_t *at)
{
	size_t start = byte_offset(p, at->index), n = 0, i, k, line, col;
	const char *text, *why;
	char seq[SHOW_MAX + 16];

	if (start >= p->len || p->buf[start] != '"')
		return 0;
	text = (const char *)p->buf + start + 1;
	for (; start + 1 + n < p->len && !in_set(text[n], "\"\n\r"); n++)
		if (text[n] == '\\' && start + 2 + n < p->len && !in_set(text[n + 1], "\n\r"))
			n++;
	if (after_pattern_key(p, start)) {
		if (start + 1 + n < p->len && text[n] != '"')
			return fail_at(
				p, at,
				"a double-quoted pattern spans lines; expected it on one line");
		if (hyp_pattern_from_text(text, n, NULL, 0, &i, &why) < 0)
			return pattern_refused(p, at, text, n, i, why);
	}
	i = yaml_bad_escape(text, n, &k);
	if (i == n)
		return 0;
	position(p, start + 1 + i, &line, &col);
	return fail_pos(p, line, col,
			"bad escape %s in double quotes, where a backslash starts an escape "
			"such as \\\\, \\\", \\n, \\t or \\xNN; write \\\\ for a backslash, or "
			"(except in a pattern) use single quotes, which keep it as it is",
			show_escape(seq, text + i, k));
}

static int sig_hex(struct parser *p, void *obj)
{
	static const char expect[] =
		"pairs of hex digits, optionally separated by spaces or colons";
	uint8_t b[HYP_SIG_LEN];
	const char *why;
	size_t bad;
	int len;

	if (!is_scalar(p))
		return type_error(p, "hex", expect);
	len = hyp_pattern_from_hex(sval(p), slen(p), b, sizeof(b), &bad, &why);
	if (len < 0)
		return fail_here(p, "bad hex at byte %zu: %s; expected %s", bad + 1, why, expect);
	return set_pattern(p, obj, "hex", b, len);
}

/* "80" or "8000-8100". */
static int parse_ports(const char *s, size_t n, uint64_t *lo, uint64_t *hi)
{
	const char *dash = memchr(s, '-', n);
	size_t k = dash ? (size_t)(dash - s) : n;
	int rc = parse_decimal(s, k, UINT32_MAX, lo);

	*hi = *lo;
	if (!rc && dash)
		rc = parse_decimal(dash + 1, n - k - 1, UINT32_MAX, hi);
	return rc;
}

static int port_item(struct parser *p, void *obj, size_t i)
{
	static const char expect[] = "a port from 1 to 65535 or a range like \"8000-8100\"";
	struct hyp_rule *r = obj;
	char shown[SHOW_MAX + 4];
	uint64_t lo, hi;
	int rc;

	if (!is_scalar(p) || is_empty(p))
		return type_error(p, "port", expect);
	show(shown, sval(p), slen(p));
	rc = parse_ports(sval(p), slen(p), &lo, &hi);
	if (rc == -EINVAL)
		return fail_here(p, "port '%s' is not valid; expected %s", shown, expect);
	if (rc || lo < 1 || hi > 65535)
		return fail_here(p, "port '%s' is out of range; expected %s", shown, expect);
	if (lo > hi)
		return fail_here(p, "port range '%s' is reversed; expected lo-hi with lo <= hi",
				 shown);
	r->port_lo[i] = (__u16)lo;
	r->port_hi[i] = (__u16)hi;
	r->nranges = (__u8)(i + 1);
	return 0;
}

static const struct list port_list = {
	.label = "ports",
	.expect = "1 to 16 ports or port ranges (leave ports out for any port)",
	.min = 1,
	.max = HYP_MAX_PORT_RANGES,
	.item = port_item,
};

static int sig_ports(struct parser *p, void *obj)
{
	struct hyp_sig_config *sig = obj;

	return parse_list(p, &port_list, &sig->rule);
}

static int sig_check(struct parser *p, void *obj, const struct seen *s)
{
	const unsigned int both = 1u << SIG_PATTERN | 1u << SIG_HEX;

	if ((s->mask & both) == both)
		return fail_at(p, &s->key[SIG_HEX],
			       "signature has both pattern and hex; expected one of them");
	if (!(s->mask & both))
		return fail_at(p, &s->map,
			       "signature has neither pattern nor hex; expected one of them");
	return 0;
}

static const struct choice actions[] = {
	{ "drop", HYP_ACTION_DROP },
	{ "alert", HYP_ACTION_ALERT },
};

static const struct choice protocols[] = {
	{ "tcp", 6 },
	{ "udp", 17 },
	{ "any", HYP_PROTO_ANY },
};

static const struct field sig_fields[] = {
	[SIG_NAME] = F_CUSTOM("name", sig_name, 1),
	[SIG_PATTERN] = F_CUSTOM("pattern", sig_pattern, 0),
	[SIG_HEX] = F_CUSTOM("hex", sig_hex, 0),
	[SIG_ACTION] = F_CHOICE("action", struct hyp_sig_config, rule.action, actions),
	[SIG_PROTOCOL] = F_CHOICE("protocol", struct hyp_sig_config, rule.protocol, protocols),
	[SIG_PORTS] = F_CUSTOM("ports", sig_ports, 0),
};

static const struct section sig_section = SECTION("signature", sig_fields, sig_check);

/* Room for signature i in cfg->sigs and pat_at. */
static int sig_room(struct parser *p, size_t i)
{
	struct hyp_config_file *c = p->cfg;
	size_t cap = p->sigcap ? 2 * p->sigcap : 64;
	void *sigs, *at;

	if (i < p->sigcap)
		return 0;
	if (cap > HYP_MAX_RULES)
		cap = HYP_MAX_RULES;
	sigs = realloc(c->sigs, cap * sizeof(*c->sigs));
	if (sigs)
		c->sigs = sigs;
	at = sigs ? realloc(p->pat_at, cap * sizeof(*p->pat_at)) : NULL;
	if (!at)
		return fail_here(p, "out of memory");
	p->pat_at = at;
	p->sigcap = cap;
	return 0;
}

static int sig_item(struct parser *p, void *obj, size_t i)
{
	struct hyp_config_file *c = obj;
	struct hyp_sig_config *sig;

	if (sig_room(p, i))
		return -1;
	sig = &c->sigs[i];
	memset(sig, 0, sizeof(*sig));
	sig->line = (unsigned int)p->ev.start_mark.line + 1;
	c->nsigs = i + 1;
	return parse_section(p, &sig_section, "signature", sig);
}

static const struct list sig_list = {
	.label = "signatures",
	.expect = "at most 16384 signatures",
	.min = 0,
	.max = HYP_MAX_RULES,
	.item = sig_item,
};

static int signatures(struct parser *p, void *obj)
{
	return parse_list(p, &sig_list, obj);
}

struct by_bytes {
	__u64 bytes;
	size_t idx;
};

static int cmp_by_bytes(const void *a, const void *b)
{
	const struct by_bytes *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The destination ports rule r applies to, as sorted ranges with no two
 * that overlap or touch; any port is 0-65535. Returns how many. */
static unsigned int port_set(const struct hyp_rule *r, __u32 *lo, __u32 *hi)
{
	unsigned int n = 0, out = 0;

	if (!r->nranges) {
		lo[0] = 0;
		hi[0] = 65535;
		return 1;
	}
	for (unsigned int i = 0; i < r->nranges && i < HYP_MAX_PORT_RANGES; i++) {
		unsigned int k = n++;

		for (; k > 0 && lo[k - 1] > r->port_lo[i]; k--) { /* insertion sort */
			lo[k] = lo[k - 1];
			hi[k] = hi[k - 1];
		}
		lo[k] = r->port_lo[i];
		hi[k] = r->port_hi[i];
	}
	for (unsigned int i = 1; i < n; i++) { /* merge */
		if (lo[i] <= hi[out] + 1) {
			hi[out] = hi[i] > hi[out] ? hi[i] : hi[out];
		} else {
			out++;
			lo[out] = lo[i];
			hi[out] = hi[i];
		}
	}
	return out + 1;
}

/* Whether rule a applies to every packet rule b applies to. */
static int covers(const struct hyp_rule *a, const struct hyp_rule *b)
{
	__u32 alo[HYP_MAX_PORT_RANGES], ahi[HYP_MAX_PORT_RANGES];
	__u32 blo[HYP_MAX_PORT_RANGES], bhi[HYP_MAX_PORT_RANGES];
	unsigned int na, nb, j = 0;

	if (a->protocol != HYP_PROTO_ANY && a->protocol != b->protocol)
		return 0;
	na = port_set(a, alo, ahi);
	nb = port_set(b, blo, bhi);
	for (unsigned int i = 0; i < nb; i++) { /* both sorted: one pass */
		while (j < na && ahi[j] < blo[i])
			j++;
		if (j == na || alo[j] > blo[i] || ahi[j] < bhi[i])
			return 0;
	}
	return 1;
}

/* Whether rule a, of the same bytes as rule b and listed before it if
 * a_first, is reported wherever b matches, so that b never could be: a
 * applies there too, and either drops where b alerts (a drop wins over an
 * alert), or acts as b does and comes first (ties go to the earlier rule). */
static int shadows(const struct hyp_rule *a, const struct hyp_rule *b, int a_first)
{
	if (!covers(a, b))
		return 0;
	if (a->action == HYP_ACTION_DROP && b->action == HYP_ACTION_ALERT)
		return 1;
	return a_first && a->action == b->action;
}

/* Whether rules a and b act alike on every packet. */
static int same_rule(const struct hyp_rule *a, const struct hyp_rule *b)
{
	return a->action == b->action && covers(a, b) && covers(b, a);
}

/* First signature of v[0..n) (same bytes, file order) that cannot be, or
 * n; in *first the one it conflicts with. */
static size_t group_conflict(const struct hyp_sig_config *s, const struct by_bytes *v, size_t n,
			     size_t *first)
{
	*first = v[0].idx;
	for (size_t k = 0; k < n; k++) {
		const struct hyp_rule *b = &s[v[k].idx].rule;

		if (k && (b->len != s[v[0].idx].rule.len || k == HYP_MAX_PATTERN_RULES))
			return k;
		for (size_t j = 0; j < n; j++)
			if (j != k && s[v[j].idx].rule.len == b->len &&
			    shadows(&s[v[j].idx].rule, b, j < k)) {
				*first = v[j].idx;
				return k;
			}
	}
	return n;
}

static int report_conflict(struct parser *p, size_t bad, size_t first)
{
	const struct hyp_sig_config *b = &p->cfg->sigs[bad], *a = &p->cfg->sigs[first];

	if (a->rule.len != b->rule.len)
		return fail_at(p, &p->pat_at[bad],
			       "pattern of signature '%s' equals that of '%s' (line %u) up to "
			       "trailing NUL bytes; events cannot tell them apart, so make them "
			       "differ before the NULs",
			       b->name, a->name, a->line);
	if (!shadows(&a->rule, &b->rule, first < bad))
		return fail_at(p, &p->pat_at[bad],
			       "signature '%s' is the %dth with the pattern of '%s' (line %u); at "
			       "most %d signatures may share one pattern",
			       b->name, HYP_MAX_PATTERN_RULES + 1, a->name, a->line,
			       HYP_MAX_PATTERN_RULES);
	if (same_rule(&a->rule, &b->rule))
		return fail_at(p, &p->pat_at[bad],
			       "signature '%s' repeats '%s' (line %u): the same bytes, action, "
			       "protocol and ports, so it could never be the one reported; remove "
			       "one, or give them different actions, protocols or ports",
			       b->name, a->name, a->line);
	if (a->rule.action != b->rule.action)
		return fail_at(p, &p->pat_at[bad],
			       "signature '%s' could never be the one reported: '%s' (line %u), "
			       "with the same bytes, drops every packet that '%s' would alert on, "
			       "and a drop wins over an alert; remove '%s', or narrow the protocol "
			       "or ports of '%s'",
			       b->name, a->name, a->line, b->name, b->name, a->name);
	return fail_at(p, &p->pat_at[bad],
		       "signature '%s' could never be the one reported: '%s' (line %u), listed "
		       "before it with the same bytes and action, applies to every packet that "
		       "'%s' does; list '%s' first, or remove one",
		       b->name, a->name, a->line, b->name, b->name);
}

/* Patterns equal up to trailing NULs, shared by too many signatures, or
 * the signature of one that another with the same bytes always outranks. */
static int check_patterns(struct parser *p)
{
	const struct hyp_sig_config *s = p->cfg->sigs;
	size_t n = p->cfg->nsigs, bad = SIZE_MAX, first = 0;
	struct by_bytes *v;

	if (n < 2)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return fail_pos(p, 1, 1, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = (struct by_bytes){ s[i].rule.pattern, i };
	qsort(v, n, sizeof(*v), cmp_by_bytes);
	for (size_t i = 0, j; i < n; i = j) {
		size_t k, with;

		for (j = i + 1; j < n && v[j].bytes == v[i].bytes; j++)
			;
		k = group_conflict(s, v + i, j - i, &with);
		if (k < j - i && v[i + k].idx < bad) {
			bad = v[i + k].idx;
			first = with;
		}
	}
	free(v);
	return bad == SIZE_MAX ? 0 : report_conflict(p, bad, first);
}

/* ---- Events and filter ----------------------------------------------- */

enum { RL_RATE, RL_BURST, RL_SUMMARY };

static int ratelimit_check(struct parser *p, void *obj, const struct seen *s)
{
	struct hyp_ratelimit_config *rl = obj;

	if (!(s->mask & 1u << RL_BURST))
		rl->burst = rl->rate ? 2 * rl->rate : 1;
	return 0;
}

static const struct field ratelimit_fields[] = {
	[RL_RATE] = F_UINT("rate", struct hyp_ratelimit_config, rate, 0, 10000000),
	[RL_BURST] = F_UINT("burst", struct hyp_ratelimit_config, burst, 1, 100000000),
	[RL_SUMMARY] =
		F_UINT("summary_interval", struct hyp_ratelimit_config, summary_interval, 1, 3600),
};

static const struct section ratelimit_section =
	SECTION("rate_limit", ratelimit_fields, ratelimit_check);

static const struct choice accept_modes[] = {
	{ "off", HYP_ACCEPT_OFF },
	{ "new-flow", HYP_ACCEPT_NEW_FLOW },
	{ "all", HYP_ACCEPT_ALL },
};

static const struct field event_fields[] = {
	F_CHOICE("accept", struct hyp_config_file, knobs.accept_mode, accept_modes),
	F_BOOL("legacy_alerts", struct hyp_config_file, knobs.legacy_alerts),
	F_UINT("flow_table_size", struct hyp_config_file, flow_table_size, 1024, 4194304),
	F_UINT("realtime_priority", struct hyp_config_file, realtime_priority, 0, 99),
	F_SECTION("rate_limit", struct hyp_config_file, ratelimit, ratelimit_section),
};

static const struct section event_section = SECTION("events", event_fields, NULL);

static const struct choice policies[] = {
	{ "pass", HYP_POLICY_PASS },
	{ "drop", HYP_POLICY_DROP },
};

static const struct field filter_fields[] = {
	F_CHOICE("nonfirst_fragments", struct hyp_config_file, knobs.nonfirst_frag, policies),
	F_CHOICE("ipv6_long_chains", struct hyp_config_file, knobs.v6_ext_too_deep, policies),
};

static const struct section filter_section = SECTION("filter", filter_fields, NULL);

/* ---- Outputs --------------------------------------------------------- */

static const struct choice colors[] = {
	{ "auto", HYP_COLOR_AUTO },
	{ "always", HYP_COLOR_ALWAYS },
	{ "never", HYP_COLOR_NEVER },
};

static const struct field console_fields[] = {
	F_BOOL("enabled", struct hyp_console_config, enabled),
	F_CHOICE("color", struct hyp_console_config, color, colors),
};

static const struct section console_section = SECTION("console", console_fields, NULL);

static const struct field journald_fields[] = {
	F_BOOL("enabled", struct hyp_journald_config, enabled),
	F_UINT("queue_size", struct hyp_journald_config, queue_size, 16, 10000000),
};

static const struct section journald_section = SECTION("journald", journald_fields, NULL);

static int printable(const char *s, size_t n, char lo)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < lo || s[i] > '~')
			return 0;
	return 1;
}

static int syslog_target(struct parser *p, void *obj)
{
	struct hyp_syslog_config *sl = obj;
	char shown[SHOW_MAX + 4];

	if (!is_scalar(p))
		return type_error(p, "target", "\"host:port\", \"[ipv6]:port\" or a socket path");
	if (!slen(p)) /* as every other empty value */
		return fail_here(p, "target is empty; expected \"host:port\", \"[ipv6]:port\" or "
				    "a socket path, or leave target out while syslog is disabled");
	if (slen(p) >= sizeof(sl->target))
		return fail_here(p, "target is %zu bytes; expected at most %zu", slen(p),
				 sizeof(sl->target) - 1);
	if (!printable(sval(p), slen(p), ' '))
		return fail_here(p, "target '%s' is not valid; expected printable ASCII",
				 show(shown, sval(p), slen(p)));
	memcpy(sl->target, sval(p), slen(p) + 1);
	return 0; /* checked with the transport, in syslog_check() */
}

static int syslog_hostname(struct parser *p, void *obj)
{
	static const char expect[] = "1 to 255 printable ASCII characters without spaces";
	struct hyp_syslog_config *sl = obj;
	char shown[SHOW_MAX + 4];

	if (!is_scalar(p))
		return type_error(p, "hostname", expect);
	if (!slen(p)) /* as every other empty value: a default is had by leaving the key out */
		return fail_here(p,
				 "hostname is empty; expected %s, or leave hostname out for "
				 "the host's name",
				 expect);
	if (slen(p) >= sizeof(sl->hostname) || !printable(sval(p), slen(p), '!'))
		return fail_here(p, "hostname '%s' is not valid; expected %s",
				 show(shown, sval(p), slen(p)), expect);
	memcpy(sl->hostname, sval(p), slen(p) + 1);
	return 0;
}

/* "host:port" or "[v6]:port". */
static int valid_hostport(const char *t)
{
	const char *colon = strrchr(t, ':'), *host = t;
	size_t hlen = colon ? (size_t)(colon - t) : 0;
	char v6[INET6_ADDRSTRLEN];
	struct in6_addr a;
	uint64_t port;

	if (!colon || parse_decimal(colon + 1, strlen(colon + 1), 65535, &port) || !port)
		return 0;
	if (t[0] == '[') {
		if (hlen < 3 || colon[-1] != ']' || hlen - 2 >= sizeof(v6))
			return 0;
		memcpy(v6, t + 1, hlen - 2);
		v6[hlen - 2] = '\0';
		return inet_pton(AF_INET6, v6, &a) == 1;
	}
	for (size_t i = 0; i < hlen; i++)
		if (!(host[i] >= 'a' && host[i] <= 'z') && !(host[i] >= 'A' && host[i] <= 'Z') &&
		    !(host[i] >= '0' && host[i] <= '9') && !in_set(host[i], ".-_"))
			return 0;
	return hlen > 0;
}

enum {
	SL_ENABLED,
	SL_TRANSPORT,
	SL_TARGET,
	SL_FRAMING,
	SL_FACILITY,
	SL_HOSTNAME,
	SL_EID,
	SL_QUEUE
};

static int syslog_check(struct parser *p, void *obj, const struct seen *s)
{
	const struct hyp_syslog_config *sl = obj;
	const yaml_mark_t *at = s->mask & 1u << SL_TARGET ? &s->value[SL_TARGET] : &s->map;
	char shown[SHOW_MAX + 4];

	/* octet-counting, the default, may stay when the transport changes */
	if (sl->framing != HYP_FRAMING_OCTET && sl->transport != HYP_SYSLOG_TCP)
		return fail_at(p, &s->value[SL_FRAMING],
			       "framing lf applies to transport tcp only; remove it or use tcp");
	if (!sl->target[0])
		return sl->enabled ? fail_at(p, at,
					     "syslog is enabled without a target; expected "
					     "\"host:port\", \"[ipv6]:port\" or, for unix, a path")
				   : 0;
	show(shown, sl->target, strlen(sl->target));
	if (sl->transport == HYP_SYSLOG_UNIX && sl->target[0] != '/')
		return fail_at(p, at,
			       "target '%s' is not valid for unix; expected an absolute path",
			       shown);
	/* journald owns /dev/log and would not parse RFC 5424 there */
	if (sl->transport == HYP_SYSLOG_UNIX &&
	    (!strcmp(sl->target, "/dev/log") ||
	     !strcmp(sl->target, "/run/systemd/journal/dev-log")))
		return fail_at(p, at,
			       "target %s belongs to journald, which does not parse RFC 5424; "
			       "use the journald output, or a syslog daemon's own socket",
			       shown);
	if (sl->transport == HYP_SYSLOG_UNIX && strlen(sl->target) >= SUN_PATH_SIZE)
		return fail_at(p, at, "target is %zu bytes; a unix socket path has at most %zu",
			       strlen(sl->target), SUN_PATH_SIZE - 1);
	if (sl->transport != HYP_SYSLOG_UNIX && !valid_hostport(sl->target))
		return fail_at(
			p, at,
			"target '%s' is not valid; expected \"host:port\" or \"[ipv6]:port\" "
			"with a port from 1 to 65535",
			shown);
	return 0;
}

static const struct choice transports[] = {
	{ "udp", HYP_SYSLOG_UDP },
	{ "tcp", HYP_SYSLOG_TCP },
	{ "unix", HYP_SYSLOG_UNIX },
};

static const struct choice framings[] = {
	{ "octet-counting", HYP_FRAMING_OCTET },
	{ "lf", HYP_FRAMING_LF },
};

static const struct choice facilities[] = {
	{ "kern", 0 },	    { "user", 1 },    { "mail", 2 },	{ "daemon", 3 },  { "auth", 4 },
	{ "syslog", 5 },    { "lpr", 6 },     { "news", 7 },	{ "uucp", 8 },	  { "cron", 9 },
	{ "authpriv", 10 }, { "ftp", 11 },    { "local0", 16 }, { "local1", 17 }, { "local2", 18 },
	{ "local3", 19 },   { "local4", 20 }, { "local5", 21 }, { "local6", 22 }, { "local7", 23 },
};

static const struct field syslog_fields[] = {
	[SL_ENABLED] = F_BOOL("enabled", struct hyp_syslog_config, enabled),
	[SL_TRANSPORT] = F_CHOICE("transport", struct hyp_syslog_config, transport, transports),
	[SL_TARGET] = F_CUSTOM("target", syslog_target, 0),
	[SL_FRAMING] = F_CHOICE("framing", struct hyp_syslog_config, framing, framings),
	[SL_FACILITY] = F_CHOICE("facility", struct hyp_syslog_config, facility, facilities),
	[SL_HOSTNAME] = F_CUSTOM("hostname", syslog_hostname, 0),
	[SL_EID] = F_UINT("enterprise_id", struct hyp_syslog_config, enterprise_id, 1, UINT32_MAX),
	[SL_QUEUE] = F_UINT("queue_size", struct hyp_syslog_config, queue_size, 16, 10000000),
};

static const struct section syslog_section = SECTION("syslog", syslog_fields, syslog_check);

static const struct field output_fields[] = {
	F_SECTION("console", struct hyp_config_file, console, console_section),
	F_SECTION("journald", struct hyp_config_file, journald, journald_section),
	F_SECTION("syslog", struct hyp_config_file, syslog, syslog_section),
};

static const struct section output_section = SECTION("outputs", output_fields, NULL);

/* ---- The document ---------------------------------------------------- */

static const struct choice log_levels[] = {
	{ "error", HYP_LOG_ERR },
	{ "warning", HYP_LOG_WARNING },
	{ "info", HYP_LOG_INFO },
	{ "debug", HYP_LOG_DEBUG },
};

static int top_check(struct parser *p, void *obj, const struct seen *s)
{
	return check_patterns(p);
}

static const struct field top_fields[] = {
	F_CHOICE("log_level", struct hyp_config_file, log_level, log_levels),
	F_CUSTOM("interfaces", interfaces, 1),
	F_CUSTOM("signatures", signatures, 0),
	F_SAME("events", event_section),
	F_SAME("filter", filter_section),
	F_SAME("outputs", output_section),
};

static const struct section top_section = SECTION("the configuration", top_fields, top_check);

static int parse_document(struct parser *p)
{
	static const char empty[] = "empty configuration; expected a mapping with at least "
				    "'interfaces'";

	if (next(p) || next(p)) /* stream start, document start */
		return -1;
	if (p->ev.type == YAML_STREAM_END_EVENT)
		return fail_here(p, "%s", empty);
	if (next(p))
		return -1;
	if (is_empty(p))
		return fail_here(p, "%s", empty);
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return type_error(p, "the configuration", "a mapping");
	if (parse_section(p, &top_section, "the configuration", p->cfg))
		return -1;
	if (next(p) || next(p)) /* document end, stream end */
		return -1;
	if (p->ev.type != YAML_STREAM_END_EVENT)
		return fail_here(p, "multiple documents are not allowed; expected one");
	return 0;
}

static int parse_buffer(struct parser *p)
{
	int rc;

	if (check_text(p))
		return -1;
	if (!yaml_parser_initialize(&p->yaml))
		return fail_pos(p, 1, 1, "out of memory");
	yaml_parser_set_input_string(&p->yaml, p->buf, p->len);
	rc = parse_document(p);
	if (p->have_ev)
		yaml_event_delete(&p->ev);
	yaml_parser_delete(&p->yaml);
	return rc;
}

static void set_defaults(struct hyp_config_file *c)
{
	memset(c, 0, sizeof(*c));
	c->log_level = HYP_LOG_INFO;
	c->flow_table_size = HYP_FLOWS_DEFAULT;
	c->ratelimit = (struct hyp_ratelimit_config){ 1000, 2000, 10 };
	c->console.enabled = 1;
	c->syslog.facility = 16; /* local0 */
	c->syslog.enterprise_id = 32473;
	c->syslog.queue_size = 10000;
	c->journald.queue_size = 10000;
}

int hyp_config_parse(const char *name, const char *buf, size_t len, int check_ifaces,
		     struct hyp_config_file *out, struct hyp_config_error *err)
{
	struct parser p = {
		.name = name,
		.buf = (const uint8_t *)(buf ? buf : ""),
		.len = len,
		.err = err,
		.cfg = out,
		.check_ifaces = check_ifaces,
	};
	int rc;

	set_defaults(out);
	rc = parse_buffer(&p);
	free(p.pat_at);
	free(p.names);
	if (rc) {
		hyp_config_free(out);
		memset(out, 0, sizeof(*out));
	}
	return rc ? -1 : 0;
}

void hyp_config_free(struct hyp_config_file *c)
{
	if (!c)
		return;
	free(c->sigs);
	c->sigs = NULL;
	c->nsigs = 0;
}

/* ---- The file -------------------------------------------------------- */

static const char *file_type(mode_t m)
{
	return S_ISDIR(m)    ? "a directory"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISSOCK(m) ? "a socket"
			     : "not a regular file";
}

/* It decides what gets dropped: only its owner, root or us, should write it. */
static void check_owner(const char *path, const struct stat *st, struct hyp_config_error *warn)
{
	int loose = (st->st_mode & (S_IWGRP | S_IWOTH)) != 0;
	int foreign = st->st_uid != 0 && st->st_uid != geteuid();

	if (!warn || (!loose && !foreign))
		return;
	snprintf(warn->msg, sizeof(warn->msg),
		 "%s: %s%s%s (mode %04o, uid %u); it decides what "
		 "gets dropped, so make it root's and writable by its owner only",
		 path, loose ? "writable by group or others" : "", loose && foreign ? " and " : "",
		 foreign ? "not owned by root" : "", (unsigned int)(st->st_mode & 07777),
		 (unsigned int)st->st_uid);
}

static int read_all(int fd, char *buf, size_t want, size_t *got)
{
	*got = 0;
	while (*got < want) {
		ssize_t n = read(fd, buf + *got, want - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* The file's bytes, if it is a regular file of at most HYP_CONFIG_MAX_SIZE. */
static int read_config(const char *path, char **buf, size_t *len, struct hyp_config_error *err,
		       struct hyp_config_error *warn)
{
	struct stat st;
	int fd, rc;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fail_file(err, path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st)) {
		rc = fail_file(err, path, "cannot stat: %s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = fail_file(err, path, "is %s; expected a regular file", file_type(st.st_mode));
	} else if ((uintmax_t)st.st_size > HYP_CONFIG_MAX_SIZE) {
		rc = fail_file(err, path, "is %jd bytes; expected at most %u", (intmax_t)st.st_size,
			       HYP_CONFIG_MAX_SIZE);
	} else {
		check_owner(path, &st, warn);
		/* one byte more than its size: a file that grows is not cut short */
		*buf = malloc((size_t)st.st_size + 1);
		rc = *buf ? read_all(fd, *buf, (size_t)st.st_size + 1, len) : -ENOMEM;
		if (rc)
			rc = fail_file(err, path, "cannot read: %s", strerror(-rc));
		else if (*len > (size_t)st.st_size)
			rc = fail_file(err, path, "grew while it was read; try again");
	}
	close(fd);
	return rc;
}

int hyp_config_load(const char *path, int check_ifaces, struct hyp_config_file *out,
		    struct hyp_config_error *err, struct hyp_config_error *warn)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (warn)
		warn->msg[0] = '\0';
	rc = read_config(path, &buf, &len, err, warn);
	if (!rc)
		rc = hyp_config_parse(path, buf, len, check_ifaces, out, err);
	free(buf);
	return rc ? -1 : 0;
}
