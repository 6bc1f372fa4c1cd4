// SPDX-License-Identifier: GPL-2.0
#include "session/bpfsess.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpf/abi.h"
#include "cli.h"
#include "session/bpfenv.h"
#include "session/bpfload.h"
#include "session/stop.h"

/* Whole records of any size up to this fit; a read returns a seq_file page or so. */
#define ITER_BUF_BYTES (64u << 10)

int bpfsess__open(struct bpfsess *b, const struct bpfsess_skel *hooks, bool verbose)
{
	int n, err;

	memset(b, 0, sizeof(*b));
	/*
	 * libbpf's own load (SCHEDSCOPE_LOADER=libbpf, kernels before 6.1)
	 * copies the kernel's BTF (5 MB) twice and frees both. glibc then
	 * raises its mmap threshold above that size, so the next such buffers
	 * (a second load, growing tables) come from the heap and stay resident
	 * after free: 11 MB more under trace's ring buffer. A fixed threshold
	 * keeps every large buffer an mmap, returned at free.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	err = bpfenv__check(verbose);
	if (err)
		return err;
	n = libbpf_num_possible_cpus();
	if (n <= 0) {
		err = n ? n : -EINVAL;
		cli__err("cannot count the CPUs: %s", strerror(-err));
		return err;
	}
	b->nr_cpus = (uint32_t)n;
	b->verbose = verbose;
	b->hooks = hooks;
	b->skel = hooks->open();
	if (!b->skel) {
		err = -errno;
		cli__err("cannot open the BPF object: %s", strerror(-err));
		return err;
	}
	b->obj_skel = hooks->skeleton(b->skel);
	return 0;
}

/*
 * The loader program reports only which of its steps failed: the verifier's
 * log comes from libbpf's own load.
 */
static void say_load_error(const struct bpfsess *b, int err)
{
	cli__err("cannot load the BPF programs: %s (%s)", strerror(-err),
		 err == -EPERM || err == -EACCES ? BPFENV_PRIVILEGE_HINT
		 : b->by_loader
			 ? "rerun with -v and SCHEDSCOPE_LOADER=libbpf for the verifier's log"
			 : "rerun with -v for libbpf's log");
}

/* Program i's information from the kernel, if it is loaded and the kernel gives it. */
static bool prog_info(const struct bpfsess *b, int i, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return b->prog_fd[i] >= 0 && !bpf_obj_get_info_by_fd(b->prog_fd[i], info, &len);
}

/*
 * With -v, how long loading took and how many instructions the verifier
 * walked for each program: the cost of starting up, which grows with the
 * paths through a program.
 */
static void say_load_cost(const struct bpfsess *b, uint64_t start_ns)
{
	const struct bpf_object_skeleton *sk = b->obj_skel;

	fprintf(stderr, "schedscope: %s loaded in %.1f ms (%s); instructions verified:", sk->name,
		(double)(stop__now_ns() - start_ns) / 1e6,
		b->by_loader ? "kernel loader" : "libbpf");
	for (int i = 0; i < sk->prog_cnt; i++) {
		const struct bpf_program *prog = *sk->progs[i].prog;
		struct bpf_prog_info info;

		if (b->prog_fd[i] < 0)
			continue;
		/* Kernels before 5.16 do not count them: 0. */
		if (!prog_info(b, i, &info) || !info.verified_insns)
			fprintf(stderr, " %s n/a", bpf_program__name(prog));
		else
			fprintf(stderr, " %s %u", bpf_program__name(prog), info.verified_insns);
	}
	fputc('\n', stderr);
}

/* Room for each program's descriptors, none held yet. */
static int new_fds(struct bpfsess *b)
{
	int n = b->obj_skel->prog_cnt;

	b->prog_fd = malloc((size_t)n * sizeof(int));
	b->link_fd = malloc((size_t)n * sizeof(int));
	if (!b->prog_fd || !b->link_fd)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		b->prog_fd[i] = b->link_fd[i] = -1;
	return 0;
}

int bpfsess__load(struct bpfsess *b, bool quiet)
{
	uint64_t start = stop__now_ns();
	int err = new_fds(b);

	b->by_loader = bpfenv__kernel_loads();
	if (!err && b->by_loader) {
		err = bpfload__by_loader(b->obj_skel, b->prog_fd, b->verbose);
	} else if (!err) {
		err = bpf_object__load_skeleton(b->obj_skel);
		for (int i = 0; !err && i < b->obj_skel->prog_cnt; i++)
			b->prog_fd[i] = bpf_program__fd(*b->obj_skel->progs[i].prog);
	}
	if (err) {
		if (!quiet)
			say_load_error(b, err);
		return err;
	}
	if (b->verbose)
		say_load_cost(b, start);
	return 0;
}

/* prog's index in the skeleton, or -1. */
static int prog_index(const struct bpfsess *b, const struct bpf_program *prog)
{
	for (int i = 0; i < b->obj_skel->prog_cnt; i++)
		if (*b->obj_skel->progs[i].prog == prog)
			return i;
	return -1;
}

int bpfsess__prog_fd(const struct bpfsess *b, const struct bpf_program *prog)
{
	int i = b->prog_fd ? prog_index(b, prog) : -1;

	return i < 0 ? -1 : b->prog_fd[i];
}

void bpfsess__run_on_each_cpu(const struct bpfsess *b, const struct bpf_program *prog)
{
	int fd = bpfsess__prog_fd(b, prog);

	for (uint32_t cpu = 0; cpu < b->nr_cpus; cpu++) {
		struct bpf_test_run_opts opts = { .sz = sizeof(opts),
						  .flags = BPF_F_TEST_RUN_ON_CPU,
						  .cpu = cpu };

		/* An offline CPU refuses; it has nothing to report either. */
		bpf_prog_test_run_opts(fd, &opts);
	}
}

bool bpfsess__attached(const struct bpfsess *b, const struct bpf_program *prog)
{
	int i = b->link_fd ? prog_index(b, prog) : -1;

	return i >= 0 && b->link_fd[i] >= 0;
}

int bpfsess__attach_prog(struct bpfsess *b, const struct bpf_program *prog, bool quiet)
{
	int i = b->prog_fd ? prog_index(b, prog) : -1, link;

	if (i < 0 || b->prog_fd[i] < 0)
		return -EINVAL;
	link = bpfload__attach(prog, b->prog_fd[i]);
	if (link < 0) {
		if (!quiet)
			cli__err("cannot attach %s: %s%s", bpf_program__section_name(prog),
				 strerror(-link),
				 link == -EPERM || link == -EACCES ? " (" BPFENV_PRIVILEGE_HINT ")"
				 : link == -ENOENT || link == -ESRCH
					 ? " (this kernel lacks the hook)"
					 : "");
		return link;
	}
	b->link_fd[i] = link;
	return 0;
}

int bpfsess__attach(struct bpfsess *b)
{
	for (int i = 0; i < b->obj_skel->prog_cnt; i++) {
		struct bpf_program *prog = *b->obj_skel->progs[i].prog;
		int err;

		if (b->prog_fd[i] < 0 || !bpf_program__autoattach(prog) || b->link_fd[i] >= 0)
			continue;
		err = bpfsess__attach_prog(b, prog, false);
		if (err)
			return err;
	}
	return 0;
}

static void detach_one(struct bpfsess *b, int i)
{
	if (b->link_fd[i] >= 0)
		close(b->link_fd[i]);
	b->link_fd[i] = -1;
}

void bpfsess__detach_prog(struct bpfsess *b, const struct bpf_program *prog)
{
	int i = b->link_fd ? prog_index(b, prog) : -1;

	if (i >= 0)
		detach_one(b, i);
}

static bool is_iterator(const struct bpf_program *prog)
{
	return bpf_program__expected_attach_type(prog) == BPF_TRACE_ITER;
}

void bpfsess__detach(struct bpfsess *b)
{
	if (!b->link_fd)
		return;
	/* Last attached, first detached: a later hook may rely on an earlier one's state. */
	for (int i = b->obj_skel->prog_cnt - 1; i >= 0; i--)
		if (!is_iterator(*b->obj_skel->progs[i].prog))
			detach_one(b, i);
}

/* Every link closed, and the loader's programs; before the skeleton goes. */
static void drop_fds(struct bpfsess *b)
{
	for (int i = 0; b->link_fd && i < b->obj_skel->prog_cnt; i++)
		detach_one(b, i);
	for (int i = 0; b->by_loader && b->prog_fd && i < b->obj_skel->prog_cnt; i++)
		if (b->prog_fd[i] >= 0)
			close(b->prog_fd[i]);
	free(b->prog_fd);
	free(b->link_fd);
	b->prog_fd = b->link_fd = NULL;
}

int bpfsess__reopen(struct bpfsess *b)
{
	int err;

	drop_fds(b);
	b->hooks->destroy(b->skel);
	b->obj_skel = NULL;
	b->skel = b->hooks->open();
	if (!b->skel) {
		err = -errno;
		cli__err("cannot open the BPF object: %s", strerror(-err));
		return err;
	}
	b->obj_skel = b->hooks->skeleton(b->skel);
	return 0;
}

/* Records between two looks at the clock and at a stop request. */
#define RING_CHECK_EVERY 1024
/* The smallest record a ring holds: its header, with no data. */
#define RING_MIN_RECORD 8

size_t bpfsess__size_ring(struct bpf_map *ring, size_t bytes)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page > 0 && bytes < (size_t)page)
		bytes = (size_t)page;
	bpf_map__set_max_entries(ring, (uint32_t)bytes);
	return bytes;
}

