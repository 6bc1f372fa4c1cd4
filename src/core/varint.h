/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LEB128 varints and zigzag, as the recording file uses them
 * (docs/format.md): 7 bits a byte, least significant group first, the top
 * bit set on every byte but the last; at most 10 bytes for a u64.
 *
 * The decoder reads through a cursor that never passes its end: a value that
 * runs past it, or needs more than 64 bits, reads as 0 and marks the cursor
 * bad, so a decoder checks once per record instead of once per field.
 */
#ifndef SCHEDSCOPE_VARINT_H
#define SCHEDSCOPE_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX_LEN 10

enum vcur_fault {
	VCUR_OK = 0,
	VCUR_SHORT,    /* a value runs past the end */
	VCUR_OVERFLOW, /* more than 64 bits, or more than 32 for a u32 field */
};

struct vcur {
	const uint8_t *p, *end;
	enum vcur_fault fault; /* the first one */
};

/* buf must have room for VARINT_MAX_LEN bytes. */
static inline uint8_t *varint__put(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/*
 * Signed differences as small unsigned numbers: 0, -1, 1, -2... become
 * 0, 1, 2, 3... Works on the two's complement bits of a wrapping u64
 * difference, so any pair of u64 values round-trips.
 */
static inline uint64_t zigzag__enc(uint64_t d)
{
	return (d << 1) ^ (0 - (d >> 63));
}

static inline uint64_t zigzag__dec(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

static inline uint64_t vcur__fail(struct vcur *c, enum vcur_fault f)
{
	if (c->fault == VCUR_OK)
		c->fault = f;
	c->p = c->end;
	return 0;
}

/* Out of line: values of 4 bytes or more, and the last bytes of a buffer. */
static uint64_t vcur__u64_slow(struct vcur *c) __attribute__((noinline, unused));
static uint64_t vcur__u64_slow(struct vcur *c)
{
	const uint8_t *p = c->p;
	uint64_t v = 0;

	for (unsigned int shift = 0; shift < 64; shift += 7) {
		uint64_t b;

		if (p >= c->end)
			return vcur__fail(c, VCUR_SHORT);
		b = *p++;
		/* The tenth byte holds bit 63 only. */
		if (shift == 63 && b > 1)
			return vcur__fail(c, VCUR_OVERFLOW);
		v |= (b & 0x7f) << shift;
		if (b < 0x80) {
			c->p = p;
			return v;
		}
	}
	return vcur__fail(c, VCUR_OVERFLOW);
}

/*
 * Inline for values of up to three bytes: over nine in ten of a file's (time
 * deltas of up to a millisecond, most counters' deltas).
 */
static inline uint64_t vcur__u64(struct vcur *c)
{
	const uint8_t *p = c->p;

	if (__builtin_expect(c->end - p >= 3, 1)) {
		if (p[0] < 0x80) {
			c->p = p + 1;
			return p[0];
		}
		if (p[1] < 0x80) {
			c->p = p + 2;
			return (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
		}
		if (p[2] < 0x80) {
			c->p = p + 3;
			return (uint64_t)(p[0] & 0x7f) | (uint64_t)(p[1] & 0x7f) << 7 |
			       (uint64_t)p[2] << 14;
		}
	}
	return vcur__u64_slow(c);
}

static inline uint32_t vcur__u32(struct vcur *c)
{
	uint64_t v = vcur__u64(c);

	if (v > UINT32_MAX)
		return (uint32_t)vcur__fail(c, VCUR_OVERFLOW);
	return (uint32_t)v;
}

static inline uint8_t vcur__byte(struct vcur *c)
{
	if (c->p >= c->end)
		return (uint8_t)vcur__fail(c, VCUR_SHORT);
	return *c->p++;
}

#endif
