"""The steps the DAGs run, as plain functions (each opens its own connection).

Each returns a small JSON-able summary that Airflow keeps as the task's XCom.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace

from ingest import dbt_runner, submissions, warehouse
from ingest.config import Settings, settings

log = logging.getLogger(__name__)


def load_dropzone() -> dict:
    s = settings()
    results = submissions.ingest_dropzone(warehouse.url(), s.dropzone)
    counts = Counter(r.outcome for r in results)
    log.info("dropzone %s: %s", s.dropzone, dict(counts))
    return {"dropzone": str(s.dropzone), "files": len(results), "outcomes": dict(counts)}


def validation_gate() -> dict:
    from ingest import validation

    report = validation.validate_pending(warehouse.url())
    return report.as_dict()


def build_marts() -> dict:
    conninfo = warehouse.url()
    with warehouse.connect(conninfo) as conn:
        warehouse.migrate(conn)
    dbt_runner.build(conninfo)
    with warehouse.connect(conninfo) as conn:
        return {"mart_rows": mart_row_counts(conn)}


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


def validate_bps() -> dict:
    from ingest import validation

    return validation.validate_bps(warehouse.url()).as_dict()
