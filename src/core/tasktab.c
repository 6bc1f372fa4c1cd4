// SPDX-License-Identifier: GPL-2.0
#include "tasktab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/probe_ids.h"
#include "tidmap.h"

struct tasktab {
	struct tidmap map; /* of struct task_ident */
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

/* tid's entry with its process and name set; NULL when full. */
static struct task_ident *set_name(struct tasktab *t, uint32_t tid, uint32_t pid, const char *comm)
{
	struct task_ident *e = get_or_add(t, tid);

	if (e) {
		/* comm is 16 bytes, NUL-padded, not always terminated. */
		size_t n = strnlen(comm, SEV_COMM_LEN);

		e->pid = pid;
		memset(e->comm, 0, SEV_COMM_LEN);
		memcpy(e->comm, comm, n);
	}
	return e;
}

int tasktab__set(struct tasktab *t, uint32_t tid, uint32_t pid, const char *comm)
{
	return set_name(t, tid, pid, comm) || !tid ? 0 : -ENOSPC;
}

/* tid's entry with its process and priority set; NULL when full. */
static struct task_ident *set_prio(struct tasktab *t, uint32_t tid, uint32_t pid, int32_t prio)
{
	struct task_ident *e = get_or_add(t, tid);

	if (e) {
		e->pid = pid;
		e->prio = prio;
	}
	return e;
}

void tasktab__on_event(struct tasktab *t, const struct sev *e)
{
	struct task_ident *x;

	switch (e->type) {
	case SEV_SWITCH:
		/* One probe per task: this runs for every switch read. */
		x = set_prio(t, e->tid, e->pid, e->prio);
		if (x) {
			x->runtime_ns = e->runtime_ns;
			x->runtime_known = 1;
		}
		set_prio(t, e->tid2, e->pid2, e->prio2);
		break;
	case SEV_EXIT:
		break;
	case SEV_FORK:
		x = set_name(t, e->tid2, e->pid2, e->comm);
		/* sched_fork() starts the child's accounting from zero. */
		if (x) {
			x->runtime_ns = 0;
			x->runtime_known = 1;
		}
		break;
	case SEV_EXEC:
	case SEV_RENAME:
		set_name(t, e->tid, e->pid, e->comm);
		break;
	case SEV_PRIO:
		set_prio(t, e->tid, e->pid, e->prio2);
		break;
	case SEV_PROBE:
		/* change-pri's prio is the old one; off-cpu's and lend-pri's other thread has prio2. */
		set_prio(t, e->tid, e->pid, e->probe == SS_P_CHANGE_PRI ? e->prio2 : e->prio);
		if (e->probe == SS_P_OFF_CPU || e->probe == SS_P_LEND_PRI)
			set_prio(t, e->tid2, e->pid2, e->prio2);
		break;
	default:
		set_prio(t, e->tid, e->pid, e->prio);
		break;
	}
}

void tasktab__base(struct tasktab *t, const struct task_snap *s)
{
	struct task_ident *e = set_prio(t, s->tid, s->pid, s->prio);

	if (!e)
		return;
	/* A running thread's sum_exec_runtime lags its slice: no base from it. */
	e->runtime_ns = s->on_cpu ? 0 : s->runtime_ns;
	e->runtime_known = !s->on_cpu;
}

void tasktab__on_snap(struct tasktab *t, const struct task_snap *s)
{
	if (set_name(t, s->tid, s->pid, s->comm))
		tasktab__base(t, s);
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
