"""The BPS suite, Data Docs, and bounded memory on a large batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from ingest.provinces import all_provinces
from ingest.validation import build_data_docs, validate_bps, validate_pending

from .conftest import good_row

PROJECT = Path(__file__).resolve().parents[2]
NEW_PAPUA = {"93", "94", "95", "96"}


def _insert_bps(conn, measure: str, year: int, codes: list[str], value: float = 1.0) -> None:
    by_code = {p.code: p for p in all_provinces()}
    for code in codes:
        conn.execute(
            """insert into raw.bps_observations
                 (measure, var_id, turvar, vervar, province_code, bps_code, is_national, year,
                  subperiod, period, period_type, value, source, fetched_at)
               values (%s, 1, '0', %s, %s, %s, false, %s, 0, %s, 'year', %s, 'snapshot', now())""",
            (measure, by_code[code].bps_code, code, by_code[code].bps_code, year, str(year), value),
        )


@pytest.fixture
def bps_measures(conn):
    """Two measure names of this test; their rows are removed afterwards."""
    names = (f"test_{uuid.uuid4().hex[:8]}", f"test_{uuid.uuid4().hex[:8]}")
    yield names
    conn.execute("delete from raw.bps_observations where measure = any(%s)", (list(names),))


def test_bps_coverage(conn, conninfo, gx_dir, bps_measures):
    codes = [p.code for p in all_provinces()]
    assert len(codes) == 38
    complete, gappy = bps_measures
    _insert_bps(conn, complete, 2024, codes)
    _insert_bps(conn, complete, 2021, [c for c in codes if c not in NEW_PAPUA])  # before 2022
    _insert_bps(conn, gappy, 2024, [c for c in codes if c not in ("74", "95")])
    _insert_bps(conn, gappy, 2023, codes, value=-1.0)  # a level measure must be > 0
    report = validate_bps(conninfo, gx_dir=gx_dir)
    coverage = [f for f in report.findings if f["rule"] == "gx.bps.province_coverage"]
    assert not [f for f in coverage if f["measure"] == complete]
    assert {"measure": gappy, "period": "2024", "missing": ["74", "95"]} | {
        "rule": "gx.bps.province_coverage"
    } in coverage
    assert report.success is False
    assert "gx.bps.province_coverage" in report.failed_rules
    negatives = [
        f
        for f in report.findings
        if f["rule"] == "gx.bps.value.positive_level" and f["row"]["measure"] == gappy
    ]
    assert len(negatives) == 38
    stored = conn.execute(
        "select findings from audit.validation_runs where run_id = %s", (report.run_id,)
    ).fetchone()[0]
    assert stored == json.loads(json.dumps(report.findings))


def test_data_docs_site(make, conninfo, gx_dir, tmp_path):
    make.submission("umkm", [good_row("umkm", 1) | {"nib": "1"}, good_row("umkm", 2)])
    validate_pending(conninfo, gx_dir=gx_dir)
    index = build_data_docs(tmp_path / "site", gx_dir=gx_dir)
    assert index == tmp_path / "site" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "umkm" in html and "kegiatan_kerja_sama" in html
    assert list((tmp_path / "site" / "validations" / "umkm").rglob("*.html"))
    # a fresh machine: the store is refilled from audit.validation_runs
    fresh = build_data_docs(tmp_path / "site2", gx_dir=tmp_path / "gx2", conninfo=conninfo)
    assert list((fresh.parent / "validations" / "umkm").rglob("*.html"))


@pytest.mark.skipif(os.environ.get("KUMKM_SKIP_BENCH") == "1", reason="KUMKM_SKIP_BENCH=1")
def test_large_batch_validates_in_bounded_memory(conninfo, tmp_path):
    """200,000 umkm rows in one submission: the Python process does not grow with the batch.

    Runs `python -m ingest.validation --bench-rows` in a fresh process and compares its
    peak RSS before and after the validation (GX and everything imported before).
    """
    env = {**os.environ, "KUMKM_GX_DIR": str(tmp_path / "gx")}
    out = subprocess.run(
        [sys.executable, "-m", "ingest.validation", "--conninfo", conninfo, "--json"]
        + ["--bench-rows", "200000"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(result)
    assert result["rows"] == 200_000
    assert result["outcome"] == "accepted_with_warnings"
    assert result["rows_quarantined_by_gate"] == 2  # every 100,000th row has a bad NIB
    growth = result["peak_rss_mb_after_validation"] - result["peak_rss_mb_before_validation"]
    assert growth < 40, result  # a pandas copy of 200k rows would be hundreds of MB
