/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who a TID is: its process and name, kept up to date from the events that
 * change them (fork, exec, rename) and from full scans. Shared by every
 * consumer of events (trace, record, report, timehist, export) so that a
 * name is resolved one way. Pure C: an open-addressing table keyed by TID.
 */
#ifndef SCHEDSCOPE_TASKTAB_H
#define SCHEDSCOPE_TASKTAB_H

#include <stddef.h>
#include <stdint.h>

#include "sev.h"

struct task_ident {
	uint32_t tid; /* 0: a free slot */
	uint32_t pid;
	int32_t prio;		/* last seen; -2 if never */
	uint32_t runtime_known; /* runtime_ns holds its sum_exec_runtime while off the CPU */
	uint64_t runtime_ns;
	char comm[SEV_COMM_LEN]; /* NUL-padded */
};

struct tasktab;

/* NULL with errno set. max: entries kept at most (more are dropped and counted). */
struct tasktab *tasktab__new(size_t max);
void tasktab__free(struct tasktab *t);

/* The entry, or NULL if the TID is unknown. */
const struct task_ident *tasktab__get(const struct tasktab *t, uint32_t tid);

/* Insert or update tid's process and name. Returns 0 or -ENOSPC (counted). */
int tasktab__set(struct tasktab *t, uint32_t tid, uint32_t pid, const char *comm);

/*
 * Bring the table up to date with one event (fork names the child, exec and
 * rename rename, switch and others teach pid and prio). Call it before the
 * event is rendered for SEV_FORK/SEV_EXEC/SEV_RENAME (so the new name shows),
 * it does not matter for the others.
 */
void tasktab__on_event(struct tasktab *t, const struct sev *e);
/* A scan's thread: its name, then tasktab__base(). */
void tasktab__on_snap(struct tasktab *t, const struct task_snap *s);
/* A scan's thread but its name: pid, prio, and the runtime base tasktab__ran() counts from. */
void tasktab__base(struct tasktab *t, const struct task_snap *s);

/*
 * The name of tid for display, NUL-terminated in buf: its comm; for tid 0 the
 * idle task of cpu as the kernel names it ("swapper/1"); "<...>" if unknown,
 * as ftrace prints a name it does not have.
 */
#define TASKTAB_NAME_LEN 24
const char *tasktab__comm(const struct tasktab *t, uint32_t tid, uint32_t cpu,
			  char buf[TASKTAB_NAME_LEN]);

/*
 * SWITCH: how long prev ran in the slice that ends, in the kernel's own
 * accounting (sum_exec_runtime now minus at its last switch-out, or at a scan
 * that found it off the CPU), or -1 if that is not known. Call it before
 * tasktab__on_event(e).
 */
int64_t tasktab__ran(const struct tasktab *t, const struct sev *e);

/* Updates refused because the table was full. */
uint64_t tasktab__dropped(const struct tasktab *t);

#endif
