"""Retries are bounded everywhere, and every failure is announced.

- Airflow: every DAG passes `default_args(retries=N, retry_minutes=M)` with a small N, runs
  one DAG run at a time (`max_active_runs=1`: an hourly ingest never overlaps the previous
  one; two loaders at once are still safe, see test_concurrency.py), and every task
  failure goes to `ingest.alerts.on_failure`;
- the BPS client: a bounded number of attempts with capped backoff, so one request gives
  up after a bounded time (the behaviour itself: tests/bps/test_retry.py).
"""

from __future__ import annotations

import ast
import inspect

import pytest

from ingest import alerts
from ingest.bps.client import BpsClient
from ingest.config import PROJECT_ROOT
from ingest.dag_defaults import default_args

DAGS = sorted((PROJECT_ROOT / "dags").glob("*.py"))
MAX_TASK_RETRIES = 3
MAX_SECONDS_PER_BPS_REQUEST = 10 * 60


def _dag_call(path) -> ast.Call:
    tree = ast.parse(path.read_text())
    calls = [
        d
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for d in node.decorator_list
        if isinstance(d, ast.Call) and getattr(d.func, "id", None) == "dag"
    ]
    assert len(calls) == 1, f"{path.name}: one @dag(...)"
    return calls[0]


@pytest.mark.parametrize("path", DAGS, ids=lambda p: p.stem)
def test_every_dag_has_bounded_retries_and_one_run_at_a_time(path):
    kwargs = {k.arg: k.value for k in _dag_call(path).keywords}
    assert ast.literal_eval(kwargs["max_active_runs"]) == 1
    call = kwargs["default_args"]
    assert isinstance(call, ast.Call) and call.func.id == "default_args"
    args = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    assert 0 <= args["retries"] <= MAX_TASK_RETRIES
    assert 1 <= args["retry_minutes"] <= 30


def test_default_args_alert_on_every_failure(monkeypatch):
    monkeypatch.delenv("KUMKM_TASK_RETRIES", raising=False)
    args = default_args(retries=2, retry_minutes=5)
    assert args["retries"] == 2
    assert args["retry_delay"].total_seconds() == 300
    assert args["on_failure_callback"] is alerts.on_failure


def test_a_bps_request_gives_up_in_bounded_time():
    params = inspect.signature(BpsClient.__init__).parameters
    attempts = params["max_attempts"].default
    connect, read = params["timeout"].default
    backoff_max = params["backoff_max"].default
    worst = attempts * (connect + read) + (attempts - 1) * backoff_max
    assert attempts <= 5
    assert worst <= MAX_SECONDS_PER_BPS_REQUEST, worst
