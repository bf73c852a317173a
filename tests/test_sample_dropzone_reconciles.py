"""The generated sample dropzone through the real loader, gate and `dbt build`: every planted
outcome, rule and row count is what the warehouse records, no row is lost, and the marts
build with a rejected file of every dataset in the warehouse (what `make run` does)."""

from __future__ import annotations

import pytest

from ingest import dbt_runner, warehouse
from ingest.submissions.load import ingest_dropzone
from ingest.submissions.normalize import RULES as ROW_RULE_CODES
from ingest.validation import validate_pending
from kumkm_dev.sample_data import ROW_RULES, WARNING_RULES, generate_dropzone


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, make_database):
    dropzone = tmp_path_factory.mktemp("sample") / "dropzone"
    manifest = generate_dropzone(dropzone)
    with make_database() as url:
        ingest_dropzone(url, dropzone)
        validate_pending(url)
        dbt_runner.build(url)  # raises DbtFailed if a rejected file broke a model or test
        with warehouse.connect(url) as conn:
            rows = conn.execute(
                "select file_path, outcome, rows_received, rows_loaded, rows_quarantined, "
                "reasons from raw.submissions"
            ).fetchall()
            quarantine = conn.execute("select count(*) from raw.quarantine").fetchone()[0]
        yield manifest, rows, quarantine


def test_planted_row_rules_are_parser_rules():
    assert set(ROW_RULES) | set(WARNING_RULES) <= set(ROW_RULE_CODES)


def test_every_file_ends_as_planted(loaded):
    manifest, rows, _ = loaded
    recorded = {r[0]: r for r in rows}
    assert set(recorded) == {f["path"] for f in manifest.files}
    mismatches = []
    for f in manifest.files:
        path, outcome, received, loaded_rows, quarantined, reasons = recorded[f["path"]]
        rules = {r["rule"] for r in reasons}
        if (
            outcome != f["expected_outcome"]
            or received != f["rows_received"]
            or quarantined != f["rows_quarantined"]
            or not set(f["expected_rules"]) <= rules
        ):
            mismatches.append((path, f["expected_outcome"], f["expected_rules"], outcome, rules))
    assert mismatches == []


def test_rows_reconcile(loaded):
    _, rows, quarantine = loaded
    assert all(r[2] == r[3] + r[4] for r in rows), "received = loaded + quarantined per file"
    assert sum(r[4] for r in rows) == quarantine


def test_rejected_revisions_of_every_dataset_leave_the_marts_built(loaded):
    manifest, rows, _ = loaded
    rejected = {f["dataset"] for f in manifest.files if "rejected_resubmission" in f["variant"]}
    assert rejected == {"koperasi", "umkm", "indikator_umkm", "kerja_sama", "kegiatan_kerja_sama"}
    by_path = {r[0]: r[1] for r in rows}
    for f in manifest.files:
        if "rejected_resubmission" in f["variant"]:
            assert by_path[f["path"]] == "rejected", f["path"]
