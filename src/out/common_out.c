// SPDX-License-Identifier: GPL-2.0
#include "common_out.h"

#include <inttypes.h>

void out__timestamp(FILE *f, const struct report_meta *m)
{
	struct tm tm;
	char buf[16];

	if (!m->timestamp || !localtime_r(&m->wall.tv_sec, &tm))
		return;
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	fprintf(f, "%s ", buf);
}

void out__losses_line(FILE *f, const struct report_meta *m)
{
	const struct report_losses *l = &m->loss;

	if (!l->untracked_threads && !l->late_threads && !l->vanished_threads && !l->exit_drops &&
	    !l->storage_fail && !l->waits_unbased && !l->waits_missed && !l->untraced_switches &&
	    !l->idle_untraced)
		return;
	fputs("Not measured:", f);
	if (l->untracked_threads)
		fprintf(f, " %" PRIu64 " threads untracked, table full at %" PRIu64
			   " (raise --max-tasks);",
			l->untracked_threads, m->max_threads);
	if (l->exit_drops)
		fprintf(f, " %" PRIu64 " exit records dropped (ring buffer full);", l->exit_drops);
	if (l->vanished_threads)
		fprintf(f, " %" PRIu64 " threads vanished without a final record;",
			l->vanished_threads);
	if (l->late_threads)
		fprintf(f, " %" PRIu64 " threads missed by the first scan;", l->late_threads);
	if (l->storage_fail)
		fprintf(f, " %" PRIu64 " events without task storage (wakeups/RUNQMAX low);",
			l->storage_fail);
	if (l->untraced_switches)
		fprintf(f, " %" PRIu64 " switches the kernel counted but never traced;",
			l->untraced_switches);
	if (l->idle_untraced)
		fprintf(f, " %" PRIu64 " idle periods begun untraced (start estimated);",
			l->idle_untraced);
	if (l->waits_unbased)
		fprintf(f, " %" PRIu64 " waits in progress at the start (not in RUNQMAX);",
			l->waits_unbased);
	if (l->waits_missed)
		fprintf(f, " %" PRIu64 " waits after an unseen switch-in (not in RUNQMAX);",
			l->waits_missed);
	fputc('\n', f);
}

void out__json_meta(struct json *j, const struct report_meta *m)
{
	const struct report_losses *l = &m->loss;

	json__u64(j, "duration_ns", m->duration_ns);
	if (m->timestamp)
		json__u64(j, "time_ns", (uint64_t)m->wall.tv_sec * 1000000000ull +
					   (uint64_t)m->wall.tv_nsec);
	json__u64(j, "nr_cpus", m->nr_cpus);
	json__begin_object(j, "lost");
	json__u64(j, "untracked_threads", l->untracked_threads);
	json__u64(j, "max_tasks", m->max_threads);
	json__u64(j, "exit_records_dropped", l->exit_drops);
	json__u64(j, "vanished_threads", l->vanished_threads);
	json__u64(j, "late_threads", l->late_threads);
	json__u64(j, "storage_failures", l->storage_fail);
	json__u64(j, "waits_begun_before_trace", l->waits_unbased);
	json__u64(j, "waits_after_unseen_switch", l->waits_missed);
	json__u64(j, "untraced_switches", l->untraced_switches);
	json__u64(j, "idle_periods_begun_untraced", l->idle_untraced);
	json__end_object(j);
}
