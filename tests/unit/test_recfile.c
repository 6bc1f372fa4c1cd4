// SPDX-License-Identifier: GPL-2.0
/*
 * The recording file (src/core/recfile.c, docs/format.md): round trips of
 * random records of every kind, files cut at every byte and with every byte
 * damaged, headers from elsewhere and from the future, a writer whose
 * write(2)s are interrupted, and the size of a pipe ping-pong.
 *
 * Every file is read from a heap buffer of exactly its size, so ASan sees
 * any read past its end. SEED_OUT=DIR also writes the fuzzer's seed
 * recordings there (fuzz/corpus/fuzz_recfile).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpf/probe_ids.h"
#include "core/recfile.h"

#define HDR_LEN 310
#define NR_CPUS 8
#define SEED_DIR "fuzz/corpus/fuzz_recfile"

/* ---- helpers ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng__u64(struct rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

static uint32_t rng__below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng__u64(r) % n);
}

static struct rec_header test_header(uint32_t nr_cpus)
{
	struct rec_header h;

	memset(&h, 0, sizeof(h));
	h.clock = REC_CLOCK_MONOTONIC;
	h.nr_cpus = nr_cpus;
	h.event_mask = SEV_ALL_MASK;
	h.start_ns = 1000000000ull;
	h.boot_wall_ns = 1700000000000000000ull;
	strcpy(h.release, "6.1.0-test-amd64");
	strcpy(h.hostname, "testhost");
	strcpy(h.filter, "-p 123 -c ssload");
	return h;
}

static int mem_fd(void)
{
	int fd = memfd_create("rec", MFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* The fd's whole content, in a heap buffer of exactly its size (NULL if empty). */
static uint8_t *slurp(int fd, size_t *len)
{
	struct stat st;
	uint8_t *buf;

	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	if (!*len)
		return NULL;
	buf = malloc(*len);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, *len, 0), (ssize_t)*len);
	return buf;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);

	assert_non_null(b);
	memcpy(b, p, len);
	return b;
}

/* What was written, in order, to compare with what is read. */
struct expect {
	struct rec_item *items;
	size_t nr, cap;
};

static void expect__add(struct expect *x, const struct rec_item *it)
{
	if (x->nr == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 256;
		x->items = realloc(x->items, x->cap * sizeof(*x->items));
		assert_non_null(x->items);
	}
	x->items[x->nr++] = *it;
}

static void put_event(struct rec_writer *w, struct expect *x, const struct sev *e)
{
	struct rec_item it;

	assert_int_equal(recw__event(w, e), 0);
	memset(&it, 0, sizeof(it));
	it.type = REC_EVENT;
	it.ts_ns = e->ts_ns;
	it.ev = *e;
	expect__add(x, &it);
}

static void put_snap(struct rec_writer *w, struct expect *x, enum snap_phase phase, uint64_t ts,
		     const struct task_snap *s)
{
	struct rec_item it;

	assert_int_equal(recw__snap(w, phase, ts, s), 0);
	memset(&it, 0, sizeof(it));
	it.type = REC_SNAP;
	it.phase = phase;
	it.ts_ns = ts;
	it.snap = *s;
	expect__add(x, &it);
}

static void put_lost(struct rec_writer *w, struct expect *x, uint32_t cpu, uint64_t ts,
		     uint64_t lost)
{
	struct rec_item it;

	assert_int_equal(recw__lost(w, cpu, ts, lost), 0);
	memset(&it, 0, sizeof(it));
	it.type = REC_LOST;
	it.cpu = cpu;
	it.ts_ns = ts;
	it.lost = lost;
	expect__add(x, &it);
}

static void put_end(struct rec_writer *w, struct expect *x, uint64_t ts)
{
	struct rec_item it;

	assert_int_equal(recw__finish(w, ts), 0);
	memset(&it, 0, sizeof(it));
	it.type = REC_END;
	it.ts_ns = ts;
	expect__add(x, &it);
}

/* Equal in everything but the chunk offset, which the writer chose. */
static void check_item(size_t i, const struct rec_item *want, const struct rec_item *got)
{
	const struct rec_item a = *want, b = *got;

	/* sev and task_snap have no padding: memcmp is exact. */
	if (a.type == b.type && a.phase == b.phase && a.cpu == b.cpu && a.ts_ns == b.ts_ns &&
	    a.lost == b.lost && !memcmp(&a.ev, &b.ev, sizeof(a.ev)) &&
	    !memcmp(&a.snap, &b.snap, sizeof(a.snap)))
		return;
	print_error(
		"item %zu differs: type %u/%u ev.type %u/%u tid %u/%u pid %u/%u prio %d/%d "
		"tid2 %u/%u pid2 %u/%u prio2 %d/%d cpu %u/%u state %u/%u flags %u/%u ts %" PRIu64
		"/%" PRIu64 " rt %" PRIu64 "/%" PRIu64 " rd %" PRIu64 "/%" PRIu64 " nv %" PRIu64
		"/%" PRIu64 " niv %" PRIu64 "/%" PRIu64 " pc %" PRIu64 "/%" PRIu64 "\n",
		i, a.type, b.type, a.ev.type, b.ev.type, a.ev.tid, b.ev.tid, a.ev.pid, b.ev.pid,
		a.ev.prio, b.ev.prio, a.ev.tid2, b.ev.tid2, a.ev.pid2, b.ev.pid2, a.ev.prio2,
		b.ev.prio2, a.ev.cpu, b.ev.cpu, a.ev.state, b.ev.state, a.ev.flags, b.ev.flags,
		a.ev.ts_ns, b.ev.ts_ns, a.ev.runtime_ns, b.ev.runtime_ns, a.ev.run_delay_ns,
		b.ev.run_delay_ns, a.ev.nvcsw, b.ev.nvcsw, a.ev.nivcsw, b.ev.nivcsw, a.ev.pcount,
		b.ev.pcount);
	fail();
}

struct readout {
	size_t nr; /* items read */
	enum rec_status status;
	struct rec_error err;
	bool opened;
};

/* Read buf[0..len) to its end, checking each item against x (NULL: no check). */
static struct readout read_all(const uint8_t *buf, size_t len, const struct expect *x,
			       struct rec_header *h)
{
	struct readout o;
	struct rec_header hdr;
	struct rec_reader *r;
	struct rec_item it;

