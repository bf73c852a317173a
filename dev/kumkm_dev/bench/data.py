"""Benchmark data: one valid ``umkm`` register file per province, deterministic.

Rows are spread over the 38 provinces in proportion to their population (largest
remainder, so the counts add up exactly); each file is written by
``kumkm_dev.sample_data.write_large_umkm`` (same arguments -> byte-identical file). Files get
fixed modification times (one minute apart, in province-code order) so that the
dropzone's arrival order is the same on every run.

A folder that already holds the files of the same plan (checked against ``_plan.json``:
rows per file, seed, period, file sizes) is reused instead of regenerated.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from kumkm_dev.sample_data import write_large_umkm
from kumkm_dev.sample_data.reference import PROVINCES

PERIOD = "2024"
SEED = 7
RESUBMISSION_SEED = 8
PLAN_FILE = "_plan.json"
PLAN_VERSION = 1
MTIME_BASE = 1_735_689_600  # 2025-01-01T00:00:00Z: the register arrives in early January
RESUBMISSION_GROWTH = 0.01  # the resubmitted register has 1 % more rows


@dataclass(frozen=True)
class PlannedFile:
    province_code: str
    province_name: str
    rows: int
    name: str


def parse_size(text: str | int) -> int:
    """`1m` -> 1,000,000; `21.4m` -> 21,400,000; `500k`; `250000`; `1_000_000`."""
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*([0-9][0-9_]*(?:\.[0-9]+)?)\s*([kKmM]?)\s*", str(text))
    if not m:
        raise ValueError(f"not a size: {text!r} (examples: 1m, 21.4m, 500k, 250000)")
    number = float(m.group(1).replace("_", ""))
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    return round(number * factor)


def size_label(rows: int) -> str:
    """21,400,000 -> `21.4m`, 1,000,000 -> `1m`, 50,000 -> `50k`, 12,345 -> `12345`."""
    for factor, unit in ((1_000_000, "m"), (1_000, "k")):
        if rows >= factor and rows % (factor // 10 if unit == "m" else factor) == 0:
            return f"{rows / factor:g}{unit}"
    return str(rows)


def plan(rows: int) -> list[PlannedFile]:
    """Rows per province, proportional to population, summing exactly to ``rows``."""
    if rows < len(PROVINCES):
        raise ValueError(f"at least {len(PROVINCES)} rows (one per province)")
    total = sum(p.population_m for p in PROVINCES)
    shares = [rows * p.population_m / total for p in PROVINCES]
    counts = [max(1, int(s)) for s in shares]
    left = rows - sum(counts)
    by_remainder = sorted(range(len(PROVINCES)), key=lambda i: (-(shares[i] % 1), i))
    for i in by_remainder[: max(left, 0)]:
        counts[i] += 1
    while sum(counts) > rows:  # only when tiny shares were rounded up to 1
        i = max(range(len(counts)), key=lambda k: counts[k])
        counts[i] -= 1
    return [
        PlannedFile(p.code, p.name, n, f"umkm_{p.code}_{PERIOD}.csv")
        for p, n in zip(PROVINCES, counts, strict=True)
    ]


def median_province(files: list[PlannedFile]) -> PlannedFile:
    """The province with the median row count: a typical single-province resubmission."""
    ordered = sorted(files, key=lambda f: (f.rows, f.province_code))
    return ordered[len(ordered) // 2]


def _plan_record(files: list[PlannedFile]) -> dict:
    return {
        "version": PLAN_VERSION,
        "seed": SEED,
        "period": PERIOD,
        "files": [asdict(f) for f in files],
    }


def ensure_dropzone(folder: Path, rows: int) -> tuple[list[PlannedFile], bool]:
    """Write (or reuse) the dropzone in ``folder``; returns the plan and whether the
    files were generated now (False: reused)."""
    files = plan(rows)
    record = _plan_record(files)
    plan_path = folder / PLAN_FILE
    if plan_path.exists() and _reusable(folder, plan_path, record, files):
        _set_mtimes(folder, files)
        return files, False
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sizes = {}
    for f in files:
        path = write_large_umkm(
            folder / f.name, f.rows, province=f.province_code, period=PERIOD, seed=SEED
        )
        sizes[f.name] = path.stat().st_size
    _set_mtimes(folder, files)
    plan_path.write_text(json.dumps({**record, "sizes": sizes}, indent=1))
    return files, True


def _reusable(folder: Path, plan_path: Path, record: dict, files: list[PlannedFile]) -> bool:
    try:
        stored = json.loads(plan_path.read_text())
    except (OSError, ValueError):
        return False
    if {k: stored.get(k) for k in record} != record:
        return False
    sizes = stored.get("sizes", {})
    present = {p.name for p in folder.iterdir() if not p.name.startswith(("_", "."))}
    if present != {f.name for f in files}:
        return False
    return all((folder / f.name).stat().st_size == sizes.get(f.name) for f in files)


def _set_mtimes(folder: Path, files: list[PlannedFile]) -> None:
    """Arrival order by province code. A file already at its time is left alone: utime()
    moves the change time, and a reused dropzone should look like a real one, whose
    files were written long before a run (ingest/submissions/file_hash.py)."""
    for n, f in enumerate(sorted(files, key=lambda f: f.province_code)):
        t = MTIME_BASE + 60 * n
        if (folder / f.name).stat().st_mtime != t:
            os.utime(folder / f.name, (t, t))


def write_resubmission(folder: Path, original: PlannedFile) -> tuple[Path, int]:
    """The province's corrected register (other rows, 1 % more of them), named like a
    clerk's second upload, arriving after every file of the first round."""
    rows = original.rows + max(1, round(original.rows * RESUBMISSION_GROWTH))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"umkm_{original.province_code}_{PERIOD}_revisi.csv"
    write_large_umkm(
        path, rows, province=original.province_code, period=PERIOD, seed=RESUBMISSION_SEED
    )
    t = MTIME_BASE + 86_400 * 30  # a month after the first round
    os.utime(path, (t, t))
    return path, rows