void bpfsess__size_stream(struct bpf_map *ring, volatile __u64 *wakeup, size_t bytes)
{
	*wakeup = bpfsess__size_ring(ring, bytes) / 8;
}

/* libbpf's callback: the session's, within the bounds of the delivery. */
static int ring_record(void *ctx, void *data, size_t size)
{
	struct bpfsess_ring *r = ctx;

	if (!r->status)
		r->status = r->fn(r->ctx, data, size);
	/* Only a negative return stops libbpf's loop. */
	if (r->status)
		return r->status < 0 ? r->status : -ECANCELED;
	if (--r->budget == 0)
		r->yielded = true;
	else if (++r->since_check == RING_CHECK_EVERY) {
		r->since_check = 0;
		r->yielded =
			(r->honor_stop && stop__requested()) || stop__now_ns() >= r->deadline_ns;
	}
	return r->yielded ? -EAGAIN : 0;
}

int bpfsess__open_ring(struct bpfsess *b, struct bpf_map *map, const char *what,
		       ring_buffer_sample_fn fn, void *ctx, uint64_t beat_ns)
{
	memset(&b->ring, 0, sizeof(b->ring));
	b->ring.fn = fn;
	b->ring.ctx = ctx;
	b->ring.beat_ns = beat_ns;
	b->ring.capacity = bpf_map__max_entries(map) / RING_MIN_RECORD;
	b->rb = ring_buffer__new(bpf_map__fd(map), ring_record, &b->ring, NULL);
	if (!b->rb) {
		int err = -errno;

		cli__err("cannot open the %s ring buffer: %s", what, strerror(-err));
		return err;
	}
	return 0;
}

