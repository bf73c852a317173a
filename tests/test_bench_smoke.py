"""Smoke run of the benchmark (`python -m kumkm_dev.bench`) at 1M rows (38 files).

A few minutes on 2 cores (the to_sql baseline on a 100,000-row sample, one DAG parse
repeat). No timing assertions: the run must complete, record every stage with positive
figures, and its row counts must reconcile.
"""

from __future__ import annotations

import json
import subprocess
import sys

from ingest.config import PROJECT_ROOT
from kumkm_dev.bench import data

ROWS = 1_000_000
TO_SQL_ROWS = 100_000
XLSX_ROWS = 2_000  # the XLSX stage's workbook: small here, 200k in `make bench`
STAGES = (
    "generate",
    "load",
    "export_clean",
    "bare_copy",
    "bps",
    "validate",
    "transform",
    "incremental",
    "to_sql",
    "dag_parse",
)


def test_bench_runs_every_stage_and_reconciles(tmp_path):
    results_dir = tmp_path / "results"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kumkm_dev.bench",
            "--rows",
            str(ROWS),
            "--to-sql-rows",
            str(TO_SQL_ROWS),
            "--dag-repeats",
            "1",
            "--xlsx-rows",
            str(XLSX_ROWS),
            "--data-dir",
            str(tmp_path / "data"),
            "--results-dir",
            str(results_dir),
            "--quiet",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "load: " in proc.stdout and "results: " in proc.stdout  # progress lines

    [path] = results_dir.glob("*.json")
    assert path.name.startswith(f"{data.size_label(ROWS)}-")
    r = json.loads(path.read_text())
    st = r["stages"]
    assert set(STAGES) <= set(st)

    timed = [st[s] for s in STAGES if s != "bare_copy"] + list(st["bare_copy"]["variants"].values())
    for stage in timed:
        assert stage["wall_s"] > 0
        assert stage["peak_rss_mb"] > 0
        if "rows" in stage:
            assert stage["rows"] > 0 and stage["rows_per_s"] > 0
    assert len(st["bare_copy"]["variants"]) >= 2  # same table (1 and n streams) + unconstrained
    assert all(f["parse_s_median"] > 0 for f in st["dag_parse"]["files"].values())
    assert len(st["dag_parse"]["files"]) == len(list((PROJECT_ROOT / "dags").glob("*.py")))

    # row counts reconcile: files -> loader -> gate -> marts, and every baseline
    load = st["load"]
    assert load["files"] == 38 and load["outcomes"] == {"loaded": 38}
    assert load["rows_received"] == ROWS == load["rows_loaded"] + load["rows_quarantined"]
    assert st["validate"]["rows"] == load["rows_loaded"]
    assert st["transform"]["mart_umkm_units_total"] == st["transform"]["rows"]
    assert all(v["rows"] == load["rows_loaded"] for v in st["bare_copy"]["variants"].values())
    assert st["to_sql"]["rows"] == TO_SQL_ROWS
    assert st["incremental"]["marts_reflect_it"] is True
    assert st["incremental"]["rows_received"] == st["incremental"]["resubmitted_rows"]
    summary = r["summary"]
    assert summary["reconciled"] is True, summary["reconciliation"]
    for key in ("ingest_vs_bare_copy", "ingest_vs_to_sql", "refresh_vs_full", "end_to_end_s"):
        assert summary[key] > 0
    assert r["database"]["dropped"] is True
    xlsx = st["xlsx"]  # the register workbook through the loader, and openpyxl reading it
    assert xlsx["rows"] == XLSX_ROWS == xlsx["openpyxl_reader"]["rows"]
    assert xlsx["calamine_reader"]["rows"] == XLSX_ROWS
    assert xlsx["load"]["peak_rss_mb"] > 0 and xlsx["load_vs_openpyxl_reader"] > 0

    markdown = (results_dir / "latest.md").read_text()
    for target in (
        ">= 50 %",
        ">= 10x",
        "<= 60 s at 21.4M",
        "<= 4 min at 21.4M",
        "<= 2 GB",
        "<= 5 %",
        "< 1 s",
    ):
        assert target in markdown


def test_gate_profile_names_each_sql_rule_and_runs_it_once(tmp_path):
    """`python -m kumkm_dev.bench gate`: the gate over the bench files, GX's SQL timed per
    statement; each of the suite's SQL rules is named and runs once per validation."""
    results_dir = tmp_path / "results"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kumkm_dev.bench",
            "gate",
            "--rows",
            "20k",
            "--repeats",
            "1",
            "--data-dir",
            str(tmp_path / "data"),
            "--results-dir",
            str(results_dir),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=PROJECT_ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (path,) = results_dir.glob("gate-20k-*.json")
    result = json.loads(path.read_text())
    (run,) = result["runs"]
    assert run["outcomes"] == {"accepted": 38}
    statements = run["statements"]
    for code in (
        "gx.umkm.nib.unique_per_submission",
        "gx.umkm.tanggal_sertifikat_halal.required",
        "gx.umkm.row_count.drop_vs_previous",
    ):
        assert statements[code]["count"] == 1, (code, statements)
    assert run["gate_s"] > run["outside_gx_s"] > 0
