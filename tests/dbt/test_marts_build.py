"""ingest.marts_build: after each change the loader, the gate, BPS or the calendar make, the
selective build (or none) leaves exactly the marts a full build of the same warehouse leaves,
and builds only the tables downstream of what changed."""

from __future__ import annotations

from datetime import date

import pytest
from psycopg.types.json import Jsonb

from ingest import marts_build, warehouse
from ingest.summary import mart_checksums

COMPLIANCE_AS_OF = "2025-09-30"  # as in conftest.py: fixed figures
UMKM_TABLES = {"int_umkm_register_counts", "umkm_contribution", "umkm_contribution_national"}
LOG_WIDE = {"submission_compliance", "submissions_in_force_snapshot"}
AGREEMENT_TABLES = {"agreement_implementation", "agreement_summary"}

GORONTALO_2024S1 = [
    ("7500000000001", "Binte Biluhuta Ibu Nur", "Kota Gorontalo", "56101", "mikro", "reguler"),
    (None, "Kerajinan Karawo", "Kabupaten Gorontalo", "13929", "kecil", "tidak ada"),
]
AGREEMENT = (
    "PKS/GO",
    "PKS",
    "Pemasaran",
    "Bank SulutGo",
    "lembaga keuangan",
    date(2025, 1, 6),
    date(2027, 1, 6),
    "berjalan",
)


@pytest.fixture
def built(crafted_db, tmp_path, monkeypatch):
    """The crafted warehouse after its first build (a full one): (url, target path)."""
    monkeypatch.setenv("KUMKM_AS_OF", COMPLIANCE_AS_OF)
    url, _ = crafted_db
    target = tmp_path / "target"
    first = marts_build.build(url, target_path=target)
    assert first.kind == "full"
    assert first.reason == "no earlier build of target prod recorded"
    return url, target


def checksums(url: str) -> dict[str, str]:
    with warehouse.connect(url) as conn:
        return mart_checksums(conn)


def assert_same_as_full_build(url: str, target) -> dict[str, str]:
    after = checksums(url)
    full = marts_build.build(url, target_path=target, full=True)
    assert full.kind == "full" and full.reason == "requested"
    assert checksums(url) == after
    return after


def test_nothing_changed_runs_no_dbt(built):
    url, target = built
    before = checksums(url)
    again = marts_build.build(url, target_path=target)
    assert again.kind == "none" and again.nodes == 0
    assert again.reason.startswith("nothing changed since build ")
    assert checksums(url) == before
    assert_same_as_full_build(url, target)


def test_an_umkm_resubmission_builds_the_umkm_tables_only(built, raw_writer):
    url, target = built
    before = checksums(url)
    with warehouse.connect(url) as conn, conn.transaction():
        sid = raw_writer(conn).submission(
            "umkm", "75", "2024S1", "accepted", "2024-08-15", GORONTALO_2024S1
        )
        conn.execute(
            "update raw.submissions set validated_at = now() where submission_id = %s", (sid,)
        )
    p = marts_build.build(url, target_path=target)
    assert p.kind == "selective"
    assert set(p.built) == UMKM_TABLES | LOG_WIDE
    assert p.reason.startswith("built 5 models downstream of umkm, the submission log (")
    assert p.tests > 0
    after = assert_same_as_full_build(url, target)
    assert after["umkm_contribution"] != before["umkm_contribution"]
    assert after["cooperative_health"] == before["cooperative_health"]


def test_another_dataset_does_not_build_the_umkm_tables(built, raw_writer):
    url, target = built
    before = checksums(url)
    with warehouse.connect(url) as conn, conn.transaction():
        sid = raw_writer(conn).submission(
            "kerja_sama",
            "75",
            "2025Q2",
            "accepted",
            "2025-07-06",
            [AGREEMENT],
        )
        conn.execute(
            "update raw.submissions set validated_at = now() where submission_id = %s", (sid,)
        )
    p = marts_build.build(url, target_path=target)
    assert p.kind == "selective"
    assert set(p.built) >= AGREEMENT_TABLES | LOG_WIDE
    assert not UMKM_TABLES & set(p.built)
    assert "downstream of kerja_sama, the submission log (" in p.reason
    after = assert_same_as_full_build(url, target)
    assert after["agreement_summary"] != before["agreement_summary"]


def test_bps_and_the_compliance_date(built, monkeypatch):
    url, target = built
    with warehouse.connect(url) as conn:
        conn.execute(
            "update raw.bps_observations set value = value * 2, fetched_at = now() "
            "where bps_code = '3500' and period = '2024' and measure = 'grdp_current_idr_bn'"
        )
    p = marts_build.build(url, target_path=target)
    assert p.kind == "selective"
    assert {"umkm_contribution", "umkm_contribution_national"} <= set(p.built)
    assert not ({"int_umkm_register_counts"} | LOG_WIDE | AGREEMENT_TABLES) & set(p.built)
    assert_same_as_full_build(url, target)

    monkeypatch.setenv("KUMKM_AS_OF", "2025-12-31")
    p = marts_build.build(url, target_path=target)
    assert p.kind == "selective" and p.built == [
        "int_reporting_calendar_due",  # a view: the pinned date is in its SQL
        "submission_compliance",
    ]
    assert "downstream of the compliance date" in p.reason
    assert_same_as_full_build(url, target)


def test_a_changed_project_or_another_manifest_means_a_full_build(built):
    url, target = built
    with warehouse.connect(url) as conn:
        conn.execute(
            'update audit.marts_builds set inputs = inputs || \'{"project": "older"}\' '
            "where build_id = (select max(build_id) from audit.marts_builds)"
        )
        p = marts_build.plan(conn, target)
        assert (p.kind, p.reason) == (
            "full",
            "the dbt project or dbt's version changed since the last build",
        )
        conn.execute(
            "update audit.marts_builds set inputs = %s, manifest_id = 'another run'",
            (Jsonb(p.inputs),),
        )
        p = marts_build.plan(conn, target)
        assert p.kind == "full" and p.reason.endswith("is not the one the last build left")


def test_the_command_line_builds_what_changed_or_everything(
    crafted_db, monkeypatch, capsys, tmp_path
):
    from ingest import cli

    url, _ = crafted_db
    monkeypatch.setenv("WAREHOUSE_URL", url)
    monkeypatch.setenv("KUMKM_AS_OF", COMPLIANCE_AS_OF)
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    assert cli.main(["marts"]) == 0
    assert "marts: full build: no earlier build of target prod recorded" in capsys.readouterr().out
    assert cli.main(["marts"]) == 0
    assert "marts: nothing changed since build " in capsys.readouterr().out
    assert cli.main(["marts", "--full"]) == 0
    assert "marts: full build: requested" in capsys.readouterr().out
