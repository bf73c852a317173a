"""A backfilled extract gives the figures in force at the quarter's end, even after later
resubmissions loaded into the warehouse (marts.md, Extract details)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from ingest import dbt_runner, warehouse
from ingest.extract import extract_quarter

COMPLIANCE_AS_OF = "2025-09-30"


def share(folder, province: str, period: str) -> str:
    text = (folder / "umkm_contribution.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    (row,) = [r for r in rows if r["province_code"] == province and r["period"] == period]
    return row["umkm_share_of_grdp_pct"]


def test_reextracting_a_past_quarter_after_resubmissions_gives_the_figures_then(
    crafted_db, raw_writer, tmp_path
):
    url, ids = crafted_db
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KUMKM_AS_OF", COMPLIANCE_AS_OF)
        dbt_runner.build(url)
    then = extract_quarter(url, "2024Q4", tmp_path / "then", progress=lambda m: None)
    assert share(tmp_path / "then" / "2024Q4", "35", "2024S1") == "60.43"

    # Jawa Timur revises its 2024S1 indicators in February 2025: accepted, loaded, built
    with warehouse.connect(url) as conn:
        revised = raw_writer(conn).submission(
            "indikator_umkm", "35", "2024S1", "accepted", "2025-02-01", [(70.00, None, "BPS")]
        )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KUMKM_AS_OF", COMPLIANCE_AS_OF)
        dbt_runner.build(url)
    with warehouse.connect(url) as conn:
        now = conn.execute(
            "select umkm_share_of_grdp_pct from marts.umkm_contribution "
            "where province_code = '35' and period = '2024S1'"
        ).fetchone()[0]
    assert now == Decimal("70.00")  # the current marts moved on

    replayed = extract_quarter(
        url, "2024Q4", tmp_path / "later", progress=lambda m: None, as_of_replay=True
    )
    folder = tmp_path / "later" / "2024Q4"
    assert replayed.as_of["method"] == "replay"
    assert replayed.as_of["submissions_arrived_after_cutoff"] >= 1
    assert share(folder, "35", "2024S1") == "60.43"  # the figure in force on 31 Dec 2024
    in_force = {
        (s["dataset"], s["province_code"], s["period"]): s["submission_id"]
        for s in replayed.source_submissions
        if s["in_force"]
    }
    assert in_force[("indikator_umkm", "35", "2024S1")] == ids["jatim_share_2024S1"]
    assert revised not in {s["submission_id"] for s in replayed.source_submissions}
    # compliance is evaluated at the quarter's end too
    text = (folder / "submission_compliance.csv").read_bytes().decode("utf-8-sig")
    assert {r["as_of"] for r in csv.DictReader(io.StringIO(text, newline=""))} == {"2024-12-31"}
    # the same data as the extract made at the time, byte for byte (manifests differ only
    # in the as_of block)
    for name in ("umkm_contribution.csv", "umkm_contribution.parquet", "cooperative_health.csv"):
        assert (folder / name).read_bytes() == (tmp_path / "then" / "2024Q4" / name).read_bytes()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["as_of"]["method"] == "replay" and then.as_of["method"] == "current_marts"
    # rerun: byte-identical files
    again = extract_quarter(
        url, "2024Q4", tmp_path / "again", progress=lambda m: None, as_of_replay=True
    )
    assert again.files == replayed.files