	memset(&o, 0, sizeof(o));
	r = recr__open(buf, len, h ? h : &hdr, &o.err);
	if (!r) {
		assert_true(o.err.msg[0] != 0);
		assert_true(o.err.offset <= len);
		return o;
	}
	o.opened = true;
	while (recr__next(r, &it, &o.err)) {
		assert_true(it.offset < len);
		if (x) {
			assert_true(o.nr < x->nr);
			check_item(o.nr, &x->items[o.nr], &it);
		}
		o.nr++;
		if (it.type == REC_END)
			assert_int_equal(recr__status(r), REC_OK);
	}
	o.status = recr__status(r);
	assert_true(o.err.offset <= len);
	if (o.status != REC_OK)
		assert_true(o.err.msg[0] != 0);
	/* Stopped is stopped: the same answer again. */
	assert_false(recr__next(r, &it, &o.err));
	assert_int_equal(recr__status(r), o.status);
	recr__free(r);
	return o;
}

/* buf holds the whole of x: every item as written, then a clean end. */
static void read_back(const uint8_t *buf, size_t len, const struct expect *x, struct rec_header *h)
{
	struct readout o = read_all(buf, len, x, h);

	assert_true(o.opened);
	assert_int_equal(o.status, REC_OK);
	assert_int_equal(o.nr, x->nr);
}

/* The test header with every probe: a version 2 file. */
static struct rec_header probes_header(uint32_t nr_cpus)
{
	struct rec_header h = test_header(nr_cpus);

	h.probe_mask = (1u << SS_NR_PROBES) - 1;
	h.event_mask |= SEV_MASK(SEV_PROBE);
	return h;
}

/* A writer of the test header for nr_cpus CPUs (with probes: version 2), into fd. */
static struct rec_writer *new_writer_of(int fd, uint32_t nr_cpus, bool probes)
{
	struct rec_header h = probes ? probes_header(nr_cpus) : test_header(nr_cpus);
	struct rec_writer *w = recw__new(fd, &h);

	assert_non_null(w);
	return w;
}

static struct rec_writer *new_writer(int fd, uint32_t nr_cpus)
{
	return new_writer_of(fd, nr_cpus, false);
}

/* Finishes w at end_ns, reads its file (fd) back whole, and frees all: the file's size. */
static size_t finish_and_read_back(struct rec_writer *w, int fd, struct expect *x, uint64_t end_ns)
{
	size_t len;
	uint8_t *buf;

	put_end(w, x, end_ns);
	recw__free(w);
	buf = slurp(fd, &len);
	read_back(buf, len, x, NULL);
	free(buf);
	free(x->items);
	close(fd);
	return len;
}

/* ---- random records ---- */

static const uint32_t odd_tids[] = { 0, 1, 2, UINT32_MAX, UINT32_MAX - 1, 4194304, 65536 };

struct gen {
	struct rng rng;
	bool probes; /* probe events too: a version 2 file */
	uint32_t nr_cpus;
	uint64_t ts;
	uint32_t tids[32];
	uint64_t counters[32][6];
};

static void gen__init(struct gen *g, uint64_t seed, uint32_t nr_cpus)
{
	memset(g, 0, sizeof(*g));
	g->rng.s = seed;
	g->nr_cpus = nr_cpus;
	g->ts = 1000000000ull;
	for (size_t i = 0; i < 32; i++)
		g->tids[i] = i < sizeof(odd_tids) / sizeof(odd_tids[0])
				     ? odd_tids[i]
				     : 1000 + rng__below(&g->rng, 4000000);
}

static uint32_t gen__tid(struct gen *g, size_t *slot)
{
	*slot = rng__below(&g->rng, 32);
	if (rng__below(&g->rng, 16) == 0)
		g->tids[*slot] = (uint32_t)rng__u64(&g->rng);
	return g->tids[*slot];
}

/* Mostly what a kernel counter does (+0, +1, a little more), sometimes anything. */
static uint64_t gen__counter(struct gen *g, uint64_t *c)
{
	switch (rng__below(&g->rng, 10)) {
	case 0:
		*c = rng__u64(&g->rng);
		break;
	case 1:
		*c = rng__below(&g->rng, 2) ? UINT64_MAX : 0;
		break;
	case 2:
		*c -= rng__below(&g->rng, 1000);
		break;
	case 3:
	case 4:
		*c += 1;
		break;
	case 5:
		break;
	default:
		*c += rng__below(&g->rng, 1u << rng__below(&g->rng, 32));
		break;
	}
	return *c;
}

static int32_t gen__prio(struct gen *g)
{
	static const int32_t odd[] = { -1, 0, 1, 99, 100, 139, INT32_MIN, INT32_MAX, 120, 120 };

	if (rng__below(&g->rng, 4))
		return 120;
	if (rng__below(&g->rng, 2))
		return odd[rng__below(&g->rng, sizeof(odd) / sizeof(odd[0]))];
	return (int32_t)(uint32_t)rng__u64(&g->rng);
}

static uint32_t gen__pid(struct gen *g, uint32_t tid)
{
	switch (rng__below(&g->rng, 4)) {
	case 0:
		return (uint32_t)rng__u64(&g->rng);
	case 1:
		return tid - rng__below(&g->rng, 50);
	default:
		return tid;
	}
}

static uint32_t gen__cpu(struct gen *g)
{
	return rng__below(&g->rng, 3) ? 0 : rng__below(&g->rng, g->nr_cpus);
}

static void gen__comm(struct gen *g, char *comm)
{
	uint32_t n = rng__below(&g->rng, SEV_COMM_LEN + 1);

	memset(comm, 0, SEV_COMM_LEN);
	for (uint32_t i = 0; i < n; i++)
		comm[i] = (char)(1 + rng__below(&g->rng, 255));
}

