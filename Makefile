# dbt2ninja. `make` builds ./dbt2ninja and ./dbt2ninja-run; `make check`
# runs every test (warnings as errors, then ASan/UBSan); `make demo`;
# `make bench`; `make install PREFIX=/usr/local DESTDIR=`.
.POSIX:

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/dbt2ninja
MANDIR = $(PREFIX)/share/man
VERSION = 0.1

CC = cc
RE2C = re2c
PKGS = libcjson libpq libcrypto yaml-0.1
WARN = -std=c99 -Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes
CFLAGS = -O2 -g
PKGCFLAGS = `pkg-config --cflags $(PKGS)`
PKGLIBS = `pkg-config --libs $(PKGS)` -lm
DEFS = -DDATADIR='"$(DATADIR)"' -DVERSION='"$(VERSION)"'
ALLCFLAGS = $(WARN) $(CFLAGS) $(DEFS) -Isrc -Igen $(PKGCFLAGS)
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Debian packages: building, testing, and the demo's database; the
# reference dbt the parity tests compare with needs libtree-sitter0 too;
# tests/pytz.t compares modules.pytz with python3-tz (and tzdata's zones);
# graphviz lays the lineage out, and tests/report.t opens the report in
# chromium's headless browser.
DEBS = build-essential pkg-config libcjson-dev libpq-dev libssl-dev \
	libyaml-dev re2c ninja-build postgresql perl python3 time \
	libtree-sitter0 python3-jinja2 python3-tz tzdata python3-yaml graphviz chromium

SHARED = src/util.c src/arena.c src/htab.c src/hash.c src/sql.c src/project.c \
	src/jinja.c src/profile.c src/conn.c src/stamp.c src/jobfile.c src/pg.c src/ninjalog.c \
	src/jvalue.c src/jdec.c src/jset.c src/jlex.c src/jparse.c src/jeval.c src/jlib.c src/jre.c src/jdatetime.c src/dbtctx.c src/dbtdb.c src/dbtcolumn.c src/yamljson.c
RUN = src/mat.c src/matstep.c src/iface.c src/swap.c src/inplace.c src/incremental.c src/snapshot.c \
	src/seedload.c src/datatest.c src/mz.c src/deploy.c src/seed.c src/late.c src/operation.c
GEN = gen/config.c gen/manifest.c gen/graph.c gen/job.c gen/ninja.c gen/results.c gen/state.c \
	gen/dropenv.c gen/select.c gen/stage.c gen/render.c gen/outdated.c gen/status.c \
	gen/lineage.c gen/timeline.c gen/report.c gen/hooks.c gen/dbtparse.c gen/parsectx.c gen/dbtmacros.c gen/nodecfg.c gen/nodejson.c \
	gen/testname.c gen/blocks.c gen/builtins.c gen/delta.c
HDRS = src/util.h src/arena.h src/htab.h src/hash.h src/sql.h src/project.h \
	src/jinja.h src/jvalue.h src/jdec.h src/jset.h src/jlex.h src/jparse.h src/jeval.h src/jlib.h src/jre.h src/jdatetime.h src/dbtctx.h src/dbtint.h src/yamljson.h src/profile.h src/conn.h src/stamp.h src/ninjalog.h src/jobfile.h src/pg.h src/mat.h src/matstep.h src/dbtcolumn.h src/deploy.h src/seed.h src/operation.h \
	gen/config.h gen/manifest.h gen/graph.h gen/job.h gen/ninja.h gen/results.h gen/state.h gen/dropenv.h \
	gen/select.h gen/stage.h gen/render.h gen/outdated.h gen/status.h gen/lineage.h \
	gen/timeline.h gen/report.h gen/hooks.h gen/dbtparse.h gen/parsectx.h gen/dbtmacros.h gen/nodecfg.h gen/nodejson.h gen/testname.h gen/delta.h \
	gen/blocks.h
