// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop: each execve(2) and execveat(2), as an event with its argv
 * (stream.bpf.h) or counted by command, user and result (counts.bpf.h).
 *
 *   sys_enter_execve(at)   argv read, the record kept per thread (pending)
 *   sched_process_exec     success: the record sent, with the new comm and
 *                          creds; old_pid finds it when a thread that was
 *                          not the leader exec'd (it took the leader's pid)
 *   sys_exit_execve(at)    failure: the record sent with -errno
 *
 * argv is read at entry, from the caller's memory, which the exec is about
 * to replace; an argument whose page is not resident is not read (the
 * kernel's own copy comes later, into the new stack).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#include "compat.bpf.h"
#define COUNTS_KEY struct ss_exec_key
#include "counts.bpf.h"
#include "stream.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile bool failed_only;    /* -x */
const volatile bool count_mode;	    /* --count */
const volatile __u32 max_args = 20; /* --max-args */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	/* 4 KiB a value, and an exec in flight is rare: no 4 MiB up front. */
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__type(key, __u32); /* the tid that called exec */
	__type(value, struct ss_exec_event);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_exec_event);
} scratch_map SEC(".maps");


/*
 * One argument appended to the scratch record's args; 1 ends the loop (the
 * last one read, no room, or unreadable). A bpf_loop() callback. The
 * offset so far lives in the record (args_len), not in ctx on the stack:
 * read from a map it is just a bounded number to the verifier, where a
 * stack value is tracked exactly, and each of its values was verified
 * anew, past the 1M-instruction limit.
 */
static long read_arg(__u32 i, void *ctx)
{
	const char *const *argv = *(const char *const **)ctx;
	struct ss_exec_event *e;
	const char *arg = NULL;
	__u32 zero = 0, off;
	long n;

	e = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!e || bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
		return 1;
	off = e->args_len;
	if (i >= max_args) {
		e->trunc |= SS_ARGS_MORE;
		return 1;
	}
	if (off > SS_ARGS_MAX - SS_ARG_LEN) {
		e->trunc |= SS_ARGS_LONG;
		return 1;
	}
	n = bpf_probe_read_user_str(&e->args[off], SS_ARG_LEN, arg);
	if (n <= 0)
		return 1;
	/* A full read may have cut it: 127 bytes and the NUL we wrote. */
	if (n == SS_ARG_LEN)
		e->trunc |= SS_ARGS_LONG;
	e->args_len = off + (__u32)n;
	e->nr_args++;
	return 0;
}

static __always_inline int on_enter(const char *const *argv)
{
	__u32 zero = 0, tid = (__u32)bpf_get_current_pid_tgid();
	struct ss_exec_event *e;

	if (!stream__wanted())
		return 0;
	e = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!e)
		return 0;
	e->nr_args = 0;
	e->trunc = 0;
	e->args_len = 0;
	/* One more than asked: its presence marks the list cut. */
	if (!count_mode)
		bpf_loop(SS_MAX_ARGS + 1, read_arg, &argv, 0);
	bpf_map_update_elem(&pending, &tid, e, BPF_ANY);
	return 0;
}

/* The record of tid finished by task t's state after the exec (or its failure). */
static __always_inline void finish(__u32 tid, struct task_struct *t, long ret)
{
	struct ss_exec_event *e = bpf_map_lookup_elem(&pending, &tid);
	struct ss_exec_key key = {};
	const struct cred *cred;
	__u32 len;

	if (!e)
		return;
	if (failed_only && !ret)
		goto out;
	cred = BPF_CORE_READ(t, real_cred);
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = BPF_CORE_READ(t, tgid);
	e->tid = tid;
	e->ppid = BPF_CORE_READ(t, real_parent, tgid);
	e->uid = BPF_CORE_READ(cred, uid.val);
	e->euid = BPF_CORE_READ(cred, euid.val);
	e->ret = (__s32)ret;
	e->pad = 0;
	BPF_CORE_READ_STR_INTO(&e->comm, t, comm);
	if (count_mode) {
		key.uid = e->uid;
		key.ret = e->ret;
		__builtin_memcpy(key.comm, e->comm, sizeof(key.comm));
		counts__add(&key, 0, 1);
		goto out;
	}
	len = e->args_len;
	if (len > SS_ARGS_MAX)
		len = SS_ARGS_MAX;
	stream__output(e, offsetof(struct ss_exec_event, args) + len);
out:
	bpf_map_delete_elem(&pending, &tid);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int execve_enter(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter((const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int execveat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter((const char *const *)ctx->args[2]);
}

/* Success: the caller, whatever its tid was, is now the process's leader. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_done, struct task_struct *p, pid_t old_pid)
{
	finish((__u32)old_pid, p, 0);
	return 0;
}

static __always_inline int on_exit(long ret)
{
	/* After a success the record is gone: sched_process_exec sent it. */
	finish((__u32)bpf_get_current_pid_tgid(), bpf_get_current_task_btf(), ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}
