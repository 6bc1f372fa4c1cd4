// SPDX-License-Identifier: GPL-2.0
#include "session/counts_read.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/abi.h"
#include "cli.h"
#include "session/bpfsess.h"

/*
 * The values one batch read brings at most, in bytes: a table is read a
 * few hundred keys a syscall, where a walk took three (next key, lookup,
 * delete), without tying up megabytes on a machine of many CPUs.
 */
#define BATCH_BYTES (256u << 10)
#define BATCH_MAX_KEYS 1024u

struct counts_read {
	int map_fd;
	int stat_fd;
	size_t key_size;
	size_t nr_values;
	volatile uint32_t *epoch;
	uint32_t nr_cpus;
	size_t max_value;    /* the value that is a maximum, or SIZE_MAX */
	uint32_t batch;	     /* keys a batch read asks for */
	unsigned char *keys; /* a batch's keys */
	uint64_t *values;    /* their per-CPU values, CPU after CPU */
	uint64_t *sum;	     /* one key's sums over CPUs */
	/* The closed interval's keys as read, to find what was added after. */
	struct count_rows read;
	struct counts_slots slots; /* map_fd -1: none */
	uint64_t *zeros;	   /* a slot's per-CPU values, zero */
	unsigned char *slot_key;
};

struct counts_read *counts_read__new(int map_fd, int stat_fd, size_t key_size, size_t nr_values,
				     volatile uint32_t *epoch, uint32_t nr_cpus)
{
	struct counts_read *c = calloc(1, sizeof(*c));
	size_t per_key = (size_t)nr_cpus * nr_values * sizeof(uint64_t);

	if (!c)
		return NULL;
	c->batch = per_key < BATCH_BYTES / BATCH_MAX_KEYS ? BATCH_MAX_KEYS
							  : (uint32_t)(BATCH_BYTES / per_key + 1);
	c->keys = calloc(c->batch, key_size);
	c->values = calloc(c->batch, per_key);
	c->sum = calloc(nr_values, sizeof(*c->sum));
	if (!c->keys || !c->values || !c->sum) {
		counts_read__free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->map_fd = map_fd;
	c->stat_fd = stat_fd;
	c->key_size = key_size;
	c->nr_values = nr_values;
	c->epoch = epoch;
	c->nr_cpus = nr_cpus;
	c->slots.map_fd = -1;
	c->max_value = SIZE_MAX;
	count_rows__init(&c->read, key_size, nr_values);
	return c;
}

void counts_read__set_max(struct counts_read *c, size_t max_value)
{
	c->max_value = max_value;
	count_rows__set_roles(&c->read, -1, -1, (long)max_value);
}

void counts_read__free(struct counts_read *c)
{
	if (!c)
		return;
	count_rows__free(&c->read);
	free(c->zeros);
	free(c->slot_key);
	free(c->keys);
	free(c->values);
	free(c->sum);
	free(c);
}

static uint32_t epoch_of(const void *key)
{
	uint32_t e;

	memcpy(&e, key, sizeof(e));
	return e;
}

int counts_read__use_slots(struct counts_read *c, const struct counts_slots *slots)
{
	c->zeros = calloc((size_t)c->nr_cpus * c->nr_values, sizeof(*c->zeros));
	c->slot_key = calloc(1, c->key_size);
	if (!c->zeros || !c->slot_key)
		return -ENOMEM;
	c->slots = *slots;
	return 0;
}

/* count_rows__add() of the key slot makes on cpu, with its counts there. */
static int add_slot(struct counts_read *c, uint32_t slot, uint32_t cpu, const uint64_t *counts,
		    struct count_rows *out)
{
	bool any = false;

	for (size_t v = 0; v < c->nr_values; v++)
		any |= counts[v] != 0;
	if (!any)
		return 0;
	memset(c->slot_key, 0, c->key_size);
	c->slots.key(c->slot_key, slot, cpu);
	return count_rows__add(out, c->slot_key, counts);
}

/* Every slot of the given epoch with counts, per CPU or summed, into out. */
static int read_slots(struct counts_read *c, uint32_t epoch, struct count_rows *out)
{
	int err = 0;

	for (uint32_t slot = 0; slot < c->slots.nr && !err; slot++) {
		uint32_t i = epoch * c->slots.nr + slot;

		if (bpf_map_lookup_elem(c->slots.map_fd, &i, c->values))
			return -errno;
		memset(c->sum, 0, c->nr_values * sizeof(*c->sum));
		for (uint32_t cpu = 0; cpu < c->nr_cpus && !err; cpu++) {
			const uint64_t *at = &c->values[cpu * c->nr_values];

			if (c->slots.by_cpu)
				err = add_slot(c, slot, cpu, at, out);
			for (size_t v = 0; v < c->nr_values; v++)
				c->sum[v] += at[v];
		}
		if (!err && !c->slots.by_cpu)
			err = add_slot(c, slot, 0, c->sum, out);
	}
	return err;
}

/* Zeroes the slots of an epoch, as settle() deletes its keys. */
static void zero_slots(struct counts_read *c, uint32_t epoch)
{
	for (uint32_t slot = 0; slot < c->slots.nr; slot++) {
		uint32_t i = epoch * c->slots.nr + slot;

		bpf_map_update_elem(c->slots.map_fd, &i, c->zeros, 0);
	}
}

/*
 * Room for twice the keys a batch asks for: a hash bucket holding more
 * keys than a batch asks for is refused whole (ENOSPC).
 */
static int grow_batch(struct counts_read *c)
{
	size_t per_key = (size_t)c->nr_cpus * c->nr_values * sizeof(uint64_t);
	uint32_t n = c->batch * 2;
	unsigned char *keys;
	uint64_t *values;

	/* No larger batch is possible: the refusal stands. */
	if (n < c->batch || !per_key || !c->key_size)
		return -ENOSPC;
	keys = realloc(c->keys, (size_t)n * c->key_size);
	if (!keys)
		return -ENOMEM;
	c->keys = keys;
	values = realloc(c->values, (size_t)n * per_key);
	if (!values)
		return -ENOMEM;
	c->values = values;
	c->batch = n;
	return 0;
}

/* The key at index i of a batch, if of epoch, with its counts summed over CPUs, into out. */
static int add_read(struct counts_read *c, uint32_t i, uint32_t epoch, struct count_rows *out)
{
	const unsigned char *key = c->keys + (size_t)i * c->key_size;
	/* The kernel lays a per-CPU value out CPU after CPU. */
	const uint64_t *values = c->values + (size_t)i * c->nr_cpus * c->nr_values;

	if (epoch_of(key) != epoch)
		return 0;
	memset(c->sum, 0, c->nr_values * sizeof(*c->sum));
	for (uint32_t cpu = 0; cpu < c->nr_cpus; cpu++)
		for (size_t v = 0; v < c->nr_values; v++) {
			uint64_t x = values[cpu * c->nr_values + v];

			if (v != c->max_value)
				c->sum[v] += x;
			else if (x > c->sum[v])
				c->sum[v] = x;
		}
	return count_rows__add(out, key, c->sum);
}

/* Every key of the given epoch, with its count summed over CPUs, into out. */
static int read_epoch(struct counts_read *c, uint32_t epoch, struct count_rows *out)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint32_t pos = 0, next = 0;
	bool first = true, last = false;
	int err = 0;

	/* Only this reader deletes, and not while it reads the table. */
	while (!last && !err) {
		uint32_t n = c->batch;

		err = bpf_map_lookup_batch(c->map_fd, first ? NULL : &pos, &next, c->keys,
					   c->values, &n, &opts);
		if (err == -ENOSPC) {
			err = grow_batch(c);
			continue;
		}
		/* The last keys come with ENOENT. */
		last = err == -ENOENT;
		if (err && !last)
			break;
		err = 0;
		for (uint32_t i = 0; i < n && !err; i++)
			err = add_read(c, i, epoch, out);
		pos = next;
		first = false;
	}
	if (!err && c->slots.map_fd >= 0)
		err = read_slots(c, epoch, out);
	return err;
}

