/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus' text exposition format 0.0.4, written to a FILE *: a family's
 * HELP and TYPE once, then its samples. Label values are escaped (\\, \",
 * \n) and made valid UTF-8 (each invalid byte becomes U+FFFD), since a
 * cgroup's name can hold any byte and one bad value fails the whole scrape.
 */
#ifndef SCHEDSCOPE_PROM_OUT_H
#define SCHEDSCOPE_PROM_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct prom_label {
	const char *name;
	const char *value;
};

/* type: "counter", "gauge" or "histogram". */
void prom__family(FILE *f, const char *name, const char *type, const char *help);

/* One sample, name{labels} value: an integer, nanoseconds as seconds, or a double. */
void prom__u64(FILE *f, const char *name, const struct prom_label *l, size_t nl, uint64_t v);
void prom__seconds(FILE *f, const char *name, const struct prom_label *l, size_t nl, uint64_t ns);
void prom__double(FILE *f, const char *name, const struct prom_label *l, size_t nl, double v);

/*
 * A histogram's samples from counts per bucket: name_bucket{...,le} made
 * cumulative, the last bucket being +Inf (le[] holds the nb - 1 finite upper
 * bounds, in seconds), then name_sum (sum_ns as seconds) and name_count,
 * which is the +Inf bucket's value by construction.
 */
void prom__histogram(FILE *f, const char *name, const struct prom_label *l, size_t nl,
		     const char *const *le, const uint64_t *counts, size_t nb, uint64_t sum_ns);

/* s as a label value's inside: escaped, valid UTF-8. */
void prom__escape(FILE *f, const char *s);

#endif
