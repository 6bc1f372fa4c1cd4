// SPDX-License-Identifier: GPL-2.0
#include "acct.h"
#include "hashtab.h"
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Passes a thread may be missing from before it is taken as gone. */
#define ACCT_MISSING_LIMIT 3

struct acct_thread {
	uint64_t start_ns;
	uint64_t pstart_ns;
	uint32_t tid; /* 0: free slot (tid 0 is never a thread here) */
	uint32_t pid;
	char comm[ACCT_COMM_LEN];
	char pcomm[ACCT_COMM_LEN];
	bool exited;
	uint8_t missing;    /* consecutive passes without an observation */
	uint32_t seen_pass; /* the last pass that observed it */
	uint64_t cgroup_id;
	struct acct_counters base;
	struct acct_counters cur;
	uint64_t wait_max_ns;
};

/*
 * Exited threads folded together, by process (pid, pstart_ns) or, once
 * ACCT_FOLD_PROCS processes have folds, by name (pid 0). Open addressing,
 * never deleted from, emptied whole when the interval closes.
 */
struct acct_fold {
	uint64_t pstart_ns;
	uint32_t pid;
	uint32_t threads; /* 0: free slot */
	char comm[ACCT_COMM_LEN];
	struct acct_counters c;
	uint64_t wait_max_ns;
};

struct fold_table {
	struct acct_fold *slot;
	size_t cap; /* a power of two, twice the entries allowed */
	size_t used;
};

struct acct {
	struct hashtab threads; /* of struct acct_thread, by (tid, start_ns) */
	size_t max_threads;
	uint32_t pass; /* numbers the passes, so none has to clear a flag */
	bool in_baseline;
	uint64_t t0_ns;
	uint64_t pass_untracked; /* threads the table had no room for, this pass */
	size_t exited;		 /* exited threads in the table: candidates for folding */
	size_t cursor;		 /* where the search for one resumes */
	struct fold_table procs, names;
	struct acct_fold other; /* past ACCT_FOLD_NAMES names */
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

static size_t thread_hash(const void *entry)
{
	const struct acct_thread *t = entry;

	return hash_key(t->tid, t->start_ns);
}

static bool thread_free(const void *entry)
{
	return !((const struct acct_thread *)entry)->tid;
}

static const struct hashtab_ops thread_ops = { thread_hash, thread_free };

#define ACCT_MIN_CAP 1024

struct acct *acct__new(size_t max_threads)
{
	struct acct *a;
	int err;

	if (max_threads == 0 || max_threads > (SIZE_MAX / 4) / sizeof(struct acct_thread)) {
		errno = EINVAL;
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	err = hashtab__init(&a->threads, sizeof(struct acct_thread), ACCT_MIN_CAP, &thread_ops);
	if (err) {
		free(a);
		errno = -err;
		return NULL;
	}
	a->max_threads = max_threads;
	return a;
}

void acct__free(struct acct *a)
{
	if (!a)
		return;
	free(a->procs.slot);
	free(a->names.slot);
	hashtab__fini(&a->threads);
	free(a);
}

struct thread_key {
	uint32_t tid;
	uint64_t start_ns;
};

static bool stop_at(const void *entry, const void *key)
{
	const struct acct_thread *t = entry;
	const struct thread_key *k = key;

	return !t->tid || (t->tid == k->tid && t->start_ns == k->start_ns);
}

/* Thread (tid, start_ns), or the free slot where it would go. */
static struct acct_thread *find_slot(struct acct *a, uint32_t tid, uint64_t start_ns)
{
	const struct thread_key k = { tid, start_ns };