/* An event of the type given, or of any type (0). */
static void gen__event(struct gen *g, struct sev *e, uint32_t type)
{
	size_t a, b;
	uint64_t *ca, *cb;

	memset(e, 0, sizeof(*e));
	e->type = type ? type : 1 + rng__below(&g->rng, SEV_NR_TYPES - (g->probes ? 1 : 2));
	/* Mostly forward, sometimes back (CPUs out of order), sometimes anywhere. */
	if (rng__below(&g->rng, 50) == 0)
		g->ts = rng__u64(&g->rng);
	else
		g->ts += rng__below(&g->rng, 5000) - (rng__below(&g->rng, 8) ? 0 : 2500);
	e->ts_ns = g->ts;
	e->cpu = gen__cpu(g);
	e->tid = gen__tid(g, &a);
	e->pid = gen__pid(g, e->tid);
	e->prio = gen__prio(g);
	ca = g->counters[a];
	e->flags = rng__below(&g->rng, 8) ? 0 : (uint32_t)rng__u64(&g->rng);
	switch (e->type) {
	case SEV_SWITCH: {
		static const uint32_t states[] = { 0, 1, 2, SEV_STATE_PREEMPTED, 0x10, 0x80 };

		e->tid2 = gen__tid(g, &b);
		e->pid2 = gen__pid(g, e->tid2);
		e->prio2 = gen__prio(g);
		cb = g->counters[b];
		e->state = rng__below(&g->rng, 10) ? states[rng__below(&g->rng, 6)]
						   : (uint32_t)rng__u64(&g->rng);
		e->runtime_ns = gen__counter(g, &ca[0]);
		e->nvcsw = gen__counter(g, &ca[1]);
		e->nivcsw = gen__counter(g, &ca[2]);
		e->run_delay_ns = gen__counter(g, &cb[3]);
		e->pcount = gen__counter(g, &cb[4]);
		if (rng__below(&g->rng, 2))
			e->flags = (e->state & SEV_STATE_PREEMPTED ? SEV_F_PREEMPT : 0) |
				   (rng__below(&g->rng, 2) ? SEV_F_VOLUNTARY : 0);
		break;
	}
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		e->cpu2 = gen__cpu(g);
		/* Flags a wakeup never has travel in a prefix, and back. */
		if (rng__below(&g->rng, 2))
			e->flags = SEV_F_PREEMPT;
		break;
	case SEV_MIGRATE:
		e->cpu2 = gen__cpu(g);
		e->cpu3 = gen__cpu(g);
		e->migrations = gen__counter(g, &ca[5]);
		break;
	case SEV_FORK:
		e->tid2 = gen__tid(g, &b);
		e->pid2 = gen__pid(g, e->tid2);
		e->prio2 = gen__prio(g);
		gen__comm(g, e->comm);
		break;
	case SEV_EXEC:
		e->tid2 = rng__below(&g->rng, 2) ? e->tid : gen__tid(g, &b);
		gen__comm(g, e->comm);
		break;
	case SEV_EXIT:
		e->runtime_ns = gen__counter(g, &ca[0]);
		e->nvcsw = gen__counter(g, &ca[1]);
		e->nivcsw = gen__counter(g, &ca[2]);
		break;
	case SEV_PRIO:
		e->prio2 = gen__prio(g);
		break;
	case SEV_PROBE:
		e->probe = rng__below(&g->rng, SS_NR_PROBES);
		e->cpu2 = gen__cpu(g);
		if (e->probe == SS_P_OFF_CPU || e->probe == SS_P_LEND_PRI) {
			e->tid2 = gen__tid(g, &b);
			e->pid2 = gen__pid(g, e->tid2);
			e->prio2 = gen__prio(g);
		} else if (e->probe == SS_P_CHANGE_PRI) {
			e->prio2 = gen__prio(g);
		} else if (e->probe == SS_P_LOAD_CHANGE) {
			e->nr_running = (uint32_t)rng__u64(&g->rng) >> rng__below(&g->rng, 32);
		}
		break;
	default:
		gen__comm(g, e->comm);
		break;
	}
}

static void gen__snap(struct gen *g, struct task_snap *s)
{
	size_t a;
	uint64_t *c;

	memset(s, 0, sizeof(*s));
	s->tid = gen__tid(g, &a);
	c = g->counters[a];
	s->pid = gen__pid(g, s->tid);
	s->prio = gen__prio(g);
	s->cpu = gen__cpu(g);
	s->state = rng__below(&g->rng, 4) ? 1 : (uint32_t)rng__u64(&g->rng);
	s->on_cpu = rng__below(&g->rng, 2);
	s->start_ns = rng__below(&g->rng, 2) ? rng__u64(&g->rng) : g->ts / 2;
	s->runtime_ns = gen__counter(g, &c[0]);
	s->nvcsw = gen__counter(g, &c[1]);
	s->nivcsw = gen__counter(g, &c[2]);
	s->run_delay_ns = gen__counter(g, &c[3]);
	s->pcount = gen__counter(g, &c[4]);
	s->migrations = gen__counter(g, &c[5]);
	gen__comm(g, s->comm);
}

/*
 * A recording of n random records into fd, flushed every flush_every
 * records (0: only when a chunk fills). Chunk ends, as file offsets, go to
 * ends[] (nr_ends), with how many items precede each end in items_at[].
 */
struct layout {
	size_t ends[4096];
	size_t items_at[4096];
	size_t nr_ends;
};

static void note_end(struct layout *l, const struct rec_writer *w, const struct expect *x)
{
	if (!l || (l->nr_ends && l->ends[l->nr_ends - 1] == recw__bytes(w)))
		return;
	assert_true(l->nr_ends < 4096);
	l->ends[l->nr_ends] = recw__bytes(w);
	l->items_at[l->nr_ends++] = x->nr;
}

/* A seed with this bit makes a version 2 file, with probe events among the others. */
#define SEED_PROBES (1ull << 63)

