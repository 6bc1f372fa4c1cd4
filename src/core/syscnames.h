/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Syscall names from the running kernel, not from a table frozen at build
 * time: the kernel's own syscall tables (sys_call_table, kept for ftrace
 * since 6.9 calls through a switch, and ia32_sys_call_table for 32-bit
 * callers, which that change, commit 1e3ad78334a6, also taken by stable
 * kernels such as Debian's 6.1, dropped) map each number to its handler,
 * and /proc/kallsyms names each handler (__x64_sys_openat, __ia32_sys_read,
 * __ia32_compat_sys_open). The tables are kernel data, which kallsyms lists
 * only with CONFIG_KALLSYMS_ALL (Debian has it; other kernels do not), so
 * without their symbols they are found by their first entries, read, write,
 * open, close for x86-64 (restart_syscall, exit, -, read, write for ia32),
 * in the read-only data the kernel's markers bound. The session reads the
 * kernel's words (a BPF program run by hand); this module only decides.
 *
 * Pure C, no libbpf: fed by the session and by the unit tests.
 */
#ifndef SCHEDSCOPE_SYSCNAMES_H
#define SCHEDSCOPE_SYSCNAMES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The two tables: numbers of 64-bit callers, and of 32-bit (ia32) ones. */
enum sysc_abi { SYSC_X64, SYSC_IA32, SYSC_NR_ABIS };

/* Syscall numbers a table may hold at most (x86-64 has about 470). */
#define SYSC_MAX_NR 1024

struct syscnames;

struct syscnames *syscnames__new(void); /* NULL and errno on failure */
void syscnames__free(struct syscnames *n);

/*
 * Read kallsyms lines ("ADDR TYPE NAME [module]"): the handlers and the
 * markers the search needs. Returns 0, or -ENOENT if no handler had an
 * address (kallsyms hides them from the unprivileged), or -ENOMEM.
 */
int syscnames__read_kallsyms(struct syscnames *n, FILE *f);

/* A symbol's address, 0 if kallsyms did not list it. */
uint64_t syscnames__addr(const struct syscnames *n, const char *sym);

/* Where to look for the tables: [*lo, *hi). 0 if kallsyms marks no such region. */
int syscnames__search_region(const struct syscnames *n, uint64_t *lo, uint64_t *hi);

/*
 * The index in words[0 .. nr) where table abi starts (its first entries are
 * the handlers it must start with), or -1.
 */
long syscnames__find(const struct syscnames *n, enum sysc_abi abi, const uint64_t *words,
		     size_t nr);

/*
 * Take table abi from its entries: each a handler's address, in number
 * order, up to the first word that is no handler of abi (the table's end).
 * Returns how many numbers it has (0: not a table of abi).
 */
size_t syscnames__set_table(struct syscnames *n, enum sysc_abi abi, const uint64_t *entries,
			    size_t nr);

/* How many numbers table abi has, 0 if it was not found. */
size_t syscnames__nr(const struct syscnames *n, enum sysc_abi abi);

/*
 * The name of syscall nr of table abi ("openat"), or NULL: not in the table,
 * or an unimplemented number (the kernel's ni_syscall).
 */
const char *syscnames__name(const struct syscnames *n, enum sysc_abi abi, uint32_t nr);

/*
 * A syscount key's syscall for people: "openat", "ia32:open" (SS_SC_COMPAT
 * set, passed as compat), or the number as bcc shows it where no name is
 * known: "[unknown: 335]", "[ia32 unknown: 400]". Returns buf.
 */
const char *syscnames__label(const struct syscnames *n, uint32_t nr, int compat, char *buf,
			     size_t len);

#endif
