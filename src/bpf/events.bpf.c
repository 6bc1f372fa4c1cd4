// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the event programs land. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";
