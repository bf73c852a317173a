"""int_umkm_register_counts is incremental: a build aggregates only the umkm submissions whose
verdict changed. After a resubmission, a gate reset, a re-validation that quarantines rows and
a submission deleted from the log, the incremental build must leave exactly what a
`--full-refresh` build computes (counts table and every mart), and must not touch the rows of
the submissions that did not change."""

from __future__ import annotations

import pytest

from ingest import dbt_runner, warehouse
from ingest.summary import mart_checksums

COUNTS = "intermediate.int_umkm_register_counts"

PAPUA_2024S1 = [
    ("9100000000001", "Sagu Lempeng Mama Ina", "Kota Jayapura", "10612", "mikro", "reguler"),
    (None, "Papeda Corner", "Kota Jayapura", "56101", "mikro", "tidak ada"),
    ("9100000000003", "Kopi Wamena", "Kabupaten Jayawijaya", "11090", "kecil", "self declare"),
    ("9100000000004", "Noken Craft", "Kabupaten Jayapura", "13929", "menengah", "tidak ada"),
]
SULTRA_2024S1 = [
    ("7400000000001", "Kasuami Ibu Wa Ode", "Kota Kendari", "10799", "mikro", "self declare"),
    ("7400000000002", "Bengkel Motor Jaya", "Kota Baubau", "45405", "kecil", None),
    (None, "Warung Sinonggi", "Kabupaten Konawe", "56101", "mikro", "reguler"),
]


def counts_table(conn) -> dict[int, tuple]:
    rows = conn.execute(f"select * from {COUNTS} order by submission_id").fetchall()
    return {r[0]: r for r in rows}


def row_versions(conn) -> dict[int, str]:
    """xmin per submission row: unchanged when a build did not rewrite the row."""
    return dict(conn.execute(f"select submission_id, xmin::text from {COUNTS}").fetchall())


def register(conn, province: str, period: str = "2024S1") -> tuple:
    return conn.execute(
        "select umkm_units, umkm_micro, umkm_small, umkm_medium, umkm_with_nib, halal_regular, "
        "halal_self_declare, food_beverage_units, food_beverage_halal, register_submission_id "
        "from marts.umkm_contribution where province_code = %s and period = %s",
        (province, period),
    ).fetchone()


@pytest.fixture
def changed_db(crafted_db, raw_writer):
    """The crafted warehouse built once, then changed the ways the loader and the gate change
    it, without rebuilding: (url, ids, row versions after the first build)."""
    url, ids = crafted_db
    with warehouse.connect(url) as conn, conn.transaction():
        raw = raw_writer(conn)
        ids["papua"] = raw.submission(
            "umkm", "91", "2024S1", "accepted", "2024-08-10", PAPUA_2024S1
        )
        ids["aceh_pending"] = raw.submission(
            "umkm", "11", "2024S1", "loaded", "2024-08-11", [SULTRA_2024S1[0]]
        )
        conn.execute("update raw.submissions set validated_at = now() where outcome <> 'loaded'")
        ids["jatim_superseded"] = conn.execute(
            "select submission_id from raw.submissions where dataset = 'umkm' "
            "and province_code = '35' and submission_id <> %s",
            (ids["jatim_umkm_2024S1"],),
        ).fetchone()[0]
    dbt_runner.build(url)
    with warehouse.connect(url) as conn:
        assert register(conn, "35")[0] == 8
        assert register(conn, "91")[0] == 4
        assert register(conn, "74") is None
        before = row_versions(conn)
        assert set(before) >= {ids["papua"], ids["aceh_pending"], ids["jatim_umkm_2024S1"]}

    with warehouse.connect(url) as conn, conn.transaction():
        raw = raw_writer(conn)
        # Sulawesi Tenggara resubmits after its rejected file: a new accepted register.
        ids["sultra"] = raw.submission(
            "umkm", "74", "2024S1", "accepted", "2024-09-01", SULTRA_2024S1
        )
        conn.execute(
            "update raw.submissions set validated_at = now() where submission_id = %s",
            (ids["sultra"],),
        )
        # Jawa Timur's register in force goes back to the gate (gate._reset): the earlier
        # accepted file is in force again.
        conn.execute(
            "update raw.submissions set outcome = 'loaded', validated_at = null "
            "where submission_id = %s",
            (ids["jatim_umkm_2024S1"],),
        )
        # Papua is re-validated and one row moves to the quarantine (gate._quarantine_rows).
        conn.execute(
            "delete from raw.umkm where submission_id = %s and row_number = 5", (ids["papua"],)
        )
        conn.execute(
            "update raw.submissions set outcome = 'accepted_with_warnings', "
            "validated_at = now(), rows_loaded = rows_loaded - 1, "
            "rows_quarantined = rows_quarantined + 1 where submission_id = %s",
            (ids["papua"],),
        )
        # Aceh's pending file is deleted from the log (ingest.validation's stress run does).
        conn.execute("delete from raw.umkm where submission_id = %s", (ids["aceh_pending"],))
        conn.execute("delete from raw.submissions where submission_id = %s", (ids["aceh_pending"],))
    return url, ids, before


