"""Defaults shared by every DAG: retries, failure alerts, start date.

`KUMKM_TASK_RETRIES` overrides the retry count (`make run` sets 0 so that a failing task
fails the local run at once instead of waiting for retry delays).
"""

from __future__ import annotations

import os

import pendulum

from ingest.alerts import on_failure

START_DATE = pendulum.datetime(2025, 1, 1, tz="Asia/Jakarta")


def default_args(retries: int = 2, retry_minutes: int = 2) -> dict:
    return {
        "retries": int(os.environ.get("KUMKM_TASK_RETRIES", retries)),
        "retry_delay": pendulum.duration(minutes=retry_minutes),
        "on_failure_callback": on_failure,
    }
