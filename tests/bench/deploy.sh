#!/bin/sh
# make bench, the executor: 500 trivial views deployed with ninja -j2 onto
# a PostgreSQL with durable commits (fsync on), beside its floor, measured
# in the same run: 500 bare C probes (start, connect, SELECT 1, exit) two at
# a time, plus the same statements sent by one psql session. Then the same
# deploy through PgBouncer. Then early cutoff: a tree of 300 views over a
# table, its root view changed keeping its columns, deployed as dbt2ninja
# does it beside state:modified+ the way dbt runs it (every view of the
# subtree swapped in, as with --full-refresh).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${BENCH_VIEWS:-500}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dbt2ninja-bench.XXXXXX")
chmod 755 "$WORK"
. "$ROOT/tests/pg.sh"
PGFSYNC=on pgstart
BOUNCER=
cleanup() {
	[ -n "$BOUNCER" ] && [ -s "$WORK/bouncer/pid" ] && kill "$(cat "$WORK/bouncer/pid")" 2>/dev/null
	pgstop
	rm -rf "$WORK"
}
trap cleanup EXIT
psql -Xqc "create database bench"
export PGDATABASE=bench
cd "$WORK"
mkdir -p target
python3 "$ROOT/tests/bench/views.py" "$N" target/manifest.json
cc -O2 -o probe "$ROOT/tests/bench/probe.c" $(pkg-config --cflags --libs libpq)
"$ROOT/dbt2ninja" --threads 2 target/manifest.json

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
t() { date +%s.%N; }
reset() { psql -Xq -c "set client_min_messages = warning" -c "drop schema if exists s cascade"; rm -rf "$(sed -n 's/^conn = //p' build.ninja)/ok"; }

# the floor: connections, and the statements themselves
a=$(t); seq "$N" | xargs -P2 -n1 sh -c './probe' >/dev/null; b=$(t)
probes=$(secs "$a" "$b")
# (of each job's ways, the one a new view takes: dbt's swap, the last,
# between the catalog's reads)
for j in target/ninja/sql/*.sql; do
	"$ROOT/dbt2ninja-run" --dry-run "$j" | awk '
		/^-- then, unless the relation is new/ { next }
		/^-- when / && !seen { seen = 1; head = b; b = "" }
		/^-- (when|otherwise)/ { b = ""; next }
		{ b = b $0 "\n" }
		END { printf "%s%s", head, b }'
done > statements.sql
reset
a=$(t); PGOPTIONS="-c client_min_messages=warning" psql -Xq -v ON_ERROR_STOP=1 -f statements.sql >/dev/null; b=$(t)
stmts=$(secs "$a" "$b")
floor=$(awk -v a="$probes" -v b="$stmts" 'BEGIN { printf "%.2f", a + b }')

reset
a=$(t); ninja -j2 deploy >/dev/null; b=$(t)
deploy=$(secs "$a" "$b")

printf '%-48s %8s s\n' "$N bare C probes, 2 at a time (connect, SELECT 1)" "$probes"
printf '%-48s %8s s\n' "the same statements, one psql session" "$stmts"
printf '%-48s %8s s\n' "floor" "$floor"
printf '%-48s %8s s   %s x the floor (target <= 1.0)\n' "ninja -j2 deploy, $N views" "$deploy" \
	"$(awk -v a="$deploy" -v b="$floor" 'BEGIN { printf "%.2f", a / b }')"

# early cutoff: the nodes executed and the time, beside state:modified+
cutoff() {
	mkdir -p "$WORK/tree/target" && cd "$WORK/tree"
	python3 "$ROOT/tests/bench/tree.py" 300 'x + 1' target/manifest.json
	"$ROOT/dbt2ninja" --threads 2 target/manifest.json
	ninja -j2 deploy >/dev/null
	python3 "$ROOT/tests/bench/tree.py" 300 'x + 2' target/manifest.json
	"$ROOT/dbt2ninja" --threads 2 target/manifest.json
	a=$(t); ninja -j2 deploy >out; b=$(t)
	cut=$(secs "$a" "$b") cutn=$(grep -c '^OK' out)
	# dbt's way: the root and every view under it, swapped in
	python3 "$ROOT/tests/bench/tree.py" 300 'x + 3' target/manifest.json
	"$ROOT/dbt2ninja" --threads 2 target/manifest.json
	conn=$(sed -n 's/^conn = //p' build.ninja)
	rm -f "$conn"/ok/model.bench.v*
	sed 's/^runflags = /runflags = --full-refresh /' build.ninja > dbt.ninja
	a=$(t); ninja -f dbt.ninja -j2 deploy >out; b=$(t)
	full=$(secs "$a" "$b") fulln=$(grep -c '^OK' out)
	printf '%-48s %8s s   %s nodes executed\n' "300-view tree, root changed, same columns" "$cut" "$cutn"
	printf '%-48s %8s s   %s nodes executed\n' "  state:modified+ as dbt runs it" "$full" "$fulln"
	printf '%-48s %s %% of the subtree (goal <= 1), %s x faster\n' "" \
		"$(awk -v a="$cutn" -v b="$fulln" 'BEGIN { printf "%.2f", 100 * a / b }')" \
		"$(awk -v a="$full" -v b="$cut" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
	cd "$WORK"
}
cutoff

if command -v pgbouncer >/dev/null 2>&1; then
	mkdir -p bouncer
	printf '"postgres" ""\n' > bouncer/users
	cat > bouncer/pgbouncer.ini <<INI
[databases]
bench = host=$PGHOST port=$PGPORT dbname=bench
[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = $WORK/bouncer
auth_type = trust
auth_file = $WORK/bouncer/users
pool_mode = session
max_client_conn = 100
default_pool_size = 4
logfile = $WORK/bouncer/log
pidfile = $WORK/bouncer/pid
INI
	[ "$(id -u)" = 0 ] && chown -R postgres "$WORK" && chmod 755 "$WORK"
	pgas pgbouncer "$WORK/bouncer/pgbouncer.ini" >/dev/null 2>&1 &
	BOUNCER=$!
	sleep 1
	reset
	a=$(t); PGHOST=$WORK/bouncer PGPORT=6432 ninja -j2 deploy >/dev/null; b=$(t)
	printf '%-48s %8s s\n' "ninja -j2 deploy through PgBouncer" "$(secs "$a" "$b")"
	a=$(t); seq "$N" | PGHOST=$WORK/bouncer PGPORT=6432 xargs -P2 -n1 sh -c './probe' >/dev/null; b=$(t)
	printf '%-48s %8s s\n' "$N probes through PgBouncer" "$(secs "$a" "$b")"
fi
