# Sansetu: `make run` serves the dashboard, `make test` runs every test. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/sansetu
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/sansetu_test
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/sansetu_bench
DEMO_SCALE ?= 1
export DATABASE_URL PYTHONPATH := $(CURDIR)

.PHONY: run serve-prod setup db test lint bench clean

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

run: db
	@SANSETU_DEMO=1 $(PY) app.py

serve-prod: db
	@$(PY) -c 'import app, sys; sys.exit(None if app.port_free("127.0.0.1", 8050) else app.t("cli.port_in_use", port=8050))'
	$(VENV)/bin/gunicorn --workers 2 --threads 4 --bind 127.0.0.1:8050 app:server

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: $(VENV)/.installed
	@DATABASE_URL=$(TEST_DATABASE_URL) bash scripts/ensure_system.sh --browser
	$(MAKE) --no-print-directory lint
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest

bench: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) SANSETU_DEMO=1 $(PY) scripts/bench.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache
