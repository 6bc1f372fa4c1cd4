/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading an opened, configured object without parsing the kernel's BTF in
 * this process, and attaching programs by descriptor, whoever loaded them.
 *
 * libbpf 1.1 reads the kernel's BTF (5 MB) into a buffer, copies it and
 * indexes it to relocate the programs and find their attach points: 11 MB
 * at peak and most of a short command's CPU. Asked for a loader instead
 * (bpf_object__gen_loader()), it writes a program that creates the maps
 * and loads the programs from inside the kernel, which relocates them
 * against the BTF it already holds (BPF_PROG_LOAD's core_relos, 5.17) and
 * looks the attach points up by name. This is libbpf's "light skeleton",
 * here from the ordinary skeleton, so the sessions keep libbpf's object:
 * its maps take the loader's descriptors, its global sections are mapped
 * where the skeleton expects them, and the programs' descriptors are ours.
 */
#ifndef SCHEDSCOPE_BPFLOAD_H
#define SCHEDSCOPE_BPFLOAD_H

#include <stdbool.h>

#include <bpf/libbpf.h>

/*
 * Load sk's object (opened and configured, not loaded) by a loader
 * program. prog_fd[i] is then the descriptor of sk's program i, -1 for one
 * not loaded; the caller closes them. Returns 0 or -errno, unsaid: the
 * loader reports only which of its steps failed (said with verbose).
 */
int bpfload__by_loader(const struct bpf_object_skeleton *sk, int *prog_fd, bool verbose);

/*
 * Classic tracepoints (tracepoint/...) are attached by the id tracefs gives
 * them. A fresh machine may have neither tracefs nor debugfs mounted: tracefs
 * is then mounted where the kernel expects it, as systemd would. Says why
 * not; 0 or -errno.
 */
int bpfload__need_tracefs(bool verbose);

/* Attach prog, loaded as prog_fd; its link's descriptor, or -errno. */
int bpfload__attach(const struct bpf_program *prog, int prog_fd);

#endif