static void gen__recording(int fd, uint64_t seed, uint32_t nr_cpus, size_t n, size_t flush_every,
			   bool finish, struct expect *x, struct layout *l)
{
	bool probes = seed & SEED_PROBES;
	struct rec_writer *w = new_writer_of(fd, nr_cpus, probes);
	struct gen g;

	gen__init(&g, seed, nr_cpus);
	g.probes = probes;
	note_end(l, w, x);
	for (size_t i = 0; i < n; i++) {
		uint32_t kind = rng__below(&g.rng, 20);

		if (kind == 0) {
			struct task_snap s;

			gen__snap(&g, &s);
			put_snap(w, x, rng__below(&g.rng, 2) ? SNAP_END : SNAP_BEGIN, g.ts, &s);
		} else if (kind == 1) {
			put_lost(w, x, gen__cpu(&g), g.ts,
				 rng__u64(&g.rng) >> rng__below(&g.rng, 64));
		} else {
			struct sev e;

			gen__event(&g, &e, 0);
			put_event(w, x, &e);
		}
		if (flush_every && (i + 1) % flush_every == 0) {
			assert_int_equal(recw__flush(w), 0);
			note_end(l, w, x);
		}
	}
	assert_int_equal(recw__flush(w), 0);
	note_end(l, w, x);
	if (finish) {
		put_end(w, x, g.ts + 1);
		note_end(l, w, x);
	}
	recw__free(w);
}

/* ---- tests ---- */

static void crc32c_check_value(void **state)
{
	(void)state;
	assert_int_equal(rec__crc32c(0, "123456789", 9), 0xe3069283u);
	assert_int_equal(rec__crc32c(rec__crc32c(0, "1234", 4), "56789", 5), 0xe3069283u);
	assert_int_equal(rec__crc32c(0, "", 0), 0);
}

static void round_trip_random_records(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct expect x = { 0 };
		struct rec_header h;
		size_t len;
		uint8_t *buf;
		int fd = mem_fd();

		uint64_t gen_seed = (seed * 0x9e3779b97f4a7c15ull & ~SEED_PROBES) |
				    (seed % 2 ? SEED_PROBES : 0);

		gen__recording(fd, gen_seed, seed == 4 ? 65536 : NR_CPUS, 20000, seed == 2 ? 7 : 0,
			       true, &x, NULL);
		buf = slurp(fd, &len);
		read_back(buf, len, &x, &h);
		/* Only a recording with probes is version 2: version 1 readers read the rest. */
		assert_int_equal(h.version, seed % 2 ? REC_VERSION_PROBES : 1);
		assert_int_equal(h.nr_cpus, seed == 4 ? 65536 : NR_CPUS);
		assert_string_equal(h.release, "6.1.0-test-amd64");
		assert_string_equal(h.hostname, "testhost");
		assert_string_equal(h.filter, "-p 123 -c ssload");
		assert_int_equal(h.start_ns, 1000000000ull);
		assert_int_equal(h.boot_wall_ns, 1700000000000000000ull);
		assert_int_equal(h.event_mask & ~SEV_MASK(SEV_PROBE), SEV_ALL_MASK);
		assert_int_equal(h.probe_mask, h.version > 1 ? (1u << SS_NR_PROBES) - 1 : 0);
		free(buf);
		free(x.items);
		close(fd);
	}
}

/* More threads than the context table holds: it is emptied and refills, on both sides. */
static void round_trip_past_the_thread_table(void **state)
{
	struct expect x = { 0 };
	int fd = mem_fd();
	struct rec_writer *w = new_writer(fd, 4);

	(void)state;
	for (uint32_t i = 0; i < 300000; i++) {
		struct sev e = { .type = SEV_SWITCH, .ts_ns = 2000000000ull + i * 1000ull };

		e.cpu = i & 3;
		/* Each thread comes back once, 150000 switches later: after a reset. */
		e.tid = 100 + (i % 150000) * 7;
		e.pid = e.tid;
		e.prio = 120;
		e.tid2 = UINT32_MAX - (i % 200000);
		e.pid2 = e.tid2 - 3;
		e.prio2 = 100 + (int32_t)(i % 40);
		e.state = 1;
		e.runtime_ns = i * 1500ull + (i >= 150000 ? 1 : 0);
		e.nvcsw = i >= 150000 ? 2 : 1;
		e.run_delay_ns = i * 10ull;
		e.pcount = i >= 200000 ? 2 : 1;
		e.flags = e.nvcsw == 1 ? SEV_F_VOLUNTARY : 0;
		put_event(w, &x, &e);
	}
	finish_and_read_back(w, fd, &x, 3000000000ull);
}

/* A scan writes thousands of threads in a row; each comes back at the end. */
static void round_trip_large_snapshots(void **state)
{
	struct expect x = { 0 };
	int fd = mem_fd();
	struct rec_writer *w = new_writer(fd, NR_CPUS);
	size_t len;

	(void)state;
	for (int phase = SNAP_BEGIN; phase <= SNAP_END; phase++) {
		for (uint32_t i = 0; i < 5000; i++) {
			struct task_snap s = { 0 };

			s.tid = i == 0 ? 0 : 1000 + i;
			s.pid = i < 10 ? s.tid : 1000 + i / 10 * 10;
			s.prio = i % 3 ? 120 : 100 + (int32_t)(i % 40);
			s.cpu = i % NR_CPUS;
			s.state = i % 2;
			s.on_cpu = i % NR_CPUS == 0;
			s.start_ns = 1000000ull * i;
			s.runtime_ns = 123456789ull * i + (uint64_t)phase * 1000;
			s.run_delay_ns = 5555ull * i + (uint64_t)phase * 10;
			s.pcount = i + (uint64_t)phase;
			s.nvcsw = 10ull * i + (uint64_t)phase;
			s.nivcsw = i;
			s.migrations = i / 7;
			snprintf(s.comm, sizeof(s.comm), "worker/%u", i);
			put_snap(w, &x, (enum snap_phase)phase,
				 1000000000ull + (uint64_t)phase * 1000, &s);
		}
		if (phase == SNAP_BEGIN)
			for (uint32_t c = 0; c < NR_CPUS; c++)
				put_lost(w, &x, c, 1000000500ull, c * 1000ull);
	}
	len = finish_and_read_back(w, fd, &x, 1000002000ull);
	print_message("snapshot: %.1f bytes per thread\n", (double)(len - HDR_LEN) / 10000.0);
}

/* A random recording of NR_CPUS, finished, in memory, with its layout. */
struct sample {
	struct expect x;
	struct layout *l;
	uint8_t *buf;
	size_t len;
};

