#!/bin/sh
# A package's seed is read from the package's directory: dbt makes its
# original_file_path relative to the package (root_path), and dbt deps
# puts packages in the project's packages-install-path (dbt_packages by
# default), one directory each, named as root_path's last component names
# it, which need not be the package's name. A manifest compiled on another
# machine has root_paths that do not exist here. The root project and the
# package both have a seed named "same": through ninja each table gets its
# own file's rows. With ../shared/reference-dbt, the manifest dbt writes
# for the same layout is deployed too and compared with dbt seed.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
withpg

# layout DIR INSTALLPATH PKGDIR [DB]: a root project "root" and a package
# "pkg" in INSTALLPATH/PKGDIR, each with seeds/same.csv, deployed to DB
layout() {
	rm -rf "$1" && mkdir -p "$1/seeds" "$1/$2/$3/seeds" "$1/target" || exit 1
	printf 'name: root\nversion: "1.0"\nprofile: root\n' > "$1/dbt_project.yml"
	[ "$2" = dbt_packages ] || printf 'packages-install-path: %s\n' "$2" >> "$1/dbt_project.yml"
	printf 'name: pkg\nversion: "1.0"\nseeds:\n  pkg:\n    +schema: pkg\n' > "$1/$2/$3/dbt_project.yml"
	printf 'id,who\n1,root\n' > "$1/seeds/same.csv"
	printf 'id,who\n1,package\n2,package\n' > "$1/$2/$3/seeds/same.csv"
	printf 'root:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: "%s"\n      port: %s\n      user: postgres\n      password: ""\n      dbname: %s\n      schema: public\n      threads: 1\n' \
		"$PGHOST" "$PGPORT" "${4:-demo}" > "$1/profiles.yml"
}

# manifest FILE PROJECT_NAME ROOT_PATH OFP [PACKAGE]: the two seeds as dbt
# describes them, compiled elsewhere (PROJECT_NAME "" for none, ROOT_PATH
# "" for none)
manifest() {
	python3 - "$@" <<'PY'
import json, sys
out, project, root, ofp = sys.argv[1:5]
pkg = sys.argv[5] if len(sys.argv) > 5 else 'pkg'
def seed(package, schema, root_path, path):
    n = {'resource_type': 'seed', 'name': 'same', 'package_name': package,
         'database': 'demo', 'schema': schema, 'alias': 'same',
         'relation_name': '"demo"."%s"."same"' % schema,
         'original_file_path': path, 'path': 'same.csv', 'config': {'materialized': 'seed'},
         'checksum': {'name': 'sha256', 'checksum': '0'}}
    if root_path:
        n['root_path'] = root_path
    return n
m = {'metadata': {'dbt_schema_version': 'https://schemas.getdbt.com/dbt/manifest/v12.json',
                  'adapter_type': 'postgres'},
     'nodes': {'seed.root.same': seed('root', 'public', '/home/elsewhere/proj' if root else '', 'seeds/same.csv'),
               'seed.%s.same' % pkg: seed(pkg, 'public_pkg', root, ofp)}}
if project:
    m['metadata']['project_name'] = project
json.dump(m, open(out, 'w'))
PY
}

# rows [DB]: the two tables' rows
rows() {
	printf '%s|%s' "$(psql -XAtqd "${1:-demo}" -c 'select string_agg(id || who, $$ $$ order by id) from public.same')" \
		"$(psql -XAtqd "${1:-demo}" -c 'select string_agg(id || who, $$ $$ order by id) from public_pkg.same')"
}

# deploy NAME: generate and run here, then check both tables' rows
deploy() {
	psql -Xq -c 'set client_min_messages = warning' -c 'drop schema if exists public_pkg cascade' -c 'drop table if exists public.same' || exit 1
	DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/gen" 2>&1
	ok $? "$1: generates"
	sed 's/^/# /' "$TMP/gen" | head -5
	DBT_PROFILES_DIR=. ninja >"$TMP/out" 2>&1
	ok $? "$1: ninja loads both seeds"
	sed 's/^/# /' "$TMP/out" | grep -v '^# OK\|^# \[' | head -10
	is "$(rows)" "1root|1package 2package" "$1: each table has its own file's rows"
}

layout "$TMP/a" dbt_packages pkg_dir
cd "$TMP/a" || exit 1
manifest target/manifest.json root /home/elsewhere/proj/dbt_packages/pkg_dir seeds/same.csv
deploy "a package in dbt_packages, named otherwise, compiled elsewhere"
is "$(sed -n 's/^-- seed_path: //p' target/ninja/sql/seed.pkg.same.sql)" '"dbt_packages/pkg_dir/seeds/same.csv"' \
	"the package's seed is read from its directory"
is "$(sed -n 's/^-- seed_path: //p' target/ninja/sql/seed.root.same.sql)" '"seeds/same.csv"' \
	"the root project's from the project"
grep -q '^build build.ninja: regen .* dbt_packages/pkg_dir/seeds/same.csv' build.ninja
ok $? "and build.ninja is regenerated when the package's file changes"

