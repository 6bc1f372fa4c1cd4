// SPDX-License-Identifier: GPL-2.0
#include "core/cgstat.h"
#include "core/grow.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

struct series_ref {
	struct cgseries *s;
};

/* One cgroup id: where its figures go, and its histogram as last read. */
struct cgid {
	uint64_t id;
	uint64_t seen_ns;	 /* the last walk that found it, or when first heard of */
	struct cgseries *series; /* NULL: not exported (filtered, or no walk found it) */
	bool resolved;		 /* a walk found it */
	struct cg_hist last;
};

struct cgstat {
	struct cgstat_opts o;
	size_t max_cgroups; /* series of cgroups besides (other) */
	uint64_t now_ns;
	/* Sorted by id up to nr_sorted; those heard of since, after, unsorted. */
	struct cgid *ids;
	size_t nr_ids, nr_sorted, cap_ids;
	/* Sorted by path; the series themselves do not move, the ids point at them. */
	struct series_ref *series;
	size_t nr_series, cap_series;
	struct cgseries *other;
	struct cgstat_losses loss;
};

struct cgstat *cgstat__new(const struct cgstat_opts *o)
{
	struct cgstat *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->o = *o;
	/* One series of cgroups' worth is kept for (other). */
	r->max_cgroups = o->max_series / CGSTAT_SERIES_PER_CGROUP;
	r->max_cgroups = r->max_cgroups ? r->max_cgroups - 1 : 0;
	return r;
}

static void series_free(struct cgseries *s)
{
	if (!s)
		return;
	free(s->path);
	free(s);
}

void cgstat__free(struct cgstat *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr_series; i++)
		series_free(r->series[i].s);
	free(r->series);
	free(r->ids);
	free(r);
}

void cgstat__truncate(const char *path, unsigned depth, char *out, size_t len)
{
	const char *p = path;
	size_t o = 0;

	/* "/" and each of the first depth components, doubled slashes dropped. */
	for (unsigned n = 0; n < depth; n++) {
		size_t l;

		while (*p == '/')
			p++;
		l = strcspn(p, "/");
		if (!l || o + 1 + l + 1 > len)
			break;
		out[o++] = '/';
		memcpy(out + o, p, l);
		o += l;
		p += l;
	}
	if (!o && len > 1)
		out[o++] = '/';
	if (len)
		out[o] = '\0';
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = ((const struct cgid *)a)->id, y = ((const struct cgid *)b)->id;

	return x < y ? -1 : x > y;
}

static struct cgid *find_id(struct cgstat *r, uint64_t id)
{
	struct cgid key = { .id = id }, *e;

	e = r->nr_sorted ? bsearch(&key, r->ids, r->nr_sorted, sizeof(*r->ids), cmp_id) : NULL;
	if (e)
		return e;
	for (size_t i = r->nr_sorted; i < r->nr_ids; i++)
		if (r->ids[i].id == id)
			return &r->ids[i];
	return NULL;
}

static struct cgid *new_id(struct cgstat *r, uint64_t id)
{
	struct cgid *e;

	if (r->nr_ids == r->cap_ids) {
		e = grow__double(r->ids, &r->cap_ids, sizeof(*e), 64);
		if (!e)
			return NULL;
		r->ids = e;
	}
	e = &r->ids[r->nr_ids++];
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->seen_ns = r->now_ns;
	return e;
}

/* The index of the series of path, or where it would go. */
static size_t series_pos(const struct cgstat *r, const char *path, bool *found)
{
	size_t lo = 0, hi = r->nr_series;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->series[mid].s->path, path);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static struct cgseries *insert_series(struct cgstat *r, const char *path, size_t at)
{
	struct cgseries *s;

	if (r->nr_series == r->cap_series) {
		struct series_ref *n = grow__double(r->series, &r->cap_series, sizeof(*n), 64);

		if (!n)
			return NULL;
		r->series = n;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return NULL;
	}
	if (at < r->nr_series)
		memmove(&r->series[at + 1], &r->series[at],
			(r->nr_series - at) * sizeof(*r->series));
	r->series[at].s = s;
	r->nr_series++;
	return s;
}

static bool wanted(const struct cgstat *r, const char *key)
{
	if (r->o.include && fnmatch(r->o.include, key, 0))
		return false;
	return !r->o.exclude || fnmatch(r->o.exclude, key, 0);
}

