// SPDX-License-Identifier: GPL-2.0
#include "core/counts.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void count_rows__init(struct count_rows *r, size_t key_size, size_t nr_values)
{
	memset(r, 0, sizeof(*r));
	r->key_size = key_size;
	r->nr_values = nr_values;
	r->total_value = -1;
	r->sort_value = -1;
	r->max_value = -1;
}

void count_rows__set_roles(struct count_rows *r, long total_value, long sort_value, long max_value)
{
	r->total_value = total_value;
	r->sort_value = sort_value;
	r->max_value = max_value;
}

void count_rows__free(struct count_rows *r)
{
	long total_value = r->total_value, sort_value = r->sort_value, max_value = r->max_value;

	free(r->keys);
	free(r->counts);
	count_rows__init(r, r->key_size, r->nr_values);
	count_rows__set_roles(r, total_value, sort_value, max_value);
}

/* Whether value v of a row is its maximum, not a count. */
static bool is_max(const struct count_rows *r, size_t v)
{
	return r->max_value >= 0 && v == (size_t)r->max_value;
}

/* What a row ranks by: its sort_value, or the sum of its counts. */
static uint64_t rank_of(const struct count_rows *r, size_t i)
{
	if (r->sort_value >= 0 && (size_t)r->sort_value < r->nr_values)
		return r->counts[i * r->nr_values + (size_t)r->sort_value];
	return count_rows__sum(r, i);
}

void count_rows__clear(struct count_rows *r)
{
	r->nr = 0;
	r->total = 0;
}

int count_rows__add(struct count_rows *r, const void *key, const uint64_t *counts)
{
	if (r->nr == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		unsigned char *keys = realloc(r->keys, cap * r->key_size);
		uint64_t *all;

		if (!keys)
			return -ENOMEM;
		r->keys = keys;
		all = realloc(r->counts, cap * r->nr_values * sizeof(*all));
		if (!all)
			return -ENOMEM;
		r->counts = all;
		r->cap = cap;
	}
	memcpy(r->keys + r->nr * r->key_size, key, r->key_size);
	memcpy(r->counts + r->nr * r->nr_values, counts, r->nr_values * sizeof(*counts));
	if (r->total_value >= 0 && (size_t)r->total_value < r->nr_values)
		r->total += counts[r->total_value];
	else
		for (size_t v = 0; v < r->nr_values; v++)
			r->total += counts[v];
	r->nr++;
	return 0;
}

uint64_t count_rows__sum(const struct count_rows *r, size_t i)
{
	uint64_t sum = 0;

	for (size_t v = 0; v < r->nr_values; v++)
		sum += r->counts[i * r->nr_values + v];
	return sum;
}

/* qsort's comparators see one array; rows are sorted through an index. */
struct sort_ctx {
	const struct count_rows *r;
};

static int by_key(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int d = memcmp(count_rows__key(c->r, i), count_rows__key(c->r, j), c->r->key_size);

	return d ? d : (i > j) - (i < j);
}

static int by_count(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	uint64_t x = rank_of(c->r, i), y = rank_of(c->r, j);

	if (x != y)
		return x < y ? 1 : -1;
	return memcmp(count_rows__key(c->r, i), count_rows__key(c->r, j), c->r->key_size);
}

/* Put the rows in idx's order, in place, through scratch copies. */
static int permute(struct count_rows *r, const size_t *idx)
{
	unsigned char *keys = malloc(r->nr * r->key_size);
	uint64_t *counts = malloc(r->nr * r->nr_values * sizeof(*counts));

	if (!keys || !counts) {
		free(keys);
		free(counts);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->nr; i++) {
		memcpy(keys + i * r->key_size, count_rows__key(r, idx[i]), r->key_size);
		memcpy(counts + i * r->nr_values, count_rows__counts(r, idx[i]),
		       r->nr_values * sizeof(*counts));
	}
	free(r->keys);
	free(r->counts);
	r->keys = keys;
	r->counts = counts;
	r->cap = r->nr;
	return 0;
}

static int sort_rows(struct count_rows *r, int (*cmp)(const void *, const void *, void *))
{
	struct sort_ctx c = { .r = r };
	size_t *idx = malloc((r->nr ? r->nr : 1) * sizeof(*idx));
	int err;

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < r->nr; i++)
		idx[i] = i;
	qsort_r(idx, r->nr, sizeof(*idx), cmp, &c);
	err = permute(r, idx);
	free(idx);
	return err;
}

/* Row from's key and counts into row to (to < from). */
static void move_row(struct count_rows *r, size_t to, size_t from)
{
	memcpy(r->keys + to * r->key_size, count_rows__key(r, from), r->key_size);
	memcpy(r->counts + to * r->nr_values, count_rows__counts(r, from),
	       r->nr_values * sizeof(*r->counts));
}

int count_rows__finish(struct count_rows *r)
{
	size_t out = 0;
	int err;

	if (!r->nr)
		return 0;
	err = sort_rows(r, by_key);
	if (err)
		return err;
	for (size_t i = 0; i < r->nr; i++) {
		if (out &&
		    !memcmp(count_rows__key(r, out - 1), count_rows__key(r, i), r->key_size)) {
			uint64_t *into = r->counts + (out - 1) * r->nr_values;

			for (size_t v = 0; v < r->nr_values; v++) {
				uint64_t x = count_rows__counts(r, i)[v];

				if (!is_max(r, v))
					into[v] += x;
				else if (x > into[v])
					into[v] = x;
			}
			continue;
		}
		if (out != i)
			move_row(r, out, i);
		out++;
	}
	r->nr = out;
	out = 0;
	for (size_t i = 0; i < r->nr; i++) {
		if (!count_rows__sum(r, i))
			continue;
		if (out != i)
			move_row(r, out, i);
		out++;
	}
	r->nr = out;
	return sort_rows(r, by_count);
}

int count_rows__sort_keys(struct count_rows *r)
{
	return r->nr ? sort_rows(r, by_key) : 0;
}

long count_rows__find(const struct count_rows *r, const void *key)
{
	size_t lo = 0, hi = r->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = memcmp(count_rows__key(r, mid), key, r->key_size);

		if (!d)
			return (long)mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const char *count_col__name(const struct count_col *c, const void *key)
{
	uint32_t v;

	memcpy(&v, (const unsigned char *)key + c->off, sizeof(v));
	return v < c->nr_names ? c->names[v] : NULL;
}

int64_t count_col__number(const struct count_col *c, const void *key)
{
	const unsigned char *p = (const unsigned char *)key + c->off;
	uint32_t u;
	int32_t s;

	if (c->kind == COUNT_COL_S32) {
		memcpy(&s, p, sizeof(s));
		return s;
	}
	memcpy(&u, p, sizeof(u));
	return u;
}
