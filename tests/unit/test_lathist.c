// SPDX-License-Identifier: GPL-2.0
/*
 * Run-queue latency histograms in user space (src/core/lathist.c) and their
 * writers (src/out/lat_out.c), fed with histograms the core fills as
 * `report` does; and the session's decoding of the kernel's records
 * (src/session/latdecode.h), with kernel histograms filled the way
 * src/bpf/lat.bpf.c fills them, shown to give the core the same figures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpf/lat_logic.h"
#include "core/lathist.h"
#include "out/json.h"
#include "out/lat_out.h"
#include "session/latdecode.h"

#define US 1000u

/* One wait ending, as the kernel side counts it (in microsecond log2 slots). */
static void knote(struct ss_lat_hist *h, unsigned int kind, uint64_t ns, uint32_t epoch)
{
	lat__hist_add(h, kind, ns, US, epoch);
}

static struct ss_lat_hist *khist_new(void)
{
	struct ss_lat_hist *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	return h;
}

/* One wait ending, as `report` counts it (in microsecond log2 slots). */
static void hist_note(struct lat_hist *h, unsigned int kind, uint64_t ns)
{
	lathist__add(h, kind, ns, US);
}

/* A view of the waits noted in h, from zero. */
static void view_of(struct lat_view *v, const struct lat_hist *h)
{
	latview__init(v);
	latview__add_delta(v, h, NULL);
}

static struct lat_hist *hist_new(void)
{
	struct lat_hist *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	return h;
}

static struct lat_view *view_new(void)
{
	struct lat_view *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	return v;
}

/* Every bucket is [lo, hi): its edges map back to it, and buckets tile the line. */
static void fine_edges_invert_the_bucket_rule(void **state)
{
	(void)state;
	assert_int_equal(lathist__fine_lo(0), 0);
	for (unsigned int b = 0; b < SS_LAT_FINE_BUCKETS; b++) {
		uint64_t lo = lathist__fine_lo(b), hi = lathist__fine_hi(b);

		assert_true(lo < hi);
		assert_int_equal(lat__fine_bucket(lo), b);
		assert_int_equal(lat__fine_bucket(hi - 1), b);
		if (b + 1 < SS_LAT_FINE_BUCKETS)
			assert_int_equal(hi, lathist__fine_lo(b + 1));
		/* The documented resolution: exact below 16 ns, then 1/8 of lo at most. */
		if (b < 16)
			assert_int_equal(hi - lo, 1);
		else if (b + 1 < SS_LAT_FINE_BUCKETS)
			assert_true((hi - lo) * 8 <= lo);
	}
	assert_int_equal(lathist__fine_hi(SS_LAT_FINE_BUCKETS - 1), UINT64_MAX);
	assert_int_equal(lat__fine_bucket(UINT64_MAX), SS_LAT_FINE_BUCKETS - 1);
	assert_int_equal(lat__fine_bucket(1ull << SS_LAT_FINE_TOP_BIT), SS_LAT_FINE_BUCKETS - 1);
}

static void ilog2_powers_and_neighbours(void **state)
{
	(void)state;
	assert_int_equal(lat__ilog2(0), 0);
	assert_int_equal(lat__ilog2(UINT64_MAX), 63);
	for (unsigned int k = 0; k < 64; k++) {
		uint64_t p = 1ull << k;

		assert_int_equal(lat__ilog2(p), k);
		if (k >= 1)
			assert_int_equal(lat__ilog2(p - 1), k - 1);
		if (k >= 1 && k < 63)
			assert_int_equal(lat__ilog2(p + 1), k);
	}
}

/* bcc's slots: 0 and 1 in slot 0, 2..3 in 1, 4..7 in 2, capped at the last. */
static void log2_slots_match_bcc(void **state)
{
	(void)state;
	assert_int_equal(lat__log2_slot(0), 0);
	assert_int_equal(lat__log2_slot(1), 0);
	assert_int_equal(lat__log2_slot(2), 1);
	assert_int_equal(lat__log2_slot(3), 1);
	for (uint64_t v = 4; v <= 7; v++)
		assert_int_equal(lat__log2_slot(v), 2);
	assert_int_equal(lat__log2_slot(8), 3);
	assert_int_equal(lat__log2_slot(1ull << 39), SS_LAT_LOG2_SLOTS - 1);
	assert_int_equal(lat__log2_slot(UINT64_MAX), SS_LAT_LOG2_SLOTS - 1);
}

