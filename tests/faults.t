#!/bin/sh
# Faults through real ninja and real signals: a node whose transaction
# committed gets its stamp whatever becomes of ninja and of stdout, so the
# next ninja never applies an append incremental twice; one whose
# transaction did not commit gets none; a stalled server never holds up
# Ctrl-C or a CI cancel.
. "$(dirname "$0")/lib.sh"
withpg
RUN=$ROOT/dbt2ninja-run
cd "$TMP" || exit 1
mkdir -p target/ninja/sql target/ninja/ok pids

# the executor, its pid recorded by job: `exec` keeps the pid
cat > run <<EOF
#!/bin/sh
for a; do last=\$a; done
echo \$\$ > "$TMP/pids/\${last##*/}"
exec "$RUN" "\$@"
EOF
chmod +x run
cat > build.ninja <<EOF
builddir = target/ninja
run = $TMP/run
runflags =
threads = 4
include $ROOT/rules/dbt.ninja
build target/ninja/ok/model.p.app: model target/ninja/sql/model.p.app.sql
build target/ninja/ok/model.p.fast: model target/ninja/sql/model.p.fast.sql
EOF

hdr() {
	printf -- '-- unique_id: %s\n-- resource_type: model\n-- materialized: %s\n-- relation: "demo"."t"."%s"\n-- adapter: postgres' \
		"$1" "$2" "$3"
	[ -n "${4:-}" ] && printf '\n%s' "$4"
	return 0
}
# app SQL [KEY-LINES]: the append incremental's job
app() { job target/ninja/sql/model.p.app.sql "$(hdr model.p.app incremental app "${2:-}")" "$1"; }
job target/ninja/sql/model.p.fast.sql "$(hdr model.p.fast view fast)" "select 1 as a"
rows() { sql 'select count(*) from t.app'; }
# gone NAME: wait (10 s at most) for the executor of job NAME to exit
gone() {
	_i=0
	while kill -0 "$(cat "pids/$1")" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	! kill -0 "$(cat "pids/$1")" 2>/dev/null
}
# started NAME: wait for the executor of job NAME to have started
started() {
	_i=0
	while [ ! -s "pids/$1" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -s "pids/$1" ]
}
# backend SQL-PART: the pid of the server process running it
backend() {
	_i=0
	while [ $_i -lt 100 ]; do
		_b=$(sql "select pid from pg_stat_activity where query like '%$1%' and pid <> pg_backend_pid() limit 1")
		[ -n "$_b" ] && { echo "$_b"; return 0; }
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# the table exists (deployed without ninja: ninja's log knows nothing yet)
app "select 1 as n"
"$RUN" target/ninja/sql/model.p.app.sql target/ninja/ok/model.p.app >/dev/null 2>&1
is "$(rows)" 1 "the append incremental is deployed"
touch -d '1 minute ago' target/ninja/ok/model.p.app

# 1. ninja's stdout is a pipe whose reader has exited: ninja dies at its
# first status line, when the fast node is done, and the append node,
# still running, finds its own stdout (ninja's pipe) without a reader
app "select 2 as n from pg_sleep(1.5)"
rm -f pids/*
(sleep 0.2; exec ninja -j 2) | true
started model.p.app
check "ninja died of its broken stdout; the append node runs on" kill -0 "$(cat pids/model.p.app)"
check "and finishes" gone model.p.app
is "$(rows)" 2 "its rows were committed"
check "so it has its stamp: SIGPIPE cannot kill it after COMMIT" test -e target/ninja/ok/model.p.app
is "$(ninja)" "ninja: no work to do." "the next ninja does not insert again"
is "$(rows)" 2 "the rows are there once"

# 2. Ctrl-C (ninja forwards SIGINT) or the terminal gone (SIGHUP) before
# COMMIT: rolled back, no stamp, and the next ninja inserts them once
for sig in INT HUP; do
	app "select 4 as n from pg_sleep(3) -- $sig"
	rm -f pids/*
	ninja -j 2 > "$TMP/out" 2>&1 &
	nj=$!
	started model.p.app
	backend "pg_sleep(3) -- $sig" >/dev/null
	kill -$sig $nj
	wait $nj
	check "SIG$sig to ninja: the append node stops" gone model.p.app
	is "$(rows)" 2 "SIG$sig before COMMIT: nothing was inserted"
	check "and it has no stamp" test ! -e target/ninja/ok/model.p.app
done
ninja > "$TMP/out" 2>&1
ok $? "the next ninja runs it"
is "$(rows)" 3 "and inserts its rows once"

# 3. kill -9 ninja in the middle of the append, ninja having logged the
# node's last success
app "select 5 as n from pg_sleep(1.5)"
rm -f pids/*
ninja -j 2 > "$TMP/out" 2>&1 &
nj=$!
started model.p.app
sleep 0.5
kill -9 $nj
wait $nj 2>/dev/null
check "after kill -9 of ninja the append node runs on and finishes" gone model.p.app
is "$(rows)" 4 "its rows were committed"
check "it has its stamp" test -e target/ninja/ok/model.p.app
# ninja's log held the node's last success, older than the job now; the
# executor told it the new stamp itself, which the killed ninja could not
grep -q '	target/ninja/ok/model.p.app	0$' target/ninja/.ninja_log
ok $? "the executor logged its stamp for ninja"
is "$(ninja)" "ninja: no work to do." "so the next ninja does not insert again"
is "$(rows)" 4 "the rows are there once"

# 4. a signal after COMMIT, during a post-hook outside the transaction:
# the transaction is deployed, so the stamp is written
app "select 6 as n" '-- post-hook: [{"sql":"select pg_sleep(3) -- after","transaction":false}]'
rm -f pids/*
"$TMP/run" target/ninja/sql/model.p.app.sql target/ninja/ok/model.p.app > "$TMP/out" 2>&1 &
pid=$!
backend "pg_sleep(3) -- after" >/dev/null
kill -TERM $pid
wait $pid
is "$?" 143 "SIGTERM after COMMIT exits 143"
is "$(rows)" 5 "the committed rows stay"
check "and the node has its stamp" test -e target/ninja/ok/model.p.app
grep -q "interrupted after COMMIT: the node's transaction is deployed and its stamp written" "$TMP/out"
ok $? "saying so"

# 5. the server stalls mid-statement: the backend, then the postmaster,
# stopped; SIGINT or SIGTERM still ends the executor in a few seconds
job target/ninja/sql/model.p.slow.sql "$(hdr model.p.slow table slow)" "select 1 as z from pg_sleep(30)"
pm=$(head -1 "$PGTMP/data/postmaster.pid")
for what in backend postmaster; do
	for sig in INT TERM; do
		"$RUN" target/ninja/sql/model.p.slow.sql target/ninja/ok/model.p.slow > "$TMP/out" 2>&1 &
		pid=$!
		b=$(backend "pg_sleep(30)")
		stopped=$b
		[ $what = postmaster ] && stopped=$pm
		pgas kill -STOP "$stopped"
		start=$(date +%s.%N)
		kill -$sig $pid
		wait $pid
		rc=$?
		took=$(echo "$(date +%s.%N) - $start" | bc)
		pgas kill -CONT "$stopped"
		is "$rc" "$([ $sig = INT ] && echo 130 || echo 143)" "the $what stopped, SIG$sig exits 128+signal"
		check "within 5 s (took $took s)" test "$(echo "$took < 5" | bc)" = 1
		check "leaving no stamp" test ! -e target/ninja/ok/model.p.slow
		grep -q "interrupted: the server did not answer the cancel; if COMMIT was already sent, the transaction may have committed; no stamp" "$TMP/out"
		ok $? "saying that the server did not answer"
		# the server, going on, cancels or notices the closed connection
		pgas kill -TERM "$b" 2>/dev/null
		_i=0
		while [ "$(sql "select count(*) from pg_stat_activity where pid = $b")" != 0 ] && [ $_i -lt 100 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
	done
done
is "$(sql "select count(*) from pg_class where relname like 'slow%'")" 0 "nothing half-built is left"

# 6. the postmaster stalled before the executor connects: connecting
# blocks in libpq, and the executor still exits 4 s after the signal
pgas kill -STOP "$pm"
"$RUN" target/ninja/sql/model.p.slow.sql target/ninja/ok/model.p.slow > "$TMP/out" 2>&1 &
pid=$!
sleep 0.5
start=$(date +%s.%N)
kill -TERM $pid
wait $pid
rc=$?
took=$(echo "$(date +%s.%N) - $start" | bc)
pgas kill -CONT "$pm"
is "$rc" 143 "a stalled connect: SIGTERM exits 143"
check "within 5 s (took $took s)" test "$(echo "$took < 5" | bc)" = 1
is "$(cat "$TMP/out")" "dbt2ninja-run: interrupted: the server does not answer; giving up on it" "saying so"
done_testing
