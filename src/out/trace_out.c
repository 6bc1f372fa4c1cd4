// SPDX-License-Identifier: GPL-2.0
#include "trace_out.h"

#include <inttypes.h>
#include <string.h>

#include "core/probes.h"
#include "common_out.h"
#include "json.h"

#define STATE_LEN 24

void trace_out__prepare(struct trace_line *l, const struct sev *e, const struct tasktab *t,
			uint64_t origin_ns)
{
	const struct task_ident *id = NULL;

	l->origin_ns = origin_ns;
	l->ran_ns = e->type == SEV_SWITCH ? tasktab__ran(t, e) : -1;
	l->old_comm[0] = 0;
	/* exec's new name came first by task_rename: its rename has the old one. */
	if (e->type == SEV_RENAME)
		id = tasktab__get(t, e->tid);
	if (id) {
		memcpy(l->old_comm, id->comm, SEV_COMM_LEN);
		l->old_comm[SEV_COMM_LEN] = 0;
	}
}

void trace_out__header(FILE *f)
{
	fputs("    TIME(ms) | CPU | EVENT   | DETAILS: COMM[TID/PID] PRIO ...\n", f);
}

/* "comm[tid/pid] prio" */
static void task_text(FILE *f, const struct tasktab *t, uint32_t tid, uint32_t pid, int32_t prio,
		      uint32_t cpu)
{
	char name[TASKTAB_NAME_LEN];

	fprintf(f, "%s[%" PRIu32 "/%" PRIu32 "] %" PRId32, tasktab__comm(t, tid, cpu, name), tid,
		pid, prio);
}

/* A comm of an event (16 bytes, not always NUL-terminated) as a C string. */
static const char *comm_str(char buf[SEV_COMM_LEN + 1], const char *comm)
{
	memcpy(buf, comm, SEV_COMM_LEN);
	buf[SEV_COMM_LEN] = 0;
	return buf;
}

/* The probes whose CPU is an argument of their own, not merely where they fired. */
#define PROBE_CPU_ARG                                                                           \
	(1u << SS_P_ENQUEUE | 1u << SS_P_DEQUEUE | 1u << SS_P_WAKEUP | 1u << SS_P_LOAD_CHANGE | \
	 1u << SS_P_SURRENDER)

/* A probe's arguments after its thread: " ==> next", " 120 -> 100", " CPU 1". */
static void probe_text(FILE *f, const struct sev *e, const struct tasktab *t)
{
	switch (e->probe) {
	case SS_P_OFF_CPU:
		fputs(" ==> ", f);
		task_text(f, t, e->tid2, e->pid2, e->prio2, e->cpu);
		break;
	case SS_P_CHANGE_PRI:
		fprintf(f, " -> %" PRId32, e->prio2);
		break;
	case SS_P_LEND_PRI:
		fprintf(f, " -> %" PRId32 " lent by ", e->prio2);
		task_text(f, t, e->tid2, e->pid2, e->prio2, e->cpu);
		break;
	default:
		break;
	}
	if ((1u << e->probe) & PROBE_CPU_ARG)
		fprintf(f, " CPU %" PRIu32, e->cpu2);
	if (e->probe == SS_P_LOAD_CHANGE)
		fprintf(f, " nr_running %" PRIu32, e->nr_running);
}

void trace_out__line(FILE *f, const struct sev *e, const struct tasktab *t,
		     const struct trace_line *l)
{
	char state[STATE_LEN], comm[SEV_COMM_LEN + 1];
	double ms = (double)(int64_t)(e->ts_ns - l->origin_ns) / 1e6;

	fprintf(f, "%12.3f | %3" PRIu32 " | %-7s | ", ms, e->cpu, sev__name(e));
	/* A rename reads "old[tid/pid] prio -> new", whether the tasktab has learnt it or not. */
	if (e->type == SEV_RENAME && l->old_comm[0])
		fprintf(f, "%s[%" PRIu32 "/%" PRIu32 "] %" PRId32, l->old_comm, e->tid, e->pid,
			e->prio);
	else
		task_text(f, t, e->tid, e->pid, e->prio, e->cpu);
	switch (e->type) {
	case SEV_SWITCH:
		if (l->ran_ns >= 0)
			fprintf(f, " (%10.1fus) ", (double)l->ran_ns / 1e3);
		else
			fprintf(f, " (%10s  ) ", "-");
		fprintf(f, "%-3s ==> ", sev__state_str(e->state, state, sizeof(state)));
		task_text(f, t, e->tid2, e->pid2, e->prio2, e->cpu);
		break;
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		fprintf(f, " target CPU %" PRIu32, e->cpu2);
		break;
	case SEV_MIGRATE:
		fprintf(f, " CPU %" PRIu32 " -> %" PRIu32, e->cpu2, e->cpu3);
		break;
	case SEV_FORK:
		fprintf(f, " -> %s[%" PRIu32 "/%" PRIu32 "]", comm_str(comm, e->comm), e->tid2,
			e->pid2);
		break;
	case SEV_EXEC:
		/* A thread other than the leader takes the leader's tid. */
		if (e->tid2 != e->tid)
			fprintf(f, " (was tid %" PRIu32 ")", e->tid2);
		break;
	case SEV_EXIT:
		fprintf(f, " runtime %.3f ms", (double)e->runtime_ns / 1e6);
		break;
	case SEV_PRIO:
		fprintf(f, " -> %" PRId32, e->prio2);
		break;
	case SEV_RENAME:
		fprintf(f, " -> %s", comm_str(comm, e->comm));
		break;
	case SEV_PROBE:
		probe_text(f, e, t);
		break;
	default:
		break;
	}
	fputc('\n', f);
}