UNITS = tests/unit/util tests/unit/arena tests/unit/htab tests/unit/hash tests/unit/sql \
	tests/unit/project tests/unit/manifest tests/unit/graph \
	tests/unit/job tests/unit/ninja tests/unit/jinja tests/unit/seed \
	tests/unit/config tests/unit/jobfile tests/unit/mat tests/unit/mz tests/unit/deploy tests/unit/profile \
	tests/unit/conn tests/unit/stamp tests/unit/jvalue tests/unit/jlex tests/unit/jmacro tests/unit/jlib tests/unit/jdatetime tests/unit/ninjalog tests/unit/dbtctx \
	tests/unit/testname tests/unit/jskel tests/unit/delta tests/unit/stage
MANS = docs/dbt2ninja.1 docs/dbt2ninja-run.1 docs/dbt2ninja.5

all: dbt2ninja dbt2ninja-run

src/sql.c: src/sql.re
	$(RE2C) -W -Werror --api custom -o $@ src/sql.re

gen/select.c: gen/select.re
	$(RE2C) -W -Werror --api custom -o $@ gen/select.re

src/jinja.c: src/jinja.re
	$(RE2C) -W -Werror --api custom -o $@ src/jinja.re

src/jlex.c: src/jlex.re
	$(RE2C) -W -Werror -o $@ src/jlex.re

# dbt's own macros as ours (blocks.h), embedded: each file one C string,
# so each under 4095 bytes (the longest string C99 promises).
BUILTINS = gen/builtins/names.sql gen/builtins/tests.sql gen/builtins/testsql.sql \
	gen/builtins/where.sql gen/builtins/crossdb.sql gen/builtins/types.sql \
	gen/builtins/casts.sql gen/builtins/sets.sql gen/builtins/strings.sql \
	gen/builtins/splitpart.sql gen/builtins/listagg.sql gen/builtins/dates.sql \
	gen/builtins/datediff.sql gen/builtins/clock.sql gen/builtins/series.sql \
	gen/builtins/statement.sql gen/builtins/spine.sql gen/builtins/relations.sql

gen/builtins.c: $(BUILTINS)
	{ echo '/* generated from gen/builtins/ by the Makefile: do not edit */'; \
	echo '#include <stddef.h>'; echo '#include "blocks.h"'; \
	echo 'const struct builtin builtins[] = {'; \
	for f in $(BUILTINS); do \
		echo "{\"$$f\","; \
		sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $$f; \
		echo '},'; \
	done; echo '{NULL, NULL}};'; } > $@

# Each source compiled once, whichever programs link it.
SHAREDOBJ = $(SHARED:.c=.o)
RUNOBJ = $(RUN:.c=.o)
GENOBJ = $(GEN:.c=.o)
OBJS = gen/main.o src/run.o $(GENOBJ) $(RUNOBJ) $(SHAREDOBJ)

.SUFFIXES: .c .o
.c.o:
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(OBJS): $(HDRS)

dbt2ninja: gen/main.o $(GENOBJ) $(SHAREDOBJ)
	$(CC) -o $@ gen/main.o $(GENOBJ) $(SHAREDOBJ) $(LDFLAGS) $(PKGLIBS)

dbt2ninja-run: src/run.o $(RUNOBJ) $(SHAREDOBJ)
	$(CC) -o $@ src/run.o $(RUNOBJ) $(SHAREDOBJ) $(LDFLAGS) $(PKGLIBS)

# Unit tests: one program per module, TAP on stdout.
$(UNITS): $(UNITS:=.c) tests/unit/tap.h tests/unit/fixture.h tests/unit/jcheck.h $(GENOBJ) $(RUNOBJ) $(SHAREDOBJ)
	$(CC) $(ALLCFLAGS) -Itests/unit -o $@ $@.c $(GENOBJ) $(RUNOBJ) $(SHAREDOBJ) $(LDFLAGS) $(PKGLIBS)

# Test programs that are not TAP units: tests/jinja.t drives jrender,
# tests/render.t jcorpus, tests/yaml.t yamltojson, tests/ctes.t ctesplace.
TOOLS = tests/unit/jrender tests/unit/jcorpus tests/unit/yamltojson tests/unit/ctesplace

