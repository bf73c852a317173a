"""XLSX stage of the benchmark: one ``umkm`` register workbook (200k rows by default,
written by ``kumkm_dev.sample_data.write_large_umkm``) through the real loader, with the
openpyxl baseline measured on the same file in the same run.

Each measurement runs in a fresh interpreter (``python -m kumkm_dev.bench.xlsx_probe WHAT
PATH [URL]``; imports done before its clock starts), so its peak RSS (VmHWM) is its own and
no stage inherits another's heap:

- ``load``: ``ingest_dropzone`` on a dropzone holding only the workbook, into a fresh
  database (read with python-calamine, normalise, quarantine, COPY: what a province's
  workbook costs);
- ``calamine``: the reader alone (``open_table`` + every row), for context;
- ``openpyxl``: openpyxl read-only / data_only iterating every row, what the reader did
  before. Reading alone: the old loader (read + normalise + COPY) was slower still, so
  the ratio load / openpyxl understates the gain.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ingest import warehouse
from kumkm_dev.sample_data import write_large_umkm

XLSX_ROWS = 200_000
TARGET_ROWS_PER_S = 30_000
PROVINCE = "35"  # Jawa Timur: the largest register
PERIOD = "2024"
SEED = 7


def ensure_workbook(folder: Path, rows: int) -> Path:
    """The register workbook of ``rows`` rows (written once; same arguments, same bytes)."""
    path = folder / f"rows-{rows}" / "dropzone" / f"umkm_{PROVINCE}_{PERIOD}.xlsx"
    if not path.exists():
        write_large_umkm(path, rows, province=PROVINCE, period=PERIOD, seed=SEED, fmt="xlsx")
    return path


def _probe(what: str, path: Path, conninfo: str = "") -> dict[str, Any]:
    load = os.getloadavg()[0]
    proc = subprocess.run(
        [sys.executable, "-m", "kumkm_dev.bench.xlsx_probe", what, str(path), conninfo],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"xlsx probe {what} failed: {proc.stderr[-3000:]}")
    result = json.loads(line[len("RESULT") :])
    result["loadavg_1m_before_after"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    return result


def run_xlsx(admin_url: str, folder: Path, rows: int, db_url: Any, say: Any) -> dict[str, Any]:
    """The three measurements; ``db_url(admin_url, name)`` builds the database URL."""
    t0 = time.perf_counter()
    path = ensure_workbook(folder, rows)
    written_s = time.perf_counter() - t0
    say(f"xlsx: {rows:,}-row register workbook ({path.stat().st_size / 1e6:.1f} MB) ...")
    dbname = f"kumkm_bench_xlsx_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        name = sql.Identifier(dbname)
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(name))
        admin.execute(sql.SQL("create database {}").format(name))
    try:
        conninfo = db_url(admin_url, dbname)
        with warehouse.connect(conninfo) as conn:
            warehouse.migrate(conn)
        load = _probe("load", path.parent, conninfo)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{dbname}" with (force)')
    reader = _probe("calamine", path)
    baseline = _probe("openpyxl", path)
    for name, r in (("load", load), ("calamine reader", reader), ("openpyxl reader", baseline)):
        say(
            f"  xlsx {name}: {r['rows']:,} rows in {r['wall_s']:.1f}s ({r['rows_per_s']:,.0f} "
            f"rows/s, {r['rows_per_cpu_s']:,.0f} per CPU s), peak RSS {r['peak_rss_mb']:,.0f} MB"
        )
    return {
        "rows": load["rows"],
        "rows_per_s": load["rows_per_s"],
        "wall_s": load["wall_s"],
        "file_bytes": path.stat().st_size,
        "workbook_written_s": round(written_s, 1),
        "load": load,
        "calamine_reader": reader,
        "openpyxl_reader": baseline,
        "load_vs_openpyxl_reader": round(load["rows_per_s"] / baseline["rows_per_s"], 2),
        "calamine_vs_openpyxl_reader": round(reader["rows_per_s"] / baseline["rows_per_s"], 2),
        "target_rows_per_s": TARGET_ROWS_PER_S,
    }
