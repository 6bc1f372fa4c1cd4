// SPDX-License-Identifier: GPL-2.0
#include "tidmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TIDMAP_MIN_CAP 1024

static uint32_t tid_at(const struct tidmap *m, size_t i)
{
	uint32_t tid;

	memcpy(&tid, tidmap__slot(m, i), sizeof(tid));
	return tid;
}

static size_t home_of(const struct tidmap *m, uint32_t tid)
{
	return ((size_t)tid * 0x9E3779B1u) & m->mask;
}

/* The slot index of tid, or of the free slot where it would go. */
static size_t probe(const struct tidmap *m, uint32_t tid)
{
	size_t i = home_of(m, tid);
	uint32_t at;

	while ((at = tid_at(m, i)) && at != tid)
		i = (i + 1) & m->mask;
	return i;
}

int tidmap__init(struct tidmap *m, size_t entry_size, size_t max)
{
	memset(m, 0, sizeof(*m));
	if (!max || entry_size < sizeof(uint32_t))
		return -EINVAL;
	m->slot = calloc(TIDMAP_MIN_CAP, entry_size);
	if (!m->slot)
		return -ENOMEM;
	m->size = entry_size;
	m->mask = TIDMAP_MIN_CAP - 1;
	m->max = max;
	return 0;
}

void tidmap__fini(struct tidmap *m)
{
	free(m->slot);
	m->slot = NULL;
}

void *tidmap__get(const struct tidmap *m, uint32_t tid)
{
	size_t i;

	if (!tid)
		return NULL;
	i = probe(m, tid);
	return tid_at(m, i) ? tidmap__slot(m, i) : NULL;
}

static int grow(struct tidmap *m)
{
	size_t cap = tidmap__capacity(m);
	char *old = m->slot;

	m->slot = calloc(cap * 2, m->size);
	if (!m->slot) {
		m->slot = old;
		return -ENOMEM;
	}
	m->mask = cap * 2 - 1;
	for (size_t i = 0; i < cap; i++) {
		uint32_t tid;

		memcpy(&tid, old + i * m->size, sizeof(tid));
		if (tid)
			memcpy(tidmap__slot(m, probe(m, tid)), old + i * m->size, m->size);
	}
	free(old);
	return 0;
}

void *tidmap__add(struct tidmap *m, uint32_t tid, int *made)
{
	size_t i;
	char *e;

	if (made)
		*made = 0;
	if (!tid)
		return NULL;
	i = probe(m, tid);
	if (tid_at(m, i))
		return tidmap__slot(m, i);
	/* At most half full: probes stay short. */
	if (m->used >= m->max || ((m->used + 1) * 2 > tidmap__capacity(m) && grow(m))) {
		m->refused++;
		return NULL;
	}
	e = tidmap__slot(m, probe(m, tid));
	memset(e, 0, m->size);
	memcpy(e, &tid, sizeof(tid));
	m->used++;
	if (made)
		*made = 1;
	return e;
}

void tidmap__del(struct tidmap *m, uint32_t tid)
{
	size_t hole, j;

	if (!tid)
		return;
	hole = j = probe(m, tid);
	if (!tid_at(m, hole))
		return;
	for (;;) {
		uint32_t at;
		size_t home;

		j = (j + 1) & m->mask;
		at = tid_at(m, j);
		if (!at)
			break;
		home = home_of(m, at);
		/* An entry whose home lies cyclically in (hole, j] is reached without the hole. */
		if (hole <= j ? (hole < home && home <= j) : (hole < home || home <= j))
			continue;
		memcpy(tidmap__slot(m, hole), tidmap__slot(m, j), m->size);
		hole = j;
	}
	memset(tidmap__slot(m, hole), 0, m->size);
	m->used--;
}
