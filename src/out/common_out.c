// SPDX-License-Identifier: GPL-2.0
#include "common_out.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

void out__timestamp(FILE *f, const struct report_meta *m)
{
	struct tm tm;
	char buf[16];

	if (!m->timestamp || !localtime_r(&m->wall.tv_sec, &tm))
		return;
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	fprintf(f, "%s ", buf);
}

/* Every loss counter once: its JSON name and the words the table uses. */
static const struct {
	size_t off;
	const char *json;
	const char *text;
} losses[] = {
	{ offsetof(struct report_losses, untracked_threads), "untracked_threads",
	  "threads untracked, the table was full (raise --max-tasks)" },
	{ offsetof(struct report_losses, exit_drops), "exit_records_dropped",
	  "exit records dropped (ring buffer full)" },
	{ offsetof(struct report_losses, vanished_threads), "vanished_threads",
	  "threads vanished without a final record" },
	{ offsetof(struct report_losses, late_threads), "late_threads",
	  "threads missed by the first scan" },
	{ offsetof(struct report_losses, storage_fail), "storage_failures",
	  "events without task storage (wakeups/RUNQMAX low)" },
	{ offsetof(struct report_losses, waits_unbased), "waits_begun_before_trace",
	  "waits in progress at the start (not in RUNQMAX)" },
	{ offsetof(struct report_losses, waits_missed), "waits_after_unseen_switch",
	  "waits after an unseen switch-in (not in RUNQMAX)" },
	{ offsetof(struct report_losses, untraced_switches), "untraced_switches",
	  "switches the kernel counted but never traced" },
	{ offsetof(struct report_losses, idle_untraced), "idle_periods_begun_untraced",
	  "idle periods begun untraced (start estimated)" },
	{ offsetof(struct report_losses, events_lost), "events_lost",
	  "events lost while recording (ring buffer full)" },
	{ offsetof(struct report_losses, folded_threads), "folded_threads",
	  "exited threads folded into their process's row, the table was full (raise "
	  "--max-tasks)" },
	{ offsetof(struct report_losses, folded_by_name), "folded_by_name",
	  "of those folded by name only, too many processes" },
};

#define NR_LOSSES (sizeof(losses) / sizeof(losses[0]))

static uint64_t loss_value(const struct report_losses *l, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)l + losses[i].off, sizeof(v));
	return v;
}

void out__losses_line(FILE *f, const struct report_meta *m)
{
	bool any = false;

	for (size_t i = 0; i < NR_LOSSES; i++) {
		uint64_t v = loss_value(&m->loss, i);

		if (!v)
			continue;
		fprintf(f, "%s %" PRIu64 " %s;", any ? "" : "Not measured:", v, losses[i].text);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

uint64_t out__lost_cpus(FILE *f, const char *lead, const char *what, const uint64_t *lost,
			uint32_t nr_cpus, const char *hint)
{
	uint64_t total = 0;
	const char *sep = "";

	for (uint32_t c = 0; c < nr_cpus; c++)
		total += lost[c];
	if (!total)
		return 0;
	fprintf(f, "%s%" PRIu64 " events lost to a full ring buffer%s:", lead, total, what);
	for (uint32_t c = 0; c < nr_cpus; c++) {
		if (!lost[c])
			continue;
		fprintf(f, "%s CPU %" PRIu32 " %" PRIu64, sep, c, lost[c]);
		sep = ",";
	}
	fprintf(f, " (%s)\n", hint);
	return total;
}

void out__json_time(struct json *j, const struct report_meta *m)
{
	if (m->timestamp)
		json__u64(j, "time_ns",
			  (uint64_t)m->wall.tv_sec * 1000000000ull + (uint64_t)m->wall.tv_nsec);
}

void out__json_meta(struct json *j, const struct report_meta *m)
{
	json__u64(j, "duration_ns", m->duration_ns);
	out__json_time(j, m);
	json__u64(j, "nr_cpus", m->nr_cpus);
	json__begin_object(j, "lost");
	json__u64(j, "max_tasks", m->max_threads);
	for (size_t i = 0; i < NR_LOSSES; i++)
		json__u64(j, losses[i].json, loss_value(&m->loss, i));
	json__end_object(j);
}

void out__json_head(struct json *j, FILE *f, const char *type, uint64_t ts_ns, uint32_t cpu)
{
	json__init(j, f);
	json__begin_object(j, NULL);
	json__string(j, "type", type, strlen(type));
	json__u64(j, "ts_ns", ts_ns);
	json__u64(j, "cpu", cpu);
}
