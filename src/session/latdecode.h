/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The latency programs' records (bpf/abi.h) decoded into the core's types,
 * once, where the session reads them: nothing above the session sees the
 * ABI. Header-only and without libbpf, so the unit tests run the same
 * decoding on records filled by the kernel's own rules.
 */
#ifndef SCHEDSCOPE_LATDECODE_H
#define SCHEDSCOPE_LATDECODE_H

#include <stdbool.h>
#include <string.h>

#include "bpf/abi.h"
#include "bpf/acct_logic.h"
#include "core/latevent.h"
#include "core/lathist.h"

_Static_assert(sizeof(((struct lat_hist *)0)->log2) == sizeof(((struct ss_lat_hist *)0)->log2),
	       "log2 slots: the core's as the kernel's");
_Static_assert(sizeof(((struct lat_hist *)0)->fine) == sizeof(((struct ss_lat_hist *)0)->fine),
	       "fine buckets: the core's as the kernel's");
_Static_assert(LAT_COMM_LEN == SS_COMM_LEN, "names: the core's as the kernel's");

/*
 * A histogram set, its maxima those of the interval being closed: epoch is
 * the one latsession__close_interval() returned (see slotmax__get_closing()).
 */
static inline void latdecode__hist(struct lat_hist *out, const struct ss_lat_hist *in,
				   uint32_t epoch)
{
	for (unsigned int k = 0; k < SS_LAT_KINDS; k++) {
		out->count[k] = in->count[k];
		out->sum_ns[k] = in->sum_ns[k];
		out->max_ns[k] = slotmax__get_closing(in->max_ns[k], in->max_epoch[k], epoch);
	}
	out->run_delay_ns = in->run_delay_ns;
	out->unsplit_spans = in->unsplit_spans;
	out->unsplit_waits = in->unsplit_waits;
	out->unsplit_ns = in->unsplit_ns;
	memcpy(out->log2, in->log2, sizeof(out->log2));
	memcpy(out->fine, in->fine, sizeof(out->fine));
}

/* A per-thread entry: the histograms and whose they are. */
static inline void latdecode__thread(struct lat_thread *out, const struct ss_lat_hist *in,
				     uint32_t epoch)
{
	out->tid = in->tid;
	out->pid = in->pid;
	out->start_ns = in->start_ns;
	out->pstart_ns = in->pstart_ns;
	out->dead = in->dead != 0;
	memcpy(out->comm, in->comm, LAT_COMM_LEN);
	memcpy(out->pcomm, in->pcomm, LAT_COMM_LEN);
	latdecode__hist(&out->h, in, epoch);
}

/* A ring-buffer record; false for a type this build does not know. */
static inline bool latdecode__event(struct lat_event *out, const struct ss_lat_event *in)
{
	switch (in->type) {
	case SS_EV_SLOW:
		out->type = LAT_EV_SLOW;
		break;
	case SS_EV_WAKE_INV:
		out->type = LAT_EV_WAKE_INV;
		break;
	case SS_EV_PI:
		out->type = LAT_EV_PI;
		break;
	default:
		return false;
	}
	out->ts_ns = in->ts_ns;
	out->lat_ns = in->lat_ns;
	out->premig_ns = in->premig_ns;
	out->kind = in->kind;
	out->cpu = in->cpu;
	out->pid = in->pid;
	out->tid = in->tid;
	out->other_pid = in->other_pid;
	out->other_tid = in->other_tid;
	out->third_tid = in->third_tid;
	out->prio = in->prio;
	out->other_prio = in->other_prio;
	out->third_prio = in->third_prio;
	out->waits = in->waits;
	memcpy(out->comm, in->comm, LAT_COMM_LEN);
	memcpy(out->other_comm, in->other_comm, LAT_COMM_LEN);
	memcpy(out->third_comm, in->third_comm, LAT_COMM_LEN);
	return true;
}

/* A waiting thread, as the task iterator found it. */
static inline void latdecode__waiting(struct lat_waiting *out, const struct ss_waiting_rec *in)
{
	out->start_ns = in->start_ns;
	out->wait_ns = in->wait_ns;
	out->pid = in->pid;
	out->tid = in->tid;
	out->cpu = in->cpu;
	out->prio = in->prio;
	out->policy = (int)in->policy;
	out->curr_pid = in->curr_pid;
	out->curr_tid = in->curr_tid;
	out->curr_prio = in->curr_prio;
	out->curr_policy = (int)in->curr_policy;
	memcpy(out->comm, in->comm, LAT_COMM_LEN);
	memcpy(out->curr_comm, in->curr_comm, LAT_COMM_LEN);
}

/*
 * The loss counters the object keeps, already summed over the CPUs; not
 * ring_drops, which the ring counts itself (bpfsess__drops()).
 */
static inline void latdecode__stat(struct lat_stat *out, const struct ss_lat_stat *in)
{
	out->waits = in->waits;
	out->unbased = in->unbased;
	out->missed = in->missed;
	out->storage_fail = in->storage_fail;
	out->table_full = in->table_full;
	out->kpreempt = in->kpreempt;
	out->waking_stale = in->waking_stale;
}

#endif
