"""Quarterly extract for ministry planners: `extract_quarter(conninfo, "2025Q1", dest_root)`.

Writes `dest_root/2025Q1/`:
- `<mart>.csv` and `<mart>.parquet` for every table and view of schema `marts`;
- `2025Q1_marts.xlsx`: a cover sheet `Sampul`, one sheet per mart in Indonesian (sheet
  names, headers, coded values) and a `Kamus Data` sheet (writers.py, headers.py);
- `ringkasan_2025Q1.pdf` / `.html`: the quarterly brief (ingest/brief), from the same rows;
- `manifest.json`: the quarter, the rows per mart, each file's rows / size / SHA-256, the
  submissions in force behind the figures, the BPS fetch state and the data labels (GRDP
  source and basis, value added source, the sample-data notice: cover.py).

Quarters (quarter.py `check_quarter`): a quarter that has not ended (Asia/Jakarta) or that
ends before the first accepted submission's period is refused (QuarterRefused);
`allow_partial` extracts the running quarter, labelled partial in the manifest and on the
cover.

Rows: the marts "as of the quarter's end" (quarter.py: closed periods, book years up to
the quarter's year, `as_of` up to its last day; marts without such a column whole), in a
fixed order (all columns ascending, text in "C" collation, nulls last).

Each mart is read into memory once (marts are aggregates: thousands of rows, not millions)
and written three times. Every file, the manifest included, is byte-identical when rerun
over the same warehouse state with the same library versions (recorded in the manifest):
no wall-clock time is written anywhere. The folder appears atomically (folder.py).
Formats and type mapping: writers.py. Reading and the submissions listed: source.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest import warehouse

from . import writers
from .asof import arrived_after, cutoff_of, replayed_marts
from .cover import cover_rows, data_labels
from .folder import ExtractError
from .quarter import QuarterRefused, check_quarter, parse_quarter, quarter_closed_before
from .source import MartData, read_snapshot

__all__ = [
    "ExtractError",
    "Manifest",
    "QuarterRefused",
    "extract_quarter",
    "parse_quarter",
    "quarter_closed_before",
]

MANIFEST_VERSION = 2
SELECTION = (
    "Marts as of the quarter's end: a `period` column keeps periods ending on or before the "
    "quarter's last day; else `book_year` keeps book years up to the quarter's year; else "
    "`as_of` keeps dates up to the quarter's last day; other marts whole. A null filter "
    "value keeps its row. Figures: see as_of.method: `replay` = the marts rebuilt from the "
    "submissions that had arrived (file modification time) by the end of the quarter's last "
    "day in Asia/Jakarta, the latest accepted one in force; `current_marts` = the warehouse's "
    "marts as they are (no submission arrived after the quarter's end, or replay not asked)."
)
NOTES = [
    "CSV: UTF-8 with BOM, comma-separated, CRLF, header = mart column names, NULL = empty "
    "field. Excel with an Indonesian locale (list separator ';') needs Data > From Text/CSV, "
    "or use the XLSX workbook.",
    "Text cells starting with = + - @ tab or CR carry a leading apostrophe in CSV and XLSX "
    "(formula-injection guard); Parquet keeps the original text.",
    "Parquet: numeric(p,s) -> decimal128(p,s); numeric without precision -> float64 (exact "
    "digits in the CSV); timestamps in UTC.",
]


@dataclass
class Manifest:
    quarter: str
    folder: Path
    files: list[dict] = field(default_factory=list)
    marts: list[dict] = field(default_factory=list)
    xlsx_sheets: list[dict] = field(default_factory=list)
    source_submissions: list[dict] = field(default_factory=list)
    bps_fetch_state: list[dict] | None = None
    quarter_start: str = ""
    quarter_end: str = ""
    partial: bool = False
    as_of: dict = field(default_factory=dict)
    data_labels: dict = field(default_factory=dict)
    software: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "manifest_version": MANIFEST_VERSION,
            "quarter": self.quarter,
            "quarter_start": self.quarter_start,
            "quarter_end": self.quarter_end,
            "partial": self.partial,
            "as_of": self.as_of,
            "selection": SELECTION,
            "byte_identical_on_rerun": {
                "csv": True,
                "parquet": True,
                "xlsx": True,
                "pdf": True,
                "html": True,
            },
            "notes": NOTES,
            "marts": self.marts,
            "files": self.files,
            "xlsx_sheets": self.xlsx_sheets,
            "source_submissions": self.source_submissions,
            "bps_fetch_state": self.bps_fetch_state,
            "data_labels": self.data_labels,
            "software": self.software,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @property
    def rows(self) -> int:
        return sum(m["rows"] for m in self.marts)


def extract_quarter(
    conninfo: str | None,
    quarter: str,
    dest_root: Path,
    *,
    progress: Callable[[str], object] = print,
    allow_partial: bool = False,
    today: date | None = None,
    as_of_replay: bool = False,
) -> Manifest:
    """Write the extract of `quarter` (e.g. "2025Q1") to `dest_root/<quarter>/`.

    Raises ValueError for a malformed quarter, QuarterRefused for a quarter that has not
    ended (unless `allow_partial` and it is the running one) or that lies before the first
    data, ExtractError when the destination cannot be written (not a folder, not writable,
    disk full); nothing is left under the final name then, and an earlier extract there
    stays as it was. `today` (Asia/Jakarta) defaults to the clock. `as_of_replay`: when a
    submission arrived after the quarter's end, read marts rebuilt as of then (asof.py).
    """
    q = parse_quarter(quarter)
    started = time.perf_counter()
    dest_root = Path(dest_root)
    from ingest.brief import write_brief  # the brief reads the extract's vocabulary

    from .folder import staged_folder

    with warehouse.connect(conninfo) as conn:
        partial = check_quarter(conn, q, allow_partial=allow_partial, today=today)
        later = arrived_after(conn, q)
    replay = as_of_replay and later > 0
    as_of = {
        "method": "replay" if replay else "current_marts",
        "cutoff": cutoff_of(q).isoformat(),
        "submissions_arrived_after_cutoff": later,
    }
    progress(f"extract {q.label}{' (partial)' if partial else ''} -> {dest_root / q.label}")
    with staged_folder(dest_root, q.label) as tmp:
        with ExitStack() as stack:
            source_url = (
                stack.enter_context(replayed_marts(conninfo, q, progress)) if replay else conninfo
            )
            with warehouse.connect(source_url) as conn:
                snapshot = read_snapshot(conn, q, progress)
        if not snapshot.marts:
            raise ExtractError("schema marts has no tables: build the marts first (make run)")
        manifest = Manifest(
            quarter=q.label,
            folder=dest_root / q.label,
            quarter_start=q.start.isoformat(),
            quarter_end=q.end.isoformat(),
            source_submissions=snapshot.submissions,
            bps_fetch_state=snapshot.bps,
            partial=partial,
            as_of=as_of,
            data_labels=data_labels(snapshot.marts),
            software=_software(),
        )
        stems = _file_stems([m.name for m in snapshot.marts])
        for mart, stem in zip(snapshot.marts, stems, strict=True):
            manifest.marts.append(_mart_entry(mart))
            t0 = time.perf_counter()
            writers.write_csv(tmp / f"{stem}.csv", mart)
            _done(manifest, tmp / f"{stem}.csv", "csv", mart, t0, progress)
            t0 = time.perf_counter()
            writers.write_parquet(
                tmp / f"{stem}.parquet",
                mart,
                {"kumkm.mart": mart.name, "kumkm.quarter": q.label},
            )
            _done(manifest, tmp / f"{stem}.parquet", "parquet", mart, t0, progress)

        xlsx = tmp / f"{q.label}_marts.xlsx"
        t0 = time.perf_counter()

        def on_sheet(mart: MartData, sheet: str, rows: int) -> None:
            progress(f"  {xlsx.name} [{sheet}]: {rows} rows ({time.perf_counter() - t0:.2f} s)")
            if rows < len(mart.rows):
                progress(
                    f"  WARNING {sheet}: {len(mart.rows) - rows} rows beyond Excel's sheet limit"
                    " are only in the CSV and Parquet files"
                )

        cover = cover_rows(
            q, snapshot.marts, manifest.data_labels, snapshot.bps, partial=partial, backfill=replay
        )
        manifest.xlsx_sheets = writers.write_xlsx(
            xlsx, snapshot.marts, writers.date_time_of(q.end), on_sheet, cover
        )
        manifest.files.append(
            {
                "name": xlsx.name,
                "format": "xlsx",
                "mart": None,
                "rows": sum(s["rows"] for s in manifest.xlsx_sheets),
                **_size_and_hash(xlsx),
            }
        )
        progress(f"  {xlsx.name}: written ({time.perf_counter() - t0:.2f} s)")
        t0 = time.perf_counter()
        _, brief_files = write_brief(tmp, q, snapshot.marts, manifest.data_labels, partial=partial)
        for path in brief_files:
            manifest.files.append(
                {"name": path.name, "format": path.suffix[1:], "mart": None, "rows": None}
                | _size_and_hash(path)
            )
        progress(
            f"  {', '.join(p.name for p in brief_files)}: written "
            f"({time.perf_counter() - t0:.2f} s)"
        )
        (tmp / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    progress(
        f"wrote {manifest.folder}: {len(manifest.files) + 1} files, {len(manifest.marts)} marts,"
        f" {manifest.rows} rows in {time.perf_counter() - started:.2f} s"
    )
    return manifest


def _done(manifest: Manifest, path: Path, fmt: str, mart: MartData, t0: float, progress) -> None:
    manifest.files.append(
        {"name": path.name, "format": fmt, "mart": mart.name, "rows": len(mart.rows)}
        | _size_and_hash(path)
    )
    progress(f"  {path.name}: {len(mart.rows)} rows ({time.perf_counter() - t0:.2f} s)")


def _mart_entry(mart: MartData) -> dict:
    from .headers import headers_for

    headers = headers_for(
        [c.name for c in mart.columns], [c.base == "timestamptz" for c in mart.columns]
    )
    return {
        "mart": mart.name,
        "rows": len(mart.rows),
        "rows_in_mart": mart.rows_in_mart,
        "filter": mart.filter,
        "columns": [
            {
                "name": c.name,
                "pg_type": c.pg_type,
                "parquet_type": str(writers.arrow_type(c)),
                "xlsx_header": header,
            }
            for c, header in zip(mart.columns, headers, strict=True)
        ],
    }


def _size_and_hash(path: Path) -> dict:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def _file_stems(names: list[str]) -> list[str]:
    """File names from mart names: [A-Za-z0-9_.-] only, unique ignoring case."""
    out, taken = [], set()
    for name in names:
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", name).lstrip(".") or "mart"
        candidate, n = stem, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}~{n}"
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def _software() -> dict:
    import openpyxl
    import pyarrow

    return {
        "pyarrow": pyarrow.__version__,
        "openpyxl": openpyxl.__version__,
        # openpyxl serialises with lxml when it is installed: other (valid) XLSX bytes
        "openpyxl_xml": "lxml" if openpyxl.LXML else "et_xmlfile",
    }
