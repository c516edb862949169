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
CHROMIUM := /usr/bin/chromium

.PHONY: install run test test-fast bench clean chromium htmx

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: install
	$(BIN)/workbench init --base-url http://$(HOST):$(PORT)
	$(BIN)/workbench serve --host $(HOST) --port $(PORT)

test: install chromium htmx
	HTMX_FILE=$(abspath $(HTMX_FILE)) CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest

# Everything but the browser tests: quick, and needs neither chromium nor htmx.
test-fast: install
	$(BIN)/python -m pytest -m "not browser"

# Benchmarks (bench/, issue 6), never part of `make test`: Debian's wrk for the load, and
# the peer, the profiler and the chart library in the venv only (not app dependencies).
BENCH_PACKAGES := 'datasette>=0.65,<1' 'py-spy>=0.3,<1' 'matplotlib>=3.8,<4'
.PHONY: bench-profile bench-tools

bench: install bench-tools
	$(BIN)/python -m bench

# Where the server's time goes in each scenario (py-spy), for bench/PERFORMANCE.md.
bench-profile: install bench-tools
	$(BIN)/python -m bench --profile

bench-tools: $(VENV)/.bench-installed
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmarks"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

$(VENV)/.bench-installed: $(VENV)/.installed Makefile
	$(BIN)/pip install --quiet $(BENCH_PACKAGES)
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; it never downloads one).
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The browser tests answer the CDN URL with the pinned htmx from the npm registry, so the
# SRI hash in base.html is checked against the real file.
htmx: $(HTMX_FILE)

$(HTMX_FILE):
	@command -v npm >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	mkdir -p $(CACHE)/npm
	cd $(CACHE)/npm && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null
	tar -xzf $(CACHE)/npm/htmx.org-$(HTMX_VERSION).tgz -C $(CACHE)/npm package/dist/htmx.min.js
	cp $(CACHE)/npm/package/dist/htmx.min.js $@

clean:
	rm -rf $(VENV) $(CACHE) .pytest_cache
