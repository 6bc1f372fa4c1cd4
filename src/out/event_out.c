// SPDX-License-Identifier: GPL-2.0
#include "event_out.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "json.h"

#define NS_PER_MS 1e6

void out__hms(char buf[16], uint64_t boot_wall_ns, uint64_t mono_ns)
{
	uint64_t boot = boot_wall_ns;
	struct timespec mono, real;
	struct tm tm;
	time_t t;

	/* Live: this boot's start on the wall clock is the wall clock now minus the monotonic. */
	if (!boot) {
		clock_gettime(CLOCK_MONOTONIC, &mono);
		clock_gettime(CLOCK_REALTIME, &real);
		boot = (uint64_t)(real.tv_sec - mono.tv_sec) * 1000000000ull +
		       (uint64_t)real.tv_nsec - (uint64_t)mono.tv_nsec;
	}
	t = (time_t)((boot + mono_ns) / 1000000000ull);
	if (!localtime_r(&t, &tm) || !strftime(buf, 16, "%H:%M:%S", &tm))
		snprintf(buf, 16, "??:??:??");
}

void out__prio(char buf[OUT_PRIO_LEN], int policy, int prio)
{
	/* include/uapi/linux/sched.h */
	enum { NORMAL = 0, FIFO = 1, RR = 2, BATCH = 3, IDLE = 5, DEADLINE = 6 };

	if (policy == DEADLINE || prio < 0)
		snprintf(buf, OUT_PRIO_LEN, "deadline");
	else if (prio < 100)
		snprintf(buf, OUT_PRIO_LEN, "%s %d",
			 policy == FIFO ? "FIFO"
			 : policy == RR ? "RR"
					: "RT",
			 99 - prio);
	else if (policy == IDLE)
		snprintf(buf, OUT_PRIO_LEN, "idle");
	else
		snprintf(buf, OUT_PRIO_LEN, "%snice %d", policy == BATCH ? "batch " : "",
			 prio - 120);
}

static const char *kind_name(uint32_t kind)
{
	return kind == SS_LAT_PREEMPT ? "preempt" : "wakeup";
}

/* The fields every JSON event shares: type, time, cpu and the task. */
static void json_event_head(struct json *j, const char *type, uint64_t boot_wall_ns, uint64_t ts_ns,
			    uint32_t cpu, const char *comm, uint32_t pid, uint32_t tid, int policy,
			    int prio)
{
	char hms[16], pr[OUT_PRIO_LEN];

	out__hms(hms, boot_wall_ns, ts_ns);
	out__prio(pr, policy, prio);
	json__begin_object(j, NULL);
	json__string(j, "type", type, strlen(type));
	json__u64(j, "ts_ns", ts_ns);
	json__string(j, "time", hms, strlen(hms));
	json__u64(j, "cpu", cpu);
	json__string(j, "comm", comm, LAT_COMM_LEN);
	json__u64(j, "pid", pid);
	json__u64(j, "tid", tid);
	json__i64(j, "prio", prio);
	json__string(j, "priority", pr, strlen(pr));
}

static void json_task(struct json *j, const char *key, const char *comm, uint32_t pid, uint32_t tid,
		      int policy, int prio)
{
	char pr[OUT_PRIO_LEN];

	out__prio(pr, policy, prio);
	json__begin_object(j, key);
	json__string(j, "comm", comm, LAT_COMM_LEN);
	if (pid)
		json__u64(j, "pid", pid);
	json__u64(j, "tid", tid);
	json__i64(j, "prio", prio);
	json__string(j, "priority", pr, strlen(pr));
	json__end_object(j);
}