static void sample__make(struct sample *s, uint64_t seed, size_t n, size_t flush_every)
{
	int fd = mem_fd();

	memset(s, 0, sizeof(*s));
	s->l = calloc(1, sizeof(*s->l));
	assert_non_null(s->l);
	gen__recording(fd, seed, NR_CPUS, n, flush_every, true, &s->x, s->l);
	s->buf = slurp(fd, &s->len);
	close(fd);
}

static void sample__free(struct sample *s)
{
	free(s->buf);
	free(s->l);
	free(s->x.items);
}

/* The chunk that a byte offset falls into: the index of its end in l->ends. */
static size_t chunk_of(const struct layout *l, size_t off)
{
	size_t i = 0;

	while (i < l->nr_ends && l->ends[i] <= off)
		i++;
	return i;
}

static void cut_at_every_byte(void **state)
{
	struct sample s;

	(void)state;
	sample__make(&s, 42, 120, 9);
	assert_true(s.l->nr_ends > 10);
	assert_int_equal(s.l->ends[0], HDR_LEN);
	assert_int_equal(s.l->ends[s.l->nr_ends - 1], s.len);
	for (size_t cut = 0; cut <= s.len; cut++) {
		uint8_t *buf = dup_bytes(s.buf, cut);
		struct readout o = read_all(buf, cut, &s.x, NULL);
		size_t done;

		if (cut < HDR_LEN) {
			assert_false(o.opened);
			assert_non_null(strstr(o.err.msg, cut ? "cut short" : "empty"));
			free(buf);
			continue;
		}
		assert_true(o.opened);
		/* Whole chunks only: the last chunk end at or before the cut. */
		done = chunk_of(s.l, cut) - 1;
		assert_int_equal(o.nr, s.l->items_at[done]);
		if (cut == s.len) {
			assert_int_equal(o.status, REC_OK);
		} else {
			assert_int_equal(o.status, REC_CUT);
			assert_int_equal(o.err.offset, s.l->ends[done]);
		}
		free(buf);
	}
	sample__free(&s);
}

static void damage_any_byte(void **state)
{
	static const uint8_t masks[] = { 0x01, 0x80, 0xff, 0x20, 0x5a };
	struct sample s;

	(void)state;
	sample__make(&s, 7, 150, 11);
	for (size_t i = 0; i < s.len; i++) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			uint8_t *buf = dup_bytes(s.buf, s.len);
			struct readout o;
			size_t chunk, start;

			buf[i] ^= masks[m];
			o = read_all(buf, s.len, NULL, NULL);
			free(buf);
			if (i < HDR_LEN) {
				assert_false(o.opened);
				continue;
			}
			chunk = chunk_of(s.l, i);
			start = s.l->ends[chunk - 1];
			/* A length that now runs past the end reads as a cut file. */
			if (i > start && i < start + 5)
				assert_true(o.status == REC_CORRUPT || o.status == REC_CUT);
			else
				assert_int_equal(o.status, REC_CORRUPT);
			assert_int_equal(o.err.offset, start);
			assert_int_equal(o.nr, s.l->items_at[chunk - 1]);
		}
	}
	/* What was read before the damage is what was written. */
	{
		uint8_t *buf = dup_bytes(s.buf, s.len);
		struct readout o;

		buf[s.l->ends[5] + 20] ^= 1;
		o = read_all(buf, s.len, &s.x, NULL);
		assert_int_equal(o.status, REC_CORRUPT);
		assert_non_null(strstr(o.err.msg, "checksum mismatch"));
		assert_int_equal(o.nr, s.l->items_at[5]);
		free(buf);
	}
	sample__free(&s);
}

/*
 * Chunks rebuilt by hand: each one's payload without its sequence number,
 * framed again with the numbers and CRCs a writer would give them.
 */
struct chunks {
	uint8_t tag[64];
	const uint8_t *body[64];
	size_t len[64];
	size_t nr;
};

static void chunks__parse(struct chunks *c, const uint8_t *buf, size_t len)
{
	size_t off = HDR_LEN;

	memset(c, 0, sizeof(*c));
	while (off < len) {
		uint32_t plen = buf[off + 1] | buf[off + 2] << 8 | buf[off + 3] << 16 |
				(uint32_t)buf[off + 4] << 24;
		size_t s = 0;

		while (buf[off + 9 + s] & 0x80)
			s++;
		assert_true(c->nr < 64);
		c->tag[c->nr] = buf[off];
		c->body[c->nr] = buf + off + 9 + s + 1;
		c->len[c->nr] = plen - s - 1;
		c->nr++;
		off += 9 + plen;
	}
	assert_int_equal(off, len);
}

static size_t frame(uint8_t *out, uint8_t tag, uint64_t seq, const uint8_t *body, size_t len)
{
	size_t n = 9;
	uint32_t crc;

	do {
		out[n++] = (uint8_t)((seq & 0x7f) | (seq >= 0x80 ? 0x80 : 0));
		seq >>= 7;
	} while (seq);
	memcpy(out + n, body, len);
	n += len;
	out[0] = tag;
	for (int i = 0; i < 4; i++)
		out[1 + i] = (uint8_t)((n - 9) >> (8 * i));
	crc = rec__crc32c(rec__crc32c(0, out, 5), out + 9, n - 9);
	for (int i = 0; i < 4; i++)
		out[5 + i] = (uint8_t)(crc >> (8 * i));
	return n;
}

static void set_header_crc(uint8_t *b, uint32_t hlen)
{
	uint32_t crc = rec__crc32c(0, b, hlen - 4);

	for (int i = 0; i < 4; i++)
		b[hlen - 4 + i] = (uint8_t)(crc >> (8 * i));
}

