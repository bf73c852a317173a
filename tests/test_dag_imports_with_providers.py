"""The DAGs import with the providers the official Airflow image ships (and our lock pins).

apache-airflow-providers-postgres registers a check for `postgres://` asset URIs: any URI
that is not `postgres://host:port/database/schema/table` makes the DAG file fail to import
in the Docker stack. The providers are installed from constraints.txt, so this test sees
what the dag-processor of the image sees.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
from test_dag_integrity import DAG_FILES, ROOT, probe

IMAGE_PROVIDERS = ("apache-airflow-providers-postgres", "apache-airflow-providers-celery")


def _locked(name: str) -> str:
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.split("==")[0].lower() == name:
            return line.split("==")[1]
    raise AssertionError(f"{name} is not pinned in constraints.txt")


@pytest.mark.parametrize("name", IMAGE_PROVIDERS)
def test_image_providers_are_installed_from_the_lock(name):
    assert importlib.metadata.version(name) == _locked(name)


def test_every_dag_imports_with_the_providers(tmp_path):
    result = probe(ROOT / "dags", tmp_path)
    assert result["errors"] == {}, result["errors"]
    assert sorted(result["dags"]) == sorted(p.stem for p in DAG_FILES)


def test_an_invalid_postgres_asset_uri_fails_the_import(tmp_path):
    """The check above can fail: the URI form of the previous release is refused."""
    dags = tmp_path / "dags"
    dags.mkdir()
    source = (ROOT / "dags" / "build_marts.py").read_text()
    invalid = (
        "from airflow.sdk import Asset\n"
        'RAW_SUBMISSIONS = Asset(name="raw_submissions", uri="postgres://warehouse/raw/submissions")\n'
        'RAW_BPS = Asset(name="raw_bps_observations", uri="postgres://warehouse/raw/bps")\n'
        'MARTS = Asset(name="marts", uri="postgres://warehouse/marts")\n'
    )
    line = "from ingest.assets import MARTS, RAW_BPS, RAW_SUBMISSIONS\n"
    assert line in source
    Path(dags / "build_marts.py").write_text(source.replace(line, invalid))
    result = probe(dags, tmp_path)
    errors = "\n".join(result["errors"].values())
    assert "must contain database, schema, and table names" in errors, result
