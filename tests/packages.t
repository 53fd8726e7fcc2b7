#!/bin/sh
# dbt2ninja reading a project with packages in dbt_packages/ (no manifest):
# tests/data/project2 and its checked-in package mypkg (its own vars,
# config tree, models, seed, macros and generic test), and, when
# ../shared has it, the real dbt_utils with tests/data/project2utils (its
# generic tests and star). Package vars scoped as dbt scopes them, the root
# project's config tree over a package's own, ref() across packages,
# macros and dispatch in dbt's namespaces, the root project's
# packages-install-path, quoting and dispatch (a package's own are not
# dbt's); deployed and tested through ninja. With the reference dbt, every job file from the project is
# byte-identical to those from dbt parse's manifest, and the one rendered
# when it runs (star) renders the same SQL from either.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
withpg
P=$TMP/ours
cp -R "$ROOT/tests/data/project2" "$P"
UTILS=$ROOT/../shared/fixtures/packages/dbt_utils
if [ -f "$UTILS/dbt_project.yml" ]; then
	cp -R "$ROOT/tests/data/project2utils/." "$P/"
	cp -R "$UTILS" "$P/dbt_packages/dbt_utils"
else
	diag "no $UTILS: the parts with dbt_utils are skipped"
	UTILS=
fi
printf 'shop2:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: "%s"\n      port: %s\n      user: postgres\n      password: ""\n      dbname: demo\n      schema: dev\n      threads: 2\n' \
	"$PGHOST" "$PGPORT" >"$P/profiles.yml"
export DBT_PROFILES_DIR="$P"
cd "$P" || exit 1
job() { echo "target/ninja/sql/$1.sql"; }

"$DBT2NINJA" -v >"$TMP/gen" 2>&1
ok $? "dbt2ninja reads the project and its packages" || sed 's/^/# /' "$TMP/gen"
if [ -n "$UTILS" ]; then
	grep -q '4 models, 1 seeds, 0 snapshots, 8 tests' "$TMP/gen"
else
	grep -q '3 models, 1 seeds, 0 snapshots, 5 tests' "$TMP/gen"
fi
ok $? "the package's models, seed and tests with the project's" || sed 's/^/# /' "$TMP/gen"
E=$(job model.mypkg.pkg_events)
grep -q '^-- relation: "demo"."dev_x_rooted"."pkg_events"$' "$E"
ok $? "a package's model: the root project's tree wins over its own config(), through the root's generate_schema_name"
grep -q '^-- relation: "demo"."dev_x_pkg"."pkg_base"$' "$(job model.mypkg.pkg_base)" &&
	grep -q '^-- materialized: table$' "$(job model.mypkg.pkg_base)"
ok $? "the package's own tree"
grep -q '^-- relation: "demo"."dev_x_pkgseeds"."pkg_rates"$' "$(job seed.mypkg.pkg_rates)"
ok $? "a package's seed, configured from the root project's seeds: tree"
grep -q '^    7 as rate,$' "$E"
ok $? "var(): the root project's vars under the package's name win over the package's own"
grep -q "^    'from_the_package' as label,$" "$E"
ok $? "var(): the package's own vars"
grep -q "^    1000 as batch,$" "$E"
ok $? "var(): a var's text with Jinja in it rendered over the node's context"
grep -q "^    'package' as pkg_label,$" "$E"
ok $? "a bare macro call in a package's model: the package's own macro"
grep -q "^    'hello from the root' as greeting$" "$E"
ok $? "adapter.dispatch in a package's namespace: the root project's implementation first"
O=$(job model.shop2.orders2)
grep -q "^    'root' as root_label,$" "$O" && grep -q '^    cast(.5. as integer) as five,$' "$O"
ok $? "in the root project: its own macro, and the package's as mypkg.name"
grep -q '^from "demo"."dev_x_rooted"."pkg_events" e$' "$O" &&
	grep -q '^cross join "demo"."dev_x_pkg"."pkg_base" b$' "$O"
ok $? "ref() with a package, and a bare ref() found in a package"
[ -f "$(job test.shop2.mypkg_is_positive_orders2_id.83df074457)" ] &&
	grep -q '^-- severity: "warn"$' "$(job test.shop2.mypkg_is_positive_orders2_id.83df074457)"