/* rows += counts for key, with the epoch zeroed: reports do not see it. */
static int add_unepoched(struct counts_read *c, struct count_rows *rows, const void *key,
			 const uint64_t *counts)
{
	unsigned char *k = malloc(c->key_size);
	int err;

	if (!k)
		return -ENOMEM;
	memcpy(k, key, c->key_size);
	memset(k, 0, sizeof(uint32_t));
	err = count_rows__add(rows, k, counts);
	free(k);
	return err;
}

/* Delete rows' keys from the table, in one call where the kernel can. */
static void delete_keys(struct counts_read *c, const struct count_rows *rows)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint32_t n = (uint32_t)rows->nr;

	if (!n || !bpf_map_delete_batch(c->map_fd, rows->keys, &n, &opts))
		return;
	/* Stopped at a key it could not delete (n were): from there one by one. */
	for (size_t i = n; i < rows->nr; i++)
		bpf_map_delete_elem(c->map_fd, count_rows__key(rows, i));
}

/*
 * The keys of an interval that closed a whole interval ago, so that nothing
 * adds to them any more: what they gained since c->read was taken (all of
 * it for a key a late program created after the read) goes into rows; then
 * they are deleted, before their parity opens again.
 */
static int settle(struct counts_read *c, uint32_t parity, struct count_rows *rows)
{
	struct count_rows now;
	int err;

	count_rows__init(&now, c->key_size, c->nr_values);
	err = read_epoch(c, parity, &now);
	if (!err)
		delete_keys(c, &now);
	for (size_t i = 0; i < now.nr && !err; i++) {
		const void *key = count_rows__key(&now, i);
		long was = count_rows__find(&c->read, key);
		uint64_t *gained = (uint64_t *)count_rows__counts(&now, i);

		/*
		 * A maximum is not a count: only one that grew after the read
		 * is new (a late add no larger is lost to it, and is at most
		 * the maximum already reported).
		 */
		if (was >= 0)
			for (size_t v = 0; v < c->nr_values; v++) {
				uint64_t before = count_rows__counts(&c->read, (size_t)was)[v];

				if (v != c->max_value)
					gained[v] -= before;
				else if (gained[v] <= before)
					gained[v] = 0;
			}
		err = add_unepoched(c, rows, key, gained);
	}
	if (c->slots.map_fd >= 0)
		zero_slots(c, parity);
	count_rows__free(&now);
	count_rows__clear(&c->read);
	return err;
}

