"""ingest_bps end to end on the real PostgreSQL: snapshot, fake API, reloads, failures."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from decimal import Decimal

import pytest

from ingest import warehouse
from ingest.bps.errors import BpsIngestFailed
from ingest.bps.pipeline import ApiSource, ingest_bps
from ingest.config import settings

from .conftest import KEY, LIVE_DIR, make_client

MEASURES = ["grdp_growth_pct", "grdp_per_capita_kidr", "population_thousand", "grdp_current_idr_bn"]


def _no_key():
    return dataclasses.replace(settings(), bps_api_key=None)


def _rows(url, sql, *params):
    with warehouse.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def _value(url, measure, bps_code, year, subperiod=0):
    [(value, source)] = _rows(
        url,
        "select value, source from raw.bps_observations "
        "where measure = %s and bps_code = %s and year = %s and subperiod = %s",
        measure,
        bps_code,
        year,
        subperiod,
    )
    return value, source


def test_snapshot_run_loads_the_published_figures_and_reload_changes_nothing(bps_db):
    first = ingest_bps(bps_db, settings=_no_key())
    assert first.source == "snapshot" and first.ok
    assert [s.measure for s in first.series] == MEASURES
    assert all(s.rows_inserted == s.rows_received > 0 for s in first.series)

    per_measure = _rows(
        bps_db,
        "select measure, count(distinct province_code), count(*) filter (where is_national), "
        "count(*) filter (where value = 0) from raw.bps_observations group by 1 order by 1",
    )
    # the snapshot holds published figures only (shared/reference/bps, live captures):
    # GRDP 2024 for 27 provinces (+ Papua Barat Daya 2023, ten provinces 2021), national
    # GDP 2021-2024; growth 2023-2025 for all 38 (national 2021-2025); per-capita 2023-2025;
    # population 2024 for 33 (and 2021 for ten)
    assert per_measure == [
        ("grdp_current_idr_bn", 28, 4, 0),
        ("grdp_growth_pct", 38, 5, 0),
        ("grdp_per_capita_kidr", 38, 3, 0),
        ("population_thousand", 33, 0, 0),
    ]
    # Papua: BPS 9400 is Kemendagri 91 (4-digit and 2-digit series alike)
    assert _rows(
        bps_db, "select distinct province_code from raw.bps_observations where bps_code = '9400'"
    ) == [("91",)]
    # no quarterly GRDP is published in the snapshot: the annual total only (turtahun 35)
    assert _rows(
        bps_db,
        "select distinct period, period_type from raw.bps_observations "
        "where measure = 'grdp_current_idr_bn' and year = 2024 order by 1",
    ) == [("2024", "year")]
    fetched = _rows(bps_db, "select max(fetched_at), count(*) from raw.bps_observations")

    second = ingest_bps(bps_db, settings=_no_key())
    assert second.ok and second.rows_changed == 0
    assert all(s.rows_unchanged == s.rows_received > 0 for s in second.series)
    assert _rows(bps_db, "select max(fetched_at), count(*) from raw.bps_observations") == fetched
    statuses = _rows(bps_db, "select source, status, count(*) from raw.bps_fetches group by 1, 2")
    assert statuses == [("snapshot", "ok", 16)]  # 2 runs x 4 series x 2 chunks


def test_a_changed_value_is_updated_alone(bps_db):
    ingest_bps(bps_db, settings=_no_key(), measures=["grdp_growth_pct"])
    original, _ = _value(bps_db, "grdp_growth_pct", "7400", 2023)
    _rows(
        bps_db,
        "update raw.bps_observations set value = 99 where measure = 'grdp_growth_pct' "
        "and bps_code = '7400' and year = 2023 returning 1",
    )
    again = ingest_bps(bps_db, settings=_no_key(), measures=["grdp_growth_pct"])
    s = again.by_measure("grdp_growth_pct")
    assert (s.rows_inserted, s.rows_updated) == (0, 1)
    assert _value(bps_db, "grdp_growth_pct", "7400", 2023) == (original, "snapshot")


def test_api_run_against_the_fake_server_from_the_environment(bps_db, fake, monkeypatch):
    monkeypatch.setenv("BPS_API_KEY", KEY)
    monkeypatch.setenv("BPS_API_URL", fake.url)
    summary = ingest_bps(bps_db)
    assert summary.source == "api" and summary.ok
    assert [s.params["th"] for s in fake.data_requests()] == ["121;122;123", "124;125"] * 4
    assert all(s.params["key"] == KEY for s in fake.data_requests())
    asked = {(s.params["var"], s.params.get("turvar"), s.params.get("turth")) for s in fake.seen}
    assert asked == {
        ("291", "0", "0"),
        ("288", "530", "0"),
        ("1886", None, "0"),
        ("2268", "2022", None),
    }
    counts = _rows(
        bps_db,
        "select measure, count(distinct province_code) from raw.bps_observations "
        "where source = 'api' group by 1 order by 1",
    )
    # the fake answers from the live captures, else from the bundled snapshot (published
    # figures only: GRDP for 28 provinces, population for 33)
    expected = {"grdp_current_idr_bn": 28, "population_thousand": 33}
    assert counts == sorted((m, expected.get(m, 38)) for m in MEASURES)
    if LIVE_DIR.is_dir():  # 2023-2025 come from the live captures
        assert _value(bps_db, "grdp_growth_pct", "7400", 2023) == (Decimal("5.35"), "api")
        assert _value(bps_db, "grdp_growth_pct", "9400", 2023) == (Decimal("4.22"), "api")
        [(last_update,)] = _rows(
            bps_db,
            "select max(last_update) from raw.bps_fetches where measure = 'grdp_growth_pct'",
        )
        assert str(last_update) == "2026-02-19 10:27:07"

    # a later offline run never replaces API rows with snapshot rows
    offline = ingest_bps(bps_db, settings=_no_key())
    assert offline.rows_changed == 0
    assert _rows(bps_db, "select distinct source from raw.bps_observations") == [("api",)]


def _series_file(tmp_path, entries: str):
    path = tmp_path / "series.yaml"
    path.write_text("years: {start: 2023, end: 2025}\nseries:\n" + textwrap.dedent(entries))
    return path


UNAVAILABLE_SERIES = """
  - measure: unknown_var
    var: 99999
    subperiods: {0: year}
    period_type: year
    unit: Persen
  - measure: grdp_growth_pct
    var: 291
    turvar: 0
    subperiods: {0: year}
    period_type: year
    unit: Persen