ok $? "a package's generic test as pkg.name: its name, unique_id and config as dbt's"
[ -f "$(job test.mypkg.is_positive_pkg_base_id.d587e19192)" ]
ok $? "a package's generic test on its own model, in its own namespace"
if [ -n "$UTILS" ]; then
	grep -q 'where not(rate > 0)' "$(job test.shop2.dbt_utils_expression_is_true_starred_rate_0.a45c336b71)"
	ok $? "dbt_utils.expression_is_true"
	grep -q 'or not id >= 1' "$(job test.shop2.dbt_utils_accepted_range_starred_id__3__1.8d58b754d6)"
	ok $? "dbt_utils.accepted_range"
	grep -q '^-- render: ' "$(job model.shop2.starred)"
	ok $? "dbt_utils.star needs the database: rendered when it runs"
fi

ninja build >"$TMP/build" 2>&1
ok $? "ninja build deploys it and runs its tests" || tail -20 "$TMP/build" | sed 's/^/# /'
is "$(sql 'select count(*) from dev_x_pkgseeds.pkg_rates')" 3 "the package's seed"
is "$(sql 'select distinct rate from dev_x_rooted.pkg_events')" 7 "the package's model"
is "$(sql "select count(*) || greeting from dev.orders2 group by greeting")" "9hello from the root" \
	"the root's model over the package's"
if [ -n "$UTILS" ]; then
	is "$(sql "select string_agg(column_name, ',' order by ordinal_position) from information_schema.columns where table_name = 'starred'")" \
		"rate,label,five,root_label,id" "star() of orders2 but greeting, rendered on the database"
fi
ninja -n deploy >"$TMP/noop" 2>&1
grep -q 'no work to do' "$TMP/noop"
ok $? "nothing to do once deployed" || sed 's/^/# /' "$TMP/noop"
sleep 1
sed 's/7 as rate/7 as rate/' dbt_packages/mypkg/models/pkg_events.sql >"$TMP/m"
printf -- '-- edited\n' >>"$TMP/m"
cat "$TMP/m" >dbt_packages/mypkg/models/pkg_events.sql
ninja -n deploy >"$TMP/again" 2>&1
grep -q 'regenerating build.ninja' "$TMP/again"
ok $? "editing a package's model regenerates build.ninja" || sed 's/^/# /' "$TMP/again"

# refused, naming the file and what: never a different manifest
refused() { refusedin "$ROOT/tests/data/project2" "$@"; }
refused 'echo "{% materialization view, default %}{% endmaterialization %}" >dbt_packages/mypkg/macros/mat.sql &&
	printf "flags:\n  require_explicit_package_overrides_for_builtin_materializations: false\n" >>dbt_project.yml' \
	"materialized view: macro.mypkg.materialization_view_default is a project's own, which dbt would run" \
	"a package's materialization of dbt's name, where the flag says dbt runs it"
# without the flag, dbt 1.8 passes a package's over (elementary's test)
copyof "$ROOT/tests/data/project2" pkgmat
echo "{% materialization view, default %}{% endmaterialization %}" >"$TMP/pkgmat/dbt_packages/mypkg/macros/mat.sql"
genin "$TMP/pkgmat"
ok $? "a package's materialization of dbt's name, which dbt passes over" || sed 's/^/# /' "$TMP/out"
refused 'printf "packages:\n  - local: a\n  - local: b\n" >packages.yml' \
	"packages.yml: 2 package(s) specified, but only 1 installed" "a package not installed"
refused 'cp -R dbt_packages/mypkg dbt_packages/again' \
	"dbt_packages/mypkg/dbt_project.yml: a second project named mypkg (the first is in dbt_packages/again/)" "two packages of one name"
refused 'mkdir dbt_packages/other && printf "name: other\n" >dbt_packages/other/dbt_project.yml &&
	mkdir dbt_packages/other/models && echo "select 2 as id" >dbt_packages/other/models/pkg_base.sql' \
	"models/orders2.sql: model.shop2.orders2: ref('pkg_base') names model.mypkg.pkg_base and model.other.pkg_base" \
	"a bare ref() that two packages answer"
refused 'mkdir dbt_packages/empty' "dbt_packages/empty/dbt_project.yml" "a package without a project"