static void foreign_and_future_files(void **state)
{
	static const char text[] = "hello, world: this is not a recording at all\n";
	struct sample s;
	struct chunks c;
	struct readout o;
	uint8_t *buf;
	size_t n;

	(void)state;
	o = read_all(NULL, 0, NULL, NULL);
	assert_false(o.opened);
	assert_non_null(strstr(o.err.msg, "empty"));
	buf = dup_bytes((const uint8_t *)text, sizeof(text));
	o = read_all(buf, sizeof(text), NULL, NULL);
	assert_false(o.opened);
	assert_non_null(strstr(o.err.msg, "not a schedscope recording"));
	free(buf);

	sample__make(&s, 99, 60, 10);

	/*
	 * Version 3.0: refused by name, whatever follows. Version 2 has the
	 * probes' mask after the filters: its header cannot be 1.0's.
	 */
	for (int v = 0; v < 2; v++) {
		buf = dup_bytes(s.buf, s.len);
		buf[8] = v ? 2 : 3;
		set_header_crc(buf, HDR_LEN);
		o = read_all(buf, s.len, NULL, NULL);
		assert_false(o.opened);
		assert_non_null(strstr(o.err.msg, v ? "for version 2" : "version 3.0 is newer"));
		free(buf);
	}

	/* A header field out of range, behind a valid CRC. */
	buf = dup_bytes(s.buf, s.len);
	buf[20] = buf[21] = buf[22] = buf[23] = 0; /* nr_cpus */
	set_header_crc(buf, HDR_LEN);
	o = read_all(buf, s.len, NULL, NULL);
	assert_false(o.opened);
	assert_non_null(strstr(o.err.msg, "CPU count"));
	free(buf);

	/*
	 * Version 1.1 as a later writer might make it: a longer header, and an
	 * optional chunk (a lowercase tag) this reader skips.
	 */
	chunks__parse(&c, s.buf, s.len);
	buf = malloc(s.len + 64);
	assert_non_null(buf);
	memcpy(buf, s.buf, HDR_LEN - 4);
	buf[10] = 1;			/* minor */
	buf[12] = (HDR_LEN + 8) & 0xff; /* header length */
	buf[13] = (HDR_LEN + 8) >> 8;
	memset(buf + HDR_LEN - 4, 0xee, 8);
	set_header_crc(buf, HDR_LEN + 8);
	n = HDR_LEN + 8;
	n += frame(buf + n, c.tag[0], 0, c.body[0], c.len[0]);
	n += frame(buf + n, 'x', 1, (const uint8_t *)"future", 6);
	for (size_t i = 1; i < c.nr; i++)
		n += frame(buf + n, c.tag[i], i + 1, c.body[i], c.len[i]);
	read_back(buf, n, &s.x, NULL);

	/* A chunk lost whole: the trailer's count says so. */
	n = HDR_LEN;
	memcpy(buf, s.buf, HDR_LEN);
	for (size_t i = 0, seq = 0; i < c.nr; i++)
		if (i != 2)
			n += frame(buf + n, c.tag[i], seq++, c.body[i], c.len[i]);
	o = read_all(buf, n, NULL, NULL);
	assert_int_equal(o.status, REC_CORRUPT);

	/* A chunk given twice: out of order. */
	n = HDR_LEN;
	n += frame(buf + n, c.tag[0], 0, c.body[0], c.len[0]);
	n += frame(buf + n, c.tag[0], 0, c.body[0], c.len[0]);
	o = read_all(buf, n, NULL, NULL);
	assert_int_equal(o.status, REC_CORRUPT);
	assert_non_null(strstr(o.err.msg, "out of order"));
	assert_int_equal(o.err.offset, n / 2 + HDR_LEN / 2);

	/* Records that make no sense, behind valid CRCs. */
	{
		static const struct {
			const char *bytes;
			size_t len;
			const char *msg;
		} bad[] = {
			{ "\x00", 1, "unknown record type 0" },
			{ "\x0e", 1, "unknown record type 14" },
			{ "\x8c\x00\x00\x00", 4, "reserved flag bits" }, /* lost */
			{ "\x0c\x00\x09\x00", 4, "CPU 9 out of range" }, /* lost on CPU 9 of 8 */
			{ "\x0c\x00", 2, "runs past the end" },
			{ "\x0c\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02\x00\x00", 13, "too large" },
			{ "\x0f\x00\x0b", 3, "flags prefix" },
			{ "\x0a\x00\x00\x01\x00\x00\x11xxxxxxxxxxxxxxxxx", 24, "name of 17 bytes" },
			{ "\x0a\x00\x00\x01\x00\x00\x03x\x00y", 10, "NUL" },
			{ "\x09\x00\x00\x01\x00\x00\xfe\xff\xff\xff\x7f", 11, "prio out of range" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			n = HDR_LEN;
			n += frame(buf + n, 'R', 0, (const uint8_t *)bad[i].bytes, bad[i].len);
			o = read_all(buf, n, NULL, NULL);
			assert_int_equal(o.status, REC_CORRUPT);
			if (!strstr(o.err.msg, bad[i].msg)) {
				print_error("case %zu: \"%s\"\n", i, o.err.msg);
				fail();
			}
			assert_int_equal(o.err.offset, HDR_LEN + 10);
		}
	}

	/* Bytes after the trailer. */
	memcpy(buf, s.buf, s.len);
	buf[s.len] = 'R';
	o = read_all(buf, s.len + 1, NULL, NULL);
	assert_int_equal(o.status, REC_CORRUPT);
	assert_int_equal(o.err.offset, s.len);

	/* Zeros where the data should be: a machine crash, read as a cut file... */
	memset(buf + s.len, 0, 64);
	o = read_all(buf, s.len + 64, NULL, NULL);
	assert_int_equal(o.status, REC_CORRUPT); /* ...but not after a trailer */
	n = s.l->ends[s.l->nr_ends - 2];	 /* where the trailer starts */
	memset(buf + n, 0, s.len + 64 - n);
	o = read_all(buf, s.len + 64, &s.x, NULL);
	assert_int_equal(o.status, REC_CUT);
	assert_int_equal(o.err.offset, n);
	assert_int_equal(o.nr, s.x.nr - 1);
	assert_non_null(strstr(o.err.msg, "zero bytes"));

	free(buf);
	sample__free(&s);
}

static void header_only_and_empty_recordings(void **state)
{
	int fd = mem_fd();
	struct rec_writer *w = new_writer(fd, 1);
	struct rec_header got;
	struct readout o;
	size_t len;
	uint8_t *buf;

	(void)state;
	assert_int_equal(recw__flush(w), 0); /* nothing buffered: no chunk */
	assert_int_equal(recw__bytes(w), HDR_LEN);
	buf = slurp(fd, &len);
	assert_int_equal(len, HDR_LEN);
	o = read_all(buf, len, NULL, &got);
	assert_true(o.opened);
	assert_int_equal(o.nr, 0);
	assert_int_equal(o.status, REC_CUT);
	assert_int_equal(o.err.offset, HDR_LEN);
	assert_non_null(strstr(o.err.msg, "without its trailer"));
	free(buf);

	/* Finished without a record: a complete, empty recording. */
	assert_int_equal(recw__finish(w, 5), 0);
	assert_int_equal(recw__finish(w, 6), -EINVAL);
	assert_int_equal(recw__lost(w, 0, 7, 1), -EINVAL);
	buf = slurp(fd, &len);
	o = read_all(buf, len, NULL, NULL);
	assert_int_equal(o.status, REC_OK);
	assert_int_equal(o.nr, 1);
	free(buf);
	recw__free(w);
	close(fd);
}

static void writer_refuses_what_it_cannot_store(void **state)
{
	struct rec_header h = test_header(2);
	struct rec_writer *w;
	struct task_snap s = { .cpu = 2 };
	struct sev e = { .type = SEV_SWITCH, .cpu = 2 };
	int fd = mem_fd(), ro;

	(void)state;
	h.clock = 0;
	errno = 0;
	assert_null(recw__new(fd, &h));
	assert_int_equal(errno, EINVAL);
	h = test_header(0);
	assert_null(recw__new(fd, &h));
	h = test_header(2);
	h.event_mask = 1u << 31;
	assert_null(recw__new(fd, &h));
	/* Probes and the probe kind come together, and only the probes there are. */
	h = test_header(2);
	h.probe_mask = 1;
	assert_null(recw__new(fd, &h));
	h = probes_header(2);
	h.probe_mask = 1u << SS_NR_PROBES;
	assert_null(recw__new(fd, &h));
	h = test_header(2);

	w = recw__new(fd, &h);
	assert_non_null(w);
	assert_int_equal(recw__event(w, &e), -EINVAL);
	e.cpu = 1;
	e.type = 0;
	assert_int_equal(recw__event(w, &e), -EINVAL);
	e.type = SEV_NR_TYPES;
	assert_int_equal(recw__event(w, &e), -EINVAL);
	e.type = SEV_MIGRATE;
	e.cpu3 = 5;
	assert_int_equal(recw__event(w, &e), -EINVAL);
	/* Probe events only in a file that says it has them (version 2). */
	e.type = SEV_PROBE;
	e.cpu3 = 0;
	assert_int_equal(recw__event(w, &e), -EINVAL);
	e.type = SEV_MIGRATE;
	e.cpu3 = 5;
	assert_int_equal(recw__snap(w, SNAP_BEGIN, 1, &s), -EINVAL);
	s.cpu = 0;
	assert_int_equal(recw__snap(w, (enum snap_phase)2, 1, &s), -EINVAL);
	assert_int_equal(recw__lost(w, 2, 1, 1), -EINVAL);
	assert_int_equal(recw__events(w), 0);

	/* A failed write is reported, and again on every later call. */
	e.cpu3 = 0;
	assert_int_equal(recw__event(w, &e), 0);
	ro = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(ro >= 0);
	assert_true(dup2(ro, fd) == fd);
	assert_int_equal(recw__flush(w), -EBADF);
	assert_int_equal(recw__event(w, &e), -EBADF);
	assert_int_equal(recw__finish(w, 1), -EBADF);
	recw__free(w);
	errno = 0;
	assert_null(recw__new(fd, &h));
	assert_int_equal(errno, EBADF);
	close(ro);
	close(fd);
}

/* ---- write(2) cut short by signals ---- */

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

struct drain {
	int fd;
	uint8_t *buf;
	size_t len, cap;
};

static void *drain_slowly(void *arg)
{
	struct drain *d = arg;

	for (;;) {
		ssize_t n;

		if (d->len + 4096 > d->cap) {
			d->cap = d->cap ? d->cap * 2 : 65536;
			d->buf = realloc(d->buf, d->cap);
			if (!d->buf)
				return NULL;
		}
		n = read(d->fd, d->buf + d->len, 1024);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		d->len += (size_t)n;
		usleep(50);
	}
	return NULL;
}

static void writes_survive_signals_and_short_writes(void **state)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 200 }, { 0, 200 } }, off = { { 0, 0 }, { 0, 0 } };
	struct expect x = { 0 };
	struct drain d = { 0 };
	struct rec_writer *w;
	struct gen g;
	sigset_t mask;
	pthread_t th;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	d.fd = p[0];
	/* Only this thread takes the signal, so its write(2)s are the ones cut short. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	assert_int_equal(pthread_create(&th, NULL, drain_slowly, &d), 0);
	pthread_sigmask(SIG_UNBLOCK, &mask, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: write(2) returns early */
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);

	w = new_writer(p[1], NR_CPUS);
	gen__init(&g, 5, NR_CPUS);
	for (int i = 0; i < 30000; i++) {
		struct sev e;

		gen__event(&g, &e, 0);
		put_event(w, &x, &e);
	}
	put_end(w, &x, 1);
	recw__free(w);

	/* The handler stays: a SIGALRM still in flight must not end the test. */
	setitimer(ITIMER_REAL, &off, NULL);
	/* Else nothing here was interrupted, and the test proved nothing. */
	assert_true(alarms > 0);
	close(p[1]);
	pthread_join(th, NULL);
	close(p[0]);
	assert_non_null(d.buf);
	read_back(d.buf, d.len, &x, NULL);
	free(d.buf);
	free(x.items);
}