layout "$TMP/a2" dbt_packages pkg_dir
cd "$TMP/a2" || exit 1
manifest target/manifest.json "" /home/elsewhere/proj/dbt_packages/pkg_dir seeds/same.csv
deploy "no project_name in the manifest: dbt_project.yml's name"

layout "$TMP/a3" dbt_packages pkg_dir
cd "$TMP/a3" || exit 1
manifest target/manifest.json root 'C:\Users\x\proj\dbt_packages\pkg_dir' 'seeds\same.csv'
deploy "a manifest written on Windows"

layout "$TMP/b" vendor/dbt pkg
cd "$TMP/b" || exit 1
manifest target/manifest.json root "" seeds/same.csv
deploy "packages-install-path, and no root_path: the package's name"
is "$(sed -n 's/^-- seed_path: //p' target/ninja/sql/seed.pkg.same.sql)" '"vendor/dbt/pkg/seeds/same.csv"' \
	"read from packages-install-path/package_name"

# a local package, as dbt deps links it: its directory is elsewhere
layout "$TMP/c" dbt_packages pkg
cd "$TMP/c" || exit 1
mv dbt_packages/pkg "$TMP/local_pkg" && ln -s "$TMP/local_pkg" dbt_packages/pkg
manifest target/manifest.json root /home/elsewhere/proj/dbt_packages/pkg seeds/same.csv
deploy "a linked local package"

# outside the package: refused, naming the seed, the path and the package
expect_out() { # NAME MESSAGE: generating exits 1 with MESSAGE, writing nothing
	before=$(tree .)
	err=$(DBT_PROFILES_DIR=. "$DBT2NINJA" 2>&1 >/dev/null)
	is "$?" 1 "$1: exits 1"
	is "$err" "$2" "$1: says so"
	is "$(tree .)" "$before" "$1: writes nothing"
}
manifest target/manifest.json root /home/elsewhere/proj/dbt_packages/pkg ../../seeds/same.csv
expect_out "a package's seed above its directory" \
	"dbt2ninja: target/manifest.json: seed.pkg.same: original_file_path \"../../seeds/same.csv\" is outside package pkg's directory dbt_packages/pkg"
manifest target/manifest.json root "" seeds/same.csv ../x
expect_out "a package name that is a path" \
	"dbt2ninja: target/manifest.json: seed.../x.same: package ../x's directory \"../x\" is outside dbt_packages"
manifest target/manifest.json root /home/elsewhere/proj/dbt_packages/.. seeds/same.csv
expect_out "a root_path ending in .." \
	"dbt2ninja: target/manifest.json: seed.pkg.same: package pkg's directory \"..\" is outside dbt_packages"
ln -s "$TMP/c/seeds/same.csv" "$TMP/local_pkg/seeds/link.csv"
manifest target/manifest.json root /home/elsewhere/proj/dbt_packages/pkg seeds/link.csv
expect_out "a package's seed linked out of its directory" \
	"dbt2ninja: target/manifest.json: seed.pkg.same: original_file_path \"seeds/link.csv\" is outside package pkg's directory dbt_packages/pkg: it is $(realpath "$TMP/c/seeds/same.csv")"

# a real manifest with a package's seed, compiled on Windows
f=$MANIFESTS/dbterd-dbtresto-v7-1.3.4-sqlserver.json
if [ -e "$f" ]; then
	mkdir -p "$TMP/resto" && cd "$TMP/resto" || exit 1
	"$DBT2NINJA" "$f" >/dev/null 2>&1
	ok $? "a real manifest with a package's seed generates"
	is "$(sed -n 's/^-- seed_path: //p' target/ninja/sql/seed.dbt_resto.vietlot_power655_data.sql)" \
		'"dbt_packages/dbt_resto/seeds/vietlot/power655/vietlot_power655_data.csv"' \
		"its seed is looked for in the package's directory (no project_name: by root_path)"
else
	ok 0 "# SKIP no real manifests at $MANIFESTS"
fi

refdbt_or_done "$TMP/dbt"
psql -Xqc "create database ref" || exit 1
layout "$TMP/r" dbt_packages pkg_dir ref
cd "$TMP/r" || exit 1
DBT_PROFILES_DIR=. "$TMP/dbt/bin/dbt" seed >"$TMP/dbtout" 2>&1
ok $? "dbt seeds the same layout"
sed 's/^/# /' "$TMP/dbtout" | grep -i error | head -5
is "$(rows ref)" "1root|1package 2package" "dbt loads each table from its own file"
sed -i 's/dbname: ref/dbname: demo/' profiles.yml
DBT_PROFILES_DIR=. "$TMP/dbt/bin/dbt" parse >"$TMP/dbtout" 2>&1
ok $? "dbt parses it"
sed -i 's#"/[^"]*/r/dbt_packages/pkg_dir"#"/home/elsewhere/r/dbt_packages/pkg_dir"#; s#"/[^"]*/r"#"/home/elsewhere/r"#g' target/manifest.json
deploy "the manifest dbt writes, its root_paths elsewhere"
done_testing
