// SPDX-License-Identifier: GPL-2.0
#include "lathist.h"
#include "hashtab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void latview__init(struct lat_view *v)
{
	memset(v, 0, sizeof(*v));
}

void lathist__add(struct lat_hist *h, unsigned int kind, uint64_t ns, uint64_t unit_ns)
{
	if (kind >= SS_LAT_KINDS)
		return;
	h->count[kind]++;
	h->sum_ns[kind] += ns;
	if (ns > h->max_ns[kind])
		h->max_ns[kind] = ns;
	h->log2[kind][lat__log2_slot(ns / unit_ns)]++;
	h->fine[kind][lat__fine_bucket(ns)]++;
}

void lathist__add_wait(struct lat_hist *h, unsigned int kind, uint64_t wait_ns, uint64_t unit_ns)
{
	h->run_delay_ns += wait_ns;
	lathist__add(h, kind, wait_ns, unit_ns);
}

void lathist__add_unsplit(struct lat_hist *h, uint64_t waits, uint64_t span_ns)
{
	h->unsplit_spans++;
	h->unsplit_waits += waits;
	h->unsplit_ns += span_ns;
	h->run_delay_ns += span_ns;
}

void lathist__restart_max(struct lat_hist *h)
{
	memset(h->max_ns, 0, sizeof(h->max_ns));
}

/*
 * A wait added just after its interval closed is in the buckets read, but
 * its maximum went to the next interval's slot (slotmax): the maximum is
 * then at least the lower edge of the highest bucket, so that no
 * percentile reads above it.
 */
static void raise_max_to_buckets(struct lat_view *v, unsigned int k)
{
	for (unsigned int b = SS_LAT_FINE_BUCKETS; b-- > 0;) {
		if (!v->fine[k][b])
			continue;
		if (v->max_ns[k] < lathist__fine_lo(b))
			v->max_ns[k] = lathist__fine_lo(b);
		return;
	}
}

void latview__add_delta(struct lat_view *v, const struct lat_hist *now,
			const struct lat_hist *before)
{
	static const struct lat_hist zero;

	if (!before)
		before = &zero;
	v->run_delay_ns += now->run_delay_ns - before->run_delay_ns;
	v->unsplit_spans += now->unsplit_spans - before->unsplit_spans;
	v->unsplit_waits += now->unsplit_waits - before->unsplit_waits;
	v->unsplit_ns += now->unsplit_ns - before->unsplit_ns;
	for (unsigned int k = 0; k < SS_LAT_KINDS; k++) {
		/* Unsigned subtraction in each counter's own width undoes a wrap. */
		v->count[k] += now->count[k] - before->count[k];
		v->sum_ns[k] += now->sum_ns[k] - before->sum_ns[k];
		for (unsigned int s = 0; s < SS_LAT_LOG2_SLOTS; s++)
			v->log2[k][s] += (uint32_t)(now->log2[k][s] - before->log2[k][s]);
		for (unsigned int b = 0; b < SS_LAT_FINE_BUCKETS; b++)
			v->fine[k][b] += (uint32_t)(now->fine[k][b] - before->fine[k][b]);
		if (now->max_ns[k] > v->max_ns[k])
			v->max_ns[k] = now->max_ns[k];
		raise_max_to_buckets(v, k);
	}
}

void latview__merge(struct lat_view *into, const struct lat_view *from)
{
	into->run_delay_ns += from->run_delay_ns;
	into->unsplit_spans += from->unsplit_spans;
	into->unsplit_waits += from->unsplit_waits;
	into->unsplit_ns += from->unsplit_ns;
	for (unsigned int k = 0; k < SS_LAT_KINDS; k++) {
		into->count[k] += from->count[k];
		into->sum_ns[k] += from->sum_ns[k];
		for (unsigned int s = 0; s < SS_LAT_LOG2_SLOTS; s++)
			into->log2[k][s] += from->log2[k][s];
		for (unsigned int b = 0; b < SS_LAT_FINE_BUCKETS; b++)
			into->fine[k][b] += from->fine[k][b];
		if (from->max_ns[k] > into->max_ns[k])
			into->max_ns[k] = from->max_ns[k];
	}
}

/*
 * Every accessor below reads a real kind directly and LAT_VIEW_ALL as
 * WAKEUP + PREEMPT, so a view need not store a fourth copy.
 */
