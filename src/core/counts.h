/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counts by key, the shape of `count` and of every tool that counts events
 * by some key: one report interval's rows, each a key and its counts (one,
 * or several side by side, as preempt's voluntary and involuntary).
 *
 * A key is a fixed-size record whose fields its columns describe (struct
 * count_col), so one reader, one sort and one pair of writers serve every
 * such tool: a new tool is its hooks, its key and its columns.
 */
#ifndef SCHEDSCOPE_COUNTS_H
#define SCHEDSCOPE_COUNTS_H

#include <stddef.h>
#include <stdint.h>

enum count_col_kind {
	COUNT_COL_U32,
	COUNT_COL_S32,
	COUNT_COL_COMM, /* char[16], NUL-padded */
	COUNT_COL_NAME, /* a u32 index into names[] */
	COUNT_COL_TEXT, /* text() of the key: what the key leads to, not in it */
};

/* One field of a key, as a table column and a JSON member. */
struct count_col {
	const char *head;	  /* the table's header, e.g. "COMM" */
	const char *member;	  /* the JSON member, e.g. "comm" */
	size_t off;		  /* the field's offset in the key */
	const char *const *names; /* COUNT_COL_NAME */
	/* COUNT_COL_TEXT: the text for key, in buf or static; never NULL. */
	const char *(*text)(const struct count_col *c, const void *key, char *buf, size_t len);
	const void *text_ctx; /* COUNT_COL_TEXT: what text() needs besides the key */
	int width;	      /* the table's column width; negative: left-aligned */
	enum count_col_kind kind;
	uint32_t nr_names;
};

/* The column of field f of key type T: its header h, JSON member m, width w, kind k. */
#define COUNT_COL_OF(T, h, m, w, f, k)                                                       \
	{                                                                                    \
		.head = (h), .member = (m), .width = (w), .off = offsetof(T, f), .kind = (k) \
	}

struct count_rows {
	size_t key_size;
	size_t nr_values; /* counts per key */
	size_t nr;
	size_t cap;
	unsigned char *keys; /* nr keys of key_size bytes */
	uint64_t *counts;    /* nr rows of nr_values */
	uint64_t total;	     /* every count of every row (of total_value, if set) */
	/*
	 * Roles of single values, -1 for none (count_rows__set_roles()): the
	 * value the total counts (else all), the value rows are ranked by (else
	 * the sum of all), and the one that is a
	 * maximum, which rows of one key merge by keeping the larger (a
	 * histogram's, see lat_buckets.h), where the others add.
	 */
	long total_value;
	long sort_value;
	long max_value;
};

void count_rows__init(struct count_rows *r, size_t key_size, size_t nr_values);
void count_rows__free(struct count_rows *r);
/*
 * Total value total_value alone, rank rows by value sort_value, merge value
 * max_value as a maximum; -1: every value, their sum, none.
 */
void count_rows__set_roles(struct count_rows *r, long total_value, long sort_value, long max_value);
/* Start an interval: no rows. */
void count_rows__clear(struct count_rows *r);
/* Append a key's counts (nr_values of them). Returns 0 or -ENOMEM. */
int count_rows__add(struct count_rows *r, const void *key, const uint64_t *counts);
/*
 * One row per key (counts of the same key added, a maximum kept), largest
 * sum of counts (or sort_value) first, ties by key; rows whose counts are all 0 dropped. Returns 0 or
 * -ENOMEM.
 */
int count_rows__finish(struct count_rows *r);

/* Sort by key alone, for count_rows__find(). Returns 0 or -ENOMEM. */
int count_rows__sort_keys(struct count_rows *r);
/* The row of key in rows sorted by key, or -1. */
long count_rows__find(const struct count_rows *r, const void *key);

static inline const void *count_rows__key(const struct count_rows *r, size_t i)
{
	return r->keys + i * r->key_size;
}

static inline const uint64_t *count_rows__counts(const struct count_rows *r, size_t i)
{
	return r->counts + i * r->nr_values;
}

uint64_t count_rows__sum(const struct count_rows *r, size_t i);

/* A column's value: its number, or NULL (names[] short: the number is shown). */
const char *count_col__name(const struct count_col *c, const void *key);
int64_t count_col__number(const struct count_col *c, const void *key);

#endif
