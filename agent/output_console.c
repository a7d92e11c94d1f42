// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "config.h"
#include "output.h"
#include "pattern.h"
#include "strbuf.h"

#define GREEN  "\033[32m"
#define RED    "\033[31m"
#define YELLOW "\033[33m"
#define RESET  "\033[0m"

/* NO_COLOR (https://no-color.org): a non-empty value turns colour off where
 * it would be automatic; the configuration's always and never win. */
int hyp_console_use_color(int setting, FILE *f)
{
	const char *no = getenv("NO_COLOR");

	if (setting != HYP_COLOR_AUTO)
		return setting == HYP_COLOR_ALWAYS;
	return !(no && *no) && isatty(fileno(f));
}

int hyp_fd_is_journal(int fd)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char extra;

	if (!env || sscanf(env, "%llu:%llu%c", &dev, &ino, &extra) != 2 || fstat(fd, &st))
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* "[YYYY-MM-DD HH:MM:SS] " in local time, formatted once per second and
 * thread: localtime_r and strftime cost more than the rest of a line. */
static void line_time(struct strbuf *b, time_t secs)
{
	static __thread struct {
		time_t secs;
		int valid;
		char s[40];
	} c;
	struct tm tm;

	if (!c.valid || c.secs != secs) {
		if (!localtime_r(&secs, &tm)) /* a year beyond int: only from a forged record */
			memset(&tm, 0, sizeof(tm));
		if (!strftime(c.s, sizeof(c.s), "[%Y-%m-%d %H:%M:%S] ", &tm))
			c.s[0] = 0;
		c.secs = secs;
		c.valid = 1;
	}
	sb_str(b, c.s);
}

size_t hyp_console_line(const struct hyp_ev *ev, int color, char *buf, size_t cap)
{
	static const char *const colors[] = { GREEN, RED, YELLOW };
	char addr[HYP_ADDRPORT_MAX], proto[4], sig[4 * HYP_SIG_LEN + 1];
	struct strbuf b;

	sb_init(&b, buf, cap);
	line_time(&b, ev->wall.tv_sec);
	sb_str(&b, color ? colors[ev->type % 3] : "");
	sb_str(&b, hyp_ev_type_name(ev->type));
	sb_str(&b, color ? RESET " " : " ");
	sb_str(&b, hyp_addrport(ev->ipv6, ev->src, ev->sport, addr));
	sb_str(&b, " -> ");
	sb_str(&b, hyp_addrport(ev->ipv6, ev->dst, ev->dport, addr));
	sb_str(&b, " ");
	sb_str(&b, hyp_proto_name(ev->protocol, proto));
	if (ev->type != HYP_EVENT_ACCEPT) {
		hyp_pattern_escape(ev->sig, ev->siglen, sig, sizeof(sig));
		sb_str(&b, " sig=\"");
		sb_str(&b, sig);
		sb_str(&b, "\"");
	}
	return b.len;
}

size_t hyp_record_line(const struct hyp_record *r, int color, char *buf, size_t cap)
{
	char sig[4 * HYP_SIG_LEN + 1], t0[HYP_TIME_MAX], t1[HYP_TIME_MAX];
	struct strbuf b;

	if (r->kind == HYP_REC_EVENT)
		return hyp_console_line(&r->ev, color, buf, cap);
	sb_init(&b, buf, cap);
	line_time(&b, r->ev.wall.tv_sec);
	if (r->kind == HYP_REC_LOSS) {
		sb_str(&b, "LOSS source=");
		sb_str(&b, r->source);
		sb_str(&b, " lost=");
		sb_u64(&b, r->count);
		return b.len;
	}
	hyp_pattern_escape(r->ev.sig, r->ev.siglen, sig, sizeof(sig));
	sb_str(&b, "SUMMARY ");
	sb_str(&b, hyp_ev_type_name(r->ev.type));
	if (r->ev.type != HYP_EVENT_ACCEPT) {
		sb_str(&b, " sig=\"");
		sb_str(&b, sig);
		sb_str(&b, "\"");
	}
	sb_str(&b, " suppressed=");
	sb_u64(&b, r->count);
	sb_str(&b, " first=");
	sb_str(&b, hyp_rfc3339(&r->first, t0));
	sb_str(&b, " last=");
	sb_str(&b, hyp_rfc3339(&r->last, t1));
	return b.len;
}

void *hyp_console_worker(void *arg)
{
	struct hyp_output *o = arg;
	const struct hyp_record *recs;
	char line[512];
	size_t n;

	while ((n = hyp_queue_peek(&o->q, &recs, 64, -1))) {
		for (size_t i = 0; i < n; i++) {
			size_t len = hyp_record_line(&recs[i], o->color, line, sizeof(line) - 1);

			line[len++] = '\n';
			if (fwrite(line, 1, len, stdout) == len)
				__atomic_fetch_add(&o->sent, 1, __ATOMIC_RELAXED);
			else
				__atomic_fetch_add(&o->failed, 1, __ATOMIC_RELAXED);
		}
		hyp_queue_release(&o->q, n);
		fflush(stdout);
		hyp_queue_linger(&o->q, 64);
	}
	return NULL;
}