/* What libbpf's poll or consume returned, n, as 0, the callback's status or the ring's error. */
static int delivered(struct bpfsess_ring *r, int n)
{
	if (r->status)
		return r->status;
	if (n >= 0 || n == -EINTR || r->yielded)
		return 0;
	return n;
}

/* Set the bounds of the next delivery. */
static void bound(struct bpfsess_ring *r, uint64_t deadline_ns, uint64_t budget, bool honor_stop)
{
	r->deadline_ns = deadline_ns;
	r->budget = budget;
	r->honor_stop = honor_stop;
	r->yielded = false;
}

int bpfsess__consume(struct bpfsess *b)
{
	if (!b->rb)
		return 0;
	/* A producer faster than us cannot keep us here: at most a full ring. */
	bound(&b->ring, UINT64_MAX, b->ring.capacity + 1, false);
	return delivered(&b->ring, ring_buffer__consume(b->rb));
}

int bpfsess__poll(struct bpfsess *b, uint64_t deadline_ns)
{
	struct bpfsess_ring *r = &b->ring;

	while (!stop__requested() && !r->status) {
		uint64_t now = stop__now_ns(), left;
		int err;

		if (now >= deadline_ns)
			break;
		left = deadline_ns - now;
		if (!b->rb) {
			struct timespec ts = { (time_t)(left / 1000000000ull),
					       (long)(left % 1000000000ull) };

			nanosleep(&ts, NULL);
			continue;
		}
		if (left > r->beat_ns)
			left = r->beat_ns;
		bound(r, deadline_ns, UINT64_MAX, true);
		err = delivered(r, ring_buffer__poll(b->rb, (int)((left + 999999) / 1000000)));
		/* Records queued without a wake-up: the poll timed out on them. */
		if (!err && !r->yielded)
			err = delivered(r, ring_buffer__consume(b->rb));
		if (err)
			return err;
	}
	return r->status;
}

