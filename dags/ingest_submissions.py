"""Provincial submissions: dropzone -> raw layer -> validation gate.

Thin DAG: the work lives in ingest.pipeline (unit-tested there).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from ingest.assets import RAW_SUBMISSIONS
from ingest.dag_defaults import START_DATE, default_args


@dag(
    schedule="@hourly",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=pendulum.duration(hours=3),
    default_args=default_args(retries=2, retry_minutes=2, timeout_minutes=60),
    tags=["kumkm", "ingest"],
    doc_md=__doc__,
)
def ingest_submissions():
    @task
    def load_dropzone() -> dict:
        """Parse every new or changed file of the dropzone and COPY it into raw.<dataset>."""
        from ingest import pipeline

        return pipeline.load_dropzone()

    @task(outlets=[RAW_SUBMISSIONS])
    def validation_gate(loaded: dict) -> dict:
        """Run the Great Expectations suites over the loaded batches; decide each outcome.

        Skipped when nothing new arrived: no asset event, so no marts build."""
        from ingest import pipeline

        return pipeline.validation_gate(loaded)

    validation_gate(load_dropzone())


ingest_submissions()
