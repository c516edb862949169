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

bench: install
	$(BIN)/python -m bench

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
