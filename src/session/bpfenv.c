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
		cli__err("not permitted to load BPF programs (" BPFENV_PRIVILEGE_HINT ")");
		return -EPERM;
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
