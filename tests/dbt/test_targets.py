"""dbt targets: prod keeps the bare schema names BI tools read; dev and ci write schemas of
their own (macros/generate_schema_name.sql), read from the parsed manifest of each target."""

from __future__ import annotations

import json

import pytest

from ingest import dbt_runner

EXPECTED = {
    "prod": {"marts": "marts", "staging": "staging", "snapshots": "snapshots"},
    "dev": {
        "marts": "dev_budi_marts",
        "staging": "dev_budi_staging",
        "snapshots": "dev_budi_snapshots",
    },
    "ci": {
        "marts": "ci_4711_marts",
        "staging": "ci_4711_staging",
        "snapshots": "ci_4711_snapshots",
    },
}


@pytest.mark.parametrize("target", sorted(EXPECTED))
def test_schemas_of_each_target(target, pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("KUMKM_DBT_TARGET", target)
    monkeypatch.setenv("USER", "Budi")
    monkeypatch.setenv("KUMKM_CI_ID", "4711")
    dbt_runner.run_dbt(pg_url, "parse", target_path=tmp_path, timeout=300)
    nodes = json.loads((tmp_path / "manifest.json").read_text())["nodes"].values()
    models = [n for n in nodes if n["resource_type"] == "model"]
    schemas = {
        "marts": {n["schema"] for n in models if n["fqn"][1:2] == ["marts"]},
        "staging": {n["schema"] for n in models if n["fqn"][1:2] == ["staging"]},
        "snapshots": {n["schema"] for n in nodes if n["resource_type"] == "snapshot"},
    }
    assert schemas == {k: {v} for k, v in EXPECTED[target].items()}
