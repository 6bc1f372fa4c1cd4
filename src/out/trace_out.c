// SPDX-License-Identifier: GPL-2.0
#include "trace_out.h"

#include <inttypes.h>
#include <string.h>

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

void trace_out__line(FILE *f, const struct sev *e, const struct tasktab *t,
		     const struct trace_line *l)
{
	char state[STATE_LEN], comm[SEV_COMM_LEN + 1];
	double ms = (double)(int64_t)(e->ts_ns - l->origin_ns) / 1e6;

	fprintf(f, "%12.3f | %3" PRIu32 " | %-7s | ", ms, e->cpu, sev__type_name(e->type));
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
	default:
		break;
	}
	fputc('\n', f);
}

static void json_comm(FILE *f, const char *key, const char *comm)
{
	fprintf(f, ",\"%s\":", key);
	if (comm && comm[0])
		json__write_string(f, comm, SEV_COMM_LEN);
	else
		fputs("null", f);
}

/* The name the tasktab has for tid, NULL if none (the idle task is "swapper/CPU"). */
static const char *known_comm(const struct tasktab *t, uint32_t tid, uint32_t cpu,
			      char buf[TASKTAB_NAME_LEN])
{
	const struct task_ident *id = tasktab__get(t, tid);

	if (!tid)
		return tasktab__comm(t, 0, cpu, buf);
	return id && id->comm[0] ? tasktab__comm(t, tid, cpu, buf) : NULL;
}

/* ,"<p>comm":...,"<p>pid":...,"<p>tid":...,"<p>prio":... */
static void json_task(FILE *f, const char *p, const struct tasktab *t, uint32_t tid, uint32_t pid,
		      int32_t prio, uint32_t cpu)
{
	char name[TASKTAB_NAME_LEN], key[32];

	snprintf(key, sizeof(key), "%scomm", p);
	json_comm(f, key, known_comm(t, tid, cpu, name));
	fprintf(f, ",\"%spid\":%" PRIu32 ",\"%stid\":%" PRIu32 ",\"%sprio\":%" PRId32, p, pid, p,
		tid, p, prio);
}

void trace_out__json(FILE *f, const struct sev *e, const struct tasktab *t,
		     const struct trace_line *l)
{
	char state[STATE_LEN], comm[SEV_COMM_LEN + 1];

	fprintf(f, "{\"type\":\"%s\",\"ts_ns\":%" PRIu64 ",\"cpu\":%" PRIu32,
		sev__type_name(e->type), e->ts_ns, e->cpu);
	switch (e->type) {
	case SEV_SWITCH:
		json_task(f, "prev_", t, e->tid, e->pid, e->prio, e->cpu);
		fprintf(f, ",\"prev_state\":\"%s\",\"preempt\":%s,\"voluntary\":%s",
			sev__state_str(e->state, state, sizeof(state)),
			(e->flags & SEV_F_PREEMPT) ? "true" : "false",
			(e->flags & SEV_F_VOLUNTARY) ? "true" : "false");
		if (l->ran_ns >= 0)
			fprintf(f, ",\"ran_ns\":%" PRId64, l->ran_ns);
		else
			fputs(",\"ran_ns\":null", f);
		fprintf(f, ",\"runtime_ns\":%" PRIu64 ",\"nvcsw\":%" PRIu64 ",\"nivcsw\":%" PRIu64,
			e->runtime_ns, e->nvcsw, e->nivcsw);
		json_task(f, "next_", t, e->tid2, e->pid2, e->prio2, e->cpu);
		fprintf(f, ",\"next_run_delay_ns\":%" PRIu64 ",\"next_pcount\":%" PRIu64,
			e->run_delay_ns, e->pcount);
		break;
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		json_task(f, "", t, e->tid, e->pid, e->prio, e->cpu);
		fprintf(f, ",\"target_cpu\":%" PRIu32, e->cpu2);
		break;
	case SEV_MIGRATE:
		json_task(f, "", t, e->tid, e->pid, e->prio, e->cpu);
		fprintf(f, ",\"orig_cpu\":%" PRIu32 ",\"dest_cpu\":%" PRIu32 ",\"migrations\":%" PRIu64,
			e->cpu2, e->cpu3, e->migrations);
		break;
	case SEV_FORK:
		json_task(f, "", t, e->tid, e->pid, e->prio, e->cpu);
		json_comm(f, "child_comm", comm_str(comm, e->comm));
		fprintf(f, ",\"child_pid\":%" PRIu32 ",\"child_tid\":%" PRIu32, e->pid2, e->tid2);
		break;
	case SEV_EXEC:
		json_comm(f, "comm", comm_str(comm, e->comm));
		fprintf(f, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"prio\":%" PRId32, e->pid, e->tid,
			e->prio);
		fprintf(f, ",\"old_tid\":%" PRIu32, e->tid2);
		break;
	case SEV_EXIT:
		json_task(f, "", t, e->tid, e->pid, e->prio, e->cpu);
		fprintf(f, ",\"runtime_ns\":%" PRIu64 ",\"nvcsw\":%" PRIu64 ",\"nivcsw\":%" PRIu64,
			e->runtime_ns, e->nvcsw, e->nivcsw);
		break;
	case SEV_PRIO:
		json_task(f, "", t, e->tid, e->pid, e->prio, e->cpu);
		fprintf(f, ",\"new_prio\":%" PRId32, e->prio2);
		break;
	case SEV_RENAME:
		json_comm(f, "comm", comm_str(comm, e->comm));
		fprintf(f, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"prio\":%" PRId32, e->pid, e->tid,
			e->prio);
		json_comm(f, "old_comm", l->old_comm);
		break;
	default:
		break;
	}
	fputs("}\n", f);
}

void trace_out__summary(FILE *f, const uint64_t *shown, uint32_t show_mask, const uint64_t *lost,
			uint32_t nr_cpus, uint64_t names_dropped)
{
	uint64_t total = 0, lost_total = 0;
	const char *sep = "";

	for (uint32_t k = 1; k < SEV_NR_TYPES; k++)
		total += shown[k];
	fprintf(f, "%" PRIu64 " events:", total);
	for (uint32_t k = 1; k < SEV_NR_TYPES; k++) {
		if (!(show_mask & SEV_MASK(k)))
			continue;
		fprintf(f, "%s %" PRIu64 " %s", sep, shown[k], sev__type_name(k));
		sep = ",";
	}
	fputc('\n', f);
	for (uint32_t c = 0; c < nr_cpus; c++)
		lost_total += lost[c];
	if (!lost_total) {
		fputs("0 events lost\n", f);
	} else {
		fprintf(f, "%" PRIu64 " events lost to a full ring buffer (raise --buffer, or narrow "
			   "with -p, -t, -c, -C, -e):",
			lost_total);
		sep = "";
		for (uint32_t c = 0; c < nr_cpus; c++) {
			if (!lost[c])
				continue;
			fprintf(f, "%s CPU %" PRIu32 " %" PRIu64, sep, c, lost[c]);
			sep = ",";
		}
		fputc('\n', f);
	}
	if (names_dropped)
		fprintf(f, "%" PRIu64 " threads beyond the name table: shown as <...>\n",
			names_dropped);
}
