"""The gate's decisions: outcomes, attribution, quarantine moves, idempotency, results."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest

from ingest import warehouse
from ingest.validation import (
    GateError,
    load_suite,
    validate_pending,
    validate_submissions,
)
from ingest.validation.gate import NO_VALID_ROWS

from .conftest import good_row, results, submission_row

REASON_KEYS = {"rule", "severity", "message", "detail", "count", "rows"}


def umkm_rows(n: int, bad_nib_rows: tuple[int, ...] = ()) -> list[dict]:
    out = [good_row("umkm", i) for i in range(1, n + 1)]
    for i in bad_nib_rows:  # 1-based index into the list; row_number = i + 1
        out[i - 1]["nib"] = f"X{i}"
    return out


def test_outcomes_critical_warning_clean(make, conninfo, gx_dir, conn):
    clean = make.submission("koperasi")
    warned = make.submission("koperasi", [good_row("koperasi", 1) | {"kabupaten_kota": "Konawe"}])
    critical = make.submission(
        "koperasi", [good_row("koperasi", 1), good_row("koperasi", 1)]
    )  # same NIK twice
    report = validate_pending(conninfo, gx_dir=gx_dir)
    assert report.verdict(clean).outcome == "accepted"
    assert report.verdict(warned).outcome == "accepted_with_warnings"
    assert report.verdict(critical).outcome == "rejected"
    assert report.verdict(critical).failed_rules == [
        "gx.koperasi.nik_koperasi.unique_per_submission"
    ]
    reason = submission_row(conn, critical)["reasons"][0]
    assert set(reason) == REASON_KEYS
    assert reason["severity"] == "critical"
    assert reason["count"] == 2 and reason["rows"] == [2, 3]
    assert "NIK koperasi yang sama" in reason["message"]


def test_failures_are_attributed_to_their_submission(make, conninfo, gx_dir, conn):
    a = make.submission("umkm", umkm_rows(6, bad_nib_rows=(2, 4)))
    b = make.submission("umkm", umkm_rows(8, bad_nib_rows=(1, 3, 5, 6, 7)))
    c = make.submission("umkm", umkm_rows(4))
    report = validate_pending(conninfo, gx_dir=gx_dir)
    assert report.anomalies == []
    run = next(d for d in report.datasets if d.dataset == "umkm")
    assert run.submissions >= 3
    assert run.failed_expectations["gx.umkm.nib.shape"] >= 7
    for sid, count, rows in ((a, 2, [3, 5]), (b, 5, [2, 4, 6, 7, 8])):
        res = results(conn, sid)["gx.umkm.nib.shape"]
        assert res["unexpected_count"] == count
        assert res["element_count"] == {a: 6, b: 8}[sid]
        assert [s["row_number"] for s in res["unexpected_sample"]] == rows
        reason = next(
            r for r in submission_row(conn, sid)["reasons"] if r["rule"].startswith("gx.")
        )
        assert (reason["count"], reason["rows"]) == (count, rows)
        assert reason["message"].startswith(f"{count} baris: NIB harus 13 digit")
        row = submission_row(conn, sid)
        assert (row["rows_loaded"], row["rows_quarantined"]) == ({a: 4, b: 3}[sid], count)
    assert report.verdict(c).outcome == "accepted"
    assert results(conn, c)["gx.umkm.nib.shape"]["success"]


def test_a_row_breaking_two_rules_is_quarantined_once(make, conninfo, gx_dir, conn):
    rows = umkm_rows(3, bad_nib_rows=(1,))
    rows[0]["kbli"] = "1"
    sid = make.submission("umkm", rows)
    validate_pending(conninfo, gx_dir=gx_dir)
    q = conn.execute(
        "select rule, reason from raw.quarantine where submission_id = %s", (sid,)
    ).fetchall()
    assert q == [
        (
            "gx.umkm.nib.shape,gx.umkm.kbli.shape",
            "NIB harus 13 digit angka (kosongkan bila usaha belum memiliki NIB); "
            "kode KBLI harus 5 digit angka",
        )
    ]
    row = submission_row(conn, sid)
    assert (row["rows_loaded"], row["rows_quarantined"]) == (2, 1)


def test_all_rows_failing_rejects_and_keeps_the_rows(make, conninfo, gx_dir, conn):
    rows = umkm_rows(3, bad_nib_rows=(1, 2))
    rows[2]["kbli"] = "1"  # the third row fails another quarantine rule
    sid = make.submission("umkm", rows)
    report = validate_pending(conninfo, gx_dir=gx_dir)
    verdict = report.verdict(sid)
    assert verdict.outcome == "rejected"
    assert set(verdict.failed_rules) == {"gx.umkm.nib.shape", "gx.umkm.kbli.shape", NO_VALID_ROWS}
    n = conn.execute("select count(*) from raw.umkm where submission_id = %s", (sid,)).fetchone()
    assert n == (3,)
    row = submission_row(conn, sid)
    assert (row["rows_loaded"], row["rows_quarantined"]) == (3, 0)
    nvr = next(r for r in row["reasons"] if r["rule"] == NO_VALID_ROWS)
    assert nvr["severity"] == "critical" and "semua 3 baris" in nvr["message"]
    assert results(conn, sid)[NO_VALID_ROWS]["success"] is False


def test_parser_findings_flag_an_otherwise_clean_submission(make, conninfo, gx_dir, conn):
    parser_reason = {
        "rule": "umkm.skala_mismatch",
        "severity": "warning",
        "message": "skala usaha tidak sesuai omzet",
        "detail": "declared skala contradicts omzet",
        "count": 1,
        "rows": [5],
    }
    warned = make.submission("umkm", umkm_rows(2), reasons=[parser_reason])
    quarantined = make.submission("umkm", umkm_rows(2), rows_quarantined=2)
    report = validate_pending(conninfo, gx_dir=gx_dir)
    assert report.verdict(warned).outcome == "accepted_with_warnings"
    assert report.verdict(warned).failed_rules == []
    assert submission_row(conn, warned)["reasons"] == [parser_reason]
    assert report.verdict(quarantined).outcome == "accepted_with_warnings"


def _snapshot(conn, ids):
    out = {}
    for sid in ids:
        row = submission_row(conn, sid)
        res = results(conn, sid)
        for r in res.values():
            r.pop("validated_at")
            r.pop("run_id")
        out[sid] = {
            "submission": {
                k: row[k] for k in ("outcome", "rows_loaded", "rows_quarantined", "reasons")
            },
            "raw": conn.execute(
                "select row_number, nib from raw.umkm where submission_id = %s order by 1", (sid,)
            ).fetchall(),
            "quarantine": conn.execute(
                "select row_number, rule, reason, detail, original from raw.quarantine "
                "where submission_id = %s order by 1",
                (sid,),
            ).fetchall(),
            "results": res,
        }
    return out


def test_revalidation_is_idempotent(make, conninfo, gx_dir, conn):
    parser_reason = {
        "rule": "value.invalid_number",
        "severity": "quarantine",
        "message": "angka tidak valid",
        "detail": "not a number",
        "count": 1,
        "rows": [9],
    }
    rows = umkm_rows(5, bad_nib_rows=(2,))
    rows[3]["kabupaten_kota"] = "Konawe"
    flagged = make.submission("umkm", rows, reasons=[parser_reason], rows_quarantined=1)
    rejected = make.submission("umkm", umkm_rows(2, bad_nib_rows=(1, 2)))  # no valid rows
    validate_pending(conninfo, gx_dir=gx_dir)
    first = _snapshot(conn, [flagged, rejected])
    assert first[flagged]["submission"]["rows_quarantined"] == 2
    assert first[flagged]["submission"]["reasons"][0] == parser_reason

    for _ in range(2):
        report = validate_submissions(conninfo, [flagged, rejected], gx_dir=gx_dir)
        assert {v.submission_id for v in report.submissions} == {flagged, rejected}
        assert _snapshot(conn, [flagged, rejected]) == first
    assert validate_pending(conninfo, datasets=("umkm",), gx_dir=gx_dir).submissions == []


def test_revalidation_leaves_loader_decisions_alone(make, conninfo, gx_dir, conn):
    parser_rejected = make.submission("umkm", [], outcome="rejected")
    duplicate = make.submission("umkm", [], outcome="duplicate")
    report = validate_submissions(conninfo, [parser_rejected, duplicate], gx_dir=gx_dir)
    assert report.submissions == []
    assert submission_row(conn, parser_rejected)["outcome"] == "rejected"
    assert submission_row(conn, duplicate)["outcome"] == "duplicate"


def test_referential_rules_read_the_province_register(make, conninfo, gx_dir, conn):
    province = make.new_province()
    # a register loaded in the same run: validated (kerja_sama) before the activities
    make.submission("kerja_sama", province=province)
    ok = make.submission("kegiatan_kerja_sama", province=province)
    # a rejected register does not count
    other = make.new_province()
    make.register(other, outcome="rejected")
    orphan = make.submission("kegiatan_kerja_sama", province=other)
    # the latest register that lists the agreement gives its signing date
    third = make.new_province()
    make.register(third, period=2023)
    corrected = [good_row("kerja_sama", 1) | {"tanggal_tanda_tangan": date(2024, 3, 1)}]
    make.register(third, corrected, period=2024)
    early = make.submission("kegiatan_kerja_sama", province=third)  # activity 2024-02-01
    report = validate_pending(conninfo, gx_dir=gx_dir)
    assert report.verdict(ok).failed_rules == []
    assert report.verdict(orphan).failed_rules == ["gx.kegiatan_kerja_sama.nomor_dokumen.orphan"]
    assert report.verdict(orphan).outcome == "accepted_with_warnings"
    assert report.verdict(early).failed_rules == [
        "gx.kegiatan_kerja_sama.tanggal_kegiatan.before_agreement"
    ]
    sample = results(conn, early)["gx.kegiatan_kerja_sama.tanggal_kegiatan.before_agreement"][
        "unexpected_sample"
    ]
    assert sample[0]["tanggal_tanda_tangan"] == "2024-03-01"


@pytest.mark.parametrize(("current", "fires"), [(5, False), (4, True)])
def test_row_count_drop_threshold(make, conninfo, gx_dir, current, fires):
    province = make.new_province()
    make.submission("koperasi", province=province, period=2022, outcome="accepted", n_good=3)
    make.submission("koperasi", province=province, period=2023, outcome="accepted", n_good=10)
    make.submission("koperasi", province=province, period=2023, outcome="rejected", n_good=40)
    sid = make.submission("koperasi", province=province, period=2024, n_good=current)
    report = validate_pending(conninfo, gx_dir=gx_dir)
    rule = "gx.koperasi.row_count.drop_vs_previous"
    assert (rule in report.verdict(sid).failed_rules) is fires


def test_results_table_has_one_row_per_expectation(make, conninfo, gx_dir, conn):
    sid = make.submission("kerja_sama")
    validate_pending(conninfo, gx_dir=gx_dir)
    res = results(conn, sid)
    suite = load_suite("kerja_sama")
    assert list(res) == sorted(r.code for r in suite.rules)
    for rule in suite.rules:
        r = res[rule.code]
        assert r["suite"] == "kerja_sama"
        assert r["expectation_type"] == rule.type
        assert r["severity"] == rule.severity
        assert r["success"] is True and r["unexpected_count"] == 0
        assert r["element_count"] == 3
        assert r["run_id"].endswith("-kerja_sama")
    assert res["gx.kerja_sama.tanggal_berakhir.after_tanda_tangan"]["column_name"] == (
        "tanggal_berakhir, tanggal_tanda_tangan"
    )
    run = conn.execute(
        "select success, gx_result from audit.validation_runs where run_id = %s",
        (res["gx.kerja_sama.status.value_set"]["run_id"],),
    ).fetchone()
    assert len(run[1]["results"]) == len(suite.rules)


def test_report_and_log(make, conninfo, gx_dir, caplog):
    sid = make.submission("umkm", umkm_rows(3, bad_nib_rows=(1,)))
    with caplog.at_level(logging.INFO, logger="ingest.validation"):
        report = validate_pending(conninfo, gx_dir=gx_dir)
    data = json.loads(json.dumps(report.as_dict()))
    assert data["outcomes"]["accepted_with_warnings"] >= 1
    entry = next(s for s in data["submissions"] if s["submission_id"] == sid)
    assert entry["failed_rules"] == ["gx.umkm.nib.shape"]
    assert entry["rows_quarantined_by_gate"] == 1
    log = caplog.text
    assert "gate umkm:" in log and "validated in" in log
    assert "FAILED gx.umkm.nib.shape [quarantine]" in log
    assert f"#{sid} (1)" in log


def test_nothing_pending(conninfo, gx_dir):
    validate_pending(conninfo, gx_dir=gx_dir)
    assert validate_pending(conninfo, gx_dir=gx_dir).submissions == []


@pytest.fixture
def nullable_required_columns(pg_url):
    """Let the raw tables take nulls in required columns (the DDL forbids them)."""
    columns = {
        name: [
            r.kwargs["column"]
            for r in load_suite(name).rules
            if r.type == "expect_column_values_to_not_be_null"
        ]
        for name in ("koperasi", "umkm", "indikator_umkm", "kerja_sama", "kegiatan_kerja_sama")
    }
    with warehouse.connect(pg_url) as c:
        for table, cols in columns.items():
            for col in cols:
                c.execute(f"alter table raw.{table} alter column {col} drop not null")
    yield columns
    with warehouse.connect(pg_url) as c:
        for table, cols in columns.items():
            for col in cols:
                c.execute(
                    f"delete from raw.{table} where {col} is null; "
                    f"alter table raw.{table} alter column {col} set not null"
                )


def test_not_null_rules(nullable_required_columns, make, conninfo, gx_dir):
    cases = {}
    for table, cols in nullable_required_columns.items():
        for col in cols:
            n = 1 if table == "indikator_umkm" else 3
            rows = [good_row(table, i) for i in range(1, n + 1)]
            rows[0][col] = None
            if table == "kegiatan_kerja_sama":
                province = make.new_province()
                make.register(province)
                cases[(table, col)] = make.submission(table, rows, province=province)
            else:
                cases[(table, col)] = make.submission(table, rows)
    report = validate_pending(conninfo, gx_dir=gx_dir)
    for (table, col), sid in cases.items():
        rule = f"gx.{table}.{col}.required"
        failed = set(report.verdict(sid).failed_rules)
        if table == "indikator_umkm":
            assert failed == {rule, NO_VALID_ROWS}
        else:
            assert failed == {rule}, (rule, failed)
            assert report.verdict(sid).rows_quarantined_by_gate == 1


def test_a_broken_expectation_fails_the_gate_and_leaves_the_batch_loaded(
    make, conninfo, gx_dir, conn, monkeypatch, tmp_path
):
    from ingest.validation import gate, suites

    doc = json.loads((suites.SUITES_DIR / "indikator_umkm.json").read_text())
    doc["expectations"].append(
        {
            "type": "unexpected_submissions_expectation",
            "kwargs": {"unexpected_rows_query": "select no_such_column from {batch}"},
            "severity": "warning",
            "meta": {
                "rule": "gx.indikator_umkm.broken",
                "severity": "warning",
                "reason": "r",
                "description": "d",
            },
        }
    )
    (tmp_path / "indikator_umkm.json").write_text(json.dumps(doc))
    broken = suites.load_suite("indikator_umkm", tmp_path)
    real = gate.get_suite
    monkeypatch.setattr(
        gate, "get_suite", lambda name: broken if name == "indikator_umkm" else real(name)
    )
    sid = make.submission("indikator_umkm", n_good=1)
    other = make.submission("koperasi")
    with pytest.raises(GateError, match="indikator_umkm"):
        validate_pending(conninfo, gx_dir=gx_dir)
    assert submission_row(conn, sid)["outcome"] == "loaded"
    assert submission_row(conn, other)["outcome"] == "accepted"  # other datasets go on
    monkeypatch.undo()
    assert validate_pending(conninfo, gx_dir=gx_dir).verdict(sid).outcome == "accepted"


def test_gx_sessions_plan_partition_by_partition(conninfo, monkeypatch):
    """GX's connections carry the gate's planner settings (partitionwise aggregates and
    joins over raw.<dataset>'s submission partitions), its schema and its time limit."""
    from ingest.validation import _gx

    monkeypatch.setenv("KUMKM_GX_TIMEOUT", "12")
    names = (*_gx.SESSION_SETTINGS, "search_path", "statement_timeout")
    with _gx.warehouse_datasource(conninfo) as datasource, datasource.get_engine().connect() as c:
        shown = {name: c.exec_driver_sql(f"show {name}").scalar() for name in names}
    assert shown == {
        "enable_partitionwise_aggregate": "on",
        "enable_partitionwise_join": "on",
        "search_path": "audit,public",
        "statement_timeout": "12s",
    }


def test_gx_runs_the_query_of_an_sql_rule_once(conninfo, conn):
    """An unexpected_submissions_expectation: GX counts the rows of the query (one run) and
    does not fetch them (GX's unexpected_rows_expectation runs it twice); its verdict is the
    count."""
    from great_expectations.core.expectation_suite import ExpectationSuite
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from ingest.validation import _gx, gx_expectations  # noqa: F401

    conn.execute("create table if not exists audit.gx_once (submission_id int, v int)")
    conn.execute("truncate audit.gx_once")
    conn.execute("insert into audit.gx_once values (1, 1), (1, -1), (2, -5), (3, 2)")
    conn.commit()
    query = (
        "select submission_id, count(*) as unexpected_count, null::jsonb as sample "
        "from {batch} where v < 0 /* gx-once */ group by submission_id"
    )
    suite = ExpectationSuite(
        name="once",
        expectations=[
            {
                "type": "unexpected_submissions_expectation",
                "kwargs": {"unexpected_rows_query": query},
            }
        ],
    )
    seen: list[str] = []

    def count(conn_, cursor, statement, *args):
        if "gx-once" in statement:
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        with _gx.warehouse_datasource(conninfo) as datasource:
            result = _gx.validate_table(datasource, "gx_once", "gx_once", suite, "once")
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    (only,) = result.results
    assert not only.success
    assert only.result == {"observed_value": 2}  # submissions 1 and 2 fail
    assert len(seen) == 1, seen
    assert seen[0].lstrip().upper().startswith("SELECT COUNT(*)")
