// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the recording reader (src/core/recfile.c) on any bytes.
 *
 * Each input is read as it is, then with its CRCs made right (fix_crcs()),
 * which is what lets mutations reach the record decoders.
 *
 * Beyond "no crash, no read outside the input" (ASan, UBSan), it checks what
 * the reader promises: a failed open says why; every item is in range (CPUs
 * below the header's count, names NUL-padded, the fields a kind does not use
 * zero); reading stops with a status that matches what was seen (REC_OK only
 * after the trailer) and an offset inside the input. Then it writes what it
 * read into a new recording and reads that back: the writer must take every
 * item the reader gives, and the items must come back the same.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/probe_ids.h"
#include "core/recfile.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_recfile: %s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                                            \
			abort();                                                             \
		}                                                                            \
	} while (0)

static void check_str(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	CHECK(n < size);
	for (size_t i = n; i < size; i++)
		CHECK(s[i] == 0);
}

static void check_comm(const char *comm)
{
	size_t n = strnlen(comm, SEV_COMM_LEN);

	for (size_t i = n; i < SEV_COMM_LEN; i++)
		CHECK(comm[i] == 0);
}

/* The fields a kind does not use are zero (sev.h's table). */
static void check_event(const struct sev *e, uint32_t nr_cpus)
{
	static const struct sev zero;
	struct sev z = *e;

	CHECK(e->type >= SEV_SWITCH && e->type < SEV_NR_TYPES);
	CHECK(e->cpu < nr_cpus);
	check_comm(e->comm);
	z.ts_ns = 0;
	z.type = z.cpu = z.tid = z.pid = z.flags = 0;
	z.prio = 0;
	switch (e->type) {
	case SEV_SWITCH:
		z.tid2 = z.pid2 = z.state = 0;
		z.prio2 = 0;
		z.runtime_ns = z.run_delay_ns = z.nvcsw = z.nivcsw = z.pcount = 0;
		break;
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		CHECK(e->cpu2 < nr_cpus);
		z.cpu2 = 0;
		break;
	case SEV_MIGRATE:
		CHECK(e->cpu2 < nr_cpus && e->cpu3 < nr_cpus);
		z.cpu2 = z.cpu3 = 0;
		z.migrations = 0;
		break;
	case SEV_FORK:
		z.tid2 = z.pid2 = 0;
		z.prio2 = 0;
		memset(z.comm, 0, sizeof(z.comm));
		break;
	case SEV_EXEC:
		z.tid2 = 0;
		memset(z.comm, 0, sizeof(z.comm));
		break;
	case SEV_EXIT:
		z.runtime_ns = z.nvcsw = z.nivcsw = 0;
		break;
	case SEV_PRIO:
		z.prio2 = 0;
		break;
	case SEV_PROBE:
		CHECK(e->probe < SS_NR_PROBES && e->cpu2 < nr_cpus);
		z.probe = z.cpu2 = z.nr_running = z.tid2 = z.pid2 = 0;
		z.prio2 = 0;
		break;
	default:
		memset(z.comm, 0, sizeof(z.comm));
		break;
	}
	CHECK(!memcmp(&z, &zero, sizeof(z)));
}

static bool same_item(const struct rec_item *a, const struct rec_item *b)
{
	/* sev and task_snap have no padding: memcmp is exact. */
	return a->type == b->type && a->phase == b->phase && a->cpu == b->cpu &&
	       a->ts_ns == b->ts_ns && a->lost == b->lost &&
	       !memcmp(&a->ev, &b->ev, sizeof(a->ev)) &&
	       !memcmp(&a->snap, &b->snap, sizeof(a->snap));
}

struct items {
	struct rec_item *v;
	size_t nr, cap;
};

static void items__add(struct items *x, const struct rec_item *it)
{
	if (x->nr == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 64;
		x->v = realloc(x->v, x->cap * sizeof(*x->v));
		CHECK(x->v);
	}
	x->v[x->nr++] = *it;
}

/* Read everything, checking each item; returns the status. */
static enum rec_status read_checked(const uint8_t *data, size_t size, struct rec_header *h,
				    struct items *out, bool *opened)
{
	struct rec_error err;
	struct rec_reader *r;
	struct rec_item it;
	bool ended = false;
	enum rec_status st;

