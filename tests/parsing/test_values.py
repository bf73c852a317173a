"""Cell parsers: numbers, percents, dates, categories, identifiers, regencies, headers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ingest.submissions.values import (
    CellError,
    choice_key,
    clean_text,
    is_ambiguous_number,
    normalise_header,
    normalise_regency,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_identifier,
    parse_int,
    parse_percent,
)

D = Decimal


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("  Koperasi   Maju\tJaya ", "Koperasi Maju Jaya"),
        ("a\u00a0b", "a b"),
        ("", None),
        ("   ", None),
        (None, None),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (True, "TRUE"),
        (datetime(2023, 6, 16), "2023-06-16"),
        (date(2023, 6, 16), "2023-06-16"),
    ],
)
def test_clean_text(cell, expected):
    assert clean_text(cell) == expected


@pytest.mark.parametrize(
    "text",
    ["Jumlah Anggota Pria", "jumlah_anggota_pria", "JUMLAH-ANGGOTA PRIA", " Jumlah.Anggota/Pria "],
)
def test_normalise_header(text):
    assert normalise_header(text) == "jumlahanggotapria"


def test_normalise_header_odd_cells():
    assert normalise_header(None) == ""
    assert normalise_header(2023) == "2023"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("1.234.567", D("1234567")),
        ("1.234.567,89", D("1234567.89")),
        ("Rp 1.234.567", D("1234567")),
        ("Rp1.234.567", D("1234567")),
        ("RP. 1.234.567,-", D("1234567")),
        ("Rp. 1.234.567,00", D("1234567.00")),
        ("IDR 2.500", D("2500")),
        ("1234567.89", D("1234567.89")),
        ("1234567,89", D("1234567.89")),
        ("1,234,567.89", D("1234567.89")),
        ("1,234,567", D("1234567")),
        ("1.234", D("1234")),
        ("1,234", D("1.234")),  # a lone comma is the decimal comma (spec: "A lone comma")
        ("12,345", D("12.345")),
        ("Rp 12,345", D("12.345")),
        ("1.5", D("1.5")),
        ("1,5", D("1.5")),
        ("0,123", D("0.123")),
        ("12.345.678", D("12345678")),
        ("1234.567", D("1234.567")),
        ("1 234 567", D("1234567")),
        ("007", D("7")),
        ("-", D("0")),
        ("Rp -", D("0")),
        ("  42  ", D("42")),
        ("", None),
        ("   ", None),
        (None, None),
        (1234567, D("1234567")),
        (0.1, D("0.1")),  # exact via str(), not Decimal(0.1)'s binary expansion
        (1234567.89, D("1234567.89")),
        ("1.5E+3", D("1500")),
    ],
)
def test_parse_decimal(cell, expected):
    assert parse_decimal(cell) == expected


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("-12.345.678", D("-12345678")),
        ("(1.234)", D("-1234")),
        ("Rp -1.000", D("-1000")),
        (-5, D("-5")),
    ],
)
def test_parse_decimal_signed(cell, expected):
    assert parse_decimal(cell, signed=True) == expected


@pytest.mark.parametrize("cell", ["-12.345.678", "(1.234)", -5, -0.5, "-1"])
def test_parse_decimal_negative_is_an_error_unless_signed(cell):
    with pytest.raises(CellError) as err:
        parse_decimal(cell)
    assert err.value.rule == "value.negative"
    assert "negatif" in err.value.reason


@pytest.mark.parametrize(
    "cell",
    [
        "abc",
        "12a",
        "1.2.3",
        "1,2,3",
        "1.234,567.8",
        "12.34.567",
        "1 23",
        "Rp",
        "#N/A",
        True,
        date(2024, 1, 1),
    ],
)
def test_parse_decimal_rejects(cell):
    with pytest.raises(CellError) as err:
        parse_decimal(cell)
    assert err.value.rule == "value.not_a_number"
    assert "bukan angka" in err.value.reason


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("1.234", 1234),
        ("12", 12),
        (12, 12),
        (12.0, 12),
        ("-", 0),
        ("1.234.567", 1234567),
        ("", None),
        ("3,0", 3),
    ],
)
def test_parse_int(cell, expected):
    assert parse_int(cell) == expected


def test_a_lone_comma_in_a_count_is_a_decimal_comma_not_thousands():
    with pytest.raises(CellError) as err:
        parse_int("12,345")
    assert err.value.rule == "value.not_whole"
    assert "koma dibaca sebagai tanda desimal" in err.value.reason


@pytest.mark.parametrize(
    "cell, ambiguous",
    [
        ("12,345", True),
        ("Rp 1,500", True),
        ("-12,345", True),
        ("12,34", False),
        ("1,234,567", False),
        ("1.234,567", False),
        ("12,3456", False),
        (12.345, False),
    ],
)
def test_is_ambiguous_number(cell, ambiguous):
    assert is_ambiguous_number(cell) is ambiguous


def test_a_dash_in_a_date_is_no_date():
    assert parse_date("-") is None
    assert parse_date(" \u2013 ") is None


def test_parse_int_rejects_fractions_and_negatives():
    with pytest.raises(CellError) as err:
        parse_int("1,5")
    assert err.value.rule == "value.not_whole"
    with pytest.raises(CellError) as err:
        parse_int(2.5)
    assert err.value.rule == "value.not_whole"
    with pytest.raises(CellError) as err:
        parse_int("-3")
    assert err.value.rule == "value.negative"
    with pytest.raises(CellError) as err:
        parse_int(-3)
    assert err.value.rule == "value.negative"
    assert parse_int("-3", signed=True) == -3


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("60,43%", D("60.43")),
        ("60,43", D("60.43")),
        ("60.43 %", D("60.43")),
        ("60.43", D("60.43")),
        ("12,345", D("12.345")),  # within a percent a single separator is the decimal mark
        ("100%", D("100")),
        ("0", D("0")),
        (60.43, D("60.43")),
        (0.6043, D("0.6043")),  # a bare number is the percent itself (documented)
        (45, D("45")),
        ("", None),
        ("-", None),
        (None, None),
    ],
)
def test_parse_percent(cell, expected):
    assert parse_percent(cell) == expected


@pytest.mark.parametrize("cell", ["100,5%", "150", 101, "-5%", -1])
def test_parse_percent_range(cell):
    with pytest.raises(CellError) as err:
        parse_percent(cell)
    assert err.value.rule == "value.percent_range"
    assert "0-100" in err.value.reason


def test_parse_percent_garbage():
    with pytest.raises(CellError) as err:
        parse_percent("enam puluh")
    assert err.value.rule == "value.not_a_percent"


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("16/06/2023", date(2023, 6, 16)),
        ("16-06-2023", date(2023, 6, 16)),
        ("16.06.2023", date(2023, 6, 16)),
        ("2023-06-16", date(2023, 6, 16)),
        ("2023-06-16 00:00:00", date(2023, 6, 16)),
        ("6/1/2024", date(2024, 1, 6)),  # D/M/YYYY
        ("16 Juni 2023", date(2023, 6, 16)),
        ("16 JUNI 2023", date(2023, 6, 16)),
        ("5 Nov 2025", date(2025, 11, 5)),
        ("1 Agustus 2024", date(2024, 8, 1)),
        ("3 Agt 2024", date(2024, 8, 3)),
        ("3 agu 2024", date(2024, 8, 3)),
        ("24 Mei 2023", date(2023, 5, 24)),
        ("1 Okt 2024", date(2024, 10, 1)),
        ("31 Des 2024", date(2024, 12, 31)),
        ("9 Peb 2024", date(2024, 2, 9)),
        ("9 Feb 2024", date(2024, 2, 9)),
        ("17 Nopember 2024", date(2024, 11, 17)),
        ("5-Nov-2025", date(2025, 11, 5)),
        ("Jumat, 16 Juni 2023", date(2023, 6, 16)),
        ("1 Januari 2021", date(2021, 1, 1)),
        ("29 Februari 2024", date(2024, 2, 29)),
        ("10 Maret 2022", date(2022, 3, 10)),
        ("2 Juli 2022", date(2022, 7, 2)),
        ("2 September 2022", date(2022, 9, 2)),
        (datetime(2023, 6, 16, 14, 30), date(2023, 6, 16)),
        (date(2023, 6, 16), date(2023, 6, 16)),
        (45093, date(2023, 6, 16)),  # Excel serial, 1900 system
        (45093.75, date(2023, 6, 16)),
        ("45093", date(2023, 6, 16)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    "cell, why",
    [
        ("31/02/2024", "tidak ada di kalender"),
        ("29 Februari 2023", "tidak ada di kalender"),
        ("16/13/2023", "tidak ada di kalender"),
        ("6/16/2023", "tidak ada di kalender"),  # US month/day order is not the contract's
        ("16 Jumi 2023", "Jumi"),
        ("16/06/23", "gunakan DD/MM/YYYY"),
        ("kemarin", "gunakan DD/MM/YYYY"),
        ("16/06/1850", "tahun 1850"),
        (2024, "bukan tanggal Excel"),
        (True, "bukan tanggal"),
    ],
)
def test_parse_date_rejects_with_the_text_shown(cell, why):
    with pytest.raises(CellError) as err:
        parse_date(cell)
    assert err.value.rule == "value.bad_date"
    assert str(cell) in err.value.reason
    assert why in err.value.reason


# --------------------------------------------------------------------------- choices

STATUS = {"aktif": "aktif", "tidak aktif": "tidak aktif", "pemerintah kabupaten/kota": "pkk"}


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("AKTIF", "aktif"),
        ("Tidak  aktif", "tidak aktif"),
        (" tidak aktif ", "tidak aktif"),
        ("Pemerintah Kabupaten / Kota", "pkk"),
        ("", None),
        (None, None),
    ],
)
def test_parse_choice(cell, expected):
    assert parse_choice(cell, STATUS) == expected


def test_parse_choice_unknown_lists_allowed_values():
    with pytest.raises(CellError) as err:
        parse_choice("aktip", STATUS)
    assert err.value.rule == "value.unknown_choice"
    assert "'aktip'" in err.value.reason
    assert "aktif, tidak aktif" in err.value.reason


def test_parse_choice_numbers_from_xlsx():
    assert parse_choice(1, {"1": "aktif"}) == "aktif"
    assert parse_choice(1.0, {"1": "aktif"}) == "aktif"


def test_choice_key():
    assert choice_key("  Self_Declare ") == "self declare"
    assert choice_key("Kementerian / Lembaga") == "kementerian/lembaga"


# --------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    "cell, kwargs, expected",
    [
        ("0123456789012", {"digits": 13}, "0123456789012"),
        (" 0123456789012 ", {"digits": 13}, "0123456789012"),
        ("'0123456789012", {"digits": 13}, "0123456789012"),
        ("0123 4567 89012", {"digits": 13}, "0123456789012"),
        (123456789012, {"digits": 13}, "0123456789012"),  # XLSX int lost its leading zero
        (1234567890123, {"digits": 13}, "1234567890123"),
        (1234567890123.0, {"digits": 13}, "1234567890123"),
        (1111, {"digits": 5}, "01111"),
        ("01111", {"digits": 5}, "01111"),
        ("007001", {"digits_only": True}, "007001"),
        (7001, {"digits_only": True}, "7001"),
        ("500/123/DISKOP/2023", {}, "500/123/DISKOP/2023"),
        ("Nomor  12   Tahun 2023", {}, "Nomor 12 Tahun 2023"),
        (12, {}, "12"),
        ("", {"digits": 13}, None),
        ("'", {"digits": 13}, None),
        (None, {"digits": 13}, None),
    ],
)
def test_parse_identifier(cell, kwargs, expected):
    assert parse_identifier(cell, name="nib", **kwargs) == expected


@pytest.mark.parametrize(
    "cell", ["1.23457E+12", "1,23457E+12", "1.23457e12", "1E+12", 1.5, 123456789012.5]
)
def test_parse_identifier_refuses_scientific_notation(cell):
    with pytest.raises(CellError) as err:
        parse_identifier(cell, digits=13, name="nib")
    assert err.value.rule == "value.scientific_notation"
    assert "nib" in err.value.reason


def test_parse_identifier_refuses_numbers_excel_truncated():
    with pytest.raises(CellError) as err:
        parse_identifier(7401012345678900, digits_only=True, name="nik_koperasi")
    assert err.value.rule == "value.identifier_precision"
    assert "15 digit" in err.value.reason


@pytest.mark.parametrize(
    "cell, kwargs",
    [
        ("012345678901", {"digits": 13}),  # text is never padded
        ("01234567890123", {"digits": 13}),
        ("12345678901234", {"digits": 13}),
        (12345678901234, {"digits": 13}),
        ("0123456789O12", {"digits": 13}),
        ("KSP-001", {"digits_only": True}),
        ("１２３", {"digits_only": True}),  # full-width digits are not ASCII digits
        (True, {"digits": 13}),
        (-5, {"digits": 13}),
    ],
)
def test_parse_identifier_shape(cell, kwargs):
    with pytest.raises(CellError) as err:
        parse_identifier(cell, name="nib", **kwargs)
    assert err.value.rule == "value.identifier_shape"


# --------------------------------------------------------------------------- regencies


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Kab. Konawe", "Kabupaten Konawe"),
        ("KAB KONAWE", "Kabupaten Konawe"),
        ("Kabupaten  Konawe ", "Kabupaten Konawe"),
        ("kab.konawe selatan", "Kabupaten Konawe Selatan"),
        ("KOTA KENDARI", "Kota Kendari"),
        ("Kota Kendari", "Kota Kendari"),
        ("kota bau-bau", "Kota Bau-Bau"),
        ("Konawe", "Konawe"),
        ("KONAWE UTARA", "Konawe Utara"),
        ("KAB. PANGKAJENE DAN KEPULAUAN", "Kabupaten Pangkajene dan Kepulauan"),
        ("Kab. Kep. Selayar", "Kabupaten Kepulauan Selayar"),
        ("Kota Adm. Jakarta Selatan", "Kota Jakarta Selatan"),
        ("KAB. ADM. KEPULAUAN SERIBU", "Kabupaten Kepulauan Seribu"),
        ("Kotawaringin Barat", "Kotawaringin Barat"),  # 'Kota' inside a name is no prefix
        ("KABUPATEN TOLI-TOLI", "Kabupaten Toli-Toli"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_regency(cell, expected):
    assert normalise_regency(cell) == expected
