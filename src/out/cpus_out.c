// SPDX-License-Identifier: GPL-2.0
#include "cpus_out.h"

#include <inttypes.h>

#include "common_out.h"
#include "json.h"

/*
 * Example (cpus 1, a pipe ping-pong on CPU 0, two spinners on CPU 1):
 *
 * 1.000 s, 2 CPUs
 * CPU  SWITCHES     SW/s  BUSY%  IDLE%  MIGR_IN MIGR_OUT    RUNQ(ms)    WAITS RUNQMAX(ms)
 *   0    508237 508196.4  100.0    0.0        0        1     514.633   508234       0.141
 *   1       275    275.0  100.0    0.0        1        0    1017.770      272       7.999
 */
void cpus_out__table(FILE *f, const struct cpu_row *rows, const bool *show, uint32_t nr,
		     const struct report_meta *m)
{
	out__timestamp(f, m);
	fprintf(f, "%.3f s, %u CPUs\n", (double)m->duration_ns / 1e9, m->nr_cpus);
	fputs("CPU  SWITCHES     SW/s  BUSY%  IDLE%  MIGR_IN MIGR_OUT    RUNQ(ms)    WAITS "
	      "RUNQMAX(ms)\n",
	      f);
	for (uint32_t i = 0; i < nr; i++) {
		const struct cpu_row *r = &rows[i];

		if (show && !show[i])
			continue;
		fprintf(f,
			"%3u %9" PRIu64 " %8.1f %6.1f %6.1f %8" PRIu64 " %8" PRIu64
			" %11.3f %8" PRIu64 " %11.3f\n",
			r->cpu, r->d.switches, r->switches_per_sec, r->busy_pct, r->idle_pct,
			r->d.migrations_in, r->d.migrations_out, (double)r->d.wait_ns / 1e6,
			r->d.waits, (double)r->d.wait_max_ns / 1e6);
	}
	out__losses_line(f, m);
	fputc('\n', f);
}

void cpus_out__json(FILE *f, const struct cpu_row *rows, const bool *show, uint32_t nr,
		    const struct report_meta *m)
{
	struct json j;

	json__init(&j, f);
	json__begin_object(&j, NULL);
	json__string(&j, "type", "cpus", 4);
	out__json_meta(&j, m);
	json__begin_array(&j, "cpus");
	for (uint32_t i = 0; i < nr; i++) {
		const struct cpu_row *r = &rows[i];

		if (show && !show[i])
			continue;
		json__begin_object(&j, NULL);
		json__u64(&j, "cpu", r->cpu);
		json__u64(&j, "switches", r->d.switches);
		json__u64(&j, "traced_switches", r->d.traced_switches);
		json__double(&j, "switches_per_sec", r->switches_per_sec, 1);
		json__double(&j, "busy_pct", r->busy_pct, 3);
		json__double(&j, "idle_pct", r->idle_pct, 3);
		json__u64(&j, "idle_ns", r->d.idle_ns);
		json__u64(&j, "idle_switches", r->d.idle_exits);
		json__u64(&j, "migrations_in", r->d.migrations_in);
		json__u64(&j, "migrations_out", r->d.migrations_out);
		json__u64(&j, "runq_wait_ns", r->d.wait_ns);
		json__u64(&j, "runq_waits", r->d.waits);
		json__u64(&j, "runq_wait_max_ns", r->d.wait_max_ns);
		json__end_object(&j);
	}
	json__end_array(&j);
	json__end_object(&j);
}