int counts_read__close(struct counts_read *c, struct count_rows *rows)
{
	uint32_t closing = *c->epoch & 1;
	int err;

	err = settle(c, closing ^ 1, rows);
	if (err)
		return err;
	__atomic_store_n(c->epoch, *c->epoch + 1, __ATOMIC_SEQ_CST);
	err = read_epoch(c, closing, &c->read);
	if (!err)
		err = count_rows__sort_keys(&c->read);
	for (size_t i = 0; i < c->read.nr && !err; i++)
		err = add_unepoched(c, rows, count_rows__key(&c->read, i),
				    count_rows__counts(&c->read, i));
	return err;
}

int counts_read__late(struct counts_read *c, struct count_rows *rows)
{
	return settle(c, (*c->epoch & 1) ^ 1, rows);
}

uint64_t counts_read__full(struct counts_read *c)
{
	struct ss_count_stat *st = calloc(c->nr_cpus, sizeof(*st));
	uint32_t zero = 0;
	uint64_t sum = 0;

	if (!st)
		return 0;
	if (!bpf_map_lookup_elem(c->stat_fd, &zero, st))
		for (uint32_t i = 0; i < c->nr_cpus; i++)
			sum += st[i].full;
	free(st);
	return sum;
}

int counts_read__start(struct bpfsess *b, struct counts_read **out, struct bpf_map *counts,
		       struct bpf_map *stat, size_t key_size, size_t nr_values,
		       volatile uint32_t *epoch, size_t max_keys)
{
	int err;

	bpf_map__set_max_entries(counts, (uint32_t)(max_keys ? max_keys : COUNTS_MAX_KEYS));
	err = bpfsess__load(b, false);
	if (err)
		return err;
	*out = counts_read__new(bpf_map__fd(counts), bpf_map__fd(stat), key_size, nr_values, epoch,
				b->nr_cpus);
	if (!*out) {
		cli__err("out of memory");
		return -ENOMEM;
	}
	return bpfsess__attach(b);
}
