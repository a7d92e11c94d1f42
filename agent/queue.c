// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include "queue.h"

#define LOAD(p)	    __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)

int hyp_queue_init(struct hyp_queue *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	q->slots = calloc(cap ? cap : 1, sizeof(*q->slots));
	if (!q->slots)
		return -ENOMEM;
	q->cap = cap ? cap : 1;
	return 0;
}

void hyp_queue_destroy(struct hyp_queue *q)
{
	if (!q->slots)
		return;
	free(q->slots);
	memset(q, 0, sizeof(*q));
}

static void wake(struct hyp_queue *q, int all)
{
	__atomic_fetch_add(&q->wake, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &q->wake, FUTEX_WAKE_PRIVATE, all ? INT_MAX : 1, NULL, NULL, 0);
}

size_t hyp_queue_push_many(struct hyp_queue *q, const struct hyp_record *r, size_t n)
{
	size_t took = 0;

	for (struct hyp_record *slot; took < n && (slot = hyp_queue_slot(q, took)); took++) {
		*slot = r[took];
		hyp_record_fix(slot); /* the consumer reads it in place */
	}
	hyp_queue_commit(q, took, n - took);
	return took;
}

void hyp_queue_commit(struct hyp_queue *q, size_t n, size_t dropped)
{
	q->tail_at += n; /* n <= cap: hyp_queue_slot() found room for each */
	if (q->tail_at >= q->cap)
		q->tail_at -= q->cap;
	__atomic_store_n(&q->tail, q->tail + n, __ATOMIC_SEQ_CST);
	if (dropped)
		__atomic_fetch_add(&q->dropped, dropped, __ATOMIC_RELAXED);
	/* the consumer says it sleeps before it looks at tail a last time */
	if (n && __atomic_load_n(&q->sleeping, __ATOMIC_SEQ_CST))
		wake(q, 0);
}

int hyp_queue_push(struct hyp_queue *q, const struct hyp_record *r)
{
	return hyp_queue_push_many(q, r, 1) ? 0 : -ENOSPC;
}

/* The records readable in a row at head, up to max. */
static size_t ready(struct hyp_queue *q, const struct hyp_record **recs, size_t max)
{
	size_t at = (size_t)(q->head % q->cap), n = (size_t)(LOAD(&q->tail) - q->head);

	if (n > max)
		n = max;
	if (n > q->cap - at)
		n = q->cap - at; /* the rest after the wrap comes with the next peek */
	*recs = &q->slots[at];
	return n;
}

static void deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_nsec -= 1000000000L;
		ts->tv_sec++;
	}
}

/* Sleeps until woken or until (absolute, CLOCK_MONOTONIC; NULL: never);
 * returns 0 once that time has passed. With wants_records, pushes wake it
 * too: it says so before it looks at the queue a last time, so a push
 * cannot slip in unseen. A close always wakes it. */
static int wait_until(struct hyp_queue *q, const struct timespec *until, int wants_records)
{
	uint32_t seen = __atomic_load_n(&q->wake, __ATOMIC_SEQ_CST);
	long rc = 0;

	if (wants_records)
		__atomic_store_n(&q->sleeping, 1, __ATOMIC_SEQ_CST);
	/* seq_cst, as the producer's store of tail and load of sleeping: an
	 * acquire load could still see the old tail on a weakly ordered CPU
	 * while the producer sees sleeping == 0, and the wake-up would be lost */
	if (!LOAD(&q->closing) &&
	    (!wants_records || __atomic_load_n(&q->tail, __ATOMIC_SEQ_CST) == q->head))
		rc = syscall(SYS_futex, &q->wake, FUTEX_WAIT_BITSET_PRIVATE, seen, until, NULL,
			     FUTEX_BITSET_MATCH_ANY);
	__atomic_store_n(&q->sleeping, 0, __ATOMIC_SEQ_CST);
	return !(rc && errno == ETIMEDOUT);
}

size_t hyp_queue_peek(struct hyp_queue *q, const struct hyp_record **recs, size_t max,
		      int timeout_ms)
{
	struct timespec until;
	size_t n;

	if (timeout_ms >= 0)
		deadline(&until, timeout_ms);
	while (!(n = ready(q, recs, max))) {
		if (LOAD(&q->closing))
			return ready(q, recs, max); /* a push may have landed meanwhile */
		if (!wait_until(q, timeout_ms >= 0 ? &until : NULL, 1))
			return ready(q, recs, max);
	}
	return n;
}

void hyp_queue_release(struct hyp_queue *q, size_t n)
{
	STORE(&q->head, q->head + n);
}

void hyp_queue_close(struct hyp_queue *q)
{
	STORE(&q->closing, 1);
	wake(q, 1);
}

size_t hyp_queue_len(struct hyp_queue *q)
{
	return (size_t)(LOAD(&q->tail) - LOAD(&q->head));
}

uint64_t hyp_queue_dropped(struct hyp_queue *q)
{
	return __atomic_load_n(&q->dropped, __ATOMIC_RELAXED);
}

int hyp_queue_sleep(struct hyp_queue *q, int ms)
{
	struct timespec until;

	deadline(&until, ms);
	while (!LOAD(&q->closing) && wait_until(q, &until, 0))
		;
	return LOAD(&q->closing);
}

void hyp_queue_linger(struct hyp_queue *q, size_t max)
{
	struct timespec ts = { 0, HYP_QUEUE_LINGER_NS };

	if (hyp_queue_len(q) < max && !LOAD(&q->closing))
		nanosleep(&ts, NULL);
}

size_t hyp_queue_discard(struct hyp_queue *q)
{
	size_t n = hyp_queue_len(q);

	q->head = q->tail;
	return n;
}
