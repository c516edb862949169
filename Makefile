# Two commands a newcomer needs: `make run` and `make test`. Everything they need is
# installed from here (virtual environment, Debian's chromium, the pinned htmx for tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
HTMX_VERSION := 2.0.11
CACHE := .cache
HTMX_FILE := $(CACHE)/htmx-$(HTMX_VERSION).min.js
HTMX_SSE_VERSION := 2.2.4
HTMX_SSE_FILE := $(CACHE)/htmx-ext-sse-$(HTMX_SSE_VERSION).min.js
CHROMIUM := /usr/bin/chromium
AXE_DIR := tests/browser/axe
AXE_FILE := $(AXE_DIR)/node_modules/axe-core/axe.min.js
# The OpenID provider the sign-in tests start (npm's oidc-provider, pinned by its lock).
OIDC_PROVIDER := tests/oidc_provider/node_modules/oidc-provider/package.json

.PHONY: install install-dev run test test-fast lint lock bench clean chromium htmx axe translations

# Every package comes from a lock file with hashes (requirements/*.lock, made by `make lock`
# from pyproject.toml): the app's for `make run`, the tools' for tests, lint and bench.
# Each lock is complete (every dependency pinned and hashed), so pip installs it with
# --no-deps: nothing is resolved against the registry, and a package released after the
# lock cannot be chosen. Resolving broke every fresh install once: pip 23.2 took a newer
# lxml for justext's `lxml[html_clean]` and refused it as unpinned.
# `pip check` then proves the lock really is complete. tests/test_install.py runs this
# very recipe against an index that serves newer releases than the lock names.
LOCKED_INSTALL = $(BIN)/pip install --quiet --no-deps --require-hashes
LOCK ?= requirements/app.lock

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/app.lock
	$(PYTHON) -m venv $(VENV)
	$(LOCKED_INSTALL) -r requirements/app.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

install-dev: $(VENV)/.dev-installed

$(VENV)/.dev-installed: $(VENV)/.installed requirements/dev.lock
	$(LOCKED_INSTALL) -r requirements/dev.lock
	$(BIN)/pip check
	touch $@

# One lock into the venv $(VENV), the way every install above does it.
.PHONY: locked-install
locked-install:
	test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	$(LOCKED_INSTALL) -r $(LOCK)
	$(BIN)/pip check

# After changing dependencies in pyproject.toml: pin them (and their hashes) again.
# Not after install-dev: a pyproject.toml ahead of its lock would fail `pip check` first.
lock:
	test -x $(BIN)/uv || $(MAKE) install-dev
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --generate-hashes --universal \
	  --python-version 3.11 -q -o requirements/app.lock
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra test --extra dev \
	  --generate-hashes --universal --python-version 3.11 -c requirements/app.lock -q \
	  -o requirements/dev.lock
	$(BIN)/uv pip compile requirements/bench.in --generate-hashes --universal \
	  --python-version 3.11 -c requirements/dev.lock -q -o requirements/bench.lock

run: install
	$(BIN)/workbench init --base-url http://$(HOST):$(PORT)
	$(BIN)/workbench serve --host $(HOST) --port $(PORT)

# Tests keep their compiled bytecode even where the environment says not to write it
# (PYTHONDONTWRITEBYTECODE=1 on this machine and in CI): otherwise every run compiles the
# workbench and rewrites every test module's asserts again, 3 s of each run.
PYTEST = env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

# Everything, on both cores: unit, web, live-server, durability and browser tests.
test: install-dev chromium htmx axe oidc-provider
	HTMX_FILE=$(abspath $(HTMX_FILE)) HTMX_SSE_FILE=$(abspath $(HTMX_SSE_FILE)) \
	  AXE_FILE=$(abspath $(AXE_FILE)) \
	  CHROMIUM=$(CHROMIUM) $(PYTEST) -n 2 --dist worksteal

# The developer's loop: unit and Flask test-client tests only (no live server, no
# browser), under 30 s; needs neither chromium nor htmx. worksteal: a worker that runs out
# of tests takes some of the other's, so neither sits idle at the end.
test-fast: install-dev
	$(PYTEST) -n 2 --dist worksteal -m "not browser and not slow"

# The interface's catalogues: messages extracted from the code and templates, each
# language's .po brought up to date (new messages empty) and compiled to the .mo shipped.
translations: install-dev
	$(BIN)/python tests/message_catalogue.py

# Lint and format (ruff) and types (mypy); CI runs it before the tests.
lint: install-dev
	$(BIN)/ruff check workbench tests bench
	$(BIN)/ruff format --check workbench tests bench
	$(BIN)/mypy

# The picture of which folder imports which, in docs/architecture.md (Mermaid, drawn from
# the code; tests/test_layers.py fails when it is out of date).
.PHONY: architecture-graph
architecture-graph: install-dev
	$(BIN)/python tests/import_graph.py

# Benchmarks (bench/), never part of `make test`: Debian's wrk for the load, and the peer,
# the profiler and the chart library (requirements/bench.lock) in the venv only.
.PHONY: bench-profile bench-tools

bench: install-dev bench-tools
	$(BIN)/python -m bench

# Where the server's time goes in each scenario (py-spy), for bench/PERFORMANCE.md.
bench-profile: install-dev bench-tools
	$(BIN)/python -m bench --profile

bench-tools: $(VENV)/.bench-installed
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmarks"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

$(VENV)/.bench-installed: $(VENV)/.dev-installed requirements/bench.lock
	$(LOCKED_INSTALL) -r requirements/bench.lock
	$(BIN)/pip check
	touch $@

# Node from Debian, and the OpenID provider's packages exactly as package-lock.json pins
# them (integrity hashes checked by npm ci), for the single sign-on tests.
.PHONY: oidc-provider
oidc-provider: $(OIDC_PROVIDER)

$(OIDC_PROVIDER): tests/oidc_provider/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "Installing Debian's nodejs and npm for the sign-in tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	cd tests/oidc_provider && npm ci --no-audit --no-fund --silent
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; it never downloads one).
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The browser tests answer the CDN URLs with the pinned htmx and its SSE extension from the
# npm registry, so the SRI hashes in base.html are checked against the real files.
htmx: $(HTMX_FILE) $(HTMX_SSE_FILE)

$(HTMX_FILE):
	@command -v npm >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	mkdir -p $(CACHE)/npm
	cd $(CACHE)/npm && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null
	tar -xzf $(CACHE)/npm/htmx.org-$(HTMX_VERSION).tgz -C $(CACHE)/npm package/dist/htmx.min.js
	cp $(CACHE)/npm/package/dist/htmx.min.js $@

$(HTMX_SSE_FILE):
	@command -v npm >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	mkdir -p $(CACHE)/npm-sse
	cd $(CACHE)/npm-sse && npm pack --silent htmx-ext-sse@$(HTMX_SSE_VERSION) >/dev/null
	tar -xzf $(CACHE)/npm-sse/htmx-ext-sse-$(HTMX_SSE_VERSION).tgz -C $(CACHE)/npm-sse package/dist/sse.min.js
	cp $(CACHE)/npm-sse/package/dist/sse.min.js $@

# axe-core for the accessibility browser tests: the version and integrity hash pinned in
# tests/browser/axe/package-lock.json, installed by `npm ci` (never copied into the tree).
axe: $(AXE_FILE)

$(AXE_FILE): $(AXE_DIR)/package-lock.json
	@command -v npm >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	cd $(AXE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) $(CACHE) .pytest_cache $(AXE_DIR)/node_modules
