#!/bin/sh
# make install: an installed dbt2ninja finds its template and rules, and
# names the installed executor.
. "$(dirname "$0")/lib.sh"

make -s -C "$ROOT" install DESTDIR="$TMP/stage" PREFIX=/opt/d2n >/dev/null 2>"$TMP/err"
ok $? "make install with DESTDIR and PREFIX"
for f in bin/dbt2ninja bin/dbt2ninja-run share/dbt2ninja/build.ninja.in \
    share/dbt2ninja/rules/dbt.ninja share/man/man1/dbt2ninja.1 \
    share/man/man1/dbt2ninja-run.1 share/man/man5/dbt2ninja.5; do
	check "installs $f" test -f "$TMP/stage/opt/d2n/$f"
done
shop
cd "$TMP/shop" || exit 1
"$TMP/stage/opt/d2n/bin/dbt2ninja" 2>/dev/null
ok $? "the installed generator runs"
is "$(sed -n 's/^include //p' build.ninja)" "$TMP/stage/opt/d2n/share/dbt2ninja/rules/dbt.ninja" \
	"it includes the installed rules"
is "$(sed -n 's/^run = //p' build.ninja)" "$TMP/stage/opt/d2n/bin/dbt2ninja-run" \
	"it runs the installed executor"
ninja -n deploy >/dev/null 2>&1
ok $? "ninja accepts what it wrote"
done_testing
