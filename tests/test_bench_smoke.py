"""Smoke run of the benchmark (`python -m kumkm_dev.bench`) at 1M rows (38 files).

A few minutes on 2 cores (the to_sql baseline on a 100,000-row sample, one DAG parse
repeat). No timing assertions: the run must complete, record every stage with positive
figures, and its row counts must reconcile.
"""

from __future__ import annotations

import json
import subprocess
import sys

from ingest import warehouse
from ingest.config import PROJECT_ROOT
from ingest.submissions import load as submissions
from kumkm_dev.bench import data, floor
from kumkm_dev.bench.measure import Progress

ROWS = 1_000_000
TO_SQL_ROWS = 100_000
XLSX_ROWS = 2_000  # the XLSX stage's workbook: small here, 200k in `make bench`
STAGES = (
    "generate",
    "load",
    "export_clean",
    "bare_copy",
    "client_floor",
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

    timed = [st[s] for s in STAGES if s not in ("bare_copy", "client_floor")]
    timed += [*st["bare_copy"]["variants"].values(), *st["client_floor"]["variants"].values()]
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
    assert set(st["client_floor"]["variants"]) == {"parsed", "bytes"}
    for v in st["client_floor"]["variants"].values():
        assert v["rows"] == load["rows_loaded"] and v["dropped"] is True
    assert st["to_sql"]["rows"] == TO_SQL_ROWS
    assert st["incremental"]["marts_reflect_it"] is True
    assert st["incremental"]["rows_received"] == st["incremental"]["resubmitted_rows"]
    # files hashed within 2 s of being written are read again (file_hash.RACY_MARGIN_NS)
    assert 0 <= st["incremental"]["skipped_files_read_again"] <= 38
    assert st["incremental"]["files_skipped"] == 38
    summary = r["summary"]
    assert summary["reconciled"] is True, summary["reconciliation"]
    for key in (
        "ingest_vs_bare_copy",
        "ingest_vs_to_sql",
        "refresh_vs_full",
        "end_to_end_s",
        "floor_vs_unconstrained_copy",
        "ingest_vs_floor",
        "floor_worker_us_per_row",
        "ingest_worker_us_per_row",
    ):
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
    assert "| client floor (read + COPY as text, no normalisation), rows/s |" in markdown
    assert "| ingest / floor |" in markdown


def test_client_floor_loads_every_row_of_the_files_and_drops_its_tables(tmp_path, make_database):
    """The client floor on a tiny dropzone: each variant stores every row the loader loads
    from the same files, as text, then drops its twin and partitions."""
    dropzone = tmp_path / "dropzone"
    data.ensure_dropzone(dropzone, 20_000)
    files = submissions.discover(dropzone)
    with make_database() as url:
        loaded = sum(r.rows_loaded for r in submissions.ingest_dropzone(url, dropzone, workers=2))
        assert loaded == 20_000
        dbname = url.rpartition("/")[2]
        result = floor.run_floor(url, dbname, files, 2, 0.5, Progress())
        with warehouse.connect(url) as conn:
            left = conn.execute(
                "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "where n.nspname = 'bench' and c.relname like 'umkm_floor%'"
            ).fetchone()[0]
    assert left == 0
    assert set(result["variants"]) == {"parsed", "bytes"}
    for v in result["variants"].values():
        assert v["rows"] == v["rows_copied"] == loaded
        assert v["files"] == len(files) == 38
        assert v["dropped"] is True
        assert v["rows_per_s"] > 0 and v["worker_cpu_us_per_row"] > 0
        assert v["worker_seconds"]["sha256_s"] > 0 and v["worker_seconds"]["send_s"] > 0


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