/*
 * Example (runqslower -P 20000, a SCHED_FIFO hog spinning 60 ms on the CPU a
 * normal thread was woken on):
 *
 * Tracing run queue latency higher than 20000 us
 * TIME     COMM             TID           LAT(us) PREV COMM        PREV TID
 * 14:02:11 victim           48213           59012 hog              48212
 * 14:02:12 victim           48213           61377 hog              48212 (2 waits)
 *
 * "(N waits)": the kernel did not trace the switch-ins that ended the first
 * N-1, so LAT is the delay added since the last switch-in seen.
 */
void slow_out__header(FILE *f, bool prev)
{
	fprintf(f, "%-8s %-16s %-6s %14s", "TIME", "COMM", "TID", "LAT(us)");
	if (prev)
		fprintf(f, " %-16s %-6s", "PREV COMM", "PREV TID");
	fputc('\n', f);
}

void slow_out__line(FILE *f, const struct lat_event *e, bool prev, uint64_t boot_wall_ns)
{
	char hms[16];

	out__hms(hms, boot_wall_ns, e->ts_ns);
	fprintf(f, "%-8s %-16.16s %-6u %14llu", hms, e->comm, e->tid,
		(unsigned long long)(e->lat_ns / 1000));
	if (prev)
		fprintf(f, " %-16.16s %-6u", e->other_comm, e->other_tid);
	/* Switch-ins went unseen: LAT is the delay since the last one seen. */
	if (e->waits > 1)
		fprintf(f, " (%u waits)", e->waits);
	fputc('\n', f);
}

void slow_out__json(FILE *f, const struct lat_event *e, uint64_t boot_wall_ns)
{
	struct json j;

	json__init(&j, f);
	json_event_head(&j, "runq_slow", boot_wall_ns, e->ts_ns, e->cpu, e->comm, e->pid, e->tid,
			-1, e->prio);
	json__u64(&j, "lat_us", e->lat_ns / 1000);
	json__u64(&j, "lat_ns", e->lat_ns);
	if (e->waits > 1)
		json__string(&j, "kind", "unsplit", 7);
	else
		json__string(&j, "kind", kind_name(e->kind), strlen(kind_name(e->kind)));
	json__u64(&j, "waits", e->waits);
	json__u64(&j, "premigration_ns", e->premig_ns);
	json_task(&j, "prev", e->other_comm, e->other_pid, e->other_tid, -1, e->other_prio);
	json__end_object(&j);
}

/*
 * starve, and inversion (a header of its own, other states and JSON types:
 * the same waits behind a lower priority). Event lines know the kernel prio,
 * not the policy: real-time shows as "RT".
 *
 * Example (starve --threshold 20, the same hog; "starving" lines repeat each
 * second while the wait lasts, "ended" gives the whole wait):
 *
 * TIME     STATE      PID     TID     COMM             CPU PRIORITY   WAITED(ms) ON THE CPU INSTEAD
 * 14:02:11 starving   48210   48213   victim             1 nice 0           24.1 48212 hog (FIFO 10)
 * 14:02:11 ended      48210   48213   victim             1 nice 0           59.0 ran after 48212 hog (RT 10)
 *
 * Example (inversion --threshold 20; three SCHED_FIFO threads on one CPU and
 * a plain mutex, then the same with a priority-inheriting one):
 *
 * TIME     EVENT      PID     TID     COMM             CPU PRIORITY   WAITED(ms) LOWER PRIORITY ON THE CPU
 * 14:05:01 woken      48301   48304   inv-high           1 RT 30           117.3 woken by 48302 inv-low (RT 10), which waited 99.6 ms while 48303 inv-mid (RT 20) ran
 * 14:05:03 pi-boost   48311   48312   inv-low            1 RT 10            19.9 boosted to RT 30 by 48314 inv-high
 */
void starve_out__header(FILE *f, bool inversion)
{
	fprintf(f, "%-8s %-10s %-7s %-7s %-16s %3s %-10s %10s %s\n", "TIME",
		inversion ? "EVENT" : "STATE", "PID", "TID", "COMM", "CPU", "PRIORITY",
		"WAITED(ms)", inversion ? "LOWER PRIORITY ON THE CPU" : "ON THE CPU INSTEAD");
}

