// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope trace: a live stream of scheduling events, one line (or JSON
 * object) each, filtered in the kernel; events shown per kind and events
 * lost per CPU at the end.
 *
 * Names: the kinds that change a name (fork, exec, rename) are always
 * loaded, whatever -e says, and only shown if asked for and let through by
 * the filters: they cost nothing per switch, and without them a thread born
 * during the trace would have no name. The other side of a switch needs a
 * name too, so the tasktab starts from a scan of every thread and learns
 * from the name events the filters leave out (on_name), unshown.
 *
 * The scan runs after the programs are attached, so that no fork or rename
 * falls between the two; but then the ring may hold events older than a
 * thread's snapshot. Names are taken from the scan at once (the newest
 * there are), while the snapshot's runtime, the base of the first "ran" of a
 * thread off the CPU, is applied only when the first event younger than the
 * scan arrives, and only to threads no older event gave a base to.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd/commands.h"
#include "core/probes.h"
#include "session/evsession.h"
#include "core/tidmap.h"
#include "session/live.h"
#include "out/trace_out.h"
#include "session/stop.h"

#define STDOUT_BUF_BYTES (256u << 10)
#define FLUSH_EVERY_NS 100000000ull /* stdout, when events come slowly */

struct tracer {
	const struct cli *cli;
	struct tasktab *tab;
	uint64_t origin_ns;
	struct trace_counts counts; /* show_mask, probes: what is shown */
	/* The scan's snapshots until their runtimes may be applied (see above). */
	struct task_snap *snaps;
	size_t nr_snaps, cap_snaps;
	uint64_t scan_end_ns;
	bool bases_applied;
};

static int on_snap(void *ctx, const struct task_snap *s)
{
	struct tracer *t = ctx;

	if (t->nr_snaps == t->cap_snaps) {
		size_t cap = t->cap_snaps ? t->cap_snaps * 2 : 1024;
		struct task_snap *n = realloc(t->snaps, cap * sizeof(*n));

		if (!n) {
			cli__err("out of memory");
			return -ENOMEM;
		}
		t->snaps = n;
		t->cap_snaps = cap;
	}
	t->snaps[t->nr_snaps++] = *s;
	tasktab__set(t->tab, s->tid, s->pid, s->comm);
	return 0;
}

/*
 * The snapshots' runtimes, for threads that no event older than the scan gave
 * one; not their names, which on_snap() set and events since may have changed.
 */
static void apply_bases(struct tracer *t)
{
	for (size_t i = 0; i < t->nr_snaps; i++) {
		const struct task_ident *id = tasktab__get(t->tab, t->snaps[i].tid);

		if (!id || !id->runtime_known)
			tasktab__base(t->tab, &t->snaps[i]);
	}
	free(t->snaps);
	t->snaps = NULL;
	t->nr_snaps = t->cap_snaps = 0;
	t->bases_applied = true;
}

static int on_event(void *ctx, const struct sev *e)
{
	struct tracer *t = ctx;
	struct trace_line l;

	if (!t->bases_applied && e->ts_ns >= t->scan_end_ns)
		apply_bases(t);
	trace_out__prepare(&l, e, t->tab, t->origin_ns);
	tasktab__on_event(t->tab, e);
	if (e->type == SEV_PROBE)
		t->counts.shown_probes[e->probe]++;
	else if (!(t->counts.show_mask & SEV_MASK(e->type)))
		return 0;
	t->counts.shown[e->type]++;
	if (t->cli->json)
		trace_out__json(stdout, e, t->tab, &l);
	else
		trace_out__line(stdout, e, t->tab, &l);
	return 0;
}

/* A name outside the filters: for the other side of a switch, not shown. */
static int on_name(void *ctx, const struct sev *e)
{
	struct tracer *t = ctx;

	tasktab__on_event(t->tab, e);
	return 0;
}

/* Nothing to do but let live__stream() flush stdout: a quiet trace shows at once. */
static int tick(void *ctx, uint64_t now_ns)
{
	(void)ctx;
	(void)now_ns;
	return 0;
}

/* "switch, waking, ..., on-cpu, ..." */
static void kinds_text(char *buf, size_t len, uint32_t mask, uint32_t probes)
{
	size_t n = 0;

	buf[0] = 0;
	for (uint32_t k = 1; k < SEV_NR_TYPES && n < len; k++)
		if (k != SEV_PROBE && (mask & SEV_MASK(k)))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      sev__type_name(k));
	for (uint32_t p = 0; p < SS_NR_PROBES && n < len; p++)
		if (probes & (1u << p))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      probe_descs[p].name);
}

/* The end: what the ring still holds (unless the reader has gone, | head), then the counts. */
static int finish(struct tracer *t, struct evsession *s, int ret)
{
	uint32_t nr_cpus = evsession__nr_cpus(s);
	uint64_t *lost;

	evsession__detach(s);
	if (!ret && !ferror(stdout) && !evsession__status(s)) {
		evsession__drain(s);
		if (fflush(stdout) && errno != EPIPE) {
			cli__err("cannot write the events: %s", strerror(errno));
			ret = 1;
		}
	}
	if (!ret && evsession__status(s))
		ret = 1;
	lost = calloc(nr_cpus, sizeof(*lost));
	if (!lost) {
		cli__err("out of memory");
		return 1;
	}
	evsession__lost(s, lost);
	t->counts.untraced = evsession__untraced(s);
	trace_out__summary(stderr, &t->counts, lost, nr_cpus, tasktab__dropped(t->tab));
	free(lost);
	return ret;
}

int trace__run(const struct cli *cli)
{
	struct tracer t = { .cli = cli };
	struct ev_opts o = { .cli = cli, .on_event = on_event, .on_name = on_name, .ctx = &t };
	struct evsession *s = NULL;
	char kinds[320];
	int ret = 1;

	if (live__check_args(cli))
		return EXIT_USAGE;
	/* Fewer write()s at a few hundred thousand lines a second; the tick flushes. */
	setvbuf(stdout, NULL, _IOFBF, STDOUT_BUF_BYTES);
	t.counts.show_mask = cli->ev_mask || cli->ev_probes ? cli->ev_mask : SEV_DEFAULT_MASK;
	o.mask = t.counts.show_mask | SEV_NAME_MASK;
	o.probes = cli->ev_probes;
	o.probes_only = !cli->ev_mask;
	o.ring_bytes = cli->ring_kb << 10;
	t.tab = tasktab__new(TIDMAP_ALL_TIDS);
	if (!t.tab) {
		cli__err("out of memory");
		goto out;
	}
	s = evsession__open(&o);
	if (!s)
		goto out;
	t.origin_ns = evsession__start_ns(s);
	t.counts.probes = evsession__probes(s);
	if (t.counts.probes)
		t.counts.show_mask |= SEV_MASK(SEV_PROBE);
	if (evsession__scan_every(s, on_snap, &t))
		goto out;
	t.scan_end_ns = stop__now_ns();
	kinds_text(kinds, sizeof(kinds), t.counts.show_mask, t.counts.probes);
	fprintf(stderr, "Tracing scheduling events (%s)... Hit Ctrl-C to end.\n", kinds);
	fflush(stderr);
	if (!cli->json)
		trace_out__header(stdout);
	ret = live__stream(cli, FLUSH_EVERY_NS, evsession__waiter, s, tick, NULL);
	ret = finish(&t, s, ret);
out:
	free(t.snaps);
	evsession__close(s);
	tasktab__free(t.tab);
	return ret;
}
