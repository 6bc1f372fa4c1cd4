// SPDX-License-Identifier: GPL-2.0
#include "timehist_out.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "common_out.h"
#include "json.h"

#define NS_PER_SEC UINT64_C(1000000000)
#define NS_PER_MS UINT64_C(1000000)
#define NS_PER_US UINT64_C(1000)

/* The widths of perf's columns. */
#define W_TIME 15
#define W_TASK 30
#define W_MS 9

const char *timehist_out__name(char buf[TH_NAME_LEN], const struct th_who *w)
{
	if (!w)
		snprintf(buf, TH_NAME_LEN, "<...>");
	else if (!w->tid)
		snprintf(buf, TH_NAME_LEN, "<idle>");
	else if (w->pid == w->tid || !w->pid)
		snprintf(buf, TH_NAME_LEN, "%s[%" PRIu32 "]", w->comm ? w->comm : "<...>", w->tid);
	else
		snprintf(buf, TH_NAME_LEN, "%s[%" PRIu32 "/%" PRIu32 "]",
			 w->comm ? w->comm : "<...>", w->tid, w->pid);
	return buf;
}

/* Seconds.microseconds, truncated as perf prints its timestamps. */
static const char *secs(char buf[32], uint64_t ns)
{
	snprintf(buf, 32, "%" PRIu64 ".%06" PRIu64, ns / NS_PER_SEC, ns % NS_PER_SEC / NS_PER_US);
	return buf;
}

/* Milliseconds to the microsecond, or "-". */
static const char *msecs(char buf[32], int64_t ns)
{
	if (ns < 0)
		snprintf(buf, 32, "-");
	else
		snprintf(buf, 32, "%" PRIu64 ".%03" PRIu64, (uint64_t)ns / NS_PER_MS,
			 (uint64_t)ns % NS_PER_MS / NS_PER_US);
	return buf;
}

int timehist_out__header(FILE *f)
{
	fprintf(f, "%*s %6s  %-*s  %*s  %*s  %*s\n", W_TIME, "time", "cpu", W_TASK, "task name",
		W_MS, "wait time", W_MS, "sch delay", W_MS, "run time");
	fprintf(f, "%*s %6s  %-*s  %*s  %*s  %*s\n", W_TIME, "", "", W_TASK, "[tid/pid]", W_MS,
		"(msec)", W_MS, "(msec)", W_MS, "(msec)");
	fprintf(f, "%.*s %.6s  %.*s  %.*s  %.*s  %.*s\n", W_TIME, "----------------", "------",
		W_TASK, "------------------------------", W_MS, "---------", W_MS, "---------",
		W_MS, "---------");
	return out__status(f);
}

/* A figure, null when not known. */
static void json_ns(struct json *j, const char *key, int64_t ns)
{
	if (ns < 0)
		json__null(j, key);
	else
		json__i64(j, key, ns);
}

static void json_who(struct json *j, const char *key, const struct th_who *w)
{
	if (!w) {
		json__null(j, key);
		return;
	}
	json__begin_object(j, key);
	if (w->comm)
		json__string(j, "comm", w->comm, strlen(w->comm));
	else
		json__null(j, "comm");
	json__u64(j, "tid", w->tid);
	json__u64(j, "pid", w->pid);
	json__end_object(j);
}

/* The members every line has: type, time and CPU. */
/* The columns of every text line: time, CPU, task, and the figures (blank on -w, -M lines). */
static void text_columns(FILE *f, uint64_t ts_ns, uint32_t cpu, const struct th_who *who,
			 const char *wait, const char *delay, const char *run)
{
	char t[32], name[TH_NAME_LEN];

	fprintf(f, "%*s [%04" PRIu32 "]  %-*s  %*s  %*s  %*s", W_TIME, secs(t, ts_ns), cpu, W_TASK,
		timehist_out__name(name, who), W_MS, wait, W_MS, delay, W_MS, run);
}

int timehist_out__slice(FILE *f, const struct thist_slice *s, const struct th_who *who,
			const char *state, int64_t runtime_ns, bool json)
{
	char wait[32], delay[32], run[32];

	if (json) {
		struct json j;

		out__json_head(&j, f, "timehist", s->ts_ns, s->cpu);
		json__string(&j, "comm", who->comm ? who->comm : "<...>", SIZE_MAX);
		json__u64(&j, "tid", who->tid);
		json__u64(&j, "pid", who->pid);
		json__string(&j, "state", state, strlen(state));
		json_ns(&j, "wait_ns", s->wait_ns);
		json_ns(&j, "sch_delay_ns", s->sch_delay_ns);
		json_ns(&j, "run_ns", s->run_ns);
		json_ns(&j, "runtime_ns", runtime_ns);
		json__end_object(&j);
		return out__status(f);
	}
	text_columns(f, s->ts_ns, s->cpu, who, msecs(wait, s->wait_ns),
		     msecs(delay, s->sch_delay_ns), msecs(run, s->run_ns));
	fputc('\n', f);
	return out__status(f);
}

int timehist_out__wakeup(FILE *f, uint64_t ts_ns, uint32_t cpu, const struct th_who *waker,
			 const struct th_who *wakee, uint32_t target_cpu, bool json)
{
	char name[TH_NAME_LEN];

	if (json) {
		struct json j;

		out__json_head(&j, f, "timehist_wakeup", ts_ns, cpu);
		json_who(&j, "waker", waker);
		json_who(&j, "task", wakee);
		json__u64(&j, "target_cpu", target_cpu);
		json__end_object(&j);
		return out__status(f);
	}
	text_columns(f, ts_ns, cpu, waker, "", "", "");
	fprintf(f, "  awakened: %s\n", timehist_out__name(name, wakee));
	return out__status(f);
}

int timehist_out__migrate(FILE *f, uint64_t ts_ns, uint32_t cpu, const struct th_who *by,
			  const struct th_who *task, uint32_t orig_cpu, uint32_t dest_cpu,
			  bool json)
{
	char name[TH_NAME_LEN];

	if (json) {
		struct json j;

		out__json_head(&j, f, "timehist_migrate", ts_ns, cpu);
		json_who(&j, "by", by);
		json_who(&j, "task", task);
		json__u64(&j, "orig_cpu", orig_cpu);
		json__u64(&j, "dest_cpu", dest_cpu);
		json__end_object(&j);
		return out__status(f);
	}
	text_columns(f, ts_ns, cpu, by, "", "", "");
	fprintf(f, "  migrated: %s cpu %" PRIu32 " => %" PRIu32 "\n",
		timehist_out__name(name, task), orig_cpu, dest_cpu);
	return out__status(f);
}
