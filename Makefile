# Sansetu: `make run` serves the dashboard, `make test` runs every test. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/sansetu
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/sansetu_test
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/sansetu_bench
DEMO_SCALE ?= 1
HOST ?= 127.0.0.1
PORT ?= 8050
export DATABASE_URL HOST PORT PYTHONPATH := $(CURDIR)
# The production server (2 workers x 4 threads), after one line on stderr and exit 1 if the port is taken.
SERVE = $(PY) -c 'import app, sys; c = app.settings(); sys.exit(None if app.port_free(c.host, c.port) else app.t("cli.port_in_use", port=c.port))' \
	&& exec $(VENV)/bin/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) app:server

.PHONY: run serve-prod setup db test lint bench bench-imports clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

setup: $(VENV)/.installed
	@bash scripts/ensure_system.sh

db: setup
	@$(PY) -m data_access.cli setup-db
	@$(PY) -m data_access.cli load-demo --scale $(DEMO_SCALE)
	@$(PY) scripts/build_glyphs.py

# What a newcomer sees is what production runs: gunicorn, with the demo's published passwords allowed.
run: db
	@export SANSETU_DEMO=1; $(SERVE)

serve-prod: db
	@$(SERVE)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: $(VENV)/.installed
	@DATABASE_URL=$(TEST_DATABASE_URL) bash scripts/ensure_system.sh --browser
	$(MAKE) --no-print-directory lint
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest

bench: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) SANSETU_DEMO=1 $(PY) scripts/bench.py

# Only the big-file lines (time and peak memory per file size), against the bench database make bench loaded;
# BENCH_BASELINE=<another checkout> prints that checkout's lines beside them.
bench-imports: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) scripts/bench_imports.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache
