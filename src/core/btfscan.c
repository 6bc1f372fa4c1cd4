// SPDX-License-Identifier: GPL-2.0
#include "core/btfscan.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/btf.h>

#define BUF_BYTES (64u << 10)

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
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_INT:
		return sizeof(uint32_t);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_ENUM:
		return (long)(vlen * sizeof(struct btf_enum));
	case BTF_KIND_FUNC_PROTO:
		return (long)(vlen * sizeof(struct btf_param));
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)(vlen * sizeof(struct btf_member));
	case BTF_KIND_DATASEC:
		return (long)(vlen * sizeof(struct btf_var_secinfo));
	case BTF_KIND_ENUM64:
		return (long)(vlen * sizeof(struct btf_enum64));
	default:
		return -1;
	}
}

static int find_types(struct reader *r, uint64_t start, uint32_t len, struct btfscan_want *want,
		      size_t n, const uint32_t *name_off)
{
	uint32_t pos = 0, id = 1;

	for (; pos < len; id++) {
		const unsigned char *p = at(r, start + pos, sizeof(struct btf_type));
		struct btf_type t;
		uint32_t kind;
		long tail;

		if (!p)
			return r->err;
		memcpy(&t, p, sizeof(t));
		kind = BTF_INFO_KIND(t.info);
		tail = tail_bytes(kind, BTF_INFO_VLEN(t.info));
		if (tail < 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++)
			if (!want[i].id && t.name_off == name_off[i] && kind == want[i].kind)
				want[i].id = id;
		pos += (uint32_t)(sizeof(t) + (size_t)tail);
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
	const unsigned char *p = at(r, 0, sizeof(struct btf_header));
	struct btf_header h;

	if (!p)
		return r->err;
	memcpy(&h, p, sizeof(h));
	/* Native byte order only: the running kernel's own. */
	if (h.magic != BTF_MAGIC || h.hdr_len < sizeof(h))
		return -EINVAL;
	sec->types = (uint64_t)h.hdr_len + h.type_off;
	sec->types_len = h.type_len;
	sec->strs = (uint64_t)h.hdr_len + h.str_off;
	sec->strs_len = h.str_len;
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
