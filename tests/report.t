#!/bin/sh
# dbt2ninja report: one self-contained HTML page after real runs, opened in
# headless Chromium, which must render the lineage's SVG with every node of
# the example in it. Skips the browser when Chromium cannot start.
. "$(dirname "$0")/lib.sh"

withpg
cp -R "$ROOT/docs/example" "$TMP/jaffle"
cd "$TMP/jaffle" || exit 1
"$DBT2NINJA" >/dev/null 2>&1
ninja build >/dev/null 2>&1
ok $? "ninja build"
sed -i 's/^select/select nonexistent_col,/' target/ninja/sql/model.jaffle.customers.sql
# a run whose every edge failed logged nothing: its results tell it from
# the last one logged by their start, more than 20 ms after that one's
sleep 0.05
ninja -k 0 build >/dev/null 2>&1
"$DBT2NINJA" report >"$TMP/out" 2>"$TMP/err"
ok $? "dbt2ninja report"
is "$(cat "$TMP/out")" "dbt2ninja: target/report.html: the lineage, the last run (1 edge) and 1 failure" \
	"says where it wrote what"
is "$(cat "$TMP/err")" "" "and nothing else"
R=target/report.html

# self-contained: nothing fetched at view time
is "$(grep -Eo '(src|href|url)[=(]"?[a-z]+:' "$R" | grep -v 'data:' | sort -u)" "" \
	"no src, href or url() but data: ones"
is "$(grep -Eic '<(script|link|iframe|img)' "$R")" 0 "no script, style sheet, frame or image to load"
check "the lineage is Graphviz's SVG" grep -q '<g id="graph0" class="graph"' "$R"
check "the failure's message" grep -q 'column &quot;nonexistent_col&quot; does not exist' "$R"
check "and the line of the job it points at" \
	grep -q '<span class="hit"><span class="ln">  13</span> select nonexistent_col,</span>' "$R"
check "the results table" grep -q '<a href="#model.jaffle.customers">customers</a></td><td>model</td>' "$R"
check "the skipped ones too" grep -q '<a href="#model.jaffle.top_customers">top_customers</a></td><td>model</td><td><span class="badge" style="background:#d9ccf0">skipped' "$R"
check "the timeline, with its trace to save" grep -q 'download="timeline.json" href="data:application/json;base64,' "$R"

# -o, and without dot: the DOT in the SVG's place, said once
PATH=/nonexistent "$DBT2NINJA" report -o "$TMP/nodot.html" >/dev/null 2>"$TMP/err"
ok $? "without Graphviz it still writes the report"
is "$(cat "$TMP/err")" "dbt2ninja: warning: cannot run Graphviz's dot: No such file or directory: the report has the lineage as DOT (apt-get install graphviz)" \
	"and says why the lineage is not drawn"
check "with the DOT in its place" grep -q '<pre class="dot">digraph lineage {' "$TMP/nodot.html"
"$DBT2NINJA" report -o >/dev/null 2>&1
is "$?" 2 "-o needs a value"

# the browser
chrome() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$TMP/chrome" "$@" 2>>"$TMP/chrome.log"
}
if ! command -v chromium >/dev/null 2>&1; then
	diag "no chromium (apt-get install chromium): the report is not opened in a browser"
	done_testing
	exit
fi
if ! chrome --dump-dom about:blank >/dev/null; then
	diag "chromium cannot start: the report is not opened in a browser"
	sed 's/^/# /' "$TMP/chrome.log" | tail -5
	done_testing
	exit
fi
# a copy that says, once laid out, what the lineage's SVG has
sed '/<\/body>/d; /<\/html>/d' "$R" >"$TMP/check.html"
cat >>"$TMP/check.html" <<'EOF'
<script>
var out = [], gs = document.querySelectorAll('#lineage svg g.node');
for (var i = 0; i < gs.length; i++) {
	var r = gs[i].getBoundingClientRect(), t = gs[i].querySelector('text');
	out.push(gs[i].id + ' ' + (r.width > 10 && r.height > 10 ? 'drawn' : 'empty') + ' ' +
	    (t ? t.textContent : '-'));
}
var pre = document.createElement('pre');
pre.id = 'check';
pre.textContent = out.sort().join('\n');
document.body.appendChild(pre);
</script>
</body>
</html>
EOF
chrome --dump-dom "file://$TMP/check.html" >"$TMP/dom.html"
ok $? "chromium opens it"
sed -n '/<pre id="check">/,/<\/pre>/p' "$TMP/dom.html" | sed 's/.*<pre id="check">//; s/<\/pre>.*//' >"$TMP/nodes"
is "$(cat "$TMP/nodes")" "exposure.jaffle.revenue_dashboard drawn revenue_dashboard
model.jaffle.customer_segments drawn customer_segments
model.jaffle.customers drawn customers
model.jaffle.daily_revenue drawn daily_revenue
model.jaffle.order_status_counts drawn order_status_counts
model.jaffle.order_totals drawn order_totals
model.jaffle.orders drawn orders
model.jaffle.stg_customers drawn stg_customers
model.jaffle.stg_orders drawn stg_orders
model.jaffle.stg_payments drawn stg_payments
model.jaffle.top_customers drawn top_customers
seed.jaffle.raw_customers drawn raw_customers
seed.jaffle.raw_orders drawn raw_orders
snapshot.jaffle.customers_snapshot drawn customers_snapshot" \
	"every node of the example is in the rendered SVG, laid out, under its name"

chrome --screenshot="$TMP/report.png" --window-size=1400,1000 "file://$PWD/$R" >/dev/null
ok $? "a screenshot of the report"
is "$(python3 "$ROOT/tests/png.py" "$TMP/report.png" | head -1)" "1400 1000" "of the window's size"
# the lineage alone, to count its colors
sed 's|</style>|#timeline,#failures,#results,.counts{display:none}</style>|' "$R" >"$TMP/lineage.html"
chrome --screenshot="$TMP/lineage.png" --window-size=1200,700 "file://$TMP/lineage.html" >/dev/null
python3 "$ROOT/tests/png.py" "$TMP/lineage.png" b8e6c1 f5a3a3 d9ccf0 >"$TMP/colors"
ok $? "a screenshot of the lineage alone"
check "the successes are drawn in their color" awk '$1 == "b8e6c1" && $2 > 20000 { f = 1 } END { exit !f }' "$TMP/colors"
check "the failure in its" awk '$1 == "f5a3a3" && $2 > 1000 { f = 1 } END { exit !f }' "$TMP/colors"
check "and the skipped in theirs" awk '$1 == "d9ccf0" && $2 > 2000 { f = 1 } END { exit !f }' "$TMP/colors"
sed 's/^/# /' "$TMP/colors"
done_testing
