// SPDX-License-Identifier: GPL-2.0
#include "syscnames.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The handlers' names in kallsyms: SYSCALL_DEFINE's wrappers per ABI. */
static const char *const prefixes[SYSC_NR_ABIS][2] = {
	[SYSC_X64] = { "__x64_sys_", NULL },
	[SYSC_IA32] = { "__ia32_sys_", "__ia32_compat_sys_" },
};

/*
 * The handlers a table must start with, by number; NULL: any. x86-64's
 * first four and ia32's first five are as old as each ABI and never change.
 */
#define NR_ANCHORS 5
static const char *const anchors[SYSC_NR_ABIS][NR_ANCHORS] = {
	[SYSC_X64] = { "read", "write", "open", "close", NULL },
	[SYSC_IA32] = { "restart_syscall", "exit", NULL, "read", "write" },
};

/* The kernel data symbols the search uses, when kallsyms lists data. */
static const char *const markers[] = {
	"sys_call_table",
	"ia32_sys_call_table",
	"__start_rodata",
	"__start_BTF",
};

#define NR_MARKERS (sizeof(markers) / sizeof(markers[0]))

struct handler {
	uint64_t addr;
	char *name; /* without its prefix: "openat" */
	enum sysc_abi abi;
};

struct syscnames {
	struct handler *h; /* sorted by address, then abi */
	size_t nr, cap;
	uint64_t marker[NR_MARKERS];
	const char **table[SYSC_NR_ABIS]; /* names by number; NULL: unimplemented */
	size_t table_nr[SYSC_NR_ABIS];
};

struct syscnames *syscnames__new(void)
{
	return calloc(1, sizeof(struct syscnames));
}

void syscnames__free(struct syscnames *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nr; i++)
		free(n->h[i].name);
	free(n->h);
	for (int a = 0; a < SYSC_NR_ABIS; a++)
		free(n->table[a]);
	free(n);
}

static int add_handler(struct syscnames *n, uint64_t addr, enum sysc_abi abi, const char *name)
{
	if (n->nr == n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 1024;
		struct handler *h = realloc(n->h, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		n->h = h;
		n->cap = cap;
	}
	n->h[n->nr].name = strdup(name);
	if (!n->h[n->nr].name)
		return -ENOMEM;
	n->h[n->nr].addr = addr;
	n->h[n->nr].abi = abi;
	n->nr++;
	return 0;
}

/* One kallsyms symbol: a handler of some ABI, a marker, or nothing to us. */
static int take_symbol(struct syscnames *n, uint64_t addr, const char *sym)
{
	for (size_t m = 0; m < NR_MARKERS; m++)
		if (!strcmp(sym, markers[m]))
			n->marker[m] = addr;
	for (int a = 0; a < SYSC_NR_ABIS; a++)
		for (int p = 0; p < 2 && prefixes[a][p]; p++) {
			size_t len = strlen(prefixes[a][p]);

			if (!strncmp(sym, prefixes[a][p], len) && sym[len])
				return add_handler(n, addr, (enum sysc_abi)a, sym + len);
		}
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct handler *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)x->abi - (int)y->abi;
}

int syscnames__read_kallsyms(struct syscnames *n, FILE *f)
{
	char line[512], sym[256];
	unsigned long long addr;
	char type;
	int err;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3 || !addr)
			continue;
		err = take_symbol(n, addr, sym);
		if (err)
			return err;
	}
	if (!n->nr)
		return -ENOENT;
	qsort(n->h, n->nr, sizeof(*n->h), by_addr);
	return 0;
}

uint64_t syscnames__addr(const struct syscnames *n, const char *sym)
{
	for (size_t m = 0; m < NR_MARKERS; m++)
		if (!strcmp(sym, markers[m]))
			return n->marker[m];
	return 0;
}

int syscnames__search_region(const struct syscnames *n, uint64_t *lo, uint64_t *hi)
{
	uint64_t start = syscnames__addr(n, "__start_rodata");
	uint64_t end = syscnames__addr(n, "__start_BTF");

	if (!start)
		return 0;
	/* Without an end marker: read-only data is a few MB; 64 MB bounds it. */
	*lo = start;
	*hi = end > start ? end : start + (64u << 20);
	return 1;
}

/* The handler of abi at addr, or NULL. */
static const struct handler *handler_at(const struct syscnames *n, enum sysc_abi abi, uint64_t addr)
{
	size_t lo = 0, hi = n->nr;

	/* The first entry at addr, then the one of abi among its aliases. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (n->h[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n->nr && n->h[lo].addr == addr; lo++)
		if (n->h[lo].abi == abi)
			return &n->h[lo];
	return NULL;
}

/* The table of abi starts at words[0]: its anchors are there. */
static bool anchored(const struct syscnames *n, enum sysc_abi abi, const uint64_t *words)
{
	for (size_t i = 0; i < NR_ANCHORS; i++) {
		const struct handler *h;

		if (!anchors[abi][i])
			continue;
		h = handler_at(n, abi, words[i]);
		if (!h || strcmp(h->name, anchors[abi][i]) != 0)
			return false;
	}
	return true;
}

long syscnames__find(const struct syscnames *n, enum sysc_abi abi, const uint64_t *words, size_t nr)
{
	const struct handler *first = NULL;

	for (size_t i = 0; i < n->nr && !first; i++)
		if (n->h[i].abi == abi && !strcmp(n->h[i].name, anchors[abi][0]))
			first = &n->h[i];
	if (!first)
		return -1;
	for (size_t i = 0; i + NR_ANCHORS <= nr; i++)
		if (words[i] == first->addr && anchored(n, abi, words + i))
			return (long)i;
	return -1;
}

size_t syscnames__set_table(struct syscnames *n, enum sysc_abi abi, const uint64_t *entries,
			    size_t nr)
{
	const char **t;
	size_t len = 0;

	if (nr < NR_ANCHORS || !anchored(n, abi, entries))
		return 0;
	if (nr > SYSC_MAX_NR)
		nr = SYSC_MAX_NR;
	/* The anchors are handlers: len is at least NR_ANCHORS. */
	while (len < nr && handler_at(n, abi, entries[len]))
		len++;
	t = calloc(len ? len : 1, sizeof(*t));
	if (!t)
		return 0;
	for (size_t i = 0; i < len; i++) {
		const char *name = handler_at(n, abi, entries[i])->name;

		t[i] = strcmp(name, "ni_syscall") != 0 ? name : NULL;
	}
	free(n->table[abi]);
	n->table[abi] = t;
	n->table_nr[abi] = len;
	return len;
}

size_t syscnames__nr(const struct syscnames *n, enum sysc_abi abi)
{
	return n->table_nr[abi];
}

const char *syscnames__name(const struct syscnames *n, enum sysc_abi abi, uint32_t nr)
{
	if (!n || abi >= SYSC_NR_ABIS || nr >= n->table_nr[abi])
		return NULL;
	return n->table[abi][nr];
}

const char *syscnames__label(const struct syscnames *n, uint32_t nr, int compat, char *buf,
			     size_t len)
{
	const char *name = syscnames__name(n, compat ? SYSC_IA32 : SYSC_X64, nr);

	if (name)
		snprintf(buf, len, "%s%s", compat ? "ia32:" : "", name);
	else
		snprintf(buf, len, "[%sunknown: %" PRIu32 "]", compat ? "ia32 " : "", nr);
	return buf;
}