$(TOOLS): $(TOOLS:=.c) $(SHAREDOBJ)
	$(CC) $(ALLCFLAGS) -Itests/unit -o $@ $@.c $(SHAREDOBJ) $(LDFLAGS) $(PKGLIBS)

units: $(UNITS) $(TOOLS)

# The slowest first, so that prove -j2 ends them together.
TESTS = tests/parity.t \
	tests/packages.t \
	tests/snapshot.t \
	tests/late.t \
	tests/runend.t \
	tests/cutoff.t \
	tests/jre.t \
	tests/ctes.t \
	tests/ciflow.t \
	tests/incrparity.t \
	tests/parse.t \
	tests/hooks.t \
	tests/project.t \
	tests/delta.t \
	tests/parsesem.t \
	tests/srcjinja.t \
	tests/versions.t \
	tests/groups.t \
	tests/nodejson.t \
	tests/props.t \
	tests/builtins.t \
	tests/pkgseeds.t \
	tests/seeds.t \
	tests/faults.t \
	tests/jinja.t \
	tests/pytz.t \
	tests/corpus.t \
	tests/executor.t \
	tests/state.t \
	tests/dbtparity.t \
	tests/bluegreen.t \
	tests/report.t \
	tests/connection.t \
	tests/injection.t \
	tests/deploy.t \
	tests/verbs.t \
	tests/materialize.t \
	tests/naming.t \
	tests/timeline.t \
	tests/incremental.t \
	tests/lineage.t \
	tests/errors.t \
	tests/render.t \
	tests/yaml.t \
	tests/select.t \
	tests/golden.t \
	tests/install.t \
	tests/mzlive.t \
	$(UNITS)

# The whole suite, twice, two tests at a time (each has its own server
# and directory; they share one install of the reference dbt, made under a
# lock): warnings as errors, then under ASan and UBSan, where
# DBT2NINJA_REFERENCE= leaves out the comparisons with the reference dbt
# (they run no more of our code) and DBT2NINJA_QUICK=1 makes cutoff.t's
# 300-view chain and tree 60 views (the size is the plain pass's test);
# then the plain build again, so what is left at the root is the real one.
check: deps
	$(MAKE) clean
	$(MAKE) CFLAGS='-O2 -g -Werror' all units
	prove -j2 $(TESTS)
	$(MAKE) clean
	$(MAKE) CFLAGS='-O1 -g -Werror $(SAN)' LDFLAGS='$(SAN)' all units
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		DBT2NINJA_REFERENCE= DBT2NINJA_QUICK=1 prove -j2 $(TESTS)
	$(MAKE) clean
	$(MAKE) all

# Install the Debian packages that are missing (as root, or with sudo).
deps:
	@missing=; for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		sudo=; [ "`id -u`" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi

demo: deps all
	sh docs/example/demo.sh

bench: all
	$(MAKE) deps DEBS='$(DEBS) pgbouncer'
	sh tests/bench/bench.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	cp dbt2ninja dbt2ninja-run $(DESTDIR)$(BINDIR)/
	cp build.ninja.in $(DESTDIR)$(DATADIR)/
	cp rules/*.ninja $(DESTDIR)$(DATADIR)/rules/
	cp docs/dbt2ninja.1 docs/dbt2ninja-run.1 $(DESTDIR)$(MANDIR)/man1/
	cp docs/dbt2ninja.5 $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dbt2ninja $(DESTDIR)$(BINDIR)/dbt2ninja-run
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/dbt2ninja.1 \
		$(DESTDIR)$(MANDIR)/man1/dbt2ninja-run.1 \
		$(DESTDIR)$(MANDIR)/man5/dbt2ninja.5

clean:
	rm -f dbt2ninja dbt2ninja-run src/sql.c src/jinja.c src/jlex.c gen/select.c gen/builtins.c $(UNITS) $(TOOLS) $(OBJS)
	rm -rf tests/tmp

.PHONY: all units check deps demo bench install uninstall clean