/* ---- size ---- */

static void write_file(const char *dir, const char *name, const uint8_t *buf, size_t len);

/*
 * Two threads of one process taking turns on CPU 0 through a pipe, as
 * ssload's ping-pong does: each blocks in read(2) ("S", a voluntary switch)
 * after waking the other, which waited a little on the run queue.
 */
static double ping_pong_bytes(bool with_wakings, size_t switches, const char *save_as)
{
	struct rng rng = { 12345 };
	struct rec_writer *w;
	uint64_t ts = 5000000000ull, runtime[2] = { 1000000, 2000000 }, nvcsw[2] = { 10, 20 };
	uint64_t delay[2] = { 5000, 7000 }, pcount[2] = { 11, 21 };
	uint32_t tid[2] = { 31337, 31338 };
	size_t len;
	uint8_t *buf;
	int fd = mem_fd();

	w = new_writer(fd, 2);
	for (size_t i = 0; i < switches; i++) {
		unsigned int a = i & 1, b = !a;
		uint64_t ran = 1000 + rng__below(&rng, 1000);
		struct sev e = { 0 };

		if (with_wakings) {
			e.type = SEV_WAKING;
			e.ts_ns = ts + ran - 200;
			e.tid = tid[b];
			e.pid = tid[0];
			e.prio = 120;
			assert_int_equal(recw__event(w, &e), 0);
			memset(&e, 0, sizeof(e));
		}
		ts += ran + rng__below(&rng, 1000);
		runtime[a] += ran;
		nvcsw[a]++;
		delay[b] += rng__below(&rng, 4) ? 0 : rng__below(&rng, 100);
		pcount[b]++;
		e.type = SEV_SWITCH;
		e.ts_ns = ts;
		e.tid = tid[a];
		e.pid = tid[0];
		e.prio = 120;
		e.tid2 = tid[b];
		e.pid2 = tid[0];
		e.prio2 = 120;
		e.state = 1;
		e.flags = SEV_F_VOLUNTARY;
		e.runtime_ns = runtime[a];
		e.nvcsw = nvcsw[a];
		e.nivcsw = 3;
		e.run_delay_ns = delay[b];
		e.pcount = pcount[b];
		assert_int_equal(recw__event(w, &e), 0);
	}
	assert_int_equal(recw__finish(w, ts), 0);
	recw__free(w);
	buf = slurp(fd, &len);
	{
		struct readout o = read_all(buf, len, NULL, NULL);

		assert_int_equal(o.status, REC_OK);
		assert_int_equal(o.nr, switches * (with_wakings ? 2 : 1) + 1);
	}
	if (save_as)
		write_file(getenv("SEED_OUT"), save_as, buf, len);
	free(buf);
	close(fd);
	return (double)len / (double)switches;
}

