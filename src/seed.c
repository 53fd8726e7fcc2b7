#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seed.h"

struct field {
	char *s;	/* NUL-terminated, unquoted */
	int null;
};

struct row {
	struct field *f;
	size_t n;
};

static int
isdigits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
isdate(const char *s)
{
	return isdigits(s, 4) && s[4] == '-' && isdigits(s + 5, 2) && s[7] == '-' &&
	    isdigits(s + 8, 2);
}

static int
istime(const char *s)
{
	return isdigits(s, 2) && s[2] == ':' && isdigits(s + 3, 2);
}

int
seedfits(const char *v, int *decimals)
{
	const char *p = v;
	size_t n = strlen(v);
	int fits = 0, digits = 0, dec = 0;

	/* number: [-+]digits[.digits] */
	if (*p == '-' || *p == '+')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			dec++;
			digits++;
		}
	}
	if (digits && !*p) {
		fits |= TNUMBER;
		*decimals = dec;
	}
	if (n == 10 && isdate(v))
		fits |= TDATE;
	if (n == 19 && isdate(v) && v[10] == ' ' && istime(v + 11) && v[13] == ':' &&
	    isdigits(v + 17, 2) && v[16] == ':')
		fits |= TDATETIME;
	if (n >= 16 && isdate(v) && v[10] == 'T' && istime(v + 11)) {
		p = v + 16;
		if (*p == ':' && isdigits(p + 1, 2))
			p += 3;
		if (*p == '.' || *p == ',')
			for (p++; isdigit((unsigned char)*p); p++)
				;
		if (*p == 'Z')
			p++;
		else if ((*p == '+' || *p == '-') && isdigits(p + 1, 2)) {
			p += 3;
			if (*p == ':')
				p++;
			if (isdigits(p, 2))
				p += 2;
		}
		if (!*p)
			fits |= TDATETIME;
	}
	if (!strcasecmp(v, "true") || !strcasecmp(v, "false"))
		fits |= TBOOLEAN;
	return fits;
}

static char *
trimmed(const char *s)
{
	const char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return xmemdup(s, (size_t)(e - s));
}

/* The next record of the CSV at *p; 0 at the end, -1 on a bad quote. */
static int
record(const char **p, const char *end, char delim, struct row *r, int *line)
{
	struct buf b = {0};
	const char *s = *p;
	int quoted;

	r->f = NULL;
	r->n = 0;
	if (s >= end)
		return 0;
	for (;;) {
		b.len = 0;
		bufputs(&b, "");
		quoted = 0;
		if (s < end && *s == '"') {
			quoted = 1;
			for (s++;; s++) {
				if (s >= end) {
					buffree(&b);
					return -1;
				}
				if (*s == '"') {
					if (s + 1 < end && s[1] == '"') {
						bufputc(&b, '"');
						s++;
						continue;
					}
					s++;
					break;
				}
				if (*s == '\n')
					++*line;
				bufputc(&b, *s);
			}
		}
		while (s < end && *s != delim && *s != '\n' && *s != '\r')
			bufputc(&b, *s++);
		r->f = xreallocarray(r->f, r->n + 1, sizeof(*r->f));
		r->f[r->n].s = b.s ? b.s : xstrdup("");
		{
			char *t = trimmed(r->f[r->n].s);
			r->f[r->n].null = !quoted && (!*t || !strcasecmp(t, "null"));
			if (quoted && !*t)
				r->f[r->n].null = 1;
			free(t);
		}
		r->n++;
		b.s = NULL;
		b.cap = 0;
		if (s < end && *s == delim) {
			s++;
			continue;
		}
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s == '\n')
			s++;
		++*line;
		break;
	}
	*p = s;
	return 1;
}

static void
rowfree(struct row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->f[i].s);
	free(r->f);
	r->f = NULL;
	r->n = 0;
}

static const char *
override(const cJSON *coltypes, const char *name)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(coltypes, name);

	return cJSON_IsString(t) ? t->valuestring : NULL;
}

