/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The latency programs' records (bpf/abi.h) decoded into the core's types,
 * once, where the session reads them: nothing above the session sees the
 * ABI. Header-only and without libbpf, so the unit tests run the same
 * decoding on records filled by the kernel's own rules.
 */
#ifndef SCHEDSCOPE_LATDECODE_H
#define SCHEDSCOPE_LATDECODE_H

#include <string.h>

#include "bpf/abi.h"
#include "bpf/acct_logic.h"
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
	out->dead = in->dead != 0;
	memcpy(out->comm, in->comm, LAT_COMM_LEN);
	memcpy(out->pcomm, in->pcomm, LAT_COMM_LEN);
	latdecode__hist(&out->h, in, epoch);
}

#endif