uint64_t bpfsess__drops(struct bpfsess *b, const struct bpf_map *stat, uint64_t *per_cpu)
{
	struct ss_stream_stat *now = calloc(b->nr_cpus, sizeof(*now));
	uint32_t zero = 0;
	uint64_t sum = 0;
	bool read;

	if (!now)
		return 0;
	read = !bpf_map__lookup_elem(stat, &zero, sizeof(zero), now, b->nr_cpus * sizeof(*now), 0);
	for (uint32_t c = 0; c < b->nr_cpus; c++) {
		if (per_cpu && read)
			per_cpu[c] = now[c].drops;
		sum += per_cpu ? per_cpu[c] : now[c].drops;
	}
	free(now);
	return sum;
}

int bpfsess__iter_read(struct bpfsess *b, const struct bpf_program *iter, size_t rec_size,
		       int (*fn)(void *ctx, const void *rec), void *ctx)
{
	size_t have = 0, buf_size = ITER_BUF_BYTES / rec_size * rec_size;
	int i = b->link_fd ? prog_index(b, iter) : -1, fd, err = 0;
	char *buf = b->iter_buf;

	if (!buf) {
		buf = b->iter_buf = malloc(ITER_BUF_BYTES);
		if (!buf) {
			cli__err("out of memory");
			return -ENOMEM;
		}
	}
	fd = i < 0 ? -EBADF : bpf_iter_create(b->link_fd[i]);
	if (fd < 0) {
		err = fd;
		cli__err("cannot start the task iterator: %s", strerror(-err));
		return err;
	}
	while (!err) {
		/* read() may stop inside a record: keep the tail for the next round. */
		ssize_t n = read(fd, buf + have, buf_size - have);
		size_t whole;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			cli__err("cannot read the task iterator: %s", strerror(-err));
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		whole = have / rec_size;
		for (size_t i = 0; i < whole && !err; i++)
			err = fn(ctx, buf + i * rec_size);
		have -= whole * rec_size;
		memmove(buf, buf + whole * rec_size, have);
	}
	close(fd);
	return err;
}

void bpfsess__prog_costs(const struct bpfsess *b, bpfsess_cost_fn fn, void *ctx)
{
	const struct bpf_object_skeleton *sk = b->obj_skel;

	for (int i = 0; i < sk->prog_cnt; i++) {
		struct bpf_prog_info info;

		if (prog_info(b, i, &info))
			fn(ctx, bpf_program__name(*sk->progs[i].prog), info.run_time_ns,
			   info.run_cnt);
	}
}

void bpfsess__close(struct bpfsess *b)
{
	ring_buffer__free(b->rb);
	drop_fds(b);
	/* The maps, and libbpf's own programs, go with the skeleton. */
	if (b->skel)
		b->hooks->destroy(b->skel);
	free(b->iter_buf);
	memset(b, 0, sizeof(*b));
}