int
seedread(struct seed *sd, const char *path, const char *delim,
    const cJSON *coltypes, char **err)
{
	const char *p, *end;
	struct row head = {0}, r = {0};
	int *fits = NULL, *dec = NULL, *seen = NULL, d, line = 1, rc;
	size_t i;
	char *v;
	struct { struct row *v; size_t n; } rows = {0};

	memset(sd, 0, sizeof(*sd));
	if (readfile(path, &sd->raw) < 0) {
		*err = xasprintf("%s: cannot read the seed file: %s", path, strerror(errno));
		return -1;
	}
	p = sd->raw.s;
	end = p + sd->raw.len;
	if (sd->raw.len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	if (record(&p, end, *delim ? *delim : ',', &head, &line) <= 0 || head.n == 0) {
		*err = xasprintf("%s: no header line", path);
		return -1;
	}
	sd->ncols = head.n;
	sd->cols = xcalloc(head.n, sizeof(*sd->cols));
	fits = xcalloc(head.n, sizeof(*fits));
	dec = xcalloc(head.n, sizeof(*dec));
	seen = xcalloc(head.n, sizeof(*seen));
	for (i = 0; i < head.n; i++) {
		sd->cols[i].name = trimmed(head.f[i].s);
		fits[i] = TNUMBER | TDATE | TDATETIME | TBOOLEAN;
	}
	while ((rc = record(&p, end, *delim ? *delim : ',', &r, &line)) > 0) {
		if (r.n == 1 && r.f[0].null && !*r.f[0].s) {
			rowfree(&r);	/* a blank line */
			continue;
		}
		if (r.n != head.n) {
			*err = xasprintf("%s:%d: %zu fields, but the header has %zu",
			    path, line - 1, r.n, head.n);
			rowfree(&r);
			goto fail;
		}
		for (i = 0; i < r.n; i++) {
			if (r.f[i].null)
				continue;
			v = trimmed(r.f[i].s);
			d = 0;
			fits[i] &= seedfits(v, &d);
			if (d > dec[i])
				dec[i] = d;
			seen[i] = 1;
			free(v);
		}
		rows.v = xreallocarray(rows.v, rows.n + 1, sizeof(*rows.v));
		rows.v[rows.n++] = r;
	}
	if (rc < 0) {
		*err = xasprintf("%s:%d: unterminated quoted field", path, line);
		goto fail;
	}
	for (i = 0; i < head.n; i++) {
		const char *o = override(coltypes, sd->cols[i].name);
		if (o)
			sd->cols[i].type = trimmed(o);
		else if (!seen[i] || (fits[i] & TNUMBER))
			sd->cols[i].type = xstrdup(dec[i] ? "float8" : "integer");
		else if (fits[i] & TDATE)
			sd->cols[i].type = xstrdup("date");
		else if (fits[i] & TDATETIME)
			sd->cols[i].type = xstrdup("timestamp without time zone");
		else if (fits[i] & TBOOLEAN)
			sd->cols[i].type = xstrdup("boolean");
		else
			sd->cols[i].type = xstrdup("text");
	}
	bufputs(&sd->copy, "");
	for (sd->nrows = 0; sd->nrows < rows.n; sd->nrows++) {
		struct row *w = &rows.v[sd->nrows];
		for (i = 0; i < w->n; i++) {
			if (i)
				bufputc(&sd->copy, ',');
			if (w->f[i].null)
				continue;
			if (strcmp(sd->cols[i].type, "text") && !override(coltypes, sd->cols[i].name)) {
				v = trimmed(w->f[i].s);
				bufquote(&sd->copy, v, '"');
				free(v);
			} else {
				bufquote(&sd->copy, w->f[i].s, '"');
			}
		}
		bufputc(&sd->copy, '\n');
	}
	rc = 0;
	goto out;
fail:
	rc = -1;
out:
	for (i = 0; i < rows.n; i++)
		rowfree(&rows.v[i]);
	free(rows.v);
	rowfree(&head);
	free(fits);
	free(dec);
	free(seen);
	return rc;
}

void
seedfree(struct seed *sd)
{
	size_t i;

	for (i = 0; i < sd->ncols; i++) {
		free(sd->cols[i].name);
		free(sd->cols[i].type);
	}
	free(sd->cols);
	buffree(&sd->raw);
	buffree(&sd->copy);
	memset(sd, 0, sizeof(*sd));
}