/* The series the cgroup at path adds to, made if need be; NULL: not exported. */
static struct cgseries *admit(struct cgstat *r, const char *path, int *err)
{
	char key[4096];
	size_t at;
	bool found;

	cgstat__truncate(path, r->o.depth, key, sizeof(key));
	if (!wanted(r, key))
		return NULL;
	at = series_pos(r, key, &found);
	if (found)
		return r->series[at].s;
	if (r->nr_series - (r->other ? 1 : 0) >= r->max_cgroups) {
		r->loss.cap_folded++;
		if (!r->other) {
			at = series_pos(r, CGSTAT_OTHER, &found);
			r->other = insert_series(r, CGSTAT_OTHER, at);
			if (!r->other)
				*err = -ENOMEM;
		}
		return r->other;
	}
	if (!insert_series(r, key, at)) {
		*err = -ENOMEM;
		return NULL;
	}
	return r->series[at].s;
}

void cgstat__begin_walk(struct cgstat *r, uint64_t now_ns)
{
	r->now_ns = now_ns;
}

int cgstat__see(struct cgstat *r, uint64_t id, const char *path)
{
	struct cgid *e = find_id(r, id);
	int err = 0;

	if (!e && !(e = new_id(r, id)))
		return -ENOMEM;
	e->seen_ns = r->now_ns;
	e->resolved = true;
	if (!e->series)
		e->series = admit(r, path, &err);
	if (e->series)
		e->series->seen_ns = r->now_ns;
	return err;
}

static bool expired(const struct cgstat *r, uint64_t seen_ns)
{
	return r->now_ns > seen_ns && r->now_ns - seen_ns > r->o.expiry_ns;
}

void cgstat__end_walk(struct cgstat *r, void (*forget)(void *ctx, uint64_t id), void *ctx)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nr_ids; i++) {
		if (expired(r, r->ids[i].seen_ns)) {
			if (forget)
				forget(ctx, r->ids[i].id);
			continue;
		}
		r->ids[n++] = r->ids[i];
	}
	r->nr_ids = n;
	if (n)
		qsort(r->ids, r->nr_ids, sizeof(*r->ids), cmp_id);
	r->nr_sorted = r->nr_ids;
	/* A series outlives its cgroups (its seen_ns is the latest of theirs): none points to it. */
	n = 0;
	for (size_t i = 0; i < r->nr_series; i++) {
		struct cgseries *s = r->series[i].s;

		if (s != r->other && expired(r, s->seen_ns)) {
			series_free(s);
			r->loss.expired++;
			continue;
		}
		r->series[n++].s = s;
	}
	r->nr_series = n;
}

void cgstat__add(struct cgstat *r, uint64_t id, const struct acct_counters *d)
{
	struct cgid *e = find_id(r, id);

	if (!e || !e->resolved) {
		r->loss.unresolved++;
		return;
	}
	if (e->series)
		acct_counters__add(&e->series->c, d);
}

static uint64_t growth(uint64_t cur, uint64_t last)
{
	return cur > last ? cur - last : 0;
}

int cgstat__hist(struct cgstat *r, uint64_t id, const struct cg_hist *cur)
{
	struct cgid *e = find_id(r, id);
	struct cgseries *s;

	if (!e) {
		e = new_id(r, id);
		if (!e)
			return -ENOMEM;
	}
	if (!e->resolved)
		r->loss.unresolved++;
	s = e->series;
	if (s) {
		s->h.count += growth(cur->count, e->last.count);
		s->h.sum_ns += growth(cur->sum_ns, e->last.sum_ns);
		for (int i = 0; i < CG_HIST_SLOTS; i++)
			s->h.slot[i] += growth(cur->slot[i], e->last.slot[i]);
	}
	e->last = *cur;
	return 0;
}

size_t cgstat__nr_series(const struct cgstat *r)
{
	return r->nr_series;
}

const struct cgseries *cgstat__series(const struct cgstat *r, size_t i)
{
	return r->series[i].s;
}

size_t cgstat__nr_ids(const struct cgstat *r)
{
	return r->nr_ids;
}

const struct cgstat_losses *cgstat__losses(const struct cgstat *r)
{
	return &r->loss;
}
