// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include "check_format.h"
#include "fuzz_input.h"

#define LINE_MAX_  512 /* what the outputs give hyp_record_line() */
#define MAX_PARAMS 32

/* ---- Plain text -------------------------------------------------------- */

/* NUL-terminated within cap, returned length = string length, printable. */
static void check_text(const char *what, const char *buf, size_t cap, size_t ret)
{
	const char *nul = memchr(buf, 0, cap);

	FUZZ_ASSERT(nul, "%s: no NUL within its %zu bytes", what, cap);
	FUZZ_ASSERT(ret == (size_t)(nul - buf), "%s: returned %zu for %zu characters", what, ret,
		    (size_t)(nul - buf));
	for (const char *c = buf; c < nul; c++)
		FUZZ_ASSERT(*c >= 0x20 && *c <= 0x7e, "%s: byte 0x%02x at %zu: %s", what,
			    (uint8_t)*c, (size_t)(c - buf), buf);
}

/* "0000-00-00T00:00:00.000000Z" where 0 is any digit: RFC 3339 as RFC 5424
 * wants it, for the years that have four digits. */
static void check_time(const char *what, const char *s, const struct timespec *ts)
{
	static const char shape[] = "0000-00-00T00:00:00.000000Z";

	if (ts->tv_sec < -30610224000LL || ts->tv_sec > 253402300799LL)
		return;
	FUZZ_ASSERT(strlen(s) == sizeof(shape) - 1, "%s: time '%s'", what, s);
	for (size_t i = 0; shape[i]; i++)
		FUZZ_ASSERT(shape[i] == '0' ? s[i] >= '0' && s[i] <= '9' : s[i] == shape[i],
			    "%s: time '%s'", what, s);
}

/* The console line with colours is the line without, plus ANSI colours. */
static void check_console(const struct hyp_record *r, const char *plain, size_t cap)
{
	static char buf[LINE_MAX_], col[LINE_MAX_];
	size_t n = hyp_record_line(r, 0, buf, cap), k = 0;

	check_text("console line (small buffer)", buf, cap, n);
	FUZZ_ASSERT(!strncmp(buf, plain, n), "console line cut differently: %s", buf);
	n = hyp_record_line(r, 1, col, sizeof(col));
	FUZZ_ASSERT(memchr(col, 0, sizeof(col)) && strlen(col) == n, "coloured console line");
	for (size_t i = 0, digits; i <= n; i++) {
		if (col[i] != '\033') {
			buf[k++] = col[i];
			continue;
		}
		FUZZ_ASSERT(col[i + 1] == '[', "not an SGR sequence: %s", col + i + 1);
		digits = strspn(col + i + 2, "0123456789");
		FUZZ_ASSERT(digits && col[i + 2 + digits] == 'm', "not an SGR sequence");
		i += 2 + digits;
	}
	FUZZ_ASSERT(!strcmp(buf, plain), "coloured line is not the line: %s", col);
}

/* ---- RFC 5424 ---------------------------------------------------------- */

struct sd_param {
	char name[33];
	char value[LINE_MAX_];
};

struct syslog_msg {
	char ts[64];
	struct sd_param params[MAX_PARAMS];
	size_t n;
	const char *msg;
};

/* 1..max characters of PRINTUSASCII, then a space. */
static const char *header_field(const char *s, char *dst, size_t max, const char *what)
{
	size_t n = 0;

	while (s[n] > ' ' && s[n] <= '~')
		n++;
	FUZZ_ASSERT(n >= 1 && n <= max && s[n] == ' ', "header %s in: %s", what, s);
	if (dst) {
		memcpy(dst, s, n);
		dst[n] = 0;
	}
	return s + n + 1;
}

/* SD-NAME: 1..32 PRINTUSASCII but '=', ' ', ']' and '"'. */
static const char *sd_name(const char *s, char *dst)
{
	size_t n = strcspn(s, "= ]\"");

	FUZZ_ASSERT(n >= 1 && n <= 32, "SD-NAME at: %s", s);
	memcpy(dst, s, n);
	dst[n] = 0;
	return s + n;
}

/* '"' PARAM-VALUE '"', unescaped into dst: only \" \\ \] escapes. */
static const char *sd_value(const char *s, char *dst)
{
	size_t n = 0;

	FUZZ_ASSERT(*s == '"', "no opening quote at: %s", s);
	for (s++; *s != '"'; s++) {
		FUZZ_ASSERT(*s && *s != ']', "unescaped ']' or no closing quote");
		if (*s == '\\') {
			FUZZ_ASSERT(s[1] == '"' || s[1] == '\\' || s[1] == ']',
				    "bare backslash at: %s", s);
			s++;
		}
		FUZZ_ASSERT(n + 1 < LINE_MAX_, "SD value too long");
		dst[n++] = *s;
	}
	dst[n] = 0;
	return s + 1;
}

static const char *sd_element(const char *s, struct syslog_msg *m)
{
	char id[33];

	FUZZ_ASSERT(*s == '[', "no SD-ELEMENT at: %s", s);
	s = sd_name(s + 1, id);
	while (*s == ' ') {
		struct sd_param *p = &m->params[m->n++];

		FUZZ_ASSERT(m->n <= MAX_PARAMS, "too many SD-PARAMs");
		s = sd_name(s + 1, p->name);
		FUZZ_ASSERT(*s == '=', "no '=' after %s", p->name);
		s = sd_value(s + 1, p->value);
	}
	FUZZ_ASSERT(*s == ']', "SD-ELEMENT %s not closed at: %s", id, s);
	return s + 1;
}

