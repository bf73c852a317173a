"""Run dbt against the warehouse, with the connection taken from the warehouse URL.

Every dbt call has a time limit (`KUMKM_DBT_TIMEOUT` seconds, default 2700, below the
build task's `execution_timeout`): past it, dbt's whole process group is killed and its
sessions on the warehouse are terminated (found by their application_name, unique per
call), so a hung dbt neither holds locks nor blocks the next run.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

from ingest import warehouse
from ingest.config import PROJECT_ROOT

log = logging.getLogger(__name__)

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_TIMEOUT = 2700.0


class DbtFailed(RuntimeError):
    pass


class DbtTimeout(DbtFailed):
    pass


def default_timeout() -> float:
    return float(os.environ.get("KUMKM_DBT_TIMEOUT") or DEFAULT_TIMEOUT)


def dbt_env(conninfo: str, application_name: str = "kumkm-dbt") -> dict[str, str]:
    params = warehouse.libpq_params(conninfo)
    return {
        **os.environ,
        "PGAPPNAME": application_name,  # libpq's; the profile names no application
        "KUMKM_PGHOST": params["host"],
        "KUMKM_PGPORT": params["port"],
        "KUMKM_PGUSER": params["user"],
        "KUMKM_PGPASSWORD": params["password"],
        "KUMKM_PGDATABASE": params["dbname"],
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }


def run_dbt(
    conninfo: str, *args: str, target_path: Path | None = None, timeout: float | None = None
) -> str:
    """Run `dbt <args>` in the project; streams dbt's output to the log, raises on failure.

    Raises DbtTimeout when dbt runs longer than `timeout` seconds (default_timeout()).
    """
    timeout = default_timeout() if timeout is None else timeout
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR)]
    if target_path is not None:
        cmd += ["--target-path", str(target_path)]
    application_name = f"kumkm-dbt-{uuid.uuid4().hex[:12]}"
    log.info("running %s (time limit %.0f s)", " ".join(cmd[:3]), timeout)
    proc = subprocess.Popen(
        cmd,
        cwd=DBT_PROJECT_DIR,
        env=dbt_env(conninfo, application_name),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: a timeout kills dbt's children too
    )
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        log.error("dbt %s still running after %.0f s: killing it", args[0], timeout)
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.start()
    lines = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            log.info("dbt | %s", line.rstrip())
        proc.wait()
    finally:
        timer.cancel()
    if timed_out.is_set():
        ended = _terminate_sessions(conninfo, application_name)
        raise DbtTimeout(
            f"dbt {' '.join(args)} killed after {timeout:.0f} s (time limit, KUMKM_DBT_TIMEOUT); "
            f"{ended} warehouse session(s) it left were terminated"
        )
    if proc.returncode != 0:
        tail = "".join(lines[-40:])
        raise DbtFailed(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    return "".join(lines)


def _terminate_sessions(conninfo: str, application_name: str) -> int:
    """End the warehouse sessions of a killed dbt (a killed client's query keeps running)."""
    with warehouse.connect(conninfo) as conn:
        rows = conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where application_name = %s",
            (application_name,),
        ).fetchall()
    return len(rows)


def build(
    conninfo: str,
    *selectors: str,
    exclude: tuple[str, ...] = (),
    target_path: Path | None = None,
) -> str:
    """`dbt build` (seeds, models, snapshots, tests) of the whole project or a selection.

    The pipeline builds through ingest.marts_build (which part of the project to build)."""
    args = ["build"]
    if selectors:
        args += ["--select", *selectors]
    if exclude:
        args += ["--exclude", *exclude]
    return run_dbt(conninfo, *args, target_path=target_path)


def source_freshness(conninfo: str) -> list[str]:
    """`dbt source freshness`: one line per source past its warn_after / error_after.

    dbt exits non-zero when a source is past error_after; that is reported like a warning
    (the marts are built: staleness is news for the alert channel, not a build failure).
    """
    with tempfile.TemporaryDirectory(prefix="kumkm-freshness-") as tmp:
        output = Path(tmp) / "sources.json"
        try:
            run_dbt(conninfo, "source", "freshness", target_path=Path(tmp), timeout=600)
        except DbtTimeout:
            raise
        except DbtFailed:
            if not output.exists():
                raise
        results = json.loads(output.read_text())["results"]
    stale = []
    for r in results:
        if r["status"] in ("pass", "skipped"):
            continue
        age = r.get("max_loaded_at_time_ago_in_s")
        when = f", latest load {age / 86400:.0f} days ago" if age is not None else ""
        stale.append(f"{r['unique_id'].removeprefix('source.kumkm.')}: {r['status']}{when}")
    return stale
