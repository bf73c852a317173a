"""The decoder: keys built from metadata, years from labels, provinces through the table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.bps.decode import (
    build_key,
    clean_label,
    decode,
    iter_cells,
    parse_value,
    resolve_vervar,
)
from ingest.bps.errors import BpsMalformedResponseError

from .bodies import body


def test_key_is_plain_concatenation_of_the_five_vals():
    assert build_key(7400, 291, "0", 123, 0) == "740029101230"
    assert build_key(800, 1956, 0, 124, 31) == "8001956012431"
    assert build_key(11, 145, 289, 100, 0) == "111452891000"


def test_quarterly_cell_found_by_built_key():
    b = body(
        vervar=((800, "X"),),
        var=1956,
        turvar=((0, "Tidak ada"),),
        tahun=((124, "2024"),),
        turtahun=((31, "Triwulan I"), (32, "Triwulan II"), (35, "Tahunan")),
        content={"8001956012431": 10.5, "8001956012435": 44},
    )
    cells = {c.key: c for c in iter_cells(b)}
    assert set(cells) == {"8001956012431", "8001956012435"}  # 32 absent: no cell
    q1 = cells["8001956012431"]
    assert (q1.vervar, q1.var, q1.turvar, q1.year, q1.turtahun) == ("800", "1956", "0", 2024, 31)
    assert q1.turtahun_label == "Triwulan I" and q1.value == Decimal("10.5")


@pytest.mark.parametrize("turvar_val", ["0", 0])
def test_turvar_as_string_or_int_builds_the_same_key(turvar_val):
    b = body(turvar=((turvar_val, "Tidak ada"),), content={"740029101230": 5.35})
    [obs] = decode(b, var_id=291).observations
    assert obs.turvar_val == "0" and obs.value == Decimal("5.35")


def test_int_and_string_turvars_mixed_and_filtered():
    b = body(
        var=288,
        turvar=((530, "Harga Berlaku"), ("531", "Harga Konstan 2010")),
        content={"74002885301230": 40811.51, "74002885311230": 30000},
    )
    both = decode(b, var_id=288)
    assert {o.turvar_val for o in both.observations} == {"530", "531"}
    [current] = decode(b, var_id=288, turvar=530).observations
    assert current.value == Decimal("40811.51") and current.turvar_label == "Harga Berlaku"


def test_years_come_from_tahun_labels_not_the_th_id():
    b = body(tahun=((999, "2023"),), content={"740029109990": 1.5})
    [obs] = decode(b).observations
    assert obs.year == 2023


def test_four_digit_vervar_and_papua_codes_go_through_the_table():
    rows = ((9100, "PAPUA BARAT"), (9200, "PAPUA BARAT DAYA"), (9400, "PAPUA"))
    rows += ((9500, "PAPUA SELATAN"), (9600, "PAPUA TENGAH"), (9700, "PAPUA PEGUNUNGAN"))
    rows += ((7400, "SULAWESI TENGGARA"), (9999, "INDONESIA"))
    content = {f"{v}29101230": i + 1 for i, (v, _) in enumerate(rows)}
    obs = {o.bps_code: o for o in decode(body(vervar=rows, content=content)).observations}
    assert {b: o.province_code for b, o in obs.items()} == {
        "9100": "92",
        "9200": "96",
        "9400": "91",
        "9500": "93",
        "9600": "94",
        "9700": "95",
        "7400": "74",
        "9999": None,
    }
    assert obs["9999"].is_national and not obs["9400"].is_national


def test_two_digit_vervar_maps_via_the_table_and_papua_by_label():
    rows = ((11, "ACEH"), (74, "SULAWESI TENGGARA"), (91, "PAPUA BARAT"), (94, "PAPUA"))
    rows += ((92, "PAPUA BARAT DAYA"), (9999, "INDONESIA"))
    content = {f"{v}2268202212435": 100 + i for i, (v, _) in enumerate(rows)}
    b = body(
        vervar=rows,
        var=2268,
        turvar=((2022, "Jumlah"),),
        tahun=((124, "2024"),),
        turtahun=((35, "Tahunan"),),
        content=content,
    )
    got = {o.vervar: (o.province_code, o.bps_code) for o in decode(b).observations}
    assert got == {
        "11": ("11", "1100"),
        "74": ("74", "7400"),
        "91": ("92", "9100"),  # BPS 2-digit 91 = Papua Barat (Kemendagri 92)
        "94": ("91", "9400"),  # BPS 2-digit 94 = Papua (Kemendagri 91)
        "92": ("96", "9200"),  # BPS 2-digit 92 = Papua Barat Daya (Kemendagri 96)
        "9999": (None, "9999"),
    }


def test_two_digit_papua_code_is_resolved_by_its_label():
    # "91" labelled PAPUA: the Kemendagri reading; the label decides, not the digits
    assert resolve_vervar("91", "PAPUA") == ("91", "9400")
    assert resolve_vervar("91", "PAPUA BARAT") == ("92", "9100")
    assert resolve_vervar("92", "PAPUA BARAT") == ("92", "9100")  # Kemendagri reading
    assert resolve_vervar("92", "Papua Barat Daya") == ("96", "9200")  # BPS reading
    # a label naming a province neither reading of the code gives: skipped
    assert resolve_vervar("91", "PAPUA SELATAN") == (None, None)
    # no usable label: the BPS reading (code + "00")
    assert resolve_vervar("94", "") == ("91", "9400")
    assert resolve_vervar("5400", "TIMOR TIMUR") == (None, None)


def test_html_in_labels_is_stripped():
    b = body(
        vervar=((7400, "<b>SULAWESI&nbsp;TENGGARA</b>"),),
        turvar=(("0", "<i>Tidak ada</i>"),),
        content={"740029101230": 5},
    )
    [obs] = decode(b).observations
    assert obs.turvar_label == "Tidak ada" and obs.province_code == "74"
    assert clean_label("<p><ul><li>Data 2024:&amp; Angka</li></ul></p>") == "Data 2024:& Angka"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (5.35, Decimal("5.35")),
        (7, Decimal("7")),
        ("5.35", Decimal("5.35")),
        (" 40811.51 ", Decimal("40811.51")),
        ("5,35", Decimal("5.35")),
        (None, None),
        ("", None),
        ("-", None),
        ("n/a", None),
        ("abc", None),
        (float("nan"), None),
        (True, None),
    ],
)
def test_values(raw, expected):
    assert parse_value(raw) == expected


def test_missing_cells_stay_missing_and_nulls_have_no_value():
    rows = ((7400, "SULAWESI TENGGARA"), (7500, "GORONTALO"), (7600, "SULAWESI BARAT"))
    b = body(vervar=rows, content={"740029101230": "5.35", "750029101230": None})
    obs = {o.bps_code: o.value for o in decode(b).observations}
    assert obs == {"7400": Decimal("5.35"), "7500": None}  # 7600: no key, no observation
    assert 0 not in obs.values()


def test_filters_on_years_and_turtahun():
    b = body(
        tahun=((123, "2023"), (124, "2024")),
        turtahun=((0, "Tahun"), (1, "Other")),
        content={"740029101230": 1, "740029101240": 2, "740029101231": 3},
    )
    got = [(o.year, o.turtahun_val) for o in decode(b, years=[2023], turtahun=[0]).observations]
    assert got == [(2023, 0)]


def test_unknown_province_rows_are_reported_not_loaded():
    b = body(vervar=((5400, "TIMOR TIMUR"), (7400, "SULAWESI TENGGARA")))
    b["datacontent"] = {"540029101230": 1, "740029101230": 2}
    out = decode(b)
    assert [o.bps_code for o in out.observations] == ["7400"]
    assert out.unmapped == [("5400", "TIMOR TIMUR")]


def test_unavailable_answers_decode_to_no_data():
    for state in ("not-available", "list-not-available"):
        out = decode({"status": "OK", "data-availability": state, "data": ""})
        assert not out.available and out.observations == []


def test_available_but_empty_datacontent():
    out = decode(body(content={}))
    assert out.available and out.observations == []


@pytest.mark.parametrize("drop", ["datacontent", "vervar", "tahun"])
def test_malformed_answers(drop):
    b = body(content={"740029101230": 1})
    del b[drop]
    with pytest.raises(BpsMalformedResponseError):
        decode(b)


def test_tahun_label_without_a_year_is_malformed():
    with pytest.raises(BpsMalformedResponseError):
        decode(body(tahun=((123, "Tahun ini"),), content={"740029101230": 1}))
