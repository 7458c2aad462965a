# pekka: `make run` serves the app with demo data, `make test` runs every check. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD := pekka-demo-2026
# pekka refuses to start with DEBUG off and no SECRET_KEY (pekka/settings.py). Development commands run with DEBUG=1
# (which brings a local-only key); the tests and the import benchmark run as production does, DEBUG off, with this
# throwaway key unless the environment has one. Never use it for a server.
TEST_SECRET_KEY := throwaway-make-test-key-not-for-any-server-0f5c2a9e7d

.PHONY: run test lint format setup messages makemessages bench clean

# Python dependencies: the exact pins from pyproject.toml (runtime + dev), reinstalled when it changes.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pekka needs Python 3.11 or newer (set PYTHON=python3.x)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check $$($(PY) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print(" ".join(p["dependencies"] + p["optional-dependencies"]["dev"]))')
	@touch $@

# Front-end libraries (Bootstrap, htmx, Chart.js, Tom Select) from the npm registry, served as static files.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed messages

messages: $(VENV)/.installed
	@DEBUG=1 $(PY) manage.py compile_translations

# For developers adding strings (needs GNU gettext): refresh the catalogues, then translate locale/id.
makemessages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemessages -l id -l en --no-location --no-obsolete --ignore=node_modules --ignore=.venv --ignore=tests

run: export DEBUG = 1
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_regions
	DEMO_PASSWORD=$(DEMO_PASSWORD) $(PY) manage.py seed_demo
	@echo
	@echo "  pekka is starting on http://$(HOST):$(PORT)/"
	@echo "  Demo users: admin, manajer, manajer2, koordinator, pendamping1, pendamping2, pendamping3"
	@echo "  Password for all of them: $(DEMO_PASSWORD)"
	@echo "  Ctrl-C stops the web server and the background worker."
	@echo
	@trap 'kill 0' EXIT; \
	DEBUG=1 $(PY) manage.py db_worker --no-startup-delay & \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

test: export SECRET_KEY ?= $(TEST_SECRET_KEY)
test: setup lint
	$(PY) manage.py check --fail-level WARNING
	$(PY) -m pytest $(PYTEST_ARGS)

# Load benchmark (bench/README.md): PostgreSQL at BENCH_DATABASE_URL is created, migrated and filled with the
# generated national-size data once (about ten minutes), then the pages are driven under gunicorn.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pekka_scale
BENCH_BENEFICIARIES ?= 100000
BENCH_USERS ?= 8
BENCH_DURATION ?= 120
BENCH_WORKERS ?= 4
BENCH_THINK ?= 1-3

bench: setup
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/load.py --beneficiaries $(BENCH_BENEFICIARIES) \
		--users $(BENCH_USERS) --duration $(BENCH_DURATION) --workers $(BENCH_WORKERS) \
		--think $(BENCH_THINK) $(BENCH_ARGS)

# Import benchmark (bench/README.md): 100,000 generated rows checked and committed on SQLite, then on PostgreSQL at
# BENCH_IMPORT_PG (created if missing; its registry tables are emptied first, so never point it at real data).
BENCH_IMPORT_PG ?= postgres://postgres@127.0.0.1:5432/pekka_bench

.PHONY: bench-import
bench-import: export SECRET_KEY ?= $(TEST_SECRET_KEY)
bench-import: setup
	$(PY) bench/import_bench.py --postgres $(BENCH_IMPORT_PG) $(BENCH_IMPORT_ARGS)

# Field app budget on a throttled 3G line (bench/README.md): the load bench's database and server, Chromium with
# network emulation, the scale data's facilitator (330 women).
.PHONY: bench-offline
bench-offline: setup
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/offline_bench.py --beneficiaries $(BENCH_BENEFICIARIES) \
		$(BENCH_OFFLINE_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
