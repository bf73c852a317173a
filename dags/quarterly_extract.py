"""Quarterly extract for ministry planners: marts -> `$EXTRACTS_DIR/<quarter>/`.

CSV + Parquet per mart, one Indonesian XLSX (Sampul, a sheet per mart, Kamus Data),
manifest.json and the brief ringkasan_<quarter>.pdf / .html (ingest/extract, ingest/brief).
Figures as they stood at the quarter's end: when files arrived later, the marts are rebuilt
from the submissions that had arrived by then (ingest/extract/asof.py).
Runs at 06:00 WIB on the first day of each quarter for the quarter that just closed: the
run's data interval is that quarter (1 Apr 06:00 writes 2025Q1). `catchup` from
2025-01-01, so any past quarter can be backfilled (`airflow backfill create --dag-id
quarterly_extract --from-date 2025-01-01 --to-date 2025-12-31`). A manual run extracts
the last closed quarter, or the `quarter` param.
A rerun replaces the folder atomically; over unchanged marts its files are byte-identical.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, task

from ingest.dag_defaults import START_DATE, default_args


@dag(
    schedule=CronDataIntervalTimetable("0 6 1 1,4,7,10 *", timezone="Asia/Jakarta"),
    start_date=START_DATE,
    catchup=True,
    max_active_runs=1,
    dagrun_timeout=pendulum.duration(hours=3),
    default_args=default_args(retries=2, retry_minutes=10, timeout_minutes=60),
    params={
        "quarter": Param(
            None,
            type=["null", "string"],
            pattern=r"^\d{4}[Qq][1-4]$",
            description="Extract this quarter (e.g. 2025Q1) instead of the run's quarter",
        )
    },
    tags=["kumkm", "extract"],
    doc_md=__doc__,
)
def quarterly_extract():
    @task
    def extract(data_interval_end=None, dag_run=None, params=None) -> dict:
        """Write the extract of the quarter that closed before the run's data interval end."""
        import logging

        from ingest import warehouse
        from ingest.config import settings
        from ingest.extract import extract_quarter, quarter_closed_before

        quarter = (params or {}).get("quarter")
        if not quarter:
            moment = data_interval_end or dag_run.run_after
            quarter = quarter_closed_before(moment).label
        log = logging.getLogger("quarterly_extract")
        manifest = extract_quarter(
            warehouse.url(),
            quarter.upper(),
            settings().extracts_dir,
            progress=log.info,
            as_of_replay=True,
        )
        return {
            "quarter": manifest.quarter,
            "folder": str(manifest.folder),
            "files": len(manifest.files) + 1,
            "rows": manifest.rows,
        }

    extract()


quarterly_extract()