	memset(&err, 0x5a, sizeof(err));
	r = recr__open(data, size, h, &err);
	*opened = r != NULL;
	if (!r) {
		CHECK(strnlen(err.msg, sizeof(err.msg)) > 0 &&
		      strnlen(err.msg, sizeof(err.msg)) < sizeof(err.msg));
		CHECK(err.offset <= size);
		return REC_CORRUPT;
	}
	CHECK(h->version >= 1 && h->version <= REC_VERSION && h->clock == REC_CLOCK_MONOTONIC);
	CHECK(h->nr_cpus >= 1 &&
	      !(h->event_mask & ~(uint32_t)(SEV_ALL_MASK | SEV_MASK(SEV_PROBE))));
	CHECK((h->version >= REC_VERSION_PROBES) == !!h->probe_mask);
	check_str(h->release, sizeof(h->release));
	check_str(h->hostname, sizeof(h->hostname));
	check_str(h->filter, sizeof(h->filter));
	while (recr__next(r, &it, &err)) {
		/* Every record takes at least a byte: this cannot go on forever. */
		CHECK(out->nr < size);
		CHECK(!ended);
		CHECK(it.offset < size);
		switch (it.type) {
		case REC_EVENT:
			check_event(&it.ev, h->nr_cpus);
			CHECK(it.ts_ns == it.ev.ts_ns);
			break;
		case REC_SNAP:
			CHECK(it.phase == SNAP_BEGIN || it.phase == SNAP_END);
			CHECK(it.snap.cpu < h->nr_cpus);
			check_comm(it.snap.comm);
			break;
		case REC_LOST:
			CHECK(it.cpu < h->nr_cpus);
			break;
		case REC_END:
			ended = true;
			break;
		default:
			CHECK(!"an item of an unknown type");
		}
		items__add(out, &it);
	}
	st = recr__status(r);
	CHECK(st == REC_OK || st == REC_CUT || st == REC_CORRUPT);
	CHECK((st == REC_OK) == ended);
	CHECK(err.offset <= size);
	if (st != REC_OK)
		CHECK(strnlen(err.msg, sizeof(err.msg)) > 0 &&
		      strnlen(err.msg, sizeof(err.msg)) < sizeof(err.msg));
	CHECK(!recr__next(r, &it, &err) && recr__status(r) == st);
	recr__free(r);
	return st;
}

static int out_fd = -1;

/* What was read, written again: the writer takes it all and it reads back the same. */
static void rewrite_and_compare(const struct rec_header *h, const struct items *x)
{
	struct items back = { 0 };
	struct rec_header h2;
	struct rec_writer *w;
	struct stat st;
	uint8_t *buf;
	bool opened;

	CHECK(ftruncate(out_fd, 0) == 0 && lseek(out_fd, 0, SEEK_SET) == 0);
	w = recw__new(out_fd, h);
	CHECK(w);
	for (size_t i = 0; i < x->nr; i++) {
		const struct rec_item *it = &x->v[i];

		switch (it->type) {
		case REC_EVENT:
			CHECK(recw__event(w, &it->ev) == 0);
			break;
		case REC_SNAP:
			CHECK(recw__snap(w, it->phase, it->ts_ns, &it->snap) == 0);
			break;
		case REC_LOST:
			CHECK(recw__lost(w, it->cpu, it->ts_ns, it->lost) == 0);
			break;
		default:
			CHECK(recw__finish(w, it->ts_ns) == 0);
			break;
		}
	}
	CHECK(recw__flush(w) == 0);
	recw__free(w);
	CHECK(fstat(out_fd, &st) == 0 && st.st_size > 0);
	buf = malloc((size_t)st.st_size);
	CHECK(buf);
	CHECK(pread(out_fd, buf, (size_t)st.st_size, 0) == st.st_size);
	read_checked(buf, (size_t)st.st_size, &h2, &back, &opened);
	CHECK(opened);
	CHECK(h2.version == h->version && h2.clock == h->clock && h2.nr_cpus == h->nr_cpus &&
	      h2.event_mask == h->event_mask && h2.probe_mask == h->probe_mask &&
	      h2.start_ns == h->start_ns && h2.boot_wall_ns == h->boot_wall_ns &&
	      !strcmp(h2.release, h->release) && !strcmp(h2.hostname, h->hostname) &&
	      !strcmp(h2.filter, h->filter));
	CHECK(back.nr == x->nr);
	for (size_t i = 0; i < x->nr; i++)
		CHECK(same_item(&back.v[i], &x->v[i]));
	free(buf);
	free(back.v);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * The header's and each whole chunk's CRC made right (docs/format.md), so
 * that mutations get past the checksums into the record decoders: a fuzzer
 * would hardly ever guess a CRC32C.
 */
static void fix_crcs(uint8_t *b, size_t len)
{
	size_t hlen, pos;

	if (len < 16)
		return;
	hlen = le32(b + 12);
	if (hlen < 310 || hlen > 4096 || hlen > len)
		return;
	put_le32(b + hlen - 4, rec__crc32c(0, b, hlen - 4));
	for (pos = hlen; len - pos >= 9;) {
		size_t plen = le32(b + pos + 1);

		if (plen > len - pos - 9)
			break;
		put_le32(b + pos + 5, rec__crc32c(rec__crc32c(0, b + pos, 5), b + pos + 9, plen));
		pos += 9 + plen;
	}
}

static void check_bytes(const uint8_t *data, size_t size)
{
	struct items x = { 0 };
	struct rec_header h;
	bool opened;

	memset(&h, 0, sizeof(h));
	read_checked(data, size, &h, &x, &opened);
	if (opened)
		rewrite_and_compare(&h, &x);
	free(x.v);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	out_fd = memfd_create("fuzz_recfile", MFD_CLOEXEC);
	if (out_fd < 0) {
		perror("fuzz_recfile: memfd_create");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly the input's size: ASan sees any read past its end. */
	uint8_t *fixed = malloc(size ? size : 1);

	if (!fixed)
		abort();
	check_bytes(data, size);
	if (size)
		memcpy(fixed, data, size);
	fix_crcs(fixed, size);
	check_bytes(fixed, size);
	free(fixed);
	return 0;
}
