#!/bin/sh
# modules.re against Python's re, differentially: random patterns (chars,
# classes, anchors, groups of every kind, alternation, greedy and lazy
# repeats, backreferences, lookaheads, lookbehinds of a fixed width and
# now and then of another, global and scoped flags, VERBOSE's spaces and
# comments) on random texts, each call rendered by tests/unit/jrender and
# by python3 with Jinja2; every answer must be Python's, or a refusal
# naming the construct, and what Python's re rejects must fail. Fixed
# seed.
. "$(dirname "$0")/lib.sh"
JR=$ROOT/tests/unit/jrender
[ -x "$JR" ] || { echo "Bail out! $JR not built (make units)"; exit 1; }
python3 -c 'import jinja2' 2>/dev/null || skip_all "python3-jinja2 is not installed"
N=${JRE_CASES:-1500}

# the cases, and Python's answers: case.N.j2 and case.N.want (or
# case.N.perr when Python's re rejects the pattern)
python3 - "$TMP" "$N" "${JRE_SEED:-20261202}" <<'PY'
import jinja2, random, re, sys, types
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(int(sys.argv[3]))

def unit():
    return rnd.choice(['a', 'b', 'A', ' ', '.', '[ab]', '[^a]', '\\w', '\\d', '\\s', '\\n', '\\ '])

def fixed(d, groups, ng, outer):
    # a lookbehind's subpattern: of one width, but now and then (Python
    # rejects most of these) of any; backreferences to the groups before
    # the lookbehind (outer)
    if rnd.random() < 0.12:
        return alt(d, groups, ng)
    s = ''
    for _ in range(rnd.randint(0, 3)):
        k = rnd.random()
        if k < 0.1:
            s += rnd.choice(['\\b', '^', '$', '(?=a)', '(?!b)'])
        elif k < 0.2 and d < 4:
            w = rnd.randint(1, 2)
            s += '(?:%s)' % '|'.join(''.join(unit() for _ in range(w)) for _ in range(rnd.randint(2, 3)))
        elif k < 0.3 and d < 4:
            ng[0] += 1
            groups.append(ng[0])
            s += '(%s)' % fixed(d + 1, groups, ng, outer)
        elif k < 0.35 and d < 4:
            s += rnd.choice(['(?<=', '(?<!']) + fixed(d + 1, groups, ng, outer) + ')'
        elif k < 0.42 and outer:
            s += '\\%d' % rnd.choice(outer)
        elif k < 0.5:
            s += unit() + rnd.choice(['{2}', '{0}', '{1}'])
        else:
            s += unit()
    return s

def atom(d, groups, ng):
    k = rnd.random()
    if d < 3 and k < 0.26:
        kind = rnd.choice(['(', '(', '(?:', '(?P<g%d>', '(?=', '(?!', '(?<=', '(?<!', '(?<=',
                           '(?i:', '(?-i:', '(?s:', '(?m:', '(?x:', '(?-x:', '(?a:'])
        if kind.startswith('(?<'):
            return kind + fixed(d + 1, groups, ng, list(groups)) + ')'
        inner = alt(d + 1, groups, ng)
        if kind.startswith('(?P'):
            ng[0] += 1
            s = '(?P<g%d>%s)' % (ng[0], inner)
            groups.append(ng[0])
            return s
        if kind == '(':
            ng[0] += 1
            g = ng[0]
            s = '(%s)' % inner
            groups.append(g)
            return s
        return kind + inner + ')'
    if k < 0.30 and groups:
        return '\\%d' % rnd.choice(groups)
    if k < 0.40:
        return rnd.choice(['^', '$', '\\b', '\\B', '\\A', '\\Z'])
    if k < 0.55:
        return rnd.choice(['.', '[ab]', '[^a]', '[a-c]', '[^\\n]', '\\d', '\\w', '\\s', '\\W', '[.]', '[-a]',
                           '\\S', '[\\s,]', '[^\\s]', '[\\S]', '[^k]', '[i-k]', '[^)]'])
    return rnd.choice(['a', 'b', 'c', 'a', 'b', 'A', ' ', '\\n', 'x', '_', '1', '\\.', '\\(', '\\)',
                       '\\ ', '[ ]', '\\#', ' #c\n', 'é', 'k', 's', 'I'])

def piece(d, groups, ng):
    a = atom(d, groups, ng)
    if rnd.random() < 0.35 and a not in ('^', '$', '\\b', '\\B', '\\A', '\\Z') and \
            not a.startswith(('(?=', '(?!', '(?<', '\\1', '\\2', '\\3', '\\4', '\\5', '\\6', '\\7', '\\8', '\\9')):
        q = rnd.choice(['*', '+', '?', '{2}', '{1,3}', '{,2}', '{2,}'])
        if rnd.random() < 0.3:
            q += '?'
        a += q
    return a

