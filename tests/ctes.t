#!/bin/sh
# Ephemeral CTEs placed as dbt's inject_ctes_into_sql places them, read
# by sqlparse: SQL written as models are (leading comments, a WITH clause
# or none, strings, casts, subqueries, a final ';') and random SQL (WITH
# and RECURSIVE in every case, quoted names, dollar quotes, parentheses,
# ';' and what follows it, a WITH further on), through
# tests/unit/ctesplace and through the reference dbt's own function:
# every answer must be dbt's, or a refusal. (tests/parse.t compares a
# model with a comment before its WITH with dbt compile.) Fixed seed.
. "$(dirname "$0")/lib.sh"
CP=$ROOT/tests/unit/ctesplace
[ -x "$CP" ] || { echo "Bail out! $CP not built (make units)"; exit 1; }
refdbt_or_done "$TMP/refdbt"

"$TMP/refdbt/bin/python" - "$TMP" "${CTES_CASES:-3000}" "${CTES_SEED:-20261203}" <<'PY'
import random, sys
from dbt.compilation import inject_ctes_into_sql
from dbt.artifacts.resources import InjectedCTE
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(int(sys.argv[3]))
parts = ['select', ' ', '\n', '\t', '1', 'a', 'x.y', ',', '(', ')', '(select 1)', 'from t',
         '-- c\n', '-- with\n', '/* c */', '/* with ; */', "'s'", "'with'", "'a''b'", "'a\\'",
         '"with"', '"a""b"', '$$ ; with $$', '$q$with$q$', '$1', ';', ' ;', ';\n', '; \n',
         'with', 'WITH', 'With', 'recursive', 'RECURSIVE', 'with_x', 'xwith', 'as', 'union all',
         'timestamp with time zone', 'case when a then b end', '{', '*', '=', 'e5', '::int']
cte = [InjectedCTE(id='e', sql=' __dbt__cte__e as (\nselect 1\n)')]
def inject(s):
    try:
        return inject_ctes_into_sql(s, cte)
    except Exception as e:
        return '!' + str(e)
def realistic():
    # a model's SQL as people write it
    def expr():
        return rnd.choice(['a', 'x.y', '1', "'s'", "'it''s'", '"Col"', 'count(*)', 'a::int',
                           "cast(a as timestamp with time zone)", 'case when a then b else c end',
                           "'--x'", "'/*'", "'with'", 'coalesce(a, 0)', '$$;$$', "'a;b'"])
    def select(d):
        s = 'select ' + ', '.join(expr() + rnd.choice(['', ' as c']) for _ in range(rnd.randint(1, 3)))
        s += rnd.choice(['', '\nfrom t', ' from __dbt__cte__e', '\nfrom (' + (select(d + 1) if d < 2 else 'select 1') + ') s'])
        s += rnd.choice(['', ' where a = 1', "\nwhere b in ('x', 'y')", ' -- note\n', ' /* c */'])
        return s
    s = rnd.choice(['', '\n', '  ', '-- header\n', '/* block\n comment */\n', '\n\n'])
    if rnd.random() < 0.5:
        s += rnd.choice(['with', 'WITH', 'with recursive', 'With\n']) + rnd.choice([' ', '\n  '])
        s += ',\n'.join('c%d as (\n    %s\n)' % (i, select(1)) for i in range(rnd.randint(1, 3)))
        s += '\n'
    s += select(0)
    s += rnd.choice(['', '\n', ';', ';\n', '\n\n', '\n-- end\n'])
    return s

ins, wants = [], []
for i in range(n):
    if i % 2:
        ins.append(realistic())
        wants.append(inject(ins[-1]))
        continue
    s = ''.join(rnd.choice(parts) for _ in range(rnd.randint(1, 10)))
    if rnd.random() < 0.4:
        s = rnd.choice(['', ' ', '\n', '-- c\n', '/* c */ ']) + rnd.choice(['with', 'WITH recursive', 'with\nRecursive', 'with /* c */ recursive']) + ' a as (select 1) ' + s
    ins.append(s)
    wants.append(inject(s))
with open(out + '/in', 'wb') as f:
    f.write(b''.join(x.encode() + b'\0' for x in ins))
with open(out + '/want', 'wb') as f:
    f.write(b''.join(x.encode() + b'\0' for x in wants))
PY
ok $? "dbt's answers for the random SQL"
"$CP" <"$TMP/in" >"$TMP/got"
ok $? "ctesplace reads them"

python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
ins = open(d + '/in', 'rb').read().split(b'\0')[:-1]
wants = open(d + '/want', 'rb').read().split(b'\0')[:-1]
gots = open(d + '/got', 'rb').read().split(b'\0')[:-1]
same = refused = real = realplaced = 0
bad = []
for i, (s, w, g) in enumerate(zip(ins, wants, gots)):
    real += i % 2
    realplaced += i % 2 and not g.startswith(b'!')
    if g.startswith(b'!'):
        refused += 1
    elif g == w:
        same += 1
    else:
        bad.append((s, w, g))
print('# %d cases: %d as dbt places them, %d refused, %d otherwise; of the %d written as models are, %d placed' %
      (len(ins), same, refused, len(bad), real, realplaced))
for s, w, g in bad[:12]:
    print('# in:   %r\n# dbt:  %r\n# ours: %r' % (s, w, g))
sys.exit(1 if bad or len(gots) != len(ins) or realplaced < real * 9 // 10 else 0)
PY
ok $? "every placement is dbt's or refused, nine in ten of those written as models are placed"
done_testing
