"""The steps the DAGs run, as plain functions (each opens its own connection).

Each returns a small JSON-able summary that Airflow keeps as the task's XCom.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from ingest import dbt_runner, marts_build, warehouse
from ingest.config import Settings, settings
from ingest.submissions import load as submissions

log = logging.getLogger(__name__)


def load_dropzone() -> dict:
    """Load the dropzone files that are new or changed since they were recorded.

    A file whose (path, size, mtime) matches a recorded submission is not even hashed: an
    hourly run over an unchanged dropzone reads no file. `new_submissions` counts the files
    recorded by this run; `pending` the submissions waiting for the gate.
    """
    s = settings()
    conninfo = warehouse.url()
    files = submissions.discover(s.dropzone) if s.dropzone.is_dir() else None
    if files is not None:
        with warehouse.connect(conninfo) as conn:
            warehouse.migrate(conn)
            files = changed_files(conn, s.dropzone, files)
    if files == []:
        log.info("dropzone %s: no new or changed files", s.dropzone)
        results = []
    else:
        results = submissions.ingest_dropzone(
            conninfo, s.dropzone, files=files, workers=_workers_allowed()
        )
    counts = Counter(r.outcome for r in results)
    with warehouse.connect(conninfo) as conn:
        pending = conn.execute(
            "select count(*) from raw.submissions where outcome = 'loaded'"
        ).fetchone()[0]
    log.info("dropzone %s: %s, %d waiting for the gate", s.dropzone, dict(counts), pending)
    return {
        "dropzone": str(s.dropzone),
        "files": len(results),
        "outcomes": dict(counts),
        "new_submissions": sum(n for outcome, n in counts.items() if outcome != "skipped"),
        "pending": pending,
    }


def _workers_allowed() -> int | None:
    """None (the loader's default) unless this process may not start worker processes:
    a Celery prefork worker runs tasks in daemonic processes, which multiprocessing forbids
    to have children; the loader then uses this process alone."""
    if multiprocessing.current_process().daemon:
        log.info("daemonic process (Celery prefork worker): loading without worker processes")
        return 1
    return None


def changed_files(conn, dropzone: Path, files: list[Path]) -> list[Path]:
    """The files whose (path, size, mtime) no recorded submission has."""
    known = set(conn.execute("select file_path, file_size, file_mtime from raw.submissions"))
    out = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:  # vanished or a broken link: the loader records what it finds
            out.append(path)
            continue
        mtime = datetime.fromtimestamp(stat.st_mtime, UTC)
        if (path.relative_to(dropzone).as_posix(), stat.st_size, mtime) not in known:
            out.append(path)
    return out


def validation_gate(loaded: dict) -> dict:
    """The gate over the pending submissions; skipped (no asset event, no marts build)
    when the load recorded nothing new and nothing waits for the gate."""
    if not loaded.get("new_submissions") and not loaded.get("pending"):
        _skip("no new files in the dropzone: gate and marts build skipped")
    from ingest import validation

    report = validation.validate_pending(warehouse.url())
    return report.as_dict()


def _skip(reason: str) -> None:
    from airflow.sdk.exceptions import AirflowSkipException

    log.info(reason)
    raise AirflowSkipException(reason)


def build_marts() -> dict:
    """The marts build: the part of the dbt project downstream of what changed since the
    last build, or all of it (ingest/marts_build.py says which and why, in the log and in
    the summary)."""
    conninfo = warehouse.url()
    with warehouse.connect(conninfo) as conn:
        warehouse.migrate(conn)
    plan = marts_build.build(conninfo)
    with warehouse.connect(conninfo) as conn:
        return {"build": plan.as_dict(), "mart_rows": mart_row_counts(conn)}


def source_freshness() -> dict:
    """`dbt source freshness`; every stale source (warn or error) goes to the alert channel."""
    from ingest.alerts import send_alert

    stale = dbt_runner.source_freshness(warehouse.url())
    for item in stale:
        send_alert(f"KUMKM warehouse: source freshness {item}")
    return {"stale_sources": stale}


def mart_row_counts(conn) -> dict[str, int]:
    tables = conn.execute(
        """select table_name from information_schema.tables
           where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1"""
    ).fetchall()
    return {t: conn.execute(f'select count(*) from marts."{t}"').fetchone()[0] for (t,) in tables}


BPS_CONNECTION_ID = "bps_api"


def bps_settings() -> Settings:
    """BPS_API_KEY / BPS_API_URL from the environment; without a key, from the Airflow
    connection `bps_api` (password = the key, host = the base URL) when one is defined."""
    s = settings()
    if s.bps_api_key:
        return s
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = BaseHook.get_connection(BPS_CONNECTION_ID)
    except AirflowNotFoundException:
        return s
    return replace(s, bps_api_key=conn.password or None, bps_api_url=conn.host or s.bps_api_url)


def ingest_bps_statistics() -> dict:
    from ingest.bps.pipeline import ingest_bps

    return ingest_bps(warehouse.url(), settings=bps_settings()).to_dict()


def validate_bps(loaded: dict) -> dict:
    """The BPS suite; skipped (no asset event, no marts build) when the fetch changed no row."""
    if loaded.get("ok") and not sum(x.get("rows_changed", 0) for x in loaded.get("series", [])):
        _skip("BPS: no observation changed: validation and marts build skipped")
    from ingest import validation

    return validation.validate_bps(warehouse.url()).as_dict()
