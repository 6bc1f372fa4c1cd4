// SPDX-License-Identifier: GPL-2.0
/*
 * The recording file; docs/format.md has it byte by byte. Outline:
 *
 *   header   magic, version, header length, the rec_header fields, CRC32C
 *   chunk*   frame: tag 'R', payload length, CRC32C of tag + length + payload;
 *            payload: the chunk's sequence number, then records
 *   trailer  a chunk tagged 'E': sequence number, end time, event count
 *
 * A record is one byte (the record type in the low nibble, four flag bits
 * above it; a switch has a second byte of flags), then varints. It is small
 * because most of an event can be predicted from what came before:
 *   - timestamps are zigzag deltas from the previous record's;
 *   - every counter is a zigzag delta from the last value written for the
 *     same thread (struct tidctx: a table keyed by TID, each CPU's idle task
 *     keyed by its CPU, as all of them are TID 0);
 *   - pid and prio as the thread's context has them, a switch's prev being
 *     the task the CPU last switched to and its next the one it last switched
 *     from, nvcsw/nivcsw/pcount going up by one, sev.flags following from the
 *     state and counters: each is a flag bit, and the field is then omitted.
 * Writer and reader share the code that keeps this context (struct codec),
 * so the two cannot drift apart. The TID table is capped: on overflow it is
 * emptied and refills (both sides at the same record), which bounds what any
 * file, however corrupt, can make the reader allocate.
 *
 * The writer fills a chunk in memory and hands it to one write(2), so a crash
 * leaves whole chunks and at most one partial one; the reader checks each
 * chunk's frame and CRC before decoding it and stops, saying where, at the
 * first one that is short (REC_CUT) or wrong (REC_CORRUPT).
 */
#include "recfile.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/probe_ids.h"
#include "varint.h"

#define REC_VERSION_MINOR 0

static const uint8_t rec_magic[8] = { 0x89, 'S', 'S', 'R', 'E', 'C', '\r', '\n' };

enum {
	/* The header of version 1.0; a later 1.x may append fields up to HDR_MAX_LEN. */
	HDR_OFF_MAJOR = 8,
	HDR_OFF_MINOR = 10,
	HDR_OFF_LEN = 12,
	HDR_OFF_CLOCK = 16,
	HDR_OFF_NR_CPUS = 20,
	HDR_OFF_MASK = 24,
	HDR_OFF_FLAGS = 28,
	HDR_OFF_START = 32,
	HDR_OFF_BOOT_WALL = 40,
	HDR_OFF_RELEASE = 48,
	HDR_OFF_HOSTNAME = HDR_OFF_RELEASE + 65,
	HDR_OFF_FILTER = HDR_OFF_HOSTNAME + 65,
	HDR_LEN = HDR_OFF_FILTER + 128 + 4, /* 310, the CRC included */
	/* Version 2 appends the probes recorded. */
	HDR_OFF_PROBES = HDR_LEN - 4,
	HDR_LEN_2 = HDR_OFF_PROBES + 4 + 4, /* 314 */
	HDR_MAX_LEN = 4096,

	FRAME_LEN = 9,	     /* tag, payload length (u32), CRC32C (u32) */
	CHUNK_MAX = 65536,   /* frame + payload */
	REC_MAX_BYTES = 160, /* the longest record: a snapshot is 128 at most */
	MAX_CPUS = 65536,
	PRIO_DEFAULT = 120, /* a new thread's context: nice 0 */
};

_Static_assert(HDR_LEN == 310, "header layout");

enum { TAG_RECORDS = 'R', TAG_END = 'E' };

/*
 * Record types other than events (which are their enum sev_type, 1..10),
 * and the probe event's (SEV_PROBE, version 2).
 */
enum { R_SNAP = 11, R_LOST = 12, R_PROBE = 13, R_FLAGS = 15 };

/* Flags in the high nibble of a record's first byte. */
#define F_CPU_SAME 0x10u /* cpu is the previous event's */
/* switch */
#define SW_PREV_RUNNING 0x20u  /* tid is what this CPU last switched to */
#define SW_NEXT_LASTPREV 0x40u /* tid2 is what this CPU last switched away from */
#define SW_PREV_IDENT 0x80u    /* pid and prio as prev's context has them */
/* switch, second byte */
#define SW_NEXT_IDENT 0x01u
#define SW_STATE_SHIFT 1    /* 2 bits: 0 "R", 1 "S", 2 "R+", 3 a varint follows */
#define SW_CSW_SHIFT 3	    /* 2 bits: see enum csw */
#define SW_PCOUNT_INC 0x20u /* next's pcount + 1 */
#define SW_DELAY_SAME 0x40u /* next's run_delay unchanged */
#define SW_RESERVED 0x80u
/* every other event */
#define F_IDENT 0x20u /* pid and prio as the thread's context has them */
#define F_HINT 0x40u  /* tid is implied (see hint_of); migrate: migrations + 1 */
#define F_X 0x80u     /* by type: see the encoders */
/* snapshot */
#define SN_END 0x10u /* phase SNAP_END */
#define SN_IDENT 0x20u

enum csw { CSW_VOL = 0, CSW_INVOL = 1, CSW_NONE = 2, CSW_DELTAS = 3 };

/*
 * Per record type: T_KNOWN, and the high-nibble flag bits it may set. A type
 * without T_KNOWN, or any other flag bit, is corrupt.
 */
#define T_KNOWN 0x01u
static const uint8_t type_bits[16] = {
	[SEV_SWITCH] = 0xf1,  [SEV_WAKING] = 0xf1, [SEV_WAKEUP] = 0xf1, [SEV_WAKEUP_NEW] = 0xf1,
	[SEV_MIGRATE] = 0xf1, [SEV_FORK] = 0xf1,   [SEV_EXEC] = 0xf1,	[SEV_EXIT] = 0x71,
	[SEV_PRIO] = 0x71,    [SEV_RENAME] = 0x71, [R_SNAP] = 0x31,	[R_LOST] = T_KNOWN,
	[R_PROBE] = 0xf1,     [R_FLAGS] = T_KNOWN,
};

/* The event a record type holds, or 0 if it holds none. */
static inline uint32_t event_of(unsigned int type)
{
	if (type == R_PROBE)
		return SEV_PROBE;
	return type >= SEV_SWITCH && type <= SEV_RENAME ? type : 0;
}

/* A probe's fields after its CPU, by what they are (see enc_probe()). */
#define PROBE_HAS_OTHER (1u << SS_P_OFF_CPU | 1u << SS_P_LEND_PRI)
#define PF_SHIFT 4     /* the probe's varint: the probe, then these flags */
#define PF_IDENT2 0x1u /* the other thread's pid and prio as in its context */

/* ---- bytes ---- */

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* An int32 stored as a u64 difference, back: false if out of range. */
static inline bool u64_to_i32(uint64_t v, int32_t *out)
{
	int64_t s = v < (1ull << 63) ? (int64_t)v : -(int64_t)(~v) - 1;

	if (s < INT32_MIN || s > INT32_MAX)
		return false;
	*out = (int32_t)s;
	return true;
}

/*
 * ---- CRC32C (Castagnoli): the reader checks every byte ----
 *
 * Slicing by 8 anywhere; where the CPU has SSE4.2, its crc32 instruction,
 * which computes this very CRC, for the chunks (the reader's one pass over
 * the whole file). rec__crc32c() stays the portable one: the tests and the
 * fuzzer build files by hand with it, and so hold the two against each other.
 */

#define CRC32C_POLY 0x82f63b78u /* reflected */

