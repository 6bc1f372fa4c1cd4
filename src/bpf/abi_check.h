/* SPDX-License-Identifier: GPL-2.0 */
/* The ABI's sizes, checked where user space reads what BPF wrote. */
#ifndef SCHEDSCOPE_ABI_CHECK_H
#define SCHEDSCOPE_ABI_CHECK_H

#include "abi.h"

_Static_assert(sizeof(struct ss_task_rec) == 144, "ss_task_rec layout changed");
_Static_assert(sizeof(struct ss_task_filter) == 540, "ss_task_filter layout changed");
_Static_assert(sizeof(struct ss_cpu_stat) % 8 == 0, "per-CPU values are 8-byte multiples");
_Static_assert(sizeof(struct ss_cpu_stat) == 152, "ss_cpu_stat layout changed");
_Static_assert(sizeof(struct ss_cpu_mig) == 16, "ss_cpu_mig layout changed");
_Static_assert(sizeof(struct ss_lat_hist) % 8 == 0, "per-CPU values are 8-byte multiples");
_Static_assert(sizeof(struct ss_lat_hist) == 4344, "ss_lat_hist layout changed");
_Static_assert(sizeof(struct ss_cg_hist) == sizeof(__u64) * (3 + SS_CG_SLOTS),
	       "ss_cg_hist layout changed");
_Static_assert(sizeof(struct ss_lat_stat) == 56, "ss_lat_stat layout changed");
_Static_assert(sizeof(struct ss_lat_stat) == 7 * sizeof(__u64), "ss_lat_stat: u64 counters only");
_Static_assert(sizeof(struct ss_lat_event) == 120, "ss_lat_event layout changed");
_Static_assert(sizeof(struct ss_waiting_rec) == 88, "ss_waiting_rec layout changed");

_Static_assert(sizeof(struct ss_ev) == 24, "ss_ev layout changed");
_Static_assert(sizeof(struct ss_ev_switch) == 72, "ss_ev_switch layout changed");
_Static_assert(sizeof(struct ss_ev_migrate) == 40, "ss_ev_migrate layout changed");
_Static_assert(sizeof(struct ss_ev_fork) == 48, "ss_ev_fork layout changed");
_Static_assert(sizeof(struct ss_ev_exec) == 48, "ss_ev_exec layout changed");
_Static_assert(sizeof(struct ss_ev_exit) == 48, "ss_ev_exit layout changed");
_Static_assert(sizeof(struct ss_ev_rename) == 40, "ss_ev_rename layout changed");
_Static_assert(sizeof(struct ss_ev_probe) == 40, "ss_ev_probe layout changed");
_Static_assert(sizeof(struct ss_ev_snap) == 96, "ss_ev_snap layout changed");

_Static_assert(sizeof(struct ss_count_key) == 40, "ss_count_key layout changed");
_Static_assert(sizeof(struct ss_count_stat) == 8, "ss_count_stat layout changed");
_Static_assert(sizeof(struct ss_switch_stat) == 16, "ss_switch_stat layout changed");
_Static_assert(sizeof(struct ss_preempt_key) == 56, "ss_preempt_key layout changed");
_Static_assert(sizeof(struct ss_migr_key) == 40, "ss_migr_key layout changed");

_Static_assert(sizeof(struct ss_sc_key) == 32, "ss_sc_key layout changed");
_Static_assert(sizeof(struct ss_sc_event) == 80, "ss_sc_event layout changed");
_Static_assert(sizeof(struct ss_sc_stat) == 8, "ss_sc_stat layout changed");
_Static_assert(SS_SC_CALLS == SS_HIST_COUNT && SS_SC_NS == SS_HIST_SUM,
	       "syscount's counts and histograms share their first values");
_Static_assert(sizeof(struct ss_stream_stat) == 8, "ss_stream_stat layout changed");
_Static_assert(sizeof(struct ss_open_event) == 64 + SS_PATH_MAX, "ss_open_event layout changed");
_Static_assert(sizeof(struct ss_open_key) == 280, "ss_open_key layout changed");
_Static_assert(sizeof(struct ss_open_prefix) == 696, "ss_open_prefix layout changed");
_Static_assert(sizeof(struct ss_exec_event) == 64 + SS_ARGS_MAX, "ss_exec_event layout changed");
_Static_assert(sizeof(struct ss_exec_key) == 28, "ss_exec_key layout changed");
_Static_assert(sizeof(struct ss_exit_event) == 56, "ss_exit_event layout changed");
_Static_assert(sizeof(struct ss_churn_key) == 28, "ss_churn_key layout changed");

#endif