	return hashtab__probe(&a->threads, hash_key(tid, start_ns), stop_at, &k);
}

static struct acct_thread *thread_at(const struct acct *a, size_t i)
{
	return hashtab__slot(&a->threads, i);
}

static uint64_t sub(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

static size_t name_hash(const char *comm)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < ACCT_COMM_LEN && comm[i]; i++)
		h = (h ^ (unsigned char)comm[i]) * 1099511628211ull;
	return (size_t)h;
}

/*
 * The fold of (pid, pstart_ns), or with pid 0 of comm: found or made, NULL
 * if the table is at its limit. Allocated on the first fold only.
 */
static struct acct_fold *fold_of(struct fold_table *ft, size_t limit, uint32_t pid,
				 uint64_t pstart_ns, const char *comm)
{
	size_t i;

	if (!ft->slot) {
		ft->cap = limit * 2;
		ft->slot = calloc(ft->cap, sizeof(*ft->slot));
		if (!ft->slot)
			return NULL;
	}
	i = (pid ? hash_key(pid, pstart_ns) : name_hash(comm)) & (ft->cap - 1);
	while (ft->slot[i].threads) {
		struct acct_fold *f = &ft->slot[i];

		if (pid ? f->pid == pid && f->pstart_ns == pstart_ns
			: !strncmp(f->comm, comm, ACCT_COMM_LEN))
			return f;
		i = (i + 1) & (ft->cap - 1);
	}
	if (ft->used >= limit)
		return NULL;
	ft->used++;
	ft->slot[i].pid = pid;
	ft->slot[i].pstart_ns = pstart_ns;
	memcpy(ft->slot[i].comm, comm, ACCT_COMM_LEN);
	return &ft->slot[i];
}

static bool counters_delta(const struct acct_counters *cur, const struct acct_counters *base,
			   struct acct_counters *d);

/* Fold exited thread t's figures for the open interval: by process, name, or the rest. */
static void fold(struct acct *a, const struct acct_thread *t)
{
	struct acct_fold *f = fold_of(&a->procs, ACCT_FOLD_PROCS, t->pid, t->pstart_ns, t->pcomm);
	struct acct_counters d;

	if (!f) {
		f = fold_of(&a->names, ACCT_FOLD_NAMES, 0, 0, t->pcomm);
		if (!f) {
			f = &a->other;
			memcpy(f->comm, "(other)", sizeof("(other)"));
		}
		a->loss.folded_by_name++;
	}
	f->threads++;
	counters_delta(&t->cur, &t->base, &d);
	acct_counters__add(&f->c, &d);
	if (t->wait_max_ns > f->wait_max_ns)
		f->wait_max_ns = t->wait_max_ns;
	a->loss.folded++;
}

/* Exited threads weighed before one is chosen to make room. */
#define ACCT_FOLD_CANDIDATES 16

/*
 * Make room in a full table: fold and remove an exited thread, the one that
 * ran least of the next few met from where the last search stopped (each
 * slot is passed over once per round, however many threads come and go),
 * so that a big exited thread (a parent at the end of a fork storm) keeps
 * its row. false: every thread is alive.
 */
static bool fold_one_exited(struct acct *a)
{
	struct acct_thread *best = NULL;
	size_t seen = 0;

	for (size_t n = 0; a->exited && n <= a->threads.mask && seen < ACCT_FOLD_CANDIDATES; n++) {
		struct acct_thread *t = thread_at(a, a->cursor);

		a->cursor = (a->cursor + 1) & a->threads.mask;
		if (!t->tid || !t->exited)
			continue;
		seen++;
		if (!best || sub(t->cur.runtime_ns, t->base.runtime_ns) <
				     sub(best->cur.runtime_ns, best->base.runtime_ns))
			best = t;
	}
	if (!best)
		return false;
	fold(a, best);
	a->exited--;
	hashtab__remove(&a->threads, best);
	return true;
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
	for (size_t i = 0; i < hashtab__capacity(&a->threads); i++) {
		struct acct_thread *t = thread_at(a, i);

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
		/*
		 * The table doubles when half full (hashtab__claim()): every pass
		 * walks it whole, so it must stay proportional to the threads
		 * alive, not to --max-tasks.
		 */
		if ((a->threads.used >= a->max_threads && !fold_one_exited(a)) ||
		    !(t = hashtab__claim(&a->threads, hash_key(o->tid, o->start_ns)))) {
			a->pass_untracked++;
			return;
		}
		t->tid = o->tid;
		t->start_ns = o->start_ns;
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
	t->pstart_ns = o->pstart_ns;
	memcpy(t->comm, o->comm, sizeof(t->comm));
	t->comm[ACCT_COMM_LEN - 1] = '\0';
	/* A producer that knows no process name gives the thread's. */
	memcpy(t->pcomm, o->pcomm[0] ? o->pcomm : o->comm, sizeof(t->pcomm));
	t->pcomm[ACCT_COMM_LEN - 1] = '\0';
	t->cur = o->c;
	t->cgroup_id = o->cgroup_id;
	if (o->wait_max_ns > t->wait_max_ns)
		t->wait_max_ns = o->wait_max_ns;
	t->seen_pass = a->pass;
	if (o->exited && !t->exited) {
		t->exited = true;
		a->exited++;
	}
}

void acct_counters__add(struct acct_counters *dst, const struct acct_counters *src)
{
	dst->runtime_ns += src->runtime_ns;
	dst->run_delay_ns += src->run_delay_ns;
	dst->nvcsw += src->nvcsw;
	dst->nivcsw += src->nivcsw;
	dst->migrations += src->migrations;
	dst->wakeups += src->wakeups;
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

static void emit_fold(struct acct_fold *f, acct_delta_fn fn, void *arg)
{
	struct acct_delta d;

	if (!f->threads)
		return;
	memset(&d, 0, sizeof(d));
	d.pid = f->pid;
	d.pstart_ns = f->pstart_ns;
	d.start_ns = f->pstart_ns;
	d.folded = f->threads;
	memcpy(d.comm, f->comm, sizeof(d.comm));
	memcpy(d.pcomm, f->comm, sizeof(d.pcomm));
	d.exited = true;
	d.d = f->c;
	d.wait_max_ns = f->wait_max_ns;
	fn(&d, arg);
}

static void close_folds(struct fold_table *ft, acct_delta_fn fn, void *arg)
{
	if (!ft->used)
		return;
	for (size_t i = 0; i < ft->cap; i++)
		emit_fold(&ft->slot[i], fn, arg);
	memset(ft->slot, 0, ft->cap * sizeof(*ft->slot));
	ft->used = 0;
}

void acct__close(struct acct *a, acct_delta_fn fn, void *arg)
{
	size_t i = 0;

	while (i < hashtab__capacity(&a->threads)) {
		struct acct_thread *t = thread_at(a, i);
		struct acct_delta d;

		if (!t->tid) {
			i++;
			continue;
		}
		if (counters_delta(&t->cur, &t->base, &d.d) || t->wait_max_ns) {
			d.pid = t->pid;
			d.tid = t->tid;
			d.start_ns = t->start_ns;
			d.pstart_ns = t->pstart_ns;
			d.folded = 0;
			memcpy(d.comm, t->comm, sizeof(d.comm));
			memcpy(d.pcomm, t->pcomm, sizeof(d.pcomm));
			d.exited = t->exited;
			d.cgroup_id = t->cgroup_id;
			d.wait_max_ns = t->wait_max_ns;
			fn(&d, arg);
		}
		t->base = t->cur;
		t->wait_max_ns = 0;
		if (t->exited || t->missing >= ACCT_MISSING_LIMIT) {
			if (!t->exited)
				a->loss.vanished++;
			else
				a->exited--;
			hashtab__remove(&a->threads, t);
			/* A later entry may have shifted into slot i: look at it again. */
			continue;
		}
		i++;
	}
	close_folds(&a->procs, fn, arg);
	close_folds(&a->names, fn, arg);
	emit_fold(&a->other, fn, arg);
	memset(&a->other, 0, sizeof(a->other));
}

const struct acct_losses *acct__losses(const struct acct *a)
{
	return &a->loss;
}

void acct__report_losses(const struct acct *a, struct report_losses *out)
{
	out->untracked_threads += a->loss.untracked; /* a producer may have its own */
	out->late_threads = a->loss.late;
	out->vanished_threads = a->loss.vanished;
	out->folded_threads = a->loss.folded;
	out->folded_by_name = a->loss.folded_by_name;
}

size_t acct__size(const struct acct *a)
{
	return a->threads.used;
}
