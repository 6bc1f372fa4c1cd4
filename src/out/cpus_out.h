/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCHEDSCOPE_CPUS_OUT_H
#define SCHEDSCOPE_CPUS_OUT_H

#include <stdio.h>

#include "core/cpustat.h"
#include "core/report.h"

/* rows[0 .. nr-1]; show[cpu] false hides a CPU (-C). */
void cpus_out__table(FILE *f, const struct cpu_row *rows, const bool *show, uint32_t nr,
		     const struct report_meta *m);
void cpus_out__json(FILE *f, const struct cpu_row *rows, const bool *show, uint32_t nr,
		    const struct report_meta *m);

#endif