/* A name, or null when there is none. */
static void json_comm(struct json *j, const char *key, const char *comm)
{
	if (comm && comm[0])
		json__string(j, key, comm, SEV_COMM_LEN);
	else
		json__null(j, key);
}

/* The name the tasktab has for tid, NULL if none (the idle task is "swapper/CPU"). */
static const char *known_comm(const struct tasktab *t, uint32_t tid, uint32_t cpu,
			      char buf[TASKTAB_NAME_LEN])
{
	const struct task_ident *id;

	if (!tid)
		return tasktab__comm(t, 0, cpu, buf);
	id = tasktab__get(t, tid);
	return id && id->comm[0] ? comm_str(buf, id->comm) : NULL;
}

/* The keys of a task's four fields: literal, as every event writes them. */
struct task_keys {
	const char *comm, *pid, *tid, *prio;
};

static const struct task_keys PREV_KEYS = { "prev_comm", "prev_pid", "prev_tid", "prev_prio" };
static const struct task_keys NEXT_KEYS = { "next_comm", "next_pid", "next_tid", "next_prio" };
static const struct task_keys TASK_KEYS = { "comm", "pid", "tid", "prio" };
static const struct task_keys LENDER_KEYS = { "lender_comm", "lender_pid", "lender_tid",
					      "lender_prio" };

/* comm as given, or the tasktab's if NULL; then pid, tid and prio. */
static void json_task(struct json *j, const struct task_keys *k, const struct tasktab *t,
		      const char *comm, uint32_t tid, uint32_t pid, int32_t prio, uint32_t cpu)
{
	char name[TASKTAB_NAME_LEN];

	json_comm(j, k->comm, comm ? comm : known_comm(t, tid, cpu, name));
	json__u64(j, k->pid, pid);
	json__u64(j, k->tid, tid);
	json__i64(j, k->prio, prio);
}

static void json_counters(struct json *j, const struct sev *e)
{
	json__u64(j, "runtime_ns", e->runtime_ns);
	json__u64(j, "nvcsw", e->nvcsw);
	json__u64(j, "nivcsw", e->nivcsw);
}

/* A probe: its name, its thread, its CPU, then DTrace's other arguments. */
static void probe_json(struct json *j, const struct sev *e, const struct tasktab *t)
{
	const char *name = sev__name(e);

	json__string(j, "probe", name, strlen(name));
	json_task(j, &TASK_KEYS, t, NULL, e->tid, e->pid, e->prio, e->cpu);
	json__u64(j, "probe_cpu", e->cpu2);
	switch (e->probe) {
	case SS_P_OFF_CPU:
		json_task(j, &NEXT_KEYS, t, NULL, e->tid2, e->pid2, e->prio2, e->cpu);
		break;
	case SS_P_CHANGE_PRI:
		json__i64(j, "new_prio", e->prio2);
		break;
	case SS_P_LEND_PRI:
		json__i64(j, "new_prio", e->prio2);
		json_task(j, &LENDER_KEYS, t, NULL, e->tid2, e->pid2, e->prio2, e->cpu);
		break;
	case SS_P_ENQUEUE:
		/* Whether it goes to the head of its queue: no tracepoint says. */
		json__null(j, "head");
		break;
	case SS_P_LOAD_CHANGE:
		json__u64(j, "nr_running", e->nr_running);
		break;
	default:
		break;
	}
}

