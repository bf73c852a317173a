"""The hostile-input corpus (tests/reliability/corpus.py) through the REAL loader and the
REAL validation gate into the real PostgreSQL, in one run: every file ends with its
expected outcome and rule, with a message for the clerk; nothing crashes the run; the
good files in the same dropzone load; a second run changes nothing."""

from __future__ import annotations

import logging

import pytest

from ingest import warehouse
from ingest.submissions.load import ingest_dropzone
from ingest.validation import validate_pending

from .corpus import CASES, build
from .helpers import raw_snapshot

BY_NAME = {c.name: c for c in CASES}


@pytest.fixture(scope="module")
def corpus_run(make_database, tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    dropzone, outside = root / "dropzone", root / "outside"
    build(dropzone, outside)
    with make_database() as url:
        results = ingest_dropzone(url, dropzone)  # must not raise, whatever is in there
        gate = validate_pending(url)  # raises GateError if a dataset batch failed
        with warehouse.connect(url) as conn:
            before = raw_snapshot(conn)
        again = ingest_dropzone(url, dropzone)
        validate_pending(url)
        with warehouse.connect(url) as conn:
            after = raw_snapshot(conn)
            rows = conn.execute(
                "select submission_id, file_path, outcome, reasons, rows_loaded "
                "from raw.submissions"
            ).fetchall()
            by_path = {}
            for sid, path, outcome, reasons, rows_loaded in rows:
                assert path not in by_path, f"{path} recorded twice"
                by_path[path] = {
                    "submission_id": sid,
                    "outcome": outcome,
                    "reasons": reasons,
                    "rows_loaded": rows_loaded,
                }
            yield {
                "url": url,
                "conn": conn,
                "results": results,
                "gate": gate,
                "again": again,
                "before": before,
                "after": after,
                "by_path": by_path,
                "outside": outside,
            }


def test_corpus_has_at_least_40_hostile_cases():
    hostile = [c for c in CASES if not c.name.startswith("control")]
    assert len(hostile) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.path for c in CASES}) == len(CASES)


@pytest.mark.parametrize("name", list(BY_NAME))
def test_case_outcome_and_reason(corpus_run, name):
    case = BY_NAME[name]
    row = corpus_run["by_path"].get(case.path)
    if case.outcome is None:
        assert row is None, f"{case.path!r} must not be recorded, got {row}"
        return
    assert row is not None, f"{case.path!r} was not recorded"
    assert row["outcome"] == case.outcome, row["reasons"]
    reasons = row["reasons"]
    if case.outcome in ("rejected", "duplicate"):
        assert reasons, "a rejected or duplicate file says why"
    if case.rule is not None:
        matching = [r for r in reasons if r["rule"] == case.rule]
        assert matching, f"rule {case.rule} not in {[r['rule'] for r in reasons]}"
        for r in matching:
            assert r["message"] and r["detail"], "clerk message and engineer detail"
            assert len(r["message"]) < 1000
        if case.message is not None:
            assert any(case.message in r["message"] for r in matching), matching
    if case.outcome == "accepted":  # notes (the sheet read, totals skipped) are no warnings
        assert [r for r in reasons if r["severity"] != "info"] == [], reasons
    if case.check is not None:
        case.check(corpus_run["conn"], row)


def test_the_run_did_not_stop_and_every_discovered_file_has_one_result(corpus_run):
    results = corpus_run["results"]
    recorded = {c.path for c in CASES if c.outcome is not None}
    assert {r.path for r in results} == recorded
    assert corpus_run["gate"].errors == []


def test_nothing_outside_the_dropzone_was_read(corpus_run):
    conn = corpus_run["conn"]
    leaked = conn.execute(
        "select count(*) from raw.koperasi where nik_koperasi like '17%%' "
        "or nik_koperasi like '18%%'"
    ).fetchone()[0]
    assert leaked == 0  # the valid files behind the outside links never loaded
    passwd = conn.execute(
        "select count(*) from raw.quarantine where original::text like '%%root:%%'"
    ).fetchone()[0]
    assert passwd == 0


def test_second_run_is_a_no_op(corpus_run):
    assert {r.outcome for r in corpus_run["again"]} == {"skipped"}
    assert corpus_run["after"] == corpus_run["before"]


def test_tables_survive_names_and_headers_written_as_sql(corpus_run):
    conn = corpus_run["conn"]
    tables = conn.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw'"
    ).fetchone()[0]
    assert tables >= 7


def test_rejections_are_logged_with_their_reason(corpus_run, make_database, tmp_path, caplog):
    """The task log (what a data engineer reads) names each rejected file and its reason."""
    case = BY_NAME["xlsx_zip_bomb_inflates_150MB"]
    dropzone = tmp_path / "dz"
    dropzone.mkdir()
    (dropzone / case.path).write_bytes(case.data)
    caplog.set_level(logging.INFO, logger="ingest.submissions.load")
    with make_database() as url:
        ingest_dropzone(url, dropzone)
    line = next(r.getMessage() for r in caplog.records if case.path in r.getMessage())
    assert "-> rejected" in line and "terlalu besar" in line
