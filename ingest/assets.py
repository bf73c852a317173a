"""Airflow assets the DAGs produce and consume (one definition, shared by every DAG file).

Names only: the URI is then the name. A `postgres://` URI would have to be
`postgres://host:port/database/schema/table` (apache-airflow-providers-postgres, which the
official image ships, refuses any other form and the DAG fails to import), and the
warehouse's host differs between `make run`, CI and the Docker stack.
"""

from airflow.sdk import Asset

RAW_SUBMISSIONS = Asset(name="raw_submissions")
RAW_BPS = Asset(name="raw_bps_observations")
MARTS = Asset(name="marts")
