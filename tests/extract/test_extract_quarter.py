"""Quarters, the "as of quarter end" filter, headers, and the DAG's schedule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from ingest.extract import QuarterRefused, extract_quarter, parse_quarter, quarter_closed_before
from ingest.extract.headers import header_for, headers_for, readable
from ingest.extract.quarter import row_filter
from ingest.extract.writers import neutralise, sheet_names

ROOT = Path(__file__).resolve().parents[2]
WIB = ZoneInfo("Asia/Jakarta")


def test_parse_quarter():
    q = parse_quarter("2025q1")
    assert (q.label, q.start, q.end) == ("2025Q1", date(2025, 1, 1), date(2025, 3, 31))
    assert parse_quarter("2024Q4").end == date(2024, 12, 31)
    for bad in ["2025", "2025S1", "2025Q5", "Q1 2025", "", "2025-Q1"]:
        with pytest.raises(ValueError, match="not a quarter"):
            parse_quarter(bad)


def test_quarter_closed_before():
    assert quarter_closed_before(datetime(2025, 4, 1, 6, tzinfo=WIB)).label == "2025Q1"
    assert quarter_closed_before(datetime(2025, 3, 31, 23, tzinfo=WIB)).label == "2024Q4"
    # 31 Mar 23:30 UTC is already 1 Apr in Jakarta
    assert quarter_closed_before(datetime(2025, 3, 31, 23, 30, tzinfo=UTC)).label == "2025Q1"
    assert quarter_closed_before(datetime(2025, 1, 1, 6, tzinfo=WIB)).label == "2024Q4"
    assert quarter_closed_before(datetime(2025, 10, 1, 6, tzinfo=WIB)).label == "2025Q3"


def test_row_filter_rules():
    q = parse_quarter("2025Q1")
    index, desc, keep = row_filter(["province_code", "period", "year"], q)
    assert index == 1 and "2025-03-31" in desc
    assert [keep(p) for p in ["2024", "2024S2", "2025Q1", "2025S1", "2025", "2025Q2"]] == [
        True, True, True, False, False, False,
    ]  # fmt: skip
    assert keep(None) and keep("bukan periode")  # rows it cannot place are kept
    _, desc, keep = row_filter(["book_year", "as_of"], q)  # book_year before as_of
    assert desc == "book_year <= 2025"
    assert [keep(y) for y in [2024, 2025, 2026, None]] == [True, True, False, True]
    _, _, keep = row_filter(["as_of"], q)
    assert [keep(d) for d in [date(2025, 3, 31), date(2025, 4, 1), None]] == [True, False, True]
    assert row_filter(["province_code", "province_name"], q) is None


def test_quarter_filter_in_the_extract(marts_url, tmp_path: Path):
    m4 = extract_quarter(marts_url, "2025Q4", tmp_path, progress=lambda m: None)
    m1 = extract_quarter(marts_url, "2025Q1", tmp_path, progress=lambda m: None)
    first = extract_quarter(marts_url, "2024Q4", tmp_path, progress=lambda m: None)
    rows = {q.quarter: {m["mart"]: m["rows"] for m in q.marts} for q in (m1, m4, first)}
    assert rows["2025Q1"]["umkm_contribution"] == 3  # 2024, 2024S2, 2025Q1
    assert rows["2025Q4"]["umkm_contribution"] == 6  # + 2025S1, 2025, 2025Q2
    assert rows["2024Q4"]["umkm_contribution"] == 2  # 2024, 2024S2
    assert rows["2025Q1"]["cooperative_health"] == 3  # book years 2024, 2025
    assert rows["2025Q1"]["agreement_implementation"] == 5  # as_of 2025-06-30 left out
    assert rows["2025Q4"]["agreement_implementation"] == 6
    assert rows["2024Q4"]["dim_province"] == 3  # no period column: whole
    meta = {m["mart"]: m for m in m1.marts}
    assert meta["cooperative_health"]["rows_in_mart"] == 4
    assert meta["cooperative_health"]["filter"] == "book_year <= 2025"
    assert meta["dim_province"]["filter"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024Q4", "2025Q1", "2025Q4"]


def test_future_running_and_pre_data_quarters_are_refused(marts_url, tmp_path: Path):
    today = date(2025, 5, 20)  # in 2025Q2
    with pytest.raises(QuarterRefused, match="2025Q3 has not started yet"):
        extract_quarter(marts_url, "2025Q3", tmp_path, today=today)
    with pytest.raises(QuarterRefused, match="has not ended yet.*--allow-partial"):
        extract_quarter(marts_url, "2025Q2", tmp_path, today=today)
    # the first accepted submission covers 2024: 2023Q4 lies before any data
    with pytest.raises(QuarterRefused, match="before the first data.*2024Q4"):
        extract_quarter(marts_url, "2023Q4", tmp_path, today=today)
    assert list(tmp_path.iterdir()) == []
    partial = extract_quarter(
        marts_url, "2025Q2", tmp_path, today=today, allow_partial=True, progress=lambda m: None
    )
    assert partial.partial is True
    assert json.loads((tmp_path / "2025Q2" / "manifest.json").read_text())["partial"] is True
    cover = openpyxl.load_workbook(tmp_path / "2025Q2" / "2025Q2_marts.xlsx")["Sampul"]
    status = {r[0].value: r[1].value for r in cover.iter_rows(min_row=2)}["Status ekstrak"]
    assert status.startswith("SEMENTARA")
    # --allow-partial never opens a future quarter
    with pytest.raises(QuarterRefused, match="not started"):
        extract_quarter(marts_url, "2025Q3", tmp_path, today=today, allow_partial=True)


def test_headers_fallback_never_fails():
    assert header_for("province_code") == "Kode Provinsi"
    assert header_for("rat_compliance_pct") == "Kepatuhan RAT (%)"
    assert header_for("latest_submitted_at", utc=True) == "Waktu Kiriman Terakhir (UTC)"
    assert readable("umkm_female_owner_pct") == "UMKM Female Owner (%)"
    assert readable("grdp_real_idr_bn") == "GRDP Real (Rp miliar)"
    assert readable("jumlah_nib") == "Jumlah NIB"
    for odd in ["", "_", "x", "Kolom Aneh", "ünïcode_kolom", "_idr", "a__b"]:
        assert isinstance(readable(odd), str) and readable(odd)
    assert headers_for(["period", "Periode"]) == ["Periode [period]", "Periode [Periode]"]


def test_neutralise_and_sheet_names():
    for text in ["=1+1", "+62", "-abc", "@SUM(A1)", "\tx", "\rx"]:
        assert neutralise(text) == "'" + text
    for text in ["Aceh", "'quoted", "1-2", "", " =x", "#N/A"]:
        assert neutralise(text) == text
    names = sheet_names(["a" * 40, "A" * 40, "x/y:z", "'q'"])
    assert names == ["a" * 31, "A" * 29 + "~2", "x_y_z", "q"]


PROBE = r"""
import json, sys, pendulum
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.decoders import decode_timetable
from airflow.serialization.encoders import encode_timetable
from airflow.timetables.base import TimeRestriction
bag = DagBag(dag_folder=sys.argv[1])
dag = bag.dags["quarterly_extract"]
tt = decode_timetable(encode_timetable(dag.timetable))  # as the scheduler sees it
start = pendulum.datetime(2025, 1, 1, tz="Asia/Jakarta")
info, last, out = None, None, []
for _ in range(3):
    info = tt.next_dagrun_info(
        last_automated_data_interval=last,
        restriction=TimeRestriction(earliest=start, latest=None, catchup=True),
    )
    last = info.data_interval
    out.append([info.data_interval.start.isoformat(), info.data_interval.end.isoformat()])
