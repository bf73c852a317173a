"""raw.submissions_in_force: the one definition of the submission in force, read by the
validation gate and by dbt (int_submissions_in_force), on a real PostgreSQL."""

from __future__ import annotations

import pytest

from ingest import warehouse

PERIODS = {
    "2023": ("year", "2023-01-01", "2023-12-31"),
    "2024": ("year", "2024-01-01", "2024-12-31"),
    "2024S1": ("semester", "2024-01-01", "2024-06-30"),
}


def add(conn, sid, dataset, province, period, name, mtime, outcome):
    period_type, start, end = PERIODS[period]
    conn.execute(
        """insert into raw.submissions
             (submission_id, dataset, province_code, period, period_type, period_start,
              period_end, file_name, file_path, sha256, file_size, file_mtime, outcome)
           values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s)""",
        (
            sid,
            dataset,
            province,
            period,
            period_type,
            start,
            end,
            name,
            name,
            f"sha{sid}",
            mtime,
            outcome,
        ),
    )


@pytest.fixture
def db(make_database):
    with make_database() as url, warehouse.connect(url) as conn:
        yield conn


def in_force(conn):
    return conn.execute(
        "select submission_id, period_seq, is_latest_period from raw.submissions_in_force "
        "order by submission_id"
    ).fetchall()


def test_latest_accepted_arrival_is_in_force_and_rejected_files_never_are(db):
    add(db, 1, "koperasi", "74", "2024", "a.csv", "2025-01-01", "accepted")
    add(db, 2, "koperasi", "74", "2024", "b.csv", "2025-02-01", "accepted_with_warnings")
    add(db, 3, "koperasi", "74", "2024", "c.csv", "2025-03-01", "rejected")
    add(db, 4, "koperasi", "74", "2024", "d.csv", "2025-04-01", "loaded")
    add(db, 5, "koperasi", "74", "2024", "e.csv", "2025-05-01", "duplicate")
    # same mtime: the later name wins
    add(db, 6, "umkm", "35", "2024", "umkm_35_2024.csv", "2025-01-01", "accepted")
    add(db, 7, "umkm", "35", "2024", "umkm_35_2024_revisi.csv", "2025-01-01", "accepted")
    assert [r[0] for r in in_force(db)] == [2, 7]


def test_period_order_and_latest_period_per_dataset_and_province(db):
    add(db, 1, "kerja_sama", "74", "2024", "k24.csv", "2025-01-10", "accepted")
    add(db, 2, "kerja_sama", "74", "2023", "k23.csv", "2025-02-01", "accepted")  # late, older
    add(db, 3, "kerja_sama", "74", "2024S1", "k24s1.csv", "2024-07-01", "accepted")
    add(db, 4, "kerja_sama", "31", "2023", "k31.csv", "2024-01-10", "accepted")
    add(db, 5, "kerja_sama", "74", "2024", "k24b.csv", "2025-03-01", "rejected")
    assert in_force(db) == [(1, 3, True), (2, 1, False), (3, 2, False), (4, 1, True)]
