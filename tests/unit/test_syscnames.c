// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall names from a kernel's tables: kallsyms lines beside the words a
 * session would read, the table found by its first handlers, its end, its
 * unimplemented numbers, 32-bit names, and errno names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/syscnames.h"
#include "core/sysc.h"

/* A kernel of six x86-64 syscalls (5 unimplemented) and five ia32 ones. */
static const char kallsyms[] = "ffffffff81000100 T __x64_sys_read\n"
			       "ffffffff81000200 T __x64_sys_write\n"
			       "ffffffff81000300 T __x64_sys_open\n"
			       "ffffffff81000400 T __x64_sys_close\n"
			       "ffffffff81000500 T __x64_sys_ni_syscall\n"
			       "ffffffff81000500 T __ia32_sys_ni_syscall\n"
			       "ffffffff81000600 T __x64_sys_openat\n"
			       "ffffffff81000700 T __ia32_sys_restart_syscall\n"
			       "ffffffff81000800 T __ia32_sys_exit\n"
			       "ffffffff81000900 T __ia32_sys_fork\n"
			       "ffffffff81000a00 T __ia32_sys_read\n"
			       "ffffffff81000b00 T __ia32_compat_sys_write\n"
			       "ffffffff81000c00 t not_a_handler\n"
			       "ffffffff82400000 D __start_rodata\n"
			       "ffffffff828c1000 R __start_BTF\n"
			       "0000000000000000 T __x64_sys_hidden\n";

#define X(a) (0xffffffff81000000ull + (a))

/* Read-only data: noise, the x86-64 table (ending at a non-handler), noise. */
static const uint64_t rodata[] = {
	7,	  X(0x100), 9,	      X(0x100), X(0x200), X(0x300),
	X(0x400), X(0x500), X(0x600), X(0xc00), X(0x100), 0,
};

static struct syscnames *load(void)
{
	struct syscnames *n = syscnames__new();
	FILE *f = fmemopen((void *)kallsyms, sizeof(kallsyms) - 1, "r");

	assert_non_null(n);
	assert_non_null(f);
	assert_int_equal(syscnames__read_kallsyms(n, f), 0);
	fclose(f);
	return n;
}

static void test_find_and_name(void **state)
{
	struct syscnames *n = load();
	uint64_t lo, hi;
	char buf[64];
	long at;

	(void)state;
	assert_int_equal(syscnames__search_region(n, &lo, &hi), 1);
	assert_int_equal(lo, 0xffffffff82400000ull);
	assert_int_equal(hi, 0xffffffff828c1000ull);
	assert_int_equal(syscnames__addr(n, "sys_call_table"), 0);
	/* A lone read is no table: the first four must all be there. */
	at = syscnames__find(n, SYSC_X64, rodata, sizeof(rodata) / sizeof(rodata[0]));
	assert_int_equal(at, 3);
	/* The table ends at the first word that is no x86-64 handler. */
	assert_int_equal(syscnames__set_table(n, SYSC_X64, rodata + at, 9), 6);
	assert_int_equal(syscnames__nr(n, SYSC_X64), 6);
	assert_string_equal(syscnames__name(n, SYSC_X64, 0), "read");
	assert_string_equal(syscnames__name(n, SYSC_X64, 5), "openat");
	assert_null(syscnames__name(n, SYSC_X64, 4)); /* ni_syscall */
	assert_null(syscnames__name(n, SYSC_X64, 6));
	assert_string_equal(syscnames__label(n, 5, 0, buf, sizeof(buf)), "openat");
	assert_string_equal(syscnames__label(n, 4, 0, buf, sizeof(buf)), "[unknown: 4]");
	/* No ia32 table found: 32-bit calls by number. */
	assert_int_equal(syscnames__nr(n, SYSC_IA32), 0);
	assert_string_equal(syscnames__label(n, 3, 1, buf, sizeof(buf)), "[ia32 unknown: 3]");
	assert_string_equal(syscnames__label(NULL, 3, 0, buf, sizeof(buf)), "[unknown: 3]");
	syscnames__free(n);
}

static void test_ia32(void **state)
{
	/* restart_syscall, exit, fork, read, write (a compat handler), then an x86-64 one. */
	static const uint64_t table[] = { X(0x700), X(0x800), X(0x900), X(0xa00),
					  X(0xb00), X(0x500), X(0x100) };
	static const uint64_t wrong[] = { X(0x700), X(0x800), X(0x900), X(0xb00), X(0xa00) };
	struct syscnames *n = load();
	char buf[64];

	(void)state;
	assert_int_equal(syscnames__find(n, SYSC_IA32, wrong, 5), -1);
	assert_int_equal(syscnames__set_table(n, SYSC_IA32, wrong, 5), 0);
	assert_int_equal(syscnames__find(n, SYSC_IA32, table, 7), 0);
	/* ni_syscall is an ia32 handler too (an alias): the end is the x86-64 read. */
	assert_int_equal(syscnames__set_table(n, SYSC_IA32, table, 7), 6);
	assert_string_equal(syscnames__label(n, 4, 1, buf, sizeof(buf)), "ia32:write");
	assert_string_equal(syscnames__label(n, 5, 1, buf, sizeof(buf)), "[ia32 unknown: 5]");
	/* The x86-64 numbers are another table's. */
	assert_null(syscnames__name(n, SYSC_X64, 0));
	syscnames__free(n);
}

static void test_hidden(void **state)
{
	static const char zeros[] = "0000000000000000 T __x64_sys_read\n"
				    "0000000000000000 T __x64_sys_write\n";
	struct syscnames *n = syscnames__new();
	FILE *f = fmemopen((void *)zeros, sizeof(zeros) - 1, "r");

	(void)state;
	assert_int_equal(syscnames__read_kallsyms(n, f), -ENOENT);
	fclose(f);
	syscnames__free(n);
}

static void test_errno(void **state)
{
	int e = 0;

	(void)state;
	assert_int_equal(sysc__parse_errno("ENOENT", &e), 0);
	assert_int_equal(e, 2);
	assert_int_equal(sysc__parse_errno("13", &e), 0);
	assert_int_equal(e, 13);
	assert_string_equal(sysc__errno_name(13), "EACCES");
	assert_int_equal(sysc__parse_errno("ENOPE", &e), -EINVAL);
	assert_int_equal(sysc__parse_errno("0", &e), -EINVAL);
	assert_int_equal(sysc__parse_errno("4096", &e), -EINVAL);
	assert_int_equal(sysc__parse_errno("2x", &e), -EINVAL);
	assert_int_equal(sysc__parse_errno("", &e), -EINVAL);
	assert_null(sysc__errno_name(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_and_name),
		cmocka_unit_test(test_ia32),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
