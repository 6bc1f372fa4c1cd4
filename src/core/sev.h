/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scheduling event, decoded: what `trace` prints, what `record` writes and
 * what a recorded file gives back, so that every consumer (the stream writers,
 * timehist, export, and the analyses `report` runs) takes one type whether the
 * events come live from the ring buffer or from a file. Pure C.
 *
 * Counters are the kernel's own and absolute (sum_exec_runtime, run_delay,
 * nvcsw, nivcsw, pcount, nr_migrations as the task holds them right after the
 * event), so an analysis differences them exactly as the live task iterator's
 * readings are differenced; the file format compresses them.
 */
#ifndef SCHEDSCOPE_SEV_H
#define SCHEDSCOPE_SEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEV_COMM_LEN 16

/* The kinds, also the bits of the -e mask (1u << type). */
enum sev_type {
	SEV_SWITCH = 1,	    /* sched_switch */
	SEV_WAKING = 2,	    /* sched_waking: on the waker's side */
	SEV_WAKEUP = 3,	    /* sched_wakeup: the task is runnable on its CPU */
	SEV_WAKEUP_NEW = 4, /* sched_wakeup_new: a new task's first wakeup */
	SEV_MIGRATE = 5,    /* sched_migrate_task, only when the CPU changes */
	SEV_FORK = 6,	    /* sched_process_fork: tid/pid the parent, tid2/pid2 the child */
	SEV_EXEC = 7,	    /* sched_process_exec: comm the new name, tid2 the old tid */
	SEV_EXIT = 8,	    /* sched_process_exit: the thread is exiting */
	SEV_PRIO = 9,	    /* a priority change: prio the old, prio2 the new */
	SEV_RENAME = 10,    /* task_rename (prctl, /proc/PID/comm, exec): comm the new name */
	SEV_PROBE = 11,	    /* a DTrace sched probe fired: probe says which (-e on-cpu,...) */
	SEV_NR_TYPES
};

#define SEV_MASK(t) (1u << (t))
/* What trace and record capture without -e: all but sched_wakeup, which follows every waking. */
#define SEV_DEFAULT_MASK                                                                        \
	(SEV_MASK(SEV_SWITCH) | SEV_MASK(SEV_WAKING) | SEV_MASK(SEV_WAKEUP_NEW) |               \
	 SEV_MASK(SEV_MIGRATE) | SEV_MASK(SEV_FORK) | SEV_MASK(SEV_EXEC) | SEV_MASK(SEV_EXIT) | \
	 SEV_MASK(SEV_PRIO) | SEV_MASK(SEV_RENAME))
#define SEV_ALL_MASK (SEV_DEFAULT_MASK | SEV_MASK(SEV_WAKEUP))
/* The kinds that name tasks: traced whatever -e shows, for the names. */
#define SEV_NAME_MASK (SEV_MASK(SEV_FORK) | SEV_MASK(SEV_EXEC) | SEV_MASK(SEV_RENAME))

/* sev.flags */
#define SEV_F_PREEMPT (1u << 0)	  /* switch: prev was preempted (ftrace's "R+") */
#define SEV_F_VOLUNTARY (1u << 1) /* switch: the kernel counted it in prev's nvcsw */

/*
 * Task state as ftrace reports it in sched_switch's prev_state: 0 is "R",
 * then one bit per letter in this order; SEV_STATE_PREEMPTED ("+") is set
 * with 0 when prev was preempted.
 */
#define SEV_STATE_LETTERS "SDTtXZPI"
#define SEV_STATE_PREEMPTED 0x100u
/* "X" or "Z": the thread's last switch (do_task_dead()). */
#define SEV_STATE_DEAD 0x30u
/* Left its CPU still runnable ("R" or "R+"): none of the letters. */
#define SEV_STATE_RUNNABLE(state) (!((state) & ~SEV_STATE_PREEMPTED))

