"""Marts: `dbt build` (seeds, staging, intermediate, marts and their tests).

Runs when the ingest DAGs update their assets. One `dbt build` task rather than a task
per model: on 2 cores, a task per model pays dbt's start-up (parse, connect) for each of
dozens of models and tests, several times the build itself; dbt's own DAG runs them in
the right order in one process.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from ingest.assets import MARTS, RAW_BPS, RAW_SUBMISSIONS
from ingest.dag_defaults import START_DATE, default_args


@dag(
    schedule=(RAW_SUBMISSIONS | RAW_BPS),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=default_args(retries=1, retry_minutes=5),
    tags=["kumkm", "dbt"],
    doc_md=__doc__,
)
def build_marts():
    @task(outlets=[MARTS])
    def dbt_build() -> dict:
        from ingest import pipeline

        return pipeline.build_marts()

    dbt_build()


build_marts()