static void percentiles_of_uniform_waits(void **state)
{
	struct lat_hist *h = hist_new();
	struct lat_view *v = view_new();
	uint64_t p50;

	(void)state;
	for (uint64_t ns = 1; ns <= 1000; ns++)
		hist_note(h, SS_LAT_WAKEUP, ns);
	view_of(v, h);
	assert_int_equal(latview__count(v, SS_LAT_WAKEUP), 1000);
	assert_int_equal(latview__max_ns(v, SS_LAT_WAKEUP), 1000);
	/* The 500th wait is 500 ns: answered as the last value of its bucket. */
	p50 = latview__percentile(v, SS_LAT_WAKEUP, 0.5);
	assert_int_equal(p50, lathist__fine_hi(lat__fine_bucket(500)) - 1);
	assert_true(p50 >= 500 && p50 <= 500 + 500 / 8);
	/* Exact at the bottom, and the top is the exact maximum, not a bucket edge. */
	assert_int_equal(latview__percentile(v, SS_LAT_WAKEUP, 0.001), 1);
	assert_int_equal(latview__percentile(v, SS_LAT_WAKEUP, 0.01), 10);
	assert_int_equal(latview__percentile(v, SS_LAT_WAKEUP, 1.0), 1000);
	assert_int_equal(latview__percentile(v, SS_LAT_WAKEUP, 0.999), 1000);
	/* Nothing of another kind. */
	assert_int_equal(latview__percentile(v, SS_LAT_PREEMPT, 0.5), 0);
	free(h);
	free(v);
}

static void percentiles_of_equal_waits_are_the_value(void **state)
{
	struct lat_hist *h = hist_new();
	struct lat_view *v = view_new();
	const double qs[] = { 1e-9, 0.5, 0.9, 0.99, 0.999, 1.0 };

	(void)state;
	for (int i = 0; i < 1000; i++)
		hist_note(h, SS_LAT_PREEMPT, 12345);
	view_of(v, h);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		assert_int_equal(latview__percentile(v, SS_LAT_PREEMPT, qs[i]), 12345);
	assert_int_equal(latview__max_ns(v, SS_LAT_PREEMPT), 12345);
	free(h);
	free(v);
}

/* ceil(0.999 * 1000) is 999, not 1000: the one outlier is p100 only. */
static void percentile_rank_is_exact(void **state)
{
	struct lat_hist *h = hist_new();
	struct lat_view *v = view_new();

	(void)state;
	for (int i = 0; i < 999; i++)
		hist_note(h, SS_LAT_WAKEUP, 5);
	hist_note(h, SS_LAT_WAKEUP, 1000000);
	view_of(v, h);
	assert_int_equal(latview__percentile(v, SS_LAT_WAKEUP, 0.999), 5);
	assert_int_equal(latview__percentile(v, SS_LAT_WAKEUP, 0.9995), 1000000);
	assert_int_equal(latview__percentile(v, SS_LAT_WAKEUP, 1.0), 1000000);
	free(h);
	free(v);
}

/* "all" is wakeup + preempt; the pre-migration parts are not more waits. */
static void all_combines_wakeup_and_preempt(void **state)
{
	struct lat_hist *h = hist_new();
	struct lat_view *v = view_new();

	(void)state;
	hist_note(h, SS_LAT_WAKEUP, 100);
	hist_note(h, SS_LAT_WAKEUP, 200);
	hist_note(h, SS_LAT_PREEMPT, 5000);
	hist_note(h, SS_LAT_PREMIG, 3000);
	view_of(v, h);
	assert_int_equal(latview__count(v, LAT_VIEW_ALL), 3);
	assert_int_equal(latview__sum_ns(v, LAT_VIEW_ALL), 5300);
	assert_int_equal(latview__max_ns(v, LAT_VIEW_ALL), 5000);
	assert_int_equal(latview__log2(v, LAT_VIEW_ALL, 0), 2);
	assert_int_equal(latview__log2(v, LAT_VIEW_ALL, 2), 1);
	assert_int_equal(latview__percentile(v, LAT_VIEW_ALL, 0.5), 207); /* [192, 208) */
	assert_int_equal(latview__percentile(v, LAT_VIEW_ALL, 1.0), 5000);
	assert_int_equal(latview__count(v, SS_LAT_PREMIG), 1);
	assert_false(latview__empty(v));
	latview__init(v);
	assert_true(latview__empty(v));
	free(h);
	free(v);
}

