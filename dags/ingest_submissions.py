"""Provincial submissions: dropzone -> raw layer -> validation gate.

Thin DAG: the work lives in ingest.pipeline (unit-tested there).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from ingest.alerts import on_failure
from ingest.assets import RAW_SUBMISSIONS


@dag(
    schedule="@hourly",
    start_date=pendulum.datetime(2025, 1, 1, tz="Asia/Jakarta"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": pendulum.duration(minutes=2)},
    on_failure_callback=on_failure,
    tags=["kumkm", "ingest"],
    doc_md=__doc__,
)
def ingest_submissions():
    @task
    def load_dropzone() -> dict:
        """Parse every new file of the dropzone and COPY it into raw.<dataset>."""
        from ingest import pipeline

        return pipeline.load_dropzone()

    @task(outlets=[RAW_SUBMISSIONS])
    def validation_gate(loaded: dict) -> dict:
        """Run the Great Expectations suites over the loaded batches; decide each outcome."""
        from ingest import pipeline

        return pipeline.validation_gate()

    validation_gate(load_dropzone())


ingest_submissions()
