"""Atomic folders and clear errors: never a half-written extract under the final name."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.extract import ExtractError, extract_quarter, writers
from ingest.extract.headers import sheet_title

ROOT = Path(__file__).resolve().parents[2]


def quiet(message: str) -> None:
    pass


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_rerun_replaces_the_folder(marts_url, tmp_path: Path):
    extract_quarter(marts_url, "2025Q1", tmp_path, progress=quiet)
    before = snapshot(tmp_path / "2025Q1")
    (tmp_path / "2025Q1" / "stray.txt").write_text("from an earlier, different extract")
    (tmp_path / ".2025Q1.deadbeef.partial").mkdir()  # left by a killed run
    extract_quarter(marts_url, "2025Q1", tmp_path, progress=quiet)
    assert snapshot(tmp_path / "2025Q1") == before  # stray file gone, same bytes
    assert [p.name for p in tmp_path.iterdir()] == ["2025Q1"]  # no temp or old folders


def test_progress_one_line_per_mart_and_format(marts_url, tmp_path: Path):
    lines: list[str] = []
    extract_quarter(marts_url, "2025Q1", tmp_path, progress=lines.append)
    for mart in ["cooperative_health", "dim_province", "umkm_contribution"]:
        for suffix in [".csv", ".parquet"]:
            line = next(x for x in lines if f"{mart}{suffix}:" in x)
            assert " rows (" in line and line.endswith(" s)")
        assert any(f"2025Q1_marts.xlsx [{sheet_title(mart)}]:" in x for x in lines)
    assert lines[-1].startswith(f"wrote {tmp_path / '2025Q1'}: 14 files, 5 marts")


def test_destination_that_is_a_file(marts_url, tmp_path: Path):
    target = tmp_path / "extracts"
    target.write_text("not a folder")
    with pytest.raises(ExtractError, match="not a folder"):
        extract_quarter(marts_url, "2025Q1", target, progress=quiet)
    with pytest.raises(ExtractError, match="cannot write|not a folder"):
        extract_quarter(marts_url, "2025Q1", target / "below", progress=quiet)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_destination(marts_url, tmp_path: Path):
    target = tmp_path / "ro"
    target.mkdir()
    target.chmod(0o555)
    try:
        with pytest.raises(ExtractError, match="not writable"):
            extract_quarter(marts_url, "2025Q1", target, progress=quiet)
    finally:
        target.chmod(0o755)


def test_disk_full_keeps_the_previous_extract(marts_url, tmp_path: Path, monkeypatch):
    extract_quarter(marts_url, "2025Q1", tmp_path, progress=quiet)
    before = snapshot(tmp_path / "2025Q1")
    calls = []

    def full(path, mart, metadata):
        calls.append(path)
        if len(calls) == 3:  # some files are already written
            path.write_bytes(b"PAR1 half")
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, mart, metadata)

    real = writers.write_parquet
    monkeypatch.setattr(writers, "write_parquet", full)
    with pytest.raises(ExtractError, match=r"disk full .*\(ENOSPC\)"):
        extract_quarter(marts_url, "2025Q1", tmp_path, progress=quiet)
    assert snapshot(tmp_path / "2025Q1") == before  # the earlier extract, untouched
    assert [p.name for p in tmp_path.iterdir()] == ["2025Q1"]

    calls.clear()
    with pytest.raises(ExtractError, match="disk full"):
        extract_quarter(marts_url, "2025Q2", tmp_path, progress=quiet)
    assert not (tmp_path / "2025Q2").exists()  # no half extract under the final name
    assert [p.name for p in tmp_path.iterdir()] == ["2025Q1"]


def test_disk_full_in_the_workbook(marts_url, tmp_path: Path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers, "write_xlsx", full)
    with pytest.raises(ExtractError, match="disk full"):
        extract_quarter(marts_url, "2025Q1", tmp_path, progress=quiet)
    assert list(tmp_path.iterdir()) == []


def test_no_marts_is_an_error(make_database, tmp_path: Path):
    with make_database() as url, pytest.raises(ExtractError, match="no tables"):
        extract_quarter(url, "2025Q1", tmp_path, progress=quiet)
    assert list(tmp_path.iterdir()) == []


def test_marts_locked_by_a_build(marts_url, tmp_path: Path, monkeypatch):
    """A dbt build holding a mart: the extract waits, then fails clearly (nothing written)."""
    from ingest import warehouse
    from ingest.extract import source

    monkeypatch.setattr(source, "LOCK_TIMEOUT", "300ms")
    with warehouse.connect(marts_url) as other, other.transaction():
        other.execute("lock table marts.dim_province in access exclusive mode")
        with pytest.raises(ExtractError, match="stayed locked"):
            extract_quarter(marts_url, "2025Q1", tmp_path, progress=quiet)
    assert list(tmp_path.iterdir()) == []


def test_cli_extract(marts_url, tmp_path: Path):
    env = {**os.environ, "WAREHOUSE_URL": marts_url}
    dest = tmp_path / "out"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "ingest.cli", "extract", "--quarter", "2025q1"),
            *("--dest", str(dest), "--current-marts"),  # hand-made marts: no dbt replay
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "cooperative_health.csv: 3 rows" in proc.stdout
    assert "umkm_contribution.parquet: 3 rows" in proc.stdout
    assert f"wrote {dest / '2025Q1'}" in proc.stdout
    assert (dest / "2025Q1" / "manifest.json").is_file()
    assert (dest / "2025Q1" / "2025Q1_marts.xlsx").is_file()


@pytest.mark.parametrize(
    ("quarter", "message"),
    [("2031Q1", "has not started yet"), ("2019Q1", "before the first data")],
)
def test_cli_refuses_future_and_pre_data_quarters(marts_url, tmp_path: Path, quarter, message):
    env = {**os.environ, "WAREHOUSE_URL": marts_url}
    dest = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "extract", "--quarter", quarter, "--dest", str(dest)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 1
    assert message in proc.stderr and quarter in proc.stderr
    assert not dest.exists() or list(dest.iterdir()) == []

    bad = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "extract", "--quarter", "2025S1", "--dest", str(dest)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert bad.returncode == 2 and "not a quarter" in bad.stderr

    blocked = tmp_path / "file"
    blocked.write_text("x")
    failed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ingest.cli",
            "extract",
            "--quarter",
            "2025Q1",
            "--dest",
            str(blocked),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert failed.returncode == 1 and "FAILED" in failed.stderr and "not a folder" in failed.stderr