/* u32 buckets wrap in the kernel; the difference of two snapshots does not. */
static void deltas_survive_wrap(void **state)
{
	struct lat_hist *before = hist_new(), *now = hist_new();
	struct lat_view *v = view_new();
	unsigned int b = lat__fine_bucket(700);

	(void)state;
	before->fine[SS_LAT_WAKEUP][b] = 0xFFFFFFF0u;
	now->fine[SS_LAT_WAKEUP][b] = 0x10u;
	before->log2[SS_LAT_WAKEUP][0] = 0xFFFFFFF0u;
	now->log2[SS_LAT_WAKEUP][0] = 0x10u;
	before->count[SS_LAT_WAKEUP] = 0xFFFFFFF0u;
	now->count[SS_LAT_WAKEUP] = 0x100000010ull;
	before->sum_ns[SS_LAT_WAKEUP] = UINT64_MAX - 9;
	now->sum_ns[SS_LAT_WAKEUP] = 0x20 * 700 - 10;
	latview__init(v);
	latview__add_delta(v, now, before);
	assert_int_equal(v->fine[SS_LAT_WAKEUP][b], 0x20);
	assert_int_equal(v->log2[SS_LAT_WAKEUP][0], 0x20);
	assert_int_equal(v->count[SS_LAT_WAKEUP], 0x20);
	assert_int_equal(v->sum_ns[SS_LAT_WAKEUP], 0x20 * 700);
	free(before);
	free(now);
	free(v);
}

/*
 * The interval's maximum: its own epoch's slot and the next one's (noted
 * after user space moved the epoch on, before it read), never an older one.
 */
/* Add what h gained since base (both decoded when closing epoch) to v. */
static void add_since(struct lat_view *v, const struct ss_lat_hist *h,
		      const struct ss_lat_hist *base, uint32_t epoch)
{
	struct lat_hist *now = calloc(1, sizeof(*now)), *before = calloc(1, sizeof(*before));

	assert_non_null(now);
	assert_non_null(before);
	latdecode__hist(now, h, epoch);
	latdecode__hist(before, base, epoch);
	latview__add_delta(v, now, before);
	free(now);
	free(before);
}

static void maximum_of_the_closing_interval(void **state)
{
	struct ss_lat_hist *cpu0 = khist_new(), *cpu1 = khist_new();
	struct ss_lat_hist *base0 = khist_new(), *base1 = khist_new();
	struct lat_view *v = view_new();

	(void)state;
	knote(cpu0, SS_LAT_WAKEUP, 999999, 4); /* epoch 4, slot 0: long closed */
	*base0 = *cpu0;
	knote(cpu0, SS_LAT_WAKEUP, 100, 5);
	latview__init(v);
	add_since(v, cpu0, base0, 5);
	assert_int_equal(v->max_ns[SS_LAT_WAKEUP], 100);
	knote(cpu0, SS_LAT_WAKEUP, 300, 6); /* epoch 6 reuses slot 0 */
	latview__init(v);
	add_since(v, cpu0, base0, 5);
	assert_int_equal(v->max_ns[SS_LAT_WAKEUP], 300);
	/* A CPU with nothing in the interval adds nothing; per-CPU maxima combine. */
	knote(cpu1, SS_LAT_WAKEUP, 77777, 2);
	*base1 = *cpu1;
	add_since(v, cpu1, base1, 5);
	assert_int_equal(v->max_ns[SS_LAT_WAKEUP], 300);
	knote(cpu1, SS_LAT_WAKEUP, 4000, 5);
	add_since(v, cpu1, base1, 5);
	assert_int_equal(v->max_ns[SS_LAT_WAKEUP], 4000);
	/*
	 * A wait added just after epoch 5 closed is in the buckets read, its
	 * maximum in epoch 6's slot: the maximum is at least its bucket's
	 * lower edge, and no percentile reads above it.
	 */
	*base1 = *cpu1;
	knote(cpu1, SS_LAT_WAKEUP, 50000, 6);
	latview__init(v);
	add_since(v, cpu1, base1, 5);
	assert_true(v->max_ns[SS_LAT_WAKEUP] <= 50000);
	assert_true(v->max_ns[SS_LAT_WAKEUP] >= 50000 * 7 / 8);
	assert_true(latview__percentile(v, SS_LAT_WAKEUP, 0.99) <= v->max_ns[SS_LAT_WAKEUP]);
	free(cpu0);
	free(cpu1);
	free(base0);
	free(base1);
	free(v);
}

