// SPDX-License-Identifier: GPL-2.0
#include "session/bpfenv.h"

#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "cli.h"
#include "core/btfscan.h"

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

#define KERNEL_BTF "/sys/kernel/btf/vmlinux"
#define LOADER_ENV "SCHEDSCOPE_LOADER"

/* The kernel's release as major * 1000 + minor: 6.1 is 6001; 0 if unreadable. */
static unsigned int kernel_release(void)
{
	struct utsname u;
	unsigned int major, minor;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 1000 + minor;
}

bool bpfenv__kernel_loads(void)
{
	const char *how = getenv(LOADER_ENV);

	if (how && *how)
		return !strcmp(how, "kernel");
	/*
	 * The loader needs the kernel to relocate (5.17) and takes the
	 * object's BTF as the compiler wrote it, which libbpf would otherwise
	 * rewrite for kernels without its newest kinds (ENUM64 came in 6.0).
	 */
	return kernel_release() >= 6001;
}

int bpfenv__kernel_has(struct btfscan_want *want, size_t n)
{
	int fd = open(KERNEL_BTF, O_RDONLY | O_CLOEXEC), err;
	struct btf *btf;

	err = fd < 0 ? -errno : btfscan__find(fd, want, n);
	if (fd >= 0)
		close(fd);
	if (err != -EINVAL)
		goto out;
	/* A kind newer than the scan knows: libbpf's parse, 11 MB for a moment. */
	btf = btf__load_vmlinux_btf();
	err = btf ? 0 : -errno;
	for (size_t i = 0; btf && i < n; i++) {
		int id = btf__find_by_name_kind(btf, want[i].name, want[i].kind);

		want[i].id = id > 0 ? (uint32_t)id : 0;
	}
	btf__free(btf);
out:
	if (err)
		cli__err("cannot read the kernel's BTF (%s): %s", KERNEL_BTF, strerror(-err));
	return err;
}

int bpfenv__fentry_loads(uint32_t btf_id)
{
	/* return 0: nothing else, so nothing but the attach point is judged */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = btf_id);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "ss_fentry", "GPL", insns, 2, &opts);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int bpfenv__check(bool verbose)
{
	const char *how = getenv(LOADER_ENV);

	/* Without -v libbpf says nothing: every error is ours to say, once. */
	libbpf_set_print(verbose ? libbpf_print : NULL);
	if (how && *how && strcmp(how, "kernel") != 0 && strcmp(how, "libbpf") != 0) {
		cli__err("%s=%s: say \"kernel\" (a loader program, relocated by the kernel) or "
			 "\"libbpf\"",
			 LOADER_ENV, how);
		return -EINVAL;
	}
	if (access(KERNEL_BTF, R_OK)) {
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
