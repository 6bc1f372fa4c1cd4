// SPDX-License-Identifier: GPL-2.0
/*
 * The event session (src/session/evsession.h): open, configure and load
 * src/bpf/events.bpf.c with only the kinds asked for, attach, then decode
 * ring-buffer records into struct sev.
 *
 * What the kernel side leaves to us:
 *   - SEV_F_VOLUNTARY: the BPF side sends prev's nvcsw and nivcsw; here, per
 *     thread, the pair at its last switch-out seen says which one moved
 *     (ev__voluntary()). That costs the switch hook nothing and is exact
 *     where the tracepoint's arguments are not (6.13+: a sleep cut short by
 *     a pending signal is counted in nvcsw but traced as TASK_RUNNING).
 *   - the state letters (ev__state_bits() of the record's index).
 *
 * The ring is read as every session's is (bpfsess__poll()): bounded, so a
 * consumer slower than the traced system still ends when asked.
 */
#include "session/evsession.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/abi_check.h"
#include "bpf/ev_logic.h"
#include "core/btfscan.h"
#include "session/bpfenv.h"
#include "session/bpfsess.h"
#include "session/probesession.h"
#include "core/tidmap.h"
#include "events.skel.h"
#include "session/stop.h"

_Static_assert(EV_SWITCH == SEV_SWITCH && EV_WAKING == SEV_WAKING && EV_WAKEUP == SEV_WAKEUP &&
		       EV_WAKEUP_NEW == SEV_WAKEUP_NEW && EV_MIGRATE == SEV_MIGRATE &&
		       EV_FORK == SEV_FORK && EV_EXEC == SEV_EXEC && EV_EXIT == SEV_EXIT &&
		       EV_PRIO == SEV_PRIO && EV_RENAME == SEV_RENAME && EV_PROBE == SEV_PROBE,
	       "ev_logic.h's kinds are sev.h's");
_Static_assert(0x100 == SEV_STATE_PREEMPTED, "ev__state_bits() gives ftrace's R+ as sev.h's");
_Static_assert(SS_COMM_LEN == SEV_COMM_LEN, "one comm length");

#define EV_DEFAULT_RING_BYTES (16u << 20)
#define EV_MAX_RING_BYTES (1ull << 31)
#define EV_POLL_MS 100 /* a quiet trace still shows within this */

BPFSESS_SKEL(events_hooks, events_bpf);

/* A thread's switch counters at its last switch-out seen. */
struct vol_slot {
	uint32_t tid; /* 0: free */
	uint32_t pad;
	uint64_t nvcsw;
	uint64_t nivcsw;
};

struct evsession {
	struct bpfsess b;
	struct events_bpf *skel; /* b's */
	size_t ring_bytes;
	uint64_t start_ns;
	int (*on_event)(void *ctx, const struct sev *e);
	int (*on_name)(void *ctx, const struct sev *e);
	void *ctx;
	int status;		  /* the first non-zero on_event() return, or a ring error */
	struct tidmap vol;	  /* of struct vol_slot */
	uint64_t *drops;	  /* nr_cpus, as last read */
	uint32_t probes;	  /* the DTrace probes taken: 1u << enum ss_probe */
	uint64_t tick_fn;	  /* the tick's hrtimer function, for the tick probe */
	struct probe_switches sw; /* with on-cpu or off-cpu: what the kernel hid */
};

/* ------------------------------------------------------------- decoding */

static void decode_task(struct sev *e, const struct ss_ev *h)
{
	e->ts_ns = h->ts_ns;
	e->type = h->type;
	e->cpu = h->cpu;
	e->tid = h->tid;
	e->pid = h->pid;
	e->prio = h->prio;
}