print("RESULT" + json.dumps({"catchup": dag.catchup, "intervals": out,
                             "tasks": [t.task_id for t in dag.tasks]}))
"""


def test_dag_schedule_covers_each_closed_quarter(tmp_path: Path):
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path}/airflow.db",
    }
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "dags" / "quarterly_extract.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT")), None)
    assert line, proc.stderr[-4000:]
    result = json.loads(line[len("RESULT") :])
    assert result["catchup"] is True
    assert result["tasks"] == ["extract"]
    quarters = []
    for start, end in result["intervals"]:
        start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
        assert start.astimezone(WIB).hour == 6 and start.astimezone(WIB).day == 1
        quarters.append(quarter_closed_before(end).label)
    assert quarters == ["2025Q1", "2025Q2", "2025Q3"]


RUN_DAG = r"""
import os, sys
import pendulum
from airflow.dag_processing.dagbag import DagBag
dag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"]).dags["quarterly_extract"]
run = dag.test(logical_date=pendulum.datetime(2025, 7, 1, 6, tz="Asia/Jakarta"))
print("RESULT", run.state)
"""


def test_dag_run_writes_the_quarter_that_closed(marts_url, tmp_path: Path):
    """The task through Airflow (`dag.test`): the run's data interval picks the quarter."""
    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "quarterly_extract.py").write_text((ROOT / "dags" / "quarterly_extract.py").read_text())
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path}/airflow.db",
        "WAREHOUSE_URL": marts_url,
        "EXTRACTS_DIR": str(tmp_path / "extracts"),
        "KUMKM_TASK_RETRIES": "0",
    }
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, capture_output=True, check=True)
    proc = subprocess.run(
        [sys.executable, "-c", RUN_DAG], capture_output=True, text=True, env=env, timeout=300
    )
    assert "RESULT success" in proc.stdout, (proc.stdout + proc.stderr)[-4000:]
    assert sorted(p.name for p in (tmp_path / "extracts").iterdir()) == ["2025Q2"]
    assert (tmp_path / "extracts" / "2025Q2" / "2025Q2_marts.xlsx").is_file()


def test_every_column_of_the_project_marts_has_an_indonesian_header():
    """No English header in the workbook: every column of every mart in the dbt contract
    (_marts.yml) has its fixed Indonesian header and meaning (headers.COLUMNS), and every
    mart its Indonesian sheet name."""
    import yaml

    from ingest.extract.headers import COLUMNS, SHEETS

    spec = yaml.safe_load((ROOT / "dbt_project/models/marts/_marts.yml").read_text())
    for model in spec["models"]:
        assert model["name"] in SHEETS, model["name"]
        missing = [c["name"] for c in model["columns"] if c["name"] not in COLUMNS]
        assert missing == [], (model["name"], missing)
