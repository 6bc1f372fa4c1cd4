/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the cgroup v2 hierarchy and walking it. Pure C without libbpf:
 * the exporter's registry (core/cgstat.h) is fed from here at each scrape,
 * and the unit tests walk a directory tree of their own.
 */
#ifndef SCHEDSCOPE_CGWALK_H
#define SCHEDSCOPE_CGWALK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The mount point of the first cgroup2 file system in mountinfo (the format
 * of /proc/self/mountinfo: "... mountpoint ... - cgroup2 ..."), unescaped,
 * into out. Hybrid systems mount it at /sys/fs/cgroup/unified, unified ones
 * at /sys/fs/cgroup: never assumed. Returns 0, -ENOENT or -ENAMETOOLONG.
 */
int cgwalk__v2_mount(FILE *mountinfo, char *out, size_t len);

/*
 * fn(ctx, id, path) for root and every directory under it, parents first:
 * id is the directory's inode number (on cgroup2, the cgroup's kernfs id,
 * as the BPF side reads it), path is relative to root with a leading "/"
 * ("/" for root). A directory removed during the walk is skipped. fn
 * returns 0 to go on. Returns 0, fn's error or -errno of root.
 */
int cgwalk__walk(const char *root, int (*fn)(void *ctx, uint64_t id, const char *path), void *ctx);

#endif
