// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope timehist -i FILE: one line per context switch of a recording,
 * for the task switched out, as perf sched timehist prints it (wait time,
 * scheduling delay, run time: src/core/timehist.h draws them); -w adds the
 * wakeups, -M the migrations. Filters choose the lines, never the events the
 * figures come from.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf/task_filter.h"
#include "cli.h"
#include "cmd/commands.h"
#include "core/timehist.h"
#include "out/timehist_out.h"
#include "session/recinput.h"

struct timehist {
	const struct cli *cli;
	struct recinput *in;
	struct thist *th;
	FILE *out;
	int write_errno; /* a failed write's errno */
};

/* who, named as of now; comm in buf. */
static void who_of(const struct timehist *t, uint32_t tid, uint32_t cpu, struct th_who *w,
		   char buf[TASKTAB_NAME_LEN])
{
	const struct task_ident *id = tasktab__get(t->in->names, tid);

	w->tid = tid;
	w->pid = id ? id->pid : 0;
	w->comm = tasktab__comm(t->in->names, tid, cpu, buf);
}

/* The line's task passes -p/-t/-c (the idle task only when none is given), its CPU -C. */
static bool wanted(const struct timehist *t, const struct th_who *w, uint32_t cpu)
{
	const struct cli *cli = t->cli;

	if (cli->cpu >= 0 && cpu != (uint32_t)cli->cpu)
		return false;
	if (!w->tid)
		return !task_filter__given((uint32_t)cli->nr_pids, (uint32_t)cli->nr_tids,
					   cli->comm != NULL);
	return recinput__wanted(t->in, cli, w->pid, w->tid);
}

/* The task running on cpu for a wakeup or migration line: NULL if not known. */
static const struct th_who *current_of(const struct timehist *t, uint32_t cpu, struct th_who *w,
				       char buf[TASKTAB_NAME_LEN])
{
	uint64_t since;
	uint32_t tid;

	if (!thist__current(t->th, cpu, &tid, &since))
		return NULL;
	who_of(t, tid, cpu, w, buf);
	return w;
}

static int on_switch(struct timehist *t, const struct sev *e)
{
	char comm[TASKTAB_NAME_LEN], state[32];
	struct thist_slice s;
	struct th_who who;
	int64_t runtime;

	thist__on_event(t->th, e, &s);
	who_of(t, e->tid, e->cpu, &who, comm);
	if (!wanted(t, &who, e->cpu))
		return 0;
	/* Only JSON shows it; the names learn from this event after us, as it needs. */
	runtime = t->cli->json ? tasktab__ran(t->in->names, e) : -1;
	return timehist_out__slice(t->out, &s, &who, sev__state_str(e->state, state, sizeof(state)),
				   runtime, t->cli->json);
}

static int on_wakeup(struct timehist *t, const struct sev *e)
{
	char a[TASKTAB_NAME_LEN], b[TASKTAB_NAME_LEN];
	struct th_who waker, wakee;

	who_of(t, e->tid, e->cpu, &wakee, b);
	if (!wanted(t, &wakee, e->cpu))
		return 0;
	return timehist_out__wakeup(t->out, e->ts_ns, e->cpu, current_of(t, e->cpu, &waker, a),
				    &wakee, e->cpu2, t->cli->json);
}

static int on_migrate(struct timehist *t, const struct sev *e)
{
	char a[TASKTAB_NAME_LEN], b[TASKTAB_NAME_LEN];
	struct th_who who, task;

	who_of(t, e->tid, e->cpu, &task, b);
	if (!wanted(t, &task, e->cpu))
		return 0;
	return timehist_out__migrate(t->out, e->ts_ns, e->cpu, current_of(t, e->cpu, &who, a),
				     &task, e->cpu2, e->cpu3, t->cli->json);
}

static int on_item(void *ctx, const struct rec_item *it)
{
	struct timehist *t = ctx;
	const struct sev *e = &it->ev;
	struct thist_slice unused;
	int err = 0;

	if (it->type == REC_SNAP) {
		if (it->phase == SNAP_BEGIN)
			thist__on_snap(t->th, &it->snap);
		return 0;
	}
	if (it->type != REC_EVENT)
		return 0;
	switch (e->type) {
	case SEV_SWITCH:
		err = on_switch(t, e);
		break;
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		/* sched_wakeup lines only when there is no sched_waking to show. */
		if (t->cli->wakeups &&
		    (e->type != SEV_WAKEUP || !(t->in->h.event_mask & SEV_MASK(SEV_WAKING))))
			err = on_wakeup(t, e);
		thist__on_event(t->th, e, &unused);
		break;
	case SEV_MIGRATE:
		if (t->cli->migrations)
			err = on_migrate(t, e);
		break;
	default:
		thist__on_event(t->th, e, &unused);
		break;
	}
	if (err) {
		t->write_errno = errno ? errno : EIO;
		return 1;
	}
	return 0;
}

int timehist__run(const struct cli *cli)
{
	struct timehist t = {
		.cli = cli,
		.out = stdout,
	};
	int ret = 1;

	if (!cli->input) {
		cli__err("timehist: -i FILE is required (a recording made by 'schedscope record')");
		return EXIT_USAGE;
	}
	t.in = recinput__open(cli->input);
	if (!t.in)
		return 1;
	t.th = thist__new(t.in->h.nr_cpus);
	if (!t.th) {
		cli__err("timehist: %s", strerror(errno));
		goto out;
	}
	errno = 0;
	if (!cli->json && timehist_out__header(stdout)) {
		t.write_errno = errno ? errno : EIO;
		goto write_error;
	}
	ret = recinput__each(t.in, on_item, &t);
	if (!t.write_errno && (fflush(stdout) || ferror(stdout)))
		t.write_errno = errno ? errno : EIO;
	if (t.write_errno)
		goto write_error;
	recinput__print_lost(t.in);
	goto out;
write_error:
	/* The reader going away (| head) is how it says it has enough. */
	ret = t.write_errno == EPIPE ? 0 : 1;
	if (ret)
		cli__err("timehist: cannot write the output: %s", strerror(t.write_errno));
out:
	thist__free(t.th);
	recinput__close(t.in);
	return ret;
}
