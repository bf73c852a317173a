"""The marts built by dbt from crafted raw rows (tests/dbt/conftest.py), against figures
computed by hand: the contract columns of shared/spec/marts.md, the UMKM register and share
figures, the agreement ladder and the submission compliance statuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest import dbt_runner, warehouse
from ingest.submissions.load import add_partition
from ingest.summary import grdp_label_lines

SPEC_COLUMNS = {
    "umkm_contribution": """province_code province_name period period_type year umkm_units
        umkm_micro umkm_small umkm_medium with_nib_pct halal_regular halal_self_declare
        food_beverage_units food_beverage_halal_pct umkm_share_of_grdp_pct previous_share_pct
        share_change_pp grdp_current_idr_bn umkm_value_added_idr_bn grdp_growth_pct""",
    "agreement_implementation": """province_code document_number document_type title
        partner_name partner_type partner_province_code signed_on expires_on reported_status
        activities_count first_activity_on last_activity_on days_to_first_activity umkm_reached
        transaction_value_idr implementation_status expiring_within_90_days as_of""",
    "agreement_summary": """province_code period agreements_total agreements_signed
        agreements_active agreements_stalled agreements_not_started implementation_rate_pct
        partners_distinct partner_types_distinct activities_count transaction_value_idr""",
    "submission_compliance": """province_code dataset period status submissions_count
        latest_submitted_at rows_received rows_accepted rows_quarantined""",
}


@pytest.fixture(scope="module")
def db(marts_db):
    url, ids = marts_db
    with warehouse.connect(url) as conn:
        yield conn, ids


def rows(conn, sql: str, *params) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [c.name for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def one(conn, sql: str, *params) -> dict:
    (row,) = rows(conn, sql, *params)
    return row


@pytest.mark.parametrize("mart", sorted(SPEC_COLUMNS))
def test_marts_have_the_contract_columns_in_order(db, mart):
    conn, _ = db
    actual = [
        r["column_name"]
        for r in rows(
            conn,
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = %s order by ordinal_position",
            mart,
        )
    ]
    spec = SPEC_COLUMNS[mart].split()
    assert actual[: len(spec)] == spec


def test_jawa_timur_share_change_compares_the_same_semester(db):
    conn, ids = db
    row = one(
        conn,
        "select * from marts.umkm_contribution where province_code = '35' and period = '2024S1'",
    )
    assert row["province_name"] == "Jawa Timur"
    assert (row["period_type"], row["year"]) == ("semester", 2024)
    assert row["umkm_share_of_grdp_pct"] == Decimal("60.43")
    assert row["previous_period"] == "2023S1"
    assert row["previous_share_pct"] == Decimal("59.18")
    assert row["share_change_pp"] == Decimal("1.25")
    assert row["indicator_submission_id"] == ids["jatim_share_2024S1"]
    # semester -> the annual GRDP of 2024 prorated to 6 months (3,000,000 x 6/12), never
    # the annual figure; value added = 60.43 % x 1,500,000
    assert row["grdp_period"] == "2024"
    assert row["grdp_prorated_months"] == 6
    assert row["grdp_current_idr_bn"] == Decimal("1500000.00")
    assert row["umkm_value_added_idr_bn"] == Decimal("906450.00")
    assert row["value_added_source"] == "estimated_prorated"
    assert (row["grdp_source"], row["grdp_basis"]) == ("bps_snapshot", "published")
    assert row["value_added_exceeds_grdp"] is False
    assert row["grdp_growth_pct"] == Decimal("4.93")

    s2 = one(
        conn,
        "select previous_share_pct, share_change_pp from marts.umkm_contribution "
        "where province_code = '35' and period = '2023S2'",
    )
    assert s2 == {"previous_share_pct": None, "share_change_pp": None}


def test_jawa_timur_register_figures(db):
    conn, ids = db
    row = one(
        conn,
        "select * from marts.umkm_contribution where province_code = '35' and period = '2024S1'",
    )
    assert row["register_submission_id"] == ids["jatim_umkm_2024S1"]
    assert (row["umkm_units"], row["umkm_micro"], row["umkm_small"], row["umkm_medium"]) == (
        8,
        5,
        2,
        1,
    )
    assert row["with_nib_pct"] == Decimal("75.00")
    assert (row["halal_regular"], row["halal_self_declare"]) == (2, 3)
    assert row["food_beverage_units"] == 5
    assert row["food_beverage_halal_pct"] == Decimal("60.00")


def test_register_counts_are_null_without_a_register(db):
    conn, _ = db
    row = one(
        conn,
        "select umkm_units, with_nib_pct, food_beverage_units from marts.umkm_contribution "
        "where province_code = '35' and period = '2023S1'",
    )
    assert row == {"umkm_units": None, "with_nib_pct": None, "food_beverage_units": None}


def test_papua_takes_the_grdp_of_bps_9400_and_says_it_is_sample(db):
    conn, _ = db
    row = one(
        conn,
        "select province_name, grdp_current_idr_bn, umkm_value_added_idr_bn, grdp_source "
        "from marts.umkm_contribution where province_code = '91' and period = '2024S1'",
    )
    # 400,000 x 6/12; the crafted figure is loaded as sample data: the row says so
    assert row == {
        "province_name": "Papua",
        "grdp_current_idr_bn": Decimal("200000.00"),
        "umkm_value_added_idr_bn": Decimal("100000.00"),
        "grdp_source": "sample",
    }


def test_umkm_contribution_national(db):
    conn, _ = db
    row = one(conn, "select * from marts.umkm_contribution_national where period = '2024S1'")
    assert row["provinces_with_register"] == 1
    assert row["provinces_with_share"] == 2
    assert row["umkm_units"] == 8
    assert row["with_nib_pct"] == Decimal("75.00")
    # (60.43 x 1,500,000 + 50.00 x 200,000) / 1,700,000 (semester GRDP: annual x 6/12)
    assert row["umkm_share_of_grdp_pct"] == Decimal("59.20")
    assert row["umkm_value_added_idr_bn"] == Decimal("1006450.00")
    assert row["grdp_current_idr_bn"] == Decimal("11000000.00")
    assert row["grdp_is_prorated"] is True


def test_agreement_ladder_at_the_end_of_the_latest_register(db):
    conn, ids = db
    found = {
        r["document_number"]: r for r in rows(conn, "select * from marts.agreement_implementation")
    }
    assert sorted(found) == ["MOU/AC", "MOU/CX", "PKS/NS", "PKS/ST"]
    assert {r["as_of"] for r in found.values()} == {date(2025, 6, 30)}
    assert {r["source_submission_id"] for r in found.values()} == {ids["sultra_register_2025Q2"]}
    status = {doc: r["implementation_status"] for doc, r in found.items()}
    assert status == {
        "MOU/AC": "active",
        "MOU/CX": "cancelled",
        "PKS/NS": "not_started",  # signed 200 days before as_of, no activity
        "PKS/ST": "stalled",  # last activity 200 days before as_of
    }
    stalled = found["PKS/ST"]
    assert stalled["activities_count"] == 2
    assert stalled["first_activity_on"] == date(2023, 6, 16)
    assert stalled["last_activity_on"] == date(2024, 12, 12)
    assert stalled["days_since_last_activity"] == 200
    assert stalled["days_to_first_activity"] == 281
    assert stalled["umkm_reached"] == 113
    assert stalled["transaction_value_idr"] == Decimal("3000.00")
    active = found["MOU/AC"]
    assert active["activities_count"] == 1  # the 3 July 2025 activity is after as_of
    assert active["expiring_within_90_days"] is True
    assert found["PKS/NS"]["activities_count"] == 0
    assert found["PKS/NS"]["first_activity_on"] is None
    assert not found["PKS/NS"]["expiring_within_90_days"]


def test_agreement_summary_per_register_period(db):
    conn, _ = db
    summary = {
        r["period"]: r
        for r in rows(conn, "select * from marts.agreement_summary where province_code = '74'")
    }
    q2, q1 = summary["2025Q2"], summary["2025Q1"]
    assert (q2["agreements_total"], q2["agreements_signed"]) == (4, 3)
    assert (q2["agreements_active"], q2["agreements_stalled"], q2["agreements_not_started"]) == (
        1,
        1,
        1,
    )
    assert q2["implementation_rate_pct"] == Decimal("66.67")
    assert (q2["partners_distinct"], q2["partner_types_distinct"]) == (4, 4)
    assert q2["activities_count"] == 3
    assert q2["transaction_value_idr"] == Decimal("55982000.00")
    assert q2["is_latest_register"] is True
    # at 31 March 2025 PKS/ST's last activity was 109 days old: still active
    assert (q1["as_of"], q1["agreements_active"], q1["agreements_stalled"]) == (
        date(2025, 3, 31),
        1,
        0,
    )
    assert q1["implementation_rate_pct"] == Decimal("50.00")
    assert q1["is_latest_register"] is False


def compliance(conn, province: str, dataset: str, period: str) -> dict:
    return one(
        conn,
        "select status, submissions_count, rejected_count, latest_outcome, rows_received, "
        "rows_accepted, rows_quarantined, latest_submitted_at is not null as has_files "
        "from marts.submission_compliance "
        "where province_code = %s and dataset = %s and period = %s",
        province,
        dataset,
        period,
    )


def test_submission_compliance_statuses(db):
    conn, _ = db
    later_rejected = compliance(conn, "35", "indikator_umkm", "2024S1")
    assert later_rejected["status"] == "accepted"
    assert later_rejected["submissions_count"] == 2
    assert later_rejected["latest_outcome"] == "rejected"

    register = compliance(conn, "35", "umkm", "2024S1")
    assert register["status"] == "accepted_with_warnings"
    assert register["submissions_count"] == 2
    assert (
        register["rows_received"],
        register["rows_accepted"],
        register["rows_quarantined"],
    ) == (9, 8, 1)

    rejected = compliance(conn, "74", "umkm", "2024S1")
    assert rejected["status"] == "rejected"
    assert rejected["submissions_count"] == 1
    assert rejected["rows_accepted"] is None

    assert compliance(conn, "11", "indikator_umkm", "2024S1")["status"] == "pending"

    missing = compliance(conn, "11", "umkm", "2024S1")
    assert missing["status"] == "missing"
    assert missing["submissions_count"] == 0
    assert missing["has_files"] is False


def test_submission_compliance_follows_the_reporting_calendar(db):
    """As of 2025-09-30 (KUMKM_AS_OF): every province for every calendar period due; periods
    off the calendar or not yet due only for the provinces that sent files."""
    conn, _ = db
    grid = rows(
        conn,
        "select dataset, period, count(*) as provinces, "
        "count(*) filter (where status = 'missing') as missing, min(due_on) as due_on "
        "from marts.submission_compliance group by 1, 2 order by 1, 2",
    )
    assert [(g["dataset"], g["period"], g["provinces"]) for g in grid] == [
        ("indikator_umkm", "2023", 1),  # a year: off the semester calendar, Jawa Timur only
        ("indikator_umkm", "2023S1", 38),  # from the first accepted period (2023)
        ("indikator_umkm", "2023S2", 38),
        ("indikator_umkm", "2024S1", 38),
        ("indikator_umkm", "2024S2", 38),  # due 2025-03-01: nobody sent it
        ("indikator_umkm", "2025S1", 38),  # due 2025-08-29
        ("kegiatan_kerja_sama", "2025Q2", 38),  # due 2025-07-30; 2025Q3 not yet due
        ("kerja_sama", "2025Q1", 1),  # kerja_sama is yearly: 2025 is due 2026-03-01
        ("kerja_sama", "2025Q2", 1),
        ("umkm", "2024S1", 38),
        ("umkm", "2024S2", 38),
        ("umkm", "2025S1", 38),
    ]
    missing = {(g["dataset"], g["period"]): g["missing"] for g in grid}
    assert missing[("indikator_umkm", "2024S1")] == 35  # 35 and 91 accepted, 11 pending
    assert missing[("umkm", "2024S1")] == 36  # 35 accepted, 74 rejected
    assert missing[("umkm", "2024S2")] == 38
    due = {(g["dataset"], g["period"]): g["due_on"] for g in grid}
    assert due[("umkm", "2024S1")] == date(2024, 8, 29)
    assert due[("kegiatan_kerja_sama", "2025Q2")] == date(2025, 7, 30)


def test_days_overdue_counts_to_the_first_accepted_arrival_or_as_of(db):
    conn, _ = db
    overdue = {
        (r["province_code"], r["dataset"], r["period"]): r["days_overdue"]
        for r in rows(
            conn,
            "select province_code, dataset, period, days_overdue from marts.submission_compliance",
        )
    }
    # Jawa Timur's umkm 2024S1: first accepted on 2024-08-01, due 2024-08-29: on time
    assert overdue[("35", "umkm", "2024S1")] is None
    # indikator 2024S1, accepted on 2024-09-01 (due 2024-08-29): 3 days late
    assert overdue[("35", "indikator_umkm", "2024S1")] == 3
    # nothing accepted: from due_on to as_of (2025-09-30)
    assert overdue[("11", "umkm", "2024S1")] == (date(2025, 9, 30) - date(2024, 8, 29)).days
    assert overdue[("74", "umkm", "2024S1")] == (date(2025, 9, 30) - date(2024, 8, 29)).days


def test_a_rejected_file_for_a_new_period_adds_no_missing_rows(crafted_db, raw_writer):
    """A misnamed, rejected file naming a period nobody else sent (umkm 2026S1, not due)
    gives one row, for its own province: never 'missing' rows for the 37 others."""
    url, _ = crafted_db
    with warehouse.connect(url) as conn:
        raw_writer(conn).submission("umkm", "33", "2026S1", "rejected", "2025-09-01")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KUMKM_AS_OF", "2025-09-30")
        dbt_runner.build(url)
    with warehouse.connect(url) as conn:
        new = rows(
            conn,
            "select province_code, status from marts.submission_compliance "
            "where dataset = 'umkm' and period = '2026S1'",
        )
        total = conn.execute("select count(*) from marts.submission_compliance").fetchone()[0]
    assert new == [{"province_code": "33", "status": "rejected"}]
    assert total == 38 * 9 + 3 + 1  # 9 calendar periods due, 3 off-calendar rows, the new one


def test_snapshot_keeps_the_submission_in_force_at_an_earlier_build(marts_db):
    """A resubmission closes the earlier row of the snapshot and opens a new one, so the
    submission in force at an earlier build (hence an earlier extract) stays answerable.
    Runs last: it adds a submission and rebuilds the snapshot only (the marts stay as built)."""
    url, _ = marts_db
    history = (
        "select submission_id, dbt_valid_from, dbt_valid_to "
        "from snapshots.submissions_in_force_snapshot "
        "where dataset = 'indikator_umkm' and province_code = '35' and period = '2023' "
        "order by dbt_valid_from"
    )
    with warehouse.connect(url) as conn:
        ((first_id, first_from, first_to),) = conn.execute(history).fetchall()
        assert first_to is None
        second_id = conn.execute(
            """insert into raw.submissions (dataset, province_code, period, period_type,
                   period_start, period_end, file_name, file_path, sha256, file_size,
                   file_mtime, outcome, rows_received, rows_loaded)
               values ('indikator_umkm', '35', '2023', 'year', '2023-01-01', '2023-12-31',
                   'indikator_umkm_35_2023_revisi.csv', 'indikator_umkm_35_2023_revisi.csv',
                   'f00d', 100, '2024-03-01', 'accepted', 1, 1)
               returning submission_id"""
        ).fetchone()[0]
        add_partition(conn, "indikator_umkm", second_id)
        conn.execute(
            "insert into raw.indikator_umkm (submission_id, row_number, kontribusi_pdrb_persen) "
            "values (%s, 2, 58.5)",
            (second_id,),
        )
    dbt_runner.build(url, "submissions_in_force_snapshot")
    with warehouse.connect(url) as conn:
        (old, new) = conn.execute(history).fetchall()
        assert old[0] == first_id and new[0] == second_id
        assert old[1] == first_from and old[2] == new[1]
        assert new[2] is None
        in_force_then = conn.execute(
            "select submission_id from snapshots.submissions_in_force_snapshot "
            "where dataset = 'indikator_umkm' and province_code = '35' and period = '2023' "
            "and dbt_valid_from <= %(t)s and (dbt_valid_to is null or dbt_valid_to > %(t)s)",
            {"t": first_from},
        ).fetchone()
        assert in_force_then == (first_id,)


def test_summary_names_the_sample_grdp_and_the_estimates(db):
    """The run summary opens with the sample-data banner when any mart row stands on sample
    GRDP (the crafted Papua figure), and counts the prorated value added."""
    conn, _ = db
    lines = grdp_label_lines(conn)
    assert "DATA CONTOH - bukan angka resmi BPS: 1 rows" in lines[1]
    assert lines[0] == lines[2] == "!" * 72
    assert "1 sample" in lines[3] and "2 value added on an annual GRDP prorated" in lines[3]
