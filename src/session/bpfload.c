// SPDX-License-Identifier: GPL-2.0
#include "session/bpfload.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/skel_internal.h>

#include "cli.h"

#define TRACEFS "/sys/kernel/tracing"
/* Where classic tracepoints' ids are: tracefs, or tracefs under debugfs. */
#define TRACEFS_EVENTS TRACEFS "/events"
#define DEBUGFS_EVENTS "/sys/kernel/debug/tracing/events"

/* A global section's mapping: libbpf's own size rule (bpf_map_mmap_sz()). */
static size_t mmap_size(const struct bpf_map *map)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE),
	       sz = (((size_t)bpf_map__value_size(map) + 7) & ~(size_t)7) *
		    bpf_map__max_entries(map);

	return (sz + page - 1) / page * page;
}

/*
 * Map each global section (.bss, .data, .rodata) over the buffer the
 * skeleton points at, as bpf_object__load_skeleton() does, so that
 * skel->bss and the rest reach the kernel's copy.
 */
static int map_globals(const struct bpf_object_skeleton *sk)
{
	for (int i = 0; i < sk->map_cnt; i++) {
		const struct bpf_map *map = *sk->maps[i].map;
		void **mmaped = sk->maps[i].mmaped, *p;
		int prot = PROT_READ;

		if (!mmaped || !(bpf_map__map_flags(map) & BPF_F_MMAPABLE))
			continue;
		if (!(bpf_map__map_flags(map) & BPF_F_RDONLY_PROG))
			prot |= PROT_WRITE;
		p = mmap(*mmaped, mmap_size(map), prot, MAP_SHARED | MAP_FIXED, bpf_map__fd(map),
			 0);
		if (p == MAP_FAILED)
			return -errno;
		*mmaped = p;
	}
	return 0;
}

/* The loader's context: its header, then a slot per map and per loaded program. */
struct loader_ctx {
	struct bpf_loader_ctx *hdr;
	struct bpf_map_desc *maps;
	struct bpf_prog_desc *progs;
};

static int new_ctx(struct loader_ctx *c, size_t nr_maps, size_t nr_progs)
{
	size_t sz = sizeof(*c->hdr) + nr_maps * sizeof(*c->maps) + nr_progs * sizeof(*c->progs);

	c->hdr = calloc(1, sz);
	if (!c->hdr)
		return -ENOMEM;
	c->hdr->sz = (__u32)sz;
	c->maps = (struct bpf_map_desc *)(c->hdr + 1);
	c->progs = (struct bpf_prog_desc *)(c->maps + nr_maps);
	return 0;
}

/*
 * The loader's descriptors into the object: each map takes its own (a
 * duplicate: the loader's is closed), each loaded program's is handed to
 * prog_fd by skeleton index. Programs are numbered in load order, which is
 * the object's, skipping those not loaded.
 */
static int take_fds(const struct bpf_object_skeleton *sk, struct bpf_object *obj,
		    const struct loader_ctx *c, int *prog_fd)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	size_t i = 0;
	int err = 0;

	bpf_object__for_each_map(map, obj)
	{
		int fd = c->maps[i++].map_fd;

		if (!err)
			err = bpf_map__reuse_fd(map, fd);
		close(fd);
	}
	i = 0;
	bpf_object__for_each_program(prog, obj)
	{
		if (!bpf_program__autoload(prog))
			continue;
		for (int k = 0; k < sk->prog_cnt; k++)
			if (*sk->progs[k].prog == prog)
				prog_fd[k] = c->progs[i].prog_fd;
		i++;
	}
	return err;
}

