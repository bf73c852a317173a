"""The Docker stack's executor without Docker: CeleryExecutor, Redis broker, PostgreSQL
metadata, two Celery workers, the scheduler, dag-processor and api-server as processes of
their own. The three pipeline DAGs run on the sample dropzone; both workers run tasks.

Redis: the server on 127.0.0.1:6379 when one answers, else a `redis-server` started for the
test; skipped only when neither exists. Tasks go to a queue of this test's own, so that
other sessions sharing the Redis never take them.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest

from ingest import warehouse
from ingest.airflow_runner import run_pipeline
from ingest.airflow_services import Services, airflow_env, ensure_metadata, free_port
from ingest.pipeline import mart_row_counts
from kumkm_dev.sample_data import generate_dropzone


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if _redis_answers(6379):
        yield "redis://127.0.0.1:6379/0"
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no Redis on 127.0.0.1:6379 and no redis-server to start one")
    port = free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not _redis_answers(port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.2)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def metadata_url(make_empty_database) -> Iterator[str]:
    """A fresh PostgreSQL database for Airflow's metadata (user@host:port/name)."""
    with make_empty_database() as url:
        yield url.split("://", 1)[1]


@pytest.fixture(scope="module")
def celery_run(tmp_path_factory, make_database, redis_url, metadata_url):
    root = tmp_path_factory.mktemp("celery")
    manifest = generate_dropzone(root / "dropzone")
    queue = f"kumkm-test-{uuid.uuid4().hex[:8]}"
    with make_database() as url:
        env = airflow_env(
            root / "state",
            {
                "WAREHOUSE_URL": url,
                "DROPZONE": str(root / "dropzone"),
                "BPS_API_KEY": "",
                "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{metadata_url}",
                "AIRFLOW__CELERY__BROKER_URL": redis_url,
                "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{metadata_url}",
                "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
                "AIRFLOW__CORE__PARALLELISM": "4",
            },
        )
        ensure_metadata(env)
        with Services(env, workers=2).running() as services:
            report = run_pipeline(root / "state", echo=print, services=services)
            hosts = Counter(
                ti["hostname"]
                for run in report.runs
                for ti in services.task_instances(run.dag_id, run.run_id)
                if ti["state"] == "success"
            )
        with warehouse.connect(url) as conn:
            marts = mart_row_counts(conn)
            outcomes = dict(
                conn.execute("select outcome, count(*) from raw.submissions group by 1").fetchall()
            )
        yield report, hosts, marts, outcomes, manifest


def test_the_pipeline_dags_succeed_on_celery(celery_run):
    report, *_ = celery_run
    assert {r.dag_id for r in report.runs} == {
        "ingest_submissions",
        "ingest_bps_statistics",
        "build_marts",
    }
    assert all(r.state == "success" for r in report.runs), [r.line() for r in report.runs]
    assert report.dbt_builds >= 1


def test_the_marts_are_built(celery_run):
    _, _, marts, outcomes, manifest = celery_run
    assert outcomes == manifest.outcome_counts()
    assert marts["dim_province"] == 38
    empty = [t for t, n in marts.items() if n == 0]
    assert len(marts) >= 8 and empty == [], marts


def test_both_workers_ran_tasks(celery_run):
    _, hosts, *_ = celery_run
    assert {h.split(".")[0] for h in hosts} == {"w1", "w2"}, hosts
