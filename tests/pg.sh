# pg.sh: a throwaway PostgreSQL server for the tests, the demo and the bench.
#
#	. tests/pg.sh; pgstart [DIR]; ...; pgstop
#
# pgstart initializes a cluster in a new temporary directory (or DIR),
# listening only on a Unix socket there, fsync off, and exports PGHOST,
# PGPORT, PGUSER and PGDATABASE for libpq. As root, the server runs as the
# postgres user, created when missing. PGFSYNC=on keeps durable commits;
# PGOPTS adds server options, as `-c log_statement=all`.

pgbin() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	echo "pg.sh: no PostgreSQL server found (apt-get install postgresql)" >&2
	return 1
}

# pgas CMD...: run CMD as the server's owner.
pgas() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && su postgres -s /bin/sh -c 'exec "$0" "$@"' -- "$@")
	else
		"$@"
	fi
}

pgstart() {
	PGBIN=$(pgbin) || return 1
	PGTMP=${1:-$(mktemp -d "${TMPDIR:-/tmp}/dbt2ninja-pg.XXXXXX")}
	mkdir -p "$PGTMP"
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 ||
			useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
		chown postgres "$PGTMP"
		chmod 755 "$PGTMP"
	fi
	pgas "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust --no-sync \
		-E UTF8 --locale=C >"$PGTMP/initdb.log" 2>&1 || {
		cat "$PGTMP/initdb.log" >&2
		return 1
	}
	pgas "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -o \
		"-c listen_addresses= -c unix_socket_directories=$PGTMP -c fsync=${PGFSYNC:-off} -c synchronous_commit=${PGFSYNC:-off} -c full_page_writes=${PGFSYNC:-off} -c max_connections=200 ${PGOPTS:-}" \
		start >/dev/null || {
		cat "$PGTMP/server.log" >&2
		return 1
	}
	export PGHOST="$PGTMP" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
	unset PGPASSWORD PGSERVICE PGOPTIONS
}

pgstop() {
	[ -n "${PGTMP:-}" ] || return 0
	pgas "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PGTMP"
	PGTMP=
}
