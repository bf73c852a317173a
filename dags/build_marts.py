"""Marts: `dbt build` (seeds, staging, intermediate, marts and their tests) of the part of
the project downstream of what changed since the last build, or all of it
(ingest/marts_build.py; the task log says which and why).

Runs when the ingest DAGs update their assets. One `dbt build` task rather than a task
per model: on 2 cores, a task per model pays dbt's start-up (parse, connect) for each of
dozens of models and tests, several times the build itself; dbt's own DAG runs them in
the right order in one process. `dbt source freshness` follows each build; stale sources
go to the alert channel (ingest/alerts.py).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from ingest.assets import MARTS, RAW_BPS, RAW_SUBMISSIONS
from ingest.dag_defaults import START_DATE, default_args


@dag(
    schedule=(RAW_SUBMISSIONS | RAW_BPS),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=pendulum.duration(hours=3),
    default_args=default_args(retries=1, retry_minutes=5, timeout_minutes=60),
    tags=["kumkm", "dbt"],
    doc_md=__doc__,
)
def build_marts():
    @task(outlets=[MARTS])
    def dbt_build() -> dict:
        from ingest import pipeline

        return pipeline.build_marts()

    @task(execution_timeout=pendulum.duration(minutes=15))
    def source_freshness(built: dict) -> dict:
        from ingest import pipeline

        return pipeline.source_freshness()

    source_freshness(dbt_build())


build_marts()
