/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One cgroup's run-queue latency histogram as user space holds it: the
 * kernel's per-CPU copies (struct ss_cg_hist) summed. The slots are those of
 * lat__cg_slot(): slot i holds waits shorter than 2^(i+1) us, the last the
 * rest. Apart from the registry so that the session can fill one without it.
 */
#ifndef SCHEDSCOPE_CGHIST_H
#define SCHEDSCOPE_CGHIST_H

#include <stdint.h>

#include "bpf/lat_buckets.h"

#define CG_HIST_SLOTS SS_CG_SLOTS

struct cg_hist {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t slot[CG_HIST_SLOTS];
};

#endif
