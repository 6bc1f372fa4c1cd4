/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When to wake the reader of a BPF ring buffer: once, as the data queued
 * crosses a mark (1/8 of the ring, say), with the record that crosses it;
 * the reader then drains everything. Not on every record above the mark:
 * while a slow reader stays behind, that would be an irq_work, a self-IPI,
 * on every event; and not on every record (the kernel's default, when the
 * reader has caught up): a fast reader is then woken per record, and the
 * IPI lands inside the program that sent it (10 us an open, measured with
 * bpf_stats). A crossing missed in a race with another CPU costs only
 * latency: the reader polls on a beat anyway.
 *
 * Include after vmlinux.h and bpf_helpers.h.
 */
#ifndef SCHEDSCOPE_RING_WAKEUP_H
#define SCHEDSCOPE_RING_WAKEUP_H

/*
 * The flag for a record of size bytes with which the queue holds queued
 * bytes (the record and its 8-byte header included).
 */
static __always_inline __u64 ring__wakeup_flag(__u64 queued, __u64 mark, __u64 size)
{
	return queued >= mark && queued < mark + size + 8 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

#endif
