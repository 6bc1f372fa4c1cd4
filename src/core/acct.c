// SPDX-License-Identifier: GPL-2.0
#include "acct.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Passes a thread may be missing from before it is taken as gone. */
#define ACCT_MISSING_LIMIT 3

struct acct_thread {
	uint64_t start_ns;
	uint32_t tid;		/* 0: free slot (tid 0 is never a thread here) */
	uint32_t pid;
	char comm[ACCT_COMM_LEN];
	char pcomm[ACCT_COMM_LEN];
	bool exited;
	uint8_t missing;	/* consecutive passes without an observation */
	uint32_t seen_pass;	/* the last pass that observed it */
	struct acct_counters base;
	struct acct_counters cur;
	uint64_t wait_max_ns;
};

struct acct {
	struct acct_thread *slot;
	size_t mask;		/* capacity - 1, capacity a power of two */
	size_t used;
	size_t max_threads;
	uint32_t pass;		/* numbers the passes, so none has to clear a flag */
	bool in_baseline;
	uint64_t t0_ns;
	uint64_t pass_untracked;	/* threads the table had no room for, this pass */
	struct acct_losses loss;
};

static size_t hash_key(uint32_t tid, uint64_t start_ns)
{
	uint64_t h = ((uint64_t)tid << 32) ^ start_ns;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

#define ACCT_MIN_CAP 1024

struct acct *acct__new(size_t max_threads)
{
	struct acct *a;
	size_t cap = ACCT_MIN_CAP;

	if (max_threads == 0 || max_threads > (SIZE_MAX / 4) / sizeof(struct acct_thread)) {
		errno = EINVAL;
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->slot = calloc(cap, sizeof(*a->slot));
	if (!a->slot) {
		free(a);
		return NULL;
	}
	a->mask = cap - 1;
	a->max_threads = max_threads;
	return a;
}

void acct__free(struct acct *a)
{
	if (!a)
		return;
	free(a->slot);
	free(a);
}

static struct acct_thread *find_slot(struct acct *a, uint32_t tid, uint64_t start_ns)
{
	size_t i = hash_key(tid, start_ns) & a->mask;

	while (a->slot[i].tid) {
		if (a->slot[i].tid == tid && a->slot[i].start_ns == start_ns)
			return &a->slot[i];
		i = (i + 1) & a->mask;
	}
	return &a->slot[i];
}

/*
 * Double the table when it is half full: every pass walks the whole table,
 * so it must stay proportional to the threads alive, not to --max-tasks.
 */
static int grow(struct acct *a)
{
	size_t cap = (a->mask + 1) * 2, old_cap = a->mask + 1;
	struct acct_thread *old = a->slot, *slot;

	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	a->slot = slot;
	a->mask = cap - 1;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].tid)
			*find_slot(a, old[i].tid, old[i].start_ns) = old[i];
	free(old);
	return 0;
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void remove_slot(struct acct *a, struct acct_thread *t)
{
	size_t hole = (size_t)(t - a->slot), i = hole;

	for (;;) {
		size_t home;

		i = (i + 1) & a->mask;
		if (!a->slot[i].tid)
			break;
		home = hash_key(a->slot[i].tid, a->slot[i].start_ns) & a->mask;
		/* Move i into the hole unless its home lies cyclically in (hole, i]. */
		if ((i > hole && (home <= hole || home > i)) ||
		    (i < hole && (home <= hole && home > i))) {
			a->slot[hole] = a->slot[i];
			hole = i;
		}
	}
	memset(&a->slot[hole], 0, sizeof(a->slot[hole]));
	a->used--;
}

void acct__begin_pass(struct acct *a, bool baseline, uint64_t t0_ns)
{
	a->in_baseline = baseline;
	a->pass_untracked = 0;
	a->pass++;
	if (baseline)
		a->t0_ns = t0_ns;
}

void acct__end_pass(struct acct *a)
{
	for (size_t i = 0; i <= a->mask; i++) {
		struct acct_thread *t = &a->slot[i];

		if (!t->tid || t->exited)
			continue;
		if (t->seen_pass == a->pass)
			t->missing = 0;
		else if (t->missing < ACCT_MISSING_LIMIT)
			t->missing++;
	}
	a->in_baseline = false;
	/* A gauge, not a sum: the same thread is met again at every pass. */
	if (a->pass_untracked > a->loss.untracked)
		a->loss.untracked = a->pass_untracked;
}

void acct__observe(struct acct *a, const struct acct_obs *o)
{
	struct acct_thread *t;

	if (!o->tid)
		return;
	t = find_slot(a, o->tid, o->start_ns);
	if (!t->tid) {
		if (a->used >= a->max_threads || (a->used + 1 > (a->mask + 1) / 2 && grow(a))) {
			a->pass_untracked++;
			return;
		}
		t = find_slot(a, o->tid, o->start_ns);
		memset(t, 0, sizeof(*t));
		t->tid = o->tid;
		t->start_ns = o->start_ns;
		a->used++;
		if (a->in_baseline) {
			t->base = o->c;
		} else if (o->start_ns < a->t0_ns) {
			/* Older than the trace but not in the baseline: its past is unknown. */
			t->base = o->c;
			a->loss.late++;
		}
		/* Else born during the trace: the kernel started its counters at zero. */
	}
	t->pid = o->pid;
	memcpy(t->comm, o->comm, sizeof(t->comm));
	t->comm[ACCT_COMM_LEN - 1] = '\0';
	/* A producer that knows no process name gives the thread's. */
	memcpy(t->pcomm, o->pcomm[0] ? o->pcomm : o->comm, sizeof(t->pcomm));
	t->pcomm[ACCT_COMM_LEN - 1] = '\0';
	t->cur = o->c;
	if (o->wait_max_ns > t->wait_max_ns)
		t->wait_max_ns = o->wait_max_ns;
	t->seen_pass = a->pass;
	if (o->exited)
		t->exited = true;
}

static uint64_t sub(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

static bool counters_delta(const struct acct_counters *cur, const struct acct_counters *base,
			   struct acct_counters *d)
{
	d->runtime_ns = sub(cur->runtime_ns, base->runtime_ns);
	d->run_delay_ns = sub(cur->run_delay_ns, base->run_delay_ns);
	d->nvcsw = sub(cur->nvcsw, base->nvcsw);
	d->nivcsw = sub(cur->nivcsw, base->nivcsw);
	d->migrations = sub(cur->migrations, base->migrations);
	d->wakeups = sub(cur->wakeups, base->wakeups);
	return d->runtime_ns || d->run_delay_ns || d->nvcsw || d->nivcsw || d->migrations ||
	       d->wakeups;
}

void acct__close(struct acct *a, acct_delta_fn fn, void *arg)
{
	size_t i = 0;

	while (i <= a->mask) {
		struct acct_thread *t = &a->slot[i];
		struct acct_delta d;

		if (!t->tid) {
			i++;
			continue;
		}
		if (counters_delta(&t->cur, &t->base, &d.d) || t->wait_max_ns) {
			d.pid = t->pid;
			d.tid = t->tid;
			memcpy(d.comm, t->comm, sizeof(d.comm));
			memcpy(d.pcomm, t->pcomm, sizeof(d.pcomm));
			d.exited = t->exited;
			d.wait_max_ns = t->wait_max_ns;
			fn(&d, arg);
		}
		t->base = t->cur;
		t->wait_max_ns = 0;
		if (t->exited || t->missing >= ACCT_MISSING_LIMIT) {
			if (!t->exited)
				a->loss.vanished++;
			remove_slot(a, t);
			/* A later entry may have shifted into slot i: look at it again. */
			continue;
		}
		i++;
	}
}

const struct acct_losses *acct__losses(const struct acct *a)
{
	return &a->loss;
}

size_t acct__size(const struct acct *a)
{
	return a->used;
}
