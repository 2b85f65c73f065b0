# Koostöö — the two commands a new user needs: `make run` and `make test`.
# Everything they depend on is installed from here (Python venv, the Maven build of
# neo4j-local/, npm packages, Chromium for the browser tests).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: install system-deps python-deps neo4j-local web browser run test lint typecheck check bench-load clean

install: system-deps python-deps neo4j-local web

# Java 17 and Maven build and run the local Neo4j; ICU's headers, pkg-config and a C++
# compiler build PyICU; installed from Debian when missing.
system-deps:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jdk-headless"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	pkg-config --exists icu-i18n 2>/dev/null || missing="$$missing libicu-dev pkg-config"; \
	command -v g++ >/dev/null || missing="$$missing g++"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python system-deps
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m pip install -q --no-deps $$($(BIN)/python -c "$$MORPH_PIN")
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# The Estonian analyser (graph/morph.py): the `morph` extra's pin, without its dependencies,
# which graph/morph.py never imports (pyproject.toml says why).
export MORPH_PIN := import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["morph"])

python-deps: $(STAMP)

# Built once; rebuilt only when neo4j-local/'s sources change (see graph/local.py).
neo4j-local: python-deps system-deps
	$(BIN)/python -c 'from graph.local import ensure_built; ensure_built(quiet=False)'

# The explorer page and the API console (GraphiQL): npm packages (exactly as locked) and
# the esbuild bundles in web/dist/ and web/dist/graphiql/.
web/node_modules/.installed: web/package-lock.json | system-deps
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: web/node_modules/.installed web/build.mjs $(wildcard web/src/* web/src/*/*)
	cd web && npm run build

web: web/dist/index.html

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing: chromium"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

# The graphql-http server audit suite for tests/contract/ (npm packages exactly as locked).
tests/contract/node_modules/.installed: tests/contract/package-lock.json | system-deps
	cd tests/contract && npm ci --no-audit --no-fund
	touch $@

.PHONY: contract-deps
contract-deps: tests/contract/node_modules/.installed

# Ctrl-C (exit status 130) is the normal way to stop it, not an error.
run: install
	$(BIN)/koostoo serve --open-key --seed-if-empty || { s=$$?; [ $$s -eq 130 ] || exit $$s; }

lint: python-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: python-deps
	$(BIN)/mypy

test: install browser contract-deps lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

# Load test: 64 clients for 60 s of mixed reads and writes against an app and a local
# Neo4j it starts itself (loopback only). BENCH_LOAD_ARGS="--clients 16 --seconds 10".
BENCH_LOAD_ARGS ?=
bench-load: install
	$(BIN)/python -m bench.load $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) neo4j-local/target .pytest_cache .mypy_cache .ruff_cache

# Benchmarks (bench/README.md): ours vs the raw driver vs the Neo4j GraphQL Library.
# The peer's npm packages are installed here only, never by `make run` or `make test`.
SIZE ?= S
BENCH_ARGS ?=

bench/peer/node_modules/.installed: bench/peer/package-lock.json | system-deps
	cd bench/peer && npm ci --no-audit --no-fund
	touch $@

.PHONY: bench
bench: python-deps neo4j-local bench/peer/node_modules/.installed
	$(BIN)/python -m bench.run --size $(SIZE) $(BENCH_ARGS)
