// SPDX-License-Identifier: GPL-2.0
/*
 * btfscan__find() on BTF written here: the ids of the types asked for, of
 * the right kind and by whole name, with every kind before them to step
 * over, across the scan's buffer boundaries; and a clear error for what it
 * cannot read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/btfscan.h"

/* A growing BTF: its type and string sections apart, joined by write_btf(). */
struct btf_w {
	unsigned char *types, *strs;
	size_t types_len, strs_len;
	uint32_t nr_types;
};

static void put(unsigned char **buf, size_t *len, const void *p, size_t n)
{
	*buf = realloc(*buf, *len + n);
	assert_non_null(*buf);
	memcpy(*buf + *len, p, n);
	*len += n;
}

static uint32_t add_str(struct btf_w *b, const char *s)
{
	uint32_t off = (uint32_t)b->strs_len;

	put(&b->strs, &b->strs_len, s, strlen(s) + 1);
	return off;
}

/* A type of kind with vlen and tail bytes of zeroes after its header: its id. */
static uint32_t add_type(struct btf_w *b, uint32_t name_off, uint32_t kind, uint32_t vlen,
			 size_t tail)
{
	uint32_t hdr[3] = { name_off, kind << 24 | vlen, 0 };
	unsigned char zero[64] = { 0 };

	put(&b->types, &b->types_len, hdr, sizeof(hdr));
	while (tail) {
		size_t n = tail < sizeof(zero) ? tail : sizeof(zero);

		put(&b->types, &b->types_len, zero, n);
		tail -= n;
	}
	return ++b->nr_types;
}

static void init(struct btf_w *b)
{
	memset(b, 0, sizeof(*b));
	add_str(b, ""); /* offset 0: the empty name */
}

/* The BTF as a file (header, types, strings), open for reading. */
static int write_btf(struct btf_w *b, uint16_t magic, size_t cut)
{
	uint32_t hdr[6] = {
		0, 24, 0, (uint32_t)b->types_len, (uint32_t)b->types_len, (uint32_t)b->strs_len
	};
	FILE *f = tmpfile();
	int fd;

	assert_non_null(f);
	memcpy(hdr, &magic, sizeof(magic));
	((unsigned char *)hdr)[2] = 1; /* version */
	assert_int_equal(fwrite(hdr, sizeof(hdr), 1, f), 1);
	assert_int_equal(fwrite(b->types, 1, b->types_len, f), b->types_len);
	assert_int_equal(fwrite(b->strs, 1, b->strs_len, f), b->strs_len);
	assert_int_equal(fflush(f), 0);
	fd = dup(fileno(f));
	if (cut)
		assert_int_equal(ftruncate(fd, (off_t)(24 + b->types_len + b->strs_len - cut)), 0);
	fclose(f);
	free(b->types);
	free(b->strs);
	return fd;
}

/* One type of every kind (1 INT to 19 ENUM64), named kN, each with what follows it. */
static void every_kind(struct btf_w *b)
{
	static const size_t tail[20] = { 0, 4, 0, 12, 36, 24, 16, 0, 0, 0,
					 0, 0, 0, 16, 4,  12, 0,  4, 0, 24 };
	static const uint32_t vlen[20] = { 0, 0, 0, 0, 3, 2, 2, 0, 0, 0,
					   0, 0, 0, 2, 0, 1, 0, 0, 0, 2 };
	char name[8];

	for (uint32_t k = 1; k < 20; k++) {
		snprintf(name, sizeof(name), "k%u", k);
		add_type(b, add_str(b, name), k, vlen[k], tail[k]);
	}
}