static void decode_switch(struct evsession *s, struct sev *e, const struct ss_ev_switch *r)
{
	uint32_t idx = r->h.state;
	struct vol_slot *v;
	bool last, have_last;
	int made = 0;

	e->tid2 = r->next_tid;
	e->pid2 = r->next_pid;
	e->prio2 = r->h.prio2;
	e->state = ev__state_bits(idx);
	e->runtime_ns = r->runtime_ns;
	e->nvcsw = r->nvcsw;
	e->nivcsw = r->nivcsw;
	e->run_delay_ns = r->run_delay_ns;
	e->pcount = r->pcount;
	if (idx == EV_STATE_INDEX_PREEMPTED)
		e->flags |= SEV_F_PREEMPT;
	/*
	 * One probe for the base and its update; NULL for tid 0, every CPU's
	 * idle task at once. A thread's last switch (dead, X, or a zombie, Z)
	 * only reads its base, then drops it.
	 */
	last = e->state & SEV_STATE_DEAD;
	v = last ? tidmap__get(&s->vol, r->h.tid) : tidmap__add(&s->vol, r->h.tid, &made);
	have_last = v && !made;
	/* Without a base (tid 0 among them: always nivcsw), the rule alone. */
	if (ev__voluntary(have_last, have_last ? v->nvcsw : 0, have_last ? v->nivcsw : 0, r->nvcsw,
			  r->nivcsw, idx))
		e->flags |= SEV_F_VOLUNTARY;
	if (!v)
		return;
	if (last) {
		tidmap__del(&s->vol, r->h.tid);
	} else {
		v->nvcsw = r->nvcsw;
		v->nivcsw = r->nivcsw;
	}
}

/* The record as a struct sev; false if it is too short for its kind (not delivered). */
static bool decode(struct evsession *s, const void *data, size_t size, struct sev *e)
{
	const struct ss_ev *h = data;
	static const size_t need[SEV_NR_TYPES] = {
		[SEV_SWITCH] = sizeof(struct ss_ev_switch),
		[SEV_WAKING] = sizeof(struct ss_ev),
		[SEV_WAKEUP] = sizeof(struct ss_ev),
		[SEV_WAKEUP_NEW] = sizeof(struct ss_ev),
		[SEV_MIGRATE] = sizeof(struct ss_ev_migrate),
		[SEV_FORK] = sizeof(struct ss_ev_fork),
		[SEV_EXEC] = sizeof(struct ss_ev_exec),
		[SEV_EXIT] = sizeof(struct ss_ev_exit),
		[SEV_PRIO] = sizeof(struct ss_ev),
		[SEV_RENAME] = sizeof(struct ss_ev_rename),
		[SEV_PROBE] = sizeof(struct ss_ev_probe),
	};

	if (size < sizeof(*h) || !h->type || h->type >= SEV_NR_TYPES || size < need[h->type])
		return false;
	memset(e, 0, sizeof(*e));
	decode_task(e, h);
	switch (h->type) {
	case SEV_SWITCH:
		decode_switch(s, e, data);
		break;
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		e->cpu2 = h->cpu2;
		break;
	case SEV_MIGRATE: {
		const struct ss_ev_migrate *r = data;

		e->cpu2 = h->cpu2;
		e->cpu3 = r->dest_cpu;
		e->migrations = r->migrations;
		break;
	}
	case SEV_FORK: {
		const struct ss_ev_fork *r = data;

		e->tid2 = r->child_tid;
		e->pid2 = r->child_pid;
		memcpy(e->comm, r->comm, SEV_COMM_LEN);
		break;
	}
	case SEV_EXEC: {
		const struct ss_ev_exec *r = data;

		e->tid2 = r->old_tid;
		memcpy(e->comm, r->comm, SEV_COMM_LEN);
		break;
	}
	case SEV_EXIT: {
		const struct ss_ev_exit *r = data;

		e->runtime_ns = r->runtime_ns;
		e->nvcsw = r->nvcsw;
		e->nivcsw = r->nivcsw;
		break;
	}
	case SEV_PRIO:
		e->prio2 = h->prio2;
		break;
	case SEV_RENAME:
		memcpy(e->comm, ((const struct ss_ev_rename *)data)->comm, SEV_COMM_LEN);
		break;
	case SEV_PROBE: {
		const struct ss_ev_probe *r = data;

		e->probe = h->state;
		e->cpu2 = h->cpu2;
		e->tid2 = r->tid2;
		e->pid2 = r->pid2;
		e->prio2 = r->prio2;
		e->nr_running = r->nr_running;
		return e->probe < SS_NR_PROBES;
	}
	default:
		return false;
	}
	return true;
}

/* fork, exec or rename outside the filters, sent for on_name(). */
static bool name_only(const struct ss_ev *h)
{
	return (h->type == SEV_FORK || h->type == SEV_EXEC || h->type == SEV_RENAME) &&
	       (h->state & SS_EV_NAME_ONLY);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct evsession *s = ctx;
	struct sev e;

	if (s->status)
		return s->status;
	if (decode(s, data, size, &e)) {
		int (*fn)(void *ctx, const struct sev *e) =
			name_only(data) ? s->on_name : s->on_event;

		/* Non-zero ends the delivery for good. */
		s->status = fn ? fn(s->ctx, &e) : 0;
	}
	return s->status;
}