/*
 * What `report` fills from a recording is what the kernel fills: the same
 * waits through lathist__add_wait()/add_unsplit() and through the kernel's
 * lat__hist_sample()/unsplit(), decoded, hold the same counts.
 */
static void core_counts_as_the_kernel(void **state)
{
	static const uint64_t waits[] = { 0, 1, 7, 900, 1500, 65536, 3000000, 2000000000000ull };
	struct ss_lat_hist *k = khist_new();
	struct lat_hist *core = calloc(1, sizeof(*core)), *decoded = calloc(1, sizeof(*decoded));
	struct lat_sample span = { .wait_ns = 5000, .run_delay_ns = 5000, .arrivals = 3 };

	(void)state;
	assert_non_null(core);
	assert_non_null(decoded);
	for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		struct lat_sample one = { .wait_ns = waits[i],
					  .run_delay_ns = waits[i],
					  .kind = i % 2 ? SS_LAT_PREEMPT : SS_LAT_WAKEUP };

		lat__hist_sample(k, &one, US, 1);
		lathist__add_wait(core, one.kind, waits[i], US);
	}
	lat__hist_unsplit(k, &span);
	lathist__add_unsplit(core, span.arrivals, span.wait_ns);
	latdecode__hist(decoded, k, 1);
	assert_memory_equal(decoded, core, sizeof(*core));
	/* Read, the interval's maximum starts over; the counts go on. */
	lathist__restart_max(core);
	assert_int_equal(core->max_ns[SS_LAT_PREEMPT], 0);
	assert_int_equal(core->count[SS_LAT_PREEMPT], 4);
	free(k);
	free(core);
	free(decoded);
}

/* The session's decoding of the other records: every field lands; an unknown type is refused. */
static void records_decode_into_core_types(void **state)
{
	struct ss_lat_event k = {
		.ts_ns = 1,
		.lat_ns = 2,
		.premig_ns = 3,
		.type = SS_EV_WAKE_INV,
		.kind = 1,
		.cpu = 4,
		.pid = 5,
		.tid = 6,
		.other_pid = 7,
		.other_tid = 8,
		.third_tid = 9,
		.prio = 10,
		.other_prio = 11,
		.third_prio = 12,
		.waits = 13,
		.comm = "victim",
		.other_comm = "waker",
		.third_comm = "hog",
	};
	struct ss_waiting_rec kw = {
		.start_ns = 1,
		.wait_ns = 2,
		.pid = 3,
		.tid = 4,
		.cpu = 5,
		.prio = 6,
		.policy = 1,
		.curr_pid = 7,
		.curr_tid = 8,
		.curr_prio = 9,
		.curr_policy = 2,
		.comm = "starving",
		.curr_comm = "holder",
	};
	struct ss_lat_stat ks = { 1, 2, 3, 4, 5, 6, 7 };
	struct lat_event e;
	struct lat_waiting w;
	struct lat_stat st;

	(void)state;
	assert_true(latdecode__event(&e, &k));
	assert_int_equal(e.type, LAT_EV_WAKE_INV);
	assert_int_equal(e.ts_ns + e.lat_ns + e.premig_ns, 6);
	assert_int_equal(e.kind, 1);
	assert_int_equal(e.cpu * 1000 + e.pid * 100 + e.tid * 10 + e.other_pid, 4567);
	assert_int_equal(e.other_tid * 10 + e.third_tid, 89);
	assert_int_equal(e.prio + e.other_prio + e.third_prio, 33);
	assert_int_equal(e.waits, 13);
	assert_string_equal(e.comm, "victim");
	assert_string_equal(e.other_comm, "waker");
	assert_string_equal(e.third_comm, "hog");
	k.type = 99;
	assert_false(latdecode__event(&e, &k));
	latdecode__waiting(&w, &kw);
	assert_int_equal(w.start_ns * 10 + w.wait_ns, 12);
	assert_int_equal(w.pid * 100 + w.tid * 10 + w.cpu, 345);
	assert_int_equal(w.prio, 6);
	assert_int_equal(w.policy, 1);
	assert_int_equal(w.curr_pid * 100 + w.curr_tid * 10 + w.curr_prio, 789);
	assert_int_equal(w.curr_policy, 2);
	assert_string_equal(w.comm, "starving");
	assert_string_equal(w.curr_comm, "holder");
	latdecode__stat(&st, &ks);
	assert_int_equal(st.waits, 1);
	assert_int_equal(st.table_full, 5);
	assert_int_equal(st.kpreempt, 6);
	assert_int_equal(st.waking_stale, 7);
}