def cat(d, groups, ng):
    return ''.join(piece(d, groups, ng) for _ in range(rnd.randint(0 if d else 1, 4)))

def alt(d, groups, ng):
    s = cat(d, groups, ng)
    while rnd.random() < 0.25:
        s += '|' + cat(d, groups, ng)
    return s

def text():
    # now and then non-ASCII: what Unicode's IGNORECASE gives i k s
    # (İ ı, the Kelvin sign, ſ), Unicode's spaces, letters, digits and
    # punctuation, and past the blocks our tables know
    chars = 'aabbc x_1\n.()AB#' + ('é€İıKſ\u00a0\u2003’²Ωж中' if rnd.random() < 0.25 else '')
    return ''.join(rnd.choice(chars) for _ in range(rnd.randint(0, 9)))

env = jinja2.Environment(extensions=['jinja2.ext.do'])
mods = types.SimpleNamespace(re=re)
for i in range(n):
    groups, ng = [], [0]
    p = alt(0, groups, ng)
    flags = rnd.choice(['', '', '', '(?i)', '(?m)', '(?s)', '(?ms)', '(?x)', '(?ix)', '(?x) (?i)',
                        '(?a)', '(?ai)', '(?i-s:a)'])
    p = flags + p
    s = text()
    op = rnd.choice(['findall', 'sub', 'split', 'search', 'match', 'fullmatch'])
    if not s.isascii():
        # a list or tuple of non-ASCII str prints as Python's repr,
        # which is not ours: sub's str and search's span
        op = rnd.choice(['sub', 'span'])
    P, S = repr(p), repr(s)
    if op == 'findall':
        e = "modules.re.findall(%s, %s)" % (P, S)
    elif op == 'sub':
        repl = rnd.choice(["'<\\\\g<0>>'", "'-'", "''"] + (["'[\\\\%d]'" % rnd.choice(groups)] if groups else []))
        e = "modules.re.sub(%s, %s, %s)" % (P, repl, S)
        e = "(%s) | replace('\\n', '~')" % e
    elif op == 'split':
        e = "modules.re.split(%s, %s)" % (P, S)
    elif op == 'span':
        e = "modules.re.search(%s, %s)" % (P, S)
        e = "(%s).span() if %s else 'none'" % (e, e)
    else:
        e = "modules.re.%s(%s, %s)" % (op, P, S)
        e = "[(%s).span(), (%s).groups()] if %s else 'none'" % (e, e, e)
    t = '{{ %s }}\n' % e
    open('%s/case.%d.j2' % (out, i), 'w').write(t)
    try:
        re.compile(p)
    except re.error as x:
        open('%s/case.%d.perr' % (out, i), 'w').write(str(x))
        continue
    open('%s/case.%d.want' % (out, i), 'w').write(env.from_string(t).render(modules=mods))
PY
[ $? -eq 0 ] || { echo "Bail out! the cases were not written"; exit 1; }

same=0 refused=0 invalid=0 differ=0
: >"$TMP/refusals"
i=0
while [ $i -lt "$N" ]; do
	c=$TMP/case.$i
	if "$JR" "$c.j2" >"$c.got" 2>"$c.err"; then
		if [ -f "$c.perr" ]; then
			differ=$((differ + 1))
			[ $differ -le 5 ] && diag "$(cat "$c.j2" | tr -d '\n'): Python rejects it ($(cat "$c.perr")), we answered $(cat "$c.got")"
		elif cmp -s "$c.got" "$c.want"; then
			same=$((same + 1))
		else
			differ=$((differ + 1))
			[ $differ -le 5 ] && diag "$(cat "$c.j2" | tr -d '\n'): Python $(cat "$c.want"), we $(cat "$c.got")"
		fi
	elif [ -f "$c.perr" ]; then
		invalid=$((invalid + 1))
	elif grep -q 'unsupported: modules.re pattern' "$c.err"; then
		refused=$((refused + 1))
		{ tr '\n' ' ' <"$c.err" | sed "s/.*': //; s/ $//"; echo; } >>"$TMP/refusals"
	else
		differ=$((differ + 1))
		[ $differ -le 5 ] && diag "$(cat "$c.j2" | tr -d '\n'): Python $(cat "$c.want"), we failed: $(cat "$c.err")"
	fi
	i=$((i + 1))
done
diag "$N cases: $same as Python's, $refused refused, $invalid invalid for both, $differ different"
sort "$TMP/refusals" | uniq -c | sort -rn | sed 's/^/#   refused: /'
is "$differ" 0 "no answer differs from Python's re"
[ "$same" -ge $((N * 3 / 4)) ]
ok $? "at least three quarters of the cases answered ($same of $N)"
done_testing
