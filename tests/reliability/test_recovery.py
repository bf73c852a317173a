"""Idempotency and crash recovery of the submission pipeline.

- The generated sample dropzone (kumkm_dev.sample_data, 38 provinces, every variant and
  planted defect) through the real loader and gate twice: the second run is a no-op, the
  raw layer is byte-for-byte the same, every file is recorded once and no content is
  loaded twice. (The marts of two full Airflow runs are compared by
  tests/test_end_to_end.py::test_second_run_changes_nothing.)
- A crash between ingest and dbt: the loader process dies (SIGKILL) right after loading,
  before the gate and dbt. The next run picks the submissions left in `loaded` up, and
  its marts are identical (checksum per mart) to those of a run that never crashed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import dbt_runner, warehouse
from ingest.config import PROJECT_ROOT
from ingest.submissions.load import discover, ingest_dropzone
from ingest.summary import mart_checksums
from ingest.validation import validate_pending
from kumkm_dev.sample_data import generate_dropzone

from .helpers import RAW_TABLES, raw_snapshot


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    dropzone = tmp_path_factory.mktemp("sample") / "dropzone"
    manifest = generate_dropzone(dropzone)
    return dropzone, manifest


def test_loader_and_gate_twice_over_the_sample_dropzone_change_nothing(sample, make_database):
    dropzone, manifest = sample
    with make_database() as url:
        first = ingest_dropzone(url, dropzone)
        validate_pending(url)
        with warehouse.connect(url) as conn:
            before = raw_snapshot(conn)
        second = ingest_dropzone(url, dropzone)
        report = validate_pending(url)
        with warehouse.connect(url) as conn:
            after = raw_snapshot(conn)
            recorded = conn.execute(
                "select file_path, count(*) from raw.submissions group by 1"
            ).fetchall()
            twice = conn.execute(
                """select sha256, dataset, province_code, period, count(*)
                   from raw.submissions
                   where outcome in ('loaded', 'accepted', 'accepted_with_warnings')
                   group by 1, 2, 3, 4 having count(*) > 1"""
            ).fetchall()
            pending = conn.execute(
                "select count(*) from raw.submissions where outcome = 'loaded'"
            ).fetchone()[0]
            row_keys = {
                table: conn.execute(
                    f"select count(*) = count(distinct (submission_id, row_number)) "
                    f"from raw.{table}"
                ).fetchone()[0]
                for table in RAW_TABLES
            }
    files = discover(dropzone)
    assert len(first) == len(files) == len(manifest.files)
    assert {r.outcome for r in second} == {"skipped"}
    assert report.submissions == []  # nothing left for the gate the second time
    assert after == before  # raw tables, quarantine and the submission log, unchanged
    assert {p for p, _ in recorded} == {f.relative_to(dropzone).as_posix() for f in files}
    assert all(n == 1 for _, n in recorded)  # every file recorded exactly once
    assert twice == []  # the same content never loaded twice (copies are `duplicate`)
    assert pending == 0
    assert all(row_keys.values())
    assert before["koperasi"][0] > 0 and before["umkm"][0] > 0


# ------------------------------------------------------------ crash between ingest and dbt

CRASH = """
import json, os, signal
from ingest import pipeline
print(json.dumps(pipeline.load_dropzone()), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the worker dies before the gate and dbt
"""


def _small_dropzone(dropzone: Path, manifest, target: Path) -> None:
    """The sample files of Sulawesi Tenggara and Jawa Timur (every dataset, anchors)."""
    for entry in manifest.files:
        if entry["province_code"] in ("74", "35"):
            src, dst = dropzone / entry["path"], target / entry["path"]
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


# `dbt build` without its data tests: seeds, models and snapshots, i.e. every mart's
# content (the tests read, they do not change it; tests/test_end_to_end.py runs them).
DBT_ARGS = ("build", "--exclude", "resource_type:test")


def _dbt_build(url: str, target: Path) -> None:
    dbt_runner.run_dbt(url, *DBT_ARGS, target_path=target)


# The run that never crashed, in a process of its own running alongside the crashed one.
# One loader worker in both: submission ids in arrival order in both databases, so the
# marts' source_submission_id columns compare too.
REFERENCE = """
import sys
from pathlib import Path
from ingest import dbt_runner
from ingest.submissions.load import ingest_dropzone
from ingest.validation import validate_pending
url, dropzone, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
ingest_dropzone(url, dropzone, workers=1)
validate_pending(url)
dbt_runner.run_dbt(url, "build", "--exclude", "resource_type:test", target_path=target)
"""


def _process(script: str, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_crash_between_ingest_and_dbt_recovers_with_identical_marts(
    sample, make_database, tmp_path
):
    dropzone = tmp_path / "dropzone"
    _small_dropzone(*sample, dropzone)
    with make_database() as reference, make_database() as crashed:
        ref = _process(REFERENCE, reference, str(dropzone), str(tmp_path / "target_reference"))
        try:
            crash = _process(
                CRASH,
                env={
                    "WAREHOUSE_URL": crashed,
                    "DROPZONE": str(dropzone),
                    "KUMKM_LOAD_WORKERS": "1",
                },
            )
            out, err = crash.communicate(timeout=120)
            assert crash.returncode == -signal.SIGKILL, err[-2000:]
            loaded = json.loads(out.strip().splitlines()[-1])
            assert loaded["outcomes"].get("loaded", 0) > 0
            with warehouse.connect(crashed) as conn:
                waiting = dict(
                    conn.execute("select outcome, count(*) from raw.submissions group by 1")
                )
                marts = conn.execute(
                    "select count(*) from information_schema.tables where table_schema = 'marts'"
                ).fetchone()[0]
            assert waiting.get("loaded", 0) == loaded["outcomes"]["loaded"]
            assert not {"accepted", "accepted_with_warnings"} & waiting.keys()
            assert marts == 0

            # the next run: the loader finds nothing new, the gate picks the `loaded` up
            assert {r.outcome for r in ingest_dropzone(crashed, dropzone)} == {"skipped"}
            report = validate_pending(crashed)
            assert len(report.submissions) == loaded["outcomes"]["loaded"]
            _dbt_build(crashed, tmp_path / "target_crashed")
            _, ref_err = ref.communicate(timeout=300)
            assert ref.returncode == 0, ref_err[-3000:]
        finally:
            ref.kill()
        with warehouse.connect(reference) as ref_conn, warehouse.connect(crashed) as rec:
            expected, got = mart_checksums(ref_conn), mart_checksums(rec)
            assert raw_snapshot(rec) == raw_snapshot(ref_conn)
            pending = rec.execute(
                "select count(*) from raw.submissions where outcome = 'loaded'"
            ).fetchone()[0]
            health = rec.execute(
                "select rat_compliance_pct from marts.cooperative_health "
                "where province_code = '74' and book_year = 2024"
            ).fetchone()
    assert pending == 0
    assert set(got) == set(expected) and len(got) >= 5
    assert got == expected
    assert str(health[0]) == "18.26"  # the sample's hand-checked anchor