void starve_out__waiting(FILE *f, const struct lat_waiting *r, uint64_t now_ns, bool inversion,
			 bool json, uint64_t boot_wall_ns)
{
	char hms[16], pr[OUT_PRIO_LEN], cpr[OUT_PRIO_LEN];
	struct json j;

	if (json) {
		json__init(&j, f);
		json_event_head(&j, inversion ? "inversion_runnable" : "starving", boot_wall_ns,
				now_ns, r->cpu, r->comm, r->pid, r->tid, r->policy, r->prio);
		json__u64(&j, "waited_ns", r->wait_ns);
		json__bool(&j, "ongoing", true);
		json_task(&j, "running", r->curr_comm, r->curr_pid, r->curr_tid, r->curr_policy,
			  r->curr_prio);
		json__end_object(&j);
		return;
	}
	out__hms(hms, boot_wall_ns, now_ns);
	out__prio(pr, r->policy, r->prio);
	out__prio(cpr, r->curr_policy, r->curr_prio);
	fprintf(f, "%-8s %-10s %-7u %-7u %-16.16s %3u %-10s %10.1f %u %.16s (%s)\n", hms,
		inversion ? "runnable" : "starving", r->pid, r->tid, r->comm, r->cpu, pr,
		(double)r->wait_ns / NS_PER_MS, r->curr_tid, r->curr_comm, cpr);
}

void starve_out__ended(FILE *f, const struct lat_event *e, bool inversion, bool json,
		       uint64_t boot_wall_ns)
{
	char hms[16], pr[OUT_PRIO_LEN], opr[OUT_PRIO_LEN];
	struct json j;

	if (json) {
		json__init(&j, f);
		json_event_head(&j, inversion ? "inversion_ended" : "starved", boot_wall_ns,
				e->ts_ns, e->cpu, e->comm, e->pid, e->tid, -1, e->prio);
		json__u64(&j, "waited_ns", e->lat_ns);
		json__bool(&j, "ongoing", false);
		json__string(&j, "kind", kind_name(e->kind), strlen(kind_name(e->kind)));
		json__u64(&j, "premigration_ns", e->premig_ns);
		/* Whatever had the CPU last before the wait ended: not always what delayed it. */
		json_task(&j, "ran_before", e->other_comm, e->other_pid, e->other_tid, -1,
			  e->other_prio);
		json__end_object(&j);
		return;
	}
	out__hms(hms, boot_wall_ns, e->ts_ns);
	out__prio(pr, -1, e->prio);
	out__prio(opr, -1, e->other_prio);
	fprintf(f, "%-8s %-10s %-7u %-7u %-16.16s %3u %-10s %10.1f ran after %u %.16s (%s)\n", hms,
		inversion ? "ran" : "ended", e->pid, e->tid, e->comm, e->cpu, pr,
		(double)e->lat_ns / NS_PER_MS, e->other_tid, e->other_comm, opr);
}

void inv_out__woken(FILE *f, const struct lat_event *e, bool json, uint64_t boot_wall_ns)
{
	char hms[16], pr[OUT_PRIO_LEN], wpr[OUT_PRIO_LEN], mpr[OUT_PRIO_LEN];
	struct json j;

	out__prio(pr, -1, e->prio);
	out__prio(wpr, -1, e->other_prio);
	out__prio(mpr, -1, e->third_prio);
	if (json) {
		json__init(&j, f);
		json_event_head(&j, "inversion_woken", boot_wall_ns, e->ts_ns, e->cpu, e->comm,
				e->pid, e->tid, -1, e->prio);
		json__u64(&j, "blocked_ns", e->lat_ns);
		json_task(&j, "waker", e->other_comm, e->other_pid, e->other_tid, -1,
			  e->other_prio);
		json__u64(&j, "waker_waited_ns", e->premig_ns);
		json_task(&j, "ran_instead", e->third_comm, 0, e->third_tid, -1, e->third_prio);
		json__end_object(&j);
		return;
	}
	out__hms(hms, boot_wall_ns, e->ts_ns);
	fprintf(f,
		"%-8s %-10s %-7u %-7u %-16.16s %3u %-10s %10.1f woken by %u %.16s (%s), which "
		"waited %.1f ms while %u %.16s (%s) ran\n",
		hms, "woken", e->pid, e->tid, e->comm, e->cpu, pr, (double)e->lat_ns / NS_PER_MS,
		e->other_tid, e->other_comm, wpr, (double)e->premig_ns / NS_PER_MS, e->third_tid,
		e->third_comm, mpr);
}