static void parse_syslog(const char *s, struct syslog_msg *m)
{
	unsigned int pri = 0;
	int k = 0;

	FUZZ_ASSERT(sscanf(s, "<%3u>1 %n", &pri, &k) == 1 && k >= 5 && pri <= 191,
		    "PRI/VERSION in: %s", s);
	s = header_field(s + k, m->ts, sizeof(m->ts) - 1, "TIMESTAMP");
	s = header_field(s, NULL, 255, "HOSTNAME");
	s = header_field(s, NULL, 48, "APP-NAME");
	s = header_field(s, NULL, 128, "PROCID");
	s = header_field(s, NULL, 32, "MSGID");
	m->n = 0;
	do
		s = sd_element(s, m);
	while (*s == '[');
	FUZZ_ASSERT(*s == ' ' || !*s, "no space before MSG at: %s", s);
	m->msg = *s ? s + 1 : s;
}

static const char *param(const struct syslog_msg *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->params[i].name, name))
			return m->params[i].value;
	return NULL;
}

static void check_syslog(const struct hyp_record *r, const struct hyp_syslog_header *h,
			 const char *line)
{
	static char buf[HYP_SYSLOG_MAX];
	static struct syslog_msg m;
	size_t n = hyp_rfc5424(r, h, buf, sizeof(buf));
	const char *v;

	check_text("RFC 5424", buf, sizeof(buf), n);
	FUZZ_ASSERT(n + 1 < sizeof(buf), "RFC 5424 message cut: %s", buf);
	parse_syslog(buf, &m);
	check_time("RFC 5424 TIMESTAMP", m.ts, &r->ev.wall);
	FUZZ_ASSERT(!strcmp(m.msg, line), "MSG is not the console line: %s", m.msg);
	v = param(&m, "iface");
	FUZZ_ASSERT(r->kind == HYP_REC_LOSS || (v && !strcmp(v, r->ev.ifname ? r->ev.ifname : "")),
		    "iface reads back as %s", v ? v : "(none)");
	v = param(&m, "rule");
	FUZZ_ASSERT(!v || (r->ev.rule && !strcmp(v, r->ev.rule)), "rule reads back as %s", v);
	v = param(&m, "time");
	if (v)
		check_time("SD time", v, &r->ev.wall);
}

/* ---- journald ---------------------------------------------------------- */

/* Field names journald accepts from a client: A-Z, 0-9 and '_', not
 * starting with a digit or '_', at most 64 characters. */
static void check_field(const struct hyp_journal_entry *e, const struct iovec *v)
{
	const char *s = v->iov_base, *eq;

	FUZZ_ASSERT(s >= e->buf && s + v->iov_len < e->buf + sizeof(e->buf),
		    "field outside the entry's buffer");
	check_text("journald field", s, v->iov_len + 1, v->iov_len);
	eq = memchr(s, '=', v->iov_len);
	FUZZ_ASSERT(eq && eq > s && eq - s <= 64, "field without a name: %s", s);
	FUZZ_ASSERT(!(*s >= '0' && *s <= '9') && *s != '_', "field name %s", s);
	for (const char *c = s; c < eq; c++)
		FUZZ_ASSERT((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_',
			    "field name %s", s);
}

static const char *journal_value(const struct hyp_journal_entry *e, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < e->n; i++)
		if (!strncmp(e->iov[i].iov_base, name, n) &&
		    ((const char *)e->iov[i].iov_base)[n] == '=')
			return (const char *)e->iov[i].iov_base + n + 1;
	return NULL;
}

static void check_journal(const struct hyp_record *r, const char *line)
{
	static struct hyp_journal_entry e;
	static const char *const last[] = { "HYPERION_TIME", "HYPERION_LAST_TIME",
					    "HYPERION_LOST" };
	const char *v;

	hyp_journal_fields(r, &e);
	FUZZ_ASSERT(e.n <= HYP_JOURNAL_FIELDS, "%zu fields", e.n);
	for (size_t i = 0; i < e.n; i++)
		check_field(&e, &e.iov[i]);
	v = journal_value(&e, "MESSAGE");
	FUZZ_ASSERT(v && !strcmp(v, line), "MESSAGE is not the console line");
	FUZZ_ASSERT(journal_value(&e, last[r->kind % 3]), "a field was left out");
	v = journal_value(&e, "HYPERION_RULE");
	FUZZ_ASSERT(!v || (r->ev.rule && !strcmp(v, r->ev.rule)), "HYPERION_RULE=%s", v);
	v = journal_value(&e, "HYPERION_INTERFACE");
	FUZZ_ASSERT(!v || !strcmp(v, r->ev.ifname ? r->ev.ifname : ""), "HYPERION_INTERFACE=%s", v);
}

void check_formats(const struct hyp_record *r, const struct hyp_syslog_header *h, size_t cap)
{
	static char line[LINE_MAX_];
	size_t n = hyp_record_line(r, 0, line, sizeof(line));

	check_text("console line", line, sizeof(line), n);
	FUZZ_ASSERT(n + 1 < sizeof(line), "console line cut: %s", line);
	check_console(r, line, cap < 1 ? 1 : cap > sizeof(line) ? sizeof(line) : cap);
	check_syslog(r, h, line);
	check_journal(r, line);
}
