/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exporter's cgroup registry: which cgroup v2 ids exist, the series
 * (label cgroup="/path") each id adds to, and each series' counters, which
 * only ever grow while the exporter runs. Pure C, fed by the exporter at
 * each scrape and by the unit tests.
 *
 * A scrape: cgstat__begin_walk(), cgstat__see() for every cgroup directory
 * of the v2 hierarchy, cgstat__end_walk(); then the per-thread deltas
 * (cgstat__add()) and each cgroup's cumulative histogram (cgstat__hist()).
 *
 * Bounds, each a counter when it bites:
 *   depth     a cgroup deeper than depth components adds to its ancestor at
 *             that depth (0: everything into "/");
 *   include, exclude   fnmatch(3) patterns on that path: a cgroup outside
 *             include, or inside exclude, is not exported (its figures drop);
 *   max_series        when one more cgroup would pass it, the cgroup adds
 *             to the series cgroup="(other)" instead (cap_folded counts them);
 *   expiry_ns a cgroup not seen by a walk for this long is forgotten, and a
 *             series none of whose cgroups has been seen for this long goes.
 *
 * Counters never go backwards: a series only ever adds non-negative deltas,
 * from threads (whose cumulative counters acct turns into deltas, a thread's
 * final ones at its exit included) and from each cgroup id's histogram
 * (its growth since the last read). A series that goes and comes back starts
 * from zero, which Prometheus reads as a counter reset.
 */
#ifndef SCHEDSCOPE_CGSTAT_H
#define SCHEDSCOPE_CGSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/acct.h"
#include "core/cghist.h"

/* Series each exported cgroup costs: 6 counters and a histogram (buckets, _sum, _count). */
#define CGSTAT_SERIES_PER_CGROUP (6 + CG_HIST_SLOTS + 2)
#define CGSTAT_OTHER "(other)"

struct cgstat_opts {
	unsigned depth;
	const char *include; /* NULL: every cgroup */
	const char *exclude; /* NULL: none */
	size_t max_series;   /* of the cgroup series, (other) included */
	uint64_t expiry_ns;
};

/* One series: what the cgroups mapped to one label value did. */
struct cgseries {
	char *path;
	struct acct_counters c;
	struct cg_hist h;
	uint64_t seen_ns; /* the last walk that found one of its cgroups */
};

struct cgstat_losses {
	uint64_t unresolved; /* deltas of threads (or histograms) of cgroups no walk found */
	uint64_t cap_folded; /* cgroups that went to (other): max_series */
	uint64_t expired;    /* series removed: their cgroups were gone for expiry_ns */
};

struct cgstat;

/* NULL with errno set on failure. */
struct cgstat *cgstat__new(const struct cgstat_opts *o);
void cgstat__free(struct cgstat *r);

void cgstat__begin_walk(struct cgstat *r, uint64_t now_ns);
/* A cgroup found: its id (kernfs id, the directory's inode) and path ("/" for the root). */
int cgstat__see(struct cgstat *r, uint64_t id, const char *path);
/*
 * Forget the cgroups and the series that expired; forget(ctx, id) is told
 * of each cgroup forgotten (the exporter drops its kernel histogram).
 */
void cgstat__end_walk(struct cgstat *r, void (*forget)(void *ctx, uint64_t id), void *ctx);

/* A thread's growth since the last scrape, to its cgroup's series. */
void cgstat__add(struct cgstat *r, uint64_t id, const struct acct_counters *d);
/*
 * A cgroup's cumulative histogram: its growth since the last one goes to
 * the series. An id no walk has found is remembered (and expires) without
 * a series, so its growth until then is not counted twice.
 */
int cgstat__hist(struct cgstat *r, uint64_t id, const struct cg_hist *cur);

/* The series in path order. */
size_t cgstat__nr_series(const struct cgstat *r);
const struct cgseries *cgstat__series(const struct cgstat *r, size_t i);
/* Cgroup ids remembered (live ones and those not yet expired). */
size_t cgstat__nr_ids(const struct cgstat *r);
const struct cgstat_losses *cgstat__losses(const struct cgstat *r);

/* The label value of path at depth: its first depth components, "/" for none. */
void cgstat__truncate(const char *path, unsigned depth, char *out, size_t len);

#endif