static uint32_t crc_tab[8][256];
/* The fastest of the two below. */
static uint32_t (*crc_chunk)(uint32_t crc, const uint8_t *p, size_t len);
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

/* On the inverted register: callers start from ~0 and invert the result. */
static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t len)
{
	for (; len >= 8; p += 8, len -= 8) {
		uint32_t lo = crc ^ le32(p), hi = le32(p + 4);

		crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
		      crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^ crc_tab[3][hi & 0xff] ^
		      crc_tab[2][(hi >> 8) & 0xff] ^ crc_tab[1][(hi >> 16) & 0xff] ^
		      crc_tab[0][hi >> 24];
	}
	while (len--)
		crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xff];
	return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc_update_sse42(uint32_t crc, const uint8_t *p,
								   size_t len)
{
	uint64_t c = crc;

	for (; len >= 8; p += 8, len -= 8)
		c = __builtin_ia32_crc32di(c, (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32);
	while (len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return (uint32_t)c;
}
#endif

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (CRC32C_POLY & (0 - (c & 1)));
		crc_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_tab[t][i] =
				(crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xff];
	crc_chunk = crc_update;
#if defined(__x86_64__)
	if (__builtin_cpu_supports("sse4.2"))
		crc_chunk = crc_update_sse42;
#endif
}

uint32_t rec__crc32c(uint32_t crc, const void *buf, size_t len)
{
	pthread_once(&crc_once, crc_init);
	return ~crc_update(~crc, buf, len);
}

/* A chunk's checksum: its tag and length, then its payload. */
static uint32_t frame_crc(const uint8_t *frame, const uint8_t *payload, size_t len)
{
	pthread_once(&crc_once, crc_init);
	return ~crc_chunk(crc_chunk(~0u, frame, 5), payload, len);
}

/* ---- the context both sides keep ---- */

/* The last values written for one thread. */
struct tidctx {
	uint64_t key; /* tid_key(); 0: a free slot */
	uint32_t pid;
	int32_t prio;
	uint64_t runtime_ns, run_delay_ns, nvcsw, nivcsw, pcount, migrations;
};

_Static_assert(sizeof(struct tidctx) == 64, "a context is one cache line");

struct cpuctx {
	uint32_t running;   /* the tid2 of the CPU's last switch */
	uint32_t last_prev; /* its tid */
};

#define CTX_MIN_BITS 8
#define CTX_MAX_BITS 17
/* Threads known at most: 3/4 of the largest table (8 MiB). */
#define CTX_MAX (3u << (CTX_MAX_BITS - 2))

struct codec {
	struct tidctx *slots; /* open addressing, linear probing */
	uint32_t bits;
	uint32_t count;	     /* threads since the last reset */
	struct cpuctx *cpus; /* [nr_cpus] */
	uint32_t nr_cpus;
	uint32_t last_cpu;	/* of the previous event */
	uint64_t last_ts;	/* of the previous record; the header's start_ns at first */
	uint64_t last_start_ns; /* of the previous snapshot record */
};

/* Every idle task is TID 0: each CPU's is its own thread. Never 0. */
static inline uint64_t tid_key(uint32_t tid, uint32_t cpu)
{
	return tid ? tid : ((uint64_t)cpu + 1) << 32;
}

static inline uint32_t ctx_slot(uint64_t key, uint32_t bits)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

static inline uint32_t ctx_limit(uint32_t bits)
{
	return 3u << (bits - 2);
}

static int codec__init(struct codec *cx, uint32_t nr_cpus, uint64_t start_ns)
{
	memset(cx, 0, sizeof(*cx));
	if (!nr_cpus)
		return -EINVAL;
	cx->bits = CTX_MIN_BITS;
	cx->slots = calloc(1u << cx->bits, sizeof(*cx->slots));
	cx->cpus = calloc(nr_cpus, sizeof(*cx->cpus));
	cx->nr_cpus = nr_cpus;
	cx->last_ts = start_ns;
	return cx->slots && cx->cpus ? 0 : -ENOMEM;
}

static void codec__free(struct codec *cx)
{
	free(cx->slots);
	free(cx->cpus);
}

static int codec__grow(struct codec *cx)
{
	uint32_t bits = cx->bits + 1, mask = (1u << bits) - 1;
	struct tidctx *slots = calloc(1u << bits, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (uint32_t i = 0; i < 1u << cx->bits; i++) {
		uint32_t j;

		if (!cx->slots[i].key)
			continue;
		for (j = ctx_slot(cx->slots[i].key, bits); slots[j].key; j = (j + 1) & mask)
			;
		slots[j] = cx->slots[i];
	}
	free(cx->slots);
	cx->slots = slots;
	cx->bits = bits;
	return 0;
}

/*
 * Room for n more threads without allocating, so that the writer never
 * fails halfway through a record. Growing is invisible in the file: only
 * count decides when the table is emptied.
 */
static int codec__reserve(struct codec *cx, uint32_t n)
{
	while (cx->bits < CTX_MAX_BITS && cx->count + n > ctx_limit(cx->bits)) {
		int err = codec__grow(cx);

		if (err)
			return err;
	}
	return 0;
}

/* Out of line: a thread not in the table (see codec__ctx). */
static struct tidctx *codec__insert(struct codec *cx, uint64_t key, uint32_t i)
	__attribute__((noinline));
static struct tidctx *codec__insert(struct codec *cx, uint64_t key, uint32_t i)
{
	uint32_t mask = (1u << cx->bits) - 1;
	struct tidctx *e;

	for (;; i = (i + 1) & mask) {
		e = &cx->slots[i];
		if (e->key == key)
			return e;
		if (!e->key)
			break;
	}
	if (cx->count >= CTX_MAX) {
		memset(cx->slots, 0, sizeof(*cx->slots) << cx->bits);
		cx->count = 0;
		e = &cx->slots[ctx_slot(key, cx->bits)];
	} else if (cx->count + 1 > ctx_limit(cx->bits)) {
		if (codec__grow(cx))
			return NULL;
		mask = (1u << cx->bits) - 1;
		for (i = ctx_slot(key, cx->bits); cx->slots[i].key; i = (i + 1) & mask)
			;
		e = &cx->slots[i];
	}
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->prio = PRIO_DEFAULT;
	cx->count++;
	return e;
}

/*
 * The thread's context, created (pid 0, prio PRIO_DEFAULT, counters 0) if
 * new; when CTX_MAX threads are known, a new one first empties the table.
 * NULL only if growing failed, which codec__reserve() rules out.
 */
static inline struct tidctx *codec__ctx(struct codec *cx, uint64_t key)
{
	uint32_t i = ctx_slot(key, cx->bits);

	/* Most lookups hit at once: the table is at most 3/4 full. */
	if (__builtin_expect(cx->slots[i].key == key, 1))
		return &cx->slots[i];
	return codec__insert(cx, key, i);
}

/* Where each kind of event names its task implicitly. */
static inline uint32_t hint_of(const struct cpuctx *cc, uint32_t type)
{
	switch (type) {
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		return cc->last_prev; /* a wakee usually just blocked here */
	default:
		return cc
			->running; /* fork, exec, exit, prio, rename, probe: mostly the task itself */
	}
}

/* An off-cpu moves the CPU's context as a switch does, an on-cpu its running. */
static inline void probe_moves(struct cpuctx *cc, const struct sev *e)
{
	if (e->probe == SS_P_OFF_CPU) {
		cc->last_prev = e->tid;
		cc->running = e->tid2;
	} else if (e->probe == SS_P_ON_CPU) {
		cc->running = e->tid;
	}
}

/*
 * The flags a switch usually has, so that only others are written: a
 * preemption when the state says "R+", and voluntary when it counted in
 * nvcsw, as in the kernel's __schedule(). Other events have none: any flag
 * of theirs is written.
 */
static inline uint32_t predicted_flags(uint32_t state, enum csw csw)
{
	return ((state & SEV_STATE_PREEMPTED) ? SEV_F_PREEMPT : 0) |
	       (csw == CSW_VOL ? SEV_F_VOLUNTARY : 0);
}

static inline unsigned int state_code(uint32_t state)
{
	return state == 0 ? 0 : state == 1 ? 1 : state == SEV_STATE_PREEMPTED ? 2 : 3;
}

static const uint32_t state_of_code[3] = { 0, 1, SEV_STATE_PREEMPTED };

/* ---- writing ---- */

struct rec_writer {
	int fd;
	int err; /* sticky: the first failed write, -errno */
	bool finished;
	bool probes; /* version 2: probe events may be written */
	uint64_t bytes, events, seq;
	size_t used; /* 0, or the frame and the records of the open chunk */
	struct codec cx;
	uint8_t buf[CHUNK_MAX];
};

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void put_str(uint8_t *dst, const char *s, size_t size)
{
	/* The last byte stays NUL: a reader can rely on it. */
	memcpy(dst, s, strnlen(s, size - 1));
}

/* The kinds and the probes: SEV_PROBE among the kinds exactly when there are probes. */
static bool masks_valid(uint32_t event_mask, uint32_t probe_mask)
{
	uint32_t kinds = SEV_ALL_MASK | (probe_mask ? SEV_MASK(SEV_PROBE) : 0);

	return !(event_mask & ~kinds) && !(probe_mask & ~((1u << SS_NR_PROBES) - 1)) &&
	       !probe_mask == !(event_mask & SEV_MASK(SEV_PROBE));
}

struct rec_writer *recw__new(int fd, const struct rec_header *h)
{
	struct rec_writer *w;
	size_t hlen;
	bool probes;
	uint8_t *b;
	int err;

	if (fd < 0 || !h || h->clock != REC_CLOCK_MONOTONIC || !h->nr_cpus ||
	    h->nr_cpus > MAX_CPUS || !masks_valid(h->event_mask, h->probe_mask)) {
		errno = EINVAL;
		return NULL;
	}
	probes = h->probe_mask != 0;
	hlen = probes ? HDR_LEN_2 : HDR_LEN;
	w = malloc(sizeof(*w));
	if (!w)
		return NULL;
	memset(w, 0, offsetof(struct rec_writer, buf));
	w->fd = fd;
	if (codec__init(&w->cx, h->nr_cpus, h->start_ns)) {
		err = -ENOMEM;
		goto fail;
	}
	w->probes = probes;
	b = w->buf;
	memset(b, 0, hlen);
	memcpy(b, rec_magic, sizeof(rec_magic));
	put_le16(b + HDR_OFF_MAJOR, probes ? REC_VERSION_PROBES : 1);
	put_le16(b + HDR_OFF_MINOR, REC_VERSION_MINOR);
	put_le32(b + HDR_OFF_LEN, (uint32_t)hlen);
	put_le32(b + HDR_OFF_CLOCK, h->clock);
	put_le32(b + HDR_OFF_NR_CPUS, h->nr_cpus);
	put_le32(b + HDR_OFF_MASK, h->event_mask);
	put_le64(b + HDR_OFF_START, h->start_ns);
	put_le64(b + HDR_OFF_BOOT_WALL, h->boot_wall_ns);
	put_str(b + HDR_OFF_RELEASE, h->release, sizeof(h->release));
	put_str(b + HDR_OFF_HOSTNAME, h->hostname, sizeof(h->hostname));
	put_str(b + HDR_OFF_FILTER, h->filter, sizeof(h->filter));
	if (probes)
		put_le32(b + HDR_OFF_PROBES, h->probe_mask);
	put_le32(b + hlen - 4, rec__crc32c(0, b, hlen - 4));
	err = write_all(fd, b, hlen);
	if (err)
		goto fail;
	w->bytes = hlen;
	return w;
fail:
	recw__free(w);
	errno = -err;
	return NULL;
}

void recw__free(struct rec_writer *w)
{
	if (!w)
		return;
	codec__free(&w->cx);
	free(w);
}

uint64_t recw__bytes(const struct rec_writer *w)
{
	return w->bytes;
}

uint64_t recw__events(const struct rec_writer *w)
{
	return w->events;
}

static int emit_chunk(struct rec_writer *w, uint8_t tag)
{
	uint8_t *b = w->buf;
	size_t plen = w->used - FRAME_LEN;
	int err;

	b[0] = tag;
	put_le32(b + 1, (uint32_t)plen);
	put_le32(b + 5, frame_crc(b, b + FRAME_LEN, plen));
	err = write_all(w->fd, b, w->used);
	if (err) {
		/* What follows would not decode without this chunk's context. */
		w->err = err;
		return err;
	}
	w->bytes += w->used;
	w->used = 0;
	w->seq++;
	return 0;
}

static void open_chunk(struct rec_writer *w)
{
	if (!w->used)
		w->used = (size_t)(varint__put(w->buf + FRAME_LEN, w->seq) - w->buf);
}

/* Ready for a record of REC_MAX_BYTES: 0, or why not. */
static int writer_room(struct rec_writer *w)
{
	int err;

	if (w->err)
		return w->err;
	if (w->finished)
		return -EINVAL;
	err = codec__reserve(&w->cx, 2);
	if (err)
		return err;
	if (w->used + REC_MAX_BYTES > CHUNK_MAX) {
		err = emit_chunk(w, TAG_RECORDS);
		if (err)
			return err;
	}
	open_chunk(w);
	return 0;
}

int recw__flush(struct rec_writer *w)
{
	if (w->err)
		return w->err;
	return w->used ? emit_chunk(w, TAG_RECORDS) : 0;
}

int recw__finish(struct rec_writer *w, uint64_t end_ns)
{
	uint8_t *p;
	int err = recw__flush(w);

	if (err)
		return err;
	if (w->finished)
		return -EINVAL;
	open_chunk(w);
	p = w->buf + w->used;
	p = varint__put(p, end_ns);
	p = varint__put(p, w->events);
	w->used = (size_t)(p - w->buf);
	err = emit_chunk(w, TAG_END);
	if (!err)
		w->finished = true;
	return err;
}

static inline uint8_t *put_delta(uint8_t *p, uint64_t v, uint64_t *last)
{
	p = varint__put(p, zigzag__enc(v - *last));
	*last = v;
	return p;
}

static inline uint8_t *put_cpu(struct codec *cx, uint8_t *p, uint32_t cpu, unsigned int *f0)
{
	if (cpu == cx->last_cpu)
		*f0 |= F_CPU_SAME;
	else
		p = varint__put(p, cpu);
	cx->last_cpu = cpu;
	return p;
}

/* pid and prio as the context has them (a flag), else both written; then known. */
static inline uint8_t *put_ident(uint8_t *p, struct tidctx *t, uint32_t tid, uint32_t pid,
				 int32_t prio, unsigned int *f, unsigned int same_bit)
{
	if (t->pid == pid && t->prio == prio) {
		*f |= same_bit;
		return p;
	}
	p = varint__put(p, zigzag__enc((uint64_t)tid - pid));
	p = varint__put(p, zigzag__enc((uint64_t)(int64_t)prio - PRIO_DEFAULT));
	t->pid = pid;
	t->prio = prio;
	return p;
}

static inline uint8_t *put_comm(uint8_t *p, const char *comm)
{
	size_t n = strnlen(comm, SEV_COMM_LEN);

	*p++ = (uint8_t)n;
	memcpy(p, comm, n);
	return p + n;
}

static inline enum csw csw_of(uint64_t dv, uint64_t di)
{
	if (dv == 1 && di == 0)
		return CSW_VOL;
	if (dv == 0 && di == 1)
		return CSW_INVOL;
	return dv == 0 && di == 0 ? CSW_NONE : CSW_DELTAS;
}

/*
 * A switch: [flags prefix] byte0 byte1 ts [cpu] [tid] [pid prio] [state]
 * runtime [nvcsw nivcsw] [tid2] [pid2 prio2] [run_delay] [pcount].
 */
static uint8_t *enc_switch(struct codec *cx, uint8_t *p, const struct sev *e)
{
	struct cpuctx *cc = &cx->cpus[e->cpu];
	struct tidctx *t = codec__ctx(cx, tid_key(e->tid, e->cpu));
	uint64_t dv = e->nvcsw - t->nvcsw, di = e->nivcsw - t->nivcsw;
	enum csw csw = csw_of(dv, di);
	unsigned int st = state_code(e->state);
	unsigned int f0 = SEV_SWITCH, f1 = st << SW_STATE_SHIFT | (unsigned int)csw << SW_CSW_SHIFT;
	uint8_t *b0;

	if (e->flags != predicted_flags(e->state, csw)) {
		*p++ = R_FLAGS;
		p = varint__put(p, e->flags);
	}
	b0 = p;
	p += 2;
	p = varint__put(p, zigzag__enc(e->ts_ns - cx->last_ts));
	cx->last_ts = e->ts_ns;
	p = put_cpu(cx, p, e->cpu, &f0);
	if (e->tid == cc->running)
		f0 |= SW_PREV_RUNNING;
	else
		p = varint__put(p, e->tid);
	p = put_ident(p, t, e->tid, e->pid, e->prio, &f0, SW_PREV_IDENT);
	if (st == 3)
		p = varint__put(p, e->state);
	p = put_delta(p, e->runtime_ns, &t->runtime_ns);
	if (csw == CSW_DELTAS) {
		p = varint__put(p, zigzag__enc(dv));
		p = varint__put(p, zigzag__enc(di));
	}
	t->nvcsw = e->nvcsw;
	t->nivcsw = e->nivcsw;

	/* prev is done with: looking next up may empty the table. */
	if (e->tid2 == cc->last_prev)
		f0 |= SW_NEXT_LASTPREV;
	else
		p = varint__put(p, e->tid2);
	t = codec__ctx(cx, tid_key(e->tid2, e->cpu));
	p = put_ident(p, t, e->tid2, e->pid2, e->prio2, &f1, SW_NEXT_IDENT);
	if (e->run_delay_ns == t->run_delay_ns)
		f1 |= SW_DELAY_SAME;
	else
		p = put_delta(p, e->run_delay_ns, &t->run_delay_ns);
	if (e->pcount - t->pcount == 1)
		f1 |= SW_PCOUNT_INC;
	else
		p = varint__put(p, zigzag__enc(e->pcount - t->pcount));
	t->pcount = e->pcount;
	cc->last_prev = e->tid;
	cc->running = e->tid2;
	b0[0] = (uint8_t)f0;
	b0[1] = (uint8_t)f1;
	return p;
}

/*
 * Any other event: [flags prefix] byte0 ts [cpu] [tid] [pid prio], then by
 * type (F_X is the type's own flag):
 *   waking, wakeup, new   [cpu2]                     F_X: cpu2 == cpu
 *   migrate               [cpu2] cpu3 [migrations]   F_X: cpu2 == cpu; F_HINT: migrations + 1
 *   fork                  tid2 [pid2 prio2] comm     F_X: pid2, prio2 as tid2's context
 *   exec                  [tid2] comm                F_X: tid2 == tid
 *   exit                  runtime nvcsw nivcsw
 *   prio                  prio2 (a delta from prio)
 *   rename                comm
 */
/*
 * What every event but a switch begins with: [flags prefix] byte0 ts [cpu]
 * [tid] [ident]. *b0 is where byte0 goes once the type's flags are in *f0;
 * *t is the thread's context.
 */
static uint8_t *enc_head(struct codec *cx, uint8_t *p, const struct sev *e, unsigned int *f0,
			 uint8_t **b0, struct tidctx **t)
{
	if (e->flags) {
		*p++ = R_FLAGS;
		p = varint__put(p, e->flags);
	}
	*b0 = p++;
	p = varint__put(p, zigzag__enc(e->ts_ns - cx->last_ts));
	cx->last_ts = e->ts_ns;
	p = put_cpu(cx, p, e->cpu, f0);
	if (e->type != SEV_MIGRATE && e->tid == hint_of(&cx->cpus[e->cpu], e->type))
		*f0 |= F_HINT;
	else
		p = varint__put(p, e->tid);
	*t = codec__ctx(cx, tid_key(e->tid, e->cpu));
	return put_ident(p, *t, e->tid, e->pid, e->prio, f0, F_IDENT);
}

static uint8_t *enc_other(struct codec *cx, uint8_t *p, const struct sev *e)
{
	struct tidctx *t;
	unsigned int f0 = e->type;
	uint8_t *b0;

	p = enc_head(cx, p, e, &f0, &b0, &t);
	switch (e->type) {
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		if (e->cpu2 == e->cpu)
			f0 |= F_X;
		else
			p = varint__put(p, e->cpu2);
		break;
	case SEV_MIGRATE:
		if (e->cpu2 == e->cpu)
			f0 |= F_X;
		else
			p = varint__put(p, e->cpu2);
		p = varint__put(p, e->cpu3);
		if (e->migrations - t->migrations == 1)
			f0 |= F_HINT;
		else
			p = varint__put(p, zigzag__enc(e->migrations - t->migrations));
		t->migrations = e->migrations;
		break;
	case SEV_FORK:
		p = varint__put(p, e->tid2);
		t = codec__ctx(cx, tid_key(e->tid2, e->cpu));
		p = put_ident(p, t, e->tid2, e->pid2, e->prio2, &f0, F_X);
		p = put_comm(p, e->comm);
		break;
	case SEV_EXEC:
		if (e->tid2 == e->tid)
			f0 |= F_X;
		else
			p = varint__put(p, e->tid2);
		p = put_comm(p, e->comm);
		break;
	case SEV_EXIT:
		p = put_delta(p, e->runtime_ns, &t->runtime_ns);
		p = put_delta(p, e->nvcsw, &t->nvcsw);
		p = put_delta(p, e->nivcsw, &t->nivcsw);
		break;
	case SEV_PRIO:
		p = varint__put(
			p, zigzag__enc((uint64_t)(int64_t)e->prio2 - (uint64_t)(int64_t)e->prio));
		t->prio = e->prio2;
		break;
	default: /* SEV_RENAME */
		p = put_comm(p, e->comm);
		break;
	}
	*b0 = (uint8_t)f0;
	return p;
}

/*
 * A probe (version 2): [flags prefix] byte0 ts [cpu] [tid] [ident]
 * varint(probe | PF_* << PF_SHIFT) [cpu2], then by probe:
 *   off-cpu, lend-pri   varint tid2 [ident(tid2)]   PF_IDENT2: pid2, prio2 as tid2's context
 *   change-pri          prio2 (a delta from prio)
 *   load-change         varint nr_running
 * HINT: tid is the CPU's running; X: cpu2 == cpu. An off-cpu moves the
 * CPU's running and last_prev as a switch does, an on-cpu its running.
 */
static uint8_t *enc_probe(struct codec *cx, uint8_t *p, const struct sev *e)
{
	struct cpuctx *cc = &cx->cpus[e->cpu];
	unsigned int f0 = R_PROBE, pf = 0;
	struct tidctx *t;
	uint8_t *b0, *pv;

	p = enc_head(cx, p, e, &f0, &b0, &t);
	/* The probe and its flags fit one byte: written once those are known. */
	pv = p++;
	if (e->cpu2 == e->cpu)
		f0 |= F_X;
	else
		p = varint__put(p, e->cpu2);
	if ((1u << e->probe) & PROBE_HAS_OTHER) {
		p = varint__put(p, e->tid2);
		t = codec__ctx(cx, tid_key(e->tid2, e->cpu));
		p = put_ident(p, t, e->tid2, e->pid2, e->prio2, &pf, PF_IDENT2);
	} else if (e->probe == SS_P_CHANGE_PRI) {
		p = varint__put(
			p, zigzag__enc((uint64_t)(int64_t)e->prio2 - (uint64_t)(int64_t)e->prio));
		t->prio = e->prio2;
	} else if (e->probe == SS_P_LOAD_CHANGE) {
		p = varint__put(p, e->nr_running);
	}
	*pv = (uint8_t)(e->probe | pf << PF_SHIFT);
	probe_moves(cc, e);
	*b0 = (uint8_t)f0;
	return p;
}

static bool event_valid(const struct rec_writer *w, const struct sev *e)
{
	const struct codec *cx = &w->cx;

	if (e->type < SEV_SWITCH || e->type >= SEV_NR_TYPES || e->cpu >= cx->nr_cpus)
		return false;
	switch (e->type) {
	case SEV_PROBE:
		return w->probes && e->probe < SS_NR_PROBES && e->cpu2 < cx->nr_cpus;
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		return e->cpu2 < cx->nr_cpus;
	case SEV_MIGRATE:
		return e->cpu2 < cx->nr_cpus && e->cpu3 < cx->nr_cpus;
	default:
		return true;
	}
}

int recw__event(struct rec_writer *w, const struct sev *e)
{
	uint8_t *p;
	int err;

	if (!event_valid(w, e))
		return -EINVAL;
	err = writer_room(w);
	if (err)
		return err;
	p = w->buf + w->used;
	if (e->type == SEV_SWITCH)
		p = enc_switch(&w->cx, p, e);
	else if (e->type == SEV_PROBE)
		p = enc_probe(&w->cx, p, e);
	else
		p = enc_other(&w->cx, p, e);
	w->used = (size_t)(p - w->buf);
	w->events++;
	return 0;
}

/*
 * byte0 ts tid cpu [pid prio] state on_cpu start_ns runtime run_delay pcount
 * nvcsw nivcsw migrations comm; start_ns a delta from the previous snapshot
 * record's (a scan lists threads in creation order, roughly).
 */
int recw__snap(struct rec_writer *w, enum snap_phase phase, uint64_t ts_ns,
	       const struct task_snap *s)
{
	struct codec *cx = &w->cx;
	struct tidctx *t;
	unsigned int f0 = R_SNAP;
	uint8_t *b0, *p;
	int err;

	if ((phase != SNAP_BEGIN && phase != SNAP_END) || s->cpu >= cx->nr_cpus)
		return -EINVAL;
	err = writer_room(w);
	if (err)
		return err;
	if (phase == SNAP_END)
		f0 |= SN_END;
	b0 = p = w->buf + w->used;
	p++;
	p = varint__put(p, zigzag__enc(ts_ns - cx->last_ts));
	cx->last_ts = ts_ns;
	p = varint__put(p, s->tid);
	p = varint__put(p, s->cpu);
	t = codec__ctx(cx, tid_key(s->tid, s->cpu));
	p = put_ident(p, t, s->tid, s->pid, s->prio, &f0, SN_IDENT);
	p = varint__put(p, s->state);
	p = varint__put(p, s->on_cpu);
	p = put_delta(p, s->start_ns, &cx->last_start_ns);
	p = put_delta(p, s->runtime_ns, &t->runtime_ns);
	p = put_delta(p, s->run_delay_ns, &t->run_delay_ns);
	p = put_delta(p, s->pcount, &t->pcount);
	p = put_delta(p, s->nvcsw, &t->nvcsw);
	p = put_delta(p, s->nivcsw, &t->nivcsw);
	p = put_delta(p, s->migrations, &t->migrations);
	p = put_comm(p, s->comm);
	*b0 = (uint8_t)f0;
	w->used = (size_t)(p - w->buf);
	return 0;
}

/* byte0 ts cpu lost */
int recw__lost(struct rec_writer *w, uint32_t cpu, uint64_t ts_ns, uint64_t lost)
{
	struct codec *cx = &w->cx;
	uint8_t *p;
	int err;

	if (cpu >= cx->nr_cpus)
		return -EINVAL;
	err = writer_room(w);
	if (err)
		return err;
	p = w->buf + w->used;
	*p++ = R_LOST;
	p = varint__put(p, zigzag__enc(ts_ns - cx->last_ts));
	cx->last_ts = ts_ns;
	p = varint__put(p, cpu);
	p = varint__put(p, lost);
	w->used = (size_t)(p - w->buf);
	return 0;
}

/* ---- reading ---- */

struct rec_reader {
	const uint8_t *buf;
	size_t len;
	size_t pos;		 /* where the next chunk starts */
	const uint8_t *p, *pend; /* the records left in the current chunk */
	size_t chunk_off;
	uint64_t seq; /* the next chunk's sequence number */
	uint64_t events;
	bool stopped;
	bool probes; /* version 2: probe records may come */
	enum rec_status status;
	struct rec_error err; /* why it stopped, given again on every later call */
	struct codec cx;
};

static void fill_err(struct rec_error *err, uint64_t off, const char *fmt, va_list ap)
{
	err->offset = off;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

static bool open_fail(struct rec_error *err, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool open_fail(struct rec_error *err, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		fill_err(err, off, fmt, ap);
		va_end(ap);
	}
	errno = EINVAL;
	return false;
}

static bool reader_stop(struct rec_reader *r, enum rec_status st, uint64_t off, const char *fmt,
			...) __attribute__((format(printf, 4, 5)));
static bool reader_stop(struct rec_reader *r, enum rec_status st, uint64_t off, const char *fmt,
			...)
{
	va_list ap;

	va_start(ap, fmt);
	fill_err(&r->err, off, fmt, ap);
	va_end(ap);
	r->status = st;
	r->stopped = true;
	return false;
}

/* For rd_chunk(): the same, as its "stopped" return. */
#define chunk_stop(...) (reader_stop(__VA_ARGS__), -1)

/*
 * A record that makes no sense: where it starts (r->p, which moves on only
 * once a record decodes whole), in which chunk, and what is wrong.
 */
static bool bad_record(struct rec_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool bad_record(struct rec_reader *r, const char *fmt, ...)
{
	size_t off = (size_t)(r->p - r->buf);
	char what[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return reader_stop(r, REC_CORRUPT, off, "record at byte %zu (chunk at byte %zu): %s", off,
			   r->chunk_off, what);
}

static bool header_str(const uint8_t *b, size_t size, char *out, struct rec_error *err, size_t off,
		       const char *name)
{
	size_t n = strnlen((const char *)b, size);

	if (n == size)
		return open_fail(err, off, "header: %s is not NUL-terminated", name);
	memset(out, 0, size);
	memcpy(out, b, n);
	return true;
}

static bool parse_header(const uint8_t *b, size_t len, struct rec_header *h, size_t *hlen,
			 struct rec_error *err)
{
	uint32_t major, minor, n;

	if (!len)
		return open_fail(err, 0, "empty file: no recording header");
	if (memcmp(b, rec_magic, len < sizeof(rec_magic) ? len : sizeof(rec_magic)) != 0)
		return open_fail(err, 0, "not a schedscope recording (bad magic number)");
	if (len < HDR_OFF_LEN + 4)
		return open_fail(err, len, "header cut short: the file ends at byte %zu", len);
	major = le16(b + HDR_OFF_MAJOR);
	minor = le16(b + HDR_OFF_MINOR);
	if (major > REC_VERSION)
		return open_fail(err, HDR_OFF_MAJOR,
				 "format version %u.%u is newer than this schedscope reads (%u.x): "
				 "read it with a newer schedscope",
				 major, minor, REC_VERSION);
	if (major < 1)
		return open_fail(err, HDR_OFF_MAJOR, "invalid format version %u.%u", major, minor);
	n = le32(b + HDR_OFF_LEN);
	if (n < HDR_LEN || n > HDR_MAX_LEN)
		return open_fail(err, HDR_OFF_LEN, "header: impossible length %u (%u to %u)", n,
				 HDR_LEN, HDR_MAX_LEN);
	if (len < n)
		return open_fail(err, len, "header cut short: the file ends at byte %zu of its %u",
				 len, n);
	if (major >= REC_VERSION_PROBES && n < HDR_LEN_2)
		return open_fail(err, HDR_OFF_LEN,
				 "header: impossible length %u for version %u (%u at least)", n,
				 major, HDR_LEN_2);
	if (rec__crc32c(0, b, n - 4) != le32(b + n - 4))
		return open_fail(err, 0, "header: checksum mismatch");
	h->version = major;
	h->probe_mask = major >= REC_VERSION_PROBES ? le32(b + HDR_OFF_PROBES) : 0;
	h->clock = le32(b + HDR_OFF_CLOCK);
	h->nr_cpus = le32(b + HDR_OFF_NR_CPUS);
	h->event_mask = le32(b + HDR_OFF_MASK);
	h->start_ns = le64(b + HDR_OFF_START);
	h->boot_wall_ns = le64(b + HDR_OFF_BOOT_WALL);
	if (h->clock != REC_CLOCK_MONOTONIC)
		return open_fail(err, HDR_OFF_CLOCK, "header: unknown clock %u", h->clock);
	if (!h->nr_cpus || h->nr_cpus > MAX_CPUS)
		return open_fail(err, HDR_OFF_NR_CPUS, "header: impossible CPU count %u",
				 h->nr_cpus);
	/* Only probes make a version 2 file: without, the writer writes version 1. */
	if (major >= REC_VERSION_PROBES && !h->probe_mask)
		return open_fail(err, HDR_OFF_PROBES, "header: version %u without probes", major);
	if (!masks_valid(h->event_mask, h->probe_mask))
		return open_fail(err, HDR_OFF_MASK,
				 "header: unknown event kinds or probes in masks 0x%x, 0x%x",
				 h->event_mask, h->probe_mask);
	if (!header_str(b + HDR_OFF_RELEASE, sizeof(h->release), h->release, err, HDR_OFF_RELEASE,
			"the kernel release") ||
	    !header_str(b + HDR_OFF_HOSTNAME, sizeof(h->hostname), h->hostname, err,
			HDR_OFF_HOSTNAME, "the host name") ||
	    !header_str(b + HDR_OFF_FILTER, sizeof(h->filter), h->filter, err, HDR_OFF_FILTER,
			"the filter"))
		return false;
	*hlen = n;
	return true;
}

struct rec_reader *recr__open(const void *buf, size_t len, struct rec_header *h,
			      struct rec_error *err)
{
	struct rec_header hdr;
	struct rec_reader *r;
	size_t hlen = 0;

	memset(&hdr, 0, sizeof(hdr));
	if (!buf && len)
		len = 0;
	if (!parse_header(buf, len, &hdr, &hlen, err))
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r || codec__init(&r->cx, hdr.nr_cpus, hdr.start_ns)) {
		recr__free(r);
		open_fail(err, 0, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	r->buf = buf;
	r->len = len;
	r->pos = hlen;
	r->probes = hdr.version >= REC_VERSION_PROBES;
	r->p = r->pend = r->buf + hlen;
	if (h)
		*h = hdr;
	return r;
}

void recr__free(struct rec_reader *r)
{
	if (!r)
		return;
	codec__free(&r->cx);
	free(r);
}

enum rec_status recr__status(const struct rec_reader *r)
{
	return r->status;
}

/* Used by the event decoders: the cursor's first fault, as a corrupt record. */
static bool cursor_fault(struct rec_reader *r, const struct vcur *c)
{
	if (c->fault == VCUR_SHORT)
		return bad_record(r, "runs past the end of its chunk");
	return bad_record(r, "a number is too large for its field");
}

static inline bool rd_cpu_field(struct rec_reader *r, uint32_t cpu, const char *name)
{
	if (cpu < r->cx.nr_cpus)
		return true;
	return bad_record(r, "%s %u out of range (the header says %u CPUs)", name, cpu,
			  r->cx.nr_cpus);
}

static inline bool rd_cpu(struct rec_reader *r, struct vcur *c, unsigned int f0, uint32_t *cpu)
{
	uint32_t v = (f0 & F_CPU_SAME) ? r->cx.last_cpu : vcur__u32(c);

	if (!rd_cpu_field(r, v, "CPU"))
		return false;
	r->cx.last_cpu = v;
	*cpu = v;
	return true;
}

static inline struct tidctx *rd_ctx(struct rec_reader *r, uint32_t tid, uint32_t cpu)
{
	struct tidctx *t = codec__ctx(&r->cx, tid_key(tid, cpu));

	if (!t)
		bad_record(r, "out of memory for the thread context");
	return t;
}

static inline bool rd_ident(struct rec_reader *r, struct vcur *c, struct tidctx *t, bool same,
			    uint32_t tid, uint32_t *pid, int32_t *prio)
{
	uint64_t p, q;

	if (same) {
		*pid = t->pid;
		*prio = t->prio;
		return true;
	}
	p = (uint64_t)tid - zigzag__dec(vcur__u64(c));
	q = (uint64_t)PRIO_DEFAULT + zigzag__dec(vcur__u64(c));
	if (p > UINT32_MAX)
		return bad_record(r, "pid out of range");
	if (!u64_to_i32(q, prio))
		return bad_record(r, "prio out of range");
	*pid = (uint32_t)p;
	t->pid = *pid;
	t->prio = *prio;
	return true;
}

static inline bool rd_comm(struct rec_reader *r, struct vcur *c, char *comm)
{
	uint8_t n = vcur__byte(c);

	if (n > SEV_COMM_LEN)
		return bad_record(r, "a name of %u bytes (at most %d)", n, SEV_COMM_LEN);
	if (c->end - c->p < n) {
		vcur__fail(c, VCUR_SHORT);
		return true;
	}
	if (memchr(c->p, 0, n))
		return bad_record(r, "a name holding a NUL byte");
	memcpy(comm, c->p, n);
	c->p += n;
	return true;
}

static inline uint64_t rd_delta(struct vcur *c, uint64_t *last)
{
	*last += zigzag__dec(vcur__u64(c));
	return *last;
}

static bool rd_switch(struct rec_reader *r, struct vcur *c, unsigned int f0, bool has_flags,
		      struct sev *e)
{
	struct codec *cx = &r->cx;
	unsigned int f1 = vcur__byte(c), st = (f1 >> SW_STATE_SHIFT) & 3;
	enum csw csw = (enum csw)((f1 >> SW_CSW_SHIFT) & 3);
	struct cpuctx *cc;
	struct tidctx *t;

	if (f1 & SW_RESERVED)
		return bad_record(r, "reserved flag bits set");
	e->ts_ns = cx->last_ts += zigzag__dec(vcur__u64(c));
	if (!rd_cpu(r, c, f0, &e->cpu))
		return false;
	cc = &cx->cpus[e->cpu];
	e->tid = (f0 & SW_PREV_RUNNING) ? cc->running : vcur__u32(c);
	t = rd_ctx(r, e->tid, e->cpu);
	if (!t || !rd_ident(r, c, t, f0 & SW_PREV_IDENT, e->tid, &e->pid, &e->prio))
		return false;
	e->state = st == 3 ? vcur__u32(c) : state_of_code[st];
	e->runtime_ns = rd_delta(c, &t->runtime_ns);
	switch (csw) {
	case CSW_VOL:
		t->nvcsw++;
		break;
	case CSW_INVOL:
		t->nivcsw++;
		break;
	case CSW_NONE:
		break;
	default:
		rd_delta(c, &t->nvcsw);
		rd_delta(c, &t->nivcsw);
		break;
	}
	e->nvcsw = t->nvcsw;
	e->nivcsw = t->nivcsw;
	if (!has_flags)
		e->flags = predicted_flags(e->state, csw);

	e->tid2 = (f0 & SW_NEXT_LASTPREV) ? cc->last_prev : vcur__u32(c);
	t = rd_ctx(r, e->tid2, e->cpu);
	if (!t || !rd_ident(r, c, t, f1 & SW_NEXT_IDENT, e->tid2, &e->pid2, &e->prio2))
		return false;
	e->run_delay_ns = (f1 & SW_DELAY_SAME) ? t->run_delay_ns : rd_delta(c, &t->run_delay_ns);
	if (f1 & SW_PCOUNT_INC)
		t->pcount++;
	else
		rd_delta(c, &t->pcount);
	e->pcount = t->pcount;
	cc->last_prev = e->tid;
	cc->running = e->tid2;
	return true;
}

/* zero_item() left e->flags 0, the prediction, unless a prefix set them. */
/* What enc_head() wrote after byte0: the thread's context into *t, or false (said). */
static bool rd_head(struct rec_reader *r, struct vcur *c, unsigned int f0, struct sev *e,
		    struct tidctx **t)
{
	struct codec *cx = &r->cx;

	e->ts_ns = cx->last_ts += zigzag__dec(vcur__u64(c));
	if (!rd_cpu(r, c, f0, &e->cpu))
		return false;
	e->tid = (e->type != SEV_MIGRATE && (f0 & F_HINT)) ? hint_of(&cx->cpus[e->cpu], e->type)
							   : vcur__u32(c);
	*t = rd_ctx(r, e->tid, e->cpu);
	return *t && rd_ident(r, c, *t, f0 & F_IDENT, e->tid, &e->pid, &e->prio);
}

static bool rd_other(struct rec_reader *r, struct vcur *c, unsigned int f0, struct sev *e)
{
	struct tidctx *t;
	uint64_t d;

	if (!rd_head(r, c, f0, e, &t))
		return false;
	switch (e->type) {
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
		e->cpu2 = (f0 & F_X) ? e->cpu : vcur__u32(c);
		return rd_cpu_field(r, e->cpu2, "target CPU");
	case SEV_MIGRATE:
		e->cpu2 = (f0 & F_X) ? e->cpu : vcur__u32(c);
		e->cpu3 = vcur__u32(c);
		if (f0 & F_HINT)
			t->migrations++;
		else
			rd_delta(c, &t->migrations);
		e->migrations = t->migrations;
		return rd_cpu_field(r, e->cpu2, "origin CPU") &&
		       rd_cpu_field(r, e->cpu3, "destination CPU");
	case SEV_FORK:
		e->tid2 = vcur__u32(c);
		t = rd_ctx(r, e->tid2, e->cpu);
		return t && rd_ident(r, c, t, f0 & F_X, e->tid2, &e->pid2, &e->prio2) &&
		       rd_comm(r, c, e->comm);
	case SEV_EXEC:
		e->tid2 = (f0 & F_X) ? e->tid : vcur__u32(c);
		return rd_comm(r, c, e->comm);
	case SEV_EXIT:
		e->runtime_ns = rd_delta(c, &t->runtime_ns);
		e->nvcsw = rd_delta(c, &t->nvcsw);
		e->nivcsw = rd_delta(c, &t->nivcsw);
		return true;
	case SEV_PRIO:
		d = (uint64_t)(int64_t)e->prio + zigzag__dec(vcur__u64(c));
		if (!u64_to_i32(d, &e->prio2))
			return bad_record(r, "prio out of range");
		t->prio = e->prio2;
		return true;
	default: /* SEV_RENAME */
		return rd_comm(r, c, e->comm);
	}
}

/* What enc_probe() wrote; zero_item() left e->flags 0 unless a prefix set them. */
static bool rd_probe(struct rec_reader *r, struct vcur *c, unsigned int f0, struct sev *e)
{
	unsigned int pv, pf;
	struct cpuctx *cc;
	struct tidctx *t;
	uint64_t d;

	if (!rd_head(r, c, f0, e, &t))
		return false;
	cc = &r->cx.cpus[e->cpu];
	pv = vcur__byte(c);
	e->probe = pv & ((1u << PF_SHIFT) - 1);
	pf = pv >> PF_SHIFT;
	if (e->probe >= SS_NR_PROBES || (pf & ~PF_IDENT2))
		return bad_record(r, "unknown probe %u or flags 0x%x", e->probe, pf);
	e->cpu2 = (f0 & F_X) ? e->cpu : vcur__u32(c);
	if (!rd_cpu_field(r, e->cpu2, "probe CPU"))
		return false;
	if ((1u << e->probe) & PROBE_HAS_OTHER) {
		e->tid2 = vcur__u32(c);
		t = rd_ctx(r, e->tid2, e->cpu);
		if (!t || !rd_ident(r, c, t, pf & PF_IDENT2, e->tid2, &e->pid2, &e->prio2))
			return false;
	} else if (e->probe == SS_P_CHANGE_PRI) {
		d = (uint64_t)(int64_t)e->prio + zigzag__dec(vcur__u64(c));
		if (!u64_to_i32(d, &e->prio2))
			return bad_record(r, "prio out of range");
		t->prio = e->prio2;
	} else if (e->probe == SS_P_LOAD_CHANGE) {
		e->nr_running = vcur__u32(c);
	}
	probe_moves(cc, e);
	return true;
}

static bool rd_snap(struct rec_reader *r, struct vcur *c, unsigned int f0, struct rec_item *it)
{
	struct codec *cx = &r->cx;
	struct task_snap *s = &it->snap;
	struct tidctx *t;

	it->type = REC_SNAP;
	it->phase = (f0 & SN_END) ? SNAP_END : SNAP_BEGIN;
	it->ts_ns = cx->last_ts += zigzag__dec(vcur__u64(c));
	s->tid = vcur__u32(c);
	s->cpu = vcur__u32(c);
	if (!rd_cpu_field(r, s->cpu, "CPU"))
		return false;
	t = rd_ctx(r, s->tid, s->cpu);
	if (!t || !rd_ident(r, c, t, f0 & SN_IDENT, s->tid, &s->pid, &s->prio))
		return false;
	s->state = vcur__u32(c);
	s->on_cpu = vcur__u32(c);
	s->start_ns = rd_delta(c, &cx->last_start_ns);
	s->runtime_ns = rd_delta(c, &t->runtime_ns);
	s->run_delay_ns = rd_delta(c, &t->run_delay_ns);
	s->pcount = rd_delta(c, &t->pcount);
	s->nvcsw = rd_delta(c, &t->nvcsw);
	s->nivcsw = rd_delta(c, &t->nivcsw);
	s->migrations = rd_delta(c, &t->migrations);
	return rd_comm(r, c, s->comm);
}

/*
 * In four pieces: compilers make one 256-byte memset a "rep stos", whose
 * start-up costs as much as decoding the record.
 */
static inline void zero_item(struct rec_item *it)
{
	char *p = (char *)it;

	_Static_assert(sizeof(*it) == 256, "zero_item() covers the item");
	memset(p, 0, 64);
	memset(p + 64, 0, 64);
	memset(p + 128, 0, 64);
	memset(p + 192, 0, 64);
}

static bool rd_record(struct rec_reader *r, struct rec_item *it)
{
	struct vcur c = { r->p, r->pend, VCUR_OK };
	unsigned int f0 = vcur__byte(&c), type = f0 & 15;
	bool has_flags = false, ok;

	zero_item(it);
	it->offset = r->chunk_off;
	if (type == R_FLAGS && !(f0 & 0xf0)) {
		it->ev.flags = vcur__u32(&c);
		has_flags = true;
		f0 = vcur__byte(&c);
		type = f0 & 15;
		if (!c.fault && !event_of(type))
			return bad_record(r, "a flags prefix before record type %u, not an event",
					  type);
	}
	if (c.fault)
		return cursor_fault(r, &c);
	if (!(type_bits[type] & T_KNOWN) || (type == R_PROBE && !r->probes))
		return bad_record(r, "unknown record type %u", type);
	if (f0 & 0xf0 & ~type_bits[type])
		return bad_record(r, "reserved flag bits set in 0x%02x", f0);
	switch (type) {
	case R_SNAP:
		ok = rd_snap(r, &c, f0, it);
		break;
	case R_LOST:
		it->type = REC_LOST;
		it->ts_ns = r->cx.last_ts += zigzag__dec(vcur__u64(&c));
		it->cpu = vcur__u32(&c);
		it->lost = vcur__u64(&c);
		ok = rd_cpu_field(r, it->cpu, "CPU");
		break;
	case SEV_SWITCH:
		it->type = REC_EVENT;
		it->ev.type = type;
		ok = rd_switch(r, &c, f0, has_flags, &it->ev);
		it->ts_ns = it->ev.ts_ns;
		break;
	case R_PROBE:
		it->type = REC_EVENT;
		it->ev.type = SEV_PROBE;
		ok = rd_probe(r, &c, f0, &it->ev);
		it->ts_ns = it->ev.ts_ns;
		break;
	default:
		it->type = REC_EVENT;
		it->ev.type = type;
		ok = rd_other(r, &c, f0, &it->ev);
		it->ts_ns = it->ev.ts_ns;
		break;
	}
	if (!ok)
		return false;
	if (c.fault)
		return cursor_fault(r, &c);
	if (it->type == REC_EVENT)
		r->events++;
	r->p = c.p;
	return true;
}

static bool zeros(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Optional chunks: a later 1.x may add them; a reader that does not know one skips it. */
static inline bool tag_optional(uint8_t tag)
{
	return tag >= 'a' && tag <= 'z';
}

/* The trailer: end time and event count, and nothing after it. */
static bool rd_trailer(struct rec_reader *r, struct vcur *c, struct rec_item *it)
{
	uint64_t end_ns = vcur__u64(c), events = vcur__u64(c);

	if (c->fault || c->p != c->end)
		return reader_stop(r, REC_CORRUPT, r->chunk_off, "trailer at byte %zu: malformed",
				   r->chunk_off);
	if (events != r->events)
		return reader_stop(r, REC_CORRUPT, r->chunk_off,
				   "trailer at byte %zu: %" PRIu64 " events written, %" PRIu64
				   " read: chunks are missing",
				   r->chunk_off, events, r->events);
	if (r->pos != r->len)
		return reader_stop(r, REC_CORRUPT, r->pos,
				   "%zu bytes after the trailer at byte %zu", r->len - r->pos,
				   r->chunk_off);
	memset(it, 0, sizeof(*it));
	it->type = REC_END;
	it->ts_ns = end_ns;
	it->offset = r->chunk_off;
	r->stopped = true;
	r->status = REC_OK;
	r->err.offset = r->len;
	r->err.msg[0] = 0;
	return true;
}

/*
 * Check and enter the next chunk. Returns 1 with the trailer in *it, 0 with
 * r->p at the chunk's records, -1 when reading stops (r->err says why).
 */
static int rd_chunk(struct rec_reader *r, struct rec_item *it)
{
	size_t off = r->pos, left = r->len - off, plen;
	const uint8_t *f = r->buf + off;
	struct vcur c;
	uint64_t seq;

	if (!left)
		return chunk_stop(r, REC_CUT, off,
				  "the recording ends at byte %zu without its trailer: cut short",
				  off);
	if (!f[0] && zeros(f, left))
		/* What a crash of the machine can leave: the file's size, not its data. */
		return chunk_stop(r, REC_CUT, off,
				  "the recording ends at byte %zu, followed by %zu zero bytes: "
				  "cut short",
				  off, left);
	if (f[0] != TAG_RECORDS && f[0] != TAG_END && !tag_optional(f[0]))
		return chunk_stop(r, REC_CORRUPT, off, "chunk at byte %zu: unknown tag 0x%02x", off,
				  f[0]);
	if (left < FRAME_LEN)
		return chunk_stop(r, REC_CUT, off, "chunk at byte %zu cut short: %zu of %u bytes",
				  off, left, FRAME_LEN);
	plen = le32(f + 1);
	if (plen > CHUNK_MAX - FRAME_LEN)
		return chunk_stop(r, REC_CORRUPT, off,
				  "chunk at byte %zu: impossible length %zu (at most %u)", off,
				  plen, CHUNK_MAX - FRAME_LEN);
	if (plen > left - FRAME_LEN)
		return chunk_stop(r, REC_CUT, off, "chunk at byte %zu cut short: %zu of %zu bytes",
				  off, left, plen + FRAME_LEN);
	if (frame_crc(f, f + FRAME_LEN, plen) != le32(f + 5))
		return chunk_stop(r, REC_CORRUPT, off, "chunk at byte %zu: checksum mismatch", off);
	c = (struct vcur){ f + FRAME_LEN, f + FRAME_LEN + plen, VCUR_OK };
	seq = vcur__u64(&c);
	if (c.fault || seq != r->seq)
		return chunk_stop(r, REC_CORRUPT, off,
				  "chunk at byte %zu: out of order (number %" PRIu64
				  ", expected %" PRIu64 ")",
				  off, seq, r->seq);
	r->seq++;
	r->chunk_off = off;
	r->pos = off + FRAME_LEN + plen;
	if (f[0] == TAG_END)
		return rd_trailer(r, &c, it) ? 1 : -1;
	r->p = c.p;
	r->pend = f[0] == TAG_RECORDS ? c.end : c.p;
	return 0;
}

bool recr__next(struct rec_reader *r, struct rec_item *it, struct rec_error *err)
{
	while (!r->stopped) {
		int rc;

		if (r->p < r->pend) {
			if (rd_record(r, it))
				return true;
			break;
		}
		rc = rd_chunk(r, it);
		if (rc > 0)
			return true;
		if (rc < 0)
			break;
	}
	if (err)
		*err = r->err;
	return false;
}