static void finds_by_name_and_kind(void **state)
{
	struct btf_w b;
	struct btfscan_want want[] = {
		{ "btf_trace_sched_switch", BTF_KIND_TYPEDEF, 7 },
		{ "set_user_nice", BTF_KIND_FUNC, 7 },
		{ "k8", BTF_KIND_TYPEDEF, 7 },
		{ "k12", BTF_KIND_FUNC, 7 },
		{ "k4", BTF_KIND_FUNC, 7 },	   /* a STRUCT of that name: not a FUNC */
		{ "missing", BTF_KIND_FUNC, 7 },   /* no such string */
		{ "user_nice", BTF_KIND_FUNC, 7 }, /* only the tail of a name */
	};
	uint32_t nice, tp, fn;
	int fd;

	(void)state;
	init(&b);
	every_kind(&b);
	/* A STRUCT first, then the FUNC of the same name string. */
	nice = add_str(&b, "set_user_nice");
	add_type(&b, nice, 4, 1, 12);
	tp = add_type(&b, add_str(&b, "btf_trace_sched_switch"), 8, 0, 0);
	fn = add_type(&b, nice, 12, 0, 0);
	fd = write_btf(&b, 0xeB9F, 0);
	assert_int_equal(btfscan__find(fd, want, 7), 0);
	close(fd);
	assert_int_equal(want[0].id, tp);
	assert_int_equal(want[1].id, fn);
	assert_int_equal(want[2].id, 8);
	assert_int_equal(want[3].id, 12);
	assert_int_equal(want[4].id, 0);
	assert_int_equal(want[5].id, 0);
	assert_int_equal(want[6].id, 0);
}

/*
 * Sections many times the scan's 64 KiB buffer: types whose tails straddle
 * its refills, a string longer than any name and one longer than the buffer
 * (the second ending in a name asked for, which must not count), and the
 * names asked for at the very end of both sections.
 */
static void reads_across_refills(void **state)
{
	struct btf_w b;
	struct btfscan_want want[] = { { "btf_trace_sched_waking", BTF_KIND_TYPEDEF, 0 },
				       { "last_fn", BTF_KIND_FUNC, 0 } };
	char *huge = malloc(200000), name[32];
	uint32_t tp = 0, fn;
	int fd;

	(void)state;
	assert_non_null(huge);
	init(&b);
	memset(huge, 'x', 200000);
	strcpy(huge + 200000 - sizeof("btf_trace_sched_waking"), "btf_trace_sched_waking");
	add_type(&b, add_str(&b, huge), 4, 0, 0);
	memset(huge + 300, 0, 1);
	add_type(&b, add_str(&b, huge), 4, 0, 0);
	free(huge);
	for (uint32_t i = 0; i < 30000; i++) {
		snprintf(name, sizeof(name), "s%u", i);
		/* 1 to 7 members: 24 to 96 bytes a type, at every alignment to the buffer. */
		add_type(&b, add_str(&b, name), 4, 1 + i % 7, 12 * (1 + i % 7));
		if (i == 20000)
			tp = add_type(&b, add_str(&b, "btf_trace_sched_waking"), 8, 0, 0);
	}
	fn = add_type(&b, add_str(&b, "last_fn"), 12, 0, 0);
	fd = write_btf(&b, 0xeB9F, 0);
	assert_int_equal(btfscan__find(fd, want, 2), 0);
	close(fd);
	assert_int_equal(want[0].id, tp);
	assert_int_equal(want[1].id, fn);
}

static void refuses_what_it_cannot_read(void **state)
{
	struct btfscan_want want[] = { { "k8", BTF_KIND_TYPEDEF, 0 } };
	struct btf_w b;
	int fd;

	(void)state;
	/* Another byte order's magic. */
	init(&b);
	every_kind(&b);
	fd = write_btf(&b, 0x9FeB, 0);
	assert_int_equal(btfscan__find(fd, want, 1), -EINVAL);
	close(fd);
	/* Cut short. */
	init(&b);
	every_kind(&b);
	fd = write_btf(&b, 0xeB9F, 5);
	assert_int_equal(btfscan__find(fd, want, 1), -EINVAL);
	close(fd);
	/* A kind newer than the scan knows, before the one asked for: it cannot step over. */
	init(&b);
	add_type(&b, 0, 20, 0, 0);
	every_kind(&b);
	fd = write_btf(&b, 0xeB9F, 0);
	assert_int_equal(btfscan__find(fd, want, 1), -EINVAL);
	close(fd);
	/* Not open. */
	assert_int_equal(btfscan__find(-1, want, 1), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_by_name_and_kind),
		cmocka_unit_test(reads_across_refills),
		cmocka_unit_test(refuses_what_it_cannot_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
