# KUMKM Warehouse. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STATE := $(CURDIR)/.state
STAMP := $(VENV)/.installed-stamp

# Configuration (environment or `make VAR=value`, see README.md); empty = the default.
export DROPZONE WAREHOUSE_URL BPS_API_KEY BPS_API_URL EXTRACTS_DIR AIRFLOW_UI_HOST AIRFLOW_UI_PORT

export PYTHONUNBUFFERED := 1

.PHONY: help install run test lint format psql airflow-ui up down docs docs-assets extract bench stop clean bi-user

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml dev/pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' -e ./dev 2> >(grep -v "is ignored: it is neither" >&2)
	@touch $@

install: $(STAMP) ## create the virtualenv and install the pinned dependencies

run: $(STAMP) ## run the whole pipeline through Airflow's scheduler and print what landed
	$(BIN)/python -m ingest.cli run

test: $(STAMP) ## the full test suite (what CI runs)
	$(BIN)/pytest -q

lint: $(STAMP) ## ruff (Python) checks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## format the Python code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

extract: $(STAMP) ## quarterly extract of the marts: make extract QUARTER=2025Q1 [PARTIAL=1]
	@test -n "$(QUARTER)" || { echo "usage: make extract QUARTER=2025Q1" >&2; exit 2; }
	$(BIN)/python -m ingest.cli extract --quarter $(QUARTER) $(if $(PARTIAL),--allow-partial)

bi-user: $(STAMP) ## read-only login for a BI tool, prints its connection string: make bi-user NAME=metabase
	@test -n "$(NAME)" || { echo "usage: make bi-user NAME=metabase" >&2; exit 2; }
	$(BIN)/python -m ingest.cli bi-user $(NAME)

docs: $(STAMP) ## build dbt docs and GX Data Docs, CSS/JS served from the site (prints the index.html paths)
	$(BIN)/python -m ingest.cli docs

docs-assets: $(STAMP) ## re-fetch the Data Docs' vendored CSS/JS/fonts from npm (ingest/validation/docs_assets/)
	$(BIN)/python ingest/validation/docs_assets/fetch.py

bench: $(STAMP) ## benchmark load/gate/dbt/refresh: make bench SIZE=1m|5m|21.4m (bench/results/)
	$(BIN)/python -m kumkm_dev.bench --rows $(or $(SIZE),1m)

psql: $(STAMP) ## open psql on the warehouse
	psql "$$($(BIN)/python -m ingest.cli warehouse url)"

airflow-ui: $(STAMP) ## Airflow UI with make run's runs and logs (http://127.0.0.1:8080)
	$(BIN)/python -m ingest.cli airflow-ui

up: ## the full stack in Docker (CeleryExecutor), see docker-compose.yml
	docker compose up -d

down: ## stop the Docker stack
	docker compose down

stop: $(STAMP) ## stop the embedded PostgreSQL
	$(BIN)/python -m ingest.cli warehouse stop

clean: stop ## remove local state (embedded warehouse, Airflow metadata, sample dropzone)
	rm -rf $(STATE) dbt_project/target dbt_project/logs
