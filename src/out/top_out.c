// SPDX-License-Identifier: GPL-2.0
#include "top_out.h"

#include <inttypes.h>

#include "common_out.h"
#include "json.h"

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/*
 * Example (--by tid -p 19266 -d 1):
 *
 * 1.004 s, 2 CPUs, 2 rows, runtime 998.882 ms (49.8% of all CPUs), 528839 context switches
 *     PID    TID  COMM               CPU%  RUNTIME(ms)     VCSW    IVCSW  WAKEUPS   MIGR    RUNQ(ms) RUNQMAX(ms)
 *   19266  19271  spinA              50.0      501.464        0      126        0      0     505.543       8.007
 *   19266  19274  spinB              49.6      497.418        0      129        0      0     502.310       4.032
 * Not measured: 3 switches the kernel counted but never traced;
 */
void top_out__table(FILE *f, const struct top_view *v, const struct report_meta *m)
{
	double all = (double)m->duration_ns * m->nr_cpus;

	out__timestamp(f, m);
	fprintf(f,
		"%.3f s, %u CPUs, %zu rows, runtime %.3f ms (%.1f%% of all CPUs), %" PRIu64
		" context switches\n",
		(double)m->duration_ns / 1e9, m->nr_cpus, v->nr_total, ms(v->total_runtime_ns),
		all > 0 ? (double)v->total_runtime_ns * 100.0 / all : 0.0, v->context_switches);
	/* A PID (TID) column is one narrower than before and a '*' marks reuse. */
	if (v->by == TOP_BY_TID)
		fputs("    PID    TID  ", f);
	else if (v->by == TOP_BY_PID)
		fputs("   PID  ", f);
	fputs("COMM            ", f);
	if (v->by != TOP_BY_TID)
		fputs("   THR", f);
	fputs("   CPU%  RUNTIME(ms)     VCSW    IVCSW  WAKEUPS   MIGR    RUNQ(ms) RUNQMAX(ms)\n",
	      f);
	for (size_t i = 0; i < v->nr_rows; i++) {
		const struct top_row *r = &v->rows[i];

		if (v->by == TOP_BY_TID)
			fprintf(f, "%7u %6u%c ", r->pid, r->tid, r->reused ? '*' : ' ');
		else if (v->by == TOP_BY_PID)
			fprintf(f, "%6u%c ", r->pid, r->reused ? '*' : ' ');
		/* A comm may hold any byte: keep the table on its lines. */
		for (size_t k = 0; k < 16; k++) {
			char c = k < sizeof(r->comm) && r->comm[k] ? r->comm[k] : '\0';

			if (!c) {
				fprintf(f, "%*s", (int)(16 - k), "");
				break;
			}
			fputc(out__printable(c), f);
		}
		if (v->by != TOP_BY_TID)
			fprintf(f, " %5u", r->threads);
		fprintf(f,
			" %6.1f %12.3f %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %6" PRIu64
			" %11.3f %11.3f\n",
			r->cpu_pct, ms(r->c.runtime_ns), r->c.nvcsw, r->c.nivcsw, r->c.wakeups,
			r->c.migrations, ms(r->c.run_delay_ns), ms(r->wait_max_ns));
	}
	for (size_t i = 0; i < v->nr_rows; i++) {
		if (v->rows[i].reused) {
			fprintf(f, "* %s used by more than one %s in the window: a row each\n",
				v->by == TOP_BY_TID ? "TID" : "PID",
				v->by == TOP_BY_TID ? "thread" : "process");
			break;
		}
	}
	out__losses_line(f, m);
	fputc('\n', f);
}

void top_out__json(FILE *f, const struct top_view *v, const struct report_meta *m)
{
	struct json j;

	json__init(&j, f);
	json__begin_object(&j, NULL);
	json__string(&j, "type", "top", 3);
	json__string(&j, "by", topview__by_name(v->by), 8);
	out__json_meta(&j, m);
	json__u64(&j, "total_runtime_ns", v->total_runtime_ns);
	json__u64(&j, "context_switches", v->context_switches);
	json__u64(&j, "rows_total", v->nr_total);
	json__begin_array(&j, "tasks");
	for (size_t i = 0; i < v->nr_rows; i++) {
		const struct top_row *r = &v->rows[i];

		json__begin_object(&j, NULL);
		/* Always both: tid = pid on a process row, 0 on a name row. */
		json__u64(&j, "pid", r->pid);
		json__u64(&j, "tid", r->tid);
		json__u64(&j, "start_ns", r->start_ns);
		json__bool(&j, "reused", r->reused);
		if (r->cpu >= 0)
			json__i64(&j, "idle_cpu", r->cpu);
		json__string(&j, "comm", r->comm, sizeof(r->comm));
		json__u64(&j, "threads", r->threads);
		json__u64(&j, "folded", r->folded);
		json__u64(&j, "runtime_ns", r->c.runtime_ns);
		json__double(&j, "cpu_pct", r->cpu_pct, 3);
		json__u64(&j, "voluntary_switches", r->c.nvcsw);
		json__u64(&j, "involuntary_switches", r->c.nivcsw);
		json__u64(&j, "wakeups", r->c.wakeups);
		json__u64(&j, "migrations", r->c.migrations);
		json__u64(&j, "runq_wait_ns", r->c.run_delay_ns);
		json__u64(&j, "runq_wait_max_ns", r->wait_max_ns);
		json__end_object(&j);
	}
	json__end_array(&j);
	json__end_object(&j);
}
