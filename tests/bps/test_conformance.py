"""Conformance: every live capture of the real BPS WebAPI decodes, with known cells.

The captures are third-party data read from ../shared/fixtures/bps-live (not copied into
the repo); the module is skipped only when that folder is absent.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.bps.client import _list_page, check_envelope
from ingest.bps.decode import decode, iter_cells
from ingest.bps.errors import BpsMissingKeyError

from .conftest import LIVE_DIR, live

pytestmark = pytest.mark.skipif(not LIVE_DIR.is_dir(), reason=f"no live captures at {LIVE_DIR}")

NEW_PAPUA = {"9200", "9500", "9600", "9700"}


def _data_captures() -> list[str]:
    if not LIVE_DIR.is_dir():
        return []
    names = []
    for path in sorted(LIVE_DIR.glob("*.json")):
        body = live(path.name)
        unavailable = body.get("data-availability") in ("not-available", "list-not-available")
        if body.get("status") == "OK" and ("datacontent" in body or unavailable):
            names.append(path.name)
    return names


@pytest.mark.parametrize("name", _data_captures())
def test_every_data_capture_decodes_completely(name):
    body = live(name)
    check_envelope(body)
    out = decode(body)
    if not out.available:
        assert name == "tpt_annual_543_2023_2025_live.json"
        return
    assert out.observations and not out.unmapped
    # every datacontent key is reached by a key built from the metadata
    assert {c.key for c in iter_cells(body)} == set(body["datacontent"])
    provinces = {o.province_code for o in out.observations if not o.is_national}
    if body.get("labelvervar") == "38 Provinsi":
        assert len(provinces) == 38
    assert all(o.value is not None and o.year in out.years for o in out.observations)


def _cell(observations, bps_code, year, turvar=None):
    [obs] = [
        o
        for o in observations
        if o.bps_code == bps_code and o.year == year and turvar in (None, o.turvar_val)
    ]
    return obs


def test_grdp_growth_known_cells():
    out = decode(live("grdp_growth_constant_2010_291_2023_2025_live.json"), var_id=291)
    sultra = _cell(out.observations, "7400", 2023)
    assert sultra.value == Decimal("5.35") and sultra.province_code == "74"
    papua = _cell(out.observations, "9400", 2023)
    assert papua.value == Decimal("4.22") and papua.province_code == "91"
    papua_barat = _cell(out.observations, "9100", 2023)
    assert papua_barat.province_code == "92"
    national = _cell(out.observations, "9999", 2023)
    assert national.is_national and national.province_code is None
    assert out.unit == "Persen" and out.last_update == "2026-02-19 10:27:07"
    assert out.years == (2023, 2024, 2025)


def test_grdp_per_capita_turvar_530_vs_531():
    body = live("grdp_per_capita_current_288_2023_2025_live.json")
    both = decode(body, var_id=288)
    current = decode(body, var_id=288, turvar=530)
    assert len(both.observations) == 2 * len(current.observations)
    assert {o.turvar_val for o in current.observations} == {"530"}
    assert current.observations[0].turvar_label == "Harga Berlaku"


def test_tpt_new_papua_provinces_have_no_2023_cells_missing_not_zero():
    out = decode(live("tpt_august_543_2023_2025_live.json"), var_id=543, turtahun=190)
    codes_2023 = {o.bps_code for o in out.observations if o.year == 2023}
    codes_2024 = {o.bps_code for o in out.observations if o.year == 2024}
    assert not NEW_PAPUA & codes_2023
    assert codes_2024 >= NEW_PAPUA
    assert all(o.value != 0 for o in out.observations)


def test_tpt_annual_is_an_unavailable_result():
    out = decode(live("tpt_annual_543_2023_2025_live.json"))
    assert not out.available and out.availability == "list-not-available"


def test_quarter_like_turtahun_of_poverty_capture():
    out = decode(live("poverty_march_total_192_2023_2025_live.json"), var_id=192, turvar=434)
    assert {o.turtahun_val for o in out.observations} == {61}
    assert {o.turtahun_label for o in out.observations} == {"Semester 1 (Maret)"}


def test_documentation_sample_with_two_digit_vervar():
    out = decode(live("dynamic_data_documentation_sample.json"))
    got = {o.bps_code: (o.province_code, o.value, o.year) for o in out.observations}
    assert got == {
        "1100": ("11", Decimal("82.41"), 2000),
        "9999": (None, Decimal("83.68"), 2000),
    }


def test_missing_key_capture():
    with pytest.raises(BpsMissingKeyError):
        check_envelope(live("missing_key_error.json"))


def test_list_captures_and_pagination():
    items, pages = _list_page(live("tpt_periods_543_live.json"), None)
    assert pages == 4 and len(items) == 10 and items[0] == {"th_id": 126, "th": "2026"}
    items, pages = _list_page(live("domain_provinces_live.json"), None)
    assert pages == 1 and len(items) == 34  # the domain list has no new Papua provinces
    items, _ = _list_page(live("tpt_subperiods_543_2023_2025_live.json"), None)
    assert [i["turth_id"] for i in items] == [189, 190, 191]
