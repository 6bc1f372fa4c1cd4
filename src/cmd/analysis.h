/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The analyses of `report -i FILE ANALYSIS`, behind one table of operations
 * (as perf's trace_sched_handler): each keeps its own state, and report.c
 * drives a recording through the table without knowing any analysis by
 * name. The live commands make the same analyses with the same operations
 * and feed them from their sessions instead, so a recording and a live run
 * of the same window are reported by the same code.
 *
 * From a recording, in file order: start once; on_snap and on_event with
 * every scan record and event; on_wait with each run-queue wait as it ends
 * (core/evacct.c rebuilds them), of the threads -p, -t and -c want; sample
 * when the window opens and at the end of each report's window, then report.
 * Only new, free and report are required.
 */
#ifndef SCHEDSCOPE_ANALYSIS_H
#define SCHEDSCOPE_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "core/evacct.h"
#include "core/report.h"
#include "core/sev.h"
#include "session/recinput.h"

/* Where an analysis's figures come from. */
struct analysis_input {
	uint32_t nr_cpus;
	const struct recinput *rec; /* the recording (its names, header); NULL: live */
};

struct analysis_ops {
	/* Keeps the recording's thread names up to date while it is read (costly). */
	bool names;
	/*
	 * The analysis for cli's options; NULL after saying why, with
	 * *exit_code EXIT_USAGE for options it refuses, else 1.
	 */
	void *(*new)(const struct cli *cli, const struct analysis_input *in, int *exit_code);
	void (*free)(void *an);
	/* Before the first record: a header, if it prints one. */
	void (*start)(void *an);
	void (*on_snap)(void *an, enum snap_phase phase, const struct task_snap *s);
	void (*on_event)(void *an, const struct sev *e);
	void (*on_wait)(void *an, const struct evwait *w);
	/* The figures rebuilt as of now_ns: the window's opening, then each report's end. */
	void (*sample)(void *an, struct evacct *ea, uint64_t now_ns);
	/* The window since the last report, to stdout: 0 or an exit code. */
	int (*report)(void *an, const struct report_meta *m);
};

extern const struct analysis_ops top_analysis;
extern const struct analysis_ops cpus_analysis;
extern const struct analysis_ops runqlat_analysis;
extern const struct analysis_ops runqslower_analysis;
extern const struct analysis_ops info_analysis;

#endif
