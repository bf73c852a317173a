"""A disk that is really full: small tmpfs file systems, not mocked errors.

- the extract folder fills up: `ExtractError` (disk full), nothing under the final name, the
  previous extract untouched (tests/extract/test_extract_folder.py simulates ENOSPC with a
  patched writer; this is the real thing);
- the loader's temporary folder (the quarantine spool) fills up mid-file: the run stops,
  the file's transaction rolls back, nothing is recorded for it, and the next run (with
  space again) loads it: a full disk is the machine's fault, never a rejection of the file.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from ingest import warehouse
from ingest.extract import ExtractError, extract_quarter
from ingest.submissions.load import ingest_dropzone

from .files import KOPERASI_HEADER, koperasi_row, write
from .helpers import finish, loader_process


@pytest.fixture
def small_disk():
    """Mount tmpfs file systems of a given size; unmounted at the end."""
    mounted: list[Path] = []

    def mount(size_kb: int) -> Path:
        where = Path(tempfile.mkdtemp(prefix="full"))
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:  # an external prerequisite: the right to mount
            pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", str(where)], check=False)
        where.rmdir()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_extract_on_a_full_disk_keeps_the_previous_extract(make_database, small_disk):
    dest = small_disk(192)
    with make_database() as url:
        with warehouse.connect(url) as conn:
            conn.execute(
                """create schema if not exists marts;
                   create table marts.cooperative_health (
                       province_code text not null, province_name text not null,
                       book_year integer not null, cooperatives_total bigint not null);
                   insert into marts.cooperative_health
                       select '74', 'Sulawesi Tenggara', 2024, g from generate_series(1, 50) g"""
            )
        extract_quarter(url, "2025Q1", dest, progress=lambda _line: None)
        before = _files(dest / "2025Q1")
        with warehouse.connect(url) as conn:  # the next quarter's data no longer fits
            conn.execute(
                "insert into marts.cooperative_health select '74', repeat('Sulawesi ', 20), "
                "2024, g from generate_series(51, 20000) g"
            )
        with pytest.raises(ExtractError, match="disk full"):
            extract_quarter(url, "2025Q1", dest, progress=lambda _line: None)
        assert _files(dest / "2025Q1") == before
        assert [p.name for p in dest.iterdir()] == ["2025Q1"]  # no half-written leftovers
        with pytest.raises(ExtractError, match="disk full"):
            extract_quarter(url, "2025Q2", dest, progress=lambda _line: None)
        assert [p.name for p in dest.iterdir()] == ["2025Q1"]


def test_loader_temp_folder_full_stops_the_run_and_the_retry_loads(
    make_database, small_disk, tmp_path
):
    dropzone = tmp_path / "dropzone"
    # 3,000 rows whose status is not a choice: each is quarantined through the spool
    rows = [koperasi_row(i) for i in range(1, 3_001)]
    for row in rows[1:]:
        row[4] = "barangkali"
    body = "\n".join([";".join(KOPERASI_HEADER), *(";".join(r) for r in rows)]) + "\n"
    write(dropzone / "koperasi_74_2024.csv", body, 1_000)
    tmp = small_disk(64)
    with make_database() as url:
        proc = loader_process(url, dropzone, env={"TMPDIR": str(tmp)})
        code, _, err = finish(proc)
        assert code != 0 and "No space left on device" in err, err[-2000:]
        with warehouse.connect(url) as conn:
            assert conn.execute("select count(*) from raw.submissions").fetchone()[0] == 0
            assert conn.execute("select count(*) from raw.quarantine").fetchone()[0] == 0
            assert conn.execute("select count(*) from raw.koperasi").fetchone()[0] == 0
        [result] = ingest_dropzone(url, dropzone)  # space again (the default temp folder)
        assert (result.outcome, result.rows_loaded, result.rows_quarantined) == ("loaded", 1, 2_999)
    assert not os.listdir(tmp)  # the spool of the failed run is gone too
