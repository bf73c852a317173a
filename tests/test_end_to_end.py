"""End to end through Airflow's scheduler (as `make run`): a small dropzone -> the pipeline
DAGs -> the marts, asserted against figures computed by hand. A second run changes nothing
and builds nothing; the task logs are served by the REST API (what the UI shows)."""

from __future__ import annotations

import csv
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from ingest import warehouse
from ingest.airflow_runner import run_pipeline
from ingest.airflow_services import Services, airflow_env, ensure_metadata
from ingest.summary import mart_checksums, run_summary

ACTIVE, RAT_HELD, RAT_LATE, INACTIVE = 2300, 420, 40, 150


def write_sultra_register(path: Path) -> None:
    """2,300 active cooperatives of which 420 held their 2024 RAT (40 after 30 June 2025)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["DATA KOPERASI PROVINSI SULAWESI TENGGARA"])
        out.writerow(["Keadaan s.d. 31 Desember 2024"])
        out.writerow([])
        out.writerow(
            [
                "NIK",
                "Nama Koperasi",
                "Kab/Kota",
                "Status",
                "Jumlah Anggota Wanita",
                "Tgl RAT",
                "Aset",
                "Predikat Kesehatan",
            ]
        )
        for i in range(ACTIVE + INACTIVE):
            active = i < ACTIVE
            rat = ""
            if active and i < RAT_HELD:
                day = date(2025, 3, 1) + timedelta(days=i % 100)
                if i < RAT_LATE:
                    day = date(2025, 7, 1) + timedelta(days=i)
                rat = day.strftime("%d/%m/%Y")
            out.writerow(
                [
                    f"{7400000000 + i:013d}",
                    f"Koperasi {i}",
                    "Kab. Konawe",
                    "AKTIF" if active else "Tidak aktif",
                    "3",
                    rat,
                    "1.000.000",
                    "sehat" if i % 2 else "cukup sehat",
                ]
            )
        out.writerow(["JUMLAH", "", "", "", "", "", "", ""])
    os.utime(path, (1_700_000_000, 1_700_000_000))


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory, make_database):
    root = tmp_path_factory.mktemp("e2e")
    dropzone = root / "dropzone"
    write_sultra_register(dropzone / "sultra" / "koperasi_sultra_2024.csv")
    (dropzone / "koperasi_74_2023.csv").write_text("bukan data koperasi\n")
    with make_database() as url:
        env = airflow_env(
            root / "state", {"WAREHOUSE_URL": url, "DROPZONE": str(dropzone), "BPS_API_KEY": ""}
        )
        ensure_metadata(env)
        with Services(env).running() as services:
            reports = [run_pipeline(root / "state", echo=lambda line: None, services=services)]
            with warehouse.connect(url) as conn:
                first = mart_checksums(conn)
                run_summary(conn)
            reports.append(run_pipeline(root / "state", echo=lambda line: None, services=services))
            load = reports[0].of("ingest_submissions")[0]
            log = services.task_log("ingest_submissions", load.run_id, "load_dropzone")
            with warehouse.connect(url) as conn:
                yield url, first, mart_checksums(conn), run_summary(conn), reports, log


def test_cooperative_health_figures(pipeline_run):
    url, *_ = pipeline_run
    with warehouse.connect(url) as conn:
        row = conn.execute(
            "select province_name, cooperatives_total, cooperatives_active, rat_held, "
            "rat_compliance_pct, rat_on_time, members_female, assets_idr "
            "from marts.cooperative_health where province_code = '74' and book_year = 2024"
        ).fetchone()
    assert row[0] == "Sulawesi Tenggara"
    assert row[1:4] == (ACTIVE + INACTIVE, ACTIVE, RAT_HELD)
    assert str(row[4]) == "18.26"
    assert row[5] == RAT_HELD - RAT_LATE
    assert row[6] == 3 * (ACTIVE + INACTIVE)
    assert row[7] == 1_000_000 * (ACTIVE + INACTIVE)


def test_outcomes_are_recorded(pipeline_run):
    url, *_ = pipeline_run
    with warehouse.connect(url) as conn:
        outcomes = dict(conn.execute("select file_name, outcome from raw.submissions").fetchall())
    assert outcomes["koperasi_sultra_2024.csv"] in ("accepted", "accepted_with_warnings")
    assert outcomes["koperasi_74_2023.csv"] == "rejected"


def test_bps_series_for_every_province(pipeline_run):
    url, *_ = pipeline_run
    with warehouse.connect(url) as conn:
        provinces = conn.execute(
            "select count(distinct province_code) from raw.bps_observations "
            "where measure = 'grdp_growth_pct' and not is_national"
        ).fetchone()[0]
    assert provinces == 38


def test_second_run_changes_nothing(pipeline_run):
    _, first, second, summary, *_ = pipeline_run
    assert first == second
    assert "no new files" in summary
    assert "Nothing changed since the previous run" in summary


def test_second_run_skips_the_gate_and_builds_nothing(pipeline_run):
    *_, reports, _ = pipeline_run
    assert reports[0].dbt_builds >= 1
    second = reports[1]
    assert second.dbt_builds == 0 and second.of("build_marts") == []
    runs = second.of("ingest_submissions")  # two when an hour starts during the run
    assert runs and all(
        r.tasks == {"load_dropzone": "success", "validation_gate": "skipped"} for r in runs
    )
    assert second.seconds < reports[0].seconds / 2


def test_task_log_is_served_by_the_rest_api(pipeline_run):
    *_, log = pipeline_run
    assert "sultra/koperasi_sultra_2024.csv -> loaded (received 2450, loaded 2450" in log
