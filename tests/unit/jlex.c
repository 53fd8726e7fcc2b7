#include <stdlib.h>
#include <string.h>

#include "jlex.h"
#include "tap.h"

static char *
lexerr(const char *src)
{
	static char msg[300];
	struct arena a = {0};
	struct jsrc s;
	struct jerr e;
	char *m;

	if (jlex(&a, "t.j2", src, strlen(src), &s, &e) == 0) {
		arenafree(&a);
		return NULL;
	}
	m = jerrstr(&s, &e);
	snprintf(msg, sizeof(msg), "%s", m);
	free(m);
	arenafree(&a);
	return msg;
}

int
main(void)
{
	struct arena a = {0};
	struct jsrc s;
	struct jerr e;
	char *m;
	const char *src = "a  {{- x -}}  b\r\n{# c #}{% if 'q\\n' %}1_0 2.5e3{% endif %}\n";

	ok(jlex(&a, "t.j2", src, strlen(src), &s, &e) == 0, "lexes");
	ok(s.toks[0].type == JT_DATA && s.toks[0].n == 1, "'-' strips before");
	ok(s.toks[1].type == JT_VBEGIN && s.toks[2].type == JT_NAME &&
	    s.toks[3].type == JT_VEND, "a print tag");
	ok(s.toks[4].type == JT_DATA && s.toks[4].n == 2 &&
	    !memcmp(s.toks[4].s, "b\n", 2), "'-' strips after; CRLF is LF");
	ok(s.toks[7].type == JT_STR && s.toks[7].n == 2 &&
	    !memcmp(s.toks[7].s, "q\n", 2), "string escapes decoded");
	ok(s.toks[9].type == JT_DATA && s.toks[9].n == 9, "data inside a block");
	ok(s.toks[s.ntoks - 1].type == JT_EOF && s.toks[s.ntoks - 2].type == JT_BEND,
	    "the last newline is dropped");
	arenafree(&a);
	is(lexerr("ab\n{{ x"), "t.j2:2:1: missing end of {{ tag", "unclosed tag");
	is(lexerr("{# x"), "t.j2:1:1: missing end of comment tag", "unclosed comment");
	is(lexerr("{{ 'x }}"), "t.j2:1:4: unterminated string", "unclosed string");
	is(lexerr("x\n{% raw %}{{{% endraw"), "t.j2:2:1: Missing end of raw directive", "unclosed raw");
	ok(jlex(&a, "t.j2", "{% raw -%} {{ {%- endraw %}", 27, &s, &e) == 0 &&
	    s.ntoks == 2 && s.toks[0].type == JT_DATA && s.toks[0].n == 2 &&
	    !memcmp(s.toks[0].s, "{{", 2), "raw is data, '-' strips inside it");
	arenafree(&a);
	is(lexerr("{{ 0x1f }}"), "t.j2:1:4: unsupported: binary, octal or hex integer literal", "hex refused");
	is(lexerr("{{ 99999999999999999999 }}"), "t.j2:1:4: integer 99999999999999999999 does not fit in 64 bits", "big int refused");
	is(lexerr("{{ a $ b }}"), "t.j2:1:6: unexpected character '$'", "bad character");
	is(lexerr("{{ a \342\230\203 b }}"), "t.j2:1:6: unexpected character U+2603 '\342\230\203'",
	    "a bad character named whole");
	is(lexerr("{{ a \342\200\213 }}"), "t.j2:1:6: unexpected character U+200B '\342\200\213'",
	    "a zero-width space is no whitespace");
	is(lexerr("{{ a \302x }}"), "t.j2:1:6: unexpected byte 0xC2 (not UTF-8)", "half a sequence");
	is(lexerr("{{ a \001 }}"), "t.j2:1:6: unexpected character U+0001", "a control character");
	src = "{%-\302\240set x =\302\240t ~ '_new'\343\200\200-%}\342\200\250 a \302\240"
	    "{{-\342\200\257x\302\205}}";
	ok(jlex(&a, "t.j2", src, strlen(src), &s, &e) == 0, "Unicode whitespace in tags");
	ok(s.ntoks == 13 && s.toks[1].type == JT_NAME && s.toks[1].n == 3 &&
	    s.toks[3].type == JT_OP && s.toks[4].type == JT_NAME && s.toks[4].n == 1 &&
	    s.toks[7].type == JT_BEND, "Unicode whitespace separates tokens");
	ok(s.toks[8].type == JT_DATA && s.toks[8].n == 1 && s.toks[8].s[0] == 'a',
	    "'-' strips Unicode whitespace on both sides");
	ok(s.toks[9].type == JT_VBEGIN && s.toks[10].type == JT_NAME &&
	    s.toks[10].n == 1 && s.toks[11].type == JT_VEND, "in a print tag too");
	arenafree(&a);
	ok(jlex(&a, "m.sql", "{{ x }}\n  {{ $ }}", 16, &s, &e) < 0, "an error to place");
	s.line = 7;
	s.col = 5;
	m = jerrstr(&s, &e);
	is(m, "m.sql:8:6: unexpected character '$'", "a text's line and column in its file");
	free(m);
	s.line = 0;
	s.macro = "macro.p.m";
	m = jerrstr(&s, &e);
	is(m, "in macro macro.p.m (m.sql), line 2:6: unexpected character '$'",
	    "a macro's text, its place in the file not known");
	free(m);
	arenafree(&a);
	ok(jlex(&a, "m.sql", "{{ $ }}", 7, &s, &e) < 0, "an error on the first line");
	s.line = 3;
	s.col = 9;
	m = jerrstr(&s, &e);
	is(m, "m.sql:3:12: unexpected character '$'", "the first line's column counts from the text's");
	free(m);
	arenafree(&a);
	return tap_done();
}