static void merge_sums_counts_and_keeps_the_larger_max(void **state)
{
	struct lat_hist *a = hist_new(), *b = hist_new();
	struct lat_view *va = view_new(), *vb = view_new();

	(void)state;
	hist_note(a, SS_LAT_PREEMPT, 2000);
	hist_note(b, SS_LAT_PREEMPT, 9000);
	hist_note(b, SS_LAT_PREMIG, 40);
	view_of(va, a);
	view_of(vb, b);
	latview__merge(va, vb);
	assert_int_equal(latview__count(va, SS_LAT_PREEMPT), 2);
	assert_int_equal(latview__sum_ns(va, SS_LAT_PREEMPT), 11000);
	assert_int_equal(latview__max_ns(va, SS_LAT_PREEMPT), 9000);
	assert_int_equal(latview__max_ns(va, SS_LAT_PREMIG), 40);
	assert_int_equal(latview__fine(va, SS_LAT_PREEMPT, lat__fine_bucket(9000)), 1);
	assert_int_equal(latview__log2(va, SS_LAT_PREEMPT, 1), 1);
	assert_int_equal(latview__log2(va, SS_LAT_PREEMPT, 3), 1);
	free(a);
	free(b);
	free(va);
	free(vb);
}

static void latsnap_reuse_and_removal(void **state)
{
	struct latsnap *s = latsnap__new();
	struct lat_thread *h = calloc(1, sizeof(*h));
	const struct lat_thread *p;

	(void)state;
	assert_non_null(s);
	assert_non_null(h);
	assert_null(latsnap__prev(s, 10, 1));
	h->tid = 10;
	h->start_ns = 1;
	lathist__add(&h->h, SS_LAT_WAKEUP, 500, US);
	assert_int_equal(latsnap__put(s, h), 0);
	p = latsnap__prev(s, 10, 1);
	assert_non_null(p);
	assert_memory_equal(p, h, sizeof(*h));
	/* The TID now names a new thread: its previous counts as zero. */
	assert_null(latsnap__prev(s, 10, 2));
	h->start_ns = 2;
	h->h.count[SS_LAT_WAKEUP] = 0;
	assert_int_equal(latsnap__put(s, h), 0);
	assert_int_equal(latsnap__size(s), 1);
	assert_null(latsnap__prev(s, 10, 1));
	assert_int_equal(latsnap__prev(s, 10, 2)->h.count[SS_LAT_WAKEUP], 0);
	/* An earlier thread's removal leaves the TID's current one. */
	latsnap__remove(s, 10, 1);
	assert_int_equal(latsnap__size(s), 1);
	latsnap__remove(s, 10, 2);
	latsnap__remove(s, 10, 2);
	assert_null(latsnap__prev(s, 10, 2));
	assert_int_equal(latsnap__size(s), 0);
	latsnap__free(s);
	latsnap__free(NULL);
	free(h);
}

