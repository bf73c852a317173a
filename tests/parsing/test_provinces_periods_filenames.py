"""Province reference, periods and dropzone file names."""

from __future__ import annotations

from datetime import date

import pytest

from ingest import provinces
from ingest.periods import parse_period
from ingest.submissions.filenames import FileNameError, parse_file_name

# --------------------------------------------------------------------------- provinces


def test_all_provinces_read_from_the_seed():
    all_ = provinces.all_provinces()
    assert len(all_) == 38
    assert len({p.code for p in all_}) == 38
    assert len({p.bps_code for p in all_}) == 38
    sultra = provinces.by_code("74")
    assert sultra.name == "Sulawesi Tenggara"
    assert sultra.bps_code == "7400"
    assert "sultra" in sultra.aliases
    assert provinces.all_provinces() is all_  # cached


@pytest.mark.parametrize(
    "text, code",
    [
        ("74", "74"),
        (74, "74"),
        (74.0, "74"),
        (" 35 ", "35"),
        ("sulawesi-tenggara", "74"),
        ("sultra", "74"),
        ("SULTRA", "74"),
        ("jatim", "35"),
        ("jawa-timur", "35"),
        ("jawa_timur", "35"),
        ("Prov. Jawa Timur", "35"),
        ("Prov Jawa Timur", "35"),
        ("PROVINSI JAWA TIMUR", "35"),
        ("JAWA TIMUR", "35"),
        ("Jawa   Timur", "35"),
        ("diy", "34"),
        ("D.I. Yogyakarta", "34"),
        ("Daerah Istimewa Yogyakarta", "34"),
        ("d.k.i. jakarta", "31"),
        ("DKI Jakarta", "31"),
        ("Kep. Riau", "21"),
        ("kep-riau", "21"),
        ("Kepulauan Riau", "21"),
        ("kepri", "21"),
        ("Kep. Bangka Belitung", "19"),
        ("nad", "11"),
        ("Papua", "91"),
        ("papua-barat", "92"),
        ("Papua Barat Daya", "96"),
        ("papua-pegunungan", "95"),
        ("NTT", "53"),
    ],
)
def test_resolve_accepts_codes_and_name_variants(text, code):
    found = provinces.resolve(text)
    assert found is not None and found.code == code


@pytest.mark.parametrize(
    "text",
    ["7400", 7400, "9400", "740", "7", "00", "99", "", "   ", None, True, "Atlantis", "jawa"],
)
def test_resolve_rejects_bps_codes_and_unknowns(text):
    assert provinces.resolve(text) is None


@pytest.mark.parametrize(
    "bps, code",
    [
        ("7400", "74"),
        (7400, "74"),
        ("9400", "91"),  # Papua
        ("9100", "92"),  # Papua Barat
        ("9500", "93"),
        ("9600", "94"),
        ("9700", "95"),
        ("9200", "96"),  # Papua Barat Daya
        ("3400", "34"),
    ],
)
def test_by_bps_joins_through_the_table_not_string_arithmetic(bps, code):
    assert provinces.by_bps(bps).code == code


def test_by_bps_unknown_and_kemendagri_codes():
    assert provinces.by_bps("74") is None
    assert provinces.by_bps("9999") is None  # BPS national aggregate
    assert provinces.by_bps(None) is None
    assert provinces.by_bps("abcd") is None


def test_by_code():
    assert provinces.by_code("91").bps_code == "9400"
    assert provinces.by_code(92).bps_code == "9100"
    with pytest.raises(KeyError):
        provinces.by_code("99")
    with pytest.raises(KeyError):
        provinces.by_code("7400")


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    "text, label, kind, index, start, end",
    [
        ("2024", "2024", "year", 0, date(2024, 1, 1), date(2024, 12, 31)),
        ("2024S1", "2024S1", "semester", 1, date(2024, 1, 1), date(2024, 6, 30)),
        ("2024s2", "2024S2", "semester", 2, date(2024, 7, 1), date(2024, 12, 31)),
        ("2024Q1", "2024Q1", "quarter", 1, date(2024, 1, 1), date(2024, 3, 31)),
        ("2024q2", "2024Q2", "quarter", 2, date(2024, 4, 1), date(2024, 6, 30)),
        (" 2024Q3 ", "2024Q3", "quarter", 3, date(2024, 7, 1), date(2024, 9, 30)),
        ("2024Q4", "2024Q4", "quarter", 4, date(2024, 10, 1), date(2024, 12, 31)),
    ],
)
def test_parse_period(text, label, kind, index, start, end):
    p = parse_period(text)
    assert (p.label, p.type, p.year, p.index, p.start, p.end) == (
        label,
        kind,
        2024,
        index,
        start,
        end,
    )