/* ------------------------------------------------------------- set-up */

static void set_filters(struct events_bpf *skel, const struct cli *cli)
{
	if (cli->cpu >= 0)
		skel->rodata->filter_cpu = cli->cpu;
	bpfenv__set_task_filter(&skel->rodata->task_filter, cli);
}

/* The programs of the priority kind beyond the PI tracepoint: no tracepoint there. */
static bool is_prio_hook(const struct events_bpf *skel, const struct bpf_program *p)
{
	return p == skel->progs.ev_nice_in || p == skel->progs.ev_nice_out ||
	       p == skel->progs.ev_setsched_in || p == skel->progs.ev_setsched_out;
}

static void say_prio_refused(int err)
{
	fprintf(stderr,
		"schedscope: warning: this kernel refuses fentry/fexit programs on set_user_nice() "
		"and __sched_setscheduler() (%s): only priority inheritance is traced\n",
		strerror(-err));
}

/*
 * The priority hooks can be loaded: the kernel's BTF has their functions
 * (not inlined away), and the kernel lets tracing programs attach there
 * (some refuse fentry/fexit at load). Asked of a two-instruction program,
 * not of the whole object, which would be verified only to be refused.
 * Says why not.
 */
static bool prio_hooks_usable(void)
{
	struct btfscan_want want[] = { { "set_user_nice", BTF_KIND_FUNC, 0 },
				       { "__sched_setscheduler", BTF_KIND_FUNC, 0 } };
	int err = 0;

	if (bpfenv__kernel_has(want, 2) || !want[0].id || !want[1].id) {
		fprintf(stderr, "schedscope: warning: this kernel's BTF lacks set_user_nice() or "
				"__sched_setscheduler(): only priority inheritance is traced\n");
		return false;
	}
	for (size_t i = 0; i < 2 && !err; i++)
		err = bpfenv__fentry_loads(want[i].id);
	if (err)
		say_prio_refused(err);
	return !err;
}

static void set_autoload(struct events_bpf *skel, uint32_t mask, bool prio_hooks)
{
	const struct {
		struct bpf_program *prog;
		uint32_t type;
	} kinds[] = {
		{ skel->progs.ev_switch, SEV_SWITCH },
		{ skel->progs.ev_waking, SEV_WAKING },
		{ skel->progs.ev_wakeup, SEV_WAKEUP },
		{ skel->progs.ev_wakeup_new, SEV_WAKEUP_NEW },
		{ skel->progs.ev_migrate, SEV_MIGRATE },
		{ skel->progs.ev_fork, SEV_FORK },
		{ skel->progs.ev_exec, SEV_EXEC },
		{ skel->progs.ev_exit, SEV_EXIT },
		{ skel->progs.ev_rename, SEV_RENAME },
		{ skel->progs.ev_pi, SEV_PRIO },
		{ skel->progs.ev_nice_in, SEV_PRIO },
		{ skel->progs.ev_nice_out, SEV_PRIO },
		{ skel->progs.ev_setsched_in, SEV_PRIO },
		{ skel->progs.ev_setsched_out, SEV_PRIO },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		bool on = mask & SEV_MASK(kinds[i].type);

		if (is_prio_hook(skel, kinds[i].prog)) {
			on = on && prio_hooks;
			/* In pairs, by attach_pair(), or not at all. */
			bpf_program__set_autoattach(kinds[i].prog, false);
		}
		bpf_program__set_autoload(kinds[i].prog, on);
	}
}

static void configure(struct evsession *s, struct events_bpf *skel, const struct ev_opts *o,
		      bool prio_hooks)
{
	set_filters(skel, o->cli);
	skel->rodata->probes = s->probes;
	skel->rodata->tick_fn = s->tick_fn;
	probesession__set_hooks(skel->obj, s->probes);
	skel->rodata->names_all = o->on_name != NULL;
	bpfsess__size_stream(skel->maps.events, &skel->rodata->stream_wakeup_bytes, s->ring_bytes);
	set_autoload(skel, o->mask, prio_hooks);
}

