// SPDX-License-Identifier: GPL-2.0
#include "out/prom_out.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OM_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

const char *prom__content_type(enum prom_format fmt)
{
	return fmt == PROM_OPENMETRICS ? OM_TYPE : "text/plain; version=0.0.4; charset=utf-8";
}

/* s[0..n) is tok, case aside, spaces around it ignored. */
static bool token_is(const char *s, size_t n, const char *tok)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n == strlen(tok) && !strncasecmp(s, tok, n);
}

/*
 * One media range of an Accept header, "type/sub;param=v;q=0.5", of n
 * bytes: its q (1 if none; 0 if out of range), whether it takes the text
 * format and whether OpenMetrics 1.0.0 (any version given must be that).
 */
static double range_q(const char *r, size_t n, bool *om, bool *text)
{
	size_t tn = strcspn(r, ";");
	double q = 1;

	tn = tn < n ? tn : n;
	*om = token_is(r, tn, "application/openmetrics-text");
	*text = token_is(r, tn, "text/plain") || token_is(r, tn, "text/*") ||
		token_is(r, tn, "*/*");
	for (size_t at = tn; at < n;) {
		const char *p = r + at + 1;
		size_t pn = strcspn(p, ";"), kn;

		pn = pn < n - at - 1 ? pn : n - at - 1;
		kn = strcspn(p, "=");
		if (kn < pn && token_is(p, kn, "q"))
			q = strtod(p + kn + 1, NULL);
		else if (kn < pn && token_is(p, kn, "version") && *om)
			*om = token_is(p + kn + 1, pn - kn - 1, "1.0.0");
		at += pn + 1;
	}
	return q > 0 && q <= 1 ? q : 0;
}

enum prom_format prom__negotiate(const char *accept)
{
	double q_om = 0, q_text = 0;

	if (!accept)
		return PROM_TEXT;
	for (const char *r = accept; *r;) {
		size_t n = strcspn(r, ",");
		bool om, text;
		double q;

		q = range_q(r, n, &om, &text);
		if (om && q > q_om)
			q_om = q;
		if (text && q > q_text)
			q_text = q;
		r += n;
		if (*r == ',')
			r++;
	}
	return q_om > q_text ? PROM_OPENMETRICS : PROM_TEXT;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

void prom__family(FILE *f, enum prom_format fmt, const char *name, const char *type,
		  const char *help)
{
	/* OpenMetrics names the family, its samples add the suffix. */
	int n = (int)strlen(name);

	if (fmt == PROM_OPENMETRICS && !strcmp(type, "counter") && ends_with(name, n, "_total")) {
		n -= (int)strlen("_total");
	} else if (fmt == PROM_OPENMETRICS && !strcmp(type, "gauge") &&
		   ends_with(name, n, "_info")) {
		n -= (int)strlen("_info");
		type = "info";
	}
	fprintf(f, "# HELP %.*s %s\n# TYPE %.*s %s\n", n, name, help, n, name, type);
}

void prom__end(FILE *f, enum prom_format fmt)
{
	if (fmt == PROM_OPENMETRICS)
		fputs("# EOF\n", f);
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
