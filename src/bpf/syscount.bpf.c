// SPDX-License-Identifier: GPL-2.0
/*
 * syscount: syscalls counted, or their latencies put in histograms, by
 * syscall (or by process, -P) in the kernel, from the raw syscall
 * tracepoints every syscall passes through; and, with --slower, each
 * syscall that took at least a threshold as an event on a ring buffer.
 *
 * A syscall's latency:
 *
 *   sys_enter ------------------------------------------> sys_exit
 *   |<-------------- dur_ns: one bpf_ktime_get_ns() each end -->|
 *
 * Only what the options need is loaded (sc_enter only when a duration is
 * taken) and the settings are read-only, so the verifier drops the rest:
 * counting alone is one program per syscall, the filters first.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#include "compat.bpf.h"
#define COUNTS_KEY struct ss_sc_key
#define COUNTS_NR_VALUES SS_SC_NR_VALUES
#define COUNTS_NR_SLOTS SS_SC_SLOTS
#include "counts.bpf.h"
#define HIST_KEY struct ss_sc_key
#include "hist.bpf.h"
#include "stream.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* arch/x86/include/asm/thread_info.h: a 32-bit syscall is in progress. */
#define TS_COMPAT_ 0x0002

/* Set by user space before load. */
const volatile bool timed = false; /* -L, --hist or --slower: take durations */
const volatile __s32 self_tgid =
	-1;			  /* schedscope's own calls (reading the counts) are not counted */
const volatile bool hist = false; /* --hist: histograms, not counts */
const volatile bool by_process = false; /* -P */
const volatile bool by_slot = false;	/* by syscall, counts: slots, not the hash */
const volatile bool failures = false;	/* -x: only calls that failed */
const volatile __s32 want_errno = 0;	/* -e: only calls failing with it */
const volatile __u64 slower_ns = 0;	/* --slower; 0: no events */

/* The peek: user space reads kernel words through it to find the syscall tables. */
__u64 peek_addr;
__u32 peek_len; /* bytes, at most sizeof(peek_buf) */
__s64 peek_err;
__u64 peek_buf[SS_PEEK_WORDS];

/* When the thread's syscall in progress began, 0 if none seen. */
struct sc_start {
	__u64 ts_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__type(key, int);
	__type(value, struct sc_start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_sc_stat);
} sc_stat SEC(".maps");

static __always_inline struct ss_sc_stat *this_stat(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sc_stat, &zero);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sc_enter, struct pt_regs *regs, long id)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct sc_start *s;

	if (t->tgid == self_tgid || !task_wanted(t))
		return 0;
	s = bpf_task_storage_get(&starts, t, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (s)
		s->ts_ns = bpf_ktime_get_ns();
	return 0;
}

/* -x and -e: whether a call that returned ret is counted. */
static __always_inline bool ret_wanted(long ret)
{
	if (want_errno)
		return ret == -want_errno;
	return !failures || ret < 0;
}

static __always_inline void emit_slow(struct task_struct *t, struct pt_regs *regs, __u32 nr,
				      long ret, __u64 now, __u64 dur)
{
	struct ss_sc_event *e = stream__reserve(sizeof(*e));

	if (!e)
		return;
	e->ts_ns = now;
	e->dur_ns = dur;
	e->ret = ret;
	/* The x86-64 syscall convention; pt_regs still holds them at exit. */
	e->args[0] = regs->di;
	e->args[1] = regs->si;
	e->args[2] = regs->dx;
	e->nr = nr;
	e->pid = t->tgid;
	e->tid = t->pid;
	e->cpu = bpf_get_smp_processor_id();
	__builtin_memcpy(e->comm, t->comm, sizeof(e->comm));
	stream__submit_now(e);
}

/*
 * One call of key, and its duration: by slot (an array element costs a
 * fraction of a hash lookup, on every syscall of the machine), else in the
 * hash, one lookup for both counts.
 */
static __always_inline void count_call(struct ss_sc_key *key, __u64 dur)
{
	__u32 nr = key->nr & ~SS_SC_COMPAT;
	struct counts_value *v, init = {};

	if (by_slot && nr < SS_SC_ABI_SLOTS) {
		__u32 slot = key->nr & SS_SC_COMPAT ? SS_SC_ABI_SLOTS + nr : nr;

		counts__add_slot(slot, SS_SC_CALLS, 1);
		if (timed)
			counts__add_slot(slot, SS_SC_NS, dur);
		return;
	}
	v = counts__slot(&counts, key, &init);
	if (!v) {
		counts__lost(1);
		return;
	}
	v->n[SS_SC_CALLS]++;
	v->n[SS_SC_NS] += dur;
}

/*
 * Outline: the filters (task, then -x/-e on the return value); the
 * syscall's number, marked if 32-bit; its duration, if one is wanted, from
 * its entry's stamp (cleared, so a lost entry is not paired twice); then
 * the event, and the count or the histogram of its key.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(sc_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct ss_sc_key key = {};
	__u64 dur = 0, now;
	long id;

	if (t->tgid == self_tgid || !task_wanted(t) || !ret_wanted(ret))
		return 0;
	/* syscall_get_nr(): orig_ax; -1 after rt_sigreturn restored the caller's. */
	id = regs->orig_ax;
	if (id < 0)
		return 0;
	key.nr = (__u32)id;
	if (t->thread_info.status & TS_COMPAT_)
		key.nr |= SS_SC_COMPAT;
	if (timed) {
		struct sc_start *s = bpf_task_storage_get(&starts, t, NULL, 0);
		struct ss_sc_stat *st;

		if (s && s->ts_ns) {
			now = bpf_ktime_get_ns();
			dur = now - s->ts_ns;
			s->ts_ns = 0;
			if (slower_ns && dur >= slower_ns)
				emit_slow(t, regs, key.nr, ret, now, dur);
		} else {
			/* Begun before we attached: counted, not timed (nor in a histogram). */
			st = this_stat();
			if (st)
				st->unpaired++;
			if (hist)
				return 0;
		}
	}
	if (by_process) {
		key.nr = SS_SC_ANY;
		key.pid = t->tgid;
		__builtin_memcpy(key.comm, t->comm, sizeof(key.comm));
	}
	if (hist)
		hist__add(&key, dur);
	else
		count_call(&key, dur);
	return 0;
}

/*
 * Run by hand (BPF_PROG_TEST_RUN): copy peek_len bytes of the kernel's at
 * peek_addr into peek_buf, for user space to find the syscall tables and
 * read them. All or nothing: one unmapped page fails the whole read.
 */
SEC("raw_tp")
int sc_peek(void *ctx)
{
	__u32 len = peek_len;

	if (len > sizeof(peek_buf))
		len = sizeof(peek_buf);
	peek_err = bpf_probe_read_kernel(peek_buf, len, (const void *)peek_addr);
	return 0;
}
