"""Defaults shared by every DAG: retries, time limits, failure alerts, start date.

`KUMKM_TASK_RETRIES` overrides the retry count (`make run` sets 0 so that a failing task
fails the local run at once instead of waiting for retry delays).

Every task has an `execution_timeout` and every DAG a `dagrun_timeout`: with
`max_active_runs=1`, one hung run would otherwise block every later run. The limits are
generous multiples of the national-scale benchmark (21.4M rows: load ~5 min, gate ~2.5 min,
dbt build ~40 s); the dbt subprocess and the GX queries have tighter limits of their own
(ingest/dbt_runner.py, ingest/validation/_gx.py) so that they fail with a clear message
before Airflow kills the task.
"""

from __future__ import annotations

import os

import pendulum

from ingest.alerts import on_failure

START_DATE = pendulum.datetime(2025, 1, 1, tz="Asia/Jakarta")


def default_args(retries: int = 2, retry_minutes: int = 2, timeout_minutes: int = 60) -> dict:
    return {
        "retries": int(os.environ.get("KUMKM_TASK_RETRIES", retries)),
        "retry_delay": pendulum.duration(minutes=retry_minutes),
        "execution_timeout": pendulum.duration(minutes=timeout_minutes),
        "on_failure_callback": on_failure,
    }