/* Growth and backward-shift removal against a plain array, with clustered TIDs. */
static void latsnap_many_threads(void **state)
{
	enum { N = 3000 };
	struct latsnap *s = latsnap__new();
	struct lat_thread *h = calloc(1, sizeof(*h));
	static unsigned char present[N];

	(void)state;
	assert_non_null(s);
	assert_non_null(h);
	for (uint32_t i = 0; i < N; i++) {
		h->tid = i * 64; /* multiples of the first capacity */
		h->start_ns = i;
		h->pid = i * 3;
		assert_int_equal(latsnap__put(s, h), 0);
		present[i] = 1;
	}
	for (uint32_t i = 0; i < N; i += 3) {
		latsnap__remove(s, i * 64, i);
		present[i] = 0;
	}
	for (uint32_t i = 1; i < N; i += 7) {
		latsnap__remove(s, i * 64, i);
		present[i] = 0;
	}
	for (uint32_t i = 0; i < N; i++) {
		const struct lat_thread *p = latsnap__prev(s, i * 64, i);

		if (!present[i]) {
			assert_null(p);
			continue;
		}
		assert_non_null(p);
		assert_int_equal(p->pid, i * 3);
	}
	latsnap__free(s);
	free(h);
}

static char *render_log2(const uint64_t *slots, unsigned int nr, const char *unit)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	lat_out__log2(f, slots, nr, unit);
	fclose(f);
	return buf;
}

/* bcc's runqlat text, byte for byte. */
static void log2_text_is_bccs(void **state)
{
	const uint64_t slots[SS_LAT_LOG2_SLOTS] = { 3, 10, 0, 1 };
	const uint64_t none[SS_LAT_LOG2_SLOTS] = { 0 };
	uint64_t wide[SS_LAT_LOG2_SLOTS] = { 0 };
	char *out;

	(void)state;
	out = render_log2(slots, SS_LAT_LOG2_SLOTS, "usecs");
	assert_string_equal(
		out,
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 3        |************                            |\n"
		"         2 -> 3          : 10       |****************************************|\n"
		"         4 -> 7          : 0        |                                        |\n"
		"         8 -> 15         : 1        |****                                    |\n");
	free(out);
	out = render_log2(none, SS_LAT_LOG2_SLOTS, "usecs");
	assert_string_equal(out, "");
	free(out);
	/* Past slot 32 the columns widen and the bar halves. */
	wide[33] = 2;
	wide[0] = 1;
	out = render_log2(wide, SS_LAT_LOG2_SLOTS, "msecs");
	assert_non_null(
		strstr(out, "               msecs                         : count    distribution\n"
			    "                   0 -> 1                    : 1        |**********   "
			    "       |\n"));
	assert_non_null(strstr(out, "          8589934592 -> 17179869183          : 2        "
				    "|********************|\n"));
	free(out);
}

static void durations_for_people(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(lat_out__dur(b, sizeof(b), 0), "0 ns");
	assert_string_equal(lat_out__dur(b, sizeof(b), 740), "740 ns");
	assert_string_equal(lat_out__dur(b, sizeof(b), 1000), "1.00 us");
	assert_string_equal(lat_out__dur(b, sizeof(b), 5100), "5.10 us");
	assert_string_equal(lat_out__dur(b, sizeof(b), 15400), "15.4 us");
	assert_string_equal(lat_out__dur(b, sizeof(b), 250000), "250 us");
	assert_string_equal(lat_out__dur(b, sizeof(b), 999499), "999 us");
	assert_string_equal(lat_out__dur(b, sizeof(b), 999600), "1.00 ms");
	assert_string_equal(lat_out__dur(b, sizeof(b), 1200000), "1.20 ms");
	assert_string_equal(lat_out__dur(b, sizeof(b), 3000000000ull), "3.00 s");
	assert_string_equal(lat_out__dur(b, sizeof(b), 4000000000000ull), "4000 s");
}

static char *render_summary(const struct lat_view *v, unsigned int kind)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	lat_out__summary(f, v, kind);
	fclose(f);
	return buf;
}

static void summary_lines(void **state)
{
	struct lat_hist *h = hist_new();
	struct lat_view *v = view_new();
	char *out;

	(void)state;
	hist_note(h, SS_LAT_WAKEUP, 1000);
	hist_note(h, SS_LAT_WAKEUP, 1400);
	hist_note(h, SS_LAT_WAKEUP, 5000);
	hist_note(h, SS_LAT_PREMIG, 700);
	view_of(v, h);
	out = render_summary(v, SS_LAT_WAKEUP);
	/* p50: 1400 lies in [1280, 1408), answered 1407. */
	assert_string_equal(out, "  wakeup->run  waits 3  avg 2.47 us  p50 1.41 us  p90 5.00 us"
				 "  p99 5.00 us  p99.9 5.00 us  max 5.00 us\n");
	free(out);
	out = render_summary(v, SS_LAT_PREEMPT);
	assert_string_equal(out, "  preempt->run waits 0\n");
	free(out);
	out = render_summary(v, SS_LAT_PREMIG);
	assert_string_equal(out,
			    "  migrated     waits 1  pre-migration part: sum 700 ns  p50 700 ns"
			    "  p90 700 ns  p99 700 ns  p99.9 700 ns  max 700 ns\n");
	free(out);
	free(h);
	free(v);
}

/* Brackets balance outside strings, and the object ends its line. */
static int json_well_formed(const char *s)
{
	int depth = 0, in_str = 0;

	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_str = 0;
		} else if (*s == '"') {
			in_str = 1;
		} else if (*s == '{' || *s == '[') {
			depth++;
		} else if (*s == '}' || *s == ']') {
			if (--depth < 0)
				return 0;
		} else if (*s == '\n') {
			return depth == 0 && !s[1];
		}
	}
	return 0;
}

static void json_histograms(void **state)
{
	struct lat_hist *h = hist_new();
	struct lat_view *v = view_new();
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct json j;

	(void)state;
	assert_non_null(f);
	hist_note(h, SS_LAT_WAKEUP, 1000);
	hist_note(h, SS_LAT_WAKEUP, 1400);
	hist_note(h, SS_LAT_WAKEUP, 5000);
	hist_note(h, SS_LAT_PREEMPT, 2000000000000ull); /* in the open-ended bucket */
	view_of(v, h);
	json__init(&j, f);
	json__begin_object(&j, NULL);
	json__u64(&j, "cpu", 3);
	lat_out__json(&j, v, "us");
	json__end_object(&j);
	fclose(f);
	assert_true(json_well_formed(buf));
	assert_non_null(strstr(buf, "{\"cpu\":3,\"wakeup\":{\"count\":3,\"sum_ns\":7400,"
				    "\"max_ns\":5000,\"p50_ns\":1407,\"p90_ns\":5000,"));
	assert_non_null(strstr(buf, "\"log2\":{\"unit\":\"us\",\"slots\":[{\"lo\":0,\"hi\":1,"
				    "\"count\":2},{\"lo\":4,\"hi\":7,\"count\":1}]}"));
	assert_non_null(strstr(buf, "\"fine\":[{\"lo_ns\":960,\"hi_ns\":1024,\"count\":1},"));
	assert_non_null(strstr(buf, "\"premig\":{\"count\":0,"));
	assert_non_null(strstr(buf, "\"all\":{\"count\":4,"));
	/* The open-ended bucket ends one past the largest wait. */
	assert_non_null(strstr(buf, "\"hi_ns\":2000000000001,\"count\":1}"));
	free(buf);
	free(h);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fine_edges_invert_the_bucket_rule),
		cmocka_unit_test(ilog2_powers_and_neighbours),
		cmocka_unit_test(log2_slots_match_bcc),
		cmocka_unit_test(percentiles_of_uniform_waits),
		cmocka_unit_test(percentiles_of_equal_waits_are_the_value),
		cmocka_unit_test(percentile_rank_is_exact),
		cmocka_unit_test(all_combines_wakeup_and_preempt),
		cmocka_unit_test(deltas_survive_wrap),
		cmocka_unit_test(maximum_of_the_closing_interval),
		cmocka_unit_test(merge_sums_counts_and_keeps_the_larger_max),
		cmocka_unit_test(core_counts_as_the_kernel),
		cmocka_unit_test(records_decode_into_core_types),
		cmocka_unit_test(latsnap_reuse_and_removal),
		cmocka_unit_test(latsnap_many_threads),
		cmocka_unit_test(log2_text_is_bccs),
		cmocka_unit_test(durations_for_people),
		cmocka_unit_test(summary_lines),
		cmocka_unit_test(json_histograms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
