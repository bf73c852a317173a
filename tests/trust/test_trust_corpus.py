"""Loads a planner can trust (issue 11): the trust corpus through the real pipeline, loader,
validation gate AND `dbt build`, on a real PostgreSQL.

One good submission per dataset (Sulawesi Selatan, 73) is loaded and built first; then
every case of tests/trust/cases.py lands in the same dropzone, later. Per case: the
outcome, the rows loaded and quarantined with their rule, the clerk's message fragment,
and the effect on the marts. The marts build must succeed with a rejected file of every
dataset in the warehouse, and province 73 keeps its figures.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest import dbt_runner, warehouse
from ingest.submissions.load import ingest_dropzone
from ingest.validation import validate_pending

from .cases import CASES, Case
from .files import GOOD_FILES

GOOD_MTIME = 1_700_000_000  # Nov 2023
CASE_MTIME = 1_760_000_000  # Oct 2025


def _write(dropzone: Path, rel: str, data: bytes, mtime: int) -> None:
    path = dropzone / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


def _marts(conn) -> dict[str, list[tuple]]:
    return {
        table: conn.execute(f"select * from marts.{table} order by 1, 2, 3").fetchall()
        for table in ("cooperative_health", "umkm_contribution", "agreement_implementation")
    }


@pytest.fixture(scope="module")
def trust_run(make_database, tmp_path_factory):
    dropzone = tmp_path_factory.mktemp("trust") / "dropzone"
    with make_database() as url:
        for rel, data in GOOD_FILES.items():
            _write(dropzone, rel, data, GOOD_MTIME)
        ingest_dropzone(url, dropzone)
        validate_pending(url)
        dbt_runner.build(url)
        with warehouse.connect(url) as conn:
            good = {
                r[0]: r[1]
                for r in conn.execute("select file_path, outcome from raw.submissions").fetchall()
            }
            before = _marts(conn)
        for i, case in enumerate(CASES):
            _write(dropzone, case.path, case.data, CASE_MTIME + i)
        ingest_dropzone(url, dropzone)
        validate_pending(url)
        build_log = dbt_runner.build(url)  # raises DbtFailed: the marts must build
        with warehouse.connect(url) as conn:
            yield {"conn": conn, "good": good, "before": before, "build_log": build_log}


def test_good_files_are_accepted_first(trust_run):
    assert trust_run["good"] == dict.fromkeys(GOOD_FILES, "accepted")


def test_the_marts_build_with_a_rejected_file_of_every_dataset(trust_run):
    rejected = (
        trust_run["conn"]
        .execute(
            "select distinct dataset from raw.submissions where outcome = 'rejected' "
            "and file_path like 'kasus/%%_73_%%'"
        )
        .fetchall()
    )
    assert {r[0] for r in rejected} == {
        "koperasi",
        "umkm",
        "indikator_umkm",
        "kerja_sama",
        "kegiatan_kerja_sama",
    }
    assert "Completed successfully" in trust_run["build_log"]


def test_province_73_figures_are_unchanged(trust_run):
    after = _marts(trust_run["conn"])
    for table, rows in trust_run["before"].items():
        mine = [r for r in rows if r[0] == "73"]
        assert [r for r in after[table] if r[0] == "73" and r in mine] == mine, table


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case(trust_run, case: Case):
    conn = trust_run["conn"]
    row = conn.execute(
        "select submission_id, outcome, rows_loaded, reasons from raw.submissions "
        "where file_path = %s",
        (case.path,),
    ).fetchone()
    assert row is not None, f"{case.path} not recorded"
    sid, outcome, loaded, reasons = row
    assert outcome == case.outcome, reasons
    if case.rule:
        found = [r for r in reasons if r["rule"] == case.rule]
        assert found, (case.rule, reasons)
        if case.message:
            assert any(case.message in r["message"] for r in found), found
    if case.loaded is not None:
        assert loaded == case.loaded, reasons
    quarantined = dict(
        conn.execute(
            "select rule, count(*) from raw.quarantine where submission_id = %s group by rule",
            (sid,),
        ).fetchall()
    )
    if outcome != "rejected":
        assert quarantined == case.quarantined, reasons
    if case.marts:
        case.marts(conn)