void trace_out__json(FILE *f, const struct sev *e, const struct tasktab *t,
		     const struct trace_line *l)
{
	char state[STATE_LEN], comm[SEV_COMM_LEN + 1];
	struct json j;

	out__json_head(&j, f, sev__type_name(e->type), e->ts_ns, e->cpu);
	switch (e->type) {
	case SEV_SWITCH:
		json_task(&j, &PREV_KEYS, t, NULL, e->tid, e->pid, e->prio, e->cpu);
		sev__state_str(e->state, state, sizeof(state));
		json__string(&j, "prev_state", state, sizeof(state));
		json__bool(&j, "preempt", e->flags & SEV_F_PREEMPT);
		json__bool(&j, "voluntary", e->flags & SEV_F_VOLUNTARY);
		if (l->ran_ns >= 0)
			json__i64(&j, "ran_ns", l->ran_ns);
		else
			json__null(&j, "ran_ns");
		json_counters(&j, e);
		json_task(&j, &NEXT_KEYS, t, NULL, e->tid2, e->pid2, e->prio2, e->cpu);
		json__u64(&j, "next_run_delay_ns", e->run_delay_ns);
		json__u64(&j, "next_pcount", e->pcount);
		break;
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		json_task(&j, &TASK_KEYS, t, NULL, e->tid, e->pid, e->prio, e->cpu);
		json__u64(&j, "target_cpu", e->cpu2);
		break;
	case SEV_MIGRATE:
		json_task(&j, &TASK_KEYS, t, NULL, e->tid, e->pid, e->prio, e->cpu);
		json__u64(&j, "orig_cpu", e->cpu2);
		json__u64(&j, "dest_cpu", e->cpu3);
		json__u64(&j, "migrations", e->migrations);
		break;
	case SEV_FORK:
		json_task(&j, &TASK_KEYS, t, NULL, e->tid, e->pid, e->prio, e->cpu);
		json_comm(&j, "child_comm", comm_str(comm, e->comm));
		json__u64(&j, "child_pid", e->pid2);
		json__u64(&j, "child_tid", e->tid2);
		break;
	case SEV_EXEC:
		/* The new name, from the event itself. */
		json_task(&j, &TASK_KEYS, t, comm_str(comm, e->comm), e->tid, e->pid, e->prio,
			  e->cpu);
		json__u64(&j, "old_tid", e->tid2);
		break;
	case SEV_EXIT:
		json_task(&j, &TASK_KEYS, t, NULL, e->tid, e->pid, e->prio, e->cpu);
		json_counters(&j, e);
		break;
	case SEV_PRIO:
		json_task(&j, &TASK_KEYS, t, NULL, e->tid, e->pid, e->prio, e->cpu);
		json__i64(&j, "new_prio", e->prio2);
		break;
	case SEV_RENAME:
		json_task(&j, &TASK_KEYS, t, comm_str(comm, e->comm), e->tid, e->pid, e->prio,
			  e->cpu);
		json_comm(&j, "old_comm", l->old_comm);
		break;
	case SEV_PROBE:
		probe_json(&j, e, t);
		break;
	default:
		break;
	}
	json__end_object(&j);
}

void trace_out__summary(FILE *f, const struct trace_counts *c, const uint64_t *lost,
			uint32_t nr_cpus, uint64_t names_dropped)
{
	uint64_t total = 0;
	const char *sep = "";

	for (uint32_t k = 1; k < SEV_NR_TYPES; k++)
		total += c->shown[k];
	fprintf(f, "%" PRIu64 " events:", total);
	for (uint32_t k = 1; k < SEV_NR_TYPES; k++) {
		if (k == SEV_PROBE || !(c->show_mask & SEV_MASK(k)))
			continue;
		fprintf(f, "%s %" PRIu64 " %s", sep, c->shown[k], sev__type_name(k));
		sep = ",";
	}
	for (uint32_t p = 0; p < SS_NR_PROBES; p++) {
		if (!(c->probes & (1u << p)))
			continue;
		fprintf(f, "%s %" PRIu64 " %s", sep, c->shown_probes[p], probe_descs[p].name);
		sep = ",";
	}
	fputc('\n', f);
	if (c->untraced >= 0)
		fprintf(f,
			"%" PRId64 " switches the kernel counted but its tracepoint never showed: "
			"on-cpu and off-cpu miss them (docs/accounting.md)\n",
			c->untraced);
	if (!out__lost_cpus(f, "", "", lost, nr_cpus,
			    "raise --buffer, or narrow with -p, -t, -c, -C, -e"))
		fputs("0 events lost\n", f);
	if (names_dropped)
		fprintf(f, "%" PRIu64 " threads beyond the name table: shown as <...>\n",
			names_dropped);
}