/*
 * One event. Which fields mean something depends on type:
 *
 *   type        tid/pid/prio        tid2/pid2/prio2       other fields
 *   SWITCH      prev                next                  state, flags, runtime_ns, nvcsw, nivcsw
 *                                                         (prev's); run_delay_ns, pcount (next's)
 *   WAKING      the woken task      -                     cpu2 = target_cpu (ftrace's)
 *   WAKEUP      the woken task      -                     cpu2 = target_cpu
 *   WAKEUP_NEW  the new task        -                     cpu2 = target_cpu
 *   MIGRATE     the task            -                     cpu2 = orig_cpu, cpu3 = dest_cpu,
 *                                                         migrations (after)
 *   FORK        parent              child                 comm = child's
 *   EXEC        the task            tid2 = old tid        comm = new name
 *   EXIT        the task            -                     runtime_ns, nvcsw, nivcsw (as of exit)
 *   PRIO        the task, old prio  prio2 = new prio
 *   RENAME      the task            -                     comm = new name
 *   PROBE       the probe's thread  off-cpu: next;        probe (enum ss_probe), cpu2 = the
 *               (prio: change-pri's lend-pri: the lender  CPU the probe is about, nr_running
 *               old one)            (prio2: the new prio  (load-change: the queue's new
 *                                   of change-pri and     length)
 *                                   lend-pri, next's)
 *
 * cpu is where the event happened. tid/pid are the kernel's pid/tgid.
 */
struct sev {
	uint64_t ts_ns; /* CLOCK_MONOTONIC */
	uint32_t type;	/* enum sev_type */
	uint32_t cpu;
	uint32_t tid, pid;
	uint32_t tid2, pid2;
	int32_t prio, prio2; /* kernel prio: 0..99 real-time, 100..139 normal, -1 deadline */
	union {
		uint32_t state; /* SWITCH: prev's, SEV_STATE_* bits */
		uint32_t probe; /* PROBE: enum ss_probe (bpf/probe_ids.h) */
	};
	uint32_t flags; /* SEV_F_* */
	uint32_t cpu2;
	union {
		uint32_t cpu3;
		uint32_t nr_running; /* PROBE, load-change */
	};
	uint64_t runtime_ns;   /* se.sum_exec_runtime */
	uint64_t run_delay_ns; /* sched_info.run_delay, this wait included */
	uint64_t nvcsw, nivcsw;
	uint64_t pcount;	 /* sched_info.pcount, this arrival included */
	uint64_t migrations;	 /* se.nr_migrations */
	char comm[SEV_COMM_LEN]; /* NUL-padded, not always NUL-terminated: 16 bytes */
};

/*
 * One thread as a full scan saw it, at the start (SNAP_BEGIN) and at the end
 * (SNAP_END) of a recording: the baseline of every counter, and the names.
 */
enum snap_phase { SNAP_BEGIN = 0, SNAP_END = 1 };

struct task_snap {
	uint64_t start_ns; /* task->start_time */
	uint64_t runtime_ns;
	uint64_t run_delay_ns; /* as the kernel has it: a wait in progress not yet included */
	uint64_t pcount;
	uint64_t nvcsw, nivcsw;
	uint64_t migrations;
	uint32_t tid, pid;
	int32_t prio;
	uint32_t cpu;
	uint32_t state;	 /* SEV_STATE_* bits (0: runnable or running) */
	uint32_t on_cpu; /* running at the scan */
	char comm[SEV_COMM_LEN];
};

/* The kind's name as -e takes it and as --json writes it: "switch", "waking", ... */
const char *sev__type_name(uint32_t type);
/* The event's name as trace shows it: its kind's, or a probe event's probe's. */
const char *sev__name(const struct sev *e);

/*
 * Parse -e's list: kinds ("switch,waking", "all", "default") and DTrace
 * probes ("on-cpu", or "sched:::on-cpu"; "wakeup" alone is the kind, the
 * probe is "sched:::wakeup"), mixed. Returns 0 with the kinds' mask and
 * the probes' (1u << enum ss_probe), or -EINVAL with *bad pointing at the
 * first unknown name in s.
 */
int sev__parse_mask(const char *s, uint32_t *mask, uint32_t *probes, const char **bad);

/* prev_state as ftrace prints it: "R", "S", "D", "R+", "X", "D|K"...; buf >= 24 bytes. */
const char *sev__state_str(uint32_t state, char *buf, size_t len);

#endif
