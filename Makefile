# PersianDB developer commands. `make` alone lists them.
GO        ?= go
PKGS      ?= ./...
RACE_PKGS ?= ./storage/... ./txn/... ./cpr/...
TEST_TIMEOUT ?= 15m
STATICCHECK_VERSION ?= v0.8.2
GOBIN     ?= $(shell $(GO) env GOPATH)/bin
BENCH     ?= .
BENCHTIME ?= 1s
FUZZTIME  ?= 30s

# SQL logic tests. SLT is SQLite's sqllogictest corpus (never copied into
# the repository); CI points it at ../shared/sqllogictest.
SLT       ?= ../shared/sqllogictest
ENGINE    ?= postgres
SLT_DSN   ?=
SLT_FILES ?= $(SLT)/select1.test $(SLT)/select2.test $(SLT)/select3.test $(SLT)/select4.test $(SLT)/select5.test $(SLT)/random $(SLT)/index testdata/logic
# Files PostgreSQL passes 100%: the oracle run must exit 0.
SLT_ORACLE_FILES ?= $(SLT)/select1.test $(SLT)/select2.test $(SLT)/select3.test $(SLT)/select4.test \
	$(SLT)/random/aggregates $(SLT)/random/groupby $(SLT)/index/between $(SLT)/index/commute \
	$(SLT)/index/delete $(SLT)/index/in $(SLT)/index/orderby $(SLT)/index/orderby_nosort testdata/logic
SLT_FLAGS ?= -max-failures 3 -parallel 4
PG_BIN    ?= /usr/lib/postgresql/15/bin
SLT_PORT  ?= 54347
RUN_FLAGS ?=

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## compile every package and the persiandb binary into bin/
	$(GO) build ./...
	$(GO) build -o bin/persiandb ./cmd/persiandb

.PHONY: run
run: build ## build and start the server on 127.0.0.1:5432 with ./data (RUN_FLAGS adds flags)
	bin/persiandb serve $(RUN_FLAGS)

.PHONY: test
test: pg-tools ## run all tests (installs psql and pgbench if missing; no server needed)
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)

# psql and pgbench drive the server in pgwire/clitest. On Debian psql comes
# with postgresql-client and pgbench with the server package.
.PHONY: pg-tools
pg-tools:
	@command -v psql >/dev/null 2>&1 && pgbench --version >/dev/null 2>&1 || \
		{ apt-get update && apt-get install -y postgresql-client postgresql; }

.PHONY: race
race: ## run storage, txn and cpr tests under the race detector (-short: long soak tests scale down)
	$(GO) test -race -short -count=1 -timeout $(TEST_TIMEOUT) $(RACE_PKGS)

.PHONY: lint
lint: $(GOBIN)/staticcheck ## go vet + staticcheck (installs staticcheck)
	$(GO) vet $(PKGS)
	$(GOBIN)/staticcheck $(PKGS)

$(GOBIN)/staticcheck:
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

.PHONY: bench
bench: ## run the benchmarks (BENCH=regexp, BENCHTIME=1s); figures go in docs/benchmarks.md
	$(GO) test -run='^$$' -bench='$(BENCH)' -benchtime=$(BENCHTIME) -benchmem $(PKGS)

.PHONY: fuzz
fuzz: ## run each fuzz target for FUZZTIME
	$(GO) test -run='^$$' -fuzz=FuzzDecodeRow -fuzztime=$(FUZZTIME) ./storage/
	$(GO) test -run='^$$' -fuzz=FuzzDecodeKey -fuzztime=$(FUZZTIME) ./storage/

.PHONY: sqllogictest
sqllogictest: ## SQL logic tests: ENGINE=postgres|persiandb SLT_DSN=postgres://... SLT_FILES=files/dirs
	$(GO) run ./cmd/sqllogictest -engine $(ENGINE) -dsn '$(SLT_DSN)' $(SLT_FLAGS) $(SLT_FILES)

# with-postgres runs $(1) against a throwaway PostgreSQL on loopback port
# SLT_PORT (user slt, trust auth), installing postgresql if it is missing.
define with-postgres
	@test -x $(PG_BIN)/initdb || { apt-get update && apt-get install -y postgresql; }
	@set -e; dir=$$(mktemp -d /tmp/slt-pg.XXXXXX); chmod 755 $$dir; \
	if [ "$$(id -u)" = 0 ]; then id pgslt >/dev/null 2>&1 || useradd -m pgslt; chown pgslt $$dir; as="su pgslt -c"; else as="sh -c"; fi; \
	$$as "cd / && $(PG_BIN)/initdb -D $$dir/data -U slt --auth=trust -E UTF8 --locale=C >$$dir/initdb.log"; \
	$$as "cd / && $(PG_BIN)/pg_ctl -D $$dir/data -l $$dir/server.log -w -o '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1 -p $(SLT_PORT) -k $$dir' start >/dev/null"; \
	rc=0; { $(1); } || rc=$$?; \
	$$as "cd / && $(PG_BIN)/pg_ctl -D $$dir/data -m fast -w stop >/dev/null"; rm -rf $$dir; exit $$rc
endef

PG_DSN := postgres://slt@127.0.0.1:$(SLT_PORT)/postgres

.PHONY: slt-postgres
slt-postgres: ## logic tests on a throwaway PostgreSQL, the oracle (installs postgresql if missing)
	$(call with-postgres,$(GO) run ./cmd/sqllogictest -engine postgres -label postgresql -dsn $(PG_DSN) $(SLT_FLAGS) $(SLT_ORACLE_FILES))