@pytest.mark.parametrize(
    "text", ["2024S3", "2024Q5", "2024Q0", "24Q1", "2024-Q1", "", "Q12024", "20245"]
)
def test_parse_period_rejects(text):
    with pytest.raises(ValueError, match="not a period"):
        parse_period(text)


def test_previous_year_keeps_the_type():
    assert parse_period("2024Q3").previous_year() == parse_period("2023Q3")
    assert parse_period("2024S1").previous_year().label == "2023S1"
    assert parse_period("2021").previous_year().end == date(2020, 12, 31)


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    "name, dataset, code, period, ext",
    [
        ("umkm_74_2024.csv", "umkm", "74", "2024", "csv"),
        ("UMKM_SULTRA_2024S1.XLSX", "umkm", "74", "2024S1", "xlsx"),
        ("koperasi_sulawesi-tenggara_2021.xlsx", "koperasi", "74", "2021", "xlsx"),
        ("indikator_umkm_jatim_2024q3.csv", "indikator_umkm", "35", "2024Q3", "csv"),
        ("kerja_sama_jawa-timur_2023_revisi.xlsx", "kerja_sama", "35", "2023", "xlsx"),
        ("kegiatan_kerja_sama_35_2023Q2_v2.csv", "kegiatan_kerja_sama", "35", "2023Q2", "csv"),
        ("kegiatan_kerja_sama_diy_2023_final.csv", "kegiatan_kerja_sama", "34", "2023", "csv"),
        ("umkm_papua-barat_2024.csv", "umkm", "92", "2024", "csv"),
        ("umkm_papua_barat_2024.csv", "umkm", "92", "2024", "csv"),
        ("umkm_kep-riau_2024.csv", "umkm", "21", "2024", "csv"),
        ("umkm_91_2024.csv", "umkm", "91", "2024", "csv"),
        ("sub/folder/umkm_74_2024.csv", "umkm", "74", "2024", "csv"),
        ("umkm_74_2024 (1).csv", "umkm", "74", "2024", "csv"),
    ],
)
def test_parse_file_name(name, dataset, code, period, ext):
    n = parse_file_name(name)
    assert (n.dataset, n.province.code, n.period.label, n.ext) == (dataset, code, period, ext)


@pytest.mark.parametrize(
    "name, rule, reason_part",
    [
        ("umkm_74_2024.xls", "file.name_bad_extension", ".xls"),
        ("umkm_74_2024.pdf", "file.name_bad_extension", ".pdf"),
        ("umkm_74_2024", "file.name_bad_extension", "tanpa ekstensi"),
        ("usaha_74_2024.csv", "file.name_unknown_dataset", "jenis data"),
        ("umkmx_74_2024.csv", "file.name_unknown_dataset", "jenis data"),
        ("umkm_74.csv", "file.name_format", "<provinsi>"),
        ("umkm_atlantis_2024.csv", "file.name_unknown_province", "'atlantis'"),
        ("umkm_7400_2024.csv", "file.name_unknown_province", "kode BPS"),
        ("umkm_74_2024Q5.csv", "file.name_bad_period", "2024Q5"),
        ("umkm_74_semester1.csv", "file.name_bad_period", "semester1"),
    ],
)
def test_parse_file_name_rejects(name, rule, reason_part):
    with pytest.raises(FileNameError) as err:
        parse_file_name(name)
    assert err.value.rule == rule
    assert reason_part in err.value.reason
    assert err.value.detail  # English detail for engineers
    assert isinstance(err.value, ValueError)
