#!/bin/sh
# modules.pytz against pytz itself: every tests/data/pytz/*.j2 rendered by
# Debian's /usr/bin/python3 with python3-jinja2 and python3-tz (which reads
# the system's /usr/share/zoneinfo, as jdatetime.c does) and by
# tests/unit/jrender must be the same bytes; every raise/*.j2 must fail in
# both, with jrender's message Python's exception's (its class named or
# not, as jdatetime.c names it); allzones.jinja renders every zone of the
# system's database at instants where pytz's table for it changes. The
# python3 on PATH may not be Debian's, nor have pytz.
. "$(dirname "$0")/lib.sh"
DATA=$ROOT/tests/data/pytz
JR=$ROOT/tests/unit/jrender
PY=/usr/bin/python3
if [ ! -x "$PY" ] || ! "$PY" -c 'import pytz, jinja2.sandbox' 2>/dev/null; then
	skip_all "$PY cannot import pytz and jinja2 (python3-tz, python3-jinja2)"
fi
[ -x "$JR" ] || { echo "Bail out! $JR not built (make units)"; exit 1; }
unset PYTZ_TZDATADIR
# a local time zone of the process's own, which neither side may read
export TZ=Pacific/Chatham
echo "# against pytz $("$PY" -c 'import pytz; print(pytz.__version__, pytz.OLSON_VERSION)') ($PY)"
mkdir "$TMP/py"
if ! "$PY" - "$DATA" "$TMP/py" 2>"$TMP/pyerr" <<'PY'
import datetime, glob, json, os, re, sys, types
import jinja2.sandbox, pytz

data, out = sys.argv[1], sys.argv[2]
env = jinja2.sandbox.SandboxedEnvironment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])

def render(template, ctx):
    ctx = dict(ctx, modules=types.SimpleNamespace(re=re, datetime=datetime, pytz=pytz))
    return env.from_string(open(template, encoding="utf-8").read()).render(**ctx)

# each case's rendering into OUT/NAME.want, or what it raised (its class,
# a tab, its message) into OUT/NAME.err
for t in sorted(glob.glob(os.path.join(data, "*.j2")) + glob.glob(os.path.join(data, "raise", "*.j2"))):
    name = os.path.basename(t)[:-3]
    try:
        text = render(t, {})
    except Exception as e:
        with open(os.path.join(out, name + ".err"), "w", encoding="utf-8") as f:
            f.write("%s\t%s" % (type(e).__name__, e))
        continue
    with open(os.path.join(out, name + ".want"), "w", encoding="utf-8", newline="") as f:
        f.write(text)

# every zone, with instants where its table changes (the first, a third
# and two thirds in, the last) and two more; and the shortest span any
# one state holds (jdatetime.c's walks step a day)
zones, short = [], (1e99, "")
fixed = [datetime.datetime(1850, 1, 1), datetime.datetime(2050, 7, 1)]
for name in sorted(pytz.all_timezones):
    tz = pytz.timezone(name)
    tt = list(getattr(tz, "_utc_transition_times", [])[1:])
    ti = list(getattr(tz, "_transition_info", [])[1:])
    start = None
    for i, t in enumerate(tt):
        if i and ti[i] == ti[i - 1]:
            continue
        if start is not None and (t - start).total_seconds() < short[0]:
            short = ((t - start).total_seconds(), "%s from %s" % (name, start))
        start = t
    n = len(tt)
    pick = sorted(set([0, n // 3, 2 * n // 3, n - 1])) if n else []
    zones.append([name, [list(t.timetuple()[:6]) for t in [tt[i] for i in pick] + fixed]])
with open(os.path.join(out, "allzones.json"), "w") as f:
    json.dump({"zones": zones}, f)
with open(os.path.join(out, "allzones.want"), "w", encoding="utf-8", newline="") as f:
    f.write(render(os.path.join(data, "allzones.jinja"), {"zones": zones}))
with open(os.path.join(out, "short"), "w") as f:
    f.write("%d %d %s\n" % (short[0], len(zones), short[1]))
PY
then
	echo "Bail out! pytz's renderer failed: $(tail -1 "$TMP/pyerr")"
	exit 1
fi
for t in "$DATA"/*.j2; do
	name=$(basename "$t" .j2)
	if [ ! -f "$TMP/py/$name.want" ]; then
		ok 1 "$name: pytz failed: $(cat "$TMP/py/$name.err")"
		continue
	fi
	if ! "$JR" "$t" >"$TMP/got" 2>"$TMP/err"; then
		ok 1 "$name: $(cat "$TMP/err")"
		continue
	fi
	cmp -s "$TMP/py/$name.want" "$TMP/got"
	ok $? "$name renders as pytz does" || diff "$TMP/py/$name.want" "$TMP/got" | head -40 | sed 's/^/#  /'
done
for t in "$DATA"/raise/*.j2; do
	name=$(basename "$t" .j2)
	if [ ! -f "$TMP/py/$name.err" ]; then
		ok 1 "raise $name: pytz rendered it"
		continue
	fi
	if "$JR" "$t" >"$TMP/got" 2>"$TMP/err"; then
		ok 1 "raise $name: jrender rendered it"
		continue
	fi
	got=$(sed 's/^[^:]*:[0-9]*:[0-9]*: //' "$TMP/err")
	cls=$(cut -f1 "$TMP/py/$name.err")
	msg=$(cut -f2- "$TMP/py/$name.err")
	if [ "$got" = "$msg" ] || [ "$got" = "$cls: $msg" ]; then
		ok 0 "raise $name: $got"
	else
		ok 1 "raise $name"
		printf '#      got: %s\n# expected: %s: %s\n' "$got" "$cls" "$msg"
	fi
done
"$JR" "$DATA/allzones.jinja" "$TMP/py/allzones.json" >"$TMP/got" 2>"$TMP/err"
ok $? "every zone renders ($(cut -d' ' -f2 "$TMP/py/short") zones)" && {
	cmp -s "$TMP/py/allzones.want" "$TMP/got"
	ok $? "every zone renders as pytz does" || diff "$TMP/py/allzones.want" "$TMP/got" | head -40 | sed 's/^/#  /'
} || sed 's/^/#  /' "$TMP/err"
read -r short n where <"$TMP/py/short"
[ "$short" -gt 86400 ]
ok $? "no state of the tz database holds for a day or less (the shortest: $short s, $where)"
done_testing