# own PROJECT: project2 with its package elsewhere (the root's
# packages-install-path), the root's quoting, and the package's own
# quoting, dispatch and packages-install-path, which dbt does not read
own() {
	rm -rf "$1" && cp -R "$ROOT/tests/data/project2" "$1" && cp "$P/profiles.yml" "$1/"
	mv "$1/dbt_packages" "$1/installed"
	printf 'packages-install-path: installed\nquoting:\n  identifier: false\n' >>"$1/dbt_project.yml"
	printf 'packages-install-path: nowhere\nquoting:\n  identifier: true\n  schema: false\ndispatch:\n  - macro_namespace: mypkg\n    search_order: [mypkg]\n' \
		>>"$1/installed/mypkg/dbt_project.yml"
}
own "$TMP/own"
(cd "$TMP/own" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/gen4" 2>&1)
ok $? "a package in the root's packages-install-path, with quoting and dispatch of its own" ||
	sed 's/^/# /' "$TMP/gen4"
grep -q '^-- relation: "demo"."dev_x_rooted".pkg_events$' "$TMP/own/target/ninja/sql/model.mypkg.pkg_events.sql"
ok $? "a package's model is quoted as the root project says, not as the package does"
grep -q "^    'hello from the root' as greeting$" "$TMP/own/target/ninja/sql/model.mypkg.pkg_events.sql"
ok $? "dispatch is the root project's: the package's own search order is not read"
(cd "$TMP/own" && DBT_PROFILES_DIR=. ninja build >"$TMP/build4" 2>&1)
ok $? "ninja build deploys it" || tail -20 "$TMP/build4" | sed 's/^/# /'
is "$(sql 'select distinct rate from dev_x_rooted.pkg_events')" 7 "the package's model, from installed/"

# the reference dbt: the same project through dbt parse's manifest
refdbt_or_done "$TMP/refdbt"
D=$TMP/dbt
cp -R "$ROOT/tests/data/project2" "$D"
if [ -n "$UTILS" ]; then
	cp -R "$ROOT/tests/data/project2utils/." "$D/"
	cp -R "$UTILS" "$D/dbt_packages/dbt_utils"
fi
cp "$P/profiles.yml" "$D/"
bothways "$D"
# a job rendered when it runs holds the manifest's nodes and its context
# (dbt's own macros as dbt wrote them, or ours): those two differ by
# construction, and what they render is compared below
late=$(cd "$D/target/ninja/sql" && grep -l '^-- render: ' ./*.sql)
diff -r $(for f in $late; do printf ' -x %s' "${f#./}"; done) "$D/target/ninja/sql" "$TMP/fresh/target/ninja/sql" >"$TMP/diff" 2>&1
ok $? "every job file read from the project is byte-identical to dbt parse's ($(ls "$D/target/ninja/sql" | wc -l) jobs, $(echo $late | wc -w) rendered when they run)" ||
	head -40 "$TMP/diff" | sed 's/^/# /'
if [ -n "$UTILS" ]; then
	(cd "$D" && DBT_PROFILES_DIR=. ninja build >"$TMP/build2" 2>&1)
	ok $? "ninja build from dbt parse's manifest" || tail -20 "$TMP/build2" | sed 's/^/# /'
	(cd "$TMP/fresh" && DBT_PROFILES_DIR=. ninja build >"$TMP/build3" 2>&1)
	ok $? "ninja build from the project" || tail -20 "$TMP/build3" | sed 's/^/# /'
	cmp "$D/target/ninja/late/model.shop2.starred.sql" "$TMP/fresh/target/ninja/late/model.shop2.starred.sql"
	ok $? "star() rendered when it runs: the same SQL from either"
fi
# the same with the package's own quoting, dispatch and
# packages-install-path
own "$TMP/ownd"
(cd "$TMP/ownd" && DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >"$TMP/parse5" 2>&1)
ok $? "dbt parse of the project whose package has quoting and dispatch of its own" ||
	tail -20 "$TMP/parse5" | sed 's/^/# /'
(cd "$TMP/ownd" && DBT_PROFILES_DIR=. "$DBT2NINJA" target/manifest.json >"$TMP/gen5" 2>&1)
ok $? "dbt2ninja from its manifest" || sed 's/^/# /' "$TMP/gen5"
diff -r "$TMP/ownd/target/ninja/sql" "$TMP/own/target/ninja/sql" >"$TMP/diff5" 2>&1
ok $? "every job file read from it is byte-identical to dbt parse's ($(ls "$TMP/ownd/target/ninja/sql" | wc -l) jobs)" ||
	head -40 "$TMP/diff5" | sed 's/^/# /'
done_testing
