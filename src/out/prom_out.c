// SPDX-License-Identifier: GPL-2.0
#include "out/prom_out.h"

#include <inttypes.h>
#include <string.h>

void prom__family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void prom__escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_len(p);

		if (!n) {
			fputs("\xef\xbf\xbd", f); /* U+FFFD */
			p++;
		} else if (*p == '\\') {
			fputs("\\\\", f);
			p++;
		} else if (*p == '"') {
			fputs("\\\"", f);
			p++;
		} else if (*p == '\n') {
			fputs("\\n", f);
			p++;
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
}

static void series(FILE *f, const char *name, const char *suffix, const struct prom_label *l,
		   size_t nl, const char *le)
{
	fputs(name, f);
	fputs(suffix, f);
	if (!nl && !le)
		goto value;
	fputc('{', f);
	for (size_t i = 0; i < nl; i++) {
		fprintf(f, "%s%s=\"", i ? "," : "", l[i].name);
		prom__escape(f, l[i].value);
		fputc('"', f);
	}
	if (le)
		fprintf(f, "%sle=\"%s\"", nl ? "," : "", le);
	fputc('}', f);
value:
	fputc(' ', f);
}

void prom__u64(FILE *f, const char *name, const struct prom_label *l, size_t nl, uint64_t v)
{
	series(f, name, "", l, nl, NULL);
	fprintf(f, "%" PRIu64 "\n", v);
}

/* Exact: nanoseconds as a decimal, never through a double. */
static void write_seconds(FILE *f, uint64_t ns)
{
	fprintf(f, "%" PRIu64 ".%09" PRIu64 "\n", ns / 1000000000u, ns % 1000000000u);
}

void prom__seconds(FILE *f, const char *name, const struct prom_label *l, size_t nl, uint64_t ns)
{
	series(f, name, "", l, nl, NULL);
	write_seconds(f, ns);
}

void prom__double(FILE *f, const char *name, const struct prom_label *l, size_t nl, double v)
{
	series(f, name, "", l, nl, NULL);
	fprintf(f, "%.9g\n", v);
}

void prom__histogram(FILE *f, const char *name, const struct prom_label *l, size_t nl,
		     const char *const *le, const uint64_t *counts, size_t nb, uint64_t sum_ns)
{
	uint64_t cum = 0;

	for (size_t i = 0; i < nb; i++) {
		cum += counts[i];
		series(f, name, "_bucket", l, nl, i + 1 < nb ? le[i] : "+Inf");
		fprintf(f, "%" PRIu64 "\n", cum);
	}
	series(f, name, "_sum", l, nl, NULL);
	write_seconds(f, sum_ns);
	series(f, name, "_count", l, nl, NULL);
	fprintf(f, "%" PRIu64 "\n", cum);
}
