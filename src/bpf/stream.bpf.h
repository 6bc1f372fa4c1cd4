/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event-stream shape, kernel side: one ring buffer of records, a
 * per-CPU count of those it could not take, and the filters every stream
 * command has (-p, -t, -c from task_filter.bpf.h, and -u) on the task
 * making the call. Every object that sends records uses it (the snoops,
 * trace's, runqslower's, syscount --slower's) but acct.bpf.c, whose exit
 * records count their losses in the per-CPU value the hook already holds.
 * User space sizes the ring and reads it, and the losses, through
 * bpfsess (bpfsess__size_ring(), bpfsess__poll(), bpfsess__drops()); the
 * stream commands through src/session/stream.c.
 *
 * A record of varying length is built where the object likes (its stack,
 * a per-CPU scratch value) and sent with stream__output() at its used
 * length: paths and argv vary from a few bytes to 4 KiB, and reserving the
 * largest for each would fill the ring 10 to 100 times sooner. A record of
 * fixed size is reserved and filled in place (stream__reserve()), with no
 * copy.
 *
 * Include once per BPF object, after vmlinux.h and abi.h.
 */
#ifndef SCHEDSCOPE_STREAM_BPF_H
#define SCHEDSCOPE_STREAM_BPF_H

#include <bpf/bpf_helpers.h>

#include "ring_wakeup.h"
#include "task_filter.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22); /* user space sets it (--buffer) */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_stream_stat);
} stream_stat SEC(".maps");

/* -u: only this real uid; -1: any. */
const volatile __s64 stream_uid = -1;
/* The reader is woken as the data queued crosses it (ring_wakeup.h); user space sets it. */
const volatile __u64 stream_wakeup_bytes = 1 << 19;

/*
 * The calling task passes -p, -t, -c and -u. Cheap when none is given: the
 * verifier drops the tests of read-only zeroes.
 */
static __always_inline bool stream__wanted(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	if (stream_uid >= 0 && (__u32)bpf_get_current_uid_gid() != (__u32)stream_uid)
		return false;
	return task_wanted(t);
}

/* A record the ring had no room for. */
static __always_inline void stream__drop(void)
{
	struct ss_stream_stat *st;
	__u32 zero = 0;

	st = bpf_map_lookup_elem(&stream_stat, &zero);
	if (st)
		st->drops++;
}

/* Send size bytes of rec, or count it lost when the ring is full. */
static __always_inline void stream__output(void *rec, __u64 size)
{
	/* Queried before the output: the record and its header will add to it. */
	__u64 queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) + size + 8;

	if (bpf_ringbuf_output(&events, rec, size,
			       ring__wakeup_flag(queued, stream_wakeup_bytes, size)))
		stream__drop();
}

/*
 * Room for a record of size bytes, filled in place and sent with
 * stream__submit(): for fixed-size records on hot paths, which need no
 * copy (trace's). NULL, counted, when the ring is full.
 */
static __always_inline void *stream__reserve(__u64 size)
{
	void *rec = bpf_ringbuf_reserve(&events, size, 0);

	if (!rec)
		stream__drop();
	return rec;
}

/*
 * Send what stream__reserve() gave, of size bytes, the reader woken by the
 * mark. Records rare enough to be shown at once (runqslower's) are sent
 * with stream__submit_now() instead.
 */
static __always_inline void stream__submit(void *rec, __u64 size)
{
	/* Queried after the reservation: the record and its header are in it. */
	__u64 queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	bpf_ringbuf_submit(rec, ring__wakeup_flag(queued, stream_wakeup_bytes, size));
}

/* Send what stream__reserve() gave, the reader woken if it had caught up (the kernel's rule). */
static __always_inline void stream__submit_now(void *rec)
{
	bpf_ringbuf_submit(rec, 0);
}

#endif
