// SPDX-License-Identifier: GPL-2.0
#include "tasktab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidmap.h"

struct tasktab {
	struct tidmap map;	/* of struct task_ident */
};

struct tasktab *tasktab__new(size_t max)
{
	struct tasktab *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return NULL;
	err = tidmap__init(&t->map, sizeof(struct task_ident), max);
	if (err) {
		free(t);
		errno = -err;
		return NULL;
	}
	return t;
}

void tasktab__free(struct tasktab *t)
{
	if (!t)
		return;
	tidmap__fini(&t->map);
	free(t);
}

const struct task_ident *tasktab__get(const struct tasktab *t, uint32_t tid)
{
	return tidmap__get(&t->map, tid);
}

/* The entry of tid, created if need be; NULL when full (counted). */
static struct task_ident *get_or_add(struct tasktab *t, uint32_t tid)
{
	int made;
	struct task_ident *e = tidmap__add(&t->map, tid, &made);

	if (made)
		e->prio = -2;
	return e;
}

int tasktab__set(struct tasktab *t, uint32_t tid, uint32_t pid, const char *comm)
{
	struct task_ident *e = get_or_add(t, tid);

	if (!e)
		return tid ? -ENOSPC : 0;
	e->pid = pid;
	if (comm) {
		/* comm is 16 bytes, NUL-padded, not always terminated. */
		size_t n = strnlen(comm, SEV_COMM_LEN);

		memset(e->comm, 0, SEV_COMM_LEN);
		memcpy(e->comm, comm, n);
	}
	return 0;
}

static void set_prio(struct tasktab *t, uint32_t tid, uint32_t pid, int32_t prio)
{
	struct task_ident *e = get_or_add(t, tid);

	if (e) {
		e->pid = pid;
		e->prio = prio;
	}
}

void tasktab__on_event(struct tasktab *t, const struct sev *e)
{
	switch (e->type) {
	case SEV_SWITCH: {
		/* One probe per task: this runs for every switch read. */
		struct task_ident *prev = get_or_add(t, e->tid), *next;

		if (prev) {
			prev->runtime_ns = e->runtime_ns;
			prev->runtime_known = 1;
			prev->pid = e->pid;
			prev->prio = e->prio;
		}
		next = get_or_add(t, e->tid2);
		if (next) {
			next->pid = e->pid2;
			next->prio = e->prio2;
		}
		break;
	}
	case SEV_EXIT:
		break;
	case SEV_FORK: {
		struct task_ident *child;

		tasktab__set(t, e->tid2, e->pid2, e->comm);
		/* sched_fork() starts the child's accounting from zero. */
		child = get_or_add(t, e->tid2);
		if (child) {
			child->runtime_ns = 0;
			child->runtime_known = 1;
		}
		break;
	}
	case SEV_EXEC:
	case SEV_RENAME:
		tasktab__set(t, e->tid, e->pid, e->comm);
		break;
	case SEV_PRIO:
		set_prio(t, e->tid, e->pid, e->prio2);
		break;
	default:
		set_prio(t, e->tid, e->pid, e->prio);
		break;
	}
}

void tasktab__on_snap(struct tasktab *t, const struct task_snap *s)
{
	struct task_ident *e;

	if (tasktab__set(t, s->tid, s->pid, s->comm))
		return;
	set_prio(t, s->tid, s->pid, s->prio);
	e = get_or_add(t, s->tid);
	/* A running thread's sum_exec_runtime lags its slice: no base from it. */
	if (e && !s->on_cpu) {
		e->runtime_ns = s->runtime_ns;
		e->runtime_known = 1;
	} else if (e) {
		e->runtime_known = 0;
	}
}

int64_t tasktab__ran(const struct tasktab *t, const struct sev *e)
{
	const struct task_ident *prev;

	if (e->type != SEV_SWITCH || !e->tid)
		return -1;
	prev = tasktab__get(t, e->tid);
	if (!prev || !prev->runtime_known || e->runtime_ns < prev->runtime_ns)
		return -1;
	return (int64_t)(e->runtime_ns - prev->runtime_ns);
}

const char *tasktab__comm(const struct tasktab *t, uint32_t tid, uint32_t cpu,
			  char buf[TASKTAB_NAME_LEN])
{
	const struct task_ident *e;

	if (!tid) {
		snprintf(buf, TASKTAB_NAME_LEN, "swapper/%u", cpu);
		return buf;
	}
	e = tasktab__get(t, tid);
	if (!e || !e->comm[0]) {
		snprintf(buf, TASKTAB_NAME_LEN, "<...>");
		return buf;
	}
	memcpy(buf, e->comm, SEV_COMM_LEN);
	buf[SEV_COMM_LEN] = 0;
	return buf;
}

uint64_t tasktab__dropped(const struct tasktab *t)
{
	return t->map.refused;
}
