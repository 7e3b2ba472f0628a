# Remit: `make run` to try it, `make test` to check it. Needs only Python 3.11+ on the PATH.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install install-dev serve migrate demo test lint typecheck openapi lock bench clean help web web-test

help:
	@echo "make run        install, migrate the embedded SQLite database, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test       install test tools and run linters, type checks and the whole test suite"
	@echo "make web        build the portal and dashboard web apps (web-portal/, web-partner/; Node 20+ and npm)"
	@echo "make web-test   run both web apps' unit tests"
	@echo "make openapi    regenerate openapi/openapi.json (and both web apps' typed clients) from the app"
	@echo "make lock       re-resolve requirements*.lock from pyproject.toml"
	@echo "make bench      run the API benchmark against PostgreSQL (see bench/README.md)"

$(UV):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Remit needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml $(VENV)/.installed
	$(UV) pip install --quiet --python $(BIN)/python -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/remit migrate

demo: migrate
	$(BIN)/remit demo

WEB := web-portal
PARTNER := web-partner
SHARED_SOURCES := $(shell find web-shared/src -type f 2>/dev/null)
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public $(WEB)/scripts -type f 2>/dev/null) $(WEB)/index.html \
	$(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/tsconfig.app.json openapi/openapi.json $(SHARED_SOURCES)
PARTNER_SOURCES := $(shell find $(PARTNER)/src $(PARTNER)/public $(PARTNER)/scripts -type f 2>/dev/null) \
	$(PARTNER)/index.html $(PARTNER)/vite.config.ts $(PARTNER)/tsconfig.json $(PARTNER)/tsconfig.app.json \
	openapi/openapi.json $(SHARED_SOURCES)

$(WEB)/node_modules/.installed: $(WEB)/package.json $(WEB)/package-lock.json
	@command -v npm >/dev/null || { echo "The portal web app needs Node.js 20+ and npm on the PATH"; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(PARTNER)/node_modules/.installed: $(PARTNER)/package.json $(PARTNER)/package-lock.json
	@command -v npm >/dev/null || { echo "The dashboard web app needs Node.js 20+ and npm on the PATH"; exit 1; }
	cd $(PARTNER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB)/dist/index.html: $(WEB)/node_modules/.installed $(WEB_SOURCES)
	cd $(WEB) && npm run --silent build

$(PARTNER)/dist/index.html: $(PARTNER)/node_modules/.installed $(PARTNER_SOURCES)
	cd $(PARTNER) && npm run --silent build

web: $(WEB)/dist/index.html $(PARTNER)/dist/index.html

web-test: $(WEB)/node_modules/.installed $(PARTNER)/node_modules/.installed
	cd $(WEB) && npm run --silent test
	cd $(PARTNER) && npm run --silent test

run: demo web
	@echo "Serving Remit on http://$(HOST):$(PORT)  (dashboard: /dashboard, API docs: /docs, stop with Ctrl-C)"
	$(BIN)/remit serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

test: install-dev lint typecheck web web-test
	$(BIN)/python -m pytest

openapi: install $(WEB)/node_modules/.installed $(PARTNER)/node_modules/.installed
	$(BIN)/remit openapi
	cd $(WEB) && npm run --silent generate
	cd $(PARTNER) && npm run --silent generate

lock: | $(UV)
	$(UV) pip compile --quiet --python-version 3.11 pyproject.toml -o requirements.lock
	$(UV) pip compile --quiet --python-version 3.11 --extra dev pyproject.toml -o requirements-dev.lock

bench: install-dev
	$(BIN)/python bench/bench_api.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache $(WEB)/node_modules $(WEB)/dist $(PARTNER)/node_modules \
		$(PARTNER)/dist
