/* jlex.re: the Jinja lexer (see jlex.h); re2c scans inside tags. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jlex.h"
#include "util.h"

struct lexer {
	struct arena *a;
	struct jsrc *s;
	struct jerr *e;
	size_t cap;
};

static int
lexerr(struct lexer *l, size_t off, const char *fmt, ...)
{
	va_list ap;

	l->e->src = NULL;
	l->e->off = off;
	va_start(ap, fmt);
	vsnprintf(l->e->msg, sizeof(l->e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static struct jtoken *
push(struct lexer *l, enum jtok t, size_t off, const char *s, size_t n)
{
	struct jtoken *tk;

	if (l->s->ntoks == l->cap) {
		struct jtoken *p;
		l->cap = l->cap ? l->cap * 2 : 64;
		p = arenaalloc(l->a, l->cap * sizeof(*p));
		if (l->s->ntoks)
			memcpy(p, l->s->toks, l->s->ntoks * sizeof(*p));
		l->s->toks = p;
	}
	tk = &l->s->toks[l->s->ntoks++];
	memset(tk, 0, sizeof(*tk));
	tk->type = t;
	tk->off = off;
	tk->s = s;
	tk->n = n;
	return tk;
}

/* The length of the whitespace character at p, in UTF-8, or 0: Python's
 * \s on str (which is str.isspace()), what Jinja2 skips inside tags and
 * strips at a '-'. */
static size_t
wslen(const char *p)
{
	const char *YYCURSOR = p, *YYMARKER;
	/*!re2c
		re2c:define:YYCTYPE = "unsigned char";
		re2c:yyfill:enable = 0;
		re2c:flags:utf-8 = 0;

		[ \t-\r\x1c-\x1f] | "\xc2" [\x85\xa0] | "\xe1\x9a\x80" |
		"\xe2\x80" [\x80-\x8a\xa8\xa9\xaf] | "\xe2\x81\x9f" | "\xe3\x80\x80" {
			return (size_t)(YYCURSOR - p);
		}
		* { return 0; }
	*/
}

/* The length of the whitespace character that ends at text[end] and
 * starts at or after text[start], or 0. */
static size_t
wsback(const char *text, size_t start, size_t end)
{
	size_t k;

	for (k = 1; k <= 3 && k <= end - start; k++)
		if (wslen(text + end - k) == k)
			return k;
	return 0;
}

/* p past its whitespace. */
static const char *
skipws(const char *p)
{
	size_t k;

	while ((k = wslen(p)))
		p += k;
	return p;
}

static void
pututf8(struct buf *b, unsigned long c)
{
	if (c < 0x80)
		bufputc(b, (int)c);
	else if (c < 0x800) {
		bufputc(b, 0xC0 | (int)(c >> 6));
		bufputc(b, 0x80 | (int)(c & 0x3F));
	} else if (c < 0x10000) {
		bufputc(b, 0xE0 | (int)(c >> 12));
		bufputc(b, 0x80 | (int)((c >> 6) & 0x3F));
		bufputc(b, 0x80 | (int)(c & 0x3F));
	} else {
		bufputc(b, 0xF0 | (int)(c >> 18));
		bufputc(b, 0x80 | (int)((c >> 12) & 0x3F));
		bufputc(b, 0x80 | (int)((c >> 6) & 0x3F));
		bufputc(b, 0x80 | (int)(c & 0x3F));
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a string literal's body as Python's unicode-escape does. */
static int
unescape(struct lexer *l, size_t off, const char *p, size_t n, struct jtoken *tk)
{
	struct buf b = {0};
	size_t i, k;
	char *out;

	bufgrow(&b, n + 1);
	for (i = 0; i < n; i++) {
		unsigned long c = 0;
		int d, w;
		if (p[i] != '\\') {
			bufputc(&b, p[i]);
			continue;
		}
		switch (p[++i]) {
		case '\n': break;
		case '\\': bufputc(&b, '\\'); break;
		case '\'': bufputc(&b, '\''); break;
		case '"': bufputc(&b, '"'); break;
		case 'a': bufputc(&b, '\a'); break;
		case 'b': bufputc(&b, '\b'); break;
		case 'f': bufputc(&b, '\f'); break;
		case 'n': bufputc(&b, '\n'); break;
		case 'r': bufputc(&b, '\r'); break;
		case 't': bufputc(&b, '\t'); break;
		case 'v': bufputc(&b, '\v'); break;
		case 'x': case 'u': case 'U':
			w = p[i] == 'x' ? 2 : p[i] == 'u' ? 4 : 8;
			for (k = 1; k <= (size_t)w; k++) {
				if (i + k >= n || (d = hexval(p[i + k])) < 0) {
					buffree(&b);
					return lexerr(l, off + i, "truncated \\%c escape in a string", p[i]);
				}
				c = c * 16 + (unsigned long)d;
			}
			if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
				buffree(&b);
				return lexerr(l, off + i, "escape \\%c of a code point that is not a character", p[i]);
			}
			pututf8(&b, c);
			i += (size_t)w;
			break;
		case 'N':
			buffree(&b);
			return lexerr(l, off + i, "unsupported: \\N{...} escape in a string");
		default:
			if (p[i] >= '0' && p[i] <= '7') {
				for (k = 0; k < 3 && i + k < n && p[i + k] >= '0' && p[i + k] <= '7'; k++)
					c = c * 8 + (unsigned long)(p[i + k] - '0');
				pututf8(&b, c);
				i += k - 1;
			} else {
				/* Python keeps an unknown escape as it is. */
				bufputc(&b, '\\');
				bufputc(&b, p[i]);
			}
		}
	}
	out = arenaalloc(l->a, b.len + 1);
	memcpy(out, b.s, b.len);
	out[b.len] = '\0';
	tk->s = out;
	tk->n = b.len;
	buffree(&b);
	return 0;
}

static int
number(struct lexer *l, size_t off, const char *p, size_t n, int isfloat)
{
	char tmp[128];
	size_t i, k = 0;
	struct jtoken *tk;

	for (i = 0; i < n && k < sizeof(tmp) - 1; i++)
		if (p[i] != '_')
			tmp[k++] = p[i];
	tmp[k] = '\0';
	if (i < n)
		return lexerr(l, off, "number too long");
	tk = push(l, isfloat ? JT_FLOAT : JT_INT, off, p, n);
	errno = 0;
	if (isfloat)
		tk->f = strtod(tmp, NULL);
	else {
		tk->i = strtoll(tmp, NULL, 10);
		if (errno == ERANGE)
			return lexerr(l, off, "integer %.*s does not fit in 64 bits", (int)n, p);
	}
	return 0;
}

/* A character no token starts with, at p: named whole when p starts a
 * UTF-8 sequence, as the byte it is otherwise. */
static int
badchar(struct lexer *l, size_t off, const unsigned char *p)
{
	unsigned long c;
	int n, i;

	n = *p < 0x80 ? 1 : *p < 0xC2 ? 0 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 :
	    *p < 0xF5 ? 4 : 0;
	c = n > 1 ? *p & (0x7Fu >> n) : *p;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			break;
		c = c << 6 | (p[i] & 0x3Fu);
	}
	if (n == 0 || i < n || (n == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10FFFF)))
		return lexerr(l, off, "unexpected byte 0x%02X (not UTF-8)", *p);
	if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
		return lexerr(l, off, "unexpected character U+%04lX", c);
	if (n == 1)
		return lexerr(l, off, "unexpected character '%c'", *p);
	return lexerr(l, off, "unexpected character U+%04lX '%.*s'", c, n, (const char *)p);
}

/* One token at *pp inside a tag. */
static int
token(struct lexer *l, const char **pp, int *depth)
{
	const char *YYCURSOR = *pp, *YYMARKER, *tok = *pp;
	const char *base = l->s->text;
	size_t off = (size_t)(tok - base);
	size_t n;
	struct jtoken *tk;
	/*!re2c
		re2c:define:YYCTYPE = "unsigned char";
		re2c:yyfill:enable = 0;
		re2c:flags:utf-8 = 0;

		D = [0-9];
		DU = (D+ "_")* D+;
		SQ = ['] ([^'\\\x00] | [\\][^\x00])* ['];
		DQ = ["] ([^"\\\x00] | [\\][^\x00])* ["];

		[a-zA-Z_][a-zA-Z0-9_]* {
			n = (size_t)(YYCURSOR - tok);
			push(l, JT_NAME, off, tok, n);
			goto done;
		}
		DU ("." DU)? [eE] [+-]? DU | DU "." DU {
			n = (size_t)(YYCURSOR - tok);
			if (tok > base && tok[-1] == '.')
				return lexerr(l, off, "unsupported: a number right after '.'");
			if (number(l, off, tok, n, 1) < 0)
				return -1;
			goto done;
		}
		"0" [bBoOxX] {
			return lexerr(l, off, "unsupported: binary, octal or hex integer literal");
		}
		[1-9] ("_"? D)* | "0" ("_"? "0")* {
			n = (size_t)(YYCURSOR - tok);
			if (number(l, off, tok, n, 0) < 0)
				return -1;
			goto done;
		}
		SQ | DQ {
			n = (size_t)(YYCURSOR - tok);
			tk = push(l, JT_STR, off, tok, n);
			if (unescape(l, off + 1, tok + 1, n - 2, tk) < 0)
				return -1;
			goto done;
		}
		"**" | "//" | "==" | "!=" | "<=" | ">=" {
			push(l, JT_OP, off, tok, 2);
			goto done;
		}
		[([{] {
			++*depth;
			push(l, JT_OP, off, tok, 1);
			goto done;
		}
		[)\]}] {
			if (*depth > 0)
				--*depth;
			push(l, JT_OP, off, tok, 1);
			goto done;
		}
		[-+*/%~<>=.:|,;] {
			push(l, JT_OP, off, tok, 1);
			goto done;
		}
		['"] {
			return lexerr(l, off, "unterminated string");
		}
		"\x00" {
			return lexerr(l, off, "unexpected end of template inside a tag");
		}
		* {
			return badchar(l, off, (const unsigned char *)tok);
		}
	*/
done:
	*pp = YYCURSOR;
	return 0;
}

/* The end of an {% endraw %} tag at q ({%), or NULL; *minus: its '-'. */
static const char *
endraw(const char *q, int *minus, int *stripnext)
{
	const char *r = q + 2;

	*minus = *r == '-';
	if (*r == '-' || *r == '+')
		r++;
	r = skipws(r);
	if (strncmp(r, "endraw", 6))
		return NULL;
	r = skipws(r + 6);
	*stripnext = r[0] == '-';
	if ((r[0] == '+' || r[0] == '-') && r[1] == '%' && r[2] == '}')
		return r + 3;
	*stripnext = 0;
	return r[0] == '%' && r[1] == '}' ? r + 2 : NULL;
}

/* {% raw %}: p is past 'raw'; the text up to {% endraw %} is data, as
 * Jinja2's raw_begin and raw_end rules take it. */
static int
raw(struct lexer *l, const char *p, size_t *end, int *stripnext)
{
	const char *text = l->s->text, *q, *e = NULL;
	size_t tagoff = l->s->toks[l->s->ntoks - 2].off, dend, k;
	int minus = 0;

	p = skipws(p);
	if (p[0] == '-' && p[1] == '%' && p[2] == '}')
		p = skipws(p + 3);
	else if (p[0] == '%' && p[1] == '}')
		p += 2;
	else
		return lexerr(l, (size_t)(p - text), "expected the end of the raw tag");
	for (q = p; (q = strstr(q, "{%")); q++)
		if ((e = endraw(q, &minus, stripnext)))
			break;
	if (!e)
		return lexerr(l, tagoff, "Missing end of raw directive");
	l->s->ntoks -= 2;
	dend = (size_t)(q - text);
	if (minus)
		while (dend > (size_t)(p - text) && (k = wsback(text, (size_t)(p - text), dend)))
			dend -= k;
	if (dend > (size_t)(p - text))
		push(l, JT_DATA, (size_t)(p - text), p, dend - (size_t)(p - text));
	*end = (size_t)(e - text);
	return 0;
}

