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

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## compile every package and the persiandb binary into bin/
	$(GO) build ./...
	$(GO) build -o bin/persiandb ./cmd/persiandb

.PHONY: test
test: ## run all tests (no external services needed)
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)

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
