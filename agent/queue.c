// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "queue.h"

int hyp_queue_init(struct hyp_queue *q, size_t cap)
{
	pthread_condattr_t ca;

	memset(q, 0, sizeof(*q));
	q->slots = calloc(cap ? cap : 1, sizeof(*q->slots));
	if (!q->slots)
		return -ENOMEM;
	q->cap = cap ? cap : 1;
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

void hyp_queue_destroy(struct hyp_queue *q)
{
	if (!q->slots)
		return;
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q->slots);
	memset(q, 0, sizeof(*q));
}

size_t hyp_queue_push_many(struct hyp_queue *q, const struct hyp_record *r, size_t n)
{
	size_t took = 0;

	pthread_mutex_lock(&q->lock);
	if (!q->len && n)
		pthread_cond_signal(&q->cond);
	for (; took < n && q->len < q->cap; took++)
		q->slots[(q->head + q->len++) % q->cap] = r[took];
	q->dropped += n - took;
	pthread_mutex_unlock(&q->lock);
	return took;
}

int hyp_queue_push(struct hyp_queue *q, const struct hyp_record *r)
{
	return hyp_queue_push_many(q, r, 1) ? 0 : -ENOSPC;
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

size_t hyp_queue_pop(struct hyp_queue *q, struct hyp_record *out, size_t max, int timeout_ms)
{
	struct timespec until;
	size_t n = 0;

	if (timeout_ms >= 0)
		deadline(&until, timeout_ms);
	pthread_mutex_lock(&q->lock);
	while (!q->len && !q->closing) {
		if (timeout_ms < 0)
			pthread_cond_wait(&q->cond, &q->lock);
		else if (pthread_cond_timedwait(&q->cond, &q->lock, &until) == ETIMEDOUT)
			break;
	}
	while (n < max && q->len) {
		out[n] = q->slots[q->head];
		hyp_record_fix(&out[n++]);
		q->head = (q->head + 1) % q->cap;
		q->len--;
	}
	pthread_mutex_unlock(&q->lock);
	return n;
}

void hyp_queue_close(struct hyp_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closing = 1;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

size_t hyp_queue_len(struct hyp_queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->len;
	pthread_mutex_unlock(&q->lock);
	return n;
}

int hyp_queue_sleep(struct hyp_queue *q, int ms)
{
	struct timespec until;
	int closed;

	deadline(&until, ms);
	pthread_mutex_lock(&q->lock);
	while (!q->closing && pthread_cond_timedwait(&q->cond, &q->lock, &until) != ETIMEDOUT)
		;
	closed = q->closing;
	pthread_mutex_unlock(&q->lock);
	return closed;
}

void hyp_queue_linger(struct hyp_queue *q, size_t n, size_t max)
{
	struct timespec ts = { 0, HYP_QUEUE_LINGER_NS };

	if (n && n < max && !__atomic_load_n(&q->closing, __ATOMIC_RELAXED))
		nanosleep(&ts, NULL);
}

size_t hyp_queue_discard(struct hyp_queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->len;
	q->len = 0;
	pthread_mutex_unlock(&q->lock);
	return n;
}
