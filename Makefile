# DSPT improvement plan portal. `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
# The demo runs inside the 2022-23 cycle (after the first progress update was due), so the
# year's limits, deadlines and overdue flags are live.
DEMO_TODAY ?= 2023-10-20
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help run test test-sqlite test-postgres lint format vendor migrate bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed ## Set up, migrate, load demo data and serve on http://127.0.0.1:5000
	PORTAL_TODAY=$(DEMO_TODAY) $(FLASK) migrate
	PORTAL_TODAY=$(DEMO_TODAY) $(FLASK) seed-demo
	@echo "Serving on http://$(HOST):$(PORT) (demo clock: $(DEMO_TODAY)). Press Ctrl+C to stop."
	PORTAL_TODAY=$(DEMO_TODAY) $(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed ## Set up and run every test on SQLite, then on a throwaway PostgreSQL
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(VENV)/.installed ## The whole suite on an SQLite file
	$(VENV)/bin/pytest -q -p no:cacheprovider

test-postgres: $(VENV)/.installed ## The suite on a throwaway PostgreSQL server on 127.0.0.1
	scripts/with-postgres.sh $(VENV)/bin/pytest -q -p no:cacheprovider -m "not browser"

lint: $(VENV)/.installed ## ruff check, and the code formatted as ruff format would
	$(VENV)/bin/ruff check dspt_portal tests bench
	$(VENV)/bin/ruff format --check dspt_portal tests bench

format: $(VENV)/.installed ## Format the code with ruff
	$(VENV)/bin/ruff format dspt_portal tests bench

vendor: ## Refresh the vendored front end (nhsuk-frontend, htmx, axe-core) from npm
	scripts/vendor-frontend.sh

migrate: $(VENV)/.installed ## Apply database migrations
	$(FLASK) migrate

bench: $(VENV)/.installed ## Benchmarks against the bare Flask floor (see bench/README.md)
	$(PY) bench/run.py

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) instance
