#include <string.h>

#include "htab.h"
#include "sql.h"

/*!re2c
	re2c:define:YYCTYPE = "unsigned char";
	re2c:yyfill:enable = 0;
	re2c:eof = 0;
	re2c:flags:utf-8 = 0;
*/

enum { GAP_NONE, GAP_PENDING };

/* Characters that would fuse with a neighbour of the same class. */
static int
wordch(int c)
{
	return c == '_' || c == '$' || c == '.' || c == '\'' || c == '"' ||
	    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int
opch(int c)
{
	return c != '\0' && strchr("+-*/<>=~!@#%^&|`?:", c) != NULL;
}

static void
emit(struct buf *out, int *gap, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (*gap == GAP_PENDING && out->len > 0) {
		int a = (unsigned char)out->s[out->len - 1];
		int b = (unsigned char)s[0];
		if ((wordch(a) && wordch(b)) || (opch(a) && opch(b)))
			bufputc(out, ' ');
	}
	*gap = GAP_NONE;
	bufadd(out, s, n);
}

/* The end of a nested block comment starting at p (after its opening). */
static const char *
blockend(const char *p, const char *lim)
{
	int depth = 1;

	while (p < lim && depth > 0) {
		if (p + 1 < lim && p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p + 1 < lim && p[0] == '*' && p[1] == '/') {
			depth--;
			p += 2;
		} else {
			p++;
		}
	}
	return p;
}

/* The end of a dollar quote whose opening tag is tag[0..n). */
static const char *
dollarend(const char *p, const char *lim, const char *tag, size_t n)
{
	for (; p + n <= lim; p++)
		if (memcmp(p, tag, n) == 0)
			return p + n;
	return lim;
}

void
sqlnorm(const char *s, size_t n, struct buf *out)
{
	const char *YYCURSOR = s, *YYLIMIT = s + n, *YYMARKER = s, *tok;
	int gap = GAP_NONE;

	for (;;) {
		tok = YYCURSOR;
	/*!re2c
	re2c:define:YYCTYPE = "unsigned char";
	re2c:api:style = free-form;
	re2c:define:YYPEEK = "(unsigned char)*YYCURSOR";
	re2c:define:YYSKIP = "++YYCURSOR;";
	re2c:define:YYBACKUP = "YYMARKER = YYCURSOR;";
	re2c:define:YYRESTORE = "YYCURSOR = YYMARKER;";
	re2c:define:YYLESSTHAN = "YYCURSOR >= YYLIMIT";

	ident = [a-zA-Z_\x80-\xff][a-zA-Z0-9_$\x80-\xff]*;
	tag = ident?;

	$ { return; }
	[ \t\r\n\f\v]+ { gap = GAP_PENDING; continue; }
	"--" [^\n\x00]* { gap = GAP_PENDING; continue; }
	"/*" { YYCURSOR = blockend(YYCURSOR, YYLIMIT); gap = GAP_PENDING; continue; }
	['] ([^'\x00] | "''")* [']? {
		emit(out, &gap, tok, (size_t)(YYCURSOR - tok)); continue; }
	[eE] ['] ([^'\\\x00] | "''" | "\\" [^\x00])* [']? {
		emit(out, &gap, tok, (size_t)(YYCURSOR - tok)); continue; }
	["] ([^"\x00] | ["]["])* ["]? {
		emit(out, &gap, tok, (size_t)(YYCURSOR - tok)); continue; }
	"$" tag "$" {
		YYCURSOR = dollarend(YYCURSOR, YYLIMIT, tok, (size_t)(YYCURSOR - tok));
		emit(out, &gap, tok, (size_t)(YYCURSOR - tok)); continue; }
	ident { emit(out, &gap, tok, (size_t)(YYCURSOR - tok)); continue; }
	* { emit(out, &gap, tok, (size_t)(YYCURSOR - tok)); continue; }
	*/
	}
}

int
sqlsame(const char *a, size_t alen, const char *b, size_t blen)
{
	struct buf x = {0}, y = {0};
	int same;

	sqlnorm(a, alen, &x);
	sqlnorm(b, blen, &y);
	same = x.len == y.len && (x.len == 0 || memcmp(x.s, y.s, x.len) == 0);
	buffree(&x);
	buffree(&y);
	return same;
}

/* Statements ended by a semicolon in the n bytes at s, as the server
 * counts them: those with a token before their semicolon. */
size_t
sqlstatements(const char *s, size_t n)
{
	const char *YYCURSOR = s, *YYLIMIT = s + n, *YYMARKER = s, *tok;
	size_t count = 0;
	int open = 0;

	for (;;) {
		tok = YYCURSOR;
	/*!re2c
	$ { return count; }
	[ \t\r\n\f\v]+ { continue; }
	"--" [^\n\x00]* { continue; }
	"/*" { YYCURSOR = blockend(YYCURSOR, YYLIMIT); continue; }
	";" { count += (size_t)open; open = 0; continue; }
	['] ([^'\x00] | "''")* [']? { open = 1; continue; }
	[eE] ['] ([^'\\\x00] | "''" | "\\" [^\x00])* [']? { open = 1; continue; }
	["] ([^"\x00] | ["]["])* ["]? { open = 1; continue; }
	"$" tag "$" {
		YYCURSOR = dollarend(YYCURSOR, YYLIMIT, tok, (size_t)(YYCURSOR - tok));
		open = 1; continue; }
	ident { open = 1; continue; }
	* { open = 1; continue; }
	*/
	}
}

static int
identstart(int c)
{
	return c == '_' || c == '"' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* One part of a dotted name at p: its canonical form appended to canon,
 * the end returned; NULL when p starts no identifier. */
static const char *
part(const char *p, const char *lim, struct buf *canon)
{
	bufputc(canon, '"');
	if (*p == '"') {
		for (p++; p < lim; p++) {
			if (*p == '"') {
				if (p + 1 < lim && p[1] == '"') {
					bufputs(canon, "\"\"");
					p++;
					continue;
				}
				bufputc(canon, '"');
				return p + 1;
			}
			bufputc(canon, *p);
		}
		return NULL;
	}
	if (!identstart((unsigned char)*p))
		return NULL;
	for (; p < lim && (identstart((unsigned char)*p) || (*p >= '0' && *p <= '9') || *p == '$') &&
	    *p != '"'; p++)
		bufputc(canon, *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	bufputc(canon, '"');
	return p;
}

int
sqlcanon(const char *s, struct buf *out)
{
	const char *p = s, *lim = s + strlen(s);

	out->len = 0;
	bufputs(out, "");
	for (;;) {
		p = part(p, lim, out);
		if (!p)
			return -1;
		if (p == lim)
			return 0;
		if (*p != '.')
			return -1;
		bufputc(out, *p++);
	}
}

size_t
sqlrewrite(const char *s, size_t n, const struct htab *map, struct buf *out,
    void (*seen)(void *, const char *, const char *), void *arg)
{
	const char *YYCURSOR = s, *YYLIMIT = s + n, *YYMARKER = s, *tok, *p, *q;
	const char *ends[8];
	size_t count = 0, lens[8], k, np;
	const char *to;
	struct buf canon = {0};

	bufputs(out, "");
	for (;;) {
		tok = YYCURSOR;
	/*!re2c
	re2c:define:YYCTYPE = "unsigned char";
	re2c:api:style = free-form;
	re2c:define:YYPEEK = "(unsigned char)*YYCURSOR";
	re2c:define:YYSKIP = "++YYCURSOR;";
	re2c:define:YYBACKUP = "YYMARKER = YYCURSOR;";
	re2c:define:YYRESTORE = "YYCURSOR = YYMARKER;";
	re2c:define:YYLESSTHAN = "YYCURSOR >= YYLIMIT";

	$ { buffree(&canon); return count; }
	"--" [^\n\x00]* { bufadd(out, tok, (size_t)(YYCURSOR - tok)); continue; }
	"/*" { YYCURSOR = blockend(YYCURSOR, YYLIMIT); bufadd(out, tok, (size_t)(YYCURSOR - tok)); continue; }
	['] ([^'\x00] | "''")* [']? { bufadd(out, tok, (size_t)(YYCURSOR - tok)); continue; }
	[eE] ['] ([^'\\\x00] | "''" | "\\" [^\x00])* [']? {
		bufadd(out, tok, (size_t)(YYCURSOR - tok)); continue; }
	"$" tag "$" {
		YYCURSOR = dollarend(YYCURSOR, YYLIMIT, tok, (size_t)(YYCURSOR - tok));
		bufadd(out, tok, (size_t)(YYCURSOR - tok)); continue; }
	"." ident | "." ["] ([^"\x00] | ["]["])* ["]? {
		bufadd(out, tok, (size_t)(YYCURSOR - tok)); continue; }
	ident | ["] {
		/* a dotted name: its parts, then the longest prefix in map */
		canon.len = 0;
		bufputs(&canon, "");
		for (np = 0, p = tok; np < 8; ) {
			q = part(p, YYLIMIT, &canon);
			if (!q)
				break;
			ends[np] = q;
			lens[np++] = canon.len;
			if (q < YYLIMIT && *q == '.' && q + 1 < YYLIMIT && identstart((unsigned char)q[1])) {
				bufputc(&canon, '.');
				p = q + 1;
				continue;
			}
			break;
		}
		if (np == 0) {
			bufputc(out, *tok);
			YYCURSOR = tok + 1;
			continue;
		}
		for (k = np; k > 0; k--) {
			canon.s[lens[k - 1]] = '\0';
			if ((to = htabget(map, canon.s)))
				break;
		}
		if (k > 0) {
			bufputs(out, to);
			if (seen)
				seen(arg, canon.s, to);
			count++;
			YYCURSOR = ends[k - 1];
		} else {
			YYCURSOR = ends[np - 1];
			bufadd(out, tok, (size_t)(YYCURSOR - tok));
		}
		continue;
	}
	* { bufadd(out, tok, (size_t)(YYCURSOR - tok)); continue; }
	*/
	}
}