static void ping_pong_size(void **state)
{
	double sw = ping_pong_bytes(false, 200000, NULL), wk = ping_pong_bytes(true, 200000, NULL);

	(void)state;
	print_message("pipe ping-pong: %.2f bytes per switch event (file size / switches); "
		      "%.2f per switch with its waking\n",
		      sw, wk);
	/*
	 * The bound is 24 bytes a switch; the encoding does 6.3 and 9.3
	 * (docs/format.md) on this fixed sequence: a lost prediction shows here.
	 */
	assert_true(sw <= 7.0);
	assert_true(wk <= 10.0);
}

/* ---- the fuzzer's seeds ---- */

static void write_file(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/*
 * A little of everything: every record type, both phases, a flags prefix, a
 * loss; with probes, a version 2 file with probe events too.
 */
static void seed_recording(int fd, bool finish, bool probes)
{
	struct expect x = { 0 };
	struct rec_writer *w = new_writer_of(fd, 4, probes);
	uint32_t kinds = probes ? SEV_PROBE : SEV_RENAME;
	struct task_snap s = { .tid = 100,
			       .pid = 100,
			       .prio = 120,
			       .cpu = 1,
			       .state = 1,
			       .start_ns = 5,
			       .runtime_ns = 1000,
			       .nvcsw = 3,
			       .comm = "seed" };
	struct gen g;

	put_snap(w, &x, SNAP_BEGIN, test_header(4).start_ns, &s);
	gen__init(&g, 2024, 4);
	g.probes = probes;
	for (int i = 0; i < (probes ? 48 : 24); i++) {
		struct sev e;

		gen__event(&g, &e, 1 + (uint32_t)i % kinds);
		put_event(w, &x, &e);
		if (i % 8 == 7)
			assert_int_equal(recw__flush(w), 0);
	}
	put_lost(w, &x, 3, g.ts, 17);
	s.runtime_ns += 5000;
	put_snap(w, &x, SNAP_END, g.ts, &s);
	if (finish)
		put_end(w, &x, g.ts + 10);
	else
		assert_int_equal(recw__flush(w), 0);
	recw__free(w);
	free(x.items);
}

static void fuzz_seeds_read_cleanly(void **state)
{
	const char *out = getenv("SEED_OUT");
	uint8_t *buf;
	size_t len;
	int fd = mem_fd();

	(void)state;
	seed_recording(fd, true, false);
	buf = slurp(fd, &len);
	assert_int_equal(read_all(buf, len, NULL, NULL).status, REC_OK);
	if (out) {
		write_file(out, "complete.rec", buf, len);
		/* The same, cut in its last chunk. */
		write_file(out, "cut.rec", buf, len - 7);
		ping_pong_bytes(true, 24, "pingpong.rec");
	}
	free(buf);
	close(fd);
	fd = mem_fd();
	seed_recording(fd, true, true);
	buf = slurp(fd, &len);
	assert_int_equal(read_all(buf, len, NULL, NULL).status, REC_OK);
	if (out)
		write_file(out, "probes.rec", buf, len);
	free(buf);
	close(fd);

	/* The checked-in seed still reads as a clean recording: the format has not drifted. */
	fd = open(SEED_DIR "/complete.rec", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail_msg("cannot open %s/complete.rec: %s (run from the top of the tree)", SEED_DIR,
			 strerror(errno));
	buf = slurp(fd, &len);
	assert_int_equal(read_all(buf, len, NULL, NULL).status, REC_OK);
	free(buf);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32c_check_value),
		cmocka_unit_test(round_trip_random_records),
		cmocka_unit_test(round_trip_past_the_thread_table),
		cmocka_unit_test(round_trip_large_snapshots),
		cmocka_unit_test(cut_at_every_byte),
		cmocka_unit_test(damage_any_byte),
		cmocka_unit_test(foreign_and_future_files),
		cmocka_unit_test(header_only_and_empty_recordings),
		cmocka_unit_test(writer_refuses_what_it_cannot_store),
		cmocka_unit_test(writes_survive_signals_and_short_writes),
		cmocka_unit_test(ping_pong_size),
		cmocka_unit_test(fuzz_seeds_read_cleanly),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