/* fentry and fexit of one function, both or neither; says once why not. */
static void attach_pair(struct evsession *s, struct bpf_program *in, struct bpf_program *out,
			const char *what)
{
	int err = bpfsess__attach_prog(&s->b, in, true);

	if (!err) {
		err = bpfsess__attach_prog(&s->b, out, true);
		if (err)
			bpfsess__detach_prog(&s->b, in);
	}
	if (err)
		fprintf(stderr, "schedscope: warning: cannot trace %s: %s (%s); going on without\n",
			bpf_program__section_name(in) + strlen("fentry/"), strerror(-err), what);
}

static int attach(struct evsession *s, bool prio_hooks)
{
	int err = bpfsess__attach(&s->b);

	if (err || !prio_hooks)
		return err;
	attach_pair(s, s->skel->progs.ev_nice_in, s->skel->progs.ev_nice_out,
		    "nice changes by setpriority() and nice() will be missing");
	attach_pair(s, s->skel->progs.ev_setsched_in, s->skel->progs.ev_setsched_out,
		    "priority changes by sched_setscheduler() and sched_setattr() will be missing");
	return 0;
}

/*
 * Configure and load with the priority hooks if *prio_hooks, and again
 * without them (*prio_hooks cleared) if this kernel refuses them.
 */
static int load(struct evsession *s, const struct ev_opts *o, bool *prio_hooks)
{
	int err;

	configure(s, s->skel, o, *prio_hooks);
	err = bpfsess__load(&s->b, *prio_hooks);
	if (err && *prio_hooks) {
		say_prio_refused(err);
		*prio_hooks = false;
		err = bpfsess__reopen(&s->b);
		if (err)
			return err;
		s->skel = s->b.skel;
		configure(s, s->skel, o, false);
		err = bpfsess__load(&s->b, false);
	}
	return err;
}

/*
 * The probes asked for that this kernel can give, from the object's look
 * at its BTF, into s->probes; 0, or 1 if none can and nothing else was
 * asked (said).
 */
static int take_probes(struct evsession *s, const struct ev_opts *o)
{
	const char *why[SS_NR_PROBES];
	uint32_t avail;

	if (!o->probes)
		return 0;
	avail = probesession__hooks_available(s->skel->obj, &s->tick_fn, why);
	return probesession__usable(o->probes, avail, why, !o->probes_only, "tracing", &s->probes);
}

struct evsession *evsession__open(const struct ev_opts *o)
{
	bool prio_hooks = false;
	struct evsession *s = calloc(1, sizeof(*s));

	if (!s) {
		cli__err("out of memory");
		return NULL;
	}
	if (bpfsess__open(&s->b, &events_hooks, o->cli->verbose))
		goto fail;
	s->skel = s->b.skel;
	s->on_event = o->on_event;
	s->on_name = o->on_name;
	s->ctx = o->ctx;
	s->ring_bytes = o->ring_bytes ? o->ring_bytes : EV_DEFAULT_RING_BYTES;
	/* A power of two of pages, and max_entries is 32 bits. */
	if (s->ring_bytes > EV_MAX_RING_BYTES || (s->ring_bytes & (s->ring_bytes - 1)) ||
	    s->ring_bytes < 4096) {
		cli__err("invalid ring buffer size %zu bytes (a power of two, 4 KiB to 2 GiB)",
			 s->ring_bytes);
		goto fail;
	}
	s->drops = calloc(s->b.nr_cpus, sizeof(*s->drops));
	if (!s->drops || tidmap__init(&s->vol, sizeof(struct vol_slot), TIDMAP_ALL_TIDS)) {
		cli__err("out of memory");
		goto fail;
	}
	if (take_probes(s, o))
		goto fail;
	if (o->mask & SEV_MASK(SEV_PRIO))
		prio_hooks = prio_hooks_usable();
	if (load(s, o, &prio_hooks))
		goto fail;
	/* Delivery is bounded by bpfsess (bpfsess__poll()), each wait by EV_POLL_MS. */
	if (bpfsess__open_ring(&s->b, s->skel->maps.events, "event", on_record, s,
			       EV_POLL_MS * 1000000ull))
		goto fail;
	s->start_ns = stop__now_ns();
	/*
	 * The kernel's switch counts before the attach: a switch traced before
	 * them would be counted twice. The object is the loaded one (load()
	 * may have opened it again).
	 */
	if ((s->probes & PROBES_SWITCHES) && (probe_switches__init(&s->sw, &s->b, o->cli->cpu) ||
					      probe_switches__read(&s->sw, true)))
		goto fail;
	if (attach(s, prio_hooks))
		goto fail;
	return s;
fail:
	evsession__close(s);
	return NULL;
}

