// SPDX-License-Identifier: GPL-2.0
/*
 * The table under a key of two fields (as acct's (tid, start_ns)) and a hash
 * that piles every key onto 16 homes across the end of a 64-slot table, so
 * chains merge and wrap, deletion shifts entries back across the wrap, and
 * growth rehashes them; checked against a plain array as it goes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/hashtab.h"

#define KEYS 400
#define MIN_CAP 64

struct ent {
	uint64_t start; /* 0: a free slot */
	uint32_t id;
	uint32_t val;
};

struct key {
	uint64_t start;
	uint32_t id;
};

static size_t key_hash(uint64_t start, uint32_t id)
{
	return (size_t)((start + id) % 16) + MIN_CAP - 8; /* homes 56..63 and, wrapped, 0..7 */
}

static size_t ent_hash(const void *e)
{
	const struct ent *x = e;

	return key_hash(x->start, x->id);
}

static bool ent_free(const void *e)
{
	return !((const struct ent *)e)->start;
}

static const struct hashtab_ops ops = { ent_hash, ent_free };

static bool stop_at(const void *e, const void *key)
{
	const struct ent *x = e;
	const struct key *k = key;

	return !x->start || (x->start == k->start && x->id == k->id);
}

/* Key i: ids repeat with another start, so the second field has to tell them apart. */
static struct key key_of(uint32_t i)
{
	return (struct key){ .start = 1 + i / 4, .id = i % 4 };
}

static struct ent *find(struct hashtab *t, uint32_t i)
{
	struct key k = key_of(i);

	return hashtab__probe(t, key_hash(k.start, k.id), stop_at, &k);
}

static void check_all(struct hashtab *t, const uint32_t *want, size_t present)
{
	size_t seen = 0;

	assert_int_equal(t->used, present);
	for (uint32_t i = 0; i < KEYS; i++) {
		const struct ent *e = find(t, i);

		if (want[i]) {
			assert_false(ent_free(e));
			assert_int_equal(e->val, want[i]);
		} else {
			assert_true(ent_free(e));
		}
	}
	for (size_t i = 0; i < hashtab__capacity(t); i++)
		seen += !ent_free(hashtab__slot(t, i));
	assert_int_equal(seen, present);
}

static void agrees_with_an_array(void **state)
{
	static uint32_t want[KEYS];
	struct hashtab t;
	uint64_t seed = 7;
	size_t present = 0;

	(void)state;
	assert_int_equal(hashtab__init(&t, sizeof(struct ent), MIN_CAP, &ops), 0);
	for (int round = 0; round < 40000; round++) {
		uint32_t i;
		struct ent *e;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		/* Few keys at first, all of them later: the table fills, then grows. */
		i = (uint32_t)((seed >> 33) % (round < 20000 ? 24 : KEYS));
		e = find(&t, i);
		if ((seed >> 20) & 1) {
			if (ent_free(e)) {
				struct key k = key_of(i);

				e = hashtab__claim(&t, key_hash(k.start, k.id));
				assert_non_null(e);
				assert_true(ent_free(e));
				e->start = k.start;
				e->id = k.id;
				present++;
			}
			e->val = want[i] = (uint32_t)(seed >> 40) | 1;
		} else if (want[i]) {
			assert_false(ent_free(e));
			hashtab__remove(&t, e);
			want[i] = 0;
			present--;
		}
		if (round % 128 == 0)
			check_all(&t, want, present);
	}
	check_all(&t, want, present);
	assert_true(hashtab__capacity(&t) > MIN_CAP);
	assert_true(t.used * 2 <= hashtab__capacity(&t));
	hashtab__fini(&t);
	assert_int_equal(hashtab__capacity(&t), 0);
}

static void refuses_a_bad_capacity(void **state)
{
	struct hashtab t;

	(void)state;
	assert_int_equal(hashtab__init(&t, sizeof(struct ent), 48, &ops), -EINVAL);
	assert_int_equal(hashtab__init(&t, 0, MIN_CAP, &ops), -EINVAL);
	assert_int_equal(hashtab__capacity(&t), 0);
	hashtab__fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agrees_with_an_array),
		cmocka_unit_test(refuses_a_bad_capacity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
