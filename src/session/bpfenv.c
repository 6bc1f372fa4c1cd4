// SPDX-License-Identifier: GPL-2.0
#include "session/bpfenv.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cli.h"
#include "session/stop.h"

#define PRIVILEGE_HINT "run as root, or grant CAP_BPF and CAP_PERFMON"

/* -v: libbpf's warnings and information, not its debug log (thousands of lines). */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* CAP_BPF and CAP_PERFMON (5.8+), or CAP_SYS_ADMIN, in the effective set. */
static bool has_bpf_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint64_t eff;

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	eff = (uint64_t)data[1].effective << 32 | data[0].effective;
	if (eff & (1ull << CAP_SYS_ADMIN))
		return true;
	return (eff & (1ull << 39 /* CAP_BPF */)) && (eff & (1ull << 38 /* CAP_PERFMON */));
}

int bpfenv__check(bool verbose)
{
	/* Without -v libbpf says nothing: every error is ours to say, once. */
	libbpf_set_print(verbose ? libbpf_print : NULL);
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		int err = -errno;

		cli__err("this kernel has no BTF (/sys/kernel/btf/vmlinux: %s); schedscope needs a "
			 "kernel built with CONFIG_DEBUG_INFO_BTF=y",
			 strerror(-err));
		return err;
	}
	if (!has_bpf_caps()) {
		cli__err("not permitted to load BPF programs (" PRIVILEGE_HINT ")");
		return -EPERM;
	}
	return 0;
}

int bpfenv__load(struct bpf_object_skeleton *skel, bool verbose)
{
	uint64_t start = stop__now_ns();
	struct bpf_program *prog;
	int err = bpf_object__load_skeleton(skel);

	if (err || !verbose)
		return err;
	fprintf(stderr, "schedscope: %s loaded in %.1f ms; instructions verified:",
		bpf_object__name(*skel->obj), (double)(stop__now_ns() - start) / 1e6);
	bpf_object__for_each_program(prog, *skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		if (!bpf_program__autoload(prog))
			continue;
		memset(&info, 0, sizeof(info));
		/* Kernels before 5.16 do not count them: 0. */
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) || !info.verified_insns)
			fprintf(stderr, " %s n/a", bpf_program__name(prog));
		else
			fprintf(stderr, " %s %u", bpf_program__name(prog), info.verified_insns);
	}
	fputc('\n', stderr);
	return 0;
}

void bpfenv__load_error(int err)
{
	cli__err("cannot load the BPF programs: %s (%s)", strerror(-err),
		 err == -EPERM || err == -EACCES ? PRIVILEGE_HINT : "rerun with -v for libbpf's log");
}

/* Programs are attached, and found again, in the object's order. */
static bool attached(const struct bpf_program *prog, const struct bpf_program *skip)
{
	return bpf_program__autoload(prog) && prog != skip;
}

struct bpf_link *bpfenv__link_of(struct bpf_object *obj, const struct bpf_program *skip,
				 struct bpf_link **links, int nr, const struct bpf_program *prog)
{
	struct bpf_program *p;
	int i = 0;

	bpf_object__for_each_program(p, obj) {
		if (!attached(p, skip))
			continue;
		if (p == prog)
			return i < nr ? links[i] : NULL;
		i++;
	}
	return NULL;
}

int bpfenv__attach_prog(struct bpf_program *prog, struct bpf_link **links, int max, int *nr,
			bool quiet)
{
	struct bpf_link *link;
	int err;

	if (*nr >= max) {
		cli__err("too many BPF programs to attach (%d)", max);
		return -E2BIG;
	}
	link = bpf_program__attach(prog);
	if (!link) {
		err = -errno;
		if (!quiet)
			cli__err("cannot attach %s: %s%s", bpf_program__section_name(prog),
				 strerror(-err),
				 err == -EPERM || err == -EACCES ? " (" PRIVILEGE_HINT ")"
				 : err == -ENOENT || err == -ESRCH ? " (this kernel lacks the hook)"
								  : "");
		return err;
	}
	links[(*nr)++] = link;
	return 0;
}

int bpfenv__attach(struct bpf_object *obj, const struct bpf_program *skip,
		   struct bpf_link **links, int max, int *nr)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		int err;

		if (!attached(prog, skip))
			continue;
		err = bpfenv__attach_prog(prog, links, max, nr, false);
		if (err)
			return err;
	}
	return 0;
}

void bpfenv__run_on_each_cpu(const struct bpf_program *prog, uint32_t nr_cpus)
{
	int fd = bpf_program__fd(prog);

	for (uint32_t cpu = 0; cpu < nr_cpus; cpu++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);

		/* An offline CPU refuses; it has nothing to report either. */
		bpf_prog_test_run_opts(fd, &opts);
	}
}

int bpfenv__iter_read(struct bpf_link *iter_link, size_t rec_size, void *buf, size_t buf_size,
		      int (*fn)(void *ctx, const void *rec), void *ctx)
{
	size_t have = 0;
	int fd, err = 0;

	fd = bpf_iter_create(bpf_link__fd(iter_link));
	if (fd < 0) {
		err = -errno;
		cli__err("cannot start the task iterator: %s", strerror(-err));
		return err;
	}
	while (!err) {
		/* read() may stop inside a record: keep the tail for the next round. */
		ssize_t n = read(fd, (char *)buf + have, buf_size - have);
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
			err = fn(ctx, (const char *)buf + i * rec_size);
		have -= whole * rec_size;
		memmove(buf, (char *)buf + whole * rec_size, have);
	}
	close(fd);
	return err;
}

void bpfenv__set_task_filter(struct ss_task_filter *f, const struct cli *cli)
{
	_Static_assert(CLI_MAX_IDS == SS_MAX_IDS, "-p/-t fit the BPF side's lists");
	memcpy(f->pids, cli->pids, cli->nr_pids * sizeof(f->pids[0]));
	f->nr_pids = (uint32_t)cli->nr_pids;
	memcpy(f->tids, cli->tids, cli->nr_tids * sizeof(f->tids[0]));
	f->nr_tids = (uint32_t)cli->nr_tids;
	if (cli->comm) {
		size_t len = strnlen(cli->comm, SS_COMM_LEN - 1);

		memcpy(f->comm, cli->comm, len);
		f->comm_len = (uint32_t)len;
	}
}