uint64_t latview__count(const struct lat_view *v, unsigned int kind)
{
	if (kind == LAT_VIEW_ALL)
		return v->count[SS_LAT_WAKEUP] + v->count[SS_LAT_PREEMPT];
	return kind < SS_LAT_KINDS ? v->count[kind] : 0;
}

uint64_t latview__sum_ns(const struct lat_view *v, unsigned int kind)
{
	if (kind == LAT_VIEW_ALL)
		return v->sum_ns[SS_LAT_WAKEUP] + v->sum_ns[SS_LAT_PREEMPT];
	return kind < SS_LAT_KINDS ? v->sum_ns[kind] : 0;
}

uint64_t latview__max_ns(const struct lat_view *v, unsigned int kind)
{
	uint64_t w = v->max_ns[SS_LAT_WAKEUP], p = v->max_ns[SS_LAT_PREEMPT];

	if (kind == LAT_VIEW_ALL)
		return w > p ? w : p;
	return kind < SS_LAT_KINDS ? v->max_ns[kind] : 0;
}

uint64_t latview__log2(const struct lat_view *v, unsigned int kind, unsigned int slot)
{
	if (slot >= SS_LAT_LOG2_SLOTS)
		return 0;
	if (kind == LAT_VIEW_ALL)
		return v->log2[SS_LAT_WAKEUP][slot] + v->log2[SS_LAT_PREEMPT][slot];
	return kind < SS_LAT_KINDS ? v->log2[kind][slot] : 0;
}

uint64_t latview__fine(const struct lat_view *v, unsigned int kind, unsigned int bucket)
{
	if (bucket >= SS_LAT_FINE_BUCKETS)
		return 0;
	if (kind == LAT_VIEW_ALL)
		return v->fine[SS_LAT_WAKEUP][bucket] + v->fine[SS_LAT_PREEMPT][bucket];
	return kind < SS_LAT_KINDS ? v->fine[kind][bucket] : 0;
}

bool latview__empty(const struct lat_view *v)
{
	/* PREMIG waits are also WAKEUP or PREEMPT waits. */
	return latview__count(v, LAT_VIEW_ALL) == 0 && !v->unsplit_waits;
}

/*
 * The inverse of lat__fine_bucket(): buckets below 2^SUB_BITS hold one value
 * each; from there on bucket b lies in octave k = b / 2^SUB_BITS + SUB_BITS - 1
 * (b = 8..15 is octave 3, and so on) and is the (b mod 2^SUB_BITS)-th of the
 * octave's 2^SUB_BITS slices, each 2^(k - SUB_BITS) wide.
 */
#define SUBS (1u << SS_LAT_SUB_BITS)

uint64_t lathist__fine_lo(unsigned int b)
{
	unsigned int k;

	if (b < SUBS)
		return b;
	if (b >= SS_LAT_FINE_BUCKETS)
		b = SS_LAT_FINE_BUCKETS - 1;
	k = b / SUBS + SS_LAT_SUB_BITS - 1;
	return (uint64_t)(SUBS + b % SUBS) << (k - SS_LAT_SUB_BITS);
}

uint64_t lathist__fine_hi(unsigned int b)
{
	unsigned int k;

	if (b < SUBS)
		return b + 1;
	if (b >= SS_LAT_FINE_BUCKETS - 1)
		return UINT64_MAX;
	k = b / SUBS + SS_LAT_SUB_BITS - 1;
	return lathist__fine_lo(b) + ((uint64_t)1 << (k - SS_LAT_SUB_BITS));
}

#define PPB 1000000000ull

/*
 * ceil(q * n) in integers, q taken to 1e-9: a double product would turn
 * 0.999 * 1000 into 999.0000000000001 and ask for the 1000th wait.
 */
static uint64_t rank_of(uint64_t n, double q)
{
	uint64_t ppb = q >= 1.0 ? PPB : q > 0.0 ? (uint64_t)(q * (double)PPB + 0.5) : 0;
	uint64_t rank = (n / PPB) * ppb + ((n % PPB) * ppb + PPB - 1) / PPB;

	if (rank < 1)
		rank = 1;
	return rank < n ? rank : n;
}

/*
 * Walk the fine buckets up to the one where the cumulative count reaches the
 * rank, and answer that bucket's last value, clamped to the exact maximum
 * (which always lies in or above that bucket when the view is consistent).
 * The total is the buckets' own sum, not count[]: a per-thread entry read
 * while being written may show one without the other.
 */
