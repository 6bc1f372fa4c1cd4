/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live tracing session over the accounting programs (src/bpf/acct.bpf.c):
 * open, configure, load, attach, read, detach. The only user-space file that
 * talks to libbpf for `top` and `cpus`; everything it reads goes to the pure
 * cores (acct, cpustat).
 */
#ifndef SCHEDSCOPE_SESSION_H
#define SCHEDSCOPE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/acct.h"
#include "core/cpustat.h"
#include "core/report.h"

struct session_opts {
	bool threads;	/* per-thread counters: task iterator, wakeups, exit records */
	bool idle;	/* per-CPU idle time */
	bool waits;	/* run-queue waits per thread (RUNQMAX) */
	bool cpu_waits; /* and their sums per CPU */
	bool verbose;	/* libbpf's messages, load cost */
	int cpu;	/* per-thread figures on this CPU only; -1: all CPUs */
};

struct session;

/*
 * Everything up to attached and probed. On failure prints one line saying what
 * and what to do, and returns NULL.
 */
struct session *session__open(const struct session_opts *o);
void session__close(struct session *s);

uint32_t session__nr_cpus(const struct session *s);

/* Per-thread observations go to a (exit records arrive between samples too). */
void session__bind_acct(struct session *s, struct acct *a);

/*
 * The first scan of every thread, and the CPUs' first sample into cs; t0 is
 * CLOCK_MONOTONIC just before it. Returns 0 or -errno.
 */
int session__baseline(struct session *s, uint64_t t0_ns, struct cpustat *cs);

/*
 * Wait until deadline_ns (CLOCK_MONOTONIC) or a stop request, collecting exit
 * records meanwhile. Returns true if asked to stop.
 */
bool session__wait(struct session *s, uint64_t deadline_ns);

/*
 * Close the open interval: scan every thread and collect what exited (into
 * the bound acct), and sample the per-CPU counters into cs.
 */
int session__sample(struct session *s, struct cpustat *cs);

/* Collect the exit records queued so far, without waiting. */
void session__drain(struct session *s);

/*
 * Before the last report: give threads caught between leaving the scan's view
 * and their last switch a moment to send their final records.
 */
void session__settle(struct session *s);

/* What each BPF program has cost so far (bpfsess__prog_costs()). */
void session__prog_costs(const struct session *s,
			 void (*fn)(void *ctx, const char *prog, uint64_t run_ns, uint64_t runs),
			 void *ctx);

/* Cumulative losses (the acct core adds its own). */
void session__losses(const struct session *s, struct report_losses *l);

#endif
