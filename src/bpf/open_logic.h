/* SPDX-License-Identifier: GPL-2.0 */
/*
 * opensnoop's --path pre-filter rule, shared as the same source by the BPF
 * program (src/bpf/opensnoop.bpf.c), user space (which splits each prefix
 * before load) and the unit tests. No kernel or libbpf types here.
 *
 * The exact filter compares the built path string with each prefix, on a
 * component boundary. Building it copies every name from the root down, so
 * the kernel first walks the dentries and mounts up without copying, keeps
 * each name's pointer and length, and compares the top components with the
 * prefix's: its length, then its first 8 bytes, read only if the lengths
 * agree. A difference proves that the string cannot start with the prefix;
 * agreement proves nothing for a name longer than 8 bytes, so the string
 * is then built and the exact filter decides:
 *
 *   prefix  /home/u/proj        components  home u proj
 *   open    /usr/lib/libc.so.6  components  usr lib libc.so.6
 *           "usr" is 3 bytes, "home" 4: rejected, nothing copied
 *
 * Path strings have no empty component and no trailing slash; a prefix may
 * ("/tmp/" watches what is under /tmp): trailing slashes are dropped, which
 * watches /tmp too, more than the exact filter, never less. An empty inner
 * component ("/a//b") is kept: no walked name is empty, so it matches no
 * walked path, as the string "/a//b" matches none.
 */
#ifndef SCHEDSCOPE_OPEN_LOGIC_H
#define SCHEDSCOPE_OPEN_LOGIC_H

#ifndef __VMLINUX_H__
#include <stdbool.h>
#endif

#include "abi.h"

/* The first min(len, 8) bytes of a name as the pre-filter holds them. */
static inline __u64 open_logic__head(const char *name, __u32 len)
{
	__u64 head = 0;

	__builtin_memcpy(&head, name, len < 8 ? len : 8);
	return head;
}

/*
 * Component j from the top of prefix p against a walked name of len bytes
 * whose first min(len, 8) bytes are head: false when they surely differ.
 */
static inline bool open_logic__comp_may_equal(const struct ss_open_prefix *p, __u32 j, __u32 len,
					      __u64 head)
{
	if (j >= SS_PREFIX_COMPS)
		return true;
	return p->comp_len[j] == len && p->head[j] == head;
}

/* s, absolute and at most SS_PATH_PREFIX_LEN - 1 bytes, into p (zeroed). */
static inline void open_logic__split(struct ss_open_prefix *p, const char *s)
{
	__u32 len = 0, end, start = 1;

	while (len < SS_PATH_PREFIX_LEN - 1 && s[len])
		len++;
	__builtin_memcpy(p->s, s, len);
	p->len = len;
	end = len;
	while (end > 0 && s[end - 1] == '/')
		end--;
	p->nr_comps = 0;
	while (end > 0 && start <= end) {
		__u32 stop = start, j = p->nr_comps++;

		while (stop < end && s[stop] != '/')
			stop++;
		if (j < SS_PREFIX_COMPS) {
			p->comp_len[j] = (__u8)(stop - start);
			p->head[j] = open_logic__head(s + start, stop - start);
		}
		start = stop + 1;
	}
}

#endif