def test_incremental_build_equals_full_refresh(changed_db):
    url, ids, before = changed_db
    dbt_runner.build(url)
    with warehouse.connect(url) as conn:
        incremental_counts = counts_table(conn)
        incremental_marts = mart_checksums(conn)
        after = row_versions(conn)
        # the figures the changes call for
        assert register(conn, "35") == (1, 1, 0, 0, 1, 0, 0, 1, 0, ids["jatim_superseded"])
        assert register(conn, "74") == (3, 2, 1, 0, 2, 1, 1, 2, 2, ids["sultra"])
        assert register(conn, "91") == (3, 2, 1, 0, 2, 1, 1, 3, 2, ids["papua"])
        national = conn.execute(
            "select provinces_with_register, umkm_units from marts.umkm_contribution_national "
            "where period = '2024S1'"
        ).fetchone()
        assert national == (3, 7)

    # only the changed submissions were rewritten; the deleted one is gone
    rewritten = {sid for sid in after if before.get(sid) != after[sid]}
    assert rewritten == {ids["sultra"], ids["jatim_umkm_2024S1"], ids["papua"]}
    assert ids["aceh_pending"] not in after
    assert incremental_counts[ids["jatim_umkm_2024S1"]][6] is None  # pending: not counted

    dbt_runner.run_dbt(url, "build", "--full-refresh")
    with warehouse.connect(url) as conn:
        assert counts_table(conn) == incremental_counts
        assert mart_checksums(conn) == incremental_marts


def test_unchanged_rows_stay_and_changed_logic_recomputes(changed_db):
    """A build with nothing new rewrites no row; a row counted by another version of the
    code (logic_version) is recomputed."""
    url, ids, _ = changed_db
    dbt_runner.build(url)
    with warehouse.connect(url) as conn:
        first = row_versions(conn)
        marts = mart_checksums(conn)
    dbt_runner.build(url, "int_umkm_register_counts+")
    with warehouse.connect(url) as conn:
        assert row_versions(conn) == first
        assert mart_checksums(conn) == marts
        (current,) = conn.execute(f"select distinct logic_version from {COUNTS}").fetchone()
        conn.execute(
            f"update {COUNTS} set logic_version = 'older code', umkm_units = -1 "
            "where submission_id = %s",
            (ids["sultra"],),
        )
    dbt_runner.build(url, "int_umkm_register_counts+")
    with warehouse.connect(url) as conn:
        assert conn.execute(
            f"select logic_version, umkm_units from {COUNTS} where submission_id = %s",
            (ids["sultra"],),
        ).fetchone() == (current, 3)
        assert mart_checksums(conn) == marts
