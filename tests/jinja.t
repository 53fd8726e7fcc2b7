#!/bin/sh
# The Jinja engine against Jinja2 itself: every tests/data/jinja/*.j2 is
# rendered by python3-jinja2 (with dbt's Environment: a SandboxedEnvironment
# with the do and loopcontrols extensions and dbt's test and
# materialization block tags, defaults otherwise; dbt's modules.re,
# datetime and pytz, set and set_strict in the context, and Decimal(text) for agate's numbers
# from the database) and by
# tests/unit/jrender, and the bytes must be equal; every refuse/*.j2 must
# fail in jrender with exactly the message in its .err.
. "$(dirname "$0")/lib.sh"
DATA=$ROOT/tests/data/jinja
JR=$ROOT/tests/unit/jrender
# The Jinja2 dbt itself runs (the reference dbt's), else Debian's; a case
# with a NAME.min file needs at least the Jinja2 version in it (Jinja2
# changed its frames since Debian's 3.1.2, and dbt 1.11 ships 3.1.6).
PY=python3
if [ -n "$REFERENCE" ] && [ -f "$REFERENCE/install.sh" ] && refdbt "$TMP/refdbt"; then
	PY=$TMP/refdbt/bin/python3
fi
if ! $PY -c 'import jinja2.sandbox' 2>/dev/null; then
	echo "1..0 # SKIP python3-jinja2 is not installed"
	exit 0