/* Lex one tag starting at p (the opener); returns the offset past it. */
static int
tag(struct lexer *l, size_t start, size_t *end, int *stripnext)
{
	const char *text = l->s->text;
	int var = text[start + 1] == '{', depth = 0;
	const char *p = text + start + 2;
	char close = var ? '}' : '%';

	push(l, var ? JT_VBEGIN : JT_BBEGIN, start, text + start, 2);
	if (*p == '-' || *p == '+')
		p++;
	for (;;) {
		p = skipws(p);
		if (depth == 0) {
			if (p[0] == '-' && p[1] == close && p[2] == '}') {
				*stripnext = 1;
				p += 3;
				break;
			}
			if (p[0] == close && p[1] == '}') {
				p += 2;
				break;
			}
		}
		if (*p == '\0')
			return lexerr(l, start, "missing end of %s tag", var ? "{{" : "{%");
		if (token(l, &p, &depth) < 0)
			return -1;
		if (!var && l->s->toks[l->s->ntoks - 2].type == JT_BBEGIN &&
		    l->s->toks[l->s->ntoks - 1].type == JT_NAME &&
		    l->s->toks[l->s->ntoks - 1].n == 3 &&
		    memcmp(l->s->toks[l->s->ntoks - 1].s, "raw", 3) == 0)
			return raw(l, p, end, stripnext);
	}
	push(l, var ? JT_VEND : JT_BEND, (size_t)(p - text), p, 0);
	*end = (size_t)(p - text);
	return 0;
}

static void
normalize(struct lexer *l, const char *src, size_t n)
{
	char *t = arenaalloc(l->a, n + 1);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (src[i] == '\r') {
			t[k++] = '\n';
			if (i + 1 < n && src[i + 1] == '\n')
				i++;
		} else
			t[k++] = src[i];
	}
	if (k > 0 && t[k - 1] == '\n')
		k--;
	t[k] = '\0';
	l->s->text = t;
	l->s->len = k;
}

int
jlex(struct arena *a, const char *name, const char *src, size_t n,
    struct jsrc *s, struct jerr *e)
{
	struct lexer l = {a, s, e, 0};
	size_t pos = 0, start, dend, end = 0, k;
	int strip = 0;
	const char *text, *p;

	memset(s, 0, sizeof(*s));
	s->name = name;
	if (memchr(src, '\0', n)) {
		s->text = "";
		return lexerr(&l, 0, "NUL byte in template at byte %zu", (size_t)((const char *)memchr(src, 0, n) - src));
	}
	normalize(&l, src, n);
	text = s->text;
	for (;;) {
		start = pos;
		for (p = text + pos; *p; p++)
			if (p[0] == '{' && (p[1] == '{' || p[1] == '%' || p[1] == '#'))
				break;
		start = (size_t)(p - text);
		dend = start;
		if (strip)
			while (pos < dend && (k = wslen(text + pos)))
				pos += k;
		strip = 0;
		if (*p && p[2] == '-')
			while (dend > pos && (k = wsback(text, pos, dend)))
				dend -= k;
		if (dend > pos)
			push(&l, JT_DATA, pos, text + pos, dend - pos);
		if (!*p)
			break;
		if (p[1] == '#') {
			const char *q = strstr(p + 2, "#}");
			if (!q)
				return lexerr(&l, start, "missing end of comment tag");
			if (q > p + 2 + (p[2] == '-') && q[-1] == '-')
				strip = 1;
			pos = (size_t)(q + 2 - text);
			continue;
		}
		if (tag(&l, start, &end, &strip) < 0)
			return -1;
		pos = end;
	}
	push(&l, JT_EOF, s->len, text + s->len, 0);
	return 0;
}

char *
jerrstr(const struct jsrc *s, const struct jerr *e)
{
	int line, col;

	if (e->src)
		s = e->src;
	linecol(s->text, e->off, &line, &col);
	if (s->macro)
		return xasprintf("in macro %s (%s), line %d:%d: %s", s->macro, s->name,
		    line, col, e->msg);
	if (s->line > 0) {
		if (line == 1)
			col += s->col - 1;
		line += s->line - 1;
	}
	return xasprintf("%s:%d:%d: %s", s->name, line, col, e->msg);
}
