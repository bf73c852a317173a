"""Airflow assets the DAGs produce and consume (one definition, shared by every DAG file)."""

from airflow.sdk import Asset

RAW_SUBMISSIONS = Asset(name="raw_submissions", uri="postgres://warehouse/raw/submissions")
RAW_BPS = Asset(name="raw_bps_observations", uri="postgres://warehouse/raw/bps_observations")
MARTS = Asset(name="marts", uri="postgres://warehouse/marts")