void evsession__detach(struct evsession *s)
{
	bpfsess__detach(&s->b);
}

void evsession__close(struct evsession *s)
{
	if (!s)
		return;
	bpfsess__close(&s->b);
	tidmap__fini(&s->vol);
	probe_switches__free(&s->sw);
	free(s->drops);
	free(s);
}

uint32_t evsession__probes(const struct evsession *s)
{
	return s->probes;
}

int64_t evsession__untraced(struct evsession *s)
{
	if (!(s->probes & PROBES_SWITCHES) || probe_switches__read(&s->sw, false))
		return -1;
	return (int64_t)probe_switches__untraced(&s->sw);
}

uint32_t evsession__nr_cpus(const struct evsession *s)
{
	return s->b.nr_cpus;
}

uint64_t evsession__start_ns(const struct evsession *s)
{
	return s->start_ns;
}

int evsession__status(const struct evsession *s)
{
	return s->status;
}

/* A ring error, said once (a callback's status is the session's to judge). */
static void ring_error(struct evsession *s, int err)
{
	if (!err || s->status)
		return;
	cli__err("cannot read the event ring buffer: %s", strerror(-err));
	s->status = err;
}

bool evsession__wait(struct evsession *s, uint64_t deadline_ns)
{
	/*
	 * Records come without a wake-up until 1/8 of the ring is queued: the
	 * poll mostly times out (EV_POLL_MS), then takes what is there.
	 */
	ring_error(s, bpfsess__poll(&s->b, deadline_ns));
	return stop__requested() || s->status;
}

void evsession__drain(struct evsession *s)
{
	ring_error(s, bpfsess__consume(&s->b));
}

struct scan_ctx {
	struct evsession *s;
	int (*fn)(void *ctx, const struct task_snap *t);
	void *ctx;
};

static int on_snap(void *ctx, const void *rec)
{
	const struct ss_ev_snap *r = rec;
	struct scan_ctx *c = ctx;
	struct vol_slot *v;
	struct task_snap t;

	memset(&t, 0, sizeof(t));
	t.start_ns = r->start_ns;
	t.runtime_ns = r->runtime_ns;
	t.run_delay_ns = r->run_delay_ns;
	t.pcount = r->pcount;
	t.nvcsw = r->nvcsw;
	t.nivcsw = r->nivcsw;
	t.migrations = r->migrations;
	t.tid = r->tid;
	t.pid = r->pid;
	t.prio = r->prio;
	t.cpu = r->cpu;
	t.state = r->state;
	t.on_cpu = r->on_cpu;
	memcpy(t.comm, r->comm, SEV_COMM_LEN);
	/*
	 * A base for the first switch-out seen (ev__voluntary() checks it is
	 * not newer); without memory for it the rule stands in later.
	 */
	v = tidmap__add(&c->s->vol, t.tid, NULL);
	if (v) {
		v->nvcsw = t.nvcsw;
		v->nivcsw = t.nivcsw;
	}
	return c->fn(c->ctx, &t);
}

static int scan(struct evsession *s, bool all, int (*fn)(void *ctx, const struct task_snap *t),
		void *ctx)
{
	struct scan_ctx c = { s, fn, ctx };

	s->skel->bss->scan_all = all;
	return bpfsess__iter_read(&s->b, s->skel->progs.ev_scan, sizeof(struct ss_ev_snap), on_snap,
				  &c);
}

int evsession__scan(struct evsession *s, int (*fn)(void *ctx, const struct task_snap *t), void *ctx)
{
	return scan(s, false, fn, ctx);
}

int evsession__scan_every(struct evsession *s, int (*fn)(void *ctx, const struct task_snap *t),
			  void *ctx)
{
	return scan(s, true, fn, ctx);
}

uint64_t evsession__lost(struct evsession *s, uint64_t *lost)
{
	uint64_t sum = bpfsess__drops(&s->b, s->skel->maps.stream_stat, s->drops);

	if (lost)
		memcpy(lost, s->drops, s->b.nr_cpus * sizeof(*lost));
	return sum;
}
