/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The life of one BPF object, written once for every session:
 *
 *   bpfsess__open()       check the kernel and our privileges, count the CPUs,
 *                         open the skeleton
 *   (configure)           the session's own: rodata, autoload and autoattach
 *                         choices, map sizes, on b->skel
 *   bpfsess__load()       by a loader program, which the kernel relocates
 *                         against its own BTF (bpfenv__kernel_loads()), or
 *                         by libbpf
 *   bpfsess__attach()     every program that is loaded and auto-attached,
 *                         iterators included, each into a link of its own
 *   bpfsess__open_ring()  optional
 *   bpfsess__poll(), bpfsess__iter_read()      the session's reads
 *   bpfsess__close()      the one cleanup path, from any step
 *
 * A session embeds struct bpfsess, names its skeleton with BPFSESS_SKEL()
 * and keeps its configure function and its reads; a program run by hand
 * (a probe run on each CPU, a hook attached only if the kernel allows) is
 * marked with bpf_program__set_autoattach(prog, false) when configuring.
 * Functions return 0 or -errno and say what went wrong, once, except the
 * ring's poll and consume: a callback's own return comes back through
 * them, and only the session knows which of those is an error.
 */
#ifndef SCHEDSCOPE_BPFSESS_H
#define SCHEDSCOPE_BPFSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>

/* What the generated skeleton of one object supplies. */
struct bpfsess_skel {
	void *(*open)(void);
	struct bpf_object_skeleton *(*skeleton)(void *skel);
	void (*destroy)(void *skel);
};

/*
 * The hooks of the skeleton `name` (e.g. acct_bpf from acct.skel.h) as the
 * constant `var`: bpftool's functions are typed, these take a void *.
 */
