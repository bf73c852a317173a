"""Helpers shared by the reliability tests: subprocesses on the real loader, raw snapshots."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from ingest import warehouse
from ingest.config import PROJECT_ROOT

RAW_TABLES = ("koperasi", "umkm", "indikator_umkm", "kerja_sama", "kegiatan_kerja_sama")

# A loader run in its own process: ingest_dropzone(url, dropzone), optionally starting at a
# given wall-clock time (to line several processes up), printing the outcomes as JSON.
LOADER_SCRIPT = """
import json, sys, time
from pathlib import Path
from ingest.submissions.load import ingest_dropzone
url, dropzone, start = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))
results = ingest_dropzone(url, dropzone)
print(json.dumps([[r.path, r.outcome] for r in results]))
"""


def loader_process(
    url: str,
    dropzone: Path,
    *,
    start_at: float = 0.0,
    app_name: str = "kumkm-reliability",
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """Start `ingest_dropzone(url, dropzone)` in a new Python process (real process, own
    connection, application_name `app_name` so a test can find its backend)."""
    env = {**os.environ, "PGAPPNAME": app_name, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-c", LOADER_SCRIPT, url, str(dropzone), str(start_at)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: a test can kill it with its workers
    )


def finish(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, list, str]:
    """Wait for a loader process: (exit code, [[path, outcome], ...] or [], stderr)."""
    out, err = proc.communicate(timeout=timeout)
    lines = out.strip().splitlines()
    results = json.loads(lines[-1]) if proc.returncode == 0 and lines else []
    return proc.returncode, results, err


def wait_for(predicate, timeout: float = 30.0, every: float = 0.02, what: str = "condition"):
    """Poll `predicate()` until it returns a truthy value; that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def raw_snapshot(conn: psycopg.Connection) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent md5 of every raw table (and the submission log
    without its timestamps of processing)."""
    out = {}
    for table in (*RAW_TABLES, "quarantine"):
        out[table] = conn.execute(
            f"select count(*), coalesce(md5(string_agg(t::text, '|' order by t::text)), '') "
            f"from raw.{table} t"
        ).fetchone()
    out["submissions"] = conn.execute(
        "select count(*), coalesce(md5(string_agg(s, '|' order by s)), '') from ("
        "select concat_ws(',', submission_id, dataset, province_code, period, file_path, sha256,"
        " outcome, rows_received, rows_loaded, rows_quarantined, reasons::text) as s "
        "from raw.submissions) q"
    ).fetchone()
    return out


def backend_of(url: str, app_name: str, query_prefix: str | None = None) -> int | None:
    """pid of the backend of `app_name` (running a query starting with `query_prefix`)."""
    with warehouse.connect(url) as conn:
        rows = conn.execute(
            "select pid, query from pg_stat_activity "
            "where application_name = %s and datname = current_database()",
            (app_name,),
        ).fetchall()
    for pid, query in rows:
        if query_prefix is None or query.lower().startswith(query_prefix):
            return pid
    return None