int bpfload__by_loader(const struct bpf_object_skeleton *sk, int *prog_fd, bool verbose)
{
	LIBBPF_OPTS(gen_loader_opts, gen);
	struct bpf_object *obj = *sk->obj;
	struct bpf_load_and_run_opts run = { 0 };
	struct loader_ctx c;
	struct bpf_program *prog;
	struct bpf_map *map;
	size_t nr_maps = 0, nr_progs = 0;
	int err;

	bpf_object__for_each_map(map, obj) nr_maps++;
	bpf_object__for_each_program(prog, obj) nr_progs++;
	err = bpf_object__gen_loader(obj, &gen);
	/* No program is loaded yet: this writes the loader. */
	err = err ?: bpf_object__load(obj);
	err = err ?: new_ctx(&c, nr_maps, nr_progs);
	if (err)
		return err;
	run.ctx = c.hdr;
	run.data = gen.data;
	run.data_sz = gen.data_sz;
	run.insns = gen.insns;
	run.insns_sz = gen.insns_sz;
	err = bpf_load_and_run(&run);
	if (err) {
		/* Its own descriptors are closed on the way out. */
		if (verbose)
			fprintf(stderr, "schedscope: the loader program %s: %s\n",
				run.errstr ? run.errstr : "failed", strerror(-err));
	} else {
		err = take_fds(sk, obj, &c, prog_fd);
		err = err ?: map_globals(sk);
	}
	free(c.hdr);
	return err;
}

/* Mounted, tracefs is root's alone (0700): CAP_BPF and CAP_PERFMON do not open it. */
int bpfload__need_tracefs(bool verbose)
{
	struct stat st;
	int err;

	if (!stat(TRACEFS_EVENTS, &st))
		return 0;
	err = -errno;
	if (!stat(DEBUGFS_EVENTS, &st))
		return 0;
	if (err == -EACCES) {
		cli__err(
			"cannot read tracefs (%s): %s (the syscall tracepoints' ids are there: run "
			"as root, or grant CAP_DAC_READ_SEARCH too)",
			TRACEFS, strerror(-err));
		return err;
	}
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
		err = -errno;
		cli__err("tracefs is not mounted and cannot be: %s (mount -t tracefs nodev %s)",
			 strerror(-err), TRACEFS);
		return err;
	}
	if (verbose)
		fprintf(stderr, "schedscope: mounted tracefs on %s for the syscall tracepoints\n",
			TRACEFS);
	return 0;
}

/*
 * A classic tracepoint ("syscalls/sys_enter_openat"): a perf event on its
 * id, the program linked to it (the link holds the event). Kernels before
 * 5.15 have no such link: the event itself carries the program, and its
 * descriptor serves as the link's.
 */
static int tracepoint_link(const char *tp, int prog_fd)
{
	static const char *const roots[] = { TRACEFS_EVENTS, DEBUGFS_EVENTS };
	struct perf_event_attr attr;
	char path[256];
	FILE *f = NULL;
	unsigned long long id;
	int pfd, link, err;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]) && !f; i++) {
		snprintf(path, sizeof(path), "%s/%s/id", roots[i], tp);
		f = fopen(path, "re");
	}
	if (!f)
		return -errno;
	err = fscanf(f, "%llu", &id) == 1 ? 0 : -EINVAL;
	fclose(f);
	if (err)
		return err;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	pfd = (int)syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return -errno;
	link = bpf_link_create(prog_fd, pfd, BPF_PERF_EVENT, NULL);
	if (link >= 0) {
		close(pfd);
		return link;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd)) {
		err = -errno;
		close(pfd);
		return err;
	}
	return pfd;
}

int bpfload__attach(const struct bpf_program *prog, int prog_fd)
{
	const char *target = strchr(bpf_program__section_name(prog), '/');

	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_TRACING:
		/* tp_btf, fentry, fexit: the load named the target. */
		if (bpf_program__expected_attach_type(prog) == BPF_TRACE_ITER)
			return bpf_link_create(prog_fd, 0, BPF_TRACE_ITER, NULL);
		return bpf_raw_tracepoint_open(NULL, prog_fd);
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		return target ? bpf_raw_tracepoint_open(target + 1, prog_fd) : -EINVAL;
	case BPF_PROG_TYPE_TRACEPOINT:
		return target ? tracepoint_link(target + 1, prog_fd) : -EINVAL;
	default:
		return -EOPNOTSUPP;
	}
}
