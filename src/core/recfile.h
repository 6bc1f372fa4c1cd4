/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recording file (docs/format.md): a header, then chunks of compressed
 * records, each chunk written whole with one write(2) so a file cut short by
 * a crash or kill -9 is readable up to its last complete chunk, then a
 * trailer on a clean end. Pure C: the writer encodes decoded events (sev.h),
 * the reader gives them back exactly, from any bytes, never reading outside
 * the buffer it is given (it is what the fuzzer drives).
 */
#ifndef SCHEDSCOPE_RECFILE_H
#define SCHEDSCOPE_RECFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sev.h"

/*
 * The newest major version this build reads and writes. A recording holds
 * version 1 unless it has probe events (REC_VERSION_PROBES), so that a
 * schedscope from before them reads every recording it can.
 */
#define REC_VERSION 2
#define REC_VERSION_PROBES 2  /* the first with SEV_PROBE records and probe_mask */
#define REC_CLOCK_MONOTONIC 1 /* the only clock so far: CLOCK_MONOTONIC, bpf_ktime_get_ns() */

struct rec_header {
	uint32_t version;      /* set by the writer; what the file says, from the reader */
	uint32_t clock;	       /* REC_CLOCK_* */
	uint32_t nr_cpus;      /* possible CPUs */
	uint32_t event_mask;   /* SEV_MASK() of the kinds recorded; SEV_PROBE iff probe_mask */
	uint32_t probe_mask;   /* the DTrace probes recorded, 1u << enum ss_probe (version 2) */
	uint64_t start_ns;     /* CLOCK_MONOTONIC when recording began */
	uint64_t boot_wall_ns; /* CLOCK_REALTIME of the boot (REALTIME - MONOTONIC at start) */
	char release[65];      /* uname -r */
	char hostname[65];
	char filter[128]; /* the filters recorded with, as given ("-p 123"), or "" */
};

enum rec_item_type {
	REC_EVENT = 1, /* item.ev */
	REC_SNAP = 2,  /* item.snap, of item.phase, at item.ts_ns */
	REC_LOST = 3,  /* item.cpu lost item.lost events in all so far (ring buffer full) */
	REC_END = 4,   /* the trailer: a clean end at item.ts_ns; nothing follows */
};

struct rec_item {
	uint32_t type;	 /* enum rec_item_type */
	uint32_t phase;	 /* REC_SNAP: enum snap_phase */
	uint32_t cpu;	 /* REC_LOST */
	uint64_t ts_ns;	 /* REC_SNAP, REC_LOST, REC_END; REC_EVENT: see ev.ts_ns */
	uint64_t lost;	 /* REC_LOST: cumulative */
	uint64_t offset; /* byte offset of the record's chunk in the file */
	struct sev ev;
	struct task_snap snap;
};

/* Why reading stopped early: where, and what was wrong. */
struct rec_error {
	uint64_t offset; /* byte offset in the file */
	char msg[160];
};

/* ---- writing ---- */

struct rec_writer;

/*
 * Write the header to fd (at its current position) and return a writer, or
 * NULL with errno set. The writer owns no fd: the caller closes it.
 */
struct rec_writer *recw__new(int fd, const struct rec_header *h);

/* Append one record; returns 0 or -errno (a failed write(2)). */
int recw__event(struct rec_writer *w, const struct sev *e);
int recw__snap(struct rec_writer *w, enum snap_phase phase, uint64_t ts_ns,
	       const struct task_snap *s);
int recw__lost(struct rec_writer *w, uint32_t cpu, uint64_t ts_ns, uint64_t lost);

/* Write what is buffered as one chunk (also done whenever a chunk fills). */
int recw__flush(struct rec_writer *w);

/* Flush and write the trailer: the file is complete. */
int recw__finish(struct rec_writer *w, uint64_t end_ns);

void recw__free(struct rec_writer *w);

/* Bytes written to fd so far, header included, and events appended. */
uint64_t recw__bytes(const struct rec_writer *w);
uint64_t recw__events(const struct rec_writer *w);

/* ---- reading ---- */

enum rec_status {
	REC_OK = 0,	 /* more to come, or a clean end (trailer seen) */
	REC_CUT = 1,	 /* the data ends before the trailer: a recording cut short */
	REC_CORRUPT = 2, /* invalid bytes: err says where and what */
};

struct rec_reader;

/*
 * Parse the header of buf[0..len). On failure returns NULL with err filled
 * (a file that is no recording, a version this build cannot read, a header
 * cut short). buf must outlive the reader.
 */
struct rec_reader *recr__open(const void *buf, size_t len, struct rec_header *h,
			      struct rec_error *err);
void recr__free(struct rec_reader *r);

/*
 * The next record: returns true with *it filled, or false when reading
 * stops; then recr__status() says why (REC_OK: the trailer was read) and err
 * holds the offset and reason of a cut or corrupt file. Every item returned
 * before that is valid.
 */
bool recr__next(struct rec_reader *r, struct rec_item *it, struct rec_error *err);
enum rec_status recr__status(const struct rec_reader *r);

/*
 * CRC32C (Castagnoli) as the format uses it, for tests and tools that build
 * or check files by hand: start with crc 0; chaining calls over consecutive
 * pieces gives the CRC of the whole. rec__crc32c(0, "123456789", 9) == 0xe3069283.
 */
uint32_t rec__crc32c(uint32_t crc, const void *buf, size_t len);

#endif