fi
JV=$($PY -c 'import jinja2; print(jinja2.__version__)')
echo "# against Jinja2 $JV ($PY)"
older() { $PY -c 'import sys; v = lambda s: tuple(int(x) for x in s.split(".")[:3]); sys.exit(v(sys.argv[1]) >= v(sys.argv[2]))' "$1" "$2"; }
[ -x "$JR" ] || { echo "Bail out! $JR not built (make units)"; exit 1; }
# Jinja2's side in one process: every case not skipped is listed, rendered
# into $TMP/py/NAME.want (or what it raised into NAME.err), then each is
# compared with jrender's in turn
n=0
fail=0
: >"$TMP/list"
mkdir "$TMP/py"
for t in "$DATA"/*.j2; do
	name=$(basename "$t" .j2)
	ctx=$DATA/$name.json
	[ -f "$ctx" ] || ctx=
	if [ -f "$DATA/$name.min" ] && older "$JV" "$(cat "$DATA/$name.min")"; then
		echo "needs Jinja2 $(cat "$DATA/$name.min"), this is $JV" >"$TMP/py/$name.skip"
		continue
	fi
	# a case with a NAME.needs file needs the Python module named in it
	if [ -f "$DATA/$name.needs" ] && ! $PY -c "import $(cat "$DATA/$name.needs")" 2>/dev/null; then
		echo "needs Python's $(cat "$DATA/$name.needs") ($PY)" >"$TMP/py/$name.skip"
		continue
	fi
	printf '%s\t%s\t%s\n' "$name" "$t" "$ctx" >>"$TMP/list"
done
if ! $PY - "$TMP/list" "$TMP/py" 2>"$TMP/pyerr" <<'PY'
import datetime, decimal, json, os, re, sys, traceback, types
import jinja2, jinja2.ext, jinja2.nodes, jinja2.sandbox

class Test(jinja2.ext.Extension):
    """dbt's {% test name(args) %}: a macro named test_name."""
    tags = {"test"}
    def parse(self, parser):
        node = jinja2.nodes.Macro(lineno=next(parser.stream).lineno)
        name = parser.parse_assign_target(name_only=True).name
        parser.parse_signature(node)
        node.name = "test_" + name
        node.body = parser.parse_statements(("name:endtest",), drop_needle=True)
        return node

class Materialization(jinja2.ext.Extension):
    """dbt's {% materialization name, [default|adapter='x'] %}: a macro
    named materialization_name_x, with supported_languages=['sql']."""
    tags = {"materialization"}
    def parse(self, parser):
        node = jinja2.nodes.Macro(lineno=next(parser.stream).lineno)
        name = parser.parse_assign_target(name_only=True).name
        adapter = "default"
        node.args, node.defaults = [], []
        while parser.stream.skip_if("comma"):
            t = parser.parse_assign_target(name_only=True)
            if t.name == "adapter":
                parser.stream.expect("assign")
                adapter = parser.parse_expression().value
            elif t.name == "supported_languages":
                t.set_ctx("param")
                node.args.append(t)
                parser.stream.expect("assign")
                node.defaults.append(parser.parse_expression())
            elif t.name != "default":
                raise ValueError(t.name)
        if not any(a.name == "supported_languages" for a in node.args):
            node.args.append(jinja2.nodes.Name("supported_languages", "param"))
            node.defaults.append(jinja2.nodes.List([jinja2.nodes.Const("sql")]))
        node.name = "materialization_%s_%s" % (name, adapter)
        node.body = parser.parse_statements(("name:endmaterialization",), drop_needle=True)
        return node

def dbtset(value, default=None):
    """dbt's set (dbt/context/base.py)."""
    try:
        return set(value)
    except TypeError:
        return default

def dbtsetstrict(value):
    return set(value)

def render(template, ctxfile):
    env = jinja2.sandbox.SandboxedEnvironment(
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols", Test, Materialization])
    src = open(template, encoding="utf-8", newline="").read()
    ctx = json.load(open(ctxfile)) if ctxfile else {}
    ctx["modules"] = types.SimpleNamespace(re=re, datetime=datetime)
    try:
        import pytz
        ctx["modules"].pytz = pytz
    except ImportError:
        pass
    ctx["set"], ctx["set_strict"], ctx["Decimal"] = dbtset, dbtsetstrict, decimal.Decimal
    return env.from_string(src).render(**ctx)

# each line of the list: NAME, the template, its context file or nothing;
# NAME's rendering goes to OUT/NAME.want, or what raised to OUT/NAME.err
out = sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8"):
    name, template, ctxfile = line.rstrip("\n").split("\t")
    try:
        text = render(template, ctxfile)
    except Exception:
        with open(os.path.join(out, name + ".err"), "w", encoding="utf-8") as f:
            f.write(traceback.format_exc())
        continue
    with open(os.path.join(out, name + ".want"), "w", encoding="utf-8", newline="") as f:
        f.write(text)
PY
then
	echo "Bail out! Jinja2's renderer failed: $(tail -1 "$TMP/pyerr")"
	exit 1
fi
for t in "$DATA"/*.j2; do
	name=$(basename "$t" .j2)
	ctx=$DATA/$name.json
	[ -f "$ctx" ] || ctx=
	n=$((n + 1))
	if [ -f "$TMP/py/$name.skip" ]; then
		echo "ok $n - $name # SKIP $(cat "$TMP/py/$name.skip")"
		continue
	fi
	if [ ! -f "$TMP/py/$name.want" ]; then
		echo "not ok $n - $name: Jinja2 failed: $(tail -1 "$TMP/py/$name.err" 2>/dev/null)"
		fail=1
		continue
	fi
	if ! $JR "$t" $ctx >"$TMP/got" 2>"$TMP/err"; then
		echo "not ok $n - $name: $(cat "$TMP/err")"
		fail=1
		continue
	fi
	if cmp -s "$TMP/py/$name.want" "$TMP/got"; then
		echo "ok $n - $name renders as Jinja2 does"
	else
		echo "not ok $n - $name differs from Jinja2"
		diff "$TMP/py/$name.want" "$TMP/got" | sed 's/^/#  /'
		fail=1
	fi
done
for t in "$DATA"/refuse/*.j2; do
	name=$(basename "$t" .j2)
	n=$((n + 1))
	if $JR "$t" >"$TMP/got" 2>"$TMP/err"; then
		echo "not ok $n - refuse $name: rendered"
		fail=1
	elif [ "$(cat "$TMP/err")" = "$(cat "${t%.j2}.err")" ]; then
		echo "ok $n - refuse $name: $(cat "$TMP/err")"
	else
		echo "not ok $n - refuse $name"
		echo "#  got:  $(cat "$TMP/err")"
		echo "#  want: $(cat "${t%.j2}.err")"
		fail=1
	fi
done
echo "1..$n"
exit $fail
