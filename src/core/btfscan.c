// SPDX-License-Identifier: GPL-2.0
#include "core/btfscan.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_BYTES (64u << 10)
#define BTF_MAGIC 0xeB9F
#define TYPE_HDR 12 /* struct btf_type: name_off, info, size or type */

/* A window of the file, refilled from any offset. */
struct reader {
	int fd;
	int err;
	uint64_t base;
	size_t len;
	unsigned char *buf;
};

/* Bytes [off, off + n) of the file, n at most BUF_BYTES; NULL, r->err set, past its end. */
static const unsigned char *at(struct reader *r, uint64_t off, size_t n)
{
	if (off >= r->base && off + n <= r->base + r->len)
		return r->buf + (off - r->base);
	r->base = off;
	r->len = 0;
	while (r->len < BUF_BYTES) {
		ssize_t got =
			pread(r->fd, r->buf + r->len, BUF_BYTES - r->len, (off_t)(off + r->len));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r->err = -errno;
			return NULL;
		}
		if (!got)
			break;
		r->len += (size_t)got;
	}
	if (r->len < n) {
		r->err = -EINVAL;
		return NULL;
	}
	return r->buf;
}

static uint32_t u32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The string section's offset of each name wanted, UINT32_MAX if none. */
static int find_names(struct reader *r, uint64_t start, uint32_t len, struct btfscan_want *want,
		      size_t n, uint32_t *name_off)
{
	uint32_t pos = 0;
	bool whole = true; /* pos starts a string, not the rest of a long one */

	while (pos < len) {
		size_t span = len - pos < BTFSCAN_NAME_MAX ? len - pos : BTFSCAN_NAME_MAX;
		const unsigned char *p = at(r, start + pos, span), *end;

		if (!p)
			return r->err;
		end = memchr(p, '\0', span);
		if (!end) {
			/* Longer than any name asked for: step to its end. */
			pos += (uint32_t)span;
			whole = false;
			continue;
		}
		for (size_t i = 0; i < n && whole; i++)
			if (name_off[i] == UINT32_MAX &&
			    strlen(want[i].name) == (size_t)(end - p) &&
			    !memcmp(p, want[i].name, (size_t)(end - p)))
				name_off[i] = pos;
		pos += (uint32_t)(end - p) + 1;
		whole = true;
	}
	return 0;
}

/* What follows a type's header, by its kind; -1 for a kind unknown here. */
static long tail_bytes(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case 2:
	case 7:
	case 8:
	case 9:
	case 10:
	case 11:
	case 12:
	case 16:
	case 18:
		return 0; /* PTR FWD TYPEDEF VOLATILE CONST RESTRICT FUNC FLOAT TYPE_TAG */
	case 1:
	case 14:
	case 17:
		return 4; /* INT VAR DECL_TAG */
	case 3:
		return 12; /* ARRAY */
	case 6:
	case 13:
		return 8l * vlen; /* ENUM FUNC_PROTO */
	case 4:
	case 5:
	case 15:
	case 19:
		return 12l * vlen; /* STRUCT UNION DATASEC ENUM64 */
	default:
		return -1;
	}
}

static int find_types(struct reader *r, uint64_t start, uint32_t len, struct btfscan_want *want,
		      size_t n, const uint32_t *name_off)
{
	uint32_t pos = 0, id = 1;

	for (; pos < len; id++) {
		const unsigned char *p = at(r, start + pos, TYPE_HDR);
		uint32_t off, info, kind;
		long tail;

		if (!p)
			return r->err;
		off = u32_at(p);
		info = u32_at(p + 4);
		kind = info >> 24 & 0x1f;
		tail = tail_bytes(kind, info & 0xffff);
		if (tail < 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++)
			if (!want[i].id && off == name_off[i] && kind == want[i].kind)
				want[i].id = id;
		pos += TYPE_HDR + (uint32_t)tail;
	}
	return 0;
}

/* The header's section bounds, from the start of the file. */
struct sections {
	uint64_t types, strs;
	uint32_t types_len, strs_len;
};

static int read_header(struct reader *r, struct sections *sec)
{
	const unsigned char *h = at(r, 0, 24);
	uint32_t hdr_len;
	uint16_t magic;

	if (!h)
		return r->err;
	memcpy(&magic, h, sizeof(magic));
	hdr_len = u32_at(h + 4);
	/* Native byte order only: the running kernel's own. */
	if (magic != BTF_MAGIC || hdr_len < 24)
		return -EINVAL;
	sec->types = (uint64_t)hdr_len + u32_at(h + 8);
	sec->types_len = u32_at(h + 12);
	sec->strs = (uint64_t)hdr_len + u32_at(h + 16);
	sec->strs_len = u32_at(h + 20);
	return 0;
}

int btfscan__find(int fd, struct btfscan_want *want, size_t n)
{
	struct reader r = { .fd = fd, .buf = malloc(BUF_BYTES) };
	uint32_t *name_off = calloc(n ? n : 1, sizeof(*name_off));
	struct sections sec = { 0 };
	int err;

	if (!r.buf || !name_off) {
		free(r.buf);
		free(name_off);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		want[i].id = 0;
		name_off[i] = UINT32_MAX;
	}
	err = read_header(&r, &sec);
	if (!err)
		err = find_names(&r, sec.strs, sec.strs_len, want, n, name_off);
	if (!err)
		err = find_types(&r, sec.types, sec.types_len, want, n, name_off);
	free(r.buf);
	free(name_off);
	return err;
}