void latview__dist(const struct lat_view *v, unsigned int kind, struct lat_dist *d)
{
	d->count = latview__count(v, kind);
	d->sum_ns = latview__sum_ns(v, kind);
	d->max_ns = latview__max_ns(v, kind);
	for (unsigned int s = 0; s < SS_LAT_LOG2_SLOTS; s++)
		d->log2[s] = latview__log2(v, kind, s);
	for (unsigned int b = 0; b < SS_LAT_FINE_BUCKETS; b++)
		d->fine[b] = latview__fine(v, kind, b);
}

uint64_t latdist__percentile(const struct lat_dist *d, double q)
{
	uint64_t n = 0, cum = 0, rank;

	for (unsigned int b = 0; b < SS_LAT_FINE_BUCKETS; b++)
		n += d->fine[b];
	if (!n)
		return 0;
	rank = rank_of(n, q);
	for (unsigned int b = 0; b < SS_LAT_FINE_BUCKETS; b++) {
		uint64_t lo, val;

		cum += d->fine[b];
		if (cum < rank)
			continue;
		lo = lathist__fine_lo(b);
		val = lathist__fine_hi(b) - 1;
		if (val > d->max_ns)
			val = d->max_ns;
		/* A maximum that missed the interval (0) must not drag it under the bucket. */
		return val < lo ? lo : val;
	}
	return 0; /* not reached: cum ends at n >= rank */
}

uint64_t latview__percentile(const struct lat_view *v, unsigned int kind, double q)
{
	struct lat_dist d;

	latview__dist(v, kind, &d);
	return latdist__percentile(&d, q);
}

/*
 * latsnap: a hashtab of pointers (an empty slot is NULL). Entries are
 * allocated one by one, so a slot costs a pointer and the ~4 KB copies exist
 * only for threads present.
 */
struct latsnap {
	struct hashtab tab; /* of struct lat_thread *, by tid */
};

#define LATSNAP_MIN_CAP 64

static size_t tid_hash(uint32_t tid)
{
	uint64_t h = (uint64_t)tid * 0x9e3779b97f4a7c15ull;

	return (size_t)(h ^ (h >> 29));
}

static struct lat_thread *hist_at(const void *slot)
{
	return *(struct lat_thread *const *)slot;
}

static size_t slot_hash(const void *slot)
{
	return tid_hash(hist_at(slot)->tid);
}

static bool slot_free(const void *slot)
{
	return !hist_at(slot);
}

static const struct hashtab_ops latsnap_ops = { slot_hash, slot_free };

static bool stop_at(const void *slot, const void *key)
{
	const struct lat_thread *h = hist_at(slot);

	return !h || h->tid == *(const uint32_t *)key;
}

struct latsnap *latsnap__new(void)
{
	struct latsnap *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return NULL;
	err = hashtab__init(&s->tab, sizeof(struct lat_thread *), LATSNAP_MIN_CAP, &latsnap_ops);
	if (err) {
		free(s);
		errno = -err;
		return NULL;
	}
	return s;
}

void latsnap__free(struct latsnap *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < hashtab__capacity(&s->tab); i++)
		free(hist_at(hashtab__slot(&s->tab, i)));
	hashtab__fini(&s->tab);
	free(s);
}

/* The slot holding tid, or the empty slot where it would go. */
static void *find(const struct latsnap *s, uint32_t tid)
{
	return hashtab__probe(&s->tab, tid_hash(tid), stop_at, &tid);
}

const struct lat_thread *latsnap__prev(const struct latsnap *s, uint32_t tid, uint64_t start_ns)
{
	const struct lat_thread *h = hist_at(find(s, tid));

	/* Another start time: a new thread behind a reused TID, its entry restarted. */
	return h && h->start_ns == start_ns ? h : NULL;
}

int latsnap__put(struct latsnap *s, const struct lat_thread *h)
{
	struct lat_thread *copy = hist_at(find(s, h->tid));
	void *slot;

	if (copy) {
		*copy = *h;
		return 0;
	}
	copy = malloc(sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	*copy = *h;
	slot = hashtab__claim(&s->tab, tid_hash(h->tid));
	if (!slot) {
		free(copy);
		return -ENOMEM;
	}
	*(struct lat_thread **)slot = copy;
	return 0;
}

void latsnap__remove(struct latsnap *s, uint32_t tid, uint64_t start_ns)
{
	void *slot = find(s, tid);
	struct lat_thread *h = hist_at(slot);

	if (!h || h->start_ns != start_ns)
		return;
	free(h);
	hashtab__remove(&s->tab, slot);
}

size_t latsnap__size(const struct latsnap *s)
{
	return s->tab.used;
}
