// SPDX-License-Identifier: GPL-2.0
#include "tidmap.h"

#include <errno.h>
#include <string.h>

#define TIDMAP_MIN_CAP 1024

static uint32_t tid_of(const void *entry)
{
	uint32_t tid;

	memcpy(&tid, entry, sizeof(tid));
	return tid;
}

static size_t entry_hash(const void *entry)
{
	return hashtab__hash32(tid_of(entry));
}

static bool entry_free(const void *entry)
{
	return !tid_of(entry);
}

static const struct hashtab_ops tidmap_ops = { entry_hash, entry_free };

/* At the entry of *key, or at a free slot. */
static bool stop_at(const void *entry, const void *key)
{
	uint32_t at = tid_of(entry);

	return !at || at == *(const uint32_t *)key;
}

int tidmap__init(struct tidmap *m, size_t entry_size, size_t max)
{
	int err;

	memset(m, 0, sizeof(*m));
	if (!max || entry_size < sizeof(uint32_t))
		return -EINVAL;
	err = hashtab__init(&m->tab, entry_size, TIDMAP_MIN_CAP, &tidmap_ops);
	if (err)
		return err;
	m->max = max;
	return 0;
}

void tidmap__fini(struct tidmap *m)
{
	hashtab__fini(&m->tab);
}

void *tidmap__get(const struct tidmap *m, uint32_t tid)
{
	void *e;

	if (!tid)
		return NULL;
	e = hashtab__probe(&m->tab, hashtab__hash32(tid), stop_at, &tid);
	return tid_of(e) ? e : NULL;
}

void *tidmap__add(struct tidmap *m, uint32_t tid, int *made)
{
	void *e;

	if (made)
		*made = 0;
	if (!tid)
		return NULL;
	e = hashtab__probe(&m->tab, hashtab__hash32(tid), stop_at, &tid);
	if (tid_of(e))
		return e;
	if (m->tab.used >= m->max || !(e = hashtab__claim(&m->tab, hashtab__hash32(tid)))) {
		m->refused++;
		return NULL;
	}
	memcpy(e, &tid, sizeof(tid));
	if (made)
		*made = 1;
	return e;
}

void tidmap__del(struct tidmap *m, uint32_t tid)
{
	void *e;

	if (!tid)
		return;
	e = hashtab__probe(&m->tab, hashtab__hash32(tid), stop_at, &tid);
	if (tid_of(e))
		hashtab__remove(&m->tab, e);
}