void inv_out__pi(FILE *f, const struct lat_event *e, bool json, uint64_t boot_wall_ns)
{
	char hms[16], from[OUT_PRIO_LEN], to[OUT_PRIO_LEN];
	struct json j;

	out__prio(from, -1, e->prio);
	out__prio(to, -1, e->other_prio);
	if (json) {
		json__init(&j, f);
		json_event_head(&j, "pi_boost", boot_wall_ns, e->ts_ns, e->cpu, e->comm, e->pid,
				e->tid, -1, e->prio);
		json__i64(&j, "boosted_prio", e->other_prio);
		json__string(&j, "boosted_priority", to, strlen(to));
		json__u64(&j, "boost_ns", e->lat_ns);
		json_task(&j, "donor", e->other_comm, e->other_pid, e->other_tid, -1,
			  e->other_prio);
		json__end_object(&j);
		return;
	}
	out__hms(hms, boot_wall_ns, e->ts_ns);
	fprintf(f, "%-8s %-10s %-7u %-7u %-16.16s %3u %-10s %10.1f boosted to %s by %u %.16s\n",
		hms, "pi-boost", e->pid, e->tid, e->comm, e->cpu, from,
		(double)e->lat_ns / NS_PER_MS, to, e->other_tid, e->other_comm);
}

static const struct {
	size_t off;
	const char *json;
	const char *text;
} lat_losses[] = {
	{ offsetof(struct lat_stat, unbased), "waits_begun_before_trace",
	  "waits in progress at the start and not seen by the first scan" },
	{ offsetof(struct lat_stat, missed), "unsplit_spans",
	  "spans of waits after unseen switch-ins (in the sums, not split)" },
	{ offsetof(struct lat_stat, storage_fail), "storage_failures",
	  "switch-ins without task storage" },
	{ offsetof(struct lat_stat, table_full), "thread_table_full",
	  "waits of threads beyond --max-tasks" },
	{ offsetof(struct lat_stat, ring_drops), "events_dropped",
	  "events dropped (ring buffer full)" },
	{ offsetof(struct lat_stat, waking_stale), "waking_stamps_stale",
	  "waits measured from the enqueue, their waking not seen" },
};

static uint64_t lat_loss(const struct lat_stat *st, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)st + lat_losses[i].off, sizeof(v));
	return v;
}

void out__lat_losses(FILE *f, const struct lat_stat *st)
{
	const char *sep = "not measured or lost: ";

	for (size_t i = 0; i < sizeof(lat_losses) / sizeof(lat_losses[0]); i++) {
		uint64_t v = lat_loss(st, i);

		if (!v)
			continue;
		fprintf(f, "%s%" PRIu64 " %s", sep, v, lat_losses[i].text);
		sep = "; ";
	}
	if (*sep == ';')
		fputc('\n', f);
}

void out__lat_losses_json(struct json *j, const struct lat_stat *st)
{
	json__begin_object(j, "lost");
	for (size_t i = 0; i < sizeof(lat_losses) / sizeof(lat_losses[0]); i++)
		json__u64(j, lat_losses[i].json, lat_loss(st, i));
	json__end_object(j);
}
