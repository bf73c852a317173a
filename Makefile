# KUMKM Warehouse. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STATE := $(CURDIR)/.state
STAMP := $(VENV)/.installed-stamp

# Configuration (environment or `make VAR=value`); see README.md.
DROPZONE ?= $(STATE)/sample_dropzone
WAREHOUSE_URL ?=
export DROPZONE WAREHOUSE_URL

# A project-local Airflow: SQLite metadata, our dags/ folder, no examples.
export AIRFLOW_HOME := $(STATE)/airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN := sqlite:///$(STATE)/airflow/airflow.db
export AIRFLOW__CORE__EXECUTOR := LocalExecutor
export AIRFLOW__LOGGING__LOGGING_LEVEL := INFO
export NO_PROXY := *
export PYTHONUNBUFFERED := 1

PIPELINE_DAGS := ingest_submissions ingest_bps_statistics build_marts

.PHONY: help install run test lint format psql airflow-ui up down docs extract bench stop clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' 2> >(grep -v "is ignored: it is neither" >&2)
	@touch $@

install: $(STAMP) ## create the virtualenv and install the pinned dependencies

$(AIRFLOW_HOME)/.migrated: $(STAMP)
	@mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/migrate.log; exit 1)
	@touch $@

run: $(STAMP) $(AIRFLOW_HOME)/.migrated ## run the whole pipeline through Airflow and print what landed
	@$(BIN)/python -m ingest.cli sample-dropzone
	@$(BIN)/python -m ingest.cli warehouse start > /dev/null
	@set -e; for dag in $(PIPELINE_DAGS); do \
	  echo ">> airflow dags test $$dag"; \
	  KUMKM_TASK_RETRIES=0 $(BIN)/airflow dags test $$dag > $(STATE)/$$dag.log 2>&1 || { tail -60 $(STATE)/$$dag.log; echo "DAG $$dag failed: full log in $(STATE)/$$dag.log"; exit 1; }; \
	  grep -E "dropzone|\] .* -> |gate|dbt \| .*(Done|ERROR|FAIL)|series|state=" $(STATE)/$$dag.log | sed 's/^/   /' | tail -25 || true; \
	done
	@$(BIN)/python -m ingest.cli summary

test: $(STAMP) ## the full test suite (what CI runs)
	$(BIN)/pytest -q

lint: $(STAMP) ## ruff (Python) checks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## format the Python code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

psql: $(STAMP) ## open psql on the warehouse
	psql "$$($(BIN)/python -m ingest.cli warehouse url)"

airflow-ui: $(STAMP) $(AIRFLOW_HOME)/.migrated ## Airflow UI on the same metadata (http://localhost:8080)
	$(BIN)/airflow standalone

up: ## the full stack in Docker (CeleryExecutor), see docker-compose.yml
	docker compose up -d

down: ## stop the Docker stack
	docker compose down

stop: $(STAMP) ## stop the embedded PostgreSQL
	$(BIN)/python -m ingest.cli warehouse stop

clean: stop ## remove local state (embedded warehouse, Airflow metadata, sample dropzone)
	rm -rf $(STATE) dbt_project/target dbt_project/logs