#define BPFSESS_SKEL(var, name)                                       \
	static void *var##_open(void)                                 \
	{                                                             \
		return name##__open();                                \
	}                                                             \
	static struct bpf_object_skeleton *var##_skeleton(void *skel) \
	{                                                             \
		return ((struct name *)skel)->skeleton;               \
	}                                                             \
	static void var##_destroy(void *skel)                         \
	{                                                             \
		name##__destroy(skel);                                \
	}                                                             \
	static const struct bpfsess_skel var = { var##_open, var##_skeleton, var##_destroy }

/*
 * The ring's reader and the bounds of a delivery in progress. A producer
 * faster than the reader (trace under a pipe ping-pong) keeps libbpf's poll
 * and consume in their loop for as long as it lasts: every 1024 records the
 * callback gives control back if the deadline or a stop has come, and a
 * drain stops after as many records as a full ring holds.
 */
struct bpfsess_ring {
	ring_buffer_sample_fn fn;
	void *ctx;
	uint64_t beat_ns;  /* the longest wait (records that ask no wake-up) */
	uint64_t capacity; /* records a full ring holds at most */
	int status;	   /* fn's first non-zero return: no record is delivered after it */
	bool yielded;	   /* control given back (not an error) */
	bool honor_stop;
	uint32_t since_check;
	uint64_t deadline_ns;
	uint64_t budget; /* records left to deliver */
};

struct bpfsess {
	void *skel; /* the typed skeleton: the session's to configure and read */
	struct bpf_object_skeleton *obj_skel;
	const struct bpfsess_skel *hooks;
	bool verbose;	  /* libbpf's warnings, the cost of loading */
	bool by_loader;	  /* loaded by a loader program: prog_fd[] is ours to close */
	uint32_t nr_cpus; /* possible CPUs: the length of per-CPU values */
	int *prog_fd;	  /* by the skeleton's program index, once loaded; -1: not loaded */
	int *link_fd;	  /* by the same index; -1: not attached */
	struct ring_buffer *rb;
	struct bpfsess_ring ring;
	void *iter_buf; /* every iterator read's, allocated at the first */
};

/* Up to the skeleton opened, not loaded. On failure b holds nothing to close. */
int bpfsess__open(struct bpfsess *b, const struct bpfsess_skel *hooks, bool verbose);

/*
 * Load the configured object; says why not unless quiet (a caller that will
 * retry with fewer programs says it itself).
 */
int bpfsess__load(struct bpfsess *b, bool quiet);

/* Destroy the skeleton and open it afresh, for a load with other choices. */
int bpfsess__reopen(struct bpfsess *b);

/* Every program loaded and left to auto-attach, in the object's order. */
int bpfsess__attach(struct bpfsess *b);

/* One program run by hand, into its link; quiet: the caller says why not. */
int bpfsess__attach_prog(struct bpfsess *b, const struct bpf_program *prog, bool quiet);

/* A loaded program's descriptor (to run it by hand), or -1. */
int bpfsess__prog_fd(const struct bpfsess *b, const struct bpf_program *prog);

/* Run prog (a loaded raw_tp program) once on each CPU, by IPI; offline CPUs are skipped. */
void bpfsess__run_on_each_cpu(const struct bpfsess *b, const struct bpf_program *prog);

/* Whether prog is attached now. */
bool bpfsess__attached(const struct bpfsess *b, const struct bpf_program *prog);

/* Detach one program (its link destroyed), if attached. */
void bpfsess__detach_prog(struct bpfsess *b, const struct bpf_program *prog);

/* Detach every program but the iterators, which stay for reads. Idempotent. */
void bpfsess__detach(struct bpfsess *b);

/*
 * Size a ring buffer map before the load: bytes (a power of two of pages),
 * at least a page, which is what a ring nothing reads is given (bytes 0).
 * Returns the size set.
 */
size_t bpfsess__size_ring(struct bpf_map *ring, size_t bytes);

/*
 * Size the stream shape's ring (stream.bpf.h) as bpfsess__size_ring() does,
 * its reader woken as 1/8 of it fills (stream_wakeup_bytes, *wakeup).
 */
void bpfsess__size_stream(struct bpf_map *ring, volatile __u64 *wakeup, size_t bytes);

/*
 * Records of the ring buffer map to fn, whose non-zero return ends the
 * delivery for good. beat_ns bounds each wait of bpfsess__poll(): records
 * submitted without a wake-up wait no longer. After the load (the ring's
 * size is read).
 */
int bpfsess__open_ring(struct bpfsess *b, struct bpf_map *map, const char *what,
		       ring_buffer_sample_fn fn, void *ctx, uint64_t beat_ns);

/*
 * Deliver ring records (or, without a ring, sleep) until deadline_ns
 * (CLOCK_MONOTONIC) or a stop request, however fast they come. Returns 0,
 * or the first error of the ring, a callback's non-zero return among them,
 * which ends the wait early.
 */
int bpfsess__poll(struct bpfsess *b, uint64_t deadline_ns);

/*
 * What the ring holds now, without waiting, and at most a full ring's worth
 * of records. Returns 0 or, as bpfsess__poll(), the ring's error.
 */
int bpfsess__consume(struct bpfsess *b);

/*
 * The records the ring could not take, from the object's stream_stat
 * (stream.bpf.h), summed over the CPUs; each CPU's into per_cpu too (if
 * not NULL, b->nr_cpus long), which keeps what it held when the read
 * fails: counts only grow.
 */
uint64_t bpfsess__drops(struct bpfsess *b, const struct bpf_map *stat, uint64_t *per_cpu);

/*
 * Run the attached iterator program iter once and hand each whole record of
 * rec_size bytes to fn (which returns 0 to go on). Errors are said.
 */
int bpfsess__iter_read(struct bpfsess *b, const struct bpf_program *iter, size_t rec_size,
		       int (*fn)(void *ctx, const void *rec), void *ctx);

/*
 * What each loaded program has cost so far (bpf_obj_get_info_by_fd(): libbpf
 * 1.1 has no bpf_prog_get_info_by_fd()), as the kernel counts it while
 * kernel.bpf_stats_enabled is 1 (both 0 otherwise), to fn.
 */
typedef void (*bpfsess_cost_fn)(void *ctx, const char *prog, uint64_t run_ns, uint64_t runs);
void bpfsess__prog_costs(const struct bpfsess *b, bpfsess_cost_fn fn, void *ctx);

/* The one cleanup path, from any step; b holds nothing afterwards. */
void bpfsess__close(struct bpfsess *b);

#endif