"""


def test_not_available_is_recorded_and_does_not_fail_the_run(bps_db, fake, sleeps, tmp_path):
    source = ApiSource(make_client(fake.url, sleeps))
    summary = ingest_bps(
        bps_db, series_file=_series_file(tmp_path, UNAVAILABLE_SERIES), source=source
    )
    assert summary.ok
    assert summary.by_measure("unknown_var").years_unavailable == [2023, 2024, 2025]
    assert summary.by_measure("grdp_growth_pct").years_loaded == [2023, 2024, 2025]
    assert _rows(
        bps_db, "select measure, status, years from raw.bps_fetches order by fetch_id"
    ) == [
        ("unknown_var", "unavailable", [2023, 2024, 2025]),
        ("grdp_growth_pct", "ok", [2023, 2024, 2025]),
    ]


@pytest.mark.skipif(not LIVE_DIR.is_dir(), reason="needs the live TPT captures")
def test_tpt_annual_list_not_available_is_unavailable(bps_db, fake, sleeps, tmp_path):
    entries = """
      - measure: tpt_annual_pct
        var: 543
        subperiods: {191: year}
        period_type: year
        unit: Persen
      - measure: tpt_august_pct
        var: 543
        subperiods: {190: year}
        period_type: year
        unit: Persen
    """
    source = ApiSource(make_client(fake.url, sleeps))
    summary = ingest_bps(bps_db, series_file=_series_file(tmp_path, entries), source=source)
    assert summary.ok
    assert summary.by_measure("tpt_annual_pct").years_unavailable == [2023, 2024, 2025]
    august = summary.by_measure("tpt_august_pct")
    assert august.years_loaded == [2023, 2024, 2025]
    # the four newest Papua provinces have no 2023 figure: no row, never a zero
    assert _rows(
        bps_db,
        "select count(*) from raw.bps_observations where measure = 'tpt_august_pct' "
        "and year = 2023 and bps_code in ('9200', '9500', '9600', '9700')",
    ) == [(0,)]


def test_failure_keeps_previous_rows_loads_the_rest_and_raises(bps_db, fake, sleeps):
    source = ApiSource(make_client(fake.url, sleeps, max_attempts=2))
    ingest_bps(bps_db, source=source)
    before = _rows(
        bps_db,
        "select measure, bps_code, year, subperiod, value, fetched_at "
        "from raw.bps_observations order by 1, 2, 3, 4",
    )
    fake.script(503, 503)  # the first chunk of the first series fails after 2 attempts

    with pytest.raises(BpsIngestFailed) as err:
        ingest_bps(bps_db, source=source)
    summary = err.value.summary
    assert not summary.ok and len(summary.errors) == 1
    growth = summary.by_measure("grdp_growth_pct")
    assert growth.errors and growth.years_loaded == [2024, 2025]
    assert all(s.ok for s in summary.series[1:])
    assert "HTTP 503" in str(err.value) and KEY not in str(err.value)
    after = _rows(
        bps_db,
        "select measure, bps_code, year, subperiod, value, fetched_at "
        "from raw.bps_observations order by 1, 2, 3, 4",
    )
    assert after == before  # nothing deleted, nothing changed
    [(status, years, error)] = _rows(
        bps_db, "select status, years, error from raw.bps_fetches where status = 'error'"
    )
    assert status == "error" and years == [2021, 2022, 2023]
    assert "HTTP 503" in error and KEY not in error and "/key/***/" in error


def test_raise_on_error_false_returns_the_summary(bps_db, fake, sleeps):
    source = ApiSource(make_client(fake.url, sleeps, max_attempts=1))
    fake.script(*[500] * 8)
    summary = ingest_bps(bps_db, source=source, raise_on_error=False)
    assert not summary.ok and len(summary.errors) == 8
    assert json.loads(json.dumps(summary.to_dict()))["ok"] is False  # XCom-ready
    assert _rows(bps_db, "select count(*) from raw.bps_observations") == [(0,)]
