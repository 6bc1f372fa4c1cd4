/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus' text exposition format 0.0.4, or OpenMetrics 1.0.0 for a
 * client that prefers it, written to a FILE *: a family's HELP and TYPE
 * once, then its samples. The two differ only in the family lines and the
 * end: an OpenMetrics counter family is named without its samples' _total,
 * a gauge named *_info is an info family, and the text ends with # EOF.
 * Label values are escaped (\\, \", \n) and made valid UTF-8 (each
 * invalid byte becomes U+FFFD), since a cgroup's name can hold any byte and
 * one bad value fails the whole scrape.
 */
#ifndef SCHEDSCOPE_PROM_OUT_H
#define SCHEDSCOPE_PROM_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum prom_format { PROM_TEXT, PROM_OPENMETRICS };

/* The Content-Type of each format. */
const char *prom__content_type(enum prom_format fmt);

/*
 * The format an HTTP Accept header (NULL: none) asks for: OpenMetrics 1.0.0
 * if it rates that above the text format (as Prometheus does), else text.
 */
enum prom_format prom__negotiate(const char *accept);

struct prom_label {
	const char *name;
	const char *value;
};

/* type: "counter" (name ends in _total), "gauge" or "histogram". */
void prom__family(FILE *f, enum prom_format fmt, const char *name, const char *type,
		  const char *help);

/* The end of a scrape: # EOF in OpenMetrics, nothing in the text format. */
void prom__end(FILE *f, enum prom_format fmt);

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
