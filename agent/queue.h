/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A bounded queue of records between the event loop (the one producer)
 * and an output's thread (the one consumer). Neither side takes a lock:
 * the event loop must never wait for a worker that the scheduler has put
 * aside, or the 64 KB ring fills behind it. Pushing never blocks: when
 * the queue is full the record is discarded and counted. The consumer
 * sleeps on a futex when the queue is empty, and the producer wakes it
 * only then.
 */
#ifndef HYPERION_QUEUE_H
#define HYPERION_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include "record.h"

struct hyp_queue {
	struct hyp_record *slots;
	size_t cap;
	/* 64-bit counts that never wrap in practice: taken modulo cap, which
	 * need not be a power of two, a wrapping count would skip slots */
	_Alignas(64) uint64_t tail; /* next slot to fill: written by the producer */
	uint64_t dropped;	    /* pushes refused because the queue was full */
	size_t tail_at;		    /* producer only: tail % cap, kept without dividing */
	uint64_t head_seen;	    /* producer only: head when it last looked */
	_Alignas(64) uint64_t head; /* next slot to read: written by the consumer */
	_Alignas(64) uint32_t wake; /* futex word, bumped to wake the consumer */
	uint32_t sleeping;	    /* the consumer waits, or is about to */
	uint32_t closing;
};

int hyp_queue_init(struct hyp_queue *q, size_t cap);
void hyp_queue_destroy(struct hyp_queue *q);

/* Returns 0, or -ENOSPC (counted in q->dropped) when full. Producer only. */
int hyp_queue_push(struct hyp_queue *q, const struct hyp_record *r);

/* Pushes n records with one wake-up at most; those that do not fit are
 * counted in q->dropped. Returns how many it took. Producer only. */
size_t hyp_queue_push_many(struct hyp_queue *q, const struct hyp_record *r, size_t n);

/*
 * Filling slots in place, without a copy. hyp_queue_slot() is the free
 * slot k places past the last published record, or NULL when the queue
 * has no room for it; the consumer does not see it until
 * hyp_queue_commit() publishes the first n such slots (with one wake-up
 * at most) and counts `dropped` records that found no room. Producer only.
 */
static inline struct hyp_record *hyp_queue_slot(struct hyp_queue *q, size_t k)
{
	size_t at = q->tail_at + k;

	if (q->tail + k - q->head_seen >= q->cap) { /* full when it last looked */
		q->head_seen = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
		if (q->tail + k - q->head_seen >= q->cap)
			return NULL;
	}
	return &q->slots[at < q->cap ? at : at - q->cap];
}

void hyp_queue_commit(struct hyp_queue *q, size_t n, size_t dropped);

/*
 * Waits for records, or for hyp_queue_close and an empty queue (returns 0),
 * or until timeout_ms (-1: no timeout). Points *recs at the oldest records
 * in place, no copy, and returns how many of them (up to max) lie in a row
 * there. They stay queued, and the producer leaves them alone, until
 * hyp_queue_release(). Consumer only.
 */
size_t hyp_queue_peek(struct hyp_queue *q, const struct hyp_record **recs, size_t max,
		      int timeout_ms);

/* Frees the n oldest records (at most what the last peek returned).
 * Consumer only. */
void hyp_queue_release(struct hyp_queue *q, size_t n);

/* Wakes the consumer; hyp_queue_peek returns 0 once the queue is empty. */
void hyp_queue_close(struct hyp_queue *q);

/* Sleeps ms, or less if the queue is closed meanwhile (a consumer's
 * backoff that must not hold up a shutdown). Returns 1 if closed. */
int hyp_queue_sleep(struct hyp_queue *q, int ms);

/* A consumer's pause between batches while fewer than max records wait:
 * records arrive one by one, and waking for each costs more than the
 * record itself (two context switches), so it lets the next batch fill
 * for a moment instead. Returns at once when closing. */
#define HYP_QUEUE_LINGER_NS 1000000L
void hyp_queue_linger(struct hyp_queue *q, size_t max);

/* Empties the queue; returns how many records it held. Once the consumer
 * has stopped. */
size_t hyp_queue_discard(struct hyp_queue *q);

size_t hyp_queue_len(struct hyp_queue *q);

/* Records refused so far (any thread). */
uint64_t hyp_queue_dropped(struct hyp_queue *q);

#endif /* HYPERION_QUEUE_H */