.PHONY: slt-persiandb
slt-persiandb: ## SQLite's corpus (SLT=dir) on PersianDB: every file must pass as many records as PostgreSQL 15 does
	$(GO) run ./cmd/sqllogictest -engine persiandb -label postgresql -max-failures 3 -parallel 2 \
		-baseline testdata/slt-baseline.txt -root $(SLT) $(SLT)

.PHONY: slt-wire
slt-wire: ## part of SQLite's corpus (SLT=dir) over the PostgreSQL protocol (an in-process persiandb server per file)
	$(GO) run ./cmd/sqllogictest -engine persiandb-wire -label postgresql -max-failures 3 \
		-baseline testdata/slt-baseline.txt -root $(SLT) \
		$(SLT)/select1.test $(SLT)/select2.test $(SLT)/select3.test $(SLT)/index/between/1/slt_good_0.test

.PHONY: slt-baseline
slt-baseline: ## re-measure testdata/slt-baseline.txt: SQLite's corpus on a throwaway PostgreSQL
	$(call with-postgres,$(GO) run ./cmd/sqllogictest -engine postgres -label postgresql -dsn $(PG_DSN) -max-failures 0 -parallel 2 -root $(SLT) -write-baseline testdata/slt-baseline.txt.new $(SLT) >/dev/null && \
		{ echo "# Records passed per file by PostgreSQL 15: path relative to the corpus root; passed; run."; \
		  echo "# measured with: make slt-baseline. The corpus goal is at least this many per file."; \
		  grep -v '^#' testdata/slt-baseline.txt.new; } > testdata/slt-baseline.txt && rm -f testdata/slt-baseline.txt.new)

# Client interop: node-postgres, psycopg2 and pgjdbc each run a script from
# testdata/interop/ (types, bound parameters, transactions, SQLSTATEs,
# prepared statements, row counts); run.sh installs the clients it lacks.
INTEROP_PORT ?= 54360
INTEROP_RUN  ?= testdata/interop/run.sh
INTEROP_SERVER ?= bin/persiandb

.PHONY: interop
interop: ## client interop (node-postgres, psycopg2, pgjdbc) against bin/persiandb serve on INTEROP_PORT
	$(GO) build -o bin/persiandb ./cmd/persiandb
	@probe() { bash -c ": </dev/tcp/127.0.0.1/$(INTEROP_PORT)" 2>/dev/null; }; \
	if probe; then echo "interop: port $(INTEROP_PORT) is already in use; set INTEROP_PORT" >&2; exit 1; fi; \
	dir=$$(mktemp -d /tmp/persiandb-interop.XXXXXX); mkdir $$dir/data; \
	$(INTEROP_SERVER) serve --listen 127.0.0.1:$(INTEROP_PORT) --data-dir $$dir/data >$$dir/server.log 2>&1 & pid=$$!; \
	stop() { kill $$pid 2>/dev/null; i=0; while kill -0 $$pid 2>/dev/null && [ $$i -lt 50 ]; do sleep 0.1; i=$$((i+1)); done; \
		kill -9 $$pid 2>/dev/null; wait $$pid 2>/dev/null; }; \
	trap 'stop; rm -rf $$dir; exit 130' INT TERM; \
	up=; i=0; while [ $$i -lt 100 ] && kill -0 $$pid 2>/dev/null; do \
		if probe; then up=1; break; fi; sleep 0.1; i=$$((i+1)); done; \
	rc=1; if [ -n "$$up" ]; then \
		PGHOST=127.0.0.1 PGPORT=$(INTEROP_PORT) PGUSER=postgres PGDATABASE=postgres bash $(INTEROP_RUN); rc=$$?; \
	elif kill -0 $$pid 2>/dev/null; then echo "interop: persiandb serve did not accept connections on 127.0.0.1:$(INTEROP_PORT) within 10 s" >&2; \
	else echo "interop: persiandb serve exited before accepting connections" >&2; fi; \
	stop; [ $$rc -eq 0 ] || { echo "--- last lines of the server log:"; tail -n 30 $$dir/server.log; }; \
	rm -rf $$dir; exit $$rc

.PHONY: interop-postgres
interop-postgres: ## the same interop scripts against a throwaway PostgreSQL (installs postgresql if missing)
	$(call with-postgres,PGHOST=127.0.0.1 PGPORT=$(SLT_PORT) PGUSER=slt PGDATABASE=postgres bash $(INTEROP_RUN))

# pgbench on PersianDB and on a throwaway PostgreSQL 15, side by side
# (cmd/bench-pg: both servers on free loopback ports, stopped and removed
# afterwards). Figures go in docs/benchmarks.md.
BENCH_PG_FLAGS ?= -duration 30s -clients 8 -jobs 2 -scale 1

.PHONY: bench-pg
bench-pg: ## pgbench TPS and latency, PersianDB vs PostgreSQL 15 (BENCH_PG_FLAGS; installs postgresql if missing)
	@test -x $(PG_BIN)/initdb || { apt-get update && apt-get install -y postgresql; }
	$(GO) run ./cmd/bench-pg -pgbin $(PG_BIN) $(BENCH_PG_FLAGS)

# Restart-and-verify crash drills (cmd/drill; DESIGN.md, "How we know it
# works"): bank transfers from named sessions, SIGKILL at random moments
# (also inside checkpoints), restart on the same data dir, then check the
# total, per-session prefixes, synchronous_commit=on acks and commit points.
DRILL_FLAGS ?= -rounds 100

.PHONY: drill
drill: ## restart-and-verify crash drills (DRILL_FLAGS: -rounds, -seed, ...)
	$(GO) run ./cmd/drill $(DRILL_FLAGS)
