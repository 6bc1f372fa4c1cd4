// SPDX-License-Identifier: GPL-2.0
#include "tidmap.h"

#include <errno.h>
#include <string.h>

#define TIDMAP_MIN_CAP 1024

int tidmap__init(struct tidmap *m, size_t entry_size, size_t max)
{
	int err;

	memset(m, 0, sizeof(*m));
	if (!max || entry_size < sizeof(uint32_t))
		return -EINVAL;
	err = hashtab__init(&m->tab, entry_size, TIDMAP_MIN_CAP, &hashtab__id32_ops);
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
	e = hashtab__probe(&m->tab, hashtab__hash32(tid), hashtab__id32_stop, &tid);
	return hashtab__id32(e) ? e : NULL;
}

void *tidmap__add(struct tidmap *m, uint32_t tid, int *made)
{
	void *e;

	if (made)
		*made = 0;
	if (!tid)
		return NULL;
	e = hashtab__probe(&m->tab, hashtab__hash32(tid), hashtab__id32_stop, &tid);
	if (hashtab__id32(e))
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
	e = hashtab__probe(&m->tab, hashtab__hash32(tid), hashtab__id32_stop, &tid);
	if (hashtab__id32(e))
		hashtab__remove(&m->tab, e);
}
