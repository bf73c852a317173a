"""BPS statistics (GRDP growth, GRDP per capita, population, GRDP at current prices).

Fetches every series configured in ingest/bps/series.yaml from the BPS WebAPI
(BPS_API_KEY / BPS_API_URL from the environment or the matching Airflow connection), or
from the bundled offline snapshot when no key is set, and upserts raw.bps_observations.
When BPS fails the previous good rows stay; the task fails after loading what succeeded.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from ingest.assets import RAW_BPS
from ingest.dag_defaults import START_DATE, default_args


@dag(
    schedule="@daily",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=pendulum.duration(hours=2),
    default_args=default_args(retries=2, retry_minutes=10, timeout_minutes=20),
    tags=["kumkm", "ingest", "bps"],
    doc_md=__doc__,
)
def ingest_bps_statistics():
    @task
    def fetch_and_load() -> dict:
        """Fetch each configured series (3-year chunks) and upsert it."""
        from ingest import pipeline

        return pipeline.ingest_bps_statistics()

    @task(outlets=[RAW_BPS])
    def validate(loaded: dict) -> dict:
        """GX suite over raw.bps_observations: every province has its figures.

        Skipped when the fetch changed no observation: no asset event, so no marts build."""
        from ingest import pipeline

        return pipeline.validate_bps(loaded)

    validate(fetch_and_load())


ingest_bps_statistics()
