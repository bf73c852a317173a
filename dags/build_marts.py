"""Marts: `dbt build` (seeds, staging, intermediate, marts and their tests).

Runs when the ingest DAGs update their assets. One `dbt build` task rather than a task
per model: on 2 cores, a task per model pays dbt's start-up (parse, connect) for each of
dozens of models and tests, several times the build itself; dbt's own DAG runs them in
the right order in one process.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from ingest.alerts import on_failure
from ingest.assets import MARTS, RAW_BPS, RAW_SUBMISSIONS


@dag(
    schedule=(RAW_SUBMISSIONS | RAW_BPS),
    start_date=pendulum.datetime(2025, 1, 1, tz="Asia/Jakarta"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": pendulum.duration(minutes=5)},
    on_failure_callback=on_failure,
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
